#!/bin/sh
# SPDX-License-Identifier: MIT
# The store's unit tests (test_store: the suite; test_store_crash: kill -9
# mid-ingest and concurrent writers) against a throwaway PostgreSQL
# cluster; see tests/store/run_pg_tests.sh. Exit 77 (skip) only when the
# PostgreSQL binaries are absent outside CI.
#   usage: store_pg.sh MLCOST SOURCE_DIR
set -u
tests=$(dirname "$1")/tests
for t in test_store test_store_crash; do
  [ -x "$tests/$t" ] || { echo "FAIL: $tests/$t not built"; exit 1; }
done
exec sh "$2/tests/store/run_pg_tests.sh" "$tests/test_store" "$tests/test_store_crash"
