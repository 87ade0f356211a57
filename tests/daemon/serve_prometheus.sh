#!/bin/sh
# SPDX-License-Identifier: MIT
# GET /metrics against the real tools (issue 5): `promtool check metrics`
# accepts the exposition (before and after events, with a budget), then a
# real Prometheus (Debian's) scrapes the server over loopback every second
# with a bearer token (the server has tokens; /metrics needs scope read)
# and its query API returns the cost, requests and budget ratio computed
# here by hand. Exit 77 (skip) when prometheus or promtool is missing.
# usage: serve_prometheus.sh MLCOST SOURCE_DIR
set -u
M=$1 SRC=$2
PROM=$(command -v prometheus || echo /usr/bin/prometheus)
PROMTOOL=$(command -v promtool || echo /usr/bin/promtool)
[ -x "$PROM" ] && [ -x "$PROMTOOL" ] ||
  { echo "SKIP: prometheus/promtool not installed (Debian: prometheus)"; exit 77; }
TMP=$(mktemp -d)
. "$SRC/tests/daemon/proof_lib.inc"

INGEST=prom-test-ingest-token
SCRAPE=prom-test-scrape-token
cat >"$TMP/budgets.yaml" <<'Y'
version: 1
budgets:
  - {name: ranker-month, filter: {model: ranker}, amount: 8, period: month}
Y
cat >"$TMP/serve.yaml" <<Y
listen: 127.0.0.1:0
store: store.db
wal_dir: wal
budgets: budgets.yaml
tokens:
  - {name: fleet, sha256: $(hash "$INGEST"), scopes: [ingest]}
  - {name: prometheus, sha256: $(hash "$SCRAPE"), scopes: [read]}
Y
start_server S "$TMP/serve.yaml"

check_metrics() { # WHAT
  st=$(req GET "$URL/metrics" "$SCRAPE")
  [ "$st" = 200 ] || fail "GET /metrics: $st"
  "$PROMTOOL" check metrics <"$TMP/body" >"$TMP/promtool.out" 2>&1 ||
    fail "promtool check metrics ($1): $(cat "$TMP/promtool.out")"
  grep -q "^# TYPE mlcost_cost_usd_total counter" "$TMP/body" || fail "no mlcost_cost_usd_total"
}
check_metrics "no events yet"
[ "$(req GET "$URL/metrics" "")" = 401 ] || fail "/metrics without a token is not 401"

# ranker: 1.5 + 0.25 + 0.125 + 0.0625 = 1.9375 USD, 1 + 2 + 3 + 4 = 10 requests;
# budget ratio 1.9375 / 8 = 0.2421875. chat: 0.000000000001 + 0.75 = 0.750000000001,
# 2 requests. All these are exact in binary but the last, which Prometheus
# holds as the nearest double of 0.750000000001.
cat >"$TMP/events.ndjson" <<'J'
{"id":"p1","model":"ranker","team":"search","cost_usd":"1.5","requests":1}
{"id":"p2","model":"ranker","team":"search","cost_usd":"0.25","requests":2}
{"id":"p3","model":"ranker","team":"ads","cost_usd":"0.125","requests":3}
{"id":"p4","model":"ranker","team":"ads","cost_usd":"0.0625","requests":4}
{"id":"p5","model":"chat","team":"search","cost_usd":"0.000000000001"}
{"id":"p6","model":"chat","team":"search","cost_usd":"0.75"}
J
st=$(req POST "$URL/v1/events" "$INGEST" --data-binary @"$TMP/events.ndjson")
[ "$st" = 200 ] && [ "$(jget 'j["accepted"]')" = 6 ] || fail "POST: $st $(cat "$TMP/body")"
check_metrics "after events"

PPORT=$(free_port)
printf %s "$SCRAPE" >"$TMP/scrape.token"
cat >"$TMP/prometheus.yml" <<Y
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: mlcost
    authorization:
      credentials_file: $TMP/scrape.token
    static_configs:
      - targets: ['127.0.0.1:$PORT']
Y
"$PROMTOOL" check config "$TMP/prometheus.yml" >"$TMP/promtool.out" 2>&1 ||
  fail "promtool check config: $(cat "$TMP/promtool.out")"
"$PROM" --config.file="$TMP/prometheus.yml" --storage.tsdb.path="$TMP/tsdb" \
  --web.listen-address="127.0.0.1:$PPORT" --log.level=warn 2>"$TMP/prometheus.log" &
track $!

# query EXPR: prints the value of the single sample of an instant query, or nothing
query() {
  curl -s -G --data-urlencode "query=$1" "http://127.0.0.1:$PPORT/api/v1/query" |
    python3 -c 'import json,sys
try:
    r = json.load(sys.stdin)["data"]["result"]
except Exception:
    sys.exit(0)
if len(r) == 1:
    print(r[0]["value"][1])'
}
# await EXPR WANT: until the query's value equals WANT as a double (30 s at most)
await() {
  i=0
  while [ $i -lt 150 ]; do
    got=$(query "$1")
    if [ -n "$got" ] && python3 -c 'import sys; sys.exit(float(sys.argv[1]) != float(sys.argv[2]))' \
      "$got" "$2"; then
      echo "prometheus: $1 = $got"
      return 0
    fi
    sleep 0.2
    i=$((i + 1))
  done
  fail "prometheus: $1 = '$got' after 30 s, want $2"
}
await 'up{job="mlcost"}' 1
await 'sum(mlcost_cost_usd_total{model="ranker"})' 1.9375
await 'sum(mlcost_requests_total{model="ranker"})' 10
await 'sum(mlcost_cost_usd_total{model="ranker",team="ads"})' 0.1875
await 'sum(mlcost_cost_usd_total{model="chat"})' 0.750000000001
await 'mlcost_budget_used_ratio{budget="ranker-month"}' 0.2421875
await 'sum(mlcost_cost_usd_total)' 2.687500000001 # 1.9375 + 0.750000000001
await 'sum(mlcost_metered_events_total)' 6

# more events show at the next scrapes: ranker + 6.0625 = 8 = the budget amount
st=$(req POST "$URL/v1/events" "$INGEST" -d '{"id":"p7","model":"ranker","cost_usd":"6.0625"}')
[ "$st" = 200 ] || fail "POST p7: $st"
await 'sum(mlcost_cost_usd_total{model="ranker"})' 8
await 'mlcost_budget_used_ratio{budget="ranker-month"}' 1
await 'sum(mlcost_events_ingested_total)' 7
check_metrics "budget spent"

stop_server S TERM
[ "$STOP_STATUS" = 0 ] || fail "exit status $STOP_STATUS"
echo "ok"
