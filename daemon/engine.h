/* SPDX-License-Identifier: MIT */
/*
 * engine.h - the metering engine of `mlcost serve`: where priced events go
 * once the HTTP layer has parsed and priced them.
 *
 *   append  -> write-ahead log (group commit: one fsync for every caller
 *              waiting at that moment) -> in-memory index of ids and
 *              hourly totals; a call returns only when its events are on
 *              disk, so the caller may then answer 2xx;
 *   compact -> a background thread moves logged events into the store
 *              (SQLite or PostgreSQL; table meter_events, unique by id, and
 *              hourly aggregates) and trims the log; a store connection
 *              lost is opened again at the next try;
 *   refresh -> with a shared PostgreSQL store, totals written by other
 *              replicas are read back every refresh interval;
 *   open    -> crash recovery: totals from the store, then the log replayed
 *              (a torn last record is cut off).
 *
 * Totals are exact (mlc_amount) and count each event id once: ids seen in
 * the dedup window are answered "duplicate" at once; an older id that the
 * store already has is dropped at compaction (the store's key decides).
 *
 * What it is not: HTTP, auth, JSON, pricing or budgets policy (the daemon's
 * other modules). Thread-safe: every function may be called from any
 * thread, except close (no other call may be running or follow).
 * Design and numbers: docs/serve-internals.md.
 */
#ifndef MLCD_ENGINE_H
#define MLCD_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "mlcost.h"

typedef struct mlcd_engine mlcd_engine;

typedef struct mlcd_engine_config {
	const char *wal_dir;      /**< directory of the log segments (created) */
	const char *store_url;    /**< as mlc_store_open; NULL = mlcost.db */
	unsigned group_commit_us; /**< wait this long to gather a group; 0 = none */
	/** 1: fdatasync before acknowledging (the config's default); 0: only
	 * write() (survives kill -9 of the server, not a power cut) */
	int fsync;
	unsigned compact_interval_ms; /**< 0 = 250 */
	unsigned refresh_interval_ms; /**< shared store re-read; 0 = 250 */
	unsigned dedup_window_s;      /**< ids remembered in memory; 0 = 7 days */
	uint64_t wal_segment_bytes;   /**< roll the log past this; 0 = 64 MiB */
	/** 1: keep the next log segment zero-filled ahead (wal.h; with fsync only); 0: segments
	 * grow as they are written (the `wal_preallocate` setting's default is 1) */
	int wal_preallocate;
	/** this server's name in the store (meter_events.replica, its log
	 * position); NULL = the one kept in wal_dir/REPLICA (made up once:
	 * host name and 64 random bits). Two servers must not share one. */
	const char *replica;
	size_t dedup_max_ids; /**< ids remembered at most; 0 = 1,000,000 (32 MB) */
	size_t max_cells;     /**< hourly totals in memory at most; 0 = 4,194,304 */
	/** days of totals kept in memory (from UTC midnight, that many days
	 * back); older hours are not answered (costs, spend): the store keeps
	 * them. 0 = 400 (a year and a month, for year-on-year budgets) */
	unsigned memory_days;
} mlcd_engine_config;

/** A parsed, priced event as the engine takes it. Strings are copied (the
 * caller's may go once append returns). Only id, time, model, version,
 * team, endpoint, requests, input/output tokens, cost and received are
 * kept: the rest served to price it. */
typedef struct mlcd_event {
	mlc_event ev;     /**< ev.id is required; without has_time, time = received */
	mlc_amount cost;  /**< priced at ingest, never re-priced */
	int64_t received; /**< UTC seconds when the server accepted it */
} mlcd_event;

enum { MLCD_ACCEPTED = 0, MLCD_DUPLICATE = 1 };

/**
 * Open: the store (migrated), its totals and recent ids, then the log
 * (recovered: records not yet in the store are counted again), then the
 * background thread (compaction, refresh). Fails with MLC_EIO (log
 * directory, store), MLC_EINVAL (no wal_dir), MLC_ENOMEM, MLC_ETOOLARGE;
 * the message is mlcd_engine_error().
 */
int mlcd_engine_open(mlcd_engine **out, const mlcd_engine_config *cfg);

/** The message of the engine's last failure on this thread ("" when none). */
const char *mlcd_engine_error(void);

/** This server's replica name (borrowed, valid until close). */
const char *mlcd_engine_replica(const mlcd_engine *e);

/** The first hour answered from memory (UTC seconds): costs and spend do
 * not count the hours before it (memory_days). */
int64_t mlcd_engine_horizon(mlcd_engine *e);

/** Stop the background thread, store what is logged (for at most 3 s:
 * the rest stays in the log, replayed at the next open), close. NULL ok. */
void mlcd_engine_close(mlcd_engine *e);

/**
 * Log n events durably and count them. status[i] (n entries, caller's) is
 * MLCD_ACCEPTED or MLCD_DUPLICATE (an id seen before, or twice in this
 * call). Returns 0 only when every accepted event is on disk (and, for a
 * duplicate, when the event it repeats is); on an I/O failure nothing of
 * this call is counted and MLC_EIO is returned, and so is every later
 * call (a log that failed to sync cannot be trusted: restart). Accepted
 * events count in the totals a little before they are durable.
 * MLC_EINVAL (nothing counted) for an event without id, a text longer
 * than MLC_EVENT_MAX_TEXT, a negative time or a counter >= 2^63; an empty
 * text is a missing one; without has_time, time is `received`.
 * MLC_ETOOLARGE past max_cells.
 */
int mlcd_engine_append(mlcd_engine *e, const mlcd_event *evs, size_t n, unsigned char *status);

/**
 * The same without waiting: check, dedup, count and copy the events into
 * the log's current group, fill status[], and return; done(ctx, rc) is
 * called once they are durable (rc 0) or the log failed (MLC_EIO; nothing
 * of this call counted, mlcd_engine_error() on done's thread says why).
 * The caller's events may go at once; status must stay until done, and is
 * only meaningful with rc 0. done runs on the log's writer thread, after
 * the sync covering the call, or on the calling thread before this returns
 * when there is nothing to wait for (only duplicates of durable events);
 * it must not block long (it delays the next sync) nor call back into the
 * engine's append. Returns 0: done will be called exactly once; otherwise
 * an error as mlcd_engine_append, and done is never called.
 */
int mlcd_engine_append_async(mlcd_engine *e, const mlcd_event *evs, size_t n, unsigned char *status,
                             void (*done)(void *ctx, int rc), void *ctx);

/** What to total (GET /v1/costs). */
typedef enum mlcd_dim {
	MLCD_DIM_MODEL = 0,
	MLCD_DIM_TEAM,
	MLCD_DIM_ENDPOINT,
	MLCD_DIM_VERSION,
	MLCD_DIM_COUNT
} mlcd_dim;

typedef enum mlcd_bucket { MLCD_BUCKET_NONE = 0, MLCD_BUCKET_HOUR, MLCD_BUCKET_DAY } mlcd_bucket;

typedef struct mlcd_cost_query {
	int by[MLCD_DIM_COUNT]; /**< 1 for each dimension grouped by */
	mlcd_bucket bucket;
	/** the hours (of event time) that start in [from, to), UTC seconds;
	 * 0 = open; never before mlcd_engine_horizon */
	int64_t from, to;
	/** only these values of a dimension (e.g. a team-limited token's teams);
	 * NULL = all. A NULL value in the list matches a missing one. */
	const char *const *only[MLCD_DIM_COUNT];
	size_t nonly[MLCD_DIM_COUNT];
} mlcd_cost_query;

typedef struct mlcd_cost_row {
	const char *key[MLCD_DIM_COUNT]; /**< NULL for a missing value or a dim not grouped */
	int64_t bucket;                  /**< start of hour/day, 0 without bucket */
	mlc_amount cost;
	uint64_t requests, events, input_tokens, output_tokens;
} mlcd_cost_row;

typedef struct mlcd_cost_rows {
	const mlcd_cost_row *rows; /**< sorted by bucket, then keys (missing first) */
	size_t n;
	mlcd_cost_row total; /**< over all rows */
} mlcd_cost_rows;

int mlcd_engine_costs(mlcd_cost_rows **out, mlcd_engine *e, const mlcd_cost_query *q);
void mlcd_cost_rows_free(mlcd_cost_rows *r);

/**
 * Spend of one value of one dimension (value NULL: all) over [from, to)
 * (the hours that start in it; 0 = open): for budget checks, answered
 * from memory in microseconds.
 */
int mlcd_engine_spend(mlc_amount *out, mlcd_engine *e, mlcd_dim dim, const char *value,
                      int64_t from, int64_t to);

/** Counters for /metrics. */
typedef struct mlcd_engine_stats {
	uint64_t events_accepted, events_duplicate;
	uint64_t wal_bytes, wal_syncs, wal_segments;
	uint64_t wal_pending_events; /**< logged, not yet compacted */
	uint64_t compactions;
	uint64_t compacted_events; /**< inserted into the store (ids it had are not) */
	uint64_t compaction_errors;
	uint64_t refreshes, refresh_errors;
	double wal_sync_seconds_sum; /**< time spent in fdatasync */
	double last_compaction_unix;
	uint64_t wal_recovered_events; /**< records replayed at open */
	uint64_t wal_cut_bytes;        /**< bytes cut off bad tails at open */
	uint64_t wal_bad_records;      /**< records with a good CRC but an unreadable event */
	uint64_t dedup_ids;            /**< ids remembered now */
	uint64_t cells;                /**< hourly totals in memory */
	int wal_failed;                /**< 1: the log failed; appends fail until restart */
} mlcd_engine_stats;

void mlcd_engine_get_stats(mlcd_engine_stats *out, mlcd_engine *e);

/** Compact everything durable now, then refresh; wait for it (tests, SIGTERM). */
int mlcd_engine_compact(mlcd_engine *e);

/** Re-read the store's totals changed since the last read (other replicas). */
int mlcd_engine_refresh(mlcd_engine *e);

#endif
