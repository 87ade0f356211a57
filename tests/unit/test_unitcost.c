/* SPDX-License-Identifier: MIT */
/* Unit tests for unit cost, part 1: the half-even ratio, cadences, the
 * join of cost and usage (cost without usage and usage without cost are
 * listed), per-phase rows, and option errors. Every expected figure is
 * divided out by hand in the comments; amounts are integers of 10^-12
 * units, P(units, twelfths) = units * 10^12 + twelfths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

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

static void ratio_is_exact_and_rounds_half_even(void **state)
{
	mlcu_money q;
	const mlcu_money e35 = (mlcu_money)100000000000000000LL * 1000000000000000000LL;
	(void)state;
	/* 1.00 / 7 = 0.142857142857|142857...: 10^12 = 7 * 142857142857 + 1, 2 * 1 < 7: down */
	assert_int_equal(mlc_unitcost__ratio(&q, P(1, 0), 1, 7), 0);
	assert_money_eq(q, P(0, 142857142857));
	/* per 1,000: 10^15 = 7 * 142857142857142 + 6, 2 * 6 > 7: up */
	assert_int_equal(mlc_unitcost__ratio(&q, P(1, 0), 1000, 7), 0);
	assert_money_eq(q, P(142, 857142857143));
	/* exact halves go to the even neighbour: 1/2 -> 0, 3/2 -> 2, 5/2 -> 2, -3/2 -> -2 */
	assert_int_equal(mlc_unitcost__ratio(&q, 1, 1, 2), 0);
	assert_money_eq(q, 0);
	assert_int_equal(mlc_unitcost__ratio(&q, 3, 1, 2), 0);
	assert_money_eq(q, 2);
	assert_int_equal(mlc_unitcost__ratio(&q, 5, 1, 2), 0);
	assert_money_eq(q, 2);
	assert_int_equal(mlc_unitcost__ratio(&q, -3, 1, 2), 0);
	assert_money_eq(q, -2);
	/* 10^35 units * 1000 / 3 = 10^38 / 3: beyond 128-bit products, still fits */
	assert_int_equal(mlc_unitcost__ratio(&q, e35, 1000, 3), 0);
	assert_money_eq(q, e35 / 3 * 1000 + 333); /* 10^38 / 3 = (10^35 / 3) * 1000 + 333.33 */
	/* 10^36 * 1000 = 10^39 > 2^127 - 1 ~ 1.7 * 10^38 */
	assert_int_equal(mlc_unitcost__ratio(&q, e35 * 10, 1000, 1), MLC_ETOOLARGE);
	assert_int_equal(mlc_unitcost__ratio(&q, 1, 1, 0), MLC_EINVAL);
}

static void cadences_from_text_and_runs(void **state)
{
	static const char *const bad[] = {"",    "d",    "0d",   "30",     "30x",
	                                  "-1d", "1.5d", "30dd", "36501d", "99999999999999999999d"};
	int64_t s;
	size_t i;
	(void)state;
	assert_int_equal(mlc_unitcost__parse_cadence(&s, "30d"), 0);
	assert_int_equal(s, 30 * 86400);
	assert_int_equal(mlc_unitcost__parse_cadence(&s, "12h"), 0);
	assert_int_equal(s, 12 * 3600);
	assert_int_equal(mlc_unitcost__parse_cadence(&s, "2w"), 0);
	assert_int_equal(s, 14 * 86400);
	assert_int_equal(mlc_unitcost__parse_cadence(&s, "90m"), 0);
	assert_int_equal(s, 5400);
	assert_int_equal(mlc_unitcost__parse_cadence(&s, "3600s"), 0);
	assert_int_equal(s, 3600);
	/* 100 years of 365 days is the limit: 36500d passes, 36501d does not */
	assert_int_equal(mlc_unitcost__parse_cadence(&s, "36500d"), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(mlc_unitcost__parse_cadence(&s, bad[i]), MLC_EPARSE);
	assert_string_equal(mlc_error_message(),
	                    "bad cadence '99999999999999999999d': expected a whole number and a "
	                    "unit, e.g. 30d, 12h, 2w (at most 100 years)");
	/* 30 days / runs: 2592000 / 4 = 648000 (7.5 days); / 7 = 370285.71 -> 370286 */
	assert_int_equal(mlc_unitcost__cadence_from_runs(&s, 4, 30), 0);
	assert_int_equal(s, 648000);
	assert_int_equal(mlc_unitcost__cadence_from_runs(&s, 7, 30), 0);
	assert_int_equal(s, 370286);
	/* a profile month of 31 days: 31 * 86400 / 4 = 2678400 / 4 = 669600 (7.75 days) */
	assert_int_equal(mlc_unitcost__cadence_from_runs(&s, 4, 31), 0);
	assert_int_equal(s, 669600);
	/* days_per_month not positive: 30 (2592000 / 2 = 1296000) */
	assert_int_equal(mlc_unitcost__cadence_from_runs(&s, 2, 0), 0);
	assert_int_equal(s, 1296000);
	assert_int_equal(mlc_unitcost__cadence_from_runs(&s, 0, 30), MLC_EINVAL);
	assert_int_equal(mlc_unitcost__cadence_from_runs(&s, -1, 30), MLC_EINVAL);
	/* 30 days * 10^-9 runs: ~82,000 years */
	assert_int_equal(mlc_unitcost__cadence_from_runs(&s, 1e-9, 30), MLC_EINVAL);
}

static mlc_usage *usage_of(const char *const *models, const int64_t *t, const uint64_t *req,
                           size_t n, mlcu_bucket b)
{
	mlc_usage *u = NULL;
	assert_int_equal(mlc_usage__new(&u, b, 0), 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(
		    mlc_usage__add(u, models[i], strlen(models[i]), t[i], req[i], 0, 0), 0);
	assert_int_equal(mlc_usage__finish(u), 0);
	return u;
}

static void joins_cost_and_usage_listing_both_orphans(void **state)
{
	static const char *const m[] = {"ranker", "ranker", "chat", "usage-only", "idle"};
	static const int64_t t[] = {DAY, 2 * DAY, DAY, 2 * DAY, 2 * DAY};
	static const uint64_t req[] = {1000, 3000, 7, 500, 0};
	mlc_unitcost_input in[6];
	mlc_unitcost_report *r = NULL;
	mlc_usage *u = usage_of(m, t, req, 5, MLCU_BUCKET_DAY);
	const mlc_unitcost_row *x;
	(void)state;
	in[0] = cost("ranker", DAY, NULL, P(10, 0));
	in[1] = cost("ranker", 2 * DAY, NULL, P(20, 0));
	in[2] = cost("ranker", 2 * DAY, NULL, P(10, 0)); /* same key: summed, 30.00 */
	in[3] = cost("chat", DAY, NULL, P(1, 0));
	in[4] = cost(NULL, DAY, NULL, P(5, 0));
	in[5] = cost("legacy", DAY, NULL, P(2, 0));
	assert_int_equal(mlc_unitcost__compute(&r, in, 6, u, NULL), 0);
	/* rows: (untagged)@1, chat@1, idle@2, legacy@1, ranker@1, ranker@2, usage-only@2 */
	assert_int_equal(r->nrows, 7);
	assert_null(r->rows[0].model);
	assert_string_equal(r->rows[1].model, "chat");
	assert_string_equal(r->rows[6].model, "usage-only");
	x = row(r->rows, r->nrows, NULL, DAY, NULL);
	assert_int_equal(x->flags, MLC_UNITCOST_ALL_PHASES | MLC_UNITCOST_NO_USAGE);
	assert_money_eq(x->cost, P(5, 0));
	assert_money_eq(x->per_request, 0);
	/* chat: 1.00 / 7 = 0.142857142857, per 1,000: 142.857142857143 */
	x = row(r->rows, r->nrows, "chat", DAY, NULL);
	assert_int_equal(x->flags, MLC_UNITCOST_ALL_PHASES);
	assert_money_eq(x->per_request, P(0, 142857142857));
	assert_money_eq(x->per_1k, P(142, 857142857143));
	/* ranker: 10 / 1000 = 0.01 and 30 / 3000 = 0.01; per 1,000: 10.00 */
	x = row(r->rows, r->nrows, "ranker", 2 * DAY, NULL);
	assert_money_eq(x->cost, P(30, 0));
	assert_int_equal(x->requests, 3000);
	assert_money_eq(x->per_request, P(0, 10000000000));
	assert_money_eq(x->per_1k, P(10, 0));
	/* usage without cost: listed, cost 0, 0 per request */
	x = row(r->rows, r->nrows, "usage-only", 2 * DAY, NULL);
	assert_int_equal(x->flags, MLC_UNITCOST_ALL_PHASES | MLC_UNITCOST_NO_COST);
	assert_int_equal(x->requests, 500);
	assert_money_eq(x->per_request, 0);
	x = row(r->rows, r->nrows, "idle", 2 * DAY, NULL);
	assert_int_equal(x->flags,
	                 MLC_UNITCOST_ALL_PHASES | MLC_UNITCOST_NO_COST | MLC_UNITCOST_NO_USAGE);
	assert_int_equal(row(r->rows, r->nrows, "legacy", DAY, NULL)->flags,
	                 MLC_UNITCOST_ALL_PHASES | MLC_UNITCOST_NO_USAGE);
	/* per model: ranker (10 + 30) / (1000 + 3000) = 0.01 */
	assert_int_equal(r->nmodels, 6);
	x = row(r->models, r->nmodels, "ranker", 0, NULL);
	assert_money_eq(x->cost, P(40, 0));
	assert_int_equal(x->requests, 4000);
	assert_money_eq(x->per_request, P(0, 10000000000));
	assert_int_equal(row(r->models, r->nmodels, "legacy", 0, NULL)->flags,
	                 MLC_UNITCOST_ALL_PHASES | MLC_UNITCOST_NO_USAGE);
	/* totals: 10 + 30 + 1 + 5 + 2 = 48 in and charged; 1000 + 3000 + 7 + 500 = 4507 requests */
	assert_money_eq(r->cost_in, P(48, 0));
	assert_money_eq(r->cost_charged, P(48, 0));
	assert_money_eq(r->unamortized, 0);
	assert_int_equal(r->requests, 4507);
	assert_int_equal(r->usage_end, 3 * DAY);
	assert_int_equal(r->nphase_rows, 0);
	assert_int_equal(r->ntraining, 0);
	mlc_unitcost__report_free(r);
	mlc_usage__free(u);
}

static void splits_by_phase(void **state)
{
	static const char *const m[] = {"ranker"};
	static const int64_t t[] = {DAY};
	static const uint64_t req[] = {100};
	mlc_unitcost_options o = MLC_UNITCOST_OPTIONS_INIT;
	mlc_unitcost_input in[4];
	mlc_unitcost_report *r = NULL;
	mlc_usage *u = usage_of(m, t, req, 1, MLCU_BUCKET_DAY);
	const mlc_unitcost_row *x;
	(void)state;
	o.by_phase = 1;
	in[0] = cost("ranker", DAY, "inference", P(6, 0));
	in[1] = cost("ranker", DAY, "training", P(4, 0));
	in[2] = cost("ranker", DAY, NULL, P(1, 0));
	in[3] = cost("ranker", DAY, "inference", P(0, 500000000000));
	assert_int_equal(mlc_unitcost__compute(&r, in, 4, u, &o), 0);
	/* phase rows: (no phase) 1.00, inference 6.50, training 4.00; each over 100 requests */
	assert_int_equal(r->nphase_rows, 3);
	assert_null(r->phase_rows[0].phase);
	assert_int_equal(r->phase_rows[0].flags, 0); /* no ALL_PHASES: the untagged phase */
	assert_string_equal(r->phase_rows[1].phase, "inference");
	assert_money_eq(r->phase_rows[1].cost, P(6, 500000000000));
	assert_money_eq(r->phase_rows[1].per_request, P(0, 65000000000)); /* 6.50 / 100 */
	x = row(r->phase_rows, r->nphase_rows, "ranker", DAY, "training");
	assert_money_eq(x->per_1k, P(40, 0)); /* 4.00 * 1000 / 100 */
	assert_int_equal(x->requests, 100);
	/* the all-phases row: 11.50 / 100 = 0.115 */
	assert_int_equal(r->nrows, 1);
	assert_money_eq(r->rows[0].per_request, P(0, 115000000000));
	/* per (model, phase) over all periods */
	assert_int_equal(r->nmodel_phases, 3);
	x = row(r->model_phases, r->nmodel_phases, "ranker", 0, "inference");
	assert_money_eq(x->cost, P(6, 500000000000));
	assert_int_equal(x->requests, 100);
	mlc_unitcost__report_free(r);
	mlc_usage__free(u);
}

static void option_errors(void **state)
{
	mlc_unitcost_options o = MLC_UNITCOST_OPTIONS_INIT;
	mlc_unitcost_report *r = (mlc_unitcost_report *)1;
	mlc_usage *u = NULL;
	mlc_unitcost_input in = cost("m", 0, NULL, 1);
	(void)state;
	assert_int_equal(mlc_usage__new(&u, MLCU_BUCKET_HOUR, 0), 0);
	assert_int_equal(mlc_usage__finish(u), 0);
	assert_int_equal(mlc_unitcost__compute(&r, &in, 1, u, &o), MLC_EINVAL);
	assert_null(r);
	assert_string_equal(mlc_error_message(),
	                    "unit cost: usage is bucketed by hour, costs by day");
	o.bucket = MLCU_BUCKET_NONE;
	o.retrain_every = 86400;
	assert_int_equal(mlc_unitcost__compute(&r, &in, 1, NULL, &o), MLC_EINVAL);
	/* no usage at all: everything is listed without a per-request figure */
	o.retrain_every = 0;
	assert_int_equal(mlc_unitcost__compute(&r, &in, 1, NULL, &o), 0);
	assert_int_equal(r->nrows, 1);
	assert_int_equal(r->rows[0].flags, MLC_UNITCOST_ALL_PHASES | MLC_UNITCOST_NO_USAGE);
	mlc_unitcost__report_free(r);
	mlc_usage__free(u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(ratio_is_exact_and_rounds_half_even),
	    cmocka_unit_test(cadences_from_text_and_runs),
	    cmocka_unit_test(joins_cost_and_usage_listing_both_orphans),
	    cmocka_unit_test(splits_by_phase),
	    cmocka_unit_test(option_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
