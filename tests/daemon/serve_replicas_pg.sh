#!/bin/sh
# SPDX-License-Identifier: MIT
# Scale-out proof (issue 5, SPEC §8): two `mlcost serve` replicas, A and
# B, on different ports with their own wal_dirs, share one throwaway
# PostgreSQL (tests/store/run_pg_tests.sh) and one budgets file, with the
# default compact and refresh intervals. A budget exhausted by spend
# through A is denied by B within one second (measured three times, at
# random phases of the compaction timers, and printed); spend through
# both shows in the totals of both, equal to each other and to the sum
# computed here by hand. Exit 77 (skip) when the PostgreSQL binaries are
# missing (outside CI). REPLICA_EXTRA (settings lines, e.g.
# 'compact_interval_ms: 250') is added to both replicas' configs, to try
# other intervals than the defaults this test is about.
# usage: serve_replicas_pg.sh MLCOST SOURCE_DIR
set -u
M=$1 SRC=$2
if [ -z "${MLC_TEST_PG_URL:-}" ]; then
  # run again inside a throwaway cluster, which sets MLC_TEST_PG_URL
  exec sh "$SRC/tests/store/run_pg_tests.sh" "sh '$0' '$M' '$SRC'"
fi
TMP=$(mktemp -d)
. "$SRC/tests/daemon/proof_lib.inc"

INGEST=replica-test-ingest-token
READ=replica-test-read-token
cat >"$TMP/budgets.yaml" <<'Y'
version: 1
budgets:
  - {name: chat-a-month, filter: {model: chat-a}, amount: 5, period: month}
  - {name: chat-b-month, filter: {model: chat-b}, amount: 3, period: month}
  - {name: chat-c-month, filter: {model: chat-c}, amount: 2, period: month}
  - {name: everything, amount: 100000, period: year}
Y
for r in a b; do
  cat >"$TMP/$r.yaml" <<Y
listen: 127.0.0.1:0
store: $MLC_TEST_PG_URL
wal_dir: $r-wal
budgets: budgets.yaml
tokens:
  - {name: fleet, sha256: $(hash "$INGEST"), scopes: [ingest]}
  - {name: reader, sha256: $(hash "$READ"), scopes: [read]}
${REPLICA_EXTRA:-}
Y
done
start_server A "$TMP/a.yaml"
start_server B "$TMP/b.yaml"
echo "replica A on $A_URL, replica B on $B_URL"

# spend MODEL UNDER LAST: through A, events that leave MODEL's budget just
# under its amount (all allowed on both replicas), then LAST, which reaches
# the amount exactly (allow is used < amount); print how long B takes to deny
spend_and_race() {
  python3 - "$A_URL" "$B_URL" "$INGEST" "$READ" "$@" <<'PY' || fail "budget race on $1"
import http.client, json, random, sys, time, urllib.parse
from decimal import Decimal
a, b, ingest, read, model, under, last = sys.argv[1:8]
under = under.split(",")

def call(url, method, path, token, body=None):
    u = urllib.parse.urlsplit(url)
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=5)
    c.request(method, path, body=body, headers={"Authorization": "Bearer " + token})
    r = c.getresponse()
    data = r.read()
    c.close()
    if r.status != 200:
        sys.exit("%s %s%s: %d %r" % (method, url, path, r.status, data))
    return json.loads(data)

def check(url):
    return call(url, "GET", "/v1/budgets/check?model=" + model, read)

events = [{"id": "%s-%d" % (model, i), "model": model, "team": "t", "cost_usd": c}
          for i, c in enumerate(under)]
ans = call(a, "POST", "/v1/events", ingest, json.dumps(events))
assert ans["accepted"] == len(events), ans
time.sleep(1.5)  # past a compaction and a refresh: B sees the spend, still allowed
for url in (a, b):
    j = check(url)
    if j["allow"] is not True or Decimal(j["used"]) != sum(map(Decimal, under)):
        sys.exit("%s before the last event: %r (want allow, used %s)"
                 % (url, j, sum(map(Decimal, under))))
time.sleep(random.uniform(0, 1))  # a random phase of both replicas' timers
ev = {"id": model + "-last", "model": model, "team": "t", "cost_usd": last}
ans = call(a, "POST", "/v1/events", ingest, json.dumps(ev))
t0 = time.monotonic()
assert ans["accepted"] == 1, ans
j = check(a)
if j["allow"] is not False:
    sys.exit("A itself still allows %s right after the spend: %r" % (model, j))
polls = 0
while True:
    j = check(b)
    polls += 1
    if j["allow"] is False:
        break
    if time.monotonic() - t0 > 5:
        sys.exit("B still allows %s 5 s after A exhausted its budget: %r" % (model, j))
    time.sleep(0.002)
delay = (time.monotonic() - t0) * 1000
want = sum(map(Decimal, under)) + Decimal(last)
if Decimal(j["used"]) != want or j["budget"] != model + "-month":
    sys.exit("B denies with %r, want budget %s-month used %s" % (j, model, want))
print("%s: B denied %.0f ms after A's 2xx (%d polls; used %s of %s)"
      % (model, delay, polls, j["used"], j["limit"]))
if delay > 1000:
    sys.exit("B denied %.0f ms after A exhausted the budget, more than 1 s" % delay)
PY
}

# chat-a: 4 x 1.2345 = 4.938 (allowed), + 0.062 = 5.000 = the amount: denied
spend_and_race chat-a 1.2345,1.2345,1.2345,1.2345 0.062
# chat-b: 2.999999999999 (allowed), + 0.000000000001 = 3 = the amount
spend_and_race chat-b 2.999999999999 0.000000000001
# chat-c: 1.5 + 0.25 = 1.75 (allowed), + 0.25 = 2 = the amount
spend_and_race chat-c 1.5,0.25 0.25

# spend through B too: 2 x 0.000000000007 for model other
expect_post() { # URL BODY
  st=$(req POST "$1/v1/events" "$INGEST" --data-binary "$2")
  [ "$st" = 200 ] && [ "$(jget 'j["accepted"]')" = 1 ] || fail "POST $1: $st $(cat "$TMP/body")"
}
expect_post "$B_URL" '{"id":"other-1","model":"other","team":"u","cost_usd":"0.000000000007"}'
expect_post "$B_URL" '{"id":"other-2","model":"other","team":"u","cost_usd":"0.000000000007"}'
# chat-a 5 + chat-b 3 + chat-c 2 + other 2 x 0.000000000007 = 10.000000000014,
# events 4 + 1 + 1 + 1 + 2 + 1 + 2 = 12 (one request each)
WANT="('10.000000000014', 12, 12)"
deadline=$(( $(ms_now) + 3000 ))
for r in A B; do
  eval "u=\$${r}_URL"
  while :; do
    st=$(req GET "$u/v1/costs" "$READ")
    [ "$st" = 200 ] || fail "GET $u/v1/costs: $st"
    got=$(jget '(j["total"]["cost"], j["total"]["requests"], j["total"]["events"])')
    [ "$got" = "$WANT" ] && break
    [ "$(ms_now)" -lt "$deadline" ] || fail "replica $r totals $got, want $WANT"
    sleep 0.05
  done
  echo "replica $r: totals $got"
done
# the same rows by model on both
st=$(req GET "$A_URL/v1/costs?group_by=model" "$READ"); cp "$TMP/body" "$TMP/a_rows"
st=$(req GET "$B_URL/v1/costs?group_by=model" "$READ")
cmp -s "$TMP/a_rows" "$TMP/body" || fail "by model, A: $(cat "$TMP/a_rows") B: $(cat "$TMP/body")"
want_rows="[('chat-a', '5'), ('chat-b', '3'), ('chat-c', '2'), ('other', '0.000000000014')]"
got=$(jget '[(r["model"], r["cost"]) for r in j["rows"]]')
[ "$got" = "$want_rows" ] || fail "rows by model $got, want $want_rows"

# an event sent to A and retried through B (a client failing over) counts
# once on both, once the store has settled it (serve-internals.md)
expect_post "$A_URL" '{"id":"dup-1","model":"other","team":"u","cost_usd":"1"}'
sleep 1.5
st=$(req POST "$B_URL/v1/events" "$INGEST" -d '{"id":"dup-1","model":"other","team":"u","cost_usd":"1"}')
[ "$st" = 200 ] || fail "retry through B: $st"
WANT="('11.000000000014', 13, 13)"
sleep 1.5
for r in A B; do
  eval "u=\$${r}_URL"
  st=$(req GET "$u/v1/costs" "$READ")
  got=$(jget '(j["total"]["cost"], j["total"]["requests"], j["total"]["events"])')
  [ "$got" = "$WANT" ] || fail "replica $r after a retry through B: totals $got, want $WANT"
done

for r in A B; do
  stop_server $r TERM
  [ "$STOP_STATUS" = 0 ] || fail "replica $r: exit status $STOP_STATUS"
done
echo "ok"
