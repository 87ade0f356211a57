/* SPDX-License-Identifier: MIT */
/* Unit tests for unit cost, part 3: a retrain cadence per model (from a
 * cost profile's training.runs_per_month, `mlcost unit --profile`). The
 * engine with per-model cadences (a model not listed keeps its training
 * where it ran; one cadence for all wins), the cadences of a profile, and
 * mlc_unit_run end to end on tests/data/unit_profile (JSON lists the
 * cadences; the result owns its copy). Every figure is worked out by hand in
 * the comments; amounts: P(units, twelfths) = units * 10^12 + twelfths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mlcost.h"
#include "unitcost.h"
#include "test_support.h"

#define E12            ((mlcu_money)1000000000000LL)
#define P(units, frac) ((mlcu_money)(units)*E12 + (mlcu_money)(frac))
#define DAY            ((int64_t)86400)
#define DATA           MLC_TEST_DATA "/unit_profile/"

static mlc_unitcost_input cost(const char *model, int64_t period, const char *phase, mlcu_money c)
{
	mlc_unitcost_input in;
	in.model.ptr = model;
	in.model.len = model ? strlen(model) : 0;
	in.period = period;
	in.phase.ptr = phase;
	in.phase.len = phase ? strlen(phase) : 0;
	in.cost = c;
	return in;
}

static const mlc_unitcost_row *model_row(const mlc_unitcost_report *r, const char *model)
{
	for (size_t i = 0; i < r->nmodels; i++)
		if (model ? r->models[i].model && !strcmp(r->models[i].model, model)
		          : !r->models[i].model)
			return &r->models[i];
	fail_msg("no model %s", model ? model : "-");
	return NULL;
}

/* a: 100 requests on each of days 0-5; b: 50 on days 0-5; c: 10 on day 0. Data ends at day 6. */
static mlc_usage *usage_abc(void)
{
	mlc_usage *u = NULL;
	assert_int_equal(mlc_usage__new(&u, MLCU_BUCKET_DAY, 0), 0);
	for (int64_t d = 0; d < 6; d++) {
		assert_int_equal(mlc_usage__add(u, "a", 1, d * DAY, 100, 0, 0), 0);
		assert_int_equal(mlc_usage__add(u, "b", 1, d * DAY, 50, 0, 0), 0);
	}
	assert_int_equal(mlc_usage__add(u, "c", 1, 0, 10, 0, 0), 0);
	assert_int_equal(mlc_usage__finish(u), 0);
	return u;
}

static void each_model_has_its_own_cadence(void **state)
{
	/* a retrains every 2 days, b every 12 days; c is not listed */
	static const mlc_unitcost_cadence cad[] = {{"a", 1, 2 * DAY}, {"b", 1, 12 * DAY}};
	mlc_unitcost_options o = MLC_UNITCOST_OPTIONS_INIT;
	mlc_unitcost_input in[4];
	mlc_unitcost_report *r = NULL;
	mlc_usage *u = usage_abc();
	(void)state;
	o.cadences = cad;
	o.ncadences = 2;
	in[0] = cost("a", 0, "training", P(6, 0));
	in[1] = cost("b", 0, "training", P(12, 0));
	in[2] = cost("c", 0, "training", P(3, 0));
	in[3] = cost(NULL, 0, "training", P(1, 0)); /* no model: no cadence either */
	assert_int_equal(mlc_unitcost__compute(&r, in, 4, u, &o), 0);
	/* only a and b are amortized; c's and the untagged training stay where they ran */
	assert_int_equal(r->ntraining, 2);
	/* a: window [0, 2): 6.00 over 100 : 100 requests = 3.00 + 3.00, all observed */
	assert_string_equal(r->training[0].model, "a");
	assert_int_equal(r->training[0].window_end, 2 * DAY);
	assert_money_eq(r->training[0].amortized, P(6, 0));
	assert_int_equal(r->training[0].requests, 200);
	/* b: window [0, 12), data ends at 6: 6 of 12 days observed -> 12.00 * 6/12 =
	 * 6.00 spread over 6 x 50 requests, 6.00 unamortized */
	assert_string_equal(r->training[1].model, "b");
	assert_int_equal(r->training[1].window_end, 12 * DAY);
	assert_int_equal(r->training[1].observed_end, 6 * DAY);
	assert_money_eq(r->training[1].amortized, P(6, 0));
	assert_money_eq(r->training[1].unamortized, P(6, 0));
	assert_int_equal(r->training[1].requests, 300);
	/* per model: a 6.00 / 600 requests = 0.01; b 6.00 / 300 = 0.02;
	 * c 3.00 (training column 0: not amortized) / 10 = 0.30 */
	assert_money_eq(model_row(r, "a")->cost, P(6, 0));
	assert_money_eq(model_row(r, "a")->per_request, P(0, 10000000000));
	assert_money_eq(model_row(r, "b")->per_request, P(0, 20000000000));
	assert_money_eq(model_row(r, "c")->cost, P(3, 0));
	assert_money_eq(model_row(r, "c")->training, 0);
	assert_money_eq(model_row(r, "c")->per_request, P(0, 300000000000));
	assert_money_eq(model_row(r, NULL)->cost, P(1, 0));
	/* in 6 + 12 + 3 + 1 = 22 = charged 16 + unamortized 6 */
	assert_money_eq(r->cost_in, P(22, 0));
	assert_money_eq(r->cost_charged, P(16, 0));
	assert_money_eq(r->unamortized, P(6, 0));
	mlc_unitcost__report_free(r);

	/* one cadence for every model wins: 3 days. a: [0, 3) 6.00 over 3 x 100;
	 * b: [0, 3) 12.00 over 3 x 50; c: [0, 3) 3.00 over its 10 requests on day 0;
	 * the untagged 1.00 has no usage: unamortized. 4 training costs. */
	o.retrain_every = 3 * DAY;
	assert_int_equal(mlc_unitcost__compute(&r, in, 4, u, &o), 0);
	assert_int_equal(r->ntraining, 4);
	assert_money_eq(model_row(r, "b")->cost, P(12, 0));
	assert_money_eq(model_row(r, "c")->training, P(3, 0));
	assert_money_eq(r->unamortized, P(1, 0));
	mlc_unitcost__report_free(r);
	mlc_usage__free(u);
}

static void cadence_options_are_checked(void **state)
{
	mlc_unitcost_cadence cad[] = {{"a", 1, 0}};
	mlc_unitcost_options o = MLC_UNITCOST_OPTIONS_INIT;
	mlc_unitcost_report *r = NULL;
	mlc_unitcost_input in = cost("a", 0, "training", P(1, 0));
	(void)state;
	o.cadences = cad;
	o.ncadences = 1;
	assert_int_equal(mlc_unitcost__compute(&r, &in, 1, NULL, &o), MLC_EINVAL);
	/* 100 years of 365 days is the most: 3153600000 s; one second more fails */
	cad[0].seconds = MLC_UNITCOST_MAX_CADENCE + 1;
	assert_int_equal(mlc_unitcost__compute(&r, &in, 1, NULL, &o), MLC_EINVAL);
	cad[0].seconds = MLC_UNITCOST_MAX_CADENCE;
	assert_int_equal(mlc_unitcost__compute(&r, &in, 1, NULL, &o), 0);
	mlc_unitcost__report_free(r);
	r = NULL;
	/* a cadence needs periods */
	o.bucket = MLCU_BUCKET_NONE;
	assert_int_equal(mlc_unitcost__compute(&r, &in, 1, NULL, &o), MLC_EINVAL);
	assert_null(r);
}

static void profile_gives_the_cadence_of_each_model_that_retrains(void **state)
{
	static const char yaml[] = "version: 1\n"
	                           "catalog: builtin:seed\n"
	                           "days_per_month: 31\n"
	                           "models:\n"
	                           "  - name: weekly\n"
	                           "    training: {instance: c5.2xlarge_cpu, hours_per_run: 1, "
	                           "runs_per_month: 4}\n"
	                           "  - name: frozen\n"
	                           "    training: {instance: c5.2xlarge_cpu, hours_per_run: 1, "
	                           "runs_per_month: 0}\n"
	                           "  - name: serving-only\n"
	                           "    inference: {instance: c5.2xlarge_cpu, count: 1}\n"
	                           "  - name: nightly\n"
	                           "    training: {instance: c5.2xlarge_cpu, hours_per_run: 1, "
	                           "runs_per_month: 31}\n";
	mlc_profile *p = NULL;
	mlc_unit_cadence *c = NULL;
	size_t n = 9;
	(void)state;
	assert_int_equal(mlc_profile_load_string(&p, "p.yaml", yaml, strlen(yaml)), 0);
	assert_int_equal(mlc_unit_profile_cadences(&c, &n, p), 0);
	/* frozen (runs 0) and serving-only (no training) do not retrain: left out */
	assert_int_equal(n, 2);
	/* a month of 31 days: 31 x 86400 = 2678400 s; / 4 = 669600 (7.75 days) */
	assert_string_equal(c[0].model, "weekly");
	assert_int_equal(c[0].seconds, 669600);
	/* / 31 = 86400: one day */
	assert_string_equal(c[1].model, "nightly");
	assert_int_equal(c[1].seconds, 86400);
	mlc_unit_cadences_free(c);
	mlc_profile_free(p);
}

static void profile_without_retraining_gives_none_and_bad_runs_fail(void **state)
{
	static const char none[] = "version: 1\ncatalog: builtin:seed\nmodels:\n"
	                           "  - name: m\n"
	                           "    training: {instance: c5.2xlarge_cpu, hours_per_run: 1, "
	                           "runs_per_month: 0}\n";
	/* 30 days / 10^7 runs = 0.2592 s, which rounds to 0 s: below 1 s */
	static const char fast[] = "version: 1\ncatalog: builtin:seed\nmodels:\n"
	                           "  - name: m\n"
	                           "    training: {instance: c5.2xlarge_cpu, hours_per_run: 0, "
	                           "runs_per_month: 10000000}\n";
	mlc_profile *p = NULL;
	mlc_unit_cadence *c = NULL;
	size_t n = 9;
	(void)state;
	assert_int_equal(mlc_profile_load_string(&p, "none.yaml", none, strlen(none)), 0);
	assert_int_equal(mlc_unit_profile_cadences(&c, &n, p), 0);
	assert_null(c);
	assert_int_equal(n, 0);
	mlc_profile_free(p);
	assert_int_equal(mlc_profile_load_string(&p, "fast.yaml", fast, strlen(fast)), 0);
	assert_int_equal(mlc_unit_profile_cadences(&c, &n, p), MLC_EINVAL);
	assert_string_equal(mlc_error_message(), "model 'm': training.runs_per_month gives a "
	                                         "cadence outside 1 s .. 100 years");
	assert_null(c);
	mlc_profile_free(p);
	assert_int_equal(mlc_unit_profile_cadences(&c, &n, NULL), MLC_EINVAL);
}

static mlc_amount amount(const char *text)
{
	mlc_amount a;
	assert_int_equal(mlc_amount_parse(&a, text, strlen(text)), 0);
	return a;
}

/* The text mlc_unit_write produces for r. */
static char *written(const mlc_unit_result *r, mlc_bills_format fmt)
{
	static char buf[16384];
	FILE *f = tmpfile();
	size_t n;
	assert_non_null(f);
	assert_int_equal(mlc_unit_write(r, fmt, f), 0);
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/*
 * tests/data/unit_profile (arithmetic in tests/golden/unit_profile_csv/NOTES):
 * ranker retrains every 30/6 = 5 days, chat every 30/10 = 3 days; chat's
 * 30.00 training of 10-05 covers [10-05, 10-08) but the data ends on 10-07:
 * 30 x 2/3 = 20 amortized, 10 not; chat: 12 inference + 60 + 20 = 92 over
 * 900 requests. The profile is freed before the result is read: the result
 * keeps its own copy of the cadences.
 */
static void run_on_bills_with_a_profile(void **state)
{
	const char *bill = DATA "bill.csv";
	mlc_unit_options o = MLC_UNIT_OPTIONS_INIT;
	mlc_unit_result *r = NULL;
	mlc_profile *p = NULL;
	mlc_unit_cadence *c = NULL;
	const char *json;
	size_t i;
	(void)state;
	assert_int_equal(mlc_profile_load_file(&p, DATA "profile.yaml"), 0);
	assert_int_equal(mlc_unit_profile_cadences(&c, &o.ncadences, p), 0);
	o.cadences = c;
	assert_int_equal(mlc_unit_run(&r, &bill, 1, DATA "usage.csv", &o), 0);
	mlc_unit_cadences_free(c);
	mlc_profile_free(p);
	/* ranker 5 days = 432000 s, chat 3 days = 259200 s, fraud-scorer 15 days = 1296000 s */
	assert_int_equal(r->ncadences, 3);
	assert_string_equal(r->cadences[1].model, "chat");
	assert_int_equal(r->cadences[1].seconds, 259200);
	assert_int_equal(r->retrain_every, 0);
	for (i = 0; i < r->nmodels && strcmp(r->models[i].model ? r->models[i].model : "", "chat");)
		i++;
	assert_true(i < r->nmodels);
	assert_int_equal(mlc_amount_cmp(r->models[i].cost, amount("92")), 0);
	assert_int_equal(mlc_amount_cmp(r->models[i].training, amount("80")), 0);
	assert_int_equal(mlc_amount_cmp(r->unamortized, amount("10")), 0);
	json = written(r, MLC_BILLS_JSON);
	assert_non_null(strstr(json, "\"retrain_every_seconds\":0,\"retrain_cadences\":["
	                             "{\"model\":\"ranker\",\"seconds\":432000},"
	                             "{\"model\":\"chat\",\"seconds\":259200},"
	                             "{\"model\":\"fraud-scorer\",\"seconds\":1296000}],"));
	mlc_unit_result_free(r);
}

/* A cadence without a model, or of 0 s, is refused before any bill is read. */
static void run_checks_the_cadences(void **state)
{
	const char *bill = DATA "bill.csv";
	mlc_unit_cadence bad[] = {{"chat", 0}};
	mlc_unit_options o = MLC_UNIT_OPTIONS_INIT;
	mlc_unit_result *r = NULL;
	(void)state;
	o.cadences = bad;
	o.ncadences = 1;
	assert_int_equal(mlc_unit_run(&r, &bill, 1, DATA "usage.csv", &o), MLC_EINVAL);
	assert_null(r);
	bad[0].seconds = 86400;
	bad[0].model = NULL;
	assert_int_equal(mlc_unit_run(&r, &bill, 1, DATA "usage.csv", &o), MLC_EINVAL);
	/* --retrain-every wins: the bad list is not used at all */
	o.retrain_every = "2d";
	assert_int_equal(mlc_unit_run(&r, &bill, 1, DATA "usage.csv", &o), 0);
	assert_int_equal(r->ncadences, 0);
	assert_int_equal(r->retrain_every, 2 * DAY);
	mlc_unit_result_free(r);
}

static int run_once(long n, long *used)
{
	static const mlc_unit_cadence cad[] = {{"ranker", 5 * DAY}, {"chat", 3 * DAY}};
	const char *bill = DATA "bill.csv";
	mlc_unit_options o = MLC_UNIT_OPTIONS_INIT;
	mlc_unit_result *r = NULL;
	int rc;
	o.cadences = cad;
	o.ncadences = 2;
	o.threads = 1;
	test_fail_allocation(n);
	rc = mlc_unit_run(&r, &bill, 1, DATA "usage.csv", &o);
	mlc_unit_result_free(r);
	*used = test_alloc_calls;
	test_restore_allocator();
	assert_int_equal(test_alloc_live, 0);
	return rc;
}

/* Each allocation failing in turn: out of memory, or (where the bill engine
 * can do without, e.g. a cache) the full result; never a leak (run_once). */
static void run_fails_cleanly_at_every_allocation(void **state)
{
	long total, used, n, failed = 0;
	(void)state;
	assert_int_equal(run_once(-1, &total), 0);
	assert_true(total > 20);
	for (n = 0; n < total; n++) {
		int rc = run_once(n, &used);
		assert_true(rc == 0 || rc == MLC_ENOMEM);
		failed += rc != 0;
	}
	assert_true(failed > total / 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(each_model_has_its_own_cadence),
	    cmocka_unit_test(cadence_options_are_checked),
	    cmocka_unit_test(profile_gives_the_cadence_of_each_model_that_retrains),
	    cmocka_unit_test(profile_without_retraining_gives_none_and_bad_runs_fail),
	    cmocka_unit_test(run_on_bills_with_a_profile),
	    cmocka_unit_test(run_checks_the_cadences),
	    cmocka_unit_test(run_fails_cleanly_at_every_allocation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
