/* SPDX-License-Identifier: MIT */
/*
 * sec_whatif.c - the cost model's what-ifs: compare's scenarios as a
 * waterfall from the baseline (each measured alone, largest saving first)
 * and the frontier's variants as a cost–accuracy scatter with the frontier
 * drawn. Tables carry the numbers of `mlcost compare` and `mlcost
 * frontier --format json`, in their order.
 */
#include "report/chart.h"
#include "report/section.h"

#include "util/alloc.h"
#include "util/error.h"

#include <stdio.h>
#include <string.h>

static int scenario_table(mlc_rtable *t, const mlc_compare_result *r)
{
	static const char *const cols[] = {"section",  "what_if",      "detail", "monthly_total|m",
	                                   "saving|m", "saving_pct|p", "note"};
	int rc = mlc_rtable__init(t, r->currency, cols, sizeof(cols) / sizeof(cols[0]));
	for (size_t i = 0; !rc && i < r->nscenarios; i++) {
		const mlc_scenario *s = &r->scenarios[i];
		mlc_cell *c = mlc_rtable__row(t);
		if (!c)
			return mlc_error_code();
		mlc_cell__text(&c[0], s->section, NULL);
		mlc_cell__text(&c[1], s->name, NULL);
		mlc_cell__text(&c[2], s->detail, NULL);
		mlc_cell__text(&c[6], s->note, NULL);
		if (!s->available) {
			c[3].null = c[4].null = c[5].null = 1;
			c[3].disp = c[4].disp = c[5].disp = "n/a";
			continue;
		}
		mlc_cell__num(&c[3], s->monthly_total);
		mlc_cell__num(&c[4], s->saving);
		mlc_cell__num(&c[5], s->saving_pct);
	}
	return rc;
}

/* the available what-ifs (not the baseline), largest saving first, ties in input order */
static size_t order(size_t *out, const mlc_compare_result *r)
{
	size_t n = 0;
	for (size_t i = 0; i < r->nscenarios; i++) {
		const mlc_scenario *s = &r->scenarios[i];
		size_t k = n++;
		if (!s->available || !strcmp(s->section, "baseline")) {
			n--;
			continue;
		}
		for (; k > 0 && r->scenarios[out[k - 1]].saving < s->saving; k--)
			out[k] = out[k - 1];
		out[k] = i;
	}
	return n;
}

static int waterfall(mlc_section *sec, const mlc_compare_result *r, const size_t *idx, size_t n)
{
	const char **labels = mlcu_calloc(n + 1, sizeof(char *));
	double *totals = mlcu_calloc(n + 1, sizeof(double));
	char desc[512], base[MLC_RFMT_MAX];
	mlc_waterfall_spec w;
	mlc_svg s;
	int rc;
	if (!labels || !totals) {
		rc = mlcu_error_oom();
		goto done;
	}
	for (size_t k = 0; k < n; k++) {
		const mlc_scenario *sc = &r->scenarios[idx[k]];
		/* "batching: batch_size:2": the what-if with what it changes */
		if (!(labels[k] = mlc_rtable__strf(&sec->table, "%s: %s", sc->section, sc->name))) {
			rc = mlc_error_code();
			goto done;
		}
		totals[k] = sc->monthly_total;
	}
	mlc_rfmt__money(base, sizeof(base), r->baseline_total, r->currency);
	snprintf(desc, sizeof(desc),
	         "%zu what-ifs for %s against its monthly total of %s as written, each measured "
	         "alone; bars left of the baseline save money, bars right of it cost more.",
	         n, r->model, base);
	memset(&w, 0, sizeof(w));
	w.c = (mlc_chart){
	    "chart-whatifs", "What-ifs against the profile as written", desc, r->currency, 0, 0, 0};
	w.baseline_label = "as written";
	w.baseline = r->baseline_total;
	w.n = n;
	w.labels = labels;
	w.totals = totals;
	mlc_svg__init(&s, &sec->svg);
	if (!(rc = mlc_chart__waterfall(&s, &w)))
		mlc_report__marks(sec, &s);
done:
	mlcu_free(labels);
	mlcu_free(totals);
	return rc;
}

int mlc_report__sec_whatif(mlc_report_model *m)
{
	const mlc_compare_result *r = m->d->compare;
	mlc_section *sec;
	size_t *idx, n;
	char save[MLC_RFMT_MAX], pct[MLC_RFMT_MAX];
	int rc;
	if (!r || !r->nscenarios) {
		mlc_report__omit(m, "whatifs", "What-ifs (savings waterfall)",
		                 "--whatif PROFILE.yaml (a profile with a whatif: section)");
		return 0;
	}
	if (!(sec = mlc_report__section(m, "whatifs", "What could be cheaper", "waterfall")))
		return mlc_error_code();
	if (!(idx = mlcu_calloc(r->nscenarios, sizeof(size_t))))
		return mlcu_error_oom();
	n = order(idx, r);
	if (n && r->scenarios[idx[0]].saving > 0) {
		mlc_rfmt__money(save, sizeof(save), r->scenarios[idx[0]].saving, r->currency);
		mlc_rfmt__pct(pct, sizeof(pct), r->scenarios[idx[0]].saving_pct);
		rc = mlc_report__lead(sec, "For %s the largest saving is %s: %s a month (%s).",
		                      r->model, r->scenarios[idx[0]].name, save, pct);
	} else {
		rc = mlc_report__lead(
		    sec, "For %s no what-if is cheaper than the profile as written.", r->model);
	}
	if (!rc)
		rc =
		    mlc_report__note(sec, "%s",
		                     "Each what-if changes one thing and is measured alone against "
		                     "the profile as written: savings of different what-ifs do not "
		                     "add up.");
	if (!rc) /* the table first: it keeps the chart's labels */
		rc = scenario_table(&sec->table, r);
	if (!rc && n)
		rc = waterfall(sec, r, idx, n);
	mlcu_free(idx);
	return rc;
}

static int variant_table(mlc_rtable *t, const mlc_frontier_result *r)
{
	static const char *const cols[] = {
	    "variant",     "accuracy|n",     "p95_latency_ms|n", "instance",    "pricing",
	    "instances|c", "monthly_cost|m", "cost_per_1k|u",    "on_frontier", "meets_floors"};
	int rc = mlc_rtable__init(t, r->options.currency, cols, sizeof(cols) / sizeof(cols[0]));
	for (size_t i = 0; !rc && i < r->nvariants; i++) {
		const mlc_variant *v = &r->variants[i];
		mlc_cell *c = mlc_rtable__row(t);
		if (!c)
			return mlc_error_code();
		mlc_cell__text(&c[0], v->name, NULL);
		mlc_cell__num(&c[1], v->accuracy);
		mlc_cell__num(&c[2], v->p95_latency_ms);
		mlc_cell__text(&c[3], v->instance, NULL);
		mlc_cell__text(&c[4], mlc_pricing_model_name(v->pricing), NULL);
		mlc_cell__num(&c[5], v->instances);
		mlc_cell__num(&c[6], v->monthly_cost);
		mlc_cell__num(&c[7], v->cost_per_1k);
		mlc_cell__text(&c[8], v->on_frontier ? "yes" : "no", NULL);
		mlc_cell__text(&c[9],
		               v->meets_accuracy && v->meets_latency ? "yes"
		               : !v->meets_accuracy && !v->meets_latency
		                   ? "fails accuracy and latency"
		               : !v->meets_accuracy ? "fails accuracy"
		                                    : "fails latency",
		               NULL);
	}
	return rc;
}

static int scatter(mlc_section *sec, const mlc_frontier_result *r)
{
	size_t n = r->nvariants;
	const char **names = mlcu_calloc(n + 1, sizeof(char *));
	double *xy = mlcu_calloc(2 * n + 1, sizeof(double));
	int *flags = mlcu_calloc(2 * n + 1, sizeof(int));
	mlc_scatter_spec p;
	mlc_svg s;
	int rc;
	if (!names || !xy || !flags) {
		rc = mlcu_error_oom();
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		names[i] = r->variants[i].name;
		xy[i] = r->variants[i].monthly_cost;
		xy[n + i] = r->variants[i].accuracy;
		flags[i] = r->variants[i].on_frontier;
		flags[n + i] = r->variants[i].meets_accuracy && r->variants[i].meets_latency;
	}
	memset(&p, 0, sizeof(p));
	p.c = (mlc_chart){"chart-frontier",
	                  "Monthly cost against accuracy of each variant",
	                  r->verdict,
	                  r->options.currency,
	                  0,
	                  400,
	                  0};
	p.xvk = MLC_VK_MONEY;
	p.xname = "monthly cost at the target volume";
	p.yname = "accuracy";
	p.n = n;
	p.names = names;
	p.x = xy;
	p.y = xy + n;
	p.frontier = flags;
	p.ok = flags + n;
	p.recommended = r->recommended;
	if (r->options.has_min_accuracy)
		p.floor = (mlc_refline){1, r->options.min_accuracy, "accuracy floor"};
	mlc_svg__init(&s, &sec->svg);
	if (!(rc = mlc_chart__scatter(&s, &p)))
		mlc_report__marks(sec, &s);
done:
	mlcu_free(names);
	mlcu_free(xy);
	mlcu_free(flags);
	return rc;
}

int mlc_report__sec_frontier(mlc_report_model *m)
{
	const mlc_frontier_result *r = m->d->frontier;
	mlc_section *sec;
	int rc;
	if (!r || !r->nvariants) {
		mlc_report__omit(m, "frontier", "Cost–accuracy frontier",
		                 "--variants VARIANTS.yaml");
		return 0;
	}
	if (!(sec = mlc_report__section(m, "frontier", "Cost against accuracy", "scatter")))
		return mlc_error_code();
	if ((rc = mlc_report__lead(sec, "%s", r->verdict ? r->verdict : "")) ||
	    (rc = mlc_report__note(sec, "%s",
	                           "A variant is on the frontier when no other is both cheaper and "
	                           "more accurate; the ringed point is the cheapest that meets the "
	                           "floors.")) ||
	    (rc = scatter(sec, r)))
		return rc;
	return variant_table(&sec->table, r);
}
