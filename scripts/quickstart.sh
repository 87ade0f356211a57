#!/bin/sh
# SPDX-License-Identifier: MIT
# The README's first command: install what is missing, build, and run the
# main job on the bundled examples.
set -eu
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh
sh scripts/build.sh build
echo
echo '$ mlcost estimate examples/seed.yaml'
build/mlcost estimate examples/seed.yaml
echo
echo '$ mlcost compare examples/whatif.yaml'
build/mlcost compare examples/whatif.yaml
echo
echo '$ mlcost frontier examples/variants.yaml'
build/mlcost frontier examples/variants.yaml
echo
echo '$ mlcost attribute examples/focus-ml-bill.csv --by tag:model_id,tag:lifecycle_phase'
build/mlcost attribute examples/focus-ml-bill.csv --by tag:model_id,tag:lifecycle_phase
echo
echo '$ mlcost unit examples/focus-ml-bill.csv --usage examples/usage.csv --bucket month'
build/mlcost unit examples/focus-ml-bill.csv --usage examples/usage.csv --bucket month
echo
echo '$ mlcost report examples/focus-ml-bill.csv --usage examples/usage.csv --profile examples/seed.yaml \'
echo '    --budgets examples/budgets.yaml --whatif examples/whatif.yaml --variants examples/variants.yaml \'
echo '    --policy examples/policy.yaml -o mlcost-report.html'
build/mlcost report examples/focus-ml-bill.csv --usage examples/usage.csv --profile examples/seed.yaml \
  --budgets examples/budgets.yaml --whatif examples/whatif.yaml --variants examples/variants.yaml \
  --policy examples/policy.yaml -o mlcost-report.html
echo
echo "mlcost is built at build/mlcost; try: build/mlcost --help"
echo "The report is at $(pwd)/mlcost-report.html: open it in a browser."
