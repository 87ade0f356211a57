/* SPDX-License-Identifier: MIT */
/*
 * policy_internal.h - the loaded form of a policy file (policy_load.c),
 * read by the checks (policy_check.c) and the report (policy_report.c);
 * the measured cost per 1k of deployed models (policy_usage.c).
 * Everything is owned by the policy; paths are already resolved against
 * the policy file's directory.
 */
#ifndef MLC_POLICY_INTERNAL_H
#define MLC_POLICY_INTERNAL_H

#include "mlcost/policy.h"

#include <stddef.h>
#include <stdint.h>

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

/* Cost per 1k of deployed models, measured from the store and a usage CSV
 * over the usage window (policy_usage.c). */
typedef struct mlc_policy__model_cost {
	char *model;
	mlc_amount cost;   /* in the window */
	uint64_t requests; /* in the window */
	int has_cost;      /* the store has cost for it in the window */
} mlc_policy__model_cost;

typedef struct mlc_policy__measured {
	mlc_policy__model_cost *models; /* by model name */
	size_t n;                       /* 0 when no day has requests */
	int64_t first, last;            /* the window: first and last day with requests */
	char *currency;                 /* of the store's cost, or NULL */
} mlc_policy__measured;

int mlc_policy__measure(mlc_policy__measured *out, mlc_store *s, const char *usage,
                        mlc_cost_basis basis);
void mlc_policy__measured_free(mlc_policy__measured *m);
/* The model's entry, or NULL. */
const mlc_policy__model_cost *mlc_policy__measured_find(const mlc_policy__measured *m,
                                                        const char *model);

/* The registry rule: one finding per entry of the manifest. */
int mlc_policy__check_registry(mlc_policy__findings *f, const mlc_policy *p);

#endif
