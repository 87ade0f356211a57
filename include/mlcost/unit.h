/* SPDX-License-Identifier: MIT */
/*
 * mlcost/unit.h - shared-cost allocation and unit cost from billing files
 * (SPEC §4 "Shared costs", §5): `mlcost allocate` and `mlcost unit`.
 *
 * mlc_allocate_run reads bills with the attribution engine (bills.h),
 * grouped by the allocation file's targets dimension and every pool filter
 * key, and hands each pool of shared cost out to the targets (even,
 * proportional to direct cost, or by usage), exactly: the total after
 * equals the total before. mlc_unit_run reads bills grouped by the model
 * and lifecycle-phase tags and the time bucket, joins them with a usage
 * CSV and divides: cost per request and per 1,000 requests, per model and
 * period (and per phase), with training amortized over the requests served
 * until the next retrain.
 *
 * What it is not: a renderer of text tables (the CLI's job) or a store.
 * Amounts are exact mlc_amount (10^-12 units); per-request figures are
 * exact decimal quotients rounded half-even at the 12th digit. Semantics:
 * docs/allocation.md and docs/unit-cost.md.
 */
#ifndef MLCOST_UNIT_H
#define MLCOST_UNIT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bills.h"
#include "common.h"
#include "costmodel.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- shared-cost allocation (mlcost allocate) ------------------------------------------ */

typedef struct mlc_allocate_options {
	unsigned version;
	mlc_time_bucket bucket; /**< allocate per period (NONE: one period) */
	mlc_cost_basis basis;   /**< default effective */
	const char *usage;      /**< usage CSV for `split: usage` pools, or NULL */
	const char *aliases;    /**< tag-key alias file; wins over the rules' `aliases:` */
	int lenient;            /**< skip bad bill and usage rows, count and report them */
	unsigned threads;       /**< parse threads; 0 = one per CPU */
	/* version 2 */
	mlc_bills_progress_fn progress; /**< called while the bills are read, or NULL */
	void *progress_ctx;
} mlc_allocate_options;

#define MLC_ALLOCATE_OPTIONS_VERSION 2
#define MLC_ALLOCATE_OPTIONS_INIT                                                                  \
	{                                                                                          \
		MLC_ALLOCATE_OPTIONS_VERSION, MLC_BUCKET_NONE, MLC_COST_EFFECTIVE, NULL, NULL, 0,  \
		    0, NULL, NULL                                                                  \
	}

/** What one target received from one pool in one period. */
typedef struct mlc_allocate_share {
	const char *target; /**< NULL: untagged (only with include_untagged) */
	mlc_amount amount;
} mlc_allocate_share;

/** One pool in one period, with its conservation check. */
typedef struct mlc_allocate_pool {
	size_t pool;       /**< index in pool_names */
	int64_t period;    /**< bucket start; 0 when not bucketed */
	const char *split; /**< the split used: "even", "proportional", "usage" */
	mlc_amount total, allocated, unallocated;
	uint64_t rows;
	const char *note; /**< why the split fell back or nothing was allocated, or NULL */
	const mlc_allocate_share *shares;
	size_t nshares;
} mlc_allocate_pool;

/** A target value in a period after allocation. */
typedef struct mlc_allocate_target {
	int64_t period;
	const char *value; /**< NULL: untagged */
	mlc_amount direct;
	const mlc_amount *from_pool; /**< npool_names entries: received from each pool */
	mlc_amount received, total;  /**< total = direct + received */
	uint64_t rows;               /**< its direct rows */
} mlc_allocate_target;

typedef struct mlc_allocate_result {
	const char *target_dim; /**< "tag:model_id" */
	mlc_time_bucket bucket;
	mlc_cost_basis basis;
	const char *currency; /**< as in mlc_bills_result */
	const char *const *pool_names;
	size_t npool_names;
	const mlc_allocate_pool *pools; /**< by period, then pool order */
	size_t npools;
	const mlc_allocate_target *targets; /**< by period, then value (untagged first) */
	size_t ntargets;
	/** conservation: before = the bills' total; after = Σ targets' totals +
	 * Σ unallocated; difference = after - before (always 0) */
	mlc_amount before, after, difference;
	uint64_t rows_read;        /**< bill rows */
	uint64_t rows_skipped;     /**< bad bill and usage rows skipped (lenient) */
	const char *const *errors; /**< the first skipped rows' messages (bills, then usage) */
	size_t nerrors;
} mlc_allocate_result;

/**
 * Read the bills, load the allocation file and allocate. Errors as
 * mlc_bills_aggregate, plus the allocation file's (MLC_EPARSE
 * "FILE:LINE:COL: ...", MLC_EIO) and the usage file's; MLC_EINVAL when a
 * usage pool has no usage file.
 */
MLC_EXTERN int mlc_allocate_run(mlc_allocate_result **out, const char *const *files, size_t nfiles,
                                const char *rules_path, const mlc_allocate_options *opts);

/**
 * CSV: one row per (target, period): target[,bucket],direct,<one column per
 * pool, named after it>,received,total,rows; exact amounts, missing target
 * empty. JSON: {"cost_basis","currency","targets_by","rows_read",
 * "rows_skipped","targets":[{"target","bucket"?,"direct","received":{pool:
 * amount},"received_total","total","rows"}],"pools":[{"pool","bucket"?,
 * "split","total","allocated","unallocated","rows","note","shares":[{"target",
 * "amount"}]}],"conservation":{"before","after","difference"}}.
 */
MLC_EXTERN int mlc_allocate_write(const mlc_allocate_result *r, mlc_bills_format format, FILE *f);

MLC_EXTERN void mlc_allocate_result_free(mlc_allocate_result *r);

/* ---- unit cost (mlcost unit) ----------------------------------------------------------- */

/** The retrain cadence of one model. */
typedef struct mlc_unit_cadence {
	const char *model; /**< the model tag's value, compared exactly */
	int64_t seconds;   /**< > 0: training cost covers [incurred, incurred + seconds) */
} mlc_unit_cadence;

typedef struct mlc_unit_options {
	unsigned version;
	mlc_time_bucket bucket;     /**< period of the join; NONE means DAY */
	mlc_cost_basis basis;       /**< default effective */
	int by_phase;               /**< also per lifecycle phase */
	const char *retrain_every;  /**< cadence "30d", "12h", "2w"; NULL: no amortization */
	const char *model_tag;      /**< default "model_id" */
	const char *phase_tag;      /**< default "lifecycle_phase" */
	const char *training_phase; /**< default "training" */
	const char *aliases;
	int lenient;
	unsigned threads;
	/* version 2 */
	/** A cadence per model (mlc_unit_profile_cadences gives a profile's);
	 * used when retrain_every is NULL, which otherwise wins for every model.
	 * A model not listed keeps its training cost where it was incurred. */
	const mlc_unit_cadence *cadences;
	size_t ncadences;
	mlc_bills_progress_fn progress; /**< called while the bills are read, or NULL */
	void *progress_ctx;
} mlc_unit_options;

#define MLC_UNIT_OPTIONS_VERSION 2
#define MLC_UNIT_OPTIONS_INIT                                                                      \
	{                                                                                          \
		MLC_UNIT_OPTIONS_VERSION, MLC_BUCKET_DAY, MLC_COST_EFFECTIVE, 0, NULL, NULL, NULL, \
		    NULL, NULL, 0, 0, NULL, 0, NULL, NULL                                          \
	}

#define MLC_UNIT_NO_USAGE 1u /**< cost but no requests: no per-request figure */
#define MLC_UNIT_NO_COST  2u /**< usage but no cost */

typedef struct mlc_unit_row {
	const char *model; /**< NULL: cost without a model tag */
	int64_t period;    /**< bucket start; 0 in per-model rows */
	const char *phase; /**< NULL: all phases (or cost without a phase tag in phase rows) */
	unsigned flags;
	mlc_amount cost;     /**< incurred non-training cost + amortized training */
	mlc_amount training; /**< of which amortized training */
	uint64_t requests, input_tokens, output_tokens;
	mlc_amount per_request, per_1k; /**< zero with MLC_UNIT_NO_USAGE */
} mlc_unit_row;

typedef struct mlc_unit_training {
	const char *model;
	int64_t period, window_end;
	mlc_amount cost, amortized, unamortized;
	uint64_t requests;
} mlc_unit_training;

typedef struct mlc_unit_result {
	mlc_time_bucket bucket;
	mlc_cost_basis basis;
	const char *currency;
	int by_phase;
	int64_t retrain_every;    /**< seconds; 0 without amortization */
	const mlc_unit_row *rows; /**< per (model, period), by model (untagged first), period */
	size_t nrows;
	/** with by_phase: per (model, period, phase), and the usage-only
	 * (MLC_UNIT_NO_COST) model-periods with phase NULL, in the same order */
	const mlc_unit_row *phase_rows;
	size_t nphase_rows;
	const mlc_unit_row *models; /**< per model over all periods */
	size_t nmodels;
	const mlc_unit_row *model_phases; /**< with by_phase: per (model, phase), likewise */
	size_t nmodel_phases;
	const mlc_unit_training *training; /**< with retrain_every */
	size_t ntraining;
	mlc_amount cost_in, cost_charged, unamortized; /**< cost_in = charged + unamortized */
	uint64_t requests;
	uint64_t rows_read, rows_skipped; /**< bill rows */
	uint64_t usage_rows_read, usage_rows_skipped;
	const char *const *errors; /**< first skipped rows' messages (bills, then usage) */
	size_t nerrors;
	/** the per-model cadences in force (options' cadences, copied; none when
	 * retrain_every is set), in the order given */
	const mlc_unit_cadence *cadences;
	size_t ncadences;
} mlc_unit_result;

/**
 * A retrain cadence, "30d", "12h", "2w", "90m", "3600s", into seconds;
 * MLC_EPARSE "bad cadence 'x': ..." otherwise (at most 100 years).
 */
MLC_EXTERN int mlc_unit_parse_cadence(int64_t *out, const char *text);

/**
 * The retrain cadence of every model of a cost profile whose
 * training.runs_per_month is above 0: a profile month (days_per_month,
 * default 30) divided by the runs, rounded to the second (4 runs in 30
 * days: 7.5 days = 648000 s). Models without training or with
 * runs_per_month 0 are left out: they do not retrain, so there is no
 * window to spread over. *out (NULL when none) is the caller's, freed with
 * mlc_unit_cadences_free; its model names borrow from p, which must
 * outlive it. MLC_EINVAL when a cadence falls outside 1 s .. 100 years.
 */
MLC_EXTERN int mlc_unit_profile_cadences(mlc_unit_cadence **out, size_t *nout,
                                         const mlc_profile *p);
MLC_EXTERN void mlc_unit_cadences_free(mlc_unit_cadence *c);

/**
 * Read the bills (grouped by the model tag, the phase tag and the bucket)
 * and the usage CSV, join and divide. Errors as mlc_bills_aggregate and the
 * usage reader's ("FILE:LINE: column 'requests': ..."); MLC_EINVAL for a
 * bad cadence or bucket.
 */
MLC_EXTERN int mlc_unit_run(mlc_unit_result **out, const char *const *files, size_t nfiles,
                            const char *usage_path, const mlc_unit_options *opts);

/**
 * CSV: model,[phase,]period,cost,training,requests,per_request,per_1k,flags
 * with the per-period rows (phase rows with by_phase), then the per-model
 * (per model and phase) rows whose period is "all"; a missing model or
 * phase is empty, per_request and per_1k are empty with no usage, flags is
 * "no_usage", "no_cost" or empty. JSON: {"cost_basis","currency","bucket",
 * "retrain_every_seconds","rows":[...],"phase_rows":[...],"models":[...],
 * "model_phases":[...],"training":[...],"cost_in","cost_charged",
 * "unamortized","requests"} (phase members only with by_phase, missing
 * values null), and "retrain_cadences":[{"model","seconds"}] after
 * "retrain_every_seconds" when per-model cadences are in force; exact
 * amounts.
 */
MLC_EXTERN int mlc_unit_write(const mlc_unit_result *r, mlc_bills_format format, FILE *f);

MLC_EXTERN void mlc_unit_result_free(mlc_unit_result *r);

#ifdef __cplusplus
}
#endif

#endif
