/* SPDX-License-Identifier: MIT */
/*
 * build_series.c - the report's views of cost over time: the forecast and
 * the anomalies of the daily cost, and each budget's status over the daily
 * cost of its scope (its filter as where clauses, from the first day with
 * cost to the as-of day), as `mlcost budget status` computes it, with the
 * days of the period so far for the burn-down.
 */
#include "report/build.h"

#include "util/alloc.h"
#include "util/error.h"

#include <stdio.h>
#include <string.h>

#define MAX_CLAUSES (MLC_BUDGET_MAX_FILTERS * MLC_BUDGET_MAX_VALUES)

int mlc_report__series(mlc_report *r)
{
	mlc_forecast_options fo = MLC_FORECAST_OPTIONS_INIT;
	mlc_anomaly_options ao = MLC_ANOMALY_OPTIONS_INIT;
	int rc;
	if (!r->has_days)
		return 0;
	if (r->in->horizon)
		fo.horizon = r->in->horizon > MLC_SERIES_MAX_HORIZON ? MLC_SERIES_MAX_HORIZON
		                                                     : r->in->horizon;
	else
		fo.horizon = MLC_REPORT_DEFAULT_HORIZON;
	if (r->daily.n >= MLC_FORECAST_MIN_DAYS &&
	    (rc = mlc_forecast_run(&r->forecast, &r->daily, &fo)))
		return rc;
	ao.min_impact = r->in->anomaly_min_impact;
	ao.min_pct = r->in->anomaly_min_pct;
	return mlc_anomaly_detect(&r->anomalies, &r->daily, &ao);
}

/* "KEY=VALUE" for every value of every filter (values of a key are alternatives) */
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
			int m = snprintf(*buf + used, len - used, "%s=%s", b->filters[i].key,
			                 b->filters[i].values[k]);
			w[(*n)++] = *buf + used;
			used += (size_t)m + 1;
		}
	return 0;
}

/* the daily cost of b's scope over [first_day, as_of], dense */
static int scope_series(mlc_series *s, mlc_report *r, const mlc_budget *b)
{
	const char *w[MAX_CLAUSES]; /* 8 KiB: the most clauses a budget can have */
	mlc_day_cost *pts = NULL;
	char *buf = NULL;
	size_t nw, n = 0;
	int rc;
	memset(s, 0, sizeof(*s));
	if ((rc = where_clauses(&buf, w, &nw, b)) ||
	    (rc = mlc_report__day_costs(&pts, &n, r, w, nw)))
		goto done;
	s->first_day = r->first_day;
	s->n = (size_t)(r->as_of - r->first_day + 1);
	if (!(s->values = mlcu_calloc(s->n, sizeof(double)))) {
		rc = mlcu_error_oom();
		goto done;
	}
	for (size_t i = 0; i < n; i++)
		if (pts[i].day >= r->first_day && pts[i].day <= r->as_of)
			s->values[pts[i].day - r->first_day] += mlc_amount_to_double(pts[i].cost);
done:
	mlcu_free(pts);
	mlcu_free(buf);
	return rc;
}

static int one_budget(mlc_report *r, size_t i)
{
	const mlc_budget *b = mlc_budgets_get(r->budgets, i);
	mlc_budget_status_options o = MLC_BUDGET_STATUS_OPTIONS_INIT;
	mlc_budget_status *st = &r->statuses[i];
	mlc_series s;
	int rc;
	if ((rc = scope_series(&s, r, b)))
		goto done;
	o.has_as_of = 1;
	o.as_of = r->as_of;
	if ((rc = mlc_budget_status_compute(st, b, &s, &o))) {
		mlcu_error_prefix("budget %s: ", b->name);
		goto done;
	}
	if (!(r->budget_days[i] = mlcu_calloc(st->days_elapsed + 1, sizeof(double)))) {
		rc = mlcu_error_oom();
		goto done;
	}
	for (unsigned k = 0; k < st->days_elapsed; k++) {
		int64_t day = st->period_start + k;
		if (day >= s.first_day && day < s.first_day + (int64_t)s.n)
			r->budget_days[i][k] = s.values[day - s.first_day];
	}
	r->rbudgets[i] = (mlc_report_budget){b, st, r->budget_days[i]};
done:
	mlc_series_clear(&s);
	return rc;
}

int mlc_report__budgets(mlc_report *r)
{
	size_t n;
	int rc;
	if (!r->in->budgets)
		return 0;
	if ((rc = mlc_budgets_load_file(&r->budgets, r->in->budgets)))
		return rc;
	if (!r->has_days)
		return mlc_report__add_note(r, "%s",
		                            "Budgets are left out: there is no cost to "
		                            "measure them against.");
	n = mlc_budgets_count(r->budgets);
	if (n > MLC_REPORT_MAX_ITEMS)
		return mlcu_error_set(MLC_ETOOLARGE, "report: more than %d budgets",
		                      MLC_REPORT_MAX_ITEMS);
	if (!(r->rbudgets = mlcu_calloc(n + 1, sizeof(*r->rbudgets))) ||
	    !(r->statuses = mlcu_calloc(n + 1, sizeof(*r->statuses))) ||
	    !(r->budget_days = mlcu_calloc(n + 1, sizeof(double *))))
		return mlcu_error_oom();
	r->nbudgets = n;
	for (size_t i = 0; i < n; i++)
		if ((rc = one_budget(r, i)))
			return rc;
	return 0;
}
