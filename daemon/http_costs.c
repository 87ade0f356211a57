/* SPDX-License-Identifier: MIT */
/*
 * http_costs.c - GET /v1/costs?group_by=model,day&from=&to=&model=&team=
 * &endpoint=&version=: metered cost from the engine's totals, exact, per
 * group: cost and cost per request as decimal strings, requests, events,
 * tokens; the total over all rows. A team-limited token sees its teams'
 * events only (the engine's `only` filter, never a filter after the fact).
 */
#include "http_query.h"
#include "serve_internal.h"

#include <stdio.h>
#include <string.h>

static const char *const dim_names[MLCD_DIM_COUNT] = {"model", "team", "endpoint", "version"};

/* Cost, requests, ... of one row or the total. */
static void measures(mlcd_buf *b, const mlcd_cost_row *r)
{
	mlcd_buf_puts(b, "\"cost\":");
	mlcd_json_amount(b, r->cost);
	mlcd_buf_printf(b, ",\"requests\":%llu,\"events\":%llu,\"cost_per_request\":",
	                (unsigned long long)r->requests, (unsigned long long)r->events);
	mlcd_json_amount_per(b, r->cost, r->requests);
	mlcd_buf_printf(b, ",\"input_tokens\":%llu,\"output_tokens\":%llu}",
	                (unsigned long long)r->input_tokens, (unsigned long long)r->output_tokens);
}

static void write_rows(mlcd_buf *b, const mlcd_cost_query *q, const mlcd_cost_rows *rows,
                       const int *order, size_t norder)
{
	size_t i, k;
	for (i = 0; i < rows->n; i++) {
		const mlcd_cost_row *r = &rows->rows[i];
		mlcd_buf_puts(b, i ? ",\n{" : "\n{");
		for (k = 0; k < norder; k++) {
			if (order[k] == MLCD_DIM_COUNT) {
				char label[40];
				mlc_time_bucket_label(label, sizeof(label), r->bucket,
				                      q->bucket == MLCD_BUCKET_HOUR
				                          ? MLC_BUCKET_HOUR
				                          : MLC_BUCKET_DAY);
				mlcd_buf_printf(b, "\"%s\":\"%s\",",
				                q->bucket == MLCD_BUCKET_HOUR ? "hour" : "day",
				                label);
			} else {
				mlcd_buf_printf(b, "\"%s\":", dim_names[order[k]]);
				mlcd_json_str(b, r->key[order[k]]);
				mlcd_buf_puts(b, ",");
			}
		}
		measures(b, r);
	}
}

static void write_time(mlcd_buf *b, const char *name, int64_t t)
{
	char text[40];
	mlcd_buf_printf(b, "\"%s\":", name);
	if (!t) {
		mlcd_buf_puts(b, "null,");
		return;
	}
	mlc_time_format(text, sizeof(text), t);
	mlcd_buf_printf(b, "\"%s\",", text);
}

/* 1 when a query argument is given and is not a time (the library's forms). */
static int bad_time(int64_t *out, const char *text)
{
	return text && mlc_time_parse(out, text, strlen(text)) != 0;
}

/* from, to, and the filters of the query string; -1 after an error answer. */
static int read_filters(mlcd_cost_query *q, const char **one, const mlcd_request *rq,
                        mlcd_response *rs)
{
	const char *from = mlcd_request_arg(rq, "from"), *to = mlcd_request_arg(rq, "to");
	const char *bad = bad_time(&q->from, from) ? "from" : bad_time(&q->to, to) ? "to" : NULL;
	int d;
	if (bad) {
		mlcd_response_error(rs, 400,
		                    "%s: not a time (RFC 3339, e.g. 2026-02-01T00:00:00Z, "
		                    "or a date)",
		                    bad);
		return -1;
	}
	for (d = 0; d < MLCD_DIM_COUNT; d++) {
		if (!(one[d] = mlcd_request_arg(rq, dim_names[d])))
			continue;
		q->only[d] = &one[d], q->nonly[d] = 1;
	}
	if (one[MLCD_DIM_TEAM] && !mlcd_auth_team_allowed(rq->token, one[MLCD_DIM_TEAM])) {
		mlcd_response_error(rs, 403, "team '%s' is not allowed for this token",
		                    one[MLCD_DIM_TEAM]);
		return -1;
	}
	if (!one[MLCD_DIM_TEAM] && rq->token && rq->token->teams) {
		q->only[MLCD_DIM_TEAM] = (const char *const *)rq->token->teams;
		q->nonly[MLCD_DIM_TEAM] = rq->token->nteams;
	}
	return 0;
}

int mlcd_handle_costs(mlcd_server *s, const mlcd_request *rq, mlcd_response *rs)
{
	mlcd_cost_query q;
	mlcd_cost_rows *rows = NULL;
	const char *one[MLCD_DIM_COUNT];
	int order[MLCD_DIM_COUNT + 1], rc;
	size_t norder = 0, k;
	char why[200];
	memset(&q, 0, sizeof(q));
	if (mlcd_parse_group_by(&q, order, &norder, mlcd_request_arg(rq, "group_by"), why,
	                        sizeof(why))) {
		mlcd_response_error(rs, 400, "%s", why);
		return 0;
	}
	if (read_filters(&q, one, rq, rs))
		return 0;
	if ((rc = mlcd_engine_costs(&rows, s->engine, &q)) != 0) {
		mlcd_response_error(rs, rc == MLC_ETOOLARGE ? 413 : 500, "%s", mlcd_engine_error());
		return 0;
	}
	mlcd_buf_puts(&rs->body, "{\"group_by\":[");
	for (k = 0; k < norder; k++)
		mlcd_buf_printf(&rs->body, "%s\"%s\"", k ? "," : "",
		                order[k] < MLCD_DIM_COUNT      ? dim_names[order[k]]
		                : q.bucket == MLCD_BUCKET_HOUR ? "hour"
		                                               : "day");
	mlcd_buf_puts(&rs->body, "],");
	write_time(&rs->body, "from", q.from);
	write_time(&rs->body, "to", q.to);
	/* hours before it are in the store only, not in these sums (memory_days) */
	write_time(&rs->body, "horizon", mlcd_engine_horizon(s->engine));
	mlcd_buf_puts(&rs->body, "\"currency\":\"USD\",\"rows\":[");
	write_rows(&rs->body, &q, rows, order, norder);
	mlcd_buf_puts(&rs->body, "],\n\"total\":{");
	measures(&rs->body, &rows->total);
	mlcd_buf_puts(&rs->body, "}\n");
	mlcd_cost_rows_free(rows);
	return 0;
}
