/* SPDX-License-Identifier: MIT */
/*
 * policy_store.c - what the policy checks and `mlcost budget status` read
 * from the cost ledger: the days the store covers and the status of a
 * budget over the daily cost of its scope. A budget's filter keys
 * ("tag:KEY", FOCUS columns) become the store's where clauses, with the
 * same meaning (values of one key are alternatives, keys must all hold).
 *
 * It is not a forecaster: mlc_budget_status_compute (series.h) is.
 */
#include "mlcost/policy.h"
#include "util/alloc.h"
#include "util/error.h"

#include <stdio.h>
#include <string.h>

#define DAY         86400
#define MAX_CLAUSES (MLC_BUDGET_MAX_FILTERS * MLC_BUDGET_MAX_VALUES)

MLC_EXTERN int mlc_policy_store_days(int64_t *out_first, int64_t *out_last, mlc_store *s,
                                     mlc_cost_basis basis)
{
	mlc_store_query q = MLC_STORE_QUERY_INIT;
	mlc_store_daily *d = NULL;
	int rc;
	q.basis = basis;
	if ((rc = mlc_store_daily_series(&d, s, &q)))
		return rc;
	if (!d->nseries || !d->ndays) {
		rc = mlcu_error_set(MLC_ENOTFOUND, "the store holds no cost");
		goto done;
	}
	*out_first = d->day0 / DAY;
	*out_last = *out_first + (int64_t)d->ndays - 1;
done:
	mlc_store_daily_free(d);
	return rc;
}

/* "KEY=VALUE" for every value of every filter, into one allocation. */
static int where_clauses(char **buf, const char **w, size_t *n, const mlc_budget *b)
{
	size_t len = 1, used = 0;
	*n = 0;
	for (size_t i = 0; i < b->nfilters; i++)
		for (size_t k = 0; k < b->filters[i].nvalues; k++)
			len += strlen(b->filters[i].key) + strlen(b->filters[i].values[k]) + 2;
	if (!(*buf = mlcu_malloc(len)))
		return mlcu_error_oom();
	for (size_t i = 0; i < b->nfilters; i++)
		for (size_t k = 0; k < b->filters[i].nvalues && *n < MAX_CLAUSES; k++) {
			w[(*n)++] = *buf + used;
			used += (size_t)sprintf(*buf + used, "%s=%s", b->filters[i].key,
			                        b->filters[i].values[k]) +
			        1;
		}
	return 0;
}

MLC_EXTERN int mlc_policy_budget_status(mlc_budget_status *out, mlc_store *s, const mlc_budget *b,
                                        mlc_cost_basis basis, int64_t first_day, int64_t as_of)
{
	const char *w[MAX_CLAUSES];
	mlc_store_query q = MLC_STORE_QUERY_INIT;
	mlc_budget_status_options o = MLC_BUDGET_STATUS_OPTIONS_INIT;
	mlc_store_daily *d = NULL;
	mlc_series ser = {0, 0, NULL};
	char *buf = NULL, from[16], to[16];
	int rc;
	if (as_of < first_day)
		return mlcu_error_set(MLC_EINVAL, "budget %s: as-of day before the first day",
		                      b->name);
	if ((rc = where_clauses(&buf, w, &q.nwhere, b)))
		return rc;
	mlc_series_day_format(from, sizeof(from), first_day);
	mlc_series_day_format(to, sizeof(to), as_of + 1);
	q.where = w;
	q.from = from;
	q.to = to;
	q.basis = basis;
	if ((rc = mlc_store_daily_series(&d, s, &q)))
		goto done;
	if (!(ser.values = mlcu_calloc((size_t)(as_of - first_day + 1), sizeof(double)))) {
		rc = mlcu_error_oom();
		goto done;
	}
	ser.first_day = first_day;
	ser.n = (size_t)(as_of - first_day + 1);
	for (size_t i = 0; i < d->ndays && d->total; i++) {
		int64_t day = d->day0 / DAY + (int64_t)i;
		if (day >= first_day && day <= as_of)
			ser.values[day - first_day] = mlc_amount_to_double(d->total[i]);
	}
	o.has_as_of = 1;
	o.as_of = as_of;
	if ((rc = mlc_budget_status_compute(out, b, &ser, &o)))
		mlcu_error_prefix("budget %s: ", b->name);
done:
	mlcu_free(ser.values);
	mlc_store_daily_free(d);
	mlcu_free(buf);
	return rc;
}
