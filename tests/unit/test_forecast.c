/* SPDX-License-Identifier: MIT */
/* Unit tests for the forecast module: the least-squares line and its
 * prediction intervals worked out by hand, Holt-Winters reproducing a
 * noise-free season + trend, its error variance against Hyndman's closed
 * form and against the covariance double sum, month-end and horizon
 * projections, the backtest MAPE, model selection and errors. Every
 * expected number is derived in the comments or computed in the test by an
 * independent formula. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "forecast_internal.h"
#include "mlcost/series.h"
#include "series_internal.h"
#include "test_support.h"

static void near_tol(double a, double b, double tol)
{
	if (!(fabs(a - b) <= tol * (fabs(b) > 1 ? fabs(b) : 1)))
		fail_msg("%.17g is not %.17g (tolerance %g)", a, b, tol);
}
#define NEAR(a, b) near_tol((a), (b), 1e-9)

/* 2024-03-01 = 19783: 2024-01-01 is 54 × 365 + 13 leap days (1972..2020) = 19723, + 31 + 29 */
#define MAR_1_2024 19783

static const mlc_forecast_result *run(mlc_forecast **f, double *y, size_t n, int64_t first,
                                      const mlc_forecast_options *o)
{
	mlc_series s = {first, n, y};
	assert_int_equal(mlc_forecast_run(f, &s, o), 0);
	return mlc_forecast_get(*f);
}

static void a_line_is_reproduced(void **state)
{
	double y[10];
	mlc_forecast *f = NULL;
	const mlc_forecast_result *r;
	mlc_forecast_options o = MLC_FORECAST_OPTIONS_INIT;
	size_t t;
	(void)state;
	for (t = 0; t < 10; t++)
		y[t] = 12.5 + 3.25 * (double)t;
	o.horizon = 5;
	r = run(&f, y, 10, MAR_1_2024, &o);
	/* 10 days < 21: the line, exactly; sigma 0 so the intervals collapse */
	assert_int_equal(r->model, MLC_FORECAST_LINEAR);
	NEAR(r->slope, 3.25);
	NEAR(r->intercept, 12.5);
	assert_true(r->sigma < 1e-12);
	assert_int_equal(r->horizon, 5);
	for (t = 1; t <= 5; t++) {
		NEAR(r->days[t - 1].mean, 12.5 + 3.25 * (double)(9 + t));
		NEAR(r->days[t - 1].hi95, r->days[t - 1].mean);
		assert_int_equal(r->days[t - 1].day, MAR_1_2024 + 9 + (int64_t)t);
	}
	mlc_forecast_free(f);
}

static void linear_intervals_by_hand(void **state)
{
	/* y = 1 3 2 4 at t = 0..3: x̄ = 1.5, ȳ = 2.5, Sxx = 5, Sxy = 4 → slope 0.8,
	 * intercept 1.3; residuals −0.3 0.9 −0.9 0.3, SSE 1.8, σ² = 1.8 / 2 = 0.9.
	 * Day 1 ahead (t = 4): mean 4.5, var 0.9 (1 + 1/4 + 2.5²/5) = 2.25, sd 1.5.
	 * Student t, 2 degrees of freedom: q = (2p − 1) / sqrt(2 p (1 − p)). */
	double y[4] = {1, 3, 2, 4};
	double q95 = 0.95 / sqrt(2 * 0.975 * 0.025), q80 = 0.8 / sqrt(2 * 0.9 * 0.1);
	mlc_forecast *f = NULL;
	const mlc_forecast_result *r;
	mlc_forecast_options o = MLC_FORECAST_OPTIONS_INIT;
	(void)state;
	o.horizon = 2;
	o.allow_negative = 1;
	r = run(&f, y, 4, MAR_1_2024, &o);
	NEAR(r->slope, 0.8);
	NEAR(r->intercept, 1.3);
	NEAR(r->sigma, sqrt(0.9));
	assert_int_equal(r->has_intervals, 1);
	NEAR(r->days[0].mean, 4.5);
	NEAR(r->days[0].hi95, 4.5 + 1.5 * q95);
	NEAR(r->days[0].lo95, 4.5 - 1.5 * q95);
	NEAR(r->days[0].hi80, 4.5 + 1.5 * q80);
	/* day 2 (t = 5): mean 5.3, var 0.9 (1 + 1/4 + 3.5²/5) = 0.9 × 3.7 = 3.33 */
	NEAR(r->days[1].mean, 5.3);
	NEAR(r->days[1].hi95, 5.3 + sqrt(3.33) * q95);
	/* the sum of both days: L = 2, S = 2.5 + 3.5 = 6,
	 * var = 0.9 (2 + 2²/4 + 6²/5) = 0.9 × 10.2 = 9.18 */
	NEAR(r->horizon_total.forecast, 9.8);
	NEAR(r->horizon_total.total, 9.8);
	NEAR(r->horizon_total.hi95, 9.8 + sqrt(9.18) * q95);
	assert_int_equal(r->horizon_total.forecast_days, 2);
	mlc_forecast_free(f);
	/* floored at 0 (no negative day in the history): 4.5 − 1.5 × 4.30 < 0 */
	o.allow_negative = 0;
	r = run(&f, y, 4, MAR_1_2024, &o);
	assert_true(r->days[0].lo95 == 0);
	NEAR(r->days[0].lo80, 4.5 - 1.5 * q80);
	mlc_forecast_free(f);
}

static void a_falling_line_floors_at_zero(void **state)
{
	/* 10 8 6 4 2: the line goes to 0, −2, −4; costs are floored unless allowed */
	double y[5] = {10, 8, 6, 4, 2};
	mlc_forecast *f = NULL;
	const mlc_forecast_result *r;
	mlc_forecast_options o = MLC_FORECAST_OPTIONS_INIT;
	(void)state;
	o.horizon = 3;
	r = run(&f, y, 5, MAR_1_2024, &o);
	assert_true(r->days[0].mean == 0 && r->days[1].mean == 0 && r->days[2].mean == 0);
	mlc_forecast_free(f);
	o.allow_negative = 1;
	r = run(&f, y, 5, MAR_1_2024, &o);
	NEAR(r->days[1].mean, -2);
	mlc_forecast_free(f);
	/* a credit day in the history lets the forecast go below 0 by itself */
	y[4] = -1;
	o.allow_negative = 0;
	r = run(&f, y, 5, MAR_1_2024, &o);
	assert_true(r->days[2].mean < 0);
	mlc_forecast_free(f);
}

static double season7(size_t t)
{
	static const double s[7] = {12, -4, 3, 8, -9, -15, 5}; /* sums to 0 */
	return s[t % 7];
}

static void holt_winters_reproduces_season_and_trend(void **state)
{
	/* y = 200 + 1.5 t + s(t) without noise: with the least-squares initial
	 * values every one-step error is 0 whatever the smoothing, so the
	 * forecast continues the same formula */
	double y[56];
	mlc_forecast *f = NULL;
	const mlc_forecast_result *r;
	mlc_forecast_options o = MLC_FORECAST_OPTIONS_INIT;
	size_t t, h;
	(void)state;
	for (t = 0; t < 56; t++)
		y[t] = 200 + 1.5 * (double)t + season7(t);
	o.horizon = 35;
	r = run(&f, y, 56, MAR_1_2024, &o);
	assert_int_equal(r->model, MLC_FORECAST_HOLT_WINTERS);
	assert_int_equal(r->has_trend, 1); /* an SSE of 0 against one above 0 */
	assert_true(r->sigma < 1e-6);
	for (h = 1; h <= 35; h++) {
		double want = 200 + 1.5 * (double)(55 + h) + season7(55 + h);
		near_tol(r->days[h - 1].mean, want, 1e-6 / want);
		near_tol(r->days[h - 1].hi95, want, 1e-5 / want);
	}
	near_tol(r->trend, 1.5, 1e-8);
	/* seasonal[k] is the day last + 1 + k = t 56 + k */
	for (h = 0; h < 7; h++)
		near_tol(r->seasonal[h], season7(56 + h), 1e-7);
	/* the backtest fits 28 days and predicts the next 28 exactly too */
	assert_int_equal(r->has_backtest, 1);
	assert_int_equal(r->backtest_model, MLC_FORECAST_HOLT_WINTERS);
	assert_int_equal(r->backtest_scored, 28);
	assert_true(r->backtest_mape < 1e-6);
	mlc_forecast_free(f);
}

/* Hyndman et al. (2008) Table 6.1, ETS(A,A,A): the h-step variance in closed form */
static double hyndman_var(double s2, double a, double b, double g, size_t h)
{
	double k = (double)((h - 1) / 7), dh = (double)h;
	return s2 * (1 + (dh - 1) * (a * a + a * b * dh + b * b * dh * (2 * dh - 1) / 6) +
		     g * k * (2 * a + g + b * 7 * (k + 1)));
}

/* ψ_j of the error representation, for the double sum below */
static double psi(const mlc_fc_fit *f, size_t j)
{
	if (j == 0)
		return 1;
	return f->alpha + f->alpha * f->beta * (double)j + (j % 7 == 0 ? f->gamma : 0);
}

static void holt_winters_variance_matches_closed_forms(void **state)
{
	mlc_fc_fit f;
	double var[60];
	size_t h, a, b, i, j, k;
	(void)state;
	memset(&f, 0, sizeof(f));
	f.model = MLC_FORECAST_HOLT_WINTERS;
	f.n = 30;
	f.alpha = 0.3;
	f.beta = 0.2; /* ETS β = αβ = 0.06 */
	f.gamma = 0.1;
	f.sigma = 2;
	f.has_sigma = 1;
	mlc_forecast__day_vars(&f, 60, var);
	for (h = 1; h <= 60; h++) {
		NEAR(var[h - 1], hyndman_var(4, 0.3, 0.06, 0.1, h));
		NEAR(mlc_forecast__sum_var(&f, h, h), var[h - 1]);
	}
	/* a sum of days a..b: Σ_h Σ_h' Cov(e_h, e_h'), Cov = σ² Σ_k ψ_{h−k} ψ_{h'−k} */
	for (a = 1; a <= 9; a += 4)
		for (b = a; b <= 40; b += 13) {
			double want = 0;
			for (i = a; i <= b; i++)
				for (j = a; j <= b; j++)
					for (k = 1; k <= (i < j ? i : j); k++)
						want += 4 * psi(&f, i - k) * psi(&f, j - k);
			NEAR(mlc_forecast__sum_var(&f, a, b), want);
		}
}

static void month_end_adds_actual_and_forecast(void **state)
{
	/* 2024-03-01..10 costing 10 + t: actual 10 × 10 + 45 = 145; March 11..31 are
	 * t = 10..30: 21 × 10 + (10 + 30) × 21 / 2 = 630; month end 775 */
	double y[10];
	mlc_forecast *f = NULL;
	const mlc_forecast_result *r;
	mlc_forecast_options o = MLC_FORECAST_OPTIONS_INIT;
	size_t t;
	(void)state;
	for (t = 0; t < 10; t++)
		y[t] = 10 + (double)t;
	o.horizon = 3; /* shorter than the month: the month end is still projected */
	r = run(&f, y, 10, MAR_1_2024, &o);
	assert_int_equal(r->month_end.from_day, MAR_1_2024);
	assert_int_equal(r->month_end.to_day, MAR_1_2024 + 30);
	assert_int_equal(r->month_end.actual_days, 10);
	assert_int_equal(r->month_end.forecast_days, 21);
	NEAR(r->month_end.actual, 145);
	NEAR(r->month_end.forecast, 630);
	NEAR(r->month_end.total, 775);
	/* horizon total: t = 10, 11, 12 → 20 + 21 + 22 */
	NEAR(r->horizon_total.total, 63);
	assert_int_equal(r->horizon, 3);
	mlc_forecast_free(f);
	/* a series ending on the 31st projects the next month: nothing observed yet */
	r = run(&f, y, 10, MAR_1_2024 + 21, &o);
	assert_int_equal(r->month_end.from_day, MAR_1_2024 + 31);
	assert_int_equal(r->month_end.to_day, MAR_1_2024 + 31 + 29);
	assert_int_equal(r->month_end.actual_days, 0);
	assert_int_equal(r->month_end.forecast_days, 30);
	NEAR(r->month_end.actual, 0);
	mlc_forecast_free(f);
}

static void backtest_mape_by_hand(void **state)
{
	/* 12 days, the last 5 held out: the first 7 are the line 10 + 2t, so
	 * the forecasts of t = 7..11 are 24 26 28 30 32. Actuals 30 26 0 40 32:
	 * the 0 is skipped; |30−24|/30 = 0.2, 0, |40−30|/40 = 0.25, 0 →
	 * MAPE = 100 × 0.45 / 4 = 11.25% */
	double y[12] = {10, 12, 14, 16, 18, 20, 22, 30, 26, 0, 40, 32};
	mlc_forecast *f = NULL;
	const mlc_forecast_result *r;
	mlc_forecast_options o = MLC_FORECAST_OPTIONS_INIT;
	(void)state;
	o.backtest_days = 5;
	r = run(&f, y, 12, MAR_1_2024, &o);
	assert_int_equal(r->has_backtest, 1);
	assert_int_equal(r->backtest_days, 5);
	assert_int_equal(r->backtest_scored, 4);
	assert_int_equal(r->backtest_model, MLC_FORECAST_LINEAR);
	NEAR(r->backtest_mape, 11.25);
	assert_string_equal(r->backtest_note, "");
	mlc_forecast_free(f);
	/* the default 28-day holdout needs 30 days: no backtest, and a reason */
	o.backtest_days = 0;
	r = run(&f, y, 12, MAR_1_2024, &o);
	assert_int_equal(r->has_backtest, 0);
	assert_int_equal(r->backtest_days, 28);
	assert_non_null(strstr(r->backtest_note, "at least 30 days"));
	mlc_forecast_free(f);
	o.no_backtest = 1;
	r = run(&f, y, 12, MAR_1_2024, &o);
	assert_int_equal(r->has_backtest, 0);
	mlc_forecast_free(f);
}

static void model_follows_history_length(void **state)
{
	double y[30];
	mlc_forecast *f = NULL;
	const mlc_forecast_result *r;
	mlc_forecast_options o = MLC_FORECAST_OPTIONS_INIT;
	mlc_series s = {MAR_1_2024, 10, y};
	size_t t;
	(void)state;
	for (t = 0; t < 30; t++)
		y[t] = 100 + (double)(t % 7) + 0.5 * (double)((t * 7919) % 13);
	r = run(&f, y, 20, MAR_1_2024, &o);
	assert_int_equal(r->model, MLC_FORECAST_LINEAR);
	assert_non_null(strstr(r->note, "Holt-Winters needs 21"));
	mlc_forecast_free(f);
	r = run(&f, y, 21, MAR_1_2024, &o);
	assert_int_equal(r->model, MLC_FORECAST_HOLT_WINTERS);
	assert_true(r->alpha >= 0 && r->alpha <= 1 && r->beta >= 0 && r->beta <= 1);
	assert_true(r->gamma >= 0 && r->gamma <= 1 - r->alpha + 1e-12);
	mlc_forecast_free(f);
	o.model = MLC_FORECAST_LINEAR;
	r = run(&f, y, 30, MAR_1_2024, &o);
	assert_int_equal(r->model, MLC_FORECAST_LINEAR);
	mlc_forecast_free(f);
	/* Holt-Winters asked for with 10 days: an error naming the minimum */
	o.model = MLC_FORECAST_HOLT_WINTERS;
	assert_int_equal(mlc_forecast_run(&f, &s, &o), MLC_EINVAL);
	assert_null(f);
	assert_non_null(strstr(mlc_error_message(), "at least 14"));
}

static void a_trend_in_noise_is_dropped(void **state)
{
	/* 100 a day plus a wobble of ±6 repeating every 13 days: no trend and no
	 * weekly season, so the form without a trend has the lower AICc; a real
	 * slope of 2 a day (56 over the four weeks) keeps it */
	double y[42];
	mlc_forecast *f = NULL;
	const mlc_forecast_result *r;
	size_t t;
	(void)state;
	for (t = 0; t < 42; t++)
		y[t] = 100 + (double)((t * 7919) % 13) - 6;
	r = run(&f, y, 42, MAR_1_2024, NULL);
	assert_int_equal(r->model, MLC_FORECAST_HOLT_WINTERS);
	assert_int_equal(r->has_trend, 0);
	assert_true(r->beta == 0 && r->trend == 0);
	assert_non_null(strstr(r->note, "no trend (lower AICc)"));
	mlc_forecast_free(f);
	for (t = 0; t < 42; t++)
		y[t] += 2 * (double)t;
	r = run(&f, y, 42, MAR_1_2024, NULL);
	assert_int_equal(r->has_trend, 1);
	assert_true(r->trend > 1 && r->trend < 3);
	mlc_forecast_free(f);
}

static void same_series_same_numbers(void **state)
{
	double y[70];
	mlc_forecast *f1 = NULL, *f2 = NULL;
	const mlc_forecast_result *a, *b;
	size_t t;
	(void)state;
	for (t = 0; t < 70; t++)
		y[t] = 500 + 3 * (double)t + 40 * season7(t) + (double)((t * 7919) % 17);
	a = run(&f1, y, 70, MAR_1_2024, NULL);
	b = run(&f2, y, 70, MAR_1_2024, NULL);
	assert_int_equal(a->horizon, 90);
	assert_memory_equal(a->days, b->days, 90 * sizeof(*a->days));
	assert_true(a->alpha == b->alpha && a->backtest_mape == b->backtest_mape);
	/* intervals are ordered and widen with the horizon */
	for (t = 0; t < 90; t++) {
		const mlc_forecast_day *d = &a->days[t];
		assert_true(d->lo95 <= d->lo80 && d->lo80 <= d->mean && d->mean <= d->hi80 &&
			    d->hi80 <= d->hi95);
		if (t >= 7)
			assert_true(d->hi95 - d->lo95 >=
				    a->days[t - 7].hi95 - a->days[t - 7].lo95 - 1e-9);
	}
	mlc_forecast_free(f1);
	mlc_forecast_free(f2);
}

static void errors_are_clear(void **state)
{
	double y[3] = {1, NAN, 2};
	mlc_forecast *f = NULL;
	mlc_forecast_options o = MLC_FORECAST_OPTIONS_INIT;
	mlc_series s = {0, 1, y};
	(void)state;
	assert_int_equal(mlc_forecast_run(&f, &s, NULL), MLC_EINVAL);
	assert_string_equal(mlc_error_message(),
			    "1 day of history: a forecast needs at least 2 days");
	s.n = 0;
	assert_int_equal(mlc_forecast_run(&f, &s, NULL), MLC_EINVAL);
	s.n = 3;
	assert_int_equal(mlc_forecast_run(&f, &s, NULL), MLC_EINVAL);
	assert_non_null(strstr(mlc_error_message(), "1970-01-02: cost is not a finite number"));
	y[1] = 1;
	o.horizon = MLC_SERIES_MAX_HORIZON + 1;
	assert_int_equal(mlc_forecast_run(&f, &s, &o), MLC_ETOOLARGE);
	o.horizon = 10;
	o.version = 99;
	assert_int_equal(mlc_forecast_run(&f, &s, &o), MLC_EINVAL);
	assert_null(f);
}

static void model_names_round_trip(void **state)
{
	mlc_forecast_model m;
	(void)state;
	assert_int_equal(mlc_forecast_model_parse(&m, "holt-winters"), 0);
	assert_int_equal(m, MLC_FORECAST_HOLT_WINTERS);
	assert_string_equal(mlc_forecast_model_name(MLC_FORECAST_LINEAR), "linear");
	assert_int_equal(mlc_forecast_model_parse(&m, "arima"), MLC_EINVAL);
}

static void survives_every_allocation_failure(void **state)
{
	double y[40];
	mlc_series s = {MAR_1_2024, 40, y};
	long n;
	int rc = -1;
	size_t t;
	(void)state;
	for (t = 0; t < 40; t++)
		y[t] = 50 + season7(t) + (double)t;
	for (n = 0; n < 1000 && rc != 0; n++) {
		mlc_forecast *f = NULL;
		test_fail_allocation(n);
		rc = mlc_forecast_run(&f, &s, NULL);
		if (rc != 0)
			assert_int_equal(rc, MLC_ENOMEM);
		mlc_forecast_free(f);
		test_restore_allocator();
		assert_int_equal(test_alloc_live, 0);
	}
	assert_int_equal(rc, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(a_line_is_reproduced),
	    cmocka_unit_test(linear_intervals_by_hand),
	    cmocka_unit_test(a_falling_line_floors_at_zero),
	    cmocka_unit_test(holt_winters_reproduces_season_and_trend),
	    cmocka_unit_test(holt_winters_variance_matches_closed_forms),
	    cmocka_unit_test(month_end_adds_actual_and_forecast),
	    cmocka_unit_test(backtest_mape_by_hand),
	    cmocka_unit_test(model_follows_history_length),
	    cmocka_unit_test(a_trend_in_noise_is_dropped),
	    cmocka_unit_test(same_series_same_numbers),
	    cmocka_unit_test(errors_are_clear),
	    cmocka_unit_test(model_names_round_trip),
	    cmocka_unit_test(survives_every_allocation_failure),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
