/* SPDX-License-Identifier: MIT */
/*
 * mlcost/policy.h - the CI guardrail of SPEC §7 (`mlcost check`): a policy
 * YAML file of rules (required tags with a minimum cost coverage, a maximum
 * cost per 1,000 requests per model, budgets not to be exceeded, model
 * registry entries that must carry given fields), checked against the cost
 * ledger (store.h), a budgets file (series.h), a registry manifest (YAML or
 * JSON) and optionally a cost profile (costmodel.h). Each rule and subject
 * gives one finding with its evidence; a JUnit XML writer turns them into a
 * CI report. Also the budget status of a budget over the store, shared by
 * `mlcost budget status`. See docs/check.md.
 *
 * What it is not: a printer (the CLI prints findings) or a forecaster.
 */
#ifndef MLCOST_POLICY_H
#define MLCOST_POLICY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bills.h"
#include "common.h"
#include "series.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- budgets over the store --------------------------------------------------------------- */

/**
 * The first and last day (days since 1970-01-01) with cost in the store
 * under basis; MLC_ENOTFOUND when the store holds no cost.
 */
MLC_EXTERN int mlc_policy_store_days(int64_t *out_first, int64_t *out_last, mlc_store *s,
                                     mlc_cost_basis basis);

/**
 * The status of budget b over the store: the daily cost of its scope (its
 * filters become store where clauses) from first_day to as_of (inclusive,
 * zeros where nothing was billed), then mlc_budget_status_compute with
 * as_of. Use mlc_policy_store_days for the store's range.
 */
MLC_EXTERN int mlc_policy_budget_status(mlc_budget_status *out, mlc_store *s, const mlc_budget *b,
                                        mlc_cost_basis basis, int64_t first_day, int64_t as_of);

/* ---- policies ----------------------------------------------------------------------------- */

#define MLC_POLICY_MAX_KEYS     32   /**< required tag keys */
#define MLC_POLICY_MAX_MODELS   1024 /**< max_cost_per_1k overrides */
#define MLC_POLICY_MAX_FIELDS   32   /**< registry required fields */
#define MLC_POLICY_MAX_FINDINGS 100000

typedef struct mlc_policy mlc_policy;

/** Load a policy file; errors FILE:LINE:COL with MLC_EPARSE. Relative
 * files named by the policy are taken from the policy file's directory. */
MLC_EXTERN int mlc_policy_load_file(mlc_policy **out, const char *path);
/** name is used in messages; relative files are taken from dir (NULL: "."). */
MLC_EXTERN int mlc_policy_load_string(mlc_policy **out, const char *name, const char *dir,
                                      const char *yaml, size_t len);
MLC_EXTERN void mlc_policy_free(mlc_policy *p);

typedef enum mlc_policy_status {
	MLC_POLICY_PASS = 0,
	MLC_POLICY_FAIL = 1,
	MLC_POLICY_SKIP = 2 /**< the rule could not be evaluated (e.g. no usage known) */
} mlc_policy_status;

typedef struct mlc_policy_finding {
	const char *rule;    /**< "required_tags", "max_cost_per_1k", "budgets", "registry" */
	const char *subject; /**< the key, model, budget or registry entry */
	mlc_policy_status status;
	const char *message; /**< the evidence, one line */
} mlc_policy_finding;

typedef struct mlc_policy_report {
	size_t n;
	const mlc_policy_finding *findings; /**< in rule order, then subject order */
	size_t nfailed, nskipped;
} mlc_policy_report;

typedef struct mlc_policy_check_options {
	unsigned version;
	mlc_cost_basis basis; /**< cost basis read from the store; default effective */
	const char *profile;  /**< cost profile for max_cost_per_1k; NULL for none */
	/** Version 2: a usage CSV (as for mlc_unit_run: date,model_id,requests)
	 * for max_cost_per_1k of deployed models, measured as the store's cost
	 * by tag model_id over these requests; the profile then judges only the
	 * models without requests. NULL for none. */
	const char *usage;
} mlc_policy_check_options;

#define MLC_POLICY_CHECK_OPTIONS_VERSION 2
#define MLC_POLICY_CHECK_OPTIONS_INIT                                                              \
	{                                                                                          \
		MLC_POLICY_CHECK_OPTIONS_VERSION, MLC_COST_EFFECTIVE, NULL, NULL                   \
	}

/**
 * Evaluate every rule of p. s may be NULL when no rule needs the store
 * (registry only). A failed rule is a finding, not an error: errors are
 * for files that cannot be read (MLC_EIO, MLC_EPARSE with FILE:LINE:COL)
 * and the store. Free *out with mlc_policy_report_free.
 */
MLC_EXTERN int mlc_policy_check(mlc_policy_report **out, const mlc_policy *p, mlc_store *s,
                                const mlc_policy_check_options *opts);
MLC_EXTERN void mlc_policy_report_free(mlc_policy_report *r);

/** JUnit XML: one testsuite per rule, one testcase per finding, a <failure>
 * with the evidence for each failure, <skipped/> for skipped ones. MLC_EIO. */
MLC_EXTERN int mlc_policy_report_junit(const mlc_policy_report *r, const char *suite, FILE *f);

#ifdef __cplusplus
}
#endif

#endif
