/* SPDX-License-Identifier: MIT */
/*
 * test_attribute.c - the attribution engine (include/mlcost/bills.h) on
 * small bills written here, every expected number computed by hand in the
 * comments: grouping by tags and columns, buckets, filters, several cost
 * bases, the sort, presence bits, CUR amortization, the output formats,
 * and the amount helpers. Errors, lenient mode and limits are in
 * test_attribute_errors.c; parallel chunks in test_attribute_split.c.
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

/*
 * Six rows. Effective cost by row: 8.25, 2.25, 0.000000000001, -1.00, 3.5,
 * 100.10; billed: 10.50, 2.25, 0.000000000001, -1.00, 4, 100.10.
 * model_id: ranker, ranker, ranker (key " Model_ID " matches after trim and
 * case folding), missing (empty Tags), chat, missing (NULL Tags).
 */
static const char bill[] =
    "BilledCost,EffectiveCost,ListCost,ContractedCost,BillingCurrency,ChargePeriodStart,"
    "ServiceName,ResourceId,Tags\n"
    "10.50,8.25,12,10.50,USD,2024-09-18T22:00:00Z,Amazon EC2,i-1,"
    "\"{\"\"model_id\"\":\"\"ranker\"\",\"\"lifecycle_phase\"\":\"\"training\"\"}\"\n"
    "2.25,2.25,3,2.25,USD,2024-09-18T23:30:00Z,Amazon S3,b-1,"
    "\"{\"\"model_id\"\":\"\"ranker\"\",\"\"lifecycle_phase\"\":\"\"serving\"\"}\"\n"
    "0.000000000001,0.000000000001,0,0,USD,2024-09-19T00:00:00Z,Amazon S3,b-1,"
    "\"{\"\" Model_ID \"\":\"\"ranker\"\"}\"\n"
    "-1.00,-1.00,0,-1,USD,2024-09-19T05:00:00+00:00,Amazon EC2,,\n"
    "4,3.5,5,4,USD,2024-10-01 00:00:00,Amazon EC2,i-2,\"{\"\"model_id\"\":\"\"chat\"\"}\"\n"
    "100.10,100.10,100.10,100.10,USD,2024-10-02T00:00:00Z,Tax,,NULL\n";

static void groups_by_tag_sorted_by_cost(void **state)
{
	(void)state;
	/* effective: missing -1.00 + 100.10 = 99.1 (2 rows);
	 * ranker 8.25 + 2.25 + 0.000000000001 = 10.500000000001 (3); chat 3.5 (1) */
	expect_csv(bill, "tag:model_id", NULL, NULL, 0,
	           "tag:model_id,cost,rows\n"
	           ",99.1,2\n"
	           "ranker,10.500000000001,3\n"
	           "chat,3.5,1\n");
	/* billed: missing 99.1; ranker 10.50 + 2.25 + 0.000000000001 = 12.750000000001; chat 4 */
	expect_csv(bill, "tag:model_id", "billed", NULL, 0,
	           "tag:model_id,cost,rows\n"
	           ",99.1,2\n"
	           "ranker,12.750000000001,3\n"
	           "chat,4,1\n");
}

static void several_bases_and_no_dimension(void **state)
{
	(void)state;
	/* billed 10.50 + 2.25 + 1e-12 - 1 + 4 + 100.10 = 115.850000000001;
	 * effective 8.25 + 2.25 + 1e-12 - 1 + 3.5 + 100.10 = 113.100000000001 */
	expect_csv(bill, NULL, "billed,effective", NULL, 0,
	           "billed,effective,rows\n115.850000000001,113.100000000001,6\n");
	/* list 12 + 3 + 0 + 0 + 5 + 100.10 = 120.1; contracted = billed but row 4:
	 * 10.50 + 2.25 + 0 - 1 + 4 + 100.10 = 115.85 */
	expect_csv(bill, NULL, "list,contracted", NULL, 0,
	           "list,contracted,rows\n120.1,115.85,6\n");
}

static void buckets_day_month_hour(void **state)
{
	(void)state;
	/* day: EC2 09-18 8.25; S3 09-18 2.25; S3 09-19 1e-12; EC2 09-19 -1;
	 * EC2 10-01 3.5 (a space-separated time, no zone: UTC); Tax 10-02 100.1 */
	expect_csv(bill, "ServiceName", NULL, "day", 0,
	           "ServiceName,bucket,cost,rows\n"
	           "Tax,2024-10-02,100.1,1\n"
	           "Amazon EC2,2024-09-18,8.25,1\n"
	           "Amazon EC2,2024-10-01,3.5,1\n"
	           "Amazon S3,2024-09-18,2.25,1\n"
	           "Amazon S3,2024-09-19,0.000000000001,1\n"
	           "Amazon EC2,2024-09-19,-1,1\n");
	/* month: Tax 2024-10 100.1; EC2 2024-09 8.25 - 1 = 7.25; EC2 2024-10 3.5;
	 * S3 2024-09 2.25 + 1e-12 = 2.250000000001 */
	expect_csv(bill, "ServiceName", NULL, "month", 0,
	           "ServiceName,bucket,cost,rows\n"
	           "Tax,2024-10,100.1,1\n"
	           "Amazon EC2,2024-09,7.25,2\n"
	           "Amazon EC2,2024-10,3.5,1\n"
	           "Amazon S3,2024-09,2.250000000001,2\n");
	/* hour: the S3 row at 23:30 falls in the 23:00 bucket */
	expect_csv(bill, "ResourceId", NULL, "hour", 0,
	           "ResourceId,bucket,cost,rows\n"
	           ",2024-10-02T00:00:00Z,100.1,1\n"
	           "i-1,2024-09-18T22:00:00Z,8.25,1\n"
	           "i-2,2024-10-01T00:00:00Z,3.5,1\n"
	           "b-1,2024-09-18T23:00:00Z,2.25,1\n"
	           "b-1,2024-09-19T00:00:00Z,0.000000000001,1\n"
	           ",2024-09-19T05:00:00Z,-1,1\n");
}

static void where_filters(void **state)
{
	(void)state;
	/* ranker rows: 8.25 + 2.25 + 1e-12; the key is matched case-insensitively */
	expect_where(bill, (const char *[]){"tag:MODEL_ID=ranker", NULL}, NULL, NULL,
	             "10.500000000001", 3);
	/* empty VALUE: the tag is missing: -1 + 100.10 */
	expect_where(bill, (const char *[]){"tag:model_id=", NULL}, NULL, NULL, "99.1", 2);
	/* != keeps missing values: -1 + 3.5 + 100.10 = 102.6 */
	expect_where(bill, (const char *[]){"tag:model_id!=ranker", NULL}, NULL, NULL, "102.6", 3);
	/* KEY!= (empty): the tag is present: 10.500000000001 + 3.5 */
	expect_where(bill, (const char *[]){"tag:model_id!=", NULL}, NULL, NULL, "14.000000000001",
	             4);
	/* one key twice: either value (OR): 10.500000000001 + 3.5 */
	expect_where(bill, (const char *[]){"tag:model_id=ranker", "tag:model_id=chat", NULL}, NULL,
	             NULL, "14.000000000001", 4);
	/* two keys: both (AND): the EC2 ranker row only */
	expect_where(bill, (const char *[]){"ServiceName=Amazon EC2", "tag:model_id=ranker", NULL},
	             NULL, NULL, "8.25", 1);
	/* blanks around key and value are trimmed: the two S3 rows */
	expect_where(bill, (const char *[]){" ServiceName = Amazon S3 ", NULL}, NULL, NULL,
	             "2.250000000001", 2);
	/* values compare exactly: no row has "amazon s3" */
	expect_where(bill, (const char *[]){"ServiceName=amazon s3", NULL}, NULL, NULL, "0", 0);
}

static void from_to_is_half_open(void **state)
{
	(void)state;
	/* [09-19, 10-01): rows 3 (09-19 00:00) and 4 (09-19 05:00): 1e-12 - 1;
	 * row 5 starts exactly at 10-01 00:00 and is out */
	expect_where(bill, NULL, "2024-09-19", "2024-10-01T00:00:00Z", "-0.999999999999", 2);
	/* from alone: rows 5 and 6: 3.5 + 100.10 */
	expect_where(bill, NULL, "2024-10-01", NULL, "103.6", 2);
	/* an offset: 2024-09-19T01:00:00+02:00 is 09-18 23:00 UTC: rows 2.. */
	expect_where(bill, NULL, "2024-09-19T01:00:00+02:00", NULL, "104.850000000001", 5);
}

static void presence_bits(void **state)
{
	mlc_bills_options o = MLC_BILLS_OPTIONS_INIT;
	const char *pres[] = {"tag:model_id", "tag:lifecycle_phase", "ResourceId"};
	mlc_bills_result *r = NULL;
	(void)state;
	o.presence = pres;
	o.npresence = 3;
	assert_int_equal(mlc_bills_aggregate_mem(&r, bill, strlen(bill), "t.csv", &o), 0);
	/* bits: rows 1-2 all three (0b111): 8.25 + 2.25 = 10.5; rows 3 and 5 model and
	 * resource (0b101): 1e-12 + 3.5; rows 4 and 6 none: -1 + 100.10 = 99.1 */
	assert_int_equal(r->ngroups, 3);
	assert_int_equal(r->groups[0].presence, 0);
	assert_amount(r->groups[0].cost[0], "99.1");
	assert_int_equal(r->groups[1].presence, 7);
	assert_amount(r->groups[1].cost[0], "10.5");
	assert_int_equal(r->groups[2].presence, 5);
	assert_amount(r->groups[2].cost[0], "3.500000000001");
	assert_int_equal(r->groups[2].rows, 2);
	mlc_bills_result_free(r);
}

static void result_fields_and_sort(void **state)
{
	mlc_bills_options o = MLC_BILLS_OPTIONS_INIT;
	const char *by[] = {"ServiceName", "tag:model_id"};
	mlc_cost_basis bases[] = {MLC_COST_BILLED, MLC_COST_EFFECTIVE};
	mlc_bills_result *r = NULL;
	(void)state;
	o.by = by;
	o.nby = 2;
	o.bases = bases;
	o.nbases = 2;
	assert_int_equal(mlc_bills_aggregate_mem(&r, bill, strlen(bill), "t.csv", &o), 0);
	assert_string_equal(r->currency, "USD");
	assert_int_equal(r->rows_read, 6);
	assert_int_equal(r->rows_matched, 6);
	assert_int_equal(r->rows_skipped, 0);
	assert_int_equal(r->nfiles, 1);
	assert_string_equal(r->files[0].format, "FOCUS 1.0");
	assert_amount(r->total[0], "115.850000000001");
	assert_amount(r->total[1], "113.100000000001");
	/* billed first: Tax 100.10; EC2/ranker 10.50; EC2/chat 4; S3/ranker 2.25 + 1e-12;
	 * EC2/missing -1 */
	assert_int_equal(r->ngroups, 5);
	assert_string_equal(r->groups[0].values[0], "Tax");
	assert_null(r->groups[0].values[1]);
	assert_string_equal(r->groups[4].values[0], "Amazon EC2");
	assert_null(r->groups[4].values[1]);
	assert_int_equal(r->groups[3].lens[0], strlen("Amazon S3"));
	/* by effective: Tax 100.10; EC2/ranker 8.25; EC2/chat 3.5; S3/ranker 2.25..; -1 */
	mlc_bills_sort(r, 1);
	assert_string_equal(r->groups[1].values[1], "ranker");
	assert_amount(r->groups[1].cost[1], "8.25");
	assert_string_equal(r->groups[2].values[1], "chat");
	mlc_bills_result_free(r);
}

static void ties_sort_by_keys_missing_first(void **state)
{
	static const char t[] = "BilledCost,EffectiveCost,ChargePeriodStart,ServiceName\n"
	                        "1,1,2024-01-01,b\n"
	                        "1,1,2024-01-01,\n"
	                        "1,1,2024-01-01,a\n"
	                        "1,1,2024-01-01,ab\n"
	                        "2,2,2024-01-01,z\n";
	(void)state;
	/* equal costs: missing, then bytewise ("a" < "ab" < "b") */
	expect_csv(t, "ServiceName", NULL, NULL, 0,
	           "ServiceName,cost,rows\nz,2,1\n,1,1\na,1,1\nab,1,1\nb,1,1\n");
}

static void json_output(void **state)
{
	(void)state;
	/* total 99.1 + 10.500000000001 + 3.5 = 113.100000000001 = Σ groups */
	expect_json(bill, "tag:model_id", NULL, NULL,
	            "{\"cost_basis\":\"effective\",\"currency\":\"USD\",\"rows_read\":6,"
	            "\"rows_skipped\":0,\"total\":113.100000000001,\"groups\":[\n"
	            "{\"tag:model_id\":null,\"cost\":99.1,\"rows\":2},\n"
	            "{\"tag:model_id\":\"ranker\",\"cost\":10.500000000001,\"rows\":3},\n"
	            "{\"tag:model_id\":\"chat\",\"cost\":3.5,\"rows\":1}]}\n");
	expect_json(bill, "ServiceName", "billed,effective", "month",
	            "{\"cost_basis\":[\"billed\",\"effective\"],\"currency\":\"USD\","
	            "\"rows_read\":6,\"rows_skipped\":0,"
	            "\"total\":{\"billed\":115.850000000001,\"effective\":113.100000000001},"
	            "\"groups\":[\n"
	            "{\"ServiceName\":\"Tax\",\"bucket\":\"2024-10\",\"billed\":100.1,"
	            "\"effective\":100.1,\"rows\":1},\n"
	            "{\"ServiceName\":\"Amazon EC2\",\"bucket\":\"2024-09\",\"billed\":9.5,"
	            "\"effective\":7.25,\"rows\":2},\n"
	            "{\"ServiceName\":\"Amazon EC2\",\"bucket\":\"2024-10\",\"billed\":4,"
	            "\"effective\":3.5,\"rows\":1},\n"
	            "{\"ServiceName\":\"Amazon S3\",\"bucket\":\"2024-09\","
	            "\"billed\":2.250000000001,\"effective\":2.250000000001,\"rows\":2}]}\n");
}

static void output_escapes_values(void **state)
{
	static const char t[] = "BilledCost,EffectiveCost,ChargePeriodStart,ServiceName\n"
	                        "1,1,2024-01-01,\"a,\"\"b\"\"\nc\"\n"
	                        "2,2,2024-01-01,\"caf\xc3\xa9 \xff\"\n";
	(void)state;
	/* CSV: RFC 4180 quoting; JSON: escapes, UTF-8 kept, a stray byte as U+FFFD */
	expect_csv(t, "ServiceName", NULL, NULL, 0,
	           "ServiceName,cost,rows\ncaf\xc3\xa9 \xff,2,1\n\"a,\"\"b\"\"\nc\",1,1\n");
	expect_json(t, "ServiceName", NULL, NULL,
	            "{\"cost_basis\":\"effective\",\"currency\":null,\"rows_read\":2,"
	            "\"rows_skipped\":0,\"total\":3,\"groups\":[\n"
	            "{\"ServiceName\":\"caf\xc3\xa9 \\ufffd\",\"cost\":2,\"rows\":1},\n"
	            "{\"ServiceName\":\"a,\\\"b\\\"\\nc\",\"cost\":1,\"rows\":1}]}\n");
}

/*
 * AWS CUR legacy, one row per line item type (SPEC §4). Effective:
 * Usage 1.50; DiscountedUsage reservation/EffectiveCost 0.70;
 * SavingsPlanCoveredUsage SavingsPlanEffectiveCost 1.20; SavingsPlanNegation 0;
 * SavingsPlanRecurringFee 5.00 - 3.80 = 1.20; RIFee 0.40 + 0.25 = 0.65;
 * Fee of a reservation 0; Tax 0.33. Billed: the unblended column.
 */
static const char cur[] =
    "lineItem/LineItemType,lineItem/UsageStartDate,lineItem/UnblendedCost,lineItem/ProductCode,"
    "reservation/EffectiveCost,savingsPlan/SavingsPlanEffectiveCost,"
    "savingsPlan/TotalCommitmentToDate,savingsPlan/UsedCommitment,"
    "reservation/UnusedAmortizedUpfrontFeeForBillingPeriod,reservation/UnusedRecurringFee,"
    "reservation/ReservationARN,lineItem/CurrencyCode,resourceTags/user:model_id\n"
    "Usage,2024-09-01T00:00:00Z,1.50,AmazonEC2,,,,,,,,USD,ranker\n"
    "DiscountedUsage,2024-09-01T00:00:00Z,0,AmazonEC2,0.70,,,,,,arn:ri,USD,ranker\n"
    "SavingsPlanCoveredUsage,2024-09-01T01:00:00Z,2.00,AmazonSageMaker,,1.20,,,,,,USD,chat\n"
    "SavingsPlanNegation,2024-09-01T01:00:00Z,-2.00,AmazonSageMaker,,,,,,,,USD,chat\n"
    "SavingsPlanRecurringFee,2024-09-01T00:00:00Z,5.00,ComputeSavingsPlans,,,5.00,3.80,,,,USD,\n"
    "RIFee,2024-09-01T00:00:00Z,3.00,AmazonEC2,,,,,0.40,0.25,arn:ri,USD,\n"
    "Fee,2024-09-01T00:00:00Z,100,AmazonEC2,,,,,,,arn:ri,USD,\n"
    "Tax,2024-09-01T00:00:00Z,0.33,AmazonEC2,,,,,,,,USD,\n";

static void cur_amortization_rules(void **state)
{
	(void)state;
	/* effective 1.5 + 0.7 + 1.2 + 0 + 1.2 + 0.65 + 0 + 0.33 = 5.58;
	 * billed 1.5 + 0 + 2 - 2 + 5 + 3 + 100 + 0.33 = 109.83 */
	expect_csv(cur, NULL, "billed,effective", NULL, 0,
	           "billed,effective,rows\n109.83,5.58,8\n");
	/* by model (effective): ranker 1.5 + 0.7 = 2.2; missing 1.2 + 0.65 + 0 + 0.33 = 2.18;
	 * chat 1.2 + 0 = 1.2 */
	expect_csv(cur, "tag:model_id", NULL, NULL, 0,
	           "tag:model_id,cost,rows\nranker,2.2,2\n,2.18,4\nchat,1.2,2\n");
	/* ServiceName from lineItem/ProductCode (no product/ProductName column), billed */
	expect_csv(cur, "ServiceName", "billed", NULL, 0,
	           "ServiceName,cost,rows\nAmazonEC2,104.83,5\nComputeSavingsPlans,5,1\n"
	           "AmazonSageMaker,0,2\n");
}

static void amounts(void **state)
{
	mlc_amount a, b, one;
	char buf[MLC_AMOUNT_FMT_MAX + 16];
	int i, rc = 0;
	(void)state;
	assert_int_equal(mlc_amount_parse(&a, "5784707.17", 10), 0);
	mlc_amount_format(buf, sizeof(buf), a, -1);
	assert_string_equal(buf, "5784707.17");
	mlc_amount_format(buf, sizeof(buf), a, 4);
	assert_string_equal(buf, "5784707.1700");
	mlc_amount_format_grouped(buf, sizeof(buf), a, 2);
	assert_string_equal(buf, "5,784,707.17");
	/* display rounding is half away from zero and never prints -0.00 */
	assert_int_equal(mlc_amount_parse(&a, "-1234.565", 9), 0);
	mlc_amount_format_grouped(buf, sizeof(buf), a, 2);
	assert_string_equal(buf, "-1,234.57");
	assert_int_equal(mlc_amount_parse(&a, "-0.004", 6), 0);
	mlc_amount_format_grouped(buf, sizeof(buf), a, 2);
	assert_string_equal(buf, "0.00");
	/* -10^-12 is all ones in 128 bits */
	assert_int_equal(mlc_amount_parse(&a, "-0.000000000001", 15), 0);
	assert_int_equal(a.hi, -1);
	assert_true(a.lo == UINT64_MAX);
	assert_true(mlc_amount_to_double(a) < 0);
	assert_int_equal(mlc_amount_parse(&b, "1e-12", 5), 0);
	assert_int_equal(mlc_amount_cmp(a, b), -1);
	assert_int_equal(mlc_amount_add(&a, b), 0);
	assert_int_equal(a.hi, 0);
	assert_int_equal(a.lo, 0);
	assert_int_equal(mlc_amount_parse(&a, "abc", 3), MLC_EPARSE);
	assert_int_equal(mlc_amount_parse(&a, "1e30", 4), MLC_ETOOLARGE);
	/* 10^24 - 10^-12 added up overflows 128 bits after about 170 additions,
	 * and a failed addition leaves the sum unchanged */
	assert_int_equal(mlc_amount_parse(&one, "999999999999.999999999999e12", 28), 0);
	a.hi = 0, a.lo = 0;
	for (i = 0; i < 1000 && rc == 0; i++) {
		b = a;
		rc = mlc_amount_add(&a, one);
	}
	assert_int_equal(rc, MLC_ETOOLARGE);
	assert_true(i > 100 && i < 200);
	assert_int_equal(mlc_amount_cmp(a, b), 0);
}

static void names_of_bases_and_buckets(void **state)
{
	mlc_cost_basis b;
	mlc_time_bucket k;
	char buf[32];
	(void)state;
	assert_int_equal(mlc_cost_basis_parse(&b, "contracted"), 0);
	assert_int_equal(b, MLC_COST_CONTRACTED);
	assert_string_equal(mlc_cost_basis_name(MLC_COST_LIST), "list");
	assert_int_equal(mlc_cost_basis_parse(&b, "amortized"), MLC_EINVAL);
	assert_int_equal(mlc_time_bucket_parse(&k, "month"), 0);
	assert_int_equal(k, MLC_BUCKET_MONTH);
	assert_int_equal(mlc_time_bucket_parse(&k, "week"), MLC_EINVAL);
	/* 1726696800 = 2024-09-18T22:00:00Z (19984 days * 86400 + 22 * 3600) */
	mlc_time_bucket_label(buf, sizeof(buf), 1726696800, MLC_BUCKET_HOUR);
	assert_string_equal(buf, "2024-09-18T22:00:00Z");
	mlc_time_bucket_label(buf, sizeof(buf), 1726696800, MLC_BUCKET_MONTH);
	assert_string_equal(buf, "2024-09");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(groups_by_tag_sorted_by_cost),
	    cmocka_unit_test(several_bases_and_no_dimension),
	    cmocka_unit_test(buckets_day_month_hour),
	    cmocka_unit_test(where_filters),
	    cmocka_unit_test(from_to_is_half_open),
	    cmocka_unit_test(presence_bits),
	    cmocka_unit_test(result_fields_and_sort),
	    cmocka_unit_test(ties_sort_by_keys_missing_first),
	    cmocka_unit_test(json_output),
	    cmocka_unit_test(output_escapes_values),
	    cmocka_unit_test(cur_amortization_rules),
	    cmocka_unit_test(amounts),
	    cmocka_unit_test(names_of_bases_and_buckets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
