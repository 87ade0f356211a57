/* SPDX-License-Identifier: MIT */
/*
 * fmt.h - how the report writes numbers for people: money with the
 * currency's symbol and thousands separators ("$8,457.33"), short money
 * for axes and labels ("$1.2k", "$3.4M"), unit costs with enough digits
 * ("$0.1175"), percentages, counts, dates; and the scales behind the axes
 * ("nice" 1-2-5 ticks, date ticks by day, week, month or year).
 *
 * Everything is integer arithmetic or fixed formats: no locale, so the
 * same number gives the same text everywhere. Machine text (JSON, data-
 * value attributes) is not made here: it is the shortest round-trip or
 * the exact decimal, written by the table module.
 */
#ifndef MLC_REPORT_FMT_H
#define MLC_REPORT_FMT_H

#include <stddef.h>
#include <stdint.h>

#define MLC_RFMT_MAX 64 /* bytes any formatter below needs at most */

/* v rounded to dec (0..12) decimals, with "," thousands separators when group. */
void mlc_rfmt__fixed(char *out, size_t cap, double v, int dec, int group);
/* "$8,457.33"; other currencies: symbol when known (€, £, ¥), else "8,457.33 CHF". */
void mlc_rfmt__money(char *out, size_t cap, double v, const char *cur);
/* sign, the currency's symbol (or code after), digits without a sign: "-$1,234.50" */
void mlc_rfmt__with_currency(char *out, size_t cap, int neg, const char *digits, const char *cur);
/* Short money for labels: "$950", "$50", "$8.46", "$1.2k", "$46k", "$3.4M", "$0.12", "$0.0064". */
void mlc_rfmt__money_short(char *out, size_t cap, double v, const char *cur);
/* Unit cost: 4 significant digits, at least 2 decimals ("$0.1175", "$8.00", "$1.765"). */
void mlc_rfmt__unit_money(char *out, size_t cap, double v, const char *cur);
/* An axis tick: money in the unit (1, k, M, B) the axis maximum calls for,
 * with as many decimals as the step needs ("$1.5k" for step 500). */
void mlc_rfmt__money_tick(char *out, size_t cap, double v, double step, double axis_max,
                          const char *cur);
/* "12.5%" (one decimal; never "-0.0%"). */
void mlc_rfmt__pct(char *out, size_t cap, double pct);
/* A count rounded to an integer with separators: "72,000,000". */
void mlc_rfmt__count(char *out, size_t cap, double v);
/* A count in short form: "72M", "1.2k", "950". */
void mlc_rfmt__count_short(char *out, size_t cap, double v);
/* v with sig significant digits, trailing zeros dropped ("0.131"). */
void mlc_rfmt__sig(char *out, size_t cap, double v, int sig);
/* A plain number: up to 6 significant digits, trailing zeros dropped ("0.942", "180"). */
void mlc_rfmt__number(char *out, size_t cap, double v);
/* "Sep 3" (with_year: "Sep 3, 2024"); "2024-09-03" is mlc_series_day_format. */
void mlc_rfmt__day(char *out, size_t cap, int64_t day, int with_year);

/* ---- scales ---------------------------------------------------------------------------- */

#define MLC_TICKS_MAX 64

typedef struct mlc_ticks {
	double lo, hi, step; /* lo and hi are multiples of step enclosing the data */
	size_t n;            /* ticks lo, lo + step, ..., hi */
} mlc_ticks;

/* About target ticks over [min, max] with steps 1, 2 or 5 × 10^k. */
void mlc_rfmt__ticks(mlc_ticks *out, double min, double max, int target);

typedef enum mlc_day_tick_kind {
	MLC_DAY_TICK_DAY = 0,
	MLC_DAY_TICK_WEEK = 1,
	MLC_DAY_TICK_MONTH = 2,
	MLC_DAY_TICK_YEAR = 3
} mlc_day_tick_kind;

typedef struct mlc_day_ticks {
	mlc_day_tick_kind kind;
	size_t n;
	int64_t days[MLC_TICKS_MAX];
	char labels[MLC_TICKS_MAX][24];
} mlc_day_ticks;

/* Ticks for the days [first, last] on an axis width px wide: every day, every
 * week (Mondays), every month (the 1st) or every year, at most one label per
 * about 64 px. */
void mlc_rfmt__day_ticks(mlc_day_ticks *out, int64_t first, int64_t last, double width);

/* Rough width in px of text at font size px (system sans-serif, for layout). */
double mlc_rfmt__text_width(const char *text, double px);
/* text cut to fit width px at font size px, ending in "…" when cut. */
void mlc_rfmt__fit(char *out, size_t cap, const char *text, double width, double px);

#endif
