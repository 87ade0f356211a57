#!/bin/sh
# SPDX-License-Identifier: MIT
# Connection limits of `mlcost serve`, with raw sockets: a client address
# past max_connections_per_ip has its extra connection closed unanswered
# while the others are served; a client that sends half a request and
# stalls is cut off after connection_timeout_s; max_connections caps all
# clients together: past it a connection waits unanswered in the listen
# backlog until one closes. One thread: libmicrohttpd splits the
# connection limit among the threads of its pool.
# usage: serve_limits.sh MLCOST SOURCE_DIR
set -u
M=$1 SRC=$2
TMP=$(mktemp -d)
. "$SRC/tests/daemon/serve_lib.inc"

cat >"$TMP/serve.yaml" <<'Y'
listen: 127.0.0.1:0
store: store.db
wal_dir: wal
threads: 1
max_connections_per_ip: 2
connection_timeout_s: 2
Y
start_server "$TMP/serve.yaml"

python3 - "$PORT" <<'P' || fail "connection limits"
import socket, sys, time
port = int(sys.argv[1])
REQ = b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n"

def answered(s):
    """True when s gets an HTTP answer, False when the server closed it."""
    try:
        s.sendall(REQ)
        s.settimeout(5)
        return s.recv(100).startswith(b"HTTP/1.1 200")
    except (ConnectionResetError, BrokenPipeError, socket.timeout):
        return False

# per client address: the third of three open connections is closed
conns = [socket.create_connection(("127.0.0.1", port)) for _ in range(3)]
time.sleep(0.3)
got = [answered(s) for s in conns]
assert got == [True, True, False], got
for s in conns:
    s.close()
time.sleep(0.3)

# a slow client: half a request, then silence past the 2 s timeout
slow = socket.create_connection(("127.0.0.1", port))
slow.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\n")
time.sleep(4.5)
slow.settimeout(3)
try:
    data = slow.recv(100)
except ConnectionResetError:
    data = b""
assert data == b"", data
slow.close()

# a well-behaved client is still served
s = socket.create_connection(("127.0.0.1", port))
assert answered(s)
s.close()
P

stop_server TERM

# max_connections over all clients: 127.0.0.2 is another address of the loopback
# (a long timeout: an idle admitted connection cut off would free a slot)
sed 's/^connection_timeout_s: 2$/connection_timeout_s: 60/' "$TMP/serve.yaml" >"$TMP/serve2.yaml"
printf 'max_connections: 3\n' >>"$TMP/serve2.yaml"
mv "$TMP/serve2.yaml" "$TMP/serve.yaml"
start_server "$TMP/serve.yaml"
python3 - "$PORT" <<'P' || fail "max_connections"
import socket, sys, time
port = int(sys.argv[1])
REQ = b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n"
def conn(src):
    s = socket.socket()
    s.bind((src, 0))
    s.connect(("127.0.0.1", port))
    return s
def answered(s, wait):
    try:
        s.sendall(REQ)
        s.settimeout(wait)
        return s.recv(100).startswith(b"HTTP/1.1 200")
    except (ConnectionResetError, BrokenPipeError, socket.timeout):
        return False
conns = [conn("127.0.0.%d" % i) for i in (1, 2, 3, 4)]
time.sleep(0.3)
# the three admitted ones get time to answer on a loaded machine; the
# fourth, queued in the backlog, must stay unanswered for a second
got = [answered(s, 5) for s in conns[:3]] + [answered(conns[3], 1)]
assert got == [True, True, True, False], got
conns[0].close() # a slot frees: the fourth is taken in and answered
conns[3].settimeout(5)
assert conns[3].recv(100).startswith(b"HTTP/1.1 200")
P
stop_server TERM
[ "$STOP_STATUS" = 0 ] || fail "exit status $STOP_STATUS"
echo "ok"
