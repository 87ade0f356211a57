/* SPDX-License-Identifier: MIT */
/*
 * unitcost.h - cost per request (SPEC §5, docs/unit-cost.md): joins the
 * attributed cost of each (model, period[, phase]) with the usage of each
 * (model, period), amortizes training cost over the requests served until
 * the next retrain, and divides exactly.
 *
 * What it is: pure arithmetic over what the engine aggregated from bills
 * (a list of mlc_unitcost_input) and a usage table (usage.h). Sums are
 * exact (mlcu_money); ratios are exact decimal divisions rounded half-even
 * at the 12th fractional digit, kept as mlcu_money so they print with
 * mlcu_money_format. Nothing is dropped: models with cost but no usage and
 * usage with no cost are rows with flags, and training cost not yet
 * amortized at the end of the data is reported, not lost: cost_in ==
 * cost_charged + unamortized, exactly. What it is not: a bill reader or a
 * renderer.
 */
#ifndef MLC_UNITCOST_H
#define MLC_UNITCOST_H

#include <stddef.h>
#include <stdint.h>

#include "mlcost/common.h"
#include "tags.h" /* mlc_span */
#include "usage.h"
#include "util/money.h"
#include "util/time.h"

#define MLC_UNITCOST_MAX_CELLS   (1u << 22)                   /* distinct (model, period, phase) */
#define MLC_UNITCOST_MAX_CADENCE ((int64_t)100 * 365 * 86400) /* seconds: 100 years */

/*
 * What the engine gives: one entry per group of bill rows (entries with
 * equal keys are summed, so per-row input works too).
 *   model  - the model_id tag value; ptr NULL when the rows have none;
 *   period - the bucket start of the rows' charge period (UTC seconds),
 *            with the same bucket as the usage table (options.bucket);
 *   phase  - the lifecycle_phase tag value; ptr NULL when absent. Needed
 *            when by_phase or retrain_every is set (training is the phase
 *            equal to options.training_phase, ASCII case-insensitive);
 *   cost   - exact cost of the group under the chosen basis.
 */
typedef struct mlc_unitcost_input {
	mlc_span model;
	int64_t period;
	mlc_span phase;
	mlcu_money cost;
} mlc_unitcost_input;

/* The retrain cadence of one model (model bytes compared exactly). */
typedef struct mlc_unitcost_cadence {
	const char *model;
	size_t len;
	int64_t seconds; /* > 0 */
} mlc_unitcost_cadence;

typedef struct mlc_unitcost_options {
	unsigned version;
	mlcu_bucket bucket;         /* of both inputs' periods (default DAY) */
	int by_phase;               /* also report per phase */
	int64_t retrain_every;      /* seconds, for every model; 0: see cadences */
	const char *training_phase; /* default "training" */
	/* with retrain_every 0: the cadence of each model listed; the training
	 * cost of a model not listed (or without a model) stays where incurred */
	const mlc_unitcost_cadence *cadences;
	size_t ncadences;
} mlc_unitcost_options;

#define MLC_UNITCOST_OPTIONS_VERSION 1
#define MLC_UNITCOST_OPTIONS_INIT                                                                  \
	{                                                                                          \
		MLC_UNITCOST_OPTIONS_VERSION, MLCU_BUCKET_DAY, 0, 0, "training", NULL, 0           \
	}

/* Row flags. */
#define MLC_UNITCOST_NO_USAGE   1u /* cost but no requests: no per-request figure */
#define MLC_UNITCOST_NO_COST    2u /* usage but no cost at all */
#define MLC_UNITCOST_ALL_PHASES 4u /* the row sums every phase (phase is NULL) */

typedef struct mlc_unitcost_row {
	const char *model; /* NULL: cost without a model_id */
	size_t model_len;
	int64_t period;    /* bucket start; 0 in per-model rows */
	const char *phase; /* NULL with ALL_PHASES, or cost without a lifecycle_phase */
	unsigned flags;
	mlcu_money cost;     /* charged here: incurred (non-training) + amortized training */
	mlcu_money training; /* of which amortized training */
	uint64_t requests, input_tokens, output_tokens;
	mlcu_money per_request; /* cost / requests, 12 digits half-even; 0 with NO_USAGE */
	mlcu_money per_1k;      /* cost * 1000 / requests, likewise */
} mlc_unitcost_row;

/* One training cost and where it went. */
typedef struct mlc_unitcost_training {
	const char *model;
	const char *phase;      /* the phase value as written ("training", "Training") */
	int64_t period;         /* when it was incurred */
	int64_t window_end;     /* period + the model's cadence: the next retrain */
	int64_t observed_end;   /* min(window_end, end of the usage data) */
	mlcu_money cost;        /* incurred */
	mlcu_money amortized;   /* spread over requests in [period, observed_end) */
	mlcu_money unamortized; /* the rest: beyond the data, or no requests */
	uint64_t requests;      /* requests it was spread over */
} mlc_unitcost_training;

typedef struct mlc_unitcost_report {
	/* per (model, period), flag ALL_PHASES: by model (missing first), period */
	const mlc_unitcost_row *rows;
	size_t nrows;
	/* with by_phase: per (model, period, phase), by model, period, phase */
	const mlc_unitcost_row *phase_rows;
	size_t nphase_rows;
	/* per model over all periods (ALL_PHASES) */
	const mlc_unitcost_row *models;
	size_t nmodels;
	/* with by_phase: per (model, phase) over all periods */
	const mlc_unitcost_row *model_phases;
	size_t nmodel_phases;
	/* with a cadence: every training cost amortized, by model then period */
	const mlc_unitcost_training *training;
	size_t ntraining;
	mlcu_money cost_in;      /* Σ of the inputs */
	mlcu_money cost_charged; /* Σ rows[].cost */
	mlcu_money unamortized;  /* Σ training[].unamortized; cost_in == charged + this */
	uint64_t requests;       /* Σ usage requests */
	int64_t usage_end;       /* end of the last usage period (0 when no usage) */
} mlc_unitcost_report;

/*
 * Join, amortize, divide. usage may be NULL (no usage: every row is
 * NO_USAGE); its bucket must equal opts->bucket (MLC_EINVAL otherwise).
 * A cadence needs a time bucket (not NONE) and must be positive
 * (MLC_EINVAL). MLC_ETOOLARGE for a sum
 * out of range or more than MLC_UNITCOST_MAX_CELLS cells, MLC_ENOMEM.
 */
int mlc_unitcost__compute(mlc_unitcost_report **out, const mlc_unitcost_input *in, size_t n,
                          const mlc_usage *usage, const mlc_unitcost_options *opts);
void mlc_unitcost__report_free(mlc_unitcost_report *r);

/*
 * amount * scale / count as an exact decimal rounded half-even at the
 * 12th fractional digit (the unit of mlcu_money). MLC_EINVAL when count is
 * 0, MLC_ETOOLARGE when the result does not fit.
 */
int mlc_unitcost__ratio(mlcu_money *out, mlcu_money amount, uint64_t scale, uint64_t count);

/*
 * A retrain cadence: a positive whole number with a unit, "30d", "12h",
 * "2w", "90m" (minutes), "3600s", into seconds. MLC_EPARSE "bad cadence
 * 'x': expected e.g. 30d, 12h, 2w" otherwise (at most 100 years).
 */
int mlc_unitcost__parse_cadence(int64_t *out, const char *s);

/*
 * The cadence of a profile's training.runs_per_month: a month of
 * days_per_month days (30 when not positive) / runs, rounded to the second
 * (runs 4 in 30 days -> 7.5 days = 648000 s). runs <= 0 or not finite:
 * MLC_EINVAL (no retraining: nothing to amortize over); MLC_EINVAL also
 * when the cadence falls outside 1 s .. 100 years.
 */
int mlc_unitcost__cadence_from_runs(int64_t *out, double runs_per_month, double days_per_month);

/*
 * The cadence of a model under o: retrain_every when set, else the model's
 * entry in o->cadences, else 0 (not amortized). model NULL: no model tag.
 */
int64_t mlc_unitcost__cadence_of(const mlc_unitcost_options *o, const char *model, size_t len);

#endif
