/* SPDX-License-Identifier: MIT */
/*
 * store/postgres_copy.c - writes a batch of encoded cost records with
 * COPY ... FROM STDIN (text format), the fastest way into PostgreSQL: one
 * round trip per batch instead of one per row, no per-row planning.
 *
 * Text format rules: columns separated by tabs, rows by newlines, \N for
 * NULL, and backslash, tab, newline and carriage return escaped with a
 * backslash. The text arrives valid UTF-8 (store/record.c).
 *
 * The same writer stages metered events (meter_stage) for the merge that
 * stores the new ones (postgres_sql.c, meter_merge).
 *
 * What it is not: the rest of the back-end (postgres.c).
 */
#include "store/postgres_internal.h"
#include "util/error.h"

#include <string.h>

static int put_field(mlcu_buf *b, const char *s)
{
	const char *run = s;
	int rc = 0;
	if (!s)
		return mlcu_buf_append(b, "\\N", 2);
	for (; *s && rc == 0; s++) {
		char esc;
		switch (*s) {
		case '\\':
			esc = '\\';
			break;
		case '\t':
			esc = 't';
			break;
		case '\n':
			esc = 'n';
			break;
		case '\r':
			esc = 'r';
			break;
		default:
			continue;
		}
		rc = mlcu_buf_append(b, run, (size_t)(s - run));
		if (rc == 0)
			rc = mlcu_buf_append(b, (char[2]){'\\', esc}, 2);
		run = s + 1;
	}
	return rc ? rc : mlcu_buf_append(b, run, (size_t)(s - run));
}

static int encode(mlcu_buf *b, const mlc_store__batch *batch)
{
	int rc = 0;
	mlcu_buf_reset(b);
	for (size_t i = 0; i < batch->n && rc == 0; i++) {
		rc = put_field(b, batch->slice_id);
		for (int c = 0; c < MLC_STORE__NCOLS && rc == 0; c++)
			if ((rc = mlcu_buf_putc(b, '\t')) == 0)
				rc = put_field(b, batch->col[i][c]);
		if (rc == 0)
			rc = mlcu_buf_putc(b, '\n');
	}
	return rc < 0 ? mlcu_error_set(rc, "COPY batch too large") : 0;
}

/* After PQputCopyEnd: the COPY's own result, then the end of results. */
static int finish(mlc_pg *b)
{
	PGresult *res;
	int rc = 0;
	while ((res = PQgetResult(b->conn))) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK && rc == 0)
			rc = mlc_store__pg_fail(b, res, MLC_ERROR);
		PQclear(res);
	}
	return rc;
}

/* COPY the text in b->copy with the statement sql. */
static int send_copy(mlc_pg *b, const char *sql)
{
	PGresult *res = PQexec(b->conn, sql);
	int rc;
	if (PQresultStatus(res) != PGRES_COPY_IN) {
		rc = mlc_store__pg_fail(b, res, MLC_ERROR);
		PQclear(res);
		return rc;
	}
	PQclear(res);
	if (PQputCopyData(b->conn, b->copy.ptr, (int)b->copy.len) != 1) {
		rc = mlc_store__pg_fail(b, NULL, MLC_ERROR);
		PQputCopyEnd(b->conn, "mlcost: sending the batch failed");
		finish(b);
		return rc;
	}
	if (PQputCopyEnd(b->conn, NULL) != 1) {
		rc = mlc_store__pg_fail(b, NULL, MLC_ERROR);
		finish(b);
		return rc;
	}
	return finish(b);
}

int mlc_store__pg_insert(void *be, const mlc_store__batch *batch)
{
	mlc_pg *b = be;
	int rc = encode(&b->copy, batch);
	if (rc < 0 || batch->n == 0)
		return rc;
	return send_copy(b, mlc_store__pg_copy);
}

int mlc_store__pg_meter_stage(void *be, const mlc_store__meter_batch *batch)
{
	mlc_pg *b = be;
	int rc = 0;
	mlcu_buf_reset(&b->copy);
	for (size_t i = 0; i < batch->n && rc == 0; i++) {
		for (int c = 0; c < MLC_STORE__M_NCOLS && rc == 0; c++)
			if (c == 0 || (rc = mlcu_buf_putc(&b->copy, '\t')) == 0)
				rc = put_field(&b->copy, batch->col[i][c]);
		if (rc == 0)
			rc = mlcu_buf_putc(&b->copy, '\n');
	}
	if (rc < 0)
		return mlcu_error_set(rc, "COPY batch too large");
	return batch->n ? send_copy(b, mlc_store__pg_meter_copy) : 0;
}
