#!/bin/sh
# SPDX-License-Identifier: MIT
# Does fdatasync on this machine delay processes that do no disk I/O at all?
# nginx serves a static 200 (no disk I/O) to bench/openloop.c at a fixed
# rate three times: alone; beside an unrelated process looping "write 200
# bytes" to a file in /var/tmp (a CPU control); beside the same loop with
# an fdatasync after each write. On a machine whose flushes are cheap the
# three have the same latency. On the Firecracker VM we measure on, nginx's
# p99 at 10,000/s was 0.26 ms alone, 0.21 ms beside the write loop and
# 11.3 ms beside the fdatasync loop (bench/README-serve.md): a flush stalls
# the virtual CPUs, so no server that syncs before it answers can have a p99
# below that here. Not a ctest test.
#
# usage: bench/fsync_interference.sh   env: RATE (10000), DURATION (6), CONNS (64)
set -u
SRC=$(cd "$(dirname "$0")/.." && pwd)
RATE=${RATE:-10000} DURATION=${DURATION:-6} CONNS=${CONNS:-64}
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
T=$(mktemp -d /var/tmp/mlc-fsync-interference.XXXXXX)
NP= SP=
cleanup() {
  [ -n "$SP" ] && kill "$SP" 2>/dev/null
  [ -n "$NP" ] && kill -QUIT "$NP" 2>/dev/null && wait "$NP" 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
cc -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra "$SRC/bench/openloop.c" -o "$T/openloop" || exit 1
mkdir -p "$T/logs" "$T/tmp"
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
user_line=
[ "$(id -u)" = 0 ] && user_line="user $(id -un) $(id -gn);"
cat >"$T/nginx.conf" <<C
$user_line
worker_processes 2; daemon off; pid $T/nginx.pid; error_log $T/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off; keepalive_requests 1000000;
  client_body_temp_path $T/tmp/b; proxy_temp_path $T/tmp/p; fastcgi_temp_path $T/tmp/f;
  uwsgi_temp_path $T/tmp/u; scgi_temp_path $T/tmp/s;
  server { listen 127.0.0.1:$PORT; location / { default_type text/plain; return 200 "ok"; } }
}
C
"$NGINX" -p "$T" -c "$T/nginx.conf" 2>"$T/nginx.err" &
NP=$!
i=0
until curl -s "http://127.0.0.1:$PORT/" >/dev/null; do
  i=$((i + 1)); [ $i -lt 100 ] || { echo "nginx did not start: $(cat "$T/nginx.err")" >&2; exit 1; }
  sleep 0.1
done
run() { # LABEL
  "$T/openloop" --url "http://127.0.0.1:$PORT/" --rate "$RATE" --duration "$DURATION" \
    --connections "$CONNS" --method POST 2>/dev/null | sed "s/^mlc_result/$1/"
}
loop() { # SYNC (1: fdatasync after each write; 0: the same loop without it, as a CPU control)
  python3 - "$T/loop.dat" "$1" <<'PY' &
import os, sys
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
sync, n = sys.argv[2] == "1", 0
while True:
    os.write(fd, b"x" * 200)
    if sync:
        os.fdatasync(fd)
    n += 1
    if n % 100000 == 0:
        os.lseek(fd, 0, os.SEEK_SET)
PY
  SP=$!
  sleep 0.5
}
run alone
loop 0
run with_a_write_loop_no_sync
kill "$SP"; wait "$SP" 2>/dev/null; SP=
loop 1
run with_a_write_fdatasync_loop
