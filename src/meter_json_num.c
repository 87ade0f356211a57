/* SPDX-License-Identifier: MIT */
/*
 * meter_json_num.c - numbers of the event format: JSON number text to a
 * correctly rounded double (a fast exact path for the short numbers events
 * carry, strtod for the rest), to uint64, the shortest text that reads
 * back as the same double, and the text check events share.
 *
 * Locale-proof both ways: the host program may have set LC_NUMERIC to a
 * locale whose decimal point is a comma; JSON always has '.'. Not money:
 * cost_usd is read exactly by mlc_amount_parse, never through a double.
 */
#include "meter_internal.h"

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 10^0..10^22 are exact doubles (Clinger's fast path). */
static const double exact_pow10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                       1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* strtod on a copy whose '.' is the locale's decimal point. */
static int slow_double(double *out, const char *s, size_t len)
{
	char buf[MLC_EVENT_MAX_NUMBER + 8];
	const char *dp = localeconv()->decimal_point;
	char *end;
	size_t k, n = 0;
	double v;
	if (len > MLC_EVENT_MAX_NUMBER)
		return -1;
	for (k = 0; k < len; k++) {
		if (s[k] == '.' && dp && dp[0] && strcmp(dp, ".") != 0) {
			size_t dl = strlen(dp);
			if (n + dl + (len - k) >= sizeof(buf))
				return -1;
			memcpy(buf + n, dp, dl);
			n += dl;
		} else {
			buf[n++] = s[k];
		}
	}
	buf[n] = '\0';
	v = strtod(buf, &end);
	if (end != buf + n || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

int mlc_meter__to_double(double *out, const char *s, size_t len)
{
	uint64_t m = 0;
	int digits = 0, exact = 1;
	long e10 = 0, ex = 0;
	size_t i = 0;
	int eneg = 0, frac = 0;
	for (; i < len && s[i] != 'e' && s[i] != 'E'; i++) {
		if (s[i] == '.') {
			frac = 1;
			continue;
		}
		if (m == 0 && s[i] == '0') {
			e10 -= frac;
			continue;
		}
		if (digits < 19) {
			m = m * 10 + (uint64_t)(s[i] - '0');
			digits++;
			e10 -= frac;
		} else {
			exact = 0;
			break;
		}
	}
	if (exact && i < len) {
		if (s[++i] == '+' || s[i] == '-')
			eneg = s[i++] == '-';
		for (; i < len && ex < 100000; i++)
			ex = ex * 10 + (s[i] - '0');
		e10 += eneg ? -ex : ex;
	}
	if (exact && m == 0) {
		*out = 0;
		return 0;
	}
	if (exact && m < (1ULL << 53) && e10 >= -22 && e10 <= 22) {
		*out = e10 < 0 ? (double)m / exact_pow10[-e10] : (double)m * exact_pow10[e10];
		return 0;
	}
	return slow_double(out, s, len);
}

int mlc_meter__to_u64(uint64_t *out, const char *s, size_t len)
{
	uint64_t v = 0;
	size_t i;
	for (i = 0; i < len; i++) {
		uint64_t d = (uint64_t)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

size_t mlc_meter__fmt_double(char *out, size_t cap, double v)
{
	char buf[48];
	int prec, n = 0;
	size_t k;
	for (prec = 15; prec <= 17; prec++) {
		n = snprintf(buf, sizeof(buf), "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	/* a comma locale wrote "0,5": JSON wants the point (no grouping in %g) */
	for (k = 0; k < (size_t)n; k++)
		if (buf[k] == ',')
			buf[k] = '.';
	if (cap)
		snprintf(out, cap, "%s", buf);
	return (size_t)n;
}

int mlc_meter__text_ok(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	while (i < len) {
		unsigned c = u[i];
		if (c < 0x20)
			return -1;
		if (c < 0x80) {
			i++;
			continue;
		}
		/* the same sequences the scanner accepts */
		unsigned lo = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80;
		unsigned hi = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF;
		size_t n = c >= 0xC2 && c <= 0xDF   ? 2
		           : c >= 0xE0 && c <= 0xEF ? 3
		           : c >= 0xF0 && c <= 0xF4 ? 4
		                                    : 0;
		if (n == 0 || i + n > len || u[i + 1] < lo || u[i + 1] > hi)
			return -1;
		for (size_t k = 2; k < n; k++)
			if ((u[i + k] & 0xC0) != 0x80)
				return -1;
		i += n;
	}
	return 0;
}
