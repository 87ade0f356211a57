/* SPDX-License-Identifier: MIT */
/*
 * fmt.c - numbers for people (fmt.h): fixed decimals with separators,
 * money with its symbol, short forms for axes and
 * labels, unit costs, percentages, counts and dates. The output does not
 * depend on the locale.
 */
#include "report/fmt.h"

#include "util/time.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/*
 * printf's %.*f rounds the exact binary value correctly (681.9449999999999 is
 * 681.94, where llround(v * 100) would say 681.95); its decimal point may
 * follow LC_NUMERIC, so the digits are taken as they come and the point and
 * separators are written here.
 */
void mlc_rfmt__fixed(char *out, size_t cap, double v, int dec, int group)
{
	char raw[64], whole[48];
	size_t nw = 0, k = 0, len;
	int neg;
	if (!isfinite(v))
		v = 0;
	if (dec < 0)
		dec = 0;
	if (dec > 12)
		dec = 12;
	if (fabs(v) > 9e17)
		v = v < 0 ? -9e17 : 9e17;
	snprintf(raw, sizeof(raw), "%.*f", dec, fabs(v));
	len = strlen(raw);
	while (nw < len && raw[nw] >= '0' && raw[nw] <= '9')
		nw++; /* the integer digits; then the point (any character) and dec digits */
	neg = v < 0 && strspn(raw, "0.,") != len;
	for (size_t i = 0; i < nw && k + 2 < sizeof(whole); i++) {
		if (group && i && (nw - i) % 3 == 0)
			whole[k++] = ',';
		whole[k++] = raw[i];
	}
	whole[k] = '\0';
	if (dec && nw + 1 < len)
		snprintf(out, cap, "%s%s.%s", neg ? "-" : "", whole, raw + nw + 1);
	else
		snprintf(out, cap, "%s%s", neg ? "-" : "", whole);
}

/* prefix symbol, or NULL when the code is written after the amount */
static const char *symbol(const char *cur)
{
	static const char *const map[][2] = {
	    {"USD", "$"},   {"EUR", "\xe2\x82\xac"}, {"GBP", "\xc2\xa3"},    {"JPY", "\xc2\xa5"},
	    {"CAD", "CA$"}, {"AUD", "A$"},           {"INR", "\xe2\x82\xb9"}};
	if (!cur)
		return "";
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(cur, map[i][0]))
			return map[i][1];
	return NULL;
}

void mlc_rfmt__with_currency(char *out, size_t cap, int neg, const char *digits, const char *cur)
{
	const char *sym = symbol(cur);
	if (sym)
		snprintf(out, cap, "%s%s%s", neg ? "-" : "", sym, digits);
	else
		snprintf(out, cap, "%s%s %s", neg ? "-" : "", digits, cur);
}

/* drop trailing zeros after the point, keeping at least keep decimals */
static void trim_zeros(char *s, int keep)
{
	char *dot = strchr(s, '.'), *end;
	if (!dot)
		return;
	end = s + strlen(s);
	while (end > dot + 1 + keep && end[-1] == '0')
		*--end = '\0';
	if (end == dot + 1)
		*dot = '\0';
}

static void money_dec(char *out, size_t cap, double v, int dec, int keep, const char *cur,
                      const char *suffix)
{
	char d[MLC_RFMT_MAX], t[MLC_RFMT_MAX];
	int neg;
	mlc_rfmt__fixed(d, sizeof(d), fabs(v), dec, 1);
	trim_zeros(d, keep);
	neg = v < 0 && strspn(d, "0.,") != strlen(d);
	snprintf(t, sizeof(t), "%s%s", d, suffix);
	mlc_rfmt__with_currency(out, cap, neg, t, cur);
}

void mlc_rfmt__money(char *out, size_t cap, double v, const char *cur)
{
	money_dec(out, cap, v, 2, 2, cur, "");
}

/* decimals that show `sig` significant digits of a (0 < a) */
static int sig_decimals(double a, int sig)
{
	int d = sig - 1 - (int)floor(log10(a));
	return d < 0 ? 0 : d > 12 ? 12 : d;
}

void mlc_rfmt__money_short(char *out, size_t cap, double v, const char *cur)
{
	double a = fabs(v);
	if (a >= 999.5e6)
		money_dec(out, cap, v / 1e9, a >= 9.95e9 ? 0 : 1, 0, cur, "B");
	else if (a >= 999.5e3)
		money_dec(out, cap, v / 1e6, a >= 9.95e6 ? 0 : 1, 0, cur, "M");
	else if (a >= 999.5)
		money_dec(out, cap, v / 1e3, a >= 9.95e3 ? 0 : 1, 0, cur, "k");
	else if (a >= 9.995 || a == 0 || !isfinite(a)) /* "$50", not "$50.00", on a chart */
		money_dec(out, cap, v, 0, 0, cur, "");
	else if (a >= 1)
		money_dec(out, cap, v, 2, 2, cur, "");
	else
		money_dec(out, cap, v, sig_decimals(a, 2), 0, cur, "");
}

void mlc_rfmt__unit_money(char *out, size_t cap, double v, const char *cur)
{
	double a = fabs(v);
	int dec = a >= 100 || a == 0 || !isfinite(a) ? 2 : sig_decimals(a, 4);
	money_dec(out, cap, v, dec < 2 ? 2 : dec, 2, cur, "");
}

void mlc_rfmt__money_tick(char *out, size_t cap, double v, double step, double axis_max,
                          const char *cur)
{
	double unit = 1;
	const char *suffix = "";
	int dec = 0;
	axis_max = fabs(axis_max);
	if (axis_max >= 1e9)
		unit = 1e9, suffix = "B";
	else if (axis_max >= 1e6)
		unit = 1e6, suffix = "M";
	else if (axis_max >= 1e4) /* "$2,000" reads better than "$2k"; "$20k" than "$20,000" */
		unit = 1e3, suffix = "k";
	if (step > 0 && step / unit < 1)
		dec = (int)-floor(log10(step / unit) + 1e-9);
	money_dec(out, cap, v / unit, dec, 0, cur, v == 0 ? "" : suffix);
}

void mlc_rfmt__pct(char *out, size_t cap, double pct)
{
	char d[MLC_RFMT_MAX];
	mlc_rfmt__fixed(d, sizeof(d), pct, 1, 1);
	snprintf(out, cap, "%s%%", strcmp(d, "-0.0") ? d : "0.0");
}

void mlc_rfmt__count(char *out, size_t cap, double v)
{
	mlc_rfmt__fixed(out, cap, v, 0, 1);
}

void mlc_rfmt__count_short(char *out, size_t cap, double v)
{
	char d[MLC_RFMT_MAX];
	double a = fabs(v), div = 1;
	const char *suffix = "";
	if (a >= 999.5e6)
		div = 1e9, suffix = "B";
	else if (a >= 999.5e3)
		div = 1e6, suffix = "M";
	else if (a >= 999.5)
		div = 1e3, suffix = "k";
	mlc_rfmt__fixed(d, sizeof(d), v / div, div > 1 && a / div < 9.95 ? 1 : 0, 1);
	trim_zeros(d, 0);
	snprintf(out, cap, "%s%s", d, suffix);
}

void mlc_rfmt__sig(char *out, size_t cap, double v, int sig)
{
	double a = fabs(v);
	mlc_rfmt__fixed(out, cap, v, a == 0 || !isfinite(a) ? 0 : sig_decimals(a, sig), 0);
	trim_zeros(out, 0);
}

void mlc_rfmt__number(char *out, size_t cap, double v)
{
	mlc_rfmt__sig(out, cap, v, 6);
}

void mlc_rfmt__day(char *out, size_t cap, int64_t day, int with_year)
{
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	int64_t y;
	unsigned m, d;
	mlcu_civil_from_days(day, &y, &m, &d);
	if (with_year)
		snprintf(out, cap, "%s %u, %lld", months[m - 1], d, (long long)y);
	else
		snprintf(out, cap, "%s %u", months[m - 1], d);
}
