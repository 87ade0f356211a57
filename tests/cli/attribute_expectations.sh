#!/bin/sh
# SPDX-License-Identifier: MIT
# The golden cases tests/golden/attribute_* and tags_* hold outputs computed
# by independent scripts (tests/gen/attribute_expect.py, tags_expect.py:
# Python's csv and decimal.Decimal, no mlcost). Re-run them and check that
# what is committed is still what they compute; the golden cases themselves
# check mlcost against it.
# usage: attribute_expectations.sh MLCOST SOURCE_DIR
set -u
src=$2
if ! command -v python3 >/dev/null 2>&1; then
  echo "python3 not found: expectations not recomputed (skipped)"; exit 77
fi
[ -d "$src/../shared/data" ] || { echo "no shared data: skipped"; exit 77; }
python3 "$src/tests/gen/attribute_expect.py" --check || exit 1
python3 "$src/tests/gen/tags_expect.py" --check
