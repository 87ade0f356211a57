/* SPDX-License-Identifier: MIT */
/*
 * policy_internal.h - the loaded form of a policy file (policy_load.c),
 * read by the checks (policy_check.c) and the report (policy_report.c).
 * Everything is owned by the policy; paths are already resolved against
 * the policy file's directory.
 */
#ifndef MLC_POLICY_INTERNAL_H
#define MLC_POLICY_INTERNAL_H

#include "mlcost/policy.h"

#include <stddef.h>

#define MLC_POLICY_MAX_PATH 4096

struct mlc_policy {
	char *name; /* the policy file, for messages */
	int has_tags;
	size_t nkeys;
	char *keys[MLC_POLICY_MAX_KEYS];
	double min_coverage_pct;
	int has_cost;
	int has_default;
	double cost_default;
	size_t nmodels;
	char **model_names;
	double *model_max;
	int has_budgets;
	char *budgets_file;
	int fail_on_forecast;
	int has_registry;
	char *registry_file;
	size_t nfields;
	char *fields[MLC_POLICY_MAX_FIELDS];
};

/* Add a finding with a printf message (bounded); 0 or MLC_ENOMEM / MLC_ETOOLARGE. */
typedef struct mlc_policy__findings mlc_policy__findings;
int mlc_policy__add(mlc_policy__findings *f, const char *rule, const char *subject,
                    mlc_policy_status st, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* The registry rule: one finding per entry of the manifest. */
int mlc_policy__check_registry(mlc_policy__findings *f, const mlc_policy *p);

#endif
