#!/bin/sh
# SPDX-License-Identifier: MIT
# Every subcommand has --help (exit 0, on stdout); usage mistakes exit 2 with
# "mlcost:" on stderr; --version prints the version.
# usage: help_and_usage.sh MLCOST SOURCE_DIR
set -u
mlcost=$1
fail=0
check() { # description, expected status, actual status
  if [ "$2" != "$3" ]; then echo "FAIL: $1: exit $3, expected $2"; fail=1; fi
}

"$mlcost" --help >/tmp/mlc_help.$$ 2>&1; check "mlcost --help" 0 $?
cmds=$(sed -n '/^Commands:/,/^$/p' /tmp/mlc_help.$$ | awk 'NF && !/Commands:/ {print $1}')
[ -n "$cmds" ] || { echo "FAIL: no commands listed"; fail=1; }
for c in $cmds; do
  out=$("$mlcost" "$c" --help 2>/dev/null); check "mlcost $c --help" 0 $?
  case "$out" in "Usage: mlcost $c "*) ;; *) echo "FAIL: $c --help does not start with usage"; fail=1;; esac
  err=$("$mlcost" "$c" --no-such-option 2>&1 >/dev/null); check "mlcost $c --no-such-option" 2 $?
  case "$err" in "mlcost: $c: unknown option"*) ;; *) echo "FAIL: $c: bad usage message: $err"; fail=1;; esac
done
for c in estimate compare frontier pricing; do
  echo "$cmds" | grep -qx "$c" || { echo "FAIL: command $c missing from --help"; fail=1; }
done
"$mlcost" no-such-command >/dev/null 2>&1; check "unknown command" 2 $?
"$mlcost" >/dev/null 2>&1; check "no command" 2 $?
v=$("$mlcost" --version); check "--version" 0 $?
case "$v" in "mlcost "[0-9]*) ;; *) echo "FAIL: --version printed '$v'"; fail=1;; esac
rm -f /tmp/mlc_help.$$
[ $fail = 0 ] && echo "help and usage: ok"
exit $fail
