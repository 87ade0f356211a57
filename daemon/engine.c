/* SPDX-License-Identifier: MIT */
/*
 * engine.c - the metering engine's front: append (check, dedup, count,
 * log, wait for durability), the queries, and the stats.
 *
 * One appender at a time does the in-memory part (ids, totals, copying the
 * records into the log's buffer: microseconds per batch); the wait for
 * the sync happens outside that lock, so every caller waiting during one
 * sync is acknowledged by it. Totals are changed before the records enter
 * the log, so anything the compactor can read is already counted, and it
 * can take it out of the pending totals without ever going negative.
 *
 * What it is not: opening and recovery (engine_open.c), compaction and
 * refresh (compact.c).
 */
#include "engine_internal.h"

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

/* The scratch of one append: normalized events, their payloads, the accepted ones. */
typedef struct batch {
	mlcd_event *ev;
	uint64_t *hash;
	unsigned char *payload;
	const unsigned char **pay; /* payload of event i */
	uint32_t *paylen;
	size_t *acc, nacc;       /* indices of the accepted events */
	const unsigned char **p; /* payloads of the accepted, for the log */
	uint32_t *len;
	mlcd_delta delta; /* the accepted, summed per cell */
} batch;

static void batch_free(batch *b)
{
	free(b->ev);
	free(b->hash);
	free(b->payload);
	free(b->pay);
	free(b->paylen);
	free(b->acc);
	free(b->p);
	free(b->len);
	mlcd_delta_free(&b->delta);
}

static int batch_init(batch *b, size_t n)
{
	size_t m = n ? n : 1;
	memset(b, 0, sizeof(*b));
	b->ev = malloc(m * sizeof(*b->ev));
	b->hash = malloc(m * sizeof(*b->hash));
	b->pay = malloc(m * sizeof(*b->pay));
	b->paylen = malloc(m * sizeof(*b->paylen));
	b->acc = malloc(m * sizeof(*b->acc));
	b->p = malloc(m * sizeof(*b->p));
	b->len = malloc(m * sizeof(*b->len));
	if (!b->ev || !b->hash || !b->pay || !b->paylen || !b->acc || !b->p || !b->len)
		return mlcd__error_set(MLC_ENOMEM, "out of memory");
	return 0;
}

/* Normalize, hash and encode every event, before taking any lock. */
static int prepare_batch(mlcd_engine *e, batch *b, const mlcd_event *evs, size_t n)
{
	size_t bytes = 0, at = 0;
	int rc;
	for (size_t i = 0; i < n; i++) {
		const mlc_event *ev;
		if ((rc = normalize(&b->ev[i], &evs[i], i)) != 0)
			return rc;
		ev = &b->ev[i].ev;
		b->hash[i] = mlcd_dedup_hash(e->dedup, ev->id);
		bytes += 64 + 5 * 3 + strlen(ev->id);
		bytes += ev->model ? strlen(ev->model) : 0;
		bytes += ev->version ? strlen(ev->version) : 0;
		bytes += ev->team ? strlen(ev->team) : 0;
		bytes += ev->endpoint ? strlen(ev->endpoint) : 0;
	}
	if (!(b->payload = malloc(bytes ? bytes : 1)))
		return mlcd__error_set(MLC_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		b->pay[i] = b->payload + at;
		b->paylen[i] = (uint32_t)mlcd__event_encode(b->payload + at, &b->ev[i]);
		at += b->paylen[i];
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

/* Under append_mu: dedup, count, log. *last is the seq to wait for. On
 * failure nothing of the batch stays counted or remembered. */
static int append_locked(mlcd_engine *e, batch *b, size_t n, unsigned char *status, uint64_t *last)
{
	int rc = 0, counted = 0;
	mlcd_dedup_expire(e->dedup, (int64_t)time(NULL) - 1);
	for (size_t i = 0; i < n; i++) {
		int dup = mlcd_dedup_check_add(e->dedup, b->hash[i], b->ev[i].received);
		status[i] = dup ? MLCD_DUPLICATE : MLCD_ACCEPTED;
		if (!dup) {
			b->p[b->nacc] = b->pay[i];
			b->len[b->nacc] = b->paylen[i];
			b->acc[b->nacc++] = i;
		}
	}
	for (size_t k = 0; k < b->nacc && rc == 0; k++)
		rc = mlcd_delta_add(&b->delta, &b->ev[b->acc[k]]);
	if (rc == 0 && (rc = apply(e, &b->delta, 1)) == 0)
		counted = 1;
	if (rc == 0 && b->nacc)
		rc = mlcd_wal_append(last, e->wal, b->p, b->len, b->nacc);
	else if (rc == 0)
		*last = mlcd_wal_last_seq(e->wal); /* duplicates: wait for what they repeat */
	if (rc != 0) {
		if (counted)
			apply(e, &b->delta, -1);
		for (size_t k = b->nacc; k-- > 0;)
			mlcd_dedup_pop(e->dedup, b->hash[b->acc[k]]);
	}
	return rc;
}

int mlcd_engine_append(mlcd_engine *e, const mlcd_event *evs, size_t n, unsigned char *status)
{
	batch b;
	uint64_t last = 0;
	int rc = batch_init(&b, n);
	if (rc == 0)
		rc = prepare_batch(e, &b, evs, n);
	if (rc != 0)
		goto done;
	pthread_mutex_lock(&e->append_mu);
	rc = append_locked(e, &b, n, status, &last);
	__atomic_store_n(&e->n_ids, (uint64_t)mlcd_dedup_count(e->dedup), __ATOMIC_RELAXED);
	pthread_mutex_unlock(&e->append_mu);
	if (rc != 0)
		goto done;
	if ((rc = mlcd_wal_wait(e->wal, last)) != 0) {
		/* the log failed: its ids stay remembered, but it takes no more appends */
		apply(e, &b.delta, -1);
		goto done;
	}
	__atomic_fetch_add(&e->n_accepted, (uint64_t)b.nacc, __ATOMIC_RELAXED);
	__atomic_fetch_add(&e->n_duplicate, (uint64_t)(n - b.nacc), __ATOMIC_RELAXED);
done:
	batch_free(&b);
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
