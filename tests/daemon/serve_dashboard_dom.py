# SPDX-License-Identifier: MIT
"""The DOM of the dashboard (as headless Chromium built it) against what the
test sent and what the server's JSON says.

usage: serve_dashboard_dom.py events DIR          write DIR/events.json, DIR/expect.json
       serve_dashboard_dom.py check DOM DIR [MIN_REFRESHES]

events: 3 models over the 20 days ending today (UTC) with explicit cost_usd;
the expected marks are counted here from those events. check: every chart
present with those marks, the tables equal to DIR/costs.json (GET /v1/costs
?group_by=model,day), DIR/models.json (group_by=model) and DIR/budgets.json,
and the script's refresh counter at least MIN_REFRESHES.
"""
import datetime
import json
import sys
from collections import Counter
from decimal import Decimal
from html.parser import HTMLParser


def events(out):
    today = datetime.datetime.now(datetime.timezone.utc).date()
    evs, cost = [], Counter()
    bars = points = 0
    for i in range(20):
        day = today - datetime.timedelta(days=19 - i)
        t = day.isoformat() + "T00:00:00Z"  # midnight: today's is never in the future
        # m1 every day, in two events; m2 on 3 days of 4; m3 every other day,
        # some days without requests (no cost per 1,000 on those days)
        parts = [("m1", "search", Decimal("1.25") + Decimal("0.125") * (i % 7), 600),
                 ("m1", "search", Decimal("1.25"), 400)]
        if i % 4 != 3:
            parts.append(("m2", "ads", Decimal("1.1") + Decimal("0.1") * i, 400))
        if i % 2 == 0:
            parts.append(("m3", "search", Decimal("0.333333333333"), 0 if i % 6 == 0 else 250))
        seen = {}
        for k, (model, team, c, req) in enumerate(parts):
            evs.append({"id": "d%d-%d" % (i, k), "time": t, "model": model, "team": team,
                        "cost_usd": str(c), "requests": req})
            cost[(model, day.isoformat())] += c
            seen[model] = seen.get(model, 0) + req
        bars += len(seen)  # one bar per model and day with cost
        points += sum(1 for r in seen.values() if r > 0)  # a point where it has requests
    expect = {"today": today.isoformat(),
              "from": (today - datetime.timedelta(days=29)).isoformat(),
              "to": (today + datetime.timedelta(days=1)).isoformat(),
              "bars": bars, "points": points, "days": 20,
              "cost": {"%s %s" % k: str(v) for k, v in cost.items()}}
    json.dump(evs, open(out + "/events.json", "w"))
    json.dump(expect, open(out + "/expect.json", "w"))


class Dom(HTMLParser):
    """svg id -> marks by kind; table id -> rows of cells (data-value, else text)."""

    def __init__(self):
        super().__init__()
        self.marks, self.tables, self.body, self.state = {}, {}, {}, ""
        self.svg = self.table = self.cell = None
        self.in_state = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "body":
            self.body = a
        elif tag == "svg":
            self.svg = a.get("id")
            self.marks.setdefault(self.svg, Counter())
        elif tag == "table":
            self.table = a.get("id")
            self.tables[self.table] = []
        elif tag == "tr" and self.table:
            self.tables[self.table].append([])
        elif tag == "td" and self.table:
            self.cell = [a.get("data-value"), ""]
        elif tag == "span" and a.get("id") == "dash-state":
            self.in_state = True
        if self.svg and "data-mark" in a:
            self.marks[self.svg][a["data-mark"]] += 1

    def handle_endtag(self, tag):
        if tag == "svg":
            self.svg = None
        elif tag == "table":
            self.tables[self.table] = [r for r in self.tables[self.table] if r]  # not <th>
            self.table = None
        elif tag == "td" and self.cell is not None:
            v, text = self.cell
            self.tables[self.table][-1].append(v if v is not None else text.strip())
            self.cell = None
        elif tag == "span":
            self.in_state = False

    def handle_data(self, data):
        if self.cell is not None:
            self.cell[1] += data
        if self.in_state:
            self.state += data


def exact(c):
    """a number cell as its exact value to 12 decimals, other cells as they are"""
    try:
        return str(Decimal(c).quantize(Decimal("1e-12")).normalize())
    except (ArithmeticError, ValueError):
        return c


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def check(dom_path, d, min_refreshes):
    dom = Dom()
    dom.feed(open(dom_path, encoding="utf-8").read())
    ex = json.load(open(d + "/expect.json"))
    costs = json.load(open(d + "/costs.json"))
    models = json.load(open(d + "/models.json"))
    budgets = json.load(open(d + "/budgets.json"))
    m = dom.marks
    for chart in ("chart-metered-cost", "chart-metered-per-1k", "chart-daily-cost"):
        if chart not in m:
            fail("no chart %s (charts: %s)" % (chart, sorted(k for k in m if k)))
    if m["chart-metered-cost"]["bar"] != ex["bars"]:
        fail("metered cost: %d bars, want %d" % (m["chart-metered-cost"]["bar"], ex["bars"]))
    if m["chart-metered-per-1k"]["point"] != ex["points"]:
        fail("per 1k: %d points, want %d" % (m["chart-metered-per-1k"]["point"], ex["points"]))
    if m["chart-daily-cost"]["day"] != ex["days"]:
        fail("daily: %d days, want %d" % (m["chart-daily-cost"]["day"], ex["days"]))
    if not m["chart-daily-cost"]["forecast"] or not m["chart-daily-cost"]["band80"]:
        fail("daily: no forecast band with %d days of history: %s" % (ex["days"], m["chart-daily-cost"]))
    burn = [k for k in m if k and k.startswith("chart-budget")]
    if len(burn) != 1 or m[burn[0]]["threshold"] != 3:
        fail("budgets: want one burn-down with 3 thresholds: %s" % {k: m[k] for k in burn})
    # the table of the metered cost is GET /v1/costs?group_by=model,day, row for row
    rows = dom.tables.get("table-metered-cost")
    want = [[r["day"], r["model"], r["cost"], str(r["requests"]), str(r["events"])]
            for r in costs["rows"]]
    if rows != want:
        fail("table-metered-cost differs from /v1/costs:\n%s\n%s" % (rows[:3], want[:3]))
    for r in costs["rows"]:  # and the sums are those of the events sent
        if Decimal(r["cost"]) != Decimal(ex["cost"]["%s %s" % (r["model"], r["day"])]):
            fail("/v1/costs %s %s: %s" % (r["model"], r["day"], r["cost"]))
    if len(costs["rows"]) != ex["bars"]:
        fail("/v1/costs has %d rows, want %d" % (len(costs["rows"]), ex["bars"]))
    unit = dom.tables.get("table-metered-per-1k")
    want = [[r["model"], r["day"], r["cost"], str(r["requests"]),
             r["cost_per_request"] or "no requests",
             str(Decimal(r["cost"]) * 1000 / r["requests"]) if r["requests"] else "no requests"]
            for r in costs["rows"]]
    want += [[r["model"], "all", r["cost"], str(r["requests"]), r["cost_per_request"],
              str(Decimal(r["cost"]) * 1000 / r["requests"])] for r in models["rows"]]
    norm = [[exact(c) for c in row] for row in unit or []]
    wantn = [[exact(c) for c in row] for row in want]
    if norm != wantn:
        fail("table-metered-per-1k differs:\n%s\n%s" % (norm[-4:], wantn[-4:]))
    b = budgets["budgets"][0]
    brow = dom.tables.get("table-budgets", [[]])[0]
    if brow[0] != b["name"] or abs(float(brow[5]) - float(b["used"])) > 1e-9:
        fail("budget row %s, /v1/budgets %s used %s" % (brow, b["name"], b["used"]))
    refreshes = int(dom.body.get("data-refreshes", "0"))
    if refreshes < min_refreshes:
        fail("the page refreshed %d times, want at least %d" % (refreshes, min_refreshes))
    if min_refreshes and not dom.state.startswith("updated "):
        fail("status bar says %r" % dom.state)
    print("ok: %d bars, %d points, %d table rows, %d refreshes, %s" %
          (ex["bars"], ex["points"], len(rows), refreshes, dom.state))


if __name__ == "__main__":
    if sys.argv[1] == "events":
        events(sys.argv[2])
    else:
        check(sys.argv[2], sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else 1)
