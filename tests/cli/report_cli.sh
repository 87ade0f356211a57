#!/bin/sh
# SPDX-License-Identifier: MIT
# `mlcost report` as a command, without a browser: the default output file and
# what it prints, `-o -`, the same bytes for the same inputs, a page with no
# script and no URL, a report from the ledger store alone (with the same daily
# cost and budgets as the bills give), bills with a store, --as-of, the data
# model's tables against the page's (tests/report/check_report.py), and the
# usage errors' exit codes.
# usage: report_cli.sh MLCOST SOURCE_DIR
set -u
M=$1 SRC=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
E=$SRC/examples
fail() { echo "FAIL: $*"; exit 1; }
M=$(cd "$(dirname "$M")" && pwd)/$(basename "$M")

# the default output, in the working directory, and where it says it is
(cd "$TMP" && "$M" report "$E/focus-ml-bill.csv" --profile "$E/seed.yaml" >out.txt) ||
  fail "report exit $?"
[ -s "$TMP/mlcost-report.html" ] || fail "no mlcost-report.html"
grep -q "mlcost-report.html" "$TMP/out.txt" || fail "does not say where the page is"
# -o - writes the page to stdout, nothing else
"$M" report "$E/focus-ml-bill.csv" --profile "$E/seed.yaml" -o - >"$TMP/stdout.html" ||
  fail "report -o -"
cmp -s "$TMP/stdout.html" "$TMP/mlcost-report.html" || fail "-o - differs from the file"
# deterministic: no clock, no randomness
"$M" report "$E/focus-ml-bill.csv" --profile "$E/seed.yaml" -o "$TMP/again.html" >/dev/null
cmp -s "$TMP/again.html" "$TMP/mlcost-report.html" || fail "two runs differ"
# self-contained
if grep -Eq "<script|https?:|<link| src=" "$TMP/again.html"; then fail "the page loads something"; fi
head -c 15 "$TMP/again.html" | grep -q "<!DOCTYPE html>" || fail "not an HTML page"

# the examples: the page's tables are the data model's (no browser: the page as written)
set -- "$E/focus-ml-bill.csv" --profile "$E/seed.yaml" --usage "$E/usage.csv" \
  --budgets "$E/budgets.yaml" --whatif "$E/whatif.yaml" --variants "$E/variants.yaml"
"$M" report "$@" -o "$TMP/ex.html" >/dev/null || fail "report (examples)"
"$M" report "$@" --format json >"$TMP/ex.json" || fail "report --format json"
echo '{"marks": {}, "sections": ["cost-by-phase", "unit-economics", "daily-cost",
 "actual-by-model", "cost-per-1k", "budgets", "tag-coverage", "untagged", "whatifs",
 "frontier"]}' >"$TMP/ex.expect.json"
python3 "$SRC/tests/report/check_report.py" "$TMP/ex.html" "$TMP/ex.json" \
  "$TMP/ex.expect.json" >/dev/null || fail "the page's tables differ from the JSON"

# the store alone gives the same daily cost and budgets as the bills it was ingested from
"$M" ingest --store "$TMP/s.db" "$E/focus-ml-bill.csv" >/dev/null || fail ingest
"$M" report --store "$TMP/s.db" --budgets "$E/budgets.yaml" --format json >"$TMP/st.json" ||
  fail "report --store"
"$M" report "$E/focus-ml-bill.csv" --budgets "$E/budgets.yaml" --format json \
  >"$TMP/bi.json" || fail "report bills"
python3 - "$TMP/st.json" "$TMP/bi.json" <<'PY' || fail "the store and the bills disagree"
import json, sys
st, bi = (json.load(open(p)) for p in sys.argv[1:3])
sec = lambda d, i: next(s for s in d["sections"] if s["id"] == i)
for sid in ("daily-cost", "budgets", "tag-coverage"):
    a, b = sec(st, sid)["table"]["rows"], sec(bi, sid)["table"]["rows"]
    if a != b:
        sys.exit(f"{sid}: store {a[:2]} vs bills {b[:2]}")
# the ledger keeps no ResourceId: the untagged cost is by service there
assert all(r[0] is None for r in sec(st, "untagged")["table"]["rows"])
PY
# bills and a store: the note says which gives what
"$M" report "$E/focus-ml-bill.csv" --store "$TMP/s.db" --format json | grep -q "come from the store" ||
  fail "no note about the sources"

# --as-of: data up to that day (Sep 1 and 2: 538.47 + 373.47 = 911.94 by model)
"$M" report "$E/focus-ml-bill.csv" --as-of 2024-09-02 --format json >"$TMP/asof.json" ||
  fail "--as-of"
python3 - "$TMP/asof.json" <<'PY' || fail "--as-of did not cut the data"
import json, sys
from decimal import Decimal
d = json.load(open(sys.argv[1]), parse_float=Decimal)
assert d["as_of"] == "2024-09-02", d["as_of"]
rows = next(s for s in d["sections"] if s["id"] == "actual-by-model")["table"]["rows"]
assert sum(r[2] for r in rows) == Decimal("911.94"), sum(r[2] for r in rows)
PY

# usage errors exit 2, missing files 1, bad data 3
"$M" report >/dev/null 2>&1; [ $? = 2 ] || fail "no input: not exit 2"
"$M" report --profile "$E/seed.yaml" --horizon 0d >/dev/null 2>&1
[ $? = 2 ] || fail "--horizon 0d: not exit 2"
"$M" report --profile "$TMP/none.yaml" >/dev/null 2>&1; [ $? = 1 ] || fail "missing profile: not exit 1"
printf 'version: 1\nmodels: 3\n' >"$TMP/bad.yaml"
"$M" report --profile "$TMP/bad.yaml" >/dev/null 2>&1; [ $? = 3 ] || fail "bad profile: not exit 3"
"$M" report --store "$TMP/none.db" >/dev/null 2>&1; [ $? = 1 ] || fail "missing store: not exit 1"
[ ! -e "$TMP/none.db" ] || fail "the report created a store"
echo "ok: report_cli"
