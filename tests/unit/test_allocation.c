/* SPDX-License-Identifier: MIT */
/* Unit tests for shared-cost allocation, part 1: the exact arithmetic
 * (256-bit muldiv, largest-remainder and even splits) with hand-computed
 * results, the allocation file loader (shapes, keys, FILE:LINE:COL
 * errors) and the pool matcher. Amounts are integers of 10^-12 units:
 * P(units, twelfths) = units * 10^12 + twelfths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "allocation.h"
#include "mlcost/common.h"
#include "test_support.h"

#define E12            ((mlcu_money)1000000000000LL)
#define P(units, frac) ((mlcu_money)(units)*E12 + (mlcu_money)(frac))

static void muldiv_is_exact_beyond_128_bits(void **state)
{
	mlc_u128 q, r, two100 = (mlc_u128)1 << 100, all = ~(mlc_u128)0;
	(void)state;
	/* (2^100 + 5) * 2^100 / 2^101 = 2^99 + 5/2: q = 2^99 + 2, r = 2^100
	 * check: (2^99 + 2) * 2^101 + 2^100 = 2^200 + 2^102 + 2^100 = 2^200 + 5 * 2^100 */
	assert_int_equal(mlc_alloc__muldiv(&q, &r, two100 + 5, two100, two100 * 2), 0);
	assert_true(q == ((mlc_u128)1 << 99) + 2);
	assert_true(r == two100);
	/* (2^128 - 1)^2 / (2^128 - 1) = 2^128 - 1: the divisor has its top bit set,
	 * so the remainder's shifted-out bit (the carry path) is exercised */
	assert_int_equal(mlc_alloc__muldiv(&q, &r, all, all, all), 0);
	assert_true(q == all);
	assert_true(r == 0);
	/* 7 * 9 / 4 = 15 r 3 (the 128-bit fast path) */
	assert_int_equal(mlc_alloc__muldiv(&q, &r, 7, 9, 4), 0);
	assert_true(q == 15 && r == 3);
	/* 2^127 * 2^127 / 1 does not fit */
	assert_int_equal(mlc_alloc__muldiv(&q, &r, (mlc_u128)1 << 127, (mlc_u128)1 << 127, 1),
	                 MLC_ETOOLARGE);
	assert_int_equal(mlc_alloc__muldiv(&q, &r, 1, 1, 0), MLC_EINVAL);
}

static void split_even_gives_leftover_units_to_the_first(void **state)
{
	mlcu_money out[4];
	(void)state;
	/* 10.00 / 3: 10 * 10^12 = 3 * 3333333333333 + 1; the first target gets the 1 */
	mlc_alloc__split_even(out, P(10, 0), 3);
	assert_money_eq(out[0], P(3, 333333333334));
	assert_money_eq(out[1], P(3, 333333333333));
	assert_money_eq(out[2], P(3, 333333333333));
	/* a credit mirrors: -1.00 / 3 */
	mlc_alloc__split_even(out, -P(1, 0), 3);
	assert_money_eq(out[0], -P(0, 333333333334));
	assert_money_eq(out[1], -P(0, 333333333333));
	assert_money_eq(out[2], -P(0, 333333333333));
	/* 2 units over 4: two get 1, two get 0 */
	mlc_alloc__split_even(out, 2, 4);
	assert_money_eq(out[0] + out[1] + out[2] + out[3], 2);
	assert_money_eq(out[0], 1);
	assert_money_eq(out[1], 1);
	assert_money_eq(out[2], 0);
}

static void split_gives_leftover_units_to_largest_remainders(void **state)
{
	mlcu_money out[3];
	mlc_u128 w[3] = {3, 5, 7};
	(void)state;
	/* 1.00 over 3:5:7 (sum 15), in units of 10^-12:
	 *   10^12 * 3 / 15 = 200000000000      remainder 0
	 *   10^12 * 5 / 15 = 333333333333      remainder 5  (5 * 10^12 = 15 * 333333333333 + 5)
	 *   10^12 * 7 / 15 = 466666666666      remainder 10 (7 * 10^12 = 15 * 466666666666 + 10)
	 * floors sum to 999999999999: one unit left, to the largest remainder (index 2) */
	assert_int_equal(mlc_alloc__split(out, P(1, 0), w, 3), 0);
	assert_money_eq(out[0], P(0, 200000000000));
	assert_money_eq(out[1], P(0, 333333333333));
	assert_money_eq(out[2], P(0, 466666666667));
	/* the same as a credit */
	assert_int_equal(mlc_alloc__split(out, -P(1, 0), w, 3), 0);
	assert_money_eq(out[2], -P(0, 466666666667));
	assert_money_eq(out[0] + out[1] + out[2], -P(1, 0));
	/* 1 unit over 2:1: floors 0 and 0, remainders 2 and 1: index 0 gets it */
	w[0] = 2, w[1] = 1;
	assert_int_equal(mlc_alloc__split(out, 1, w, 2), 0);
	assert_money_eq(out[0], 1);
	assert_money_eq(out[1], 0);
	/* equal remainders: 1 unit over 1:1 goes to the lower index */
	w[0] = 1, w[1] = 1;
	assert_int_equal(mlc_alloc__split(out, 1, w, 2), 0);
	assert_money_eq(out[0], 1);
	assert_money_eq(out[1], 0);
	/* zero weights are an error for the caller to handle (fallback to even) */
	w[0] = 0, w[1] = 0;
	assert_int_equal(mlc_alloc__split(out, 1, w, 2), MLC_EINVAL);
}

static void split_handles_amounts_that_overflow_128_bit_products(void **state)
{
	/* total 10^35 units, weights 10^36 and 2 * 10^36: total * weight ~ 10^71 */
	const mlcu_money t = (mlcu_money)100000000000000000LL * 1000000000000000000LL;
	const mlc_u128 e36 = (mlc_u128)1000000000000000000ULL * 1000000000000000000ULL;
	mlc_u128 w[2] = {e36, 2 * e36};
	mlcu_money out[2];
	(void)state;
	/* 10^35 = 3 * q + 1 with q = 33...3 (35 digits): floors q and 2q + 0
	 * (2 * 10^35 = 3 * (2q) + 2), remainders 1 * 10^36 and 2 * 10^36 (scaled by
	 * the 10^36 common factor); floors sum to 3q = 10^35 - 1, so the one unit
	 * left goes to the larger remainder, index 1 */
	mlcu_money q = t / 3;
	assert_int_equal(mlc_alloc__split(out, t, w, 2), 0);
	assert_money_eq(out[0], q);
	assert_money_eq(out[1], 2 * q + 1);
	assert_money_eq(out[0] + out[1], t);
}

static const char good_yaml[] =
    "version: 1\n"
    "aliases: aliases.yaml\n"
    "pools:\n"
    "  - name: platform\n"
    "    filter: \"tag:team=ml-platform\"\n"
    "    split: proportional\n"
    "    targets: tag:model_id\n"
    "  - name: kms\n"
    "    filter: [\"ServiceName=AWS Key Management Service\", \"tag:Team = \"]\n"
    "    split: even\n"
    "    targets: \"tag: model_id\"\n"
    "    include_untagged: true\n"
    "  - name: gateway\n"
    "    filter: servicename=Amazon API Gateway\n"
    "    split: usage\n"
    "    usage_metric: tokens\n"
    "    targets: tag:MODEL_ID\n";

static void loads_pools_keys_and_conditions(void **state)
{
	mlc_alloc_spec *s = NULL;
	const mlc_alloc_pool *p;
	(void)state;
	assert_int_equal(
	    mlc_alloc__load_string(&s, "conf/alloc.yaml", good_yaml, strlen(good_yaml)), 0);
	assert_int_equal(mlc_alloc__npools(s), 3);
	/* key 0 is the targets; filter keys follow, tag keys compared without case */
	assert_int_equal(mlc_alloc__nkeys(s), 3);
	assert_string_equal(mlc_alloc__target(s), "tag:model_id");
	assert_string_equal(mlc_alloc__key(s, 1), "tag:team");
	assert_string_equal(mlc_alloc__key(s, 2), "ServiceName"); /* FOCUS spelling */
	assert_string_equal(mlc_alloc__aliases_path(s), "conf/aliases.yaml");

	p = mlc_alloc__pool(s, 0);
	assert_string_equal(p->name, "platform");
	assert_int_equal(p->split, MLC_ALLOC_PROPORTIONAL);
	assert_int_equal(p->ncond, 1);
	assert_int_equal(p->cond[0].key, 1);
	assert_string_equal(p->cond[0].value, "ml-platform");
	assert_int_equal(p->include_untagged, 0);
	assert_int_equal(p->line, 4);
	assert_int_equal(p->col, 5);

	p = mlc_alloc__pool(s, 1);
	assert_int_equal(p->split, MLC_ALLOC_EVEN);
	assert_int_equal(p->include_untagged, 1);
	assert_int_equal(p->ncond, 2);
	assert_int_equal(p->cond[0].key, 2);
	assert_string_equal(p->cond[0].value, "AWS Key Management Service");
	assert_int_equal(p->cond[1].key, 1);
	assert_null(p->cond[1].value); /* "tag:Team = ": the tag must be missing */

	p = mlc_alloc__pool(s, 2);
	assert_int_equal(p->split, MLC_ALLOC_USAGE);
	assert_int_equal(p->metric, MLC_ALLOC_TOKENS);
	assert_string_equal(p->cond[0].value, "Amazon API Gateway");
	mlc_alloc__spec_free(s);

	/* an absolute aliases path stays as written */
	{
		static const char y[] = "aliases: /etc/a.yaml\npools:\n  - name: x\n"
		                        "    filter: ServiceName=S3\n    split: even\n"
		                        "    targets: tag:model_id\n";
		assert_int_equal(mlc_alloc__load_string(&s, "d/a.yaml", y, strlen(y)), 0);
		assert_string_equal(mlc_alloc__aliases_path(s), "/etc/a.yaml");
		assert_int_equal(mlc_alloc__pool(s, 0)->metric, MLC_ALLOC_REQUESTS);
		mlc_alloc__spec_free(s);
	}
}

/* Load text that must fail with exactly this message. */
static void load_fails(const char *text, const char *want)
{
	mlc_alloc_spec *s = (mlc_alloc_spec *)1;
	int rc = mlc_alloc__load_string(&s, "a.yaml", text, strlen(text));
	if (rc != MLC_EPARSE)
		fail_msg("rc %d for: %s", rc, text);
	assert_null(s);
	assert_string_equal(mlc_error_message(), want);
}

#define POOL(lines) "pools:\n  - name: p\n" lines
#define OKPOOL      "    filter: ServiceName=S3\n    split: even\n    targets: tag:model_id\n"

static void file_errors_carry_line_and_column(void **state)
{
	(void)state;
	/* an empty list has no position of its own: the key's */
	load_fails("pools: []\n", "a.yaml:1:1: 'pools' is empty");
	load_fails("pool:\n  - name: p\n",
	           "a.yaml:1:1: unknown field 'pool' (did you mean 'pools'?)");
	load_fails("version: 2\n" POOL(OKPOOL),
	           "a.yaml:1:10: unsupported version (this mlcost reads version 1)");
	/* line 5 col 5: the misspelt key */
	load_fails(POOL(OKPOOL "    splt: even\n"),
	           "a.yaml:6:5: unknown field 'splt' (did you mean 'split'?)");
	load_fails(POOL("    split: even\n    targets: tag:model_id\n"),
	           "a.yaml:2:5: pool 'p' needs a 'filter' (e.g. \"tag:team=ml-platform\")");
	load_fails(POOL("    filter: tag:team\n    split: even\n    targets: tag:m\n"),
	           "a.yaml:3:13: filter 'tag:team' is not KEY=VALUE");
	load_fails(POOL("    filter: SericeName=S3\n    split: even\n    targets: tag:m\n"),
	           "a.yaml:3:13: unknown key 'SericeName' (did you mean 'ServiceName'?)");
	load_fails(POOL("    filter: \"tag: =x\"\n    split: even\n    targets: tag:m\n"),
	           /* a quoted scalar's position is its first character inside the quotes */
	           "a.yaml:3:14: 'tag:' needs a tag key, e.g. tag:team");
	load_fails(POOL("    filter: [a/b=1, \"A/B=2\"]\n    split: even\n    targets: tag:m\n"),
	           /* keys compare without case; the message names the first spelling */
	           "a.yaml:3:22: key 'a/b' appears twice in one filter");
	load_fails(POOL("    filter: ServiceName=S3\n    split: fair\n    targets: tag:m\n"),
	           "a.yaml:4:12: unknown split 'fair' (even, proportional, usage)");
	load_fails(POOL("    filter: ServiceName=S3\n    split: even\n    usage_metric: requests\n"
	                "    targets: tag:m\n"),
	           "a.yaml:5:19: 'usage_metric' needs split: usage");
	load_fails(POOL("    filter: ServiceName=S3\n    split: usage\n    usage_metric: gpus\n"
	                "    targets: tag:m\n"),
	           "a.yaml:5:19: unknown usage_metric 'gpus' (requests, input_tokens, "
	           "output_tokens, tokens)");
	load_fails(POOL("    filter: ServiceName=S3\n    targets: tag:m\n"),
	           "a.yaml:2:5: pool 'p' needs 'split' (even, proportional or usage)");
	load_fails(POOL(OKPOOL "  - name: p\n" OKPOOL), "a.yaml:6:11: duplicate pool name 'p'");
	load_fails(POOL(OKPOOL "  - name: q\n    filter: ServiceName=EC2\n    split: even\n"
	                       "    targets: tag:team\n"),
	           "a.yaml:9:14: pools must share one targets dimension: 'tag:team' here, "
	           "'tag:model_id' in pool 'p'");
	load_fails(POOL("    filter: ServiceName=S3\n    split: even\n"),
	           "a.yaml:2:5: pool 'p' needs 'targets' (e.g. tag:model_id)");
	load_fails("pools:\n  - filter: ServiceName=S3\n", "a.yaml:2:5: a pool needs a 'name'");
	load_fails(POOL(OKPOOL "    include_untagged: maybe\n"),
	           "a.yaml:6:23: expected true or false, got 'maybe'");
	load_fails("pools: [1, 2]\n", "a.yaml:1:9: a pool must be a mapping");
	load_fails("pools:\n  - name: p\n    filter: [\n", "a.yaml:4:1: flow sequence without a "
	                                                   "closing bracket");
}

static void matcher_takes_the_first_pool_whose_conditions_all_hold(void **state)
{
	mlc_alloc_spec *s = NULL;
	/* keys: 0 tag:model_id, 1 tag:team, 2 ServiceName */
	mlc_span v[3] = {{NULL, 0}, {"ml-platform", 11}, {"AWS Key Management Service", 26}};
	(void)state;
	assert_int_equal(mlc_alloc__load_string(&s, "a.yaml", good_yaml, strlen(good_yaml)), 0);
	/* matches platform (team) and not kms (kms needs team missing): pool 0 */
	assert_int_equal(mlc_alloc__match(s, v), 0);
	/* without the team tag: kms (ServiceName and team missing) */
	v[1].ptr = NULL;
	assert_int_equal(mlc_alloc__match(s, v), 1);
	/* values compare bytewise: another case is another value */
	v[2].ptr = "aws key management service";
	assert_int_equal(mlc_alloc__match(s, v), -1);
	v[2].ptr = "Amazon API Gateway";
	v[2].len = 18;
	assert_int_equal(mlc_alloc__match(s, v), 2);
	/* a prefix is not a match */
	v[2].len = 17;
	assert_int_equal(mlc_alloc__match(s, v), -1);
	mlc_alloc__spec_free(s);
}

static void loads_the_example_file(void **state)
{
	mlc_alloc_spec *s = NULL;
	(void)state;
	assert_int_equal(mlc_alloc__load_file(&s, MLC_SOURCE_DIR "/examples/allocation.yaml"), 0);
	assert_int_equal(mlc_alloc__npools(s), 4);
	/* tag:model_id, then tag:team, ServiceName, tag:environment in file order */
	assert_int_equal(mlc_alloc__nkeys(s), 4);
	assert_string_equal(mlc_alloc__key(s, 3), "tag:environment");
	assert_int_equal(mlc_alloc__pool(s, 2)->ncond, 2);
	assert_int_equal(mlc_alloc__pool(s, 3)->include_untagged, 1);
	assert_null(mlc_alloc__aliases_path(s));
	mlc_alloc__spec_free(s);
	/* util/file.h reports a missing file as MLC_EIO */
	assert_int_equal(mlc_alloc__load_file(&s, MLC_SOURCE_DIR "/examples/none.yaml"), MLC_EIO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(muldiv_is_exact_beyond_128_bits),
	    cmocka_unit_test(split_even_gives_leftover_units_to_the_first),
	    cmocka_unit_test(split_gives_leftover_units_to_largest_remainders),
	    cmocka_unit_test(split_handles_amounts_that_overflow_128_bit_products),
	    cmocka_unit_test(loads_pools_keys_and_conditions),
	    cmocka_unit_test(file_errors_carry_line_and_column),
	    cmocka_unit_test(matcher_takes_the_first_pool_whose_conditions_all_hold),
	    cmocka_unit_test(loads_the_example_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
