/* SPDX-License-Identifier: MIT */
/*
 * http_query.c - times and group_by of the read endpoints. See
 * http_query.h.
 */
#include "http_query.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* n digits at s into *out; 0, or -1. */
static int digits(int *out, const char *s, int n)
{
	int v = 0, i;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

static int64_t days_from_civil(int y, int m, int d)
{
	int64_t yy = y - (m <= 2), era = (yy >= 0 ? yy : yy - 399) / 400;
	int64_t yoe = yy - era * 400, doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

static int days_in_month(int y, int m)
{
	static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : dm[m - 1];
}

/* "Z", "+HH:MM", "-HHMM" or nothing (UTC): seconds east of UTC. */
static int zone(int *out, const char *s)
{
	int h, m, sign;
	*out = 0;
	if (!*s || ((*s == 'Z' || *s == 'z') && !s[1]))
		return 0;
	if (*s != '+' && *s != '-')
		return -1;
	sign = *s == '-' ? -1 : 1;
	if (digits(&h, s + 1, 2) || h > 23)
		return -1;
	s += 3;
	if (*s == ':')
		s++;
	if (digits(&m, s, 2) || m > 59 || s[2])
		return -1;
	*out = sign * (h * 3600 + m * 60);
	return 0;
}

int mlcd_parse_time(int64_t *out, const char *s)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, off;
	if (!s || digits(&y, s, 4) || s[4] != '-' || digits(&mo, s + 5, 2) || s[7] != '-' ||
	    digits(&d, s + 8, 2) || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
		return -1;
	s += 10;
	if (*s == 'T' || *s == 't' || *s == ' ') {
		if (digits(&h, s + 1, 2) || s[3] != ':' || digits(&mi, s + 4, 2) || h > 23 ||
		    mi > 59)
			return -1;
		s += 6;
		if (*s == ':') {
			if (digits(&sec, s + 1, 2) || sec > 60)
				return -1;
			s += 3;
			if (*s == '.') /* fractions of a second are dropped */
				for (s++; *s >= '0' && *s <= '9'; s++)
					;
		}
	} else if (*s) {
		return -1;
	}
	if (zone(&off, s))
		return -1;
	*out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - off;
	return 0;
}

size_t mlcd_format_time(char *out, size_t cap, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	return (size_t)snprintf(out, cap, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
	                        tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

int mlcd_parse_group_by(mlcd_cost_query *q, int *order, size_t *norder, const char *text, char *why,
                        size_t whycap)
{
	static const char *const dims[MLCD_DIM_COUNT] = {"model", "team", "endpoint", "version"};
	const char *p = text;
	*norder = 0;
	while (p && *p) {
		size_t n = strcspn(p, ","), d;
		int found = 0;
		for (d = 0; d < MLCD_DIM_COUNT; d++)
			if (strlen(dims[d]) == n && !strncmp(p, dims[d], n)) {
				if (q->by[d]++)
					goto twice;
				order[(*norder)++] = (int)d, found = 1;
			}
		if (!found &&
		    ((n == 4 && !strncmp(p, "hour", 4)) || (n == 3 && !strncmp(p, "day", 3)))) {
			if (q->bucket != MLCD_BUCKET_NONE) {
				snprintf(why, whycap, "group_by: at most one of hour and day");
				return -1;
			}
			q->bucket = n == 4 ? MLCD_BUCKET_HOUR : MLCD_BUCKET_DAY;
			order[(*norder)++] = MLCD_DIM_COUNT, found = 1;
		}
		if (!found) {
			snprintf(why, whycap,
			         "group_by: unknown '%.*s' (model, team, endpoint, version, "
			         "hour, day)",
			         (int)(n > 64 ? 64 : n), p);
			return -1;
		}
		p += n + (p[n] == ',');
	}
	return 0;
twice:
	snprintf(why, whycap, "group_by: a dimension is named twice");
	return -1;
}
