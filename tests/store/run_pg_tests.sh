#!/bin/sh
# SPDX-License-Identifier: MIT
# Run commands against a throwaway PostgreSQL cluster: initdb into a
# temporary directory, start it on a free loopback port (its unix socket
# in that directory too), create a database, run each COMMAND with
# MLC_TEST_PG_URL=postgres://... in its environment, then stop the
# cluster and remove the directory, whatever happened.
#
#   usage: run_pg_tests.sh COMMAND...     (each COMMAND is one shell command line)
#   env:   MLC_PG_BIN      directory of initdb/pg_ctl (default: newest /usr/lib/postgresql/*/bin)
#          MLC_PG_DURABLE  1 keeps fsync on (benchmarks); tests run with fsync off
#
# PostgreSQL refuses to run as root. As root, the cluster runs as the
# system user "mlcpg" (created here when missing, no login shell, no
# home) through runuser; the tests connect over TCP with trust
# authentication, which only the loopback address can reach. As another
# user, the cluster simply runs as that user.
#
# Exit status: that of the first failing command, 0 when all pass, 77
# (skipped) when the PostgreSQL server binaries are absent - except under
# CI (CI=true), where a missing PostgreSQL is a failure, not a skip.
set -u

bin=${MLC_PG_BIN:-}
if [ -z "$bin" ]; then
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V); do bin=$d; done
  [ -z "$bin" ] && command -v initdb >/dev/null 2>&1 && bin=$(dirname "$(command -v initdb)")
fi
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ] || [ ! -x "$bin/pg_ctl" ]; then
  if [ "${CI:-}" = true ]; then
    echo "FAIL: PostgreSQL server binaries not found (install Debian's postgresql)"; exit 1
  fi
  echo "SKIP: PostgreSQL server binaries (initdb, pg_ctl) not found;" \
       "install Debian's postgresql to run the store tests against PostgreSQL"
  exit 77
fi

as_pg() { "$@"; }
pguser=$(id -un)
if [ "$(id -u)" = 0 ]; then
  pguser=mlcpg
  id "$pguser" >/dev/null 2>&1 ||
    useradd --system --no-create-home --shell /usr/sbin/nologin "$pguser" ||
    { echo "FAIL: cannot create user $pguser"; exit 1; }
  as_pg() { runuser -u "$pguser" -- "$@"; }
fi

tmp=$(mktemp -d /tmp/mlc_pg.XXXXXX) || exit 1
port=""
cleanup() {
  [ -n "$port" ] && as_pg "$bin/pg_ctl" -D "$tmp/data" -m immediate -w stop >/dev/null 2>&1
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
chmod 700 "$tmp"
[ "$(id -u)" = 0 ] && chown "$pguser" "$tmp"

as_pg "$bin/initdb" -D "$tmp/data" -U "$pguser" --auth=trust --no-sync -E UTF8 --no-locale \
  >"$tmp/initdb.log" 2>&1 || { cat "$tmp/initdb.log"; echo "FAIL: initdb"; exit 1; }

opts="-c listen_addresses=127.0.0.1 -k $tmp -c max_connections=50"
[ "${MLC_PG_DURABLE:-0}" = 1 ] || opts="$opts -c fsync=off -c full_page_writes=off"
# a free port: try a few, starting from one derived from our pid
p=$((20000 + $$ % 20000)); tries=0
while [ $tries -lt 20 ]; do
  if as_pg "$bin/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w -t 60 \
       -o "-p $p $opts" start >/dev/null 2>&1; then
    port=$p; break
  fi
  grep -q "could not bind\|already in use\|could not create any TCP" "$tmp/server.log" 2>/dev/null ||
    { cat "$tmp/server.log"; echo "FAIL: pg_ctl start"; exit 1; }
  : >"$tmp/server.log"; p=$((p + 1)); tries=$((tries + 1))
done
[ -n "$port" ] || { echo "FAIL: no free port for PostgreSQL"; exit 1; }

"$bin/createdb" -h 127.0.0.1 -p "$port" -U "$pguser" mlcost_test ||
  { echo "FAIL: createdb"; exit 1; }
MLC_TEST_PG_URL="postgres://$pguser@127.0.0.1:$port/mlcost_test"
export MLC_TEST_PG_URL
echo "$("$bin/postgres" --version) on 127.0.0.1:$port ($tmp)"

status=0
for cmd in "$@"; do
  echo "== $cmd"
  sh -c "$cmd" || { rc=$?; echo "FAIL ($rc): $cmd"; [ $status = 0 ] && status=$rc; }
done
exit $status
