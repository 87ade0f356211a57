#!/bin/sh
# SPDX-License-Identifier: MIT
# Run one golden CLI case. A case is a directory with:
#   cmd     the arguments to mlcost, one shell line, run inside the case dir
#           ($SHARED names ../shared/data of the checkout)
#   stdout  expected standard output, byte for byte (optional)
#   stderr  expected standard error, byte for byte (optional)
#   exit    expected exit status (optional, default 0)
# usage: run_case.sh MLCOST CASE_DIR
set -u
mlcost=$1 dir=$2
cd "$dir" || exit 1
SHARED=$(cd "$dir/../../../../shared/data" 2>/dev/null && pwd)
export SHARED
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
args=$(cat cmd)
eval "\"$mlcost\" $args" >"$out" 2>"$err"
rc=$?
want=0
[ -f exit ] && want=$(cat exit)
fail=0
if [ "$rc" != "$want" ]; then
  echo "exit status $rc, expected $want"; cat "$err"; fail=1
fi
if [ -f stdout ] && ! diff -u stdout "$out"; then fail=1; fi
if [ -f stderr ] && ! diff -u stderr "$err"; then fail=1; fi
exit $fail
