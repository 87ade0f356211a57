/* SPDX-License-Identifier: MIT */
/*
 * store/daily.c - daily cost series per group, for forecasts, anomaly
 * detection and budgets. The database groups and sums (exactly: NUMERIC
 * in PostgreSQL, mlc_sum in SQLite) by group and UTC day; this file turns
 * the rows into dense series over one common range of days, zero where
 * nothing was billed, sorted by group values the way bills.h sorts them
 * (missing first, then bytewise, whatever the database's collation).
 *
 * What it is not: the statistics done on the series.
 */
#include "store/store_internal.h"
#include "util/sort.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/time.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_SERIES 1000000
#define MAX_CELLS  ((size_t)1 << 24)

typedef struct point {
	int64_t day;
	mlc_amount cost;
} point;

typedef struct group {
	char *values[MLC_STORE_MAX_BY];
	size_t first_point, npoints;
	uint64_t rows;
} group;

typedef struct daily_impl {
	mlc_store_daily pub; /* first: the public pointer is this one */
	group *groups;
	mlc_store_series *series;
	mlc_amount *cells, *total;
	point *points;
	size_t npoints, cap_points, ngroups, cap_groups, nby;
	char *currency;
	int several_currencies, by_currency;
	int64_t min_day, max_day;
} daily_impl;

void mlc_store_daily_free(mlc_store_daily *pub)
{
	daily_impl *d = (daily_impl *)pub;
	if (!d)
		return;
	for (size_t g = 0; g < d->ngroups; g++)
		for (size_t i = 0; i < d->nby; i++)
			mlcu_free(d->groups[g].values[i]);
	mlcu_free(d->groups);
	mlcu_free(d->series);
	mlcu_free(d->cells);
	mlcu_free(d->total);
	mlcu_free(d->points);
	mlcu_free(d->currency);
	mlcu_free(d);
}

static int same_text(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int note_currency(daily_impl *d, const char *cur)
{
	/* a slice without a currency does not conflict with one that has it */
	if (!cur || (d->currency && strcmp(d->currency, cur) == 0))
		return 0;
	if (!d->currency)
		return (d->currency = mlcu_strdup(cur)) ? 0 : mlcu_error_oom();
	if (!d->by_currency)
		return mlcu_error_set(
		    MLC_EPARSE,
		    "store: the records are in several currencies (%s, %s): group "
		    "by BillingCurrency or filter with BillingCurrency=...",
		    d->currency, cur);
	d->several_currencies = 1;
	return 0;
}

static int new_group(daily_impl *d, const char *const *values)
{
	group *g;
	if (d->ngroups == MAX_SERIES)
		return mlcu_error_set(MLC_ETOOLARGE, "store: more than %d series", MAX_SERIES);
	if (d->ngroups == d->cap_groups) {
		size_t cap = d->cap_groups ? 2 * d->cap_groups : 64;
		group *n = mlcu_reallocarray(d->groups, cap, sizeof(*n));
		if (!n)
			return mlcu_error_oom();
		d->groups = n, d->cap_groups = cap;
	}
	g = &d->groups[d->ngroups++];
	memset(g, 0, sizeof(*g));
	g->first_point = d->npoints;
	for (size_t i = 0; i < d->nby; i++)
		if (values[i] && !(g->values[i] = mlcu_strdup(values[i])))
			return mlcu_error_oom();
	return 0;
}

static int add_point(daily_impl *d, int64_t day, mlc_amount cost)
{
	if (d->npoints == d->cap_points) {
		size_t cap = d->cap_points ? 2 * d->cap_points : 256;
		point *n = mlcu_reallocarray(d->points, cap, sizeof(*n));
		if (!n)
			return mlcu_error_oom();
		d->points = n, d->cap_points = cap;
	}
	d->points[d->npoints++] = (point){day, cost};
	if (d->npoints == 1 || day < d->min_day)
		d->min_day = day;
	if (d->npoints == 1 || day > d->max_day)
		d->max_day = day;
	return 0;
}

/* One row: currency, by values..., day, sum, rows. */
static int daily_row(void *ctx, const char *const *col, size_t ncol)
{
	daily_impl *d = ctx;
	const char *const *values = col + 1;
	group *last = d->ngroups ? &d->groups[d->ngroups - 1] : NULL;
	int64_t day, rows;
	mlc_amount cost;
	int rc, same = last != NULL;
	if (ncol != d->nby + 4)
		return mlcu_error_set(MLC_ERROR, "store: daily query returned %zu columns", ncol);
	if ((rc = note_currency(d, col[0])) < 0 ||
	    (rc = mlc_store__int(&day, col[d->nby + 1], "day")) < 0 ||
	    (rc = mlc_store__amount(&cost, col[d->nby + 2], "daily sum")) < 0 ||
	    (rc = mlc_store__int(&rows, col[d->nby + 3], "rows")) < 0)
		return rc;
	for (size_t i = 0; same && i < d->nby; i++)
		same = same_text(last->values[i], values[i]);
	if (!same && (rc = new_group(d, values)) < 0)
		return rc;
	last = &d->groups[d->ngroups - 1];
	/* one day may come in several rows (one per currency) */
	if (last->npoints && d->points[d->npoints - 1].day == day * 86400) {
		if ((rc = mlc_amount_add(&d->points[d->npoints - 1].cost, cost)) < 0)
			return rc;
	} else {
		if ((rc = add_point(d, day * 86400, cost)) < 0)
			return rc;
		last->npoints++;
	}
	last->rows += (uint64_t)rows;
	return 0;
}

static int cmp_text(const char *a, const char *b)
{
	if (!a || !b)
		return !a && !b ? 0 : !a ? -1 : 1;
	return strcmp(a, b); /* bytewise: strcmp compares as unsigned char */
}

static _Thread_local size_t sort_nby; /* the comparator's width, set before qsort */

static int cmp_group(const void *x, const void *y)
{
	const group *a = x, *b = y;
	for (size_t i = 0; i < sort_nby; i++) {
		int c = cmp_text(a->values[i], b->values[i]);
		if (c)
			return c;
	}
	return 0;
}

/* The range of days: [from, to) when given, else the days with data. */
static int day_range(daily_impl *d, const mlc_store_query *q)
{
	int64_t from = d->min_day, to = d->max_day + 86400, t;
	if (q->from && mlcu_time_parse(&t, q->from, strlen(q->from)) == 0)
		from = t - (t % 86400 + 86400) % 86400;
	if (q->to && mlcu_time_parse(&t, q->to, strlen(q->to)) == 0)
		to = t - (t % 86400 + 86400) % 86400 + (t % 86400 ? 86400 : 0);
	if (d->npoints == 0 && (!q->from || !q->to))
		from = to = 0;
	if (to < from)
		to = from;
	d->pub.day0 = from;
	d->pub.ndays = (size_t)((to - from) / 86400);
	if (d->ngroups && d->pub.ndays > MAX_CELLS / d->ngroups)
		return mlcu_error_set(MLC_ETOOLARGE, "store: %zu series of %zu days is too many",
		                      d->ngroups, d->pub.ndays);
	return 0;
}

static int densify(daily_impl *d)
{
	size_t nd = d->pub.ndays;
	d->series = mlcu_calloc(d->ngroups ? d->ngroups : 1, sizeof(*d->series));
	d->cells = mlcu_calloc(d->ngroups && nd ? d->ngroups * nd : 1, sizeof(mlc_amount));
	d->total = mlcu_calloc(nd ? nd : 1, sizeof(mlc_amount));
	if (!d->series || !d->cells || !d->total)
		return mlcu_error_oom();
	for (size_t g = 0; g < d->ngroups; g++) {
		group *gr = &d->groups[g];
		mlc_store_series *s = &d->series[g];
		mlc_amount *cost = d->cells + g * nd;
		int any = 0;
		s->values = (const char *const *)gr->values;
		s->cost = cost;
		s->rows = gr->rows;
		for (size_t p = gr->first_point; p < gr->first_point + gr->npoints; p++) {
			int64_t i = (d->points[p].day - d->pub.day0) / 86400;
			if (i < 0 || (size_t)i >= nd)
				continue;
			cost[i] = d->points[p].cost;
			if (mlc_amount_add(&d->total[i], cost[i]) < 0)
				return MLC_ETOOLARGE;
			if (!any++)
				s->first = (size_t)i;
			s->last = (size_t)i;
		}
	}
	return 0;
}

static int by_currency(const mlc_store_query *q)
{
	for (size_t i = 0; i < q->nby; i++)
		if (strcasecmp(q->by[i], "BillingCurrency") == 0)
			return 1;
	return 0;
}

int mlc_store_daily_series(mlc_store_daily **out, mlc_store *s, const mlc_store_query *q)
{
	mlc_store__sql sql;
	daily_impl *d = NULL;
	int rc;
	*out = NULL;
	if (q->version != MLC_STORE_QUERY_VERSION)
		return mlcu_error_set(MLC_EINVAL, "store: unknown query version %u", q->version);
	if ((rc = mlc_store__sql_daily(&sql, s->ops->sql, q)) < 0)
		return rc;
	if (!(d = mlcu_calloc(1, sizeof(*d)))) {
		rc = mlcu_error_oom();
		goto done;
	}
	d->nby = d->pub.nby = q->nby;
	d->pub.basis = q->basis;
	d->by_currency = by_currency(q);
	rc = s->ops->query(s->be, sql.text.ptr, 0, (const char *const *)sql.param, sql.np,
	                   daily_row, d);
	if (rc == 0) {
		sort_nby = d->nby;
		if (d->ngroups > 1)
			mlcu_qsort(d->groups, d->ngroups, sizeof(*d->groups), cmp_group);
		rc = day_range(d, q);
	}
	if (rc == 0 && (rc = densify(d)) == 0) {
		d->pub.currency = d->several_currencies ? NULL : d->currency;
		d->pub.series = d->series;
		d->pub.nseries = d->ngroups;
		d->pub.total = d->total;
	}
done:
	mlc_store__sql_free(&sql);
	if (rc < 0)
		mlc_store_daily_free(d ? &d->pub : NULL);
	else
		*out = &d->pub;
	return rc;
}
