/* SPDX-License-Identifier: MIT */
/*
 * chart_time.c - charts over days (chart.h): the daily cost (a bar per
 * day; after the as-of day the forecast's mean as a dashed line inside its
 * 95% and 80% bands; anomalous days ringed and labelled with their impact)
 * and lines per series (cost per 1,000 predictions per model and day).
 * Marks: "day" per history day, "band95"/"band80"/"forecast" once each,
 * "anomaly" per flagged day; "point" per value of a line chart.
 */
#include "report/chart.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define MAX_ANOM_LABELS 8
#define LEGEND_MAX      16

static double day_x(const mlc_frame *f, double day_w, double i)
{
	return f->x0 + (i + 0.5) * day_w;
}

/* the band between lo and hi over the forecast days, as one closed path */
static void band(mlc_svg *s, const mlc_frame *f, const mlc_daily_spec *d, double day_w,
                 const double *lo, const double *hi, const char *cls, const char *tip)
{
	mlc_svg__path_begin(s);
	for (size_t i = 0; i < d->nf; i++)
		mlc_svg__path_point(s, day_x(f, day_w, (double)(d->n + i)), mlc_chart__y(f, hi[i]),
		                    i == 0);
	for (size_t i = d->nf; i-- > 0;)
		mlc_svg__path_point(s, day_x(f, day_w, (double)(d->n + i)), mlc_chart__y(f, lo[i]),
		                    0);
	mlc_svg__path_close(s);
	mlc_svg__path_end(s, cls, cls, tip);
}

static void forecast(mlc_svg *s, const mlc_frame *f, const mlc_daily_spec *d, double day_w)
{
	char a[MLC_RFMT_MAX], b[MLC_RFMT_MAX], tip[256];
	double sum = 0;
	if (!d->nf)
		return;
	for (size_t i = 0; i < d->nf; i++)
		sum += d->mean[i];
	mlc_rfmt__day(a, sizeof(a), d->first_day + (int64_t)d->n + (int64_t)d->nf - 1, 1);
	mlc_rfmt__money(b, sizeof(b), sum, d->c.cur);
	if (d->lo95 && d->hi95) {
		mlc_chart__clip_begin(s, f);
		band(s, f, d, day_w, d->lo95, d->hi95, "band95",
		     "95% prediction interval of the daily cost");
		band(s, f, d, day_w, d->lo80, d->hi80, "band80",
		     "80% prediction interval of the daily cost");
		mlc_svg__group_end(s);
	}
	snprintf(tip, sizeof(tip), "forecast to %s: %s in %zu days", a, b, d->nf);
	mlc_svg__path_begin(s);
	for (size_t i = 0; i < d->nf; i++)
		mlc_svg__path_point(s, day_x(f, day_w, (double)(d->n + i)),
		                    mlc_chart__y(f, d->mean[i]), i == 0);
	mlc_svg__path_end(s, "fline", "forecast", tip);
	/* where the history ends */
	mlc_svg__line(s, f->x0 + day_w * (double)d->n, f->y0 - 4, f->x0 + day_w * (double)d->n,
	              f->y1, "asof");
	mlc_svg__text(s, f->x0 + day_w * (double)d->n + 4, f->y0 + 8, "sub", "start", "forecast",
	              NULL);
}

static int is_anomaly(const mlc_daily_spec *d, size_t i)
{
	for (size_t k = 0; k < d->nanom; k++)
		if (d->anom_day[k] == i)
			return 1;
	return 0;
}

static void history(mlc_svg *s, const mlc_frame *f, const mlc_daily_spec *d, double day_w)
{
	char day[MLC_RFMT_MAX], v[MLC_RFMT_MAX], tip[256];
	double bw = day_w * 0.78 < 1 ? 1 : day_w * 0.78;
	mlc_svg__group(s, "bars");
	for (size_t i = 0; i < d->n; i++) {
		double y0 = mlc_chart__y(f, 0), y = mlc_chart__y(f, d->values[i]);
		mlc_rfmt__day(day, sizeof(day), d->first_day + (int64_t)i, 1);
		mlc_rfmt__money(v, sizeof(v), d->values[i], d->c.cur);
		snprintf(tip, sizeof(tip), "%s: %s", day, v);
		mlc_svg__rect(s, day_x(f, day_w, (double)i) - bw / 2, y < y0 ? y : y0, bw,
		              fabs(y0 - y), is_anomaly(d, i) ? "c6" : "c1", "day", tip);
	}
	mlc_svg__group_end(s);
}

/* impact as "+$400" or "-$35" */
static void impact_text(char *out, size_t cap, double impact, const char *cur)
{
	if (cap < 2)
		return;
	out[0] = impact < 0 ? '-' : '+';
	mlc_rfmt__money_short(out + 1, cap - 1, fabs(impact), cur);
}

/* labels of the largest impacts first; one that would overlap a label already placed is
 * left out (the marker and its tooltip stay) */
static void anomaly_labels(mlc_svg *s, const mlc_frame *f, const mlc_daily_spec *d, double day_w)
{
	double px[MAX_ANOM_LABELS], pw[MAX_ANOM_LABELS], py[MAX_ANOM_LABELS];
	char imp[MLC_RFMT_MAX + 2];
	size_t placed = 0, used[MAX_ANOM_LABELS];
	while (placed < MAX_ANOM_LABELS && placed < d->nanom) {
		size_t best = d->nanom;
		for (size_t k = 0; k < d->nanom; k++) {
			int taken = 0;
			for (size_t j = 0; j < placed; j++)
				taken |= used[j] == k;
			if (!taken &&
			    (best == d->nanom ||
			     fabs(d->values[d->anom_day[k]] - d->anom_baseline[k]) >
			         fabs(d->values[d->anom_day[best]] - d->anom_baseline[best])))
				best = k;
		}
		double v = d->values[d->anom_day[best]],
		       x = day_x(f, day_w, (double)d->anom_day[best]);
		double y = mlc_chart__y(f, v > 0 ? v : 0) - 18, w;
		int clash = 0;
		impact_text(imp, sizeof(imp), v - d->anom_baseline[best], d->c.cur);
		w = mlc_rfmt__text_width(imp, MLC_CHART_FONT);
		for (size_t j = 0; j < placed; j++)
			clash |= fabs(py[j] - y) < 14 && fabs(px[j] - x) < (pw[j] + w) / 2 + 4;
		used[placed] = best;
		px[placed] = x, py[placed] = y, pw[placed] = clash ? 0 : w;
		placed++;
		if (!clash)
			mlc_svg__text(s, x, y, "anomlabel", "middle", imp, NULL);
	}
}

static void anomalies(mlc_svg *s, const mlc_frame *f, const mlc_daily_spec *d, double day_w)
{
	char day[MLC_RFMT_MAX], a[MLC_RFMT_MAX], b[MLC_RFMT_MAX], imp[MLC_RFMT_MAX + 2], tip[512];
	for (size_t k = 0; k < d->nanom; k++) {
		size_t i = d->anom_day[k];
		double x = day_x(f, day_w, (double)i), v = d->values[i], base = d->anom_baseline[k];
		double y = mlc_chart__y(f, v > 0 ? v : 0) - 9;
		mlc_rfmt__day(day, sizeof(day), d->first_day + (int64_t)i, 1);
		mlc_rfmt__money(a, sizeof(a), v, d->c.cur);
		mlc_rfmt__money(b, sizeof(b), base, d->c.cur);
		impact_text(imp, sizeof(imp), v - base, d->c.cur);
		if (base != 0) {
			char p[MLC_RFMT_MAX];
			mlc_rfmt__pct(p, sizeof(p), (v - base) / base * 100);
			snprintf(tip, sizeof(tip), "%s: %s against %s expected: %s (%s%s)", day, a,
			         b, imp, v > base ? "+" : "", p);
		} else {
			snprintf(tip, sizeof(tip), "%s: %s against %s expected: %s (new spend)",
			         day, a, b, imp);
		}
		mlc_svg__circle(s, x, y, 5, "anom", "anomaly", tip);
	}
	anomaly_labels(s, f, d, day_w);
}

/*
 * The axis top: the history and the forecast's mean always fit; the bands
 * fit up to 1.6 × that and are cut beyond (a wide band on a short history
 * must not flatten the days that were actually paid).
 */
static double top_of(const mlc_daily_spec *d)
{
	double base = 0, band = 0;
	for (size_t i = 0; i < d->n; i++)
		base = d->values[i] > base ? d->values[i] : base;
	for (size_t i = 0; i < d->nf; i++) {
		base = d->mean[i] > base ? d->mean[i] : base;
		if (d->hi95)
			band = d->hi95[i] > band ? d->hi95[i] : band;
	}
	if (base <= 0)
		return band;
	return band > base * 1.6 ? base * 1.6 : band > base ? band : base;
}

int mlc_chart__daily(mlc_svg *s, const mlc_daily_spec *d)
{
	mlc_legend_item items[5];
	mlc_frame f;
	size_t n = 0, total = d->n + d->nf;
	double hi = 0, day_w, w = d->c.width > 0 ? d->c.width : MLC_CHART_W;
	items[n++] = (mlc_legend_item){"daily cost", "c1", 0};
	if (d->nf) {
		items[n++] = (mlc_legend_item){"forecast", "fline", 2};
		if (d->lo95 && d->hi95) {
			items[n++] = (mlc_legend_item){"80% interval", "band80", 0};
			items[n++] = (mlc_legend_item){"95% interval", "band95", 0};
		}
	}
	if (d->nanom)
		items[n++] = (mlc_legend_item){"anomaly", "anom", 4};
	hi = top_of(d);
	if (d->nanom)
		hi *= 1.12; /* room for the markers and their labels */
	mlc_chart__frame(&f, s, &d->c, MLC_VK_MONEY, 0, hi,
	                 mlc_chart__legend_height(items, n, w - 28), 28);
	mlc_chart__y_axis(s, &f);
	day_w = (f.x1 - f.x0) / (double)(total ? total : 1);
	forecast(s, &f, d, day_w);
	history(s, &f, d, day_w);
	anomalies(s, &f, d, day_w);
	if (total)
		mlc_chart__day_axis(s, &f, d->first_day, d->first_day + (int64_t)total - 1, day_w);
	mlc_chart__legend(s, 14, f.legend_y, w - 28, items, n);
	mlc_svg__end(s);
	return s->rc;
}

static void series_line(mlc_svg *s, const mlc_frame *f, const mlc_lines_spec *l, size_t k,
                        double day_w)
{
	char day[MLC_RFMT_MAX], v[MLC_RFMT_MAX], tip[320];
	const double *vals = l->values + k * l->ndays;
	int open = 0;
	mlc_svg__path_begin(s);
	for (size_t i = 0; i < l->ndays; i++) {
		if (!isfinite(vals[i])) {
			open = 0;
			continue;
		}
		mlc_svg__path_point(s, day_x(f, day_w, (double)i), mlc_chart__y(f, vals[i]), !open);
		open = 1;
	}
	mlc_svg__path_end(s, mlc_chart__color(l->colors[k], 1), NULL, NULL);
	for (size_t i = 0; i < l->ndays; i++) {
		if (!isfinite(vals[i]))
			continue;
		mlc_rfmt__day(day, sizeof(day), l->first_day + (int64_t)i, 1);
		mlc_chart__value_text(v, sizeof(v), vals[i], l->vk, l->c.cur);
		snprintf(tip, sizeof(tip), "%s \xe2\x80\x94 %s: %s", l->names[k], day, v);
		/* many days: smaller dots, so the line stays readable */
		mlc_svg__circle(s, day_x(f, day_w, (double)i), mlc_chart__y(f, vals[i]),
		                l->ndays > 31 ? 2.2 : 3.5, mlc_chart__color(l->colors[k], 0),
		                "point", tip);
	}
}

int mlc_chart__lines(mlc_svg *s, const mlc_lines_spec *l)
{
	mlc_legend_item items[LEGEND_MAX + 1];
	mlc_refline line = l->line;
	char ref[256];
	mlc_frame f;
	size_t n = 0;
	double hi = 0, lo = 0, day_w, w = l->c.width > 0 ? l->c.width : MLC_CHART_W;
	for (size_t k = 0; k < l->nseries && n < LEGEND_MAX; k++)
		items[n++] = (mlc_legend_item){l->names[k], mlc_chart__color(l->colors[k], 0), 0};
	if (line.has) { /* named in the legend, clear of the lines */
		char v[MLC_RFMT_MAX];
		mlc_chart__value_text(v, sizeof(v), line.value, l->vk, l->c.cur);
		snprintf(ref, sizeof(ref), "%s: %s", line.label ? line.label : "limit", v);
		items[n++] = (mlc_legend_item){ref, "ref", 2};
		line.label = NULL;
	}
	for (size_t i = 0; i < l->nseries * l->ndays; i++)
		if (isfinite(l->values[i])) {
			hi = l->values[i] > hi ? l->values[i] : hi;
			lo = l->values[i] < lo ? l->values[i] : lo;
		}
	if (l->line.has && l->line.value > hi)
		hi = l->line.value;
	mlc_chart__frame(&f, s, &l->c, l->vk, lo, hi * 1.05,
	                 mlc_chart__legend_height(items, n, w - 28), 28);
	mlc_chart__y_axis(s, &f);
	day_w = (f.x1 - f.x0) / (double)(l->ndays ? l->ndays : 1);
	mlc_chart__refline(s, &f, &line);
	mlc_svg__group(s, "lines");
	for (size_t k = 0; k < l->nseries; k++)
		series_line(s, &f, l, k, day_w);
	mlc_svg__group_end(s);
	if (l->ndays)
		mlc_chart__day_axis(s, &f, l->first_day, l->first_day + (int64_t)l->ndays - 1,
		                    day_w);
	mlc_chart__legend(s, 14, f.legend_y, w - 28, items, n);
	mlc_svg__end(s);
	return s->rc;
}
