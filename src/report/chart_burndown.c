/* SPDX-License-Identifier: MIT */
/*
 * chart_burndown.c - a budget's period (chart.h): the cumulative actual
 * cost day by day up to the as-of day, then the forecast to the period end
 * as a dashed line inside its 80% interval, against the amount and the
 * alert thresholds (dotted, labelled, coloured when crossed). Marks:
 * "actual", "forecast", "band80" once each, "threshold" per alert.
 */
#include "report/chart.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static double cum_x(const mlc_frame *f, double day_w, double days)
{
	return f->x0 + days * day_w;
}

/* the label of threshold i unless it would sit on one already written (within 13 px) */
static int label_fits(const mlc_frame *f, const mlc_burndown_spec *b, size_t i)
{
	double y = mlc_chart__y(f, b->amount * b->alerts[i] / 100);
	for (size_t k = i + 1; k < b->nalerts; k++) /* higher thresholds are labelled first */
		if (mlc_chart__y(f, b->amount * b->alerts[k] / 100) - y > -13 &&
		    mlc_chart__y(f, b->amount * b->alerts[k] / 100) >= f->y0)
			return 0;
	return y >= f->y0;
}

static void thresholds(mlc_svg *s, const mlc_frame *f, const mlc_burndown_spec *b, double actual)
{
	char m[MLC_RFMT_MAX], pct[MLC_RFMT_MAX], lab[MLC_RFMT_MAX * 3];
	int has100 = 0;
	for (size_t i = 0; i < b->nalerts; i++) {
		double at = b->amount * b->alerts[i] / 100, y = mlc_chart__y(f, at);
		int crossed = actual >= at, by_fc = b->has_forecast && b->forecast_end >= at;
		has100 |= b->alerts[i] == 100;
		mlc_rfmt__money(m, sizeof(m), at, b->c.cur);
		mlc_rfmt__number(pct, sizeof(pct), b->alerts[i]);
		snprintf(lab, sizeof(lab), "%s%% of the budget: %s%s", pct, m,
		         crossed ? " (crossed)"
		         : by_fc ? " (crossed by the forecast)"
		                 : "");
		mlc_svg__printf(s, "<g");
		mlc_svg__mark(s, "threshold");
		mlc_svg__raw(s, "><title>");
		mlc_svg__esc(s, lab);
		mlc_svg__raw(s, "</title>\n");
		mlc_svg__line(s, f->x0, y, f->x1, y, b->alerts[i] == 100 ? "ref amount" : "thr");
		mlc_rfmt__money_short(m, sizeof(m), at, b->c.cur);
		snprintf(lab, sizeof(lab), "%s%% %s", pct, m);
		if (label_fits(f, b, i))
			mlc_svg__text(s, f->x0 + 4, y - 4,
			              crossed ? "thrlabel badt"
			              : by_fc ? "thrlabel warnt"
			                      : "thrlabel",
			              "start", lab, NULL);
		mlc_svg__raw(s, "</g>\n");
	}
	if (!has100) { /* the amount itself, when no alert sits at 100% */
		double y = mlc_chart__y(f, b->amount);
		mlc_rfmt__money_short(m, sizeof(m), b->amount, b->c.cur);
		snprintf(lab, sizeof(lab), "budget %s", m);
		mlc_svg__line(s, f->x0, y, f->x1, y, "ref amount");
		mlc_svg__text(s, f->x0 + 4, y - 4, "thrlabel", "start", lab, NULL);
	}
}

static double actual_line(mlc_svg *s, const mlc_frame *f, const mlc_burndown_spec *b, double day_w)
{
	char m[MLC_RFMT_MAX], p[MLC_RFMT_MAX], day[MLC_RFMT_MAX], tip[256];
	double cum = 0;
	mlc_svg__path_begin(s);
	mlc_svg__path_point(s, cum_x(f, day_w, 0), mlc_chart__y(f, 0), 1);
	for (size_t i = 0; i < b->days_elapsed; i++) {
		cum += isfinite(b->daily[i]) ? b->daily[i] : 0;
		mlc_svg__path_point(s, cum_x(f, day_w, (double)(i + 1)), mlc_chart__y(f, cum), 0);
	}
	mlc_rfmt__money(m, sizeof(m), cum, b->c.cur);
	mlc_rfmt__pct(p, sizeof(p), b->amount > 0 ? cum / b->amount * 100 : 0);
	mlc_rfmt__day(day, sizeof(day), b->period_start + (int64_t)b->days_elapsed - 1, 1);
	snprintf(tip, sizeof(tip), "actual to %s: %s, %s of the budget", day, m, p);
	mlc_svg__path_end(s, "aline", "actual", tip);
	return cum;
}

static void forecast(mlc_svg *s, const mlc_frame *f, const mlc_burndown_spec *b, double day_w,
                     double cum)
{
	char m[MLC_RFMT_MAX], lo[MLC_RFMT_MAX], hi[MLC_RFMT_MAX], tip[320];
	double xa = cum_x(f, day_w, (double)b->days_elapsed),
	       xe = cum_x(f, day_w, (double)b->days_total);
	if (!b->has_forecast || b->days_elapsed >= b->days_total)
		return;
	mlc_rfmt__money(lo, sizeof(lo), b->lo80, b->c.cur);
	mlc_rfmt__money(hi, sizeof(hi), b->hi80, b->c.cur);
	snprintf(tip, sizeof(tip), "80%% interval at the period end: %s to %s", lo, hi);
	mlc_chart__clip_begin(s, f);
	mlc_svg__path_begin(s);
	mlc_svg__path_point(s, xa, mlc_chart__y(f, cum), 1);
	mlc_svg__path_point(s, xe, mlc_chart__y(f, b->hi80), 0);
	mlc_svg__path_point(s, xe, mlc_chart__y(f, b->lo80), 0);
	mlc_svg__path_close(s);
	mlc_svg__path_end(s, "band80", "band80", tip);
	mlc_svg__group_end(s);
	mlc_rfmt__money(m, sizeof(m), b->forecast_end, b->c.cur);
	snprintf(tip, sizeof(tip), "forecast at the period end: %s", m);
	mlc_svg__path_begin(s);
	mlc_svg__path_point(s, xa, mlc_chart__y(f, cum), 1);
	mlc_svg__path_point(s, xe, mlc_chart__y(f, b->forecast_end), 0);
	mlc_svg__path_end(s, "fline", "forecast", tip);
	mlc_rfmt__money_short(m, sizeof(m), b->forecast_end, b->c.cur);
	mlc_svg__text(s, xe - 2, mlc_chart__y(f, b->forecast_end) - 6, "vlabel", "end", m, NULL);
}

int mlc_chart__burndown(mlc_svg *s, const mlc_burndown_spec *b)
{
	static const mlc_legend_item items[] = {
	    {"actual", "aline", 1}, {"forecast", "fline", 2}, {"80% interval", "band80", 0}};
	mlc_frame f;
	double hi = b->amount, cum = 0, day_w, w = b->c.width > 0 ? b->c.width : MLC_CHART_W;
	size_t nitems = b->has_forecast ? 3 : 1;
	for (size_t i = 0; i < b->nalerts; i++)
		hi = b->amount * b->alerts[i] / 100 > hi ? b->amount * b->alerts[i] / 100 : hi;
	for (size_t i = 0; i < b->days_elapsed; i++)
		cum += isfinite(b->daily[i]) ? b->daily[i] : 0;
	hi = cum > hi ? cum : hi;
	if (b->has_forecast) /* the band beyond is cut: the amount is what the chart is about */
		hi = b->forecast_end > hi ? b->forecast_end : hi;
	mlc_chart__frame(&f, s, &b->c, MLC_VK_MONEY, 0, hi * 1.06,
	                 mlc_chart__legend_height(items, nitems, w - 28), 28);
	mlc_chart__y_axis(s, &f);
	day_w = (f.x1 - f.x0) / (double)(b->days_total ? b->days_total : 1);
	thresholds(s, &f, b, cum);
	forecast(s, &f, b, day_w, cum);
	actual_line(s, &f, b, day_w);
	if (b->days_total)
		mlc_chart__day_axis(s, &f, b->period_start,
		                    b->period_start + (int64_t)b->days_total - 1, day_w);
	mlc_chart__legend(s, 14, f.legend_y, w - 28, items, nitems);
	mlc_svg__end(s);
	return s->rc;
}
