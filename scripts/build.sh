#!/bin/sh
# SPDX-License-Identifier: MIT
# Configure and build mlcost into a build directory.
#   usage: scripts/build.sh [BUILD_DIR] [extra cmake args...]
set -eu
cd "$(dirname "$0")/.."
dir=${1:-build}
[ $# -gt 0 ] && shift
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >"$dir.cmake.log" 2>&1 ||
  { cat "$dir.cmake.log"; exit 1; }
rm -f "$dir.cmake.log"
cmake --build "$dir" -j"$(nproc)" 2>&1 | grep -E "error:|warning:|Error [0-9]" || true
[ -x "$dir/mlcost" ] || { echo "mlcost: build failed" >&2; cmake --build "$dir" 2>&1 | tail -30; exit 1; }
