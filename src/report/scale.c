/* SPDX-License-Identifier: MIT */
/*
 * scale.c - the scales behind the report's axes (fmt.h): "nice" value
 * ticks with 1-2-5 steps, date ticks by day, week, month or year with at
 * most one label per ~64 px, and a rough text width for layout (labels are
 * shortened rather than allowed to overlap). Not a renderer.
 */
#include "report/fmt.h"

#include "util/time.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void mlc_rfmt__ticks(mlc_ticks *out, double min, double max, int target)
{
	double range, rough, mag, norm, step;
	if (!isfinite(min) || !isfinite(max))
		min = max = 0;
	if (min > max) {
		double t = min;
		min = max;
		max = t;
	}
	if (max - min < 1e-12 * (fabs(max) + 1)) {
		/* one value: a range around it (or 0..1 for nothing at all) */
		if (max == 0)
			max = 1;
		else if (max > 0)
			min = 0;
		else
			max = 0;
	}
	range = max - min;
	rough = range / (target > 1 ? target : 1);
	mag = pow(10, floor(log10(rough)));
	norm = rough / mag;
	/* the next nice step up: at most about target + 1 ticks, so few gridlines */
	step = (norm <= 1 + 1e-9 ? 1 : norm <= 2 + 1e-9 ? 2 : norm <= 5 + 1e-9 ? 5 : 10) * mag;
	out->step = step;
	out->lo = floor(min / step + 1e-9) * step;
	out->hi = ceil(max / step - 1e-9) * step;
	out->n = (size_t)llround((out->hi - out->lo) / step) + 1;
	if (out->n > MLC_TICKS_MAX) { /* cannot happen with target <= 32; stay bounded */
		out->n = MLC_TICKS_MAX;
		out->hi = out->lo + step * (MLC_TICKS_MAX - 1);
	}
}

/* Monday = 0 (1970-01-01 was a Thursday) */
static int weekday(int64_t day)
{
	return (int)(((day % 7) + 7 + 3) % 7);
}

static int64_t month_index(int64_t day)
{
	int64_t y;
	unsigned m, d;
	mlcu_civil_from_days(day, &y, &m, &d);
	return y * 12 + (m - 1);
}

static int64_t month_start(int64_t mi)
{
	return mlcu_days_from_civil(mi / 12, (unsigned)(mi % 12) + 1, 1);
}

/* ticks every `step` units of kind over [first, last]; returns how many there are */
static size_t candidates(int64_t *days, size_t cap, mlc_day_tick_kind kind, int step, int64_t first,
                         int64_t last)
{
	size_t n = 0;
	int64_t d, mi;
	switch (kind) {
	case MLC_DAY_TICK_DAY:
		for (d = first; d <= last; d += step, n++)
			if (n < cap)
				days[n] = d;
		return n;
	case MLC_DAY_TICK_WEEK:
		for (d = first + (7 - weekday(first)) % 7; d <= last; d += 7 * step, n++)
			if (n < cap)
				days[n] = d;
		return n;
	case MLC_DAY_TICK_MONTH:
	case MLC_DAY_TICK_YEAR:
		if (kind == MLC_DAY_TICK_YEAR)
			step *= 12;
		mi = month_index(first);
		if (month_start(mi) < first)
			mi++;
		while (mi % step)
			mi++;
		for (; (d = month_start(mi)) <= last; mi += step, n++)
			if (n < cap)
				days[n] = d;
		return n;
	}
	return 0;
}

static void label(char *out, size_t cap, mlc_day_tick_kind kind, int64_t day, int first)
{
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	int64_t y;
	unsigned m, d;
	mlcu_civil_from_days(day, &y, &m, &d);
	if (kind == MLC_DAY_TICK_YEAR)
		snprintf(out, cap, "%lld", (long long)y);
	else if (kind == MLC_DAY_TICK_MONTH)
		snprintf(out, cap, first || m == 1 ? "%s %lld" : "%s", months[m - 1], (long long)y);
	else
		snprintf(out, cap, "%s %u", months[m - 1], d);
}

void mlc_rfmt__day_ticks(mlc_day_ticks *out, int64_t first, int64_t last, double width)
{
	static const struct {
		mlc_day_tick_kind kind;
		int step;
	} plan[] = {{MLC_DAY_TICK_DAY, 1},   {MLC_DAY_TICK_DAY, 2},   {MLC_DAY_TICK_WEEK, 1},
	            {MLC_DAY_TICK_WEEK, 2},  {MLC_DAY_TICK_MONTH, 1}, {MLC_DAY_TICK_MONTH, 2},
	            {MLC_DAY_TICK_MONTH, 3}, {MLC_DAY_TICK_MONTH, 6}, {MLC_DAY_TICK_YEAR, 1},
	            {MLC_DAY_TICK_YEAR, 2},  {MLC_DAY_TICK_YEAR, 5},  {MLC_DAY_TICK_YEAR, 10},
	            {MLC_DAY_TICK_YEAR, 50}};
	size_t most = width > 128 ? (size_t)(width / 64) : 2, i, n = 0;
	memset(out, 0, sizeof(*out));
	if (last < first)
		return;
	if (most > MLC_TICKS_MAX)
		most = MLC_TICKS_MAX;
	for (i = 0; i < sizeof(plan) / sizeof(plan[0]); i++) {
		n = candidates(out->days, MLC_TICKS_MAX, plan[i].kind, plan[i].step, first, last);
		if (n <= most && n >= 1)
			break;
	}
	if (i == sizeof(plan) / sizeof(plan[0])) { /* nothing fits (a tiny axis): the first day */
		out->kind = MLC_DAY_TICK_DAY;
		out->days[0] = first;
		n = 1;
	} else {
		out->kind = plan[i].kind;
	}
	out->n = n > MLC_TICKS_MAX ? MLC_TICKS_MAX : n;
	for (i = 0; i < out->n; i++)
		label(out->labels[i], sizeof(out->labels[i]), out->kind, out->days[i], i == 0);
}

/* width of one character in em, for a typical system sans-serif */
static double char_em(unsigned char c)
{
	if (c >= 0x80)
		return 0.6; /* the lead byte of a UTF-8 sequence (continuations count 0) */
	if (strchr("il.,:;|!'` ", c))
		return 0.28;
	if (strchr("fjrt()[]-", c))
		return 0.36;
	if (strchr("mwMW", c))
		return 0.86;
	if (c >= 'A' && c <= 'Z')
		return 0.66;
	if (c == '_')
		return 0.55;
	return 0.56;
}

double mlc_rfmt__text_width(const char *text, double px)
{
	double w = 0;
	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		if ((*p & 0xC0) != 0x80)
			w += char_em(*p);
	return w * px;
}

void mlc_rfmt__fit(char *out, size_t cap, const char *text, double width, double px)
{
	size_t len = strlen(text), cut;
	double ell = 0.8 * px, w = 0;
	if (mlc_rfmt__text_width(text, px) <= width || cap < 5) {
		snprintf(out, cap, "%s", text);
		return;
	}
	for (cut = 0; cut < len && cut + 4 < cap; cut++) {
		unsigned char c = (unsigned char)text[cut];
		if ((c & 0xC0) != 0x80 && w + char_em(c) * px + ell > width)
			break;
		if ((c & 0xC0) != 0x80)
			w += char_em(c) * px;
	}
	while (cut > 0 && ((unsigned char)text[cut] & 0xC0) == 0x80)
		cut--; /* never split a UTF-8 sequence */
	memcpy(out, text, cut);
	memcpy(out + cut, "\xe2\x80\xa6", 4); /* "…" and the NUL */
}
