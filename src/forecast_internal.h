/* SPDX-License-Identifier: MIT */
/*
 * forecast_internal.h - the fitted models behind mlc_forecast_run, shared
 * with the anomaly baseline and budget status: fit Holt-Winters (additive
 * trend, weekly season) or a least-squares line to y[0..n), then ask for
 * the mean, the error variance of one day, and of a sum of days.
 *
 * Time inside a fit is 0-based: y[0] is t = 0, the forecast h days ahead
 * is for t = n - 1 + h. Formulas and decisions: docs/forecast.md.
 */
#ifndef MLC_FORECAST_INTERNAL_H
#define MLC_FORECAST_INTERNAL_H

#include "mlcost/series.h"

#include <stddef.h>

#define MLC_FC_M MLC_FORECAST_SEASON
/* initial values estimated with the smoothing parameters: level, trend and
 * m - 1 seasonals (the last one makes the season sum to 0) */
#define MLC_FC_NZ (MLC_FC_M + 1)
/* Holt-Winters parameters counted for the residual variance and AICc:
 * alpha, beta, gamma and the initial values; without the trend, alpha,
 * gamma, the level and the seasonals */
#define MLC_FC_HW_PARAMS (3 + MLC_FC_NZ)
#define MLC_FC_HW_PARAMS_FLAT (2 + MLC_FC_NZ - 1)
/* models are fitted on at most the last this many days (three years) */
#define MLC_FC_FIT_MAX 1096

typedef struct mlc_fc_fit {
	mlc_forecast_model model; /* HOLT_WINTERS or LINEAR */
	size_t n;                 /* days fitted */
	int has_trend;            /* Holt-Winters: 0 when AICc dropped the trend (beta = 0) */
	/* Holt-Winters: alpha, beta (trend smoothing β*, so the ETS β is
	 * alpha × beta) and gamma (0 <= gamma <= 1 - alpha) */
	double alpha, beta, gamma;
	double init[2 + MLC_FC_M]; /* level, trend, seasonals before t = 0 */
	double level, trend;       /* after t = n - 1 */
	double season[MLC_FC_M];   /* season[t % m] for t >= n */
	/* linear: y = intercept + slope × t */
	double intercept, slope, xbar, sxx;
	double sse;
	double sigma;
	int has_sigma; /* 0: too few degrees of freedom to estimate sigma */
	unsigned dof;  /* quantiles: 0 = normal (Holt-Winters), n - 2 = Student t (linear) */
} mlc_fc_fit;

/* Least-squares line through y[0..n), n >= 2. */
void mlc_forecast__linear_fit(mlc_fc_fit *out, const double *y, size_t n);

/* Nelder-Mead on [0,1]^d, d <= MLC_FC_OPT_MAX_DIM, from u (whose value is
 * fu); the best point to u, its value returned. */
#define MLC_FC_OPT_MAX_DIM 3
typedef double (*mlc_fc_objective)(void *ctx, const double *u);
double mlc_forecast__minimize(double *u, int d, double fu, mlc_fc_objective fn, void *ctx,
                              int max_evals);

/*
 * Holt-Winters fitted by minimising the one-step-ahead SSE over y[0..n),
 * n >= MLC_FORECAST_MIN_HW_FORCED; the initial values are the least-squares
 * ones for each candidate (alpha, beta, gamma). Fitted with and without the
 * trend; the one with the lower AICc is kept. Deterministic.
 */
int mlc_forecast__hw_fit(mlc_fc_fit *out, const double *y, size_t n);

/* One-step-ahead forecasts pred[t] of y[t] from a Holt-Winters fit of y. */
void mlc_forecast__hw_onestep(double *pred, const mlc_fc_fit *f, const double *y, size_t n);

/* Mean forecast h >= 1 days after the last fitted day. */
double mlc_forecast__mean(const mlc_fc_fit *f, size_t h);

/* Variance of the error of the sum of the forecasts for days h = a..b (1 <= a <= b). */
double mlc_forecast__sum_var(const mlc_fc_fit *f, size_t a, size_t b);

/* var[h - 1] = variance of the error of day h, for h = 1..H. */
void mlc_forecast__day_vars(const mlc_fc_fit *f, size_t H, double *var);

/* Fit the model m asks for (AUTO: by length) to y[0..n); fills why with a note. */
int mlc_forecast__fit(mlc_fc_fit *out, const double *y, size_t n, mlc_forecast_model m,
                      char *why, size_t whycap);

#endif
