/* SPDX-License-Identifier: MIT */
/*
 * chart_hbars.c - horizontal bars (chart.h): a row per label, the value
 * axis along the bottom, labels on the left shortened to fit. Used for tag
 * coverage, the top untagged resources and the what-if waterfall (each
 * what-if a bar from the baseline to its total, so savings point left and
 * extra costs right). The chart's height follows its rows.
 */
#include "report/chart.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define ROW 28.0

typedef struct hframe {
	double w, h;
	double label_w; /* labels end at x0 - 10 */
	double x0, x1;  /* value axis */
	double y0;      /* first row's top */
	mlc_ticks t;
	mlc_vkind vk;
	const char *cur;
} hframe;

static double hx(const hframe *f, double v)
{
	double span = f->t.hi - f->t.lo;
	return span > 0 && isfinite(v) ? f->x0 + (v - f->t.lo) / span * (f->x1 - f->x0) : f->x0;
}

static double widest(const char *const *texts, size_t n, double px)
{
	double m = 0;
	for (size_t i = 0; texts && i < n; i++) {
		double w = mlc_rfmt__text_width(texts[i], px);
		m = w > m ? w : m;
	}
	return m;
}

/* lay out n rows: labels of label_w px on the left (at most 38% of the width),
 * right_w px kept on the right for the values */
static void hframe_open(hframe *f, mlc_svg *s, const mlc_chart *c, mlc_vkind vk, double lo,
                        double hi, double label_w, size_t n, double right_w)
{
	memset(f, 0, sizeof(*f));
	f->w = c->width > 0 ? c->width : MLC_CHART_W;
	f->vk = vk;
	f->cur = c->cur;
	f->label_w = label_w;
	if (f->label_w > f->w * 0.38)
		f->label_w = f->w * 0.38;
	if (right_w > f->w * 0.35)
		right_w = f->w * 0.35;
	f->x0 = 14 + f->label_w + 10;
	f->x1 = f->w - 16 - right_w;
	f->y0 = 12;
	f->h = f->y0 + ROW * (double)n + 34;
	mlc_rfmt__ticks(&f->t, lo < 0 ? lo : 0, hi, 6);
	mlc_svg__begin(s, c->id, f->w, f->h, c->title, c->desc);
}

static void haxis(mlc_svg *s, const hframe *f, size_t n)
{
	char t[MLC_RFMT_MAX];
	double yb = f->y0 + ROW * (double)n;
	mlc_svg__group(s, "axis");
	for (size_t i = 0; i < f->t.n; i++) {
		double v = f->t.lo + f->t.step * (double)i, x = hx(f, v);
		mlc_svg__line(s, x, f->y0 - 4, x, yb,
		              fabs(v) < f->t.step * 1e-9 ? "grid zero" : "grid");
		if (f->vk == MLC_VK_PCT) {
			mlc_rfmt__fixed(t, sizeof(t), v, 0, 1);
			strcat(t, "%");
		} else {
			mlc_rfmt__money_tick(t, sizeof(t), v, f->t.step, f->t.hi, f->cur);
		}
		mlc_svg__text(s, x, yb + 18, "tick", "middle", t, NULL);
	}
	mlc_svg__group_end(s);
}

static void row_label(mlc_svg *s, const hframe *f, size_t i, const char *text)
{
	char fit[256];
	mlc_rfmt__fit(fit, sizeof(fit), text, f->label_w, MLC_CHART_FONT);
	mlc_svg__text(s, f->x0 - 10, f->y0 + ROW * ((double)i + 0.5) + 4, "cat", "end", fit,
	              strcmp(fit, text) ? text : NULL);
}

int mlc_chart__hbars(mlc_svg *s, const mlc_hbars_spec *b)
{
	hframe f;
	char val[MLC_RFMT_MAX], tip[512], after[320];
	double hi = b->max, right = 0;
	for (size_t i = 0; i < b->n; i++) {
		double w;
		hi = b->max > 0 ? hi : (b->values[i] > hi ? b->values[i] : hi);
		mlc_chart__value_text(val, sizeof(val), b->values[i], b->vk, b->c.cur);
		snprintf(after, sizeof(after), "%s%s%s", val,
		         b->notes && b->notes[i][0] ? "  " : "", b->notes ? b->notes[i] : "");
		w = mlc_rfmt__text_width(after, MLC_CHART_FONT) + 12;
		right = w > right ? w : right;
	}
	hframe_open(&f, s, &b->c, b->vk, 0, hi, widest(b->labels, b->n, MLC_CHART_FONT), b->n,
	            right);
	haxis(s, &f, b->n);
	mlc_svg__group(s, "bars");
	for (size_t i = 0; i < b->n; i++) {
		double y = f.y0 + ROW * (double)i + 5, x = hx(&f, b->values[i]);
		mlc_chart__value_text(val, sizeof(val), b->values[i], b->vk, b->c.cur);
		snprintf(tip, sizeof(tip), "%s: %s%s%s", b->labels[i], val,
		         b->notes && b->notes[i][0] ? "; " : "", b->notes ? b->notes[i] : "");
		mlc_svg__rect(s, hx(&f, 0), y, x - hx(&f, 0), ROW - 10,
		              mlc_chart__color(b->colors ? b->colors[i] : 1, 0), b->mark, tip);
		snprintf(after, sizeof(after), "%s%s", b->notes && b->notes[i][0] ? "  " : "",
		         b->notes ? b->notes[i] : "");
		mlc_svg__text2(s, (x > hx(&f, 0) ? x : hx(&f, 0)) + 6, y + ROW / 2 - 1, "vlabel",
		               val, "vnote", after);
		row_label(s, &f, i, b->labels[i]);
	}
	mlc_svg__group_end(s);
	if (b->target.has) {
		double x = hx(&f, b->target.value);
		mlc_svg__line(s, x, f.y0 - 6, x, f.y0 + ROW * (double)b->n, "ref");
		if (b->target.label)
			mlc_svg__text(s, x + 4, f.y0 + ROW * (double)b->n + 30, "reflabel", "start",
			              b->target.label, NULL);
	}
	mlc_svg__end(s);
	return s->rc;
}

/* "saves $3,426.91 (40.5%)" / "costs $660.96 more (7.8%)" */
static void change_text(char *out, size_t cap, double base, double total, const char *cur)
{
	char m[MLC_RFMT_MAX], p[MLC_RFMT_MAX];
	double d = base - total;
	mlc_rfmt__money(m, sizeof(m), fabs(d), cur);
	mlc_rfmt__pct(p, sizeof(p), base != 0 ? fabs(d) / base * 100 : 0);
	if (d >= 0)
		snprintf(out, cap, "saves %s (%s)", m, p);
	else
		snprintf(out, cap, "costs %s more (%s)", m, p);
}

static void waterfall_rows(mlc_svg *s, const hframe *f, const mlc_waterfall_spec *w)
{
	char lab[MLC_RFMT_MAX * 3], tot[MLC_RFMT_MAX], tip[512];
	double xb = hx(f, w->baseline);
	for (size_t i = 0; i < w->n; i++) {
		double y = f->y0 + ROW * (double)(i + 1) + 5, xt = hx(f, w->totals[i]);
		int saves = w->totals[i] <= w->baseline;
		change_text(lab, sizeof(lab), w->baseline, w->totals[i], w->c.cur);
		mlc_rfmt__money(tot, sizeof(tot), w->totals[i], w->c.cur);
		snprintf(tip, sizeof(tip), "%s: %s a month; %s", w->labels[i], tot, lab);
		mlc_svg__rect(s, saves ? xt : xb, y, fabs(xt - xb) < 1 ? 1 : fabs(xt - xb),
		              ROW - 10, saves ? "good" : "bad", "whatif", tip);
		mlc_svg__text(s, f->x1 + 10, y + ROW / 2 - 1,
		              saves ? "vlabel goodt" : "vlabel badt", "start", lab, NULL);
		row_label(s, f, i + 1, w->labels[i]);
	}
}

int mlc_chart__waterfall(mlc_svg *s, const mlc_waterfall_spec *w)
{
	hframe f;
	char lab[MLC_RFMT_MAX * 3], tip[512];
	const char *labels[1] = {w->baseline_label};
	double hi = w->baseline, right = 0, yb, lw;
	for (size_t i = 0; i < w->n; i++) {
		double tw;
		hi = w->totals[i] > hi ? w->totals[i] : hi;
		change_text(lab, sizeof(lab), w->baseline, w->totals[i], w->c.cur);
		tw = mlc_rfmt__text_width(lab, MLC_CHART_FONT) + 20;
		right = tw > right ? tw : right;
	}
	lw = widest(w->labels, w->n, MLC_CHART_FONT);
	if (widest(labels, 1, MLC_CHART_FONT) > lw)
		lw = widest(labels, 1, MLC_CHART_FONT);
	hframe_open(&f, s, &w->c, MLC_VK_MONEY, 0, hi, lw, w->n + 1, right);
	haxis(s, &f, w->n + 1);
	mlc_svg__group(s, "bars");
	mlc_rfmt__money(lab, sizeof(lab), w->baseline, w->c.cur);
	snprintf(tip, sizeof(tip), "%s: %s a month", w->baseline_label, lab);
	mlc_svg__rect(s, hx(&f, 0), f.y0 + 5, hx(&f, w->baseline) - hx(&f, 0), ROW - 10, "base",
	              "baseline", tip);
	mlc_svg__text(s, f.x1 + 10, f.y0 + ROW / 2 + 4, "vlabel", "start", lab, NULL);
	row_label(s, &f, 0, w->baseline_label);
	waterfall_rows(s, &f, w);
	mlc_svg__group_end(s);
	yb = f.y0 + ROW * (double)(w->n + 1);
	mlc_svg__line(s, hx(&f, w->baseline), f.y0, hx(&f, w->baseline), yb, "ref");
	mlc_svg__end(s);
	return s->rc;
}
