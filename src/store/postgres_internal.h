/* SPDX-License-Identifier: MIT */
/*
 * store/postgres_internal.h - what the PostgreSQL back-end's files share:
 * the connection state, the SQL of postgres_sql.c, and the COPY writer.
 */
#ifndef MLC_STORE_POSTGRES_INTERNAL_H
#define MLC_STORE_POSTGRES_INTERNAL_H

#include <libpq-fe.h>

#include "store/store_internal.h"

#define MLC_PG_MAX_PREPARED 48

typedef struct mlc_pg {
	PGconn *conn;
	const char *label;
	const char *prepared[MLC_PG_MAX_PREPARED]; /* statement "s<i>" is prepared[i] */
	size_t nprepared;
	mlcu_buf copy; /* COPY text of one batch */
} mlc_pg;

extern const mlc_store__dialect mlc_store__pg_dialect;
extern const char mlc_store__pg_copy[];
extern const char mlc_store__pg_meter_copy[];
extern const char mlc_store__pg_lock_migrations[];
extern const char mlc_store__pg_lock_slice[];

/* Set the error from res (or the connection) as "LABEL: message"; returns code. */
int mlc_store__pg_fail(mlc_pg *b, PGresult *res, int code);
/* Run sql without parameters; MLC_ERROR unless it succeeds. */
int mlc_store__pg_exec(void *be, const char *sql);
/* Write a batch of records with COPY FROM STDIN. */
int mlc_store__pg_insert(void *be, const mlc_store__batch *batch);
/* Stage a batch of metered events with COPY (store/meter_pg.c). */
int mlc_store__pg_meter_stage(void *be, const mlc_store__meter_batch *batch);

#endif
