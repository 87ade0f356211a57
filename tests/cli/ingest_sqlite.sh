#!/bin/sh
# SPDX-License-Identifier: MIT
# `mlcost ingest` into an SQLite store, end to end (tests/cli/ingest_lib.inc,
# checked by tests/cli/ingest_check.py): the FOCUS sample's totals as
# reported and as stored equal what `mlcost attribute` makes of the file;
# re-ingest changes nothing; a restated copy replaces its slice; the ingest
# log; kill -9 mid-write keeps the previous slice exactly; usage errors.
# Needs python3 (json, decimal, sqlite3).
#   usage: ingest_sqlite.sh MLCOST SOURCE_DIR
set -u
M=$1 SRC=$2
DATA=$SRC/../shared/data
KIND=sqlite
command -v python3 >/dev/null 2>&1 || { echo "FAIL: python3 is needed"; exit 1; }
[ -d "$DATA" ] || { echo "FAIL: no shared data at $DATA"; exit 1; }
TMP=$(mktemp -d /tmp/mlc_ingest_XXXXXX) || exit 1
trap 'rm -rf "$TMP"' EXIT
. "$SRC/tests/cli/ingest_lib.inc"

# usage and input errors, each with its exit status; none logs an ingest
STORE=$TMP/usage.db
sample=$DATA/focus-sample-data/focus_sample.csv
"$M" ingest --store "$STORE" 2>"$TMP/err"; [ $? = 2 ] || fail "no files: exit 2"
grep -q "no files to ingest" "$TMP/err" || fail "no files: message"
"$M" ingest --list x.csv --store "$STORE" 2>/dev/null; [ $? = 2 ] || fail "--list with files"
"$M" ingest - --store "$STORE" </dev/null 2>"$TMP/err"; [ $? = 2 ] || fail "stdin: exit 2"
grep -q "not stdin" "$TMP/err" || fail "stdin: message"
"$M" ingest "$sample" --tags a,b,c,d,e,f,g --store "$STORE" 2>/dev/null; [ $? = 2 ] ||
  fail "seven tag keys: exit 2"
"$M" ingest "$sample" "$sample" --store "$STORE" 2>"$TMP/err"; [ $? = 2 ] || fail "twice: exit 2"
grep -q "same content" "$TMP/err" || fail "twice: message"
"$M" ingest /nonexistent.csv --store "$STORE" 2>/dev/null; [ $? = 1 ] || fail "missing file: exit 1"
printf 'a,b\n1,2\n' >"$TMP/notabill.csv"
"$M" ingest "$TMP/notabill.csv" --store "$STORE" 2>/dev/null; [ $? = 3 ] || fail "not a bill: exit 3"
"$M" ingest --list --store "$STORE" --format json | grep -q '^{"ingests":\[\],"slices":\[\]}$' ||
  fail "the failures logged nothing"

STORE=$TMP/sample.db
sample_checks
STORE=$TMP/kill.db
kill_check
echo "ok"
