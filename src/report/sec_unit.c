/* SPDX-License-Identifier: MIT */
/*
 * sec_unit.c - cost per 1,000 predictions from the bills and the usage
 * (mlc_unit_result): a line per model over the days (its trend), the
 * policy's limit drawn across, and a table of every model and period and
 * every model over the whole range ("all"), with the exact amounts of
 * `mlcost unit --format json`.
 */
#include "report/chart.h"
#include "report/section.h"

#include "util/alloc.h"
#include "util/error.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define MAX_LINES 8

static int add_row(mlc_rtable *t, const mlc_unit_row *u, const char *period)
{
	mlc_cell *r = mlc_rtable__row(t);
	if (!r)
		return mlc_error_code();
	mlc_cell__text(&r[0], u->model, "(untagged)");
	mlc_cell__text(&r[1], period, NULL);
	mlc_cell__amount(&r[2], u->cost);
	mlc_cell__amount(&r[3], u->training);
	mlc_cell__num(&r[4], (double)u->requests);
	if (u->flags & MLC_UNIT_NO_USAGE) {
		r[5].null = r[6].null = 1;
		r[5].disp = r[6].disp = "no usage";
	} else {
		mlc_cell__amount(&r[5], u->per_request);
		mlc_cell__amount(&r[6], u->per_1k);
	}
	return 0;
}

static int table(mlc_rtable *t, const mlc_unit_result *u, const char *cur)
{
	static const char *const cols[] = {"model",      "period",        "cost|m",  "training|m",
	                                   "requests|c", "per_request|u", "per_1k|u"};
	char label[32];
	int rc = mlc_rtable__init(t, cur, cols, sizeof(cols) / sizeof(cols[0]));
	for (size_t i = 0; !rc && i < u->nrows; i++) {
		const char *p;
		mlc_time_bucket_label(label, sizeof(label), u->rows[i].period, u->bucket);
		if (!(p = mlc_rtable__str(t, label)))
			return mlc_error_code();
		rc = add_row(t, &u->rows[i], p);
	}
	for (size_t i = 0; !rc && i < u->nmodels; i++)
		rc = add_row(t, &u->models[i], "all");
	return rc;
}

/* the models drawn: those with usage, largest cost first (ties in name order), at most
 * MAX_LINES: a top-K insertion */
static size_t pick_models(const mlc_unit_row **out, const mlc_unit_result *u)
{
	size_t n = 0;
	for (size_t i = 0; i < u->nmodels; i++) {
		const mlc_unit_row *m = &u->models[i];
		size_t k = n;
		if (!m->model || (m->flags & MLC_UNIT_NO_USAGE))
			continue;
		if (n == MAX_LINES) {
			if (mlc_amount_cmp(out[MAX_LINES - 1]->cost, m->cost) >= 0)
				continue;
			k = MAX_LINES - 1; /* the smallest kept makes room */
		} else {
			n++;
		}
		for (; k > 0 && mlc_amount_cmp(out[k - 1]->cost, m->cost) < 0; k--)
			out[k] = out[k - 1];
		out[k] = m;
	}
	return n;
}

static int draw(mlc_section *sec, const mlc_report_model *m, const mlc_unit_result *u,
                const mlc_unit_row **models, size_t nm)
{
	const char *names[MAX_LINES];
	unsigned colors[MAX_LINES];
	int64_t first = INT64_MAX, last = INT64_MIN;
	double *vals = NULL, lim;
	size_t ndays;
	mlc_lines_spec l;
	mlc_svg s;
	int rc;
	for (size_t i = 0; i < u->nrows; i++) {
		int64_t day = u->rows[i].period / 86400;
		first = day < first ? day : first;
		last = day > last ? day : last;
	}
	ndays = (size_t)(last - first + 1);
	if (ndays > MLC_SERIES_MAX_DAYS)
		return mlcu_error_set(MLC_ETOOLARGE, "report: usage over more than %d days",
		                      MLC_SERIES_MAX_DAYS);
	if (!(vals = mlcu_calloc(nm * ndays, sizeof(double))))
		return mlcu_error_oom();
	for (size_t i = 0; i < nm * ndays; i++)
		vals[i] = NAN;
	for (size_t k = 0; k < nm; k++) {
		names[k] = models[k]->model;
		colors[k] = (unsigned)k + 1;
		for (size_t i = 0; i < u->nrows; i++) {
			const mlc_unit_row *r = &u->rows[i];
			if (r->model && !strcmp(r->model, models[k]->model) &&
			    !(r->flags & MLC_UNIT_NO_USAGE))
				vals[k * ndays + (size_t)(r->period / 86400 - first)] =
				    mlc_amount_to_double(r->per_1k);
		}
	}
	memset(&l, 0, sizeof(l));
	l.c = (mlc_chart){"chart-cost-per-1k",
	                  "Cost per 1,000 predictions per model and day",
	                  sec->lead,
	                  m->currency,
	                  0,
	                  0,
	                  0};
	l.vk = MLC_VK_UNIT;
	l.first_day = first;
	l.ndays = ndays;
	l.nseries = nm;
	l.names = names;
	l.colors = colors;
	l.values = vals;
	if (mlc_report__limit(&lim, m->d, NULL))
		l.line = (mlc_refline){1, lim, "limit per 1k (policy)"};
	mlc_svg__init(&s, &sec->svg);
	if (!(rc = mlc_chart__lines(&s, &l)))
		mlc_report__marks(sec, &s);
	mlcu_free(vals);
	return rc;
}

static int lead(mlc_section *sec, const mlc_report_model *m, const mlc_unit_result *u,
                const mlc_unit_row **models, size_t nm)
{
	char avg[MLC_RFMT_MAX], top[MLC_RFMT_MAX];
	double cost = 0, req = 0;
	const mlc_unit_row *worst = NULL;
	for (size_t i = 0; i < u->nmodels; i++) {
		const mlc_unit_row *r = &u->models[i];
		if (!r->model || (r->flags & MLC_UNIT_NO_USAGE))
			continue;
		cost += mlc_amount_to_double(r->cost);
		req += (double)r->requests;
		if (!worst || mlc_amount_cmp(r->per_1k, worst->per_1k) > 0)
			worst = r;
	}
	size_t over = 0, judged = 0;
	char tail[256] = "";
	(void)models;
	for (size_t i = 0; i < u->nmodels; i++) {
		const mlc_unit_row *r = &u->models[i];
		double lim;
		if (!r->model || (r->flags & MLC_UNIT_NO_USAGE) ||
		    !mlc_report__limit(&lim, m->d, r->model))
			continue;
		judged++;
		over += mlc_amount_to_double(r->per_1k) > lim;
	}
	if (judged)
		snprintf(tail, sizeof(tail), " %zu of %zu above the policy's limit.", over, judged);
	if (!nm || req <= 0)
		return mlc_report__lead(sec, "%s",
		                        "No model has both cost and predictions in the "
		                        "usage file yet.");
	mlc_rfmt__unit_money(avg, sizeof(avg), cost / req * 1000, m->currency);
	mlc_rfmt__unit_money(top, sizeof(top), mlc_amount_to_double(worst->per_1k), m->currency);
	return mlc_report__lead(sec,
	                        "Across the %zu model%s with usage, 1,000 predictions cost %s on "
	                        "average; the most expensive is %s at %s per 1,000.%s",
	                        nm, nm == 1 ? "" : "s", avg, worst->model, top, tail);
}

int mlc_report__sec_unit(mlc_report_model *m)
{
	const mlc_unit_result *u = m->d->unit;
	const mlc_unit_row *models[MAX_LINES];
	mlc_section *sec;
	size_t nm;
	int rc;
	if (!u || !u->nrows) {
		mlc_report__omit(m, "cost-per-1k", "Cost per 1,000 predictions from the bills",
		                 "--usage USAGE.csv with --bills FILE");
		return 0;
	}
	if (!(sec = mlc_report__section(m, "cost-per-1k", "Cost per 1,000 predictions, actual",
	                                "lines")))
		return mlc_error_code();
	nm = pick_models(models, u);
	if ((rc = lead(sec, m, u, models, nm)))
		return rc;
	if (nm && u->bucket == MLC_BUCKET_DAY && (rc = draw(sec, m, u, models, nm)))
		return rc;
	return table(&sec->table, u, m->currency);
}
