/* SPDX-License-Identifier: MIT */
/*
 * store/store_internal.h - what the store's front (src/store.c and the
 * shared pieces in src/store/) and its back-ends (sqlite.c, postgres*.c)
 * agree on: the table of back-end functions (STYLE §12), the few SQL
 * details that differ between them (the dialect), and the encoded form of
 * a record (text columns, ready to bind or COPY).
 *
 * What it is not: SQL. Each back-end keeps all of its SQL in one file
 * (sqlite_sql.c, postgres_sql.c) and exposes it through its dialect.
 */
#ifndef MLC_STORE_INTERNAL_H
#define MLC_STORE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "mlcost/store.h"
#include "util/buf.h"

/* Columns of a cost record as written (after slice_id), in table order. */
enum {
	MLC_STORE__C_HOUR = 0,
	MLC_STORE__C_SUB_ACCOUNT,
	MLC_STORE__C_SERVICE,
	MLC_STORE__C_REGION,
	MLC_STORE__C_CHARGE_CATEGORY,
	MLC_STORE__C_PRICING_CATEGORY,
	MLC_STORE__C_TAGS,
	MLC_STORE__C_COST, /* four columns, in mlc_cost_basis order */
	MLC_STORE__C_ROWS = MLC_STORE__C_COST + MLC_COST_BASIS_COUNT,
	MLC_STORE__NCOLS
};

#define MLC_STORE__MAX_TAGS        64
#define MLC_STORE__MAX_TEXT        (64 * 1024) /* one dimension value or tag value */
#define MLC_STORE__MAX_BATCH_BYTES (64u << 20) /* encoded text of one batch */

/* A batch of encoded records: col[i][c] is NUL-terminated text, NULL = SQL NULL. */
typedef struct mlc_store__batch {
	const char *slice_id;
	size_t n;
	const char *(*col)[MLC_STORE__NCOLS];
} mlc_store__batch;

/* A result row as text; col[i] is NULL for SQL NULL. Return 0 to go on. */
typedef int (*mlc_store__row_fn)(void *ctx, const char *const *col, size_t ncol);

/* The SQL one back-end speaks. Static strings: their addresses key the
 * back-ends' prepared-statement caches. Parameters are numbered ?N / $N. */
typedef struct mlc_store__dialect {
	char param;                    /* '?' (SQLite) or '$' (PostgreSQL) */
	const char *tag_fmt;           /* tag value expression, %u = parameter number */
	int tag_param_is_path;         /* SQLite: the parameter is the JSON path $."key" */
	const char *sum_fmt;           /* exact sum of a money column, %s = the column */
	const char *const *migrations; /* migrations[v - 1] creates version v */
	int nmigrations;
	const char *version_table; /* CREATE TABLE IF NOT EXISTS schema_version ... */
	const char *version_exists, *version_get, *version_add;
	const char *slice_upsert, *slice_clear, *slice_totals;
	const char *ingest_add, *ingest_file, *ingest_finish;
	const char *list_ingests, *list_files, *list_slices;
	/* metered events (store/meter.c); meter_lock and meter_count may be NULL */
	const char *meter_begin; /* run once per put (exec): the staging table, empty */
	const char *meter_lock;  /* serializes puts; NULL when begin already does */
	const char *meter_next_change, *meter_count, *meter_merge, *meter_mark;
	const char *meter_log_seq, *meter_since, *meter_range, *meter_ids;
} mlc_store__dialect;

/* Columns of a metered event as staged (text, NULL = SQL NULL), in table order. */
enum {
	MLC_STORE__M_ID = 0,
	MLC_STORE__M_TIME,
	MLC_STORE__M_MODEL,
	MLC_STORE__M_VERSION,
	MLC_STORE__M_TEAM,
	MLC_STORE__M_ENDPOINT,
	MLC_STORE__M_REQUESTS,
	MLC_STORE__M_INPUT,
	MLC_STORE__M_OUTPUT,
	MLC_STORE__M_COST,
	MLC_STORE__M_RECEIVED,
	MLC_STORE__M_REPLICA,
	MLC_STORE__M_NCOLS
};

typedef struct mlc_store__meter_batch {
	size_t n;
	const char *const (*col)[MLC_STORE__M_NCOLS];
} mlc_store__meter_batch;

typedef struct mlc_store__ops {
	const char *name;
	const mlc_store__dialect *sql;
	int (*open)(void **out, const char *target, const char *label, const mlc_store_options *o);
	void (*close)(void *be);
	int (*exec)(void *be, const char *sql); /* statements without parameters or results */
	int (*begin)(void *be);                 /* a write transaction */
	int (*commit)(void *be);
	int (*rollback)(void *be);
	/* Run sql; fn gets each row. cached: sql is a static dialect string,
	 * keep it prepared. */
	int (*query)(void *be, const char *sql, int cached, const char *const *params, size_t np,
	             mlc_store__row_fn fn, void *ctx);
	int (*lock_migrations)(void *be);             /* inside the migration transaction */
	int (*lock_slice)(void *be, const char *key); /* inside the slice transaction */
	int (*insert)(void *be, const mlc_store__batch *b);
	/* Stage metered events inside the put transaction (after meter_begin):
	 * the dialect's meter_merge then stores the new ones. */
	int (*meter_stage)(void *be, const mlc_store__meter_batch *b);
} mlc_store__ops;

extern const mlc_store__ops mlc_store__sqlite_ops;
extern const mlc_store__ops mlc_store__postgres_ops;

struct mlc_store {
	const mlc_store__ops *ops;
	void *be;
	mlc_store_options opts;
	int in_tx;   /* an explicit transaction (mlc_store_begin) is open */
	char *label; /* the store's name in messages (password masked) */
};

/* Run a statement with parameters, ignoring any result rows. */
int mlc_store__exec_params(mlc_store *s, const char *sql, const char *const *params, size_t np);
/* Run a statement that returns one integer (first column of the first row). */
int mlc_store__query_int(int64_t *out, mlc_store *s, const char *sql, const char *const *params,
                         size_t np);
/* Run raw SQL (tests reset a PostgreSQL database with this). */
int mlc_store__exec(mlc_store *s, const char *sql);

/* ---- record.c: encoding and decoding --------------------------------------------------- */

/* Encoding state: the batch's text lives in buf; offsets until fixed. */
typedef struct mlc_store__enc {
	mlcu_buf buf;
	size_t (*off)[MLC_STORE__NCOLS]; /* SIZE_MAX = NULL */
	const char *(*col)[MLC_STORE__NCOLS];
	size_t cap, n;
} mlc_store__enc;

int mlc_store__enc_init(mlc_store__enc *e, size_t cap);
void mlc_store__enc_free(mlc_store__enc *e);
void mlc_store__enc_reset(mlc_store__enc *e);
/* Encode r (index i, for messages) as the next row of the batch. */
int mlc_store__enc_add(mlc_store__enc *e, const mlc_store_record *r, size_t i);
/* Point the rows' columns into the buffer; b is valid until the next add. */
void mlc_store__enc_batch(mlc_store__enc *e, mlc_store__batch *b, const char *slice_id);

/* Append s to b as valid UTF-8 (invalid bytes become U+FFFD), JSON-escaped
 * when json is set. */
int mlc_store__put_text(mlcu_buf *b, const char *s, int json);

/* Parse the canonical tags JSON ({"key":"value",...}) into keys/values
 * (pointing into the arrays' own copies in buf). */
int mlc_store__tags_parse(mlcu_buf *buf, const char **keys, const char **values, size_t *n,
                          const char *json);

/* Exact decimal text <-> mlc_amount ("" or NULL is zero). */
int mlc_store__amount(mlc_amount *out, const char *text, const char *what);
void mlc_store__amount_text(char *out, size_t cap, mlc_amount a);
int mlc_store__int(int64_t *out, const char *text, const char *what);

/* ---- query.c: SQL for scans and daily series ------------------------------------------- */

#define MLC_STORE__MAX_PARAMS (2 * MLC_STORE_MAX_WHERE + MLC_STORE_MAX_BY + 4)

typedef struct mlc_store__sql {
	mlcu_buf text;
	char *param[MLC_STORE__MAX_PARAMS];
	size_t np;
} mlc_store__sql;

void mlc_store__sql_free(mlc_store__sql *q);
/* SELECT of the scan's columns (as mlc_store__scan_row reads them). */
int mlc_store__sql_scan(mlc_store__sql *out, const mlc_store__dialect *d, const mlc_store_query *q);
/* SELECT currency, by values..., day, sum, rows ... GROUP BY, ordered by group then day. */
int mlc_store__sql_daily(mlc_store__sql *out, const mlc_store__dialect *d,
                         const mlc_store_query *q);
/* The SQL expression of a dimension key (a column, or a tag with its parameter). */
int mlc_store__sql_dim(mlc_store__sql *q, const mlc_store__dialect *d, const char *key);

#endif
