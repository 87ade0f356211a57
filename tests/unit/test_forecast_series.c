/* SPDX-License-Identifier: MIT */
/* Unit tests for the daily series and the statistics under the forecasts:
 * building a dense series from points, day labels, calendar periods, the
 * median, the compensated sum, and interval multipliers checked against
 * closed forms (erf for the normal, Student t with 1 and 2 degrees of
 * freedom) and against the t distribution's own central probability. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "mlcost/series.h"
#include "series_internal.h"

static void near(double a, double b)
{
	if (!(fabs(a - b) <= 1e-12 * (fabs(b) > 1 ? fabs(b) : 1)))
		fail_msg("%.17g is not %.17g", a, b);
}
#define NEAR(a, b) near((a), (b))

static void points_become_a_dense_series(void **state)
{
	/* days 10, 12, 12, 15: the two on day 12 add up, 11, 13 and 14 cost 0 */
	mlc_series_point p[4] = {{12, 2.5}, {15, 4}, {10, 1}, {12, 0.25}};
	mlc_series s;
	(void)state;
	assert_int_equal(mlc_series_from_points(&s, p, 4, MLC_SERIES_AUTO, MLC_SERIES_AUTO), 0);
	assert_int_equal(s.first_day, 10);
	assert_int_equal(s.n, 6);
	NEAR(s.values[0], 1);
	NEAR(s.values[1], 0);
	NEAR(s.values[2], 2.75);
	NEAR(s.values[3], 0);
	NEAR(s.values[5], 4);
	mlc_series_clear(&s);
	assert_null(s.values);
	/* an explicit range: day 10 is outside and dropped, days 16..17 are 0 */
	assert_int_equal(mlc_series_from_points(&s, p, 4, 11, 17), 0);
	assert_int_equal(s.first_day, 11);
	assert_int_equal(s.n, 7);
	NEAR(s.values[1], 2.75);
	NEAR(s.values[6], 0);
	mlc_series_clear(&s);
	assert_int_equal(mlc_series_from_points(&s, NULL, 0, 5, 5), 0);
	assert_int_equal(s.n, 1);
	mlc_series_clear(&s);
	/* errors */
	assert_int_equal(mlc_series_from_points(&s, NULL, 0, MLC_SERIES_AUTO, 5), MLC_EINVAL);
	assert_int_equal(mlc_series_from_points(&s, p, 4, 20, 19), MLC_EINVAL);
	assert_int_equal(mlc_series_from_points(&s, p, 4, 0, MLC_SERIES_MAX_DAYS), MLC_ETOOLARGE);
	assert_int_equal(mlc_series_from_points(&s, p, 4, INT64_MIN + 1, INT64_MAX), MLC_ETOOLARGE);
	p[1].cost = INFINITY;
	assert_int_equal(mlc_series_from_points(&s, p, 4, MLC_SERIES_AUTO, MLC_SERIES_AUTO),
			 MLC_EINVAL);
	mlc_series_clear(NULL);
}

static void days_parse_and_print(void **state)
{
	int64_t d;
	char buf[16];
	(void)state;
	/* 2024-01-01 = 54 × 365 + 13 leap days (1972..2020) = 19723; + 31 + 28 = Feb 29 */
	assert_int_equal(mlc_series_day_parse(&d, "2024-02-29"), 0);
	assert_int_equal(d, 19782);
	assert_int_equal(mlc_series_day_format(buf, sizeof(buf), d), 10);
	assert_string_equal(buf, "2024-02-29");
	/* a timestamp gives its UTC day; before 1970 days are negative */
	assert_int_equal(mlc_series_day_parse(&d, "2024-02-29T23:30:00-01:00"), 0);
	assert_int_equal(d, 19783);
	assert_int_equal(mlc_series_day_parse(&d, "1969-12-31T12:00:00Z"), 0);
	assert_int_equal(d, -1);
	mlc_series_day_format(buf, sizeof(buf), -1);
	assert_string_equal(buf, "1969-12-31");
	assert_int_equal(mlc_series_day_parse(&d, "2024-02-30"), MLC_EPARSE);
	assert_int_equal(mlc_series_day_parse(&d, NULL), MLC_EPARSE);
}

static void periods_are_calendar_periods(void **state)
{
	int64_t day, first, last, want;
	(void)state;
	assert_int_equal(mlc_series_day_parse(&day, "2024-05-15"), 0);
	mlc_series__period_bounds(day, MLC_BUDGET_MONTH, &first, &last);
	assert_int_equal(mlc_series_day_parse(&want, "2024-05-01"), 0);
	assert_int_equal(first, want);
	assert_int_equal(last - first + 1, 31);
	/* Q2: April 30 + May 31 + June 30 = 91 days */
	mlc_series__period_bounds(day, MLC_BUDGET_QUARTER, &first, &last);
	assert_int_equal(mlc_series_day_parse(&want, "2024-04-01"), 0);
	assert_int_equal(first, want);
	assert_int_equal(last - first + 1, 91);
	/* 2024 is a leap year */
	mlc_series__period_bounds(day, MLC_BUDGET_YEAR, &first, &last);
	assert_int_equal(last - first + 1, 366);
	/* December rolls into the next year; Q4 is 92 days */
	assert_int_equal(mlc_series_day_parse(&day, "2023-12-31"), 0);
	mlc_series__period_bounds(day, MLC_BUDGET_MONTH, &first, &last);
	assert_int_equal(last, day);
	mlc_series__period_bounds(day, MLC_BUDGET_QUARTER, &first, &last);
	assert_int_equal(last - first + 1, 92);
	assert_string_equal(mlc_budget_period_name(MLC_BUDGET_QUARTER), "quarter");
}

static void median_and_sum(void **state)
{
	double odd[5] = {9, 1, 5, 3, 7}, even[4] = {4, 1, 3, 2};
	double many[1001];
	size_t i;
	(void)state;
	NEAR(mlc_series__median(odd, 5), 5);
	NEAR(mlc_series__median(even, 4), 2.5);
	NEAR(mlc_series__median(NULL, 0), 0);
	/* 1e16 + 1000 × 1 − 1e16: a naive sum loses every 1 (1e16 + 1 == 1e16) */
	many[0] = 1e16;
	for (i = 1; i <= 999; i++)
		many[i] = 1;
	many[1000] = -1e16;
	NEAR(mlc_series__sum(many, 1001), 999);
}

static void interval_multipliers(void **state)
{
	double z80 = mlc_series__quantile(0.80, 0), z95 = mlc_series__quantile(0.95, 0);
	unsigned dof;
	(void)state;
	/* normal: P(|Z| <= z) = erf(z / √2) */
	NEAR(erf(z80 / sqrt(2)), 0.80);
	NEAR(erf(z95 / sqrt(2)), 0.95);
	assert_true(fabs(z95 - 1.959963984540054) < 1e-12);
	/* t with 1 dof is Cauchy: q = tan(π (p − 1/2)), p = (1 + level) / 2 */
	assert_true(fabs(mlc_series__quantile(0.95, 1) - tan(M_PI * 0.475)) < 1e-9);
	/* t with 2 dof: q = (2p − 1) / sqrt(2 p (1 − p)) */
	assert_true(fabs(mlc_series__quantile(0.80, 2) - 0.8 / sqrt(2 * 0.9 * 0.1)) < 1e-9);
	/* the quantile and the central probability are inverses; t shrinks to z */
	for (dof = 3; dof <= 200; dof += 13) {
		double q = mlc_series__quantile(0.95, dof);
		assert_true(fabs(mlc_series__t_central(q, dof) - 0.95) < 1e-10);
		assert_true(q > z95);
	}
	/* past 200 dof the expansion takes over: continuous with the exact one */
	assert_true(fabs(mlc_series__quantile(0.95, 201) - mlc_series__quantile(0.95, 200)) <
		    1e-4);
	assert_true(fabs(mlc_series__t_central(mlc_series__quantile(0.80, 5000), 5000) - 0.80) <
		    1e-9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(points_become_a_dense_series),
	    cmocka_unit_test(days_parse_and_print),
	    cmocka_unit_test(periods_are_calendar_periods),
	    cmocka_unit_test(median_and_sum),
	    cmocka_unit_test(interval_multipliers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
