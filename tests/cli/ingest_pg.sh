#!/bin/sh
# SPDX-License-Identifier: MIT
# `mlcost ingest` against PostgreSQL, in a throwaway cluster
# (tests/store/run_pg_tests.sh): the ingest unit tests on that back-end,
# then, through the CLI (tests/cli/ingest_lib.inc, checked by
# tests/cli/ingest_check.py): the FOCUS sample, re-ingest and restatement;
# two `mlcost ingest` processes at the same time, first of different
# billing periods (both land), then of the same one (one version, equal to a
# single ingest); kill -9 mid-write keeps the previous slice exactly.
# Exit 77 (skip) only when the PostgreSQL binaries are absent outside CI.
#   usage: ingest_pg.sh MLCOST SOURCE_DIR
set -u
M=$1 SRC=$2
if [ "${3:-}" != inner ]; then
  tests=$(dirname "$M")/tests
  for t in test_ingest test_ingest_samples; do
    [ -x "$tests/$t" ] || { echo "FAIL: $tests/$t not built"; exit 1; }
  done
  exec sh "$SRC/tests/store/run_pg_tests.sh" "$tests/test_ingest" "$tests/test_ingest_samples" \
    "sh '$0' '$M' '$SRC' inner"
fi

DATA=$SRC/../shared/data
KIND=postgres
command -v python3 >/dev/null 2>&1 || { echo "FAIL: python3 is needed"; exit 1; }
command -v psql >/dev/null 2>&1 || { echo "FAIL: psql is needed"; exit 1; }
TMP=$(mktemp -d /tmp/mlc_ingest_pg_XXXXXX) || exit 1
trap 'rm -rf "$TMP"' EXIT
. "$SRC/tests/cli/ingest_lib.inc"
STORE=$MLC_TEST_PG_URL
reset() {
  psql "$STORE" -qc "DROP TABLE IF EXISTS costs, slices, ingest_files, ingests, schema_version" \
    >/dev/null 2>&1 || fail "reset the database"
}

reset
sample_checks

# two processes at once, different billing periods (March, and a copy moved to May)
reset
python3 "$DATA/../bench/gen_focus.py" --rows 100000 --seed 42 --out "$TMP/mar.csv" 2>/dev/null ||
  fail "gen"
sed 's/2026-04-01/2026-06-01/g; s/2026-03-/2026-05-/g' "$TMP/mar.csv" >"$TMP/may.csv"
attr a_mar.json "$TMP/mar.csv" billed
attr a_may.json "$TMP/may.csv" billed
"$M" ingest "$TMP/mar.csv" --store "$STORE" --format json >"$TMP/c_mar.json" &
p1=$!
"$M" ingest "$TMP/may.csv" --store "$STORE" --format json >"$TMP/c_may.json" &
p2=$!
wait $p1 || fail "March ingest"
wait $p2 || fail "May ingest"
check concurrent_periods

# two processes at once, the same slice: one version, as a single ingest wrote it
"$M" ingest "$TMP/mar.csv" --store "$STORE" --format json >"$TMP/s1.json" &
p1=$!
"$M" ingest "$TMP/mar.csv" --store "$STORE" --format json >"$TMP/s2.json" &
p2=$!
wait $p1 || fail "first of two"
wait $p2 || fail "second of two"
check concurrent_same
rm -f "$TMP/mar.csv" "$TMP/may.csv"

reset
kill_check
echo "ok"
