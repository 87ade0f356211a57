/* SPDX-License-Identifier: MIT */
/*
 * test_unit_api.c - the public API of include/mlcost/unit.h on small bills
 * written here: allocation conserves money (even splits with a leftover
 * unit, credits, a pool with no target), unit cost divides exactly and
 * lists models without usage or cost, and errors carry the right codes.
 * Every expected number is computed by hand in the comments.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mlcost/bills.h"
#include "mlcost/common.h"
#include "mlcost/unit.h"

#define HEAD                      "BillingCurrency,EffectiveCost,BilledCost,ChargePeriodStart,ServiceName,Tags\n"
#define DAY1                      "2024-09-01T00:00:00Z"
#define DAY2                      "2024-09-02T00:00:00Z"
#define ROW(day, cost, svc, tags) "USD," cost "," cost "," day "," svc ",\"" tags "\"\n"

static char paths[4][64];

static const char *write_tmp(int i, const char *text)
{
	int fd;
	snprintf(paths[i], sizeof(paths[i]), "/tmp/mlc_unit_api_XXXXXX");
	fd = mkstemp(paths[i]);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return paths[i];
}

static int cleanup(void **state)
{
	(void)state;
	for (int i = 0; i < 4; i++)
		if (paths[i][0])
			unlink(paths[i]), paths[i][0] = '\0';
	return 0;
}

static void assert_amount(mlc_amount a, const char *want)
{
	char buf[MLC_AMOUNT_FMT_MAX];
	mlc_amount_format(buf, sizeof(buf), a, -1);
	assert_string_equal(buf, want);
}

/* Bill: a 5.00, b 3.00, c -1.00 (credit) direct; pool "shared" 1.00 (even)
 * and pool "keys" 0.50 (proportional). Targets with direct cost: a, b, c.
 * even: 1.00 / 3 = 0.333333333333 each, 1 unit left -> first target (a):
 *   a 0.333333333334, b 0.333333333333, c 0.333333333333.
 * proportional weights 5 : 3 : 0 (a credit weighs nothing), sum 8:
 *   a 0.50*5/8 = 0.3125, b 0.50*3/8 = 0.1875, c 0.
 * before = 5 + 3 - 1 + 1 + 0.5 = 8.5 = after. */
static const char bill1[] = HEAD ROW(DAY1, "5.00", "EC2", "{\"\"m\"\":\"\"a\"\"}")
    ROW(DAY1, "3.00", "EC2", "{\"\"m\"\":\"\"b\"\"}")
        ROW(DAY1, "-1.00", "EC2", "{\"\"m\"\":\"\"c\"\"}") ROW(DAY1, "1.00", "Shared", "{}")
            ROW(DAY1, "0.50", "KMS", "{}");

static const char rules1[] = "pools:\n"
                             "  - name: shared\n    filter: ServiceName=Shared\n"
                             "    split: even\n    targets: tag:m\n"
                             "  - name: keys\n    filter: ServiceName=KMS\n"
                             "    split: proportional\n    targets: tag:m\n";

static void test_allocate_conserves(void **state)
{
	mlc_allocate_result *r = NULL;
	const char *bill = write_tmp(0, bill1), *rules = write_tmp(1, rules1);
	(void)state;
	assert_int_equal(mlc_allocate_run(&r, &bill, 1, rules, NULL), 0);
	assert_int_equal(r->npool_names, 2);
	assert_int_equal(r->ntargets, 3);
	assert_string_equal(r->targets[0].value, "a");
	assert_amount(r->targets[0].from_pool[0], "0.333333333334");
	assert_amount(r->targets[1].from_pool[0], "0.333333333333");
	assert_amount(r->targets[2].from_pool[0], "0.333333333333");
	assert_amount(r->targets[0].from_pool[1], "0.3125");
	assert_amount(r->targets[1].from_pool[1], "0.1875");
	assert_amount(r->targets[2].from_pool[1], "0");
	/* c: -1 + 0.333333333333 = -0.666666666667 */
	assert_amount(r->targets[2].total, "-0.666666666667");
	assert_amount(r->before, "8.5");
	assert_amount(r->after, "8.5");
	assert_amount(r->difference, "0");
	assert_int_equal(r->npools, 2);
	assert_amount(r->pools[0].allocated, "1");
	assert_amount(r->pools[1].unallocated, "0");
	mlc_allocate_result_free(r);
}

/* A pool in a period with no target at all stays unallocated but counts
 * in the total after: day 2 has only the pool row (2.00). With --bucket
 * day: before = 5+3-1+1+0.5 + 2 = 10.5 = after, day 2's pool unallocated 2. */
static void test_allocate_unallocated(void **state)
{
	static const char bill[] = HEAD ROW(DAY1, "5.00", "EC2", "{\"\"m\"\":\"\"a\"\"}")
	    ROW(DAY1, "3.00", "EC2", "{\"\"m\"\":\"\"b\"\"}")
	        ROW(DAY1, "-1.00", "EC2", "{\"\"m\"\":\"\"c\"\"}") ROW(DAY1, "1.00", "Shared", "{}")
	            ROW(DAY1, "0.50", "KMS", "{}") ROW(DAY2, "2.00", "Shared", "{}");
	mlc_allocate_options o = MLC_ALLOCATE_OPTIONS_INIT;
	mlc_allocate_result *r = NULL;
	const char *b = write_tmp(0, bill), *rules = write_tmp(1, rules1);
	(void)state;
	o.bucket = MLC_BUCKET_DAY;
	assert_int_equal(mlc_allocate_run(&r, &b, 1, rules, &o), 0);
	assert_amount(r->before, "10.5");
	assert_amount(r->after, "10.5");
	assert_amount(r->difference, "0");
	assert_int_equal(r->npools, 3); /* shared and keys on day 1, shared on day 2 */
	assert_amount(r->pools[2].unallocated, "2");
	assert_non_null(r->pools[2].note);
	mlc_allocate_result_free(r);
}

static void test_allocate_needs_usage(void **state)
{
	static const char rules[] = "pools:\n  - name: gw\n    filter: ServiceName=KMS\n"
	                            "    split: usage\n    targets: tag:m\n";
	mlc_allocate_result *r = NULL;
	const char *b = write_tmp(0, bill1), *p = write_tmp(1, rules);
	(void)state;
	assert_int_equal(mlc_allocate_run(&r, &b, 1, p, NULL), MLC_EINVAL);
	assert_null(r);
}

/* Unit: model a costs 1.00 on day 1 with 7 requests: 1/7 = 0.142857142857|14...
 * -> 0.142857142857; per 1k 1000/7 = 142.857142857142|857 -> 142.857142857143.
 * Model b costs 2.00 with no usage (NO_USAGE); model z has 10 requests and no
 * cost (NO_COST). Untagged 0.25 on day 1 has no usage either. */
static void test_unit_exact(void **state)
{
	static const char bill[] = HEAD ROW(DAY1, "1.00", "EC2", "{\"\"model_id\"\":\"\"a\"\"}")
	    ROW(DAY1, "2.00", "EC2", "{\"\"model_id\"\":\"\"b\"\"}") ROW(DAY1, "0.25", "S3", "{}");
	static const char usage[] = "date,model_id,requests\n2024-09-01,a,7\n2024-09-01,z,10\n";
	mlc_unit_result *r = NULL;
	const char *b = write_tmp(0, bill), *u = write_tmp(1, usage);
	(void)state;
	assert_int_equal(mlc_unit_run(&r, &b, 1, u, NULL), 0);
	assert_int_equal(r->nrows, 4); /* untagged, a, b, z */
	assert_null(r->rows[0].model);
	assert_int_equal(r->rows[0].flags, MLC_UNIT_NO_USAGE);
	assert_string_equal(r->rows[1].model, "a");
	assert_amount(r->rows[1].per_request, "0.142857142857");
	assert_amount(r->rows[1].per_1k, "142.857142857143");
	assert_int_equal(r->rows[2].flags, MLC_UNIT_NO_USAGE);
	assert_string_equal(r->rows[3].model, "z");
	assert_int_equal(r->rows[3].flags, MLC_UNIT_NO_COST);
	assert_int_equal(r->rows[3].requests, 10);
	assert_amount(r->cost_in, "3.25"); /* 1 + 2 + 0.25 */
	assert_amount(r->cost_charged, "3.25");
	assert_int_equal(r->requests, 17);
	mlc_unit_result_free(r);
}

/* CSV of the same result: flags named, no per-request figure without usage. */
static void test_unit_write_csv(void **state)
{
	static const char bill[] = HEAD ROW(DAY1, "1.00", "EC2", "{\"\"model_id\"\":\"\"a\"\"}");
	static const char usage[] = "date,model_id,requests\n2024-09-01,a,4\n2024-09-02,z,1\n";
	static const char want[] = "model,period,cost,training,requests,per_request,per_1k,flags\n"
	                           "a,2024-09-01,1,0,4,0.25,250,\n"
	                           "z,2024-09-02,0,0,1,0,0,no_cost\n"
	                           "a,all,1,0,4,0.25,250,\n"
	                           "z,all,0,0,1,0,0,no_cost\n";
	mlc_unit_result *r = NULL;
	const char *b = write_tmp(0, bill), *u = write_tmp(1, usage);
	char buf[1024];
	size_t n;
	FILE *f = tmpfile();
	(void)state;
	assert_non_null(f);
	assert_int_equal(mlc_unit_run(&r, &b, 1, u, NULL), 0);
	assert_int_equal(mlc_unit_write(r, MLC_BILLS_CSV, f), 0);
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	assert_string_equal(buf, want);
	fclose(f);
	mlc_unit_result_free(r);
}

static void test_unit_errors(void **state)
{
	mlc_unit_options o = MLC_UNIT_OPTIONS_INIT;
	mlc_unit_result *r = NULL;
	const char *b = write_tmp(0, bill1);
	int64_t s = 0;
	(void)state;
	assert_int_equal(mlc_unit_parse_cadence(&s, "30d"), 0);
	assert_int_equal(s, 30 * 86400);
	assert_int_equal(mlc_unit_parse_cadence(&s, "3x"), MLC_EPARSE);
	o.retrain_every = "3x";
	assert_int_equal(mlc_unit_run(&r, &b, 1, "/nonexistent/usage.csv", &o), MLC_EPARSE);
	o.retrain_every = NULL;
	assert_int_not_equal(mlc_unit_run(&r, &b, 1, "/nonexistent/usage.csv", &o), 0);
	assert_null(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_allocate_conserves, cleanup),
	    cmocka_unit_test_teardown(test_allocate_unallocated, cleanup),
	    cmocka_unit_test_teardown(test_allocate_needs_usage, cleanup),
	    cmocka_unit_test_teardown(test_unit_exact, cleanup),
	    cmocka_unit_test_teardown(test_unit_write_csv, cleanup),
	    cmocka_unit_test_teardown(test_unit_errors, cleanup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
