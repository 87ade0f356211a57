/* SPDX-License-Identifier: MIT */
/*
 * pricing_internal.h - what the parts of the pricing module share: the
 * catalog's private row type (the public mlc_price_entry plus the exact
 * per-token price of token rows), the string arena, the load context that
 * either stops at the first bad row (load) or records every finding and
 * goes on (validate), and the format readers.
 *
 * Not a public API: cli/ and other modules use include/mlcost/pricing.h.
 */
#ifndef MLC_PRICING_INTERNAL_H
#define MLC_PRICING_INTERNAL_H

#include "mlcost/pricing.h"

#include <stddef.h>

/* Limits on what one source may hold; hostile input fails with ETOOLARGE. */
#define MLC_PRICING__MAX_FILE (64u * 1024 * 1024) /* bytes of one source file */
#define MLC_PRICING__MAX_LINE (64u * 1024)        /* bytes of one CSV record */
#define MLC_PRICING__MAX_FIELDS 256               /* columns of one CSV record */
#define MLC_PRICING__MAX_ROWS 1000000u            /* rows of one source */
#define MLC_PRICING__MAX_NAME 256                 /* bytes of a resource name */
#define MLC_PRICING__MAX_FINDINGS 10000u          /* findings kept by validate */

/* Which token price a 1m_tokens row carries ("gpt-4o:input"). */
enum {
	MLC_PRICING__TOK_NONE = 0,
	MLC_PRICING__TOK_INPUT,
	MLC_PRICING__TOK_OUTPUT,
	MLC_PRICING__TOK_CACHED
};

typedef struct mlc_pricing__row {
	mlc_price_entry e;       /* first member: the public view of the row */
	const char *token_model; /* model name of a token row, else NULL */
	int token_kind;          /* MLC_PRICING__TOK_* */
	double per_token;        /* exact USD per token (LiteLLM keeps its value) */
} mlc_pricing__row;

/* Collected findings of `validate` (opaque in the public header). */
struct mlc_catalog_findings {
	char **msgs;
	unsigned *lines; /* for sorting by position */
	size_t count, cap;
	size_t dropped; /* findings past MLC_PRICING__MAX_FINDINGS */
};

/* One source being read. findings NULL: the first bad row fails the load. */
typedef struct mlc_pricing__ctx {
	mlc_catalog *cat;
	const char *name;     /* source name for messages, owned by the catalog */
	mlc_catalog_findings *findings;
	mlc_catalog_source *info; /* counters of this source */
	size_t first_row;         /* rows before this source */
} mlc_pricing__ctx;

/* Open a load of source name (format as in mlc_catalog_source). */
int mlc_pricing__begin(mlc_pricing__ctx *ctx, mlc_catalog *cat, const char *name,
		       const char *format);
/* Close it: rc 0 indexes the new rows; otherwise they are dropped. Returns rc. */
int mlc_pricing__commit(mlc_pricing__ctx *ctx, int rc);

/* ---- indexes (pricing_index.c), rebuilt whole after each load ---- */

typedef struct mlc_pricing__index mlc_pricing__index;

/* The rows of one token model: first row of each MLC_PRICING__TOK_* kind. */
typedef struct mlc_pricing__tokrec {
	const char *model;
	const mlc_pricing__row *kind[4];
} mlc_pricing__tokrec;

int mlc_pricing__index_build(mlc_pricing__index **out, mlc_pricing__row *const *rows, size_t n);
void mlc_pricing__index_free(mlc_pricing__index *idx);
const mlc_pricing__index *mlc_pricing__index_of(const mlc_catalog *cat);
/* First row named resource (in region when region is not NULL), or NULL. */
const mlc_pricing__row *mlc_pricing__index_find(const mlc_pricing__index *idx, const char *region,
						size_t region_len, const char *resource);
const mlc_pricing__tokrec *mlc_pricing__index_token(const mlc_pricing__index *idx,
						    const char *model);
/* Token models in load order, for suggestions. */
size_t mlc_pricing__index_ntokens(const mlc_pricing__index *idx);
const mlc_pricing__tokrec *mlc_pricing__index_token_at(const mlc_pricing__index *idx, size_t i);

/* Copy of s[0..len) in the catalog's arena, or NULL (error set). */
const char *mlc_pricing__strndup(mlc_catalog *cat, const char *s, size_t len);
/* A new zeroed row in the arena, appended to the catalog; NULL on failure. */
mlc_pricing__row *mlc_pricing__add_row(mlc_catalog *cat);
/* Derive token_model/token_kind/per_token of a 1m_tokens row from its name. */
int mlc_pricing__set_token_fields(mlc_catalog *cat, mlc_pricing__row *row);
size_t mlc_pricing__nrows(const mlc_catalog *cat);
mlc_pricing__row *mlc_pricing__row_at(const mlc_catalog *cat, size_t i);
mlc_pricing__row *const *mlc_pricing__rows(const mlc_catalog *cat);

/*
 * A data problem at name:line in column (NULL for none). Loading: sets the
 * error and returns MLC_EPARSE. Validating: records the finding and
 * returns 0 so the reader skips the row and goes on (or ENOMEM).
 */
int mlc_pricing__bad(mlc_pricing__ctx *ctx, unsigned line, const char *column, const char *fmt,
		     ...) __attribute__((format(printf, 4, 5)));
int mlc_pricing__findings_add(mlc_catalog_findings *f, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Format readers: add rows to ctx->cat from an in-memory source. */
int mlc_pricing__read_builtin(mlc_pricing__ctx *ctx, const char *which);
int mlc_pricing__read_catalog_csv(mlc_pricing__ctx *ctx, const char *data, size_t len);
int mlc_pricing__read_skypilot_csv(mlc_pricing__ctx *ctx, const char *data, size_t len);
int mlc_pricing__read_litellm_json(mlc_pricing__ctx *ctx, const char *data, size_t len);
/* Semantic checks of `validate` over rows [first, nrows) of the catalog. */
int mlc_pricing__check_rows(mlc_pricing__ctx *ctx, size_t first);

/* Strict price: a finite number >= 0 (empty handled by the caller). */
int mlc_pricing__parse_price(double *out, const char *s, size_t len);

/* ---- CSV records (pricing_csv.c) ---- */

typedef struct mlc_pricing__span {
	const char *ptr;
	size_t len;
} mlc_pricing__span;

typedef struct mlc_pricing__csv {
	const char *data;
	size_t len, pos;
	unsigned line;      /* line where the next record starts (1-based) */
	unsigned rec_line;  /* line where the last record started */
	size_t nfields;
	mlc_pricing__span fields[MLC_PRICING__MAX_FIELDS];
	char *scratch;      /* unescaped quoted fields, MLC_PRICING__MAX_LINE */
} mlc_pricing__csv;

/* Start reading data (skips a UTF-8 BOM). 0 or ENOMEM. */
int mlc_pricing__csv_open(mlc_pricing__csv *c, const char *data, size_t len);
void mlc_pricing__csv_close(mlc_pricing__csv *c);
/*
 * Next record into c->fields. Returns 1 for a record, 0 at the end, or
 * MLC_EPARSE / MLC_ETOOLARGE with the error set as "name:LINE: ...".
 * Blank lines are skipped.
 */
int mlc_pricing__csv_next(mlc_pricing__csv *c, const char *name);
/* Index of the column named name in fields (exact, trimmed), or -1. */
int mlc_pricing__csv_column(const mlc_pricing__csv *c, const char *name);
/* Whether span s holds exactly the text lit. */
int mlc_pricing__span_eq(mlc_pricing__span s, const char *lit);

#endif
