/* SPDX-License-Identifier: MIT */
/* Unit tests for the cost-profile loader (src/profile*.c): every field of
 * SPEC §2, defaults, `_` separators, catalog lists and paths, range checks,
 * error messages with FILE:LINE:COL, and allocation failures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mlcost.h"
#include "profile.h"
#include "profile_internal.h"

#define SEED_PATH MLC_SOURCE_DIR "/examples/seed.yaml"

static mlc_profile *load(const char *yaml)
{
	mlc_profile *p = NULL;
	int rc = mlc_profile_load_string(&p, "t.yaml", yaml, strlen(yaml));
	if (rc)
		print_error("unexpected: %s\n", mlc_error_message());
	assert_int_equal(rc, 0);
	return p;
}

/* Loading fails with code, and the message is exactly msg (or starts with it). */
static void fails(const char *yaml, int code, const char *msg, int prefix_only)
{
	mlc_profile *p = NULL;
	int rc = mlc_profile_load_string(&p, "t.yaml", yaml, strlen(yaml));
	if (rc != code || (prefix_only ? strncmp(mlc_error_message(), msg, strlen(msg))
	                               : strcmp(mlc_error_message(), msg)))
		print_error("got %d '%s'\n", rc, mlc_error_message());
	assert_int_equal(rc, code);
	if (prefix_only)
		assert_memory_equal(mlc_error_message(), msg, strlen(msg));
	else
		assert_string_equal(mlc_error_message(), msg);
	assert_null(p);
}

static void seed_example_loads_every_field(void **state)
{
	mlc_profile *p = NULL;
	const mlc_model_profile *m;
	(void)state;
	assert_int_equal(mlc_profile_load_file(&p, SEED_PATH), 0);
	assert_string_equal(mlc_profile_currency(p), "USD");
	assert_true(mlc_profile_hours_per_month(p) == 730);
	assert_true(mlc_profile_days_per_month(p) == 30);
	assert_int_equal(mlc_profile_model_count(p), 1);
	assert_non_null(mlc_profile_catalog(p));
	m = mlc_profile_model(p, 0);
	assert_null(mlc_profile_model(p, 1));
	assert_string_equal(m->name, "product_recommendation_v3");
	assert_string_equal(m->team, "recommendation-ml");
	assert_string_equal(m->project, "product-ranking-v2");
	assert_string_equal(m->environment, "production");
	assert_string_equal(m->training.instance, "p3.16xlarge_8xv100");
	assert_true(m->training.count == 1 && m->training.hours_per_run == 3);
	assert_true(m->training.runs_per_month == 30 && m->training.experiment_multiplier == 1);
	assert_int_equal(m->training.pricing, MLC_PRICING_SPOT);
	assert_string_equal(m->inference.compute.instance, "g4dn.12xlarge_4xt4");
	assert_true(m->inference.compute.count == 4);
	assert_int_equal(m->inference.compute.pricing, MLC_PRICING_RESERVED_1Y);
	assert_true(m->inference.compute.hours_per_month == 730);
	assert_true(m->inference.requests_per_month == 72000000.0); /* 72_000_000 */
	assert_true(m->inference.utilization == 0.45);
	assert_null(m->inference.sla);
	assert_null(m->inference.llm_model);
	assert_string_equal(m->feature_pipeline.instance, "m5.4xlarge_cpu");
	assert_true(m->feature_pipeline.hours_per_day == 2 && m->feature_pipeline.count == 1);
	assert_true(m->storage_price_per_gb_month == 0.023);
	assert_true(m->storage_gb == 870); /* 500 + 20 + 200 + 150 */
	assert_int_equal(m->storage_nitems, 4);
	assert_string_equal(m->storage_item_names[2], "feature_store");
	assert_true(m->storage_item_gb[2] == 200);
	assert_true(m->transfer_gb_per_month == 100 && m->transfer_price_per_gb == 0.09);
	assert_true(m->monitoring_usd_per_month == 0 && m->tooling_usd_per_month == 0);
	assert_true(m->fte == 1.5 && m->fte_cost_per_year == 300000);
	assert_true(m->hours_per_year == 8760);
	assert_true(m->revenue_per_month == 4200000);
	assert_true(m->value_preserved_per_month < 0);
	mlc_profile_free(p);
}

static void defaults_apply_when_fields_are_absent(void **state)
{
	mlc_profile *p = load("models:\n"
	                      "  - name: m\n"
	                      "    inference: {instance: g4dn.xlarge_1xt4}\n"
	                      "    training: {instance: c5.2xlarge_cpu, hours_per_run: 1,"
	                      " runs_per_month: 2}\n");
	const mlc_model_profile *m = mlc_profile_model(p, 0);
	(void)state;
	assert_string_equal(mlc_profile_currency(p), "USD");
	assert_true(mlc_profile_hours_per_month(p) == 730);
	assert_true(mlc_profile_days_per_month(p) == 30);
	assert_string_equal(m->team, "");
	assert_string_equal(m->environment, "");
	assert_true(m->inference.compute.count == 1);
	assert_int_equal(m->inference.compute.pricing, MLC_PRICING_ON_DEMAND);
	assert_true(m->inference.compute.hours_per_month == 730);
	assert_true(m->inference.utilization < 0);
	assert_true(m->training.experiment_multiplier == 1);
	assert_null(m->feature_pipeline.instance);
	assert_true(m->fte == 0 && m->fte_cost_per_year == 0 && m->hours_per_year == 8760);
	assert_true(m->revenue_per_month < 0);
	mlc_profile_free(p);
}

static void people_defaults_are_overridable_per_model(void **state)
{
	mlc_profile *p =
	    load("hours_per_month: 720\n"
	         "days_per_month: 31\n"
	         "people: {fte_cost_per_year: 1_200_000, hours_per_year: 2_080}\n"
	         "models:\n"
	         "  - name: a\n"
	         "    people: {fte: 2}\n"
	         "  - name: b\n"
	         "    people: {fte: 1, fte_cost_per_year: 90_000, hours_per_year: 1800}\n"
	         "    inference: {instance: g4dn.xlarge_1xt4, hours_per_month: 200}\n");
	(void)state;
	assert_true(mlc_profile_hours_per_month(p) == 720);
	assert_true(mlc_profile_days_per_month(p) == 31);
	assert_true(mlc_profile_model(p, 0)->fte_cost_per_year == 1200000);
	assert_true(mlc_profile_model(p, 0)->hours_per_year == 2080);
	assert_true(mlc_profile_model(p, 1)->fte_cost_per_year == 90000);
	assert_true(mlc_profile_model(p, 1)->hours_per_year == 1800);
	assert_true(mlc_profile_model(p, 1)->inference.compute.hours_per_month == 200);
	mlc_profile_free(p);
}

static void sla_and_tokens_are_read(void **state)
{
	mlc_profile *p = load("models:\n"
	                      "  - name: a\n"
	                      "    inference: {instance: g4dn.xlarge_1xt4, sla: \"99.9\"}\n"
	                      "  - name: b\n"
	                      "    inference: {instance: g4dn.xlarge_1xt4, sla: 99.99}\n"
	                      "  - name: c\n"
	                      "    inference: {instance: g4dn.xlarge_1xt4, sla: 99.999%}\n"
	                      "  - name: d\n"
	                      "    inference: {instance: g4dn.xlarge_1xt4, sla: 99}\n");
	(void)state;
	assert_string_equal(mlc_profile_model(p, 0)->inference.sla, "99.9");
	assert_string_equal(mlc_profile_model(p, 1)->inference.sla, "99.99");
	assert_string_equal(mlc_profile_model(p, 2)->inference.sla, "99.999");
	assert_string_equal(mlc_profile_model(p, 3)->inference.sla, "99");
	mlc_profile_free(p);
	fails("models:\n  - name: a\n    inference: {instance: g4dn.xlarge_1xt4, sla: 99.5}\n",
	      MLC_EPARSE, "t.yaml:3:50: unknown sla '99.5' (expected 99, 99.9, 99.99 or 99.999)",
	      0);
}

static void storage_gb_is_a_number_or_named_numbers(void **state)
{
	mlc_profile *p = load("models:\n"
	                      "  - name: a\n"
	                      "    storage: {price_per_gb_month: 0.1, gb: 1_000}\n"
	                      "  - name: b\n"
	                      "    storage:\n"
	                      "      price_per_gb_month: 0.1\n"
	                      "      gb: {x: 1.5, y: 2.5}\n");
	(void)state;
	assert_true(mlc_profile_model(p, 0)->storage_gb == 1000);
	assert_int_equal(mlc_profile_model(p, 0)->storage_nitems, 0);
	assert_true(mlc_profile_model(p, 1)->storage_gb == 4); /* 1.5 + 2.5 */
	assert_int_equal(mlc_profile_model(p, 1)->storage_nitems, 2);
	mlc_profile_free(p);
	fails("models:\n  - name: a\n    storage: {price_per_gb_month: 1, gb: {x: -1}}\n",
	      MLC_EPARSE, "t.yaml:3:46: storage sizes must be at least 0", 0);
	fails("models:\n  - name: a\n    storage: {price_per_gb_month: 1, gb: [1]}\n", MLC_EPARSE,
	      "t.yaml:3:43: expected a number", 0);
}

static void unknown_field_suggests_the_nearest(void **state)
{
	(void)state;
	fails("version: 1\n"
	      "models:\n"
	      "  - name: a\n"
	      "    training:\n"
	      "      instanse: p3.16xlarge_8xv100\n",
	      MLC_EPARSE, "t.yaml:5:7: unknown field 'instanse' (did you mean 'instance'?)", 0);
	fails("hours_per_mont: 10\nmodels: []\n", MLC_EPARSE,
	      "t.yaml:1:1: unknown field 'hours_per_mont' (did you mean 'hours_per_month'?)", 0);
	fails("models:\n  - name: a\n    inference: {instance: g4dn.xlarge_1xt4, pricing: spto}\n",
	      MLC_EPARSE, "t.yaml:3:54: unknown pricing 'spto' (did you mean 'spot'?)", 0);
}

static void wrong_types_are_reported_at_their_position(void **state)
{
	(void)state;
	fails("models:\n  - name: a\n    inference:\n      instance: g4dn.xlarge_1xt4\n"
	      "      count: four\n",
	      MLC_EPARSE, "t.yaml:5:14: expected a number, got 'four'", 0);
	fails("models:\n  - name: a\n    training: 3\n", MLC_EPARSE,
	      "t.yaml:3:15: 'training' must be a mapping", 0);
	fails("models: {a: 1}\n", MLC_EPARSE, "t.yaml:1:10: 'models' must be a list", 0);
	fails("- 1\n", MLC_EPARSE, "t.yaml:1:3: a profile must be a mapping", 0);
	fails("models:\n  - name: a\n    whatif: 3\n", MLC_EPARSE,
	      "t.yaml:3:13: 'whatif' must be a mapping", 0);
}

static void unknown_instance_names_the_nearest_at_its_position(void **state)
{
	(void)state;
	fails("models:\n  - name: a\n    inference:\n      instance: g4dn.xlarge\n", MLC_ENOTFOUND,
	      "t.yaml:4:17: unknown resource 'g4dn.xlarge' (nearest: g4dn.xlarge_1xt4", 1);
}

static void syntax_errors_carry_a_position(void **state)
{
	(void)state;
	/* a second ': ' on line 3 after "    team: x"; the exact LINE:COL is
	 * libfyaml's (through yamldoc), so only the file prefix and text are checked */
	fails("models:\n  - name: a\n    team: x: y\n", MLC_EPARSE, "t.yaml:", 1);
	assert_non_null(strstr(mlc_error_message(), ": invalid nested block mapping"));
	fails("", MLC_EPARSE, "t.yaml:1: empty document", 0);
	fails("# only a comment\n", MLC_EPARSE, "t.yaml:1: empty document", 0);
	/* not YAML text at all: refused before the parser sees it */
	fails("models:\n  - name: a\x01\n", MLC_EPARSE, "t.yaml:2:12: control character 0x01", 0);
	fails("\n%value:name x\xff\n", MLC_EPARSE, "t.yaml:2:14: invalid UTF-8", 0);
	fails("models:\n  - name: \xc3\x28\n", MLC_EPARSE, "t.yaml:2:11: invalid UTF-8", 0);
}

static void ranges_are_checked(void **state)
{
	(void)state;
	fails("models:\n  - name: a\n    inference: {instance: g4dn.xlarge_1xt4, utilization: 0}\n",
	      MLC_EPARSE, "t.yaml:3:58: 'utilization' must be greater than 0 and at most 1", 0);
	mlc_profile_free(load("models:\n  - name: a\n    inference: {instance: g4dn.xlarge_1xt4,"
	                      " utilization: 1}\n"));
	fails("models:\n  - name: a\n    inference: {instance: g4dn.xlarge_1xt4, count: -1}\n",
	      MLC_EPARSE, "t.yaml:3:52: 'count' must be at least 0", 0);
	fails("models:\n  - name: a\n    feature_pipeline: {instance: m5.4xlarge_cpu,"
	      " hours_per_day: 25}\n",
	      MLC_EPARSE, "t.yaml:3:65: 'hours_per_day' must be at least 0 and at most 24", 0);
	fails("models:\n  - name: a\n    training: {instance: m5.4xlarge_cpu, hours_per_run: 1,"
	      " runs_per_month: 1, experiment_multiplier: 0.5}\n",
	      MLC_EPARSE, "t.yaml:3:102: 'experiment_multiplier' must be at least 1", 0);
	fails("hours_per_month: 800\nmodels: []\n", MLC_EPARSE,
	      "t.yaml:1:18: 'hours_per_month' must be greater than 0 and at most 744", 0);
	fails("models:\n  - name: a\n    value: {revenue_per_month: 0}\n", MLC_EPARSE,
	      "t.yaml:3:32: 'revenue_per_month' must be greater than 0", 0);
}

static void required_fields_are_named(void **state)
{
	(void)state;
	fails("models:\n  - name: a\n    training: {instance: m5.4xlarge_cpu, hours_per_run: 1}\n",
	      MLC_EPARSE, "t.yaml:3:16: training: missing 'runs_per_month'", 0);
	fails("models:\n  - team: x\n", MLC_EPARSE, "t.yaml:2:5: model: missing 'name'", 0);
	fails("models:\n  - name: a\n    inference: {count: 2}\n", MLC_EPARSE,
	      "t.yaml:3:17: inference: needs 'instance' (instance-priced), 'llm_model' "
	      "(token-priced) or both",
	      0);
	fails("models:\n  - name: a\n    people: {fte: 2}\n", MLC_EPARSE,
	      "t.yaml:3:19: 'fte' needs 'fte_cost_per_year' (in the model's 'people' or the "
	      "profile's)",
	      0);
	fails("models: []\n", MLC_EPARSE, "t.yaml:1:1: 'models' lists no model", 0);
	fails("version: 2\nmodels: []\n", MLC_EPARSE,
	      "t.yaml:1:10: unsupported profile version (this mlcost reads version 1)", 0);
	fails("models:\n  - name: a\n  - name: a\n", MLC_EPARSE,
	      "t.yaml:3:11: duplicate model name 'a' (first at line 2)", 0);
}

static void token_fields_need_an_llm_model(void **state)
{
	(void)state;
	fails("models:\n  - name: a\n    inference: {instance: g4dn.xlarge_1xt4,"
	      " output_tokens_per_request: 3}\n",
	      MLC_EPARSE, "t.yaml:3:45: 'output_tokens_per_request' needs 'llm_model'", 0);
}

static void find_model_suggests_names(void **state)
{
	mlc_profile *p = load("models:\n  - name: fraud\n  - name: churn\n  - name: ranking\n");
	size_t i = 99;
	(void)state;
	assert_int_equal(mlc_profile_find_model(&i, p, "churn"), 0);
	assert_int_equal(i, 1);
	/* frau is one edit from fraud; churn (5 edits) and ranking (6) are past the
	 * limit of 4 * 2 / 3 + 2 = 4 and are not suggested */
	assert_int_equal(mlc_profile_find_model(&i, p, "frau"), MLC_ENOTFOUND);
	assert_string_equal(mlc_error_message(), "unknown model 'frau' (nearest: fraud)");
	/* a name contained in the query comes first; then by distance within
	 * 8 * 2 / 3 + 2 = 7 edits: fraud (7: 4 substitutions, 3 insertions) is in,
	 * ranking (8) is not */
	assert_int_equal(mlc_profile_find_model(&i, p, "churn_v2"), MLC_ENOTFOUND);
	assert_string_equal(mlc_error_message(),
	                    "unknown model 'churn_v2' (nearest: churn, fraud)");
	/* nothing near: the profile's names */
	assert_int_equal(mlc_profile_find_model(&i, p, "zzz"), MLC_ENOTFOUND);
	assert_string_equal(mlc_error_message(),
	                    "unknown model 'zzz' (the profile has fraud, churn, ranking)");
	mlc_profile_free(p);
}

static void whatif_is_kept_for_compare(void **state)
{
	mlc_profile *p = load("models:\n"
	                      "  - name: a\n"
	                      "    whatif:\n"
	                      "      spot: {training: {pricing: spot}}\n");
	struct fy_node *n;
	(void)state;
	assert_non_null(mlc_profile__yaml(p));
	n = mlc_profile__model_node(p, 0);
	assert_non_null(n);
	assert_non_null(mlc_yaml__get(n, "whatif"));
	assert_null(mlc_profile__model_node(p, 1));
	mlc_profile_free(p);
}

/* A directory with a catalog CSV and a profile naming it relatively. */
static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void catalog_list_resolves_against_the_profile(void **state)
{
	char dir[] = "/tmp/mlc_profile_XXXXXX", csv[256], yaml[256];
	mlc_profile *p = NULL;
	const mlc_price_entry *e;
	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(csv, sizeof(csv), "%s/extra.csv", dir);
	snprintf(yaml, sizeof(yaml), "%s/p.yaml", dir);
	write_file(csv, "provider,region,resource,unit,on_demand,spot,reserved_1y,reserved_3y,"
	                "vcpus,memory_gb,gpus,gpu_model,as_of\n"
	                "test,,box,hour,2,,,,,,,,\n");
	write_file(yaml, "catalog: [builtin:seed, extra.csv]\n"
	                 "models:\n"
	                 "  - name: a\n"
	                 "    inference: {instance: box}\n"
	                 "    training: {instance: c5.2xlarge_cpu, hours_per_run: 1,"
	                 " runs_per_month: 1}\n");
	assert_int_equal(mlc_profile_load_file(&p, yaml), 0);
	assert_int_equal(mlc_catalog_find(&e, mlc_profile_catalog(p), "box"), 0);
	assert_true(e->price[MLC_PRICING_ON_DEMAND] == 2);
	mlc_profile_free(p);
	unlink(csv);
	unlink(yaml);
	rmdir(dir);
	fails("catalog: [builtin:seed, missing.csv]\nmodels: [{name: a}]\n", MLC_EIO,
	      "t.yaml:1:25: catalog: missing.csv", 1);
}

static void fuzz_mode_refuses_catalog_files(void **state)
{
	const char *y = "catalog: /etc/passwd\nmodels: [{name: a}]\n";
	mlc_profile *p = NULL;
	(void)state;
	assert_int_equal(mlc_profile__load(&p, "f.yaml", y, strlen(y), MLC_PROFILE__BUILTIN_ONLY),
	                 MLC_EPARSE);
	assert_null(p);
}

static int allocations_left;
static void *failing_malloc(size_t n)
{
	if (allocations_left-- <= 0)
		return NULL;
	return test_malloc(n);
}
static void *failing_realloc(void *ptr, size_t n)
{
	if (allocations_left-- <= 0)
		return NULL;
	return test_realloc(ptr, n);
}
static void checked_free(void *ptr)
{
	test_free(ptr);
}

/* Fail every allocation in turn: each load fails cleanly (no leak, cmocka
 * checks) until there are enough for it to succeed. */
static void allocation_failures_are_clean(void **state)
{
	mlc_allocator a = {failing_malloc, failing_realloc, checked_free};
	const char *y = "people: {fte_cost_per_year: 100}\n"
	                "models:\n"
	                "  - name: a\n"
	                "    inference: {instance: g4dn.xlarge_1xt4, requests_per_month: 5}\n"
	                "    storage: {price_per_gb_month: 1, gb: {x: 1, y: 2}}\n"
	                "    people: {fte: 1}\n"
	                "  - name: b\n";
	mlc_profile *p = NULL;
	int n, rc = MLC_ENOMEM;
	(void)state;
	mlc_set_allocator(&a);
	for (n = 0; n < 10000 && rc == MLC_ENOMEM; n++) {
		allocations_left = n;
		rc = mlc_profile_load_string(&p, "t.yaml", y, strlen(y));
		if (rc == MLC_ENOMEM)
			assert_null(p);
	}
	mlc_set_allocator(NULL);
	assert_int_equal(rc, 0);
	assert_true(n > 3); /* it did fail a few times before succeeding */
	assert_int_equal(mlc_profile_model_count(p), 2);
	mlc_set_allocator(&a);
	allocations_left = 1 << 30;
	mlc_profile_free(p);
	mlc_set_allocator(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(seed_example_loads_every_field),
	    cmocka_unit_test(defaults_apply_when_fields_are_absent),
	    cmocka_unit_test(people_defaults_are_overridable_per_model),
	    cmocka_unit_test(sla_and_tokens_are_read),
	    cmocka_unit_test(storage_gb_is_a_number_or_named_numbers),
	    cmocka_unit_test(unknown_field_suggests_the_nearest),
	    cmocka_unit_test(wrong_types_are_reported_at_their_position),
	    cmocka_unit_test(unknown_instance_names_the_nearest_at_its_position),
	    cmocka_unit_test(syntax_errors_carry_a_position),
	    cmocka_unit_test(ranges_are_checked),
	    cmocka_unit_test(required_fields_are_named),
	    cmocka_unit_test(token_fields_need_an_llm_model),
	    cmocka_unit_test(find_model_suggests_names),
	    cmocka_unit_test(whatif_is_kept_for_compare),
	    cmocka_unit_test(catalog_list_resolves_against_the_profile),
	    cmocka_unit_test(fuzz_mode_refuses_catalog_files),
	    cmocka_unit_test(allocation_failures_are_clean),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
