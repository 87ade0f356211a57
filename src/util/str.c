/* SPDX-License-Identifier: MIT */
/*
 * util/str.c - string helpers (see str.h).
 */
#include "util/str.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int mlcu_parse_double(double *out, const char *s, size_t len, int allow_underscore)
{
	char tmp[128];
	size_t i, n = 0;
	char *end;
	double v;
	if (len == 0 || len >= sizeof(tmp))
		return -1;
	for (i = 0; i < len; i++) {
		char c = s[i];
		if (c == '_' && allow_underscore) {
			/* only between two digits */
			if (i == 0 || i + 1 == len || !isdigit((unsigned char)s[i - 1]) ||
			    !isdigit((unsigned char)s[i + 1]))
				return -1;
			continue;
		}
		if (!(isdigit((unsigned char)c) || c == '.' || c == '-' || c == '+' || c == 'e' ||
		      c == 'E'))
			return -1;
		tmp[n++] = c;
	}
	tmp[n] = '\0';
	errno = 0;
	v = strtod(tmp, &end);
	if (end != tmp + n || n == 0 || errno == ERANGE || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

void mlcu_fmt_double(char *out, size_t outlen, double v)
{
	int prec;
	if (v == 0) {
		snprintf(out, outlen, "0");
		return;
	}
	for (prec = 15; prec <= 17; prec++) {
		snprintf(out, outlen, "%.*g", prec, v);
		if (strtod(out, NULL) == v)
			return;
	}
}

size_t mlcu_edit_distance(const char *a, const char *b, size_t cap)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t row[128];
	if (lb >= sizeof(row) / sizeof(row[0]) || la >= 128)
		return cap;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t diag = row[0], best;
		row[0] = i;
		best = row[0];
		for (j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t cost = tolower((unsigned char)a[i - 1]) ==
					      tolower((unsigned char)b[j - 1])
					      ? 0
					      : 1;
			size_t v = diag + cost;
			if (row[j] + 1 < v)
				v = row[j] + 1;
			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			row[j] = v;
			diag = up;
			if (v < best)
				best = v;
		}
		if (best >= cap)
			return cap;
	}
	return row[lb] < cap ? row[lb] : cap;
}

int mlcu_streq_nocase(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return 0;
	return *a == *b;
}
