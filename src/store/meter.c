/* SPDX-License-Identifier: MIT */
/*
 * store/meter.c - metered events of `mlcost serve` in the store: storing
 * a batch of priced events once per id with their hourly totals and the
 * replica's log position (one transaction), and reading back the hourly
 * totals (all, changed since a change number, or by hour range), the
 * replica's position and the recent ids.
 *
 * The back-ends differ only in how a batch is staged (SQLite: row by row,
 * keeping the ones it inserted; PostgreSQL: COPY into a temporary table)
 * and in the dialect's SQL; the transaction, the change number and the
 * encoding are here.
 *
 * What it is not: the server's log or its in-memory totals (daemon/).
 */
#include "store/store_internal.h"
#include "util/alloc.h"
#include "util/error.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define STAGE_MAX 4096 /* events per staged batch */

/* ---- storing --------------------------------------------------------------------------- */

static int check_text(const char *t, const char *what, size_t i, int required)
{
	if (required && (!t || !*t))
		return mlcu_error_set(MLC_EINVAL, "meter event %zu: no %s", i + 1, what);
	if (t && strlen(t) > MLC_STORE_METER_MAX_TEXT)
		return mlcu_error_set(MLC_EINVAL, "meter event %zu: %s longer than %d bytes", i + 1,
		                      what, MLC_STORE_METER_MAX_TEXT);
	return 0;
}

static int check_event(const mlc_store_meter_event *e, size_t i)
{
	int rc;
	if ((rc = check_text(e->id, "id", i, 1)) < 0 ||
	    (rc = check_text(e->model, "model", i, 0)) < 0 ||
	    (rc = check_text(e->version, "version", i, 0)) < 0 ||
	    (rc = check_text(e->team, "team", i, 0)) < 0 ||
	    (rc = check_text(e->endpoint, "endpoint", i, 0)) < 0)
		return rc;
	if (e->time < 0)
		return mlcu_error_set(MLC_EINVAL, "meter event %zu: negative time", i + 1);
	if (e->requests > INT64_MAX || e->input_tokens > INT64_MAX || e->output_tokens > INT64_MAX)
		return mlcu_error_set(MLC_EINVAL, "meter event %zu: counter of 2^63 or more",
		                      i + 1);
	return 0;
}

/* The staged text of a batch: offsets into buf while it may move. */
typedef struct meter_enc {
	mlcu_buf buf;
	size_t off[STAGE_MAX][MLC_STORE__M_NCOLS]; /* SIZE_MAX = NULL */
	const char *col[STAGE_MAX][MLC_STORE__M_NCOLS];
	size_t n;
} meter_enc;

/* Append column c of the current row: text (NULL or "" = NULL) or printf. */
static int put_col(meter_enc *e, int c, const char *text)
{
	int rc;
	if (!text || !*text) {
		e->off[e->n][c] = SIZE_MAX;
		return 0;
	}
	e->off[e->n][c] = e->buf.len;
	if ((rc = mlc_store__put_text(&e->buf, text, 0)) == 0)
		rc = mlcu_buf_putc(&e->buf, '\0');
	return rc;
}

static int put_num(meter_enc *e, int c, int64_t v)
{
	char num[24];
	snprintf(num, sizeof(num), "%" PRId64, v);
	return put_col(e, c, num);
}

static int encode(meter_enc *e, const mlc_store_meter_event *ev, const char *replica)
{
	char cost[MLC_AMOUNT_FMT_MAX];
	int rc;
	mlc_store__amount_text(cost, sizeof(cost), ev->cost);
	if ((rc = put_col(e, MLC_STORE__M_ID, ev->id)) < 0 ||
	    (rc = put_num(e, MLC_STORE__M_TIME, ev->time)) < 0 ||
	    (rc = put_col(e, MLC_STORE__M_MODEL, ev->model)) < 0 ||
	    (rc = put_col(e, MLC_STORE__M_VERSION, ev->version)) < 0 ||
	    (rc = put_col(e, MLC_STORE__M_TEAM, ev->team)) < 0 ||
	    (rc = put_col(e, MLC_STORE__M_ENDPOINT, ev->endpoint)) < 0 ||
	    (rc = put_num(e, MLC_STORE__M_REQUESTS, (int64_t)ev->requests)) < 0 ||
	    (rc = put_num(e, MLC_STORE__M_INPUT, (int64_t)ev->input_tokens)) < 0 ||
	    (rc = put_num(e, MLC_STORE__M_OUTPUT, (int64_t)ev->output_tokens)) < 0 ||
	    (rc = put_col(e, MLC_STORE__M_COST, cost)) < 0 ||
	    (rc = put_num(e, MLC_STORE__M_RECEIVED, ev->received)) < 0 ||
	    (rc = put_col(e, MLC_STORE__M_REPLICA, replica)) < 0)
		return rc;
	e->n++;
	return 0;
}

/* Stage evs in batches of STAGE_MAX through the back-end. */
static int stage_all(mlc_store *s, meter_enc *e, const char *replica,
                     const mlc_store_meter_event *evs, size_t n)
{
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0;) {
		mlc_store__meter_batch b;
		mlcu_buf_reset(&e->buf);
		e->n = 0;
		for (; i < n && e->n < STAGE_MAX && rc == 0; i++)
			rc = encode(e, &evs[i], replica);
		if (rc < 0)
			return mlcu_error_set(rc, "meter event %zu: too large to store", i);
		for (size_t r = 0; r < e->n; r++)
			for (int c = 0; c < MLC_STORE__M_NCOLS; c++)
				e->col[r][c] =
				    e->off[r][c] == SIZE_MAX ? NULL : e->buf.ptr + e->off[r][c];
		b.n = e->n;
		b.col = (const char *const(*)[MLC_STORE__M_NCOLS])e->col;
		rc = s->ops->meter_stage(s->be, &b);
	}
	return rc;
}

/* Everything of a put after begin: stage, merge, mark. */
static int put_tx(int64_t *inserted, mlc_store *s, meter_enc *e, const char *replica,
                  uint64_t log_seq, const mlc_store_meter_event *evs, size_t n)
{
	const mlc_store__dialect *d = s->ops->sql;
	char change[24], seq[24], now[24];
	const char *mark[3] = {replica, seq, now};
	const char *pchange[1] = {change};
	int64_t next = 0;
	int rc;
	if ((rc = s->ops->exec(s->be, d->meter_begin)) < 0 ||
	    (d->meter_lock && (rc = mlc_store__exec_params(s, d->meter_lock, NULL, 0)) < 0) ||
	    (rc = mlc_store__query_int(&next, s, d->meter_next_change, NULL, 0)) < 0 ||
	    (rc = stage_all(s, e, replica, evs, n)) < 0)
		return rc;
	snprintf(change, sizeof(change), "%" PRId64, next);
	if (d->meter_count) {
		if ((rc = mlc_store__query_int(inserted, s, d->meter_count, NULL, 0)) < 0 ||
		    (rc = mlc_store__exec_params(s, d->meter_merge, pchange, 1)) < 0)
			return rc;
	} else if ((rc = mlc_store__query_int(inserted, s, d->meter_merge, pchange, 1)) < 0) {
		return rc;
	}
	snprintf(seq, sizeof(seq), "%" PRIu64, log_seq);
	snprintf(now, sizeof(now), "%" PRId64, (int64_t)time(NULL));
	return mlc_store__exec_params(s, d->meter_mark, mark, 3);
}

int mlc_store_meter_put(uint64_t *out_inserted, mlc_store *s, const char *replica, uint64_t log_seq,
                        const mlc_store_meter_event *evs, size_t n)
{
	meter_enc *e = NULL;
	int64_t inserted = 0;
	int own = !s->in_tx, rc = 0;
	if (out_inserted)
		*out_inserted = 0;
	if (!replica || !*replica || strlen(replica) > MLC_STORE_METER_MAX_TEXT)
		return mlcu_error_set(MLC_EINVAL, "meter: no replica name, or too long");
	if (log_seq > INT64_MAX)
		return mlcu_error_set(MLC_EINVAL, "meter: log sequence of 2^63 or more");
	for (size_t i = 0; i < n; i++)
		if ((rc = check_event(&evs[i], i)) < 0)
			return rc;
	if (!(e = mlcu_calloc(1, sizeof(*e))))
		return mlcu_error_oom();
	mlcu_buf_init(&e->buf, MLC_STORE__MAX_BATCH_BYTES);
	if (own && (rc = s->ops->begin(s->be)) < 0)
		goto done;
	rc = put_tx(&inserted, s, e, replica, log_seq, evs, n);
	if (rc == 0 && own)
		rc = s->ops->commit(s->be);
	else if (rc < 0 && own) {
		char msg[1024];
		snprintf(msg, sizeof(msg), "%s", mlc_error_message());
		s->ops->rollback(s->be);
		rc = mlcu_error_set(rc, "%s", msg);
	}
	if (rc == 0 && out_inserted)
		*out_inserted = (uint64_t)inserted;
done:
	mlcu_buf_free(&e->buf);
	mlcu_free(e);
	return rc;
}

/* ---- reading --------------------------------------------------------------------------- */

int mlc_store_meter_log_seq(uint64_t *out, mlc_store *s, const char *replica)
{
	const char *p[1] = {replica};
	int64_t v = 0;
	int rc;
	*out = 0;
	if (!replica)
		return mlcu_error_set(MLC_EINVAL, "meter: no replica name");
	if ((rc = mlc_store__query_int(&v, s, s->ops->sql->meter_log_seq, p, 1)) == 0)
		*out = v < 0 ? 0 : (uint64_t)v;
	return rc;
}

typedef struct hour_ctx {
	mlc_store_meter_hour_fn fn;
	void *ctx;
	int rc; /* the callback's own return, passed through */
} hour_ctx;

static int u64_col(uint64_t *out, const char *text, const char *what)
{
	int64_t v = 0;
	int rc = mlc_store__int(&v, text, what);
	*out = v < 0 ? 0 : (uint64_t)v;
	return rc;
}

static const char *dim(const char *text)
{
	return text && *text ? text : NULL;
}

static int hour_row(void *vctx, const char *const *col, size_t ncol)
{
	hour_ctx *hc = vctx;
	mlc_store_meter_hour h;
	int rc;
	if (ncol != 11)
		return mlcu_error_set(MLC_ERROR, "store: meter_hourly read %zu columns", ncol);
	h.model = dim(col[0]), h.version = dim(col[1]), h.team = dim(col[2]);
	h.endpoint = dim(col[3]);
	if ((rc = mlc_store__int(&h.hour, col[4], "hour_start")) < 0 ||
	    (rc = mlc_store__amount(&h.cost, col[5], "cost")) < 0 ||
	    (rc = u64_col(&h.requests, col[6], "requests")) < 0 ||
	    (rc = u64_col(&h.events, col[7], "events")) < 0 ||
	    (rc = u64_col(&h.input_tokens, col[8], "input_tokens")) < 0 ||
	    (rc = u64_col(&h.output_tokens, col[9], "output_tokens")) < 0 ||
	    (rc = mlc_store__int(&h.change, col[10], "change_seq")) < 0)
		return rc;
	if ((hc->rc = hc->fn(&h, hc->ctx)) != 0)
		return hc->rc;
	return 0;
}

static int read_hours(mlc_store *s, const char *sql, const char *const *p, size_t np,
                      mlc_store_meter_hour_fn fn, void *ctx)
{
	hour_ctx hc = {fn, ctx, 0};
	int rc = s->ops->query(s->be, sql, 1, p, np, hour_row, &hc);
	return hc.rc ? hc.rc : rc;
}

int mlc_store_meter_hourly_since(mlc_store *s, int64_t change, mlc_store_meter_hour_fn fn,
                                 void *ctx)
{
	char c[24];
	const char *p[1] = {c};
	snprintf(c, sizeof(c), "%" PRId64, change);
	return read_hours(s, s->ops->sql->meter_since, p, 1, fn, ctx);
}

int mlc_store_meter_hourly_range(mlc_store *s, int64_t from, int64_t to, mlc_store_meter_hour_fn fn,
                                 void *ctx)
{
	char f[24], t[24];
	const char *p[2] = {f, t};
	snprintf(f, sizeof(f), "%" PRId64, from);
	snprintf(t, sizeof(t), "%" PRId64, to ? to : INT64_MAX);
	return read_hours(s, s->ops->sql->meter_range, p, 2, fn, ctx);
}

typedef struct id_ctx {
	mlc_store_meter_id_fn fn;
	void *ctx;
	int rc;
} id_ctx;

static int id_row(void *vctx, const char *const *col, size_t ncol)
{
	id_ctx *ic = vctx;
	int64_t received;
	int rc;
	if (ncol != 2 || !col[0])
		return mlcu_error_set(MLC_ERROR, "store: meter_events read a bad id row");
	if ((rc = mlc_store__int(&received, col[1], "received")) < 0)
		return rc;
	if ((ic->rc = ic->fn(col[0], received, ic->ctx)) != 0)
		return ic->rc;
	return 0;
}

int mlc_store_meter_ids_since(mlc_store *s, int64_t received, size_t limit,
                              mlc_store_meter_id_fn fn, void *ctx)
{
	char r[24], l[24];
	const char *p[2] = {r, l};
	id_ctx ic = {fn, ctx, 0};
	int rc;
	snprintf(r, sizeof(r), "%" PRId64, received);
	snprintf(l, sizeof(l), "%" PRIu64,
	         limit && limit < INT64_MAX ? (uint64_t)limit : INT64_MAX);
	rc = s->ops->query(s->be, s->ops->sql->meter_ids, 1, p, 2, id_row, &ic);
	return ic.rc ? ic.rc : rc;
}
