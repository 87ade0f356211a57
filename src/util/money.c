/* SPDX-License-Identifier: MIT */
/*
 * util/money.c - exact decimal parsing and printing of 10^-12 fixed-point
 * money. The parser has a fast path for the shape almost every billing
 * value has (at most 19 digits, at most 12 of them fractional, no exponent)
 * that is one tight digit loop and one multiply; everything else (long
 * fractions to round, exponents, big values) takes an exact digit-by-digit
 * slow path. No strtod, no allocation, no locale.
 */
#include "util/money.h"

#include <string.h>

typedef unsigned __int128 u128;

/* 10^36: parsed amounts stay below 10^24 units, i.e. 10^36 scaled units */
#define LIMIT ((u128)1000000000000000000ULL * (u128)1000000000000000000ULL)

static const uint64_t pow10_u64[20] = {
	1ULL,
	10ULL,
	100ULL,
	1000ULL,
	10000ULL,
	100000ULL,
	1000000ULL,
	10000000ULL,
	100000000ULL,
	1000000000ULL,
	10000000000ULL,
	100000000000ULL,
	1000000000000ULL,
	10000000000000ULL,
	100000000000000ULL,
	1000000000000000ULL,
	10000000000000000ULL,
	100000000000000000ULL,
	1000000000000000000ULL,
	10000000000000000000ULL,
};

static int is_digit(char c)
{
	return (unsigned char)(c - '0') < 10;
}

/* Where the parts of a number are, found by a validating first pass. */
struct numtext {
	const char *ip; /* integer digits */
	size_t ni;
	const char *fp; /* fractional digits */
	size_t nf;
	long exp; /* decimal exponent, clamped to +-100000 */
	int neg;
};

static int scan_text(struct numtext *t, const char *s, size_t len)
{
	const char *p = s, *end = s + len;
	int eneg = 0;
	memset(t, 0, sizeof(*t));
	if (p < end && (*p == '-' || *p == '+'))
		t->neg = *p++ == '-';
	t->ip = p;
	while (p < end && is_digit(*p))
		p++;
	t->ni = (size_t)(p - t->ip);
	t->fp = p;
	if (p < end && *p == '.') {
		t->fp = ++p;
		while (p < end && is_digit(*p))
			p++;
		t->nf = (size_t)(p - t->fp);
	}
	if (t->ni + t->nf == 0)
		return -1;
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '-' || *p == '+'))
			eneg = *p++ == '-';
		if (p == end || !is_digit(*p))
			return -1;
		for (; p < end && is_digit(*p); p++)
			if (t->exp < 100000)
				t->exp = t->exp * 10 + (*p - '0');
		if (eneg)
			t->exp = -t->exp;
	}
	return p == end ? 0 : -1;
}

static int digit_at(const struct numtext *t, size_t i)
{
	return i < t->ni ? t->ip[i] - '0' : t->fp[i - t->ni] - '0';
}

/*
 * Exact conversion of any valid text: the digit sequence D (integer then
 * fractional digits) times 10^(exp - nf) times 10^12. When that power is
 * negative, the digits past the kept ones decide the rounding (half-even).
 */
static int parse_slow(mlcu_money *out, const char *s, size_t len)
{
	struct numtext t;
	size_t total, i, kept;
	long shift;
	u128 acc = 0;
	int round_digit = 0, sticky = 0;
	if (scan_text(&t, s, len) != 0)
		return MLC_EPARSE;
	total = t.ni + t.nf;
	shift = t.exp - (long)t.nf + MLCU_MONEY_DIGITS;
	if (shift >= 0)
		kept = total;
	else
		kept = (long)total + shift > 0 ? (size_t)((long)total + shift) : 0;
	for (i = 0; i < kept; i++) {
		acc = acc * 10 + (u128)digit_at(&t, i);
		if (acc >= LIMIT)
			return MLC_ETOOLARGE;
	}
	if (shift > 0 && acc != 0) {
		for (long k = 0; k < shift; k++) {
			acc *= 10;
			if (acc >= LIMIT)
				return MLC_ETOOLARGE;
		}
	}
	if (shift < 0 && (long)total + shift >= 0 && kept < total) {
		round_digit = digit_at(&t, kept);
		for (i = kept + 1; i < total && !sticky; i++)
			sticky = digit_at(&t, i) != 0;
	} else if (shift < 0) {
		/* every digit lies below the rounding position: value < 0.05e-12 */
		round_digit = 0;
	}
	if (round_digit > 5 || (round_digit == 5 && (sticky || (acc & 1))))
		acc++;
	if (acc >= LIMIT)
		return MLC_ETOOLARGE;
	*out = t.neg ? -(mlcu_money)acc : (mlcu_money)acc;
	return 0;
}

int mlcu_money_parse(mlcu_money *out, const char *s, size_t len)
{
	const char *p = s, *end = s + len, *dstart, *fstart;
	uint64_t m = 0;
	size_t nd, nf = 0;
	int neg = 0;
	if (p < end && (*p == '-' || *p == '+'))
		neg = *p++ == '-';
	dstart = p;
	while (p < end && is_digit(*p))
		m = m * 10 + (uint64_t)(*p++ - '0');
	nd = (size_t)(p - dstart);
	if (p < end && *p == '.') {
		fstart = ++p;
		while (p < end && is_digit(*p))
			m = m * 10 + (uint64_t)(*p++ - '0');
		nf = (size_t)(p - fstart);
	}
	/* the fast path: no exponent, no rounding, m did not overflow */
	if (p == end && nd + nf > 0 && nd + nf <= 19 && nf <= MLCU_MONEY_DIGITS) {
		mlcu_money v = (mlcu_money)m * (mlcu_money)pow10_u64[MLCU_MONEY_DIGITS - nf];
		*out = neg ? -v : v;
		return 0;
	}
	return parse_slow(out, s, len);
}

/* Decimal digits of u (< 10^39) into buf, most significant first. */
static size_t u128_digits(char *buf, u128 u)
{
	char tmp[48];
	size_t n = 0, i;
	do {
		tmp[n++] = (char)('0' + (int)(u % 10));
		u /= 10;
	} while (u);
	for (i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	return n;
}

static size_t emit(char *out, size_t cap, const char *text, size_t n)
{
	if (cap > 0) {
		size_t c = n < cap - 1 ? n : cap - 1;
		memcpy(out, text, c);
		out[c] = '\0';
	}
	return n;
}

static u128 magnitude(mlcu_money v)
{
	return v < 0 ? (u128)0 - (u128)v : (u128)v;
}

/* text of v with exactly `decimals` fractional digits (v already rounded) */
static size_t format_digits(char *text, mlcu_money v, int decimals, int trim)
{
	u128 u = magnitude(v);
	uint64_t frac = (uint64_t)(u % (u128)MLCU_MONEY_SCALE);
	size_t n = 0;
	int k;
	if (v < 0)
		text[n++] = '-';
	n += u128_digits(text + n, u / (u128)MLCU_MONEY_SCALE);
	frac /= pow10_u64[MLCU_MONEY_DIGITS - decimals];
	if (trim)
		while (decimals > 0 && frac % 10 == 0) {
			frac /= 10;
			decimals--;
		}
	if (decimals > 0) {
		text[n++] = '.';
		for (k = decimals - 1; k >= 0; k--) {
			text[n + (size_t)k] = (char)('0' + (int)(frac % 10));
			frac /= 10;
		}
		n += (size_t)decimals;
	}
	return n;
}

size_t mlcu_money_format(char *out, size_t cap, mlcu_money v)
{
	char text[MLCU_MONEY_FMT_MAX];
	return emit(out, cap, text, format_digits(text, v, MLCU_MONEY_DIGITS, 1));
}

mlcu_money mlcu_money_round(mlcu_money v, int decimals)
{
	u128 u = magnitude(v), unit, rem;
	if (decimals < 0)
		decimals = 0;
	if (decimals >= MLCU_MONEY_DIGITS)
		return v;
	unit = (u128)pow10_u64[MLCU_MONEY_DIGITS - decimals];
	rem = u % unit;
	u -= rem;
	/* half away from zero, unless rounding up would leave the type */
	if (rem * 2 >= unit && u + unit <= ((u128)1 << 127) - 1)
		u += unit;
	return v < 0 ? -(mlcu_money)u : (mlcu_money)u;
}

size_t mlcu_money_format_fixed(char *out, size_t cap, mlcu_money v, int decimals)
{
	char text[MLCU_MONEY_FMT_MAX];
	if (decimals < 0)
		decimals = 0;
	if (decimals > MLCU_MONEY_DIGITS)
		decimals = MLCU_MONEY_DIGITS;
	v = mlcu_money_round(v, decimals);
	return emit(out, cap, text, format_digits(text, v, decimals, 0));
}

double mlcu_money_to_double(mlcu_money v)
{
	mlcu_money units = v / MLCU_MONEY_SCALE, frac = v % MLCU_MONEY_SCALE;
	return (double)units + (double)frac / 1e12;
}
