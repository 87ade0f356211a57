/* SPDX-License-Identifier: MIT */
/*
 * test_policy.c - the policy of `mlcost check` without a store: loading
 * (shapes, FILE:LINE:COL errors), the registry rule over YAML and JSON
 * manifests, the cost rule without a profile, the JUnit report (escaping,
 * counts) and every allocation failure of load + check + report.
 * The store-backed rules are tested end to end in tests/cli/ledger_check.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mlcost/policy.h"
#include "test_support.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_policy.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static void write_file(const char *name, const char *text)
{
	char path[128];
	FILE *f;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static void load_fails(const char *yaml, const char *msg)
{
	mlc_policy *p = (mlc_policy *)1;
	assert_int_equal(mlc_policy_load_string(&p, "p.yaml", dir, yaml, strlen(yaml)), MLC_EPARSE);
	assert_null(p);
	if (!strstr(mlc_error_message(), msg))
		fail_msg("message '%s' lacks '%s'", mlc_error_message(), msg);
}

static void errors_carry_positions(void **state)
{
	(void)state;
	load_fails("required_tags:\n  keys: [team]\n  min_coverage: 95\n", "p.yaml:3:3:");
	load_fails("required_tags: {keys: [team], min_coverage_pct: 101}\n", "p.yaml:1:");
	load_fails("required_tags: {keys: []}\n", "empty list");
	load_fails("required_tags: {keys: [a, a]}\n", "'a' given twice");
	load_fails("budgets: {file: b.yaml, fail_on: later}\n", "p.yaml:1:34: fail_on must be");
	load_fails("budgets: {fail_on: actual}\n", "'file' is required");
	load_fails("max_cost_per_1k: {}\n", "give 'default' or 'models'");
	load_fails("max_cost_per_1k: {models: {m: -1}}\n", ">= 0");
	load_fails("max_cost_per_1k: {default: x}\n", "p.yaml:1:28:");
	load_fails("registry: {file: r.yaml, require: [version, version]}\n", "given twice");
	load_fails("{}\n", "no rule");
	load_fails("- a\n", "p.yaml:1:");
	load_fails("budget: {file: b.yaml}\n", "budgets");
}

/* Run a policy with the registry rule; the report is returned. */
static mlc_policy_report *check(const char *policy)
{
	mlc_policy *p = NULL;
	mlc_policy_report *r = NULL;
	assert_int_equal(mlc_policy_load_string(&p, "p.yaml", dir, policy, strlen(policy)), 0);
	assert_int_equal(mlc_policy_check(&r, p, NULL, NULL), 0);
	mlc_policy_free(p);
	return r;
}

static void registry_yaml_and_json(void **state)
{
	mlc_policy_report *r;
	(void)state;
	write_file("r.yaml", "models:\n"
	                     "  m1: {version: 1, created_at: 2025-01-01, lineage: {data: x}}\n"
	                     "  m2: {version: '', created_at: 2025-01-01}\n");
	r = check("registry: {file: r.yaml}\n");
	assert_int_equal(r->n, 2);
	assert_int_equal(r->nfailed, 1);
	assert_string_equal(r->findings[0].subject, "m1");
	assert_int_equal(r->findings[0].status, MLC_POLICY_PASS);
	assert_string_equal(r->findings[1].subject, "m2");
	assert_int_equal(r->findings[1].status, MLC_POLICY_FAIL);
	/* m2's first key is at line 3, column 8; version is empty and lineage absent */
	if (!strstr(r->findings[1].message, "r.yaml:3:8: entry lacks version, lineage"))
		fail_msg("%s", r->findings[1].message);
	mlc_policy_report_free(r);

	write_file("r.json", "[{\"name\": \"a\", \"version\": \"1\"},\n"
	                     " {\"version\": \"2\", \"lineage\": null}]\n");
	r = check("registry: {file: r.json, require: [version, lineage]}\n");
	assert_int_equal(r->n, 2);
	assert_int_equal(r->nfailed, 2);
	assert_string_equal(r->findings[0].subject, "a");
	assert_string_equal(r->findings[1].subject, "entry 2");
	assert_non_null(strstr(r->findings[1].message, "lacks lineage"));
	mlc_policy_report_free(r);
}

static void registry_errors(void **state)
{
	mlc_policy *p = NULL;
	mlc_policy_report *r = NULL;
	static const char pol[] = "registry: {file: bad.yaml}\n";
	(void)state;
	write_file("bad.yaml", "models:\n  - just a string\n");
	assert_int_equal(mlc_policy_load_string(&p, "p.yaml", dir, pol, strlen(pol)), 0);
	assert_int_equal(mlc_policy_check(&r, p, NULL, NULL), MLC_EPARSE);
	assert_null(r);
	assert_non_null(strstr(mlc_error_message(), "bad.yaml:2:5:"));
	mlc_policy_free(p);
}

static void cost_without_profile_is_skipped(void **state)
{
	mlc_policy_report *r = check("max_cost_per_1k: {default: 1}\n");
	mlc_policy *p = NULL;
	static const char tags[] = "required_tags: {keys: [team]}\n";
	(void)state;
	assert_int_equal(r->n, 1);
	assert_int_equal(r->nskipped, 1);
	assert_int_equal(r->nfailed, 0);
	assert_int_equal(r->findings[0].status, MLC_POLICY_SKIP);
	mlc_policy_report_free(r);
	/* tags need a store */
	assert_int_equal(mlc_policy_load_string(&p, "p.yaml", dir, tags, strlen(tags)), 0);
	assert_int_equal(mlc_policy_check(&r, p, NULL, NULL), MLC_EINVAL);
	mlc_policy_free(p);
}

static void junit_counts_and_escapes(void **state)
{
	mlc_policy_report *r;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	(void)state;
	write_file("e.yaml", "- {name: 'a<b&\"c', version: 1}\n- {name: ok, version: 2}\n");
	r = check("registry: {file: e.yaml, require: [version, lineage]}\n");
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(mlc_policy_report_junit(r, "suite & co", f), 0);
	fclose(f);
	assert_non_null(
	    strstr(buf, "<testsuites name=\"suite &amp; co\" tests=\"2\" failures=\"2\""));
	assert_non_null(strstr(buf, "name=\"a&lt;b&amp;&quot;c\""));
	assert_non_null(strstr(buf, "<testsuite name=\"registry\" tests=\"2\" failures=\"2\""));
	assert_null(strstr(buf, "required_tags"));
	free(buf);
	mlc_policy_report_free(r);
}

static void survives_every_allocation_failure(void **state)
{
	static const char pol[] = "max_cost_per_1k: {default: 1, models: {a: 2, b: 3}}\n"
	                          "registry: {file: r.yaml, require: [version]}\n";
	long n;
	int rc = -1;
	(void)state;
	write_file("r.yaml", "- {name: a, version: 1}\n- {name: b}\n");
	for (n = 0; n < 10000 && rc != 0; n++) {
		mlc_policy *p = NULL;
		mlc_policy_report *r = NULL;
		test_fail_allocation(n);
		rc = mlc_policy_load_string(&p, "p.yaml", dir, pol, strlen(pol));
		if (rc == 0)
			rc = mlc_policy_check(&r, p, NULL, NULL);
		if (rc != 0)
			assert_int_equal(rc, MLC_ENOMEM);
		else
			assert_int_equal(r->n, 3);
		mlc_policy_report_free(r);
		mlc_policy_free(p);
		test_restore_allocator();
		assert_int_equal(test_alloc_live, 0);
	}
	assert_int_equal(rc, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(errors_carry_positions),
	    cmocka_unit_test(registry_yaml_and_json),
	    cmocka_unit_test(registry_errors),
	    cmocka_unit_test(cost_without_profile_is_skipped),
	    cmocka_unit_test(junit_counts_and_escapes),
	    cmocka_unit_test(survives_every_allocation_failure),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
