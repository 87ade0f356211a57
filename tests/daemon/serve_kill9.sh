#!/bin/sh
# SPDX-License-Identifier: MIT
# The kill -9 durability proof (issue 5, SPEC §8 "an acknowledged (2xx)
# event is durable: it survives kill -9"): four client threads stream
# batches of events with unique ids and exact costs while the server is
# killed with SIGKILL at random moments, five times, and restarted on the
# same wal_dir and SQLite store. Afterwards every acknowledged event is
# counted exactly once, nothing unacknowledged twice, and the totals are
# the client's own Decimal sum (tests/daemon/kill9_client.py has the
# checks). The log is compacted every 20 ms so the kills land both
# between and inside compactions. KILL9_SEED=N replays a run.
# usage: serve_kill9.sh MLCOST SOURCE_DIR
set -u
M=$1 SRC=$2
TMP=$(mktemp -d)
. "$SRC/tests/daemon/proof_lib.inc"

cat >"$TMP/serve.yaml" <<Y
listen: 127.0.0.1:0
store: store.db
wal_dir: wal
fsync: true
compact_interval_ms: 20
threads: 4
Y
seed=${KILL9_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
python3 "$SRC/tests/daemon/kill9_client.py" --mlcost "$M" --dir "$TMP" --kills 5 --seed "$seed"
