#!/bin/sh
# SPDX-License-Identifier: MIT
# The whole test suite, as CI runs it: installs what is missing, then
#   1. a release build and every test (unit, golden CLI, header, corpus replay),
#   2. the same tests built with AddressSanitizer + UndefinedBehaviorSanitizer,
#   3. the fuzz targets under libFuzzer (clang) for a bounded time each.
# Ends with the line "N passed, N failed". Exit status 0 only if all passed.
#   env: MLC_FUZZ_SECONDS (default 20) seconds per fuzz target
set -u
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh --with-test-tools || exit 1
jobs=$(nproc)
passed=0 failed=0

show_failures() { # ctest log: the output of each failed test, 150 lines at most each
  awk '/\*\*\*(Failed|Exception)|\*\*\*Timeout|Failed  *[0-9.]+ sec/ {on=1; n=0}
       on && /^ *(Start +[0-9]+:|[0-9]+\/[0-9]+ Test +#)/ && !/\*\*\*|Failed/ {on=0}
       on && n++ < 150 {print "  | " $0}' "$1"
}

run_ctest() { # name, build dir
  log="$2/ctest.log"
  (cd "$2" && ctest -j"$jobs" --output-on-failure --timeout 600) >"$log" 2>&1
  rc=$?
  [ "$rc" != 0 ] && show_failures "$log"
  sed -n '/tests passed/p;/The following tests FAILED/,$p' "$log"
  total=$(sed -n 's/.*tests failed out of \([0-9]*\).*/\1/p' "$log")
  bad=$(sed -n 's/.* \([0-9]*\) tests failed out of.*/\1/p' "$log")
  [ -z "$total" ] && { cat "$log" | tail -40; total=1; bad=1; }
  if [ "$rc" != 0 ] && [ "$bad" = 0 ]; then bad=1; fi
  echo "[$1] $((total - bad)) passed, $bad failed"
  passed=$((passed + total - bad)); failed=$((failed + bad))
}

echo "== release build"
sh scripts/build.sh build && run_ctest release build || failed=$((failed + 1))

echo "== ASan + UBSan build"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export ASAN_OPTIONS UBSAN_OPTIONS
sh scripts/build.sh build-asan -DCMAKE_BUILD_TYPE=Debug -DMLC_SANITIZE=ON &&
  run_ctest asan build-asan || failed=$((failed + 1))

echo "== fuzz (libFuzzer, clang)"
CC=clang CXX=clang++ sh scripts/build.sh build-fuzz -DCMAKE_BUILD_TYPE=Debug -DMLC_SANITIZE=ON \
  -DMLC_FUZZ=ON -DMLC_FUZZ_SECONDS="${MLC_FUZZ_SECONDS:-20}" &&
  (cd build-fuzz && ctest -R '^fuzz/' -N | grep -q 'Total Tests: [1-9]') &&
  { cd build-fuzz; ctest -R '^fuzz/' -j"$jobs" --output-on-failure >ctest.log 2>&1; rc=$?; cd ..;
    [ "$rc" != 0 ] && show_failures build-fuzz/ctest.log
    sed -n '/tests passed/p;/The following tests FAILED/,$p' build-fuzz/ctest.log
    total=$(sed -n 's/.*tests failed out of \([0-9]*\).*/\1/p' build-fuzz/ctest.log)
    bad=$(sed -n 's/.* \([0-9]*\) tests failed out of.*/\1/p' build-fuzz/ctest.log)
    [ -z "$total" ] && { total=1; bad=1; }
    [ "$rc" != 0 ] && [ "$bad" = 0 ] && bad=1
    echo "[fuzz] $((total - bad)) passed, $bad failed"
    passed=$((passed + total - bad)); failed=$((failed + bad)); } || failed=$((failed + 1))

echo
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
