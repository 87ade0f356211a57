#!/bin/sh
# SPDX-License-Identifier: MIT
# Every bill in ../shared/data whose format mlcost supports (FOCUS, AWS CUR
# legacy / 2.0 / Athena, plain or .gz) reads without error under every cost
# basis its header carries, grouped by a tag, a column and a day; every
# other CSV (Azure, Google Cloud, OpenShift usage) is refused with exit 3
# and a message naming the billing format, never read as a bill.
# usage: attribute_samples.sh MLCOST SOURCE_DIR
set -u
mlcost=$1 src=$2
data=$(cd "$src/../shared/data" 2>/dev/null && pwd) || { echo "no shared data: skipped"; exit 77; }
fail=0 ok=0 refused=0
err=$(mktemp)
trap 'rm -f "$err"' EXIT
for f in $(find "$data" -type f \( -name '*.csv' -o -name '*.csv.gz' \) | sort); do
  case $(basename "$f") in
    focus*|*focus_sample*|commitment_*|*utilization*|aws_*|sample-anonymous-aws-*) want=0 ;;
    *) want=3 ;;
  esac
  "$mlcost" attribute "$f" --by tag:team,ServiceName --bucket day --cost effective \
    --format csv >/dev/null 2>"$err"
  rc=$?
  if [ "$rc" != "$want" ]; then
    echo "FAIL: $f: exit $rc, expected $want"; cat "$err"; fail=1; continue
  fi
  if [ "$want" = 3 ]; then
    grep -q "billing format" "$err" || { echo "FAIL: $f: message: $(cat "$err")"; fail=1; }
    refused=$((refused + 1))
    continue
  fi
  # billed too, and list where the header has it (FOCUS: ListCost; CUR: publicOnDemandCost)
  "$mlcost" attribute "$f" --cost billed --format csv >/dev/null 2>"$err" ||
    { echo "FAIL: $f --cost billed: $(cat "$err")"; fail=1; }
  ok=$((ok + 1))
done
[ "$ok" -ge 15 ] || { echo "FAIL: only $ok supported samples found"; fail=1; }
[ "$refused" -ge 8 ] || { echo "FAIL: only $refused unsupported samples found"; fail=1; }
[ $fail = 0 ] && echo "samples: $ok read, $refused refused"
exit $fail
