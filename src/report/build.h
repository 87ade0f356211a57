/* SPDX-License-Identifier: MIT */
/*
 * build.h - what mlc_report_build keeps (struct mlc_report: every result
 * the report data points into, owned) and the steps it is split into:
 * build.c (the cost model, the policy, the order of things), build_cost.c
 * (cost from the bills or the ledger: by model, daily, coverage, unit,
 * the series of a scope), build_series.c (forecast, anomalies, budgets).
 */
#ifndef MLC_REPORT_BUILD_H
#define MLC_REPORT_BUILD_H

#include "mlcost.h"
#include "mlcost/report.h"

#include <stddef.h>
#include <stdint.h>

#define MLC_REPORT_MAX_NOTES 16

struct mlc_report {
	mlc_report_data data;
	const mlc_report_inputs *in; /* during the build only */
	mlc_cost_basis basis;
	const char *model_tag, *phase_tag;
	char *title;
	/* the cost model */
	mlc_profile *profile;
	mlc_estimate *estimate;
	mlc_profile *whatif_profile;
	mlc_compare *compare;
	mlc_frontier *frontier;
	/* the policy: keys, coverage target, limits */
	mlc_policy *policy;
	mlc_report_limit *limits;
	const char *keys[MLC_COVERAGE_MAX_KEYS];
	size_t nkeys;
	char *keys_buf;
	/* cost */
	mlc_store *store, *own_store;
	int has_days;
	int64_t first_day, last_day, as_of; /* days with cost; the as-of day */
	char to_text[16];                   /* as_of + 1, for half-open filters; "" for none */
	mlc_bills_result *by_model;
	mlc_series daily;
	mlc_amount *daily_exact;
	mlc_forecast *forecast;
	mlc_anomaly *anomalies;
	mlc_unit_result *unit;
	mlc_tag_coverage *coverage;     /* from bills (mlc_tag_coverage_free) */
	mlc_tag_coverage *own_coverage; /* built from the ledger (ours to free) */
	mlc_budgets *budgets;
	mlc_report_budget *rbudgets;
	mlc_budget_status *statuses;
	double **budget_days;
	size_t nbudgets;
	/* provenance */
	char *notes[MLC_REPORT_MAX_NOTES];
	size_t nnotes;
	const char *sources[MLC_REPORT_MAX_ITEMS];
	char *source_copies[MLC_REPORT_MAX_ITEMS];
	size_t nsources;
};

/* A day's exact cost. */
typedef struct mlc_day_cost {
	int64_t day;
	mlc_amount cost;
} mlc_day_cost;

/* Add a note shown under the summary (printf; a full list drops the rest). */
int mlc_report__add_note(mlc_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Is there cost data (bills or a store)? */
int mlc_report__has_cost(const mlc_report *r);
/* The days with cost of the rows matching where (store when open, else the bills), sorted
 * by day, up to the as-of day. *out is the caller's (mlcu_free). */
int mlc_report__day_costs(mlc_day_cost **out, size_t *n, mlc_report *r, const char *const *where,
                          size_t nwhere);
/* Set first/last/as_of days from the total daily cost, and the daily series. */
int mlc_report__daily(mlc_report *r);
/* Cost by model and phase, tag coverage, and (bills with usage) unit cost. */
int mlc_report__by_model(mlc_report *r);
int mlc_report__coverage(mlc_report *r);
int mlc_report__unit(mlc_report *r);
/* Forecast and anomalies of the daily series; the budgets' status and days. */
int mlc_report__series(mlc_report *r);
int mlc_report__budgets(mlc_report *r);
/* Coverage built from the ledger's presence bits (no ResourceId there: by service). */
int mlc_report__coverage_from_groups(mlc_tag_coverage **out, const mlc_bills_result *g,
                                     const char *const *keys, size_t nkeys);
void mlc_report__coverage_free(mlc_tag_coverage *c);

#endif
