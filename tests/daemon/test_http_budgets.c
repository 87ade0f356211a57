/* SPDX-License-Identifier: MIT */
/*
 * test_http_budgets.c - budgets as the server enforces them: filter keys
 * mapped to event fields (and the budgets it must refuse), which budgets
 * apply to an event (the model index, "" = no value, other fields), which
 * a team-limited token may see, and calendar periods.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "budget_live.h"
#include "serve_error.h"

static const char *const FILE_TEXT =
    "budgets:\n"
    "  - {name: b0-all, amount: 1000}\n"
    "  - {name: b1-chat, filter: {tag:model_id: chat}, amount: 10}\n"
    "  - {name: b2-two, filter: {model: [rank, chat]}, amount: 20}\n"
    "  - {name: b3-search, filter: {Team: search}, amount: 30, period: quarter}\n"
    "  - {name: b4-chat-search, filter: {model: chat, team: search}, amount: 40}\n"
    "  - {name: b5-untagged, filter: {model_id: \"\"}, amount: 50, period: year}\n"
    "  - {name: b6-ep, filter: {tag:endpoint: /a, version: v2}, amount: 60}\n";

static mlcd_budget_set *load(const char *text)
{
	mlc_budgets *b = NULL;
	mlcd_budget_set *bs = NULL;
	assert_int_equal(mlc_budgets_load_string(&b, "b.yaml", text, strlen(text)), 0);
	assert_int_equal(mlcd_budget_set_from(&bs, b, "b.yaml"), 0);
	return bs;
}

typedef struct seen {
	size_t idx[16];
	size_t n;
} seen;

static int collect(size_t i, void *ctx)
{
	seen *s = ctx;
	s->idx[s->n++] = i;
	return 0;
}

/* The budgets applying to (model, team, endpoint, version) as digits, e.g. "0124". */
static const char *applying(const mlcd_budget_set *bs, const char *model, const char *team,
                            const char *endpoint, const char *version)
{
	static char out[17];
	const char *vals[MLCD_DIM_COUNT] = {model, team, endpoint, version};
	seen s;
	size_t i;
	s.n = 0;
	mlcd_budget_set_each_applicable(bs, vals, collect, &s);
	for (i = 0; i < s.n; i++)
		out[i] = (char)('0' + s.idx[i]);
	out[s.n] = '\0';
	return out;
}

static void test_applicable(void **state)
{
	mlcd_budget_set *bs = load(FILE_TEXT);
	size_t n;
	assert_int_equal(mlcd_budget_set_count(bs), 7);
	assert_non_null(mlcd_budget_values(bs, 1, MLCD_DIM_MODEL, &n));
	assert_int_equal(n, 1);
	assert_null(mlcd_budget_values(bs, 1, MLCD_DIM_TEAM, &n));
	/* chat alone: everything, chat, the pair; not the team budgets (no team given) */
	assert_string_equal(applying(bs, "chat", NULL, NULL, NULL), "012");
	assert_string_equal(applying(bs, "chat", "search", NULL, NULL), "01234");
	assert_string_equal(applying(bs, "rank", "search", NULL, NULL), "023");
	assert_string_equal(applying(bs, "other", NULL, NULL, NULL), "0");
	/* no model: the untagged budget */
	assert_string_equal(applying(bs, NULL, NULL, NULL, NULL), "05");
	assert_string_equal(applying(bs, NULL, "search", "/a", "v2"), "0356");
	assert_string_equal(applying(bs, "x", NULL, "/a", "v1"), "0");
	mlcd_budget_set_free(bs);
	assert_string_equal(applying(NULL, "chat", NULL, NULL, NULL), "");
}

static int stop_at_first(size_t i, void *ctx)
{
	*(size_t *)ctx = i;
	return 7;
}

static void test_stop_early(void **state)
{
	mlcd_budget_set *bs = load(FILE_TEXT);
	const char *vals[MLCD_DIM_COUNT] = {"chat", NULL, NULL, NULL};
	size_t first = 99;
	assert_int_equal(mlcd_budget_set_each_applicable(bs, vals, stop_at_first, &first), 7);
	assert_int_equal(first, 0);
	mlcd_budget_set_free(bs);
}

static void test_visible(void **state)
{
	mlcd_budget_set *bs = load(FILE_TEXT);
	char *teams[] = {"search"};
	mlcd_token t;
	memset(&t, 0, sizeof(t));
	assert_true(mlcd_budget_visible(bs, 0, NULL));
	assert_true(mlcd_budget_visible(bs, 0, &t)); /* not team-limited */
	t.teams = teams, t.nteams = 1;
	assert_false(mlcd_budget_visible(bs, 0, &t)); /* everyone's spend */
	assert_false(mlcd_budget_visible(bs, 1, &t));
	assert_true(mlcd_budget_visible(bs, 3, &t));
	assert_true(mlcd_budget_visible(bs, 4, &t));
	mlcd_budget_set_free(bs);
}

static void refused(const char *text, const char *msg)
{
	mlc_budgets *b = NULL;
	mlcd_budget_set *bs = NULL;
	assert_int_equal(mlc_budgets_load_string(&b, "b.yaml", text, strlen(text)), 0);
	assert_int_equal(mlcd_budget_set_from(&bs, b, "b.yaml"), MLC_EPARSE);
	assert_null(bs);
	assert_string_equal(mlcd_error_message(), msg);
}

static void test_refused(void **state)
{
	refused("budgets:\n  - {name: x, amount: 1}\n  - {name: svc, filter: {ServiceName: EC2}, "
	        "amount: 1}\n",
	        "b.yaml:3: budget 'svc': filter key 'ServiceName' is not an event field (model, "
	        "team, endpoint, version); mlcost serve cannot enforce it");
	refused("budgets:\n  - {name: eur, amount: 1, currency: EUR}\n",
	        "b.yaml:2: budget 'eur': currency EUR; metered events are priced in USD");
	refused("budgets:\n  - {name: twice, filter: {model: a, tag:model_id: b}, amount: 1}\n",
	        "b.yaml:2: budget 'twice': two filter keys name the same event field "
	        "('tag:model_id')");
	assert_int_equal(mlcd_budget_key_dim("TAG:Model"), MLCD_DIM_MODEL);
	assert_int_equal(mlcd_budget_key_dim("model_version"), MLCD_DIM_VERSION);
	assert_int_equal(mlcd_budget_key_dim("tag:lifecycle_phase"), -1);
}

static void test_periods(void **state)
{
	/* 2026-02-10T10:15:00Z; 2026-01-01 is 56 x 365 + 14 leap days after 1970-01-01 */
	const int64_t jan1 = (int64_t)(56 * 365 + 14) * 86400, feb1 = jan1 + 31 * 86400;
	const int64_t t = feb1 + 9 * 86400 + 10 * 3600 + 15 * 60;
	const int64_t mar1 = feb1 + 28 * 86400, apr1 = mar1 + 31 * 86400;
	const int64_t jan1_27 = jan1 + 365 * 86400, dec1 = jan1_27 - 31 * 86400;
	int64_t a, b;
	mlcd_budget_period(&a, &b, MLC_BUDGET_MONTH, t);
	assert_true(a == feb1 && b == mar1);
	mlcd_budget_period(&a, &b, MLC_BUDGET_QUARTER, t);
	assert_true(a == jan1 && b == apr1);
	mlcd_budget_period(&a, &b, MLC_BUDGET_YEAR, t);
	assert_true(a == jan1 && b == jan1_27);
	/* December rolls over into the next year; the period's first second is inside it */
	mlcd_budget_period(&a, &b, MLC_BUDGET_MONTH, dec1);
	assert_true(a == dec1 && b == jan1_27);
	mlcd_budget_period(&a, &b, MLC_BUDGET_QUARTER, jan1_27 - 1);
	assert_true(a == dec1 - 61 * 86400 && b == jan1_27); /* Oct 1 = Dec 1 - (31 + 30) days */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_applicable), cmocka_unit_test(test_stop_early),
	    cmocka_unit_test(test_visible),    cmocka_unit_test(test_refused),
	    cmocka_unit_test(test_periods),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
