#!/bin/sh
# SPDX-License-Identifier: MIT
# `attribute`, `tags` and `unit` with no BILLS read the cost ledger and print
# what they print from the bills it was ingested from. The bundled samples
# (the FOCUS sample, the ML example bill, a gzipped AWS CUR: three formats,
# two providers) go into one store; then each command runs once on the
# files and once on the store, and the outputs (table, csv, json) and exit
# statuses must be byte-identical. Where they legitimately differ, the
# difference itself is checked:
#   - with --where/--from/--to, "rows read" from the store counts the rows of
#     the matching records (the database did the selection), from the files
#     every row read;
#   - `tags` from the store cannot list untagged resources (no ResourceId in
#     the ledger): the table says so and the JSON has "untagged": null;
#   - a row lacking ContractedCost fails `attribute --cost contracted` on the
#     files (without --lenient) but counts 0 in the ledger, as the ingest said.
# Then the errors: no store, --store next to BILLS, dimensions the ledger does
# not keep, tag keys no record carries (the store re-ingested with fewer keys).
# The store is an SQLite file, or the PostgreSQL database ledger_read_pg.sh
# hands in (emptied first). Needs python3 for the JSON checks.
#   usage: ledger_read.sh MLCOST SOURCE_DIR
set -u
M=$1 SRC=$2
DATA=$SRC/../shared/data
command -v python3 >/dev/null 2>&1 || { echo "FAIL: python3 is needed"; exit 1; }
[ -d "$DATA" ] || { echo "FAIL: no shared data at $DATA"; exit 1; }
TMP=$(mktemp -d /tmp/mlc_ledger_read_XXXXXX) || exit 1
trap 'rm -rf "$TMP"' EXIT
STORE=${MLC_TEST_PG_URL:-$TMP/s.db}
fail() { echo "FAIL: $*"; exit 1; }

BILLS="$DATA/focus-sample-data/focus_sample.csv $SRC/examples/focus-ml-bill.csv"
BILLS="$BILLS $DATA/koku/aws_cur_local_bucket-1.csv.gz"
USAGE=$SRC/examples/usage.csv
# shellcheck disable=SC2086 # BILLS is a list of paths without blanks
"$M" ingest $BILLS --store "$STORE" --format json >"$TMP/ingest.json" || fail "ingest"

# run NAME CMD ARGS...: CMD on the bills (f.NAME.*) and on the store (s.NAME.*)
run() {
  r_name=$1 r_cmd=$2
  shift 2
  # shellcheck disable=SC2086
  "$M" "$r_cmd" $BILLS "$@" >"$TMP/f.$r_name.out" 2>"$TMP/f.$r_name.err"
  echo $? >"$TMP/f.$r_name.rc"
  "$M" "$r_cmd" --store "$STORE" "$@" >"$TMP/s.$r_name.out" 2>"$TMP/s.$r_name.err"
  echo $? >"$TMP/s.$r_name.rc"
}

# same NAME CMD ARGS...: byte-identical stdout, stderr and exit status
n_same=0
same() {
  run "$@"
  for x in out err rc; do
    cmp -s "$TMP/f.$1.$x" "$TMP/s.$1.$x" || {
      diff "$TMP/f.$1.$x" "$TMP/s.$1.$x" | head -20
      fail "$*: the store's std$x differs from the bills'"
    }
  done
  [ -s "$TMP/s.$1.out" ] || fail "$*: no output"
  n_same=$((n_same + 1))
}

same a_total attribute
same a_service attribute --by ServiceName
same a_accounts attribute --by ProviderName,BillingAccountId,SubAccountId --cost billed,effective
same a_region_day attribute --by RegionId --bucket day --format csv
same a_env_month attribute --by tag:environment --bucket month --format json
same a_charge attribute --by ChargeCategory,PricingCategory --cost effective,billed --format csv
same a_models_hour attribute --by tag:model_id,tag:lifecycle_phase --bucket hour --format json
same a_currency attribute --by BillingCurrency,ServiceName --cost effective,billed --format json
run t_table tags --require environment,model_id,team
same t_csv tags --require environment,model_id,team,lifecycle_phase --format csv
same t_cost tags --require environment --cost billed --format csv
same t_fail tags --require environment,model_id --fail-under 60 --format csv
same t_pass tags --require model_id --where tag:model_id!= --fail-under 100 --format csv
same u_table unit --usage "$USAGE"
same u_phase unit --usage "$USAGE" --by-phase --format csv
same u_retrain unit --usage "$USAGE" --retrain-every 2d --format json
same u_month unit --usage "$USAGE" --bucket month --by-phase
same u_retrain_table unit --usage "$USAGE" --retrain-every 3d --cost billed
[ "$(cat "$TMP/s.t_fail.rc")" = 4 ] || fail "tags --fail-under 60: exit $(cat "$TMP/s.t_fail.rc")"
grep -q "key 'environment' by cost is" "$TMP/s.t_fail.err" || fail "tags --fail-under: message"

# Filters: the same groups and totals; "rows read" counts what each side read.
# Expected: every row of the bills, from the ingest's own report.
rows_in=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["rows_read"])' \
  "$TMP/ingest.json") || fail "ingest report"
[ "$rows_in" -gt 1000 ] || fail "the ingest read $rows_in rows"
filtered() { # NAME ARGS...: table and json with filters
  name=$1
  shift
  run "$name" attribute "$@"
  matched=$(sed -n 's/.*rows read: [0-9]*, matched: \([0-9]*\)$/\1/p' "$TMP/f.$name.out")
  [ -n "$matched" ] || fail "$name: the bills' footer has no 'matched'"
  grep -q "rows read: $rows_in, matched: $matched\$" "$TMP/f.$name.out" ||
    fail "$name: the bills read $rows_in rows"
  sed "s/rows read: $rows_in, matched: $matched\$/rows read: $matched/" "$TMP/f.$name.out" |
    cmp -s - "$TMP/s.$name.out" || fail "$name: more than 'rows read' differs"
  run "$name.j" attribute "$@" --format json
  python3 - "$TMP/f.$name.j.out" "$TMP/s.$name.j.out" "$rows_in" <<'PY' || fail "$name: json"
import json, sys
f, s = (json.load(open(p)) for p in sys.argv[1:3])
assert f["rows_read"] == int(sys.argv[3]), f["rows_read"]
assert s["rows_read"] == sum(g["rows"] for g in s["groups"]), s["rows_read"]
f["rows_read"] = s["rows_read"]
assert f == s, "groups or totals differ"
PY
}
filtered w_day --by ServiceName --from 2024-09-02 --to 2024-09-03
filtered w_tag --by ServiceName,tag:team --where tag:team!=genai --where RegionId!=
filtered w_provider --by tag:environment --where ProviderName=AWS --bucket day --cost billed
filtered w_none --by ServiceName --where ServiceName=nothing-like-this

# tags: the untagged resources are the bills' alone
run t_json tags --require environment,model_id --format json --top 3
python3 - "$TMP/f.t_json.out" "$TMP/s.t_json.out" <<'PY' || fail "tags json"
import json, sys
f, s = (json.load(open(p)) for p in sys.argv[1:3])
assert len(f["untagged"]) == 3 and s["untagged"] is None, (f["untagged"], s["untagged"])
del f["untagged"], s["untagged"]
assert f == s
PY
# the table: the same shares, then the bills list resources where the store says why it cannot
shares() { sed '/ntagged resources/,$d' "$1"; }
shares "$TMP/f.t_table.out" >"$TMP/f.shares"
shares "$TMP/s.t_table.out" | cmp -s - "$TMP/f.shares" || fail "tags table: the shares differ"
[ "$(wc -l <"$TMP/f.shares")" -ge 8 ] || fail "tags table: too short"
grep -q "^Top untagged resources by cost (10 of " "$TMP/f.t_table.out" || fail "tags table: bills"
grep -qx "Untagged resources: not in the store, which keeps no ResourceId; run mlcost tags on the bills to list them." \
  "$TMP/s.t_table.out" || fail "tags table: no note on untagged resources"

# ContractedCost missing on some rows: the bills fail, the ledger counted 0 there
run contracted attribute --cost contracted --format json
[ "$(cat "$TMP/f.contracted.rc")" = 3 ] || fail "contracted from the bills: exit 3 expected"
grep -q "column 'ContractedCost'" "$TMP/f.contracted.err" || fail "contracted: message"
[ "$(cat "$TMP/s.contracted.rc")" = 0 ] || fail "contracted from the store: $(cat "$TMP/s.contracted.err")"
python3 - "$TMP/ingest.json" "$TMP/s.contracted.out" <<'PY' || fail "contracted total"
import json, sys
from decimal import Decimal
i, s = (json.load(open(p), parse_float=Decimal) for p in sys.argv[1:3])
want = sum(Decimal(str(f["total"]["contracted"])) for f in i["files"])
assert Decimal(str(s["total"])) == want, (s["total"], want)
PY

# --- errors ---------------------------------------------------------------------------------
expect() { # NAME STATUS TEXT: the store run's exit status and a piece of its stderr
  [ "$(cat "$TMP/s.$1.rc")" = "$2" ] || { cat "$TMP/s.$1.err"; fail "$1: exit $(cat "$TMP/s.$1.rc"), expected $2"; }
  grep -qF -- "$3" "$TMP/s.$1.err" || { cat "$TMP/s.$1.err"; fail "$1: no '$3'"; }
}
# no store: exit 1, and nothing created
for c in attribute tags "unit --usage $USAGE"; do
  # shellcheck disable=SC2086
  "$M" $c --store "$TMP/none.db" >"$TMP/out" 2>"$TMP/err"; rc=$?
  [ $rc = 1 ] || fail "$c: missing store: exit $rc"
  grep -qxF "mlcost: $TMP/none.db: no such store (mlcost ingest creates it)" "$TMP/err" ||
    fail "$c: missing store: $(cat "$TMP/err")"
  [ ! -e "$TMP/none.db" ] || fail "$c created the missing store"
  [ ! -s "$TMP/out" ] || fail "$c: output without a store"
  # shellcheck disable=SC2086
  "$M" $c "$SRC/examples/focus-ml-bill.csv" --store "$STORE" >/dev/null 2>"$TMP/err"; rc=$?
  [ $rc = 2 ] && grep -q "give BILLS or --store, not both" "$TMP/err" ||
    fail "$c: BILLS and --store: exit $rc"
done
# the default store is ./mlcost.db
mkdir "$TMP/cwd"
(cd "$TMP/cwd" && "$M" attribute >/dev/null 2>"$TMP/err"); rc=$?
[ $rc = 1 ] && grep -qxF "mlcost: mlcost.db: no such store (mlcost ingest creates it)" "$TMP/err" ||
  fail "no ./mlcost.db: exit $rc: $(cat "$TMP/err")"
(cd "$TMP/cwd" && "$M" ingest "$SRC/examples/focus-ml-bill.csv" >/dev/null &&
  "$M" unit --usage "$USAGE" --format csv >"$TMP/dflt.out") || fail "./mlcost.db"
"$M" unit "$SRC/examples/focus-ml-bill.csv" --usage "$USAGE" --format csv | cmp -s - "$TMP/dflt.out" ||
  fail "unit from ./mlcost.db differs from the bill"

# dimensions the ledger does not keep: named, with what to do
run by_resource attribute --by ResourceId
expect by_resource 3 "'ResourceId' is not kept in the store"
expect by_resource 3 "read the bills for it"
[ "$(cat "$TMP/f.by_resource.rc")" = 0 ] || fail "the bills have ResourceId"
run where_sku attribute --by ServiceName --where SkuId=x
expect where_sku 3 "'SkuId' is not kept in the store"
run tags_where tags --require environment --where ResourceId=x
expect tags_where 3 "'ResourceId' is not kept in the store"
run by_unknown_tag attribute --by tag:cost_center
expect by_unknown_tag 3 "no record in the store carries the tag cost_center: the ingests did not keep it (mlcost ingest --tags ...,cost_center)"
[ ! -s "$TMP/s.by_unknown_tag.out" ] || fail "printed a table for a tag no record carries"
run where_unknown_tag attribute --by ServiceName --where tag:cost_center=x
expect where_unknown_tag 3 "carries the tag cost_center"
run unit_tag unit --usage "$USAGE" --model-tag cost_center
expect unit_tag 3 "carries the tag cost_center"

# the same store re-ingested keeping only team and model_id
# shellcheck disable=SC2086
"$M" ingest $BILLS --store "$STORE" --tags team,model_id >/dev/null || fail "re-ingest"
run env_gone attribute --by tag:environment
expect env_gone 3 "no record in the store carries the tag environment"
[ "$(cat "$TMP/f.env_gone.rc")" = 0 ] || fail "the bills have environment"
run phase_gone unit --usage "$USAGE" --by-phase
expect phase_gone 3 "carries the tag lifecycle_phase"
same u_kept unit --usage "$USAGE"
# tags: a key no record carries reads 0% with a warning (it may be the bills' truth)
run t_gone tags --require environment,team --format csv
expect t_gone 0 "mlcost: warning: tags: no record in the store carries the tag environment:"
grep -q "^environment,0,0,0,0$" "$TMP/s.t_gone.out" || fail "tags: environment should read 0"
grep -q "^team," "$TMP/s.t_gone.out" && ! grep -q "team" "$TMP/s.t_gone.err" || fail "tags: team"
[ $n_same -ge 18 ] || fail "only $n_same identical outputs"
echo "ledger read ($n_same outputs identical): ok"
