/* SPDX-License-Identifier: MIT */
/* Unit tests for unit cost, part 2: training amortized over the requests
 * served until the next retrain. Worked examples by hand (a window fully
 * inside the data, one cut by the end of the data, a model with no usage,
 * phases, month buckets), conservation over randomized inputs (cost in ==
 * charged + unamortized, exactly), and failure of every allocation.
 * Amounts: P(units, twelfths) = units * 10^12 + twelfths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mlcost/common.h"
#include "unitcost.h"
#include "test_support.h"

#define E12            ((mlcu_money)1000000000000LL)
#define P(units, frac) ((mlcu_money)(units)*E12 + (mlcu_money)(frac))
#define DAY            ((int64_t)86400)

static mlc_span sp(const char *s)
{
	mlc_span v = {s, s ? strlen(s) : 0};
	return v;
}

static mlc_unitcost_input cost(const char *model, int64_t period, const char *phase, mlcu_money c)
{
	mlc_unitcost_input in;
	in.model = sp(model);
	in.period = period;
	in.phase = sp(phase);
	in.cost = c;
	return in;
}

static const mlc_unitcost_row *row(const mlc_unitcost_row *rows, size_t n, const char *model,
                                   int64_t period, const char *phase)
{
	for (size_t i = 0; i < n; i++)
		if ((model ? rows[i].model && !strcmp(rows[i].model, model) : !rows[i].model) &&
		    rows[i].period == period &&
		    (phase ? rows[i].phase && !strcmp(rows[i].phase, phase) : !rows[i].phase))
			return &rows[i];
	fail_msg("no row %s/%lld/%s", model ? model : "-", (long long)period, phase ? phase : "-");
	return NULL;
}

/*
 * ranker's requests: day 0: 100, day 1: 300, day 2: none, day 3: 600, day 4: 200;
 * the usage data ends with day 4, at day 5. Retrain every 3 days.
 */
static mlc_usage *ranker_usage(void)
{
	static const int64_t d[] = {0, 1, 3, 4};
	static const uint64_t req[] = {100, 300, 600, 200};
	mlc_usage *u = NULL;
	assert_int_equal(mlc_usage__new(&u, MLCU_BUCKET_DAY, 0), 0);
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(mlc_usage__add(u, "ranker", 6, d[i] * DAY + 3600, req[i], 0, 0),
		                 0);
	assert_int_equal(mlc_usage__finish(u), 0);
	return u;
}

static void amortizes_over_the_requests_until_the_next_retrain(void **state)
{
	mlc_unitcost_options o = MLC_UNITCOST_OPTIONS_INIT;
	mlc_unitcost_input in[5];
	mlc_unitcost_report *r = NULL;
	mlc_usage *u = ranker_usage();
	const mlc_unitcost_training *t;
	const mlc_unitcost_row *x;
	(void)state;
	assert_int_equal(mlc_unitcost__parse_cadence(&o.retrain_every, "3d"), 0);
	in[0] = cost("ranker", 0, "training", P(12, 0));
	in[1] = cost("ranker", 3 * DAY, "Training", P(6, 0)); /* the phase matches in any case */
	in[2] = cost("chat", 4 * DAY, "training", P(1, 0));   /* no usage at all */
	in[3] = cost("ranker", 1 * DAY, "inference", P(1, 0));
	in[4] = cost("ranker", 3 * DAY, "inference", P(2, 0));
	assert_int_equal(mlc_unitcost__compute(&r, in, 5, u, &o), 0);
	assert_int_equal(r->usage_end, 5 * DAY);
	assert_int_equal(r->ntraining, 3);

	/* chat (sorted first): window [4, 7), observed [4, 5) = 1 day of 3, but no
	 * request in it: all 1.00 unamortized */
	t = &r->training[0];
	assert_string_equal(t->model, "chat");
	assert_int_equal(t->observed_end, 5 * DAY);
	assert_money_eq(t->amortized, 0);
	assert_money_eq(t->unamortized, P(1, 0));
	/* ranker day 0: window [0, 3) inside the data; 12.00 over 100 : 300 requests
	 * (day 2 has none) = 3.00 and 9.00 */
	t = &r->training[1];
	assert_int_equal(t->period, 0);
	assert_int_equal(t->window_end, 3 * DAY);
	assert_int_equal(t->observed_end, 3 * DAY);
	assert_money_eq(t->amortized, P(12, 0));
	assert_money_eq(t->unamortized, 0);
	assert_int_equal(t->requests, 400);
	/* ranker day 3: window [3, 6), data ends at 5: 2 days of 3 observed,
	 * 6.00 * 2/3 = 4.00 over 600 : 200 = 3.00 and 1.00; 2.00 left unamortized */
	t = &r->training[2];
	assert_string_equal(t->phase, "Training");
	assert_int_equal(t->observed_end, 5 * DAY);
	assert_money_eq(t->amortized, P(4, 0));
	assert_money_eq(t->unamortized, P(2, 0));
	assert_int_equal(t->requests, 800);

	/* rows: day 0: 3.00 / 100 = 0.03 (30.00 per 1,000) */
	x = row(r->rows, r->nrows, "ranker", 0, NULL);
	assert_money_eq(x->cost, P(3, 0));
	assert_money_eq(x->training, P(3, 0));
	assert_money_eq(x->per_1k, P(30, 0));
	/* day 1: 9.00 + 1.00 inference = 10.00 / 300 = 0.033333333333|3;
	 * per 1,000: 10^16 / 300 = 33333333333333.3 units -> 33.333333333333 */
	x = row(r->rows, r->nrows, "ranker", DAY, NULL);
	assert_money_eq(x->cost, P(10, 0));
	assert_money_eq(x->per_request, P(0, 33333333333));
	assert_money_eq(x->per_1k, P(33, 333333333333));
	/* day 3: 3.00 + 2.00 = 5.00 / 600 = 0.008333333333|3 */
	x = row(r->rows, r->nrows, "ranker", 3 * DAY, NULL);
	assert_money_eq(x->cost, P(5, 0));
	assert_money_eq(x->per_request, P(0, 8333333333));
	/* day 4: 1.00 / 200 = 0.005 */
	assert_money_eq(row(r->rows, r->nrows, "ranker", 4 * DAY, NULL)->per_request,
	                P(0, 5000000000));
	/* chat is listed where its training happened, with nothing charged */
	x = row(r->rows, r->nrows, "chat", 4 * DAY, NULL);
	assert_money_eq(x->cost, 0);
	assert_int_equal(x->flags, MLC_UNITCOST_ALL_PHASES | MLC_UNITCOST_NO_USAGE);
	/* ranker overall: 3 + 10 + 5 + 1 = 19.00 over 1200 requests = 0.015833333333|3,
	 * of which training 3 + 9 + 3 + 1 = 16.00 */
	x = row(r->models, r->nmodels, "ranker", 0, NULL);
	assert_money_eq(x->cost, P(19, 0));
	assert_money_eq(x->training, P(16, 0));
	assert_int_equal(x->requests, 1200);
	assert_money_eq(x->per_request, P(0, 15833333333));
	assert_money_eq(x->per_1k, P(15, 833333333333));
	/* nothing lost: in 12 + 6 + 1 + 1 + 2 = 22 = charged 19 + unamortized 2 + 1 */
	assert_money_eq(r->cost_in, P(22, 0));
	assert_money_eq(r->cost_charged, P(19, 0));
	assert_money_eq(r->unamortized, P(3, 0));
	mlc_unitcost__report_free(r);
	mlc_usage__free(u);
}

static void amortized_training_shows_in_its_phase(void **state)
{
	mlc_unitcost_options o = MLC_UNITCOST_OPTIONS_INIT;
	mlc_unitcost_input in[2];
	mlc_unitcost_report *r = NULL;
	mlc_usage *u = ranker_usage();
	const mlc_unitcost_row *x;
	(void)state;
	o.by_phase = 1;
	o.retrain_every = 2 * DAY;
	/* window [1, 3): 300 requests on day 1 only, so day 1 takes all 7.00 */
	in[0] = cost("ranker", DAY, "training", P(7, 0));
	in[1] = cost("ranker", DAY, "inference", P(2, 0));
	assert_int_equal(mlc_unitcost__compute(&r, in, 2, u, &o), 0);
	x = row(r->phase_rows, r->nphase_rows, "ranker", DAY, "training");
	assert_money_eq(x->cost, P(7, 0));
	assert_money_eq(x->training, P(7, 0));
	/* 7.00 / 300 = 0.023333333333|3 */
	assert_money_eq(x->per_request, P(0, 23333333333));
	x = row(r->model_phases, r->nmodel_phases, "ranker", 0, "inference");
	/* per (model, phase) rows divide by all the model's requests: 2.00 / 1200 */
	assert_int_equal(x->requests, 1200);
	assert_money_eq(x->per_request, P(0, 1666666667)); /* 0.001666666666|67: up */
	mlc_unitcost__report_free(r);
	mlc_usage__free(u);
}

static void month_buckets_and_training_after_the_data(void **state)
{
	mlc_unitcost_options o = MLC_UNITCOST_OPTIONS_INIT;
	mlc_unitcost_input in[2];
	mlc_unitcost_report *r = NULL;
	mlc_usage *u = NULL;
	/* 2024-09-01 is day 19967, 2024-10-01 day 19997, 2024-11-01 day 20028 */
	const int64_t sep = (int64_t)19967 * DAY, oct = (int64_t)19997 * DAY,
	              nov = (int64_t)20028 * DAY;
	(void)state;
	o.bucket = MLCU_BUCKET_MONTH;
	o.retrain_every = 45 * DAY;
	assert_int_equal(mlc_usage__new(&u, MLCU_BUCKET_MONTH, 0), 0);
	assert_int_equal(mlc_usage__add(u, "m", 1, sep + 5 * DAY, 1000, 0, 0), 0);
	assert_int_equal(mlc_usage__add(u, "m", 1, oct + 9 * DAY, 3000, 0, 0), 0);
	assert_int_equal(mlc_usage__finish(u), 0);
	/* window [Sep 1, Oct 16): fully observed (data ends Nov 1); months starting
	 * in it: Sep and Oct, 1000 : 3000 -> 9.00 = 2.25 + 6.75 */
	in[0] = cost("m", sep, "training", P(9, 0));
	/* trained in November, after the data: nothing observed, all deferred */
	in[1] = cost("m", nov, "training", P(5, 0));
	assert_int_equal(mlc_unitcost__compute(&r, in, 2, u, &o), 0);
	assert_int_equal(r->usage_end, nov);
	assert_money_eq(row(r->rows, r->nrows, "m", sep, NULL)->cost, P(2, 250000000000));
	assert_money_eq(row(r->rows, r->nrows, "m", oct, NULL)->cost, P(6, 750000000000));
	assert_money_eq(r->training[1].unamortized, P(5, 0));
	assert_int_equal(r->training[1].observed_end, nov);
	assert_money_eq(r->unamortized, P(5, 0));
	assert_money_eq(r->cost_charged + r->unamortized, r->cost_in);
	mlc_unitcost__report_free(r);
	mlc_usage__free(u);
}

static void time_split_rounds_by_largest_remainder(void **state)
{
	mlc_unitcost_options o = MLC_UNITCOST_OPTIONS_INIT;
	mlc_unitcost_input in = cost("ranker", 4 * DAY, "training", P(1, 0));
	mlc_unitcost_report *r = NULL;
	mlc_usage *u = ranker_usage();
	(void)state;
	o.retrain_every = 3 * DAY;
	/* window [4, 7), observed [4, 5): 1.00 split 1 : 2 by time:
	 *   10^12 * 1 / 3 = 333333333333 r 1,  10^12 * 2 / 3 = 666666666666 r 2
	 * one unit left, to the larger remainder (the unobserved part) */
	assert_int_equal(mlc_unitcost__compute(&r, &in, 1, u, &o), 0);
	assert_money_eq(r->training[0].amortized, P(0, 333333333333));
	assert_money_eq(r->training[0].unamortized, P(0, 666666666667));
	/* all of the observed part to day 4 (200 requests) */
	assert_money_eq(row(r->rows, r->nrows, "ranker", 4 * DAY, NULL)->training,
	                P(0, 333333333333));
	mlc_unitcost__report_free(r);
	mlc_usage__free(u);
}

/* ---- conservation over randomized inputs ------------------------------------------ */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static void check_report(const mlc_unitcost_report *r, mlcu_money in_sum, int by_phase)
{
	mlcu_money charged = 0, trained = 0, amortized = 0, unamortized = 0, phases = 0;
	size_t i;
	assert_money_eq(r->cost_in, in_sum);
	for (i = 0; i < r->nrows; i++) {
		charged += r->rows[i].cost;
		trained += r->rows[i].training;
	}
	for (i = 0; i < r->ntraining; i++) {
		assert_money_eq(r->training[i].amortized + r->training[i].unamortized,
		                r->training[i].cost);
		amortized += r->training[i].amortized;
		unamortized += r->training[i].unamortized;
	}
	for (i = 0; i < r->nphase_rows; i++)
		phases += r->phase_rows[i].cost;
	assert_money_eq(charged, r->cost_charged);
	assert_money_eq(unamortized, r->unamortized);
	assert_money_eq(trained, amortized);
	assert_money_eq(charged + unamortized, in_sum);
	if (by_phase)
		assert_money_eq(phases, charged);
}

static void conserves_cost_on_random_inputs(void **state)
{
	static const char *const models[] = {"a", "b", "c", "d", "e"};
	static const char *const phases[] = {"training", "inference", NULL, "storage"};
	int round;
	(void)state;
	rng_state = 7;
	for (round = 0; round < 80; round++) {
		mlc_unitcost_options o = MLC_UNITCOST_OPTIONS_INIT;
		mlc_unitcost_input in[300];
		mlc_unitcost_report *r = NULL;
		mlc_usage *u = NULL;
		mlcu_money sum = 0;
		size_t n = rnd() % 300, i;
		o.bucket = rnd() % 2 ? MLCU_BUCKET_DAY : MLCU_BUCKET_HOUR;
		o.by_phase = (int)(rnd() % 2);
		o.retrain_every = (int64_t)(rnd() % 10) * 3600 * (1 + (int64_t)(rnd() % 24));
		assert_int_equal(mlc_usage__new(&u, o.bucket, 0), 0);
		for (i = 0; i < 200; i++)
			assert_int_equal(mlc_usage__add(u, models[rnd() % 5], 1,
			                                (int64_t)(rnd() % (20 * DAY)), rnd() % 1000,
			                                0, 0),
			                 0);
		assert_int_equal(mlc_usage__finish(u), 0);
		for (i = 0; i < n; i++) {
			int64_t t = (int64_t)(rnd() % (25 * DAY));
			mlcu_money c = (mlcu_money)(rnd() % 1000000000000000ULL);
			if (rnd() % 6 == 0)
				c = -c;
			in[i] = cost(rnd() % 8 ? models[rnd() % 5] : NULL,
			             mlcu_time_bucket(t, o.bucket), phases[rnd() % 4], c);
			sum += c;
		}
		assert_int_equal(mlc_unitcost__compute(&r, in, n, u, &o), 0);
		check_report(r, sum, o.by_phase);
		mlc_unitcost__report_free(r);
		mlc_usage__free(u);
	}
}

/* ---- failure of every allocation ------------------------------------------------ */


static int compute_once(long n, long *used, const mlc_usage *u)
{
	static const char *const ph[] = {"training", "inference", NULL};
	mlc_unitcost_options o = MLC_UNITCOST_OPTIONS_INIT;
	mlc_unitcost_input in[60];
	mlc_unitcost_report *r = NULL;
	char names[60][8];
	int rc, i;
	o.by_phase = 1;
	o.retrain_every = 2 * DAY;
	for (i = 0; i < 60; i++) {
		snprintf(names[i], sizeof(names[i]), "m%d", i % 9);
		in[i] = cost(i % 11 ? names[i] : NULL, (i % 5) * DAY, ph[i % 3], P(i, 7));
	}
	test_fail_allocation(n);
	rc = mlc_unitcost__compute(&r, in, 60, u, &o);
	mlc_unitcost__report_free(r);
	*used = test_alloc_calls;
	test_restore_allocator();
	assert_int_equal(test_alloc_live, 0);
	return rc;
}

static void fails_cleanly_at_every_allocation(void **state)
{
	mlc_usage *u = NULL;
	long total, used, n;
	char m[8];
	(void)state;
	assert_int_equal(mlc_usage__new(&u, MLCU_BUCKET_DAY, 0), 0);
	for (int i = 0; i < 40; i++) {
		snprintf(m, sizeof(m), "m%d", i % 9);
		assert_int_equal(
		    mlc_usage__add(u, m, strlen(m), (i % 6) * DAY, 10 + (uint64_t)i, 0, 0), 0);
	}
	assert_int_equal(mlc_usage__finish(u), 0);
	assert_int_equal(compute_once(-1, &total, u), 0);
	assert_true(total > 20);
	for (n = 0; n < total; n++)
		assert_int_equal(compute_once(n, &used, u), MLC_ENOMEM);
	mlc_usage__free(u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(amortizes_over_the_requests_until_the_next_retrain),
	    cmocka_unit_test(amortized_training_shows_in_its_phase),
	    cmocka_unit_test(month_buckets_and_training_after_the_data),
	    cmocka_unit_test(time_split_rounds_by_largest_remainder),
	    cmocka_unit_test(conserves_cost_on_random_inputs),
	    cmocka_unit_test(fails_cleanly_at_every_allocation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
