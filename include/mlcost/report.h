/* SPDX-License-Identifier: MIT */
/*
 * mlcost/report.h - reports people look at (`mlcost report`, the dashboard
 * of `mlcost serve`): one self-contained HTML page of SVG charts, each with
 * the table of its exact numbers, and a summary that answers "what does a
 * prediction cost, and is that good or bad?".
 *
 * Two steps, so that a front end with its own data can skip the first:
 *   1. mlc_report_build() reads the inputs (profile, what-ifs, variants,
 *      bills and/or the ledger store, usage, budgets, policy) and computes
 *      the library results the charts show;
 *   2. mlc_report_render_html() / mlc_report_render_json() turn a
 *      mlc_report_data, a plain struct of borrowed pointers to those
 *      results, into text. The daemon fills a mlc_report_data from its own
 *      store (or builds one with an open store handle) and renders it.
 *
 * The page needs no network and no script: inline CSS and SVG, the system
 * font stack, colours from a colour-blind-safe palette in light, dark and
 * print variants. The output is deterministic: the same data gives the
 * same bytes (no clock is read; numbers are formatted without the locale).
 * What it is not: a web server or a plotting library for other data. See
 * docs/report.md.
 */
#ifndef MLCOST_REPORT_H
#define MLCOST_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "bills.h"
#include "common.h"
#include "costmodel.h"
#include "series.h"
#include "store.h"
#include "unit.h"
#include "whatif.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Largest page the renderers produce (MLC_ETOOLARGE beyond). */
#define MLC_REPORT_MAX_BYTES (64u << 20)
/** Untagged resources shown when mlc_report_data.coverage_top is 0. */
#define MLC_REPORT_DEFAULT_TOP 10
/** Forecast days after the last day when mlc_report_inputs.horizon is 0. */
#define MLC_REPORT_DEFAULT_HORIZON 30
/** Budgets, models with a cost limit, notes and sources a report holds at most. */
#define MLC_REPORT_MAX_ITEMS 256

/** A budget with what its burn-down needs. */
typedef struct mlc_report_budget {
	const mlc_budget *budget;        /**< name, thresholds, forecast flag */
	const mlc_budget_status *status; /**< mlc_budget_status_compute's result */
	/** The cost of each day of the period up to status->as_of:
	 *  status->days_elapsed values from status->period_start. */
	const double *daily;
} mlc_report_budget;

/** A limit on the cost per 1,000 predictions (a policy's max_cost_per_1k). */
typedef struct mlc_report_limit {
	const char *model; /**< NULL: the default for every model */
	double max_cost_per_1k;
} mlc_report_limit;

/**
 * Metered cost of one model on one day, as `mlcost serve` totals its events
 * (GET /v1/costs?group_by=model,day gives these rows).
 */
typedef struct mlc_report_meter_row {
	const char *model; /**< NULL: events without a model */
	int64_t day;       /**< days since 1970-01-01 (UTC) */
	mlc_amount cost;   /**< exact */
	uint64_t requests; /**< predictions the events stand for */
	uint64_t events;
} mlc_report_meter_row;

/**
 * What a report shows. Every pointer is borrowed and may be NULL (or its
 * count 0): the section it feeds is then left out, with a note of the
 * input that would add it. Start from MLC_REPORT_DATA_INIT.
 */
typedef struct mlc_report_data {
	unsigned version;
	const char *title;    /**< NULL: "ML cost report" */
	const char *currency; /**< NULL: the data's, else "USD" */
	int has_as_of;
	int64_t as_of;         /**< last day of the data (days since 1970-01-01) */
	const char *generated; /**< footer text such as a time; NULL: none (deterministic) */

	/* ---- the cost model ---- */
	const mlc_estimate *estimate;        /**< cost per model and phase, unit economics */
	const mlc_compare_result *compare;   /**< what-ifs: the savings waterfall */
	const mlc_frontier_result *frontier; /**< variants: the cost–accuracy frontier */

	/* ---- bills or the ledger ---- */
	/** Cost grouped by exactly two dimensions, model then lifecycle phase
	 *  (e.g. tag:model_id, tag:lifecycle_phase), no bucket, basis 0. */
	const mlc_bills_result *by_model;
	const mlc_series *daily;             /**< total cost per day, ending on the as-of day */
	const mlc_amount *daily_exact;       /**< daily->n exact amounts for the table, or NULL */
	const mlc_forecast_result *forecast; /**< of daily; NULL: no forecast band */
	const mlc_anomaly_result *anomalies; /**< of daily; NULL: no markers */
	const mlc_unit_result *unit;         /**< cost per 1,000 predictions per model and day */
	const mlc_tag_coverage *coverage;    /**< tag coverage and top untagged resources */
	size_t coverage_top;                 /**< resources shown; 0: MLC_REPORT_DEFAULT_TOP */
	double min_coverage_pct;             /**< target line on the coverage chart; 0: none */
	const mlc_report_budget *budgets;
	size_t nbudgets;

	/* ---- what "good" means ---- */
	const mlc_report_limit
	    *limits; /**< drawn on the cost-per-1k charts, judged in the summary */
	size_t nlimits;

	/* ---- provenance ---- */
	const char *const *sources; /**< inputs listed in the footer */
	size_t nsources;
	const char *const *notes; /**< remarks shown under the summary (skipped rows, ...) */
	size_t nnotes;

	/* ---- metered events (version 2; the dashboard of `mlcost serve`) ---- */
	/** Cost per model and day, in the table's order (by day, then model). Adds
	 *  "Metered cost per model and day" (stacked bars) and "Cost per 1,000
	 *  requests" (a line per model) over the days from the first row's to
	 *  as_of (else the last row's). Without rows neither section is listed as
	 *  left out: a report from bills has nothing metered to miss. */
	const mlc_report_meter_row *meter;
	size_t nmeter;
} mlc_report_data;

/** 2 added meter/nmeter; a version 1 struct (without them) is still read. */
#define MLC_REPORT_DATA_VERSION 2
#define MLC_REPORT_DATA_INIT                                                                       \
	{                                                                                          \
		MLC_REPORT_DATA_VERSION, NULL, NULL, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL,     \
		    NULL, NULL, NULL, NULL, NULL, 0, 0, NULL, 0, NULL, 0, NULL, 0, NULL, 0, NULL,  \
		    0                                                                              \
	}
/** Rows of metered cost a report holds at most (MLC_ETOOLARGE beyond). */
#define MLC_REPORT_MAX_METER_ROWS 100000

/* ---- rendering ---------------------------------------------------------------------------- */

typedef enum mlc_report_page {
	MLC_REPORT_PAGE_FULL = 0,    /**< <!DOCTYPE html> ... </html> with its <style> */
	MLC_REPORT_PAGE_FRAGMENT = 1 /**< the <main> element only, for a page that refreshes it */
} mlc_report_page;

typedef struct mlc_report_html_options {
	unsigned version;
	mlc_report_page page;
	/** 1 (default): say which input would add each section left out, in
	 *  terms of `mlcost report` options; 0: list the sections only. */
	int hints;
	/** 1 (default): end with "Not in this report", the sections left out;
	 *  0: leave that list out (a dashboard that never has those inputs). */
	int list_omitted;
} mlc_report_html_options;

/** 2 added list_omitted; a version 1 struct (without it) is still read. */
#define MLC_REPORT_HTML_OPTIONS_VERSION 2
#define MLC_REPORT_HTML_OPTIONS_INIT                                                               \
	{                                                                                          \
		MLC_REPORT_HTML_OPTIONS_VERSION, MLC_REPORT_PAGE_FULL, 1, 1                        \
	}

/**
 * The report as HTML into *out (NUL-terminated, length in *out_len, which
 * may be NULL); free it with mlc_report_text_free. opts may be NULL.
 * MLC_EINVAL for inconsistent data (a count without its array, a
 * by_model result not grouped by two dimensions), MLC_ETOOLARGE past
 * MLC_REPORT_MAX_BYTES, MLC_ENOMEM.
 */
MLC_EXTERN int mlc_report_render_html(char **out, size_t *out_len, const mlc_report_data *d,
                                      const mlc_report_html_options *opts);

/**
 * The report's data model as JSON: {"title","as_of","currency","summary":
 * {...},"sections":[{"id","title","chart","marks":{KIND:N},"table":
 * {"columns":[{"name","kind"}],"rows":[[...]]}}],"omitted":[{"id","title",
 * "needs"}],"notes":[...]}; table values are the numbers the HTML tables
 * carry (exact amounts as exact JSON numbers, doubles shortest round-trip).
 */
MLC_EXTERN int mlc_report_render_json(char **out, size_t *out_len, const mlc_report_data *d);

/** The stylesheet the full page inlines (borrowed, static), for a host page. */
MLC_EXTERN const char *mlc_report_css(void);

/** Free a text from mlc_report_render_*(). NULL is fine. */
MLC_EXTERN void mlc_report_text_free(char *text);

/* ---- building from inputs ----------------------------------------------------------------- */

/** Tag keys whose coverage is shown when neither keys nor a policy are given. */
#define MLC_REPORT_DEFAULT_TAGS "model_id,team,lifecycle_phase"

typedef struct mlc_report_inputs {
	unsigned version;
	const char *title;
	const char *profile;      /**< cost profile (estimate) */
	const char *whatif;       /**< profile with a whatif: section (compare) */
	const char *whatif_model; /**< its model; NULL when it has one model */
	const char *variants;     /**< variants file (frontier) */
	const char *const *bills; /**< billing files */
	size_t nbills;
	const char *store;         /**< ledger URL (store.h), opened read-only; or NULL */
	mlc_store *store_handle;   /**< an open store instead of a URL (borrowed) */
	const char *usage;         /**< usage CSV: cost per 1,000 predictions (with bills) */
	const char *retrain_every; /**< amortize training over this cadence ("7d"); NULL: none */
	const char *budgets;       /**< budgets file */
	const char *policy;        /**< policy: required tags, coverage target, max cost per 1k */
	const char *const *require_tags; /**< tag keys; NULL/0: the policy's, else the default */
	size_t nrequire_tags;
	const char *as_of;         /**< "YYYY-MM-DD": data up to this day; NULL: the data's last */
	unsigned horizon;          /**< forecast days; 0: MLC_REPORT_DEFAULT_HORIZON */
	double anomaly_min_impact; /**< flag departures of at least this much money (0: any) */
	double anomaly_min_pct;    /**< and at least this % of the baseline (0: any) */
	mlc_cost_basis basis;      /**< default effective */
	const char *model_tag;     /**< default "model_id" */
	const char *phase_tag;     /**< default "lifecycle_phase" */
	const char *aliases;       /**< tag-key alias file */
	int lenient;               /**< skip bad bill and usage rows (counted in the notes) */
	unsigned threads;          /**< bill parse threads; 0: one per CPU */
} mlc_report_inputs;

#define MLC_REPORT_INPUTS_VERSION 1
#define MLC_REPORT_INPUTS_INIT                                                                     \
	{                                                                                          \
		MLC_REPORT_INPUTS_VERSION, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL,      \
		    NULL, NULL, NULL, NULL, NULL, 0, NULL, 0, 0, 0, MLC_COST_EFFECTIVE, NULL,      \
		    NULL, NULL, 0, 0                                                               \
	}

typedef struct mlc_report mlc_report;

/**
 * Read every input given and compute what the report shows: the estimate,
 * compare and frontier; from the bills (or else the store) cost by model
 * and phase, the daily cost with its forecast and anomalies, tag coverage,
 * the budgets' status; from bills and usage the cost per 1,000
 * predictions. With both bills and a store, the store gives the history
 * (daily cost, forecast, anomalies, budgets) and the bills the rest. At
 * least one input is required (MLC_EINVAL). Errors are the inputs' own
 * (MLC_EPARSE with FILE:LINE[:COL], MLC_EIO, MLC_ENOTFOUND, ...).
 */
MLC_EXTERN int mlc_report_build(mlc_report **out, const mlc_report_inputs *in);

/** The data to render (borrowed, lives as long as r). */
MLC_EXTERN const mlc_report_data *mlc_report_get(const mlc_report *r);

MLC_EXTERN void mlc_report_free(mlc_report *r);

#ifdef __cplusplus
}
#endif

#endif
