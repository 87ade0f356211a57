/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for src/util/time.c: the timestamp shapes found in bills
 * (FOCUS samples, CUR legacy and Athena, CUR identity/TimeInterval), what is
 * refused, civil-date arithmetic, buckets and labels. Expected epoch values
 * are worked out in the comments: D(y) is days from 1970-01-01 to Jan 1 of
 * year y, e.g. D(2024) = 54*365 + 13 leap days (1972..2020) = 19723.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "util/time.h"

#define DAY   86400
#define D2024 19723 /* 54*365 + 13 */
#define D2023 19358 /* 53*365 + 13 */

static int64_t parse(const char *s)
{
	int64_t t = INT64_MIN;
	if (mlcu_time_parse(&t, s, strlen(s)) != 0)
		return INT64_MIN;
	return t;
}

static void reads_every_billing_shape(void **state)
{
	/* 2024-09-18: D2024 + 244 (Jan..Aug: 31+29+31+30+31+30+31+31) + 17 = 19984 */
	const int64_t sep18 = (int64_t)19984 * DAY;
	(void)state;
	/* FOCUS sample: no zone, space */
	assert_true(parse("2024-09-18 22:00:00") == sep18 + 22 * 3600);
	/* RFC 3339 Z, lower-case separators, fractional seconds (truncated) */
	assert_true(parse("2024-09-18T22:00:00Z") == sep18 + 22 * 3600);
	assert_true(parse("2024-09-18t22:00:00z") == sep18 + 22 * 3600);
	assert_true(parse("2024-09-18T22:00:00.999Z") == sep18 + 22 * 3600);
	assert_true(parse("2023-11-01T00:00:00.000Z") == (int64_t)(D2023 + 304) * DAY);
	/* CUR Athena: milliseconds, no zone */
	assert_true(parse("2022-07-01 00:00:00.000") == (int64_t)19174 * DAY);
	/* offsets: 22:00+02:00 is 20:00Z; -0530 adds 5.5 h; +05 adds nothing to minutes */
	assert_true(parse("2024-09-18T22:00:00+02:00") == sep18 + 20 * 3600);
	assert_true(parse("2024-09-18T22:00:00-0530") == sep18 + 27 * 3600 + 1800);
	assert_true(parse("2024-09-18T22:00:00+05") == sep18 + 17 * 3600);
	/* GCP style +00:00, minutes only, date only, surrounding blanks */
	assert_true(parse("2024-09-18 22:00:00+00:00") == sep18 + 22 * 3600);
	assert_true(parse("2024-09-18T22:30") == sep18 + 22 * 3600 + 1800);
	assert_true(parse(" 2024-09-18 ") == sep18);
	/* 24:00 ends the day; :60 is a leap second, i.e. the next minute */
	assert_true(parse("2024-09-18T24:00:00Z") == sep18 + DAY);
	assert_true(parse("2016-12-31T23:59:60Z") == parse("2017-01-01T00:00:00Z"));
	/* the epoch and a date before it */
	assert_true(parse("1970-01-01T00:00:00Z") == 0);
	assert_true(parse("1969-12-31T23:59:59Z") == -1);
	/* leap days: 2024-02-29 = D2024 + 59 */
	assert_true(parse("2024-02-29") == (int64_t)(D2024 + 59) * DAY);
}

static void refuses_what_is_not_a_timestamp(void **state)
{
	static const char *const bad[] = {
	    "",
	    "2024",
	    "2024-9-18",
	    "2024/09/18",
	    "09/18/2024",
	    "2024-13-01",
	    "2024-00-10",
	    "2023-02-29", /* not a leap year */
	    "2024-04-31",
	    "2023-02-01T30:00:00Z", /* the FOCUS spec example's hour 30 */
	    "2024-01-01T24:00:01Z",
	    "2024-01-01T24:00:00.5Z",
	    "2024-01-01T12:60:00Z",
	    "2024-01-01T12:00:61Z",
	    "2024-01-01T12Z",
	    "2024-01-01T12:00:00.Z",
	    "2024-01-01T12:00:00+2400",
	    "2024-01-01T12:00:00+02:",
	    "2024-01-01T12:00:00+02:0",
	    "2024-01-01T12:00:00 UTC",
	    "2024-01-01X12:00:00",
	    "2024-01-01T12:00:00ZZ",
	    "0000-01-01",
	    "2024-01-01 00:00:00 +0000 UTC",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse(bad[i]) != INT64_MIN)
			fail_msg("accepted '%s'", bad[i]);
	}
}

static void reads_cur_time_intervals(void **state)
{
	const char *iv = "2023-06-01T00:00:00Z/2023-06-01T01:00:00Z";
	int64_t a, b;
	(void)state;
	assert_int_equal(mlcu_time_parse_interval(&a, &b, iv, strlen(iv)), 0);
	/* 2023-06-01 = D2023 + 151 (31+28+31+30+31) */
	assert_true(a == (int64_t)(D2023 + 151) * DAY);
	assert_true(b == a + 3600);
	assert_int_equal(mlcu_time_parse_interval(&a, &b, "2023-06-01", 10), -1);
	iv = "2023-06-02T00:00:00Z/2023-06-01T00:00:00Z"; /* end before start */
	assert_int_equal(mlcu_time_parse_interval(&a, &b, iv, strlen(iv)), -1);
	iv = "2023-06-01T00:00:00Z/";
	assert_int_equal(mlcu_time_parse_interval(&a, &b, iv, strlen(iv)), -1);
}

static void civil_days_round_trip(void **state)
{
	int64_t y;
	unsigned m, d;
	(void)state;
	assert_true(mlcu_days_from_civil(1970, 1, 1) == 0);
	assert_true(mlcu_days_from_civil(2000, 3, 1) == 11017); /* 30*365 + 7 + 31 + 29 */
	assert_true(mlcu_days_from_civil(1, 1, 1) == -719162);
	/* every day from year 1 to 9999 maps back to itself, one after another */
	for (int64_t z = -719162; z <= mlcu_days_from_civil(9999, 12, 31); z += 1) {
		mlcu_civil_from_days(z, &y, &m, &d);
		if (mlcu_days_from_civil(y, m, d) != z)
			fail_msg("day %lld", (long long)z);
	}
	mlcu_civil_from_days(-1, &y, &m, &d);
	assert_true(y == 1969 && m == 12 && d == 31);
}

static void buckets_floor_to_hour_day_month(void **state)
{
	int64_t t = parse("2024-09-18T22:35:10Z");
	char buf[MLCU_TIME_FMT_MAX];
	mlcu_bucket b;
	(void)state;
	assert_true(mlcu_time_bucket(t, MLCU_BUCKET_HOUR) == parse("2024-09-18T22:00:00Z"));
	assert_true(mlcu_time_bucket(t, MLCU_BUCKET_DAY) == parse("2024-09-18"));
	assert_true(mlcu_time_bucket(t, MLCU_BUCKET_MONTH) == parse("2024-09-01"));
	assert_true(mlcu_time_bucket(t, MLCU_BUCKET_NONE) == t);
	/* before the epoch the floor still goes down */
	assert_true(mlcu_time_bucket(-1, MLCU_BUCKET_DAY) == -DAY);
	assert_true(mlcu_time_bucket(-1, MLCU_BUCKET_MONTH) == parse("1969-12-01"));
	mlcu_time_format_bucket(buf, sizeof(buf), t, MLCU_BUCKET_HOUR);
	assert_string_equal(buf, "2024-09-18T22:00:00Z");
	mlcu_time_format_bucket(buf, sizeof(buf), t, MLCU_BUCKET_DAY);
	assert_string_equal(buf, "2024-09-18");
	mlcu_time_format_bucket(buf, sizeof(buf), t, MLCU_BUCKET_MONTH);
	assert_string_equal(buf, "2024-09");
	assert_int_equal(mlcu_time_format(buf, sizeof(buf), t), 20);
	assert_string_equal(buf, "2024-09-18T22:35:10Z");
	assert_int_equal(mlcu_bucket_parse(&b, "day"), 0);
	assert_int_equal(b, MLCU_BUCKET_DAY);
	assert_string_equal(mlcu_bucket_name(MLCU_BUCKET_MONTH), "month");
	assert_int_equal(mlcu_bucket_parse(&b, "week"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(reads_every_billing_shape),
	    cmocka_unit_test(refuses_what_is_not_a_timestamp),
	    cmocka_unit_test(reads_cur_time_intervals),
	    cmocka_unit_test(civil_days_round_trip),
	    cmocka_unit_test(buckets_floor_to_hour_day_month),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
