/* SPDX-License-Identifier: MIT */
/*
 * sec_meter.c - what the metering server counted (mlc_report_data.meter,
 * the dashboard of `mlcost serve`): the cost per model and day as stacked
 * bars, and the cost per 1,000 requests per model and day as lines. The
 * tables carry the exact sums of GET /v1/costs (group_by=model,day), with
 * cost per request and per 1,000 rounded half-even at the 12th decimal as
 * that endpoint rounds, and a row per model over the whole window ("all").
 *
 * What it is not: a reader of events or of the server; the caller totals.
 */
#include "report/chart.h"
#include "report/section.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/money.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SERIES 8 /* palette colours: the 8th is "other" when there are more models */
#define NO_MODEL   "(no model)"

typedef struct mmodel {
	const char *name; /* NULL: no model */
	mlc_amount cost;
	uint64_t requests, events;
	size_t slot; /* series of the bars (MAX_SERIES - 1 = "other") */
} mmodel;

typedef struct meter_view {
	int64_t first, last; /* the days drawn */
	size_t ndays;
	mmodel *models; /* by name (NULL first) */
	size_t nmodels;
	mlc_amount cost;
	uint64_t requests, events;
} meter_view;

static int name_cmp(const char *a, const char *b)
{
	if (!a || !b)
		return a ? 1 : b ? -1 : 0;
	return strcmp(a, b);
}

static int by_name(const void *a, const void *b)
{
	return name_cmp(((const mmodel *)a)->name, ((const mmodel *)b)->name);
}

static int by_cost(const void *a, const void *b)
{
	const mmodel *x = a, *y = b;
	int c = mlc_amount_cmp(y->cost, x->cost);
	return c ? c : name_cmp(x->name, y->name);
}

static mmodel *find(const meter_view *v, const char *name)
{
	mmodel probe = {name, {0, 0}, 0, 0, 0};
	return bsearch(&probe, v->models, v->nmodels, sizeof(mmodel), by_name);
}

/* cost * scale / n, half-even at the 12th decimal (as GET /v1/costs rounds) */
static mlc_amount per(mlc_amount cost, unsigned scale, uint64_t n)
{
	unsigned __int128 u = ((unsigned __int128)(uint64_t)cost.hi << 64) | cost.lo;
	mlcu_money v = (mlcu_money)u * scale;
	unsigned __int128 mag = v < 0 ? (unsigned __int128)0 - (unsigned __int128)v
	                              : (unsigned __int128)v,
	                  q = mag / n, r = mag % n;
	mlc_amount a;
	if (2 * r > n || (2 * r == n && (q & 1)))
		q++;
	u = v < 0 ? (unsigned __int128)0 - q : q;
	a.hi = (int64_t)(uint64_t)(u >> 64);
	a.lo = (uint64_t)u;
	return a;
}

/* The models (with their totals over every row) and the days drawn. */
static int view(meter_view *v, const mlc_report_data *d)
{
	size_t u = 0;
	memset(v, 0, sizeof(*v));
	if (!(v->models = mlcu_calloc(d->nmeter, sizeof(mmodel))))
		return mlcu_error_oom();
	v->first = INT64_MAX, v->last = INT64_MIN;
	for (size_t i = 0; i < d->nmeter; i++) {
		const mlc_report_meter_row *r = &d->meter[i];
		v->first = r->day < v->first ? r->day : v->first;
		v->last = r->day > v->last ? r->day : v->last;
		v->models[i] = (mmodel){r->model, r->cost, r->requests, r->events, 0};
	}
	qsort(v->models, d->nmeter, sizeof(mmodel), by_name);
	for (size_t i = 0; i < d->nmeter; i++) {
		mmodel *m = &v->models[i];
		if (u && !name_cmp(v->models[u - 1].name, m->name)) {
			if (mlc_amount_add(&v->models[u - 1].cost, m->cost))
				return mlcu_error_set(MLC_ETOOLARGE,
				                      "report: metered cost overflows");
			v->models[u - 1].requests += m->requests;
			v->models[u - 1].events += m->events;
		} else {
			v->models[u++] = *m;
		}
	}
	v->nmodels = u;
	for (size_t i = 0; i < u; i++) {
		if (mlc_amount_add(&v->cost, v->models[i].cost))
			return mlcu_error_set(MLC_ETOOLARGE, "report: metered cost overflows");
		v->requests += v->models[i].requests, v->events += v->models[i].events;
	}
	if (d->has_as_of && d->as_of >= v->first)
		v->last = d->as_of;
	if (v->last - v->first >= MLC_SERIES_MAX_DAYS)
		return mlcu_error_set(MLC_ETOOLARGE, "report: metered cost over more than %d days",
		                      MLC_SERIES_MAX_DAYS);
	v->ndays = (size_t)(v->last - v->first + 1);
	/* series by cost: the largest get their own colour, the rest share "other" */
	qsort(v->models, u, sizeof(mmodel), by_cost);
	for (size_t i = 0; i < u; i++)
		v->models[i].slot = u > MAX_SERIES && i >= MAX_SERIES - 1 ? MAX_SERIES - 1 : i;
	qsort(v->models, u, sizeof(mmodel), by_name);
	return 0;
}

static size_t nseries(const meter_view *v)
{
	return v->nmodels > MAX_SERIES ? MAX_SERIES : v->nmodels;
}

/* the series' names in slot order */
static void series_names(const char **names, unsigned *colors, const meter_view *v)
{
	for (size_t i = 0; i < v->nmodels; i++) {
		const mmodel *m = &v->models[i];
		names[m->slot] = v->nmodels > MAX_SERIES && m->slot == MAX_SERIES - 1
		                     ? "other models"
		                     : (m->name ? m->name : NO_MODEL);
		colors[m->slot] = (unsigned)m->slot + 1;
	}
}

static int cost_table(mlc_rtable *t, const mlc_report_data *d, const char *cur)
{
	static const char *const cols[] = {"day|d", "model", "cost|m", "requests|c", "events|c"};
	int rc = mlc_rtable__init(t, cur, cols, sizeof(cols) / sizeof(cols[0]));
	for (size_t i = 0; !rc && i < d->nmeter; i++) {
		const mlc_report_meter_row *r = &d->meter[i];
		mlc_cell *c = mlc_rtable__row(t);
		if (!c)
			return mlc_error_code();
		mlc_cell__day(&c[0], r->day);
		mlc_cell__text(&c[1], r->model, NO_MODEL);
		mlc_cell__amount(&c[2], r->cost);
		mlc_cell__num(&c[3], (double)r->requests);
		mlc_cell__num(&c[4], (double)r->events);
	}
	return rc;
}

static int cost_chart(mlc_section *sec, const mlc_report_model *m, const meter_view *v)
{
	const char *names[MAX_SERIES], **cats = NULL;
	unsigned colors[MAX_SERIES];
	char(*labels)[MLC_RFMT_MAX] = NULL;
	double *vals = NULL;
	size_t ns = nseries(v);
	mlc_bars_spec b;
	mlc_svg s;
	int rc = 0;
	vals = mlcu_calloc(ns * v->ndays, sizeof(double));
	cats = mlcu_calloc(v->ndays, sizeof(*cats));
	labels = mlcu_calloc(v->ndays, sizeof(*labels));
	if (!vals || !cats || !labels) {
		rc = mlcu_error_oom();
		goto done;
	}
	series_names(names, colors, v);
	for (size_t i = 0; i < v->ndays; i++) {
		mlc_rfmt__day(labels[i], sizeof(labels[i]), v->first + (int64_t)i, 0);
		cats[i] = labels[i];
	}
	for (size_t i = 0; i < m->d->nmeter; i++) {
		const mlc_report_meter_row *r = &m->d->meter[i];
		if (r->day <= v->last)
			vals[find(v, r->model)->slot * v->ndays + (size_t)(r->day - v->first)] +=
			    mlc_amount_to_double(r->cost);
	}
	memset(&b, 0, sizeof(b));
	b.c = (mlc_chart){"chart-metered-cost",
	                  "Metered cost per model and day",
	                  sec->lead,
	                  m->currency,
	                  0,
	                  0,
	                  0};
	b.vk = MLC_VK_MONEY;
	b.ncats = v->ndays, b.cats = cats;
	b.nseries = ns, b.names = names, b.colors = colors, b.values = vals;
	/* a day label is ~45 px wide: name one day in k so that they do not touch */
	b.label_every = (size_t)ceil((double)v->ndays * 52.0 / (MLC_CHART_W - 80.0));
	mlc_svg__init(&s, &sec->svg);
	if (!(rc = mlc_chart__bars(&s, &b)))
		mlc_report__marks(sec, &s);
done:
	mlcu_free(vals);
	mlcu_free(cats);
	mlcu_free(labels);
	return rc;
}

static int cost_section(mlc_report_model *m, const meter_view *v)
{
	char total[MLC_RFMT_MAX], top[MLC_RFMT_MAX], d1[MLC_RFMT_MAX], d2[MLC_RFMT_MAX];
	const mmodel *big = NULL;
	mlc_section *sec;
	int rc;
	if (!(sec =
	          mlc_report__section(m, "metered-cost", "Metered cost per model and day", "bars")))
		return mlc_error_code();
	for (size_t i = 0; i < v->nmodels; i++)
		if (!big || mlc_amount_cmp(v->models[i].cost, big->cost) > 0)
			big = &v->models[i];
	mlc_rfmt__money(total, sizeof(total), mlc_amount_to_double(v->cost), m->currency);
	mlc_rfmt__money(top, sizeof(top), mlc_amount_to_double(big->cost), m->currency);
	mlc_rfmt__day(d1, sizeof(d1), v->first, 1);
	mlc_rfmt__day(d2, sizeof(d2), v->last, 1);
	if ((rc = mlc_report__lead(sec,
	                           "From %s to %s, %llu metered events cost %s across %zu "
	                           "model%s; the largest is %s at %s.",
	                           d1, d2, (unsigned long long)v->events, total, v->nmodels,
	                           v->nmodels == 1 ? "" : "s", big->name ? big->name : NO_MODEL,
	                           top)))
		return rc;
	if ((rc = cost_chart(sec, m, v)))
		return rc;
	return cost_table(&sec->table, m->d, m->currency);
}

static int unit_row(mlc_rtable *t, const char *model, int has_day, int64_t day, mlc_amount cost,
                    uint64_t requests)
{
	mlc_cell *c = mlc_rtable__row(t);
	if (!c)
		return mlc_error_code();
	mlc_cell__text(&c[0], model, NO_MODEL);
	mlc_cell__day(&c[1], day);
	if (!has_day)
		c[1].null = 1, c[1].disp = "all";
	mlc_cell__amount(&c[2], cost);
	mlc_cell__num(&c[3], (double)requests);
	if (!requests) {
		c[4].null = c[5].null = 1;
		c[4].disp = c[5].disp = "no requests";
	} else {
		mlc_cell__amount(&c[4], per(cost, 1, requests));
		mlc_cell__amount(&c[5], per(cost, 1000, requests));
	}
	return 0;
}

static int unit_table(mlc_rtable *t, const mlc_report_data *d, const meter_view *v, const char *cur)
{
	static const char *const cols[] = {"model",      "day|d",         "cost|m",
	                                   "requests|c", "per_request|u", "per_1k|u"};
	int rc = mlc_rtable__init(t, cur, cols, sizeof(cols) / sizeof(cols[0]));
	for (size_t i = 0; !rc && i < d->nmeter; i++)
		rc = unit_row(t, d->meter[i].model, 1, d->meter[i].day, d->meter[i].cost,
		              d->meter[i].requests);
	for (size_t i = 0; !rc && i < v->nmodels; i++)
		rc = unit_row(t, v->models[i].name, 0, 0, v->models[i].cost, v->models[i].requests);
	return rc;
}

/* a line per model (the largest MAX_SERIES with requests), NaN on days without requests */
static int unit_chart(mlc_section *sec, const mlc_report_model *m, const meter_view *v)
{
	const char *names[MAX_SERIES];
	unsigned colors[MAX_SERIES];
	const mmodel *pick[MAX_SERIES];
	double *vals = NULL, lim;
	size_t n = 0;
	mlc_lines_spec l;
	mlc_svg s;
	int rc;
	for (size_t i = 0; i < v->nmodels; i++) {
		const mmodel *x = &v->models[i];
		int other = v->nmodels > MAX_SERIES && x->slot == MAX_SERIES - 1;
		if (x->requests && !other && n < MAX_SERIES)
			pick[n++] = x;
	}
	if (!n)
		return 0;
	if (!(vals = mlcu_calloc(n * v->ndays, sizeof(double))))
		return mlcu_error_oom();
	for (size_t i = 0; i < n * v->ndays; i++)
		vals[i] = NAN;
	for (size_t k = 0; k < n; k++) {
		names[k] = pick[k]->name ? pick[k]->name : NO_MODEL;
		colors[k] = (unsigned)pick[k]->slot + 1; /* the same colour as in the bars */
		for (size_t i = 0; i < m->d->nmeter; i++) {
			const mlc_report_meter_row *r = &m->d->meter[i];
			if (r->requests && r->day <= v->last && !name_cmp(r->model, pick[k]->name))
				vals[k * v->ndays + (size_t)(r->day - v->first)] =
				    mlc_amount_to_double(r->cost) * 1000.0 / (double)r->requests;
		}
	}
	memset(&l, 0, sizeof(l));
	l.c = (mlc_chart){"chart-metered-per-1k",
	                  "Cost per 1,000 requests per model and day",
	                  sec->lead,
	                  m->currency,
	                  0,
	                  0,
	                  0};
	l.vk = MLC_VK_UNIT;
	l.first_day = v->first, l.ndays = v->ndays;
	l.nseries = n, l.names = names, l.colors = colors, l.values = vals;
	if (mlc_report__limit(&lim, m->d, NULL))
		l.line = (mlc_refline){1, lim, "limit per 1k (policy)"};
	mlc_svg__init(&s, &sec->svg);
	if (!(rc = mlc_chart__lines(&s, &l)))
		mlc_report__marks(sec, &s);
	mlcu_free(vals);
	return rc;
}

static int unit_section(mlc_report_model *m, const meter_view *v)
{
	char avg[MLC_RFMT_MAX], top[MLC_RFMT_MAX];
	const mmodel *worst = NULL;
	mlc_section *sec;
	int rc;
	if (!(sec = mlc_report__section(m, "metered-per-1k", "Cost per 1,000 requests", "lines")))
		return mlc_error_code();
	for (size_t i = 0; i < v->nmodels; i++) {
		const mmodel *x = &v->models[i];
		if (x->requests &&
		    (!worst || mlc_amount_to_double(x->cost) / (double)x->requests >
		                   mlc_amount_to_double(worst->cost) / (double)worst->requests))
			worst = x;
	}
	if (!worst)
		rc = mlc_report__lead(sec, "%s", "No metered event counts requests yet.");
	else {
		mlc_rfmt__unit_money(avg, sizeof(avg),
		                     mlc_amount_to_double(v->cost) * 1000.0 / (double)v->requests,
		                     m->currency);
		mlc_rfmt__unit_money(top, sizeof(top),
		                     mlc_amount_to_double(worst->cost) * 1000.0 /
		                         (double)worst->requests,
		                     m->currency);
		rc = mlc_report__lead(sec,
		                      "1,000 requests cost %s on average over these days; the "
		                      "most expensive model is %s at %s per 1,000.",
		                      avg, worst->name ? worst->name : NO_MODEL, top);
	}
	if (rc || (rc = unit_chart(sec, m, v)))
		return rc;
	return unit_table(&sec->table, m->d, v, m->currency);
}

int mlc_report__sec_meter(mlc_report_model *m)
{
	meter_view v;
	int rc;
	if (!m->d->nmeter)
		return 0; /* nothing metered: not a section a bills report misses */
	if (!(rc = view(&v, m->d)) && !(rc = cost_section(m, &v)))
		rc = unit_section(m, &v);
	mlcu_free(v.models);
	return rc;
}
