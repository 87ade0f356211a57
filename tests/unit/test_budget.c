/* SPDX-License-Identifier: MIT */
/* Unit tests for budgets: the budgets file (fields, defaults, filter keys in
 * their canonical spelling, errors with FILE:LINE:COL) and the status
 * arithmetic worked out by hand: actual to date, forecast at period end,
 * thresholds by actual and by forecast, variance and its 10% flag, months,
 * quarters and years, complete periods, run-rate and no history. */
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

/* 2024-02-01 = 19723 + 31; 2024-03-01 = 19783 (2024 is a leap year) */
#define FEB_1 19754
#define MAR_1 19783

static mlc_budgets *load(const char *yaml)
{
	mlc_budgets *b = NULL;
	int rc = mlc_budgets_load_string(&b, "b.yaml", yaml, strlen(yaml));
	if (rc != 0)
		fail_msg("load failed: %s", mlc_error_message());
	return b;
}

static void load_fails(const char *yaml, const char *msg)
{
	mlc_budgets *b = NULL;
	assert_int_equal(mlc_budgets_load_string(&b, "b.yaml", yaml, strlen(yaml)), MLC_EPARSE);
	assert_null(b);
	if (strcmp(mlc_error_message(), msg) != 0)
		fail_msg("error '%s', expected '%s'", mlc_error_message(), msg);
}

static void loads_the_example(void **state)
{
	mlc_budgets *b = NULL;
	const mlc_budget *x;
	(void)state;
	assert_int_equal(mlc_budgets_load_file(&b, MLC_SOURCE_DIR "/examples/budgets.yaml"), 0);
	assert_int_equal(mlc_budgets_count(b), 4);
	x = mlc_budgets_get(b, 0);
	assert_string_equal(x->name, "chat-v2-serving");
	/* SPEC §7's flow form: {tag:model_id: …} */
	assert_int_equal(x->nfilters, 2);
	assert_string_equal(x->filters[0].key, "tag:model_id");
	assert_string_equal(x->filters[0].values[0], "chat-v2");
	NEAR(x->amount, 12000);
	assert_int_equal(x->period, MLC_BUDGET_MONTH);
	assert_int_equal(x->nalerts, 3);
	NEAR(x->alerts[2], 100);
	assert_int_equal(x->forecast, 1);
	assert_string_equal(x->currency, "USD");
	x = mlc_budgets_find(b, "recsys-training");
	assert_non_null(x);
	assert_int_equal(x->filters[0].nvalues, 2);
	assert_string_equal(x->filters[0].values[1], "recsys-retrieval");
	assert_int_equal(x->period, MLC_BUDGET_QUARTER);
	assert_int_equal(x->forecast, 0);
	x = mlc_budgets_get(b, 3);
	assert_string_equal(x->filters[0].values[0], "");
	assert_int_equal(x->nalerts, 1); /* default: 100% */
	NEAR(x->alerts[0], 100);
	assert_null(mlc_budgets_get(b, 4));
	assert_null(mlc_budgets_find(b, "nope"));
	mlc_budgets_free(b);
	mlc_budgets_free(NULL);
}

static void keys_are_canonical_and_alerts_sorted(void **state)
{
	mlc_budgets *b = load("budgets:\n"
			      "  - name: a\n"
			      "    filter:\n"
			      "      servicename: Amazon EC2\n"
			      "      \"TAG: team \": \" ml \"\n"
			      "      lineItem/UsageType: BoxUsage\n"
			      "      tag:cost_center: 0042\n"
			      "    amount: 1_000\n"
			      "    period: year\n"
			      "    currency: EUR\n"
			      "    alerts: [100, 50, 75.5]\n"
			      "  - name: b\n"
			      "    amount: 1\n");
	const mlc_budget *x = mlc_budgets_get(b, 0);
	(void)state;
	assert_string_equal(x->filters[0].key, "ServiceName");
	assert_string_equal(x->filters[1].key, "tag:team");
	assert_string_equal(x->filters[1].values[0], "ml");
	assert_string_equal(x->filters[2].key, "lineItem/UsageType");
	assert_string_equal(x->filters[3].values[0], "0042"); /* as written */
	NEAR(x->amount, 1000);
	assert_string_equal(x->currency, "EUR");
	NEAR(x->alerts[0], 50);
	NEAR(x->alerts[1], 75.5);
	NEAR(x->alerts[2], 100);
	assert_int_equal(x->line, 2);
	x = mlc_budgets_get(b, 1);
	assert_int_equal(x->nfilters, 0);
	assert_int_equal(x->line, 12);
	mlc_budgets_free(b);
	b = load("budgets: []\n");
	assert_int_equal(mlc_budgets_count(b), 0);
	mlc_budgets_free(b);
}

static void errors_carry_positions(void **state)
{
	/* columns are 1-based; a quoted scalar's position is its first character
	 * after the quote (libfyaml's mark of the scalar's content) */
	(void)state;
	load_fails("budgets:\n  - name: a\n    amout: 5\n",
		   "b.yaml:3:5: unknown field 'amout' (did you mean 'amount'?)");
	load_fails("budgets:\n  - name: a\n    period: month\n",
		   "b.yaml:2:5: budget 'a': 'amount' is required");
	load_fails("budgets:\n  - amount: 5\n", "b.yaml:2:5: budget: 'name' is required");
	load_fails("budgets:\n  - name: a\n    amount: -5\n",
		   "b.yaml:3:13: amount must be above 0 (and at most 1e15)");
	load_fails("budgets:\n  - name: a\n    amount: lots\n",
		   "b.yaml:3:13: expected a number, got 'lots'");
	load_fails("budgets:\n  - name: a\n    amount: 5\n    period: week\n",
		   "b.yaml:4:13: unknown period 'week' (month, quarter, year)");
	load_fails("budgets:\n  - name: a\n    amount: 5\n  - name: a\n    amount: 6\n",
		   "b.yaml:4:11: budget 'a' defined twice (first on line 2)");
	load_fails("budgets:\n  - name: a\n    amount: 5\n    alerts: [50, 80, 50]\n",
		   "b.yaml:4:22: alert threshold 50 given twice");
	load_fails("budgets:\n  - name: a\n    amount: 5\n    alerts: [0]\n",
		   "b.yaml:4:14: alert threshold 0: expected a percent above 0 and at most 1000");
	load_fails("budgets:\n  - name: a\n    amount: 5\n    alerts: []\n",
		   "b.yaml:4:5: alerts: expected 1 to 16 thresholds (percent)");
	load_fails("budgets:\n  - name: a\n    amount: 5\n    filter: {SericeName: x}\n",
		   "b.yaml:4:14: unknown filter key 'SericeName' (did you mean 'ServiceName'?)");
	load_fails("budgets:\n  - name: a\n    amount: 5\n    filter: {tag:Team: x, tag:team: y}\n",
		   "b.yaml:4:27: filter key 'tag:team' given twice");
	load_fails("budgets:\n  - name: a\n    amount: 5\n    filter: {tag:team: []}\n",
		   "b.yaml:4:14: empty list of values");
	load_fails("budgets:\n  - name: a\n    amount: 5\n    filter: {tag:team: }\n",
		   "b.yaml:4:14: filter value missing (write \"\" for 'no such tag')");
	load_fails("budgets:\n  - name: a\n    amount: 5\n    filter: {\"tag:\": x}\n",
		   "b.yaml:4:15: 'tag:' needs a tag key, e.g. tag:model_id");
	load_fails("budgets:\n  - name: a\n    amount: 5\n    filter: {\"a=b\": x}\n",
		   "b.yaml:4:15: filter key 'a=b': '=' and a final '!' are not allowed");
	load_fails("budgets:\n  - name: a\n    amount: 5\n    filter: [tag:team=x]\n",
		   "b.yaml:4:14: filter must be a mapping");
	load_fails("budgets:\n  - name: a\n    amount: 5\n    forecast: maybe\n",
		   "b.yaml:4:15: expected true or false, got 'maybe'");
	load_fails("budget:\n  - name: a\n",
		   "b.yaml:1:1: unknown field 'budget' (did you mean 'budgets'?)");
	load_fails("version: 2\nbudgets: []\n", "b.yaml:1:10: version 2: only version 1 exists");
	load_fails("- a\n", "b.yaml:1:3: a budgets file must be a mapping");
	load_fails("budgets: {a: 1}\n", "b.yaml:1:11: budgets must be a list");
}

/* A budget in code: amount per month, alerts 50 80 100, forecast on. */
static mlc_budget month_budget(double amount, int forecast)
{
	static const double alerts[3] = {50, 80, 100};
	mlc_budget b;
	memset(&b, 0, sizeof(b));
	b.name = "m";
	b.amount = amount;
	b.period = MLC_BUDGET_MONTH;
	b.alerts = alerts;
	b.nalerts = 3;
	b.forecast = forecast;
	return b;
}

static void status_by_hand(void **state)
{
	/* 100 a day from 2024-02-01 to 2024-03-10 (39 days: Holt-Winters, which
	 * forecasts a constant exactly). March: actual 10 × 100 = 1000, the
	 * remaining 21 days 2100, forecast at end 3100 against 3000:
	 * variance 100 / 3000 = 3.3% (not flagged); alerts at 1500, 2400, 3000:
	 * none by actual, all three by forecast */
	double y[39];
	mlc_series s = {FEB_1, 39, y};
	mlc_budget b = month_budget(3000, 1);
	mlc_budget_status st;
	size_t t;
	(void)state;
	for (t = 0; t < 39; t++)
		y[t] = 100;
	assert_int_equal(mlc_budget_status_compute(&st, &b, &s, NULL), 0);
	assert_int_equal(st.period_start, MAR_1);
	assert_int_equal(st.period_end, MAR_1 + 30);
	assert_int_equal(st.as_of, MAR_1 + 9);
	assert_int_equal(st.days_total, 31);
	assert_int_equal(st.days_elapsed, 10);
	NEAR(st.actual, 1000);
	near(st.forecast_rest, 2100, 1e-9);
	near(st.forecast_at_end, 3100, 1e-9);
	assert_string_equal(st.method, "holt-winters");
	near(st.variance, 100.0 / 3000, 1e-9);
	assert_int_equal(st.variance_flagged, 0);
	NEAR(st.used_pct, 100.0 / 3);
	assert_int_equal(st.exceeded_actual, 0);
	assert_int_equal(st.exceeded_forecast, 1);
	assert_int_equal(st.nalerts, 3);
	NEAR(st.alerts[0].at, 1500);
	assert_true(!st.alerts[0].by_actual && st.alerts[0].by_forecast);
	assert_true(!st.alerts[2].by_actual && st.alerts[2].by_forecast);
	assert_int_equal(st.crossed, 3);
	/* 150 a day: actual 1500 reaches 50% (at 1500 exactly); the forecast
	 * 1500 + 21 × 150 = 4650 is 55% over: flagged */
	for (t = 0; t < 39; t++)
		y[t] = 150;
	b.forecast = 0; /* thresholds by actual only */
	assert_int_equal(mlc_budget_status_compute(&st, &b, &s, NULL), 0);
	NEAR(st.actual, 1500);
	near(st.forecast_at_end, 4650, 1e-9);
	near(st.variance, 0.55, 1e-9);
	assert_int_equal(st.variance_flagged, 1);
	assert_true(st.alerts[0].by_actual && !st.alerts[0].by_forecast);
	assert_true(!st.alerts[1].by_actual && !st.alerts[1].by_forecast);
	assert_int_equal(st.crossed, 1);
}

static void short_histories(void **state)
{
	/* one day of history (March 1, 90): run-rate 90 × 30 remaining days;
	 * with a 2000 budget the forecast 2790 is 39.5% over */
	double y[2] = {90, 110};
	mlc_series s = {MAR_1, 1, y};
	mlc_budget b = month_budget(2000, 1);
	mlc_budget_status st;
	mlc_budget_status_options o = MLC_BUDGET_STATUS_OPTIONS_INIT;
	(void)state;
	assert_int_equal(mlc_budget_status_compute(&st, &b, &s, NULL), 0);
	assert_string_equal(st.method, "run-rate");
	NEAR(st.forecast_at_end, 90 + 90 * 30);
	NEAR(st.variance, (2790.0 - 2000) / 2000);
	/* two days: a line through 90 and 110 (+20 a day); days 3..31 are
	 * t = 2..30: Σ (90 + 20 t) = 29 × 90 + 20 × (2 + 30) × 29 / 2 = 11890 */
	s.n = 2;
	assert_int_equal(mlc_budget_status_compute(&st, &b, &s, NULL), 0);
	assert_string_equal(st.method, "linear");
	NEAR(st.forecast_rest, 11890);
	NEAR(st.actual, 200);
	/* no cost data: an as-of day is needed, and the forecast is nothing */
	s.n = 0;
	assert_int_equal(mlc_budget_status_compute(&st, &b, &s, NULL), MLC_EINVAL);
	o.has_as_of = 1;
	o.as_of = MAR_1 + 4;
	assert_int_equal(mlc_budget_status_compute(&st, &b, &s, &o), 0);
	assert_string_equal(st.method, "no-history");
	NEAR(st.forecast_at_end, 0);
	assert_int_equal(st.days_elapsed, 5);
	/* as of past the series' end: the missing days cost 0 (history 90 0 0 0 0) */
	s.n = 1;
	assert_int_equal(mlc_budget_status_compute(&st, &b, &s, &o), 0);
	NEAR(st.actual, 90);
	assert_string_equal(st.method, "linear");
}

static void other_periods_and_past_periods(void **state)
{
	/* 10 a day from 2024-03-01 to 2024-05-15 (76 days). Quarter Q2: April
	 * and May 1..15 = 45 days elapsed of 91, actual 450, forecast 46 × 10 */
	double y[76];
	mlc_series s = {MAR_1, 76, y};
	mlc_budget b = month_budget(1000, 1);
	mlc_budget_status st;
	mlc_budget_status_options o = MLC_BUDGET_STATUS_OPTIONS_INIT;
	size_t t;
	(void)state;
	for (t = 0; t < 76; t++)
		y[t] = 10;
	b.period = MLC_BUDGET_QUARTER;
	assert_int_equal(mlc_budget_status_compute(&st, &b, &s, NULL), 0);
	assert_int_equal(st.days_total, 91);
	assert_int_equal(st.days_elapsed, 45);
	NEAR(st.actual, 450);
	near(st.forecast_at_end, 910, 1e-9);
	NEAR(st.variance, -0.09);
	assert_int_equal(st.variance_flagged, 0);
	assert_int_equal(st.crossed, 2); /* 500 and 800 by forecast */
	/* the year 2024 (366 days): 76 days × 10 = 760 so far (nothing before
	 * March), May 16..Dec 31 = 366 − 136 = 230 days to go: 760 + 2300 */
	b.period = MLC_BUDGET_YEAR;
	assert_int_equal(mlc_budget_status_compute(&st, &b, &s, NULL), 0);
	assert_int_equal(st.days_total, 366);
	NEAR(st.actual, 760);
	near(st.forecast_at_end, 3060, 1e-9);
	assert_int_equal(st.days_elapsed, 136);
	/* March, asked for by a day inside it, is over: actual 310, nothing to forecast */
	b.period = MLC_BUDGET_MONTH;
	o.has_day = 1;
	o.day = MAR_1 + 14;
	assert_int_equal(mlc_budget_status_compute(&st, &b, &s, &o), 0);
	assert_string_equal(st.method, "complete");
	NEAR(st.actual, 310);
	NEAR(st.forecast_at_end, 310);
	assert_int_equal(st.days_elapsed, 31);
	NEAR(st.variance, -0.69);
	assert_int_equal(st.variance_flagged, 1);
	/* a period after as_of: all forecast (June: 30 × 10) */
	o.day = MAR_1 + 31 + 30 + 31 + 3;
	assert_int_equal(mlc_budget_status_compute(&st, &b, &s, &o), 0);
	NEAR(st.actual, 0);
	assert_int_equal(st.days_elapsed, 0);
	near(st.forecast_at_end, 300, 1e-9);
	/* bad input */
	b.amount = 0;
	assert_int_equal(mlc_budget_status_compute(&st, &b, &s, NULL), MLC_EINVAL);
	b.amount = 5;
	o.version = 7;
	assert_int_equal(mlc_budget_status_compute(&st, &b, &s, &o), MLC_EINVAL);
}

static void survives_every_allocation_failure(void **state)
{
	static const char yaml[] = "budgets:\n"
				   "  - name: a\n"
				   "    filter: {tag:model_id: [x, y], ServiceName: z}\n"
				   "    amount: 10\n"
				   "    alerts: [50, 100]\n"
				   "  - name: b\n"
				   "    amount: 20\n";
	double y[30];
	mlc_series s = {MAR_1, 30, y};
	long n;
	int rc = -1;
	size_t t;
	(void)state;
	for (t = 0; t < 30; t++)
		y[t] = (double)(t % 7);
	for (n = 0; n < 10000 && rc != 0; n++) {
		mlc_budgets *b = NULL;
		mlc_budget_status st;
		test_fail_allocation(n);
		rc = mlc_budgets_load_string(&b, "b.yaml", yaml, strlen(yaml));
		if (rc == 0)
			rc = mlc_budget_status_compute(&st, mlc_budgets_get(b, 0), &s, NULL);
		if (rc != 0)
			assert_int_equal(rc, MLC_ENOMEM);
		mlc_budgets_free(b);
		test_restore_allocator();
		assert_int_equal(test_alloc_live, 0);
	}
	assert_int_equal(rc, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(loads_the_example),
	    cmocka_unit_test(keys_are_canonical_and_alerts_sorted),
	    cmocka_unit_test(errors_carry_positions),
	    cmocka_unit_test(status_by_hand),
	    cmocka_unit_test(short_histories),
	    cmocka_unit_test(other_periods_and_past_periods),
	    cmocka_unit_test(survives_every_allocation_failure),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
