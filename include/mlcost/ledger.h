/* SPDX-License-Identifier: MIT */
/*
 * mlcost/ledger.h - bills into the cost ledger and back (SPEC §4, §6):
 * `mlcost ingest` reads billing files with the attribution engine
 * (bills.h), aggregates their cost by hour and the ledger's dimensions,
 * and replaces each (provider, billing account, billing period) slice in
 * the store (store.h) in its own transaction; and the commands that
 * attribute cost (attribute, tags, unit) read the ledger back as the very
 * mlc_bills_result they get from files.
 *
 * The ledger keeps, per hour: ProviderName, BillingAccountId,
 * BillingCurrency (the slice's), SubAccountId, ServiceName, RegionId,
 * ChargeCategory, PricingCategory and the configured tag keys, with exact
 * sums under all four cost bases. Anything else (ResourceId, SkuId, ...)
 * stays in the bills.
 *
 * What it is not: the store itself (store.h), the bill reader (bills.h),
 * or a renderer of tables (the CLI prints those; this writes JSON).
 */
#ifndef MLCOST_LEDGER_H
#define MLCOST_LEDGER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bills.h"
#include "common.h"
#include "store.h"
#include "unit.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The tag keys an ingest keeps when none are given. */
#define MLC_LEDGER_DEFAULT_TAGS "team,project,model_id,environment,lifecycle_phase"
/** At most this many tag keys: the ledger's other ten dimensions and the tags
 * are grouped in one pass of the engine (MLC_BILLS_MAX_DIMS). */
#define MLC_LEDGER_MAX_TAGS (MLC_BILLS_MAX_DIMS - 10)

typedef struct mlc_ledger_options {
	unsigned version;
	/** Tag keys to keep ("team", or "tag:team"); NULL/0 for the defaults.
	 * Kept under their canonical name (the alias file's, else trimmed and
	 * lower-cased); two keys with one canonical name are an error. */
	const char *const *tags;
	size_t ntags;
	const char *aliases;            /**< tag-key alias file (YAML) or NULL */
	int lenient;                    /**< skip bad rows, count and report them (bills.h) */
	unsigned threads;               /**< parse threads; 0 = the number of CPUs */
	size_t max_groups;              /**< records per file before MLC_ETOOLARGE; 0 = 4,194,304 */
	mlc_bills_progress_fn progress; /**< reading progress, or NULL */
	void *progress_ctx;
} mlc_ledger_options;

#define MLC_LEDGER_OPTIONS_VERSION 1
#define MLC_LEDGER_OPTIONS_INIT                                                                    \
	{                                                                                          \
		MLC_LEDGER_OPTIONS_VERSION, NULL, 0, NULL, 0, 0, 0, NULL, NULL                     \
	}

/** One input file as ingested. */
typedef struct mlc_ledger_file {
	mlc_store_file file;   /**< path, SHA-256, format, rows read, grand totals per basis */
	uint64_t rows_skipped; /**< bad rows skipped (lenient) */
	/** List and contracted cost are optional: a row that lacks one (or has
	 * a bad one) counts 0 under that basis instead of failing the ingest.
	 * missing[b] says why (the first such row, or the absent column) and
	 * rows_missing[b] how many rows; NULL and 0 when the basis is complete.
	 * Billed and effective cost are never optional. */
	const char *missing[MLC_COST_BASIS_COUNT];
	uint64_t rows_missing[MLC_COST_BASIS_COUNT];
} mlc_ledger_file;

/** What an ingest did to a slice, judged from the store's slice totals. */
typedef enum mlc_ledger_change {
	MLC_LEDGER_NEW = 0,      /**< the store had no such slice */
	MLC_LEDGER_REPLACED = 1, /**< it had one with other counts or totals */
	MLC_LEDGER_UNCHANGED = 2 /**< it had one with the same records, rows and totals */
} mlc_ledger_change;

/** "new", "replaced", "unchanged". */
MLC_EXTERN const char *mlc_ledger_change_name(mlc_ledger_change c);

/** One slice as written, and what it replaced. */
typedef struct mlc_ledger_slice {
	mlc_store_slice key;
	uint64_t records, rows;
	mlc_amount total[MLC_COST_BASIS_COUNT];
	mlc_ledger_change change;
	/** The slice before (valid unless change is MLC_LEDGER_NEW). */
	int64_t prev_ingest_id;
	uint64_t prev_records, prev_rows;
	mlc_amount prev_total[MLC_COST_BASIS_COUNT];
} mlc_ledger_slice;

/** The input's total in one currency (the slices billed in it). */
typedef struct mlc_ledger_total {
	const char *currency; /**< NULL for slices without a BillingCurrency */
	uint64_t rows;
	mlc_amount total[MLC_COST_BASIS_COUNT];
} mlc_ledger_total;

typedef struct mlc_ledger_report {
	int64_t ingest_id;
	const char *backend;     /**< "sqlite" or "postgres" */
	const char *const *tags; /**< the tag keys kept, canonical */
	size_t ntags;
	const mlc_ledger_file *files;
	size_t nfiles;
	const mlc_ledger_slice *slices; /**< by provider, account, period */
	size_t nslices;
	uint64_t rows_read, rows_skipped;
	/** Grand total of the input per basis: the sum of the files' totals,
	 * and exactly the sum of the slices' totals (meaningful as money when
	 * the input has one currency: see by_currency). */
	mlc_amount total[MLC_COST_BASIS_COUNT];
	/** The same per currency, missing first then bytewise; one entry for
	 * an input in one currency. */
	const mlc_ledger_total *by_currency;
	size_t ncurrencies;
	const char *const *errors; /**< the first skipped rows' messages */
	size_t nerrors;
} mlc_ledger_report;

/**
 * Ingest bills into the store s: read every file (not "-": the ingest
 * keeps each file's SHA-256), aggregate by hour x provider x billing
 * account x billing period x currency x sub-account x service x region x
 * charge category x pricing category x the tag keys, record the ingest
 * (files, checksums, rows, totals), then replace each (provider, billing
 * account, billing period) slice in its own transaction, and mark the
 * ingest done. Slices: ProviderName ("AWS" for CUR), BillingAccountId
 * (bill/PayerAccountId), BillingPeriodStart/End (bill/BillingPeriod*Date);
 * a row without a billing period belongs to the calendar month (UTC) of
 * its charge period start. All parts of one slice must be in one ingest:
 * a later ingest of the slice replaces it whole.
 *
 * Errors: those of mlc_bills_aggregate (MLC_EPARSE bad data, MLC_EIO,
 * ...); MLC_EINVAL (bad options, "-", the same content given twice);
 * MLC_EPARSE (a bad billing period, two currencies in one slice); the
 * store's. A failure while writing leaves the slices already written
 * replaced, the others as they were, and the ingest marked "failed".
 */
MLC_EXTERN int mlc_ledger_ingest(mlc_ledger_report **out, mlc_store *s, const char *const *files,
                                 size_t nfiles, const mlc_ledger_options *opts);

MLC_EXTERN void mlc_ledger_report_free(mlc_ledger_report *r);

/**
 * r as JSON: {"ingest_id":N,"store":"sqlite","tags":[...],"rows_read":N,
 * "rows_skipped":N,"total":{"billed":X,"effective":X,"list":X,
 * "contracted":X},"by_currency":[{"currency","rows","total":{...}}],"files":[{"path","sha256","format","rows",
 * "rows_skipped","total":{...},"missing":{"list":{"rows":N,"why":"..."}}}],
 * "slices":[{"provider","billing_account","period_start","period_end",
 * "currency","change","records","rows","total":{...},"previous":
 * {"ingest_id","records","rows","total":{...}}|null}],"errors":[...]}.
 * Amounts are exact JSON numbers, times RFC 3339 UTC. MLC_EIO.
 */
MLC_EXTERN int mlc_ledger_report_write(const mlc_ledger_report *r, FILE *f);

/**
 * A store listing (mlc_store_list) as JSON: {"ingests":[{"id",
 * "started_at","finished_at"|null,"status","slices","files":[{"path",
 * "sha256","format","rows","total":{...}}]}],"slices":[{"provider",
 * "billing_account","period_start","period_end","currency","ingest_id",
 * "replaced_at","records","rows","total":{...}}]}. MLC_EIO.
 */
MLC_EXTERN int mlc_ledger_listing_write(const mlc_store_listing *l, FILE *f);

/**
 * Read the ledger back as an attribution result, with the same options as
 * mlc_bills_aggregate (by, bucket, where, from, to, bases, presence,
 * aliases, max_groups, max_values; files-only options are ignored), so
 * that a command gives the same output from the store as from the bills
 * it was ingested from. Differences, all from what the ledger keeps:
 *   - dimensions, filters and presence keys are the ledger's (above);
 *     anything else is MLC_ENOTFOUND naming what the store keeps;
 *   - a tag key the ingests did not keep reads as missing everywhere;
 *   - from/to select whole hours (the ledger is hourly);
 *   - rows_read is the billing rows aggregated into the matching records;
 *     nfiles is 0.
 * Several currencies fail with MLC_EPARSE unless BillingCurrency is in by.
 */
MLC_EXTERN int mlc_ledger_aggregate(mlc_bills_result **out, mlc_store *s,
                                    const mlc_bills_options *opts);

/**
 * Tag coverage of the ledger (`mlcost tags` from the store): as
 * mlc_bills_coverage over the bills it was ingested from, with the
 * differences of mlc_ledger_aggregate, and one more: the ledger keeps no
 * ResourceId, so the untagged resources are not listed (nuntagged is 0
 * and mlc_tag_coverage_write writes "untagged":null in JSON). Rows are the
 * billing rows the matching records aggregate. Free with
 * mlc_tag_coverage_free.
 */
MLC_EXTERN int mlc_ledger_coverage(mlc_tag_coverage **out, mlc_store *s, const char *const *keys,
                                   size_t nkeys, const mlc_bills_options *opts);

/**
 * Unit cost over the ledger (`mlcost unit` from the store): as
 * mlc_unit_run (unit.h) with the ledger's cost by the model tag, the
 * phase tag and the bucket in place of the bills' (mlc_ledger_aggregate;
 * rows_read is the billing rows of the records). Free with
 * mlc_unit_result_free.
 */
MLC_EXTERN int mlc_ledger_unit(mlc_unit_result **out, mlc_store *s, const char *usage_path,
                               const mlc_unit_options *opts);

/**
 * Whether any record of the store carries tag key ("team" or "tag:team";
 * under its canonical name with the alias file `aliases`, or NULL), into
 * *out (1 or 0). The store does not record which keys an ingest kept, so a
 * key no record carries was either not kept or on no billed row: callers
 * that would otherwise print everything as untagged say so instead.
 */
MLC_EXTERN int mlc_ledger_has_tag(int *out, mlc_store *s, const char *key, const char *aliases);

#ifdef __cplusplus
}
#endif

#endif
