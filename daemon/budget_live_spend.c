/* SPDX-License-Identifier: MIT */
/*
 * budget_live_spend.c - what a budget has spent in its current period,
 * from the engine's in-memory totals: one lookup per value for a budget
 * on one field (the common `model: X` budget), a filtered total for the
 * rest. See budget_live.h.
 */
#include "budget_live.h"
#include "serve_error.h"

#include <stdio.h>
#include <string.h>

/* Spend of a budget filtering on at most one field, without "" values. */
static int spend_simple(mlc_amount *out, mlcd_engine *e, const mlcd_budget_set *bs, size_t i,
                        int dim, int64_t from, int64_t to)
{
	const char *const *vals;
	size_t n, j;
	int rc;
	memset(out, 0, sizeof(*out));
	if (dim < 0) /* no filter: everything metered */
		return mlcd_engine_spend(out, e, MLCD_DIM_MODEL, NULL, from, to);
	vals = mlcd_budget_values(bs, i, (mlcd_dim)dim, &n);
	for (j = 0; j < n; j++) {
		mlc_amount one;
		if ((rc = mlcd_engine_spend(&one, e, (mlcd_dim)dim, vals[j], from, to)) != 0 ||
		    (rc = mlc_amount_add(out, one)) != 0)
			return rc;
	}
	return 0;
}

static int spend_filtered(mlc_amount *out, mlcd_engine *e, const mlcd_budget_set *bs, size_t i,
                          int64_t from, int64_t to)
{
	mlcd_cost_query q;
	mlcd_cost_rows *rows = NULL;
	int d, rc;
	memset(&q, 0, sizeof(q));
	q.from = from, q.to = to;
	for (d = 0; d < MLCD_DIM_COUNT; d++)
		q.only[d] = mlcd_budget_values(bs, i, (mlcd_dim)d, &q.nonly[d]);
	if ((rc = mlcd_engine_costs(&rows, e, &q)) != 0)
		return rc;
	*out = rows->total.cost;
	mlcd_cost_rows_free(rows);
	return 0;
}

static int amount_of(mlc_amount *out, double v)
{
	char t[64];
	/* %.15g gives back the decimal the YAML held (amounts have at most 15 digits) */
	snprintf(t, sizeof(t), "%.15g", v);
	return mlc_amount_parse(out, t, strlen(t));
}

int mlcd_budget_use_get(mlcd_budget_use *out, const mlcd_budget_set *bs, size_t i, mlcd_engine *e,
                        int64_t now)
{
	const mlc_budget *b = mlcd_budget_set_get(bs, i);
	int d, dim = -1, nd = 0, missing = 0, rc;
	memset(out, 0, sizeof(*out));
	mlcd_budget_period(&out->start, &out->end, b->period, now);
	for (d = 0; d < MLCD_DIM_COUNT; d++) {
		size_t n, j;
		const char *const *v = mlcd_budget_values(bs, i, (mlcd_dim)d, &n);
		if (!v)
			continue;
		nd++, dim = d;
		for (j = 0; j < n; j++)
			missing |= !v[j];
	}
	if (nd <= 1 && !missing)
		rc = spend_simple(&out->used, e, bs, i, dim, out->start, out->end);
	else
		rc = spend_filtered(&out->used, e, bs, i, out->start, out->end);
	if (rc)
		return mlcd_error_set(rc, "%s", mlcd_engine_error());
	if ((rc = amount_of(&out->amount, b->amount)) != 0)
		return mlcd_error_lib(rc);
	out->ratio = mlc_amount_to_double(out->used) / b->amount;
	out->allow = mlc_amount_cmp(out->used, out->amount) < 0;
	return 0;
}
