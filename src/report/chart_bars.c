/* SPDX-License-Identifier: MIT */
/*
 * chart_bars.c - vertical bars (chart.h): categories along x, series
 * stacked within a bar, several bars (stacks) per category side by side.
 * One drawing covers stacked bars, grouped bars and "infrastructure by
 * phase beside people". Positive values stack up from zero, negative ones
 * (credits) down. Each non-zero value is one mark "bar".
 */
#include "report/chart.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define LEGEND_MAX 16

static unsigned stack_of(const mlc_bars_spec *b, size_t s)
{
	return b->stack ? b->stack[s] : 0;
}

static double value(const mlc_bars_spec *b, size_t s, size_t c)
{
	double v = b->values[s * b->ncats + c];
	return isfinite(v) ? v : 0;
}

/* the extent of every stack: largest positive sum, most negative sum */
static void extent(const mlc_bars_spec *b, double *lo, double *hi)
{
	*lo = *hi = 0;
	for (size_t c = 0; c < b->ncats; c++)
		for (unsigned k = 0; k < (b->nstacks ? b->nstacks : 1); k++) {
			double pos = 0, neg = 0;
			for (size_t s = 0; s < b->nseries; s++) {
				double v = value(b, s, c);
				if (stack_of(b, s) != k)
					continue;
				if (v > 0)
					pos += v;
				else
					neg += v;
			}
			*hi = pos > *hi ? pos : *hi;
			*lo = neg < *lo ? neg : *lo;
		}
	if (b->line.has && b->line.value > *hi)
		*hi = b->line.value;
}

static void draw_stack(mlc_svg *svg, const mlc_frame *f, const mlc_bars_spec *b, size_t c,
                       unsigned k, double x, double bw)
{
	double pos = 0, neg = 0;
	char val[MLC_RFMT_MAX], tip[512];
	for (size_t s = 0; s < b->nseries; s++) {
		double v = value(b, s, c), from, to;
		if (stack_of(b, s) != k || v == 0)
			continue;
		from = v > 0 ? pos : neg;
		to = from + v;
		if (v > 0)
			pos = to;
		else
			neg = to;
		mlc_chart__value_text(val, sizeof(val), v, b->vk, b->c.cur);
		if (b->stack_names && b->nstacks > 1)
			snprintf(tip, sizeof(tip), "%s \xe2\x80\x94 %s \xe2\x80\x94 %s: %s",
			         b->cats[c], b->stack_names[k], b->names[s], val);
		else
			snprintf(tip, sizeof(tip), "%s \xe2\x80\x94 %s: %s", b->cats[c],
			         b->names[s], val);
		mlc_svg__rect(svg, x, mlc_chart__y(f, to), bw,
		              mlc_chart__y(f, from) - mlc_chart__y(f, to),
		              mlc_chart__color(b->colors[s], 0), "bar", tip);
	}
	if (b->totals && (pos != 0 || neg != 0)) {
		if (b->vk == MLC_VK_MONEY)
			mlc_rfmt__money_short(val, sizeof(val), pos + neg, b->c.cur);
		else
			mlc_chart__value_text(val, sizeof(val), pos + neg, b->vk, b->c.cur);
		mlc_svg__text(svg, x + bw / 2, mlc_chart__y(f, pos) - 6, "vlabel", "middle", val,
		              NULL);
	}
}

static void draw_labels(mlc_svg *svg, const mlc_frame *f, const mlc_bars_spec *b, double band,
                        double group, double bw)
{
	char fit[256];
	for (size_t c = 0; c < b->ncats; c++) {
		double cx = f->x0 + band * ((double)c + 0.5);
		if (b->label_every > 1 && c % b->label_every)
			continue; /* the bars' tooltips still name it */
		mlc_rfmt__fit(fit, sizeof(fit), b->cats[c],
		              band * (double)(b->label_every > 1 ? b->label_every : 1) - 8,
		              MLC_CHART_FONT);
		mlc_svg__text(svg, cx, f->y1 + (b->stack_names && b->nstacks > 1 ? 34 : 18), "cat",
		              "middle", fit, strcmp(fit, b->cats[c]) ? b->cats[c] : NULL);
		for (unsigned k = 0; b->stack_names && b->nstacks > 1 && k < b->nstacks; k++) {
			double x =
			    cx - group / 2 + (double)k * (group / (double)b->nstacks) + bw / 2;
			mlc_rfmt__fit(fit, sizeof(fit), b->stack_names[k],
			              group / (double)b->nstacks, 10.5);
			mlc_svg__text(svg, x, f->y1 + 16, "sub", "middle", fit, NULL);
		}
	}
}

int mlc_chart__bars(mlc_svg *svg, const mlc_bars_spec *b)
{
	mlc_legend_item items[LEGEND_MAX + 1];
	mlc_refline line = b->line;
	char ref[256];
	mlc_frame f;
	size_t nitems = 0;
	unsigned nst = b->nstacks ? (unsigned)b->nstacks : 1;
	double lo, hi, lh, band, group, bw, w = b->c.width > 0 ? b->c.width : MLC_CHART_W;
	for (size_t s = 0; s < b->nseries && nitems < LEGEND_MAX; s++)
		if (b->nseries > 1)
			items[nitems++] =
			    (mlc_legend_item){b->names[s], mlc_chart__color(b->colors[s], 0), 0};
	if (line.has) { /* the reference line is named in the legend, clear of the bars */
		char v[MLC_RFMT_MAX];
		mlc_chart__value_text(v, sizeof(v), line.value, b->vk, b->c.cur);
		snprintf(ref, sizeof(ref), "%s: %s", line.label ? line.label : "limit", v);
		items[nitems++] = (mlc_legend_item){ref, "ref", 2};
		line.label = NULL;
	}
	lh = mlc_chart__legend_height(items, nitems, w - 28);
	extent(b, &lo, &hi);
	if (b->totals)
		hi *= 1.08; /* room for the total above the tallest bar */
	mlc_chart__frame(&f, svg, &b->c, b->vk, lo, hi, lh,
	                 b->stack_names && b->nstacks > 1 ? 44 : 28);
	mlc_chart__y_axis(svg, &f);
	band = (f.x1 - f.x0) / (double)(b->ncats ? b->ncats : 1);
	group = band * 0.72;
	if (group > 72.0 * nst)
		group = 72.0 * nst;
	bw = group / nst - (nst > 1 ? 4 : 0);
	mlc_svg__group(svg, "bars");
	for (size_t c = 0; c < b->ncats; c++)
		for (unsigned k = 0; k < nst; k++) {
			double x = f.x0 + band * ((double)c + 0.5) - group / 2 +
			           (double)k * (group / nst) + (nst > 1 ? 2 : 0);
			draw_stack(svg, &f, b, c, k, x, bw);
		}
	mlc_svg__group_end(svg);
	mlc_chart__refline(svg, &f, &line);
	draw_labels(svg, &f, b, band, group, bw);
	mlc_chart__legend(svg, 14, f.legend_y, w - 28, items, nitems);
	mlc_svg__end(svg);
	return svg->rc;
}
