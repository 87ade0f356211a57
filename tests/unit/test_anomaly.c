/* SPDX-License-Identifier: MIT */
/* Unit tests for the anomaly module: a sudden doubling of daily cost is
 * caught (both baselines), the robust z-score worked out by hand (median,
 * MAD, the MAD = 0 fallback), the weekday-median baseline, the money and
 * percent floors, the direction, short series and bad options. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mlcost/series.h"
#include "test_support.h"

static void near(double a, double b, double tol)
{
	if (!(fabs(a - b) <= tol * (fabs(b) > 1 ? fabs(b) : 1)))
		fail_msg("%.17g is not %.17g", a, b);
}
#define NEAR(a, b) near((a), (b), 1e-9)

#define FIRST 19783 /* 2024-03-01 */

static const mlc_anomaly_result *detect(mlc_anomaly **a, double *y, size_t n,
                                        const mlc_anomaly_options *o)
{
	mlc_series s = {FIRST, n, y};
	assert_int_equal(mlc_anomaly_detect(a, &s, o), 0);
	return mlc_anomaly_get(*a);
}

/* A weekday pattern with a deterministic wobble of ±5 that does not repeat
 * weekly (period 11): about 100 a day. */
static void wobbly_weeks(double *y, size_t n)
{
	static const double week[7] = {104, 108, 106, 103, 99, 88, 92};
	size_t t;
	for (t = 0; t < n; t++)
		y[t] = week[t % 7] + (double)((t * 37) % 11) - 5;
}

static void a_sudden_doubling_is_caught(void **state)
{
	/* 8 weeks of ~100 a day, then one day at twice its usual cost */
	double y[60];
	mlc_anomaly *a = NULL;
	const mlc_anomaly_result *r;
	mlc_anomaly_options o = MLC_ANOMALY_OPTIONS_INIT;
	size_t i;
	(void)state;
	wobbly_weeks(y, 60);
	y[57] *= 2;
	r = detect(&a, y, 60, NULL);
	assert_int_equal(r->nflagged, 1);
	assert_int_equal(r->flagged[0], 57);
	assert_true(r->days[57].flagged && r->days[57].z > 3.5);
	/* the baseline is the same weekday's median, about the usual cost (±5) */
	NEAR(r->days[57].impact, y[57] - r->days[57].baseline);
	assert_true(fabs(r->days[57].baseline - y[57] / 2) <= 10);
	assert_true(r->days[57].pct > 80 && r->days[57].pct < 125);
	NEAR(r->flagged_impact, r->days[57].impact);
	mlc_anomaly_free(a);
	/* the Holt-Winters one-step baseline catches it too */
	o.baseline = MLC_ANOMALY_HOLT_WINTERS;
	r = detect(&a, y, 60, &o);
	assert_true(r->nflagged >= 1);
	for (i = 0; i < r->nflagged; i++)
		if (r->flagged[i] == 57)
			break;
	assert_true(i < r->nflagged);
	assert_true(r->days[57].impact > 50);
	mlc_anomaly_free(a);
	/* and so is a step: every doubled day until the median catches up */
	wobbly_weeks(y, 60);
	for (i = 49; i < 60; i++)
		y[i] *= 2;
	r = detect(&a, y, 60, NULL);
	for (i = 49; i < 60; i++)
		assert_true(r->days[i].flagged);
	assert_int_equal(r->nflagged, 11);
	mlc_anomaly_free(a);
}

static void robust_z_by_hand(void **state)
{
	/* weeks = 1: the baseline is the cost 7 days earlier. Week 1 costs 10 a
	 * day, week 2 10 + (0 1 −1 2 −2 0 9): residuals 0 1 −1 2 −2 0 9,
	 * median 0, absolute deviations 0 1 1 2 2 0 9 → MAD 1.
	 * z(9) = 0.6745 × 9 / 1 = 6.0705 > 3.5; z(2) = 1.349; pct(9) = 90% */
	double y[14] = {10, 10, 10, 10, 10, 10, 10, 10, 11, 9, 12, 8, 10, 19};
	mlc_anomaly *a = NULL;
	const mlc_anomaly_result *r;
	mlc_anomaly_options o = MLC_ANOMALY_OPTIONS_INIT;
	(void)state;
	o.weeks = 1;
	o.min_weeks = 1;
	r = detect(&a, y, 14, &o);
	assert_int_equal(r->nscored, 7);
	assert_int_equal(r->days[6].scored, 0);
	assert_int_equal(r->scale, MLC_ANOMALY_SCALE_MAD);
	NEAR(r->residual_median, 0);
	NEAR(r->mad, 1);
	NEAR(r->meanad, 15.0 / 7);
	NEAR(r->days[13].z, 0.6745 * 9);
	NEAR(r->days[10].z, 0.6745 * 2);
	NEAR(r->days[11].z, -0.6745 * 2);
	NEAR(r->days[13].baseline, 10);
	NEAR(r->days[13].impact, 9);
	NEAR(r->days[13].pct, 90);
	assert_int_equal(r->nflagged, 1);
	assert_int_equal(r->flagged[0], 13);
	mlc_anomaly_free(a);
	/* floors: 9 is below a 10.0 minimum impact, 90% below a 95% minimum */
	o.min_impact = 10;
	r = detect(&a, y, 14, &o);
	assert_int_equal(r->nflagged, 0);
	mlc_anomaly_free(a);
	o.min_impact = 9;
	o.min_pct = 95;
	r = detect(&a, y, 14, &o);
	assert_int_equal(r->nflagged, 0);
	mlc_anomaly_free(a);
	/* a threshold of 6.1 is above 6.0705; drops only: a spike is not one */
	o.min_pct = 0;
	o.threshold = 6.1;
	r = detect(&a, y, 14, &o);
	assert_int_equal(r->nflagged, 0);
	mlc_anomaly_free(a);
	o.threshold = 3.5;
	o.direction = MLC_ANOMALY_DOWN;
	r = detect(&a, y, 14, &o);
	assert_int_equal(r->nflagged, 0);
	mlc_anomaly_free(a);
	/* a drop of the same size: 10 → 1, residual −9, z −6.07, pct −90% */
	y[13] = 1;
	r = detect(&a, y, 14, &o);
	assert_int_equal(r->nflagged, 1);
	NEAR(r->days[13].pct, -90);
	mlc_anomaly_free(a);
}

static void zero_mad_falls_back_to_mean_deviation(void **state)
{
	/* residuals 0 0 0 0 0 0 6: MAD 0; mean absolute deviation 6/7;
	 * z = 6 / (1.253314 × 6/7) = 7 / 1.253314 = 5.585 */
	double y[14] = {5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 11};
	mlc_anomaly *a = NULL;
	const mlc_anomaly_result *r;
	mlc_anomaly_options o = MLC_ANOMALY_OPTIONS_INIT;
	(void)state;
	o.weeks = 1;
	o.min_weeks = 1;
	r = detect(&a, y, 14, &o);
	assert_int_equal(r->scale, MLC_ANOMALY_SCALE_MEANAD);
	NEAR(r->mad, 0);
	NEAR(r->days[13].z, 7 / 1.253314);
	assert_int_equal(r->nflagged, 1);
	mlc_anomaly_free(a);
	/* all residuals equal: no scale, every z is 0, nothing flagged */
	y[13] = 5;
	r = detect(&a, y, 14, &o);
	assert_int_equal(r->scale, MLC_ANOMALY_SCALE_NONE);
	assert_int_equal(r->nflagged, 0);
	NEAR(r->days[13].z, 0);
	mlc_anomaly_free(a);
}

static void weekday_median_over_four_weeks(void **state)
{
	/* day 35 (a Friday-like weekday 0) has 4 previous weeks at days 28 21 14 7
	 * (its own weekday, weeks = 4) costing 1 9 3 7: median (3 + 7) / 2 = 5.
	 * Day 14 has two previous weeks (7 and 0): median (7 + 2) / 2 = 4.5.
	 * Day 13 has only one: not scored with min_weeks = 2 */
	double y[36];
	mlc_anomaly *a = NULL;
	const mlc_anomaly_result *r;
	(void)state;
	memset(y, 0, sizeof(y));
	y[0] = 2;
	y[7] = 7;
	y[14] = 3;
	y[21] = 9;
	y[28] = 1;
	y[35] = 6;
	r = detect(&a, y, 36, NULL);
	assert_int_equal(r->days[13].scored, 0);
	assert_int_equal(r->days[14].scored, 1);
	NEAR(r->days[14].baseline, 4.5);
	NEAR(r->days[35].baseline, 5);
	NEAR(r->days[35].impact, 1);
	assert_int_equal(r->nscored, 36 - 14);
	/* a zero baseline leaves the percent undefined */
	assert_int_equal(r->days[15].pct_defined, 0);
	mlc_anomaly_free(a);
}

static void short_series_score_nothing(void **state)
{
	double y[13];
	mlc_anomaly *a = NULL;
	const mlc_anomaly_result *r;
	mlc_anomaly_options o = MLC_ANOMALY_OPTIONS_INIT;
	(void)state;
	wobbly_weeks(y, 13);
	r = detect(&a, y, 13, NULL);
	assert_int_equal(r->nscored, 0);
	assert_int_equal(r->nflagged, 0);
	assert_int_equal(r->ndays, 13);
	mlc_anomaly_free(a);
	o.baseline = MLC_ANOMALY_HOLT_WINTERS;
	r = detect(&a, y, 13, &o);
	assert_int_equal(r->nscored, 0);
	mlc_anomaly_free(a);
	r = detect(&a, y, 0, &o);
	assert_int_equal(r->ndays, 0);
	mlc_anomaly_free(a);
}

static void bad_options_are_refused(void **state)
{
	double y[3] = {1, 2, 3};
	mlc_series s = {FIRST, 3, y};
	mlc_anomaly *a = NULL;
	mlc_anomaly_options o = MLC_ANOMALY_OPTIONS_INIT;
	mlc_anomaly_baseline b;
	mlc_anomaly_direction d;
	(void)state;
	o.threshold = 0;
	assert_int_equal(mlc_anomaly_detect(&a, &s, &o), MLC_EINVAL);
	o.threshold = 3.5;
	o.min_weeks = 5;
	assert_int_equal(mlc_anomaly_detect(&a, &s, &o), MLC_EINVAL);
	assert_non_null(strstr(mlc_error_message(), "min_weeks 5"));
	o.min_weeks = 2;
	o.min_pct = -1;
	assert_int_equal(mlc_anomaly_detect(&a, &s, &o), MLC_EINVAL);
	o.min_pct = NAN;
	assert_int_equal(mlc_anomaly_detect(&a, &s, &o), MLC_EINVAL);
	assert_null(a);
	assert_int_equal(mlc_anomaly_baseline_parse(&b, "holt-winters"), 0);
	assert_int_equal(b, MLC_ANOMALY_HOLT_WINTERS);
	assert_string_equal(mlc_anomaly_baseline_name(MLC_ANOMALY_WEEKDAY_MEDIAN),
			    "weekday-median");
	assert_int_equal(mlc_anomaly_baseline_parse(&b, "mean"), MLC_EINVAL);
	assert_int_equal(mlc_anomaly_direction_parse(&d, "up"), 0);
	assert_int_equal(d, MLC_ANOMALY_UP);
	assert_int_equal(mlc_anomaly_direction_parse(&d, "sideways"), MLC_EINVAL);
}

static void survives_every_allocation_failure(void **state)
{
	mlc_anomaly_options o = MLC_ANOMALY_OPTIONS_INIT;
	double y[40];
	mlc_series s = {FIRST, 40, y};
	long n;
	int rc = -1, pass;
	(void)state;
	wobbly_weeks(y, 40);
	for (pass = 0; pass < 2; pass++) {
		o.baseline = pass ? MLC_ANOMALY_HOLT_WINTERS : MLC_ANOMALY_WEEKDAY_MEDIAN;
		for (rc = -1, n = 0; n < 1000 && rc != 0; n++) {
			mlc_anomaly *a = NULL;
			test_fail_allocation(n);
			rc = mlc_anomaly_detect(&a, &s, &o);
			if (rc != 0)
				assert_int_equal(rc, MLC_ENOMEM);
			mlc_anomaly_free(a);
			test_restore_allocator();
			assert_int_equal(test_alloc_live, 0);
		}
		assert_int_equal(rc, 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(a_sudden_doubling_is_caught),
	    cmocka_unit_test(robust_z_by_hand),
	    cmocka_unit_test(zero_mad_falls_back_to_mean_deviation),
	    cmocka_unit_test(weekday_median_over_four_weeks),
	    cmocka_unit_test(short_series_score_nothing),
	    cmocka_unit_test(bad_options_are_refused),
	    cmocka_unit_test(survives_every_allocation_failure),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
