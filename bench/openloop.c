/* SPDX-License-Identifier: MIT */
/*
 * openloop.c - an open-loop HTTP/1.1 load generator (what wrk2 does; wrk2
 * is not in Debian). wrk is closed-loop: each connection sends its next
 * request only when the previous one is answered, so it always saturates
 * the server, and a stall delays the requests that would have been sent
 * during it instead of making them late (coordinated omission). Here
 * request k (k = 0, 1, 2, ...) has an intended start time t0 + k/R, fixed
 * in advance; its latency is receive time - INTENDED start, so a stall
 * shows in the percentiles as it would to clients arriving at rate R. The
 * service time (receive - actual send) is kept too. Used to check the
 * latency half of issue 5's target for `mlcost serve` ("≥ 20k single-event
 * POSTs/s with p99 < 5 ms") at a fixed offered rate; bench/serve_bench.sh
 * measures the throughput half with wrk.
 *
 * Build (libc + Linux epoll only):
 *   cc -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror bench/openloop.c -o openloop
 *
 * Usage:
 *   openloop --url http://127.0.0.1:PORT/path --rate R --duration S [--warmup S]
 *            [--connections C] [--method GET|POST] [--header 'Name: value']...
 *            [--body-file F] [--batch N] [--id-prefix P]
 *
 *   --url U          http://HOST[:PORT][/path]; HOST an IPv4 literal or localhost
 *   --rate R         offered requests per second (> 0; fractions allowed)
 *   --duration S     seconds of recorded schedule (after the warmup)
 *   --warmup S       seconds of schedule sent first but not recorded (1)
 *   --connections C  keep-alive connections, opened before the schedule starts (64)
 *   --method M       GET or POST (GET)
 *   --header H       an extra request header, repeatable (e.g. 'Authorization: Bearer T');
 *                    a Host or Content-Type given here replaces the default one
 *   --body-file F    send F's bytes as the body of every request
 *   --batch N        events per request in the default POST body, and the
 *                    multiplier of events_per_s (1)
 *   --id-prefix P    prefix of the event ids of the default body (ol<pid>)
 *
 * With --method POST and no --body-file, request k carries --batch N NDJSON
 * mlcost events, event i being
 *   {"id":"P-k-i","model":"model-<i%8>","team":"team-<i%3>",
 *    "instance":"g4dn.xlarge_1xt4","compute_seconds":0.05}
 * (one line each, joined with "\n"): every event id of a run is unique.
 *
 * How it runs: one thread, non-blocking sockets, epoll_pwait2 with a
 * nanosecond timeout to the next intended start. At every wakeup the
 * requests that are due (intended start <= now, computed from t0 and k,
 * never accumulated, so the schedule cannot drift) are sent on idle
 * connections, one request in flight per connection (no pipelining); when
 * no connection is idle they wait in FIFO order (implicitly: requests are
 * sent in order of k) and go out as connections free up. If more than
 * 1,000,000 are owed the run stops (reported on stderr, exit 2).
 * Responses: status line and headers (at most 64 KiB), Content-Length or
 * chunked bodies (sizes, extensions, trailers), bodies delimited by the
 * close, 1xx interim responses skipped, 204/304 without body,
 * `Connection: close` (and HTTP/1.0 without keep-alive) honoured by
 * reconnecting. A connection error, a malformed response or a close in the
 * middle of a response makes that request an error (not retried) and the
 * connection is opened again (every 20 ms while connecting fails).
 *
 * Output: after the schedule (warmup + duration) and up to 10 s more for
 * outstanding responses (what is still unsent or unanswered then is an
 * error), exactly one line on stdout:
 *   mlc_result requests=N ok=N non2xx=N errors=N seconds=S target_rps=R rps=X
 *     events_per_s=X p50_ms=.. p90_ms=.. p99_ms=.. p999_ms=.. max_ms=..
 *     svc_p50_ms=.. svc_p99_ms=.. late_max_ms=.. batch=N connections=C
 * requests: the recorded requests (intended start in [warmup, warmup +
 * duration)) = ok + non2xx + errors. seconds: from the first recorded
 * intended start to the last recorded response, at least --duration.
 * rps = (ok + non2xx) / seconds; events_per_s = ok * batch / seconds.
 * Percentiles (nearest rank) of the latencies of all recorded responses
 * (2xx or not); svc_*: service times; late_max_ms: the worst delay between
 * a recorded request's intended and actual send (the generator or the
 * connection pool could not keep up: more connections, or a lower rate).
 * A line of counters goes to stderr: requests sent, ok_with_warmup (2xx
 * responses, warmup included: what a server's own count should equal),
 * connects, reconnects, connect errors, failures by kind (conn, closed
 * mid-response, malformed, unanswered at the end, unsent), owed_max (the
 * longest FIFO of due requests) and late_over_1ms (recorded requests sent
 * more than 1 ms late).
 * Exit status: 0 it ran; 1 bad arguments or no connection could be made at
 * the start; 2 more than 1% of the recorded requests were not 2xx (or the
 * run stopped with more than 1,000,000 requests owed).
 *
 * Limits: one thread: at 20k requests/s it uses about 60% of a core of the
 * 2-vCPU VM (mostly in the kernel: a send, a read and an epoll wait per
 * request), so on a shared machine it competes with the server; check
 * late_max_ms and late_over_1ms. Every latency includes the generator's
 * own wake-up delay (~50-70 µs on that VM: compare p50_ms with
 * svc_p50_ms on an idle server). IPv4 and http:// only; one request in
 * flight per connection (no pipelining), so rate x service time must stay
 * well below --connections or requests queue for a connection (and count as
 * late, as they should: that is the open-loop view).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_HEAD        (64 * 1024)  /* a response's header section (and its trailers) */
#define MAX_LINE        4096         /* a chunk-size line, a trailer line */
#define MAX_OWED        1000000ULL   /* due but unsent requests before giving up */
#define MAX_HEADERS     64           /* --header options */
#define MAX_CONNS       10000        /* --connections */
#define MAX_BATCH       100000       /* --batch */
#define MAX_BODY_FILE   (64 << 20)   /* --body-file */
#define MAX_MEM         (1ULL << 30) /* all per-connection request buffers together */
#define MAX_RECORDED    200000000ULL
#define RETRY_NS        20000000LL    /* between attempts to reconnect */
#define DRAIN_NS        10000000000LL /* wait for outstanding responses */
#define CONNECT_WAIT_NS 5000000000LL  /* initial connections */
#define TICK_NS         100000000LL   /* the longest sleep (checks, retries) */
#define NS              1000000000LL

enum { C_DOWN, C_CONNECTING, C_IDLE, C_SEND, C_RECV };
enum {
	R_NONE,
	R_HEAD,
	R_LENGTH,
	R_CHUNK_SIZE,
	R_CHUNK_DATA,
	R_CHUNK_END,
	R_TRAILER,
	R_UNTIL_CLOSE,
	R_DONE
};

typedef struct conn {
	int fd, state, rstate, want_out, close_after, status;
	uint32_t gen;              /* bumped on close: stale epoll events are ignored */
	int prev, next;            /* the idle list (FIFO), -1 terminated */
	uint64_t k;                /* the request in flight */
	int64_t sent_ns, retry_at; /* actual send; next connect attempt when C_DOWN */
	char *out;                 /* per-connection request buffer (default POST body) */
	const char *wp;            /* what remains to be sent */
	size_t wleft;
	char *head; /* response header section being read */
	size_t head_len, head_cap;
	uint64_t remain; /* body or chunk bytes still to come */
	size_t trailer_bytes, line_len;
	char line[MAX_LINE];
} conn;

/* ---- options and state (one thread: globals) ------------------------------------------------ */
static struct sockaddr_in addr;
static char host_hdr[300], path[2048];
static double rate, duration, warmup = 1;
static int nconns = 64, post, batch = 1;
static const char *headers[MAX_HEADERS];
static int nheaders;
static const char *body_file;
static char id_prefix[80];
static size_t id_prefix_len;

static char *prefix; /* request line + headers (+ "Content-Length: " when a body is sent) */
static size_t prefix_len, head_room; /* head_room: bytes reserved in front of the body */
static char *fixed_req; /* the whole request when it never changes (GET, --body-file) */
static size_t fixed_len;

static conn *conns;
static int ep, idle_head = -1, idle_tail = -1, nidle, ndown;
static int64_t t0, t_rec, t_end;
static double ns_per_req;
static uint64_t total, warm_k, next_k, inflight;

static int64_t *lat, *svc; /* recorded latencies and service times (ns) */
static uint64_t ok_all;    /* 2xx responses, warmup included (what the server acknowledged) */
static uint64_t nlat, ok, non2xx, fail_conn, fail_proto, fail_eof;
static uint64_t connects, reconnects, connect_errors, sent;
static int64_t late_max, last_recv;
static uint64_t late_1ms; /* recorded requests sent more than 1 ms after their intended start */
static char rbuf[1 << 18];

static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("openloop: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static int64_t mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NS + ts.tv_nsec;
}

static int64_t intended(uint64_t k)
{
	return t0 + (int64_t)((double)k * ns_per_req);
}

/* ceil(x) for x >= 0 (the number of integers k >= 0 with k < x), an x within 1e-6 above an
 * integer counting as that integer (x is a product computed in floating point) */
static uint64_t count_below(double x)
{
	uint64_t n = (uint64_t)x;
	return x - (double)n > 1e-6 ? n + 1 : n;
}

static int recorded(uint64_t k)
{
	return k >= warm_k;
}

/* ---- the idle list ----------------------------------------------------------------------------
 */
static void idle_push(conn *c)
{
	int i = (int)(c - conns);
	c->state = C_IDLE;
	c->next = -1;
	c->prev = idle_tail;
	if (idle_tail >= 0)
		conns[idle_tail].next = i;
	else
		idle_head = i;
	idle_tail = i;
	nidle++;
}

static void idle_remove(conn *c)
{
	if (c->prev >= 0)
		conns[c->prev].next = c->next;
	else
		idle_head = c->next;
	if (c->next >= 0)
		conns[c->next].prev = c->prev;
	else
		idle_tail = c->prev;
	c->prev = c->next = -1;
	nidle--;
}

/* ---- connections ------------------------------------------------------------------------------
 */
static void ep_set(conn *c, int op, int out)
{
	struct epoll_event ev = {.events = EPOLLIN | (out ? EPOLLOUT : 0),
	                         .data.u64 = (uint64_t)c->gen << 32 | (uint32_t)(c - conns)};
	c->want_out = out;
	if (epoll_ctl(ep, op, c->fd, &ev) < 0) {
		perror("openloop: epoll_ctl");
		exit(1);
	}
}

static void conn_close(conn *c)
{
	if (c->state == C_IDLE)
		idle_remove(c);
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->gen++;
	c->state = C_DOWN;
	c->rstate = R_NONE;
	c->head_len = c->line_len = 0;
	ndown++;
}

static void conn_open(conn *c, int64_t now)
{
	ndown--;
	connects++;
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		perror("openloop: socket");
		exit(1);
	}
	int one = 1;
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (connect(c->fd, (struct sockaddr *)&addr, sizeof addr) == 0) {
		ep_set(c, EPOLL_CTL_ADD, 0);
		idle_push(c);
	} else if (errno == EINPROGRESS) {
		c->state = C_CONNECTING;
		ep_set(c, EPOLL_CTL_ADD, 1);
	} else {
		connect_errors++;
		close(c->fd);
		c->fd = -1;
		c->state = C_DOWN;
		c->retry_at = now + RETRY_NS;
		ndown++;
	}
}

static void conn_connected(conn *c, int64_t now)
{
	int err = 0;
	socklen_t len = sizeof err;
	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err) {
		connect_errors++;
		conn_close(c);
		c->retry_at = now + RETRY_NS;
		return;
	}
	ep_set(c, EPOLL_CTL_MOD, 0);
	idle_push(c);
}

static void reconnect(conn *c, int64_t now)
{
	conn_close(c);
	reconnects++;
	conn_open(c, now);
}

/* the request in flight on c failed: count it, open the connection again */
static void fail_req(conn *c, uint64_t *counter, int64_t now)
{
	if (recorded(c->k))
		(*counter)++;
	inflight--;
	reconnect(c, now);
}

/* ---- requests ---------------------------------------------------------------------------------
 */
#define PUT(d, lit) (memcpy((d), (lit), sizeof(lit) - 1), (d) += sizeof(lit) - 1)

static char *put_u64(char *d, uint64_t v)
{
	char t[24];
	int n = 0;
	do
		t[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	while (n)
		*d++ = t[--n];
	return d;
}

static size_t render_events(char *d0, uint64_t k)
{
	char *d = d0;
	for (int i = 0; i < batch; i++) {
		if (i)
			*d++ = '\n';
		PUT(d, "{\"id\":\"");
		memcpy(d, id_prefix, id_prefix_len);
		d += id_prefix_len;
		*d++ = '-';
		d = put_u64(d, k);
		*d++ = '-';
		d = put_u64(d, (uint64_t)i);
		PUT(d, "\",\"model\":\"model-");
		*d++ = (char)('0' + i % 8);
		PUT(d, "\",\"team\":\"team-");
		*d++ = (char)('0' + i % 3);
		PUT(d, "\",\"instance\":\"g4dn.xlarge_1xt4\",\"compute_seconds\":0.05}");
	}
	return (size_t)(d - d0);
}
/* an upper bound of one event's length, the separator included */
#define EVENT_MAX(plen) ((size_t)(plen) + 160)

static void try_write(conn *c, int64_t now)
{
	while (c->wleft) {
		ssize_t w = send(c->fd, c->wp, c->wleft, MSG_NOSIGNAL);
		if (w > 0) {
			c->wp += w;
			c->wleft -= (size_t)w;
		} else if (w < 0 && errno == EINTR) {
			continue;
		} else if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (!c->want_out)
				ep_set(c, EPOLL_CTL_MOD, 1);
			return;
		} else {
			fail_req(c, &fail_conn, now);
			return;
		}
	}
	c->state = C_RECV;
	if (c->want_out)
		ep_set(c, EPOLL_CTL_MOD, 0);
}

static void send_req(conn *c, uint64_t k, int64_t now)
{
	idle_remove(c);
	c->k = k;
	c->sent_ns = now;
	if (recorded(k)) {
		int64_t late = now - intended(k);
		if (late > late_max)
			late_max = late;
		if (late > 1000000)
			late_1ms++;
	}
	if (fixed_req) {
		c->wp = fixed_req;
		c->wleft = fixed_len;
	} else {
		size_t blen = render_events(c->out + head_room, k);
		char tail[32], *t = tail;
		t = put_u64(t, blen);
		PUT(t, "\r\n\r\n");
		size_t tlen = (size_t)(t - tail), start = head_room - tlen - prefix_len;
		memcpy(c->out + start, prefix, prefix_len);
		memcpy(c->out + start + prefix_len, tail, tlen);
		c->wp = c->out + start;
		c->wleft = head_room - start + blen;
	}
	c->rstate = R_HEAD;
	c->head_len = c->line_len = 0;
	c->close_after = 0;
	c->state = C_SEND;
	inflight++;
	sent++;
	try_write(c, now);
}

/* ---- responses --------------------------------------------------------------------------------
 */
static int lower_eq(const char *s, size_t n, const char *lit)
{
	if (strlen(lit) != n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		if (ch != lit[i])
			return 0;
	}
	return 1;
}

/* does the comma-separated list v[0..n) contain token tok (case-insensitive)? last: only as the
 * last one */
static int has_token(const char *v, size_t n, const char *tok, int last)
{
	size_t i = 0;
	int found = 0;
	while (i < n) {
		while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
			i++;
		size_t s = i;
		while (i < n && v[i] != ',')
			i++;
		size_t e = i;
		while (e > s && (v[e - 1] == ' ' || v[e - 1] == '\t'))
			e--;
		if (e > s)
			found = lower_eq(v + s, e - s, tok) ? 1 : (last ? 0 : found);
	}
	return found;
}

/* the header section c->head[0..len) (ending in CRLF CRLF): sets status, close_after, rstate,
 * remain */
static int parse_head(conn *c, size_t len)
{
	const char *h = c->head, *end = h + len - 2; /* the final empty line */
	if (len < 16 || memcmp(h, "HTTP/1.", 7) || h[7] < '0' || h[7] > '9' || h[8] != ' ')
		return -1;
	for (int i = 9; i < 12; i++)
		if (h[i] < '0' || h[i] > '9')
			return -1;
	if (h[12] != ' ' && h[12] != '\r')
		return -1;
	int minor = h[7] - '0', status = (h[9] - '0') * 100 + (h[10] - '0') * 10 + (h[11] - '0');
	int64_t length = -1;
	int te = 0, chunked = 0, close = 0, keep_alive = 0;
	const char *line = (const char *)memchr(h, '\n', len) + 1;
	while (line < end) {
		const char *eol = memchr(line, '\n', (size_t)(h + len - line)), *le = eol;
		if (le > line && le[-1] == '\r')
			le--;
		const char *colon = memchr(line, ':', (size_t)(le - line));
		if (!colon || colon == line)
			return -1;
		const char *v = colon + 1, *ve = le;
		while (v < ve && (*v == ' ' || *v == '\t'))
			v++;
		while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
			ve--;
		size_t nlen = (size_t)(colon - line), vlen = (size_t)(ve - v);
		if (lower_eq(line, nlen, "content-length")) {
			int64_t n = 0;
			if (!vlen)
				return -1;
			for (const char *p = v; p < ve; p++) {
				if (*p < '0' || *p > '9' || n > (INT64_MAX - 9) / 10)
					return -1;
				n = n * 10 + (*p - '0');
			}
			if (length >= 0 && length != n)
				return -1;
			length = n;
		} else if (lower_eq(line, nlen, "transfer-encoding")) {
			te = 1;
			chunked = has_token(v, vlen, "chunked", 1);
		} else if (lower_eq(line, nlen, "connection")) {
			close |= has_token(v, vlen, "close", 0);
			keep_alive |= has_token(v, vlen, "keep-alive", 0);
		}
		line = eol + 1;
	}
	c->status = status;
	c->close_after = close || (minor == 0 && !keep_alive);
	if (status < 200) {
		if (status == 101 || status < 100)
			return -1;
		c->rstate = R_HEAD; /* an interim response: the real one follows */
		c->close_after = 0;
	} else if (status == 204 || status == 304) {
		c->rstate = R_DONE;
	} else if (te) {
		c->rstate = chunked ? R_CHUNK_SIZE : R_UNTIL_CLOSE;
		if (!chunked)
			c->close_after = 1;
	} else if (length >= 0) {
		c->rstate = R_LENGTH;
		c->remain = (uint64_t)length;
	} else {
		c->rstate = R_UNTIL_CLOSE;
		c->close_after = 1;
	}
	return 0;
}

/* a chunk-size line: hex digits, then optional whitespace and ;extensions */
static int parse_chunk_size(const char *s, size_t n, uint64_t *size)
{
	size_t i = 0;
	uint64_t v = 0;
	for (; i < n; i++) {
		int d;
		char ch = s[i];
		if (ch >= '0' && ch <= '9')
			d = ch - '0';
		else if (ch >= 'a' && ch <= 'f')
			d = ch - 'a' + 10;
		else if (ch >= 'A' && ch <= 'F')
			d = ch - 'A' + 10;
		else
			break;
		if (v >> 56)
			return -1;
		v = v << 4 | (uint64_t)d;
	}
	if (i == 0)
		return -1;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i < n && s[i] != ';')
		return -1;
	*size = v;
	return 0;
}

/* feeds p[0..n) to c's response parser: -1 malformed, 0 needs more (all used), 1 complete (*used
 * consumed) */
static int feed(conn *c, const char *p, size_t n, size_t *used)
{
	size_t i = 0;
	for (;;) {
		switch (c->rstate) {
		case R_HEAD: {
			if (i == n)
				goto more;
			size_t old = c->head_len, take = n - i;
			if (take > MAX_HEAD - old)
				take = MAX_HEAD - old;
			if (old + take > c->head_cap) {
				size_t cap = c->head_cap * 2;
				while (cap < old + take)
					cap *= 2;
				if (cap > MAX_HEAD)
					cap = MAX_HEAD;
				char *nh = realloc(c->head, cap);
				if (!nh)
					return -1;
				c->head = nh;
				c->head_cap = cap;
			}
			memcpy(c->head + old, p + i, take);
			c->head_len += take;
			size_t from = old >= 3 ? old - 3 : 0;
			const char *e = memmem(c->head + from, c->head_len - from, "\r\n\r\n", 4);
			if (!e) {
				if (c->head_len >= MAX_HEAD)
					return -1;
				i += take;
				continue;
			}
			size_t hend = (size_t)(e - c->head) + 4;
			i += hend - old;
			if (parse_head(c, hend) < 0)
				return -1;
			c->head_len = 0;
			continue;
		}
		case R_LENGTH: {
			if (!c->remain) {
				c->rstate = R_DONE;
				continue;
			}
			if (i == n)
				goto more;
			size_t take = n - i;
			if (take > c->remain)
				take = (size_t)c->remain;
			i += take;
			c->remain -= take;
			continue;
		}
		case R_CHUNK_DATA: {
			if (i == n)
				goto more;
			size_t take = n - i;
			if (take > c->remain)
				take = (size_t)c->remain;
			i += take;
			c->remain -= take;
			if (!c->remain)
				c->rstate = R_CHUNK_END;
			continue;
		}
		case R_CHUNK_SIZE:
		case R_CHUNK_END:
		case R_TRAILER: {
			if (i == n)
				goto more;
			const char *nl = memchr(p + i, '\n', n - i);
			size_t take = nl ? (size_t)(nl - (p + i)) + 1 : n - i;
			if (c->line_len + take > MAX_LINE)
				return -1;
			memcpy(c->line + c->line_len, p + i, take);
			c->line_len += take;
			i += take;
			if (!nl)
				goto more;
			size_t l = c->line_len - 1;
			if (l && c->line[l - 1] == '\r')
				l--;
			c->line_len = 0;
			if (c->rstate == R_CHUNK_SIZE) {
				if (parse_chunk_size(c->line, l, &c->remain) < 0)
					return -1;
				if (c->remain) {
					c->rstate = R_CHUNK_DATA;
				} else {
					c->rstate = R_TRAILER;
					c->trailer_bytes = 0;
				}
			} else if (c->rstate == R_CHUNK_END) {
				if (l)
					return -1;
				c->rstate = R_CHUNK_SIZE;
			} else if (l == 0) {
				c->rstate = R_DONE;
			} else if ((c->trailer_bytes += l + 2) > MAX_HEAD) {
				return -1;
			}
			continue;
		}
		case R_UNTIL_CLOSE:
			i = n;
			goto more;
		case R_DONE:
			*used = i;
			return 1;
		default:
			return -1;
		}
	}
more:
	*used = n;
	return 0;
}

static void complete(conn *c, int64_t now)
{
	inflight--;
	c->rstate = R_NONE;
	if (c->status >= 200 && c->status < 300)
		ok_all++;
	if (!recorded(c->k))
		return;
	if (c->status >= 200 && c->status < 300)
		ok++;
	else
		non2xx++;
	lat[nlat] = now - intended(c->k);
	svc[nlat] = now - c->sent_ns;
	nlat++;
	if (now > last_recv)
		last_recv = now;
}

static void on_readable(conn *c)
{
	ssize_t r = read(c->fd, rbuf, sizeof rbuf);
	int64_t now = mono();
	int busy = c->state == C_SEND || c->state == C_RECV;
	if (r < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return;
		if (busy)
			fail_req(c, &fail_conn, now);
		else
			reconnect(c, now);
		return;
	}
	if (r == 0) {
		if (busy && c->rstate == R_UNTIL_CLOSE) {
			complete(c, now);
			reconnect(c, now);
		} else if (busy) {
			fail_req(c, &fail_eof, now);
		} else {
			reconnect(c,
			          now); /* an idle connection closed by the server: not an error */
		}
		return;
	}
	if (!busy) { /* bytes nobody asked for */
		reconnect(c, now);
		return;
	}
	size_t used;
	int st = feed(c, rbuf, (size_t)r, &used);
	if (st < 0) {
		fail_req(c, &fail_proto, now);
	} else if (st > 0) {
		int was_sending = c->state == C_SEND;
		complete(c, now);
		if (c->close_after || was_sending || used < (size_t)r) {
			reconnect(c, now);
		} else {
			if (c->want_out)
				ep_set(c, EPOLL_CTL_MOD, 0);
			idle_push(c);
		}
	}
}

static void on_event(uint64_t data, uint32_t events, int64_t now)
{
	conn *c = &conns[(uint32_t)data];
	if (c->gen != (uint32_t)(data >> 32) || c->fd < 0)
		return;
	if (c->state == C_CONNECTING) {
		if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))
			conn_connected(c, now);
		return;
	}
	uint32_t gen = c->gen;
	if (c->state == C_SEND && (events & (EPOLLOUT | EPOLLERR)))
		try_write(c, now);
	if (c->gen != gen)
		return;
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
		on_readable(c);
}

/* ---- setup ------------------------------------------------------------------------------------
 */
static void usage(FILE *f)
{
	fputs(
	    "usage: openloop --url http://127.0.0.1:PORT/path --rate R --duration S [--warmup S]\n"
	    "                [--connections C] [--method GET|POST] [--header 'Name: value']...\n"
	    "                [--body-file F] [--batch N] [--id-prefix P]\n"
	    "An open-loop HTTP/1.1 load generator: request k is due at t0 + k/R; latency =\n"
	    "receive time - intended start (coordinated omission corrected, like wrk2).\n"
	    "  --url U          http://HOST[:PORT][/path], HOST an IPv4 literal or localhost\n"
	    "  --rate R         offered requests/s          --duration S  recorded seconds\n"
	    "  --warmup S       unrecorded seconds first (1) --connections C  keep-alive (64)\n"
	    "  --method M       GET (default) or POST        --header H    extra header, "
	    "repeatable\n"
	    "  --body-file F    body of every request (default POST body: --batch N mlcost\n"
	    "                   NDJSON events with ids P-k-i, P = --id-prefix, default ol<pid>)\n"
	    "  --batch N        events per request (1)\n"
	    "Prints one line: mlc_result requests= ok= non2xx= errors= seconds= target_rps= rps=\n"
	    "events_per_s= p50_ms= p90_ms= p99_ms= p999_ms= max_ms= svc_p50_ms= svc_p99_ms=\n"
	    "late_max_ms= batch= connections=   Exit: 0 ran, 1 bad arguments or no connection,\n"
	    "2 more than 1% of requests failed (not 2xx).\n",
	    f);
}

static double num(const char *opt, const char *s, double lo, double hi)
{
	char *e;
	errno = 0;
	double v = strtod(s, &e);
	if (errno || e == s || *e || !(v >= lo && v <= hi)) {
		fprintf(stderr, "openloop: %s: bad value '%s' (%g..%g)\n", opt, s, lo, hi);
		exit(1);
	}
	return v;
}

static void parse_url(const char *url)
{
	if (strncmp(url, "http://", 7))
		die("only http:// URLs: %s", url);
	const char *h = url + 7, *slash = strchr(h, '/');
	size_t hl = slash ? (size_t)(slash - h) : strlen(h);
	if (!hl || hl >= sizeof host_hdr)
		die("bad host in %s", url);
	memcpy(host_hdr, h, hl);
	host_hdr[hl] = 0;
	const char *p = slash ? slash : "/";
	if (strlen(p) >= sizeof path)
		die("path too long: %s", url);
	for (const char *q = p; *q; q++)
		if ((unsigned char)*q <= ' ' || *q == 0x7f)
			die("bad character in the path of %s", url);
	strcpy(path, p);
	char name[300];
	strcpy(name, host_hdr);
	unsigned port = 80;
	char *colon = strchr(name, ':');
	if (colon) {
		*colon = 0;
		char *e;
		unsigned long v = strtoul(colon + 1, &e, 10);
		if (e == colon + 1 || *e || v == 0 || v > 65535)
			die("bad port in %s", url);
		port = (unsigned)v;
	}
	memset(&addr, 0, sizeof addr);
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)port);
	if (!strcmp(name, "localhost"))
		addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	else if (inet_pton(AF_INET, name, &addr.sin_addr) != 1)
		die("the host must be an IPv4 literal or localhost: %s", url);
}

static int user_has(const char *name)
{
	for (int i = 0; i < nheaders; i++)
		if (lower_eq(headers[i], (size_t)(strchr(headers[i], ':') - headers[i]), name))
			return 1;
	return 0;
}

static void build_requests(void)
{
	char *body = NULL;
	size_t body_len = 0;
	if (body_file) {
		FILE *f = fopen(body_file, "rb");
		struct stat st;
		if (!f || fstat(fileno(f), &st) < 0)
			die("cannot read --body-file %s", body_file);
		if (st.st_size > MAX_BODY_FILE)
			die("--body-file %s is over 64 MiB", body_file);
		body_len = (size_t)st.st_size;
		body = malloc(body_len + 1);
		if (!body || fread(body, 1, body_len, f) != body_len)
			die("cannot read --body-file %s", body_file);
		fclose(f);
	}
	int has_body = post || body_file;
	size_t cap = 512 + strlen(path) + strlen(host_hdr);
	for (int i = 0; i < nheaders; i++)
		cap += strlen(headers[i]) + 2;
	prefix = malloc(cap);
	if (!prefix)
		die("out of memory");
	char *d = prefix;
	d += sprintf(d, "%s %s HTTP/1.1\r\n", post ? "POST" : "GET", path);
	if (!user_has("host"))
		d += sprintf(d, "Host: %s\r\n", host_hdr);
	if (post && !user_has("content-type"))
		PUT(d, "Content-Type: application/x-ndjson\r\n");
	for (int i = 0; i < nheaders; i++)
		d += sprintf(d, "%s\r\n", headers[i]);
	if (has_body)
		PUT(d, "Content-Length: ");
	prefix_len = (size_t)(d - prefix);
	head_room = prefix_len + 24;
	if (!post || body_file) { /* the same bytes for every request */
		fixed_req = malloc(prefix_len + 32 + body_len);
		if (!fixed_req)
			die("out of memory");
		memcpy(fixed_req, prefix, prefix_len);
		d = fixed_req + prefix_len;
		if (has_body)
			d = put_u64(d, body_len);
		PUT(d, "\r\n");
		if (has_body)
			PUT(d, "\r\n");
		if (body_len)
			memcpy(d, body, body_len);
		fixed_len = (size_t)(d - fixed_req) + body_len;
		free(body);
		return;
	}
	size_t per = head_room + (size_t)batch * EVENT_MAX(id_prefix_len);
	if ((unsigned long long)per * (unsigned)nconns > MAX_MEM)
		die("--batch x --connections needs over 1 GiB of request buffers");
	for (int i = 0; i < nconns; i++)
		if (!(conns[i].out = malloc(per)))
			die("out of memory");
}

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* nearest rank: the smallest value with at least p% of the values at or below it */
static double pct_ms(const int64_t *v, uint64_t n, double p)
{
	if (!n)
		return 0;
	uint64_t rank = count_below(p / 100 * (double)n);
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return (double)v[rank - 1] / 1e6;
}

int main(int argc, char **argv)
{
	const char *url = NULL;
	int have_rate = 0, have_dur = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = NULL;
		char opt[32];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 0;
		}
		const char *eq = strchr(a, '=');
		if (strncmp(a, "--", 2) || (eq && (size_t)(eq - a) >= sizeof opt)) {
			usage(stderr);
			die("unknown argument: %s", a);
		}
		if (eq) {
			memcpy(opt, a, (size_t)(eq - a));
			opt[eq - a] = 0;
			v = eq + 1;
		} else {
			snprintf(opt, sizeof opt, "%s", a);
			if (i + 1 >= argc)
				die("%s needs a value", a);
			v = argv[++i];
		}
		if (!strcmp(opt, "--url"))
			url = v;
		else if (!strcmp(opt, "--rate"))
			rate = num(opt, v, 1e-3, 1e7), have_rate = 1;
		else if (!strcmp(opt, "--duration"))
			duration = num(opt, v, 1e-3, 1e6), have_dur = 1;
		else if (!strcmp(opt, "--warmup"))
			warmup = num(opt, v, 0, 1e6);
		else if (!strcmp(opt, "--connections"))
			nconns = (int)num(opt, v, 1, MAX_CONNS);
		else if (!strcmp(opt, "--batch"))
			batch = (int)num(opt, v, 1, MAX_BATCH);
		else if (!strcmp(opt, "--body-file"))
			body_file = v;
		else if (!strcmp(opt, "--method")) {
			if (!strcmp(v, "POST"))
				post = 1;
			else if (!strcmp(v, "GET"))
				post = 0;
			else
				die("--method: GET or POST, not %s", v);
		} else if (!strcmp(opt, "--header")) {
			const char *colon = strchr(v, ':');
			if (!colon || colon == v || strpbrk(v, "\r\n"))
				die("--header: 'Name: value', not %s", v);
			for (const char *q = v; q < colon; q++)
				if ((unsigned char)*q <= ' ' || *q == 0x7f)
					die("--header: bad name in %s", v);
			if (lower_eq(v, (size_t)(colon - v), "content-length") ||
			    lower_eq(v, (size_t)(colon - v), "transfer-encoding"))
				die("--header: the body's framing is set by openloop: %s", v);
			if (nheaders == MAX_HEADERS)
				die("at most 64 --header");
			headers[nheaders++] = v;
		} else if (!strcmp(opt, "--id-prefix")) {
			if (!*v || strlen(v) > 64)
				die("--id-prefix: 1 to 64 characters: %s", v);
			for (const char *q = v; *q; q++)
				if ((unsigned char)*q < ' ' || *q == '"' || *q == '\\')
					die("--id-prefix: no quotes, backslashes or control "
					    "characters: %s",
					    v);
			snprintf(id_prefix, sizeof id_prefix, "%s", v);
		} else {
			usage(stderr);
			die("unknown option: %s", opt);
		}
	}
	if (!url || !have_rate || !have_dur) {
		usage(stderr);
		die("--url, --rate and --duration are required");
	}
	parse_url(url);
	if (!id_prefix[0])
		snprintf(id_prefix, sizeof id_prefix, "ol%ld", (long)getpid());
	id_prefix_len = strlen(id_prefix);

	ns_per_req = 1e9 / rate;
	warm_k = count_below(warmup * rate);
	total = count_below((warmup + duration) * rate);
	if (total - warm_k > MAX_RECORDED)
		die("rate x duration over 200 million requests");
	if (total == warm_k)
		die("no request falls in --duration at this --rate");
	lat = malloc((total - warm_k + 16) * sizeof *lat);
	svc = malloc((total - warm_k + 16) * sizeof *svc);
	conns = calloc((size_t)nconns, sizeof *conns);
	if (!lat || !svc || !conns)
		die("out of memory");

	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)nconns + 16) {
		rl.rlim_cur = rl.rlim_max < (rlim_t)nconns + 16 ? rl.rlim_max : (rlim_t)nconns + 16;
		setrlimit(RLIMIT_NOFILE, &rl);
		if (rl.rlim_cur < (rlim_t)nconns + 16)
			die("--connections: over the open files limit");
	}
	signal(SIGPIPE, SIG_IGN);
	prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL); /* wake at the nanosecond asked for */
	build_requests();
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0) {
		perror("openloop: epoll_create1");
		return 1;
	}

	/* open every connection before the schedule starts */
	struct epoll_event evs[256];
	int64_t now = mono();
	for (int i = 0; i < nconns; i++) {
		conns[i].fd = -1;
		conns[i].prev = conns[i].next = -1;
		conns[i].head_cap = 1024;
		if (!(conns[i].head = malloc(conns[i].head_cap)))
			die("out of memory");
		ndown++;
		conn_open(&conns[i], now);
	}
	for (int64_t until = now + CONNECT_WAIT_NS; nidle + ndown < nconns && mono() < until;) {
		struct timespec ts = {0, 10000000};
		int n = epoll_pwait2(ep, evs, 256, &ts, NULL);
		for (int j = 0; j < n; j++)
			on_event(evs[j].data.u64, evs[j].events, mono());
	}
	if (!nidle) {
		fprintf(stderr, "openloop: cannot connect to %s:%u\n", inet_ntoa(addr.sin_addr),
		        ntohs(addr.sin_port));
		return 1;
	}
	if (nidle < nconns)
		fprintf(stderr, "openloop: %d of %d connections open at the start\n", nidle,
		        nconns);

	t0 = mono();
	t_rec = t0 + (int64_t)(warmup * 1e9);
	t_end = t0 + (int64_t)((warmup + duration) * 1e9);
	last_recv = t_rec;
	int owed_stop = 0;
	uint64_t owed_max = 0;
	for (;;) {
		now = mono();
		if (ndown) {
			for (int i = 0; i < nconns; i++)
				if (conns[i].state == C_DOWN && conns[i].fd < 0 &&
				    now >= conns[i].retry_at)
					conn_open(&conns[i], now);
		}
		while (next_k < total && idle_head >= 0 && intended(next_k) <= now) {
			send_req(&conns[idle_head], next_k++, now);
			now = mono();
		}
		if (next_k < total) {
			uint64_t due = (uint64_t)((double)(now - t0) * rate / 1e9) + 1;
			if (due > total)
				due = total;
			uint64_t owed = due > next_k ? due - next_k : 0;
			if (owed > owed_max)
				owed_max = owed;
			if (owed > MAX_OWED) {
				owed_stop = 1;
				break;
			}
		}
		if (next_k == total && !inflight)
			break;
		if (now >= t_end + DRAIN_NS)
			break;
		int64_t wake = now + TICK_NS;
		if (next_k < total && idle_head >= 0 && intended(next_k) < wake)
			wake = intended(next_k);
		if (ndown)
			for (int i = 0; i < nconns; i++)
				if (conns[i].state == C_DOWN && conns[i].retry_at < wake)
					wake = conns[i].retry_at;
		if (t_end + DRAIN_NS < wake)
			wake = t_end + DRAIN_NS;
		int64_t dt = wake > now ? wake - now : 0;
		struct timespec ts = {(time_t)(dt / NS), (long)(dt % NS)};
		int n = epoll_pwait2(ep, evs, 256, &ts, NULL);
		if (n < 0 && errno != EINTR) {
			perror("openloop: epoll_pwait2");
			return 1;
		}
		for (int j = 0; j < n; j++)
			on_event(evs[j].data.u64, evs[j].events, now);
	}
	now = mono();
	uint64_t recorded_n = total - warm_k;
	uint64_t unsent_rec = next_k >= warm_k ? total - next_k : recorded_n;
	uint64_t pending = 0;
	for (int i = 0; i < nconns; i++) {
		conn *c = &conns[i];
		if ((c->state == C_SEND || c->state == C_RECV) && recorded(c->k))
			pending++;
		if (c->fd >= 0)
			close(c->fd);
		free(c->out);
		free(c->head);
	}
	close(ep);
	uint64_t errors = recorded_n - ok - non2xx;
	double secs = (double)(last_recv - t_rec) / 1e9;
	if (secs < duration)
		secs = duration;
	qsort(lat, nlat, sizeof *lat, cmp64);
	qsort(svc, nlat, sizeof *svc, cmp64);
	printf("mlc_result requests=%llu ok=%llu non2xx=%llu errors=%llu seconds=%.3f "
	       "target_rps=%.10g "
	       "rps=%.1f events_per_s=%.0f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f p999_ms=%.3f "
	       "max_ms=%.3f "
	       "svc_p50_ms=%.3f svc_p99_ms=%.3f late_max_ms=%.3f batch=%d connections=%d\n",
	       (unsigned long long)recorded_n, (unsigned long long)ok, (unsigned long long)non2xx,
	       (unsigned long long)errors, secs, rate, (double)(ok + non2xx) / secs,
	       (double)ok * batch / secs, pct_ms(lat, nlat, 50), pct_ms(lat, nlat, 90),
	       pct_ms(lat, nlat, 99), pct_ms(lat, nlat, 99.9),
	       nlat ? (double)lat[nlat - 1] / 1e6 : 0, pct_ms(svc, nlat, 50), pct_ms(svc, nlat, 99),
	       (double)late_max / 1e6, batch, nconns);
	fflush(stdout);
	fprintf(stderr,
	        "openloop: sent=%llu ok_with_warmup=%llu connects=%llu reconnects=%llu "
	        "connect_errors=%llu failed: conn=%llu "
	        "closed=%llu malformed=%llu unanswered=%llu unsent=%llu; owed_max=%llu "
	        "late_over_1ms=%llu\n",
	        (unsigned long long)sent, (unsigned long long)ok_all, (unsigned long long)connects,
	        (unsigned long long)reconnects, (unsigned long long)connect_errors,
	        (unsigned long long)fail_conn, (unsigned long long)fail_eof,
	        (unsigned long long)fail_proto, (unsigned long long)pending,
	        (unsigned long long)unsent_rec, (unsigned long long)owed_max,
	        (unsigned long long)late_1ms);
	if (owed_stop) {
		fprintf(stderr,
		        "openloop: stopped: more than %llu requests owed (the server or the pool "
		        "cannot keep up)\n",
		        (unsigned long long)MAX_OWED);
		return 2;
	}
	if ((double)(recorded_n - ok) > 0.01 * (double)recorded_n) {
		fprintf(stderr, "openloop: %llu of %llu requests failed (not 2xx)\n",
		        (unsigned long long)(recorded_n - ok), (unsigned long long)recorded_n);
		return 2;
	}
	return 0;
}
