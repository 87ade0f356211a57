/* SPDX-License-Identifier: MIT */
/*
 * sec_bills.c - the actual cost per model from the bills or the ledger,
 * stacked by lifecycle phase: the chart shows the largest models (the rest
 * summed as "other"), the table every group exactly as `mlcost attribute
 * --by MODEL,PHASE --format json` gives it, in its order.
 */
#include "report/chart.h"
#include "report/section.h"

#include "util/alloc.h"
#include "util/error.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOP_MODELS 12
#define TOP_PHASES 8

typedef struct keyed {
	const char *key; /* NULL: missing */
	double total;
	size_t slot; /* category or series index in the chart */
} keyed;

static int key_cmp(const char *a, const char *b)
{
	if (!a || !b)
		return a ? 1 : b ? -1 : 0;
	return strcmp(a, b);
}

static int by_key(const void *a, const void *b)
{
	return key_cmp(((const keyed *)a)->key, ((const keyed *)b)->key);
}

static int by_total(const void *a, const void *b)
{
	const keyed *x = a, *y = b;
	if (x->total != y->total)
		return x->total > y->total ? -1 : 1;
	return key_cmp(x->key, y->key);
}

/*
 * The distinct values of dimension dim with their cost, largest first; slot
 * = rank, capped at top - 1 ("other") when there are more than top. Then
 * sorted back by key for lookups. *n distinct values.
 */
static int distinct(keyed **out, size_t *n, const mlc_bills_result *r, size_t dim, size_t top)
{
	keyed *k = mlcu_calloc(r->ngroups ? r->ngroups : 1, sizeof(keyed));
	size_t u = 0;
	if (!k)
		return mlcu_error_oom();
	for (size_t i = 0; i < r->ngroups; i++)
		k[i] = (keyed){r->groups[i].values[dim], mlc_amount_to_double(r->groups[i].cost[0]),
		               0};
	qsort(k, r->ngroups, sizeof(keyed), by_key);
	for (size_t i = 0; i < r->ngroups; i++) {
		if (u && !key_cmp(k[u - 1].key, k[i].key))
			k[u - 1].total += k[i].total;
		else
			k[u++] = k[i];
	}
	qsort(k, u, sizeof(keyed), by_total);
	for (size_t i = 0; i < u; i++)
		k[i].slot = u > top && i >= top - 1 ? top - 1 : i;
	qsort(k, u, sizeof(keyed), by_key);
	*out = k;
	*n = u;
	return 0;
}

static size_t slot_of(const keyed *k, size_t n, const char *key)
{
	keyed probe = {key, 0, 0}, *hit = bsearch(&probe, k, n, sizeof(keyed), by_key);
	return hit ? hit->slot : 0;
}

typedef struct chart_data {
	keyed *models, *phases;
	size_t nmodels, nphases, ncats, nseries;
	const char **cats, **names;
	unsigned *colors;
	double *vals;
} chart_data;

static void chart_data_free(chart_data *c)
{
	mlcu_free(c->models);
	mlcu_free(c->phases);
	mlcu_free(c->cats);
	mlcu_free(c->names);
	mlcu_free(c->colors);
	mlcu_free(c->vals);
}

/* names of the slots: the key of each slot's first (largest) entry, or "other" */
static void slot_names(const char **names, const keyed *k, size_t n, size_t nslots, size_t top,
                       const char *missing, const char *other)
{
	for (size_t i = 0; i < n; i++)
		if (k[i].slot < nslots && !(n > top && k[i].slot == top - 1))
			names[k[i].slot] = k[i].key ? k[i].key : missing;
	if (n > top)
		names[top - 1] = other;
}

static int chart_data_fill(chart_data *c, const mlc_bills_result *r, mlc_rtable *t)
{
	int rc;
	if ((rc = distinct(&c->models, &c->nmodels, r, 0, TOP_MODELS)) ||
	    (rc = distinct(&c->phases, &c->nphases, r, 1, TOP_PHASES)))
		return rc;
	c->ncats = c->nmodels < TOP_MODELS ? c->nmodels : TOP_MODELS;
	c->nseries = c->nphases < TOP_PHASES ? c->nphases : TOP_PHASES;
	c->cats = mlcu_calloc(c->ncats + 1, sizeof(char *));
	c->names = mlcu_calloc(c->nseries + 1, sizeof(char *));
	c->colors = mlcu_calloc(c->nseries + 1, sizeof(unsigned));
	c->vals = mlcu_calloc(c->ncats * c->nseries + 1, sizeof(double));
	if (!c->cats || !c->names || !c->colors || !c->vals)
		return mlcu_error_oom();
	slot_names(c->cats, c->models, c->nmodels, c->ncats, TOP_MODELS, "(untagged)",
	           c->nmodels > TOP_MODELS
	               ? mlc_rtable__strf(t, "other (%zu models)", c->nmodels - TOP_MODELS + 1)
	               : NULL);
	slot_names(c->names, c->phases, c->nphases, c->nseries, TOP_PHASES, "(no phase)",
	           "other phases");
	for (size_t i = 0; i < c->nseries; i++)
		c->colors[i] = c->names[i] && strcmp(c->names[i], "(no phase)")
		                   ? mlc_report__phase_color(c->names[i], i)
		                   : 8;
	for (size_t i = 0; i < r->ngroups; i++) {
		const mlc_bills_group *g = &r->groups[i];
		size_t cat = slot_of(c->models, c->nmodels, g->values[0]);
		size_t ser = slot_of(c->phases, c->nphases, g->values[1]);
		c->vals[ser * c->ncats + cat] += mlc_amount_to_double(g->cost[0]);
	}
	for (size_t i = 0; i < c->ncats; i++)
		if (!c->cats[i])
			return mlcu_error_oom(); /* the "other" label could not be kept */
	return 0;
}

static int draw(mlc_section *sec, const mlc_bills_result *r, const char *cur, mlc_rtable *t)
{
	chart_data c;
	mlc_bars_spec b;
	mlc_svg s;
	char desc[512], tot[MLC_RFMT_MAX];
	int rc;
	memset(&c, 0, sizeof(c));
	if ((rc = chart_data_fill(&c, r, t)))
		goto done;
	mlc_rfmt__money(tot, sizeof(tot), mlc_amount_to_double(r->total[0]), cur);
	snprintf(desc, sizeof(desc),
	         "Billed cost (%s) of %zu model%s by lifecycle phase; %s in all.",
	         mlc_cost_basis_name(r->bases[0]), c.nmodels, c.nmodels == 1 ? "" : "s", tot);
	memset(&b, 0, sizeof(b));
	b.c = (mlc_chart){"chart-actual-by-model",
	                  "Actual cost per model by lifecycle phase",
	                  desc,
	                  cur,
	                  0,
	                  0,
	                  0};
	b.vk = MLC_VK_MONEY;
	b.ncats = c.ncats;
	b.cats = c.cats;
	b.nseries = c.nseries;
	b.names = c.names;
	b.colors = c.colors;
	b.values = c.vals;
	b.totals = 1;
	mlc_svg__init(&s, &sec->svg);
	if (!(rc = mlc_chart__bars(&s, &b)))
		mlc_report__marks(sec, &s);
done:
	chart_data_free(&c);
	return rc;
}

static int table(mlc_rtable *t, const mlc_bills_result *r)
{
	for (size_t i = 0; i < r->ngroups; i++) {
		const mlc_bills_group *g = &r->groups[i];
		mlc_cell *row = mlc_rtable__row(t);
		if (!row)
			return mlc_error_code();
		mlc_cell__text(&row[0], g->values[0], "(untagged)");
		mlc_cell__text(&row[1], g->values[1], "(untagged)");
		mlc_cell__amount(&row[2], g->cost[0]);
		mlc_cell__num(&row[3], (double)g->rows);
	}
	return 0;
}

int mlc_report__sec_bills(mlc_report_model *m)
{
	const mlc_bills_result *r = m->d->by_model;
	const char *cols[4];
	char tot[MLC_RFMT_MAX], tagged[MLC_RFMT_MAX];
	mlc_amount with = {0, 0};
	mlc_section *sec;
	int rc;
	if (!r || !r->ngroups) {
		mlc_report__omit(m, "actual-by-model", "Actual cost per model",
		                 "--bills FILE or --store URL");
		return 0;
	}
	if (!(sec = mlc_report__section(m, "actual-by-model", "Actual cost per model",
	                                "bars-stacked")))
		return mlc_error_code();
	cols[0] = r->by[0];
	cols[1] = r->by[1];
	cols[2] = "cost|m";
	cols[3] = "rows|c";
	if ((rc = mlc_rtable__init(&sec->table, m->currency, cols, 4)))
		return rc;
	for (size_t i = 0; i < r->ngroups; i++)
		if (r->groups[i].values[0])
			mlc_amount_add(&with, r->groups[i].cost[0]);
	mlc_rfmt__money(tot, sizeof(tot), mlc_amount_to_double(r->total[0]), m->currency);
	mlc_rfmt__pct(tagged, sizeof(tagged),
	              mlc_amount_to_double(r->total[0]) != 0
	                  ? mlc_amount_to_double(with) / mlc_amount_to_double(r->total[0]) * 100
	                  : 0);
	if ((rc = mlc_report__lead(sec,
	                           "%s of %s cost in the bills; %s of it carries a %s. "
	                           "The table lists every model and phase exactly.",
	                           tot, mlc_cost_basis_name(r->bases[0]), tagged, r->by[0])) ||
	    (rc = draw(sec, r, m->currency, &sec->table)))
		return rc;
	return table(&sec->table, r);
}
