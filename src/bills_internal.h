/* SPDX-License-Identifier: MIT */
/*
 * bills_internal.h - what the attribution engine's files share (the public
 * API is include/mlcost/bills.h): the aggregate (value dictionaries and a
 * group table, one per chunk of input), the per-run configuration parsed
 * from the options, the per-file plan (format and resolved sources), and a
 * chunk of a file read by one thread.
 *
 * Files: bills_agg.c (dictionaries, groups, merge), bills_cfg.c (options,
 * filters, per-file plan), bills_scan.c (the row loop of one chunk),
 * bills_run.c (files, chunking, threads, verification, errors),
 * bills_result.c (the public result, sorting, amounts), bills_write.c
 * (CSV and JSON), bills_coverage.c (tag coverage); store_bills.c reads the
 * ledger back into the same result.
 * Design and decisions: docs/attribute.md.
 */
#ifndef MLC_BILLS_INTERNAL_H
#define MLC_BILLS_INTERNAL_H

#include <stdint.h>
#include <stdio.h>

#include "billing_format.h"
#include "mlcost/bills.h"
#include "tags.h"
#include "util/money.h"
#include "util/time.h"

#define BILLS_DEFAULT_MAX_GROUPS ((size_t)1 << 22)
#define BILLS_DEFAULT_MAX_VALUES ((size_t)1 << 22)
#define BILLS_MAX_VALUE_BYTES    ((size_t)1 << 30) /* interned text of one aggregate */
#define BILLS_MAX_CURRENCIES     8
/* key words: one id per dimension, the bucket (two words), the presence bits */
#define BILLS_MAX_KEY_WORDS (MLC_BILLS_MAX_DIMS + 3)

/* ---- the aggregate (bills_agg.c) -------------------------------------------------------- */

typedef struct bills_chunk_mem bills_chunk_mem; /* arena chunk */

/* Distinct values of one dimension: id 1.. (0 is "missing"). */
typedef struct bills_dict {
	uint32_t *slots;  /* open addressing: id, 0 = empty */
	size_t nslots;    /* power of two */
	const char **str; /* by id - 1: NUL-terminated copies */
	uint32_t *len;
	uint32_t *hash;
	size_t count, cap;
	uint32_t last; /* id of the previous lookup (rows repeat values) */
} bills_dict;

typedef struct bills_agg {
	size_t ndims, nbases, kw; /* kw: key words per group */
	size_t max_groups, max_values;
	bills_dict dict[MLC_BILLS_MAX_DIMS];
	bills_chunk_mem *arena;
	size_t arena_bytes;
	uint32_t *keys;   /* ngroups * kw */
	mlcu_money *sums; /* ngroups * nbases */
	uint64_t *rows;   /* ngroups */
	uint32_t *ghash;  /* ngroups */
	size_t ngroups, gcap;
	uint32_t *table; /* group index + 1, 0 = empty */
	size_t tcap;
	uint32_t last_group; /* index + 1 of the previous row's group */
	/* BillingCurrency values seen, and the file each first appeared in */
	char *cur[BILLS_MAX_CURRENCIES];
	const char *cur_file[BILLS_MAX_CURRENCIES];
	size_t ncur;
} bills_agg;

int mlc_bills__agg_new(bills_agg **out, size_t ndims, size_t nbases, size_t max_groups,
                       size_t max_values);
void mlc_bills__agg_free(bills_agg *a);

/* The id of value v in dimension d (interned on first sight); ptr NULL is
 * missing (id 0). MLC_ETOOLARGE past max_values or the text budget. */
int mlc_bills__intern(uint32_t *out, bills_agg *a, size_t d, const char *ptr, size_t len);

/* Add cost[0..nbases) and rows to the group of key[0..kw). */
int mlc_bills__add(bills_agg *a, const uint32_t *key, const mlcu_money *cost, uint64_t rows);

/* Note a BillingCurrency value (file is borrowed and must outlive a). */
int mlc_bills__currency(bills_agg *a, const char *v, size_t len, const char *file);

/* Add every group of src into dst (same dims and bases). */
int mlc_bills__merge(bills_agg *dst, const bills_agg *src);

/* Bucket start of group g's key, and its presence bits. */
int64_t mlc_bills__key_bucket(const bills_agg *a, size_t g);
uint32_t mlc_bills__key_presence(const bills_agg *a, size_t g);

/* Fill the bucket and presence words of key. */
void mlc_bills__key_tail(uint32_t *key, size_t ndims, int64_t bucket, uint32_t presence);

/* ---- configuration and per-file plan (bills_cfg.c) ---------------------------------------- */

/* One --where key with its alternatives. */
typedef struct bills_filter {
	char *key; /* trimmed, as resolved */
	char **eq; /* KEY=VALUE values (NULL entry: the key is missing) */
	size_t *eqlen;
	size_t neq;
	char **ne; /* KEY!=VALUE values (NULL entry: the key is present) */
	size_t *nelen;
	size_t nne;
} bills_filter;

typedef struct bills_cfg {
	const char *const *by;
	size_t nby;
	mlcu_bucket bucket;
	bills_filter *filters;
	size_t nfilters;
	int has_from, has_to;
	int64_t from, to;
	mlc_billfmt_basis bases[MLC_COST_BASIS_COUNT];
	mlc_cost_basis pub_bases[MLC_COST_BASIS_COUNT];
	size_t nbases;
	const char *const *presence;
	size_t npresence;
	mlc_tags_aliases *aliases;
	int lenient;
	unsigned threads;
	size_t max_groups, max_values;
	unsigned max_errors;
	int currency_grouped; /* BillingCurrency is one of `by` */
	mlc_bills_progress_fn progress;
	void *progress_ctx;
	double progress_interval;
} bills_cfg;

int mlc_bills__cfg_init(bills_cfg *c, const mlc_bills_options *o);
void mlc_bills__cfg_free(bills_cfg *c);

typedef struct bills_plan {
	const char *file;
	mlc_billfmt *fmt;
	size_t header_ncols;
	char **colnames; /* the header's names, for messages */
	mlc_billfmt_source *dim[MLC_BILLS_MAX_DIMS];
	mlc_billfmt_source **filter; /* one per cfg filter */
	mlc_billfmt_source *pres[MLC_BILLS_MAX_PRESENCE];
	mlc_billfmt_source *currency; /* NULL when the format has none */
	int need_time;
	const uint32_t *cols;
	const unsigned *flags;
	size_t nsel;
} bills_plan;

/* Detect the format from the header cells and resolve every source. */
int mlc_bills__plan_new(bills_plan **out, const bills_cfg *c, const char *file,
                        const mlc_span *header, size_t ncols);
void mlc_bills__plan_free(bills_plan *p, const bills_cfg *c);

/* ---- one chunk of one file (bills_scan.c) --------------------------------------------------- */

/* A skipped row or a fatal error, with its line relative to the chunk. */
typedef struct bills_msg {
	uint64_t line; /* 0: the message has no line to rebase */
	char *text;    /* the message after "FILE:LINE: " (or all of it) */
} bills_msg;

typedef struct bills_chunk {
	const bills_cfg *cfg;
	const bills_plan *plan;
	bills_agg *agg;
	/* where it reads: [start, EOF) of a plain file, or the caller's scanner */
	uint64_t start;
	const uint64_t *stops; /* the later chunks' starts, ascending */
	size_t nstops;
	/* results */
	int rc;          /* 0, or the fatal error */
	bills_msg fatal; /* its message */
	uint64_t rows_read, rows_skipped;
	bills_msg *kept; /* the first skipped rows */
	size_t nkept;
	size_t end;        /* index in stops where it stopped; nstops = EOF */
	uint64_t end_line; /* its line of the first record at stops[end] */
	uint64_t end_offset;
	int has_first; /* its first record: offset and line */
	uint64_t first_offset, first_line;
	uint64_t rows_progress; /* atomic: rows so far, for progress */
} bills_chunk;

struct mlc_csv;
struct mlc_reader;

/*
 * Read records from the scanner s (fed from reader r) until the end of the
 * input or until a record at or past the first valid stop, aggregating
 * into c->agg. The first record may have been read already (first, or
 * NULL). Progress, when tick is not NULL, is called every few thousand
 * rows on this thread. Sets c->rc and c->fatal on a fatal error.
 */
typedef void (*bills_tick_fn)(void *ctx);
void mlc_bills__scan(bills_chunk *c, struct mlc_csv *s, struct mlc_reader *r, bills_tick_fn tick,
                     void *tick_ctx);

void mlc_bills__chunk_clear(bills_chunk *c);

/* Take the current error message apart: "FILE:LINE: rest" keeps LINE
 * (to be rebased) and rest; any other message is kept whole (line 0). */
int mlc_bills__msg_take(bills_msg *m, const char *file);

/* Smallest part of a file worth its own thread (16 MiB; tests lower it). */
extern uint64_t mlc_bills__min_chunk;

/* ---- the result (bills_result.c) ------------------------------------------------------------- */

int mlc_bills__result_build(mlc_bills_result **out, bills_agg *agg, const bills_cfg *c,
                            uint64_t rows_read, uint64_t rows_skipped, char **errors,
                            size_t nerrors, mlc_bills_file *files, size_t nfiles);

/* ---- other sources of a result ------------------------------------------------------------- */

/* What aggregates like mlc_bills_aggregate over its own input: the bills
 * (bills_files as ctx), or the cost ledger (store_bills.c). Tag coverage
 * and unit cost take one, so they answer from either. */
typedef int (*bills_source_fn)(mlc_bills_result **out, const mlc_bills_options *o, void *ctx);

typedef struct bills_files {
	const char *const *files;
	size_t nfiles;
} bills_files;

/* mlc_bills_coverage over source. resources = 0 for a source without
 * ResourceId: the shares only, no untagged resources (JSON "untagged":null). */
int mlc_bills__coverage(mlc_tag_coverage **out, bills_source_fn source, void *ctx, int resources,
                        const char *const *keys, size_t nkeys, const mlc_bills_options *opts);

/* Output helpers (bills_write.c): a CSV field quoted as RFC 4180 needs; a
 * JSON string (escaped, invalid UTF-8 as U+FFFD). */
void mlc_bills__put_csv(FILE *f, const char *s, size_t n);
void mlc_bills__put_json(FILE *f, const char *s, size_t n);

static inline mlc_amount mlc_bills__amount(mlcu_money m)
{
	unsigned __int128 u = (unsigned __int128)m;
	mlc_amount a;
	a.hi = (int64_t)(uint64_t)(u >> 64);
	a.lo = (uint64_t)u;
	return a;
}

static inline mlcu_money mlc_bills__money(mlc_amount a)
{
	unsigned __int128 u = ((unsigned __int128)(uint64_t)a.hi << 64) | a.lo;
	return (mlcu_money)u;
}

#endif
