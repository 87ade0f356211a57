/* SPDX-License-Identifier: MIT */
/*
 * sec_estimate.c - the sections from a cost profile's estimate: monthly
 * cost per model stacked by lifecycle phase with people beside
 * infrastructure, and the unit economics (cost per 1,000 predictions,
 * infrastructure only and all-in, against revenue per 1,000 where the
 * profile gives revenue). Tables carry the estimate's own numbers (those
 * of `mlcost estimate --format json`).
 */
#include "report/chart.h"
#include "report/section.h"

#include "util/alloc.h"
#include "util/error.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define NPHASES 7

static const char *const phase_names[NPHASES + 1] = {"training", "inference", "feature_pipeline",
                                                     "storage",  "transfer",  "monitoring",
                                                     "tooling",  "people"};

static double phase_value(const mlc_phase_costs *c, size_t k)
{
	const double v[NPHASES + 1] = {c->training, c->inference,  c->feature_pipeline, c->storage,
	                               c->transfer, c->monitoring, c->tooling,          c->people};
	return v[k];
}

static int phases_table(mlc_rtable *t, const mlc_estimate *e, const char *cur)
{
	static const char *const cols[] = {
	    "model",     "team",       "training|m",   "inference|m", "feature_pipeline|m",
	    "storage|m", "transfer|m", "monitoring|m", "tooling|m",   "infrastructure|m",
	    "people|m",  "total|m"};
	int rc = mlc_rtable__init(t, cur, cols, sizeof(cols) / sizeof(cols[0]));
	for (size_t i = 0; !rc && i <= e->nmodels; i++) {
		const mlc_phase_costs *c = i < e->nmodels ? &e->models[i].monthly : &e->monthly;
		mlc_cell *r;
		if (i == e->nmodels && e->nmodels < 2)
			break; /* a total row only sums several models */
		if (!(r = mlc_rtable__row(t)))
			return mlc_error_code();
		mlc_cell__text(&r[0], i < e->nmodels ? e->models[i].name : "(all models)", NULL);
		mlc_cell__text(&r[1], i < e->nmodels ? e->models[i].team : "", NULL);
		for (size_t k = 0; k < NPHASES; k++)
			mlc_cell__num(&r[2 + k], phase_value(c, k));
		mlc_cell__num(&r[9], c->infrastructure);
		mlc_cell__num(&r[10], c->people);
		mlc_cell__num(&r[11], c->total);
	}
	return rc;
}

static int phases_chart(mlc_section *sec, const mlc_estimate *e, const char *cur)
{
	const char *names[NPHASES + 1], **cats = NULL;
	unsigned colors[NPHASES + 1], stack[NPHASES + 1];
	static const char *const stacks[] = {"infrastructure", "people"};
	double *vals = NULL;
	char desc[512], tot[64];
	size_t ns = 0;
	mlc_svg s;
	int rc = 0;
	mlc_bars_spec b;
	if (!(cats = mlcu_calloc(e->nmodels, sizeof(*cats))) ||
	    !(vals = mlcu_calloc((NPHASES + 1) * e->nmodels, sizeof(double)))) {
		rc = mlcu_error_oom();
		goto done;
	}
	for (size_t i = 0; i < e->nmodels; i++)
		cats[i] = e->models[i].name;
	for (size_t k = 0; k <= NPHASES; k++) {
		int any = 0;
		for (size_t i = 0; i < e->nmodels; i++)
			any |= (vals[ns * e->nmodels + i] =
			            phase_value(&e->models[i].monthly, k)) != 0;
		if (!any)
			continue; /* a phase no model has: no legend entry for it */
		names[ns] = phase_names[k];
		colors[ns] = (unsigned)k + 1;
		stack[ns++] = k == NPHASES;
	}
	memset(&b, 0, sizeof(b));
	mlc_rfmt__money(tot, sizeof(tot), e->monthly.total, cur);
	snprintf(desc, sizeof(desc),
	         "Monthly cost of %zu model%s by lifecycle phase, people beside infrastructure; "
	         "%s in all.",
	         e->nmodels, e->nmodels == 1 ? "" : "s", tot);
	b.c = (mlc_chart){
	    "chart-cost-by-phase", "Monthly cost per model by lifecycle phase", desc, cur, 0, 0, 0};
	b.vk = MLC_VK_MONEY;
	b.ncats = e->nmodels;
	b.cats = cats;
	b.nseries = ns;
	b.names = names;
	b.colors = colors;
	b.values = vals;
	b.stack = stack;
	b.nstacks = ns && stack[ns - 1] ? 2 : 1;
	b.stack_names = stacks;
	b.totals = 1;
	mlc_svg__init(&s, &sec->svg);
	if (!(rc = mlc_chart__bars(&s, &b)))
		mlc_report__marks(sec, &s);
done:
	mlcu_free(cats);
	mlcu_free(vals);
	return rc;
}

static int cost_by_phase(mlc_report_model *m, const mlc_estimate *e)
{
	char tot[64], infra[64], ppl[64];
	mlc_section *sec =
	    mlc_report__section(m, "cost-by-phase", "Where the money goes", "bars-stacked");
	int rc;
	if (!sec)
		return mlc_error_code();
	mlc_rfmt__money(tot, sizeof(tot), e->monthly.total, m->currency);
	mlc_rfmt__money(infra, sizeof(infra), e->monthly.infrastructure, m->currency);
	mlc_rfmt__money(ppl, sizeof(ppl), e->monthly.people, m->currency);
	if ((rc = mlc_report__lead(
	         sec,
	         "The profile's %zu model%s cost %s a month: %s of infrastructure "
	         "and %s of people (%.0f%% of the total).",
	         e->nmodels, e->nmodels == 1 ? "" : "s", tot, infra, ppl,
	         e->monthly.total > 0 ? e->monthly.people / e->monthly.total * 100 : 0.0)))
		return rc;
	if ((rc = phases_chart(sec, e, m->currency)))
		return rc;
	return phases_table(&sec->table, e, m->currency);
}

/* revenue per 1,000 predictions, NaN when the model has no revenue */
static double revenue_per_1k(const mlc_model_estimate *me)
{
	return me->has_revenue && me->has_unit
	           ? me->revenue_per_month / me->requests_per_month * 1000
	           : NAN;
}

static int unit_table(mlc_rtable *t, const mlc_report_model *m, const mlc_estimate *e)
{
	static const char *const cols[] = {"model",
	                                   "requests_per_month|c",
	                                   "cost_per_request|u",
	                                   "full_cost_per_request|u",
	                                   "cost_per_1k|u",
	                                   "full_cost_per_1k|u",
	                                   "revenue_per_1k|u",
	                                   "gross_margin_pct|p",
	                                   "max_cost_per_1k|u"};
	int rc = mlc_rtable__init(t, m->currency, cols, sizeof(cols) / sizeof(cols[0]));
	for (size_t i = 0; !rc && i < e->nmodels; i++) {
		const mlc_model_estimate *me = &e->models[i];
		double lim;
		mlc_cell *r;
		if (!me->has_unit)
			continue;
		if (!(r = mlc_rtable__row(t)))
			return mlc_error_code();
		mlc_cell__text(&r[0], me->name, NULL);
		mlc_cell__num(&r[1], me->requests_per_month);
		mlc_cell__num(&r[2], me->cost_per_request);
		mlc_cell__num(&r[3], me->full_cost_per_request);
		mlc_cell__num(&r[4], me->cost_per_1k);
		mlc_cell__num(&r[5], me->full_cost_per_request * 1000);
		mlc_cell__num(&r[6], revenue_per_1k(me));
		mlc_cell__num(&r[7], me->has_revenue ? me->gross_margin_pct : NAN);
		mlc_cell__num(&r[8], mlc_report__limit(&lim, m->d, me->name) ? lim : NAN);
	}
	return rc;
}

static int unit_chart(mlc_section *sec, const mlc_report_model *m, const mlc_estimate *e,
                      size_t nunit, int revenue)
{
	static const char *const names[] = {"infrastructure per 1k",
	                                    "all-in per 1k (people included)", "revenue per 1k"};
	static const unsigned colors[] = {2, 1, 3}, stack[] = {0, 1, 2};
	const char **cats = mlcu_calloc(nunit, sizeof(char *));
	double *vals = mlcu_calloc(3 * nunit, sizeof(double)), lim;
	mlc_bars_spec b;
	mlc_svg s;
	size_t k = 0;
	int rc;
	if (!cats || !vals) {
		rc = mlcu_error_oom();
		goto done;
	}
	for (size_t i = 0; i < e->nmodels; i++) {
		const mlc_model_estimate *me = &e->models[i];
		if (!me->has_unit)
			continue;
		cats[k] = me->name;
		vals[k] = me->cost_per_1k;
		vals[nunit + k] = me->full_cost_per_request * 1000;
		vals[2 * nunit + k] = revenue_per_1k(me);
		k++;
	}
	memset(&b, 0, sizeof(b));
	b.c = (mlc_chart){"chart-unit-economics",
	                  "Cost per 1,000 predictions per model",
	                  revenue ? "Cost per 1,000 predictions per model, infrastructure only and "
	                            "all-in, against revenue per 1,000 predictions."
	                          : "Cost per 1,000 predictions per model, infrastructure only and "
	                            "all-in.",
	                  m->currency,
	                  0,
	                  0,
	                  0};
	b.vk = MLC_VK_UNIT;
	b.ncats = nunit;
	b.cats = cats;
	b.nseries = revenue ? 3 : 2;
	b.names = names;
	b.colors = colors;
	b.values = vals;
	b.stack = stack;
	b.nstacks = b.nseries;
	b.totals = 1;
	if (mlc_report__limit(&lim, m->d, NULL))
		b.line = (mlc_refline){1, lim, "limit per 1k (policy)"};
	mlc_svg__init(&s, &sec->svg);
	if (!(rc = mlc_chart__bars(&s, &b)))
		mlc_report__marks(sec, &s);
done:
	mlcu_free(cats);
	mlcu_free(vals);
	return rc;
}

static int unit_economics(mlc_report_model *m, const mlc_estimate *e)
{
	size_t nunit = 0;
	int revenue = 0, rc;
	mlc_section *sec;
	for (size_t i = 0; i < e->nmodels; i++) {
		nunit += e->models[i].has_unit != 0;
		revenue |= e->models[i].has_unit && e->models[i].has_revenue;
	}
	if (!nunit) {
		mlc_report__omit(m, "unit-economics", "Cost per 1,000 predictions (estimate)",
		                 "inference.requests_per_month in the profile");
		return 0;
	}
	if (!(sec = mlc_report__section(m, "unit-economics", "Cost per 1,000 predictions",
	                                "bars-grouped")))
		return mlc_error_code();
	rc = mlc_report__lead(sec, "%s",
	                      revenue ? "Infrastructure alone, all-in with the people who keep the "
	                                "models running, and what 1,000 predictions bring in."
	                              : "Infrastructure alone, and all-in with the people who keep "
	                                "the models running. Add value.revenue_per_month to the "
	                                "profile to compare with revenue.");
	if (!rc)
		rc = unit_chart(sec, m, e, nunit, revenue);
	return rc ? rc : unit_table(&sec->table, m, e);
}

int mlc_report__sec_estimate(mlc_report_model *m)
{
	const mlc_estimate *e = m->d->estimate;
	int rc;
	if (!e || !e->nmodels) {
		mlc_report__omit(m, "cost-by-phase", "Where the money goes (estimate)",
		                 "--profile PROFILE.yaml");
		mlc_report__omit(m, "unit-economics", "Cost per 1,000 predictions (estimate)",
		                 "--profile PROFILE.yaml");
		return 0;
	}
	if ((rc = cost_by_phase(m, e)))
		return rc;
	return unit_economics(m, e);
}
