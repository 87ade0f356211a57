/* SPDX-License-Identifier: MIT */
/*
 * chart_scatter.c - the cost–accuracy scatter (chart.h): a point per
 * variant (money along x from zero, the score along y around its range),
 * the frontier drawn through the points on it from the cheapest, a floor
 * line, the recommended point ringed, and names beside the points moved
 * apart when they would overlap. Marks: "variant" per point, "frontier".
 */
#include "report/chart.h"

#include "util/alloc.h"
#include "util/error.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define LABEL_H 14.0

typedef struct xscale {
	mlc_ticks t;
	double x0, x1;
} xscale;

static double sx(const xscale *x, double v)
{
	double span = x->t.hi - x->t.lo;
	return span > 0 ? x->x0 + (v - x->t.lo) / span * (x->x1 - x->x0) : x->x0;
}

static void x_axis(mlc_svg *s, const mlc_frame *f, const xscale *x, const mlc_scatter_spec *p)
{
	char t[MLC_RFMT_MAX];
	mlc_svg__group(s, "axis");
	for (size_t i = 0; i < x->t.n; i++) {
		double v = x->t.lo + x->t.step * (double)i, px = sx(x, v);
		mlc_svg__line(s, px, f->y0, px, f->y1, "grid");
		mlc_rfmt__money_tick(t, sizeof(t), v, x->t.step, x->t.hi, p->c.cur);
		mlc_svg__text(s, px, f->y1 + 18, "tick", "middle", t, NULL);
	}
	mlc_svg__text(s, f->x1, f->y1 + 36, "axlabel", "end", p->xname, NULL);
	mlc_svg__text(s, f->x0, f->y0 - 8, "axlabel", "start", p->yname, NULL);
	mlc_svg__group_end(s);
}

static void frontier_line(mlc_svg *s, const mlc_frame *f, const xscale *x,
                          const mlc_scatter_spec *p, const size_t *order)
{
	int first = 1;
	size_t on = 0;
	for (size_t k = 0; k < p->n; k++)
		on += p->frontier[order[k]] != 0;
	if (!on)
		return;
	mlc_svg__path_begin(s);
	for (size_t k = 0; k < p->n; k++) {
		size_t i = order[k];
		if (!p->frontier[i])
			continue;
		mlc_svg__path_point(s, sx(x, p->x[i]), mlc_chart__y(f, p->y[i]), first);
		first = 0;
	}
	mlc_svg__path_end(s, "frontier", "frontier",
	                  "the frontier: no other variant is both cheaper and more accurate");
}

static void point(mlc_svg *s, const mlc_frame *f, const xscale *x, const mlc_scatter_spec *p,
                  size_t i)
{
	char m[MLC_RFMT_MAX], y[MLC_RFMT_MAX], tip[512];
	mlc_chart__value_text(m, sizeof(m), p->x[i], p->xvk, p->c.cur);
	mlc_rfmt__number(y, sizeof(y), p->y[i]);
	snprintf(tip, sizeof(tip), "%s: %s %s, %s %s%s%s%s", p->names[i], p->xname, m, p->yname, y,
	         p->frontier[i] ? "; on the frontier" : "; dominated",
	         p->ok && !p->ok[i] ? "; fails a floor" : "",
	         (long)i == p->recommended ? "; recommended" : "");
	if ((long)i == p->recommended)
		mlc_svg__circle(s, sx(x, p->x[i]), mlc_chart__y(f, p->y[i]), 11, "rec", NULL, NULL);
	mlc_svg__circle(s, sx(x, p->x[i]), mlc_chart__y(f, p->y[i]), 6,
	                p->frontier[i] ? (p->ok && !p->ok[i] ? "pt on fail" : "pt on")
	                               : (p->ok && !p->ok[i] ? "pt off fail" : "pt off"),
	                "variant", tip);
}

/* does a label box [x, x + w] × [y - 11, y + 3] touch another label or a point? */
static int clashes(const mlc_frame *f, const xscale *x, const mlc_scatter_spec *p,
                   const size_t *by_y, size_t k, const double *ly, const double *lx,
                   const double *lw, double tx, double ty, double w)
{
	if (tx < f->x0 || tx + w > f->x1 + 16 || ty - 11 < f->y0 - 6 || ty > f->y1 - 2)
		return 1;
	for (size_t j = 0; j < k; j++) {
		size_t o = by_y[j];
		if (fabs(ly[o] - ty) < LABEL_H && tx < lx[o] + lw[o] && lx[o] < tx + w)
			return 1;
	}
	for (size_t i = 0; i < p->n; i++) {
		double px = sx(x, p->x[i]), py = mlc_chart__y(f, p->y[i]);
		if (i != by_y[k] && px + 7 > tx && px - 7 < tx + w && py + 7 > ty - 11 &&
		    py - 7 < ty + 3)
			return 1;
	}
	return 0;
}

/*
 * Labels beside their points: right, left, then a row below or above, the
 * first place that touches no other label and no point (the last tried
 * when none is free). Points are taken top to bottom.
 */
static void labels(mlc_svg *s, const mlc_frame *f, const xscale *x, const mlc_scatter_spec *p,
                   const size_t *by_y, double *ly, double *lx, double *lw)
{
	static const double dy[] = {0,        0,        LABEL_H,     LABEL_H,
	                            -LABEL_H, -LABEL_H, 2 * LABEL_H, 2 * LABEL_H};
	for (size_t k = 0; k < p->n; k++) {
		size_t i = by_y[k], c;
		double w = mlc_rfmt__text_width(p->names[i], 11.5), px = sx(x, p->x[i]);
		double py = mlc_chart__y(f, p->y[i]) + 4;
		for (c = 0; c < sizeof(dy) / sizeof(dy[0]); c++) {
			lx[i] = c % 2 == 0 ? px + 10 : px - 10 - w;
			ly[i] = py + dy[c];
			if (!clashes(f, x, p, by_y, k, ly, lx, lw, lx[i], ly[i], w))
				break;
		}
		if (c == sizeof(dy) / sizeof(dy[0])) { /* crowded: beside the point anyway */
			lx[i] = px + 10 + w <= f->x1 ? px + 10 : px - 10 - w;
			ly[i] = py;
		}
		lw[i] = w;
		mlc_svg__text(s, lx[i], ly[i], "plabel", "start", p->names[i], NULL);
	}
}

/* order[] of the points by key ascending (insertion sort: a handful of variants) */
static void sort_by(size_t *order, const double *key, size_t n, int desc)
{
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0; j--) {
			double a = key[order[j - 1]], b = key[order[j]];
			if (desc ? a >= b : a <= b)
				break;
			size_t t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
}

int mlc_chart__scatter(mlc_svg *s, const mlc_scatter_spec *p)
{
	static const mlc_legend_item items[] = {{"on the frontier", "pt on", 4},
	                                        {"on it, fails a floor", "pt on fail", 4},
	                                        {"dominated", "pt off", 4},
	                                        {"frontier", "frontier", 1},
	                                        {"recommended", "rec", 4}};
	mlc_frame f;
	xscale x;
	size_t *order = NULL;
	double *tmp = NULL, ylo = INFINITY, yhi = -INFINITY, xhi = 0, pad;
	double w = p->c.width > 0 ? p->c.width : MLC_CHART_W;
	int rc;
	if (p->n && (!(order = mlcu_calloc(p->n * 2, sizeof(size_t))) ||
	             !(tmp = mlcu_calloc(p->n * 3, sizeof(double))))) {
		rc = mlcu_error_oom();
		goto done;
	}
	for (size_t i = 0; i < p->n; i++) {
		ylo = p->y[i] < ylo ? p->y[i] : ylo;
		yhi = p->y[i] > yhi ? p->y[i] : yhi;
		xhi = p->x[i] > xhi ? p->x[i] : xhi;
	}
	if (p->floor.has) {
		ylo = p->floor.value < ylo ? p->floor.value : ylo;
		yhi = p->floor.value > yhi ? p->floor.value : yhi;
	}
	if (!p->n)
		ylo = 0, yhi = 1;
	pad = (yhi - ylo) * 0.12 + 1e-9;
	mlc_chart__frame(&f, s, &p->c, MLC_VK_NUMBER, ylo - pad, yhi + pad,
	                 mlc_chart__legend_height(items, 5, w - 28) + 14, 44);
	mlc_rfmt__ticks(&x.t, 0, xhi * 1.04, 7);
	x.x0 = f.x0 + 8;
	x.x1 = f.x1 - 8;
	mlc_chart__y_axis(s, &f);
	x_axis(s, &f, &x, p);
	mlc_chart__refline(s, &f, &p->floor);
	sort_by(order, p->x, p->n, 0);
	frontier_line(s, &f, &x, p, order);
	mlc_svg__group(s, "points");
	for (size_t i = 0; i < p->n; i++)
		point(s, &f, &x, p, i);
	mlc_svg__group_end(s);
	sort_by(order + p->n, p->y, p->n, 1);
	labels(s, &f, &x, p, order + p->n, tmp, tmp + p->n, tmp + 2 * p->n);
	mlc_chart__legend(s, 14, f.legend_y, w - 28, items, 5);
	mlc_svg__end(s);
	rc = s->rc;
done:
	mlcu_free(order);
	mlcu_free(tmp);
	return rc;
}
