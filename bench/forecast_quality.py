#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Forecast quality: mlcost's backtest MAPE against statsmodels' Holt-Winters.

For each daily series, the last 28 days are held out; mlcost (through the
small C driver bench/forecast_quality.c, i.e. the library's own backtest) and
statsmodels' ExponentialSmoothing(trend='add', seasonal='add',
seasonal_periods=7) are fitted on the rest and forecast the 28 days; MAPE
skips days whose actual cost is 0, as mlcost does. For reference only, the
last column is statsmodels without the trend (trend=None), the form mlcost
switches to when AICc drops the trend. The mlcost MAPE is also
recomputed here from the driver's 28 forecasts, as a check of the library's
arithmetic.

Series:
  synthetic-add/mul 120 days: level 1000, trend +4/day, a weekend dip
                    (-250 fixed, or -25% of the trended level), Gaussian noise
                    sd 40, seed 42; and the mean MAPE over seeds 1..20;
  bundled/*         daily totals of ../shared/bench/gen_focus.py --seed 42
                    --rows 3800000 (2026-03-01 .. 2026-05-30, 90 full days),
                    summed exactly with Decimal: EffectiveCost and BilledCost
                    of the whole bill, and EffectiveCost of its three largest
                    models (tag model_id); also the first 65 days, which is
                    what --rows 2730000 gives.

usage: bench/forecast_quality.py DRIVER [--daily CSV] [--rows N] [--keep DIR]
  DRIVER   the built bench/forecast_quality.c (see bench/README-forecast.md)
  --daily  a cached daily CSV written by an earlier run (skips generation)
Needs Debian's python3-statsmodels (run with /usr/bin/python3).
"""
import argparse
import collections
import csv
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import warnings
from decimal import Decimal

HOLDOUT = 28
GEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "bench",
                   "gen_focus.py")


def mape(actual, forecast):
    terms = [abs(a - f) / abs(a) for a, f in zip(actual, forecast) if a != 0]
    return 100.0 * sum(terms) / len(terms) if terms else float("nan")


def synthetic(seed, kind, days=120):
    """Level 1000, trend +4/day, weekend dip, Gaussian noise sd 40. 'add': the
    season is a fixed amount (-250 on the two weekend days, +50 otherwise),
    the form Holt-Winters additive assumes; 'mul': the season is a share of the
    trended level (-25% / +5%), so it grows with the trend, as cost does."""
    rng = random.Random(seed)
    out = []
    for t in range(days):
        weekend = t % 7 in (5, 6)
        level = 1000 + 4 * t
        if kind == "add":
            v = level + (-250 if weekend else 50)
        else:
            v = level * (1 + (-0.25 if weekend else 0.05))
        out.append(v + rng.gauss(0, 40))
    return out


def daily_from_generator(rows, seed, path):
    """Stream the generator into per-day sums (Decimal), full days only."""
    gen = subprocess.Popen([sys.executable, GEN, "--rows", str(rows), "--seed", str(seed),
                            "--out", "-"], stdout=subprocess.PIPE)
    lines = (b.decode("utf-8") for b in gen.stdout)
    reader = csv.reader(lines)
    head = next(reader)
    ie, ib = head.index("EffectiveCost"), head.index("BilledCost")
    ic, it = head.index("ChargePeriodStart"), head.index("Tags")
    eff, bil = collections.defaultdict(Decimal), collections.defaultdict(Decimal)
    model = collections.defaultdict(Decimal)
    hours = collections.defaultdict(set)
    for row in reader:
        day = row[ic][:10]
        hours[day].add(row[ic][11:13])
        e = Decimal(row[ie])
        eff[day] += e
        bil[day] += Decimal(row[ib])
        tags = row[it]
        if tags.startswith("{"):
            mid = json.loads(tags).get("model_id")
            if mid:
                model[(day, mid)] += e
    if gen.wait() != 0:
        sys.exit("gen_focus.py failed")
    days = sorted(d for d in hours if len(hours[d]) == 24)  # drop the partial last day
    totals = collections.Counter()
    for (d, m), v in model.items():
        totals[m] += v
    top = [m for m, _ in totals.most_common(3)]
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["day", "effective", "billed"] + ["model:" + m for m in top])
        for d in days:
            w.writerow([d, eff[d], bil[d]] + [model.get((d, m), Decimal(0)) for m in top])
    return path


def read_daily(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    head, body = rows[0], rows[1:]
    days = [r[0] for r in body]
    cols = {head[i]: [float(Decimal(r[i])) for r in body] for i in range(1, len(head))}
    return days, cols


def run_mlcost(driver, values, first_day="2026-03-01"):
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as f:
        f.write("day,cost\n")
        for v in values:
            f.write("%.17g\n" % v)
        name = f.name
    try:
        out = subprocess.run([driver, "--first-day", first_day, "--holdout", str(HOLDOUT), name],
                             check=True, capture_output=True, text=True).stdout
    finally:
        os.unlink(name)
    return json.loads(out)


def run_statsmodels(train, trend="add"):
    from statsmodels.tsa.holtwinters import ExponentialSmoothing
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = ExponentialSmoothing(train, trend=trend, seasonal="add", seasonal_periods=7,
                                   initialization_method="estimated").fit()
    return list(fit.forecast(HOLDOUT))


def compare(driver, name, values):
    train, test = values[:-HOLDOUT], values[-HOLDOUT:]
    ml = run_mlcost(driver, values)
    sm = run_statsmodels(train)
    ours = mape(test, ml["holdout_forecast"])
    if abs(ours - ml["backtest_mape"]) > 1e-9 * max(1.0, ours):
        sys.exit("%s: the library's backtest MAPE %.12g differs from the recomputed %.12g" %
                 (name, ml["backtest_mape"], ours))
    theirs = mape(test, sm)
    flat = mape(test, run_statsmodels(train, None))
    model = ml["holdout_model"]
    if model == "holt-winters":
        model += " + trend" if ml["holdout_has_trend"] else ", no trend"
    return {"series": name, "days": len(values), "model": model,
            "mlcost": ours, "statsmodels": theirs, "ratio": ours / theirs, "flat": flat}


def row(r):
    ok = "yes" if r["ratio"] <= 1.1 else "NO"
    return "| %s | %d | %s | %.2f%% | %.2f%% | %.3f | %s | %.2f%% |" % (
        r["series"], r["days"], r["model"], r["mlcost"], r["statsmodels"], r["ratio"], ok,
        r["flat"])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("driver")
    ap.add_argument("--daily", help="cached daily CSV (else generated)")
    ap.add_argument("--rows", type=int, default=3800000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--keep", default=tempfile.gettempdir(), help="where the daily CSV goes")
    a = ap.parse_args()
    daily = a.daily or daily_from_generator(
        a.rows, a.seed, os.path.join(a.keep, "forecast_daily_%d.csv" % a.rows))
    days, cols = read_daily(daily)
    results = [compare(a.driver, "synthetic-%s seed 42" % k, synthetic(42, k))
               for k in ("add", "mul")]
    for col, vals in cols.items():
        results.append(compare(a.driver, "bundled/%s %s..%s" % (col, days[0], days[-1]), vals))
        if len(vals) > 65:
            results.append(compare(a.driver, "bundled/%s first 65 days" % col, vals[:65]))
    print("daily series: %s (%d days)" % (daily, len(days)))
    print("| series | days | mlcost model | mlcost MAPE | statsmodels MAPE | ratio | <= 1.1 "
          "| statsmodels, no trend |")
    print("|---|---:|---|---:|---:|---:|---|---:|")
    for r in results:
        print(row(r))
    bad = [r["series"] for r in results if r["ratio"] > 1.1]
    print()
    for k in ("add", "mul"):
        sweep = [compare(a.driver, "synthetic-%s-%d" % (k, s), synthetic(s, k))
                 for s in range(1, 21)]
        m1 = sum(r["mlcost"] for r in sweep) / len(sweep)
        m2 = sum(r["statsmodels"] for r in sweep) / len(sweep)
        wins = sum(1 for r in sweep if r["mlcost"] <= r["statsmodels"])
        print("synthetic-%s seeds 1..20: mean MAPE mlcost %.2f%%, statsmodels %.2f%% "
              "(ratio %.3f); mlcost at least as good on %d of 20; ratios %.3f..%.3f" %
              (k, m1, m2, m1 / m2, wins, min(r["ratio"] for r in sweep),
               max(r["ratio"] for r in sweep)))
        if m1 / m2 > 1.1:
            bad.append("synthetic-%s sweep" % k)
    if bad:
        print("above 1.1 x statsmodels: " + ", ".join(bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
