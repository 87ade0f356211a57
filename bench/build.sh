#!/bin/sh
# SPDX-License-Identifier: MIT
# Build the CSV/reader and event-parser micro-benchmarks (not part of ctest) against a fresh
# Release build of libmlcost, plus the memchr newline counter of the peers.
# usage: bench/build.sh [BUILD_DIR]   (default /tmp/build-bench)
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-/tmp/build-bench}
cmake -S "$src" -B "$out" >/dev/null
make -C "$out" -j2 mlcost_static >/dev/null
cc -O2 -std=c11 -D_DEFAULT_SOURCE -I"$src/src" -I"$src/include" \
  "$src/bench/csv_scan_bench.c" "$out/libmlcost.a" \
  $(pkg-config --libs libfyaml jansson libisal libzstd zlib) -lpthread -lm \
  -o "$out/csv_scan_bench"
libs="$(pkg-config --libs libfyaml jansson libisal libzstd zlib sqlite3 libpq libcurl) -lpthread -lm"
cc -O2 -std=c11 -D_DEFAULT_SOURCE -I"$src/include" "$src/bench/meter_parse_bench.c" \
  "$out/libmlcost.a" $libs -o "$out/meter_parse_bench"
cc -O2 -o "$out/count_nl" "$src/../shared/bench/peers/count_nl.c"
echo "built $out/csv_scan_bench, $out/meter_parse_bench and $out/count_nl"
echo "run:  $out/csv_scan_bench --count-nl $out/count_nl --runs 5 /tmp/focus_200mb.csv"
