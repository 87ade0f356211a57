/* SPDX-License-Identifier: MIT */
/*
 * summary.c - the answer on top of the report: what a month costs, what
 * 1,000 predictions cost all-in, and whether that is good or bad. The
 * verdict is judged, in this order, by the gross margin where revenue is
 * known (below 0 bad, below 30% watch), by the policy's limit on cost per
 * 1,000 (above it bad, above 80% of it watch), and otherwise left open;
 * the MLOps efficiency band is reported beside it (docs/report.md).
 */
#include "report/fmt.h"
#include "report/section.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define MARGIN_WATCH 30.0 /* gross margin (%) below which unit economics need watching */
#define LIMIT_WATCH  0.8  /* share of the cost limit from which to watch */

static void from_estimate(mlc_summary *s, const mlc_estimate *e)
{
	double total = 0, req = 0, rev = 0, rev_total = 0, rev_req = 0;
	s->has_monthly = 1;
	s->monthly = e->monthly.total;
	s->monthly_people = e->monthly.people;
	s->monthly_basis = "estimate";
	for (size_t i = 0; i < e->nmodels; i++) {
		const mlc_model_estimate *m = &e->models[i];
		if (!m->has_unit)
			continue;
		total += m->monthly.total;
		req += m->requests_per_month;
		s->nunit++;
		if (m->has_revenue) {
			s->nrevenue++;
			rev += m->revenue_per_month;
			rev_total += m->monthly.total;
			rev_req += m->requests_per_month;
		}
	}
	if (req > 0) {
		s->has_per_1k = 1;
		s->per_1k = total / req * 1000;
		s->per_1k_basis = "estimate";
	}
	if (rev > 0 && rev_req > 0) {
		s->has_revenue = 1;
		s->revenue_per_1k = rev / rev_req * 1000;
		s->revenue_cost_per_1k = rev_total / rev_req * 1000;
		s->margin_pct = (rev - rev_total) / rev * 100;
	}
	if (e->portfolio.has_efficiency_index) {
		s->has_index = 1;
		s->index = e->portfolio.efficiency_index;
		s->band = e->portfolio.efficiency_band;
	}
}

static void from_bills(mlc_summary *s, const mlc_report_data *d)
{
	if (d->forecast) {
		s->has_month = 1;
		s->month_total = d->forecast->month_end.total;
		s->month_actual = d->forecast->month_end.actual;
		s->month_end = d->forecast->month_end.to_day;
	}
	if (!s->has_monthly && d->forecast) {
		s->has_monthly = 1;
		s->monthly = d->forecast->month_end.total;
		s->monthly_basis = "forecast";
	} else if (!s->has_monthly && d->daily && d->daily->n) {
		size_t from = d->daily->n > 30 ? d->daily->n - 30 : 0;
		s->has_monthly = 1;
		for (size_t i = from; i < d->daily->n; i++)
			s->monthly += d->daily->values[i];
		s->monthly_basis = "actual";
	}
	if (!s->has_per_1k && d->unit) {
		double cost = 0, req = 0;
		for (size_t i = 0; i < d->unit->nmodels; i++) {
			const mlc_unit_row *r = &d->unit->models[i];
			if (!r->model || (r->flags & MLC_UNIT_NO_USAGE))
				continue;
			cost += mlc_amount_to_double(r->cost);
			req += (double)r->requests;
		}
		if (req > 0) {
			s->has_per_1k = 1;
			s->per_1k = cost / req * 1000;
			s->per_1k_basis = "bills";
		}
	}
}

/* metered events (the dashboard): what a request cost over the days shown */
static void from_meter(mlc_summary *s, const mlc_report_data *d)
{
	double cost = 0, req = 0;
	for (size_t i = 0; i < d->nmeter; i++) {
		if (!d->meter[i].requests)
			continue;
		cost += mlc_amount_to_double(d->meter[i].cost);
		req += (double)d->meter[i].requests;
	}
	if (req > 0) {
		s->has_per_1k = 1;
		s->per_1k = cost / req * 1000;
		s->per_1k_basis = "metered";
	}
}

static void judge(mlc_summary *s, const mlc_report_data *d)
{
	char a[MLC_RFMT_MAX], b[MLC_RFMT_MAX], c[MLC_RFMT_MAX];
	mlc_rfmt__unit_money(a, sizeof(a), s->per_1k / 1000, s->currency);
	mlc_rfmt__unit_money(b, sizeof(b), s->per_1k, s->currency);
	s->status = "unknown";
	if (!s->has_per_1k) {
		snprintf(s->verdict, sizeof(s->verdict), "%s",
		         d->nmeter ? "The cost per request needs events that count requests "
		                     "(the events field requests)."
		                   : "The cost per prediction needs request volumes: "
		                     "requests_per_month in the profile, or a usage file with "
		                     "the bills.");
		return;
	}
	if (s->has_revenue) {
		const char *how = s->margin_pct < 0              ? "each prediction loses money"
		                  : s->margin_pct < MARGIN_WATCH ? "a thin margin"
		                                                 : "a healthy margin";
		mlc_rfmt__unit_money(c, sizeof(c), s->revenue_per_1k, s->currency);
		s->status = s->margin_pct < 0              ? "bad"
		            : s->margin_pct < MARGIN_WATCH ? "watch"
		                                           : "good";
		if (s->nrevenue == s->nunit) {
			snprintf(
			    s->verdict, sizeof(s->verdict),
			    "A prediction costs %s all-in (%s per 1,000) against %s of revenue per "
			    "1,000: %s.",
			    a, b, c, how);
		} else {
			mlc_rfmt__unit_money(a, sizeof(a), s->revenue_cost_per_1k, s->currency);
			snprintf(s->verdict, sizeof(s->verdict),
			         "The %zu model%s with revenue cost %s per 1,000 predictions "
			         "all-in against "
			         "%s of revenue: %s. All %zu models together: %s per 1,000.",
			         s->nrevenue, s->nrevenue == 1 ? "" : "s", a, c, how, s->nunit, b);
		}
	} else if (s->has_limit) {
		mlc_rfmt__unit_money(c, sizeof(c), s->limit, s->currency);
		s->status = s->per_1k > s->limit                 ? "bad"
		            : s->per_1k > s->limit * LIMIT_WATCH ? "watch"
		                                                 : "good";
		snprintf(
		    s->verdict, sizeof(s->verdict),
		    "A prediction costs %s all-in (%s per 1,000) against a limit of %s per 1,000: "
		    "%s.",
		    a, b, c,
		    s->per_1k > s->limit                 ? "over the limit"
		    : s->per_1k > s->limit * LIMIT_WATCH ? "close to the limit"
		                                         : "within the limit");
	} else if (!strcmp(s->per_1k_basis, "metered")) {
		snprintf(s->verdict, sizeof(s->verdict),
		         "A request costs %s as metered (%s per 1,000) over these days. A cost "
		         "limit (a policy) would judge it.",
		         a, b);
	} else {
		snprintf(s->verdict, sizeof(s->verdict),
		         "A prediction costs %s all-in (%s per 1,000). Give revenue (value: in the "
		         "profile) or a cost limit (a policy) to judge it.",
		         a, b);
	}
}

static void detail(mlc_summary *s, const mlc_report_data *d)
{
	char idx[MLC_RFMT_MAX];
	size_t k = 0;
	s->detail[0] = '\0';
	if (s->has_index) {
		mlc_rfmt__sig(idx, sizeof(idx), s->index, 3);
		k = (size_t)snprintf(s->detail, sizeof(s->detail),
		                     "MLOps cost efficiency index %s: %s (bands: below 0.5 "
		                     "inefficient, 0.5-2 developing, 2-5 mature, above 5 "
		                     "best-in-class).",
		                     idx, s->band ? s->band : "");
	}
	if (d->estimate && d->estimate->portfolio.has_split && k < sizeof(s->detail)) {
		char p[MLC_RFMT_MAX];
		mlc_rfmt__pct(p, sizeof(p), d->estimate->portfolio.people_pct);
		snprintf(s->detail + k, sizeof(s->detail) - k,
		         "%sPeople are %s of the spend (a common reference is 40%%).", k ? " " : "",
		         p);
	}
}

void mlc_report__summary(mlc_summary *out, const mlc_report_data *d, const char *currency)
{
	memset(out, 0, sizeof(*out));
	out->currency = currency;
	if (d->estimate)
		from_estimate(out, d->estimate);
	from_bills(out, d);
	if (!out->has_per_1k)
		from_meter(out, d);
	out->has_limit = mlc_report__limit(&out->limit, d, NULL);
	judge(out, d);
	detail(out, d);
}
