#!/bin/sh
# SPDX-License-Identifier: MIT
# The commands that scan bills (attribute, tags, unit, allocate) draw a
# progress line on stderr ("12.3 MB  456789 rows/s", with "/ TOTAL (P%)" and
# an ETA when the input's size is known) when stderr is a terminal, and
# never when it is a file. A pty comes from util-linux `script`; the bill
# comes on stdin in two parts with a pause between them, so the scan is
# still running when the library's first 0.25 s progress interval has
# passed (it looks every 16,384 rows: the second part starts past row 20,000).
# usage: progress_line.sh MLCOST SOURCE_DIR
set -u
mlcost=$1 src=$2
command -v script >/dev/null 2>&1 || { echo "no util-linux script: skipped"; exit 77; }
command -v awk >/dev/null 2>&1 || { echo "no awk: skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

# 40,000 rows of a FOCUS bill over two days, two models, 1.00 each.
awk 'BEGIN {
  print "BillingCurrency,BilledCost,EffectiveCost,ChargePeriodStart,ChargePeriodEnd,ServiceName,ResourceId,Tags"
  for (i = 0; i < 40000; i++) {
    d = i % 2 ? "02" : "01"; e = i % 2 ? "03" : "02"; m = i % 4 < 2 ? "ranker" : "chat"
    printf "USD,1.00,1.00,2024-09-%sT00:00:00Z,2024-09-%sT00:00:00Z,Amazon EC2,i-%d,", d, e, i % 50
    printf "\"{\"\"model_id\"\":\"\"%s\"\",\"\"team\"\":\"\"ml\"\"}\"\n", m
  }
}' >"$tmp/bill.csv"
head -n 20001 "$tmp/bill.csv" >"$tmp/part1.csv"
tail -n +20002 "$tmp/bill.csv" >"$tmp/part2.csv"
printf 'date,model_id,requests\n2024-09-01,ranker,100\n2024-09-02,chat,50\n' >"$tmp/usage.csv"
cat >"$tmp/rules.yaml" <<'EOF'
version: 1
pools:
  - name: platform
    filter: "ServiceName=Amazon EC2"
    split: even
    targets: tag:model_id
EOF
# The bill on stdin, paused after its first part.
feed="{ cat '$tmp/part1.csv'; sleep 0.6; cat '$tmp/part2.csv'; }"

check() { # NAME ARGS (the bill is '-')
  name=$1; shift
  # on a terminal: stdout to /dev/null, so the pty carries stderr alone
  script -qec "$feed | '$mlcost' $* >/dev/null" /dev/null </dev/null >"$tmp/$name.tty" 2>&1
  rc=$?
  if [ "$rc" != 0 ]; then
    echo "FAIL: $name on a terminal: exit $rc"; cat "$tmp/$name.tty"; fail=1; return
  fi
  # "<bytes> <unit>  <N> rows/s", then erased ("\r" + ESC [K) before the output
  if ! grep -aq '[0-9.]* [kMG]*B  [0-9]* rows/s' "$tmp/$name.tty"; then
    echo "FAIL: $name: no progress line on a terminal:"; od -c "$tmp/$name.tty" | head; fail=1
  fi
  grep -aq "$(printf '\033')\[K" "$tmp/$name.tty" ||
    { echo "FAIL: $name: the progress line is not erased"; fail=1; }
  # stderr to a file: no progress at all
  sh -c "$feed | '$mlcost' $* >/dev/null 2>'$tmp/$name.err'"
  rc=$?
  if [ "$rc" != 0 ]; then
    echo "FAIL: $name with stderr to a file: exit $rc"; cat "$tmp/$name.err"; fail=1; return
  fi
  if grep -aq 'rows/s' "$tmp/$name.err" || grep -aq "$(printf '\033')" "$tmp/$name.err"; then
    echo "FAIL: $name: progress written to a file:"; od -c "$tmp/$name.err" | head; fail=1
  fi
}

check unit unit - --usage "$tmp/usage.csv"
check unit_profile unit - --usage "$tmp/usage.csv" --profile "$src/tests/data/unit_profile/profile.yaml"
check allocate allocate - --rules "$tmp/rules.yaml"
check tags tags - --require model_id,team
check attribute attribute - --by tag:model_id

[ $fail = 0 ] && echo "progress line: ok"
exit $fail
