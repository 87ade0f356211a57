#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks for tests/cli/ingest_*.sh, independent of mlcost: the reports and
`mlcost attribute` outputs are read with json and decimal.Decimal (every
digit), the store with Python's sqlite3 or with psql. One process per phase
(Python starts slowly on a busy machine).

  ingest_check.py PHASE TMP KIND STORE

PHASE: sample1 (first ingest of the FOCUS sample), sample2 (re-ingest),
sample3 (restated copy, the ingest log), kill (after kill -9 of an ingest),
kill_done (the killed ingest re-run), concurrent_periods, concurrent_same.
Files are those the shell wrote into TMP (see ingest_lib.inc)."""
import datetime
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from decimal import Decimal

BASES = ("billed", "effective", "list", "contracted")
V_ACCOUNT = "742981036455"  # the generator's payer account


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def load(tmp, name):
    with open(os.path.join(tmp, name)) as f:
        return json.load(f, parse_float=Decimal, parse_int=Decimal)


class Store:
    def __init__(self, kind, url):
        self.kind, self.url = kind, url

    def rows(self, sql):
        if self.kind == "sqlite":
            return [tuple(r) for r in sqlite3.connect(self.url).execute(sql)]
        out = subprocess.run(["psql", self.url, "-AtF", "\t", "-c", sql], check=True,
                             capture_output=True, text=True).stdout
        return [tuple(line.split("\t")) for line in out.splitlines()]

    def one(self, sql):
        return self.rows(sql)[0][0]

    def sums(self, where="1=1"):
        """Exact sums of the stored records per basis, and their count and rows."""
        recs = self.rows("SELECT c.cost_billed, c.cost_effective, c.cost_list, c.cost_contracted,"
                         " c.row_count FROM costs c JOIN slices s ON s.id = c.slice_id WHERE "
                         + where)
        out = {b: sum((Decimal(r[i]) for r in recs), Decimal(0)) for i, b in enumerate(BASES)}
        out["records"] = len(recs)
        out["rows"] = sum(int(r[4]) for r in recs)
        return out


def same(a, b, what):
    if Decimal(a) != Decimal(b):
        fail("%s: %s != %s" % (what, a, b))


def attr_total(tmp, name):
    return load(tmp, name)["total"]


def sample1(tmp, st):
    i1 = load(tmp, "i1.json")
    sums = st.sums()
    for b in ("billed", "effective", "list"):
        want = attr_total(tmp, "a_%s.json" % b)
        same(i1["total"][b], want, "reported %s total" % b)
        same(sums[b], want, "stored %s total" % b)
    # 7 rows lack ContractedCost: 0 there, as attribute --lenient skips them
    same(sums["contracted"], attr_total(tmp, "a_contracted.json"), "stored contracted")
    if i1["files"][0]["missing"]["contracted"]["rows"] != 7:
        fail("7 rows without ContractedCost")
    if len(i1["slices"]) != 4:
        fail("4 slices, got %d" % len(i1["slices"]))
    if sums["rows"] != i1["rows_read"] or sums["records"] != sum(s["records"] for s in i1["slices"]):
        fail("stored rows/records")
    for s in i1["slices"]:
        if s["change"] != "new" or s["previous"] is not None:
            fail("first ingest: every slice new")


def sample2(tmp, st):
    i1, i2 = load(tmp, "i1.json"), load(tmp, "i2.json")
    if {s["change"] for s in i2["slices"]} != {"unchanged"}:
        fail("re-ingest should leave every slice unchanged")
    if [s["previous"]["ingest_id"] for s in i2["slices"]] != [i1["ingest_id"]] * 4:
        fail("re-ingest: the previous owner is the first ingest")
    same(st.sums()["billed"], attr_total(tmp, "a_billed.json"), "billed after re-ingest")


def sample3(tmp, st):
    i3 = load(tmp, "i3.json")
    if [s["change"] for s in i3["slices"]] != ["replaced", "unchanged", "unchanged", "unchanged"]:
        fail("restatement: %s" % [s["change"] for s in i3["slices"]])
    want = attr_total(tmp, "a_restated.json")
    same(st.sums()["billed"], want, "billed after restatement")
    # the first row's 0.00000080000 became 1000.00000080000
    same(want, Decimal(attr_total(tmp, "a_billed.json")) + 1000, "restatement adds 1000")
    aws = i3["slices"][0]
    same(aws["total"]["billed"], Decimal(aws["previous"]["total"]["billed"]) + 1000, "AWS slice")
    if st.one("SELECT count(*) FROM slices") not in (4, "4"):
        fail("one version of each of the 4 slices")
    log = load(tmp, "list.json")
    if [g["status"] for g in log["ingests"]] != ["done"] * 3:
        fail("ingest log: %s" % [g["status"] for g in log["ingests"]])
    with open(os.path.join(tmp, "restated.csv"), "rb") as f:
        if log["ingests"][0]["files"][0]["sha256"] != hashlib.sha256(f.read()).hexdigest():
            fail("checksum in the log")
    if {s["ingest_id"] for s in log["slices"]} != {i3["ingest_id"]}:
        fail("the slices belong to the last ingest")
    with open(os.path.join(tmp, "list.txt")) as f:
        if "restated.csv" not in f.read():
            fail("--list table names the file")
    with open(os.path.join(tmp, "table.txt")) as f:
        lines = f.read().splitlines()
    want = "input total (exact): " + ", ".join(
        "%s %s" % (b, format(Decimal(attr_total(tmp, "a_%s.json" % b)).normalize(), "f"))
        for b in BASES)
    if want not in lines:
        fail("table: no line '%s'" % want)


def epoch(rfc3339):
    t = datetime.datetime.strptime(rfc3339, "%Y-%m-%dT%H:%M:%SZ")
    return int(t.replace(tzinfo=datetime.timezone.utc).timestamp())


def v_where():
    return "s.provider = 'AWS' AND s.billing_account = '%s'" % V_ACCOUNT


def kill(tmp, st):
    k1, log = load(tmp, "k1.json"), load(tmp, "kl.json")
    sums = st.sums(v_where())
    v1 = k1["slices"][0]
    for b in BASES:
        same(sums[b], v1["total"][b], "%s after kill -9" % b)
    if sums["records"] != v1["records"] or sums["rows"] != v1["rows"]:
        fail("records after kill -9: %d, v1 had %d" % (sums["records"], v1["records"]))
    if log["ingests"][0]["status"] != "running":
        fail("the killed ingest stays 'running'")
    owners = [s["ingest_id"] for s in log["slices"] if s["billing_account"] == V_ACCOUNT]
    if owners != [k1["ingest_id"]]:
        fail("the slice is still v1's: %s" % owners)


def kill_done(tmp, st):
    k2 = load(tmp, "k2.json")
    if k2["slices"][0]["change"] != "replaced":
        fail("v2 replaces v1")
    same(st.sums(v_where())["billed"], attr_total(tmp, "a_v2.json"), "billed of v2")


def concurrent_periods(tmp, st):
    """Two ingests of different billing periods at once: both land, whole."""
    for name, attr in (("c_mar.json", "a_mar.json"), ("c_may.json", "a_may.json")):
        s = load(tmp, name)["slices"][0]
        got = st.sums("s.billing_account = '%s' AND s.period_start = %d"
                      % (V_ACCOUNT, epoch(s["period_start"])))
        same(got["billed"], attr_total(tmp, attr), "%s billed" % name)
        if got["records"] != s["records"]:
            fail("%s: %d records stored, %d written" % (name, got["records"], s["records"]))


def concurrent_same(tmp, st):
    """Two ingests of one slice at once: one version, equal to a single ingest."""
    single = load(tmp, "c_mar.json")["slices"][0]
    got = st.sums("s.billing_account = '%s' AND s.period_start = %d"
                  % (V_ACCOUNT, epoch(single["period_start"])))
    for b in BASES:
        same(got[b], single["total"][b], "%s after two at once" % b)
    if got["records"] != single["records"] or got["rows"] != single["rows"]:
        fail("records after two at once: %d, a single ingest writes %d"
             % (got["records"], single["records"]))
    n = st.one("SELECT count(*) FROM slices WHERE billing_account = '%s'" % V_ACCOUNT)
    if int(n) != 2:  # March and May
        fail("%s slices for the account, expected 2" % n)
    for name in ("s1.json", "s2.json"):
        if load(tmp, name)["slices"][0]["change"] not in ("replaced", "unchanged"):
            fail("%s: the slice existed" % name)


def main():
    phase, tmp, kind, url = sys.argv[1:5]
    globals()[phase](tmp, Store(kind, url))
    print("ok: " + phase)


if __name__ == "__main__":
    main()
