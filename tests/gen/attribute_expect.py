#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Independent expectations for `mlcost attribute` on the real sample bills.

This script does not run mlcost. It re-implements, with the csv module and
decimal.Decimal, the rules of SPEC §4 that the golden cases exercise:
format detection from the header, FOCUS cost columns and the AWS CUR
amortized-cost (effective) rules, tags (FOCUS JSON, CUR resourceTags/user:
columns, Athena resource_tags_user_ columns; keys case-insensitive after
trimming, first duplicate wins, `user:` prefix), missing values (empty or
NULL), day/month buckets of the charge period start (UTC), --where and
--from/--to, exact sums, the sort (cost descending, then keys with missing
first, bytewise) and the CSV/JSON output layout. Each case's expected
stdout is written to tests/golden/attribute_<case>/ (with its `cmd`).

    python3 tests/gen/attribute_expect.py           # (re)write the golden cases
    python3 tests/gen/attribute_expect.py --check   # compare with what is committed

Amounts with more than 12 fractional digits round half-even at the 12th,
as mlcost's money type does (docs/internals-csv.md).
"""
import csv
import datetime as dt
import gzip
import json
import os
import sys
from decimal import ROUND_HALF_EVEN, Decimal

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SHARED = os.path.normpath(os.path.join(ROOT, "..", "shared", "data"))
UNIT = Decimal("1e-12")


def missing(v):
    v = (v or "").strip()
    return v == "" or v.upper() == "NULL"


def money(text, column, line):
    v = (text or "").strip()
    if missing(v):
        raise ValueError("line %d: column %s missing" % (line, column))
    return Decimal(v).quantize(UNIT, rounding=ROUND_HALF_EVEN)


def fmt_money(d):
    d = d.quantize(UNIT)
    s = format(d, "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    if s in ("-0", ""):
        s = "0"
    return s


def parse_time(text):
    t = text.strip().replace(" ", "T")
    if len(t) == 10:
        t += "T00:00:00"
    if t.endswith("Z") or t.endswith("z"):
        t = t[:-1] + "+00:00"
    d = dt.datetime.fromisoformat(t)
    if d.tzinfo is None:
        d = d.replace(tzinfo=dt.timezone.utc)
    return d.astimezone(dt.timezone.utc)


def bucket_label(d, unit):
    if unit == "day":
        return d.strftime("%Y-%m-%d")
    if unit == "month":
        return d.strftime("%Y-%m")
    return d.strftime("%Y-%m-%dT%H:00:00Z")


def open_bill(path):
    if path.endswith(".gz"):
        return gzip.open(path, "rt", newline="", encoding="utf-8-sig")
    return open(path, newline="", encoding="utf-8-sig")


# ---- formats -----------------------------------------------------------------------------

def detect(header):
    low = [h.strip().lower() for h in header]
    if "billedcost" in low and "chargeperiodstart" in low:
        return "focus"
    if any(h.startswith("lineitem/") for h in low):
        return "cur"
    if any(h.startswith("line_item_") for h in low):
        return "athena"
    raise ValueError("unknown billing format")


# column names per format: (CUR legacy, CUR snake_case)
CUR = {
    "unblended": ("lineItem/UnblendedCost", "line_item_unblended_cost"),
    "type": ("lineItem/LineItemType", "line_item_line_item_type"),
    "ri_effective": ("reservation/EffectiveCost", "reservation_effective_cost"),
    "sp_effective": ("savingsPlan/SavingsPlanEffectiveCost",
                     "savings_plan_savings_plan_effective_cost"),
    "sp_total": ("savingsPlan/TotalCommitmentToDate", "savings_plan_total_commitment_to_date"),
    "sp_used": ("savingsPlan/UsedCommitment", "savings_plan_used_commitment"),
    "ri_unused_upfront": ("reservation/UnusedAmortizedUpfrontFeeForBillingPeriod",
                          "reservation_unused_amortized_upfront_fee_for_billing_period"),
    "ri_unused_recurring": ("reservation/UnusedRecurringFee",
                            "reservation_unused_recurring_fee"),
    "ri_arn": ("reservation/ReservationARN", "reservation_reservation_a_r_n"),
    "start": ("lineItem/UsageStartDate", "line_item_usage_start_date"),
    "interval": ("identity/TimeInterval", "identity_time_interval"),
}
# FOCUS dimension -> CUR columns tried in order (legacy, snake_case)
CUR_DIMS = {
    "ServiceName": (["product/ProductName", "lineItem/ProductCode"],
                    ["product_product_name", "line_item_product_code"]),
    "RegionId": (["product/region", "product/regionCode"],
                 ["product_region_code", "product_region"]),
    "SubAccountId": (["lineItem/UsageAccountId"], ["line_item_usage_account_id"]),
    "ResourceId": (["lineItem/ResourceId"], ["line_item_resource_id"]),
}
CHARGE_CATEGORY = {"Tax": "Tax", "Credit": "Credit", "Refund": "Credit", "Fee": "Purchase",
                   "RIFee": "Purchase", "SavingsPlanRecurringFee": "Purchase",
                   "SavingsPlanUpfrontFee": "Purchase"}
USAGE_TYPES = ("Usage", "BundledDiscount", "Discount", "EdpDiscount", "PrivateRateDiscount",
               "DistributorDiscount", "SppDiscount", "DiscountedUsage",
               "SavingsPlanCoveredUsage", "SavingsPlanNegation")


class Row:
    def __init__(self, fmt, cols, cells, line):
        self.fmt, self.cols, self.cells, self.line = fmt, cols, cells, line

    def get(self, name):
        i = self.cols.get(name.lower())
        if i is None or missing(self.cells[i]):
            return None
        return self.cells[i].strip()

    def cur(self, role):
        return self.get(CUR[role][0 if self.fmt == "cur" else 1])

    def cost(self, basis):
        if self.fmt == "focus":
            col = {"billed": "BilledCost", "effective": "EffectiveCost", "list": "ListCost",
                   "contracted": "ContractedCost"}[basis]
            return money(self.get(col), col, self.line)
        unblended = money(self.cur("unblended"), "unblended", self.line)
        if basis == "billed":
            return unblended
        assert basis == "effective", basis
        t = self.cur("type")
        if t == "DiscountedUsage":
            return money(self.cur("ri_effective"), "ri", self.line)
        if t == "SavingsPlanCoveredUsage":
            return money(self.cur("sp_effective"), "sp", self.line)
        if t == "SavingsPlanRecurringFee":
            return money(self.cur("sp_total"), "t", self.line) - money(self.cur("sp_used"), "u",
                                                                      self.line)
        if t == "RIFee":
            return (money(self.cur("ri_unused_upfront"), "a", self.line) +
                    money(self.cur("ri_unused_recurring"), "b", self.line))
        if t in ("SavingsPlanNegation", "SavingsPlanUpfrontFee"):
            return Decimal(0)
        if t == "Fee" and self.cur("ri_arn") is not None:
            return Decimal(0)
        return unblended

    def start(self):
        if self.fmt == "focus":
            return parse_time(self.get("ChargePeriodStart"))
        s = self.cur("start")
        if s is None:
            s = self.cur("interval").split("/")[0]
        return parse_time(s)

    def tags(self):
        """(key, value) pairs in order, values as text; None values dropped."""
        if self.fmt == "focus":
            text = self.get("Tags")
            if text is None or text.strip() in ("", "{}"):
                return []
            pairs = json.loads(text, object_pairs_hook=lambda p: p,
                               parse_float=str, parse_int=str,
                               parse_constant=str)
            out = []
            for k, v in pairs:
                if v is None:
                    continue
                if isinstance(v, bool):
                    v = "true" if v else "false"
                out.append((k, v))
            return out
        prefix = "resourcetags/" if self.fmt == "cur" else "resource_tags_"
        out = []
        for name, i in sorted(self.cols.items(), key=lambda x: x[1]):
            if not name.startswith(prefix):
                continue
            key = name[len(prefix):]
            if self.fmt == "athena":
                key = key[5:] if key.startswith("user_") else "aws:" + key[4:]
            else:
                key = key[5:] if key.startswith("user:") else key
            if not missing(self.cells[i]):
                out.append((key, self.cells[i]))
        return out

    def tag(self, key):
        key = key.strip().lower()
        cands = [key, key[5:]] if key.startswith("user:") else [key, "user:" + key]
        pairs = [(k.strip().lower(), v.strip()) for k, v in self.tags()]
        for c in cands:
            for k, v in pairs:
                if k == c:
                    return v if v != "" else None
        return None

    def dim(self, name):
        if name.lower().startswith("tag:"):
            return self.tag(name[4:])
        if self.fmt == "focus":
            return self.get(name)
        if name == "ProviderName":
            return "AWS"
        if name == "ChargeCategory":
            t = self.cur("type")
            return "Usage" if t in USAGE_TYPES else CHARGE_CATEGORY.get(t, "Adjustment")
        for col in CUR_DIMS[name][0 if self.fmt == "cur" else 1]:
            v = self.get(col)
            if v is not None:
                return v
        return None


def read_rows(path):
    with open_bill(path) as f:
        reader = csv.reader(f)
        header = next(reader)
        fmt = detect(header)
        cols = {}
        for i, h in enumerate(header):
            cols.setdefault(h.strip().lower(), i)
        for cells in reader:
            if not cells:
                continue
            assert len(cells) == len(header), (path, reader.line_num)
            yield Row(fmt, cols, cells, reader.line_num)


# ---- aggregation and output ------------------------------------------------------------------

def aggregate(case):
    groups, rows_read = {}, 0
    t_from = parse_time(case["from"]) if case.get("from") else None
    t_to = parse_time(case["to"]) if case.get("to") else None
    for path in case["files"]:
        for row in read_rows(os.path.join(SHARED, path)):
            rows_read += 1
            if t_from or t_to or case.get("bucket"):
                start = row.start()
                if (t_from and start < t_from) or (t_to and start >= t_to):
                    continue
            if any(row.dim(k) != v for k, v in case.get("where", [])):
                continue
            key = tuple(row.dim(d) for d in case["by"])
            if case.get("bucket"):
                key += (bucket_label(start, case["bucket"]),)
            g = groups.setdefault(key, [[Decimal(0)] * len(case["cost"]), 0])
            for i, basis in enumerate(case["cost"]):
                g[0][i] += row.cost(basis)
            g[1] += 1
    return groups, rows_read


def sort_key(item):
    key, (costs, _rows) = item
    parts = []
    for v in key:
        parts.append((0, b"") if v is None else (1, v.encode("utf-8")))
    return (-costs[0], parts)


def csv_field(v):
    if v is None:
        return ""
    if any(c in v for c in ',"\r\n'):
        return '"' + v.replace('"', '""') + '"'
    return v


def render_csv(case, items):
    cost_cols = case["cost"] if len(case["cost"]) > 1 else ["cost"]
    head = list(case["by"]) + (["bucket"] if case.get("bucket") else []) + cost_cols + ["rows"]
    out = [",".join(csv_field(h) for h in head)]
    for key, (costs, rows) in items:
        out.append(",".join([csv_field(v) for v in key] + [fmt_money(c) for c in costs] +
                            [str(rows)]))
    return "\n".join(out) + "\n"


def render_json(case, items, rows_read, currency):
    multi = len(case["cost"]) > 1
    js = lambda v: "null" if v is None else json.dumps(v, ensure_ascii=False)
    totals = [sum((c[0][i] for _k, c in items), Decimal(0)) for i in range(len(case["cost"]))]
    if multi:
        basis = "[" + ",".join(js(b) for b in case["cost"]) + "]"
        total = "{" + ",".join("%s:%s" % (js(b), fmt_money(t))
                               for b, t in zip(case["cost"], totals)) + "}"
    else:
        basis, total = js(case["cost"][0]), fmt_money(totals[0])
    head = '{"cost_basis":%s,"currency":%s,"rows_read":%d,"rows_skipped":0,"total":%s,"groups":[' % (
        basis, js(currency), rows_read, total)
    lines = []
    for key, (costs, rows) in items:
        members = ["%s:%s" % (js(d), js(v)) for d, v in zip(case["by"], key)]
        if case.get("bucket"):
            members.append('"bucket":%s' % js(key[-1]))
        names = case["cost"] if multi else ["cost"]
        members += ["%s:%s" % (js(n), fmt_money(c)) for n, c in zip(names, costs)]
        members.append('"rows":%d' % rows)
        lines.append("{" + ",".join(members) + "}")
    return head + ("\n" if lines else "") + ",\n".join(lines) + "]}\n"


def expected(case):
    groups, rows_read = aggregate(case)
    items = sorted(groups.items(), key=sort_key)
    if case.get("format") == "json":
        return render_json(case, items, rows_read, case.get("currency"))
    return render_csv(case, items)


def command(case):
    args = ["attribute"] + ["$SHARED/" + f for f in case["files"]]
    if case["by"]:
        args += ["--by", ",".join(case["by"])]
    if case.get("bucket"):
        args += ["--bucket", case["bucket"]]
    for k, v in case.get("where", []):
        args += ["--where", "'%s=%s'" % (k, v)]
    for opt in ("from", "to"):
        if case.get(opt):
            args += ["--" + opt, case[opt]]
    args += ["--cost", ",".join(case["cost"]), "--format", case.get("format", "csv")]
    return " ".join(a if " " not in a or a.startswith("'") else "'%s'" % a for a in args) + "\n"


from attribute_cases import CASES  # noqa: E402  (the case list, next to this file)


def main():
    check = "--check" in sys.argv[1:]
    bad = 0
    for name, case in CASES:
        d = os.path.join(ROOT, "tests", "golden", "attribute_" + name)
        want = {"cmd": command(case), "stdout": expected(case)}
        for fname, text in want.items():
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
        print("attribute expectations: %d cases, %d differ" % (len(CASES), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
