/* SPDX-License-Identifier: MIT */
/*
 * mlcost/bills.h - cost attribution from billing files (SPEC §4): read
 * FOCUS 1.0-1.2 and AWS CUR exports (plain, .gz, .zst or stdin), group
 * their rows by dimensions (tags, FOCUS columns, time buckets) after
 * filters, and sum their cost exactly under one or several cost bases.
 *
 * Money read from bills is exact: amounts are counts of 10^-12 currency
 * units in 128 bits (mlc_amount), so sums do not depend on row order,
 * chunking or thread count. This header is plain C11 (no __int128); use
 * mlc_amount_format for the exact decimal text and mlc_amount_to_double
 * for charts and ratios.
 *
 * What it is not: an allocator of shared costs, a unit-cost calculator or
 * a store; those are built on the groups this returns (aggregate by the
 * targets and the pools' filter keys, or by model and day, and
 * post-process). Memory is bounded by the number of groups and distinct
 * values (both capped), never by the size of the input.
 */
#ifndef MLCOST_BILLS_H
#define MLCOST_BILLS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- exact amounts -------------------------------------------------------------------- */

/**
 * An exact amount of money: a signed 128-bit count of 10^-12 currency
 * units, as two's complement in two halves (value = hi * 2^64 + lo).
 * Compare with mlc_amount_cmp, print with mlc_amount_format.
 */
typedef struct mlc_amount {
	int64_t hi;
	uint64_t lo;
} mlc_amount;

/** Fractional digits of an mlc_amount (its unit is 10^-12). */
#define MLC_AMOUNT_DIGITS 12
/** Bytes mlc_amount_format may need, NUL included. */
#define MLC_AMOUNT_FMT_MAX 48

/**
 * The text of a: decimals < 0 gives the exact decimal with trailing zeros
 * trimmed ("12", "-0.000123", "5784707.17"); 0..12 rounds half away from
 * zero and prints exactly that many digits ("1234.50", never "-0.00").
 * Like snprintf: writes at most cap-1 characters and a NUL, returns the
 * full length.
 */
MLC_EXTERN size_t mlc_amount_format(char *out, size_t cap, mlc_amount a, int decimals);

/**
 * Parse decimal text ("-12.5", "1.2E-5") exactly; more than 12 fractional
 * digits round half-even. MLC_EPARSE (not a number) or MLC_ETOOLARGE
 * (|value| >= 10^24).
 */
MLC_EXTERN int mlc_amount_parse(mlc_amount *out, const char *text, size_t len);

/**
 * For tables: a rounded half away from zero to `decimals` (0..12) digits,
 * with thousands separators ("1,234,567.50", "-0.01", "0.00").
 * snprintf-like; MLC_AMOUNT_FMT_MAX + 16 bytes always suffice.
 */
MLC_EXTERN size_t mlc_amount_format_grouped(char *out, size_t cap, mlc_amount a, int decimals);

/** The nearest double, for display and ratios; never for sums. */
MLC_EXTERN double mlc_amount_to_double(mlc_amount a);

/** -1, 0 or 1 as a is less than, equal to or greater than b. */
MLC_EXTERN int mlc_amount_cmp(mlc_amount a, mlc_amount b);

/** *acc += v; MLC_ETOOLARGE (and *acc unchanged) when the sum overflows. */
MLC_EXTERN int mlc_amount_add(mlc_amount *acc, mlc_amount v);

/* ---- cost bases and buckets ----------------------------------------------------------- */

/** Cost bases (SPEC §4). Effective is the amortized view and the default. */
typedef enum mlc_cost_basis {
	MLC_COST_BILLED = 0,
	MLC_COST_EFFECTIVE = 1,
	MLC_COST_LIST = 2,
	MLC_COST_CONTRACTED = 3
} mlc_cost_basis;

#define MLC_COST_BASIS_COUNT 4

/** "billed", "effective", "list", "contracted"; 0, or MLC_EINVAL. */
MLC_EXTERN int mlc_cost_basis_parse(mlc_cost_basis *out, const char *name);
MLC_EXTERN const char *mlc_cost_basis_name(mlc_cost_basis b);

/** Time buckets of the charge period start (UTC). */
typedef enum mlc_time_bucket {
	MLC_BUCKET_NONE = 0,
	MLC_BUCKET_HOUR,
	MLC_BUCKET_DAY,
	MLC_BUCKET_MONTH
} mlc_time_bucket;

/** "hour", "day", "month"; 0, or MLC_EINVAL. */
MLC_EXTERN int mlc_time_bucket_parse(mlc_time_bucket *out, const char *name);

/**
 * The label of the bucket starting at t (UTC seconds): hour
 * "2024-09-18T22:00:00Z", day "2024-09-18", month "2024-09". snprintf-like;
 * 32 bytes always suffice.
 */
MLC_EXTERN size_t mlc_time_bucket_label(char *out, size_t cap, int64_t t, mlc_time_bucket b);

/* ---- aggregation ------------------------------------------------------------------------ */

#define MLC_BILLS_MAX_DIMS     16 /**< entries of `by` */
#define MLC_BILLS_MAX_WHERE    64 /**< entries of `where` */
#define MLC_BILLS_MAX_PRESENCE 32 /**< entries of `presence` */
#define MLC_BILLS_MAX_THREADS  64

/** What a progress callback is told (from the calling thread). */
typedef struct mlc_bills_progress {
	uint64_t bytes_done;  /**< input bytes read so far (compressed bytes for .gz/.zst) */
	uint64_t bytes_total; /**< sum of the inputs' sizes; 0 when unknown (stdin) */
	uint64_t rows;        /**< data rows read so far */
	double seconds;       /**< since the aggregation started */
	size_t file;          /**< index of the file being read */
	size_t nfiles;
} mlc_bills_progress;

typedef void (*mlc_bills_progress_fn)(const mlc_bills_progress *p, void *ctx);

/**
 * A one-line text of p for a terminal: "1.2 GB / 2.0 GB (61%)  2345678
 * rows/s  ETA 0:03" (no ETA or total when the size is unknown).
 * snprintf-like; 128 bytes suffice.
 */
MLC_EXTERN size_t mlc_bills_progress_text(char *out, size_t cap, const mlc_bills_progress *p);

typedef struct mlc_bills_options {
	unsigned version;
	/** Dimensions to group by, as the user writes them: "tag:model_id",
	 * a FOCUS column ("ServiceName", any case), or a header column of the
	 * file ("lineItem/UsageType"). At most MLC_BILLS_MAX_DIMS, no repeats. */
	const char *const *by;
	size_t nby;
	mlc_time_bucket bucket; /**< also group by the charge period start's bucket */
	/** Filters "KEY=VALUE" (the value is missing when VALUE is empty) or
	 * "KEY!=VALUE"; KEY as in `by`. Repeats of one KEY=VALUE key are
	 * alternatives (OR), different keys must all hold (AND). Values
	 * compare exactly after trimming blanks; tag keys case-insensitively. */
	const char *const *where;
	size_t nwhere;
	/** Half-open range [from, to) of the charge period start; NULL for
	 * none. ISO 8601 / RFC 3339 text, or a date (midnight UTC). */
	const char *from, *to;
	/** Cost bases to sum, each a column of the result; NULL/0 means
	 * effective alone. At most MLC_COST_BASIS_COUNT, no repeats. */
	const mlc_cost_basis *bases;
	size_t nbases;
	/** Keys ("tag:team", "ResourceId") whose presence in a row is recorded
	 * as bit i of mlc_bills_group.presence (tag coverage). */
	const char *const *presence;
	size_t npresence;
	const char *aliases;            /**< tag-key alias file (YAML) or NULL */
	int lenient;                    /**< skip rows with bad values, count and report them */
	unsigned threads;               /**< parse threads; 0 = one per CPU. A plain file of 32 MiB
	                                 * or more is read in that many parallel chunks */
	size_t max_groups;              /**< 0 = 4,194,304 */
	size_t max_values;              /**< distinct values per dimension; 0 = 4,194,304 */
	unsigned max_errors;            /**< skipped-row messages kept (lenient); 0 = 5 */
	mlc_bills_progress_fn progress; /**< NULL for none */
	void *progress_ctx;
	double progress_interval; /**< seconds between calls; 0 = 0.25 */
} mlc_bills_options;

#define MLC_BILLS_OPTIONS_VERSION 1
#define MLC_BILLS_OPTIONS_INIT                                                                     \
	{                                                                                          \
		MLC_BILLS_OPTIONS_VERSION, NULL, 0, MLC_BUCKET_NONE, NULL, 0, NULL, NULL, NULL, 0, \
		    NULL, 0, NULL, 0, 0, 0, 0, 0, NULL, NULL, 0.0                                  \
	}

/** One group: rows that agree on every dimension (and bucket). */
typedef struct mlc_bills_group {
	const char *const *values; /**< nby entries, NUL-terminated; NULL = missing */
	const size_t *lens;        /**< their lengths (values may hold NUL bytes) */
	int64_t bucket;            /**< bucket start (UTC seconds); 0 when not bucketed */
	const mlc_amount *cost;    /**< one sum per basis, in the order asked */
	uint64_t rows;
	uint32_t presence; /**< bit i: presence[i] was present in this group's rows */
} mlc_bills_group;

/** One input file as read. */
typedef struct mlc_bills_file {
	const char *name;
	const char *format; /**< "FOCUS 1.2", "AWS CUR legacy", ... */
	uint64_t rows_read, rows_skipped;
	unsigned chunks; /**< parts read in parallel (1 = sequential) */
} mlc_bills_file;

typedef struct mlc_bills_result {
	const char *const *by; /**< the dimensions as given */
	size_t nby;
	mlc_time_bucket bucket;
	const mlc_cost_basis *bases;
	size_t nbases;
	/** BillingCurrency of the rows; NULL when no row has one, or when
	 * several appear (allowed only when BillingCurrency is grouped by) */
	const char *currency;
	const mlc_bills_group *groups; /**< sorted: see mlc_bills_sort */
	size_t ngroups;
	const mlc_amount *total;   /**< per basis; exactly the sum of the groups */
	uint64_t rows_read;        /**< data rows in the inputs */
	uint64_t rows_matched;     /**< rows in groups (after --where/--from/--to) */
	uint64_t rows_skipped;     /**< bad rows skipped (lenient) */
	const char *const *errors; /**< the first skipped rows' messages */
	size_t nerrors;
	const mlc_bills_file *files;
	size_t nfiles;
} mlc_bills_result;

/**
 * Read every file ("-" is stdin) and aggregate. Errors (message
 * "FILE:LINE: column 'X': ..." where it applies):
 *   MLC_EPARSE     bad data (not a number, short row, unterminated quote,
 *                  unknown billing format, mixed currencies);
 *   MLC_ENOTFOUND  a dimension or filter key this file cannot give;
 *   MLC_ETOOLARGE  more groups or distinct values than the caps;
 *   MLC_EINVAL     bad options (unknown basis, bad --where, bad time);
 *   MLC_EIO        a file is missing or unreadable; MLC_ENOMEM.
 * With lenient, rows with bad values are skipped and counted instead;
 * CSV syntax errors and limits stay fatal. The result is sorted.
 */
MLC_EXTERN int mlc_bills_aggregate(mlc_bills_result **out, const char *const *files, size_t nfiles,
                                   const mlc_bills_options *opts);

/** The same over a bill in memory (plain, gzip or zstd bytes); name is
 * for messages. One thread. */
MLC_EXTERN int mlc_bills_aggregate_mem(mlc_bills_result **out, const void *data, size_t len,
                                       const char *name, const mlc_bills_options *opts);

/**
 * Sort the groups as SPEC §4 says: cost under bases[basis_index]
 * descending, then the dimension values in order (missing first, then
 * bytewise), then bucket, then presence. mlc_bills_aggregate sorts by
 * basis 0.
 */
MLC_EXTERN void mlc_bills_sort(mlc_bills_result *r, size_t basis_index);

MLC_EXTERN void mlc_bills_result_free(mlc_bills_result *r);

/** Machine formats of a result (SPEC §4). */
typedef enum mlc_bills_format { MLC_BILLS_CSV = 0, MLC_BILLS_JSON = 1 } mlc_bills_format;

/**
 * Write r to f with exact amounts (every digit, trailing zeros trimmed), in
 * the order of r->groups:
 *   CSV:  a header of the dimensions as given, then `bucket` when
 *         bucketed, then `cost,rows` (with several bases, one column per
 *         basis named after it instead of `cost`); a missing value is an
 *         empty field; RFC 4180 quoting.
 *   JSON: {"cost_basis":"effective","currency":"USD","rows_read":N,
 *         "rows_skipped":N,"total":T,"groups":[{"DIM":"v"|null,...,
 *         "bucket":"2024-09-18","cost":C,"rows":N},...]} with total equal
 *         to the sum of the groups' cost; with several bases cost_basis is
 *         a list and total and each group carry one member per basis.
 * MLC_EIO when writing fails.
 */
MLC_EXTERN int mlc_bills_write(const mlc_bills_result *r, mlc_bills_format format, FILE *f);

/* ---- tag coverage (mlcost tags) --------------------------------------------------------- */

#define MLC_COVERAGE_MAX_KEYS 32

/** Coverage of one required tag key. */
typedef struct mlc_tag_coverage_key {
	const char *key; /**< as required ("team") */
	mlc_amount cost; /**< cost of the rows that carry it */
	uint64_t rows;
	double cost_pct; /**< cost / total cost * 100 (rows_pct when the total is 0) */
	double rows_pct; /**< rows / all rows * 100 (100 when there are no rows) */
} mlc_tag_coverage_key;

/** A resource with cost on rows lacking at least one required key. */
typedef struct mlc_untagged_resource {
	const char *resource_id; /**< NULL: rows without a ResourceId (tax, support, ...) */
	const char *service;     /**< its ServiceName; NULL when missing */
	mlc_amount cost;         /**< cost of its rows that lack a key */
	uint64_t rows;
	uint32_t missing; /**< bit i: keys[i] is absent on some of these rows */
} mlc_untagged_resource;

typedef struct mlc_tag_coverage {
	mlc_cost_basis basis;
	const char *currency; /**< as in mlc_bills_result */
	mlc_amount total;     /**< cost of all rows (after filters) */
	uint64_t rows;        /**< rows (after filters) */
	uint64_t rows_read, rows_skipped;
	const char *const *errors; /**< the first skipped rows' messages */
	size_t nerrors;
	const mlc_tag_coverage_key *keys;
	size_t nkeys;
	mlc_tag_coverage_key all; /**< rows carrying every required key (key "(all)") */
	/** by untagged cost, largest first, then resource and service (missing first) */
	const mlc_untagged_resource *untagged;
	size_t nuntagged;
} mlc_tag_coverage;

/**
 * Tag coverage of the bills: for each required key (a tag key; "tag:" is
 * optional) the share of cost and of rows that carry it, and the resources
 * (ResourceId, ServiceName) with cost on rows lacking one. opts gives the
 * filters, cost basis (the first of bases), aliases, lenient, threads and
 * limits; its by, bucket and presence are ignored. Errors as
 * mlc_bills_aggregate; MLC_EINVAL without keys or with more than
 * MLC_COVERAGE_MAX_KEYS.
 */
MLC_EXTERN int mlc_bills_coverage(mlc_tag_coverage **out, const char *const *files, size_t nfiles,
                                  const char *const *keys, size_t nkeys,
                                  const mlc_bills_options *opts);

/**
 * Write coverage to f: CSV (key,cost,cost_pct,rows,rows_pct; one row per
 * key then "(all)") or JSON ({"cost_basis","currency","rows_read",
 * "rows_skipped","total","rows","keys":[...],"all":{...},"untagged":[the
 * first `top` resources]}). Percentages are shortest round-trip decimals.
 */
MLC_EXTERN int mlc_tag_coverage_write(const mlc_tag_coverage *c, mlc_bills_format format,
                                      size_t top, FILE *f);

MLC_EXTERN void mlc_tag_coverage_free(mlc_tag_coverage *c);

#ifdef __cplusplus
}
#endif

#endif
