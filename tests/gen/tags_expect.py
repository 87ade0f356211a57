#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Independent expectations for `mlcost tags` (tag coverage) on the real
sample bills, written to tests/golden/tags_<case>/ like attribute_expect.py
(whose row reader, tag rules and number formatting it reuses; it never runs
mlcost). Per required key: the cost and rows of the rows carrying it and
their shares of the total, exact to 10^-6 percent rounded half-even (the
share of rows stands for the share of cost when the total cost is 0); the
same for rows carrying every key; the resources (ResourceId, ServiceName)
with cost on rows lacking a key, summed, largest first.

    python3 tests/gen/tags_expect.py [--check]
"""
import decimal
import json
import os
import sys
from decimal import ROUND_HALF_EVEN, Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from attribute_expect import ROOT, SHARED, fmt_money, read_rows  # noqa: E402

decimal.getcontext().prec = 100
PCT = Decimal("0.000001")

CASES = [
    ("focus_json", {"files": ["focus-sample-data/focus_sample.csv"],
                    "keys": ["application", "environment", "business_unit", "org", "CostCenter"],
                    "format": "json", "top": 5, "currency": "USD"}),
    ("focus_default_keys_csv", {"files": ["focus-sample-data/focus_sample.csv"],
                                "keys": ["team", "project", "model_id", "environment",
                                         "lifecycle_phase"], "format": "csv"}),
    ("cur_gz_json", {"files": ["koku/aws_cur_local_bucket-1.csv.gz"],
                     "keys": ["environment", "app", "version", "openshift_project"],
                     "format": "json", "top": 10, "currency": "USD"}),
    ("cur_no_tags_csv", {"files": ["focus-converters/sample-anonymous-aws-export-dataset.csv"],
                         "keys": ["team", "model_id"], "format": "csv"}),
    ("fail_under", {"files": ["focus-sample-data/focus_sample.csv"],
                    "keys": ["application", "org"], "format": "json", "top": 3,
                    "currency": "USD", "fail_under": "50"}),
]


def pct_text(part, whole):
    q = (part * 100 / whole).quantize(PCT, rounding=ROUND_HALF_EVEN)
    s = format(q, "f").rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def shares(cost, rows, total, nrows):
    rp = pct_text(Decimal(rows), Decimal(nrows)) if nrows else "100"
    return (pct_text(cost, total) if total != 0 else rp), rp


def coverage(case):
    keys = case["keys"]
    total, nrows, rows_read = Decimal(0), 0, 0
    per = [[Decimal(0), 0] for _ in keys]
    allk = [Decimal(0), 0]
    untagged = {}
    for path in case["files"]:
        for row in read_rows(os.path.join(SHARED, path)):
            rows_read += 1
            cost = row.cost("effective")
            total += cost
            nrows += 1
            have = [row.tag(k) is not None for k in keys]
            for i, h in enumerate(have):
                if h:
                    per[i][0] += cost
                    per[i][1] += 1
            if all(have):
                allk[0] += cost
                allk[1] += 1
            else:
                u = untagged.setdefault((row.dim("ResourceId"), row.dim("ServiceName")),
                                        [Decimal(0), 0, set()])
                u[0] += cost
                u[1] += 1
                u[2].update(i for i, h in enumerate(have) if not h)
    return keys, total, nrows, rows_read, per, allk, untagged


def text_key(v):
    return (0, b"") if v is None else (1, v.encode("utf-8"))


def render(case):
    keys, total, nrows, rows_read, per, allk, untagged = coverage(case)
    js = lambda v: "null" if v is None else json.dumps(v, ensure_ascii=False)
    lines = [(k, c, r) + shares(c, r, total, nrows) for k, (c, r) in zip(keys, per)]
    lines.append(("(all)", allk[0], allk[1]) + shares(allk[0], allk[1], total, nrows))
    if case["format"] == "csv":
        out = ["key,cost,cost_pct,rows,rows_pct"]
        out += ["%s,%s,%s,%d,%s" % (k, fmt_money(c), cp, r, rp) for k, c, r, cp, rp in lines]
        return "\n".join(out) + "\n"
    obj = lambda k, c, r, cp, rp: '{"key":%s,"cost":%s,"cost_pct":%s,"rows":%d,"rows_pct":%s}' % (
        js(k), fmt_money(c), cp, r, rp)
    head = ('{"cost_basis":"effective","currency":%s,"rows_read":%d,"rows_skipped":0,'
            '"total":%s,"rows":%d,"keys":[' % (js(case.get("currency")), rows_read,
                                               fmt_money(total), nrows))
    items = sorted(untagged.items(),
                   key=lambda kv: (-kv[1][0], text_key(kv[0][0]), text_key(kv[0][1])))
    unt = []
    for (res, svc), (c, r, miss) in items[:case["top"]]:
        names = ",".join(js(keys[i]) for i in sorted(miss))
        unt.append('{"resource_id":%s,"service":%s,"missing":[%s],"cost":%s,"rows":%d}' % (
            js(res), js(svc), names, fmt_money(c), r))
    return (head + "\n" + ",\n".join(obj(*l) for l in lines[:-1]) + "],\n\"all\":" +
            obj(*lines[-1]) + ",\n\"untagged\":[" + ("\n" if unt else "") + ",\n".join(unt) +
            "]}\n")


def command(case):
    args = ["tags"] + ["$SHARED/" + f for f in case["files"]]
    args += ["--require", ",".join(case["keys"]), "--format", case["format"]]
    if "top" in case:
        args += ["--top", str(case["top"])]
    if "fail_under" in case:
        args += ["--fail-under", case["fail_under"]]
    return " ".join(args) + "\n"


def main():
    check = "--check" in sys.argv[1:]
    bad = 0
    for name, case in CASES:
        d = os.path.join(ROOT, "tests", "golden", "tags_" + name)
        for fname, text in (("cmd", command(case)), ("stdout", render(case))):
            path = os.path.join(d, fname)
            if check:
                have = open(path, encoding="utf-8").read() if os.path.exists(path) else None
                if have != text:
                    print("differs: %s" % path)
                    bad += 1
            else:
                os.makedirs(d, exist_ok=True)
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text)
    if check:
        print("tags expectations: %d cases, %d differ" % (len(CASES), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
