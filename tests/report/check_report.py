#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Check a report page (as written, or as a browser's DOM) against its inputs.

usage: check_report.py PAGE.html REPORT.json EXPECT.json

PAGE.html    the page: mlcost's file, or `chromium --dump-dom` of it
REPORT.json  `mlcost report ... --format json` of the same inputs
EXPECT.json  {"marks": {SECTION: {KIND: N}}, "sections": [ids in order],
              "underlying": {SECTION: FILE}} where the marks were counted from
             the inputs by the test, and FILE is the JSON of the underlying
             command (estimate, attribute, tags, unit, compare, frontier,
             budget status, forecast) for that section

Checks, failing with a message on the first difference:
  - the sections of the page, in order, are those expected and those of the JSON;
  - each chart has role="img", a <title> and a <desc>; every mark has a tooltip;
  - the marks per kind in each section equal the expected counts and the JSON's;
  - every table cell equals the JSON (data-value text = the JSON number's text,
    exactly; text cells and nulls alike), and its shown text is the rounding of it;
  - the tables equal the underlying commands' JSON (see check_* below);
  - the page names no URL and runs no script.
"""
import json
import re
import sys
from decimal import Decimal
from html.parser import HTMLParser


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


class Page(HTMLParser):
    """Sections with their marks, charts and table cells."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.sections = []  # {"id", "marks": {}, "charts": [...], "rows": [[cell]], "tips": n}
        self.sec = None
        self.depth = 0
        self.cell = None
        self.row = None
        self.svg = None
        self.mark_open = []  # stack: was the element a mark (awaiting its <title>)
        self.urls = []
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for k, v in attrs:
            if v and re.search(r"(https?:|//)", v) and k not in ("data-value",):
                self.urls.append(v)
        if tag == "script":
            self.scripts += 1
        if tag == "section" and "chart-section" in (a.get("class") or ""):
            self.sec = {"id": a["id"], "marks": {}, "charts": [], "rows": [], "untitled": 0}
            self.sections.append(self.sec)
            self.depth = 0
        if self.sec is None:
            return
        if tag == "section":
            self.depth += 1
        if tag == "svg":
            self.svg = {"role": a.get("role"), "labelledby": a.get("aria-labelledby"),
                        "title": False, "desc": False}
            self.sec["charts"].append(self.svg)
        if self.svg is not None and tag in ("title", "desc") and len(self.mark_open) == 0:
            self.svg[tag] = True
        if "data-mark" in a:
            k = a["data-mark"]
            self.sec["marks"][k] = self.sec["marks"].get(k, 0) + 1
            self.mark_open.append(tag)
        elif tag == "title" and self.mark_open:
            self.mark_open.pop()
        if tag == "tr":
            self.row = []
        if tag == "td":
            self.cell = {"value": a.get("data-value"), "null": "data-null" in a, "text": ""}

    def handle_endtag(self, tag):
        if self.sec is None:
            return
        if tag == "svg":
            self.svg = None
        if self.mark_open and tag == self.mark_open[-1] and tag != "g":
            # a mark element closed without a <title> child
            self.sec["untitled"] += 1
            self.mark_open.pop()
        if tag == "td" and self.cell is not None:
            self.row.append(self.cell)
            self.cell = None
        if tag == "tr" and self.row:
            self.sec["rows"].append(self.row)
            self.row = None
        if tag == "section":
            self.depth -= 1
            if self.depth == 0:
                self.sec = None

    def handle_startendtag(self, tag, attrs):
        a = dict(attrs)
        if self.sec is not None and "data-mark" in a:
            k = a["data-mark"]
            self.sec["marks"][k] = self.sec["marks"].get(k, 0) + 1
            self.sec["untitled"] += 1  # a self-closing mark has no tooltip

    def handle_data(self, data):
        if self.cell is not None:
            self.cell["text"] += data


def raw_json(path):
    """JSON with every number kept as its text (exact comparison)."""
    with open(path) as f:
        return json.load(f, parse_float=str, parse_int=str)


def close(a, b, rel=1e-9):
    a, b = float(a), float(b)
    return abs(a - b) <= rel * max(1.0, abs(b))


def shown_matches(kind, value, text):
    """The people's text is the value rounded: compare the digits."""
    digits = re.sub(r"[^0-9.\-]", "", text)
    if kind == "money":  # to the cent (a tie may go either way)
        return abs(Decimal(digits) - Decimal(value)) <= Decimal("0.005")
    if kind in ("count",):
        return Decimal(digits) == Decimal(value).quantize(Decimal("1"), rounding="ROUND_HALF_UP")
    if kind == "pct":
        return abs(Decimal(digits) - Decimal(value)) <= Decimal("0.05")
    if kind == "day":
        return text == value
    return abs(float(digits) - float(value)) <= 0.0051 * max(1.0, abs(float(value)))


def check_tables(page_sec, json_sec):
    cols = json_sec["table"]["columns"]
    rows = json_sec["table"]["rows"]
    sid = json_sec["id"]
    if len(page_sec["rows"]) != len(rows):
        fail(f"{sid}: {len(page_sec['rows'])} table rows, JSON has {len(rows)}")
    for r, (prow, jrow) in enumerate(zip(page_sec["rows"], rows)):
        if len(prow) != len(cols):
            fail(f"{sid} row {r}: {len(prow)} cells for {len(cols)} columns")
        for c, (cell, want) in enumerate(zip(prow, jrow)):
            kind, name = cols[c]["kind"], cols[c]["name"]
            where = f"{sid} row {r} {name}"
            if want is None:
                if not cell["null"]:
                    fail(f"{where}: JSON null, page {cell}")
            elif kind == "text":
                if cell["text"] != want:
                    fail(f"{where}: page '{cell['text']}', JSON '{want}'")
            else:
                if cell["value"] != want:
                    fail(f"{where}: data-value {cell['value']}, JSON {want}")
                if not shown_matches(kind, want, cell["text"]):
                    fail(f"{where}: shown '{cell['text']}' is not {want} rounded")


def rows_of(sec):
    cols = [c["name"] for c in sec["table"]["columns"]]
    return [dict(zip(cols, r)) for r in sec["table"]["rows"]]


# ---- the tables against the underlying commands' JSON --------------------------------------

def check_estimate(sec, est):
    for row, m in zip(rows_of(sec), est["models"]):
        for k in ("training", "inference", "feature_pipeline", "storage", "transfer",
                  "monitoring", "tooling", "infrastructure", "people", "total"):
            if not close(row[k], m["monthly"][k]):
                fail(f"cost-by-phase {m['name']} {k}: {row[k]} vs estimate {m['monthly'][k]}")


def check_unit_economics(sec, est):
    models = {m["name"]: m for m in est["models"]}
    for row in rows_of(sec):
        u = models[row["model"]]["unit"]
        for k in ("requests_per_month", "cost_per_request", "full_cost_per_request",
                  "cost_per_1k"):
            if not close(row[k], u[k]):
                fail(f"unit-economics {row['model']} {k}: {row[k]} vs estimate {u[k]}")


def check_attribute(sec, att):
    rows = rows_of(sec)
    if len(rows) != len(att["groups"]):
        fail(f"actual-by-model: {len(rows)} rows, attribute has {len(att['groups'])}")
    for row, g in zip(rows, att["groups"]):
        keys = [k for k in g if k not in ("cost", "rows")]
        if [row[k] for k in keys] != [g[k] for k in keys] or row["cost"] != g["cost"] or \
                row["rows"] != g["rows"]:
            fail(f"actual-by-model: {row} vs attribute {g}")


def check_daily(sec, att):
    days = {g["bucket"]: g["cost"] for g in att["groups"]}
    for row in rows_of(sec):
        if row["cost"] is not None and days.get(row["day"], "0") != row["cost"]:
            fail(f"daily-cost {row['day']}: {row['cost']} vs attribute {days.get(row['day'])}")


def check_forecast(sec, fc):
    days = {d["day"]: d for d in fc["forecasts"][0]["days"]}
    n = 0
    for row in rows_of(sec):
        if row["forecast"] is None:
            continue
        d = days[row["day"]]
        n += 1
        for k, j in (("forecast", "mean"), ("lo80", "lo80"), ("hi80", "hi80"), ("lo95", "lo95"),
                     ("hi95", "hi95")):
            if not close(row[k], d[j]):
                fail(f"daily-cost {row['day']} {k}: {row[k]} vs forecast {d[j]}")
    if not n:
        fail("daily-cost: no forecast rows")


def check_anomalies(sec, an):
    flagged = {a["day"]: a for a in an["anomalies"]}
    seen = {r["day"]: r for r in rows_of(sec) if r["impact"] is not None}
    if sorted(seen) != sorted(flagged):
        fail(f"daily-cost anomalies {sorted(seen)} vs anomalies {sorted(flagged)}")
    for day, r in seen.items():
        if not close(r["impact"], flagged[day]["impact"]):
            fail(f"daily-cost {day} impact {r['impact']} vs anomalies {flagged[day]['impact']}")


def check_tags(sec, tags):
    rows = rows_of(sec)
    want = tags["keys"] + [tags["all"]]
    for row, k in zip(rows, want):
        if row["key"] != k["key"] or row["cost"] != k["cost"] or row["rows"] != k["rows"] or \
                not close(row["cost_pct"], k["cost_pct"], 1e-6):
            fail(f"tag-coverage {row} vs tags {k}")


def check_untagged(sec, tags):
    for row, u in zip(rows_of(sec), tags["untagged"]):
        if row["resource_id"] != u["resource_id"] or row["cost"] != u["cost"] or \
                row["missing"] != ", ".join(u["missing"]) or row["rows"] != u["rows"]:
            fail(f"untagged {row} vs tags {u}")


def check_unit(sec, unit):
    want = [(r["model"], r["period"], r["cost"], r["per_1k"]) for r in unit["rows"]] + \
        [(r["model"], "all", r["cost"], r["per_1k"]) for r in unit["models"]]
    got = [(r["model"], r["period"], r["cost"], r["per_1k"]) for r in rows_of(sec)]
    if got != want:
        for g, w in zip(got, want):
            if g != w:
                fail(f"cost-per-1k {g} vs unit {w}")
        fail(f"cost-per-1k: {len(got)} rows, unit has {len(want)}")


def check_compare(sec, cmp):
    for row, s in zip(rows_of(sec), cmp["scenarios"]):
        if row["what_if"] != s["name"] or (s["available"] and
                                           (row["monthly_total"] != s["monthly_total"] or
                                            row["saving"] != s["saving"])):
            fail(f"whatifs {row} vs compare {s}")


def check_frontier(sec, fr):
    for row, v in zip(rows_of(sec), fr["variants"]):
        if row["variant"] != v["name"] or row["monthly_cost"] != v["monthly_cost"] or \
                row["cost_per_1k"] != v["cost_per_1k"] or \
                row["on_frontier"] != ("yes" if v["on_frontier"] else "no"):
            fail(f"frontier {row} vs frontier command {v}")


def check_budgets(sec, bs):
    for row, b in zip(rows_of(sec), bs["budgets"]):
        if row["budget"] != b["name"]:
            fail(f"budgets: {row['budget']} vs {b['name']}")
        for k in ("amount", "actual", "used_pct", "forecast_at_end", "forecast_lo80",
                  "forecast_hi80", "forecast_pct", "variance"):
            if not close(row[k], b[k]):
                fail(f"budgets {b['name']} {k}: {row[k]} vs budget status {b[k]}")
        if row["exceeded"] != ("yes" if b["exceeded"] else "no"):
            fail(f"budgets {b['name']} exceeded: {row['exceeded']} vs {b['exceeded']}")


CHECKS = {"estimate": ("cost-by-phase", check_estimate),
          "estimate-unit": ("unit-economics", check_unit_economics),
          "attribute": ("actual-by-model", check_attribute),
          "attribute-day": ("daily-cost", check_daily),
          "forecast": ("daily-cost", check_forecast),
          "anomalies": ("daily-cost", check_anomalies),
          "tags": ("tag-coverage", check_tags),
          "tags-untagged": ("untagged", check_untagged),
          "unit": ("cost-per-1k", check_unit),
          "compare": ("whatifs", check_compare),
          "frontier": ("frontier", check_frontier),
          "budget": ("budgets", check_budgets)}


def main():
    page = Page()
    with open(sys.argv[1], encoding="utf-8") as f:
        page.feed(f.read())
    report = raw_json(sys.argv[2])
    with open(sys.argv[3]) as f:
        expect = json.load(f)
    if page.scripts:
        fail("the page has a script")
    if page.urls:
        fail(f"the page names URLs: {page.urls[:3]}")
    ids = [s["id"] for s in page.sections]
    if ids != [s["id"] for s in report["sections"]] or ids != expect["sections"]:
        fail(f"sections {ids}, JSON {[s['id'] for s in report['sections']]}, "
             f"expected {expect['sections']}")
    for psec, jsec in zip(page.sections, report["sections"]):
        sid = psec["id"]
        for ch in psec["charts"]:
            if ch["role"] != "img" or not ch["title"] or not ch["desc"] or not ch["labelledby"]:
                fail(f"{sid}: a chart without role, title or description: {ch}")
        if psec["untitled"]:
            fail(f"{sid}: {psec['untitled']} marks without a tooltip")
        jm = {k: int(v) for k, v in jsec["marks"].items()}
        if psec["marks"] != jm:
            fail(f"{sid}: marks {psec['marks']} in the page, {jm} in the JSON")
        want = expect["marks"].get(sid)
        if want is not None and psec["marks"] != want:
            fail(f"{sid}: marks {psec['marks']}, counted from the inputs {want}")
        check_tables(psec, jsec)
    by_id = {s["id"]: s for s in report["sections"]}
    for name, path in expect.get("underlying", {}).items():
        sid, fn = CHECKS[name]
        fn(by_id[sid], raw_json(path))
    print(f"ok: {len(ids)} sections, "
          f"{sum(sum(s['marks'].values()) for s in page.sections)} marks, "
          f"{sum(len(s['rows']) for s in page.sections)} table rows checked")


if __name__ == "__main__":
    main()
