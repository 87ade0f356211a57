/* SPDX-License-Identifier: MIT */
/*
 * store/postgres.c - the PostgreSQL back-end over libpq: one connection
 * per store handle, fixed statements prepared once per connection,
 * results streamed row by row (single-row mode, so a scan of a year of
 * hourly records never sits in memory at once), and transaction-level
 * advisory locks: one for migrations, one per slice key so that writers
 * of the same slice queue up while writers of other slices go on.
 *
 * Notices (NOTICE, WARNING) are dropped instead of printed: the library
 * never prints. Errors name the store with its password masked.
 *
 * What it is not: SQL (postgres_sql.c) or the COPY writer (postgres_copy.c).
 */
#include "store/postgres_internal.h"
#include "util/alloc.h"
#include "util/error.h"

#include <stdio.h>
#include <string.h>

#define MAX_COLS 32

static void quiet(void *arg, const char *message)
{
	(void)arg, (void)message;
}

int mlc_store__pg_fail(mlc_pg *b, PGresult *res, int code)
{
	char msg[512];
	const char *m = res ? PQresultErrorMessage(res) : "";
	size_t n;
	if (!m || !*m)
		m = PQerrorMessage(b->conn);
	snprintf(msg, sizeof(msg), "%s", m);
	/* one line: "ERROR:  x\nDETAIL:  y\n" -> "ERROR:  x; DETAIL:  y" */
	n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	for (char *p = msg; *p; p++)
		if (*p == '\n')
			*p = ';';
	return mlcu_error_set(code, "%s: %s", b->label, msg);
}

static void pg_close(void *be)
{
	mlc_pg *b = be;
	if (!b)
		return;
	PQfinish(b->conn);
	mlcu_buf_free(&b->copy);
	mlcu_free(b);
}

static int pg_open(void **out, const char *target, const char *label, const mlc_store_options *o)
{
	mlc_pg *b = mlcu_calloc(1, sizeof(*b));
	int rc = 0;
	(void)o;
	if (!b)
		return mlcu_error_oom();
	b->label = label;
	mlcu_buf_init(&b->copy, MLC_STORE__MAX_BATCH_BYTES);
	b->conn = PQconnectdb(target);
	if (!b->conn) {
		rc = mlcu_error_oom();
		goto done;
	}
	if (PQstatus(b->conn) != CONNECTION_OK) {
		rc = mlc_store__pg_fail(b, NULL, MLC_EIO);
		goto done;
	}
	PQsetNoticeProcessor(b->conn, quiet, NULL);
	if (PQserverVersion(b->conn) < 110000) /* hashtextextended() */
		rc = mlcu_error_set(MLC_EIO, "%s: PostgreSQL 11 or newer is needed (server is %d)",
		                    label, PQserverVersion(b->conn));
done:
	if (rc < 0) {
		pg_close(b);
		return rc;
	}
	*out = b;
	return 0;
}

int mlc_store__pg_exec(void *be, const char *sql)
{
	mlc_pg *b = be;
	PGresult *res = PQexec(b->conn, sql);
	ExecStatusType st = PQresultStatus(res);
	int rc = 0;
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		rc = mlc_store__pg_fail(b, res, MLC_ERROR);
	PQclear(res);
	return rc;
}

static int pg_begin(void *be)
{
	return mlc_store__pg_exec(be, "BEGIN");
}

static int pg_commit(void *be)
{
	mlc_pg *b = be;
	PGresult *res = PQexec(b->conn, "COMMIT");
	int rc = 0;
	/* COMMIT of a failed transaction "succeeds" as ROLLBACK: that is a failure here */
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = mlc_store__pg_fail(b, res, MLC_ERROR);
	else if (strcmp(PQcmdStatus(res), "COMMIT") != 0)
		rc = mlcu_error_set(MLC_ERROR, "%s: the transaction was rolled back", b->label);
	PQclear(res);
	return rc;
}

static int pg_rollback(void *be)
{
	return mlc_store__pg_exec(be, "ROLLBACK");
}

/* Send sql: prepared once under the name "s<i>" when cached, else with its parameters. */
static int send(mlc_pg *b, const char *sql, int cache, const char *const *params, size_t np)
{
	char name[16];
	size_t i = 0;
	if (!cache)
		return PQsendQueryParams(b->conn, sql, (int)np, NULL, params, NULL, NULL, 0)
		           ? 0
		           : mlc_store__pg_fail(b, NULL, MLC_ERROR);
	while (i < b->nprepared && b->prepared[i] != sql)
		i++;
	snprintf(name, sizeof(name), "s%zu", i);
	if (i == b->nprepared) {
		PGresult *res;
		int rc = 0;
		if (i == MLC_PG_MAX_PREPARED)
			return mlcu_error_set(MLC_ERROR, "%s: too many prepared statements",
			                      b->label);
		res = PQprepare(b->conn, name, sql, (int)np, NULL);
		if (PQresultStatus(res) != PGRES_COMMAND_OK)
			rc = mlc_store__pg_fail(b, res, MLC_ERROR);
		PQclear(res);
		if (rc < 0)
			return rc;
		b->prepared[b->nprepared++] = sql;
	}
	return PQsendQueryPrepared(b->conn, name, (int)np, params, NULL, NULL, 0)
	           ? 0
	           : mlc_store__pg_fail(b, NULL, MLC_ERROR);
}

static int row(PGresult *res, mlc_store__row_fn fn, void *ctx)
{
	const char *col[MAX_COLS];
	int n = PQnfields(res);
	n = n > MAX_COLS ? MAX_COLS : n;
	for (int c = 0; c < n; c++)
		col[c] = PQgetisnull(res, 0, c) ? NULL : PQgetvalue(res, 0, c);
	return fn(ctx, col, (size_t)n);
}

static int pg_query(void *be, const char *sql, int cache, const char *const *params, size_t np,
                    mlc_store__row_fn fn, void *ctx)
{
	mlc_pg *b = be;
	PGresult *res;
	int rc = send(b, sql, cache, params, np);
	if (rc < 0)
		return rc;
	PQsetSingleRowMode(b->conn);
	/* read every result to the end, even after a failure, so the
	 * connection is ready for the next statement */
	while ((res = PQgetResult(b->conn))) {
		ExecStatusType st = PQresultStatus(res);
		if (st == PGRES_SINGLE_TUPLE && rc == 0)
			rc = row(res, fn, ctx);
		else if (st != PGRES_SINGLE_TUPLE && st != PGRES_TUPLES_OK &&
		         st != PGRES_COMMAND_OK && rc == 0)
			rc = mlc_store__pg_fail(b, res, MLC_ERROR);
		PQclear(res);
	}
	return rc;
}

static int ignore(void *ctx, const char *const *col, size_t ncol)
{
	(void)ctx, (void)col, (void)ncol;
	return 0;
}

static int pg_lock_migrations(void *be)
{
	return pg_query(be, mlc_store__pg_lock_migrations, 1, NULL, 0, ignore, NULL);
}

static int pg_lock_slice(void *be, const char *key)
{
	return pg_query(be, mlc_store__pg_lock_slice, 1, &key, 1, ignore, NULL);
}

const mlc_store__ops mlc_store__postgres_ops = {
    .name = "postgres",
    .sql = &mlc_store__pg_dialect,
    .open = pg_open,
    .close = pg_close,
    .exec = mlc_store__pg_exec,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .query = pg_query,
    .lock_migrations = pg_lock_migrations,
    .lock_slice = pg_lock_slice,
    .insert = mlc_store__pg_insert,
    .meter_stage = mlc_store__pg_meter_stage,
};
