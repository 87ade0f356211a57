/* SPDX-License-Identifier: MIT */
/* Unit tests for util/money: exact parsing (plain, long fractions rounded
 * half-even, exponents), limits, formatting, display rounding, and sums
 * that double gets wrong. Expected values are written as integer arithmetic
 * on 10^-12 units: P(units, twelfths) = units * 10^12 + twelfths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "mlcost/common.h"
#include "util/money.h"
#include "test_support.h"

#define E12 ((mlcu_money)1000000000000LL)
/* a non-negative amount from its integer part and its 12 fractional digits */
#define P(units, frac) ((mlcu_money)(units) * E12 + (mlcu_money)(frac))

static mlcu_money parse_ok(const char *s)
{
	mlcu_money v = 12345; /* a value parse must overwrite */
	int rc = mlcu_money_parse(&v, s, strlen(s));
	if (rc != 0)
		fail_msg("parse(\"%s\") returned %d", s, rc);
	return v;
}

static void parses_plain_decimals_exactly(void **state)
{
	(void)state;
	assert_money_eq(parse_ok("0"), 0);
	assert_money_eq(parse_ok("-0"), 0);
	assert_money_eq(parse_ok("1"), P(1, 0));
	assert_money_eq(parse_ok("-1"), -P(1, 0));
	assert_money_eq(parse_ok("+1.5"), P(1, 500000000000));
	assert_money_eq(parse_ok("12.345"), P(12, 345000000000));
	assert_money_eq(parse_ok(".5"), P(0, 500000000000));
	assert_money_eq(parse_ok("5."), P(5, 0));
	assert_money_eq(parse_ok("7.6438178278"), P(7, 643817827800));
	assert_money_eq(parse_ok("0.000000000001"), P(0, 1));
	assert_money_eq(parse_ok("-0.000123456789"), -P(0, 123456789));
	/* 19 significant digits: the last shape the fast path takes */
	assert_money_eq(parse_ok("1234567.123456789012"), P(1234567, 123456789012));
	/* 20 integer digits, leading zeros beyond 19 digits: the slow path */
	assert_money_eq(parse_ok("12345678901234567890.5"),
			P(12345678901234567890ULL, 500000000000));
	assert_money_eq(parse_ok("000000000000000000000001.25"), P(1, 250000000000));
}

static void rounds_long_fractions_half_even(void **state)
{
	(void)state;
	/* 0.000123456789|012: dropped 012 < half, so 123456789 units of 1e-12 */
	assert_money_eq(parse_ok("-0.000123456789012"), -P(0, 123456789));
	/* exactly half: to the even neighbour (..012 stays, ..013 goes to ..014) */
	assert_money_eq(parse_ok("0.1234567890125"), P(0, 123456789012));
	assert_money_eq(parse_ok("0.1234567890135"), P(0, 123456789014));
	assert_money_eq(parse_ok("-0.1234567890135"), -P(0, 123456789014));
	/* just above half: up */
	assert_money_eq(parse_ok("0.12345678901250001"), P(0, 123456789013));
	/* below half: down */
	assert_money_eq(parse_ok("0.1234567890124999"), P(0, 123456789012));
	/* rounding carries into the integer part: 0.9999999999995 -> 1 */
	assert_money_eq(parse_ok("0.9999999999995"), P(1, 0));
}

static void parses_exponents(void **state)
{
	(void)state;
	assert_money_eq(parse_ok("1e-3"), P(0, 1000000000));   /* 0.001 */
	assert_money_eq(parse_ok("1.2E-5"), P(0, 12000000));   /* 0.000012 */
	assert_money_eq(parse_ok("-1.2E-5"), -P(0, 12000000)); /* sign kept */
	assert_money_eq(parse_ok("1.5e2"), P(150, 0));
	assert_money_eq(parse_ok("1.5E+2"), P(150, 0));
	assert_money_eq(parse_ok("12345e-2"), P(123, 450000000000));
	/* below the 12th digit: half-even like long fractions */
	assert_money_eq(parse_ok("2.5E-13"), 0);   /* 0.25e-12 -> 0 */
	assert_money_eq(parse_ok("5E-13"), 0);     /* 0.5e-12, tie -> even 0 */
	assert_money_eq(parse_ok("1.5E-12"), P(0, 2)); /* 1.5 units, tie -> 2 */
	assert_money_eq(parse_ok("2.5e-12"), P(0, 2)); /* 2.5 units, tie -> 2 */
	assert_money_eq(parse_ok("7.5e-12"), P(0, 8)); /* 7.5 units, tie -> 8 */
	assert_money_eq(parse_ok("1E-400"), 0);
	assert_money_eq(parse_ok("0e999999999"), 0);
}

static void rejects_what_is_not_a_number(void **state)
{
	static const char *bad[] = {"",     "-",     "+",    ".",     "-.",  "1.2.3", "1e",
				    "1e+",  "e5",    "abc",  " 1",    "1 ",  "1,000", "nan",
				    "inf",  "0x10",  "--1",  "1e5x",  "1_0", "١"};
	mlcu_money v = 7;
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (mlcu_money_parse(&v, bad[i], strlen(bad[i])) != MLC_EPARSE)
			fail_msg("\"%s\" was accepted", bad[i]);
	assert_true(v == 7); /* untouched on failure */
}

static void refuses_amounts_of_ten_to_the_24(void **state)
{
	mlcu_money v;
	const char *max = "999999999999999999999999.999999999999";
	(void)state;
	assert_int_equal(mlcu_money_parse(&v, "1000000000000000000000000", 25), MLC_ETOOLARGE);
	assert_int_equal(mlcu_money_parse(&v, "-1e24", 5), MLC_ETOOLARGE);
	assert_int_equal(mlcu_money_parse(&v, "1e30", 4), MLC_ETOOLARGE);
	/* rounding up past the limit is refused as well */
	assert_int_equal(mlcu_money_parse(&v, "999999999999999999999999.9999999999995", 38),
			 MLC_ETOOLARGE);
	assert_int_equal(mlcu_money_parse(&v, max, strlen(max)), 0);
	/* 10^24 units minus one 1e-12 unit: 10^36 - 1 */
	assert_money_eq(v, (mlcu_money)1000000000000000000LL * 1000000000000000000LL - 1);
}

static void formats_exact_decimals_trimmed(void **state)
{
	char b[MLCU_MONEY_FMT_MAX];
	(void)state;
	mlcu_money_format(b, sizeof(b), 0);
	assert_string_equal(b, "0");
	mlcu_money_format(b, sizeof(b), P(1, 500000000000));
	assert_string_equal(b, "1.5");
	mlcu_money_format(b, sizeof(b), -P(0, 1));
	assert_string_equal(b, "-0.000000000001");
	mlcu_money_format(b, sizeof(b), P(100, 0));
	assert_string_equal(b, "100");
	mlcu_money_format(b, sizeof(b), -P(5784707, 170000000000));
	assert_string_equal(b, "-5784707.17");
	mlcu_money_format(b, sizeof(b), P(12345678901234567890ULL, 500000000000));
	assert_string_equal(b, "12345678901234567890.5");
	/* the most negative value of the type prints (sums may reach it) */
	assert_int_equal(mlcu_money_format(b, sizeof(b), (mlcu_money)((unsigned __int128)1 << 127)),
			 41);
	assert_string_equal(b, "-170141183460469231731687303.715884105728");
	/* snprintf-like truncation */
	assert_int_equal(mlcu_money_format(b, 4, P(1234, 0)), 4);
	assert_string_equal(b, "123");
}

static void rounds_for_display_half_away_from_zero(void **state)
{
	char b[MLCU_MONEY_FMT_MAX];
	(void)state;
	mlcu_money_format_fixed(b, sizeof(b), parse_ok("2.345"), 2);
	assert_string_equal(b, "2.35");
	mlcu_money_format_fixed(b, sizeof(b), parse_ok("-2.345"), 2);
	assert_string_equal(b, "-2.35");
	mlcu_money_format_fixed(b, sizeof(b), parse_ok("2.344999999999"), 2);
	assert_string_equal(b, "2.34");
	mlcu_money_format_fixed(b, sizeof(b), parse_ok("0.005"), 2);
	assert_string_equal(b, "0.01");
	mlcu_money_format_fixed(b, sizeof(b), parse_ok("-0.004"), 2);
	assert_string_equal(b, "0.00"); /* no negative zero */
	mlcu_money_format_fixed(b, sizeof(b), parse_ok("1234.5"), 2);
	assert_string_equal(b, "1234.50");
	mlcu_money_format_fixed(b, sizeof(b), parse_ok("2.5"), 0);
	assert_string_equal(b, "3");
	mlcu_money_format_fixed(b, sizeof(b), parse_ok("0.1234567890125"), 12);
	assert_string_equal(b, "0.123456789012");
	assert_money_eq(mlcu_money_round(parse_ok("-7.125"), 2), -P(7, 130000000000));
	assert_money_eq(mlcu_money_round(parse_ok("7.124"), 2), P(7, 120000000000));
}

static void sums_exactly_where_double_drifts(void **state)
{
	mlcu_money acc = 0, tenth = parse_ok("0.1"), cent = parse_ok("0.01");
	double d = 0;
	(void)state;
	/* 0.1 ten million times is exactly 1,000,000 */
	for (int i = 0; i < 10000000; i++) {
		assert_int_equal(mlcu_money_add(&acc, tenth), 0);
		d += 0.1;
	}
	assert_money_eq(acc, P(1000000, 0));
	assert_true(d != 1000000.0); /* the reason this type exists */
	/* 0.01 a million times is exactly 10,000 */
	acc = 0;
	d = 0;
	for (int i = 0; i < 1000000; i++) {
		mlcu_money_add(&acc, cent);
		d += 0.01;
	}
	assert_money_eq(acc, P(10000, 0));
	assert_true(d != 10000.0);
}

static void sums_do_not_depend_on_order(void **state)
{
	static const char *vals[] = {"1e20", "0.000000000001", "-1e20", "7.6438178278",
				     "-0.3333333333333", "123456.789", "1.2E-5", "0.1"};
	mlcu_money fwd = 0, back = 0, mixed = 0;
	size_t n = sizeof(vals) / sizeof(vals[0]);
	static const size_t order[] = {3, 0, 6, 2, 7, 5, 1, 4};
	(void)state;
	for (size_t i = 0; i < n; i++) {
		mlcu_money_add(&fwd, parse_ok(vals[i]));
		mlcu_money_add(&back, parse_ok(vals[n - 1 - i]));
		mlcu_money_add(&mixed, parse_ok(vals[order[i]]));
	}
	assert_money_eq(fwd, back);
	assert_money_eq(fwd, mixed);
	/* the 1e20 pair cancels; the rest part by part (-0.3333333333333 has
	 * a 13th digit 3, rounded away) */
	assert_money_eq(fwd, P(0, 1) + P(7, 643817827800) - P(0, 333333333333) +
				     P(123456, 789000000000) + P(0, 12000000) +
				     P(0, 100000000000));
}

static void add_reports_overflow_and_keeps_the_sum(void **state)
{
	mlcu_money big = (mlcu_money)(((unsigned __int128)1 << 126));
	mlcu_money acc = big;
	(void)state;
	assert_int_equal(mlcu_money_add(&acc, big), MLC_ETOOLARGE);
	assert_true(acc == big);
	assert_int_equal(mlcu_money_add(&acc, -big), 0);
	assert_true(acc == 0);
}

static void formats_what_it_parses(void **state)
{
	static const char *vals[] = {"0", "1.5", "-0.000000000001", "999999999999999999999999.999999999999",
				     "-123.456", "42", "0.1"};
	char b[MLCU_MONEY_FMT_MAX];
	(void)state;
	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		mlcu_money_format(b, sizeof(b), parse_ok(vals[i]));
		assert_string_equal(b, vals[i]);
	}
	assert_true(mlcu_money_to_double(parse_ok("1.5")) == 1.5);
	assert_true(mlcu_money_to_double(parse_ok("-2.25")) == -2.25);
	assert_money_eq(mlcu_money_from_units(-3), -P(3, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_plain_decimals_exactly),
		cmocka_unit_test(rounds_long_fractions_half_even),
		cmocka_unit_test(parses_exponents),
		cmocka_unit_test(rejects_what_is_not_a_number),
		cmocka_unit_test(refuses_amounts_of_ten_to_the_24),
		cmocka_unit_test(formats_exact_decimals_trimmed),
		cmocka_unit_test(rounds_for_display_half_away_from_zero),
		cmocka_unit_test(sums_exactly_where_double_drifts),
		cmocka_unit_test(sums_do_not_depend_on_order),
		cmocka_unit_test(add_reports_overflow_and_keeps_the_sum),
		cmocka_unit_test(formats_what_it_parses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
