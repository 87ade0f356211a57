/* SPDX-License-Identifier: MIT */
/*
 * util/time.c - UTC timestamp parsing, bucketing and formatting with
 * days-from-civil arithmetic (see time.h). The civil-date conversions follow
 * the well-known era/day-of-era method (400-year cycles of 146097 days), so
 * they are exact for every proleptic Gregorian date and need no tables.
 */
#include "util/time.h"

#include <stdio.h>
#include <string.h>

#define SECS_PER_DAY 86400

int64_t mlcu_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era, yoe, doy, doe;
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (int64_t)(m > 2 ? m - 3 : m + 9) + 2) / 5 + (int64_t)d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void mlcu_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned days_in_month(int64_t y, unsigned m)
{
	static const unsigned char dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

/* n decimal digits at p (the caller checked the length); -1 on a non-digit */
static int digits(const char *p, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		unsigned c = (unsigned char)p[i] - '0';
		if (c > 9)
			return -1;
		v = v * 10 + (int)c;
	}
	return v;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* The zone designator at s[i..len): Z, +HH, +HHMM, +HH:MM or nothing. */
static int parse_zone(int64_t *offset, const char *s, size_t i, size_t len)
{
	int sign, hh, mm = 0;
	*offset = 0;
	if (i == len)
		return 0;
	if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == len)
		return 0;
	if (s[i] != '+' && s[i] != '-')
		return -1;
	sign = s[i] == '-' ? -1 : 1;
	i++;
	if (len - i < 2 || (hh = digits(s + i, 2)) < 0 || hh > 23)
		return -1;
	i += 2;
	if (i < len && s[i] == ':')
		i++;
	if (i < len) {
		if (len - i != 2 || (mm = digits(s + i, 2)) < 0 || mm > 59)
			return -1;
	} else if (s[i - 1] == ':') {
		return -1;
	}
	*offset = sign * (int64_t)(hh * 3600 + mm * 60);
	return 0;
}

/* "HH:MM[:SS[.frac]]" at s[*pos..len); leaves *pos after it. */
static int parse_clock(int64_t *secs, const char *s, size_t *pos, size_t len)
{
	size_t i = *pos;
	int hh, mi, ss = 0, frac = 0;
	if (len - i < 5 || s[i + 2] != ':' || (hh = digits(s + i, 2)) < 0 ||
	    (mi = digits(s + i + 3, 2)) < 0)
		return -1;
	i += 5;
	if (i < len && s[i] == ':') {
		if (len - i < 3 || (ss = digits(s + i + 1, 2)) < 0)
			return -1;
		i += 3;
		if (i < len && (s[i] == '.' || s[i] == ',')) {
			size_t f = ++i;
			while (i < len && (unsigned)((unsigned char)s[i] - '0') <= 9) {
				if (s[i] != '0')
					frac = 1;
				i++;
			}
			if (i == f)
				return -1;
		}
	}
	if (mi > 59 || ss > 60)
		return -1;
	if (hh > 24 || (hh == 24 && (mi || ss || frac)))
		return -1;
	*secs = (int64_t)hh * 3600 + mi * 60 + ss;
	*pos = i;
	return 0;
}

int mlcu_time_parse(int64_t *out, const char *s, size_t len)
{
	int64_t secs = 0, offset = 0, y;
	int m, d;
	size_t i;
	while (len && is_blank(s[len - 1]))
		len--;
	while (len && is_blank(*s)) {
		s++;
		len--;
	}
	if (len < 10 || s[4] != '-' || s[7] != '-')
		return -1;
	y = digits(s, 4);
	m = digits(s + 5, 2);
	d = digits(s + 8, 2);
	if (y < 1 || m < 1 || m > 12 || d < 1 || (unsigned)d > days_in_month(y, (unsigned)m))
		return -1;
	i = 10;
	if (i < len) {
		if (s[i] != 'T' && s[i] != 't' && s[i] != ' ')
			return -1;
		i++;
		if (parse_clock(&secs, s, &i, len) < 0 || parse_zone(&offset, s, i, len) < 0)
			return -1;
	}
	*out = mlcu_days_from_civil(y, (unsigned)m, (unsigned)d) * SECS_PER_DAY + secs - offset;
	return 0;
}

int mlcu_time_parse_interval(int64_t *start, int64_t *end, const char *s, size_t len)
{
	const char *slash = memchr(s, '/', len);
	int64_t a, b;
	size_t n;
	if (!slash)
		return -1;
	n = (size_t)(slash - s);
	if (mlcu_time_parse(&a, s, n) < 0 || mlcu_time_parse(&b, slash + 1, len - n - 1) < 0 ||
	    b < a)
		return -1;
	*start = a;
	*end = b;
	return 0;
}

int mlcu_bucket_parse(mlcu_bucket *out, const char *s)
{
	if (strcmp(s, "hour") == 0)
		*out = MLCU_BUCKET_HOUR;
	else if (strcmp(s, "day") == 0)
		*out = MLCU_BUCKET_DAY;
	else if (strcmp(s, "month") == 0)
		*out = MLCU_BUCKET_MONTH;
	else
		return -1;
	return 0;
}

const char *mlcu_bucket_name(mlcu_bucket b)
{
	switch (b) {
	case MLCU_BUCKET_HOUR:
		return "hour";
	case MLCU_BUCKET_DAY:
		return "day";
	case MLCU_BUCKET_MONTH:
		return "month";
	default:
		return "none";
	}
}

/* floor(a / b) for b > 0, also for negative a */
static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && a < 0) ? q - 1 : q;
}

int64_t mlcu_time_bucket(int64_t t, mlcu_bucket b)
{
	int64_t days, y;
	unsigned m, d;
	switch (b) {
	case MLCU_BUCKET_HOUR:
		return floor_div(t, 3600) * 3600;
	case MLCU_BUCKET_DAY:
		return floor_div(t, SECS_PER_DAY) * SECS_PER_DAY;
	case MLCU_BUCKET_MONTH:
		days = floor_div(t, SECS_PER_DAY);
		mlcu_civil_from_days(days, &y, &m, &d);
		return mlcu_days_from_civil(y, m, 1) * SECS_PER_DAY;
	default:
		return t;
	}
}

size_t mlcu_time_format(char *out, size_t cap, int64_t t)
{
	/* remainder first: days * SECS_PER_DAY would overflow within a day of INT64_MIN */
	int64_t days = t / SECS_PER_DAY, rem = t % SECS_PER_DAY, y;
	unsigned m, d;
	int n;
	if (rem < 0)
		rem += SECS_PER_DAY, days--;
	mlcu_civil_from_days(days, &y, &m, &d);
	n = snprintf(out, cap, "%04lld-%02u-%02uT%02d:%02d:%02dZ", (long long)y, m, d,
	             (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60));
	return n < 0 ? 0 : (size_t)n;
}

size_t mlcu_time_format_bucket(char *out, size_t cap, int64_t t, mlcu_bucket b)
{
	int64_t y;
	unsigned m, d;
	int n;
	if (b == MLCU_BUCKET_HOUR || b == MLCU_BUCKET_NONE)
		return mlcu_time_format(out, cap, mlcu_time_bucket(t, b));
	mlcu_civil_from_days(floor_div(t, SECS_PER_DAY), &y, &m, &d);
	if (b == MLCU_BUCKET_DAY)
		n = snprintf(out, cap, "%04lld-%02u-%02u", (long long)y, m, d);
	else
		n = snprintf(out, cap, "%04lld-%02u", (long long)y, m);
	return n < 0 ? 0 : (size_t)n;
}
