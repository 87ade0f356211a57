#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# mlcost attribute against the tools a user would otherwise pick, on the
# same aggregation (sum of BilledCost and EffectiveCost by tag model_id, tag
# lifecycle_phase, ServiceName and day of ChargePeriodStart), round robin in
# one run, with the peers and command lines of ../shared/bench/peers.
# Not a ctest test. Results: bench/README.md.
#
#   usage: bench/attribute_bench.sh [RUNS=3]
#   env:   ROWS     rows of the generated file (default 2730000: ~2.0 GB)
#          PEERS    peers to time (default "cat duckdb_t2 pandas_uniqjson");
#                   any of run_peers.sh's: cat wc_l memchr_count_nl duckdb_t1
#                   duckdb_t2 polars pandas_rowjson pandas_uniqjson
#          GZ=0     skip the .gz comparison (mlcost on .gz vs pigz -dc, zcat)
#          BUILD    build directory (default /tmp/build-bench-attr)
#          THREADS  mlcost --threads (default 0: one per CPU)
#          SKIP_INSTALL=1  do not install the peers (run_peers.sh does it)
# Prints, per tool: median seconds, MB/s (of uncompressed CSV), peak RSS,
# ratio to `cat` of this run, and each run; then the ratios the targets are
# about, and whether mlcost's totals and group count equal the peers'.
set -euo pipefail
RUNS=${1:-3}
ROWS=${ROWS:-2730000}
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/.." && pwd)
SHARED_BENCH=$(cd "$SRC/../shared/bench" && pwd)
PEERS_SRC="$SHARED_BENCH/peers"
PEERS_DIR=${PEERS_DIR:-/tmp/peers}
BUILD=${BUILD:-/tmp/build-bench-attr}
PEERS=${PEERS:-cat duckdb_t2 pandas_uniqjson}
GZ=${GZ:-1}
THREADS=${THREADS:-0}
case $ROWS in 2730000) FILE=/tmp/focus_2gb.csv ;; *) FILE=/tmp/focus_${ROWS}rows.csv ;; esac
PY=/usr/bin/python3

# ---- data -------------------------------------------------------------------------------
df -h /tmp
if [ ! -s "$FILE" ]; then
  echo "# generating $FILE ($ROWS rows)"
  python3 "$SHARED_BENCH/gen_focus.py" --rows "$ROWS" --seed 42 --out "$FILE"
fi
if [ "$GZ" = 1 ] && [ ! -s "$FILE.gz" ]; then
  echo "# generating $FILE.gz"
  python3 "$SHARED_BENCH/gen_focus.py" --rows "$ROWS" --seed 42 --out "$FILE.gz"
fi

# ---- mlcost (the default build) and the peers ---------------------------------------------------------
cmake -S "$SRC" -B "$BUILD" >/dev/null   # the project default: -O2 -g
make -C "$BUILD" -j2 mlcost >/dev/null
MLCOST="$BUILD/mlcost"
# run_peers.sh installs the peers (DuckDB npm package, pandas, pigz) and
# compiles its helpers; one `cat` round is the cheapest way to have it do so
PEERS=cat PEERS_DIR="$PEERS_DIR" bash "$PEERS_SRC/run_peers.sh" "$FILE" 1 >/dev/null
cp "$PEERS_SRC"/*.mjs "$PEERS_DIR/"

declare -A CMD
BY="tag:model_id,tag:lifecycle_phase,ServiceName"
MLC_ARGS="--by $BY --bucket day --cost billed,effective --format csv --threads $THREADS"
CMD[mlcost]="exec \"$MLCOST\" attribute \"\$F\" $MLC_ARGS"
CMD[cat]="exec cat \"\$F\" > /dev/null"
CMD[wc_l]="exec wc -l \"\$F\""
CMD[memchr_count_nl]="exec \"\$P/bin/count_nl\" \"\$F\""
CMD[duckdb_t1]="cd \"\$P\" && exec node duckdb_focus.mjs \"\$F\" 1"
CMD[duckdb_t2]="cd \"\$P\" && exec node duckdb_focus.mjs \"\$F\" 2"
CMD[polars]="cd \"\$P\" && exec node polars_focus.mjs \"\$F\""
CMD[pandas_rowjson]="exec $PY \"\$H/pandas_focus.py\" \"\$F\" rowjson"
CMD[pandas_uniqjson]="exec $PY \"\$H/pandas_focus.py\" \"\$F\" uniqjson"
CMD[mlcost_gz]="exec \"$MLCOST\" attribute \"\$G\" $MLC_ARGS"
CMD[pigz_dc_gz]="exec pigz -dc \"\$G\" > /dev/null"
CMD[zcat_gz]="exec zcat \"\$G\" > /dev/null"
ORDER="mlcost $PEERS"
[ "$GZ" = 1 ] && ORDER="$ORDER mlcost_gz pigz_dc_gz zcat_gz"

BYTES=$(stat -c %s "$FILE")
cat "$FILE" > /dev/null
[ "$GZ" = 1 ] && cat "$FILE.gz" > /dev/null
LOGS=$(mktemp -d /tmp/attribute_bench.XXXXXX)
RES="$LOGS/runs.tsv"
: > "$RES"
echo "# file=$FILE bytes=$BYTES runs=$RUNS nproc=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg)"
echo "# mlcost $($MLCOST --version | cut -d' ' -f2) $MLC_ARGS"
for r in $(seq 1 "$RUNS"); do
  for name in $ORDER; do
    log="$LOGS/$name.$r"
    t0=$(date +%s.%N)
    F="$FILE" G="$FILE.gz" P="$PEERS_DIR" H="$PEERS_SRC" /usr/bin/time -v -o "$log.time" \
      bash -c "${CMD[$name]}" > "$log.out" 2> "$log.err" || echo "# $name run $r failed: $log.err" >&2
    t1=$(date +%s.%N)
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log.time")
    echo -e "$name\t$r\t$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.6f", b-a}')\t$rss" >> "$RES"
  done
done
echo "# loadavg after: $(cut -d' ' -f1-3 /proc/loadavg); logs: $LOGS"

# ---- table, ratios and the correctness check -------------------------------------------------------
$PY - "$RES" "$BYTES" "$LOGS" "$ROWS" <<'PYEOF'
import csv, glob, re, statistics, sys
from decimal import Decimal
res, nbytes, logs, rows = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
runs, rss, order = {}, {}, []
for line in open(res):
    name, r, sec, kb = line.rstrip("\n").split("\t")
    if name not in runs:
        order.append(name); runs[name] = []; rss[name] = 0
    runs[name].append(float(sec)); rss[name] = max(rss[name], int(kb or 0))
med = {n: statistics.median(v) for n, v in runs.items()}
cat = med.get("cat")
print("%-18s %9s %9s %11s %7s  %s" % ("tool", "median_s", "MB/s", "peakRSS_MB", "x_cat", "runs_s"))
for n in order:
    print("%-18s %9.3f %9.1f %11.1f %7s  %s" % (
        n, med[n], nbytes / med[n] / 1e6, rss[n] / 1024.0,
        "%.2f" % (med[n] / cat) if cat else "-", " ".join("%.3f" % x for x in runs[n])))
print()
def ratio(a, b, what):
    if a in med and b in med:
        print("%-44s %.2f" % (what, med[a] / med[b]))
ratio("duckdb_t2", "mlcost", "DuckDB threads=2 time / mlcost time:")
ratio("duckdb_t1", "mlcost", "DuckDB threads=1 time / mlcost time:")
ratio("pandas_uniqjson", "mlcost", "pandas (uniqjson) time / mlcost time:")
ratio("pigz_dc_gz", "mlcost_gz", "pigz -dc time / mlcost on .gz time:")
ratio("mlcost", "cat", "mlcost time / cat time:")
print("%-44s %.1f MB" % ("mlcost peak RSS:", rss.get("mlcost", 0) / 1024.0))

def mlcost_totals(path):
    billed = effective = Decimal(0); groups = 0
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            billed += Decimal(row["billed"]); effective += Decimal(row["effective"]); groups += 1
    return groups, billed, effective

cent = lambda d: str(d.quantize(Decimal("0.01")))
# what every peer printed ("groups=N rows=N billed=X effective=Y"), and the
# published figures of the 2 GB file (../shared/bench/README.md)
want = {}
for p in sorted(glob.glob("%s/*.1.out" % logs)):
    m = re.search(r"groups=(\d+) rows=\d+ billed=([-\d.]+) effective=([-\d.]+)", open(p).read())
    if m:
        want[p.split("/")[-1].split(".")[0]] = (int(m.group(1)), m.group(2), m.group(3))
if rows == 2730000:
    want["published"] = (25571, "5784707.17", "7548863.86")
ok = True
for n in ("mlcost", "mlcost_gz"):
    for path in sorted(glob.glob("%s/%s.[0-9]*.out" % (logs, n))):
        g, b, e = mlcost_totals(path)
        if path.endswith(".1.out"):
            print("%s: groups=%d billed=%s effective=%s (exact %s, %s)" % (n, g, cent(b), cent(e), b, e))
        for peer, w in want.items():
            if (g, cent(b), cent(e)) != w:
                print("MISMATCH %s vs %s: %s" % (path, peer, w)); ok = False
print("mlcost totals equal %s: %s" % (", ".join(sorted(want)) or "-", "yes" if ok else "NO"))
sys.exit(0 if ok else 1)
PYEOF
