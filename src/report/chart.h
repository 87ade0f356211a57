/* SPDX-License-Identifier: MIT */
/*
 * chart.h - the report's chart types, drawn as SVG from plain arrays: bars
 * (stacked, grouped, or stacks side by side), horizontal bars, a waterfall
 * of what-ifs against a baseline, daily cost with a forecast band and
 * anomaly markers, lines over days, a budget burn-down, and a scatter with
 * its frontier. Each mark carries a data-mark kind and a <title> tooltip
 * with the exact number; each chart a <title> and <desc>.
 *
 * What it is not: aware of costs, bills or budgets. The section modules
 * (sec_*.c) turn library results into these specs; the charts only draw.
 * Colours are palette indexes (1..8 → classes c1..c8, styled by the page).
 */
#ifndef MLC_REPORT_CHART_H
#define MLC_REPORT_CHART_H

#include "report/fmt.h"
#include "report/svg.h"

#include <stddef.h>
#include <stdint.h>

#define MLC_CHART_W    960
#define MLC_CHART_H    360
#define MLC_CHART_FONT 12.0 /* px of axis text, for layout */

/* How values read on an axis and in labels. */
typedef enum mlc_vkind {
	MLC_VK_MONEY = 0, /* "$1.2k" on axes, "$1,234.56" in tooltips */
	MLC_VK_UNIT = 1,  /* small money: cost per 1,000 predictions */
	MLC_VK_PCT = 2,   /* 0..100 */
	MLC_VK_NUMBER = 3
} mlc_vkind;

/* What every chart has. */
typedef struct mlc_chart {
	const char *id;       /* unique in the page: the <svg> id */
	const char *title;    /* <title>: what the chart shows */
	const char *desc;     /* <desc>: the text alternative, a sentence with the main numbers */
	const char *cur;      /* currency code for money */
	double width, height; /* 0: MLC_CHART_W × MLC_CHART_H */
	int show_title;       /* also draw the title at the top (small multiples) */
} mlc_chart;

/* A horizontal reference line (a limit, a target); has = 0 for none. */
typedef struct mlc_refline {
	int has;
	double value;
	const char *label; /* "limit $0.50 per 1k" */
} mlc_refline;

/* Value text for labels and tooltips: full money, unit money, "12.5%", number. */
void mlc_chart__value_text(char *out, size_t cap, double v, mlc_vkind vk, const char *cur);

/* ---- bars --------------------------------------------------------------------------------- */

/*
 * ncats categories along x; nseries series, each drawn in stack stack[s]
 * of every category (NULL: all in stack 0, i.e. stacked). Stacks of one
 * category stand side by side (grouped bars: stack[s] = s). values is
 * nseries × ncats, values[s * ncats + c]; 0 draws nothing, NaN is no value.
 */
typedef struct mlc_bars_spec {
	mlc_chart c;
	mlc_vkind vk;
	size_t ncats;
	const char *const *cats;
	size_t nseries;
	const char *const *names;
	const unsigned *colors; /* per series, 1..8 */
	const double *values;
	const unsigned *stack;
	size_t nstacks;
	const char *const *stack_names; /* under each bar when there are several, or NULL */
	int totals;                     /* label each stack with its total */
	mlc_refline line;
	size_t label_every; /* name every k-th category only (days); 0 or 1: every one */
} mlc_bars_spec;

int mlc_chart__bars(mlc_svg *s, const mlc_bars_spec *spec);

/* ---- horizontal bars and the waterfall ------------------------------------------------------ */

typedef struct mlc_hbars_spec {
	mlc_chart c;
	mlc_vkind vk;
	size_t n;
	const char *const *labels;
	const double *values;
	const unsigned *colors;   /* per bar, or NULL for colour 1 */
	const char *const *notes; /* text after each value ("missing: team"), or NULL */
	double max;               /* axis maximum; 0: from the data */
	mlc_refline target;       /* a vertical line (a coverage target) */
	const char *mark;         /* data-mark kind of the bars */
} mlc_hbars_spec;

int mlc_chart__hbars(mlc_svg *s, const mlc_hbars_spec *spec);

/*
 * What-ifs against a baseline: the baseline bar from 0, then for each
 * what-if a bar from the baseline to its total: a saving (total below the
 * baseline) or an extra cost. Each is measured alone; they do not add up.
 */
typedef struct mlc_waterfall_spec {
	mlc_chart c;
	const char *baseline_label;
	double baseline;
	size_t n;
	const char *const *labels;
	const double *totals;
} mlc_waterfall_spec;

int mlc_chart__waterfall(mlc_svg *s, const mlc_waterfall_spec *spec);

/* ---- over days ------------------------------------------------------------------------------ */

/* Daily cost: a bar per day, then the forecast's mean and its 80%/95% bands,
 * and the anomalous days marked and labelled with their impact. */
typedef struct mlc_daily_spec {
	mlc_chart c;
	int64_t first_day;
	size_t n;
	const double *values;
	size_t nf; /* forecast days, from first_day + n */
	const double *mean, *lo80, *hi80, *lo95, *hi95;
	size_t nanom;
	const size_t *anom_day;      /* indexes into values */
	const double *anom_baseline; /* expected cost of the day */
} mlc_daily_spec;

int mlc_chart__daily(mlc_svg *s, const mlc_daily_spec *spec);

/* Lines over days, one per series (values nseries × ndays; NaN = no point). */
typedef struct mlc_lines_spec {
	mlc_chart c;
	mlc_vkind vk;
	int64_t first_day;
	size_t ndays;
	size_t nseries;
	const char *const *names;
	const unsigned *colors;
	const double *values;
	mlc_refline line;
} mlc_lines_spec;

int mlc_chart__lines(mlc_svg *s, const mlc_lines_spec *spec);

/* A budget's period: cumulative actual cost to the as-of day, the forecast
 * to the period end with its 80% interval, the amount and the thresholds. */
typedef struct mlc_burndown_spec {
	mlc_chart c;
	int64_t period_start;
	size_t days_total;
	size_t days_elapsed;
	const double *daily; /* days_elapsed values */
	double amount;
	int has_forecast;
	double forecast_end, lo80, hi80;
	size_t nalerts;
	const double *alerts; /* percents of amount */
} mlc_burndown_spec;

int mlc_chart__burndown(mlc_svg *s, const mlc_burndown_spec *spec);

/* ---- scatter -------------------------------------------------------------------------------- */

/* Points (x money, y a score), the frontier through the points flagged, a
 * floor line, the recommended point ringed. */
typedef struct mlc_scatter_spec {
	mlc_chart c;
	mlc_vkind xvk;
	const char *xname, *yname;
	size_t n;
	const char *const *names;
	const double *x, *y;
	const int *frontier; /* 1: on the frontier */
	const int *ok;       /* 1: meets the floors */
	long recommended;    /* -1: none */
	mlc_refline floor;   /* horizontal (a y value) */
} mlc_scatter_spec;

int mlc_chart__scatter(mlc_svg *s, const mlc_scatter_spec *spec);

/* ---- shared by the chart files -------------------------------------------------------------- */

/* The plot area and value scale of a chart with a vertical value axis. */
typedef struct mlc_frame {
	const char *id;
	double w, h;
	double legend_y;       /* baseline of the legend's first row */
	double x0, x1, y0, y1; /* plot area: x0 left, x1 right, y0 top, y1 bottom */
	mlc_ticks t;           /* value axis */
	mlc_vkind vk;
	const char *cur;
} mlc_frame;

/* A legend entry: shape 0 square, 1 line, 2 dashed line, 3 band, 4 circle. */
typedef struct mlc_legend_item {
	const char *name;
	const char *cls;
	int shape;
} mlc_legend_item;

/* Open the svg and set up the frame: value range [lo, hi] (0 included for
 * money), plot area below a legend strip of legend_h px. */
void mlc_chart__frame(mlc_frame *f, mlc_svg *s, const mlc_chart *c, mlc_vkind vk, double lo,
                      double hi, double legend_h, double bottom);
double mlc_chart__y(const mlc_frame *f, double v);
/* Gridlines and value labels on the left. */
void mlc_chart__y_axis(mlc_svg *s, const mlc_frame *f);
/* Date labels along the bottom for days [first, last] drawn from xa to xb. */
void mlc_chart__day_axis(mlc_svg *s, const mlc_frame *f, int64_t first, int64_t last, double day_w);
/* A legend along the top, wrapping; returns the height it took. */
double mlc_chart__legend(mlc_svg *s, double x, double y, double maxw, const mlc_legend_item *items,
                         size_t n);
/* Height a legend of these names takes within maxw (for layout before drawing). */
double mlc_chart__legend_height(const mlc_legend_item *items, size_t n, double maxw);
/* A dashed horizontal reference line with its label at the right end. */
void mlc_chart__refline(mlc_svg *s, const mlc_frame *f, const mlc_refline *r);
/* A clip path of the plot area and a <g> drawn through it (close with
 * mlc_svg__group_end): bands beyond the axis are cut, not drawn over the rest. */
void mlc_chart__clip_begin(mlc_svg *s, const mlc_frame *f);
/* "c3" for colour 3 (1..8; others wrap). */
const char *mlc_chart__color(unsigned color, int stroke);

#endif
