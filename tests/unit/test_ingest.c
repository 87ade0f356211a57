/* SPDX-License-Identifier: MIT */
/*
 * test_ingest.c - mlc_ledger_ingest on small bills whose slices, records
 * and totals are worked out by hand below: slicing by provider, billing
 * account and billing period, merging of rows into hourly records (also
 * across the files of one ingest), re-ingest and restatement, optional
 * cost bases, and the errors. Runs against SQLite and, when
 * MLC_TEST_PG_URL is set, PostgreSQL.
 */
#include "test_ingest_helpers.h"

#define HEAD                                                                                       \
	"ProviderName,BillingAccountId,BillingCurrency,BillingPeriodStart,BillingPeriodEnd,"       \
	"ChargePeriodStart,ChargePeriodEnd,BilledCost,EffectiveCost,ListCost,ContractedCost,"      \
	"SubAccountId,ServiceName,RegionId,ChargeCategory,PricingCategory,Tags\n"
#define SEP "2024-09-01T00:00:00Z,2024-10-01T00:00:00Z,"
#define OCT "2024-10-01T00:00:00Z,2024-11-01T00:00:00Z,"

/*
 * Account A, September: rows 1 and 2 share hour 22:00 and every dimension
 * (one record); row 3 starts at 23:30, so hour 23:00. Account A, October:
 * row 4. Account B, September: rows 5 and 6, a credit in another charge
 * category. Tags: team is kept, "owner" is not a kept key.
 */
static const char bill_v1[] =
    HEAD "AWS,A,USD," SEP "2024-09-18T22:00:00Z,2024-09-18T23:00:00Z,1.5,1.25,2,1.75,"
         "s1,EC2,us-east-1,Usage,Standard,\"{\"\"team\"\":\"\"ml\"\",\"\"model_id\"\":\"\"m1\"\"}\"\n"
         "AWS,A,USD," SEP "2024-09-18T22:10:00Z,2024-09-18T22:20:00Z,0.25,0.25,0.5,0.25,"
         "s1,EC2,us-east-1,Usage,Standard,\"{\"\"model_id\"\":\"\"m1\"\",\"\"team\"\":\"\"ml\"\"}\"\n"
         "AWS,A,USD," SEP "2024-09-18T23:30:00Z,2024-09-19T00:00:00Z,3,2,4,3,"
         "s1,EC2,us-east-1,Usage,Standard,\"{\"\"team\"\":\"\"ml\"\",\"\"owner\"\":\"\"x\"\"}\"\n"
         "AWS,A,USD," OCT "2024-10-01T05:00:00Z,2024-10-01T06:00:00Z,10,9,12,10,"
         "s2,S3,eu-west-1,Usage,Standard,\"{\"\"team\"\":\"\"search\"\"}\"\n"
         "AWS,B,USD," SEP "2024-09-02T00:00:00Z,2024-09-02T01:00:00Z,"
         "0.000000000001,0.000000000001,0.000000000001,0.000000000001,"
         "s3,EC2,us-west-2,Usage,Standard,{}\n"
         "AWS,B,USD," SEP "2024-09-02T00:00:00Z,2024-09-02T01:00:00Z,-0.5,-0.5,0,-0.5,"
         ",,,Credit,,\n";

static const mlc_ledger_slice *find_slice(const mlc_ledger_report *r, const char *acct,
                                          int64_t start)
{
	for (size_t i = 0; i < r->nslices; i++)
		if (!strcmp(r->slices[i].key.billing_account, acct) &&
		    r->slices[i].key.period_start == start)
			return &r->slices[i];
	fail_msg("no slice %s at %lld", acct, (long long)start);
	return NULL;
}

static void assert_totals(const mlc_amount *t, const char *billed, const char *eff,
                          const char *list, const char *con)
{
	assert_amount(t[MLC_COST_BILLED], billed);
	assert_amount(t[MLC_COST_EFFECTIVE], eff);
	assert_amount(t[MLC_COST_LIST], list);
	assert_amount(t[MLC_COST_CONTRACTED], con);
}

static void slices_records_and_totals(void **state)
{
	fixture *f = *state;
	char path[512];
	const char *files[1] = {path};
	mlc_ledger_report *r;
	const mlc_ledger_slice *s;
	write_bill(path, f, "v1.csv", bill_v1);
	r = ingest_ok(f, files, 1, NULL, 0);
	assert_true(r->ingest_id > 0);
	assert_int_equal(r->nslices, 3);
	assert_int_equal(r->rows_read, 6);
	assert_int_equal(r->ntags, 5);
	/* A/Sep: billed 1.5 + 0.25 + 3 = 4.75, effective 1.25 + 0.25 + 2 = 3.5,
	 * list 2 + 0.5 + 4 = 6.5, contracted 1.75 + 0.25 + 3 = 5; rows 1+2 are one record */
	s = find_slice(r, "A", T_SEP2024);
	assert_string_equal(s->key.provider, "AWS");
	assert_string_equal(s->key.currency, "USD");
	assert_int_equal(s->key.period_end, T_OCT2024);
	assert_int_equal(s->records, 2);
	assert_int_equal(s->rows, 3);
	assert_totals(s->total, "4.75", "3.5", "6.5", "5");
	assert_int_equal(s->change, MLC_LEDGER_NEW);
	/* A/Oct: row 4 alone */
	s = find_slice(r, "A", T_OCT2024);
	assert_int_equal(s->key.period_end, T_OCT2024 + 31 * T_DAY);
	assert_int_equal(s->records, 1);
	assert_totals(s->total, "10", "9", "12", "10");
	/* B/Sep: 0.000000000001 - 0.5 = -0.499999999999 (list: 0.000000000001 + 0) */
	s = find_slice(r, "B", T_SEP2024);
	assert_int_equal(s->records, 2);
	assert_totals(s->total, "-0.499999999999", "-0.499999999999", "0.000000000001",
	              "-0.499999999999");
	/* grand total: 4.75 + 10 - 0.499999999999 = 14.250000000001; effective
	 * 3.5 + 9 - 0.499999999999 = 12.000000000001; list 6.5 + 12 + 1e-12;
	 * contracted 5 + 10 - 0.499999999999 */
	assert_totals(r->total, "14.250000000001", "12.000000000001", "18.500000000001",
	              "14.500000000001");
	assert_int_equal(r->ncurrencies, 1);
	assert_string_equal(r->by_currency[0].currency, "USD");
	assert_int_equal(r->by_currency[0].rows, 6);
	assert_int_equal(r->nfiles, 1);
	assert_int_equal(strlen(r->files[0].file.sha256), 64);
	assert_string_equal(r->files[0].file.format, "FOCUS 1.0");
	assert_int_equal(r->files[0].file.rows, 6);
	assert_totals(r->files[0].file.total, "14.250000000001", "12.000000000001",
	              "18.500000000001", "14.500000000001");
	for (int b = 0; b < MLC_COST_BASIS_COUNT; b++)
		assert_null(r->files[0].missing[b]);
	mlc_ledger_report_free(r);
}

/* The records as stored: the merged hour, the tags kept (owner is not), missing values. */
typedef struct seen_rec {
	size_t n, with_owner, credit_nulls;
	mlc_amount merged_billed;
	uint64_t merged_rows;
} seen_rec;

static int look(const mlc_store_record *r, void *ctx)
{
	seen_rec *s = ctx;
	s->n++;
	for (size_t i = 0; i < r->ntags; i++)
		s->with_owner += !strcmp(r->tag_keys[i], "owner");
	if (r->charge_category && !strcmp(r->charge_category, "Credit"))
		s->credit_nulls = !r->service && !r->region && !r->sub_account && !r->pricing_category;
	/* 2024-09-18T22:00:00Z = T_SEP2024 + 17 days + 22 hours */
	if (r->hour == T_SEP2024 + 17 * T_DAY + 22 * 3600) {
		s->merged_billed = r->cost[MLC_COST_BILLED];
		s->merged_rows = r->rows;
		assert_int_equal(r->ntags, 2); /* model_id, team: sorted */
		assert_string_equal(r->tag_keys[0], "model_id");
		assert_string_equal(r->tag_values[0], "m1");
		assert_string_equal(r->tag_keys[1], "team");
	}
	return 0;
}

static void records_are_merged_by_hour_and_dimensions(void **state)
{
	fixture *f = *state;
	char path[512];
	const char *files[1] = {path};
	seen_rec s;
	memset(&s, 0, sizeof(s));
	write_bill(path, f, "v1.csv", bill_v1);
	mlc_ledger_report_free(ingest_ok(f, files, 1, NULL, 0));
	assert_int_equal(mlc_store_scan(f->s, NULL, look, &s), 0);
	assert_int_equal(s.n, 5); /* 6 rows, two of them in one record */
	assert_int_equal(s.with_owner, 0);
	assert_int_equal(s.credit_nulls, 1);
	assert_amount(s.merged_billed, "1.75"); /* 1.5 + 0.25 */
	assert_int_equal(s.merged_rows, 2);
}

static void reingest_is_unchanged_and_restatement_replaces(void **state)
{
	fixture *f = *state;
	char v1[512], v2[512], *text = strdup(bill_v1), *p;
	const char *files[1] = {v1};
	mlc_ledger_report *r1, *r2, *r3;
	mlc_store_listing *l = NULL;
	write_bill(v1, f, "v1.csv", bill_v1);
	r1 = ingest_ok(f, files, 1, NULL, 0);
	r2 = ingest_ok(f, files, 1, NULL, 0);
	assert_true(r2->ingest_id > r1->ingest_id);
	for (size_t i = 0; i < r2->nslices; i++) {
		assert_int_equal(r2->slices[i].change, MLC_LEDGER_UNCHANGED);
		assert_int_equal(r2->slices[i].prev_ingest_id, r1->ingest_id);
	}
	/* restated: row 3's billed cost 3 becomes 7 */
	assert_non_null(p = strstr(text, "2024-09-19T00:00:00Z,3,2,4,3,"));
	memcpy(p + strlen("2024-09-19T00:00:00Z,"), "7", 1);
	write_bill(v2, f, "v2.csv", text);
	files[0] = v2;
	r3 = ingest_ok(f, files, 1, NULL, 0);
	/* 3 -> 7 adds 4: A/Sep billed 4.75 + 4 = 8.75 */
	assert_int_equal(find_slice(r3, "A", T_SEP2024)->change, MLC_LEDGER_REPLACED);
	assert_totals(find_slice(r3, "A", T_SEP2024)->total, "8.75", "3.5", "6.5", "5");
	assert_amount(find_slice(r3, "A", T_SEP2024)->prev_total[MLC_COST_BILLED], "4.75");
	assert_int_equal(find_slice(r3, "A", T_OCT2024)->change, MLC_LEDGER_UNCHANGED);
	/* the store: three slices, each once, A/Sep from the third ingest */
	assert_int_equal(mlc_store_list(&l, f->s, 0), 0);
	assert_int_equal(l->nslices, 3);
	assert_int_equal(l->ningests, 3);
	for (size_t i = 0; i < l->nslices; i++) {
		assert_int_equal(l->slices[i].ingest_id, r3->ingest_id);
		if (!strcmp(l->slices[i].key.billing_account, "A") &&
		    l->slices[i].key.period_start == T_SEP2024)
			assert_amount(l->slices[i].total[MLC_COST_BILLED], "8.75");
	}
	for (size_t i = 0; i < l->ningests; i++)
		assert_string_equal(l->ingests[i].status, "done");
	mlc_store_listing_free(l);
	mlc_ledger_report_free(r1);
	mlc_ledger_report_free(r2);
	mlc_ledger_report_free(r3);
	free(text);
}

/* Two parts of one export in one ingest: one slice, records added across files. */
static void parts_of_one_export_add_up(void **state)
{
	fixture *f = *state;
	char a[512], b[512];
	const char *files[2] = {a, b};
	mlc_ledger_report *r;
	write_bill(a, f, "part1.csv",
	           HEAD "AWS,A,USD," SEP "2024-09-05T10:00:00Z,2024-09-05T11:00:00Z,1,1,1,1,"
	                "s1,EC2,us-east-1,Usage,Standard,\n");
	write_bill(b, f, "part2.csv",
	           HEAD "AWS,A,USD," SEP "2024-09-05T10:30:00Z,2024-09-05T11:00:00Z,2,2,2,2,"
	                "s1,EC2,us-east-1,Usage,Standard,\n"
	                "AWS,A,USD," SEP "2024-09-06T10:00:00Z,2024-09-06T11:00:00Z,4,4,4,4,"
	                "s1,EC2,us-east-1,Usage,Standard,\n");
	r = ingest_ok(f, files, 2, NULL, 0);
	assert_int_equal(r->nslices, 1);
	/* 10:00 and 10:30 on the 5th: one record of 1 + 2 = 3; the 6th: another */
	assert_int_equal(r->slices[0].records, 2);
	assert_int_equal(r->slices[0].rows, 3);
	assert_totals(r->slices[0].total, "7", "7", "7", "7"); /* 1 + 2 + 4 */
	assert_totals(r->files[0].file.total, "1", "1", "1", "1");
	assert_totals(r->files[1].file.total, "6", "6", "6", "6");
	mlc_ledger_report_free(r);
}

/* A file without ListCost, and a row without ContractedCost: 0 under those bases. */
static void optional_bases_count_zero(void **state)
{
	fixture *f = *state;
	char path[512];
	const char *files[1] = {path};
	mlc_ledger_report *r;
	write_bill(path, f, "nolist.csv",
	           "ProviderName,BillingAccountId,BillingPeriodStart,BillingPeriodEnd,"
	           "ChargePeriodStart,ChargePeriodEnd,BilledCost,EffectiveCost,ContractedCost\n"
	           "AWS,A," SEP "2024-09-05T10:00:00Z,2024-09-05T11:00:00Z,1,0.5,0.75\n"
	           "AWS,A," SEP "2024-09-05T11:00:00Z,2024-09-05T12:00:00Z,2,1.5,NULL\n"
	           "AWS,A," SEP "2024-09-05T12:00:00Z,2024-09-05T13:00:00Z,4,3.5,3\n");
	r = ingest_ok(f, files, 1, NULL, 0);
	/* billed 1 + 2 + 4 = 7, effective 0.5 + 1.5 + 3.5 = 5.5, list absent,
	 * contracted 0.75 + 0 (missing) + 3 = 3.75 */
	assert_totals(r->total, "7", "5.5", "0", "3.75");
	assert_totals(r->slices[0].total, "7", "5.5", "0", "3.75");
	assert_int_equal(r->slices[0].rows, 3);
	assert_null(r->files[0].missing[MLC_COST_BILLED]);
	assert_null(r->files[0].missing[MLC_COST_EFFECTIVE]);
	assert_non_null(strstr(r->files[0].missing[MLC_COST_LIST], "ListCost"));
	assert_int_equal(r->files[0].rows_missing[MLC_COST_LIST], 3);
	assert_non_null(strstr(r->files[0].missing[MLC_COST_CONTRACTED], ":3: column 'ContractedCost'"));
	assert_int_equal(r->files[0].rows_missing[MLC_COST_CONTRACTED], 1);
	/* no currency column: the slice has none */
	assert_null(r->slices[0].key.currency);
	mlc_ledger_report_free(r);
}

/* No billing period: the calendar month of the hour; no provider or account: "". */
static void missing_period_is_the_calendar_month(void **state)
{
	fixture *f = *state;
	char path[512];
	const char *files[1] = {path};
	mlc_ledger_report *r;
	write_bill(path, f, "noperiod.csv",
	           "ChargePeriodStart,ChargePeriodEnd,BilledCost,EffectiveCost\n"
	           "2024-09-30T23:00:00Z,2024-10-01T00:00:00Z,1,1\n"
	           "2024-10-01T00:00:00Z,2024-10-01T01:00:00Z,2,2\n");
	r = ingest_ok(f, files, 1, NULL, 0);
	assert_int_equal(r->nslices, 2);
	assert_string_equal(r->slices[0].key.provider, "");
	assert_string_equal(r->slices[0].key.billing_account, "");
	assert_int_equal(r->slices[0].key.period_start, T_SEP2024);
	assert_int_equal(r->slices[0].key.period_end, T_OCT2024);
	assert_amount(r->slices[0].total[MLC_COST_BILLED], "1");
	assert_int_equal(r->slices[1].key.period_start, T_OCT2024);
	assert_int_equal(r->slices[1].key.period_end, T_OCT2024 + 31 * T_DAY);
	assert_amount(r->slices[1].total[MLC_COST_BILLED], "2");
	mlc_ledger_report_free(r);
}

static int ingest_rc(fixture *f, const char *const *files, size_t n, const mlc_ledger_options *o)
{
	mlc_ledger_report *r = NULL;
	int rc = mlc_ledger_ingest(&r, f->s, files, n, o);
	assert_true(rc != 0 || r != NULL);
	mlc_ledger_report_free(r);
	return rc;
}

static void bad_input_changes_nothing(void **state)
{
	fixture *f = *state;
	char a[512], b[512], c[512], d[512], al[512];
	const char *files[2] = {a, b}, *stdin_file[1] = {"-"};
	const char *seven[7] = {"a", "b", "c", "d", "e", "f", "g"}, *twice[2] = {"model", "ML_Model"};
	mlc_ledger_options o = MLC_LEDGER_OPTIONS_INIT;
	mlc_store_listing *l = NULL;
	write_bill(a, f, "a.csv", bill_v1);
	write_bill(b, f, "b.csv", bill_v1);
	assert_int_equal(ingest_rc(f, files, 2, &o), MLC_EINVAL); /* same content twice */
	assert_non_null(strstr(mlc_error_message(), "same content"));
	assert_int_equal(ingest_rc(f, stdin_file, 1, &o), MLC_EINVAL);
	write_bill(c, f, "two_currencies.csv",
	           HEAD "AWS,A,USD," SEP "2024-09-05T10:00:00Z,2024-09-05T11:00:00Z,1,1,1,1,,,,,,\n"
	                "AWS,A,EUR," SEP "2024-09-05T10:00:00Z,2024-09-05T11:00:00Z,1,1,1,1,,,,,,\n");
	files[0] = c;
	assert_int_equal(ingest_rc(f, files, 1, &o), MLC_EPARSE);
	assert_non_null(strstr(mlc_error_message(), "billed in EUR and USD"));
	write_bill(d, f, "bad_period.csv",
	           HEAD "AWS,A,USD,September,2024-10-01,2024-09-05T10:00:00Z,,1,1,1,1,,,,,,\n");
	files[0] = d;
	assert_int_equal(ingest_rc(f, files, 1, &o), MLC_EPARSE);
	assert_non_null(strstr(mlc_error_message(), "billing period start 'September'"));
	files[0] = "/nonexistent/bill.csv";
	assert_true(ingest_rc(f, files, 1, &o) < 0);
	o.tags = seven, o.ntags = 7;
	files[0] = a;
	assert_int_equal(ingest_rc(f, files, 1, &o), MLC_EINVAL);
	/* model and ml_model are one key under the alias file */
	write_bill(al, f, "aliases.yaml", "model_id: [model, ml_model]\n");
	o.tags = twice, o.ntags = 2, o.aliases = al;
	assert_int_equal(ingest_rc(f, files, 1, &o), MLC_EINVAL);
	assert_non_null(strstr(mlc_error_message(), "'model_id' given twice"));
	/* nothing was written by any of these */
	assert_int_equal(mlc_store_list(&l, f->s, 0), 0);
	assert_int_equal(l->nslices, 0);
	assert_int_equal(l->ningests, 0);
	mlc_store_listing_free(l);
}

/* Tag keys are kept under their canonical name: ml_model -> model_id. */
static void aliases_give_canonical_keys(void **state)
{
	fixture *f = *state;
	char path[512], al[512];
	const char *files[1] = {path}, *tags[2] = {"ML_Model", "tag:Team"};
	mlc_ledger_options o = MLC_LEDGER_OPTIONS_INIT;
	mlc_ledger_report *r = NULL;
	mlc_bills_options q = MLC_BILLS_OPTIONS_INIT;
	mlc_bills_result *res = NULL;
	const char *by[1] = {"tag:model"};
	write_bill(al, f, "aliases.yaml", "model_id: [model, ml_model]\n");
	write_bill(path, f, "tags.csv",
	           HEAD "AWS,A,USD," SEP "2024-09-05T10:00:00Z,2024-09-05T11:00:00Z,1,1,1,1,"
	                ",,,,,\"{\"\"ml_model\"\":\"\"m9\"\",\"\"TEAM\"\":\"\"ml\"\"}\"\n");
	o.tags = tags, o.ntags = 2, o.aliases = al;
	assert_int_equal(mlc_ledger_ingest(&r, f->s, files, 1, &o), 0);
	assert_int_equal(r->ntags, 2);
	assert_string_equal(r->tags[0], "model_id");
	assert_string_equal(r->tags[1], "team");
	mlc_ledger_report_free(r);
	/* read back through another alias of the key */
	q.by = by, q.nby = 1, q.aliases = al;
	assert_int_equal(mlc_ledger_aggregate(&res, f->s, &q), 0);
	assert_int_equal(res->ngroups, 1);
	assert_string_equal(res->groups[0].values[0], "m9");
	mlc_bills_result_free(res);
}

static void report_is_json(void **state)
{
	fixture *f = *state;
	char path[512], *buf = NULL;
	size_t len = 0;
	const char *files[1] = {path};
	mlc_ledger_report *r;
	FILE *m = open_memstream(&buf, &len);
	write_bill(path, f, "v1.csv", bill_v1);
	r = ingest_ok(f, files, 1, NULL, 0);
	assert_int_equal(mlc_ledger_report_write(r, m), 0);
	fclose(m);
	assert_non_null(strstr(buf, "\"total\":{\"billed\":14.250000000001,\"effective\":"
	                            "12.000000000001,\"list\":18.500000000001,\"contracted\":"
	                            "14.500000000001}"));
	assert_non_null(strstr(buf, "\"provider\":\"AWS\",\"billing_account\":\"B\","
	                            "\"period_start\":\"2024-09-01T00:00:00Z\",\"period_end\":"
	                            "\"2024-10-01T00:00:00Z\",\"currency\":\"USD\",\"change\":\"new\""));
	assert_non_null(strstr(buf, "\"previous\":null"));
	free(buf);
	mlc_ledger_report_free(r);
}

static int allocations_left;

static void *failing_malloc(size_t n)
{
	return allocations_left-- > 0 ? malloc(n) : NULL;
}

static void *failing_realloc(void *p, size_t n)
{
	return allocations_left-- > 0 ? realloc(p, n) : NULL;
}

/* Every allocation of an ingest and of reading back may fail: the call reports
 * MLC_ENOMEM (or succeeds), nothing leaks (ASan build), and each slice is whole. */
static void allocation_failures_are_clean(void **state)
{
	fixture *f = *state;
	mlc_allocator a = {failing_malloc, failing_realloc, free};
	char path[512];
	const char *files[1] = {path}, *by[2] = {"BillingAccountId", "tag:team"};
	mlc_ledger_options o = MLC_LEDGER_OPTIONS_INIT;
	mlc_bills_options q = MLC_BILLS_OPTIONS_INIT;
	mlc_bills_result *res = NULL;
	int passed = 0;
	write_bill(path, f, "v1.csv", bill_v1);
	o.threads = 1;
	q.by = by, q.nby = 2, q.bucket = MLC_BUCKET_DAY;
	for (int n = 0; n < 5000 && !passed; n++) {
		mlc_ledger_report *r = NULL;
		int rc;
		mlc_set_allocator(&a);
		allocations_left = n;
		if ((rc = mlc_ledger_ingest(&r, f->s, files, 1, &o)) == 0)
			rc = mlc_ledger_aggregate(&res, f->s, &q);
		mlc_set_allocator(NULL);
		if (rc != 0 && rc != MLC_ENOMEM)
			fail_msg("allocation %d: %d %s", n, rc, mlc_error_message());
		passed = rc == 0;
		mlc_ledger_report_free(r);
		if (!passed)
			mlc_bills_result_free(res), res = NULL;
	}
	assert_true(passed);
	/* effective, the default basis: 3.5 + 9 - 0.499999999999 as in the first test */
	assert_amount(res->total[0], "12.000000000001");
	mlc_bills_result_free(res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(slices_records_and_totals),
	    cmocka_unit_test(records_are_merged_by_hour_and_dimensions),
	    cmocka_unit_test(reingest_is_unchanged_and_restatement_replaces),
	    cmocka_unit_test(parts_of_one_export_add_up),
	    cmocka_unit_test(optional_bases_count_zero),
	    cmocka_unit_test(missing_period_is_the_calendar_month),
	    cmocka_unit_test(bad_input_changes_nothing),
	    cmocka_unit_test(aliases_give_canonical_keys),
	    cmocka_unit_test(report_is_json),
	    cmocka_unit_test(allocation_failures_are_clean),
	};
	struct CMUnitTest sq[sizeof(tests) / sizeof(tests[0])], pg[sizeof(tests) / sizeof(tests[0])];
	int failed;
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		sq[i] = pg[i] = tests[i];
		sq[i].setup_func = setup_sqlite, pg[i].setup_func = setup_pg;
		sq[i].teardown_func = pg[i].teardown_func = ingest_teardown;
	}
	failed = _cmocka_run_group_tests("ingest/sqlite", sq, sizeof(sq) / sizeof(sq[0]), NULL, NULL);
	if (getenv("MLC_TEST_PG_URL") && *getenv("MLC_TEST_PG_URL"))
		failed += _cmocka_run_group_tests("ingest/postgres", pg, sizeof(pg) / sizeof(pg[0]),
		                                  NULL, NULL);
	else
		printf("ingest/postgres: not run here (MLC_TEST_PG_URL unset); "
		       "tests/cli/ingest_pg.sh runs it\n");
	return failed;
}
