/* SPDX-License-Identifier: MIT */
/*
 * compact.c - moving logged events into the store, and reading the
 * store's totals back.
 *
 * Compaction reads the durable log records after the stored position (at
 * most CHUNK events), stores them in one transaction (the store keeps each
 * id once, adds the new ones to meter_hourly and records the position),
 * then refreshes: reads the meter_hourly rows changed since the last read
 * (ours, and other replicas') and, under the index's write lock, sets the
 * cells' store parts to them and takes the stored events out of the
 * pending parts. A reader sees either both or neither. Segments whose
 * records are all stored are deleted.
 *
 * A crash anywhere in between is safe: the store's position moves in the
 * same transaction as the events, so a restart replays exactly the
 * records after it; a failed refresh keeps the stored events (the stash)
 * until the next one succeeds.
 *
 * What it is not: the thread that calls this (compact_thread.c).
 */
#include "engine_internal.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CHUNK 20000 /* events per store transaction */

/* ---- the stash ------------------------------------------------------------------------- */

void mlcd__stash_free(mlcd_stash *st)
{
	free(st->buf);
	free(st->off);
	free(st->ev);
	memset(st, 0, sizeof(*st));
}

static void stash_reset(mlcd_stash *st)
{
	st->len = st->n = 0;
	st->stored = 0;
}

static int stash_record(uint64_t seq, const unsigned char *p, size_t len, void *ctx)
{
	mlcd_stash *st = ctx;
	if (st->n + 2 > st->capn) {
		size_t c = st->capn ? 2 * st->capn : 1024;
		size_t *off = realloc(st->off, c * sizeof(*off));
		if (!off)
			return mlcd__error_set(MLC_ENOMEM, "out of memory");
		st->off = off, st->capn = c;
	}
	if (st->len + len > st->cap) {
		size_t c = st->cap ? st->cap : 1 << 20;
		unsigned char *b;
		while (c < st->len + len)
			c *= 2;
		if (!(b = realloc(st->buf, c)))
			return mlcd__error_set(MLC_ENOMEM, "out of memory");
		st->buf = b, st->cap = c;
	}
	st->off[st->n++] = st->len;
	memcpy(st->buf + st->len, p, len);
	st->len += len;
	st->last_seq = seq;
	return 0;
}

/* Decode the stashed payloads; one that cannot be read gets no id (skipped
 * everywhere, as recovery skipped it). */
static int stash_decode(mlcd_stash *st)
{
	mlcd_event *ev = realloc(st->ev, (st->n ? st->n : 1) * sizeof(*ev));
	if (!ev)
		return mlcd__error_set(MLC_ENOMEM, "out of memory");
	st->ev = ev;
	st->off[st->n] = st->len;
	for (size_t k = 0; k < st->n; k++)
		if (mlcd__event_decode(&ev[k], st->buf + st->off[k], st->off[k + 1] - st->off[k]))
			ev[k].ev.id = NULL;
	return 0;
}

/* ---- refresh --------------------------------------------------------------------------- */

typedef struct row {
	mlc_store_meter_hour h;
	char *text; /* the four texts, owned */
} row;

typedef struct rows {
	row *r;
	size_t n, cap;
} rows;

static void rows_free(rows *rs)
{
	for (size_t i = 0; i < rs->n; i++)
		free(rs->r[i].text);
	free(rs->r);
}

static int keep_row(const mlc_store_meter_hour *h, void *ctx)
{
	rows *rs = ctx;
	const char *t[4] = {h->model, h->version, h->team, h->endpoint};
	const char **dst[4];
	size_t bytes = 4, at = 0;
	row *r;
	if (rs->n == rs->cap) {
		size_t c = rs->cap ? 2 * rs->cap : 256;
		row *p = realloc(rs->r, c * sizeof(*p));
		if (!p)
			return mlcd__error_set(MLC_ENOMEM, "out of memory");
		rs->r = p, rs->cap = c;
	}
	r = &rs->r[rs->n];
	r->h = *h;
	dst[0] = &r->h.model, dst[1] = &r->h.version, dst[2] = &r->h.team;
	dst[3] = &r->h.endpoint;
	for (int i = 0; i < 4; i++)
		bytes += t[i] ? strlen(t[i]) : 0;
	if (!(r->text = malloc(bytes)))
		return mlcd__error_set(MLC_ENOMEM, "out of memory");
	for (int i = 0; i < 4; i++) {
		*dst[i] = NULL;
		if (t[i]) {
			*dst[i] = strcpy(r->text + at, t[i]);
			at += strlen(t[i]) + 1;
		}
	}
	rs->n++;
	return 0;
}

/* Under the write lock: the stored stash out of pending (summed per cell
 * beforehand, so the lock is held for a few cells), the rows in. */
static int apply(mlcd_engine *e, const rows *rs, int64_t *max_change)
{
	mlcd_stash *st = &e->stash;
	mlcd_delta d = {NULL, 0, 0, NULL, 0};
	int rc = 0;
	for (size_t k = 0; st->stored && k < st->n && rc == 0; k++)
		if (st->ev[k].ev.id)
			rc = mlcd_delta_add(&d, &st->ev[k]);
	if (rc != 0) {
		mlcd_delta_free(&d);
		return rc;
	}
	pthread_rwlock_wrlock(mlcd_index_lock(e->index));
	if (st->stored) {
		/* their cells exist (they were added): taking out cannot fail */
		mlcd_index_apply(e->index, &d, -1);
		stash_reset(st);
	}
	for (size_t i = 0; i < rs->n && rc == 0; i++) {
		if ((rc = mlcd_index_set_store(e->index, &rs->r[i].h)) != 0)
			*max_change = rs->r[i].h.change - 1; /* read it again next time */
		else if (rs->r[i].h.change > *max_change)
			*max_change = rs->r[i].h.change;
	}
	pthread_rwlock_unlock(mlcd_index_lock(e->index));
	mlcd_delta_free(&d);
	return rc;
}

/* The store handle, opened again after a failure dropped it (a PostgreSQL
 * connection lost, a server restarted): libpq does not reconnect by itself. */
static int store(mlcd_engine *e, mlc_store **out)
{
	int rc;
	if (!e->store && (rc = mlc_store_open(&e->store, e->cfg.store_url, NULL)) != 0) {
		e->store = NULL;
		return mlcd__error_from_lib(rc, "store");
	}
	*out = e->store;
	return 0;
}

static void drop_store(mlcd_engine *e)
{
	mlc_store_close(e->store);
	e->store = NULL;
}

int mlcd__refresh_locked(mlcd_engine *e)
{
	rows rs = {NULL, 0, 0};
	int64_t change = e->last_change;
	mlc_store *s = NULL;
	int rc = store(e, &s);
	if (rc == 0 && (rc = mlc_store_meter_hourly_since(s, e->last_change, keep_row, &rs)) != 0) {
		if (mlc_error_code() == rc)
			rc = mlcd__error_from_lib(rc, "refresh");
		drop_store(e);
	}
	if (rc == 0)
		rc = apply(e, &rs, &change);
	if (change > e->last_change || rc != 0)
		e->last_change = change;
	rows_free(&rs);
	pthread_mutex_lock(&e->stats_mu);
	if (rc != 0)
		e->n_refresh_errors++;
	else
		e->n_refreshes++;
	pthread_mutex_unlock(&e->stats_mu);
	return rc;
}

/* ---- compaction ------------------------------------------------------------------------ */

static int store_stash(mlcd_engine *e, uint64_t *inserted)
{
	mlcd_stash *st = &e->stash;
	mlc_store_meter_event *se = malloc((st->n ? st->n : 1) * sizeof(*se));
	size_t m = 0;
	int rc;
	if (!se)
		return mlcd__error_set(MLC_ENOMEM, "out of memory");
	for (size_t k = 0; k < st->n; k++) {
		const mlcd_event *ev = &st->ev[k];
		if (!ev->ev.id)
			continue;
		se[m++] = (mlc_store_meter_event){
		    ev->ev.id,           ev->ev.time,          ev->received,    ev->ev.model,
		    ev->ev.version,      ev->ev.team,          ev->ev.endpoint, ev->ev.requests,
		    ev->ev.input_tokens, ev->ev.output_tokens, ev->cost};
	}
	mlc_store *s = NULL;
	if ((rc = store(e, &s)) == 0 &&
	    (rc = mlc_store_meter_put(inserted, s, e->replica, st->last_seq, se, m)) != 0) {
		rc = mlcd__error_from_lib(rc, "compaction");
		drop_store(e);
	}
	free(se);
	return rc;
}

static void count_compaction(mlcd_engine *e, int ok, uint64_t inserted)
{
	pthread_mutex_lock(&e->stats_mu);
	if (ok) {
		e->n_compactions++;
		e->n_compacted += inserted;
		e->compacted_seq_pub = e->compacted_seq;
		e->last_compaction_unix = (double)time(NULL);
	} else {
		e->n_compaction_errors++;
	}
	pthread_mutex_unlock(&e->stats_mu);
}

int mlcd__compact_once(mlcd_engine *e, int *out_more)
{
	mlcd_stash *st = &e->stash;
	uint64_t last = 0, inserted = 0;
	size_t read;
	int rc;
	*out_more = 0;
	if (st->stored && (rc = mlcd__refresh_locked(e)) != 0)
		return rc; /* the last chunk is stored but not yet taken out */
	stash_reset(st);
	rc = mlcd_wal_read(&last, e->wal, e->compacted_seq, CHUNK, stash_record, st);
	if (rc == 0 && st->n == 0) /* nothing of ours: still read the other replicas' */
		return mlcd__refresh_locked(e);
	if (rc == 0)
		rc = stash_decode(st);
	if (rc == 0)
		rc = store_stash(e, &inserted);
	read = st->n;
	if (rc != 0) {
		stash_reset(st);
		count_compaction(e, 0, 0);
		return rc;
	}
	e->compacted_seq = st->last_seq;
	st->stored = 1;
	count_compaction(e, 1, inserted);
	if ((rc = mlcd__refresh_locked(e)) == 0)
		rc = mlcd_wal_trim(e->wal, e->compacted_seq);
	*out_more = rc == 0 && read == CHUNK;
	return rc;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int mlcd__compact_for(mlcd_engine *e, unsigned ms)
{
	int64_t end = now_ms() + ms;
	int more = 1, rc = 0;
	pthread_mutex_lock(&e->store_mu);
	while (more && rc == 0 && (!ms || now_ms() < end))
		rc = mlcd__compact_once(e, &more);
	if (rc == 0)
		rc = mlcd__refresh_locked(e);
	pthread_mutex_unlock(&e->store_mu);
	return rc;
}

int mlcd_engine_compact(mlcd_engine *e)
{
	return mlcd__compact_for(e, 0);
}

int mlcd_engine_refresh(mlcd_engine *e)
{
	int rc;
	pthread_mutex_lock(&e->store_mu);
	rc = mlcd__refresh_locked(e);
	pthread_mutex_unlock(&e->store_mu);
	return rc;
}
