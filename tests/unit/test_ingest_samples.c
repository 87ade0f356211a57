/* SPDX-License-Identifier: MIT */
/*
 * test_ingest_samples.c - the real samples in ../shared/data (the FOCUS
 * sample, the FOCUS 1.2 specification examples, AWS CUR legacy plain and
 * .gz, CUR from Athena) ingested, then read back with mlc_ledger_aggregate
 * under many views (dimensions, buckets, filters, time ranges, presence
 * keys) and compared with the engine's answer on the files themselves,
 * basis by basis: the two must agree to the last digit. Also a restated
 * copy of the FOCUS sample replacing its slice, and the reader's errors.
 * SQLite always; PostgreSQL when MLC_TEST_PG_URL is set.
 */
#include "test_ingest_helpers.h"

#define SAMPLE MLC_SHARED_DATA "/focus-sample-data/focus_sample.csv"
#define SPEC   MLC_SHARED_DATA "/focus-spec-examples/"
#define KOKU   MLC_SHARED_DATA "/koku/"

static const char *const sample_tags[6] = {"team",        "environment", "application",
                                           "business_unit", "app",       "model_id"};

typedef struct view {
	const char *by[6];
	size_t nby;
	mlc_time_bucket bucket;
	const char *where[3];
	size_t nwhere;
	const char *from, *to;
	const char *presence[3];
	size_t npresence;
} view;

static const view views[] = {
    {{NULL}, 0, MLC_BUCKET_NONE, {NULL}, 0, NULL, NULL, {NULL}, 0},
    {{"ProviderName", "BillingAccountId", "BillingCurrency"}, 3, MLC_BUCKET_MONTH, {NULL}, 0,
     NULL, NULL, {NULL}, 0},
    {{"ServiceName", "tag:environment"}, 2, MLC_BUCKET_DAY, {NULL}, 0, NULL, NULL, {NULL}, 0},
    {{"SubAccountId", "RegionId", "ChargeCategory", "PricingCategory"}, 4, MLC_BUCKET_NONE,
     {NULL}, 0, NULL, NULL, {NULL}, 0},
    {{"tag:application", "tag:business_unit", "tag:app", "tag:team"}, 4, MLC_BUCKET_HOUR, {NULL},
     0, NULL, NULL, {NULL}, 0},
    {{"servicename"}, 1, MLC_BUCKET_NONE, {"ChargeCategory=Usage", "tag:environment!="}, 2, NULL,
     NULL, {NULL}, 0},
    {{"RegionId"}, 1, MLC_BUCKET_DAY, {"tag:environment=dev", "tag:environment=prod"}, 2,
     "2024-09-10", "2024-09-20", {NULL}, 0},
    {{"ServiceName"}, 1, MLC_BUCKET_NONE, {NULL}, 0, NULL, NULL,
     {"tag:environment", "tag:app", "RegionId"}, 3},
    {{"ChargeCategory"}, 1, MLC_BUCKET_NONE, {"RegionId="}, 1, "2019-10-01", "2023-12-01", {NULL},
     0},
};

static void options_of(mlc_bills_options *o, const view *v, const mlc_cost_basis *b)
{
	mlc_bills_options init = MLC_BILLS_OPTIONS_INIT;
	*o = init;
	o->by = v->by, o->nby = v->nby, o->bucket = v->bucket;
	o->where = v->where, o->nwhere = v->nwhere, o->from = v->from, o->to = v->to;
	o->presence = v->presence, o->npresence = v->npresence;
	o->bases = b, o->nbases = 1, o->threads = 2;
}

static const mlc_bills_group *find_group(const mlc_bills_result *r, const mlc_bills_group *g)
{
	for (size_t i = 0; i < r->ngroups; i++) {
		const mlc_bills_group *h = &r->groups[i];
		int same = h->bucket == g->bucket && h->presence == g->presence;
		for (size_t d = 0; same && d < r->nby; d++)
			same = (!h->values[d] && !g->values[d]) ||
			       (h->values[d] && g->values[d] && h->lens[d] == g->lens[d] &&
			        !memcmp(h->values[d], g->values[d], h->lens[d]));
		if (same)
			return h;
	}
	return NULL;
}

/* An optional basis some rows lack: the engine (lenient) skipped those rows, the store
 * counts them 0 under it. Every group of the engine is in the store with its cost; the
 * store's other groups cost 0; the totals agree. */
static void assert_covers(const mlc_bills_result *st, const mlc_bills_result *en)
{
	static const mlc_amount zero = {0, 0};
	for (size_t g = 0; g < en->ngroups; g++) {
		const mlc_bills_group *h = find_group(st, &en->groups[g]);
		assert_non_null(h);
		assert_same_amount(h->cost[0], en->groups[g].cost[0]);
	}
	for (size_t g = 0; g < st->ngroups; g++)
		if (!find_group(en, &st->groups[g]))
			assert_same_amount(st->groups[g].cost[0], zero);
	assert_same_amount(st->total[0], en->total[0]);
}

/* The engine's total of one basis over each file alone, summed; a file that lacks an
 * optional basis on some rows counts them 0, one without its column counts 0. */
static mlc_amount per_file_total(const char *const *files, size_t n, mlc_bills_options *o)
{
	mlc_amount sum = {0, 0};
	for (size_t i = 0; i < n; i++) {
		mlc_bills_result *r = NULL;
		int lenient = o->lenient, rc;
		o->lenient = 0;
		if ((rc = mlc_bills_aggregate(&r, &files[i], 1, o)) == MLC_EPARSE) {
			o->lenient = 1;
			rc = mlc_bills_aggregate(&r, &files[i], 1, o);
		}
		o->lenient = lenient;
		if (rc == 0)
			assert_int_equal(mlc_amount_add(&sum, r->total[0]), 0);
		else
			assert_int_equal(rc, MLC_EPARSE); /* the column is absent */
		mlc_bills_result_free(r);
	}
	return sum;
}

/* Groups compared so far: a view that compares nothing proves nothing. */
static size_t compared;

static void compare_view(mlc_store *s, const char *const *files, size_t n, const view *v,
                         mlc_cost_basis b)
{
	mlc_bills_options o;
	mlc_bills_result *st = NULL, *en = NULL;
	int rs, re;
	options_of(&o, v, &b);
	rs = mlc_ledger_aggregate(&st, s, &o);
	re = mlc_bills_aggregate(&en, files, n, &o);
	if (rs != 0) {
		/* what the store refuses (several currencies), the bills refuse the same way */
		assert_int_equal(re, rs);
		assert_int_equal(re, MLC_EPARSE);
		mlc_bills_result_free(en);
		return;
	}
	if (re == MLC_EPARSE && (b == MLC_COST_LIST || b == MLC_COST_CONTRACTED)) {
		o.lenient = 1;
		if ((re = mlc_bills_aggregate(&en, files, n, &o)) == MLC_EPARSE)
			/* some file lacks the column: it counts 0 there */
			assert_same_amount(st->total[0], per_file_total(files, n, &o));
		else
			assert_covers(st, en);
	} else {
		if (re != 0)
			fail_msg("bills: %s", mlc_error_message());
		assert_same_result(st, en, 1);
	}
	compared += st->ngroups;
	mlc_bills_result_free(st);
	mlc_bills_result_free(en);
}

/* min: groups the views must compare at least (all bases together) */
static void ingest_and_compare(fixture *f, const char *const *files, size_t n, size_t min)
{
	mlc_ledger_report *r = ingest_ok(f, files, n, sample_tags, 6);
	mlc_bills_options o;
	mlc_bills_result *st = NULL;
	static const view all = {{NULL}, 0, MLC_BUCKET_NONE, {NULL}, 0, NULL, NULL, {NULL}, 0};
	static const mlc_cost_basis bases[MLC_COST_BASIS_COUNT] = {
	    MLC_COST_BILLED, MLC_COST_EFFECTIVE, MLC_COST_LIST, MLC_COST_CONTRACTED};
	compared = 0;
	for (size_t i = 0; i < sizeof(views) / sizeof(views[0]); i++)
		for (int b = 0; b < MLC_COST_BASIS_COUNT; b++)
			compare_view(f->s, files, n, &views[i], (mlc_cost_basis)b);
	if (compared < min)
		fail_msg("only %zu groups compared", compared);
	/* the report's grand total is what the store holds, all bases at once */
	options_of(&o, &all, bases);
	o.nbases = MLC_COST_BASIS_COUNT;
	o.by = (const char *const[]){"BillingCurrency"}, o.nby = 1;
	assert_int_equal(mlc_ledger_aggregate(&st, f->s, &o), 0);
	for (int b = 0; b < MLC_COST_BASIS_COUNT; b++)
		assert_same_amount(st->total[b], r->total[b]);
	assert_int_equal(st->rows_matched, r->rows_read - r->rows_skipped);
	mlc_bills_result_free(st);
	mlc_ledger_report_free(r);
}

static void focus_sample(void **state)
{
	const char *files[1] = {SAMPLE};
	ingest_and_compare(*state, files, 1, 1000);
}

static void focus_spec_examples(void **state)
{
	const char *files[] = {
	    SPEC "commitment_discount_purchase_scenario_1.csv",
	    SPEC "commitment_discount_purchase_scenario_2.csv",
	    SPEC "commitment_discount_purchase_scenario_3.csv",
	    SPEC "commitment_discount_usage_scenario_1.csv",
	    SPEC "commitment_discount_usage_scenario_2.csv",
	    SPEC "commitment_discount_usage_scenario_3.csv",
	    SPEC "commitment_discount_usage_scenario_4.csv",
	    SPEC "one_hundred_percent_utilization_with_commitment_discount_flexibility_with_1_"
	         "resource.csv",
	    SPEC "one_hundred_percent_utilization_with_commitment_discount_flexibility_with_2_"
	         "resources.csv",
	    SPEC "one_hundred_percent_utilization_without_commitment_discount_flexibility.csv",
	    SPEC "zero_percent_utilization_without_commitment_discount_flexibility.csv"};
	/* 25 rows: a few groups per view and basis */
	ingest_and_compare(*state, files, sizeof(files) / sizeof(files[0]), 40);
}

static void cur_legacy_plain_and_gz(void **state)
{
	const char *files[] = {KOKU "aws_cur_local_bucket-1.csv.gz",
	                       MLC_SHARED_DATA "/focus-converters/sample-anonymous-aws-export-dataset.csv",
	                       KOKU "aws_2022-07-01-alt-columns.csv"};
	ingest_and_compare(*state, files, sizeof(files) / sizeof(files[0]), 1000);
}

/* USD and NOK bills in one store: views without BillingCurrency are refused by both. */
static void cur_two_currencies(void **state)
{
	const char *files[] = {KOKU "aws_2023-06-01.csv", KOKU "aws_cur_local_bucket-1.csv.gz"};
	/* only the view by BillingCurrency: 2 groups (NOK, USD; one month each) x 4 bases */
	ingest_and_compare(*state, files, sizeof(files) / sizeof(files[0]), 8);
}

/* Copy the sample changing one BilledCost: only its slice changes, by that amount. */
static void restated_sample_replaces_its_slice(void **state)
{
	fixture *f = *state;
	char copy[512], *text = NULL, *p;
	const char *v1[1] = {SAMPLE}, *v2[1] = {copy};
	FILE *in = fopen(SAMPLE, "rb");
	size_t len = 0, cap = 1 << 21;
	mlc_ledger_report *r1, *r2;
	view total = {{"ProviderName", "BillingAccountId"}, 2, MLC_BUCKET_NONE, {NULL}, 0,
	              NULL, NULL, {NULL}, 0};
	assert_non_null(in);
	assert_non_null(text = calloc(1, cap));
	len = fread(text, 1, cap - 1, in);
	fclose(in);
	assert_true(len > 0 && len < cap - 1);
	/* the first data row's BilledCost "0.00000080000" (line 2) becomes 1000.00000080000 */
	assert_non_null(p = strstr(text, "\nNULL,0.00000080000,\"1234567890123\""));
	{
		char *out = calloc(1, len + 8);
		size_t at = (size_t)(p - text) + strlen("\nNULL,");
		memcpy(out, text, at);
		memcpy(out + at, "1000", 4);
		memcpy(out + at + 4, text + at + 1, len - at - 1); /* drop the leading "0" */
		write_bill(copy, f, "restated.csv", out);
		free(out);
	}
	r1 = ingest_ok(f, v1, 1, sample_tags, 6);
	r2 = ingest_ok(f, v2, 1, sample_tags, 6);
	assert_int_equal(r2->nslices, r1->nslices);
	for (size_t i = 0; i < r2->nslices; i++) {
		const mlc_ledger_slice *s = &r2->slices[i];
		int aws = !strcmp(s->key.provider, "AWS");
		assert_int_equal(s->change, aws ? MLC_LEDGER_REPLACED : MLC_LEDGER_UNCHANGED);
		if (aws) {
			/* 0.0000008 became 1000.0000008: the slice's billed total grew by 1000 */
			mlc_amount d = s->prev_total[MLC_COST_BILLED], k = amt("1000");
			assert_int_equal(mlc_amount_add(&d, k), 0);
			assert_same_amount(s->total[MLC_COST_BILLED], d);
			assert_same_amount(s->total[MLC_COST_EFFECTIVE], s->prev_total[MLC_COST_EFFECTIVE]);
		}
	}
	/* and what the store holds now is what the engine makes of the restated file */
	compare_view(f->s, v2, 1, &total, MLC_COST_BILLED);
	compare_view(f->s, v2, 1, &views[2], MLC_COST_BILLED);
	mlc_ledger_report_free(r1);
	mlc_ledger_report_free(r2);
	free(text);
}

static void reader_refuses_what_the_store_lacks(void **state)
{
	fixture *f = *state;
	const char *files[1] = {SAMPLE};
	const char *resource[1] = {"ResourceId"}, *where[1] = {"SkuId=x"}, *bad[1] = {"x"};
	mlc_bills_options o = MLC_BILLS_OPTIONS_INIT;
	mlc_bills_result *r = NULL;
	mlc_ledger_report_free(ingest_ok(f, files, 1, NULL, 0));
	o.by = resource, o.nby = 1;
	assert_int_equal(mlc_ledger_aggregate(&r, f->s, &o), MLC_ENOTFOUND);
	assert_non_null(strstr(mlc_error_message(), "'ResourceId' is not kept in the store"));
	o.nby = 0, o.where = where, o.nwhere = 1;
	assert_int_equal(mlc_ledger_aggregate(&r, f->s, &o), MLC_ENOTFOUND);
	o.where = bad;
	assert_int_equal(mlc_ledger_aggregate(&r, f->s, &o), MLC_EINVAL);
	o.nwhere = 0, o.presence = resource, o.npresence = 1;
	assert_int_equal(mlc_ledger_aggregate(&r, f->s, &o), MLC_ENOTFOUND);
	o.npresence = 0, o.from = "2024-10-01", o.to = "2024-09-01";
	assert_int_equal(mlc_ledger_aggregate(&r, f->s, &o), MLC_EINVAL);
	assert_null(r);
	/* a key that was not kept reads as missing everywhere: one group, all untagged */
	o.from = o.to = NULL, o.by = (const char *const[]){"tag:application"}, o.nby = 1;
	assert_int_equal(mlc_ledger_aggregate(&r, f->s, &o), 0);
	assert_int_equal(r->ngroups, 1);
	assert_null(r->groups[0].values[0]);
	mlc_bills_result_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(focus_sample),
	    cmocka_unit_test(focus_spec_examples),
	    cmocka_unit_test(cur_legacy_plain_and_gz),
	    cmocka_unit_test(cur_two_currencies),
	    cmocka_unit_test(restated_sample_replaces_its_slice),
	    cmocka_unit_test(reader_refuses_what_the_store_lacks),
	};
	struct CMUnitTest sq[sizeof(tests) / sizeof(tests[0])], pg[sizeof(tests) / sizeof(tests[0])];
	int failed;
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		sq[i] = pg[i] = tests[i];
		sq[i].setup_func = setup_sqlite, pg[i].setup_func = setup_pg;
		sq[i].teardown_func = pg[i].teardown_func = ingest_teardown;
	}
	failed = _cmocka_run_group_tests("ingest_samples/sqlite", sq, sizeof(sq) / sizeof(sq[0]),
	                                 NULL, NULL);
	if (getenv("MLC_TEST_PG_URL") && *getenv("MLC_TEST_PG_URL"))
		failed += _cmocka_run_group_tests("ingest_samples/postgres", pg,
		                                  sizeof(pg) / sizeof(pg[0]), NULL, NULL);
	else
		printf("ingest_samples/postgres: not run here (MLC_TEST_PG_URL unset); "
		       "tests/cli/ingest_pg.sh runs it\n");
	return failed;
}
