#!/bin/sh
# SPDX-License-Identifier: MIT
# Idempotent ingest by event id: the same batch sent again is all
# duplicates and the totals do not move; an id twice in one batch counts
# once; after a graceful restart (log compacted into the store) and after
# a restart with events still only in the log, the batch is still all
# duplicates and the totals are still the hand-computed sum.
# usage: serve_idempotency.sh MLCOST SOURCE_DIR
set -u
M=$1 SRC=$2
TMP=$(mktemp -d)
. "$SRC/tests/daemon/serve_lib.inc"

write_config() { # COMPACT_MS
  cat >"$TMP/serve.yaml" <<Y
listen: 127.0.0.1:0
store: store.db
wal_dir: wal
compact_interval_ms: $1
Y
}
write_config 50

# 0.1 + 0.2 + 0.000000000001 = 0.300000000001 (exact; as doubles it would not be)
cat >"$TMP/batch.json" <<'J'
[{"id":"i1","model":"a","cost_usd":"0.1"},
 {"id":"i2","model":"a","cost_usd":"0.2","requests":2},
 {"id":"i3","model":"b","cost_usd":"0.000000000001"}]
J
WANT="('0.300000000001', 4, 3)"

totals() {
  expect 200 GET /v1/costs ""
  got=$(jget '(j["total"]["cost"], j["total"]["requests"], j["total"]["events"])')
  [ "$got" = "$1" ] || fail "$2: totals $got, want $1"
}

send_batch() { # WANT_ACCEPTED WANT_DUPLICATES WHAT
  expect 200 POST /v1/events "" --data-binary @"$TMP/batch.json"
  got=$(jget '(j["accepted"], j["duplicates"])')
  [ "$got" = "($1, $2)" ] || fail "$3: (accepted, duplicates) = $got, want ($1, $2)"
}

start_server "$TMP/serve.yaml"
send_batch 3 0 "first send"
totals "$WANT" "after the first send"
send_batch 0 3 "second send"
totals "$WANT" "after the second send"
expect 200 POST /v1/events "" -d '[{"id":"i4","cost_usd":"1"},{"id":"i4","cost_usd":"1"}]'
[ "$(jget '(j["accepted"], j["duplicates"])')" = "(1, 1)" ] || fail "an id twice in one batch"
WANT="('1.300000000001', 5, 4)" # i4 once: + 1 USD, 1 request
totals "$WANT" "after i4"

# graceful restart: everything is compacted into the store on the way out
stop_server TERM
[ "$STOP_STATUS" = 0 ] || fail "exit status $STOP_STATUS"
start_server "$TMP/serve.yaml"
totals "$WANT" "after a restart"
send_batch 0 3 "resend after a restart"
totals "$WANT" "after the resend"

# restart with the events only in the log (no compaction before the stop)
stop_server TERM
write_config 3600000
start_server "$TMP/serve.yaml"
expect 200 POST /v1/events "" -d '{"id":"i5","model":"c","cost_usd":"2","requests":1}'
WANT="('3.300000000001', 6, 5)"
stop_server KILL # no flush at all: recovery replays the log
start_server "$TMP/serve.yaml"
totals "$WANT" "after recovery from the log"
expect 200 POST /v1/events "" -d '{"id":"i5","model":"c","cost_usd":"2","requests":1}'
[ "$(jget '(j["accepted"], j["duplicates"])')" = "(0, 1)" ] || fail "i5 resent after recovery"
totals "$WANT" "after i5 resent"
stop_server TERM
[ "$STOP_STATUS" = 0 ] || fail "exit status $STOP_STATUS"
echo "ok"
