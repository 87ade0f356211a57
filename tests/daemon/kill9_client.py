# SPDX-License-Identifier: MIT
"""kill9_client.py - the kill -9 durability proof of `mlcost serve` (issue 5).

Client threads stream events with unique ids (batches of 1 to 300 events,
as JSON arrays or NDJSON, each event with an explicit cost_usd of up to 12
decimals and 1-3 requests) while the server is killed with SIGKILL at
random moments and restarted on the same wal_dir and store, KILLS times.
A batch that fails (connection reset, 5xx) is retried with the same ids,
as the mlc_meter client does (the ids the dead server had logged come back
as duplicates), except that 30% of failed batches are put aside, as if
their client had died too, and retried only at the end; now and then a
batch that was acknowledged is sent again, and must come back all
duplicates.

The client remembers every id it sent and which were acknowledged (a 2xx
naming them accepted or duplicate). After the last restart:

1. live totals (GET /v1/costs): acknowledged <= events <= sent;
2. a graceful stop (SIGTERM: the log is compacted into the store), then
   the SQLite store read directly: every id once (the table's key, and
   count = count distinct), acknowledged <= stored <= sent as sets, each
   stored event with the cost and requests the client sent, and the exact
   sum of those costs (Python Decimal) equal to the live totals and to
   meter_hourly's sum;
3. a restart from the store gives the same totals; every batch never
   acknowledged is then retried until it is, and the totals are exactly
   the sum over every id sent: each event counted once.

usage: kill9_client.py --mlcost M --dir DIR [--kills 5] [--seed N] [--threads 4]
DIR holds serve.yaml (listen port 0, store store.db, wal_dir wal). Exit 0
when every check holds, 1 otherwise (with the reason on stdout).
"""
import argparse
import http.client
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from decimal import Decimal

LISTEN_RE = re.compile(r"listening on [^ ]*:(\d+) ")


class Failure(Exception):
    pass


class Server:
    """The server under test: started, killed and restarted on one wal_dir and store."""

    def __init__(self, mlcost, directory):
        self.mlcost, self.dir = mlcost, directory
        self.proc, self.port, self.starts = None, None, 0
        self.lock = threading.Lock()

    def start(self):
        self.starts += 1
        log = os.path.join(self.dir, "server-%d.log" % self.starts)
        with open(log, "w") as f:
            proc = subprocess.Popen(
                [self.mlcost, "serve", "--config", os.path.join(self.dir, "serve.yaml")],
                stdout=subprocess.DEVNULL, stderr=f)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with open(log) as f:
                m = LISTEN_RE.search(f.read())
            if m:
                with self.lock:
                    self.proc, self.port = proc, int(m.group(1))
                return time.monotonic()
            if proc.poll() is not None:
                raise Failure("server exited at start %d with %d: %s"
                              % (self.starts, proc.returncode, open(log).read()))
            time.sleep(0.02)
        proc.kill()
        raise Failure("server did not start within 20 s (start %d)" % self.starts)

    def current_port(self):
        with self.lock:
            return self.port

    def kill9(self):
        with self.lock:
            proc, self.port = self.proc, None
        proc.send_signal(signal.SIGKILL)
        proc.wait()

    def stop(self):
        with self.lock:
            proc, self.port = self.proc, None
        proc.send_signal(signal.SIGTERM)
        try:
            return proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise Failure("server did not stop within 30 s of SIGTERM")

    def close(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def post(port, body, ctype, timeout=10):
    """POST /v1/events; returns (status, parsed body) or raises OSError/HTTPException."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("POST", "/v1/events", body=body, headers={"Content-Type": ctype})
        r = conn.getresponse()
        data = r.read()
        return r.status, (json.loads(data) if data else None)
    finally:
        conn.close()


def get_json(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path)
        r = conn.getresponse()
        data = r.read()
        if r.status != 200:
            raise Failure("GET %s: status %d: %r" % (path, r.status, data))
        return json.loads(data)
    finally:
        conn.close()


class Ledger:
    """What the client knows: every event sent and which were acknowledged."""

    def __init__(self):
        self.lock = threading.Lock()
        self.events = {}  # id -> (cost Decimal, requests)
        self.acked = set()
        self.unacked_batches = []  # batches never acknowledged when their thread stopped
        self.acked_batches = []
        self.stats = {"posts": 0, "failures": 0, "resends": 0, "retries": 0, "abandoned": 0,
                      "retried_dups": 0}

    def count(self, key, n=1):
        with self.lock:
            self.stats[key] += n


def body_of(batch, rng):
    """The batch as a JSON array or as NDJSON (either way, same ids and costs)."""
    objs = [{"id": i, "time": t, "model": mdl, "team": team, "cost_usd": str(c), "requests": r}
            for (i, t, mdl, team, c, r) in batch]
    if rng.random() < 0.5:
        return json.dumps(objs).encode(), "application/json"
    return "\n".join(json.dumps(o) for o in objs).encode(), "application/x-ndjson"


def new_batch(rng, tid, seq, base_time):
    n = rng.choice([1, 2, 5, 10, 50, 100, 300, rng.randint(1, 300)])
    batch = []
    for k in range(n):
        # a cost of up to 12 decimals, sometimes whole dollars too: exact sums only
        cost = Decimal(rng.randint(1, 10**9)) / Decimal(10**12)
        if rng.random() < 0.05:
            cost += rng.randint(1, 50)
        t = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(base_time - rng.randint(0, 86400)))
        batch.append(("k9-%d-%d-%d" % (tid, seq, k), t, "model-%d" % rng.randint(0, 4),
                      "team-%d" % rng.randint(0, 2), cost, rng.randint(1, 3)))
    return batch


def send_until_acked(server, ledger, batch, rng, stop, kind):
    """Send batch until a 2xx or stop; check the answer. True when acknowledged."""
    body, ctype = body_of(batch, rng)
    while True:
        port = server.current_port()
        if port is None:
            if stop.is_set():
                return False
            time.sleep(0.01)
            continue
        try:
            ledger.count("posts")
            status, ans = post(port, body, ctype)
        except (OSError, http.client.HTTPException):
            ledger.count("failures")
            if stop.is_set():
                return False
            time.sleep(0.02)
            continue
        if status in (503, 429):
            ledger.count("failures")
            time.sleep(0.05)
            continue
        if status != 200:
            raise Failure("POST of %d events (%s): status %d: %r" % (len(batch), kind, status, ans))
        acc, dup, failed = ans.get("accepted"), ans.get("duplicates"), ans.get("failed")
        if failed:
            raise Failure("POST (%s): events failed: %r" % (kind, failed[:3]))
        if acc + dup != len(batch):
            raise Failure("POST of %d events (%s): accepted %d + duplicates %d"
                          % (len(batch), kind, acc, dup))
        if kind == "new" and dup:
            raise Failure("a batch of %d new ids: %d answered duplicate" % (len(batch), dup))
        if kind == "resend" and acc:
            raise Failure("an acknowledged batch of %d sent again: %d accepted (counted twice)"
                          % (len(batch), acc))
        if kind == "retry":
            ledger.count("retried_dups", dup)  # logged before the kill, never acknowledged
        return True


def stream(server, ledger, tid, seed, stop, errors, base_time):
    rng = random.Random(seed * 1000 + tid)
    seq = 0
    try:
        while not stop.is_set():
            if ledger.acked_batches and rng.random() < 0.08:
                with ledger.lock:
                    old = rng.choice(ledger.acked_batches)
                ledger.count("resends")
                send_until_acked(server, ledger, old, rng, stop, "resend")
                continue
            seq += 1
            batch = new_batch(rng, tid, seq, base_time)
            with ledger.lock:
                for (i, _, _, _, c, r) in batch:
                    ledger.events[i] = (c, r)
            # the first attempt is "new"; after a failure it becomes a retry with the same ids
            kind = "new"
            body, ctype = body_of(batch, rng)
            port = server.current_port()
            ok = False
            if port is not None:
                try:
                    ledger.count("posts")
                    status, ans = post(port, body, ctype)
                    if status == 200:
                        if ans["failed"] or ans["duplicates"] or ans["accepted"] != len(batch):
                            raise Failure("a batch of %d new ids: %r" % (len(batch), ans))
                        ok = True
                    elif status not in (503, 429):
                        raise Failure("POST of %d new events: status %d: %r"
                                      % (len(batch), status, ans))
                except (OSError, http.client.HTTPException):
                    pass
            if not ok:
                ledger.count("failures")
                if rng.random() < 0.3:
                    # a client that died with its batch: retried only at the end
                    ledger.count("abandoned")
                    with ledger.lock:
                        ledger.unacked_batches.append(batch)
                    continue
                ledger.count("retries")
                kind = "retry"
                ok = send_until_acked(server, ledger, batch, rng, stop, kind)
            with ledger.lock:
                if ok:
                    ledger.acked.update(e[0] for e in batch)
                    ledger.acked_batches.append(batch)
                else:
                    ledger.unacked_batches.append(batch)
    except Exception as e:  # reported by the main thread
        errors.append("thread %d: %s" % (tid, e))
        stop.set()


def totals(port):
    t = get_json(port, "/v1/costs")["total"]
    return Decimal(t["cost"]), t["requests"], t["events"]


def check(cond, msg):
    if not cond:
        raise Failure(msg)


def check_store(path, ledger, live):
    """The store after a graceful stop: each id once, acked <= stored <= sent, exact sums."""
    db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    try:
        rows = db.execute("SELECT id, cost, requests FROM meter_events").fetchall()
        n_distinct = db.execute("SELECT count(DISTINCT id) FROM meter_events").fetchone()[0]
        hourly = db.execute("SELECT cost, requests, events FROM meter_hourly").fetchall()
    finally:
        db.close()
    check(n_distinct == len(rows), "store: %d rows but %d distinct ids" % (len(rows), n_distinct))
    stored = {}
    for (i, c, r) in rows:
        check(i not in stored, "store: id %s twice" % i)
        stored[i] = (Decimal(c), r)
    ids = set(stored)
    sent = set(ledger.events)
    lost = ledger.acked - ids
    check(not lost, "%d acknowledged events are not in the store, e.g. %s"
          % (len(lost), sorted(lost)[:5]))
    extra = ids - sent
    check(not extra, "%d stored ids were never sent, e.g. %s" % (len(extra), sorted(extra)[:5]))
    for i, (c, r) in stored.items():
        check((c, r) == ledger.events[i], "id %s stored as %s, sent as %s"
              % (i, (c, r), ledger.events[i]))
    want_cost = sum((ledger.events[i][0] for i in ids), Decimal(0))
    want_req = sum(ledger.events[i][1] for i in ids)
    check(live == (want_cost, want_req, len(ids)),
          "live totals %s, the stored ids sum to %s" % (live, (want_cost, want_req, len(ids))))
    h = (sum((Decimal(c) for (c, _, _) in hourly), Decimal(0)), sum(r for (_, r, _) in hourly),
         sum(e for (_, _, e) in hourly))
    check(h == live, "meter_hourly sums to %s, meter_events to %s" % (h, live))
    return ids


def run(args):
    server = Server(args.mlcost, args.dir)
    ledger = Ledger()
    stop = threading.Event()
    errors = []
    rng = random.Random(args.seed)
    base_time = int(time.time())
    t0 = time.monotonic()
    try:
        server.start()
        threads = [threading.Thread(target=stream, daemon=True,
                                    args=(server, ledger, k, args.seed, stop, errors, base_time))
                   for k in range(args.threads)]
        for t in threads:
            t.start()
        uptimes = []
        for k in range(args.kills):
            up = rng.uniform(0.2, 1.5)  # a random moment of the stream
            uptimes.append(round(up, 3))
            stop.wait(up)
            if errors:
                break
            server.kill9()
            time.sleep(rng.uniform(0, 0.3))  # clients fail and wait meanwhile
            server.start()
        stop.wait(0.5)  # a little streaming after the last restart
        stop.set()
        for t in threads:
            t.join(60)
        if errors:
            raise Failure("; ".join(errors))
        port = server.current_port()
        sent, acked = len(ledger.events), len(ledger.acked)
        live = totals(port)
        print("kills at %s s of uptime; %d events sent, %d acknowledged; %s" %
              (uptimes, sent, acked, ledger.stats))
        check(acked <= live[2] <= sent,
              "live events %d, want acknowledged %d <= it <= sent %d" % (live[2], acked, sent))
        rc = server.stop()
        check(rc == 0, "graceful stop: exit status %d" % rc)
        stored = check_store(os.path.join(args.dir, "store.db"), ledger, live)
        print("after the last restart: %d events counted, each once (%d acknowledged + %d "
              "logged but never acknowledged; %d sent); cost %s"
              % (live[2], acked, len(stored - ledger.acked), sent, live[0]))

        server.start()
        port = server.current_port()
        again = totals(port)
        check(again == live, "after a restart from the store: %s, before: %s" % (again, live))
        # the client's retries of what was never acknowledged: each counted once at most
        new_in = 0
        for batch in ledger.unacked_batches:
            body, ctype = body_of(batch, rng)
            status, ans = post(port, body, ctype)
            check(status == 200 and not ans["failed"], "retry: %d %r" % (status, ans))
            want_new = sum(1 for e in batch if e[0] not in stored)
            check(ans["accepted"] == want_new,
                  "a retried batch of %d events, %d already stored: accepted %d"
                  % (len(batch), len(batch) - want_new, ans["accepted"]))
            new_in += ans["accepted"]
            ledger.acked.update(e[0] for e in batch)
        check(ledger.acked == set(ledger.events), "some events never acknowledged")
        want = (sum((c for (c, _) in ledger.events.values()), Decimal(0)),
                sum(r for (_, r) in ledger.events.values()), len(ledger.events))
        got = totals(port)
        check(got == want, "after retrying every unacknowledged batch: %s, want %s (the sum "
              "over every id sent, computed by the client)" % (got, want))
        rc = server.stop()
        check(rc == 0, "final graceful stop: exit status %d" % rc)
        print("retried %d unacknowledged batches (%d events new); totals %s = the client's sum"
              % (len(ledger.unacked_batches), new_in, got))
        print("ok (%.1f s, %d server starts)" % (time.monotonic() - t0, server.starts))
        return 0
    except Failure as e:
        print("FAIL: %s" % e)
        logs = sorted(f for f in os.listdir(args.dir) if f.startswith("server-"))
        for f in logs[-2:]:
            print("--- %s" % f)
            print(open(os.path.join(args.dir, f)).read()[-3000:])
        return 1
    finally:
        stop.set()
        server.close()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--mlcost", required=True)
    p.add_argument("--dir", required=True)
    p.add_argument("--kills", type=int, default=5)
    p.add_argument("--threads", type=int, default=4)
    p.add_argument("--seed", type=int, default=int(time.time()))
    args = p.parse_args()
    print("seed %d (rerun with --seed %d)" % (args.seed, args.seed))
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
