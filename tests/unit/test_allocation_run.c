/* SPDX-License-Identifier: MIT */
/* Unit tests for shared-cost allocation, part 2: the accumulator and the
 * run, on a hand-computed example (proportional, even and usage pools,
 * first match wins), the fallbacks (no positive direct cost, no usage, no
 * target), credits, include_untagged, usage-only targets; conservation
 * over randomized inputs; and failure of every allocation without leaks.
 * Amounts: P(units, twelfths) = units * 10^12 + twelfths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allocation.h"
#include "mlcost/common.h"
#include "usage.h"
#include "test_support.h"

#define E12            ((mlcu_money)1000000000000LL)
#define P(units, frac) ((mlcu_money)(units)*E12 + (mlcu_money)(frac))
#define CENTS(c)       ((mlcu_money)(c)*10000000000LL)

static const char spec_yaml[] = "pools:\n"
                                "  - name: platform\n"
                                "    filter: tag:team=ml-platform\n"
                                "    split: proportional\n"
                                "    targets: tag:model_id\n"
                                "  - name: kms\n"
                                "    filter: ServiceName=AWS Key Management Service\n"
                                "    split: even\n"
                                "    targets: tag:model_id\n"
                                "  - name: gateway\n"
                                "    filter: ServiceName=Amazon API Gateway\n"
                                "    split: usage\n"
                                "    targets: tag:model_id\n";

static mlc_alloc_spec *load_spec(const char *yaml)
{
	mlc_alloc_spec *s = NULL;
	if (mlc_alloc__load_string(&s, "t.yaml", yaml, strlen(yaml)) != 0)
		fail_msg("%s", mlc_error_message());
	return s;
}

static mlc_span sp(const char *s)
{
	mlc_span v = {s, s ? strlen(s) : 0};
	return v;
}

/* keys of spec_yaml: 0 tag:model_id, 1 tag:team, 2 ServiceName */
static void add(mlc_alloc_acc *a, int64_t period, const char *model, const char *team,
                const char *svc, mlcu_money cost)
{
	mlc_span v[3] = {sp(model), sp(team), sp(svc)};
	assert_int_equal(mlc_alloc__acc_add(a, period, v, cost, 1), 0);
}

static const mlc_alloc_target *target(const mlc_alloc_result *r, int64_t period, const char *v)
{
	for (size_t i = 0; i < r->ntargets; i++)
		if (r->targets[i].period == period &&
		    (v ? r->targets[i].value && !strcmp(r->targets[i].value, v)
		       : !r->targets[i].value))
			return &r->targets[i];
	fail_msg("no target %s", v ? v : "(untagged)");
	return NULL;
}

static const mlc_alloc_share *share(const mlc_alloc_pool_result *p, const char *v)
{
	for (size_t i = 0; i < p->nshares; i++)
		if (v ? p->shares[i].target && !strcmp(p->shares[i].target, v)
		      : !p->shares[i].target)
			return &p->shares[i];
	fail_msg("pool has no share for %s", v ? v : "(untagged)");
	return NULL;
}

static void allocates_the_worked_example_exactly(void **state)
{
	mlc_alloc_spec *s = load_spec(spec_yaml);
	mlc_alloc_acc *a = NULL;
	mlc_alloc_result *r = NULL;
	const mlc_alloc_pool_result *p;
	(void)state;
	assert_int_equal(mlc_alloc__acc_new(&a, s), 0);
	add(a, 0, "ranker", NULL, "Amazon EC2", P(60, 0));
	add(a, 0, "search", NULL, "Amazon EC2", P(30, 0));
	add(a, 0, "embed", NULL, "Amazon S3", P(10, 0));
	add(a, 0, NULL, NULL, "Amazon EC2", P(5, 0)); /* untagged direct cost */
	add(a, 0, NULL, "ml-platform", "Amazon EKS", P(100, 0));
	/* matches platform and kms: the first pool (platform) takes it */
	add(a, 0, NULL, "ml-platform", "AWS Key Management Service", P(1, 0));
	add(a, 0, NULL, NULL, "AWS Key Management Service", P(2, 0));
	/* a pool row keeps to its pool even when it carries a target value */
	add(a, 0, "ranker", NULL, "Amazon API Gateway", CENTS(10));
	{
		mlc_span t1 = sp("ranker"), t2 = sp("search");
		assert_int_equal(mlc_alloc__acc_weight(a, 0, t1, MLC_ALLOC_REQUESTS, 1000), 0);
		assert_int_equal(mlc_alloc__acc_weight(a, 0, t2, MLC_ALLOC_REQUESTS, 3000), 0);
	}
	assert_int_equal(mlc_alloc__run(&r, a), 0);
	assert_int_equal(r->npools, 3);

	/* platform: 100 + 1 = 101.00 in proportion to 60 : 30 : 10 (sum 100):
	 * 60.60, 30.30, 10.10 exactly */
	p = &r->pools[0];
	assert_int_equal(p->pool, 0);
	assert_money_eq(p->total, P(101, 0));
	assert_int_equal(p->rows, 2);
	assert_int_equal(p->split, MLC_ALLOC_PROPORTIONAL);
	assert_null(p->note);
	assert_int_equal(p->nshares, 3); /* untagged is not a target by default */
	assert_money_eq(share(p, "ranker")->amount, CENTS(6060));
	assert_money_eq(share(p, "search")->amount, CENTS(3030));
	assert_money_eq(share(p, "embed")->amount, CENTS(1010));
	assert_true(share(p, "ranker")->weight == (mlc_u128)P(60, 0));
	assert_money_eq(p->allocated, p->total);
	assert_money_eq(p->unallocated, 0);

	/* kms: 2.00 evenly over embed, ranker, search (name order):
	 * 2 * 10^12 = 3 * 666666666666 + 2, the 2 units to the first two names */
	p = &r->pools[1];
	assert_money_eq(p->total, P(2, 0));
	assert_string_equal(p->shares[0].target, "embed");
	assert_money_eq(p->shares[0].amount, P(0, 666666666667));
	assert_string_equal(p->shares[1].target, "ranker");
	assert_money_eq(p->shares[1].amount, P(0, 666666666667));
	assert_string_equal(p->shares[2].target, "search");
	assert_money_eq(p->shares[2].amount, P(0, 666666666666));

	/* gateway: 0.10 by requests 1000 : 3000 = 0.025 and 0.075 */
	p = &r->pools[2];
	assert_money_eq(p->total, CENTS(10));
	assert_int_equal(p->nshares, 2);
	assert_money_eq(share(p, "ranker")->amount, P(0, 25000000000));
	assert_money_eq(share(p, "search")->amount, P(0, 75000000000));

	/* totals: ranker 60 + 60.60 + 0.666666666667 + 0.025 = 121.291666666667
	 *         search 30 + 30.30 + 0.666666666666 + 0.075 = 61.041666666666
	 *         embed  10 + 10.10 + 0.666666666667         = 20.766666666667
	 *         untagged 5 (direct only) */
	assert_int_equal(r->ntargets, 4);
	assert_null(r->targets[0].value); /* missing sorts first */
	assert_money_eq(target(r, 0, NULL)->total, P(5, 0));
	assert_money_eq(target(r, 0, "ranker")->direct, P(60, 0));
	assert_money_eq(target(r, 0, "ranker")->total, P(121, 291666666667));
	assert_money_eq(target(r, 0, "search")->total, P(61, 41666666666));
	assert_money_eq(target(r, 0, "embed")->received, P(10, 766666666667));
	assert_money_eq(target(r, 0, "embed")->total, P(20, 766666666667));
	/* before: 60 + 30 + 10 + 5 + 100 + 1 + 2 + 0.10 = 208.10 */
	assert_money_eq(r->before, CENTS(20810));
	assert_money_eq(r->after, CENTS(20810));
	assert_money_eq(r->difference, 0);
	mlc_alloc__result_free(r);
	mlc_alloc__acc_free(a);
	mlc_alloc__spec_free(s);
}

static void falls_back_and_says_why(void **state)
{
	mlc_alloc_spec *s = load_spec(spec_yaml);
	mlc_alloc_acc *a = NULL;
	mlc_alloc_result *r = NULL;
	const int64_t d1 = 86400, d2 = 2 * 86400, d3 = 3 * 86400;
	(void)state;
	assert_int_equal(mlc_alloc__acc_new(&a, s), 0);
	/* day 1: direct costs net to zero or below; proportional falls back to even */
	add(a, d1, "ranker", NULL, "Amazon EC2", P(4, 0));
	add(a, d1, "ranker", NULL, "Amazon EC2", -P(4, 0));
	add(a, d1, "search", NULL, "Amazon EC2", -P(1, 0));
	add(a, d1, NULL, "ml-platform", "Amazon EKS", P(3, 0));
	/* day 1: no usage at all; the usage pool falls back to even too */
	add(a, d1, NULL, NULL, "Amazon API Gateway", P(1, 0));
	/* day 2: a pool and no target: left unallocated, still conserved */
	add(a, d2, NULL, NULL, "AWS Key Management Service", P(7, 0));
	add(a, d2, NULL, NULL, "Amazon EC2", P(1, 0)); /* untagged only */
	/* day 3: a credit, proportional to 2 : 1 */
	add(a, d3, "ranker", NULL, "Amazon EC2", P(2, 0));
	add(a, d3, "search", NULL, "Amazon EC2", P(1, 0));
	add(a, d3, NULL, "ml-platform", "Support", -P(3, 0));
	assert_int_equal(mlc_alloc__run(&r, a), 0);
	/* pools by period then pool order: d1 platform, d1 gateway, d2 kms, d3 platform */
	assert_int_equal(r->npools, 4);
	assert_int_equal(r->pools[0].split, MLC_ALLOC_EVEN);
	assert_string_equal(r->pools[0].note,
	                    "no positive direct cost in this period: split evenly");
	/* 3.00 evenly over ranker, search */
	assert_money_eq(share(&r->pools[0], "ranker")->amount, P(1, 500000000000));
	assert_money_eq(share(&r->pools[0], "search")->amount, P(1, 500000000000));
	assert_int_equal(r->pools[1].pool, 2);
	assert_string_equal(r->pools[1].note, "no usage in this period: split evenly");
	assert_money_eq(share(&r->pools[1], "search")->amount, P(0, 500000000000));
	assert_int_equal(r->pools[2].period, d2);
	assert_string_equal(r->pools[2].note, "no target in this period: left unallocated");
	assert_int_equal(r->pools[2].nshares, 0);
	assert_money_eq(r->pools[2].unallocated, P(7, 0));
	/* -3.00 in proportion 2 : 1 */
	assert_money_eq(share(&r->pools[3], "ranker")->amount, -P(2, 0));
	assert_money_eq(share(&r->pools[3], "search")->amount, -P(1, 0));
	assert_money_eq(target(r, d3, "ranker")->total, 0);
	/* before: 4 - 4 - 1 + 3 + 1 + 7 + 1 + 2 + 1 - 3 = 11; after includes the 7 unallocated */
	assert_money_eq(r->before, P(11, 0));
	assert_money_eq(r->after, P(11, 0));
	assert_money_eq(r->difference, 0);
	mlc_alloc__result_free(r);
	mlc_alloc__acc_free(a);
	mlc_alloc__spec_free(s);
}

static void untagged_and_usage_only_targets(void **state)
{
	static const char y[] = "pools:\n"
	                        "  - name: shared\n"
	                        "    filter: tag:team=ml-platform\n"
	                        "    split: even\n"
	                        "    include_untagged: true\n"
	                        "    targets: tag:model_id\n"
	                        "  - name: tokens\n"
	                        "    filter: ServiceName=Amazon Bedrock\n"
	                        "    split: usage\n"
	                        "    usage_metric: tokens\n"
	                        "    targets: tag:model_id\n";
	mlc_alloc_spec *s = load_spec(y);
	mlc_alloc_acc *a = NULL;
	mlc_alloc_result *r = NULL;
	mlc_usage *u = NULL;
	(void)state;
	assert_int_equal(mlc_alloc__acc_new(&a, s), 0);
	add(a, 0, "ranker", NULL, "Amazon EC2", P(1, 0));
	add(a, 0, NULL, NULL, "Amazon EC2", P(1, 0));
	add(a, 0, NULL, "ml-platform", "Amazon EKS", P(1, 0));
	add(a, 0, NULL, NULL, "Amazon Bedrock", P(9, 0));
	/* usage: "chat" has no direct cost; tokens = input + output:
	 * ranker 100 + 200 = 300, chat 500 + 100 = 600 */
	assert_int_equal(mlc_usage__new(&u, MLCU_BUCKET_NONE, 0), 0);
	assert_int_equal(mlc_usage__add(u, "ranker", 6, 86400, 10, 100, 200), 0);
	assert_int_equal(mlc_usage__add(u, "chat", 4, 86400, 1, 500, 100), 0);
	assert_int_equal(mlc_usage__finish(u), 0);
	assert_int_equal(mlc_alloc__acc_add_usage(a, u), 0);
	assert_int_equal(mlc_alloc__run(&r, a), 0);
	/* shared 1.00 evenly over (untagged) and ranker, untagged first:
	 * 10^12 units / 2 = 0.50 each, nothing left over */
	assert_int_equal(r->pools[0].nshares, 2);
	assert_null(r->pools[0].shares[0].target);
	assert_money_eq(r->pools[0].shares[0].amount, P(0, 500000000000));
	/* tokens 9.00 in proportion 600 : 300 = 6.00 chat, 3.00 ranker */
	assert_money_eq(share(&r->pools[1], "chat")->amount, P(6, 0));
	assert_money_eq(share(&r->pools[1], "ranker")->amount, P(3, 0));
	assert_money_eq(target(r, 0, "chat")->direct, 0);
	assert_money_eq(target(r, 0, "chat")->total, P(6, 0));
	assert_money_eq(target(r, 0, NULL)->total, P(1, 500000000000));
	assert_money_eq(target(r, 0, "ranker")->total, P(4, 500000000000));
	assert_money_eq(r->difference, 0);
	mlc_alloc__result_free(r);
	mlc_alloc__acc_free(a);
	mlc_usage__free(u);
	mlc_alloc__spec_free(s);
}

/* ---- conservation over randomized inputs ---------------------------------------- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* xorshift64*: deterministic, so a failure reproduces */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static char *random_spec(size_t npools)
{
	static const char *const splits[] = {"even", "proportional", "usage"};
	size_t cap = 256 * npools + 16, len = 0, i;
	char *y = malloc(cap);
	len += (size_t)snprintf(y + len, cap - len, "pools:\n");
	for (i = 0; i < npools; i++)
		len += (size_t)snprintf(y + len, cap - len,
		                        "  - name: p%zu\n    filter: ServiceName=svc%zu\n"
		                        "    split: %s\n    include_untagged: %s\n"
		                        "    targets: tag:model_id\n",
		                        i, i, splits[rnd() % 3], rnd() % 2 ? "true" : "false");
	return y;
}

/* A random amount: mostly cents-sized, sometimes long fractions, sometimes credits. */
static mlcu_money random_cost(void)
{
	mlcu_money v = (mlcu_money)(rnd() % 1000000000000000ULL); /* < 10^15 units = 1000.00 */
	if (rnd() % 4 == 0)
		v = (v / 10000000000LL) * 10000000000LL; /* whole cents */
	if (rnd() % 5 == 0)
		v = -v;
	return v;
}

static void check_run(const mlc_alloc_result *r, mlcu_money before)
{
	mlcu_money after = 0;
	size_t i, j;
	assert_money_eq(r->before, before);
	for (i = 0; i < r->npools; i++) {
		const mlc_alloc_pool_result *p = &r->pools[i];
		mlcu_money sum = 0;
		mlcu_money wsum = 0;
		for (j = 0; j < p->nshares; j++) {
			sum += p->shares[j].amount;
			wsum += (mlcu_money)p->shares[j].weight;
		}
		/* every pool is handed out to the unit, or kept whole when no target */
		assert_money_eq(sum, p->allocated);
		assert_money_eq(p->allocated + p->unallocated, p->total);
		if (p->nshares)
			assert_money_eq(p->unallocated, 0);
		else
			assert_money_eq(p->unallocated, p->total);
		/* each share is within one unit of the exact quotient total * w / W */
		for (j = 0; j < p->nshares && wsum > 0; j++) {
			mlcu_money exact = p->total * (mlcu_money)p->shares[j].weight;
			mlcu_money got = p->shares[j].amount * wsum;
			mlcu_money d = got > exact ? got - exact : exact - got;
			assert_true(d < wsum);
		}
		after += p->unallocated;
	}
	for (i = 0; i < r->ntargets; i++) {
		assert_money_eq(r->targets[i].total, r->targets[i].direct + r->targets[i].received);
		after += r->targets[i].total;
	}
	assert_money_eq(after, before);
	assert_money_eq(r->after, before);
	assert_money_eq(r->difference, 0);
}

static void conserves_money_on_random_inputs(void **state)
{
	static const char *const models[] = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"};
	int round;
	(void)state;
	rng_state = 0x9e3779b97f4a7c15ULL;
	for (round = 0; round < 60; round++) {
		size_t npools = 1 + rnd() % 8, nmodels = 1 + rnd() % 10, nrows = rnd() % 1500, i;
		char *y = random_spec(npools), svc[32];
		mlc_alloc_spec *s = load_spec(y);
		mlc_alloc_acc *a = NULL;
		mlc_alloc_result *r = NULL;
		mlcu_money before = 0;
		assert_int_equal(mlc_alloc__acc_new(&a, s), 0);
		for (i = 0; i < nrows; i++) {
			int64_t period = (int64_t)(rnd() % 4) * 86400;
			const char *m = rnd() % 10 == 0 ? NULL : models[rnd() % nmodels];
			mlcu_money c = random_cost();
			mlc_span v[2];
			snprintf(svc, sizeof(svc), "svc%u", (unsigned)(rnd() % (npools + 3)));
			v[0] = sp(m);
			v[1] = sp(svc);
			assert_int_equal(mlc_alloc__acc_add(a, period, v, c, 1), 0);
			before += c;
			if (rnd() % 3 == 0 && m) /* some usage, sometimes zero */
				assert_int_equal(mlc_alloc__acc_weight(a, period, v[0],
				                                       MLC_ALLOC_REQUESTS,
				                                       rnd() % 50),
				                 0);
		}
		assert_int_equal(mlc_alloc__run(&r, a), 0);
		check_run(r, before);
		mlc_alloc__result_free(r);
		mlc_alloc__acc_free(a);
		mlc_alloc__spec_free(s);
		free(y);
	}
}

static void split_conserves_extreme_amounts(void **state)
{
	mlcu_money out[64], sum;
	mlc_u128 w[64];
	int round;
	size_t i, n;
	(void)state;
	rng_state = 42;
	for (round = 0; round < 2000; round++) {
		/* totals up to ~2^126 and weights up to 2^120: products far beyond 128 bits */
		mlcu_money t = (mlcu_money)(((mlc_u128)rnd() << 62) ^ rnd());
		n = 1 + rnd() % 64;
		if (rnd() % 2)
			t = -t;
		for (i = 0; i < n; i++)
			w[i] = rnd() % 3 == 0 ? 0 : ((mlc_u128)rnd() << 56) | rnd();
		w[rnd() % n] |= 1; /* at least one nonzero weight */
		assert_int_equal(mlc_alloc__split(out, t, w, n), 0);
		for (sum = 0, i = 0; i < n; i++) {
			sum += out[i];
			if (w[i] == 0)
				assert_money_eq(out[i], 0);
			if (t != 0) /* every share has the total's sign, or is zero */
				assert_true(t > 0 ? out[i] >= 0 : out[i] <= 0);
		}
		assert_money_eq(sum, t);
	}
}

/* ---- failure of every allocation ----------------------------------------------------- */


/* The worked example with allocation n failing; returns the rc of the first failure. */
static int example_once(long n, long *used)
{
	mlc_alloc_spec *s = NULL;
	mlc_alloc_acc *a = NULL;
	mlc_alloc_result *r = NULL;
	char name[16];
	int rc, i;
	test_fail_allocation(n);
	if ((rc = mlc_alloc__load_string(&s, "t.yaml", spec_yaml, strlen(spec_yaml))) != 0 ||
	    (rc = mlc_alloc__acc_new(&a, s)) != 0)
		goto done;
	for (i = 0; i < 300; i++) {
		mlc_span v[3] = {sp(name), sp(i % 7 ? NULL : "ml-platform"),
		                 sp(i % 5 ? "Amazon EC2" : "Amazon API Gateway")};
		snprintf(name, sizeof(name), "m%d", i % 40);
		v[0] = sp(name);
		if ((rc = mlc_alloc__acc_add(a, (i % 3) * 86400, v, P(i, 1), 1)) != 0 ||
		    (rc = mlc_alloc__acc_weight(a, (i % 3) * 86400, v[0], MLC_ALLOC_REQUESTS,
		                                (uint64_t)i)) != 0)
			goto done;
	}
	rc = mlc_alloc__run(&r, a);
done:
	mlc_alloc__result_free(r);
	mlc_alloc__acc_free(a);
	mlc_alloc__spec_free(s);
	*used = test_alloc_calls;
	test_restore_allocator();
	assert_int_equal(test_alloc_live, 0);
	return rc;
}

static void fails_cleanly_at_every_allocation(void **state)
{
	long total, used, n;
	(void)state;
	assert_int_equal(example_once(-1, &total), 0);
	assert_true(total > 20);
	for (n = 0; n < total; n++)
		assert_int_equal(example_once(n, &used), MLC_ENOMEM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(allocates_the_worked_example_exactly),
	    cmocka_unit_test(falls_back_and_says_why),
	    cmocka_unit_test(untagged_and_usage_only_targets),
	    cmocka_unit_test(conserves_money_on_random_inputs),
	    cmocka_unit_test(split_conserves_extreme_amounts),
	    cmocka_unit_test(fails_cleanly_at_every_allocation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
