#!/bin/sh
# SPDX-License-Identifier: MIT
# forecast, anomalies, budget status and check over a store built here:
# a synthetic FOCUS bill of 60 days (2025-01-01 .. 2025-03-01) with two
# models, "a" on a weekly pattern (Mon..Sun 100,110,120,130,140,60,50,
# tagged team=ml) plus a spike of +400 on 2025-02-15, and "b" flat at
# 50/day (no team tag). Every expected number is computed in Python here
# from that description, not taken from mlcost.
# usage: ledger_series.sh MLCOST SOURCE_DIR
set -u
M=$1 SRC=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# the store: an SQLite file, or the PostgreSQL database ledger_pg.sh hands in (emptied first)
STORE=${MLC_TEST_PG_URL:-$TMP/s.db}
fail() { echo "FAIL: $*"; exit 1; }

python3 - "$TMP/bill.csv" <<'PY'
import sys, datetime, json
start = datetime.date(2025, 1, 1)
w = [100, 110, 120, 130, 140, 60, 50]          # Monday .. Sunday
out = open(sys.argv[1], "w")
out.write("BilledCost,EffectiveCost,ListCost,ContractedCost,BillingAccountId,BillingCurrency,"
          "BillingPeriodStart,BillingPeriodEnd,ChargeCategory,ChargePeriodStart,ChargePeriodEnd,"
          "ProviderName,ServiceName,RegionId,SubAccountId,PricingCategory,Tags\n")
for i in range(60):
    d = start + datetime.timedelta(days=i)
    ps = d.replace(day=1)
    pe = (ps + datetime.timedelta(days=32)).replace(day=1)
    for model, cost in (("a", w[d.weekday()] + (400 if d == datetime.date(2025, 2, 15) else 0)),
                        ("b", 50)):
        tags = {"model_id": model, "team": "ml"} if model == "a" else {"model_id": model}
        t = json.dumps(tags).replace('"', '""')
        out.write(f'{cost},{cost},{cost},{cost},acct1,USD,{ps} 00:00:00,{pe} 00:00:00,Usage,'
                  f'{d} 10:00:00,{d} 11:00:00,AWS,EC2,us-east-1,sub1,Standard,"{t}"\n')
PY
"$M" ingest --store "$STORE" "$TMP/bill.csv" >/dev/null || fail "ingest"

# jcheck FILE CODE MESSAGE: run Python CODE over the JSON in FILE (as d); it sets ok
jcheck() {
  python3 - "$1" "$2" <<'PY' || fail "$3"
import json, sys
d = json.load(open(sys.argv[1]))
env = {"d": d}
exec(sys.argv[2], env)
sys.exit(0 if env.get("ok") else 1)
PY
}

# ---- forecast -----------------------------------------------------------------------------
"$M" forecast --store "$STORE" --by tag:model_id --horizon 30d --format json >"$TMP/f.json" ||
  fail "forecast exit $?"
# b is 50 every day: history 2025-01-01..03-01 (60 days), the month to 03-31 is
# 1 actual day + 30 forecast days = 31 x 50 = 1550, the 30-day horizon 30 x 50 = 1500,
# the backtest on a constant series is exact (MAPE 0).
jcheck "$TMP/f.json" "
g = {x['group']: x for x in d['forecasts']}
b = g['tag:model_id=b']
ok = (abs(b['month_end']['total'] - 31*50) < 1e-6 and b['month_end']['actual'] == 50 and
abs(b['horizon_total']['total'] - 30*50) < 1e-6 and b['backtest']['mape_pct'] < 1e-6 and
b['backtest']['days'] == 28 and b['history_days'] == 60 and b['model'] == 'holt-winters'
and len(b['days']) == 30)" "forecast of the flat model"
# a before its spike (history 2025-01-01 .. 02-14, 45 days: six whole weeks and 3 days)
# repeats its week exactly (02-14 is a Friday: Saturday 60 comes first): 28 forecast days sum to 4 x 710 = 2840; February has 14
# actual days (two whole weeks, 1420) and 14 forecast days (1420): 2840 at month end.
"$M" forecast --store "$STORE" --by tag:model_id --where tag:model_id=a --to 2025-02-15 \
  --format json >"$TMP/fa.json" || fail "forecast --to exit $?"
jcheck "$TMP/fa.json" "
a = d['forecasts'][0]
s = sum(x['mean'] for x in a['days'][:28])
m = a['month_end']
ok = (a['history_days'] == 45 and abs(s - 2840) < 1e-6 and m['actual'] == 1420 and
      m['actual_days'] == 14 and m['forecast_days'] == 14 and abs(m['total'] - 2840) < 1e-6 and
      [round(x['mean'], 6) for x in a['days'][:7]] == [60, 50, 100, 110, 120, 130, 140])
" "forecast of the weekly model"
# with the spike in its history every interval still nests: lo95 <= lo80 <= mean <= hi80 <= hi95
jcheck "$TMP/f.json" "
a = {x['group']: x for x in d['forecasts']}['tag:model_id=a']
ok = all(x['lo95'] <= x['lo80'] <= x['mean'] <= x['hi80'] <= x['hi95'] for x in a['days'])
" "intervals of the weekly model"
"$M" forecast --store "$STORE" --by tag:model_id >"$TMP/f.txt" || fail "forecast table"
grep -q "backtest MAPE" "$TMP/f.txt" || fail "the table does not print the backtest MAPE"
[ "$(grep -c 'backtest MAPE' "$TMP/f.txt")" = 2 ] || fail "one MAPE per forecast"
"$M" forecast --store "$STORE" --by tag:model_id --horizon 0d >/dev/null 2>&1
[ $? = 2 ] || fail "--horizon 0d is a usage error"
"$M" forecast --store "$STORE" --by tag:model_id --format csv >"$TMP/f.csv" || fail "csv"
[ "$(wc -l <"$TMP/f.csv")" = $((1 + 2 * 90)) ] || fail "csv: header + 2 groups x 90 days"

# ---- anomalies ----------------------------------------------------------------------------
# 2025-02-15 is a Saturday: the weekday baseline is 60, the day cost 460,
# impact 400 = 666.67% of the baseline; no other day departs.
"$M" anomalies --store "$STORE" --by tag:model_id --format json >"$TMP/a.json" ||
  fail "anomalies exit $?"
jcheck "$TMP/a.json" "
x = d['anomalies']
ok = (len(x) == 1 and x[0]['group'] == 'tag:model_id=a' and x[0]['day'] == '2025-02-15' and
x[0]['actual'] == 460 and x[0]['baseline'] == 60 and x[0]['impact'] == 400 and
abs(x[0]['pct'] - 400 / 60 * 100) < 1e-9)" "the spike"
"$M" anomalies --store "$STORE" --by tag:model_id --fail >/dev/null; rc=$?
[ $rc = 4 ] || fail "anomalies --fail: exit $rc, expected 4"
"$M" anomalies --store "$STORE" --by tag:model_id --fail --min-impact 401 >/dev/null; rc=$?
[ $rc = 0 ] || fail "--min-impact 401 hides the 400 spike: exit $rc"
"$M" anomalies --store "$STORE" --by tag:model_id --fail --min-pct 667 >/dev/null; rc=$?
[ $rc = 0 ] || fail "--min-pct 667 hides the 666.7% spike: exit $rc"
"$M" anomalies --store "$STORE" --by tag:model_id --fail --min-pct 666 >/dev/null; rc=$?
[ $rc = 4 ] || fail "--min-pct 666 keeps the spike: exit $rc"

# ---- budget status ------------------------------------------------------------------------
cat >"$TMP/budgets.yaml" <<'Y'
budgets:
  - name: model-a
    filter: {tag:model_id: a}
    amount: 2000
    period: month
    alerts: [50, 100]
  - name: model-b
    filter: {tag:model_id: b}
    amount: 2000
    period: month
    alerts: [50, 100]
    forecast: true
Y
"$M" budget status --budgets "$TMP/budgets.yaml" --store "$STORE" --as-of 2025-02-20 \
  --format json >"$TMP/b.json" || fail "budget status exit $?"
# as of 2025-02-20: a in Feb 1..20 = Sat 60 + Sun 50 + Mon-Fri 600 + 60 + 50 + 600
# + (60 + 400) + 50 + Mon-Thu 460 = 2390 (119.5% of 2000: both thresholds by actual);
# b = 20 x 50 = 1000 (50%), forecast at Feb 28 = 28 x 50 = 1400, variance -30% (flagged).
jcheck "$TMP/b.json" "
g = {x['name']: x for x in d['budgets']}
a, b = g['model-a'], g['model-b']
ok = (abs(a['actual'] - 2390) < 1e-9 and a['exceeded'] and a['alerts'][1]['by_actual'] and
abs(b['actual'] - 1000) < 1e-9 and abs(b['forecast_at_end'] - 1400) < 1e-6 and
abs(b['variance'] + 0.3) < 1e-6 and b['variance_flagged'] and not b['exceeded'] and
a['period_end'] == '2025-02-28' and b['alerts'][0]['by_actual'])" "budget figures"
"$M" budget status --budgets "$TMP/budgets.yaml" --store "$STORE" --as-of 2025-02-20 \
  --fail >/dev/null; rc=$?
[ $rc = 4 ] || fail "budget status --fail with model-a exceeded: exit $rc"
"$M" budget status --budgets "$TMP/budgets.yaml" --store "$STORE" --as-of 2025-02-05 \
  --fail >/dev/null; rc=$?
[ $rc = 0 ] || fail "nothing exceeded on 2025-02-05 (a: 60+50+100+110+120 = 440): exit $rc"
"$M" budget list --budgets "$TMP/budgets.yaml" >/dev/null 2>&1
[ $? = 2 ] || fail "budget list is a usage error"

echo "ledger series: ok"
