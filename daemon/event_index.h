/* SPDX-License-Identifier: MIT */
/*
 * event_index.h - the engine's memory: hourly totals per (model, version,
 * team, endpoint, hour) and the set of recently seen event ids.
 *
 * Totals. Each cell holds two parts: what the store has (its meter_hourly
 * row, as last read) and what is logged here but not yet in the store
 * (pending). Their sum is the answer. Next to the cells, for each value of
 * each dimension (and for "all"), a sorted array of days with 24 hourly
 * sums and the day's sum: a budget check is a hash lookup and a walk over
 * at most the days of its period, in microseconds. Dimension texts are
 * interned (id 0 = missing). Memory: about 140 bytes a cell, 420 bytes a
 * (dimension value, day); at most max_cells cells (MLC_ETOOLARGE past it).
 *
 * Ids. A 64-bit keyed hash of each id seen in the last window seconds, at
 * most max_ids of them (the oldest go first): 16 bytes of ring plus 16 of
 * table per id. Two different ids collide with probability 2^-64 per pair.
 *
 * Not thread-safe by itself: the engine holds the index's rwlock (readers
 * shared) and its own mutex around the id set.
 *
 * What it is not: durability (wal.c) or the store (compact.c).
 */
#ifndef MLCD_EVENT_INDEX_H
#define MLCD_EVENT_INDEX_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"

typedef __int128 mlcd_money; /* 10^-12 units, as mlc_amount */

mlc_amount mlcd_money_amount(mlcd_money m);
mlcd_money mlcd_amount_money(mlc_amount a);

/* 64-bit hash of n bytes under seed (murmur-style multiply-xorshift). */
uint64_t mlcd_hash(const void *p, size_t n, uint64_t seed);
/* A random 64-bit seed (getrandom; time and pid when that fails). */
uint64_t mlcd_random_seed(void);

/* ---- totals ---------------------------------------------------------------------------- */

typedef struct mlcd_index mlcd_index;

typedef struct mlcd_tot {
	mlcd_money cost;
	uint64_t requests, events, input_tokens, output_tokens;
} mlcd_tot;

int mlcd_index_new(mlcd_index **out, size_t max_cells);
void mlcd_index_free(mlcd_index *x);

/* The lock readers (shared) and writers (exclusive) take around the calls below. */
pthread_rwlock_t *mlcd_index_lock(mlcd_index *x);

/* Add (sign 1) or take out (sign -1) an event's part of the pending totals. */
int mlcd_index_pending(mlcd_index *x, const mlcd_event *e, int sign);

/* A batch of events summed per cell (event_index_delta.c); texts borrowed. */
typedef struct mlcd_delta_group {
	const char *dim[MLCD_DIM_COUNT];
	int64_t hour;
	mlcd_tot sum;
	uint64_t h;
} mlcd_delta_group;

typedef struct mlcd_delta {
	mlcd_delta_group *g;
	size_t n, cap;
	uint32_t *slot; /* 1-based indices into g */
	size_t mask;
} mlcd_delta;

int mlcd_delta_add(mlcd_delta *d, const mlcd_event *e);
void mlcd_delta_reset(mlcd_delta *d);
void mlcd_delta_free(mlcd_delta *d);

/* Add (sign 1) or take out (sign -1) a delta's sums: all of it, or nothing
 * on failure (MLC_ETOOLARGE past max_cells, MLC_ENOMEM). */
int mlcd_index_apply(mlcd_index *x, const mlcd_delta *d, int sign);

/* Set the store part of one cell to the row's totals. */
int mlcd_index_set_store(mlcd_index *x, const mlc_store_meter_hour *h);

/* Cells in memory. */
size_t mlcd_index_cells(const mlcd_index *x);

/* Forget the totals of the hours before horizon (a day start): queries and
 * store rows stop counting them; cells still pending stay (without store
 * part) until compaction takes them out, then go at the next call. */
void mlcd_index_set_horizon(mlcd_index *x, int64_t horizon);
int64_t mlcd_index_horizon(const mlcd_index *x);

/* Spend over [from, to) (hours starting in it; 0 = open) of one value of
 * dim, or of everything (value NULL). */
mlcd_money mlcd_index_spend(const mlcd_index *x, mlcd_dim dim, const char *value, int64_t from,
                            int64_t to);

/* GET /v1/costs from memory (event_index_query.c). */
int mlcd_index_costs(mlcd_cost_rows **out, const mlcd_index *x, const mlcd_cost_query *q);

/* For event_index_query.c: walk the cells (fn returns non-zero to stop). */
typedef int (*mlcd_cell_fn)(const uint32_t dim[MLCD_DIM_COUNT], int64_t hour, const mlcd_tot *sum,
                            void *ctx);
int mlcd_index__walk(const mlcd_index *x, mlcd_cell_fn fn, void *ctx);
/* The text of an interned id (NULL for 0); the id of a text, 0 when unknown or NULL. */
const char *mlcd_index__text(const mlcd_index *x, uint32_t id);
int mlcd_index__find_text(const mlcd_index *x, const char *s, uint32_t *out);

/* ---- ids ------------------------------------------------------------------------------- */

typedef struct mlcd_dedup mlcd_dedup;

int mlcd_dedup_new(mlcd_dedup **out, size_t max_ids, int64_t window_s);
void mlcd_dedup_free(mlcd_dedup *d);
/* The hash of an id under this set's key. */
uint64_t mlcd_dedup_hash(const mlcd_dedup *d, const char *id);
/* 1 when h was seen within the window; else remember it (at time t) and return 0. */
int mlcd_dedup_check_add(mlcd_dedup *d, uint64_t h, int64_t t);
/* Forget the newest id, which must be h (undoing a failed append). */
void mlcd_dedup_pop(mlcd_dedup *d, uint64_t h);
/* Forget the ids older than now - window. */
void mlcd_dedup_expire(mlcd_dedup *d, int64_t now);
size_t mlcd_dedup_count(const mlcd_dedup *d);

#endif
