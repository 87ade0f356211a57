#!/bin/sh
# SPDX-License-Identifier: MIT
# Run one libFuzzer target for a bounded time on a copy of its seed corpus.
# usage: run_fuzz.sh TARGET CORPUS_DIR SECONDS
set -eu
here=$(cd "$(dirname "$0")" && pwd)
target=$1 corpus=$2 seconds=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus"
[ -d "$corpus" ] && cp "$corpus"/* "$work/corpus/" 2>/dev/null || true
keep=$(pwd)
cd "$work"
LSAN_OPTIONS="suppressions=$here/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS
"$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
  -print_final_stats=1 "$work/corpus" 2>"$work/log" || {
  tail -n 60 "$work/log"
  # keep the input that failed beside the build, for replay: TARGET FILE
  for f in crash-* leak-* timeout-* oom-* slow-unit-*; do
    [ -f "$f" ] && cp "$f" "$keep/$(basename "$target")-$f" && echo "kept $keep/$(basename "$target")-$f"
  done
  exit 1
}
grep -E "stat::number_of_executed_units|Done" "$work/log" | tail -n 2
