#!/bin/sh
# SPDX-License-Identifier: MIT
# `mlcost serve` beside nginx on the same machine in the same run (issue 5;
# not a ctest test). For each of RUNS runs, a fresh server (fsync on,
# bearer tokens, a budgets file; WAL and SQLite store on disk) and the same
# nginx (a static `return 200 "ok"` on loopback, run as the current user
# from a temporary prefix) are driven by wrk with the same scripts
# (bench/wrk/*.lua), one after the other:
#   (a) batched ingest: 1000 NDJSON events per POST      -> events/s
#   (b) single-event POSTs                                -> req/s, p50, p99
#   (b') the same on a server with fsync: false (what the disk's sync costs)
#   (b'') single-event POSTs open-loop at fixed offered rates (bench/openloop.c,
#        what wrk2 does): latency at 10k and 20k req/s, not under saturation
#   (c) GET /v1/budgets/check?model=...  vs nginx's 200  -> req/s, p99
#   (d) the client API: bench/meter_client_bench.c        -> recorded/s, acked/s, drops
# nginx gets the same requests (the same bodies for (a) and (b), which it
# reads and discards) so each row has its transport ceiling beside it.
# After each run the server's totals are checked against what was
# acknowledged (no loss: acked <= counted <= acked + what was in flight
# when wrk stopped), then the server is stopped (SIGTERM), restarted from
# its store, and must answer the same totals. Between phases the log is
# left to drain into the store so one phase's compaction does not run
# during the next; the drain time gives the store's rate.
# Prints a markdown table of medians over the runs with ratios to nginx;
# bench/README-serve.md has the figures and the reasoning.
#
# usage: bench/serve_bench.sh
# env:   RUNS (3)  DURATION (10, seconds per wrk phase)  SERVE_THREADS (8)
#        CONN_BATCH (16)  CONN_SINGLE (64)  CONN_GET (32)  WRK_THREADS (2)
#        CLIENT_EVENTS (200000)  NGINX_WORKERS (2)  FSYNC_OFF (1: also (b) with fsync: false)
#        OPEN_RATES ("10000 20000": offered req/s of (b''); "" skips it)  CONN_OPEN (64)
#        MLCOST (a built mlcost; default: build into BUILD_DIR, /tmp/build-bench-serve)
#        BENCH_DIR (scratch on a real disk: fsync must mean something;
#        default mktemp -d /var/tmp/mlc-serve-bench.XXXXXX; removed at the end)
set -u
SRC=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-3} DURATION=${DURATION:-10} SERVE_THREADS=${SERVE_THREADS:-8}
CONN_BATCH=${CONN_BATCH:-16} CONN_SINGLE=${CONN_SINGLE:-64} CONN_GET=${CONN_GET:-32}
WRK_THREADS=${WRK_THREADS:-2} CLIENT_EVENTS=${CLIENT_EVENTS:-200000}
NGINX_WORKERS=${NGINX_WORKERS:-2} BUILD_DIR=${BUILD_DIR:-/tmp/build-bench-serve}
FSYNC_OFF=${FSYNC_OFF:-1}
OPEN_RATES=${OPEN_RATES-10000 20000} CONN_OPEN=${CONN_OPEN:-64}
for tool in wrk nginx curl python3 bc pkg-config cc; do
  command -v $tool >/dev/null 2>&1 || [ -x /usr/sbin/$tool ] ||
    { echo "serve_bench: $tool not found (Debian: wrk, nginx, curl, python3, bc, pkg-config)" >&2; exit 1; }
done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
TMP=${BENCH_DIR:-$(mktemp -d /var/tmp/mlc-serve-bench.XXXXXX)}
mkdir -p "$TMP"
M=${MLCOST:-$BUILD_DIR/mlcost}
. "$SRC/tests/daemon/proof_lib.inc"
say() { echo "serve_bench: $*" >&2; }

# ---- build: mlcost and the client benchmark against the same libmlcost ----------------------
if [ -z "${MLCOST:-}" ]; then
  say "building $BUILD_DIR"
  cmake -S "$SRC" -B "$BUILD_DIR" >/dev/null && make -C "$BUILD_DIR" -j2 mlcost mlcost_static >/dev/null ||
    fail "build"
fi
LIBDIR=$(dirname "$M")
cc -O2 -std=c11 -D_DEFAULT_SOURCE -I"$SRC/include" "$SRC/bench/meter_client_bench.c" \
  "$LIBDIR/libmlcost.a" $(pkg-config --libs libfyaml jansson libisal libzstd zlib sqlite3 libpq libcurl) \
  -lpthread -lm -o "$TMP/meter_client_bench" || fail "building meter_client_bench"
cc -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra "$SRC/bench/openloop.c" -o "$TMP/openloop" ||
  fail "building openloop"

# ---- nginx: a static 200 on loopback, as the current user, everything under $TMP/nginx ------
NPORT=$(free_port)
mkdir -p "$TMP/nginx/logs" "$TMP/nginx/tmp"
user_line=
[ "$(id -u)" = 0 ] && user_line="user $(id -un) $(id -gn);"
cat >"$TMP/nginx/nginx.conf" <<C
$user_line
worker_processes $NGINX_WORKERS;
daemon off;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $TMP/nginx/tmp/body;
  proxy_temp_path $TMP/nginx/tmp/proxy;
  fastcgi_temp_path $TMP/nginx/tmp/fastcgi;
  uwsgi_temp_path $TMP/nginx/tmp/uwsgi;
  scgi_temp_path $TMP/nginx/tmp/scgi;
  client_max_body_size 16m;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$NPORT;
    location / { default_type text/plain; return 200 "ok"; }
  }
}
C
"$NGINX" -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" 2>"$TMP/nginx.log" &
NGINX_PID=$!
track $NGINX_PID
i=0
until [ "$(curl -s "http://127.0.0.1:$NPORT/")" = ok ]; do
  i=$((i + 1)); [ $i -lt 100 ] || fail "nginx did not start"; sleep 0.1
done
NURL="http://127.0.0.1:$NPORT"

# ---- mlcost serve: tokens, budgets, fsync on --------------------------------------------------
TOKEN=serve-bench-token-$$
cat >"$TMP/budgets.yaml" <<'Y'
version: 1
budgets:
  - {name: model-1-month, filter: {model: model-1}, amount: 1000000, period: month}
  - {name: model-2-month, filter: {model: model-2}, amount: 1000000, period: month}
  - {name: team-1-quarter, filter: {team: team-1}, amount: 5000000, period: quarter}
  - {name: everything, amount: 100000000, period: year}
Y
write_config() { # DIR [FSYNC]
  mkdir -p "$1"
  cat >"$1/serve.yaml" <<Y
listen: 127.0.0.1:0
threads: $SERVE_THREADS
store: store.db
wal_dir: wal
fsync: ${2:-true}
budgets: $TMP/budgets.yaml
max_connections: 4096
tokens:
  - {name: bench, sha256: $(hash "$TOKEN"), scopes: [ingest, read]}
Y
}

metric() { # NAME: its value on the server (first sample)
  curl -s -H "Authorization: Bearer $TOKEN" "$URL/metrics" | awk -v n="$1" '$1 == n { print $2; exit }'
}
totals() { # prints "events requests cost"
  st=$(req GET "$URL/v1/costs" "$TOKEN")
  [ "$st" = 200 ] || fail "GET /v1/costs: $st"
  jget '"%d %d %s" % (j["total"]["events"], j["total"]["requests"], j["total"]["cost"])'
}
drain() { # WHAT: wait until the log is compacted; prints the seconds it took
  t0=$(ms_now)
  i=0
  while [ "$(metric mlcost_wal_pending_events)" != 0 ]; do
    i=$((i + 1)); [ $i -lt 1200 ] || fail "the log did not drain within 120 s after $1"
    sleep 0.1
  done
  echo "scale=1; ($(ms_now) - $t0) / 1000" | bc
}

RES="$TMP/results.txt"
: >"$RES"
# wrk_phase RUN CASE TARGET URL SCRIPT CONNS [ENV...]: runs wrk, appends its mlc_result line
wrk_phase() {
  run=$1 case=$2 target=$3 url=$4 script=$5 conns=$6
  shift 6
  # ids: short, so a body of 1000 events stays under 128 KiB (bench/wrk/events.lua)
  env "$@" MLC_RUN="$run$(printf %.1s "$case")$(printf %.1s "$target")$$" wrk -t"$WRK_THREADS" -c"$conns" -d"${DURATION}s" \
    --timeout 10s -s "$SRC/bench/wrk/$script" "$url" >"$TMP/wrk.out" 2>&1 ||
    fail "wrk $case $target: $(cat "$TMP/wrk.out")"
  line=$(grep '^mlc_result ' "$TMP/wrk.out") || fail "wrk $case $target: $(cat "$TMP/wrk.out")"
  echo "run=$run case=$case target=$target conns=$conns ${line#mlc_result }" >>"$RES"
  say "  $case $target: ${line#mlc_result }"
}
field() { echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; } # KEY LINE
# open_phase RUN TARGET URL RATE [TOKEN]: openloop at RATE; its mlc_result line goes to $RES and
# what the server acknowledged (warmup included) to $OPEN_OK
open_phase() {
  run=$1 target=$2 url=$3 rate=$4 otoken=${5:-}
  set -- --url "$url" --rate "$rate" --duration "$DURATION" --warmup 1 --connections "$CONN_OPEN" \
    --method POST --id-prefix "o$run$(printf %.1s "$target")$rate$$"
  [ -n "$otoken" ] && set -- "$@" --header "Authorization: Bearer $otoken"
  "$TMP/openloop" "$@" >"$TMP/open.out" 2>"$TMP/open.err"
  st=$?
  line=$(grep '^mlc_result ' "$TMP/open.out") ||
    fail "openloop $target $rate: $(cat "$TMP/open.out" "$TMP/open.err")"
  [ $st = 0 ] || say "  openloop $target $rate exited $st: $(tail -n 2 "$TMP/open.err")"
  echo "run=$run case=open$rate target=$target ${line#mlc_result }" >>"$RES"
  say "  open $rate $target: ${line#mlc_result }"
  OPEN_OK=$(sed -n 's/.*ok_with_warmup=\([0-9]*\).*/\1/p' "$TMP/open.err")
}

say "$(nproc) cores; wrk -t$WRK_THREADS; mlcost serve threads: $SERVE_THREADS; nginx workers: $NGINX_WORKERS"
r=1
while [ "$r" -le "$RUNS" ]; do
  say "run $r: load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "run=$r case=load load=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' ',')" >>"$RES"
  rm -rf "$TMP/serve"
  write_config "$TMP/serve"
  start_server S "$TMP/serve/serve.yaml"
  acked=0 slack=0

  # (a) batched ingest
  wrk_phase $r batch mlcost "$URL/v1/events" events.lua "$CONN_BATCH" MLC_TOKEN="$TOKEN" MLC_BATCH=1000
  ok=$(field ok "$(tail -n 1 "$RES")")
  acked=$((acked + ok * 1000)) slack=$((slack + CONN_BATCH * 1000))
  syncs=$(metric mlcost_wal_syncs_total) sync_s=$(metric mlcost_wal_sync_seconds_total)
  ingested=$(metric mlcost_events_ingested_total)
  wrk_phase $r batch nginx "$NURL/v1/events" events.lua "$CONN_BATCH" MLC_BATCH=1000
  d=$(drain "batched ingest")
  echo "run=$r case=wal syncs=$syncs sync_seconds=$sync_s events=$ingested drain_s=$d" >>"$RES"
  say "  batch: $ingested events in $syncs syncs ($sync_s s in fdatasync); store drained in $d s"

  # (b) single-event POSTs
  wrk_phase $r single mlcost "$URL/v1/events" events.lua "$CONN_SINGLE" MLC_TOKEN="$TOKEN" MLC_BATCH=1
  ok=$(field ok "$(tail -n 1 "$RES")")
  acked=$((acked + ok)) slack=$((slack + CONN_SINGLE))
  s2=$(metric mlcost_wal_syncs_total) ss2=$(metric mlcost_wal_sync_seconds_total)
  echo "run=$r case=wal_single syncs=$((s2 - syncs)) sync_seconds=$(echo "$ss2 - $sync_s" | bc)" >>"$RES"
  wrk_phase $r single nginx "$NURL/v1/events" events.lua "$CONN_SINGLE" MLC_BATCH=1
  drain "single POSTs" >/dev/null

  # (b'') the same open-loop at fixed offered rates: latency as clients arriving at that rate see it
  for rate in $OPEN_RATES; do
    open_phase $r mlcost "$URL/v1/events" "$rate" "$TOKEN"
    acked=$((acked + OPEN_OK)) slack=$((slack + CONN_OPEN))
    open_phase $r nginx "$NURL/v1/events" "$rate"
    drain "open-loop POSTs" >/dev/null
  done

  # (b') the same against a second server with fsync: false (acknowledged events then
  # survive kill -9, not a power cut): what the sync costs, and what the rest costs
  if [ "$FSYNC_OFF" = 1 ]; then
    url_on=$URL
    rm -rf "$TMP/nosync"
    write_config "$TMP/nosync" false
    start_server N "$TMP/nosync/serve.yaml"
    wrk_phase $r single_nosync mlcost "$URL/v1/events" events.lua "$CONN_SINGLE" \
      MLC_TOKEN="$TOKEN" MLC_BATCH=1
    ok=$(field ok "$(tail -n 1 "$RES")")
    set -- $(totals)
    [ "$1" -ge "$ok" ] && [ "$1" -le $((ok + CONN_SINGLE)) ] ||
      fail "run $r, fsync false: $1 events counted, $ok acknowledged"
    stop_server N TERM
    URL=$url_on
  fi

  # (c) budget checks against nginx's static 200
  wrk_phase $r check mlcost "$URL/v1/budgets/check?model=model-1&team=team-1" plain_get.lua \
    "$CONN_GET" MLC_TOKEN="$TOKEN"
  wrk_phase $r check nginx "$NURL/ok" plain_get.lua "$CONN_GET"
  st=$(req GET "$URL/v1/budgets/check?model=model-1&team=team-1" "$TOKEN")
  [ "$st" = 200 ] && [ "$(jget 'j["checked"]')" = 3 ] || fail "budget check: $st $(cat "$TMP/body")"

  # (d) the client API: the default queue (65536: a tight loop overflows it, drops are
  # counted), then a queue as large as the run (nothing dropped: the sender's rate)
  for q in 0 "$CLIENT_EVENTS"; do
    line=$(MLCOST_TOKEN=$TOKEN "$TMP/meter_client_bench" "$URL" "$CLIENT_EVENTS" "$q" 1000 \
      "$r$q$$") || fail "meter_client_bench: $line"
    echo "run=$r case=client queue=$q $line" >>"$RES"
    say "  client queue=$q: $line"
    acked=$((acked + $(field sent "$line")))
  done

  # no loss: every acknowledged event counted, nothing counted that was not sent
  drain "the client" >/dev/null
  set -- $(totals)
  events=$1
  [ "$events" -ge "$acked" ] || fail "run $r: $events events counted, $acked acknowledged: LOST"
  [ "$events" -le $((acked + slack)) ] ||
    fail "run $r: $events events counted, more than $acked acknowledged + $slack in flight"
  dup=$(metric mlcost_events_duplicate_total)
  stop_server S TERM
  [ "$STOP_STATUS" = 0 ] || fail "run $r: the server exited $STOP_STATUS on SIGTERM"
  before="$*"
  start_server S "$TMP/serve/serve.yaml"
  after=$(totals)
  [ "$after" = "$before" ] || fail "run $r: totals after a restart '$after', before '$before'"
  stop_server S TERM
  echo "run=$r case=totals counted=$events acked=$acked in_flight_max=$slack duplicates=$dup" >>"$RES"
  say "  totals: $events events counted, $acked acknowledged (+ at most $slack in flight" \
    "when wrk stopped), $dup duplicates; same after a restart"
  r=$((r + 1))
done
echo "run=end case=load load=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' ',')" >>"$RES"

kill -QUIT "$NGINX_PID" 2>/dev/null
wait "$NGINX_PID" 2>/dev/null
untrack "$NGINX_PID"
cp "$RES" "${RESULTS_OUT:-/tmp/serve_bench_results.txt}"
say "raw results: ${RESULTS_OUT:-/tmp/serve_bench_results.txt}"

python3 - "$RES" "$DURATION" "$SERVE_THREADS" "$WRK_THREADS" <<'PY'
import statistics, sys
rows = []
for line in open(sys.argv[1]):
    rows.append(dict(kv.split("=", 1) for kv in line.split()))
dur, threads, wrk_t = sys.argv[2:5]

def med(case, target, key):
    v = [float(r[key]) for r in rows if r.get("case") == case and r.get("target") == target]
    return statistics.median(v) if v else float("nan")

def conns(case):
    return next(r["conns"] for r in rows if r.get("case") == case)

loads = [r["load"] for r in rows if r.get("case") == "load"]
print("| measure (median of %d runs, wrk -t%s, %s s each) | mlcost serve | nginx `return 200` "
      "| mlcost / nginx | target |" % (len(loads) - 1, wrk_t, dur))
print("|---|---:|---:|---:|---|")
e, en = med("batch", "mlcost", "events_per_s"), med("batch", "nginx", "events_per_s")
print("| (a) batched ingest, 1000 events/POST, -c%s: events/s | %.0f | %.0f | %.2f | >= 200,000 |"
      % (conns("batch"), e, en, e / en))
print("| (a) batched ingest: POST p99 | %.1f ms | %.1f ms | | |"
      % (med("batch", "mlcost", "p99_ms"), med("batch", "nginx", "p99_ms")))
s, sn = med("single", "mlcost", "rps"), med("single", "nginx", "rps")
print("| (b) single-event POSTs, -c%s: req/s | %.0f | %.0f | %.2f | >= 20,000 |"
      % (conns("single"), s, sn, s / sn))
print("| (b) single-event POSTs: p50 / p99 | %.2f / %.2f ms | %.2f / %.2f ms | | p99 < 5 ms |"
      % (med("single", "mlcost", "p50_ms"), med("single", "mlcost", "p99_ms"),
         med("single", "nginx", "p50_ms"), med("single", "nginx", "p99_ms")))
if any(r.get("case") == "single_nosync" for r in rows):
    s0 = med("single_nosync", "mlcost", "rps")
    print("| (b') single-event POSTs, fsync: false, -c%s: req/s; p50 / p99 | %.0f; %.2f / %.2f ms "
          "| %.0f | %.2f | (no target: shows the sync's share) |"
          % (conns("single"), s0, med("single_nosync", "mlcost", "p50_ms"),
             med("single_nosync", "mlcost", "p99_ms"), sn, s0 / sn))
for case in sorted({r["case"] for r in rows if r.get("case", "").startswith("open")},
                   key=lambda c: int(c[4:])):
    rate = int(case[4:])
    sel = lambda t: [r for r in rows if r.get("case") == case and r.get("target") == t]
    print("| (b'') single-event POSTs open-loop at %d/s offered, %s connections: req/s; p50 / p99 "
          "(p99.9; worst lateness of the generator) | %.0f; %.2f / **%.2f ms** (%.2f; %.1f ms) "
          "| %.0f; %.2f / %.2f ms (%.2f; %.1f ms) | | p99 < 5 ms |"
          % (rate, sel("mlcost")[0]["connections"], med(case, "mlcost", "rps"),
             med(case, "mlcost", "p50_ms"), med(case, "mlcost", "p99_ms"),
             med(case, "mlcost", "p999_ms"), med(case, "mlcost", "late_max_ms"),
             med(case, "nginx", "rps"), med(case, "nginx", "p50_ms"), med(case, "nginx", "p99_ms"),
             med(case, "nginx", "p999_ms"), med(case, "nginx", "late_max_ms")))
c, cn = med("check", "mlcost", "rps"), med("check", "nginx", "rps")
print("| (c) GET /v1/budgets/check vs static GET, -c%s: req/s | %.0f | %.0f | %.2f | >= 0.5 x nginx |"
      % (conns("check"), c, cn, c / cn))
print("| (c) GET: p50 / p99 | %.2f / %.2f ms | %.2f / %.2f ms | | |"
      % (med("check", "mlcost", "p50_ms"), med("check", "mlcost", "p99_ms"),
         med("check", "nginx", "p50_ms"), med("check", "nginx", "p99_ms")))
cl = [r for r in rows if r.get("case") == "client"]
for q in sorted({r["queue"] for r in cl}, key=int):
    sel = [r for r in cl if r["queue"] == q]
    m = lambda k: statistics.median(float(r[k]) for r in sel)
    print("| (d) client, %s events, queue %s: record/s; acked/s end to end; dropped | %.0f; %.0f; %.0f "
          "| | | |" % (sel[0]["events"], q if q != "0" else "65536 (default)", m("record_per_s"),
                       m("acked_per_s"), m("dropped")))
wal = [r for r in rows if r.get("case") == "wal"]
ws = [r for r in rows if r.get("case") == "wal_single"]
tot = [r for r in rows if r.get("case") == "totals"]
print()
print("load averages (1, 5, 15 min) at the start of each run and at the end: %s" % "; ".join(loads))
for r in wal:
    ev, sy, ss = float(r["events"]), float(r["syncs"]), float(r["sync_seconds"])
    print("run %s batched: %.0f events in %.0f fdatasyncs (%.0f events/sync, %.2f ms/sync); "
          "store drained %s s after wrk stopped" % (r["run"], ev, sy, ev / sy, ss / sy * 1e3, r["drain_s"]))
for r in ws:
    sy, ss = float(r["syncs"]), float(r["sync_seconds"])
    print("run %s single POSTs: %.0f fdatasyncs (%.2f ms/sync)" % (r["run"], sy, ss / sy * 1e3 if sy else 0))
for r in tot:
    print("run %s: %s events counted, %s acknowledged (+ at most %s in flight when wrk stopped), "
          "%s duplicates, same totals after a restart" % (r["run"], r["counted"], r["acked"],
                                                          r["in_flight_max"], r["duplicates"]))
PY
