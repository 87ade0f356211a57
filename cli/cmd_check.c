/* SPDX-License-Identifier: MIT */
/*
 * cmd_check.c - `mlcost check --policy POLICY.yaml`: the CI guardrail of
 * SPEC §7. The library loads the policy and evaluates its rules against
 * the store, the budgets file, the registry manifest, an optional usage
 * file and an optional cost profile (mlc_policy_check); this file prints
 * each finding with its evidence, writes JUnit XML with --junit and exits
 * 4 when a rule failed.
 */
#include "cli.h"
#include "ledger_args.h"

#include <mlcost.h>
#include <mlcost/policy.h>

#include <stdio.h>
#include <string.h>

static const cli_option options[] = {
    {"policy", 'p', CLI_VALUE, "FILE", "the policy (YAML)", NULL, NULL},
    {"store", 's', CLI_VALUE, "STORE", "SQLite file or postgres://... URL", MLC_STORE_DEFAULT,
     NULL},
    {"usage", 'u', CLI_VALUE, "CSV",
     "requests per day and model (date,model_id,requests) for max_cost_per_1k of deployed "
     "models",
     NULL, NULL},
    {"profile", 0, CLI_VALUE, "PROFILE", "cost profile for max_cost_per_1k (models not deployed)",
     NULL, NULL},
    {"cost", 'c', CLI_VALUE, "BASIS", "billed, effective, list or contracted", "effective", NULL},
    {"junit", 0, CLI_VALUE, "FILE", "write a JUnit XML report to FILE", NULL, NULL},
    {"quiet", 'q', CLI_FLAG, NULL, "print failures only", NULL, NULL},
    {NULL, 0, 0, NULL, NULL, NULL, NULL}};

static const char *status_word(mlc_policy_status s)
{
	return s == MLC_POLICY_FAIL ? "FAIL" : s == MLC_POLICY_SKIP ? "SKIP" : "ok  ";
}

static int write_junit(const mlc_policy_report *r, const char *path, const char *policy)
{
	FILE *f = fopen(path, "w");
	int rc;
	if (!f)
		return cli_error(EXIT_RUNTIME, "check: cannot write %s", path);
	rc = mlc_policy_report_junit(r, policy, f);
	if (fclose(f) && !rc)
		return cli_error(EXIT_RUNTIME, "check: writing %s failed", path);
	return rc ? cli_fail(rc) : EXIT_OK;
}

static int run(const cli_args *a)
{
	mlc_policy_check_options o = MLC_POLICY_CHECK_OPTIONS_INIT;
	mlc_policy *p = NULL;
	mlc_policy_report *r = NULL;
	mlc_store *st = NULL;
	const char *path = cli_value(a, "policy");
	int rc;
	if (!path)
		return cli_error(EXIT_USAGE, "check: --policy FILE is required");
	if (mlc_cost_basis_parse(&o.basis, cli_value(a, "cost")))
		return cli_error(EXIT_USAGE, "check: %s", mlc_error_message());
	o.profile = cli_value(a, "profile");
	o.usage = cli_value(a, "usage");
	if ((rc = mlc_policy_load_file(&p, path)) ||
	    (rc = mlc_store_open(&st, cli_value(a, "store"), &cli_read_only_store)) ||
	    (rc = mlc_policy_check(&r, p, st, &o))) {
		rc = cli_fail(rc);
		goto done;
	}
	for (size_t i = 0; i < r->n; i++) {
		const mlc_policy_finding *x = &r->findings[i];
		if (cli_flag(a, "quiet") && x->status != MLC_POLICY_FAIL)
			continue;
		printf("%s %s: %s: %s\n", status_word(x->status), x->rule, x->subject, x->message);
	}
	printf("%s: %zu check%s, %zu failed, %zu skipped\n", path, r->n, r->n == 1 ? "" : "s",
	       r->nfailed, r->nskipped);
	if (cli_value(a, "junit") && (rc = write_junit(r, cli_value(a, "junit"), path)))
		goto done;
	rc = r->nfailed ? EXIT_RULE_FAILED : EXIT_OK;
done:
	mlc_policy_report_free(r);
	mlc_store_close(st);
	mlc_policy_free(p);
	return rc;
}

const cli_command cmd_check = {
    "check",
    "CI guardrail: check tags, cost per 1k, budgets and registry entries against a policy",
    "--policy POLICY.yaml [--store STORE] [--usage USAGE.csv] [--profile PROFILE]\n"
    "       [--cost BASIS] [--junit FILE] [--quiet]",
    "Evaluates the rules of a policy file (docs/check.md): required tag keys with a\n"
    "minimum coverage by cost over the store; a maximum cost per 1,000 requests per\n"
    "model, measured for deployed models from the store's cost by tag model_id and the\n"
    "requests of --usage (over the days the usage file covers), and estimated from\n"
    "--profile for models without requests (not yet deployed); budgets not to be\n"
    "exceeded by the actual or the forecast at period end; model registry entries\n"
    "that must carry version, created_at and lineage. Prints each finding with its\n"
    "evidence; --junit writes JUnit XML; exit 4 when any rule fails.",
    options,
    0,
    0,
    run};
