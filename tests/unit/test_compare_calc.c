/* SPDX-License-Identifier: MIT */
/* Unit tests for whatif_calc.c: sizing, cost shapes, the volume ranges where
 * each architecture is cheapest, autoscaling, batching, caching. Every
 * expected number is worked out by hand in the comments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "whatif.h"

static void near(double a, double b)
{
	assert_true(fabs(a - b) <= 1e-9 * (fabs(b) > 1 ? fabs(b) : 1));
}

static void ceil_ratio_snaps_noise_but_not_load(void **state)
{
	(void)state;
	assert_true(mlc_whatif__ceil_ratio(10, 5) == 2);
	assert_true(mlc_whatif__ceil_ratio(10.5, 5) == 3);
	assert_true(mlc_whatif__ceil_ratio(3.0000000000004, 1) == 3); /* noise */
	assert_true(mlc_whatif__ceil_ratio(3.01, 1) == 4);            /* load */
	assert_true(mlc_whatif__ceil_ratio(1e-12, 1) == 1);           /* any load needs one */
	assert_true(mlc_whatif__ceil_ratio(0, 5) == 0);
	assert_true(mlc_whatif__replicas(0, 5, 2) == 2);
	assert_true(mlc_whatif__replicas(11, 5, 2) == 3);
	/* 2,628,000 requests over 730 h = 2,628,000 / 2,628,000 s = 1 req/s */
	near(mlc_whatif__avg_rps(2628000, 730), 1);
}

static void shapes_cost_each_architecture(void **state)
{
	mlc_cost_shape sl = {0}, me = {0}, k8 = {0};
	(void)state;
	/* serverless: 0.20 per 1M requests + 2 GB × 0.1 s × 0.0000166667 per GB-s
	 * = 0.0000002 + 0.00000333334 = 0.00000353334 per request */
	sl.slope = 0.20 / 1e6 + 2 * 0.1 * 0.0000166667;
	near(mlc_whatif__shape_cost(&sl, 1e6), 3.53334);
	assert_true(mlc_whatif__shape_units(&sl, 1e6) == 0);
	/* managed: 1.00/h × 730 h × 1.25 premium = 912.5 per replica; one replica serves
	 * 10 req/s = 10 × 730 × 3600 = 26,280,000 requests a month */
	me.step_cost = 1.0 * 730 * 1.25;
	me.step_width = 10 * 730 * 3600.0;
	me.min_steps = 1;
	/* 30,000,000 / 26,280,000 = 1.14 -> 2 replicas = 1825 */
	assert_true(mlc_whatif__shape_units(&me, 30e6) == 2);
	near(mlc_whatif__shape_cost(&me, 30e6), 1825);
	near(mlc_whatif__shape_cost(&me, 0), 912.5); /* the minimum, even idle */
	/* kubernetes: 730 per node of 2 replicas (52,560,000 requests) + 73 cluster fee */
	k8.step_cost = 730;
	k8.step_width = 2 * 10 * 730 * 3600.0;
	k8.min_steps = 1;
	k8.fixed = 73;
	near(mlc_whatif__shape_cost(&k8, 30e6), 803);
	/* marginal per request: 912.5 / 26,280,000 and 730 / 52,560,000 */
	near(mlc_whatif__shape_marginal(&me), 912.5 / 26280000.0);
	near(mlc_whatif__shape_marginal(&k8), 730 / 52560000.0);
}

static const char *const names[3] = {"serverless", "managed_endpoint", "kubernetes"};

static void crossovers_find_single_switch(void **state)
{
	mlc_cost_shape sh[3];
	mlc_volume_range r[8];
	int avail[3] = {1, 1, 0};
	size_t n;
	int trunc;
	double to;
	(void)state;
	memset(sh, 0, sizeof(sh));
	/* serverless 0.0002 per request; managed 1000 per 10M requests, at least one.
	 * (0, 10M]: managed 1000 = 0.0002 V at V = 5M -> serverless to 5M, managed after.
	 * (10M, 20M]: managed 2000, serverless 2000..4000 -> managed. */
	sh[0].slope = 2e-4;
	sh[1].step_cost = 1000;
	sh[1].step_width = 10e6;
	sh[1].min_steps = 1;
	mlc_whatif__crossovers(r, 8, &n, &trunc, &to, sh, names, avail, 3, 30e6);
	assert_int_equal(n, 2);
	assert_false(trunc);
	near(to, 30e6);
	assert_string_equal(r[0].option, "serverless");
	near(r[0].from_requests, 0);
	near(r[0].to_requests, 5e6);
	assert_string_equal(r[1].option, "managed_endpoint");
	near(r[1].from_requests, 5e6);
	near(r[1].to_requests, 30e6);
}

static void crossovers_follow_the_steps(void **state)
{
	mlc_cost_shape sh[3];
	mlc_volume_range r[8];
	int avail[3] = {1, 1, 1};
	size_t n;
	int trunc;
	double to;
	(void)state;
	memset(sh, 0, sizeof(sh));
	/* serverless 0.00015 per request; managed 1000 per 10M; kubernetes 100 + 800 per 10M.
	 * Kubernetes is below managed on every step (900 < 1000, 1700 < 2000, ...).
	 * (0, 10M]:   k8s 900:  0.00015 V = 900 at V = 6M
	 * (10M, 20M]: k8s 1700: 0.00015 V = 1700 at V = 11.333M
	 * (20M, 30M]: k8s 2500: serverless is 3000 at 20M already -> k8s */
	sh[0].slope = 1.5e-4;
	sh[1].step_cost = 1000;
	sh[1].step_width = 10e6;
	sh[1].min_steps = 1;
	sh[2].fixed = 100;
	sh[2].step_cost = 800;
	sh[2].step_width = 10e6;
	sh[2].min_steps = 1;
	mlc_whatif__crossovers(r, 8, &n, &trunc, &to, sh, names, avail, 3, 30e6);
	assert_int_equal(n, 4);
	assert_string_equal(r[0].option, "serverless");
	near(r[0].to_requests, 6e6);
	assert_string_equal(r[1].option, "kubernetes");
	near(r[1].to_requests, 10e6);
	assert_string_equal(r[2].option, "serverless");
	near(r[2].to_requests, 1700 / 1.5e-4);
	assert_string_equal(r[3].option, "kubernetes");
	near(r[3].to_requests, 30e6);

	/* room for two ranges only: the scan stops where the third would start (10M) */
	mlc_whatif__crossovers(r, 2, &n, &trunc, &to, sh, names, avail, 3, 30e6);
	assert_int_equal(n, 2);
	assert_true(trunc);
	near(to, 10e6);

	/* without kubernetes and serverless only managed is left: one range */
	avail[0] = 0;
	avail[2] = 0;
	mlc_whatif__crossovers(r, 8, &n, &trunc, &to, sh, names, avail, 3, 30e6);
	assert_int_equal(n, 1);
	assert_string_equal(r[0].option, "managed_endpoint");
}

static void hourly_load_and_autoscaling(void **state)
{
	double rel[2] = {1, 3}, rps[4] = {5, 15, 30, 0}, out[2], rep[4];
	mlc_autoscale a;
	(void)state;
	/* relative [1, 3] has mean 2; scaled to an average of 10 req/s: [5, 15] */
	assert_int_equal(mlc_whatif__hourly_rps(out, rel, 2, 1, 10), 0);
	near(out[0], 5);
	near(out[1], 15);
	rel[0] = rel[1] = 0;
	assert_int_equal(mlc_whatif__hourly_rps(out, rel, 2, 1, 10), -1);
	/* capacity 10 at 50% target = 5 req/s per replica: 5 -> 1, 15 -> 3, 30 -> 6 capped
	 * at 5, 0 -> min 1. Static = 5; average = (1 + 3 + 5 + 1) / 4 = 2.5.
	 * At 2.00/h for 730 h: static 5 × 2 × 730 = 7300; autoscaled 10 × 2 × 730 / 4 = 3650 */
	mlc_whatif__autoscale(&a, rep, rps, 4, 10, 0.5, 1, 5, 2, 730);
	assert_true(rep[0] == 1 && rep[1] == 3 && rep[2] == 5 && rep[3] == 1);
	assert_int_equal(a.hours_at_max, 1);
	assert_true(a.static_replicas == 5);
	near(a.avg_replicas, 2.5);
	near(a.static_cost, 7300);
	near(a.autoscaled_cost, 3650);
	/* no maximum: the 30 req/s hour gets its 6 */
	mlc_whatif__autoscale(&a, rep, rps, 4, 10, 0.5, 1, 0, 2, 730);
	assert_true(rep[2] == 6);
	assert_int_equal(a.hours_at_max, 0);
}

static void batch_rows(void **state)
{
	mlc_batch_in in;
	mlc_batch_row row;
	(void)state;
	memset(&in, 0, sizeof(in));
	in.fixed_ms = 20;
	in.per_item_ms = 5;
	in.concurrency = 1;
	in.min_replicas = 1;
	in.design_rps = 250;
	in.avg_rps = 150;
	in.latency_slo_ms = 100;
	in.price_per_hour = 1;
	in.hours_per_month = 730;
	/* b = 4: latency 20 + 5 × 4 = 40 ms; throughput 4 / 40 × 1000 = 100 req/s;
	 * replicas ceil(250 / 100) = 3; 3 × 1 × 730 = 2190 a month.
	 * Each replica sees 150 / 3 = 50 req/s: filling 3 more takes 3 / 50 s = 60 ms,
	 * so the first request waits 60 + 40 = 100 ms: meets a 100 ms SLO exactly */
	mlc_whatif__batch_row(&row, &in, 4);
	near(row.latency_ms, 40);
	near(row.throughput_rps, 100);
	assert_true(row.replicas == 3);
	near(row.monthly_cost, 2190);
	near(row.wait_p95_ms, 100);
	assert_true(row.meets_slo);
	in.latency_slo_ms = 99;
	mlc_whatif__batch_row(&row, &in, 4);
	assert_false(row.meets_slo);
	/* b = 1 waits for nobody: 25 ms; concurrency 2 doubles throughput:
	 * 1 / 25 × 1000 × 2 = 80 req/s -> ceil(250 / 80) = 4 replicas */
	in.concurrency = 2;
	mlc_whatif__batch_row(&row, &in, 1);
	near(row.wait_p95_ms, 25);
	near(row.throughput_rps, 80);
	assert_true(row.replicas == 4);
}

static void cached_fleets(void **state)
{
	(void)state;
	assert_true(mlc_whatif__cached_count(4, 0.3) == 3);  /* 2.8 -> 3 */
	assert_true(mlc_whatif__cached_count(10, 0.3) == 7); /* 7.000000000000001 -> 7 */
	near(mlc_whatif__cached_count(2.5, 0.2), 2);         /* fractional: proportional */
	assert_true(mlc_whatif__cached_count(4, 1) == 0);    /* everything cached */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(ceil_ratio_snaps_noise_but_not_load),
	    cmocka_unit_test(shapes_cost_each_architecture),
	    cmocka_unit_test(crossovers_find_single_switch),
	    cmocka_unit_test(crossovers_follow_the_steps),
	    cmocka_unit_test(hourly_load_and_autoscaling),
	    cmocka_unit_test(batch_rows),
	    cmocka_unit_test(cached_fleets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
