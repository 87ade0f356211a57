/* SPDX-License-Identifier: MIT */
/* Unit tests for the usage CSV: header by name, aggregation to (model,
 * period) by day, hour and month, whole-number rules, FILE:LINE: column
 * errors, lenient skipping, limits, the example file, and failure of every
 * allocation. Expected totals are summed by hand in the comments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mlcost/common.h"
#include "usage.h"
#include "test_support.h"

static mlc_usage *load(const char *text, mlcu_bucket b, int lenient)
{
	mlc_usage_options o = MLC_USAGE_OPTIONS_INIT;
	mlc_usage *u = NULL;
	o.bucket = b;
	o.lenient = lenient;
	if (mlc_usage__load_mem(&u, "u.csv", text, strlen(text), &o) != 0)
		fail_msg("%s", mlc_error_message());
	return u;
}

static const mlc_usage_entry *entry(const mlc_usage *u, const char *model, int64_t period)
{
	size_t first, n = mlc_usage__model_range(u, model, strlen(model), &first);
	for (size_t i = first; i < first + n; i++)
		if (mlc_usage__entries(u)[i].period == period)
			return &mlc_usage__entries(u)[i];
	fail_msg("no entry %s at %lld", model, (long long)period);
	return NULL;
}

/* 2024-09-18T00:00:00Z: 19984 days after 1970-01-01 (2024-01-01 is day 19723,
 * plus 31+29+31+30+31+30+31+31 = 244 days to 09-01, plus 17) */
#define D0918 ((int64_t)19984 * 86400)

static void aggregates_by_model_and_day(void **state)
{
	/* columns in another order and case, an extra column, blanks, CRLF,
	 * an hourly timestamp with an offset, pandas-style "12.0" */
	static const char csv[] = "Region, REQUESTS ,model_id,date,output_tokens\r\n"
	                          "eu,100,ranker,2024-09-18,\r\n"
	                          "us,50,ranker,2024-09-18T23:30:00Z,7\r\n"
	                          "us,12.0,chat,2024-09-18 10:00:00,5\r\n"
	                          /* 2024-09-19T01:00+02:00 is 2024-09-18T23:00Z: still the 18th */
	                          "us,8,chat,2024-09-19T01:00:00+02:00,NULL\r\n"
	                          "us,1,ranker,2024-09-19,1\r\n";
	mlc_usage *u = load(csv, MLCU_BUCKET_DAY, 0);
	const mlc_usage_stats *st = mlc_usage__stats(u);
	(void)state;
	assert_int_equal(mlc_usage__count(u), 3);
	/* sorted by model then period: chat@18, ranker@18, ranker@19 */
	assert_string_equal(mlc_usage__entries(u)[0].model, "chat");
	assert_string_equal(mlc_usage__entries(u)[2].model, "ranker");
	/* ranker on the 18th: 100 + 50 requests, 0 + 7 output tokens, 2 rows */
	assert_int_equal(entry(u, "ranker", D0918)->requests, 150);
	assert_int_equal(entry(u, "ranker", D0918)->output_tokens, 7);
	assert_int_equal(entry(u, "ranker", D0918)->rows, 2);
	/* chat on the 18th: 12 + 8 requests, 5 + 0 output tokens */
	assert_int_equal(entry(u, "chat", D0918)->requests, 20);
	assert_int_equal(entry(u, "chat", D0918)->output_tokens, 5);
	assert_int_equal(entry(u, "chat", D0918)->input_tokens, 0);
	assert_int_equal(entry(u, "ranker", D0918 + 86400)->requests, 1);
	/* totals: 100 + 50 + 12 + 8 + 1 = 171 requests, 7 + 5 + 1 = 13 output tokens */
	assert_int_equal(st->rows_read, 5);
	assert_int_equal(st->rows_skipped, 0);
	assert_int_equal(st->requests, 171);
	assert_int_equal(st->output_tokens, 13);
	assert_int_equal(st->has_tokens, 1);
	mlc_usage__free(u);
}

static void buckets_by_hour_month_and_all_time(void **state)
{
	static const char csv[] = "date,model_id,requests\n"
	                          "2024-09-18T10:15:00Z,m,1\n"
	                          "2024-09-18T10:45:00Z,m,2\n"
	                          "2024-09-18T11:00:00Z,m,4\n"
	                          "2024-10-01,m,8\n";
	mlc_usage *u = load(csv, MLCU_BUCKET_HOUR, 0);
	(void)state;
	/* 10:15 and 10:45 share the 10:00 hour: 1 + 2 */
	assert_int_equal(mlc_usage__count(u), 3);
	assert_int_equal(entry(u, "m", D0918 + 10 * 3600)->requests, 3);
	assert_int_equal(entry(u, "m", D0918 + 11 * 3600)->requests, 4);
	assert_int_equal(mlc_usage__stats(u)->has_tokens, 0);
	mlc_usage__free(u);
	/* by month: September 1 + 2 + 4 = 7, October 8; 2024-09-01 is day 19967 */
	u = load(csv, MLCU_BUCKET_MONTH, 0);
	assert_int_equal(mlc_usage__count(u), 2);
	assert_int_equal(entry(u, "m", (int64_t)19967 * 86400)->requests, 7);
	assert_int_equal(entry(u, "m", (int64_t)(19967 + 30) * 86400)->requests, 8);
	mlc_usage__free(u);
	u = load(csv, MLCU_BUCKET_NONE, 0);
	assert_int_equal(mlc_usage__count(u), 1);
	assert_int_equal(entry(u, "m", 0)->requests, 15);
	mlc_usage__free(u);
}

/* Load text that must fail with rc and exactly this message. */
static void load_fails(const char *text, int want_rc, const char *want)
{
	mlc_usage *u = (mlc_usage *)1;
	int rc = mlc_usage__load_mem(&u, "u.csv", text, strlen(text), NULL);
	if (rc != want_rc)
		fail_msg("rc %d (%s) for: %s", rc, mlc_error_message(), text);
	assert_null(u);
	assert_string_equal(mlc_error_message(), want);
}

#define HDR "date,model_id,requests,input_tokens\n"

static void bad_values_name_file_line_and_column(void **state)
{
	(void)state;
	load_fails(HDR "2024-09-18,m,1.5,1\n", MLC_EPARSE,
	           "u.csv:2: column 'requests': not a whole number ('1.5')");
	load_fails(HDR "2024-09-18,m,1,2\n2024-09-18,m,-3,1\n", MLC_EPARSE,
	           "u.csv:3: column 'requests': negative count ('-3')");
	load_fails(HDR "2024-09-18,m,,1\n", MLC_EPARSE,
	           "u.csv:2: column 'requests': missing value");
	load_fails(HDR "2024-09-18,m,NULL,1\n", MLC_EPARSE,
	           "u.csv:2: column 'requests': missing value");
	load_fails(HDR "2024-09-18,m,1e3,1\n", MLC_EPARSE,
	           "u.csv:2: column 'requests': not a whole number ('1e3')");
	load_fails(HDR "2024-09-18,m,18446744073709551616,1\n", MLC_EPARSE,
	           "u.csv:2: column 'requests': larger than 18446744073709551615 "
	           "('18446744073709551616')");
	load_fails(HDR "2024-09-18,m,1,x\n", MLC_EPARSE,
	           "u.csv:2: column 'input_tokens': not a whole number ('x')");
	load_fails(HDR "18/09/2024,m,1,1\n", MLC_EPARSE,
	           "u.csv:2: column 'date': not a date or timestamp ('18/09/2024')");
	load_fails(HDR "2024-02-30,m,1,1\n", MLC_EPARSE,
	           "u.csv:2: column 'date': not a date or timestamp ('2024-02-30')");
	load_fails(HDR ",m,1,1\n", MLC_EPARSE, "u.csv:2: column 'date': missing value");
	load_fails(HDR "2024-09-18, ,1,1\n", MLC_EPARSE,
	           "u.csv:2: column 'model_id': missing value");
	load_fails(HDR "2024-09-18,m,1\n", MLC_EPARSE,
	           "u.csv:2: column 'input_tokens': missing (the row is short)");
	/* a quoted newline: the next record starts on line 4 */
	load_fails(HDR "2024-09-18,\"a\nb\",1,1\n2024-09-18,m,z,1\n", MLC_EPARSE,
	           "u.csv:4: column 'requests': not a whole number ('z')");
}

static void header_and_file_errors(void **state)
{
	(void)state;
	load_fails("date,model,requests\n", MLC_EPARSE,
	           "u.csv:1: missing column 'model_id' (a usage file needs date, model_id, "
	           "requests)");
	load_fails("date,model_id,requests,Date\n", MLC_EPARSE,
	           "u.csv:1: column 'date' appears twice");
	load_fails("", MLC_EPARSE, "u.csv: empty file: expected a header date,model_id,requests");
	/* sums past 2^64 - 1: a limit, not a bad value (fatal even when lenient) */
	load_fails("date,model_id,requests\n2024-09-18,m,18446744073709551615\n2024-09-18,m,1\n",
	           MLC_ETOOLARGE,
	           "u.csv:3: column 'requests': the file's total exceeds 18446744073709551615");
}

static void lenient_skips_counts_and_keeps_the_first_messages(void **state)
{
	/* lines 2..10: 3 good (1 + 2 + 4 = 7 requests), 6 bad */
	static const char csv[] = "date,model_id,requests\n"
	                          "2024-09-18,m,1\n"
	                          "x,m,1\n"
	                          "2024-09-18,m,2\n"
	                          "2024-09-18,,1\n"
	                          "2024-09-18,m,-1\n"
	                          "2024-09-18,m,a\n"
	                          "2024-09-18,m\n"
	                          "2024-09-18,m,1.1\n"
	                          "2024-09-18,m,4\n";
	mlc_usage *u = load(csv, MLCU_BUCKET_DAY, 1);
	const mlc_usage_stats *st = mlc_usage__stats(u);
	(void)state;
	assert_int_equal(st->rows_read, 9);
	assert_int_equal(st->rows_skipped, 6);
	assert_int_equal(st->nmessages, MLC_USAGE_MAX_MESSAGES);
	assert_string_equal(st->messages[0],
	                    "u.csv:3: column 'date': not a date or timestamp ('x')");
	assert_string_equal(st->messages[1], "u.csv:5: column 'model_id': missing value");
	assert_string_equal(st->messages[4],
	                    "u.csv:8: column 'requests': missing (the row is short)");
	assert_int_equal(st->requests, 7);
	assert_int_equal(entry(u, "m", D0918)->requests, 7);
	assert_int_equal(entry(u, "m", D0918)->rows, 3);
	mlc_usage__free(u);
	/* a CSV syntax error stops even a lenient load: the scanner cannot resynchronise */
	{
		mlc_usage_options o = MLC_USAGE_OPTIONS_INIT;
		static const char bad[] = "date,model_id,requests\n2024-09-18,\"m,1\n";
		o.lenient = 1;
		u = (mlc_usage *)1;
		assert_int_equal(mlc_usage__load_mem(&u, "u.csv", bad, strlen(bad), &o),
		                 MLC_EPARSE);
		assert_null(u);
	}
}

static void too_many_keys_is_a_limit(void **state)
{
	mlc_usage_options o = MLC_USAGE_OPTIONS_INIT;
	static const char csv[] = "date,model_id,requests\n2024-09-18,a,1\n2024-09-18,b,1\n"
	                          "2024-09-18,c,1\n";
	mlc_usage *u = (mlc_usage *)1;
	(void)state;
	o.max_keys = 2;
	o.lenient = 1;
	assert_int_equal(mlc_usage__load_mem(&u, "u.csv", csv, strlen(csv), &o), MLC_ETOOLARGE);
	assert_string_equal(mlc_error_message(), "u.csv:4: usage: more than 2 distinct keys");
}

static void reads_the_example_file(void **state)
{
	mlc_usage *u = NULL;
	const mlc_usage_stats *st;
	(void)state;
	assert_int_equal(mlc_usage__load_file(&u, MLC_SOURCE_DIR "/examples/usage.csv", NULL), 0);
	st = mlc_usage__stats(u);
	/* requests 1200000 + 45000 + 1350000 + 51000 + 1100000 + 48000 + 300000 = 4094000;
	 * input 22500000 + 25500000 + 24000000 = 72000000; output 9000000 + 10200000 +
	 * 9600000 = 28800000 */
	assert_int_equal(st->rows_read, 7);
	assert_int_equal(st->requests, 4094000);
	assert_int_equal(st->input_tokens, 72000000);
	assert_int_equal(st->output_tokens, 28800000);
	assert_int_equal(mlc_usage__count(u), 7);
	{
		size_t first, n = mlc_usage__model_range(u, "ranker", 6, &first);
		assert_int_equal(n, 3);
		assert_int_equal(first, 4); /* after chat-assistant x3 and fraud-scorer */
	}
	mlc_usage__free(u);
	assert_int_equal(mlc_usage__load_file(&u, MLC_SOURCE_DIR "/examples/nope.csv", NULL),
	                 MLC_ENOTFOUND);
}

/* ---- failure of every allocation ------------------------------------------------- */


static int load_once(long n, long *used)
{
	static const char csv[] = "date,model_id,requests\n2024-09-18,a,1\nx,b,1\n2024-09-19,b,1\n";
	mlc_usage_options o = MLC_USAGE_OPTIONS_INIT;
	mlc_usage *u = NULL;
	int rc;
	o.lenient = 1;
	test_fail_allocation(n);
	rc = mlc_usage__load_mem(&u, "u.csv", csv, strlen(csv), &o);
	mlc_usage__free(u);
	*used = test_alloc_calls;
	test_restore_allocator();
	assert_int_equal(test_alloc_live, 0);
	return rc;
}

static void fails_cleanly_at_every_allocation(void **state)
{
	long total, used, n;
	(void)state;
	assert_int_equal(load_once(-1, &total), 0);
	assert_true(total > 5);
	for (n = 0; n < total; n++)
		assert_int_equal(load_once(n, &used), MLC_ENOMEM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(aggregates_by_model_and_day),
	    cmocka_unit_test(buckets_by_hour_month_and_all_time),
	    cmocka_unit_test(bad_values_name_file_line_and_column),
	    cmocka_unit_test(header_and_file_errors),
	    cmocka_unit_test(lenient_skips_counts_and_keeps_the_first_messages),
	    cmocka_unit_test(too_many_keys_is_a_limit),
	    cmocka_unit_test(reads_the_example_file),
	    cmocka_unit_test(fails_cleanly_at_every_allocation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
