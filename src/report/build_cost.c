/* SPDX-License-Identifier: MIT */
/*
 * build_cost.c - the report's cost from the bills or the ledger store: the
 * daily cost of a scope (the whole bill, or a budget's filter), the as-of
 * day, cost by model and phase, tag coverage, and unit cost (bills with a
 * usage file). History (daily cost, budgets) comes from the store when
 * one is given, the rest from the bills when they are given: a store
 * keeps no ResourceId, and unit cost reads the bills.
 */
#include "report/build.h"

#include "util/alloc.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY 86400

int mlc_report__has_cost(const mlc_report *r)
{
	return r->in->nbills || r->store;
}

static void bills_opts(mlc_bills_options *o, const mlc_report *r)
{
	mlc_bills_options init = MLC_BILLS_OPTIONS_INIT;
	*o = init;
	o->to = r->to_text[0] ? r->to_text : NULL;
	o->bases = &r->basis;
	o->nbases = 1;
	o->aliases = r->in->aliases;
	o->lenient = r->in->lenient;
	o->threads = r->in->threads;
}

static int by_day(const void *a, const void *b)
{
	const mlc_day_cost *x = a, *y = b;
	return x->day < y->day ? -1 : x->day > y->day;
}

static int store_days(mlc_day_cost **out, size_t *n, mlc_report *r, const char *const *where,
                      size_t nwhere)
{
	mlc_store_query q = MLC_STORE_QUERY_INIT;
	mlc_store_daily *d = NULL;
	int rc;
	q.where = where;
	q.nwhere = nwhere;
	q.to = r->to_text[0] ? r->to_text : NULL;
	q.basis = r->basis;
	if ((rc = mlc_store_daily_series(&d, r->store, &q)))
		return rc;
	if (!(*out = mlcu_calloc(d->ndays + 1, sizeof(mlc_day_cost)))) {
		rc = mlcu_error_oom();
		goto done;
	}
	for (size_t i = 0; d->nseries && d->total && i < d->ndays; i++)
		(*out)[(*n)++] = (mlc_day_cost){d->day0 / DAY + (int64_t)i, d->total[i]};
done:
	mlc_store_daily_free(d);
	return rc;
}

static int bill_days(mlc_day_cost **out, size_t *n, mlc_report *r, const char *const *where,
                     size_t nwhere)
{
	mlc_bills_options o;
	mlc_bills_result *res = NULL;
	int rc;
	bills_opts(&o, r);
	o.bucket = MLC_BUCKET_DAY;
	o.where = where;
	o.nwhere = nwhere;
	if ((rc = mlc_bills_aggregate(&res, r->in->bills, r->in->nbills, &o)))
		return rc;
	if (!nwhere && res->rows_skipped &&
	    (rc = mlc_report__add_note(r, "%llu bad bill row%s skipped (--lenient); first: %s",
	                               (unsigned long long)res->rows_skipped,
	                               res->rows_skipped == 1 ? "" : "s",
	                               res->nerrors ? res->errors[0] : "")))
		goto done;
	if (!(*out = mlcu_calloc(res->ngroups + 1, sizeof(mlc_day_cost)))) {
		rc = mlcu_error_oom();
		goto done;
	}
	for (size_t i = 0; i < res->ngroups; i++)
		(*out)[(*n)++] =
		    (mlc_day_cost){res->groups[i].bucket / DAY, res->groups[i].cost[0]};
	qsort(*out, *n, sizeof(mlc_day_cost), by_day);
done:
	mlc_bills_result_free(res);
	return rc;
}

int mlc_report__day_costs(mlc_day_cost **out, size_t *n, mlc_report *r, const char *const *where,
                          size_t nwhere)
{
	int rc;
	*out = NULL;
	*n = 0;
	rc = r->store ? store_days(out, n, r, where, nwhere) : bill_days(out, n, r, where, nwhere);
	if (rc) {
		mlcu_free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

static int as_of(mlc_report *r)
{
	int64_t day;
	if (!r->in->as_of)
		return 0;
	if (mlc_series_day_parse(&day, r->in->as_of))
		return mlcu_error_set(MLC_EINVAL, "report: as-of '%s' is not a date YYYY-MM-DD",
		                      r->in->as_of);
	r->as_of = day;
	mlc_series_day_format(r->to_text, sizeof(r->to_text), day + 1);
	return 0;
}

int mlc_report__daily(mlc_report *r)
{
	mlc_day_cost *pts = NULL;
	size_t n = 0, ndays;
	int rc;
	if ((rc = as_of(r)) || (rc = mlc_report__day_costs(&pts, &n, r, NULL, 0)))
		return rc;
	if (!n && r->in->as_of) {
		rc = mlcu_error_set(MLC_EINVAL, "report: no cost on or before the as-of day %s",
		                    r->in->as_of);
		goto done;
	}
	if (!n) {
		rc = mlc_report__add_note(r, "%s", "The bills or the store hold no cost.");
		goto done;
	}
	r->first_day = pts[0].day;
	r->last_day = pts[n - 1].day;
	if (!r->in->as_of)
		r->as_of = r->last_day;
	if (r->as_of < r->first_day) {
		rc = mlcu_error_set(MLC_EINVAL, "report: as-of day before the first day with cost");
		goto done;
	}
	if (r->as_of - r->first_day >= MLC_SERIES_MAX_DAYS) {
		rc = mlcu_error_set(MLC_ETOOLARGE, "report: more than %d days of cost",
		                    MLC_SERIES_MAX_DAYS);
		goto done;
	}
	ndays = (size_t)(r->as_of - r->first_day + 1);
	if (!(r->daily.values = mlcu_calloc(ndays, sizeof(double))) ||
	    !(r->daily_exact = mlcu_calloc(ndays, sizeof(mlc_amount)))) {
		rc = mlcu_error_oom();
		goto done;
	}
	r->daily.first_day = r->first_day;
	r->daily.n = ndays;
	for (size_t i = 0; i < n; i++) {
		size_t k = (size_t)(pts[i].day - r->first_day);
		if ((rc = mlc_amount_add(&r->daily_exact[k], pts[i].cost)))
			goto done;
		r->daily.values[k] = mlc_amount_to_double(r->daily_exact[k]);
	}
	r->has_days = 1;
done:
	mlcu_free(pts);
	return rc;
}

int mlc_report__by_model(mlc_report *r)
{
	char model[96], phase[96];
	const char *by[2] = {model, phase};
	mlc_bills_options o;
	snprintf(model, sizeof(model), "tag:%s", r->model_tag);
	snprintf(phase, sizeof(phase), "tag:%s", r->phase_tag);
	bills_opts(&o, r);
	o.by = by;
	o.nby = 2;
	if (r->in->nbills)
		return mlc_bills_aggregate(&r->by_model, r->in->bills, r->in->nbills, &o);
	return mlc_ledger_aggregate(&r->by_model, r->store, &o);
}

int mlc_report__coverage(mlc_report *r)
{
	char keys[MLC_COVERAGE_MAX_KEYS][96];
	const char *presence[MLC_COVERAGE_MAX_KEYS], *by[1] = {"ServiceName"};
	mlc_bills_options o;
	mlc_bills_result *g = NULL;
	int rc;
	bills_opts(&o, r);
	if (r->in->nbills)
		return mlc_bills_coverage(&r->coverage, r->in->bills, r->in->nbills, r->keys,
		                          r->nkeys, &o);
	for (size_t i = 0; i < r->nkeys; i++) {
		snprintf(keys[i], sizeof(keys[i]), "%s%s",
		         strncmp(r->keys[i], "tag:", 4) ? "tag:" : "", r->keys[i]);
		presence[i] = keys[i];
	}
	o.by = by;
	o.nby = 1;
	o.presence = presence;
	o.npresence = r->nkeys;
	if ((rc = mlc_ledger_aggregate(&g, r->store, &o)))
		return rc;
	rc = mlc_report__coverage_from_groups(&r->own_coverage, g, r->keys, r->nkeys);
	mlc_bills_result_free(g);
	return rc;
}

int mlc_report__unit(mlc_report *r)
{
	mlc_unit_options o = MLC_UNIT_OPTIONS_INIT;
	int rc;
	if (!r->in->usage || !r->in->nbills)
		return 0;
	o.bucket = MLC_BUCKET_DAY;
	o.basis = r->basis;
	o.model_tag = r->model_tag;
	o.phase_tag = r->phase_tag;
	o.retrain_every = r->in->retrain_every;
	o.aliases = r->in->aliases;
	o.lenient = r->in->lenient;
	o.threads = r->in->threads;
	if ((rc = mlc_unit_run(&r->unit, r->in->bills, r->in->nbills, r->in->usage, &o)))
		return rc;
	if (r->in->as_of)
		rc = mlc_report__add_note(r, "%s",
		                          "Cost per 1,000 predictions covers every day of "
		                          "the bills and the usage file, not only those up "
		                          "to the as-of day.");
	return rc;
}
