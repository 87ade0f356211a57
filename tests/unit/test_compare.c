/* SPDX-License-Identifier: MIT */
/* Unit tests for compare: the `whatif:` parser (defaults, positions of
 * errors) and the what-ifs run on a small profile priced from builtin:seed.
 * Every expected number is worked out by hand in the comments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mlcost/common.h"
#include "mlcost/costmodel.h"
#include "mlcost/whatif.h"
#include "whatif.h"

static void near(double a, double b)
{
	assert_true(fabs(a - b) <= 1e-9 * (fabs(b) > 1 ? fabs(b) : 1));
}

/* ---- the whatif section ---- */

static mlc_yaml *doc; /* the strings of the parameters point into it */

static int parse(mlc_whatif_params *p, const char *yaml)
{
	int rc;
	mlc_yaml__free(doc);
	doc = NULL;
	rc = mlc_yaml__load_string(&doc, "w.yaml", yaml, strlen(yaml));
	if (rc == 0)
		rc = mlc_whatif__parse(p, doc, mlc_yaml__root(doc));
	return rc;
}

static void absent_section_gives_defaults(void **state)
{
	mlc_whatif_params p;
	(void)state;
	assert_int_equal(mlc_whatif__parse(&p, NULL, NULL), 0);
	near(p.sl_price_1m.v, 0.20);
	near(p.sl_price_gb_s.v, 0.0000166667);
	assert_false(p.sl_price_1m.given);
	near(p.peak_to_average.v, 1);
	near(p.k8s.cluster_usd.v, 73);
	assert_int_equal(p.pricing_options, 15); /* all four pricing models */
	assert_int_equal(p.pricing_phases, 7);
	assert_false(p.has_autoscaling || p.has_batching || p.has_caching);
}

static void reads_every_section(void **state)
{
	mlc_whatif_params p;
	(void)state;
	assert_int_equal(parse(&p, "capacity_rps_per_replica: 12\n"
	                           "pricing: {phases: [inference], options: [spot]}\n"
	                           "architecture:\n"
	                           "  serverless: {memory_gb: 4}\n"
	                           "  managed_endpoint: {instance: g4dn.xlarge_1xt4, pricing: spot,"
	                           " premium_pct: 20}\n"
	                           "  kubernetes: {replicas_per_node: 3, min_nodes: 2}\n"
	                           "autoscaling: {hourly_load: [1,1,1,1,1,1,1,1,1,1,1,1,"
	                           "1,1,1,1,1,1,1,1,1,1,1,2], load_unit: rps, max_replicas: 9}\n"
	                           "batching: {fixed_ms: 10, per_item_ms: 2, batch_sizes: [1, 3]}\n"
	                           "caching: {hit_ratio: 0.25}\n"),
	                 0);
	near(p.capacity.v, 12);
	assert_int_equal(p.pricing_phases, MLC_WHATIF_PHASE_INFERENCE);
	assert_int_equal(p.pricing_options, 1u << MLC_PRICING_SPOT);
	near(p.sl_memory_gb.v, 4);
	assert_true(p.sl_memory_gb.given);
	assert_string_equal(p.managed.instance, "g4dn.xlarge_1xt4");
	assert_int_equal(p.managed.pricing, MLC_PRICING_SPOT);
	near(p.k8s.replicas_per_node.v, 3);
	assert_int_equal(p.nhours, 24);
	assert_false(p.load_relative);
	near(p.hourly[23], 2);
	assert_int_equal(p.nsizes, 2);
	near(p.sizes[1], 3);
	near(p.hit_ratio.v, 0.25);
	mlc_yaml__free(doc);
	doc = NULL;
}

static void expect(const char *yaml, const char *message)
{
	mlc_whatif_params p;
	assert_int_equal(parse(&p, yaml), MLC_EPARSE);
	assert_string_equal(mlc_error_message(), message);
}

static void errors_carry_positions(void **state)
{
	(void)state;
	expect("cachng: {hit_ratio: 1}\n",
	       "w.yaml:1:1: unknown field 'cachng' (did you mean 'caching'?)");
	expect("caching:\n  hit_ratio: 1.5\n", "w.yaml:2:14: 'hit_ratio' must be at most 1");
	expect("caching: {cache_usd_per_month: 3}\n", "w.yaml:1:11: 'hit_ratio' is required");
	expect("autoscaling:\n  hourly_load: [1, 2, 3]\n",
	       "w.yaml:2:17: 'hourly_load' needs 24 or 168 values, got 3");
	expect("architecture:\n  kubernetes:\n    replicas_per_node: 1.5\n",
	       "w.yaml:3:24: 'replicas_per_node' must be a whole number");
	expect("architecture:\n  managed_endpoint: {premium_pct: -100}\n",
	       "w.yaml:2:35: 'premium_pct' must be greater than -100");
	expect("pricing: {options: [spot, weekly]}\n",
	       "w.yaml:1:27: unknown pricing 'weekly' (expected on_demand, spot, reserved_1y or "
	       "reserved_3y)");
	expect("architecture:\n  kubernetes: {pricing: reserved-1y}\n",
	       "w.yaml:2:25: unknown pricing 'reserved-1y' (did you mean 'reserved_1y'?)");
	expect("batching: {fixed_ms: 0, per_item_ms: 0}\n",
	       "w.yaml:1:22: 'fixed_ms' and 'per_item_ms' cannot both be 0");
	expect("peak_to_average: 0.5\n", "w.yaml:1:18: 'peak_to_average' must be at least 1");
	mlc_yaml__free(doc);
	doc = NULL;
}

/* ---- the what-ifs on a profile ---- */

/* One model on c5.2xlarge_cpu (0.34/h on demand in builtin:seed; spot 0.7 ×,
 * reserved_1y 0.6 ×, no reserved_3y), 2 replicas, 2,628,000 requests a
 * month = 1 req/s over 730 h. As written: 2 × 0.34 × 730 = 496.4. */
static const char profile[] = "catalog: builtin:seed\n"
                              "models:\n"
                              "  - name: m\n"
                              "    inference:\n"
                              "      instance: c5.2xlarge_cpu\n"
                              "      count: 2\n"
                              "      requests_per_month: 2_628_000\n"
                              "    whatif:\n"
                              "      capacity_rps_per_replica: 0.5\n"
                              "      architecture:\n"
                              "        serverless: {memory_gb: 1, seconds_per_request: 1}\n"
                              "        kubernetes: {cluster_usd_per_month: 73}\n"
                              "      caching: {hit_ratio: 0.5, cache_usd_per_month: 10}\n";

static const mlc_scenario *find(const mlc_compare_result *r, const char *name)
{
	size_t i;
	for (i = 0; i < r->nscenarios; i++)
		if (!strcmp(r->scenarios[i].name, name))
			return &r->scenarios[i];
	fail_msg("no scenario %s", name);
	return NULL;
}

static void runs_the_what_ifs(void **state)
{
	mlc_profile *p = NULL;
	mlc_compare *c = NULL;
	const mlc_compare_result *r;
	const mlc_scenario *s;
	(void)state;
	assert_int_equal(mlc_profile_load_string(&p, "p.yaml", profile, strlen(profile)), 0);
	assert_int_equal(mlc_compare_model(&c, p, 0), 0);
	r = mlc_compare_get(c);
	near(r->baseline_total, 496.4);
	near(r->average_rps, 1);
	/* spot: 2 × 0.238 × 730 = 347.48, saving 148.92 = 30% */
	s = find(r, "inference:spot");
	near(s->monthly_total, 347.48);
	near(s->saving, 148.92);
	near(s->saving_pct, 30);
	/* reserved_1y: 2 × 0.204 × 730 = 297.84 */
	near(find(r, "inference:reserved_1y")->monthly_total, 297.84);
	assert_false(find(r, "inference:reserved_3y")->available);
	/* serverless: (0.20 / 1e6 + 1 GB × 1 s × 0.0000166667) × 2,628,000
	 * = 0.0000168667 × 2,628,000 = 44.3256876 */
	near(find(r, "serverless")->monthly_total, 0.0000168667 * 2628000);
	/* managed: 1 req/s over 0.5 per replica = 2 replicas = 496.4 (no premium) */
	assert_true(r->arch[1].units == 2);
	near(find(r, "managed_endpoint")->monthly_total, 496.4);
	/* kubernetes: 2 nodes of one replica + 73 = 569.4 */
	near(find(r, "kubernetes")->monthly_total, 569.4);
	/* serverless is cheapest from 0 to the scan's end (10 × 2,628,000): its
	 * 0.0000168667 per request is below managed's 0.34 × 730 / (0.5 × 2,628,000) */
	assert_int_equal(r->nranges, 1);
	assert_string_equal(r->ranges[0].option, "serverless");
	near(r->scan_to, 26280000);
	/* caching half the requests: ceil(2 × 0.5) = 1 replica = 248.2, + 10 cache = 258.2 */
	near(find(r, "hit_ratio:0.5")->monthly_total, 258.2);
	/* details count in words: one replica is singular */
	assert_string_equal(find(r, "managed_endpoint")->detail, "2 replicas");
	assert_string_equal(find(r, "kubernetes")->detail, "2 nodes + cluster fee");
	assert_string_equal(find(r, "hit_ratio:0.5")->detail, "1 replica instead of 2");
	mlc_compare_free(c);
	mlc_profile_free(p);
}

/*
 * A week of load (168 values, from Monday 00:00) in req/s, on c5.2xlarge_cpu
 * (0.34/h) with 6 replicas as written: 6 x 0.34 x 730 = 1489.2 a month.
 * capacity 10 req/s at target 0.5 = 5 req/s per replica; min 1, max 6.
 *   Mon-Fri hours 0-7: 4 req/s -> ceil(0.8) = 1; 8-19: 22 -> ceil(4.4) = 5;
 *   20-23: 12 -> ceil(2.4) = 3; Wednesday 12:00 (hour 2 x 24 + 12 = 60): 40 ->
 *   ceil(8) = 8, capped at 6; Saturday (hours 120-143): 10 -> 2; Sunday
 *   (144-167): 0 -> the minimum 1.
 */
static void weekly_load(char *yaml, size_t cap, const char *unit, const char *values)
{
	snprintf(
	    yaml, cap,
	    "catalog: builtin:seed\n"
	    "models:\n"
	    "  - name: m\n"
	    "    inference: {instance: c5.2xlarge_cpu, count: 6, requests_per_month: 26_280_000}\n"
	    "    whatif:\n"
	    "      capacity_rps_per_replica: 10\n"
	    "      autoscaling: {load_unit: %s, target_utilization: 0.5, min_replicas: 1,\n"
	    "                    max_replicas: 6, hourly_load: [%s]}\n",
	    unit, values);
}

static void autoscales_over_a_week_of_168_hours(void **state)
{
	static char values[168 * 8], yaml[sizeof(values) + 512];
	mlc_profile *p = NULL;
	mlc_compare *c = NULL;
	const mlc_compare_result *r;
	size_t used = 0, h;
	(void)state;
	for (h = 0; h < 168; h++) {
		size_t hour = h % 24;
		int rps = h >= 144    ? 0
		          : h >= 120  ? 10
		          : h == 60   ? 40
		          : hour < 8  ? 4
		          : hour < 20 ? 22
		                      : 12;
		used += (size_t)snprintf(values + used, sizeof(values) - used, "%s%d", h ? "," : "",
		                         rps);
	}
	weekly_load(yaml, sizeof(yaml), "rps", values);
	assert_int_equal(mlc_profile_load_string(&p, "p.yaml", yaml, strlen(yaml)), 0);
	assert_int_equal(mlc_compare_model(&c, p, 0), 0);
	r = mlc_compare_get(c);
	assert_int_equal(r->nhours, 168);
	assert_true(r->hourly_replicas[0] == 1 && r->hourly_replicas[8] == 5);
	assert_true(r->hourly_replicas[23] == 3 && r->hourly_replicas[60] == 6);
	assert_true(r->hourly_replicas[130] == 2 && r->hourly_replicas[167] == 1);
	assert_int_equal(r->hours_at_max, 1);
	/* replica-hours: a weekday 8 x 1 + 12 x 5 + 4 x 3 = 80; 5 weekdays 400, + 1 for
	 * Wednesday's capped hour (6, not 5) = 401; Saturday 24 x 2 = 48; Sunday 24 x 1 = 24;
	 * 401 + 48 + 24 = 473; average 473 / 168 = 2.81547619... */
	assert_true(r->static_replicas == 6);
	near(r->autoscaled_avg_replicas, 473.0 / 168.0);
	near(r->baseline_total, 1489.2);
	/* static: the peak all month, 6 x 0.34 x 730 = 1489.2: no saving */
	near(find(r, "static")->monthly_total, 1489.2);
	near(find(r, "static")->saving, 0);
	/* autoscaled: 473 x 0.34 x 730 / 168 = 117398.6 / 168 = 698.80119047...;
	 * saving 1489.2 - 698.80119... = 790.39880952..., = 535 / 1008 of it = 53.0754% */
	near(find(r, "autoscaled")->monthly_total, 117398.6 / 168.0);
	near(find(r, "autoscaled")->saving, 1489.2 - 117398.6 / 168.0);
	near(find(r, "autoscaled")->saving_pct, 535.0 / 1008.0 * 100.0);
	assert_string_equal(find(r, "autoscaled")->note,
	                    "max_replicas caps the fleet in 1 of 168 hours");
	mlc_compare_free(c);
	mlc_profile_free(p);

	/* relative: the first 84 hours weigh 1, the last 84 weigh 3: mean 2, scaled to
	 * the average 26,280,000 / (730 x 3600) = 10 req/s -> 5 and 15 req/s -> 1 and 3
	 * replicas; average (84 x 1 + 84 x 3) / 168 = 2 */
	for (h = 0, used = 0; h < 168; h++)
		used += (size_t)snprintf(values + used, sizeof(values) - used, "%s%d", h ? "," : "",
		                         h < 84 ? 1 : 3);
	weekly_load(yaml, sizeof(yaml), "relative", values);
	assert_int_equal(mlc_profile_load_string(&p, "p.yaml", yaml, strlen(yaml)), 0);
	assert_int_equal(mlc_compare_model(&c, p, 0), 0);
	r = mlc_compare_get(c);
	assert_int_equal(r->nhours, 168);
	near(r->hourly_rps[0], 5);
	near(r->hourly_rps[167], 15);
	assert_true(r->hourly_replicas[83] == 1 && r->hourly_replicas[84] == 3);
	near(r->autoscaled_avg_replicas, 2);
	/* 2 x 0.34 x 730 = 496.4 autoscaled; static is the peak, 3 x 248.2 = 744.6 */
	near(find(r, "autoscaled")->monthly_total, 496.4);
	near(find(r, "static")->monthly_total, 744.6);
	mlc_compare_free(c);
	mlc_profile_free(p);
}

/* Compare model 0 of yaml: it must fail with MLC_EPARSE; the message is left set. */
static void compare_fails(const char *yaml)
{
	mlc_profile *p = NULL;
	mlc_compare *c = NULL;
	assert_int_equal(mlc_profile_load_string(&p, "p.yaml", yaml, strlen(yaml)), 0);
	assert_int_equal(mlc_compare_model(&c, p, 0), MLC_EPARSE);
	assert_null(c);
	mlc_profile_free(p);
}

static void whatif_errors_point_into_the_profile(void **state)
{
	(void)state;
	compare_fails("models:\n"
	              "  - name: m\n"
	              "    inference: {instance: c5.2xlarge_cpu, count: 1}\n"
	              "    whatif:\n"
	              "      batchin: {fixed_ms: 1}\n");
	assert_string_equal(mlc_error_message(),
	                    "p.yaml:5:7: unknown field 'batchin' (did you mean 'batching'?)");
	compare_fails(
	    "models:\n"
	    "  - name: m\n"
	    "    inference: {instance: c5.2xlarge_cpu, count: 1, requests_per_month: 100}\n"
	    "    whatif:\n"
	    "      capacity_rps_per_replica: 1\n"
	    "      architecture: {managed_endpoint: {instance: c9.large}}\n");
	assert_non_null(strstr(mlc_error_message(), "p.yaml:6:51: "));
}

/* A what-if whose numbers leave the range of any budget is an error at `whatif:`. */
static void results_out_of_range_are_errors(void **state)
{
	(void)state;
	/* 1 req/s over 1e-300 req/s per replica: 1e300 replicas x 0.34 x 730 */
	compare_fails("models:\n"
	              "  - name: m\n"
	              "    inference: {instance: c5.2xlarge_cpu, count: 1,"
	              " requests_per_month: 2_628_000}\n"
	              "    whatif:\n"
	              "      capacity_rps_per_replica: 1e-300\n"
	              "      architecture: {}\n");
	assert_non_null(strstr(mlc_error_message(),
	                       "p.yaml:5:7: model 'm': 'architecture managed_endpoint' = "));
	assert_non_null(strstr(mlc_error_message(), "is out of range"));
}

static void renders_json_and_csv(void **state)
{
	mlc_profile *p = NULL;
	mlc_compare *c = NULL;
	char *text = NULL;
	(void)state;
	assert_int_equal(mlc_profile_load_string(&p, "p.yaml", profile, strlen(profile)), 0);
	assert_int_equal(mlc_compare_model(&c, p, 0), 0);
	mlc_profile_free(p); /* the result keeps what it shows */
	assert_int_equal(mlc_compare_render(&text, c, MLC_WHATIF_JSON), 0);
	assert_non_null(strstr(text, "\"model\": \"m\""));
	assert_non_null(strstr(text, "\"key\": \"architecture.serverless.price_per_1m_requests\",\n"
	                             "      \"value\": \"0.2\",\n"
	                             "      \"origin\": \"default\""));
	mlc_whatif_text_free(text);
	assert_int_equal(mlc_compare_render(&text, c, MLC_WHATIF_CSV), 0);
	assert_non_null(strstr(text, "model,section,name,detail,available,phase_cost,"));
	assert_non_null(strstr(text, "\nm,baseline,as_written,the profile as written,true,"));
	mlc_whatif_text_free(text);
	mlc_compare_free(c);
}

static long budget;
static void *fail_malloc(size_t n)
{
	return budget-- > 0 ? malloc(n) : NULL;
}
static void *fail_realloc(void *q, size_t n)
{
	return budget-- > 0 ? realloc(q, n) : NULL;
}

static void survives_every_allocation_failure(void **state)
{
	mlc_allocator a = {fail_malloc, fail_realloc, free};
	mlc_profile *p = NULL;
	long n;
	int rc = -1;
	(void)state;
	assert_int_equal(mlc_profile_load_string(&p, "p.yaml", profile, strlen(profile)), 0);
	mlc_set_allocator(&a);
	for (n = 0; n < 100000 && rc != 0; n++) {
		mlc_compare *c = NULL;
		char *text = NULL;
		budget = n;
		rc = mlc_compare_model(&c, p, 0);
		if (rc == 0 && (rc = mlc_compare_render(&text, c, MLC_WHATIF_JSON)) != 0)
			assert_int_equal(rc, MLC_ENOMEM);
		else if (rc != 0)
			assert_int_equal(rc, MLC_ENOMEM);
		mlc_whatif_text_free(text);
		mlc_compare_free(c);
	}
	mlc_set_allocator(NULL);
	assert_int_equal(rc, 0);
	mlc_profile_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(absent_section_gives_defaults),
	    cmocka_unit_test(reads_every_section),
	    cmocka_unit_test(errors_carry_positions),
	    cmocka_unit_test(runs_the_what_ifs),
	    cmocka_unit_test(autoscales_over_a_week_of_168_hours),
	    cmocka_unit_test(whatif_errors_point_into_the_profile),
	    cmocka_unit_test(results_out_of_range_are_errors),
	    cmocka_unit_test(renders_json_and_csv),
	    cmocka_unit_test(survives_every_allocation_failure),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
