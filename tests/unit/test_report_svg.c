/* SPDX-License-Identifier: MIT */
/* Unit tests for the report's SVG renderer: every chart type drawn from
 * fixed data and compared byte for byte with its pinned fixture in
 * tests/report/NAME.svg (MLC_UPDATE_GOLDEN=1 rewrites them), the marks each
 * chart counts worked out by hand, the writer's escaping and number text,
 * the people's formats (money, short money, unit cost, percentages), nice
 * ticks and date ticks, determinism, and every allocation failure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mlcost/series.h"
#include "report/chart.h"
#include "report/fmt.h"
#include "report/svg.h"
#include "test_support.h"
#include "util/alloc.h"
#include "util/buf.h"

#define FIXTURES MLC_SOURCE_DIR "/tests/report/"

static int64_t day(const char *text)
{
	int64_t d = 0;
	assert_int_equal(mlc_series_day_parse(&d, text), 0);
	return d;
}

/* ---- the charts on fixed data ---------------------------------------------------------- */

static int draw_bars_stacked(mlc_svg *s)
{
	static const char *const cats[] = {"alpha", "beta",
	                                   "a_very_long_model_name_that_gets_cut_in_the_chart_v3"};
	static const char *const names[] = {"training", "inference", "people"};
	static const unsigned colors[] = {1, 2, 8}, stack[] = {0, 0, 1};
	static const char *const stacks[] = {"infrastructure", "people"};
	/* training, inference, people per category; zeros draw nothing: 5 bars */
	static const double v[] = {100, 0, 50, 300, 250.5, 0, 400, 0, 0};
	mlc_bars_spec b;
	memset(&b, 0, sizeof(b));
	b.c = (mlc_chart){"t-stacked", "Stacked", "Three models by phase", "USD", 0, 0, 0};
	b.vk = MLC_VK_MONEY;
	b.ncats = 3, b.cats = cats, b.nseries = 3, b.names = names, b.colors = colors;
	b.values = v, b.stack = stack, b.nstacks = 2, b.stack_names = stacks, b.totals = 1;
	return mlc_chart__bars(s, &b);
}

static int draw_bars_grouped(mlc_svg *s)
{
	static const char *const cats[] = {"m1", "m2"};
	static const char *const names[] = {"infrastructure", "all-in", "revenue"};
	static const unsigned colors[] = {2, 1, 3}, stack[] = {0, 1, 2};
	double v[] = {0.12, 0.5, 0.64, 1.1, 58.33, NAN}; /* m2 has no revenue: 5 bars */
	mlc_bars_spec b;
	memset(&b, 0, sizeof(b));
	b.c = (mlc_chart){"t-grouped", "Grouped", "Cost per 1k against revenue", "USD", 0, 0, 0};
	b.vk = MLC_VK_UNIT;
	b.ncats = 2, b.cats = cats, b.nseries = 3, b.names = names, b.colors = colors;
	b.values = v, b.stack = stack, b.nstacks = 3, b.totals = 1;
	b.line = (mlc_refline){1, 0.5, "limit"};
	return mlc_chart__bars(s, &b);
}

static int draw_hbars(mlc_svg *s)
{
	static const char *const labels[] = {"model_id", "team", "all keys together"};
	static const double v[] = {85.83, 95.28, 85.83};
	static const unsigned colors[] = {6, 3, 6};
	static const char *const notes[] = {"", "", "below target"};
	mlc_hbars_spec h;
	memset(&h, 0, sizeof(h));
	h.c = (mlc_chart){"t-hbars", "Coverage", "Share of cost per key", "USD", 0, 0, 0};
	h.vk = MLC_VK_PCT, h.n = 3, h.labels = labels, h.values = v, h.colors = colors;
	h.notes = notes, h.max = 100, h.mark = "key";
	h.target = (mlc_refline){1, 90, "target 90.0%"};
	return mlc_chart__hbars(s, &h);
}

static int draw_waterfall(mlc_svg *s)
{
	static const char *const labels[] = {"batching: batch_size:2", "caching: hit_ratio:0.3",
	                                     "pricing: inference:on_demand"};
	static const double totals[] = {5030.42, 6923.87, 13026.55};
	mlc_waterfall_spec w;
	memset(&w, 0, sizeof(w));
	w.c = (mlc_chart){"t-waterfall", "What-ifs", "Three what-ifs", "USD", 0, 0, 0};
	w.baseline_label = "as written", w.baseline = 8457.33;
	w.n = 3, w.labels = labels, w.totals = totals;
	return mlc_chart__waterfall(s, &w);
}

static int draw_daily(mlc_svg *s)
{
	/* two weeks from Monday 2025-01-06, a spike on day 9; a week of forecast */
	static const double v[] = {100, 110, 120, 130, 140, 60, 50,
	                           100, 110, 520, 130, 140, 60, 50};
	static const double mean[] = {100, 110, 120, 130, 140, 60, 50};
	static const double lo80[] = {90, 98, 106, 114, 122, 40, 28},
	                    hi80[] = {110, 122, 134, 146, 158, 80, 72};
	static const double lo95[] = {80, 86, 92, 98, 104, 20, 6},
	                    hi95[] = {120, 134, 148, 162, 176, 100, 94};
	static const size_t anom[] = {9};
	static const double base[] = {120};
	mlc_daily_spec d;
	memset(&d, 0, sizeof(d));
	d.c = (mlc_chart){"t-daily", "Daily", "Two weeks and a forecast", "USD", 0, 0, 0};
	d.first_day = day("2025-01-06"), d.n = 14, d.values = v;
	d.nf = 7, d.mean = mean, d.lo80 = lo80, d.hi80 = hi80, d.lo95 = lo95, d.hi95 = hi95;
	d.nanom = 1, d.anom_day = anom, d.anom_baseline = base;
	return mlc_chart__daily(s, &d);
}

static int draw_lines(mlc_svg *s)
{
	static const char *const names[] = {"chat", "ranker"};
	static const unsigned colors[] = {1, 2};
	double v[] = {8, 1.76, 1.88, NAN, 2.1, 0.1, 0.09, 0.11, 0.1, 0.12}; /* 9 points */
	mlc_lines_spec l;
	memset(&l, 0, sizeof(l));
	l.c = (mlc_chart){"t-lines", "Per 1k", "Two models over five days", "USD", 0, 0, 0};
	l.vk = MLC_VK_UNIT, l.first_day = day("2024-09-01"), l.ndays = 5;
	l.nseries = 2, l.names = names, l.colors = colors, l.values = v;
	l.line = (mlc_refline){1, 5, "limit"};
	return mlc_chart__lines(s, &l);
}

static int draw_burndown(mlc_svg *s)
{
	static const double daily[] = {100, 100, 100, 100, 100, 100, 100, 100, 100, 100};
	static const double alerts[] = {50, 80, 100};
	mlc_burndown_spec b;
	memset(&b, 0, sizeof(b));
	b.c = (mlc_chart){"t-burndown", "serving", "1,000 of 3,000 used", "USD", 470, 300, 1};
	b.period_start = day("2024-09-01"), b.days_total = 30, b.days_elapsed = 10;
	b.daily = daily, b.amount = 3000;
	b.has_forecast = 1, b.forecast_end = 3000, b.lo80 = 2600, b.hi80 = 3400;
	b.nalerts = 3, b.alerts = alerts;
	return mlc_chart__burndown(s, &b);
}

static int draw_scatter(mlc_svg *s)
{
	static const char *const names[] = {"large", "base", "distil", "tiny"};
	static const double x[] = {1919.9, 767.96, 496.4, 496.4}, y[] = {0.942, 0.928, 0.915, 0.89};
	static const int frontier[] = {1, 1, 1, 0}, ok[] = {0, 1, 0, 0};
	mlc_scatter_spec p;
	memset(&p, 0, sizeof(p));
	p.c = (mlc_chart){"t-scatter", "Frontier", "Four variants", "USD", 0, 400, 0};
	p.xvk = MLC_VK_MONEY, p.xname = "monthly cost", p.yname = "accuracy";
	p.n = 4, p.names = names, p.x = x, p.y = y, p.frontier = frontier, p.ok = ok;
	p.recommended = 1, p.floor = (mlc_refline){1, 0.92, "floor"};
	return mlc_chart__scatter(s, &p);
}

typedef struct chart_case {
	const char *name;
	int (*draw)(mlc_svg *s);
	const char *kinds[4];
	size_t counts[4];
} chart_case;

static const chart_case cases[] = {
    {"bars_stacked", draw_bars_stacked, {"bar"}, {5}},
    {"bars_grouped", draw_bars_grouped, {"bar"}, {5}},
    {"hbars", draw_hbars, {"key"}, {3}},
    {"waterfall", draw_waterfall, {"baseline", "whatif"}, {1, 3}},
    {"daily", draw_daily, {"day", "anomaly", "forecast", "band80"}, {14, 1, 1, 1}},
    {"lines", draw_lines, {"point"}, {9}},
    {"burndown", draw_burndown, {"actual", "forecast", "band80", "threshold"}, {1, 1, 1, 3}},
    {"scatter", draw_scatter, {"variant", "frontier"}, {4, 1}},
};

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	*len = fread(buf, 1, (size_t)n, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

/* "" when got equals the fixture (or the fixture was rewritten), else what differs */
static const char *compare_fixture(const char *name, const char *got, size_t len)
{
	static char msg[1024];
	char path[512];
	size_t wlen = 0, line = 1;
	char *want;
	msg[0] = '\0';
	snprintf(path, sizeof(path), FIXTURES "%s.svg", name);
	if (getenv("MLC_UPDATE_GOLDEN")) {
		FILE *f = fopen(path, "wb");
		if (!f || fwrite(got, 1, len, f) != len)
			snprintf(msg, sizeof(msg), "cannot write %s", path);
		if (f)
			fclose(f);
		return msg;
	}
	if (!(want = read_all(path, &wlen))) {
		snprintf(msg, sizeof(msg), "%s is missing (MLC_UPDATE_GOLDEN=1 writes it)", path);
		return msg;
	}
	for (size_t i = 0; i < len && i < wlen && !msg[0]; i++) {
		if (got[i] != want[i]) {
			const char *a = got + i, *b = want + i;
			while (a > got && a[-1] != '\n')
				a--, b--;
			snprintf(msg, sizeof(msg),
			         "%s differs at line %zu:\n got: %.120s\nwant: %.120s", path, line,
			         a, b);
		}
		line += got[i] == '\n';
	}
	if (!msg[0] && len != wlen)
		snprintf(msg, sizeof(msg), "%s: %zu bytes, fixture has %zu", path, len, wlen);
	free(want);
	return msg;
}

static void charts_match_fixtures(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *diff;
		mlcu_buf b;
		mlc_svg s;
		mlcu_buf_init(&b, 1 << 20);
		mlc_svg__init(&s, &b);
		if (cases[i].draw(&s))
			fail_msg("%s: %s", cases[i].name, mlc_error_message());
		for (size_t k = 0; k < 4 && cases[i].kinds[k]; k++)
			if (mlc_svg__count(&s, cases[i].kinds[k]) != cases[i].counts[k])
				fail_msg("%s: %zu marks '%s', expected %zu", cases[i].name,
				         mlc_svg__count(&s, cases[i].kinds[k]), cases[i].kinds[k],
				         cases[i].counts[k]);
		/* accessible: a role, a title and a description tied to the svg */
		assert_non_null(strstr(b.ptr, "role=\"img\""));
		assert_non_null(strstr(b.ptr, "<desc id=\"t-"));
		diff = compare_fixture(cases[i].name, b.ptr, b.len);
		mlcu_buf_free(&b);
		if (diff[0])
			fail_msg("%s", diff);
	}
}

/* every mark carries a tooltip with its exact number */
static void marks_have_tooltips(void **state)
{
	mlcu_buf b;
	mlc_svg s;
	(void)state;
	mlcu_buf_init(&b, 1 << 20);
	mlc_svg__init(&s, &b);
	assert_int_equal(draw_bars_stacked(&s), 0);
	assert_non_null(strstr(b.ptr, "<title>beta \xe2\x80\x94 infrastructure \xe2\x80\x94 "
	                              "inference: $250.50</title>"));
	/* the long name is cut on the axis and given whole in the label's tooltip */
	assert_non_null(
	    strstr(b.ptr, "<title>a_very_long_model_name_that_gets_cut_in_the_chart_v3</title>"));
	mlcu_buf_free(&b);
	mlc_svg__init(&s, &b);
	assert_int_equal(draw_daily(&s), 0);
	/* 520 against 120 expected: +400, +333.3% */
	assert_non_null(strstr(b.ptr, "Jan 15, 2025: $520.00 against $120.00 expected: +$400 "
	                              "(+333.3%)"));
	mlcu_buf_free(&b);
}

static void same_input_same_bytes(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		mlcu_buf a, b;
		mlc_svg s, t;
		mlcu_buf_init(&a, 1 << 20);
		mlcu_buf_init(&b, 1 << 20);
		mlc_svg__init(&s, &a);
		mlc_svg__init(&t, &b);
		assert_int_equal(cases[i].draw(&s), 0);
		assert_int_equal(cases[i].draw(&t), 0);
		assert_int_equal(a.len, b.len);
		assert_memory_equal(a.ptr, b.ptr, a.len);
		mlcu_buf_free(&a);
		mlcu_buf_free(&b);
	}
}

static void allocation_failures_are_clean(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (long n = 0;; n++) {
			mlcu_buf b;
			mlc_svg s;
			int rc;
			test_fail_allocation(n);
			mlcu_buf_init(&b, 1 << 20);
			mlc_svg__init(&s, &b);
			rc = cases[i].draw(&s);
			mlcu_buf_free(&b);
			test_restore_allocator();
			assert_int_equal(test_alloc_live, 0);
			if (!rc)
				break;
			assert_int_equal(rc, MLC_ENOMEM);
			assert_true(n < 10000);
		}
	}
}

/* a buffer cap is a clean failure too */
static void bounded_output(void **state)
{
	mlcu_buf b;
	mlc_svg s;
	(void)state;
	mlcu_buf_init(&b, 200);
	mlc_svg__init(&s, &b);
	assert_int_equal(draw_scatter(&s), MLC_ETOOLARGE);
	assert_true(b.len <= 200);
	mlcu_buf_free(&b);
}

/* ---- the writer ------------------------------------------------------------------------ */

static void escapes_and_numbers(void **state)
{
	char n[MLC_SVG_NUM_MAX];
	mlcu_buf b;
	mlc_svg s;
	(void)state;
	mlcu_buf_init(&b, 1024);
	mlc_svg__init(&s, &b);
	mlc_svg__esc(&s, "<a & \"b\" 'c'>\x01!");
	assert_string_equal(b.ptr, "&lt;a &amp; &quot;b&quot; &#39;c&#39;&gt;!");
	mlcu_buf_free(&b);
	mlc_svg__num(n, 12.345); /* 1234.5 hundredths round half away: 12.35 */
	assert_string_equal(n, "12.35");
	mlc_svg__num(n, -0.001); /* never "-0" */
	assert_string_equal(n, "0");
	mlc_svg__num(n, 2.5);
	assert_string_equal(n, "2.5");
	mlc_svg__num(n, -3);
	assert_string_equal(n, "-3");
	mlc_svg__num(n, NAN);
	assert_string_equal(n, "0");
}

static void formats_for_people(void **state)
{
	char t[MLC_RFMT_MAX];
	(void)state;
	mlc_rfmt__money(t, sizeof(t), 8457.33, "USD");
	assert_string_equal(t, "$8,457.33");
	mlc_rfmt__money(t, sizeof(t), -12, "USD");
	assert_string_equal(t, "-$12.00");
	mlc_rfmt__money(t, sizeof(t), -0.001, "USD"); /* rounds to zero: no sign */
	assert_string_equal(t, "$0.00");
	mlc_rfmt__money(t, sizeof(t), 5, "EUR");
	assert_string_equal(t, "\xe2\x82\xac"
	                       "5.00");
	mlc_rfmt__money(t, sizeof(t), 1234567.5, "CHF");
	assert_string_equal(t, "1,234,567.50 CHF");
	mlc_rfmt__money_short(t, sizeof(t), 1234, "USD");
	assert_string_equal(t, "$1.2k");
	mlc_rfmt__money_short(t, sizeof(t), 45957.33, "USD");
	assert_string_equal(t, "$46k");
	mlc_rfmt__money_short(t, sizeof(t), 3.4e6, "USD");
	assert_string_equal(t, "$3.4M");
	mlc_rfmt__money_short(t, sizeof(t), 950, "USD");
	assert_string_equal(t, "$950");
	mlc_rfmt__money_short(t, sizeof(t), 0.1175, "USD");
	assert_string_equal(t, "$0.12");
	mlc_rfmt__money_short(t, sizeof(t), 0.00639, "USD");
	assert_string_equal(t, "$0.0064");
	mlc_rfmt__unit_money(t, sizeof(t), 0.11746, "USD"); /* 4 significant digits */
	assert_string_equal(t, "$0.1175");
	mlc_rfmt__unit_money(t, sizeof(t), 8, "USD"); /* at least cents */
	assert_string_equal(t, "$8.00");
	mlc_rfmt__unit_money(t, sizeof(t), 1.764705882353, "USD");
	assert_string_equal(t, "$1.765");
	mlc_rfmt__money_tick(t, sizeof(t), 15000, 5000, 45000, "USD"); /* axis in k */
	assert_string_equal(t, "$15k");
	mlc_rfmt__money_tick(t, sizeof(t), 1500, 500, 3000, "USD"); /* below 10k: whole dollars */
	assert_string_equal(t, "$1,500");
	mlc_rfmt__money_tick(t, sizeof(t), 0.06, 0.02, 0.1, "USD");
	assert_string_equal(t, "$0.06");
	mlc_rfmt__pct(t, sizeof(t), -0.04);
	assert_string_equal(t, "0.0%");
	mlc_rfmt__pct(t, sizeof(t), 98.8571);
	assert_string_equal(t, "98.9%");
	mlc_rfmt__count(t, sizeof(t), 72e6);
	assert_string_equal(t, "72,000,000");
	mlc_rfmt__count_short(t, sizeof(t), 1.35e6);
	assert_string_equal(t, "1.4M");
	mlc_rfmt__number(t, sizeof(t), 0.942);
	assert_string_equal(t, "0.942");
	mlc_rfmt__sig(t, sizeof(t), 0.130556, 3);
	assert_string_equal(t, "0.131");
	mlc_rfmt__day(t, sizeof(t), day("2024-09-03"), 1);
	assert_string_equal(t, "Sep 3, 2024");
}

static void nice_ticks(void **state)
{
	mlc_ticks t;
	(void)state;
	/* 0..87 in about 6: rough step 14.5 = 1.45 × 10, the next nice step is 2 × 10;
	 * 0, 20, ..., 100 */
	mlc_rfmt__ticks(&t, 0, 87, 6);
	assert_true(t.step == 20 && t.lo == 0 && t.hi == 100 && t.n == 6);
	/* 0..45957 in about 6: rough 7659.5 = 7.66 × 1000 → 10000; 0..50000, 6 ticks */
	mlc_rfmt__ticks(&t, 0, 45957.33, 6);
	assert_true(t.step == 10000 && t.hi == 50000 && t.n == 6);
	/* 0.88..0.96 in 6: rough 0.01333 = 1.33 × 0.01 → 0.02; 0.88, 0.90, ..., 0.96 */
	mlc_rfmt__ticks(&t, 0.88, 0.96, 6);
	assert_true(fabs(t.step - 0.02) < 1e-12 && fabs(t.lo - 0.88) < 1e-9 && t.n == 5);
	/* 0..40500 in about 6: rough 6750 → 10000 (not 5000: ten gridlines are too many) */
	mlc_rfmt__ticks(&t, 0, 40500, 6);
	assert_true(t.step == 10000 && t.hi == 50000 && t.n == 6);
	/* nothing at all: 0..1 */
	mlc_rfmt__ticks(&t, 0, 0, 6);
	assert_true(t.lo == 0 && t.hi > 0);
}

static void date_ticks(void **state)
{
	mlc_day_ticks t;
	(void)state;
	/* 3 days on 900 px: every day */
	mlc_rfmt__day_ticks(&t, day("2024-09-01"), day("2024-09-03"), 900);
	assert_int_equal(t.kind, MLC_DAY_TICK_DAY);
	assert_int_equal(t.n, 3);
	assert_string_equal(t.labels[2], "Sep 3");
	/* 60 days on 900 px: at most 900 / 64 = 14 labels; days (60) and every other day (30)
	 * are too many, Mondays fit: 2025-01-06 is a Monday, 9 Mondays to 2025-03-06 */
	mlc_rfmt__day_ticks(&t, day("2025-01-05"), day("2025-03-05"), 900);
	assert_int_equal(t.kind, MLC_DAY_TICK_WEEK);
	assert_int_equal(t.n, 9);
	assert_string_equal(t.labels[0], "Jan 6");
	/* a year: month starts, the first with its year */
	mlc_rfmt__day_ticks(&t, day("2024-01-01"), day("2024-12-31"), 900);
	assert_int_equal(t.kind, MLC_DAY_TICK_MONTH);
	assert_int_equal(t.n, 12);
	assert_string_equal(t.labels[0], "Jan 2024");
	assert_string_equal(t.labels[1], "Feb");
}

static void labels_fit(void **state)
{
	char t[64];
	(void)state;
	mlc_rfmt__fit(t, sizeof(t), "short", 200, 12);
	assert_string_equal(t, "short");
	mlc_rfmt__fit(t, sizeof(t), "product_recommendation_v3", 60, 12);
	assert_true(strlen(t) < strlen("product_recommendation_v3"));
	assert_non_null(strstr(t, "\xe2\x80\xa6"));
	assert_true(mlc_rfmt__text_width(t, 12) <= 60);
	/* never inside a UTF-8 sequence */
	mlc_rfmt__fit(t, sizeof(t), "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 20, 12);
	assert_true((unsigned char)t[0] == 0xc3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(charts_match_fixtures),
	    cmocka_unit_test(marks_have_tooltips),
	    cmocka_unit_test(same_input_same_bytes),
	    cmocka_unit_test(allocation_failures_are_clean),
	    cmocka_unit_test(bounded_output),
	    cmocka_unit_test(escapes_and_numbers),
	    cmocka_unit_test(formats_for_people),
	    cmocka_unit_test(nice_ticks),
	    cmocka_unit_test(date_ticks),
	    cmocka_unit_test(labels_fit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
