#!/bin/sh
# SPDX-License-Identifier: MIT
# The metering engine's tests against a throwaway PostgreSQL cluster (see
# tests/store/run_pg_tests.sh): test_store_meter (the store's meter
# tables), test_engine and test_engine_recovery (the engine, including two
# servers sharing one database and a lost connection). Exit 77 (skip)
# only when the PostgreSQL binaries are absent outside CI.
#   usage: engine_pg.sh MLCOST SOURCE_DIR
set -u
tests=$(dirname "$1")/tests
for t in test_store_meter test_engine test_engine_recovery; do
  [ -x "$tests/$t" ] || { echo "FAIL: $tests/$t not built"; exit 1; }
done
exec sh "$2/tests/store/run_pg_tests.sh" "$tests/test_store_meter" "$tests/test_engine" \
  "$tests/test_engine_recovery"
