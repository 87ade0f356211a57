/* SPDX-License-Identifier: MIT */
/*
 * usage.h - the usage CSV of `mlcost unit` (SPEC §5, docs/unit-cost.md):
 * `date,model_id,requests[,input_tokens,output_tokens]`, read with the
 * streaming CSV scanner and aggregated to (model_id, period) with exact
 * 64-bit counts. date is a day (YYYY-MM-DD) or an ISO 8601 timestamp (for
 * hourly usage); the period is the start of its bucket (UTC).
 *
 * What it is: header by name (any order, any case; extra columns ignored),
 * strict whole numbers with overflow checks, "FILE:LINE: column 'X': ..."
 * errors (MLC_EPARSE), and a lenient mode that skips bad rows, counts them
 * and keeps the first few messages. What it is not: a bill reader, or a
 * place where cost is known: the join with cost is unitcost.h.
 */
#ifndef MLC_USAGE_H
#define MLC_USAGE_H

#include <stddef.h>
#include <stdint.h>

#include "mlcost/common.h"
#include "util/time.h"

typedef struct mlc_usage mlc_usage;

#define MLC_USAGE_MAX_MESSAGES 5          /* lenient: messages kept */
#define MLC_USAGE_MAX_KEYS     (1u << 22) /* distinct (model_id, period) by default */
#define MLC_USAGE_MAX_MODEL    1024u      /* longest model_id in bytes */

typedef struct mlc_usage_options {
	unsigned version;
	mlcu_bucket bucket; /* period of the aggregation: DAY (default), HOUR, MONTH, or
	                       NONE for one period 0 (MLC_ALLOC_ALL_TIME) */
	int lenient;        /* skip bad rows instead of failing */
	size_t max_keys;    /* 0: MLC_USAGE_MAX_KEYS */
} mlc_usage_options;

#define MLC_USAGE_OPTIONS_VERSION 1
#define MLC_USAGE_OPTIONS_INIT                                                                     \
	{                                                                                          \
		MLC_USAGE_OPTIONS_VERSION, MLCU_BUCKET_DAY, 0, 0                                   \
	}

/* Usage of one model in one period. */
typedef struct mlc_usage_entry {
	const char *model; /* NUL-terminated, trimmed, never empty */
	size_t model_len;
	int64_t period; /* bucket start, seconds since the epoch (UTC); 0 with NONE */
	uint64_t requests, input_tokens, output_tokens;
	uint64_t rows; /* CSV rows summed into it */
} mlc_usage_entry;

typedef struct mlc_usage_stats {
	uint64_t rows_read;    /* data rows seen (header excluded) */
	uint64_t rows_skipped; /* lenient: bad rows skipped */
	size_t nmessages;      /* first MLC_USAGE_MAX_MESSAGES skip reasons */
	const char *messages[MLC_USAGE_MAX_MESSAGES];
	int has_tokens; /* the header has input_tokens or output_tokens */
	uint64_t requests, input_tokens, output_tokens; /* totals */
} mlc_usage_stats;

/*
 * Read a usage CSV ("-" is stdin; .gz and .zst are read through). opts may
 * be NULL for the defaults. Errors: MLC_ENOTFOUND/MLC_EIO for the file;
 * MLC_EPARSE "FILE:1: missing column 'requests' (need date, model_id,
 * requests)", "FILE:LINE: column 'requests': not a whole number ('1.5')",
 * "FILE:LINE: column 'date': not a date or timestamp ('x')", "FILE:LINE:
 * column 'model_id': missing value", CSV syntax errors (fatal even when
 * lenient: the scanner cannot resynchronise); MLC_ETOOLARGE, fatal even
 * when lenient, for a total beyond 2^64-1 ("FILE:LINE: column 'requests':
 * the file's total exceeds 18446744073709551615") or too many keys.
 */
int mlc_usage__load_file(mlc_usage **out, const char *path, const mlc_usage_options *opts);
/* The same from plain (uncompressed) CSV text in memory, scanned in place;
 * name is for messages. */
int mlc_usage__load_mem(mlc_usage **out, const char *name, const void *data, size_t len,
                        const mlc_usage_options *opts);
void mlc_usage__free(mlc_usage *u);

/* The entries, sorted by model_id (bytewise) then period. */
size_t mlc_usage__count(const mlc_usage *u);
const mlc_usage_entry *mlc_usage__entries(const mlc_usage *u);

/* The entries of one model: first index and count (0 when absent). */
size_t mlc_usage__model_range(const mlc_usage *u, const char *model, size_t len, size_t *first);

const mlc_usage_stats *mlc_usage__stats(const mlc_usage *u);
mlcu_bucket mlc_usage__bucket(const mlc_usage *u);

/* ---- building a table without a file (tests, other front ends) ------------------ */

/* An empty table aggregating by bucket; max_keys 0 for the default. */
int mlc_usage__new(mlc_usage **out, mlcu_bucket bucket, size_t max_keys);
/* Add one observation at time t (bucketed here); MLC_ETOOLARGE "column 'X':
 * the file's total exceeds ..." on overflow (nothing is added then). */
int mlc_usage__add(mlc_usage *u, const char *model, size_t len, int64_t t, uint64_t requests,
                   uint64_t input_tokens, uint64_t output_tokens);
/* Sort the entries; the getters above need it after mlc_usage__add. */
int mlc_usage__finish(mlc_usage *u);

#endif
