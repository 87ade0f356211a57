/* SPDX-License-Identifier: MIT */
/*
 * chart_frame.c - what every chart shares (chart.h): the plot area and
 * value scale, the value axis with its gridlines, date labels, the legend,
 * reference lines and palette classes. Layout is computed from rough text
 * widths so that labels do not collide; nothing here knows what is drawn.
 */
#include "report/chart.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const char *mlc_chart__color(unsigned color, int stroke)
{
	static const char *const fill[] = {"c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8"};
	static const char *const line[] = {"k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8"};
	unsigned i = color ? (color - 1) % 8 : 0;
	return stroke ? line[i] : fill[i];
}

void mlc_chart__value_text(char *out, size_t cap, double v, mlc_vkind vk, const char *cur)
{
	switch (vk) {
	case MLC_VK_MONEY:
		mlc_rfmt__money(out, cap, v, cur);
		break;
	case MLC_VK_UNIT:
		mlc_rfmt__unit_money(out, cap, v, cur);
		break;
	case MLC_VK_PCT:
		mlc_rfmt__pct(out, cap, v);
		break;
	case MLC_VK_NUMBER:
		mlc_rfmt__number(out, cap, v);
		break;
	}
}

static void tick_text(char *out, size_t cap, const mlc_frame *f, double v)
{
	double top = fabs(f->t.hi) > fabs(f->t.lo) ? f->t.hi : f->t.lo;
	if (f->vk == MLC_VK_MONEY || f->vk == MLC_VK_UNIT) {
		mlc_rfmt__money_tick(out, cap, v, f->t.step, top, f->cur);
	} else if (f->vk == MLC_VK_PCT) {
		size_t n;
		mlc_rfmt__fixed(out, cap - 1, v, f->t.step < 1 ? 1 : 0, 1);
		n = strlen(out);
		out[n] = '%';
		out[n + 1] = '\0';
	} else {
		mlc_rfmt__number(out, cap, v);
	}
}

void mlc_chart__frame(mlc_frame *f, mlc_svg *s, const mlc_chart *c, mlc_vkind vk, double lo,
                      double hi, double legend_h, double bottom)
{
	double widest = 0;
	char t[MLC_RFMT_MAX];
	memset(f, 0, sizeof(*f));
	f->id = c->id;
	f->w = c->width > 0 ? c->width : MLC_CHART_W;
	f->h = c->height > 0 ? c->height : MLC_CHART_H;
	f->vk = vk;
	f->cur = c->cur;
	if (lo > 0 && vk != MLC_VK_NUMBER)
		lo = 0; /* money and shares start at zero: a cut axis exaggerates */
	mlc_rfmt__ticks(&f->t, lo, hi, f->h >= 300 ? 6 : 4);
	for (size_t i = 0; i < f->t.n; i++) {
		double w;
		tick_text(t, sizeof(t), f, f->t.lo + f->t.step * (double)i);
		w = mlc_rfmt__text_width(t, MLC_CHART_FONT);
		widest = w > widest ? w : widest;
	}
	f->x0 = 14 + widest;
	f->x1 = f->w - 20;
	f->legend_y = c->show_title ? 44 : 18;
	f->y0 = f->legend_y + legend_h - 4;
	f->y1 = f->h - bottom;
	mlc_svg__begin(s, c->id, f->w, f->h, c->title, c->desc);
	if (c->show_title)
		mlc_svg__text(s, 14, 20, "ctitle", "start", c->title, NULL);
}

void mlc_chart__clip_begin(mlc_svg *s, const mlc_frame *f)
{
	char x[MLC_SVG_NUM_MAX], y[MLC_SVG_NUM_MAX], w[MLC_SVG_NUM_MAX], h[MLC_SVG_NUM_MAX];
	mlc_svg__num(x, f->x0);
	mlc_svg__num(y, f->y0);
	mlc_svg__num(w, f->x1 - f->x0);
	mlc_svg__num(h, f->y1 - f->y0);
	mlc_svg__printf(s,
	                "<clipPath id=\"%s-clip\"><rect x=\"%s\" y=\"%s\" width=\"%s\" "
	                "height=\"%s\"/></clipPath>\n<g clip-path=\"url(#%s-clip)\">\n",
	                f->id, x, y, w, h, f->id);
}

double mlc_chart__y(const mlc_frame *f, double v)
{
	double span = f->t.hi - f->t.lo;
	if (!(span > 0) || !isfinite(v))
		return f->y1;
	return f->y1 - (v - f->t.lo) / span * (f->y1 - f->y0);
}

void mlc_chart__y_axis(mlc_svg *s, const mlc_frame *f)
{
	char t[MLC_RFMT_MAX];
	mlc_svg__group(s, "axis");
	for (size_t i = 0; i < f->t.n; i++) {
		double v = f->t.lo + f->t.step * (double)i, y;
		if (fabs(v) < f->t.step * 1e-9)
			v = 0;
		y = mlc_chart__y(f, v);
		mlc_svg__line(s, f->x0, y, f->x1, y, v == 0 ? "grid zero" : "grid");
		tick_text(t, sizeof(t), f, v);
		mlc_svg__text(s, f->x0 - 8, y + 4, "tick", "end", t, NULL);
	}
	mlc_svg__group_end(s);
}

void mlc_chart__day_axis(mlc_svg *s, const mlc_frame *f, int64_t first, int64_t last, double day_w)
{
	mlc_day_ticks dt;
	mlc_rfmt__day_ticks(&dt, first, last, f->x1 - f->x0);
	mlc_svg__group(s, "axis");
	for (size_t i = 0; i < dt.n; i++) {
		double x = f->x0 + ((double)(dt.days[i] - first) + 0.5) * day_w;
		mlc_svg__line(s, x, f->y1, x, f->y1 + 4, "grid");
		mlc_svg__text(s, x, f->y1 + 18, "tick", "middle", dt.labels[i], NULL);
	}
	mlc_svg__group_end(s);
}

static double item_width(const mlc_legend_item *it)
{
	return 22 + mlc_rfmt__text_width(it->name, MLC_CHART_FONT) + 18;
}

double mlc_chart__legend_height(const mlc_legend_item *items, size_t n, double maxw)
{
	double x = 0, rows = n ? 1 : 0;
	for (size_t i = 0; i < n; i++) {
		double w = item_width(&items[i]);
		if (x > 0 && x + w > maxw) {
			rows++;
			x = 0;
		}
		x += w;
	}
	return rows * 20;
}

static void swatch(mlc_svg *s, double x, double y, const mlc_legend_item *it)
{
	switch (it->shape) {
	case 1:
	case 2:
		mlc_svg__line(s, x, y - 4, x + 16, y - 4, it->cls);
		break;
	case 4:
		mlc_svg__circle(s, x + 8, y - 4, 5, it->cls, NULL, NULL);
		break;
	default:
		mlc_svg__rect(s, x + 2, y - 10, 12, 12, it->cls, NULL, NULL);
	}
}

double mlc_chart__legend(mlc_svg *s, double x, double y, double maxw, const mlc_legend_item *items,
                         size_t n)
{
	double cx = 0, rows = n ? 1 : 0;
	if (!n)
		return 0;
	mlc_svg__group(s, "legend");
	for (size_t i = 0; i < n; i++) {
		double w = item_width(&items[i]);
		if (cx > 0 && cx + w > maxw) {
			rows++;
			cx = 0;
		}
		swatch(s, x + cx, y + (rows - 1) * 20, &items[i]);
		mlc_svg__text(s, x + cx + 20, y + (rows - 1) * 20, "lg", "start", items[i].name,
		              NULL);
		cx += w;
	}
	mlc_svg__group_end(s);
	return rows * 20;
}

void mlc_chart__refline(mlc_svg *s, const mlc_frame *f, const mlc_refline *r)
{
	double y;
	if (!r->has || !isfinite(r->value))
		return;
	y = mlc_chart__y(f, r->value);
	mlc_svg__line(s, f->x0, y, f->x1, y, "ref");
	if (r->label)
		mlc_svg__text(s, f->x1, y - 5, "reflabel", "end", r->label, NULL);
}
