/* SPDX-License-Identifier: MIT */
/*
 * store/sqlite.c - the SQLite back-end: one connection to a database file
 * in WAL mode (readers never block the writer), a busy timeout so that
 * several processes can take turns writing, write transactions begun
 * IMMEDIATE (the write lock is taken up front, so two writers of one
 * slice are serialized there and never deadlock on a lock upgrade), and
 * prepared statements kept for the life of the connection.
 *
 * What it is not: SQL (sqlite_sql.c) or store logic (store.c, store_*.c).
 */
#include "store/sqlite_internal.h"
#include "util/alloc.h"
#include "util/error.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define MAX_CACHED 48
#define MAX_COLS   32

typedef struct cached {
	const char *sql;
	sqlite3_stmt *st;
} cached;

typedef struct sq {
	sqlite3 *db;
	const char *label;
	cached cache[MAX_CACHED];
	size_t ncache;
} sq;

static int fail(sq *b, int code)
{
	return mlcu_error_set(code, "%s: %s", b->label, sqlite3_errmsg(b->db));
}

static int sq_exec(void *be, const char *sql)
{
	sq *b = be;
	char *err = NULL;
	int rc;
	if (sqlite3_exec(b->db, sql, NULL, NULL, &err) == SQLITE_OK)
		return 0;
	rc = mlcu_error_set(MLC_ERROR, "%s: %s", b->label, err ? err : sqlite3_errmsg(b->db));
	sqlite3_free(err);
	return rc;
}

static void sq_close(void *be)
{
	sq *b = be;
	if (!b)
		return;
	for (size_t i = 0; i < b->ncache; i++)
		sqlite3_finalize(b->cache[i].st);
	sqlite3_close(b->db);
	mlcu_free(b);
}

static int sq_open(void **out, const char *target, const char *label, const mlc_store_options *o)
{
	sq *b = mlcu_calloc(1, sizeof(*b));
	int rc = 0;
	if (!b)
		return mlcu_error_oom();
	b->label = label;
	if (o->must_exist && access(target, F_OK) != 0) {
		rc = mlcu_error_set(MLC_EIO, "%s: no such store (mlcost ingest creates it)", label);
		goto done;
	}
	if (sqlite3_open_v2(target, &b->db,
	                    SQLITE_OPEN_READWRITE | (o->must_exist ? 0 : SQLITE_OPEN_CREATE),
	                    NULL) != SQLITE_OK) {
		rc = b->db ? fail(b, MLC_EIO) : mlcu_error_oom();
		goto done;
	}
	sqlite3_busy_timeout(b->db, (int)o->busy_timeout_ms);
	sqlite3_extended_result_codes(b->db, 1);
	/* WAL: readers and one writer at once; NORMAL sync is safe against a
	 * crash of the process (only power loss can drop the last commit) */
	if ((rc = sq_exec(b, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
	                     " PRAGMA foreign_keys = ON")) < 0)
		goto done;
	if (mlc_store__sqlite_functions(b->db) != SQLITE_OK)
		rc = fail(b, MLC_ERROR);
done:
	if (rc < 0) {
		char msg[1024];
		snprintf(msg, sizeof(msg), "%s", mlc_error_message());
		sq_close(b);
		return mlcu_error_set(rc == MLC_ERROR ? MLC_EIO : rc, "%s", msg);
	}
	*out = b;
	return 0;
}

static int sq_begin(void *be)
{
	return sq_exec(be, "BEGIN IMMEDIATE");
}

static int sq_commit(void *be)
{
	return sq_exec(be, "COMMIT");
}

static int sq_rollback(void *be)
{
	return sq_exec(be, "ROLLBACK");
}

/* The prepared statement for sql: kept when cached, else the caller finalizes. */
static int prepare(sqlite3_stmt **out, sq *b, const char *sql, int cache)
{
	for (size_t i = 0; cache && i < b->ncache; i++)
		if (b->cache[i].sql == sql) {
			*out = b->cache[i].st;
			return 0;
		}
	if (sqlite3_prepare_v2(b->db, sql, -1, out, NULL) != SQLITE_OK)
		return fail(b, MLC_ERROR);
	if (cache && b->ncache < MAX_CACHED)
		b->cache[b->ncache++] = (cached){sql, *out};
	else if (cache)
		return mlcu_error_set(MLC_ERROR, "%s: too many prepared statements", b->label);
	return 0;
}

static int is_cached(sq *b, sqlite3_stmt *st)
{
	for (size_t i = 0; i < b->ncache; i++)
		if (b->cache[i].st == st)
			return 1;
	return 0;
}

static void release(sq *b, sqlite3_stmt *st)
{
	if (is_cached(b, st)) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	} else {
		sqlite3_finalize(st);
	}
}

static int bind_text(sq *b, sqlite3_stmt *st, int i, const char *text)
{
	int rc =
	    text ? sqlite3_bind_text(st, i, text, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i);
	return rc == SQLITE_OK ? 0 : fail(b, MLC_ERROR);
}

static int sq_query(void *be, const char *sql, int cache, const char *const *params, size_t np,
                    mlc_store__row_fn fn, void *ctx)
{
	sq *b = be;
	sqlite3_stmt *st = NULL;
	const char *col[MAX_COLS];
	int rc = prepare(&st, b, sql, cache), step = SQLITE_DONE;
	for (size_t i = 0; i < np && rc == 0; i++)
		rc = bind_text(b, st, (int)i + 1, params[i]);
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
		int n = sqlite3_column_count(st);
		n = n > MAX_COLS ? MAX_COLS : n;
		for (int c = 0; c < n; c++)
			col[c] = (const char *)sqlite3_column_text(st, c);
		rc = fn(ctx, col, (size_t)n);
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = fail(b, (step & 0xff) == SQLITE_BUSY ? MLC_EIO : MLC_ERROR);
	if (st)
		release(b, st);
	return rc;
}

static int sq_nolock(void *be)
{
	(void)be; /* BEGIN IMMEDIATE already holds the database's write lock */
	return 0;
}

static int sq_lock_slice(void *be, const char *key)
{
	(void)key;
	return sq_nolock(be);
}

static int sq_insert(void *be, const mlc_store__batch *batch)
{
	sq *b = be;
	sqlite3_stmt *st = NULL;
	int rc = prepare(&st, b, mlc_store__sqlite_insert, 1);
	for (size_t i = 0; i < batch->n && rc == 0; i++) {
		rc = bind_text(b, st, 1, batch->slice_id);
		for (int c = 0; c < MLC_STORE__NCOLS && rc == 0; c++)
			rc = bind_text(b, st, c + 2, batch->col[i][c]);
		if (rc == 0 && sqlite3_step(st) != SQLITE_DONE)
			rc = fail(b, MLC_ERROR);
		sqlite3_reset(st);
	}
	if (st)
		sqlite3_clear_bindings(st);
	return rc;
}

/* Insert each event unless its id is stored; the ones inserted go to
 * temp.meter_new too, for the dialect's meter_merge to total. */
static int sq_meter_stage(void *be, const mlc_store__meter_batch *batch)
{
	sq *b = be;
	sqlite3_stmt *ins = NULL, *add = NULL;
	int rc = prepare(&ins, b, mlc_store__sqlite_meter_insert, 1);
	if (rc == 0)
		rc = prepare(&add, b, mlc_store__sqlite_meter_new, 1);
	for (size_t i = 0; i < batch->n && rc == 0; i++) {
		for (int c = 0; c < MLC_STORE__M_NCOLS && rc == 0; c++)
			rc = bind_text(b, ins, c + 1, batch->col[i][c]);
		if (rc == 0 && sqlite3_step(ins) != SQLITE_DONE)
			rc = fail(b, MLC_ERROR);
		sqlite3_reset(ins);
		if (rc < 0 || sqlite3_changes(b->db) == 0)
			continue;
		/* it uses ?2 to ?10 only: bind no further than its last */
		for (int c = 0; c < sqlite3_bind_parameter_count(add) && rc == 0; c++)
			rc = bind_text(b, add, c + 1, batch->col[i][c]);
		if (rc == 0 && sqlite3_step(add) != SQLITE_DONE)
			rc = fail(b, MLC_ERROR);
		sqlite3_reset(add);
	}
	if (ins)
		sqlite3_clear_bindings(ins);
	if (add)
		sqlite3_clear_bindings(add);
	return rc;
}

const mlc_store__ops mlc_store__sqlite_ops = {
    .name = "sqlite",
    .sql = &mlc_store__sqlite_dialect,
    .open = sq_open,
    .close = sq_close,
    .exec = sq_exec,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .query = sq_query,
    .lock_migrations = sq_nolock,
    .lock_slice = sq_lock_slice,
    .insert = sq_insert,
    .meter_stage = sq_meter_stage,
};
