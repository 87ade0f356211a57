/* SPDX-License-Identifier: MIT */
/*
 * policy_usage.c - the cost per 1,000 requests of deployed models, for the
 * max_cost_per_1k rule of `mlcost check --usage`: the ledger's cost by tag
 * model_id per day joined with a usage CSV (mlc_ledger_unit, the very
 * computation of `mlcost unit` from the store), summed per model over the
 * usage window - the days from the first to the last that have requests
 * in the file. Cost outside the window is left out: the file says nothing
 * about the requests of those days, and counting their cost would make a
 * store with a longer history than the usage file look expensive. Inside
 * the window, a day with cost and no requests counts (cost per request is
 * cost over what was served).
 *
 * What it is not: the rule's verdicts (policy_check.c) or the join and
 * the exact division (unitcost*.c).
 */
#include "policy_internal.h"
#include "mlcost/ledger.h"
#include "util/alloc.h"
#include "util/error.h"

#include <stdint.h>
#include <string.h>

void mlc_policy__measured_free(mlc_policy__measured *m)
{
	for (size_t i = 0; i < m->n; i++)
		mlcu_free(m->models[i].model);
	mlcu_free(m->models);
	mlcu_free(m->currency);
	memset(m, 0, sizeof(*m));
}

const mlc_policy__model_cost *mlc_policy__measured_find(const mlc_policy__measured *m,
                                                        const char *model)
{
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->models[i].model, model))
			return &m->models[i];
	return NULL;
}

/* The first and last day with requests in the usage file (rows with no
 * usage have none); 0 when no row has any. */
static int window(int64_t *first, int64_t *last, const mlc_unit_result *u)
{
	int any = 0;
	for (size_t i = 0; i < u->nrows; i++) {
		const mlc_unit_row *w = &u->rows[i];
		if (!w->requests)
			continue;
		if (!any || w->period < *first)
			*first = w->period;
		if (!any || w->period > *last)
			*last = w->period;
		any = 1;
	}
	return any;
}

/* Per model (rows come sorted by model), the window's cost and requests. */
static int sum_models(mlc_policy__measured *m, const mlc_unit_result *u)
{
	mlc_policy__model_cost *cur = NULL;
	if (!(m->models = mlcu_calloc(u->nmodels + 1, sizeof(*m->models))))
		return mlcu_error_oom();
	for (size_t i = 0; i < u->nrows; i++) {
		const mlc_unit_row *w = &u->rows[i];
		if (!w->model || w->period < m->first || w->period > m->last)
			continue; /* untagged cost has no model to judge */
		if (!cur || strcmp(cur->model, w->model)) {
			cur = &m->models[m->n];
			if (!(cur->model = mlcu_strdup(w->model)))
				return mlcu_error_oom();
			m->n++;
		}
		if (mlc_amount_add(&cur->cost, w->cost) < 0 ||
		    __builtin_add_overflow(cur->requests, w->requests, &cur->requests))
			return mlcu_error_set(MLC_ETOOLARGE, "cost per 1k: a sum overflows");
		cur->has_cost |= !(w->flags & MLC_UNIT_NO_COST);
	}
	return 0;
}

int mlc_policy__measure(mlc_policy__measured *out, mlc_store *s, const char *usage,
                        mlc_cost_basis basis)
{
	mlc_unit_options uo = MLC_UNIT_OPTIONS_INIT;
	mlc_unit_result *u = NULL;
	int rc;
	memset(out, 0, sizeof(*out));
	uo.basis = basis;
	uo.bucket = MLC_BUCKET_DAY;
	if ((rc = mlc_ledger_unit(&u, s, usage, &uo)) != 0)
		return rc;
	if (u->currency && !(out->currency = mlcu_strdup(u->currency)))
		rc = mlcu_error_oom();
	else if (window(&out->first, &out->last, u))
		rc = sum_models(out, u);
	mlc_unit_result_free(u);
	if (rc)
		mlc_policy__measured_free(out);
	return rc;
}
