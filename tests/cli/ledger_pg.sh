#!/bin/sh
# SPDX-License-Identifier: MIT
# ledger_series.sh and ledger_check.sh again with the store on a throwaway
# PostgreSQL cluster (tests/store/run_pg_tests.sh), the database emptied
# before each. Exit 77 (skip) only when PostgreSQL is absent outside CI.
#   usage: ledger_pg.sh MLCOST SOURCE_DIR
set -u
M=$1 SRC=$2
reset='psql "$MLC_TEST_PG_URL" -qc "DROP SCHEMA public CASCADE; CREATE SCHEMA public" >/dev/null'
exec sh "$SRC/tests/store/run_pg_tests.sh" \
  "$reset && sh '$SRC/tests/cli/ledger_series.sh' '$M' '$SRC'" \
  "$reset && sh '$SRC/tests/cli/ledger_check.sh' '$M' '$SRC'"
