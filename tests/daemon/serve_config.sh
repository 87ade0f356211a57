#!/bin/sh
# SPDX-License-Identifier: MIT
# `mlcost serve` before it serves: usage errors (exit 2), a missing config
# (1), config errors with FILE:LINE:COL (3), --print-config reading back to
# itself, --hash-token against Python's hashlib, the settings table of
# docs/serve.md against the table that drives the parser, the example
# config, bad catalogs, and an address already in use (1).
# usage: serve_config.sh MLCOST SOURCE_DIR
set -u
M=$1 SRC=$2
TMP=$(mktemp -d)
. "$SRC/tests/daemon/serve_lib.inc"

status_of() { "$@" >"$TMP/out" 2>"$TMP/err"; echo $?; }

[ "$(status_of "$M" serve)" = 2 ] || fail "no --config: want exit 2"
[ "$(status_of "$M" serve --config "$TMP/none.yaml")" = 1 ] || fail "missing config: want exit 1"
grep -q "none.yaml" "$TMP/err" || fail "missing config not named: $(cat "$TMP/err")"

printf 'listen: 127.0.0.1:9464\nthreads: 0\n' >"$TMP/bad.yaml"
[ "$(status_of "$M" serve --config "$TMP/bad.yaml")" = 3 ] || fail "bad threads: want exit 3"
grep -q "^mlcost: $TMP/bad.yaml:2:10: threads must be an integer from 1 to 1024, got '0'$" "$TMP/err" ||
  fail "bad threads message: $(cat "$TMP/err")"
printf 'tokens:\n  - name: a\n    sha256: not-a-hash\n    scopes: [read]\n' >"$TMP/bad.yaml"
[ "$(status_of "$M" serve --config "$TMP/bad.yaml" --print-config)" = 3 ] || fail "bad hash: want exit 3"
grep -q "bad.yaml:3:13: token: sha256 must be" "$TMP/err" || fail "bad hash message: $(cat "$TMP/err")"

# the effective config reads back to the same text
cat >"$TMP/serve.yaml" <<'Y'
threads: 3
max_body_bytes: 1MiB
tokens:
  - {name: ci, sha256: 4c5dc9b7708905f77f5e5d16316b5dfb425e68cb326dcd55a860e90a7707031e, scopes: [read], teams: [search]}
Y
"$M" serve --config "$TMP/serve.yaml" --print-config >"$TMP/p1.yaml" || fail "--print-config"
grep -q '^max_body_bytes: 1048576$' "$TMP/p1.yaml" || fail "max_body_bytes not 1 MiB"
grep -q "^store: \"$TMP/mlcost.db\"$" "$TMP/p1.yaml" || fail "store not next to the config"
"$M" serve --config "$TMP/p1.yaml" --print-config >"$TMP/p2.yaml" || fail "--print-config of its output"
tail -n +2 "$TMP/p1.yaml" >"$TMP/a"
tail -n +2 "$TMP/p2.yaml" >"$TMP/b"
cmp -s "$TMP/a" "$TMP/b" || fail "printed config does not read back the same"

# --hash-token: the trailing newline of echo is not part of the token
want=$(python3 -c 'import hashlib; print(hashlib.sha256(b"s3cr3t-token").hexdigest())')
[ "$(echo s3cr3t-token | "$M" serve --hash-token)" = "$want" ] || fail "--hash-token"
[ "$(printf '' | status_of "$M" serve --hash-token)" = 3 ] || fail "--hash-token of nothing: want exit 3"

# docs/serve.md holds exactly the table the parser is driven by
"$M" serve --print-config-doc >"$TMP/table.md" || fail "--print-config-doc"
sed -n '/<!-- settings:begin -->/,/<!-- settings:end -->/p' "$SRC/docs/serve.md" |
  sed '1d;$d' >"$TMP/doc.md"
cmp -s "$TMP/table.md" "$TMP/doc.md" ||
  fail "docs/serve.md settings table differs from 'mlcost serve --print-config-doc': $(diff "$TMP/doc.md" "$TMP/table.md")"

# the example config starts with its catalogs and budgets (copied: it writes its store
# beside itself), and its example token is the one its comment names
mkdir "$TMP/ex"
cp "$SRC/examples/serve-budgets.yaml" "$SRC/examples/llm-prices.csv" "$TMP/ex/"
sed 's/^listen: .*/listen: 127.0.0.1:0/' "$SRC/examples/serve.yaml" >"$TMP/ex/serve.yaml"
start_server "$TMP/ex/serve.yaml"
expect 200 GET /v1/budgets example-admin-token
[ "$(jget '[b["name"] for b in j["budgets"]]')" = "['chat-v2-serving', 'search-team', 'all-inference']" ] ||
  fail "example budgets: $(cat "$TMP/body")"
expect 403 GET /v1/budgets example-ingest-token
stop_server TERM

# a catalog that does not exist stops the start, named
printf 'listen: 127.0.0.1:0\ncatalogs: [builtin:nope]\nstore: s.db\nwal_dir: wal\n' >"$TMP/cat.yaml"
[ "$(status_of "$M" serve --config "$TMP/cat.yaml")" != 0 ] || fail "unknown catalog started"
grep -q "catalog builtin:nope" "$TMP/err" || fail "unknown catalog message: $(cat "$TMP/err")"

# an address in use: exit 1
printf 'listen: 127.0.0.1:0\nstore: s.db\nwal_dir: wal\n' >"$TMP/a.yaml"
start_server "$TMP/a.yaml"
printf 'listen: 127.0.0.1:%s\nstore: s2.db\nwal_dir: wal2\n' "$PORT" >"$TMP/b.yaml"
[ "$(status_of "$M" serve --config "$TMP/b.yaml")" = 1 ] || fail "address in use: want exit 1"
grep -q "cannot listen on 127.0.0.1:$PORT" "$TMP/err" || fail "address in use: $(cat "$TMP/err")"
stop_server TERM
echo "ok"
