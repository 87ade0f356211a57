/* SPDX-License-Identifier: MIT */
/*
 * serve_http.c - `mlcost serve` on libmicrohttpd: an internal thread pool
 * on epoll, connection limits (total, per client address), an idle
 * timeout against slow clients, and the request life cycle:
 *
 *   headers in  -> admit: draining? route (404/405)? token (401)? scope
 *                  (403)? rate (429)? declared body too large (413)? A
 *                  refusal is answered at once, before any body is read
 *                  (the connection is then closed).
 *   body chunks -> appended up to max_body_bytes; past it the rest is
 *                  discarded and the answer is 413 (a body that goes on past
 *                  twice the limit has its connection closed)
 *   body done   -> the handler, then the response; an ingest waits for the
 *                  log's sync with its connection parked (suspended), and
 *                  the log's writer wakes it (resume) to send the answer
 *   completed   -> metrics (route, status, latency), memory freed
 *
 * What it is not: the handlers, or the process's life (serve.c).
 */
#include "serve_error.h"
#include "serve_internal.h"

#include <microhttpd.h>

#include <arpa/inet.h>
#include <sys/socket.h>
#include <math.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct conn_req {
	const mlcd_route *route;
	const mlcd_token *token;
	int route_id;
	unsigned status; /* answered with; 0 = not yet */
	char *body;
	size_t len, cap;
	uint64_t received; /* body bytes, kept or not */
	int too_large;
	double start; /* monotonic */
	double now;   /* wall clock, for the handlers */
	/* an async handler's answer: 1 while the connection is parked, 2 when rs is
	 * complete (set by the thread that completes it, before the wake-up) */
	atomic_int async;
	mlcd_response rs;
	mlcd_server *s;
	struct MHD_Connection *conn;
} conn_req;

static double mono_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double wall_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static enum MHD_Result reply(struct MHD_Connection *c, conn_req *r, mlcd_response *rs)
{
	struct MHD_Response *resp;
	enum MHD_Result ok;
	if (rs->body.failed)
		mlcd_response_error(rs, 500, "response too large or out of memory");
	/* 503s (stopping, log down) are logged where they arise */
	if (rs->status >= 500 && rs->status != 503)
		mlcd_log("%s: %u %.300s", r->route ? r->route->path : "-", rs->status,
		         rs->body.data ? rs->body.data : "");
	resp = MHD_create_response_from_buffer(rs->body.len, rs->body.data ? rs->body.data : "",
	                                       MHD_RESPMEM_MUST_COPY);
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, rs->content_type);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	/* a browser must take each answer as its declared type, never guess HTML */
	MHD_add_response_header(resp, MHD_HTTP_HEADER_X_CONTENT_TYPE_OPTIONS, "nosniff");
	if (rs->csp)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_SECURITY_POLICY, rs->csp);
	if (rs->www_authenticate)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
		                        rs->www_authenticate == 2
		                            ? "Bearer realm=\"mlcost\", error=\"invalid_token\""
		                            : "Bearer realm=\"mlcost\"");
	if (rs->allow[0])
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, rs->allow);
	if (rs->retry_after[0])
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, rs->retry_after);
	if (rs->close)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
	ok = MHD_queue_response(c, rs->status, resp);
	MHD_destroy_response(resp);
	r->status = rs->status;
	return ok;
}

/* Answer an error now (before the body, if any, is read). */
static enum MHD_Result refuse(struct MHD_Connection *c, conn_req *r, mlcd_response *rs)
{
	enum MHD_Result ok = reply(c, r, rs);
	mlcd_response_free(rs);
	return ok;
}

static const char *arg_of(void *ctx, const char *name)
{
	return MHD_lookup_connection_value(ctx, MHD_GET_ARGUMENT_KIND, name);
}

/* An async handler is about to wait: park the connection (no thread held). */
static void park(void *ctx)
{
	conn_req *r = ctx;
	atomic_fetch_add(&r->s->suspended, 1);
	atomic_store(&r->async, 1);
	MHD_suspend_connection(r->conn);
}

/* Its answer is in r->rs (any thread): wake the connection; libmicrohttpd then
 * calls on_access again, which sends it. r may be gone once resumed. */
static void wake(void *ctx)
{
	conn_req *r = ctx;
	mlcd_server *s = r->s;
	struct MHD_Connection *c = r->conn;
	atomic_store(&r->async, 2);
	MHD_resume_connection(c);
	atomic_fetch_sub(&s->suspended, 1);
}

static enum MHD_Result dispatch(mlcd_server *s, struct MHD_Connection *c, conn_req *r,
                                const char *method, const char *url)
{
	mlcd_request rq;
	mlcd_async as = {park, wake, r};
	mlcd_async_handler afn = mlcd_route_async(r->route_id);
	enum MHD_Result ok;
	mlcd_response_init(&r->rs);
	if (r->too_large) {
		mlcd_response_error(&r->rs, 413, "body larger than %llu bytes (max_body_bytes)",
		                    (unsigned long long)s->cfg->max_body_bytes);
		r->rs.close = 1;
	} else {
		memset(&rq, 0, sizeof(rq));
		rq.method = method, rq.path = url, rq.body = r->body, rq.body_len = r->len;
		rq.token = r->token, rq.now = r->now, rq.arg = arg_of, rq.arg_ctx = c;
		r->s = s, r->conn = c;
		if (!afn)
			r->route->fn(s, &rq, &r->rs);
		else if (afn(s, &rq, &r->rs, &as) == 1)
			return MHD_YES; /* answered by wake() */
	}
	ok = reply(c, r, &r->rs);
	mlcd_response_free(&r->rs);
	return ok;
}

/* Token, scope and rate of a routed request; 0 when it may go on. */
static int check_access(mlcd_server *s, struct MHD_Connection *c, conn_req *r, mlcd_response *rs)
{
	double retry;
	mlcd_auth_result ar;
	if (!r->route->scopes || (r->route->id == MLCD_ROUTE_METRICS && s->cfg->metrics_public))
		return 0;
	ar = mlcd_auth_identify(
	    &r->token, s->auth,
	    MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION));
	if (ar != MLCD_AUTH_OK) {
		mlcd_response_error(rs, 401,
		                    ar == MLCD_AUTH_MISSING
		                        ? "a bearer token is required (Authorization: "
		                          "Bearer TOKEN)"
		                        : "unknown token");
		rs->www_authenticate = ar == MLCD_AUTH_MISSING ? 1 : 2;
		return -1;
	}
	if (!mlcd_auth_has_scope(r->token, r->route->scopes)) {
		mlcd_response_error(rs, 403, "token '%s' lacks the scope for %s %s", r->token->name,
		                    r->route->method, r->route->path);
		return -1;
	}
	if (!mlcd_auth_rate_take(s->auth, r->token, r->start, &retry)) {
		mlcd_response_error(rs, 429,
		                    "token '%s' is over its rate limit (%g requests/s, "
		                    "burst %u)",
		                    r->token->name, r->token->rate_per_second,
		                    r->token->rate_burst);
		snprintf(rs->retry_after, sizeof(rs->retry_after), "%.0f", ceil(retry));
		return -1;
	}
	return 0;
}

/* Headers are in: refuse now, answer a GET now, or get ready for the body. */
static enum MHD_Result admit(mlcd_server *s, struct MHD_Connection *c, conn_req *r,
                             const char *method, const char *url)
{
	mlcd_response rs;
	const char *cl;
	unsigned status = 0;
	mlcd_response_init(&rs);
	r->route = mlcd_route_find(mlcd_routes, mlcd_nroutes, method, url, &status, rs.allow,
	                           sizeof(rs.allow));
	if (!r->route) {
		if (status == 404)
			mlcd_response_error(&rs, 404, "no such endpoint: %s", url);
		else
			mlcd_response_error(&rs, 405, "%s is not allowed on %s (allowed: %s)",
			                    method, url, rs.allow);
		return refuse(c, r, &rs);
	}
	r->route_id = r->route->id;
	if (atomic_load(&s->draining) && r->route_id != MLCD_ROUTE_HEALTHZ) {
		mlcd_response_error(&rs, 503, "the server is shutting down");
		rs.close = 1;
		return refuse(c, r, &rs);
	}
	if (check_access(s, c, r, &rs))
		return refuse(c, r, &rs);
	cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl && strtoull(cl, NULL, 10) > s->cfg->max_body_bytes) {
		mlcd_response_error(&rs, 413, "body larger than %llu bytes (max_body_bytes)",
		                    (unsigned long long)s->cfg->max_body_bytes);
		rs.close = 1;
		return refuse(c, r, &rs);
	}
	mlcd_response_free(&rs);
	/* a GET is answered on the next call: a response queued before the request is
	 * complete makes libmicrohttpd close the connection, and keep-alive matters */
	if (strcmp(r->route->method, "POST"))
		return MHD_YES;
	if (cl && (r->cap = strtoull(cl, NULL, 10)) > 0 && !(r->body = malloc(r->cap + 1)))
		r->cap = 0; /* grow as the body comes, then */
	return MHD_YES;
}

static enum MHD_Result take_body(mlcd_server *s, conn_req *r, const char *data, size_t n)
{
	r->received += n;
	if (r->too_large || n > s->cfg->max_body_bytes - r->len) {
		r->too_large = 1; /* discard the rest and answer 413 at its end, */
		/* unless the client keeps streaming: past twice the limit, hang up */
		return r->received > 2 * s->cfg->max_body_bytes ? MHD_NO : MHD_YES;
	}
	if (r->len + n + 1 > r->cap) {
		size_t cap = r->cap ? r->cap : 16384;
		char *p;
		while (cap < r->len + n + 1)
			cap *= 2;
		if (!(p = realloc(r->body, cap)))
			return MHD_NO;
		r->body = p, r->cap = cap;
	}
	memcpy(r->body + r->len, data, n);
	r->len += n;
	r->body[r->len] = '\0';
	return MHD_YES;
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *c, const char *url,
                                 const char *method, const char *version, const char *upload_data,
                                 size_t *upload_size, void **con_cls)
{
	mlcd_server *s = cls;
	conn_req *r = *con_cls;
	if (!r) {
		if (!(r = calloc(1, sizeof(*r))))
			return MHD_NO;
		*con_cls = r;
		atomic_fetch_add(&s->inflight, 1);
		r->start = mono_now(), r->now = wall_now(), r->route_id = MLCD_ROUTE_OTHER;
		return admit(s, c, r, method, url);
	}
	if (*upload_size) {
		enum MHD_Result ok =
		    r->status ? MHD_YES : take_body(s, r, upload_data, *upload_size);
		*upload_size = 0;
		return ok;
	}
	if (atomic_load(&r->async)) { /* woken: the answer is ready */
		enum MHD_Result ok = MHD_YES;
		if (atomic_load(&r->async) == 2) {
			atomic_store(&r->async, 0);
			ok = reply(c, r, &r->rs);
			mlcd_response_free(&r->rs);
		}
		return ok;
	}
	if (r->status) /* answered already */
		return MHD_YES;
	return dispatch(s, c, r, method, url);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
	mlcd_server *s = cls;
	conn_req *r = *con_cls;
	if (!r)
		return;
	mlcd_metrics_request(s->metrics, r->route_id, r->status, mono_now() - r->start);
	if (atomic_load(&r->async) == 2) /* woken, but the client had gone */
		mlcd_response_free(&r->rs);
	free(r->body);
	free(r);
	*con_cls = NULL;
	atomic_fetch_sub(&s->inflight, 1);
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	size_t n;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n && msg[n - 1] == '\n')
		msg[--n] = '\0';
	mlcd_log("http: %s", msg);
}

/* The listen address as a socket address; port 0 asks for any free one. */
static int listen_addr(struct sockaddr_storage *ss, int *v6, const char *listen)
{
	char host[64];
	unsigned port;
	memset(ss, 0, sizeof(*ss));
	if (mlcd_config_split_listen(host, sizeof(host), &port, listen))
		return mlcd_error_set(MLC_EINVAL, "listen: bad address '%s'", listen);
	*v6 = listen[0] == '[';
	if (*v6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		return inet_pton(AF_INET6, host, &a->sin6_addr) == 1
		           ? 0
		           : mlcd_error_set(MLC_EINVAL, "listen: bad address '%s'", listen);
	}
	struct sockaddr_in *a = (struct sockaddr_in *)ss;
	a->sin_family = AF_INET;
	a->sin_port = htons((uint16_t)port);
	if (!strcmp(host, "*"))
		a->sin_addr.s_addr = htonl(INADDR_ANY);
	else if (!strcmp(host, "localhost"))
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	else if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
		return mlcd_error_set(MLC_EINVAL, "listen: bad address '%s'", listen);
	return 0;
}

int mlcd_http_start(mlcd_server *s, unsigned *port)
{
	const mlcd_config *cfg = s->cfg;
	struct sockaddr_storage ss;
	const union MHD_DaemonInfo *info;
	struct MHD_Daemon *d;
	struct MHD_OptionItem pool[] = {{MHD_OPTION_THREAD_POOL_SIZE, (intptr_t)cfg->threads, NULL},
	                                {MHD_OPTION_END, 0, NULL}};
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
	                 MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
	int v6 = 0, rc;
	if ((rc = listen_addr(&ss, &v6, cfg->listen)) != 0)
		return rc;
	if (v6)
		flags |= MHD_USE_IPv6;
	/* one thread is the internal polling thread itself, without a pool */
	if (cfg->threads <= 1)
		pool[0].option = MHD_OPTION_END;
	/* the logger first, so libmicrohttpd never prints on its own */
	d = MHD_start_daemon(flags, 0, NULL, NULL, on_access, s, MHD_OPTION_EXTERNAL_LOGGER,
	                     on_mhd_log, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	                     MHD_OPTION_ARRAY, pool, MHD_OPTION_CONNECTION_LIMIT,
	                     (unsigned)cfg->max_connections, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
	                     (unsigned)cfg->max_connections_per_ip, MHD_OPTION_CONNECTION_TIMEOUT,
	                     (unsigned)cfg->connection_timeout_s, MHD_OPTION_NOTIFY_COMPLETED,
	                     on_completed, s, MHD_OPTION_END);
	if (!d)
		return mlcd_error_set(MLC_EIO,
		                      "cannot listen on %s (address in use, or not "
		                      "allowed?)",
		                      cfg->listen);
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	*port = info ? info->port : 0;
	s->mhd = d;
	return 0;
}

void mlcd_http_stop(mlcd_server *s, unsigned timeout_s)
{
	struct MHD_Daemon *d = s->mhd;
	double deadline = mono_now() + timeout_s;
	MHD_socket fd;
	struct timespec tick = {0, 10 * 1000 * 1000};
	if (!d)
		return;
	atomic_store(&s->draining, 1);
	fd = MHD_quiesce_daemon(d); /* no new connections from here */
	/* and refuse them, queued ones too, rather than leave them waiting in the
	 * backlog: clients then go to another replica at once. The socket is only
	 * closed after MHD_stop_daemon (libmicrohttpd's threads may still hold it). */
	if (fd != MHD_INVALID_SOCKET)
		shutdown(fd, SHUT_RDWR);
	while (atomic_load(&s->inflight) > 0 && mono_now() < deadline)
		nanosleep(&tick, NULL);
	if (atomic_load(&s->inflight) > 0)
		mlcd_log("%ld requests still in flight after %us: closing them",
		         (long)atomic_load(&s->inflight), timeout_s);
	/* libmicrohttpd must not be stopped with a connection parked: each is woken
	 * when its events are durable or the log fails, a sync's time away */
	while (atomic_load(&s->suspended) > 0)
		nanosleep(&tick, NULL);
	MHD_stop_daemon(d);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	s->mhd = NULL;
}
