/* SPDX-License-Identifier: MIT */
/*
 * util/money.h - exact billing money: a signed 128-bit integer counting
 * 10^-12 units of the currency (SPEC §1). Parsing reads decimal text exactly
 * (no double on the way), sums are plain integer additions with an overflow
 * check, formatting prints the exact decimal. This is for money read from
 * bills; model estimates stay in double and do not use this type.
 *
 * Decisions (see docs/internals-csv.md, "Money"):
 * - more than 12 fractional digits, written out or produced by an exponent
 *   ("1.2E-15"), round half-even at the 12th digit: the error is below
 *   0.5e-12 and unbiased, so sums of many such rows do not drift;
 * - |value| must be below 10^24 currency units; larger is MLC_ETOOLARGE;
 * - display rounding (cents) is half away from zero, as invoices and
 *   spreadsheets round.
 */
#ifndef MLCU_MONEY_H
#define MLCU_MONEY_H

#include <stddef.h>
#include <stdint.h>

#include "mlcost/common.h"

typedef __int128 mlcu_money;

#define MLCU_MONEY_DIGITS 12
#define MLCU_MONEY_SCALE ((mlcu_money)1000000000000LL)
/* bytes a formatted amount may need, NUL included: sign, 24 integer
 * digits, point, 12 fractional digits, with room to spare */
#define MLCU_MONEY_FMT_MAX 48

/*
 * Parse the whole of s[0..len) as a decimal amount: optional sign, digits
 * with at most one '.', at least one digit, optional exponent (e/E, sign,
 * digits). No spaces, no thousands separators, no "nan"/"inf".
 * Returns 0, MLC_EPARSE (not a number) or MLC_ETOOLARGE (|value| >= 10^24).
 * Sets no error message: callers on the hot path add file, line and column.
 */
int mlcu_money_parse(mlcu_money *out, const char *s, size_t len);

/* *acc += v; MLC_ETOOLARGE (and *acc unchanged) when the sum overflows. */
static inline int mlcu_money_add(mlcu_money *acc, mlcu_money v)
{
	mlcu_money r;
	if (__builtin_add_overflow(*acc, v, &r))
		return MLC_ETOOLARGE;
	*acc = r;
	return 0;
}

/* An integer number of units (e.g. 42 dollars) as money. */
static inline mlcu_money mlcu_money_from_units(int64_t units)
{
	return (mlcu_money)units * MLCU_MONEY_SCALE;
}

/*
 * Exact decimal text of v, trailing fractional zeros trimmed ("12",
 * "-0.000123456789012", "0.5"). Like snprintf: writes at most cap-1
 * characters and a NUL, returns the full length. cap >= MLCU_MONEY_FMT_MAX
 * always suffices.
 */
size_t mlcu_money_format(char *out, size_t cap, mlcu_money v);

/* v rounded to `decimals` (0..12) fractional digits, half away from zero. */
mlcu_money mlcu_money_round(mlcu_money v, int decimals);

/*
 * v rounded half away from zero to `decimals` (0..12) digits and printed
 * with exactly that many ("1234.50", "-0.01", "0"). snprintf-like return.
 */
size_t mlcu_money_format_fixed(char *out, size_t cap, mlcu_money v, int decimals);

/* The nearest double, for ratios and charts; never for sums. */
double mlcu_money_to_double(mlcu_money v);

#endif
