/* SPDX-License-Identifier: MIT */
/*
 * http_router.c - route lookup and response helpers. See http_router.h.
 */
#include "http_router.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void mlcd_response_init(mlcd_response *rs)
{
	memset(rs, 0, sizeof(*rs));
	rs->status = 200;
	rs->content_type = "application/json";
	mlcd_buf_init(&rs->body, MLCD_RESPONSE_MAX);
}

void mlcd_response_free(mlcd_response *rs)
{
	mlcd_buf_free(&rs->body);
}

void mlcd_response_error(mlcd_response *rs, unsigned status, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rs->status = status;
	rs->content_type = "application/json";
	rs->csp = NULL;
	mlcd_buf_reset(&rs->body);
	mlcd_buf_puts(&rs->body, "{\"error\":");
	mlcd_json_str(&rs->body, msg);
	mlcd_buf_puts(&rs->body, "}\n");
}

const char *mlcd_request_arg(const mlcd_request *rq, const char *name)
{
	return rq->arg ? rq->arg(rq->arg_ctx, name) : NULL;
}

const mlcd_route *mlcd_route_find(const mlcd_route *routes, size_t n, const char *method,
                                  const char *path, unsigned *status, char *allow, size_t allowcap)
{
	size_t i, used = 0;
	int head = !strcmp(method, "HEAD"), path_known = 0;
	allow[0] = '\0';
	for (i = 0; i < n; i++) {
		if (strcmp(routes[i].path, path))
			continue;
		path_known = 1;
		if (!strcmp(routes[i].method, method) || (head && !strcmp(routes[i].method, "GET")))
			return &routes[i];
	}
	*status = path_known ? 405 : 404;
	for (i = 0; path_known && i < n; i++) {
		int k;
		if (strcmp(routes[i].path, path) || used >= allowcap)
			continue;
		k = snprintf(allow + used, allowcap - used, "%s%s", used ? ", " : "",
		             routes[i].method);
		used += k > 0 ? (size_t)k : 0;
		if (!strcmp(routes[i].method, "GET") && used < allowcap) {
			k = snprintf(allow + used, allowcap - used, ", HEAD");
			used += k > 0 ? (size_t)k : 0;
		}
	}
	return NULL;
}
