/* SPDX-License-Identifier: MIT */
/*
 * test_api_util.c - the public utilities of include/mlcost/common.h, as a
 * program on the public API sees them: mlc_sha256 / mlc_sha256_hex with
 * the FIPS 180-2 example vectors, mlc_time_parse with every accepted form
 * (dates, Z, offsets, fractions, blanks, 24:00, a leap second) and refused
 * texts with their message, and mlc_time_format (snprintf-like, round
 * trip). Every expected second is worked out in the comments.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mlcost.h"

/* 2026-02-10: 56 years from 1970 (1970..2025) with 14 leap days (1972, 1976, ..., 2024),
 * then the 31 days of January and 9 of February */
#define DAY_2026_02_10 ((int64_t)(56 * 365 + 14 + 31 + 9) * 86400)
/* 10:15:00 that day */
#define T_1015 (DAY_2026_02_10 + 10 * 3600 + 15 * 60)

static void sha256_vectors(void **state)
{
	static const struct {
		const char *msg, *hex;
	} v[] = {
	    {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
	    {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
	    /* 56 bytes: the padding needs a second block */
	    {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
	};
	char hex[2 * MLC_SHA256_LEN + 1];
	unsigned char d[MLC_SHA256_LEN];
	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		memset(hex, 'x', sizeof(hex));
		assert_int_equal(mlc_sha256_hex(hex, v[i].msg, strlen(v[i].msg)), 0);
		assert_string_equal(hex, v[i].hex);
	}
	/* the raw digest is the hex's bytes: "abc" starts ba 78 16 bf and ends 00 15 ad */
	assert_int_equal(mlc_sha256(d, "abc", 3), 0);
	assert_int_equal(d[0], 0xba);
	assert_int_equal(d[1], 0x78);
	assert_int_equal(d[2], 0x16);
	assert_int_equal(d[3], 0xbf);
	assert_int_equal(d[29], 0x00);
	assert_int_equal(d[30], 0x15);
	assert_int_equal(d[31], 0xad);
	/* no data at all is the empty message */
	assert_int_equal(mlc_sha256_hex(hex, NULL, 0), 0);
	assert_string_equal(hex, v[0].hex);
}

static void sha256_million(void **state)
{
	/* FIPS 180-2 B.3: one million 'a', in one call (many blocks at once) */
	char hex[2 * MLC_SHA256_LEN + 1], *a = malloc(1000000);
	(void)state;
	assert_non_null(a);
	memset(a, 'a', 1000000);
	assert_int_equal(mlc_sha256_hex(hex, a, 1000000), 0);
	assert_string_equal(hex,
	                    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(a);
}

static void sha256_bad_args(void **state)
{
	unsigned char d[MLC_SHA256_LEN];
	char hex[2 * MLC_SHA256_LEN + 1];
	(void)state;
	assert_int_equal(mlc_sha256(d, NULL, 3), MLC_EINVAL);
	assert_string_equal(mlc_error_message(), "sha256: data is NULL");
	assert_int_equal(mlc_error_code(), MLC_EINVAL);
	assert_int_equal(mlc_sha256(NULL, "abc", 3), MLC_EINVAL);
	assert_string_equal(mlc_error_message(), "sha256: out is NULL");
	assert_int_equal(mlc_sha256_hex(NULL, "abc", 3), MLC_EINVAL);
	assert_int_equal(mlc_sha256_hex(hex, NULL, 1), MLC_EINVAL);
	mlc_error_clear();
}

/* text parses to want */
static void parses(const char *text, int64_t want)
{
	int64_t t = 12345;
	int rc = mlc_time_parse(&t, text, strlen(text));
	if (rc != 0 || t != want)
		fail_msg("'%s': rc %d, %lld, want %lld (%s)", text, rc, (long long)t,
		         (long long)want, mlc_error_message());
}

static void time_forms(void **state)
{
	(void)state;
	parses("2026-02-10", DAY_2026_02_10); /* a date: midnight UTC */
	parses("2026-02-10T10:15:00Z", T_1015);
	parses("2026-02-10t10:15z", T_1015);                    /* lower case, no seconds */
	parses("2026-02-10 10:15:00", T_1015);                  /* a space, no zone: UTC */
	parses("2026-02-10T10:15", T_1015);                     /* minutes only, no zone */
	parses("2026-02-10T12:15:00.987+02:00", T_1015);        /* 12:15 at +2 h is 10:15 UTC */
	parses("2026-02-10T10:15:00,5Z", T_1015);               /* a comma fraction, truncated */
	parses("2026-02-10T05:15:00-0500", T_1015);             /* 05:15 at -5 h is 10:15 UTC */
	parses("2026-02-10T12:15+02", T_1015);                  /* +HH */
	parses("2026-02-10T23:45:00+13:30", T_1015);            /* 23:45 - 13:30 = 10:15 */
	parses("2026-02-11T00:15:00+14:00", T_1015);            /* the day before in UTC */
	parses(" \t2026-02-10T10:15:00Z\t ", T_1015);           /* blanks around */
	parses("2026-02-10T24:00:00Z", DAY_2026_02_10 + 86400); /* the end of the day */
	parses("2026-02-10T24:00", DAY_2026_02_10 + 86400);
	parses("1970-01-01T00:00:00Z", 0);
	parses("1969-12-31T23:59:59Z", -1);
	/* 2016-12-31T23:59:60Z (a leap second) is 2017-01-01T00:00:00Z: 47 years
	 * (1970..2016) with 12 leap days (1972..2016) = 17167 days */
	parses("2016-12-31T23:59:60Z", (int64_t)17167 * 86400);
	/* 2024-02-29: 54 years (1970..2023), 13 leap days (1972..2020), then 31 + 28 days */
	parses("2024-02-29", (int64_t)(54 * 365 + 13 + 31 + 28) * 86400);
	/* 0001-01-01: 1969 years before 1970 with 477 leap days (1969/4 - 1969/100 + 1969/400
	 * = 492 - 19 + 4) */
	parses("0001-01-01", -(int64_t)(1969 * 365 + 477) * 86400);
}

static void time_length_bounded(void **state)
{
	const char *text = "2026-02-10T10:15:00Zjunk";
	int64_t t = 0;
	(void)state;
	/* only s[0..len) is read: the 20 bytes before "junk" */
	assert_int_equal(mlc_time_parse(&t, text, 20), 0);
	assert_true(t == T_1015);
	assert_int_equal(mlc_time_parse(&t, text, strlen(text)), MLC_EPARSE);
	/* the first 10 bytes are a date */
	assert_int_equal(mlc_time_parse(&t, text, 10), 0);
	assert_true(t == DAY_2026_02_10);
}

static void time_refused(void **state)
{
	static const char *const bad[] = {"",
	                                  "   ",
	                                  "yesterday",
	                                  "2026-02-30", /* February has 28 days */
	                                  "2025-02-29", /* 2025 is no leap year */
	                                  "1900-02-29", /* nor is 1900 */
	                                  "2026-13-01",
	                                  "2026-00-10",
	                                  "2026-2-10",
	                                  "0000-01-01", /* years start at 0001 */
	                                  "2026-02-10T25:00:00Z",
	                                  "2026-02-10T24:00:01Z", /* past the end of the day */
	                                  "2026-02-10T10:60Z",
	                                  "2026-02-10T10:15:61Z",
	                                  "2026-02-10T10:15:00+2",
	                                  "2026-02-10T10:15:00+24:00",
	                                  "2026-02-10T10:15:00+02:",
	                                  "2026-02-10T10:15:00.Z", /* a point without digits */
	                                  "2026-02-10T10:15:00Zjunk",
	                                  "2026-02-10T",
	                                  "2026-02-10Z",
	                                  "2026-02-10T10",
	                                  "10/02/2026",
	                                  "1770718500"};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char want[200];
		int64_t t = 777;
		int rc = mlc_time_parse(&t, bad[i], strlen(bad[i]));
		if (rc != MLC_EPARSE)
			fail_msg("'%s' was taken (rc %d, %lld)", bad[i], rc, (long long)t);
		assert_true(t == 777); /* untouched */
		assert_int_equal(mlc_error_code(), MLC_EPARSE);
		snprintf(want, sizeof(want),
		         "'%s' is not a time (RFC 3339 such as 2024-09-18T22:00:00Z, or a date "
		         "such as 2024-09-18)",
		         bad[i]);
		assert_string_equal(mlc_error_message(), want);
	}
	mlc_error_clear();
}

static void time_refused_long_and_args(void **state)
{
	char text[100], want[200];
	int64_t t = 0;
	(void)state;
	/* a long text is quoted up to 64 bytes */
	memset(text, '9', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	assert_int_equal(mlc_time_parse(&t, text, strlen(text)), MLC_EPARSE);
	snprintf(want, sizeof(want),
	         "'%.64s...' is not a time (RFC 3339 such as 2024-09-18T22:00:00Z, or a date "
	         "such as 2024-09-18)",
	         text);
	assert_string_equal(mlc_error_message(), want);
	assert_int_equal(strlen(mlc_error_message()), strlen(want));
	assert_int_equal(mlc_time_parse(NULL, "2026-02-10", 10), MLC_EINVAL);
	assert_string_equal(mlc_error_message(), "time: out is NULL");
	assert_int_equal(mlc_time_parse(&t, NULL, 10), MLC_EINVAL);
	assert_string_equal(mlc_error_message(), "time: text is NULL");
	/* no text at all is the empty text: not a time */
	assert_int_equal(mlc_time_parse(&t, NULL, 0), MLC_EPARSE);
	mlc_error_clear();
}

static void time_format(void **state)
{
	char buf[MLC_TIME_FORMAT_MAX], small[5];
	int64_t back = 0;
	/* 9999-12-31T23:59:59Z: 8029 years from 1970 (1970..9998) with leap days
	 * 9998/4 - 9998/100 + 9998/400 - (1969/4 - 1969/100 + 1969/400) = 2499 - 99 + 24 - 477
	 * = 1947, then the 365 - 1 days of 9999 before December 31, and a second less than 24 h */
	const int64_t last = ((int64_t)8029 * 365 + 1947 + 364) * 86400 + 86399;
	(void)state;
	assert_int_equal(mlc_time_format(buf, sizeof(buf), T_1015), 20);
	assert_string_equal(buf, "2026-02-10T10:15:00Z");
	assert_int_equal(mlc_time_format(buf, sizeof(buf), -1), 20);
	assert_string_equal(buf, "1969-12-31T23:59:59Z");
	assert_int_equal(mlc_time_format(buf, sizeof(buf), last), 20);
	assert_string_equal(buf, "9999-12-31T23:59:59Z");
	assert_int_equal(mlc_time_parse(&back, buf, 20), 0);
	assert_true(back == last);
	/* snprintf-like: cut, NUL-terminated, the full length returned */
	assert_int_equal(mlc_time_format(small, sizeof(small), T_1015), 20);
	assert_string_equal(small, "2026");
	assert_int_equal(mlc_time_format(NULL, 0, T_1015), 20);
	/* the extremes fit the documented size */
	assert_true(mlc_time_format(buf, sizeof(buf), INT64_MAX) < sizeof(buf));
	assert_string_equal(buf, "292277026596-12-04T15:30:07Z");
	assert_true(mlc_time_format(buf, sizeof(buf), INT64_MIN) < sizeof(buf));
	/* -9223372036854775808 s = -106751991167301 days + 30592 s (8:29:52): no overflow on
	 * the way (the same instants as Go's time.Unix of the int64 limits) */
	assert_string_equal(buf, "-292277022657-01-27T08:29:52Z");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(sha256_vectors),
	    cmocka_unit_test(sha256_million),
	    cmocka_unit_test(sha256_bad_args),
	    cmocka_unit_test(time_forms),
	    cmocka_unit_test(time_length_bounded),
	    cmocka_unit_test(time_refused),
	    cmocka_unit_test(time_refused_long_and_args),
	    cmocka_unit_test(time_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
