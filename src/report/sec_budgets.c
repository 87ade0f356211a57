/* SPDX-License-Identifier: MIT */
/*
 * sec_budgets.c - budgets: a small burn-down per budget (cumulative actual,
 * forecast to the period end, the amount and the alert thresholds) and one
 * table of their status with the numbers of `mlcost budget status --format
 * json` (crossed thresholds written as that command writes them).
 */
#include "report/chart.h"
#include "report/section.h"

#include "util/error.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static int exceeded(const mlc_report_budget *rb)
{
	return rb->status->exceeded_actual ||
	       (rb->budget->forecast && rb->status->exceeded_forecast);
}

/* "80%,100%(f)": the thresholds crossed, "(f)" when by the forecast only; "-" for none */
static void crossed_text(char *out, size_t cap, const mlc_budget_status *st)
{
	size_t used = 0;
	out[0] = '\0';
	for (size_t i = 0; i < st->nalerts && used + 1 < cap; i++) {
		const mlc_budget_alert *al = &st->alerts[i];
		char pct[MLC_RFMT_MAX];
		int k;
		if (!al->by_actual && !al->by_forecast)
			continue;
		mlc_rfmt__number(pct, sizeof(pct), al->pct);
		k = snprintf(out + used, cap - used, "%s%s%%%s", used ? "," : "", pct,
		             al->by_actual ? "" : "(f)");
		used += k > 0 ? (size_t)k : 0;
	}
	if (!used)
		snprintf(out, cap, "-");
}

static int row(mlc_rtable *t, const mlc_report_budget *rb)
{
	const mlc_budget_status *st = rb->status;
	char cr[256];
	mlc_cell *r = mlc_rtable__row(t);
	const char *crossed;
	if (!r)
		return mlc_error_code();
	crossed_text(cr, sizeof(cr), st);
	if (!(crossed = mlc_rtable__str(t, cr)))
		return mlc_error_code();
	mlc_cell__text(&r[0], st->name, NULL);
	mlc_cell__text(&r[1], mlc_budget_period_name(st->period), NULL);
	mlc_cell__day(&r[2], st->period_start);
	mlc_cell__day(&r[3], st->period_end);
	mlc_cell__num(&r[4], st->amount);
	mlc_cell__num(&r[5], st->actual);
	mlc_cell__num(&r[6], st->used_pct);
	mlc_cell__num(&r[7], st->forecast_at_end);
	mlc_cell__num(&r[8], st->forecast_lo80);
	mlc_cell__num(&r[9], st->forecast_hi80);
	mlc_cell__num(&r[10], st->forecast_pct);
	mlc_cell__text(&r[11], st->method, NULL);
	mlc_cell__num(&r[12], st->variance);
	mlc_cell__text(&r[13], crossed, NULL);
	mlc_cell__text(&r[14], exceeded(rb) ? "yes" : "no", NULL);
	return 0;
}

static int draw(mlc_section *sec, const mlc_report_budget *rb, size_t i, const char *cur)
{
	const mlc_budget_status *st = rb->status;
	char id[32], desc[512], a[MLC_RFMT_MAX], b[MLC_RFMT_MAX], c[MLC_RFMT_MAX], p[MLC_RFMT_MAX];
	char title[384], fp[MLC_RFMT_MAX];
	mlc_burndown_spec bd;
	mlc_svg s;
	int rc;
	snprintf(id, sizeof(id), "chart-budget-%zu", i + 1);
	mlc_rfmt__money(a, sizeof(a), st->actual, cur);
	mlc_rfmt__money(b, sizeof(b), st->amount, cur);
	mlc_rfmt__money(c, sizeof(c), st->forecast_at_end, cur);
	mlc_rfmt__pct(p, sizeof(p), st->used_pct);
	snprintf(desc, sizeof(desc), "%s: %s of %s used (%s); forecast at the period end %s.",
	         st->name, a, b, p, c);
	memset(&bd, 0, sizeof(bd));
	/* the heading says where it stands: "serving · 103.3% used, forecast 119.2%" */
	mlc_rfmt__pct(fp, sizeof(fp), st->forecast_pct);
	if (strcmp(st->method, "none") && st->days_elapsed < st->days_total)
		snprintf(title, sizeof(title), "%s \xc2\xb7 %s used, forecast %s", st->name, p, fp);
	else
		snprintf(title, sizeof(title), "%s \xc2\xb7 %s used", st->name, p);
	bd.c = (mlc_chart){id, title, desc, cur, 470, 300, 1}; /* the svg copies what it needs */
	bd.period_start = st->period_start;
	bd.days_total = st->days_total;
	bd.days_elapsed = st->days_elapsed;
	bd.daily = rb->daily;
	bd.amount = st->amount;
	bd.has_forecast = strcmp(st->method, "none") != 0 && st->days_elapsed < st->days_total;
	bd.forecast_end = st->forecast_at_end;
	bd.lo80 = st->forecast_lo80;
	bd.hi80 = st->forecast_hi80;
	bd.nalerts = st->nalerts;
	bd.alerts = rb->budget->alerts;
	mlc_svg__init(&s, &sec->svg);
	if (!(rc = mlc_chart__burndown(&s, &bd)))
		mlc_report__marks(sec, &s);
	return rc;
}

int mlc_report__sec_budgets(mlc_report_model *m)
{
	static const char *const cols[] = {
	    "budget",          "period",          "period_start|d", "period_end|d",
	    "amount|m",        "actual|m",        "used_pct|p",     "forecast_at_end|m",
	    "forecast_lo80|m", "forecast_hi80|m", "forecast_pct|p", "method",
	    "variance|n",      "crossed",         "exceeded"};
	const mlc_report_data *d = m->d;
	size_t nexc = 0, nflag = 0;
	mlc_section *sec;
	int rc;
	if (!d->nbudgets) {
		mlc_report__omit(m, "budgets", "Budgets",
		                 "--budgets BUDGETS.yaml with --bills FILE or --store URL");
		return 0;
	}
	if (!(sec = mlc_report__section(m, "budgets", "Budgets", "burndown")))
		return mlc_error_code();
	sec->multiples = 1;
	if ((rc = mlc_rtable__init(&sec->table, m->currency, cols, sizeof(cols) / sizeof(cols[0]))))
		return rc;
	for (size_t i = 0; i < d->nbudgets; i++) {
		const mlc_report_budget *rb = &d->budgets[i];
		if (!rb->budget || !rb->status || (rb->status->days_elapsed && !rb->daily))
			return mlcu_error_set(MLC_EINVAL,
			                      "report: budget %zu lacks its status or days", i + 1);
		nexc += exceeded(rb) != 0;
		nflag += rb->status->variance_flagged != 0;
		if ((rc = draw(sec, rb, i, m->currency)) || (rc = row(&sec->table, rb)))
			return rc;
	}
	return mlc_report__lead(sec,
	                        "%zu budget%s: %zu exceeded (by the actual, or by the forecast "
	                        "where the budget says so), %zu with the forecast more than 10%% "
	                        "off the amount.",
	                        d->nbudgets, d->nbudgets == 1 ? "" : "s", nexc, nflag);
}
