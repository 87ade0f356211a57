/* SPDX-License-Identifier: MIT */
/*
 * store_read.c - reading records back: the scan (every record matching a
 * query, as mlc_store_record, streamed to a callback) for commands that
 * aggregate on their own (attribute, unit, tags from the store).
 *
 * What it is not: daily series (store/daily.c) or the ingest list
 * (store/list.c).
 */
#include "store/store_internal.h"
#include "util/alloc.h"
#include "util/error.h"

#include <string.h>

enum {
	S_HOUR,
	S_PROVIDER,
	S_ACCOUNT,
	S_CURRENCY,
	S_SUB,
	S_SERVICE,
	S_REGION,
	S_CHARGE,
	S_PRICING,
	S_TAGS,
	S_COST,
	S_ROWS = S_COST + MLC_COST_BASIS_COUNT,
	S_NCOLS
};

typedef struct scan_ctx {
	mlc_store_record_fn fn;
	void *ctx;
	mlcu_buf tags;
	const char *keys[MLC_STORE__MAX_TAGS], *values[MLC_STORE__MAX_TAGS];
	int stopped;
} scan_ctx;

static int scan_row(void *vctx, const char *const *col, size_t ncol)
{
	scan_ctx *sc = vctx;
	mlc_store_record r;
	int64_t rows;
	int rc;
	if (ncol != S_NCOLS)
		return mlcu_error_set(MLC_ERROR, "store: scan returned %zu columns", ncol);
	memset(&r, 0, sizeof(r));
	if ((rc = mlc_store__int(&r.hour, col[S_HOUR], "hour_start")) < 0 ||
	    (rc = mlc_store__int(&rows, col[S_ROWS], "row_count")) < 0)
		return rc;
	r.rows = (uint64_t)rows;
	r.provider = col[S_PROVIDER];
	r.billing_account = col[S_ACCOUNT];
	r.currency = col[S_CURRENCY];
	r.sub_account = col[S_SUB];
	r.service = col[S_SERVICE];
	r.region = col[S_REGION];
	r.charge_category = col[S_CHARGE];
	r.pricing_category = col[S_PRICING];
	for (int b = 0; b < MLC_COST_BASIS_COUNT; b++)
		if ((rc = mlc_store__amount(&r.cost[b], col[S_COST + b], "cost")) < 0)
			return rc;
	if ((rc = mlc_store__tags_parse(&sc->tags, sc->keys, sc->values, &r.ntags, col[S_TAGS])) <
	    0)
		return rc;
	r.tag_keys = sc->keys;
	r.tag_values = sc->values;
	if ((rc = sc->fn(&r, sc->ctx)) != 0)
		sc->stopped = 1;
	return rc;
}

int mlc_store_scan(mlc_store *s, const mlc_store_query *q, mlc_store_record_fn fn, void *ctx)
{
	mlc_store_query defaults = MLC_STORE_QUERY_INIT;
	mlc_store__sql sql;
	scan_ctx sc;
	int rc;
	if (!q)
		q = &defaults;
	if (q->version != MLC_STORE_QUERY_VERSION)
		return mlcu_error_set(MLC_EINVAL, "store: unknown query version %u", q->version);
	if ((rc = mlc_store__sql_scan(&sql, s->ops->sql, q)) < 0)
		return rc;
	memset(&sc, 0, sizeof(sc));
	sc.fn = fn;
	sc.ctx = ctx;
	mlcu_buf_init(&sc.tags, 1 << 20);
	rc = s->ops->query(s->be, sql.text.ptr, 0, (const char *const *)sql.param, sql.np, scan_row,
	                   &sc);
	mlcu_buf_free(&sc.tags);
	mlc_store__sql_free(&sql);
	return rc;
}
