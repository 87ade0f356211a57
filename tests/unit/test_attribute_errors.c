/* SPDX-License-Identifier: MIT */
/*
 * test_attribute_errors.c - how the attribution engine fails: bad values
 * with FILE:LINE: column 'X' messages, short and long rows, CSV syntax,
 * unknown formats, bad options, mixed currencies, the caps on groups and
 * values, lenient mode (skipped rows counted and the first few kept), a
 * missing file, and every allocation failing in turn without a leak.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_attribute_util.h"

#define HEAD "BilledCost,EffectiveCost,ChargePeriodStart,ServiceName\n"

static void bad_values_name_file_line_and_column(void **state)
{
	(void)state;
	expect_error(HEAD "1,1,2024-01-01,a\nabc,2,2024-01-01,a\n", NULL, "billed", MLC_EPARSE,
	             "t.csv:3: column 'BilledCost': not a number ('abc')");
	/* a column no basis, dimension or filter reads is never looked at */
	expect_csv(HEAD "1,1,2024-01-01,a\nabc,2,2024-01-01,a\n", NULL, NULL, NULL, 0,
	           "cost,rows\n3,2\n");
	expect_error(HEAD "1,,2024-01-01,a\n", NULL, NULL, MLC_EPARSE,
	             "t.csv:2: column 'EffectiveCost': missing value");
	expect_error(HEAD "1,1,2024-01-01,a\n1,1e30,2024-01-01,a\n", NULL, NULL, MLC_ETOOLARGE,
	             "t.csv:3: column 'EffectiveCost': amount too large ('1e30')");
	/* a quoted newline counts as a line: the bad record starts on line 4 */
	expect_error(HEAD "1,1,2024-01-01,\"a\nb\"\n1,x,2024-01-01,a\n", NULL, NULL, MLC_EPARSE,
	             "t.csv:4: column 'EffectiveCost': not a number ('x')");
}

static void bad_time_and_tags(void **state)
{
	mlc_bills_options o = MLC_BILLS_OPTIONS_INIT;
	mlc_bills_result *r = NULL;
	static const char bill[] = HEAD "1,1,yesterday,a\n";
	static const char tags[] = "BilledCost,EffectiveCost,ChargePeriodStart,Tags\n"
	                           "1,1,2024-01-01,\"{\"\"team\"\":\"\"a\"\"}\"\n"
	                           "1,1,2024-01-01,\"{\"\"team\"\" \"\"a\"\"}\"\n";
	(void)state;
	o.bucket = MLC_BUCKET_DAY;
	assert_int_equal(mlc_bills_aggregate_mem(&r, bill, strlen(bill), "t.csv", &o), MLC_EPARSE);
	assert_string_equal(mlc_error_message(),
	                    "t.csv:2: column 'ChargePeriodStart': not a timestamp ('yesterday')");
	/* without a bucket or a time filter the start is not read */
	expect_csv(bill, "ServiceName", NULL, NULL, 0, "ServiceName,cost,rows\na,1,1\n");
	/* byte 9 of {"team" "a"} is the quote where ':' should be */
	expect_error(tags, "tag:team", NULL, MLC_EPARSE,
	             "t.csv:3: column 'Tags': byte 9: expected ':' after a key");
}

static void short_long_rows_and_csv_syntax(void **state)
{
	(void)state;
	expect_error(HEAD "1,1,2024-01-01,a\n1,1\n", NULL, NULL, MLC_EPARSE,
	             "t.csv:3: column 'ChargePeriodStart': missing (the row has 2 fields, the "
	             "header 4)");
	expect_error(HEAD "1,1,2024-01-01,a,b\n", NULL, NULL, MLC_EPARSE,
	             "t.csv:2: column 5: unexpected field (the header has 4 columns)");
	expect_error(HEAD "1,1,2024-01-01,a\n1,1,2024-01-01,\"a\n", NULL, NULL, MLC_EPARSE,
	             "t.csv:3: column 'ServiceName': unterminated quoted field");
	expect_error(HEAD "1,1,2024-01-01,a\"b\n", NULL, NULL, MLC_EPARSE,
	             "t.csv:2: column 'ServiceName': quote inside an unquoted field");
}

static void formats_refused(void **state)
{
	mlc_bills_result *r = NULL;
	mlc_bills_options o = MLC_BILLS_OPTIONS_INIT;
	static const char other[] = "a,b,c\n1,2,3\n";
	(void)state;
	assert_int_equal(mlc_bills_aggregate_mem(&r, other, strlen(other), "t.csv", &o),
	                 MLC_EPARSE);
	assert_true(strncmp(mlc_error_message(), "t.csv:1: unknown billing format", 31) == 0);
	expect_error("", NULL, NULL, MLC_EPARSE, "t.csv:1: empty file (no header)");
	/* a dimension the header cannot give */
	assert_int_equal(
	    mlc_bills_aggregate_mem(&r, HEAD, strlen(HEAD), "t.csv",
	                            &(mlc_bills_options){.version = MLC_BILLS_OPTIONS_VERSION,
	                                                 .by = (const char *[]){"ServiceNmae"},
	                                                 .nby = 1}),
	    MLC_ENOTFOUND);
	assert_non_null(strstr(mlc_error_message(), "did you mean 'ServiceName'"));
	/* a basis whose column the file lacks */
	expect_error(HEAD, NULL, "list", MLC_EPARSE,
	             "t.csv:1: cost basis 'list' needs column 'ListCost', which this FOCUS 1.0 "
	             "file lacks");
}

static int agg_opts(const char *bill, mlc_bills_options *o)
{
	mlc_bills_result *r = NULL;
	int rc = mlc_bills_aggregate_mem(&r, bill, strlen(bill), "t.csv", o);
	mlc_bills_result_free(r);
	return rc;
}

static void bad_options(void **state)
{
	mlc_bills_options o = MLC_BILLS_OPTIONS_INIT;
	const char *w[] = {"ServiceName"}, *dup[] = {"ServiceName", "servicename"};
	const char *out[] = {"bucket"};
	mlc_cost_basis twice[] = {MLC_COST_BILLED, MLC_COST_BILLED};
	(void)state;
	o.where = w;
	o.nwhere = 1;
	assert_int_equal(agg_opts(HEAD, &o), MLC_EINVAL);
	assert_string_equal(mlc_error_message(),
	                    "where 'ServiceName': expected KEY=VALUE or KEY!=VALUE");
	o.nwhere = 0;
	o.from = "soon";
	assert_int_equal(agg_opts(HEAD, &o), MLC_EINVAL);
	assert_string_equal(mlc_error_message(), "from: not a date or timestamp ('soon')");
	o.from = "2024-02-01";
	o.to = "2024-01-01";
	assert_int_equal(agg_opts(HEAD, &o), MLC_EINVAL);
	o.from = o.to = NULL;
	o.by = dup;
	o.nby = 2;
	assert_int_equal(agg_opts(HEAD, &o), MLC_EINVAL);
	assert_string_equal(mlc_error_message(), "dimension 'servicename' given twice");
	o.by = out;
	o.nby = 1;
	assert_int_equal(agg_opts(HEAD, &o), MLC_EINVAL);
	o.nby = MLC_BILLS_MAX_DIMS + 1;
	assert_int_equal(agg_opts(HEAD, &o), MLC_EINVAL);
	o.nby = 0;
	o.bases = twice;
	o.nbases = 2;
	assert_int_equal(agg_opts(HEAD, &o), MLC_EINVAL);
	o.nbases = 0;
	o.version = 99;
	assert_int_equal(agg_opts(HEAD, &o), MLC_EINVAL);
}

static void mixed_currencies(void **state)
{
	static const char bill[] = "BilledCost,EffectiveCost,ChargePeriodStart,BillingCurrency\n"
	                           "1,1,2024-01-01,USD\n"
	                           "2,2,2024-01-01,EUR\n"
	                           "4,4,2024-01-01,USD\n";
	mlc_bills_options o = MLC_BILLS_OPTIONS_INIT;
	mlc_bills_result *r = NULL;
	const char *by[] = {"BillingCurrency"}, *w[] = {"BillingCurrency=USD"};
	(void)state;
	expect_error(bill, NULL, NULL, MLC_EPARSE,
	             "rows are billed in several currencies: USD (t.csv), EUR (t.csv); group by "
	             "BillingCurrency or filter with --where BillingCurrency=USD");
	/* grouped apart: fine, and the result has no single currency */
	o.by = by;
	o.nby = 1;
	assert_int_equal(mlc_bills_aggregate_mem(&r, bill, strlen(bill), "t.csv", &o), 0);
	assert_null(r->currency);
	assert_int_equal(r->ngroups, 2);
	mlc_bills_result_free(r);
	/* filtered to one: USD, 1 + 4 */
	o.nby = 0;
	o.where = w;
	o.nwhere = 1;
	assert_int_equal(mlc_bills_aggregate_mem(&r, bill, strlen(bill), "t.csv", &o), 0);
	assert_string_equal(r->currency, "USD");
	assert_amount(r->total[0], "5");
	mlc_bills_result_free(r);
}

static void caps_on_groups_and_values(void **state)
{
	static const char bill[] = HEAD "1,1,2024-01-01,a\n1,1,2024-01-01,b\n1,1,2024-01-01,c\n";
	mlc_bills_options o = MLC_BILLS_OPTIONS_INIT;
	const char *by[] = {"ServiceName"};
	(void)state;
	o.by = by;
	o.nby = 1;
	o.max_groups = 2;
	assert_int_equal(agg_opts(bill, &o), MLC_ETOOLARGE);
	assert_string_equal(mlc_error_message(),
	                    "t.csv:4: more than 2 groups (the limit); group by fewer or coarser "
	                    "dimensions, or filter with --where");
	/* lenient does not skip past a limit */
	o.lenient = 1;
	assert_int_equal(agg_opts(bill, &o), MLC_ETOOLARGE);
	o.lenient = 0;
	o.max_groups = 0;
	o.max_values = 1;
	assert_int_equal(agg_opts(bill, &o), MLC_ETOOLARGE);
	assert_string_equal(mlc_error_message(),
	                    "t.csv:3: more than 1 distinct values in one dimension (the limit)");
}

static void lenient_skips_counts_and_keeps_the_first(void **state)
{
	static const char bill[] = HEAD "1,1,2024-01-01,a\n"
	                                "1,x,2024-01-01,a\n" /* line 3: not a number */
	                                "1,1\n"              /* line 4: short */
	                                "2,2,2024-01-01,b\n"
	                                "1,,2024-01-01,a\n" /* line 6: missing */
	                                "4,4,2024-01-01,a\n";
	mlc_bills_options o = MLC_BILLS_OPTIONS_INIT;
	mlc_bills_result *r = NULL;
	(void)state;
	o.lenient = 1;
	o.max_errors = 2;
	assert_int_equal(mlc_bills_aggregate_mem(&r, bill, strlen(bill), "t.csv", &o), 0);
	/* good rows: 1 + 2 + 4 = 7 */
	assert_int_equal(r->rows_read, 6);
	assert_int_equal(r->rows_skipped, 3);
	assert_int_equal(r->rows_matched, 3);
	assert_amount(r->total[0], "7");
	assert_int_equal(r->nerrors, 2);
	assert_string_equal(r->errors[0], "t.csv:3: column 'EffectiveCost': not a number ('x')");
	assert_string_equal(r->errors[1],
	                    "t.csv:4: column 'ChargePeriodStart': missing (the row has 2 fields, "
	                    "the header 4)");
	assert_int_equal(r->files[0].rows_skipped, 3);
	mlc_bills_result_free(r);
	/* CSV syntax stays fatal: the scanner cannot find the next record reliably */
	o.max_errors = 0;
	assert_int_equal(agg_opts(HEAD "1,1,2024-01-01,\"a\n", &o), MLC_EPARSE);
}

static void missing_file_is_a_runtime_error(void **state)
{
	mlc_bills_options o = MLC_BILLS_OPTIONS_INIT;
	mlc_bills_result *r = NULL;
	const char *files[] = {"/nonexistent/bill.csv"};
	(void)state;
	assert_int_equal(mlc_bills_aggregate(&r, files, 1, &o), MLC_EIO);
	assert_null(r);
	assert_non_null(strstr(mlc_error_message(), "/nonexistent/bill.csv"));
	assert_int_equal(mlc_bills_aggregate(&r, files, 0, &o), MLC_EINVAL);
}

/* ---- every allocation failing in turn ---------------------------------------------------- */

static long fail_at, calls, live;

static void *t_malloc(size_t n)
{
	void *p;
	if (++calls == fail_at)
		return NULL;
	p = malloc(n);
	if (p)
		live++;
	return p;
}

static void *t_realloc(void *old, size_t n)
{
	void *p;
	if (++calls == fail_at)
		return NULL;
	p = realloc(old, n);
	if (p && !old)
		live++;
	return p;
}

static void t_free(void *p)
{
	if (p)
		live--;
	free(p);
}

static void allocation_failures_are_clean(void **state)
{
	static const mlc_allocator failing = {t_malloc, t_realloc, t_free};
	static const char bill[] =
	    "BilledCost,EffectiveCost,ChargePeriodStart,ServiceName,BillingCurrency,Tags\n"
	    "1,1,2024-01-01,a,USD,\"{\"\"m\"\":\"\"x\"\"}\"\n"
	    "2,2,2024-01-02,b,USD,\"{\"\"m\"\":\"\"y\"\"}\"\n"
	    "3,x,2024-01-03,c,USD,\n";
	const char *by[] = {"ServiceName", "tag:m"}, *w[] = {"ServiceName!=z"};
	mlc_bills_options o = MLC_BILLS_OPTIONS_INIT;
	int rc = -1;
	(void)state;
	o.by = by;
	o.nby = 2;
	o.where = w;
	o.nwhere = 1;
	o.bucket = MLC_BUCKET_DAY;
	o.lenient = 1;
	for (fail_at = 1; rc != 0 && fail_at < 100000; fail_at++) {
		mlc_bills_result *r = NULL;
		calls = live = 0;
		mlc_set_allocator(&failing);
		rc = mlc_bills_aggregate_mem(&r, bill, strlen(bill), "t.csv", &o);
		if (rc == 0)
			assert_int_equal(r->ngroups, 2);
		else
			assert_int_equal(rc, MLC_ENOMEM);
		mlc_bills_result_free(r);
		mlc_set_allocator(NULL);
		assert_int_equal(live, 0);
	}
	assert_int_equal(rc, 0);
	assert_true(fail_at > 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(bad_values_name_file_line_and_column),
	    cmocka_unit_test(bad_time_and_tags),
	    cmocka_unit_test(short_long_rows_and_csv_syntax),
	    cmocka_unit_test(formats_refused),
	    cmocka_unit_test(bad_options),
	    cmocka_unit_test(mixed_currencies),
	    cmocka_unit_test(caps_on_groups_and_values),
	    cmocka_unit_test(lenient_skips_counts_and_keeps_the_first),
	    cmocka_unit_test(missing_file_is_a_runtime_error),
	    cmocka_unit_test(allocation_failures_are_clean),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
