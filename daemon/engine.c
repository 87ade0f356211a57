/* SPDX-License-Identifier: MIT */
/*
 * engine.c - the metering engine's front: append (check, dedup, count,
 * log, wait for durability), the queries, and the stats.
 *
 * One appender at a time does the in-memory part (ids, totals, copying the
 * records into the log's buffer: microseconds per batch); the wait for
 * the sync happens outside that lock, so every caller waiting during one
 * sync is acknowledged by it. The append is asynchronous underneath: its
 * state is queued on the log and finished by the log's writer thread after
 * the sync, so an HTTP worker need not be parked per request (the blocking
 * append waits on a condition variable for the same callback). Totals are changed before the
 * records enter the log, so anything the compactor can read is already counted, and it can take it
 * out of the pending totals without ever going negative.
 *
 * What it is not: opening and recovery (engine_open.c), compaction and
 * refresh (compact.c).
 */
#include "engine_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *mlcd_engine_replica(const mlcd_engine *e)
{
	return e->replica;
}

int64_t mlcd_engine_horizon(mlcd_engine *e)
{
	int64_t h;
	pthread_rwlock_rdlock(mlcd_index_lock(e->index));
	h = mlcd_index_horizon(e->index);
	pthread_rwlock_unlock(mlcd_index_lock(e->index));
	return h;
}

void mlcd__move_horizon(mlcd_engine *e, int64_t now)
{
	int64_t h = now - now % 86400 - (int64_t)e->cfg.memory_days * 86400;
	if (h <= mlcd_engine_horizon(e))
		return;
	pthread_rwlock_wrlock(mlcd_index_lock(e->index));
	mlcd_index_set_horizon(e->index, h);
	pthread_rwlock_unlock(mlcd_index_lock(e->index));
}

/* ---- append ---------------------------------------------------------------------------- */

static int check_text(const char *t, const char *what, size_t i)
{
	if (t && strlen(t) > MLC_EVENT_MAX_TEXT)
		return mlcd__error_set(MLC_EINVAL, "event %zu: %s longer than %d bytes", i + 1,
		                       what, MLC_EVENT_MAX_TEXT);
	return 0;
}

static const char *text_or_null(const char *t)
{
	return t && *t ? t : NULL;
}

/* Check evs[i] and give its normalized copy (texts borrowed). */
static int normalize(mlcd_event *out, const mlcd_event *in, size_t i)
{
	const mlc_event *ev = &in->ev;
	int rc;
	if (!ev->id || !*ev->id)
		return mlcd__error_set(MLC_EINVAL, "event %zu: no id", i + 1);
	if ((rc = check_text(ev->id, "id", i)) || (rc = check_text(ev->model, "model", i)) ||
	    (rc = check_text(ev->version, "version", i)) ||
	    (rc = check_text(ev->team, "team", i)) ||
	    (rc = check_text(ev->endpoint, "endpoint", i)))
		return rc;
	if ((ev->has_time && ev->time < 0) || (!ev->has_time && in->received < 0))
		return mlcd__error_set(MLC_EINVAL, "event %zu: time before 1970", i + 1);
	if (ev->requests > INT64_MAX || ev->input_tokens > INT64_MAX ||
	    ev->output_tokens > INT64_MAX)
		return mlcd__error_set(MLC_EINVAL, "event %zu: a counter of 2^63 or more", i + 1);
	memset(out, 0, sizeof(*out));
	out->ev.id = ev->id;
	out->ev.time = ev->has_time ? ev->time : in->received;
	out->ev.has_time = 1;
	out->ev.model = text_or_null(ev->model);
	out->ev.version = text_or_null(ev->version);
	out->ev.team = text_or_null(ev->team);
	out->ev.endpoint = text_or_null(ev->endpoint);
	out->ev.requests = ev->requests;
	out->ev.input_tokens = ev->input_tokens;
	out->ev.output_tokens = ev->output_tokens;
	out->cost = in->cost;
	out->received = in->received;
	return 0;
}

/* One append from its start to its durability: the normalized events, their
 * payloads (which the events' texts point into, so the caller's may go at
 * once), the accepted ones, and their sums (taken out again if the log fails).
 * One allocation for the arrays: a single-event POST makes a few of these. */
typedef struct append_op {
	mlcd_wal_waiter wt; /* first: the log's node while it waits */
	mlcd_engine *e;
	void (*done)(void *ctx, int rc);
	void *ctx;
	size_t n;
	mlcd_event *ev;
	uint64_t *hash;
	unsigned char *payload;
	const unsigned char **pay; /* payload of event i */
	uint32_t *paylen;
	size_t *acc, nacc;       /* indices of the accepted events */
	const unsigned char **p; /* payloads of the accepted, for the log */
	uint32_t *len;
	mlcd_delta delta; /* the accepted, summed per cell */
} append_op;

static void op_free(append_op *op)
{
	free(op->payload);
	mlcd_delta_free(&op->delta);
	free(op);
}

static int op_new(append_op **out, size_t n)
{
	size_t m = n ? n : 1, per = sizeof(mlcd_event) + sizeof(uint64_t) + 2 * sizeof(void *) +
	                            2 * sizeof(uint32_t) + sizeof(size_t);
	append_op *op;
	unsigned char *at;
	*out = NULL;
	if (m > (SIZE_MAX - sizeof(*op)) / per || !(op = calloc(1, sizeof(*op) + m * per)))
		return mlcd__error_set(MLC_ENOMEM, "out of memory");
	/* largest alignment first: events, then 8-byte, then 4-byte arrays */
	at = (unsigned char *)(op + 1);
	op->ev = (mlcd_event *)at, at += m * sizeof(mlcd_event);
	op->hash = (uint64_t *)at, at += m * sizeof(uint64_t);
	op->pay = (const unsigned char **)at, at += m * sizeof(void *);
	op->p = (const unsigned char **)at, at += m * sizeof(void *);
	op->acc = (size_t *)at, at += m * sizeof(size_t);
	op->paylen = (uint32_t *)at, at += m * sizeof(uint32_t);
	op->len = (uint32_t *)at;
	op->n = n;
	*out = op;
	return 0;
}

/* Normalize, hash and encode every event, before taking any lock; then the
 * events' texts are pointed into the payloads (owned by op). */
static int prepare(mlcd_engine *e, append_op *op, const mlcd_event *evs)
{
	size_t bytes = 0, at = 0, n = op->n;
	int rc;
	for (size_t i = 0; i < n; i++) {
		const mlc_event *ev;
		if ((rc = normalize(&op->ev[i], &evs[i], i)) != 0)
			return rc;
		ev = &op->ev[i].ev;
		op->hash[i] = mlcd_dedup_hash(e->dedup, ev->id);
		bytes += 64 + 5 * 3 + strlen(ev->id);
		bytes += ev->model ? strlen(ev->model) : 0;
		bytes += ev->version ? strlen(ev->version) : 0;
		bytes += ev->team ? strlen(ev->team) : 0;
		bytes += ev->endpoint ? strlen(ev->endpoint) : 0;
	}
	if (!(op->payload = malloc(bytes ? bytes : 1)))
		return mlcd__error_set(MLC_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		op->pay[i] = op->payload + at;
		op->paylen[i] = (uint32_t)mlcd__event_encode(op->payload + at, &op->ev[i]);
		if (mlcd__event_decode(&op->ev[i], op->pay[i], op->paylen[i]) != 0)
			return mlcd__error_set(MLC_ERROR, "event %zu: encoding", i + 1);
		at += op->paylen[i];
	}
	return 0;
}

static int apply(mlcd_engine *e, const mlcd_delta *d, int sign)
{
	int rc;
	pthread_rwlock_wrlock(mlcd_index_lock(e->index));
	rc = mlcd_index_apply(e->index, d, sign);
	pthread_rwlock_unlock(mlcd_index_lock(e->index));
	return rc;
}

/* The append is over (durable: rc 0, or the log failed): count it or take
 * it out, free it, tell the caller. On the writer's thread, or the caller's. */
static void op_finish(append_op *op, int rc)
{
	mlcd_engine *e = op->e;
	void (*done)(void *, int) = op->done;
	void *ctx = op->ctx;
	if (rc == 0) {
		__atomic_fetch_add(&e->n_accepted, (uint64_t)op->nacc, __ATOMIC_RELAXED);
		__atomic_fetch_add(&e->n_duplicate, (uint64_t)(op->n - op->nacc), __ATOMIC_RELAXED);
	} else {
		/* the log failed: its ids stay remembered, but it takes no more appends */
		apply(e, &op->delta, -1);
		rc = mlcd__error_set(MLC_EIO, "%s: writing the log failed", e->cfg.wal_dir);
	}
	op_free(op);
	done(ctx, rc);
}

static void op_durable(mlcd_wal_waiter *wt, int rc)
{
	op_finish((append_op *)wt, rc);
}

/* Under append_mu: dedup, count, log, and queue op for the sync (0), or 1:
 * nothing to wait for. From the moment it is queued, op is the writer's. On
 * failure nothing of the batch stays counted or remembered. */
static int append_locked(mlcd_engine *e, append_op *op, unsigned char *status)
{
	int rc = 0, counted = 0;
	uint64_t last;
	mlcd_dedup_expire(e->dedup, (int64_t)time(NULL) - 1);
	for (size_t i = 0; i < op->n; i++) {
		int dup = mlcd_dedup_check_add(e->dedup, op->hash[i], op->ev[i].received);
		status[i] = dup ? MLCD_DUPLICATE : MLCD_ACCEPTED;
		if (!dup) {
			op->p[op->nacc] = op->pay[i];
			op->len[op->nacc] = op->paylen[i];
			op->acc[op->nacc++] = i;
		}
	}
	for (size_t k = 0; k < op->nacc && rc == 0; k++)
		rc = mlcd_delta_add(&op->delta, &op->ev[op->acc[k]]);
	if (rc == 0 && (rc = apply(e, &op->delta, 1)) == 0)
		counted = 1;
	/* duplicates (nacc 0) wait for everything before them: what they repeat */
	if (rc == 0)
		rc = mlcd_wal_append_notify(&last, e->wal, op->p, op->len, op->nacc, &op->wt);
	if (rc != 0 && rc != 1) {
		if (counted)
			apply(e, &op->delta, -1);
		for (size_t k = op->nacc; k-- > 0;)
			mlcd_dedup_pop(e->dedup, op->hash[op->acc[k]]);
	}
	return rc;
}

int mlcd_engine_append_async(mlcd_engine *e, const mlcd_event *evs, size_t n, unsigned char *status,
                             void (*done)(void *ctx, int rc), void *ctx)
{
	append_op *op;
	int rc = op_new(&op, n);
	if (rc != 0)
		return rc;
	op->e = e, op->done = done, op->ctx = ctx, op->wt.fn = op_durable;
	if ((rc = prepare(e, op, evs)) != 0) {
		op_free(op);
		return rc;
	}
	pthread_mutex_lock(&e->append_mu);
	rc = append_locked(e, op, status);
	__atomic_store_n(&e->n_ids, (uint64_t)mlcd_dedup_count(e->dedup), __ATOMIC_RELAXED);
	pthread_mutex_unlock(&e->append_mu);
	if (rc == 1)
		op_finish(op, 0); /* nothing to wait for: done at once, on this thread */
	else if (rc != 0)
		op_free(op);
	return rc == 1 ? 0 : rc;
}

/* The blocking append: the asynchronous one and a wait for its done. */
typedef struct sync_wait {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int done, rc;
	char msg[512]; /* the error, set on the thread that called done */
} sync_wait;

static void sync_done(void *ctx, int rc)
{
	sync_wait *w = ctx;
	pthread_mutex_lock(&w->mu);
	w->rc = rc;
	if (rc != 0)
		snprintf(w->msg, sizeof(w->msg), "%s", mlcd_engine_error());
	w->done = 1;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

int mlcd_engine_append(mlcd_engine *e, const mlcd_event *evs, size_t n, unsigned char *status)
{
	sync_wait w;
	int rc;
	memset(&w, 0, sizeof(w));
	pthread_mutex_init(&w.mu, NULL);
	pthread_cond_init(&w.cv, NULL);
	if ((rc = mlcd_engine_append_async(e, evs, n, status, sync_done, &w)) == 0) {
		pthread_mutex_lock(&w.mu);
		while (!w.done)
			pthread_cond_wait(&w.cv, &w.mu);
		pthread_mutex_unlock(&w.mu);
		if ((rc = w.rc) != 0)
			mlcd__error_set(rc, "%s", w.msg);
	}
	pthread_cond_destroy(&w.cv);
	pthread_mutex_destroy(&w.mu);
	return rc;
}

/* ---- queries --------------------------------------------------------------------------- */

int mlcd_engine_costs(mlcd_cost_rows **out, mlcd_engine *e, const mlcd_cost_query *q)
{
	int rc;
	pthread_rwlock_rdlock(mlcd_index_lock(e->index));
	rc = mlcd_index_costs(out, e->index, q);
	pthread_rwlock_unlock(mlcd_index_lock(e->index));
	return rc;
}

int mlcd_engine_spend(mlc_amount *out, mlcd_engine *e, mlcd_dim dim, const char *value,
                      int64_t from, int64_t to)
{
	mlcd_money m;
	if ((unsigned)dim >= MLCD_DIM_COUNT)
		return mlcd__error_set(MLC_EINVAL, "no such dimension");
	pthread_rwlock_rdlock(mlcd_index_lock(e->index));
	m = mlcd_index_spend(e->index, dim, value, from, to);
	pthread_rwlock_unlock(mlcd_index_lock(e->index));
	*out = mlcd_money_amount(m);
	return 0;
}

void mlcd_engine_get_stats(mlcd_engine_stats *out, mlcd_engine *e)
{
	mlcd_wal_stats ws;
	memset(out, 0, sizeof(*out));
	mlcd_wal_get_stats(&ws, e->wal);
	out->events_accepted = __atomic_load_n(&e->n_accepted, __ATOMIC_RELAXED);
	out->events_duplicate = __atomic_load_n(&e->n_duplicate, __ATOMIC_RELAXED);
	out->wal_bytes = ws.bytes;
	out->wal_syncs = ws.syncs;
	out->wal_segments = ws.segments;
	out->wal_sync_seconds_sum = ws.sync_seconds;
	out->wal_failed = ws.failed;
	pthread_mutex_lock(&e->stats_mu);
	out->wal_pending_events =
	    ws.durable_seq > e->compacted_seq_pub ? ws.durable_seq - e->compacted_seq_pub : 0;
	out->compactions = e->n_compactions;
	out->compacted_events = e->n_compacted;
	out->compaction_errors = e->n_compaction_errors;
	out->refreshes = e->n_refreshes;
	out->refresh_errors = e->n_refresh_errors;
	out->last_compaction_unix = e->last_compaction_unix;
	out->wal_recovered_events = e->n_recovered;
	out->wal_cut_bytes = e->n_cut_bytes;
	out->wal_bad_records = e->n_bad_records;
	pthread_mutex_unlock(&e->stats_mu);
	out->dedup_ids = __atomic_load_n(&e->n_ids, __ATOMIC_RELAXED);
	pthread_rwlock_rdlock(mlcd_index_lock(e->index));
	out->cells = mlcd_index_cells(e->index);
	pthread_rwlock_unlock(mlcd_index_lock(e->index));
}
