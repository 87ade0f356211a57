/* SPDX-License-Identifier: MIT */
/*
 * series.c - daily series: building a dense series from (day, cost)
 * points, day labels, calendar periods. A series has no gaps: a day without
 * charges costs 0 (docs/forecast.md, "Input"). What it is not: a store or
 * an aggregator of bills; callers hand in daily totals.
 */
#include "series_internal.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/time.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define SECS_PER_DAY 86400

int mlc_series__check(const mlc_series *s)
{
	size_t i;
	if (!s)
		return mlcu_error_set(MLC_EINVAL, "series: NULL");
	if (s->n > MLC_SERIES_MAX_DAYS)
		return mlcu_error_set(MLC_ETOOLARGE, "series: %zu days, more than %u", s->n,
				      MLC_SERIES_MAX_DAYS);
	if (s->n > 0 && !s->values)
		return mlcu_error_set(MLC_EINVAL, "series: %zu days but no values", s->n);
	for (i = 0; i < s->n; i++)
		if (!isfinite(s->values[i])) {
			char d[16];
			mlc_series_day_format(d, sizeof(d), s->first_day + (int64_t)i);
			return mlcu_error_set(MLC_EINVAL, "series: %s: cost is not a finite number",
					      d);
		}
	return 0;
}

int mlc_series__has_negative(const double *v, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (v[i] < 0)
			return 1;
	return 0;
}

static int points_range(const mlc_series_point *p, size_t n, int64_t *lo, int64_t *hi)
{
	size_t i;
	if (n == 0)
		return mlcu_error_set(MLC_EINVAL, "series: no points to take the range from");
	*lo = *hi = p[0].day;
	for (i = 1; i < n; i++) {
		if (p[i].day < *lo)
			*lo = p[i].day;
		if (p[i].day > *hi)
			*hi = p[i].day;
	}
	return 0;
}

int mlc_series_from_points(mlc_series *out, const mlc_series_point *points, size_t n,
                           int64_t from_day, int64_t to_day)
{
	int64_t lo = 0, hi = 0;
	size_t i, len;
	int rc;
	memset(out, 0, sizeof(*out));
	if (n > 0 && !points)
		return mlcu_error_set(MLC_EINVAL, "series: %zu points but no array", n);
	if ((from_day == MLC_SERIES_AUTO || to_day == MLC_SERIES_AUTO) &&
	    (rc = points_range(points, n, &lo, &hi)) != 0)
		return rc;
	if (from_day != MLC_SERIES_AUTO)
		lo = from_day;
	if (to_day != MLC_SERIES_AUTO)
		hi = to_day;
	if (hi < lo)
		return mlcu_error_set(MLC_EINVAL, "series: empty day range");
	/* compare before subtracting: hi - lo may not fit in int64 */
	if (lo < -(INT64_C(1) << 40) || hi > (INT64_C(1) << 40) ||
	    hi - lo >= (int64_t)MLC_SERIES_MAX_DAYS)
		return mlcu_error_set(MLC_ETOOLARGE, "series: more than %u days",
				      MLC_SERIES_MAX_DAYS);
	len = (size_t)(hi - lo) + 1;
	for (i = 0; i < n; i++)
		if (!isfinite(points[i].cost))
			return mlcu_error_set(MLC_EINVAL, "series: point %zu: cost is not finite", i);
	if (!(out->values = mlcu_calloc(len, sizeof(double))))
		return mlcu_error_oom();
	for (i = 0; i < n; i++)
		if (points[i].day >= lo && points[i].day <= hi)
			out->values[points[i].day - lo] += points[i].cost;
	out->first_day = lo;
	out->n = len;
	return 0;
}

void mlc_series_clear(mlc_series *s)
{
	if (!s)
		return;
	mlcu_free(s->values);
	memset(s, 0, sizeof(*s));
}

int mlc_series_day_parse(int64_t *out, const char *text)
{
	int64_t t;
	if (!text || mlcu_time_parse(&t, text, strlen(text)) != 0)
		return mlcu_error_set(MLC_EPARSE, "'%s' is not a date (YYYY-MM-DD)",
				      text ? text : "");
	/* floor division: days before 1970 are negative */
	*out = t >= 0 ? t / SECS_PER_DAY : -((-t + SECS_PER_DAY - 1) / SECS_PER_DAY);
	return 0;
}

size_t mlc_series_day_format(char *out, size_t cap, int64_t day)
{
	int64_t y;
	unsigned m, d;
	int r;
	mlcu_civil_from_days(day, &y, &m, &d);
	r = snprintf(out, cap, "%04lld-%02u-%02u", (long long)y, m, d);
	return r < 0 ? 0 : (size_t)r;
}

void mlc_series__period_bounds(int64_t day, mlc_budget_period p, int64_t *first, int64_t *last)
{
	int64_t y;
	unsigned m, d, m0, months;
	mlcu_civil_from_days(day, &y, &m, &d);
	switch (p) {
	case MLC_BUDGET_QUARTER:
		m0 = (m - 1) / 3 * 3 + 1, months = 3;
		break;
	case MLC_BUDGET_YEAR:
		m0 = 1, months = 12;
		break;
	default:
		m0 = m, months = 1;
		break;
	}
	*first = mlcu_days_from_civil(y, m0, 1);
	m0 += months;
	if (m0 > 12)
		m0 -= 12, y++;
	*last = mlcu_days_from_civil(y, m0, 1) - 1;
}

const char *mlc_budget_period_name(mlc_budget_period p)
{
	switch (p) {
	case MLC_BUDGET_MONTH:
		return "month";
	case MLC_BUDGET_QUARTER:
		return "quarter";
	case MLC_BUDGET_YEAR:
		return "year";
	}
	return "?";
}
