/* SPDX-License-Identifier: MIT */
/* Unit tests for the frontier module: sizing and cost of each variant, the
 * Pareto frontier with its tie rules, the pick under floors, the variants
 * file (errors with positions) and its renderings. Every expected number is
 * worked out by hand in the comments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "frontier.h"
#include "mlcost/common.h"
#include "mlcost/whatif.h"

static void near(double a, double b)
{
	assert_true(fabs(a - b) <= 1e-9 * (fabs(b) > 1 ? fabs(b) : 1));
}
#define NEAR(a, b) near((a), (b))

static mlc_variant variant(const char *name, double acc, double p95, double thr)
{
	mlc_variant v;
	memset(&v, 0, sizeof(v));
	v.name = name;
	v.accuracy = acc;
	v.p95_latency_ms = p95;
	v.throughput_rps_per_instance = thr;
	v.instance = "x";
	v.pricing = MLC_PRICING_ON_DEMAND;
	v.min_instances = 1;
	return v;
}

/* build from in-memory variants with prices set by hand, then evaluate */
static mlc_frontier *evaluate(const mlc_frontier_options *o, const mlc_variant *v,
                              const double *prices, size_t n)
{
	mlc_frontier *f = NULL;
	size_t i;
	assert_int_equal(mlc_frontier__new(&f, o, v, n), 0);
	for (i = 0; i < n; i++)
		f->variants[i].price_per_hour = prices[i];
	assert_int_equal(mlc_frontier__evaluate(f), 0);
	return f;
}

static void sizes_and_costs_each_variant(void **state)
{
	mlc_frontier_options o = MLC_FRONTIER_OPTIONS_INIT;
	mlc_variant v[2];
	double prices[2] = {0.526, 0.34};
	mlc_frontier *f;
	const mlc_frontier_result *r;
	(void)state;
	o.target_requests_per_month = 72000000;
	o.peak_to_average = 2;
	v[0] = variant("large", 0.942, 180, 12);
	v[1] = variant("small", 0.89, 25, 60);
	v[1].min_instances = 2;
	f = evaluate(&o, v, prices, 2);
	r = mlc_frontier_get(f);
	/* average = 72,000,000 / (730 × 3600) = 72,000,000 / 2,628,000 = 27.39726... req/s;
	 * design = 2 × average = 54.79452... req/s */
	NEAR(r->average_rps, 72000000.0 / 2628000.0);
	NEAR(r->design_rps, 2 * 72000000.0 / 2628000.0);
	/* large: 54.79 / 12 = 4.57 -> 5 instances; 5 × 0.526 × 730 = 1919.9 per month;
	 * per 1k = 1919.9 / 72,000,000 × 1000 = 1919.9 / 72,000 */
	assert_true(r->variants[0].instances == 5);
	NEAR(r->variants[0].monthly_cost, 1919.9);
	NEAR(r->variants[0].cost_per_1k, 1919.9 / 72000.0);
	/* small: 54.79 / 60 = 0.91 -> 1, but min_instances 2; 2 × 0.34 × 730 = 496.4 */
	assert_true(r->variants[1].instances == 2);
	NEAR(r->variants[1].monthly_cost, 496.4);
	/* cheapest first */
	assert_int_equal(r->by_cost[0], 1);
	assert_int_equal(r->by_cost[1], 0);
	mlc_frontier_free(f);
}

static void whole_loads_do_not_round_up(void **state)
{
	mlc_frontier_options o = MLC_FRONTIER_OPTIONS_INIT;
	mlc_variant v = variant("a", 1, 1, 0.1);
	double price = 1;
	mlc_frontier *f;
	(void)state;
	/* 78,840,000 / (730 × 3600) = 30 req/s exactly; 30 / 0.1 = 300 instances, not the
	 * 301 a naive ceil of 300.00000000000006 would give */
	o.target_requests_per_month = 78840000;
	f = evaluate(&o, &v, &price, 1);
	assert_true(mlc_frontier_get(f)->variants[0].instances == 300);
	NEAR(mlc_frontier_get(f)->variants[0].monthly_cost, 300 * 730.0);
	mlc_frontier_free(f);
}

static void frontier_ties_are_deterministic(void **state)
{
	mlc_frontier_options o = MLC_FRONTIER_OPTIONS_INIT;
	mlc_variant v[5];
	/* one instance each (tiny load), so monthly cost = price × 730 */
	double prices[5] = {1, 1, 1, 2, 0.5};
	mlc_frontier *f;
	const mlc_frontier_result *r;
	(void)state;
	o.target_requests_per_month = 1000;
	v[0] = variant("a", 0.90, 10, 100); /* cost 730 */
	v[1] = variant("b", 0.90, 10, 100); /* same cost and accuracy as a, listed later */
	v[2] = variant("c", 0.85, 10, 100); /* same cost as a, less accurate */
	v[3] = variant("d", 0.95, 10, 100); /* dearer and more accurate: on the frontier */
	v[4] = variant("e", 0.80, 10, 100); /* cheapest: on the frontier */
	f = evaluate(&o, v, prices, 5);
	r = mlc_frontier_get(f);
	assert_true(r->variants[0].on_frontier);
	assert_false(r->variants[1].on_frontier);
	assert_int_equal(r->variants[1].dominated_by, 0);
	assert_false(r->variants[2].on_frontier);
	assert_int_equal(r->variants[2].dominated_by, 0);
	assert_true(r->variants[3].on_frontier);
	assert_true(r->variants[4].on_frontier);
	assert_int_equal(r->nfrontier, 3);
	/* order: e (365), then a, b, c at 730 (accuracy desc, then input order), then d */
	assert_int_equal(r->by_cost[0], 4);
	assert_int_equal(r->by_cost[1], 0);
	assert_int_equal(r->by_cost[2], 1);
	assert_int_equal(r->by_cost[3], 2);
	assert_int_equal(r->by_cost[4], 3);
	/* no floors: the cheapest of all */
	assert_int_equal(r->recommended, 4);
	assert_string_equal(r->verdict, "cheapest (no floors given): e");
	mlc_frontier_free(f);
}

static void dominated_points_name_the_cheapest_dominator(void **state)
{
	mlc_frontier_options o = MLC_FRONTIER_OPTIONS_INIT;
	mlc_variant v[4];
	double prices[4] = {1, 2, 3, 4};
	mlc_frontier *f;
	const mlc_frontier_result *r;
	(void)state;
	o.target_requests_per_month = 1000;
	v[0] = variant("p", 0.80, 10, 100);
	v[1] = variant("q", 0.90, 10, 100);
	v[2] = variant("r", 0.95, 10, 100);
	v[3] = variant("s", 0.85, 10, 100); /* dearest; q (0.90, cost 2) is the cheapest
	                                       variant at least as accurate */
	f = evaluate(&o, v, prices, 4);
	r = mlc_frontier_get(f);
	assert_false(r->variants[3].on_frontier);
	assert_int_equal(r->variants[3].dominated_by, 1);
	mlc_frontier_free(f);
}

static void floors_pick_the_cheapest_that_qualifies(void **state)
{
	mlc_frontier_options o = MLC_FRONTIER_OPTIONS_INIT;
	mlc_variant v[3];
	double prices[3] = {1, 2, 3};
	mlc_frontier *f;
	const mlc_frontier_result *r;
	(void)state;
	o.target_requests_per_month = 1000;
	o.has_min_accuracy = 1;
	o.min_accuracy = 0.9;
	o.has_max_p95_latency_ms = 1;
	o.max_p95_latency_ms = 100;
	v[0] = variant("cheap", 0.85, 50, 100);  /* fails accuracy */
	v[1] = variant("slow", 0.95, 150, 100);  /* fails latency */
	v[2] = variant("right", 0.92, 100, 100); /* exactly at the latency floor: meets it */
	f = evaluate(&o, v, prices, 3);
	r = mlc_frontier_get(f);
	assert_false(r->variants[0].meets_accuracy);
	assert_true(r->variants[0].meets_latency);
	assert_false(r->variants[1].meets_latency);
	assert_int_equal(r->recommended, 2);
	assert_string_equal(r->verdict,
	                    "cheapest meeting accuracy >= 0.9 and p95 latency <= 100 ms: right");
	mlc_frontier_free(f);

	o.min_accuracy = 0.99;
	f = evaluate(&o, v, prices, 3);
	r = mlc_frontier_get(f);
	assert_int_equal(r->recommended, -1);
	assert_string_equal(r->verdict, "no variant meets accuracy >= 0.99 and p95 latency <= "
	                                "100 ms");
	mlc_frontier_free(f);
}

static void bad_options_are_refused(void **state)
{
	mlc_frontier_options o = MLC_FRONTIER_OPTIONS_INIT;
	mlc_variant v = variant("a", 1, 1, 1);
	mlc_frontier *f = NULL;
	(void)state;
	assert_int_equal(mlc_frontier__new(&f, &o, &v, 1), MLC_EINVAL); /* no target */
	o.target_requests_per_month = 10;
	o.peak_to_average = 0.5;
	assert_int_equal(mlc_frontier__new(&f, &o, &v, 1), MLC_EINVAL);
	o.peak_to_average = 1;
	v.throughput_rps_per_instance = 0;
	assert_int_equal(mlc_frontier__new(&f, &o, &v, 1), MLC_EINVAL);
	assert_null(f);
}

static const char good_yaml[] = "target_requests_per_month: 2_628_000\n" /* 1 req/s */
                                "min_accuracy: 0.9\n"
                                "variants:\n"
                                "  - name: gpu\n"
                                "    accuracy: 0.95\n"
                                "    p95_latency_ms: 40\n"
                                "    throughput_rps_per_instance: 0.4\n"
                                "    instance: g4dn.xlarge_1xt4\n"
                                "    pricing: spot\n"
                                "  - name: cpu\n"
                                "    accuracy: 0.91\n"
                                "    p95_latency_ms: 80\n"
                                "    throughput_rps_per_instance: 2\n"
                                "    instance: c5.2xlarge_cpu\n";

static void loads_and_prices_a_variants_file(void **state)
{
	mlc_frontier *f = NULL;
	const mlc_frontier_result *r;
	(void)state;
	assert_int_equal(mlc_frontier_load_string(&f, "v.yaml", good_yaml, strlen(good_yaml)), 0);
	r = mlc_frontier_get(f);
	assert_string_equal(r->catalog, "builtin:seed");
	/* 2,628,000 / (730 × 3600) = 1 req/s.
	 * gpu: 1 / 0.4 = 2.5 -> 3 instances at spot 0.526 × 0.7 = 0.3682/h:
	 *      3 × 0.3682 × 730 = 806.358
	 * cpu: 1 / 2 -> 1 instance at 0.34/h: 0.34 × 730 = 248.2 */
	NEAR(r->average_rps, 1);
	NEAR(r->variants[0].price_per_hour, 0.3682);
	assert_true(r->variants[0].instances == 3);
	NEAR(r->variants[0].monthly_cost, 806.358);
	NEAR(r->variants[1].monthly_cost, 248.2);
	/* cost per 1k of cpu: 248.2 / 2,628,000 × 1000 */
	NEAR(r->variants[1].cost_per_1k, 248.2 / 2628.0);
	assert_int_equal(r->recommended, 1);
	assert_int_equal(r->nfrontier, 2);
	mlc_frontier_free(f);
}

static void expect_error(const char *yaml, const char *message)
{
	mlc_frontier *f = NULL;
	int rc = mlc_frontier_load_string(&f, "v.yaml", yaml, strlen(yaml));
	assert_int_equal(rc, MLC_EPARSE);
	assert_null(f);
	assert_string_equal(mlc_error_message(), message);
}

static void file_errors_carry_positions(void **state)
{
	(void)state;
	expect_error("target_requests_per_month: 10\nvariants: []\nminn_accuracy: 1\n",
	             "v.yaml:3:1: unknown field 'minn_accuracy' (did you mean 'min_accuracy'?)");
	expect_error("variants: [{name: a}]\n",
	             "v.yaml:1:1: 'target_requests_per_month' is required");
	expect_error("target_requests_per_month: 0\nvariants: []\n",
	             "v.yaml:1:28: 'target_requests_per_month' must be above 0");
	expect_error("target_requests_per_month: 10\nvariants: []\n",
	             "v.yaml:2:1: 'variants' is empty");
	expect_error("target_requests_per_month: 10\n"
	             "variants:\n"
	             "  - {name: a, accuracy: 1, p95_latency_ms: 1, throughput_rps_per_instance: 1,"
	             " instance: c5.2xlarge_cpu}\n"
	             "  - {name: a, accuracy: 1, p95_latency_ms: 1, throughput_rps_per_instance: 1,"
	             " instance: c5.2xlarge_cpu}\n",
	             "v.yaml:4:12: duplicate variant name 'a'");
	expect_error("target_requests_per_month: 10\n"
	             "variants:\n"
	             "  - {name: a, accuracy: 1, p95_latency_ms: 1, throughput_rps_per_instance: 0,"
	             " instance: c5.2xlarge_cpu}\n",
	             "v.yaml:3:76: 'throughput_rps_per_instance' must be above 0");
	expect_error("target_requests_per_month: 10\n"
	             "variants:\n"
	             "  - {name: a, accuracy: 1, p95_latency_ms: 1, throughput_rps_per_instance: 1,"
	             " instance: c5.2xlarge_cpu, pricing: weekly}\n",
	             "v.yaml:3:114: unknown pricing 'weekly' (expected on_demand, spot, "
	             "reserved_1y or reserved_3y)");
	expect_error("target_requests_per_month: 10\n"
	             "variants:\n"
	             "  - {name: a, accuracy: 1, p95_latency_ms: 1, throughput_rps_per_instance: 1,"
	             " instance: c5.2xlarge_cpu, pricing: spott}\n",
	             "v.yaml:3:114: unknown pricing 'spott' (did you mean 'spot'?)");
	/* found by fuzzing: 1e57 was converted to long long (undefined) */
	expect_error("target_requests_per_month: 10\n"
	             "variants:\n"
	             "  - {name: a, accuracy: 1, p95_latency_ms: 1, throughput_rps_per_instance: 1,"
	             " instance: c5.2xlarge_cpu, min_instances: 1e57}\n",
	             "v.yaml:3:120: 'min_instances' must be a whole number at most 1000000000");
	expect_error("target_requests_per_month: 10\n"
	             "variants:\n"
	             "  - {name: a, accuracy: 1, p95_latency_ms: 1, throughput_rps_per_instance: 1,"
	             " instance: c5.2xlarge_cpu, min_instances: 1.5}\n",
	             "v.yaml:3:120: 'min_instances' must be a whole number at most 1000000000");
}

/* 10 requests a month over 1e-305 req/s per instance is 3.8e299 instances:
 * refused at the variant rather than printed as 1e299 or inf. */
static void results_out_of_range_point_at_the_variant(void **state)
{
	mlc_frontier *f = NULL;
	static const char yaml[] =
	    "target_requests_per_month: 10\n"
	    "variants:\n"
	    "  - {name: ok, accuracy: 1, p95_latency_ms: 1, throughput_rps_per_instance: 1,"
	    " instance: c5.2xlarge_cpu}\n"
	    "  - {name: slow, accuracy: 1, p95_latency_ms: 1,"
	    " throughput_rps_per_instance: 1e-305, instance: c5.2xlarge_cpu}\n";
	(void)state;
	assert_int_equal(mlc_frontier_load_string(&f, "v.yaml", yaml, strlen(yaml)), MLC_EPARSE);
	assert_null(f);
	assert_non_null(strstr(mlc_error_message(), "v.yaml:4:6: variant 'slow': 'instances' = "));
}

static void catalog_problems_point_at_the_variant(void **state)
{
	static const char unknown[] = "target_requests_per_month: 10\n"
	                              "variants:\n"
	                              "  - name: a\n"
	                              "    accuracy: 1\n"
	                              "    p95_latency_ms: 1\n"
	                              "    throughput_rps_per_instance: 1\n"
	                              "    instance: c5.2xlarge\n";
	static const char unoffered[] = "target_requests_per_month: 10\n"
	                                "variants:\n"
	                                "  - name: a\n"
	                                "    accuracy: 1\n"
	                                "    p95_latency_ms: 1\n"
	                                "    throughput_rps_per_instance: 1\n"
	                                "    instance: c5.2xlarge_cpu\n"
	                                "    pricing: reserved_3y\n";
	mlc_frontier *f = NULL;
	(void)state;
	assert_int_equal(mlc_frontier_load_string(&f, "v.yaml", unknown, strlen(unknown)),
	                 MLC_EPARSE);
	assert_non_null(strstr(mlc_error_message(), "v.yaml:7:15: variant 'a': "));
	assert_non_null(strstr(mlc_error_message(), "c5.2xlarge_cpu")); /* the suggestion */
	/* builtin:seed has no 3-year price */
	assert_int_equal(mlc_frontier_load_string(&f, "v.yaml", unoffered, strlen(unoffered)),
	                 MLC_EPARSE);
	assert_non_null(strstr(mlc_error_message(), "v.yaml:8:14: variant 'a': "));
	assert_null(f);
}

static void renders_json_and_csv(void **state)
{
	mlc_frontier *f = NULL;
	char *text = NULL;
	const char *p;
	(void)state;
	assert_int_equal(mlc_frontier_load_string(&f, "v.yaml", good_yaml, strlen(good_yaml)), 0);
	assert_int_equal(mlc_frontier_render(&text, f, MLC_WHATIF_JSON), 0);
	assert_non_null(strstr(text, "\"recommended\": \"cpu\""));
	/* 0.34 × 730 = 248.2 (to the last bit the double product gives) */
	p = strstr(text, "\"name\": \"cpu\"");
	assert_non_null(p);
	p = strstr(p, "\"monthly_cost\": ");
	assert_non_null(p);
	NEAR(strtod(p + strlen("\"monthly_cost\": "), NULL), 248.2);
	assert_non_null(strstr(text, "\"max_p95_latency_ms\": null"));
	mlc_whatif_text_free(text);
	assert_int_equal(mlc_frontier_render(&text, f, MLC_WHATIF_CSV), 0);
	/* cpu first (cheaper), then its inputs, price, instances and 0.34 × 730 = 248.2 */
	p = strstr(text, "\ncpu,0.91,80,2,c5.2xlarge_cpu,on_demand,1,0.34,1,");
	assert_non_null(p);
	NEAR(strtod(p + strlen("\ncpu,0.91,80,2,c5.2xlarge_cpu,on_demand,1,0.34,1,"), NULL), 248.2);
	mlc_whatif_text_free(text);
	mlc_frontier_free(f);
}

/* ---- allocation failures: every path cleans up (ASan checks the leaks) ---- */

static long budget;
static void *fail_malloc(size_t n)
{
	return budget-- > 0 ? malloc(n) : NULL;
}
static void *fail_realloc(void *p, size_t n)
{
	return budget-- > 0 ? realloc(p, n) : NULL;
}

static void survives_every_allocation_failure(void **state)
{
	mlc_allocator a = {fail_malloc, fail_realloc, free};
	long n;
	int rc = -1;
	(void)state;
	mlc_set_allocator(&a);
	for (n = 0; n < 100000 && rc != 0; n++) {
		mlc_frontier *f = NULL;
		char *text = NULL;
		budget = n;
		rc = mlc_frontier_load_string(&f, "v.yaml", good_yaml, strlen(good_yaml));
		if (rc == 0 && (rc = mlc_frontier_render(&text, f, MLC_WHATIF_JSON)) != 0)
			assert_int_equal(rc, MLC_ENOMEM);
		else if (rc != 0)
			assert_true(rc == MLC_ENOMEM || rc == MLC_EPARSE);
		mlc_whatif_text_free(text);
		mlc_frontier_free(f);
	}
	mlc_set_allocator(NULL);
	assert_int_equal(rc, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(sizes_and_costs_each_variant),
	    cmocka_unit_test(whole_loads_do_not_round_up),
	    cmocka_unit_test(frontier_ties_are_deterministic),
	    cmocka_unit_test(dominated_points_name_the_cheapest_dominator),
	    cmocka_unit_test(floors_pick_the_cheapest_that_qualifies),
	    cmocka_unit_test(bad_options_are_refused),
	    cmocka_unit_test(loads_and_prices_a_variants_file),
	    cmocka_unit_test(file_errors_carry_positions),
	    cmocka_unit_test(catalog_problems_point_at_the_variant),
	    cmocka_unit_test(results_out_of_range_point_at_the_variant),
	    cmocka_unit_test(renders_json_and_csv),
	    cmocka_unit_test(survives_every_allocation_failure),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
