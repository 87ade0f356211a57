/* SPDX-License-Identifier: MIT */
/*
 * sec_daily.c - spend over time: the daily cost up to the as-of day (bill
 * money exact in the table when the data has it), the forecast with its
 * 80% and 95% intervals, and the anomalous days with their impact. The
 * table has one row per day: history rows carry the cost (and the
 * expected cost and impact of an anomaly), forecast rows the forecast.
 */
#include "report/chart.h"
#include "report/section.h"

#include "util/alloc.h"
#include "util/error.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/*
 * Forecast days shown: the horizon, but no more than the days of history
 * behind it (at least a week): three days of bills do not say much about
 * the next thirty.
 */
static size_t shown(const mlc_report_data *d)
{
	size_t reach = d->daily->n > 7 ? d->daily->n : 7;
	if (!d->forecast)
		return 0;
	return d->forecast->horizon < reach ? d->forecast->horizon : reach;
}

static int table(mlc_rtable *t, const mlc_report_data *d, const char *cur)
{
	static const char *const cols[] = {"day|d",  "cost|m", "forecast|m", "lo80|m",  "hi80|m",
	                                   "lo95|m", "hi95|m", "expected|m", "impact|m"};
	const mlc_series *s = d->daily;
	const mlc_forecast_result *f = d->forecast;
	const mlc_anomaly_result *a = d->anomalies;
	int rc = mlc_rtable__init(t, cur, cols, sizeof(cols) / sizeof(cols[0]));
	for (size_t i = 0; !rc && i < s->n + shown(d); i++) {
		mlc_cell *r = mlc_rtable__row(t);
		int hist = i < s->n;
		if (!r)
			return mlc_error_code();
		mlc_cell__day(&r[0], s->first_day + (int64_t)i);
		for (size_t k = 1; k < 9; k++)
			r[k].null = 1;
		if (hist && d->daily_exact)
			mlc_cell__amount(&r[1], d->daily_exact[i]), r[1].null = 0;
		else if (hist)
			mlc_cell__num(&r[1], s->values[i]);
		if (!hist) {
			const mlc_forecast_day *fd = &f->days[i - s->n];
			mlc_cell__num(&r[2], fd->mean);
			if (f->has_intervals) {
				mlc_cell__num(&r[3], fd->lo80);
				mlc_cell__num(&r[4], fd->hi80);
				mlc_cell__num(&r[5], fd->lo95);
				mlc_cell__num(&r[6], fd->hi95);
			}
		} else if (a && i < a->ndays && a->days[i].flagged) {
			mlc_cell__num(&r[7], a->days[i].baseline);
			mlc_cell__num(&r[8], a->days[i].impact);
		}
	}
	return rc;
}

typedef struct fc_arrays {
	double *v; /* 5 × horizon: mean, lo80, hi80, lo95, hi95 */
	size_t *anom;
	double *base;
} fc_arrays;

static int fill(fc_arrays *fa, mlc_daily_spec *sp, const mlc_report_data *d)
{
	const mlc_forecast_result *f = d->forecast;
	const mlc_anomaly_result *a = d->anomalies;
	size_t h = shown(d), na = 0;
	memset(fa, 0, sizeof(*fa));
	fa->v = mlcu_calloc(5 * h + 1, sizeof(double));
	fa->anom = mlcu_calloc((a ? a->nflagged : 0) + 1, sizeof(size_t));
	fa->base = mlcu_calloc((a ? a->nflagged : 0) + 1, sizeof(double));
	if (!fa->v || !fa->anom || !fa->base)
		return mlcu_error_oom();
	for (size_t i = 0; i < h; i++) {
		fa->v[i] = f->days[i].mean;
		fa->v[h + i] = f->days[i].lo80;
		fa->v[2 * h + i] = f->days[i].hi80;
		fa->v[3 * h + i] = f->days[i].lo95;
		fa->v[4 * h + i] = f->days[i].hi95;
	}
	for (size_t k = 0; a && k < a->nflagged; k++) {
		size_t i = a->flagged[k];
		if (i >= d->daily->n || i >= a->ndays)
			continue; /* an anomaly of another series: ignore rather than misplace */
		fa->anom[na] = i;
		fa->base[na++] = a->days[i].baseline;
	}
	sp->nf = h;
	sp->mean = fa->v;
	if (f && f->has_intervals) {
		sp->lo80 = fa->v + h;
		sp->hi80 = fa->v + 2 * h;
		sp->lo95 = fa->v + 3 * h;
		sp->hi95 = fa->v + 4 * h;
	}
	sp->nanom = na;
	sp->anom_day = fa->anom;
	sp->anom_baseline = fa->base;
	return 0;
}

static int draw(mlc_section *sec, const mlc_report_data *d, const char *cur, const char *desc)
{
	mlc_daily_spec sp;
	fc_arrays fa;
	mlc_svg s;
	int rc;
	memset(&sp, 0, sizeof(sp));
	sp.c = (mlc_chart){
	    "chart-daily-cost", "Daily cost with forecast and anomalies", desc, cur, 0, 0, 0};
	sp.first_day = d->daily->first_day;
	sp.n = d->daily->n;
	sp.values = d->daily->values;
	if (!(rc = fill(&fa, &sp, d))) {
		mlc_svg__init(&s, &sec->svg);
		if (!(rc = mlc_chart__daily(&s, &sp)))
			mlc_report__marks(sec, &s);
	}
	mlcu_free(fa.v);
	mlcu_free(fa.anom);
	mlcu_free(fa.base);
	return rc;
}

/* "$1,234.56 over the 30 days to Sep 3, 2024" and the forecast sentence */
static void lead_text(char *out, size_t cap, const mlc_report_data *d, const char *cur)
{
	const mlc_series *s = d->daily;
	const mlc_forecast_result *f = d->forecast;
	char a[MLC_RFMT_MAX], b[MLC_RFMT_MAX], c[MLC_RFMT_MAX], e[MLC_RFMT_MAX], day[MLC_RFMT_MAX];
	double sum = 0;
	size_t n = 0, k;
	for (size_t i = s->n > 30 ? s->n - 30 : 0; i < s->n; i++, n++)
		sum += s->values[i];
	mlc_rfmt__money(a, sizeof(a), sum, cur);
	mlc_rfmt__day(day, sizeof(day), s->first_day + (int64_t)s->n - 1, 1);
	k = (size_t)snprintf(out, cap, "%s over the %zu day%s to %s.", a, n, n == 1 ? "" : "s",
	                     day);
	if (f && k < cap) {
		mlc_rfmt__money(b, sizeof(b), f->month_end.total, cur);
		mlc_rfmt__day(e, sizeof(e), f->month_end.to_day, 0);
		if (f->has_intervals) {
			mlc_rfmt__money(a, sizeof(a), f->month_end.lo80, cur);
			mlc_rfmt__money(c, sizeof(c), f->month_end.hi80, cur);
			k += (size_t)snprintf(out + k, cap - k,
			                      " Forecast to %s: %s (80%% interval %s to %s).", e, b,
			                      a, c);
		} else {
			k += (size_t)snprintf(out + k, cap - k, " Forecast to %s: %s.", e, b);
		}
	}
	if (d->anomalies && k < cap) {
		mlc_rfmt__money(a, sizeof(a), fabs(d->anomalies->flagged_impact), cur);
		if (d->anomalies->nflagged)
			snprintf(out + k, cap - k, " %zu anomalous day%s, %s%s in all.",
			         d->anomalies->nflagged, d->anomalies->nflagged == 1 ? "" : "s",
			         d->anomalies->flagged_impact < 0 ? "-" : "+", a);
		else if (d->anomalies->nscored)
			snprintf(out + k, cap - k, " No anomalous day.");
	}
}

static int notes(mlc_section *sec, const mlc_report_data *d)
{
	const mlc_forecast_result *f = d->forecast;
	const mlc_anomaly_result *a = d->anomalies;
	char bt[256] = "", mape[MLC_RFMT_MAX];
	if (!f)
		return mlc_report__note(sec, "%s",
		                        "No forecast: it needs at least 2 days of history.");
	if (f->has_backtest) {
		mlc_rfmt__pct(mape, sizeof(mape), f->backtest_mape);
		snprintf(bt, sizeof(bt), "; backtest error (MAPE) %s over the last %zu days", mape,
		         f->backtest_days);
	} else if (f->backtest_note && f->backtest_note[0])
		snprintf(bt, sizeof(bt), "; no backtest: %s", f->backtest_note);
	return mlc_report__note(sec, "Forecast: %s (%s)%s.%s", mlc_forecast_model_name(f->model),
	                        f->note ? f->note : "", bt,
	                        a && !a->nscored ? " Anomalies need two weeks of history to be "
	                                           "scored against the same weekdays."
	                                         : "");
}

int mlc_report__sec_daily(mlc_report_model *m)
{
	const mlc_report_data *d = m->d;
	char lead[1024];
	mlc_section *sec;
	int rc;
	if (!d->daily || !d->daily->n) {
		mlc_report__omit(m, "daily-cost", "Daily cost, forecast and anomalies",
		                 "--bills FILE or --store URL");
		return 0;
	}
	if (!(sec = mlc_report__section(m, "daily-cost", "Spend over time", "daily")))
		return mlc_error_code();
	lead_text(lead, sizeof(lead), d, m->currency);
	if ((rc = mlc_report__lead(sec, "%s", lead)) || (rc = notes(sec, d)) ||
	    (rc = draw(sec, d, m->currency, lead)))
		return rc;
	return table(&sec->table, d, m->currency);
}
