/* SPDX-License-Identifier: MIT */
/* Unit tests for `mlcost report`'s library: the data model rendered as JSON
 * (sections, marks, tables) with every number worked out by hand from the
 * inputs, a report filled by hand the way the daemon will, the HTML page's
 * self-containment (no script, no URL) and fragment mode, sections left out
 * with what would add them, bad data, building from the bundled examples
 * (the as-of day, exact daily amounts, the policy's keys and limits), the
 * build's errors, determinism and every allocation failure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mlcost.h"
#include "mlcost/report.h"
#include "test_support.h"

#define EX MLC_SOURCE_DIR "/examples/"

static void near(double a, double b)
{
	if (!(fabs(a - b) <= 1e-9 * (fabs(b) > 1 ? fabs(b) : 1)))
		fail_msg("%.17g is not %.17g", a, b);
}

static json_t *render_json(const mlc_report_data *d)
{
	char *text = NULL;
	json_error_t err;
	json_t *doc;
	size_t len = 0;
	if (mlc_report_render_json(&text, &len, d))
		fail_msg("render: %s", mlc_error_message());
	assert_int_equal(strlen(text), len);
	if (!(doc = json_loads(text, 0, &err)))
		fail_msg("bad JSON at %d:%d: %s", err.line, err.column, err.text);
	mlc_report_text_free(text);
	return doc;
}

static json_t *section(json_t *doc, const char *id)
{
	size_t i;
	json_t *s;
	json_array_foreach(json_object_get(doc, "sections"), i, s)
	{
		if (!strcmp(json_string_value(json_object_get(s, "id")), id))
			return s;
	}
	fail_msg("no section %s", id);
	return NULL;
}

static long marks(json_t *sec, const char *kind)
{
	return (long)json_integer_value(json_object_get(json_object_get(sec, "marks"), kind));
}

static json_t *row(json_t *sec, size_t i)
{
	return json_array_get(json_object_get(json_object_get(sec, "table"), "rows"), i);
}

static double cell(json_t *sec, size_t r, size_t c)
{
	return json_number_value(json_array_get(row(sec, r), c));
}

static int omitted(json_t *doc, const char *id)
{
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(doc, "omitted"), i, o)
	{
		if (!strcmp(json_string_value(json_object_get(o, "id")), id))
			return 1;
	}
	return 0;
}

static mlc_estimate *seed_estimate(mlc_profile **p)
{
	mlc_estimate *e = NULL;
	assert_int_equal(mlc_profile_load_file(p, EX "seed.yaml"), 0);
	assert_int_equal(mlc_estimate_profile(&e, *p, NULL), 0);
	return e;
}

static void estimate_sections(void **state)
{
	mlc_report_data d = MLC_REPORT_DATA_INIT;
	mlc_profile *p = NULL;
	mlc_estimate *e = seed_estimate(&p);
	json_t *doc, *s, *sum;
	(void)state;
	d.estimate = e;
	doc = render_json(&d);
	s = section(doc, "cost-by-phase");
	/* training, inference, feature_pipeline, storage, transfer (monitoring and tooling are 0)
	 * stacked, people beside: 6 bars */
	assert_int_equal(marks(s, "bar"), 6);
	/* SPEC §2: training 17.136/h spot × 3 h × 30 runs = 1542.24; inference 2.3472 × 4 × 730 =
	 * 6853.824; feature 0.5376 × 2 × 30 = 32.256; storage 870 GB × 0.023 = 20.01; transfer
	 * 100 × 0.09 = 9; people 1.5 × 300000 / 12 = 37500 */
	near(cell(s, 0, 2), 1542.24);
	near(cell(s, 0, 3), 6853.824);
	near(cell(s, 0, 4), 32.256);
	near(cell(s, 0, 5), 20.01);
	near(cell(s, 0, 6), 9);
	near(cell(s, 0, 9), 1542.24 + 6853.824 + 32.256 + 20.01 + 9);
	near(cell(s, 0, 10), 37500);
	near(cell(s, 0, 11), 8457.33 + 37500);
	s = section(doc, "unit-economics");
	assert_int_equal(marks(s, "bar"), 3); /* infrastructure, all-in, revenue */
	near(cell(s, 0, 1), 72e6);
	near(cell(s, 0, 4), 8457.33 / 72e6 * 1000);
	near(cell(s, 0, 5), 45957.33 / 72e6 * 1000);
	near(cell(s, 0, 6), 4.2e6 / 72e6 * 1000);
	near(cell(s, 0, 7), (4.2e6 - 45957.33) / 4.2e6 * 100);
	assert_true(json_is_null(json_array_get(row(s, 0), 8))); /* no policy: no limit */
	sum = json_object_get(doc, "summary");
	assert_string_equal(json_string_value(json_object_get(sum, "status")), "good");
	near(json_number_value(json_object_get(sum, "monthly_cost")), 45957.33);
	near(json_number_value(json_object_get(sum, "cost_per_1k")), 45957.33 / 72e6 * 1000);
	near(json_number_value(json_object_get(sum, "gross_margin_pct")),
	     (4.2e6 - 45957.33) / 4.2e6 * 100);
	/* MLOps index: 1 production model × 72 M / (12 × 45957.33) × 1000 = 0.1305... */
	near(json_number_value(json_object_get(sum, "efficiency_index")),
	     1 * 72.0 / (12 * 45957.33) * 1000);
	assert_string_equal(json_string_value(json_object_get(sum, "efficiency_band")),
	                    "inefficient");
	assert_true(omitted(doc, "daily-cost") && omitted(doc, "budgets") &&
	            omitted(doc, "frontier") && omitted(doc, "whatifs") &&
	            omitted(doc, "tag-coverage") && omitted(doc, "cost-per-1k") &&
	            omitted(doc, "actual-by-model"));
	json_decref(doc);
	mlc_estimate_free(e);
	mlc_profile_free(p);
}

/* noinline: gcc 12 -O3 takes the returned page for a dangling local */
__attribute__((noinline)) static char *render_html(const mlc_report_data *d, mlc_report_page page)
{
	mlc_report_html_options o = MLC_REPORT_HTML_OPTIONS_INIT;
	char *html = NULL;
	o.page = page;
	if (mlc_report_render_html(&html, NULL, d, &o))
		fail_msg("render: %s", mlc_error_message());
	return html;
}

static void html_is_self_contained(void **state)
{
	mlc_report_data d = MLC_REPORT_DATA_INIT;
	mlc_profile *p = NULL;
	mlc_estimate *e = seed_estimate(&p);
	char *html;
	const char *u;
	(void)state;
	d.estimate = e;
	d.title = "Q3 <costs> & more";
	html = render_html(&d, MLC_REPORT_PAGE_FULL);
	assert_true(!strncmp(html, "<!DOCTYPE html>", 15));
	assert_non_null(strstr(html, "<title>Q3 &lt;costs&gt; &amp; more</title>"));
	assert_non_null(strstr(html, "prefers-color-scheme:dark"));
	assert_non_null(strstr(html, "@media print"));
	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "http:"));
	assert_null(strstr(html, "https:"));
	assert_null(strstr(html, "<link"));
	assert_null(strstr(html, " src="));
	for (size_t at = 0; (u = strstr(html + at, "url(")) != NULL; at = (size_t)(u - html) + 1)
		assert_int_equal(u[4], '#'); /* only the page's own clip paths */
	/* each chart has its table, with machine values beside people's text */
	assert_non_null(strstr(html, "<table class=\"data\" id=\"table-cost-by-phase\">"));
	assert_non_null(strstr(html, "data-value=\"1542.24\">$1,542.24</td>"));
	/* the sections left out say what would add them */
	assert_non_null(strstr(html, "add <code>--variants VARIANTS.yaml</code>"));
	mlc_report_text_free(html);
	html = render_html(&d, MLC_REPORT_PAGE_FRAGMENT);
	assert_true(!strncmp(html, "<main", 5));
	assert_null(strstr(html, "<style>"));
	mlc_report_text_free(html);
	mlc_estimate_free(e);
	mlc_profile_free(p);
}

static void empty_data_omits_everything(void **state)
{
	mlc_report_data d = MLC_REPORT_DATA_INIT;
	json_t *doc;
	(void)state;
	doc = render_json(&d);
	assert_int_equal(json_array_size(json_object_get(doc, "sections")), 0);
	/* estimate (2), daily, actual by model, unit, budgets, tags, what-ifs, frontier */
	assert_int_equal(json_array_size(json_object_get(doc, "omitted")), 9);
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(doc, "summary"), "status")),
	    "unknown");
	assert_true(json_is_null(json_object_get(doc, "as_of")));
	assert_string_equal(json_string_value(json_object_get(doc, "currency")), "USD");
	json_decref(doc);
}

/* what the daemon will do: fill the data from its own numbers */
static void data_filled_by_hand(void **state)
{
	static double v[28];
	static const double alerts[] = {50, 100};
	static const char *const keys[] = {"team"};
	mlc_report_data d = MLC_REPORT_DATA_INIT;
	mlc_series s = {0, 28, v};
	mlc_forecast *f = NULL;
	mlc_budget b;
	mlc_budget_status st;
	mlc_budget_status_options so = MLC_BUDGET_STATUS_OPTIONS_INIT;
	mlc_report_budget rb;
	mlc_tag_coverage cov;
	mlc_tag_coverage_key k;
	mlc_report_limit lim = {NULL, 0.5};
	json_t *doc, *sec;
	(void)state;
	/* four weeks from 2025-02-01 (day 20120) at 100 a day */
	assert_int_equal(mlc_series_day_parse(&s.first_day, "2025-02-01"), 0);
	for (size_t i = 0; i < 28; i++)
		v[i] = 100;
	assert_int_equal(mlc_forecast_run(&f, &s, NULL), 0);
	memset(&b, 0, sizeof(b));
	b.name = "all", b.amount = 3000, b.currency = "USD", b.period = MLC_BUDGET_MONTH;
	b.nalerts = 2, b.alerts = alerts, b.forecast = 1;
	so.has_as_of = 1, so.as_of = s.first_day + 27;
	so.has_day = 1, so.day = so.as_of; /* February itself, not the month after the as-of day */
	assert_int_equal(mlc_budget_status_compute(&st, &b, &s, &so), 0);
	/* February 2025: 28 days elapsed at 100 = 2800 of 3000 (93.3%); the period is over */
	near(st.actual, 2800);
	assert_int_equal(st.days_elapsed, 28);
	rb = (mlc_report_budget){&b, &st, v};
	memset(&cov, 0, sizeof(cov));
	memset(&k, 0, sizeof(k));
	k.key = keys[0], k.cost_pct = 60, k.rows_pct = 50;
	cov.keys = &k, cov.nkeys = 1, cov.all = k, cov.all.key = "(all)";
	d.daily = &s;
	d.forecast = mlc_forecast_get(f);
	d.has_as_of = 1, d.as_of = s.first_day + 27;
	d.budgets = &rb, d.nbudgets = 1;
	d.coverage = &cov;
	d.min_coverage_pct = 90;
	d.limits = &lim, d.nlimits = 1;
	doc = render_json(&d);
	assert_string_equal(json_string_value(json_object_get(doc, "as_of")), "2025-02-28");
	sec = section(doc, "daily-cost");
	assert_int_equal(marks(sec, "day"), 28);
	assert_int_equal(marks(sec, "forecast"), 1);
	/* 28 history rows and the 30-day horizon (history reaches 28 days: 28 shown) */
	assert_int_equal(json_array_size(json_object_get(json_object_get(sec, "table"), "rows")),
	                 28 + 28);
	sec = section(doc, "budgets");
	assert_int_equal(marks(sec, "threshold"), 2);
	assert_int_equal(marks(sec, "actual"), 1);
	assert_int_equal(marks(sec, "forecast"), 0); /* the period is over: nothing to forecast */
	near(cell(sec, 0, 5), 2800);
	assert_string_equal(json_string_value(json_array_get(row(sec, 0), 13)), "50%");
	sec = section(doc, "tag-coverage");
	assert_int_equal(marks(sec, "key"), 2); /* team and all keys together */
	near(json_number_value(json_object_get(json_object_get(doc, "summary"), "max_cost_per_1k")),
	     0.5);
	json_decref(doc);
	mlc_forecast_free(f);
}

static void rejects_bad_data(void **state)
{
	static const char csv[] = "BilledCost,EffectiveCost,ChargePeriodStart,Tags\n"
	                          "1,1,2024-09-01,\"{\"\"model_id\"\":\"\"a\"\"}\"\n";
	static const char *const by[] = {"tag:model_id"};
	mlc_report_data d = MLC_REPORT_DATA_INIT;
	mlc_bills_options o = MLC_BILLS_OPTIONS_INIT;
	mlc_bills_result *r = NULL;
	char *out = NULL;
	(void)state;
	d.version = 0;
	assert_int_equal(mlc_report_render_json(&out, NULL, &d), MLC_EINVAL);
	assert_null(out);
	d.version = MLC_REPORT_DATA_VERSION;
	d.nbudgets = 1;
	assert_int_equal(mlc_report_render_html(&out, NULL, &d, NULL), MLC_EINVAL);
	d.nbudgets = 0;
	o.by = by, o.nby = 1;
	assert_int_equal(mlc_bills_aggregate_mem(&r, csv, sizeof(csv) - 1, "b.csv", &o), 0);
	d.by_model = r; /* grouped by one dimension, not model and phase */
	assert_int_equal(mlc_report_render_json(&out, NULL, &d), MLC_EINVAL);
	assert_non_null(strstr(mlc_error_message(), "model and phase"));
	mlc_bills_result_free(r);
}

static mlc_report *build_examples(const char *as_of)
{
	static const char *const bills[] = {EX "focus-ml-bill.csv"};
	mlc_report_inputs in = MLC_REPORT_INPUTS_INIT;
	mlc_report *r = NULL;
	in.profile = EX "seed.yaml";
	in.whatif = EX "whatif.yaml";
	in.variants = EX "variants.yaml";
	in.bills = bills, in.nbills = 1;
	in.usage = EX "usage.csv";
	in.budgets = EX "budgets.yaml";
	in.policy = EX "policy.yaml";
	in.as_of = as_of;
	in.threads = 1;
	if (mlc_report_build(&r, &in))
		fail_msg("build: %s", mlc_error_message());
	return r;
}

static void builds_from_the_examples(void **state)
{
	mlc_report *r = build_examples(NULL);
	const mlc_report_data *d = mlc_report_get(r);
	json_t *doc, *sec;
	char day[16];
	(void)state;
	assert_non_null(d->estimate);
	assert_non_null(d->compare);
	assert_non_null(d->frontier);
	assert_non_null(d->by_model);
	assert_non_null(d->unit);
	assert_non_null(d->forecast);
	assert_int_equal(d->nbudgets, 4);
	/* the data's last day, not today */
	assert_true(d->has_as_of);
	mlc_series_day_format(day, sizeof(day), d->as_of);
	assert_string_equal(day, "2024-09-03");
	/* the policy's keys (team, model_id, environment), target 95%, limits 0.50 and 0.15 */
	assert_int_equal(d->coverage->nkeys, 3);
	assert_string_equal(d->coverage->keys[0].key, "team");
	near(d->min_coverage_pct, 95);
	assert_int_equal(d->nlimits, 2);
	near(d->limits[0].max_cost_per_1k, 0.5);
	doc = render_json(d);
	sec = section(doc, "daily-cost");
	/* effective cost per day from the bill: Sep 1 120 + 90 + 270 + 30 + 3 + 20.47 + 5 =
	 * 538.47; Sep 2 130 + 90 + 100 + 30 + 3 + 20.47 = 373.47; Sep 3 110 + 90 + 30 + 3 +
	 * 20.10 = 253.10; exact, in the table as in the JSON of `mlcost attribute` */
	assert_int_equal(marks(sec, "day"), 3);
	assert_string_equal(json_string_value(json_array_get(row(sec, 0), 0)), "2024-09-01");
	near(cell(sec, 0, 1), 538.47);
	near(cell(sec, 1, 1), 373.47);
	near(cell(sec, 2, 1), 253.1);
	/* 3 days of history: 7 forecast days shown */
	assert_int_equal(json_array_size(json_object_get(json_object_get(sec, "table"), "rows")),
	                 3 + 7);
	sec = section(doc, "whatifs");
	/* the baseline and every available what-if (3 of the 18 scenarios are not offered) */
	assert_int_equal(marks(sec, "baseline"), 1);
	assert_int_equal(marks(sec, "whatif"), 14);
	sec = section(doc, "frontier");
	assert_int_equal(marks(sec, "variant"), 6);
	assert_int_equal(marks(sec, "frontier"), 1);
	/* the summary is judged by revenue: the seed model's margin */
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(doc, "summary"), "status")), "good");
	json_decref(doc);
	mlc_report_free(r);
}

static void as_of_cuts_the_data(void **state)
{
	mlc_report *r = build_examples("2024-09-02");
	const mlc_report_data *d = mlc_report_get(r);
	(void)state;
	assert_int_equal(d->daily->n, 2);
	/* by model covers Sep 1 and 2 only: 538.47 + 373.47 = 911.94 */
	near(mlc_amount_to_double(d->by_model->total[0]), 911.94);
	mlc_report_free(r);
}

static void build_errors(void **state)
{
	static const char *const bills[] = {EX "focus-ml-bill.csv"};
	mlc_report_inputs in = MLC_REPORT_INPUTS_INIT;
	mlc_report *r = NULL;
	(void)state;
	assert_int_equal(mlc_report_build(&r, &in), MLC_EINVAL); /* nothing to report on */
	assert_null(r);
	in.profile = EX "no-such-profile.yaml";
	assert_int_not_equal(mlc_report_build(&r, &in), 0);
	assert_null(r);
	in.profile = NULL;
	in.whatif = EX "portfolio.yaml"; /* several models, none named */
	assert_int_equal(mlc_report_build(&r, &in), MLC_EINVAL);
	assert_non_null(strstr(mlc_error_message(), "--whatif-model"));
	in.whatif = NULL;
	in.usage = EX "usage.csv"; /* usage without bills */
	assert_int_equal(mlc_report_build(&r, &in), MLC_EINVAL);
	in.bills = bills, in.nbills = 1;
	in.as_of = "yesterday";
	assert_int_equal(mlc_report_build(&r, &in), MLC_EINVAL);
	in.as_of = "2024-08-01"; /* before the first day with cost */
	assert_int_equal(mlc_report_build(&r, &in), MLC_EINVAL);
	assert_null(r);
}

static void same_input_same_bytes(void **state)
{
	mlc_report *a = build_examples(NULL), *b = build_examples(NULL);
	char *x = NULL, *y = NULL;
	(void)state;
	assert_int_equal(mlc_report_render_html(&x, NULL, mlc_report_get(a), NULL), 0);
	assert_int_equal(mlc_report_render_html(&y, NULL, mlc_report_get(b), NULL), 0);
	assert_string_equal(x, y);
	mlc_report_text_free(x);
	mlc_report_text_free(y);
	mlc_report_free(a);
	mlc_report_free(b);
}

static void render_allocation_failures(void **state)
{
	mlc_report *r = build_examples(NULL);
	(void)state;
	for (long n = 0;; n++) {
		char *html = NULL;
		int rc;
		test_fail_allocation(n);
		rc = mlc_report_render_html(&html, NULL, mlc_report_get(r), NULL);
		mlc_report_text_free(html);
		test_restore_allocator();
		assert_int_equal(test_alloc_live, 0);
		if (!rc)
			break;
		assert_int_equal(rc, MLC_ENOMEM);
		assert_null(html);
	}
	mlc_report_free(r);
}

static void build_allocation_failures(void **state)
{
	static const char *const bills[] = {EX "focus-ml-bill.csv"};
	mlc_report_inputs in = MLC_REPORT_INPUTS_INIT;
	(void)state;
	in.profile = EX "seed.yaml";
	in.bills = bills, in.nbills = 1;
	in.usage = EX "usage.csv";
	in.budgets = EX "budgets.yaml";
	in.threads = 1;
	for (long n = 0;; n++) {
		mlc_report *r = NULL;
		int rc;
		test_fail_allocation(n);
		rc = mlc_report_build(&r, &in);
		mlc_report_free(r);
		test_restore_allocator();
		assert_int_equal(test_alloc_live, 0);
		if (!rc)
			break;
		assert_null(r);
		assert_true(n < 200000);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(estimate_sections),
	    cmocka_unit_test(html_is_self_contained),
	    cmocka_unit_test(empty_data_omits_everything),
	    cmocka_unit_test(data_filled_by_hand),
	    cmocka_unit_test(rejects_bad_data),
	    cmocka_unit_test(builds_from_the_examples),
	    cmocka_unit_test(as_of_cuts_the_data),
	    cmocka_unit_test(build_errors),
	    cmocka_unit_test(same_input_same_bytes),
	    cmocka_unit_test(render_allocation_failures),
	    cmocka_unit_test(build_allocation_failures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
