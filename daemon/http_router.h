/* SPDX-License-Identifier: MIT */
/*
 * http_router.h - requests and responses as the handlers of `mlcost serve`
 * see them, independent of libmicrohttpd (so they are unit-tested without
 * a socket), and the route table: method + exact path -> scope + handler.
 * An unknown path is 404; a known path with another method is 405 with
 * the Allow header. Adding a page (the dashboard at GET /) is one row.
 *
 * What it is not: the HTTP server (serve_http.c) or the handlers.
 */
#ifndef MLCD_HTTP_ROUTER_H
#define MLCD_HTTP_ROUTER_H

#include "config.h"
#include "http_json.h"

#include <stddef.h>

typedef struct mlcd_server mlcd_server;

typedef struct mlcd_request {
	const char *method; /* "GET", "POST", ... (HEAD is routed as GET) */
	const char *path;   /* without the query string */
	const char *body;
	size_t body_len;
	const mlcd_token *token; /* who is asking; NULL on an open server or a public route */
	double now;              /* seconds since the epoch when the request arrived */
	/* a query argument (URL-decoded) or NULL; ctx is the connection */
	const char *(*arg)(void *ctx, const char *name);
	void *arg_ctx;
} mlcd_request;

#define MLCD_MAX_HEADER_VALUE 64

typedef struct mlcd_response {
	unsigned status;
	const char *content_type; /* default application/json */
	const char *csp;          /* Content-Security-Policy of an HTML answer, or NULL */
	mlcd_buf body;
	char retry_after[MLCD_MAX_HEADER_VALUE]; /* 429: seconds, or "" */
	char allow[MLCD_MAX_HEADER_VALUE];       /* 405: methods, or "" */
	int www_authenticate;                    /* 401 */
	int close;                               /* Connection: close */
} mlcd_response;

#define MLCD_RESPONSE_MAX (256u << 20) /* a body larger than this is a 500 */

void mlcd_response_init(mlcd_response *rs);
void mlcd_response_free(mlcd_response *rs);

/* status and {"error":"message"} (the body is replaced; JSON, so no CSP). */
void mlcd_response_error(mlcd_response *rs, unsigned status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The query argument or NULL. */
const char *mlcd_request_arg(const mlcd_request *rq, const char *name);

typedef int (*mlcd_handler)(mlcd_server *s, const mlcd_request *rq, mlcd_response *rs);

/* How a handler that waits (for the log's sync) hands its answer back
 * without holding the server's thread: begin is called, on the handler's
 * thread, just before it starts waiting (the server parks the connection);
 * done once rs is complete, from any thread (the server wakes it). */
typedef struct mlcd_async {
	void (*begin)(void *ctx);
	void (*done)(void *ctx);
	void *ctx;
} mlcd_async;

/* 0: rs is complete now (begin and done not called); 1: begin was called
 * and done will be, exactly once (maybe before this returns). rq is not
 * used after this returns; rs is, until done. */
typedef int (*mlcd_async_handler)(mlcd_server *s, const mlcd_request *rq, mlcd_response *rs,
                                  const mlcd_async *as);

typedef struct mlcd_route {
	const char *method;
	const char *path;
	unsigned scopes; /* one of these scopes is needed; 0 = no token needed */
	int id;          /* index of the route for metrics */
	mlcd_handler fn;
} mlcd_route;

/*
 * The route for method and path, or NULL with *status 404 (no such path)
 * or 405 (the path exists for other methods, listed in allow).
 */
const mlcd_route *mlcd_route_find(const mlcd_route *routes, size_t n, const char *method,
                                  const char *path, unsigned *status, char *allow, size_t allowcap);

#endif
