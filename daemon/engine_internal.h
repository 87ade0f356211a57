/* SPDX-License-Identifier: MIT */
/*
 * engine_internal.h - what the engine's files share: the engine's state,
 * the error setter, the event encoding of the log, and the compactor.
 *
 * Locks, always taken in this order (never the other way round):
 *   append_mu  (engine.c)      one appender at a time: dedup, totals, log copy
 *   store_mu   (compact.c)     the store handle: compaction and refresh
 *   index lock (event_index)   the totals: readers shared, writers exclusive
 *   the log's own mutexes      (wal.c), held only inside wal calls
 */
#ifndef MLCD_ENGINE_INTERNAL_H
#define MLCD_ENGINE_INTERNAL_H

#include <pthread.h>

#include "engine.h"
#include "event_index.h"
#include "wal.h"

/* Set this thread's engine error (printf-like); returns code. */
int mlcd__error_set(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same from the library's last error: "what: <mlc_error_message()>". */
int mlcd__error_from_lib(int code, const char *what);

/* ---- wal_event.c: an event as a log record's payload ----------------------------------- */

/* Largest payload of one event: fixed part and five texts. */
#define MLCD_EVENT_PAYLOAD_MAX (64 + 5 * (2 + MLC_EVENT_MAX_TEXT + 1))

/* Encode e into out (at least MLCD_EVENT_PAYLOAD_MAX bytes); returns the length. */
size_t mlcd__event_encode(unsigned char *out, const mlcd_event *e);
/* Decode a payload: texts point into p (NUL-terminated there). MLC_EPARSE when bad. */
int mlcd__event_decode(mlcd_event *out, const unsigned char *p, size_t len);

/* ---- the engine ------------------------------------------------------------------------ */

#define MLCD_REPLICA_MAX 128

/* Events read from the log and stored, not yet taken out of the pending
 * totals: that happens together with reading the store's new totals, so
 * a reader never sees them counted twice or not at all. */
typedef struct mlcd_stash {
	unsigned char *buf; /* the payloads, back to back */
	size_t len, cap;
	size_t *off; /* payload k is buf[off[k] .. off[k + 1]) */
	mlcd_event *ev;
	size_t n, capn;
	uint64_t last_seq;
	int stored; /* in the store: take out at the next refresh */
} mlcd_stash;

struct mlcd_engine {
	mlcd_engine_config cfg;
	char replica[MLCD_REPLICA_MAX];
	mlcd_wal *wal;
	mlcd_index *index;
	mlcd_dedup *dedup;

	pthread_mutex_t append_mu;
	uint64_t n_accepted, n_duplicate; /* atomics */
	uint64_t n_ids;                   /* atomic: ids remembered, as of the last append */

	/* compaction and refresh (compact.c), under store_mu */
	pthread_mutex_t store_mu;
	mlc_store *store;       /* NULL after a failure: opened again when next needed */
	uint64_t compacted_seq; /* the last log seq in the store */
	int64_t last_change;    /* the store's last change number read */
	mlcd_stash stash;

	/* counters for stats, under stats_mu */
	pthread_mutex_t stats_mu;
	uint64_t compacted_seq_pub;
	uint64_t n_compactions, n_compacted, n_compaction_errors, n_refreshes, n_refresh_errors;
	uint64_t n_recovered, n_cut_bytes, n_bad_records;
	double last_compaction_unix;

	/* the background thread */
	pthread_mutex_t bg_mu;
	pthread_cond_t bg_cv;
	int bg_stop, bg_started;
	pthread_t bg;
};

/* engine.c: forget the totals before now's day minus memory_days */
void mlcd__move_horizon(mlcd_engine *e, int64_t now);

/* compact.c: one compaction step (at most one chunk of events), under store_mu */
int mlcd__compact_once(mlcd_engine *e, int *out_more);
/* Compact until caught up, or for at most ms (0: no limit), then refresh. */
int mlcd__compact_for(mlcd_engine *e, unsigned ms);
/* Read the store's changed totals (and take out a stored stash), under store_mu. */
int mlcd__refresh_locked(mlcd_engine *e);
void mlcd__stash_free(mlcd_stash *st);
/* compact_thread.c: the background thread */
int mlcd__bg_start(mlcd_engine *e);
void mlcd__bg_stop(mlcd_engine *e);

#endif
