#!/bin/sh
# SPDX-License-Identifier: MIT
# ledger_read.sh (attribute, tags and unit on the store against the bills,
# byte for byte) and the test_ledger_read unit tests with the store on a
# throwaway PostgreSQL cluster (tests/store/run_pg_tests.sh), the database
# emptied before each. Exit 77 (skip) only when PostgreSQL is absent outside CI.
#   usage: ledger_read_pg.sh MLCOST SOURCE_DIR
set -u
M=$1 SRC=$2
tests=$(dirname "$M")/tests
[ -x "$tests/test_ledger_read" ] || { echo "FAIL: $tests/test_ledger_read not built"; exit 1; }
reset='PGOPTIONS=--client-min-messages=warning psql "$MLC_TEST_PG_URL" -qc "DROP SCHEMA public CASCADE; CREATE SCHEMA public" >/dev/null'
exec sh "$SRC/tests/store/run_pg_tests.sh" \
  "$reset && '$tests/test_ledger_read'" \
  "$reset && sh '$SRC/tests/cli/ledger_read.sh' '$M' '$SRC'"
