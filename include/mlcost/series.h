/* SPDX-License-Identifier: MIT */
/*
 * mlcost/series.h - the mathematics of cost over time (SPEC §7): daily
 * series, forecasts (Holt-Winters with weekly seasonality, or a linear
 * trend) with prediction intervals, a backtest and projections; anomalies
 * (robust scores of departures from a seasonal baseline); budgets (the
 * budgets YAML file and the status of a budget given its daily cost).
 *
 * Everything here works on a daily series handed in by the caller: where
 * the numbers come from (a store, a bill) is not this header's business.
 * A forecast is an estimate, so values are double (SPEC §1); the exact
 * totals of a bill stay with the bill and the store. Days are counted in
 * whole UTC days since 1970-01-01. See docs/forecast.md, docs/anomalies.md
 * and docs/budgets.md for the methods, defaults and decisions.
 */
#ifndef MLCOST_SERIES_H
#define MLCOST_SERIES_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- daily series ----------------------------------------------------------------------- */

#define MLC_SERIES_MAX_DAYS 36600  /**< about a century of days */
#define MLC_SERIES_MAX_HORIZON 3660 /**< forecast horizon, days */

/**
 * A dense daily series: values[i] is the cost of day first_day + i. A day
 * without charges costs 0; there are no gaps. The series ends with the
 * last day the data covers (the "as of" day of forecasts and budgets), so
 * a caller whose store has data up to yesterday passes the series up to
 * yesterday even when a group had no cost on its last days.
 */
typedef struct mlc_series {
	int64_t first_day; /**< days since 1970-01-01 (UTC) of values[0] */
	size_t n;
	double *values; /**< the caller's, or owned when made by mlc_series_from_points */
} mlc_series;

/** One day's cost, as a store or an aggregation returns it. */
typedef struct mlc_series_point {
	int64_t day; /**< days since 1970-01-01 (UTC) */
	double cost;
} mlc_series_point;

/** Pass as from_day / to_day of mlc_series_from_points to take the points' range. */
#define MLC_SERIES_AUTO INT64_MIN

/**
 * A dense series over [from_day, to_day] (inclusive) from points in any
 * order: points of one day are added, days without points are 0, points
 * outside the range are ignored. MLC_SERIES_AUTO takes the first / last
 * day of the points. MLC_EINVAL for no points with an AUTO bound, an empty
 * range or a non-finite cost; MLC_ETOOLARGE beyond MLC_SERIES_MAX_DAYS.
 * Release out with mlc_series_clear().
 */
MLC_EXTERN int mlc_series_from_points(mlc_series *out, const mlc_series_point *points, size_t n,
                                      int64_t from_day, int64_t to_day);

/** Free the values of a series made by mlc_series_from_points and zero it. NULL is fine. */
MLC_EXTERN void mlc_series_clear(mlc_series *s);

/** The day of a "YYYY-MM-DD" date (days since 1970-01-01); 0, or MLC_EPARSE. */
MLC_EXTERN int mlc_series_day_parse(int64_t *out, const char *text);

/** "YYYY-MM-DD" of day; snprintf-like, 16 bytes always suffice. */
MLC_EXTERN size_t mlc_series_day_format(char *out, size_t cap, int64_t day);

/* ---- forecast --------------------------------------------------------------------------- */

typedef enum mlc_forecast_model {
	MLC_FORECAST_AUTO = 0,         /**< Holt-Winters from 21 days of history, linear below */
	MLC_FORECAST_HOLT_WINTERS = 1, /**< additive trend and weekly season (period 7) */
	MLC_FORECAST_LINEAR = 2        /**< least-squares line through the history */
} mlc_forecast_model;

/** "auto", "holt-winters", "linear"; 0, or MLC_EINVAL. */
MLC_EXTERN int mlc_forecast_model_parse(mlc_forecast_model *out, const char *name);
MLC_EXTERN const char *mlc_forecast_model_name(mlc_forecast_model m);

#define MLC_FORECAST_SEASON 7     /**< days in a season (a week) */
#define MLC_FORECAST_MIN_HW 21    /**< AUTO picks Holt-Winters from this many days */
#define MLC_FORECAST_MIN_HW_FORCED 14 /**< Holt-Winters asked for explicitly: two seasons */
#define MLC_FORECAST_MIN_DAYS 2   /**< fewer days than this is an error */

typedef struct mlc_forecast_options {
	unsigned version;
	mlc_forecast_model model;
	unsigned horizon;       /**< days forecast after the series; default 90 */
	unsigned backtest_days; /**< holdout of the backtest; default 28 */
	int no_backtest;        /**< 1: skip the backtest (it refits the model) */
	int allow_negative;     /**< 0 (default): forecasts and bounds are floored at 0
				     unless the history has a negative day (credits) */
} mlc_forecast_options;

#define MLC_FORECAST_OPTIONS_VERSION 1
#define MLC_FORECAST_OPTIONS_INIT                                                                  \
	{                                                                                          \
		MLC_FORECAST_OPTIONS_VERSION, MLC_FORECAST_AUTO, 90, 28, 0, 0                      \
	}

/** One forecast day: the mean and the 80% and 95% prediction intervals. */
typedef struct mlc_forecast_day {
	int64_t day;
	double mean;
	double lo80, hi80;
	double lo95, hi95;
} mlc_forecast_day;

/**
 * A projected sum over the days [from_day, to_day] (inclusive): the
 * observed part plus the forecast of the rest, with intervals for the sum
 * (the correlation of the daily forecast errors is accounted for).
 */
typedef struct mlc_forecast_total {
	int64_t from_day, to_day;
	unsigned actual_days;   /**< days of the range already observed */
	unsigned forecast_days; /**< days of the range forecast */
	double actual;          /**< observed cost in the range */
	double forecast;        /**< forecast cost of the unobserved days */
	double total;           /**< actual + forecast */
	double lo80, hi80;      /**< interval of total */
	double lo95, hi95;
} mlc_forecast_total;

typedef struct mlc_forecast_result {
	mlc_forecast_model model; /**< the model used (never AUTO) */
	const char *note;         /**< why this model, e.g. "14 days of history: linear trend" */
	int64_t first_day, last_day; /**< the history used; last_day is the "as of" day */
	size_t history_days;
	/* Holt-Winters: smoothing parameters (beta smooths the trend, 0..1) and the
	 * states after the last day; seasonal[k] belongs to day last_day + 1 + k.
	 * has_trend is 0 when the form without a trend had the lower AICc
	 * (then beta and trend are 0). */
	double alpha, beta, gamma;
	int has_trend;
	double level, trend;
	double seasonal[MLC_FORECAST_SEASON];
	/* linear: cost = intercept + slope × (day − first_day) */
	double intercept, slope;
	double sigma;       /**< residual standard deviation (one-step errors for HW) */
	int has_intervals;  /**< 0 when sigma cannot be estimated (2 days, linear) */
	size_t horizon;
	const mlc_forecast_day *days; /**< horizon entries, from last_day + 1 */
	/* backtest: the same procedure fitted without the last backtest_days,
	 * forecasting them; MAPE over the days whose actual cost is not 0 */
	int has_backtest;
	const char *backtest_note;   /**< why there is none, or "" */
	mlc_forecast_model backtest_model;
	size_t backtest_days;        /**< days held out */
	size_t backtest_scored;      /**< of which with a non-zero actual */
	double backtest_mape;        /**< percent */
	mlc_forecast_total month_end; /**< the month holding last_day + 1 */
	mlc_forecast_total horizon_total; /**< last_day + 1 .. last_day + horizon */
} mlc_forecast_result;

typedef struct mlc_forecast mlc_forecast;

/**
 * Fit a model to s (at least MLC_FORECAST_MIN_DAYS days; errors are
 * MLC_EINVAL with a message), forecast opts->horizon days, run the backtest
 * and the projections. opts may be NULL for the defaults. Deterministic:
 * the same series gives the same numbers.
 */
MLC_EXTERN int mlc_forecast_run(mlc_forecast **out, const mlc_series *s,
                                const mlc_forecast_options *opts);
MLC_EXTERN void mlc_forecast_free(mlc_forecast *f);
/** The result (borrowed, lives as long as f). */
MLC_EXTERN const mlc_forecast_result *mlc_forecast_get(const mlc_forecast *f);

/* ---- anomalies -------------------------------------------------------------------------- */

typedef enum mlc_anomaly_baseline {
	MLC_ANOMALY_WEEKDAY_MEDIAN = 0, /**< median of the same weekday over the previous weeks */
	MLC_ANOMALY_HOLT_WINTERS = 1    /**< one-step-ahead Holt-Winters forecast */
} mlc_anomaly_baseline;

typedef enum mlc_anomaly_direction {
	MLC_ANOMALY_BOTH = 0, /**< spikes and drops */
	MLC_ANOMALY_UP = 1,   /**< spikes only */
	MLC_ANOMALY_DOWN = 2  /**< drops only */
} mlc_anomaly_direction;

/** "weekday-median", "holt-winters"; 0, or MLC_EINVAL. */
MLC_EXTERN int mlc_anomaly_baseline_parse(mlc_anomaly_baseline *out, const char *name);
MLC_EXTERN const char *mlc_anomaly_baseline_name(mlc_anomaly_baseline b);
/** "both", "up", "down"; 0, or MLC_EINVAL. */
MLC_EXTERN int mlc_anomaly_direction_parse(mlc_anomaly_direction *out, const char *name);

typedef struct mlc_anomaly_options {
	unsigned version;
	mlc_anomaly_baseline baseline;
	unsigned weeks;     /**< weekday median over this many previous weeks; default 4 */
	unsigned min_weeks; /**< a day is scored from this many previous weeks; default 2 */
	double threshold;   /**< flag when |robust z| > threshold; default 3.5 */
	double min_impact;  /**< and |actual − baseline| >= min_impact (money); default 0 */
	double min_pct;     /**< and |impact| / baseline × 100 >= min_pct; default 0 */
	mlc_anomaly_direction direction;
} mlc_anomaly_options;

#define MLC_ANOMALY_OPTIONS_VERSION 1
#define MLC_ANOMALY_OPTIONS_INIT                                                                   \
	{                                                                                          \
		MLC_ANOMALY_OPTIONS_VERSION, MLC_ANOMALY_WEEKDAY_MEDIAN, 4, 2, 3.5, 0, 0,          \
		    MLC_ANOMALY_BOTH                                                               \
	}

typedef struct mlc_anomaly_day {
	int64_t day;
	double actual;
	int scored;      /**< 0: too little history for a baseline; the rest is 0 */
	double baseline; /**< expected cost */
	double impact;   /**< actual − baseline (money; negative for a drop) */
	double pct;      /**< impact / baseline × 100; 0 when pct_defined is 0 */
	int pct_defined; /**< 0 when the baseline is 0 (new spend) */
	double z;        /**< robust z of the residual */
	int flagged;
} mlc_anomaly_day;

/** How the scale of the residuals was measured. */
typedef enum mlc_anomaly_scale {
	MLC_ANOMALY_SCALE_MAD = 0,    /**< z = 0.6745 (r − median) / MAD */
	MLC_ANOMALY_SCALE_MEANAD = 1, /**< MAD = 0: z = (r − median) / (1.2533 × mean |r − median|) */
	MLC_ANOMALY_SCALE_NONE = 2    /**< all residuals equal: every z is 0 */
} mlc_anomaly_scale;

typedef struct mlc_anomaly_result {
	mlc_anomaly_options options; /**< as used, defaults filled in */
	size_t ndays;
	const mlc_anomaly_day *days; /**< one per day of the series */
	size_t nscored;
	double residual_median;
	double mad;                  /**< median absolute deviation of the residuals */
	double meanad;               /**< mean absolute deviation (used when mad is 0) */
	mlc_anomaly_scale scale;
	size_t nflagged;
	const size_t *flagged;       /**< indexes into days, in day order */
	double flagged_impact;       /**< sum of the flagged days' impact */
} mlc_anomaly_result;

typedef struct mlc_anomaly mlc_anomaly;

/**
 * Score every day of s against its baseline and flag the anomalies. opts
 * may be NULL. A series too short to score any day is not an error: it
 * has nscored 0. MLC_EINVAL for bad options (threshold <= 0, weeks 0, ...).
 */
MLC_EXTERN int mlc_anomaly_detect(mlc_anomaly **out, const mlc_series *s,
                                  const mlc_anomaly_options *opts);
MLC_EXTERN void mlc_anomaly_free(mlc_anomaly *a);
MLC_EXTERN const mlc_anomaly_result *mlc_anomaly_get(const mlc_anomaly *a);

/* ---- budgets ---------------------------------------------------------------------------- */

#define MLC_BUDGET_MAX 10000        /**< budgets in one file */
#define MLC_BUDGET_MAX_ALERTS 16    /**< thresholds per budget */
#define MLC_BUDGET_MAX_FILTERS 16   /**< keys per filter */
#define MLC_BUDGET_MAX_VALUES 64    /**< alternative values per key */
#define MLC_BUDGET_VARIANCE_FLAG 0.10 /**< |variance| above this is flagged */

typedef enum mlc_budget_period {
	MLC_BUDGET_MONTH = 0,
	MLC_BUDGET_QUARTER = 1,
	MLC_BUDGET_YEAR = 2
} mlc_budget_period;

MLC_EXTERN const char *mlc_budget_period_name(mlc_budget_period p);

/**
 * One key of a budget's scope: key is "tag:KEY" or a FOCUS column in its
 * FOCUS spelling (or another header column as written); the row matches
 * when its value is one of values (OR). Different keys must all match.
 */
typedef struct mlc_budget_filter {
	const char *key;
	size_t nvalues;
	const char *const *values;
} mlc_budget_filter;

typedef struct mlc_budget {
	const char *name;
	const char *description; /**< "" when none */
	size_t nfilters;         /**< 0: the whole bill */
	const mlc_budget_filter *filters;
	double amount;           /**< per period, > 0 */
	const char *currency;    /**< default "USD" */
	mlc_budget_period period;
	size_t nalerts;
	const double *alerts; /**< percents of amount, ascending, distinct; default {100} */
	int forecast;         /**< 1: thresholds also fire on the forecast at period end */
	int line;             /**< where the budget starts in its file (1-based) */
} mlc_budget;

typedef struct mlc_budgets mlc_budgets;

/** Load a budgets file (docs/budgets.md). Errors: FILE:LINE:COL, MLC_EPARSE. */
MLC_EXTERN int mlc_budgets_load_file(mlc_budgets **out, const char *path);
MLC_EXTERN int mlc_budgets_load_string(mlc_budgets **out, const char *name, const char *yaml,
                                       size_t len);
MLC_EXTERN void mlc_budgets_free(mlc_budgets *b);
MLC_EXTERN size_t mlc_budgets_count(const mlc_budgets *b);
/** Budget i in file order (borrowed), or NULL past the end. */
MLC_EXTERN const mlc_budget *mlc_budgets_get(const mlc_budgets *b, size_t i);
/** The budget named name (borrowed), or NULL. */
MLC_EXTERN const mlc_budget *mlc_budgets_find(const mlc_budgets *b, const char *name);

typedef struct mlc_budget_status_options {
	unsigned version;
	int has_as_of;
	int64_t as_of; /**< last day counted as actual; default the series' last day */
	int has_day;
	int64_t day;   /**< a day of the period to report; default as_of + 1 */
} mlc_budget_status_options;

#define MLC_BUDGET_STATUS_OPTIONS_VERSION 1
#define MLC_BUDGET_STATUS_OPTIONS_INIT { MLC_BUDGET_STATUS_OPTIONS_VERSION, 0, 0, 0, 0 }

typedef struct mlc_budget_alert {
	double pct;        /**< threshold, percent of the amount */
	double at;         /**< the threshold in money: amount × pct / 100 */
	int by_actual;     /**< actual >= at */
	int by_forecast;   /**< the budget has forecast: true and forecast_at_end >= at */
} mlc_budget_alert;

typedef struct mlc_budget_status {
	const char *name;      /**< borrowed from the budget */
	double amount;
	mlc_budget_period period;
	int64_t period_start;  /**< first day */
	int64_t period_end;    /**< last day (inclusive) */
	int64_t as_of;
	unsigned days_total, days_elapsed; /**< elapsed: days of the period up to as_of */
	double actual;         /**< cost of the elapsed days */
	double used_pct;       /**< actual / amount × 100 */
	double forecast_rest;  /**< forecast of the remaining days */
	double forecast_at_end; /**< actual + forecast_rest */
	double forecast_lo80, forecast_hi80; /**< interval of forecast_at_end */
	double forecast_pct;   /**< forecast_at_end / amount × 100 */
	const char *method;    /**< "holt-winters", "linear", "run-rate", "none" (period over) */
	double variance;       /**< (forecast_at_end − amount) / amount */
	int variance_flagged;  /**< |variance| > MLC_BUDGET_VARIANCE_FLAG */
	int exceeded_actual;   /**< actual > amount */
	int exceeded_forecast; /**< forecast_at_end > amount */
	int crossed;           /**< thresholds crossed (by actual, or by forecast when enabled) */
	size_t nalerts;
	mlc_budget_alert alerts[MLC_BUDGET_MAX_ALERTS];
} mlc_budget_status;

/**
 * The status of budget b given s, the daily cost of its scope (history
 * before the period helps the forecast). The period is the one holding
 * opts->day; the actual is the cost of its days up to as_of, the forecast
 * covers the rest (Holt-Winters or linear fitted on the days up to as_of;
 * a run-rate when fewer than MLC_FORECAST_MIN_DAYS). opts may be NULL.
 * out holds no allocation: there is nothing to free.
 */
MLC_EXTERN int mlc_budget_status_compute(mlc_budget_status *out, const mlc_budget *b,
                                         const mlc_series *s,
                                         const mlc_budget_status_options *opts);

#ifdef __cplusplus
}
#endif

#endif
