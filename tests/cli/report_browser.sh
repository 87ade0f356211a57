#!/bin/sh
# SPDX-License-Identifier: MIT
# `mlcost report` in a real browser: build the report of the bundled examples
# (profile, bill, usage, budgets, what-ifs, variants, policy) and of an 81-day
# generated bill (tests/report/gen_example.py: weekly forecast, an anomaly),
# load each in headless Chromium, and check the DOM it built
# (tests/report/check_report.py): every chart present with the number of marks
# counted here from the inputs, every table cell equal to the report's JSON and
# to the JSON of the command underneath (estimate, attribute, tags, unit,
# compare, frontier, forecast, anomalies, budget status), no console error, no
# failed load; then take screenshots (light and dark).
# Exit 77 (skipped) without chromium or python3.
# MLC_REPORT_SHOTS=DIR keeps the screenshots there (docs/img is made this way).
# usage: report_browser.sh MLCOST SOURCE_DIR
set -u
M=$1 SRC=$2
CHROME=$(command -v chromium || command -v chromium-browser || command -v google-chrome) ||
  { echo "skip: no chromium"; exit 77; }
command -v python3 >/dev/null || { echo "skip: no python3"; exit 77; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
E=$SRC/examples
fail() { echo "FAIL: $*"; exit 1; }

# chrome ARGS...: a fresh profile each time, its log (stderr) kept for the console check
chrome() {
  prof=$(mktemp -d "$TMP/profile.XXXXXX")
  timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu --no-first-run \
    --disable-background-networking --user-data-dir="$prof" --enable-logging=stderr --v=0 \
    --hide-scrollbars "$@"
}

# check NAME: DOM, screenshots and all the comparisons of $TMP/NAME.{html,json,expect.json}
check() {
  name=$1
  chrome --dump-dom "file://$TMP/$name.html" >"$TMP/$name.dom" 2>"$TMP/$name.log" ||
    fail "$name: chromium could not load the page"
  grep -q 'id="mlcost-report"' "$TMP/$name.dom" || fail "$name: empty DOM"
  # the console: an uncaught error, a console message or a failed load is a failure
  if grep -E "CONSOLE|Uncaught|net::ERR_|Refused to|Failed to load" "$TMP/$name.log"; then
    fail "$name: the browser console has errors"
  fi
  python3 "$SRC/tests/report/check_report.py" "$TMP/$name.dom" "$TMP/$name.json" \
    "$TMP/$name.expect.json" || fail "$name: the DOM does not match"
  python3 "$SRC/tests/report/check_report.py" "$TMP/$name.html" "$TMP/$name.json" \
    "$TMP/$name.expect.json" >/dev/null || fail "$name: the page as written does not match"
  chrome --screenshot="$TMP/$name.png" --window-size=1280,2400 "file://$TMP/$name.html" \
    >/dev/null 2>&1 || fail "$name: no screenshot"
  chrome --force-dark-mode --screenshot="$TMP/$name-dark.png" --window-size=1280,2400 \
    "file://$TMP/$name.html" >/dev/null 2>&1 || fail "$name: no dark screenshot"
  for png in "$TMP/$name.png" "$TMP/$name-dark.png"; do
    [ "$(head -c 4 "$png" | od -An -c | tr -d ' ')" = "211PNG" ] || fail "$png is not a PNG"
    [ "$(wc -c <"$png")" -gt 20000 ] || fail "$png is blank"
  done
  if [ -n "${MLC_REPORT_SHOTS:-}" ]; then
    mkdir -p "$MLC_REPORT_SHOTS" && cp "$TMP/$name.png" "$TMP/$name-dark.png" "$MLC_REPORT_SHOTS/"
  fi
}

# ---- 1. the bundled examples ------------------------------------------------------------------
set -- "$E/focus-ml-bill.csv" --profile "$E/seed.yaml" --usage "$E/usage.csv" \
  --budgets "$E/budgets.yaml" --whatif "$E/whatif.yaml" --variants "$E/variants.yaml" \
  --policy "$E/policy.yaml"
out=$("$M" report "$@" -o "$TMP/examples.html") || fail "report exit $?"
case $out in *"$TMP/examples.html"*) ;; *) fail "report does not say where the page is: $out" ;; esac
"$M" report "$@" --format json >"$TMP/examples.json" || fail "report --format json"
# the commands underneath, on the same inputs
"$M" estimate "$E/seed.yaml" --format json >"$TMP/est.json" || fail estimate
"$M" attribute "$E/focus-ml-bill.csv" --by tag:model_id,tag:lifecycle_phase --format json \
  >"$TMP/att.json" || fail attribute
"$M" attribute "$E/focus-ml-bill.csv" --bucket day --format json >"$TMP/att-day.json" ||
  fail "attribute --bucket day"
"$M" tags "$E/focus-ml-bill.csv" --require team,model_id,environment --format json \
  >"$TMP/tags.json" || fail tags # the policy's keys
"$M" unit "$E/focus-ml-bill.csv" --usage "$E/usage.csv" --format json >"$TMP/unit.json" ||
  fail unit
"$M" compare "$E/whatif.yaml" --format json >"$TMP/cmp.json" || fail compare
"$M" frontier "$E/variants.yaml" --format json >"$TMP/fr.json" || fail frontier
"$M" ingest --store "$TMP/ex.db" "$E/focus-ml-bill.csv" >/dev/null || fail ingest
"$M" budget status --store "$TMP/ex.db" --budgets "$E/budgets.yaml" --format json \
  >"$TMP/bud.json" || fail "budget status"

# marks counted from the inputs: python reads the CSV files and the commands' JSON
python3 - "$TMP" "$E/focus-ml-bill.csv" "$E/usage.csv" "$TMP/examples.expect.json" <<'PY' ||
import csv, datetime, json, sys
tmp, bill, usage, out = sys.argv[1:5]
J = lambda n: json.load(open(f"{tmp}/{n}.json"))
est, att, tags, cmp, fr, bud = J("est"), J("att"), J("tags"), J("cmp"), J("fr"), J("bud")
rows = list(csv.DictReader(open(bill)))
days = sorted({r["ChargePeriodStart"][:10] for r in rows})
d0, d1 = (datetime.date.fromisoformat(d) for d in (days[0], days[-1]))
ndays = (d1 - d0).days + 1
phases = ["training", "inference", "feature_pipeline", "storage", "transfer", "monitoring",
          "tooling", "people"]
bars = sum(1 for m in est["models"] for p in phases if m["monthly"][p] != 0)
unit_models = [m for m in est["models"] if m["unit"]["requests_per_month"]]
rev = [m for m in unit_models if (m.get("value") or {}).get("revenue_per_month")]
marks = {
  "cost-by-phase": {"bar": bars},
  "unit-economics": {"bar": 2 * len(unit_models) + len(rev)},
  # 3 days of history: no anomaly can be scored; forecast line and both bands
  "daily-cost": {"day": ndays, "forecast": 1, "band80": 1, "band95": 1},
  "actual-by-model": {"bar": sum(1 for g in att["groups"] if float(g["cost"]) != 0)},
  # a point per (model, day) of the usage file whose model has cost or usage: all of them
  "cost-per-1k": {"point": len({(r["model_id"], r["date"]) for r in csv.DictReader(open(usage))})},
  "budgets": {"actual": len(bud["budgets"]),
              "forecast": sum(1 for b in bud["budgets"] if b["as_of"] < b["period_end"]),
              "band80": sum(1 for b in bud["budgets"] if b["as_of"] < b["period_end"]),
              "threshold": sum(len(b["alerts"]) for b in bud["budgets"])},
  "tag-coverage": {"key": len(tags["keys"]) + 1},
  "untagged": {"resource": min(10, len(tags["untagged"]))},
  "whatifs": {"baseline": 1, "whatif": sum(1 for s in cmp["scenarios"]
                                           if s["available"] and s["section"] != "baseline")},
  "frontier": {"variant": len(fr["variants"]), "frontier": 1},
}
json.dump({"marks": marks, "sections": list(marks),
           "underlying": {k: f"{tmp}/{v}.json" for k, v in (
               ("estimate", "est"), ("estimate-unit", "est"), ("attribute", "att"),
               ("attribute-day", "att-day"), ("tags", "tags"), ("tags-untagged", "tags"),
               ("unit", "unit"), ("compare", "cmp"), ("frontier", "fr"), ("budget", "bud"))}},
          open(out, "w"))
PY
  fail "counting the marks of the examples"
check examples

# ---- 2. 81 days: a weekly forecast and an anomaly ---------------------------------------------
G=$TMP/gen
python3 "$SRC/tests/report/gen_example.py" "$G" || fail "gen_example.py"
set -- "$G/bill.csv" --usage "$G/usage.csv" --retrain-every 7d --budgets "$G/budgets.yaml" \
  --profile "$E/portfolio.yaml" --whatif "$E/whatif.yaml" --variants "$E/variants.yaml" \
  --policy "$E/policy.yaml" --title "ML platform costs"
"$M" report "$@" -o "$TMP/generated.html" >/dev/null || fail "report (generated) exit $?"
"$M" report "$@" --format json >"$TMP/generated.json" || fail "report --format json (generated)"
"$M" ingest --store "$TMP/gen.db" "$G/bill.csv" >/dev/null || fail "ingest (generated)"
"$M" attribute "$G/bill.csv" --bucket day --format json >"$TMP/g-day.json" || fail attribute
"$M" attribute "$G/bill.csv" --by tag:model_id,tag:lifecycle_phase --format json \
  >"$TMP/g-att.json" || fail attribute
"$M" forecast --store "$TMP/gen.db" --horizon 30d --format json >"$TMP/g-fc.json" ||
  fail forecast
"$M" anomalies --store "$TMP/gen.db" --min-pct 10 --format json >"$TMP/g-an.json" ||
  fail anomalies
"$M" budget status --store "$TMP/gen.db" --budgets "$G/budgets.yaml" --format json \
  >"$TMP/g-bud.json" || fail "budget status (generated)"
"$M" unit "$G/bill.csv" --usage "$G/usage.csv" --retrain-every 7d --format json \
  >"$TMP/g-unit.json" || fail unit
python3 - "$TMP" "$G/bill.csv" "$TMP/generated.expect.json" <<'PY' ||
import csv, datetime, json, sys
tmp, bill, out = sys.argv[1:4]
J = lambda n: json.load(open(f"{tmp}/{n}.json"))
an, bud = J("g-an"), J("g-bud")
days = sorted({r["ChargePeriodStart"][:10] for r in csv.DictReader(open(bill))})
ndays = (datetime.date.fromisoformat(days[-1]) - datetime.date.fromisoformat(days[0])).days + 1
if ndays != 81 or not an["anomalies"]:
    sys.exit("the generated bill is not 81 days with an anomaly")
marks = {"daily-cost": {"day": ndays, "anomaly": len(an["anomalies"]), "forecast": 1,
                        "band80": 1, "band95": 1},
         "budgets": {"actual": len(bud["budgets"]),
                     "forecast": sum(1 for b in bud["budgets"] if b["as_of"] < b["period_end"]),
                     "band80": sum(1 for b in bud["budgets"] if b["as_of"] < b["period_end"]),
                     "threshold": sum(len(b["alerts"]) for b in bud["budgets"])}}
json.dump({"marks": marks,
           "sections": ["cost-by-phase", "unit-economics", "daily-cost", "actual-by-model",
                        "cost-per-1k", "budgets", "tag-coverage", "untagged", "whatifs",
                        "frontier"],
           "underlying": {k: f"{tmp}/{v}.json" for k, v in (
               ("attribute-day", "g-day"), ("attribute", "g-att"), ("forecast", "g-fc"),
               ("anomalies", "g-an"), ("budget", "g-bud"), ("unit", "g-unit"))}},
          open(out, "w"))
PY
  fail "counting the marks of the generated bill"
check generated
echo "ok: report_browser"
