#!/bin/sh
# SPDX-License-Identifier: MIT
# `mlcost serve` over loopback: every endpoint and every status it answers
# (200, 400 with the JSON error's position, 401, 403, 404, 405, 413, 429),
# exact totals against sums computed here with Python's Decimal from the
# catalog below, a team-limited token that sees only its team, budgets and
# the budget check, and /metrics (checked by promtool when installed).
# usage: serve_endpoints.sh MLCOST SOURCE_DIR
set -u
M=$1 SRC=$2
TMP=$(mktemp -d)
. "$SRC/tests/daemon/serve_lib.inc"

# test.gpu costs 3.6/h on demand (0.001/s) and 1.8/h spot; llm-a 1 and 2 USD per 1M tokens
cat >"$TMP/catalog.csv" <<'C'
provider,region,resource,unit,on_demand,spot,reserved_1y,reserved_3y,vcpus,memory_gb,gpus,gpu_model,as_of
test,,test.gpu,hour,3.6,1.8,,,8,32,1,T4,2026-01
test,,llm-a:input,1m_tokens,1.0,,,,,,,,2026-01
test,,llm-a:output,1m_tokens,2.0,,,,,,,,2026-01
C
cat >"$TMP/budgets.yaml" <<'B'
budgets:
  - {name: m3-monthly, filter: {model: m3}, amount: 1, period: month, alerts: [50, 100]}
  - {name: ads-team, filter: {tag:team: ads}, amount: 100, period: month}
B
cat >"$TMP/serve.yaml" <<Y
listen: 127.0.0.1:0
threads: 4
catalogs: [catalog.csv]
budgets: budgets.yaml
store: store.db
wal_dir: wal
max_body_bytes: 4KiB
max_events_per_request: 5
memory_days: 3660 # the events below are of February 2026: keep them in memory for years
tokens:
  - {name: admin, sha256: $(token_hash admin-secret), scopes: [admin]}
  - {name: ingest, sha256: $(token_hash ingest-secret), scopes: [ingest]}
  - {name: reader, sha256: $(token_hash reader-secret), scopes: [read]}
  - {name: search, sha256: $(token_hash search-secret), scopes: [read, ingest], teams: [search]}
  - {name: slow, sha256: $(token_hash slow-secret), scopes: [read], rate_limit_per_second: 0.001, rate_limit_burst: 2}
Y
start_server "$TMP/serve.yaml"

# ---- health, routing ----
expect 200 GET /healthz ""
[ "$(jget 'j["status"]')" = ok ] || fail "healthz body"
expect 200 HEAD /healthz ""
expect 404 GET /v1/nothing admin-secret
expect 405 DELETE /v1/costs admin-secret
grep -qi '^Allow: GET, HEAD' "$TMP/headers" || fail "405 without Allow"
expect 405 GET /v1/events admin-secret
grep -qi '^Allow: POST' "$TMP/headers" || fail "405 without Allow: POST"

# ---- ingest ----
cat >"$TMP/batch.json" <<'J'
[{"id":"e1","time":"2026-02-10T10:15:00Z","model":"m1","version":"v1","team":"search","endpoint":"/predict","instance":"test.gpu","compute_seconds":1000},
 {"id":"e2","time":"2026-02-10T11:00:00Z","model":"m1","team":"search","instance":"test.gpu","pricing":"spot","compute_seconds":500,"requests":4},
 {"id":"e3","time":"2026-02-11T00:30:00Z","model":"m2","team":"ads","llm_model":"llm-a","input_tokens":1000,"output_tokens":500},
 {"id":"e4","time":"2026-02-11T01:00:00Z","model":"m2","team":"ads","cost_usd":0.123456789012,"requests":2}]
J
expect 401 POST /v1/events "" --data-binary @"$TMP/batch.json"
grep -qi '^WWW-Authenticate: Bearer' "$TMP/headers" || fail "401 without WWW-Authenticate"
expect 401 POST /v1/events wrong-secret --data-binary @"$TMP/batch.json"
expect 403 POST /v1/events reader-secret --data-binary @"$TMP/batch.json"
expect 200 POST /v1/events ingest-secret --data-binary @"$TMP/batch.json"
[ "$(jget '(j["accepted"], j["duplicates"], j["failed"])')" = "(4, 0, [])" ] ||
  fail "ingest: $(cat "$TMP/body")"

# JSON syntax errors: 400 with line, column and byte offset, nothing taken
printf '{"id":"x1","model":"m1"}\n{"id": }\n' >"$TMP/bad.ndjson"
expect 400 POST /v1/events ingest-secret --data-binary @"$TMP/bad.ndjson"
# the error is at the '}' of line 2: column 8, offset 25 (line 1 is 24 bytes + newline) + 7
[ "$(jget '(j["line"], j["column"], j["offset"])')" = "(2, 8, 32)" ] ||
  fail "syntax error position: $(cat "$TMP/body")"
# per-event failures: no id, unknown instance; nothing valid -> 400 with the list
expect 400 POST /v1/events ingest-secret -d '[{"model":"m1"},{"id":"z","instance":"nope","compute_seconds":1}]'
[ "$(jget '[(f["index"], f.get("id")) for f in j["failed"]]')" = "[(0, None), (1, 'z')]" ] ||
  fail "failed list: $(cat "$TMP/body")"
[ "$(jget 'j["accepted"]')" = 0 ] || fail "accepted on a failed batch"

# ---- limits ----
python3 -c 'import sys; print("[" + ",".join("{\"id\":\"big%d\",\"cost_usd\":1}" % i for i in range(200)) + "]")' >"$TMP/big.json"
expect 413 POST /v1/events ingest-secret --data-binary @"$TMP/big.json"
expect 413 POST /v1/events ingest-secret -H "Transfer-Encoding: chunked" --data-binary @"$TMP/big.json"
expect 413 POST /v1/events ingest-secret -d '[{"id":"n1"},{"id":"n2"},{"id":"n3"},{"id":"n4"},{"id":"n5"},{"id":"n6"}]'
expect 200 GET /v1/costs slow-secret
expect 200 GET /v1/costs slow-secret
expect 429 GET /v1/costs slow-secret
grep -qi '^Retry-After: [1-9]' "$TMP/headers" || fail "429 without Retry-After"

# ---- costs, exact ----
expect 401 GET /v1/costs ""
expect 403 GET /v1/costs ingest-secret
expect 200 GET '/v1/costs?group_by=model' reader-secret
python3 - "$TMP/body" <<'P' || fail "costs by model: $(cat "$TMP/body")"
import json, sys
from decimal import Decimal as D, ROUND_HALF_EVEN
j = json.load(open(sys.argv[1]))
e1 = D("3.6") / 3600 * 1000             # on demand, 1000 s
e2 = D("1.8") / 3600 * 500              # spot, 500 s
e3 = (1000 * D(1) + 500 * D(2)) / 10**6 # tokens
e4 = D("0.123456789012")
def per(c, n): return (c / n).quantize(D("1e-12"), rounding=ROUND_HALF_EVEN)
want = {"m1": (e1 + e2, 1 + 4), "m2": (e3 + e4, 1 + 2)}
got = {r["model"]: (D(r["cost"]), r["requests"]) for r in j["rows"]}
assert got == want, (got, want)
for r in j["rows"]:
    c, n = want[r["model"]]
    assert D(r["cost_per_request"]) == per(c, n), r
t = j["total"]
assert D(t["cost"]) == e1 + e2 + e3 + e4 and t["requests"] == 8 and t["events"] == 4, t
assert j["rows"][1]["input_tokens"] == 1000 and j["rows"][1]["output_tokens"] == 500
P
expect 200 GET '/v1/costs?group_by=team,hour&from=2026-02-10T11:00:00Z&to=2026-02-11' reader-secret
[ "$(jget '[(r["team"], r["hour"], r["cost"]) for r in j["rows"]]')" = "[('search', '2026-02-10T11:00:00Z', '0.25')]" ] ||
  fail "costs by team and hour in [from, to): $(cat "$TMP/body")"
expect 200 GET '/v1/costs?group_by=day,model&model=m2' reader-secret
[ "$(jget '[(r["day"], r["model"]) for r in j["rows"]]')" = "[('2026-02-11', 'm2')]" ] ||
  fail "costs by day for m2: $(cat "$TMP/body")"
expect 400 GET '/v1/costs?group_by=colour' reader-secret
expect 400 GET '/v1/costs?group_by=hour,day' reader-secret
expect 400 GET '/v1/costs?from=yesterday' reader-secret

# ---- a team-limited token ----
expect 200 GET '/v1/costs?group_by=team' search-secret
[ "$(jget '[(r["team"], r["cost"]) for r in j["rows"]], j["total"]["cost"]')" = "([('search', '1.25')], '1.25')" ] ||
  fail "team-limited reader: $(cat "$TMP/body")"
expect 403 GET '/v1/costs?team=ads' search-secret
expect 403 POST /v1/events search-secret -d '{"id":"s1","team":"ads","cost_usd":1}'
expect 200 POST /v1/events search-secret -d '[{"id":"s2","team":"search","cost_usd":0},{"id":"s3","cost_usd":1}]'
[ "$(jget '(j["accepted"], [f["id"] for f in j["failed"]])')" = "(1, ['s3'])" ] ||
  fail "team-limited ingest: $(cat "$TMP/body")"

# ---- budgets (events without a time fall in the current month) ----
expect 200 POST /v1/events ingest-secret -d '{"id":"b1","model":"m3","cost_usd":"0.75"}'
expect 200 GET '/v1/budgets/check?model=m3' ingest-secret
[ "$(jget '(j["allow"], j["budget"], j["used"], j["limit"])')" = "(True, 'm3-monthly', '0.75', '1')" ] ||
  fail "check before the limit: $(cat "$TMP/body")"
expect 200 POST /v1/events ingest-secret -d '{"id":"b2","model":"m3","cost_usd":"0.25"}'
expect 200 GET '/v1/budgets/check?model=m3' reader-secret
[ "$(jget '(j["allow"], j["used"], j["ratio"])')" = "(False, '1', 1)" ] ||
  fail "check at the limit: $(cat "$TMP/body")"
expect 200 GET '/v1/budgets/check?model=other' reader-secret
[ "$(jget '(j["allow"], j["budget"])')" = "(True, None)" ] || fail "check of a model without budget"
expect 200 GET /v1/budgets reader-secret
[ "$(jget '[(b["name"], b["used"], b["remaining"], b["crossed"], b["allow"]) for b in j["budgets"]]')" = \
  "[('m3-monthly', '1', '0', [50, 100], False), ('ads-team', '0', '100', [], True)]" ] ||
  fail "budgets: $(cat "$TMP/body")"
expect 200 GET /v1/budgets search-secret
[ "$(jget 'j["budgets"]')" = "[]" ] || fail "a team-limited token sees other budgets"

# ---- metrics ----
expect 401 GET /metrics ""
expect 200 GET /metrics reader-secret
grep -qi '^Content-Type: text/plain; version=0.0.4' "$TMP/headers" || fail "metrics content type"
grep -q '^mlcost_cost_usd_total{model="m1",team="search",endpoint="/predict",version="v1"} 1$' "$TMP/body" ||
  fail "mlcost_cost_usd_total of e1"
grep -q '^mlcost_budget_used_ratio{budget="m3-monthly"} 1$' "$TMP/body" || fail "budget ratio"
grep -q "^mlcost_events_ingested_total 7$" "$TMP/body" || fail "events ingested: e1-e4, s2, b1, b2"
if command -v promtool >/dev/null 2>&1; then
  promtool check metrics <"$TMP/body" >"$TMP/promtool" 2>&1 || fail "promtool: $(cat "$TMP/promtool")"
fi
expect 200 GET /metrics search-secret
grep -q 'team="ads"' "$TMP/body" && fail "a team-limited token sees ads in /metrics"

stop_server TERM
[ "$STOP_STATUS" = 0 ] || fail "exit status $STOP_STATUS after SIGTERM"
echo "ok"
