#!/bin/sh
# SPDX-License-Identifier: MIT
# `mlcost check`: a deliberately bad policy fails (exit 4) with the expected
# violations and a good one passes (exit 0); both JUnit reports are parsed
# with Python's xml.etree and their counts checked. The store is a
# synthetic FOCUS bill of 10 days 2025-03-01 .. 03-10: model "a" 30/day
# tagged team=ml, model "b" 10/day without a team tag, so team covers
# 300 / 400 = 75% of the cost. Expected figures are computed here.
# usage: ledger_check.sh MLCOST SOURCE_DIR
set -u
M=$1 SRC=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# the store: an SQLite file, or the PostgreSQL database ledger_pg.sh hands in (emptied first)
STORE=${MLC_TEST_PG_URL:-$TMP/s.db}
fail() { echo "FAIL: $*"; exit 1; }

python3 - "$TMP/bill.csv" <<'PY'
import sys, datetime
out = open(sys.argv[1], "w")
out.write("BilledCost,EffectiveCost,ListCost,ContractedCost,BillingAccountId,BillingCurrency,"
          "BillingPeriodStart,BillingPeriodEnd,ChargeCategory,ChargePeriodStart,ChargePeriodEnd,"
          "ProviderName,ServiceName,RegionId,SubAccountId,PricingCategory,Tags\n")
for i in range(10):
    d = datetime.date(2025, 3, 1) + datetime.timedelta(days=i)
    for cost, tags in ((30, '{""model_id"":""a"",""team"":""ml""}'), (10, '{""model_id"":""b""}')):
        out.write(f'{cost},{cost},{cost},{cost},acct1,USD,2025-03-01 00:00:00,2025-04-01 00:00:00,'
                  f'Usage,{d} 10:00:00,{d} 11:00:00,AWS,EC2,us-east-1,sub1,Standard,"{tags}"\n')
PY
"$M" ingest --store "$STORE" "$TMP/bill.csv" >/dev/null || fail "ingest"

cat >"$TMP/budgets.yaml" <<'Y'
budgets:
  - name: model-a
    filter: {tag:model_id: a}
    amount: 500
    period: month
  - name: model-b
    filter: {tag:model_id: b}
    amount: 1000
    period: month
Y
# model a: 300 actual to 03-10, forecast 31 x 30 = 930 at 03-31: over 500 by the
# forecast only; model b: 100 actual, 310 forecast: under 1000 either way.
cat >"$TMP/registry.json" <<'Y'
{"models": [
  {"name": "a", "version": "1.0", "created_at": "2025-01-01T00:00:00Z", "lineage": {"data": "s3://x"}},
  {"name": "b", "version": "2.1", "created_at": "", "lineage": null}
]}
Y
cat >"$TMP/registry-good.yaml" <<'Y'
- {name: a, version: "1.0", created_at: 2025-01-01, lineage: {data: s3://x}}
- {name: b, version: "2.1", created_at: 2025-01-02, lineage: {data: s3://y}}
Y
cat >"$TMP/bad.yaml" <<'Y'
required_tags: {keys: [team, model_id], min_coverage_pct: 95}
max_cost_per_1k: {default: 0.05, models: {not_deployed_model: 1}}
budgets: {file: budgets.yaml, fail_on: forecast}
registry: {file: registry.json}
Y
cat >"$TMP/good.yaml" <<'Y'
required_tags: {keys: [model_id], min_coverage_pct: 95}
max_cost_per_1k: {default: 0.50}
budgets: {file: budgets.yaml, fail_on: actual}
registry: {file: registry-good.yaml, require: [version, created_at, lineage]}
Y
# The seed profile's model: 8,457.33 infrastructure / 72,000,000 requests x 1000
# = 0.11746 per 1k: over the bad policy's 0.05, under the good one's 0.50.
"$M" check --policy "$TMP/bad.yaml" --store "$STORE" --profile "$SRC/examples/seed.yaml" \
  --junit "$TMP/bad.xml" >"$TMP/bad.out" 2>&1; rc=$?
[ $rc = 4 ] || { cat "$TMP/bad.out"; fail "bad policy: exit $rc, expected 4"; }
for want in "FAIL required_tags: team: tag 'team' on 75.00%" \
            "ok   required_tags: model_id: tag 'model_id' on 100.00%" \
            "FAIL max_cost_per_1k: product_recommendation_v3: estimated 0.117463" \
            "SKIP max_cost_per_1k: not_deployed_model" \
            "FAIL budgets: model-a: actual 300.00 of 500.00 (60.0%) to 2025-03-10; forecast at 2025-03-31 930.00" \
            "ok   budgets: model-b" \
            "FAIL registry: b: " "entry lacks created_at, lineage" "ok   registry: a:" \
            ": 8 checks, 4 failed, 1 skipped"; do
  grep -qF "$want" "$TMP/bad.out" || { cat "$TMP/bad.out"; fail "bad policy: no '$want'"; }
done
python3 - "$TMP/bad.xml" <<'PY' || fail "bad policy: JUnit report"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "testsuites" and root.get("tests") == "8" and root.get("failures") == "4", root.attrib
cases = {(c.get("classname"), c.get("name")): c for c in root.iter("testcase")}
assert len(cases) == 8
fail = {k for k, c in cases.items() if c.find("failure") is not None}
assert fail == {("mlcost.check.required_tags", "team"),
                ("mlcost.check.max_cost_per_1k", "product_recommendation_v3"),
                ("mlcost.check.budgets", "model-a"), ("mlcost.check.registry", "b")}, fail
assert cases[("mlcost.check.max_cost_per_1k", "not_deployed_model")].find("skipped") is not None
msg = cases[("mlcost.check.registry", "b")].find("failure").get("message")
assert "registry.json:3:" in msg and "created_at, lineage" in msg, msg
suites = {s.get("name"): s for s in root.iter("testsuite")}
assert suites["budgets"].get("tests") == "2" and suites["budgets"].get("failures") == "1"
PY

"$M" check --policy "$TMP/good.yaml" --store "$STORE" --profile "$SRC/examples/seed.yaml" \
  --junit "$TMP/good.xml" >"$TMP/good.out" 2>&1; rc=$?
[ $rc = 0 ] || { cat "$TMP/good.out"; fail "good policy: exit $rc, expected 0"; }
grep -qF ": 6 checks, 0 failed, 0 skipped" "$TMP/good.out" || { cat "$TMP/good.out"; fail "good summary"; }
python3 - "$TMP/good.xml" <<'PY' || fail "good policy: JUnit report"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.get("tests") == "6" and root.get("failures") == "0"
assert all(c.find("failure") is None for c in root.iter("testcase"))
PY

# Without --profile the cost rule is skipped, not failed (the store has no request counts).
"$M" check --policy "$TMP/good.yaml" --store "$STORE" >"$TMP/np.out" 2>&1; rc=$?
[ $rc = 0 ] && grep -q "^SKIP max_cost_per_1k" "$TMP/np.out" || fail "no profile: exit $rc"

# Policy errors carry FILE:LINE:COL and exit 3; a missing --policy is a usage error.
printf 'required_tags:\n  keys: [team]\n  min_coverage: 95\n' >"$TMP/typo.yaml"
"$M" check --policy "$TMP/typo.yaml" --store "$STORE" >/dev/null 2>"$TMP/err"; rc=$?
[ $rc = 3 ] || fail "typo policy: exit $rc, expected 3"
grep -q "typo.yaml:3:3:" "$TMP/err" || fail "typo policy message: $(cat "$TMP/err")"
"$M" check --store "$STORE" >/dev/null 2>&1; rc=$?
[ $rc = 2 ] || fail "no --policy: exit $rc, expected 2"
"$M" check --policy "$SRC/examples/policy.yaml" --store "$STORE" \
  --profile "$SRC/examples/seed.yaml" >/dev/null 2>&1; rc=$?
[ $rc = 4 ] || fail "examples/policy.yaml over this store (no environment tag): exit $rc"
# max_cost_per_1k measured from the store and a usage file (--usage): the usage has
# requests from 03-02 to 03-09, so that is the window (8 days):
#   a: 8 x 30 = 240 over 8 x 1,000 = 8,000 requests -> 240 x 1000 / 8000 = 30 per 1k,
#      over its maximum (the default, 1): FAIL, deliberately expensive;
#   b: 8 x 10 = 80 (its cost on 03-02 counts: it had no requests that day) over
#      7 x 100,000 = 700,000 -> 80 x 1000 / 700000 = 0.114285714 per 1k, under 0.2;
#   c: requests but no cost in the store: skipped; ghost: in neither: skipped;
#   product_recommendation_v3 has no requests: the profile estimates it (0.117463,
#   under 0.5). The days 03-01 and 03-10 lie outside the window and do not count.
python3 - "$TMP/usage.csv" <<'PY'
import sys, datetime
with open(sys.argv[1], "w") as out:
    out.write("date,model_id,requests\n")
    for i in range(1, 9):
        d = datetime.date(2025, 3, 1) + datetime.timedelta(days=i)
        out.write(f"{d},a,1000\n")
        if i >= 2:
            out.write(f"{d},b,100000\n")
    out.write("2025-03-05,c,500\n")
PY
cat >"$TMP/cost.yaml" <<'Y'
max_cost_per_1k: {default: 1, models: {b: 0.2, product_recommendation_v3: 0.5, ghost: 1}}
Y
"$M" check --policy "$TMP/cost.yaml" --store "$STORE" --usage "$TMP/usage.csv" \
  --profile "$SRC/examples/seed.yaml" --junit "$TMP/cost.xml" >"$TMP/cost.out" 2>&1; rc=$?
[ $rc = 4 ] || { cat "$TMP/cost.out"; fail "usage policy: exit $rc, expected 4"; }
for want in "FAIL max_cost_per_1k: a: measured 30 USD per 1,000 requests (cost 240.00 over 8000 requests, 2025-03-02 to 2025-03-09, from the store and $TMP/usage.csv); maximum 1" \
            "ok   max_cost_per_1k: b: measured 0.114286 USD per 1,000 requests (cost 80.00 over 700000 requests, 2025-03-02 to 2025-03-09" \
            "SKIP max_cost_per_1k: c: 500 requests in $TMP/usage.csv but no cost in the store" \
            "ok   max_cost_per_1k: product_recommendation_v3: estimated 0.117463" \
            "SKIP max_cost_per_1k: ghost: no cost in the store with requests in $TMP/usage.csv, and not in $SRC/examples/seed.yaml"; do
  grep -qF "$want" "$TMP/cost.out" || { cat "$TMP/cost.out"; fail "usage policy: no '$want'"; }
done
[ "$(grep -c "max_cost_per_1k" "$TMP/cost.out")" = 5 ] || { cat "$TMP/cost.out"; fail "usage policy: findings"; }
python3 - "$TMP/cost.xml" <<'PY' || fail "usage policy: JUnit report"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.get("tests") == "5" and root.get("failures") == "1", root.attrib
fail = [c.get("name") for c in root.iter("testcase") if c.find("failure") is not None]
assert fail == ["a"], fail
PY
# a roomier maximum passes the deployed models; without --profile nothing is estimated
printf 'max_cost_per_1k: {default: 50}\n' >"$TMP/cost-ok.yaml"
"$M" check --policy "$TMP/cost-ok.yaml" --store "$STORE" --usage "$TMP/usage.csv" >"$TMP/ok.out" 2>&1
rc=$?
[ $rc = 0 ] && grep -qF "ok   max_cost_per_1k: a: measured 30 USD" "$TMP/ok.out" &&
  ! grep -q "product_recommendation_v3" "$TMP/ok.out" || { cat "$TMP/ok.out"; fail "usage ok: exit $rc"; }
"$M" check --policy "$TMP/cost-ok.yaml" --store "$STORE" --usage "$TMP/none.csv" >/dev/null 2>"$TMP/err"
rc=$?
[ $rc = 3 ] && grep -q "none.csv: No such file" "$TMP/err" || fail "missing usage file: exit $rc"
echo "ledger check: ok"
