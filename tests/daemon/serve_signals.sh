#!/bin/sh
# SPDX-License-Identifier: MIT
# Signals: SIGHUP reloads the budgets (a changed amount shows in
# /v1/budgets; a broken file leaves the budgets in force and is logged);
# SIGTERM stops accepting connections at once, lets a request in flight (a
# slow upload) finish with its 200, exits 0, and the events it acknowledged
# are in the totals after a restart. Also: the warning of an open server
# names the port it is bound to.
# usage: serve_signals.sh MLCOST SOURCE_DIR
set -u
M=$1 SRC=$2
TMP=$(mktemp -d)
. "$SRC/tests/daemon/serve_lib.inc"

budgets() { # AMOUNT
  printf 'budgets:\n  - {name: all, amount: %s, period: month}\n' "$1" >"$TMP/budgets.yaml"
}
budgets 10
cat >"$TMP/serve.yaml" <<'Y'
listen: 127.0.0.1:0
store: store.db
wal_dir: wal
budgets: budgets.yaml
Y
start_server "$TMP/serve.yaml"
# an open server says so at start, with the port it is bound to (listen asks for port 0)
grep -q "warning: no tokens configured: anyone who can reach 127.0.0.1:$PORT may" "$TMP/log" ||
  fail "the open-server warning does not name the bound port $PORT"
expect 200 POST /v1/events "" -d '{"id":"h1","model":"m","cost_usd":"4"}'
expect 200 GET /v1/budgets ""
[ "$(jget '[(b["amount"], b["used"], b["ratio"]) for b in j["budgets"]]')" = "[('10', '4', 0.4)]" ] ||
  fail "budgets before reload: $(cat "$TMP/body")"

# a new amount, then SIGHUP: 4 / 5 = 0.8
budgets 5
kill -HUP "$PID"
i=0
while ! grep -q "reloaded" "$TMP/log" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
grep -q "reloaded: .* 1 budgets" "$TMP/log" || fail "no reload logged"
expect 200 GET /v1/budgets ""
[ "$(jget '[(b["amount"], b["ratio"]) for b in j["budgets"]]')" = "[('5', 0.8)]" ] ||
  fail "budgets after reload: $(cat "$TMP/body")"

# a broken file: the reload fails, is logged with the position, the budgets stay
printf 'budgets:\n  - {name: all, amount: -1}\n' >"$TMP/budgets.yaml"
kill -HUP "$PID"
i=0
while ! grep -q "reload failed" "$TMP/log" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
grep -q "reload failed: .*budgets.yaml:2:" "$TMP/log" || fail "failed reload not logged"
expect 200 GET /v1/budgets ""
[ "$(jget '[b["amount"] for b in j["budgets"]]')" = "['5']" ] || fail "budgets lost on a bad reload"

# SIGTERM with a slow upload in flight: 3 events padded to 6000 bytes at 2000 bytes/s
python3 - "$TMP/slow.json" <<'P'
import sys
body = '[{"id":"t1","cost_usd":"1"},{"id":"t2","cost_usd":"1"},{"id":"t3","cost_usd":"1"}]'
open(sys.argv[1], "w").write(body + " " * (6000 - len(body)))
P
curl -s -o "$TMP/slow.out" -w '%{http_code}' --limit-rate 2000 -H 'Expect:' \
  --data-binary @"$TMP/slow.json" "$URL/v1/events" >"$TMP/slow.status" &
CURL=$!
sleep 1
kill -TERM "$PID"
sleep 0.3
# new connections are refused once stopping (curl: 7, could not connect)
curl -s -o /dev/null --max-time 2 "$URL/healthz"
st=$?
[ $st = 7 ] || fail "a new connection after SIGTERM: curl exit $st, want 7 (refused)"

wait $CURL
[ "$(cat "$TMP/slow.status")" = 200 ] || fail "in-flight request: $(cat "$TMP/slow.status") $(cat "$TMP/slow.out")"
grep -q '"accepted":3' "$TMP/slow.out" || fail "in-flight request body: $(cat "$TMP/slow.out")"
wait "$PID"
STOP_STATUS=$?
PID=
[ "$STOP_STATUS" = 0 ] || fail "exit status $STOP_STATUS after SIGTERM"
grep -q "stopped" "$TMP/log" || fail "no stop logged"

# a broken budgets file stops a start (exit 3) with its position
"$M" serve --config "$TMP/serve.yaml" 2>"$TMP/err"
[ $? = 3 ] || fail "start with bad budgets: exit status"
grep -q "budgets.yaml:2:.*amount" "$TMP/err" || fail "start with bad budgets: $(cat "$TMP/err")"
budgets 5
start_server "$TMP/serve.yaml"
expect 200 GET /v1/costs ""
[ "$(jget 'j["total"]["cost"]')" = 7 ] || fail "totals after restart (4 + 3 x 1): $(cat "$TMP/body")"
stop_server TERM
echo "ok"
