/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the cost ledger store (include/mlcost/store.h), one suite
 * run against SQLite (a temporary file) and, when MLC_TEST_PG_URL is set,
 * against PostgreSQL (tests/store/run_pg_tests.sh starts a throwaway
 * cluster and sets it). Slice replacement (re-ingest, restatement,
 * rollback), exact money and text round trips, filters, daily series,
 * the ingest log, migrations and input checks.
 */
#include "test_store_helpers.h"

/* Up to 3 scanned records; the record is borrowed, so its text is copied. */
typedef struct cap {
	mlc_store_record r[3];
	char service[3][64], tags[3][4][2][32], billed[3][48], eff[3][48], list[3][48];
	size_t n;
} cap;

static int collect(const mlc_store_record *rec, void *ctx)
{
	cap *c = ctx;
	size_t i = c->n++;
	if (i >= 3)
		return 0;
	c->r[i] = *rec;
	snprintf(c->service[i], 64, "%s", rec->service ? rec->service : "(null)");
	c->r[i].region = rec->region ? "set" : NULL;
	for (size_t t = 0; t < rec->ntags && t < 4; t++) {
		snprintf(c->tags[i][t][0], 32, "%s", rec->tag_keys[t]);
		snprintf(c->tags[i][t][1], 32, "%s", rec->tag_values[t]);
	}
	mlc_amount_format(c->billed[i], 48, rec->cost[MLC_COST_BILLED], -1);
	mlc_amount_format(c->eff[i], 48, rec->cost[MLC_COST_EFFECTIVE], -1);
	mlc_amount_format(c->list[i], 48, rec->cost[MLC_COST_LIST], -1);
	return 0;
}

static void round_trip_is_exact(void **state)
{
	fixture *f = *state;
	/* text that COPY must escape and JSON must quote, and invalid UTF-8 */
	static const char *const keys[3] = {"Team", " Model_ID ", "env"};
	const char *vals0[3] = {"ml", "rec-v3", NULL};
	const char *vals1[3] = {"x\"y\\z\n\t", NULL, ""};
	mlc_store_record r[3];
	mlc_store_slice k = slice_of("AWS", "111122223333", T_SEP2024, T_OCT2024);
	cap *c = calloc(1, sizeof(*c));
	memset(r, 0, sizeof(r));
	r[0].hour = T_SEP2024;
	r[0].sub_account = "123456789012";
	r[0].service = "Amazon EC2";
	r[0].region = "us-east-1";
	r[0].charge_category = "Usage";
	r[0].pricing_category = "Standard";
	r[0].ntags = 3, r[0].tag_keys = keys, r[0].tag_values = vals0;
	r[0].cost[MLC_COST_BILLED] = amt("12345678901234.123456789012");
	r[0].cost[MLC_COST_EFFECTIVE] = amt("0.000000000001");
	r[0].cost[MLC_COST_LIST] = amt("-3.5");
	r[0].rows = 7;
	r[1].hour = T_SEP2024 + 3600;
	r[1].service = "a\tb\nc\\d\"e'f";
	r[1].region = ""; /* empty is missing */
	r[1].ntags = 3, r[1].tag_keys = keys, r[1].tag_values = vals1;
	r[1].rows = 1;
	r[2].hour = T_SEP2024 + 7200;
	r[2].service = "bad\xff";
	r[2].rows = 1;
	if (mlc_store_replace_slice(f->s, 0, &k, r, 3) != 0)
		fail_msg("replace: %s", mlc_error_message());

	assert_int_equal(mlc_store_scan(f->s, NULL, collect, c), 0);
	assert_int_equal(c->n, 3);
	assert_int_equal(c->r[0].hour, T_SEP2024);
	assert_int_equal(c->r[0].rows, 7);
	assert_string_equal(c->billed[0], "12345678901234.123456789012");
	assert_string_equal(c->eff[0], "0.000000000001");
	assert_string_equal(c->list[0], "-3.5");
	assert_string_equal(c->service[0], "Amazon EC2");
	/* keys trimmed, lower case, sorted; the missing env not stored */
	assert_int_equal(c->r[0].ntags, 2);
	assert_string_equal(c->tags[0][0][0], "model_id");
	assert_string_equal(c->tags[0][0][1], "rec-v3");
	assert_string_equal(c->tags[0][1][0], "team");
	assert_string_equal(c->tags[0][1][1], "ml");
	assert_string_equal(c->service[1], "a\tb\nc\\d\"e'f");
	assert_null(c->r[1].region);
	assert_int_equal(c->r[1].ntags, 1);
	assert_string_equal(c->tags[1][0][1], "x\"y\\z\n\t");
	assert_string_equal(c->eff[1], "0");
	assert_string_equal(c->service[2], "bad\xEF\xBF\xBD"); /* U+FFFD */
	free(c);
}

static const mlc_store_slice_info *find_slice(const mlc_store_listing *l, const char *account,
                                              int64_t start)
{
	for (size_t i = 0; i < l->nslices; i++)
		if (strcmp(l->slices[i].key.billing_account, account) == 0 &&
		    l->slices[i].key.period_start == start)
			return &l->slices[i];
	return NULL;
}

static void reingest_changes_nothing_and_restatement_replaces(void **state)
{
	fixture *f = *state;
	mlc_store_slice sep = slice_of("aws", "111", T_SEP2024, T_OCT2024);
	mlc_store_slice other = slice_of("aws", "222", T_SEP2024, T_OCT2024);
	mlc_store_listing *l = NULL;
	const mlc_store_slice_info *si;
	recset a, b, c;
	seen s;
	/* a: 30 records, cost 0.1 * (i%3+1): 10 * (1+2+3) * 0.1 = 6; rows 6 * (1+...+5) = 90 */
	recset_make(&a, 30, T_SEP2024, "0.1");
	/* b: 12 records at 0.3: 4 * 6 * 0.3 = 7.2; rows 15 + 15 + 1 + 2 = 33 */
	recset_make(&b, 12, T_SEP2024, "0.3");
	/* c: 6 records at 1: 2 * 6 = 12; rows 15 + 1 = 16 */
	recset_make(&c, 6, T_SEP2024, "1");
	assert_int_equal(mlc_store_replace_slice(f->s, 0, &other, c.r, c.n), 0);
	assert_int_equal(mlc_store_replace_slice(f->s, 0, &sep, a.r, a.n), 0);
	assert_int_equal(mlc_store_replace_slice(f->s, 0, &sep, a.r, a.n), 0);
	s = scan_provider(f->s, "aws");
	assert_int_equal(s.n, 30 + 6);
	assert_amount(s.effective, "18"); /* 6 + 12: the second ingest counted nothing twice */
	assert_int_equal(s.rows, 90 + 16);
	assert_int_equal(mlc_store_list(&l, f->s, 0), 0);
	assert_int_equal(l->nslices, 2);
	si = find_slice(l, "111", T_SEP2024);
	assert_non_null(si);
	assert_int_equal(si->records, 30);
	assert_int_equal(si->rows, 90);
	assert_amount(si->total[MLC_COST_EFFECTIVE], "6");
	assert_string_equal(si->key.currency, "USD");
	mlc_store_listing_free(l);

	/* a restated export replaces the slice, the other slice stays */
	assert_int_equal(mlc_store_replace_slice(f->s, 0, &sep, b.r, b.n), 0);
	s = scan_provider(f->s, "aws");
	assert_int_equal(s.n, 12 + 6);
	assert_amount(s.effective, "19.2"); /* 7.2 + 12 */
	assert_int_equal(s.rows, 33 + 16);
	assert_int_equal(mlc_store_list(&l, f->s, 0), 0);
	si = find_slice(l, "111", T_SEP2024);
	assert_int_equal(si->records, 12);
	assert_amount(si->total[MLC_COST_BILLED], "7.2");
	mlc_store_listing_free(l);
	recset_free(&a), recset_free(&b), recset_free(&c);
}

static void failed_or_rolled_back_replace_keeps_previous_slice(void **state)
{
	fixture *f = *state;
	mlc_store_slice sep = slice_of("aws", "111", T_SEP2024, T_OCT2024);
	recset a, b;
	seen s;
	recset_make(&a, 30, T_SEP2024, "0.1"); /* 6, as above */
	recset_make(&b, 2500, T_SEP2024, "1");
	assert_int_equal(mlc_store_replace_slice(f->s, 0, &sep, a.r, a.n), 0);

	/* an explicit transaction rolled back */
	assert_int_equal(mlc_store_begin(f->s), 0);
	assert_int_equal(mlc_store_replace_slice(f->s, 0, &sep, b.r, b.n), 0);
	assert_int_equal(mlc_store_rollback(f->s), 0);
	s = scan_provider(f->s, "aws");
	assert_int_equal(s.n, 30);
	assert_amount(s.effective, "6");

	/* a bad record after two batches of 1000 have been written */
	b.r[2100].hour += 1;
	assert_int_equal(mlc_store_replace_slice(f->s, 0, &sep, b.r, b.n), MLC_EINVAL);
	assert_non_null(strstr(mlc_error_message(), "record 2101"));
	s = scan_provider(f->s, "aws");
	assert_int_equal(s.n, 30);
	assert_amount(s.effective, "6");
	assert_int_equal(s.rows, 90);
	recset_free(&a), recset_free(&b);
}

typedef struct sum_ctx {
	size_t n;
	mlc_amount sum;
} sum_ctx;

static int sum_effective(const mlc_store_record *r, void *ctx)
{
	sum_ctx *c = ctx;
	c->n++;
	return mlc_amount_add(&c->sum, r->cost[MLC_COST_EFFECTIVE]);
}

static int stop_at_first(const mlc_store_record *r, void *ctx)
{
	(void)r;
	++*(int *)ctx;
	return 7;
}

static sum_ctx query_sum(mlc_store *s, const char *from, const char *to, const char *w0,
                         const char *w1)
{
	mlc_store_query q = MLC_STORE_QUERY_INIT;
	const char *w[2] = {w0, w1};
	sum_ctx c;
	memset(&c, 0, sizeof(c));
	q.from = from, q.to = to;
	q.where = w, q.nwhere = w1 ? 2 : w0 ? 1 : 0;
	if (mlc_store_scan(s, &q, sum_effective, &c) != 0)
		fail_msg("scan: %s", mlc_error_message());
	return c;
}

static void filters_select_records(void **state)
{
	fixture *f = *state;
	mlc_store_slice sep = slice_of("aws", "111", T_SEP2024, T_OCT2024);
	mlc_store_query q = MLC_STORE_QUERY_INIT;
	const char *bad[1] = {"Colour=red"};
	recset a;
	sum_ctx c;
	/* record i: cost (i%3+1), service svc(i%4), team t(i%2), hour start + i h; total 60 */
	recset_make(&a, 30, T_SEP2024, "1");
	assert_int_equal(mlc_store_replace_slice(f->s, 0, &sep, a.r, a.n), 0);
	/* svc1: i = 1,5,9,13,17,21,25,29 -> 2+3+1+2+3+1+2+3 = 17 */
	c = query_sum(f->s, NULL, NULL, "ServiceName=svc1", NULL);
	assert_int_equal(c.n, 8);
	assert_amount(c.sum, "17");
	/* or svc2: i = 2,6,10,14,18,22,26 -> 3+1+2+3+1+2+3 = 15 */
	c = query_sum(f->s, NULL, NULL, "servicename=svc1", "ServiceName = svc2");
	assert_int_equal(c.n, 15);
	assert_amount(c.sum, "32");
	/* not svc1: 60 - 17 */
	c = query_sum(f->s, NULL, NULL, "ServiceName!=svc1", NULL);
	assert_int_equal(c.n, 22);
	assert_amount(c.sum, "43");
	/* even i: i%3 runs 0,2,1 five times -> 5 * (1+3+2) = 30 */
	c = query_sum(f->s, NULL, NULL, "tag:TEAM=t0", NULL);
	assert_int_equal(c.n, 15);
	assert_amount(c.sum, "30");
	c = query_sum(f->s, NULL, NULL, "tag:team=t0",
	              "ServiceName=svc1"); /* even and i%4==1: none */
	assert_int_equal(c.n, 0);
	c = query_sum(f->s, NULL, NULL, "tag:team=", NULL); /* missing team: none */
	assert_int_equal(c.n, 0);
	c = query_sum(f->s, NULL, NULL, "tag:owner=", NULL); /* missing owner: all */
	assert_int_equal(c.n, 30);
	c = query_sum(f->s, NULL, NULL, "RegionId=us-east-1", "ChargeCategory=Usage");
	assert_int_equal(c.n, 30);
	c = query_sum(f->s, NULL, NULL, "PricingCategory=", "BillingAccountId=111");
	assert_int_equal(c.n, 30);
	/* hours 10..19: 2+3+1+2+3+1+2+3+1+2 = 20 */
	c = query_sum(f->s, "2024-09-01T10:00:00Z", "2024-09-01 20:00:00", NULL, NULL);
	assert_int_equal(c.n, 10);
	assert_amount(c.sum, "20");
	q.where = bad, q.nwhere = 1;
	assert_int_equal(mlc_store_scan(f->s, &q, sum_effective, &c), MLC_ENOTFOUND);
	{
		/* a callback's stop value comes back, and the store is usable after it */
		int calls = 0;
		assert_int_equal(mlc_store_scan(f->s, NULL, stop_at_first, &calls), 7);
		assert_int_equal(calls, 1);
		assert_int_equal(query_sum(f->s, NULL, NULL, NULL, NULL).n, 30);
	}
	recset_free(&a);
}

static mlc_store_record rec(int64_t hour, const char *service, const char *eff)
{
	mlc_store_record r;
	memset(&r, 0, sizeof(r));
	r.hour = hour;
	r.service = service;
	r.cost[MLC_COST_EFFECTIVE] = amt(eff);
	r.cost[MLC_COST_BILLED] = amt("100");
	r.rows = 1;
	return r;
}

static void daily_series_are_dense_and_sorted(void **state)
{
	fixture *f = *state;
	mlc_store_slice sep = slice_of("aws", "111", T_SEP2024, T_OCT2024);
	const int64_t d1 = T_SEP2024 + 2 * T_DAY; /* 2024-09-03 */
	mlc_store_record r[5] = {rec(d1, "svcA", "1.25"), rec(d1 + 5 * 3600, "svcA", "0.75"),
	                         rec(d1 + 2 * T_DAY + 23 * 3600, "svcA", "0.5"),
	                         rec(d1 + T_DAY, "svcB", "10"), rec(d1 + 3600, NULL, "0.001")};
	const char *by[1] = {"ServiceName"};
	mlc_store_query q = MLC_STORE_QUERY_INIT;
	mlc_store_daily *d = NULL;
	assert_int_equal(mlc_store_replace_slice(f->s, 0, &sep, r, 5), 0);
	q.by = by, q.nby = 1;
	if (mlc_store_daily_series(&d, f->s, &q) != 0)
		fail_msg("daily: %s", mlc_error_message());
	/* days 09-03, 09-04, 09-05; series: missing, svcA, svcB */
	assert_int_equal(d->day0, d1);
	assert_int_equal(d->ndays, 3);
	assert_int_equal(d->nseries, 3);
	assert_string_equal(d->currency, "USD");
	assert_null(d->series[0].values[0]);
	assert_amount(d->series[0].cost[0], "0.001");
	assert_string_equal(d->series[1].values[0], "svcA");
	assert_amount(d->series[1].cost[0], "2"); /* 1.25 + 0.75 */
	assert_amount(d->series[1].cost[1], "0");
	assert_amount(d->series[1].cost[2], "0.5");
	assert_int_equal(d->series[1].first, 0);
	assert_int_equal(d->series[1].last, 2);
	assert_int_equal(d->series[1].rows, 3);
	assert_string_equal(d->series[2].values[0], "svcB");
	assert_amount(d->series[2].cost[1], "10");
	assert_int_equal(d->series[2].first, 1);
	assert_amount(d->total[0], "2.001");
	assert_amount(d->total[1], "10");
	assert_amount(d->total[2], "0.5");
	mlc_store_daily_free(d);

	/* a range: 09-02 .. 09-06 inclusive (to = 09-06T12:00 rounds up to 09-07) */
	q.from = "2024-09-02";
	q.to = "2024-09-06T12:00:00Z";
	q.basis = MLC_COST_BILLED;
	assert_int_equal(mlc_store_daily_series(&d, f->s, &q), 0);
	assert_int_equal(d->day0, d1 - T_DAY);
	assert_int_equal(d->ndays, 5);
	assert_amount(d->series[1].cost[1], "200"); /* svcA on 09-03: two records of 100 */
	assert_amount(d->total[4], "0");
	assert_int_equal(d->series[1].first, 1);
	mlc_store_daily_free(d);

	/* no dimensions: one series, the total */
	q.nby = 0;
	q.from = q.to = NULL;
	q.basis = MLC_COST_EFFECTIVE;
	assert_int_equal(mlc_store_daily_series(&d, f->s, &q), 0);
	assert_int_equal(d->nseries, 1);
	assert_amount(d->series[0].cost[0], "2.001");
	mlc_store_daily_free(d);
}

static void several_currencies_need_grouping(void **state)
{
	fixture *f = *state;
	mlc_store_slice usd = slice_of("aws", "1", T_SEP2024, T_OCT2024);
	mlc_store_slice eur = slice_of("gcp", "2", T_SEP2024, T_OCT2024);
	mlc_store_record r[1] = {rec(T_SEP2024, "x", "1")};
	const char *by[2] = {"BillingCurrency", "tag:team"};
	mlc_store_query q = MLC_STORE_QUERY_INIT;
	mlc_store_daily *d = NULL;
	eur.currency = "EUR";
	assert_int_equal(mlc_store_replace_slice(f->s, 0, &usd, r, 1), 0);
	assert_int_equal(mlc_store_replace_slice(f->s, 0, &eur, r, 1), 0);
	q.by = by + 1, q.nby = 1;
	assert_int_equal(mlc_store_daily_series(&d, f->s, &q), MLC_EPARSE);
	assert_non_null(strstr(mlc_error_message(), "several currencies"));
	q.by = by, q.nby = 2;
	assert_int_equal(mlc_store_daily_series(&d, f->s, &q), 0);
	assert_int_equal(d->nseries, 2);
	assert_null(d->currency);
	assert_string_equal(d->series[0].values[0], "EUR");
	assert_null(d->series[0].values[1]);
	assert_string_equal(d->series[1].values[0], "USD");
	mlc_store_daily_free(d);
}

static void ingest_log_records_files_and_owners(void **state)
{
	fixture *f = *state;
	/* SHA-256("abc"), FIPS 180-2 appendix B.1 */
	const char *abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
	mlc_store_file files[2] = {{"sep-1.csv.gz", abc, "FOCUS 1.2", 120, {{0, 0}}},
	                           {"sep-2.csv.gz", abc, NULL, 5, {{0, 0}}}};
	mlc_store_file badfile = {"x.csv", "ABC", NULL, 0, {{0, 0}}};
	mlc_store_slice sep = slice_of("aws", "111", T_SEP2024, T_OCT2024);
	mlc_store_listing *l = NULL;
	int64_t id1 = 0, id2 = 0;
	recset a;
	recset_make(&a, 3, T_SEP2024, "2"); /* 2 + 4 + 6 = 12 */
	files[0].total[MLC_COST_EFFECTIVE] = amt("1234.567890123456");
	assert_int_equal(mlc_store_ingest_start(&id1, f->s, files, 2), 0);
	assert_true(id1 > 0);
	assert_int_equal(mlc_store_replace_slice(f->s, id1, &sep, a.r, a.n), 0);
	assert_int_equal(mlc_store_ingest_finish(f->s, id1, 1), 0);
	assert_int_equal(mlc_store_ingest_start(&id2, f->s, files + 1, 1), 0);
	assert_true(id2 > id1);

	assert_int_equal(mlc_store_list(&l, f->s, 0), 0);
	assert_int_equal(l->ningests, 2);
	assert_int_equal(l->ingests[0].id, id2); /* newest first; not finished */
	assert_string_equal(l->ingests[0].status, "running");
	assert_int_equal(l->ingests[0].finished_at, 0);
	assert_int_equal(l->ingests[0].nfiles, 1);
	assert_int_equal(l->ingests[0].nslices, 0);
	assert_string_equal(l->ingests[1].status, "done");
	assert_true(l->ingests[1].finished_at >= l->ingests[1].started_at);
	assert_int_equal(l->ingests[1].nfiles, 2);
	assert_int_equal(l->ingests[1].nslices, 1);
	assert_string_equal(l->ingests[1].files[0].path, "sep-1.csv.gz");
	assert_string_equal(l->ingests[1].files[0].sha256, abc);
	assert_string_equal(l->ingests[1].files[0].format, "FOCUS 1.2");
	assert_null(l->ingests[1].files[1].format);
	assert_int_equal(l->ingests[1].files[0].rows, 120);
	assert_amount(l->ingests[1].files[0].total[MLC_COST_EFFECTIVE], "1234.567890123456");
	assert_int_equal(l->slices[0].ingest_id, id1);
	assert_amount(l->slices[0].total[MLC_COST_LIST], "12");
	mlc_store_listing_free(l);

	/* the second ingest takes the slice over; failed ingests are marked */
	assert_int_equal(mlc_store_replace_slice(f->s, id2, &sep, a.r, a.n), 0);
	assert_int_equal(mlc_store_ingest_finish(f->s, id2, 0), 0);
	assert_int_equal(mlc_store_list(&l, f->s, 1), 0);
	assert_int_equal(l->ningests, 1);
	assert_string_equal(l->ingests[0].status, "failed");
	assert_int_equal(l->ingests[0].nslices, 1);
	assert_int_equal(l->slices[0].ingest_id, id2);
	mlc_store_listing_free(l);

	assert_int_equal(mlc_store_ingest_start(&id1, f->s, &badfile, 1), MLC_EINVAL);
	assert_int_equal(mlc_store_ingest_finish(f->s, 999999, 1), MLC_ENOTFOUND);
	recset_free(&a);
}

static void migrations_are_versioned(void **state)
{
	fixture *f = *state;
	mlc_store_options noauto = MLC_STORE_OPTIONS_INIT;
	char empty[600];
	mlc_store *s2 = NULL;
	int64_t n = 0;
	int v = 0;
	noauto.auto_migrate = 0;
	assert_int_equal(mlc_store_schema_version(&v, f->s), 0);
	assert_int_equal(v, MLC_STORE_SCHEMA_VERSION);
	assert_int_equal(mlc_store_migrate(f->s, &v), 0);
	assert_int_equal(v, MLC_STORE_SCHEMA_VERSION);
	/* one row per migration, 1 to MLC_STORE_SCHEMA_VERSION */
	assert_int_equal(
	    mlc_store__query_int(&n, f->s, "SELECT count(*) FROM schema_version", NULL, 0), 0);
	assert_int_equal(n, MLC_STORE_SCHEMA_VERSION);
	/* opening again with migration on, and off, is fine */
	assert_int_equal(mlc_store_open(&s2, f->url, &noauto), 0);
	mlc_store_close(s2);
	/* a newer schema than this library knows */
	assert_int_equal(mlc_store__exec(f->s, "INSERT INTO schema_version VALUES (99, 0)"), 0);
	assert_int_equal(mlc_store_open(&s2, f->url, NULL), MLC_EINVAL);
	assert_null(s2);
	assert_non_null(strstr(mlc_error_message(), "newer"));
	assert_int_equal(mlc_store_open(&s2, f->url, &noauto), MLC_EINVAL);
	/* an empty store without migration */
	if (f->pg) {
		pg_reset(f->url);
		snprintf(empty, sizeof(empty), "%s", f->url);
	} else {
		snprintf(empty, sizeof(empty), "sqlite:%s/empty.db", f->dir);
	}
	assert_int_equal(mlc_store_open(&s2, empty, &noauto), MLC_EINVAL);
	assert_non_null(strstr(mlc_error_message(), "older"));
	assert_int_equal(mlc_store_open(&s2, empty, NULL), 0);
	assert_int_equal(mlc_store_schema_version(&v, s2), 0);
	assert_int_equal(v, MLC_STORE_SCHEMA_VERSION);
	mlc_store_close(s2);
}

static void bad_input_is_refused(void **state)
{
	fixture *f = *state;
	mlc_store_slice k = slice_of("aws", "1", T_SEP2024, T_OCT2024);
	mlc_store_slice empty = slice_of("aws", "1", T_SEP2024, T_SEP2024);
	static const char *const qkey[1] = {"te\"am"}, *const dup[2] = {"Team", "team "};
	static const char *const vals[2] = {"a", "b"};
	mlc_store_record r[1] = {rec(T_SEP2024 + 1800, "x", "1")};
	assert_int_equal(mlc_store_replace_slice(f->s, 0, &k, r, 1), MLC_EINVAL); /* half hour */
	r[0].hour = T_SEP2024;
	assert_int_equal(mlc_store_replace_slice(f->s, 0, &empty, r, 1), MLC_EINVAL);
	r[0].ntags = 1, r[0].tag_keys = qkey, r[0].tag_values = vals;
	assert_int_equal(mlc_store_replace_slice(f->s, 0, &k, r, 1), MLC_EINVAL);
	r[0].ntags = 2, r[0].tag_keys = dup;
	assert_int_equal(mlc_store_replace_slice(f->s, 0, &k, r, 1), MLC_EINVAL);
	assert_non_null(strstr(mlc_error_message(), "given twice"));
	/* nothing of it was written */
	assert_int_equal(scan_provider(f->s, "aws").n, 0);
	assert_int_equal(mlc_store_commit(f->s), MLC_EINVAL); /* no transaction */
	assert_int_equal(mlc_store_begin(f->s), 0);
	assert_int_equal(mlc_store_begin(f->s), MLC_EINVAL);
	assert_int_equal(mlc_store_migrate(f->s, NULL), MLC_EINVAL);
	assert_int_equal(mlc_store_rollback(f->s), 0);
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

/* Every allocation of open, replace, scan, daily series and list may fail:
 * the call reports MLC_ENOMEM (or succeeds), nothing leaks (ASan build),
 * and the slice is either the old one or the new one. */
static void allocation_failures_are_clean(void **state)
{
	fixture *f = *state;
	mlc_allocator a = {failing_malloc, failing_realloc, free};
	mlc_store_slice k = slice_of("aws", "111", T_SEP2024, T_OCT2024);
	const char *by[1] = {"tag:team"};
	mlc_store_query q = MLC_STORE_QUERY_INIT;
	recset rs;
	int passed = 0;
	q.by = by, q.nby = 1;
	recset_make(&rs, 30, T_SEP2024, "0.1"); /* 6, as above */
	for (int n = 0; n < 400 && !passed; n++) {
		mlc_store *s = NULL;
		mlc_store_daily *d = NULL;
		mlc_store_listing *l = NULL;
		seen sn;
		int rc;
		memset(&sn, 0, sizeof(sn));
		mlc_set_allocator(&a);
		allocations_left = n;
		rc = mlc_store_open(&s, f->url, NULL);
		if (rc == 0 && (rc = mlc_store_replace_slice(s, 0, &k, rs.r, rs.n)) == 0 &&
		    (rc = mlc_store_scan(s, NULL, seen_add, &sn)) == 0 &&
		    (rc = mlc_store_daily_series(&d, s, &q)) == 0)
			rc = mlc_store_list(&l, s, 0);
		mlc_set_allocator(NULL);
		if (rc != 0 && rc != MLC_ENOMEM)
			fail_msg("allocation %d: %d %s", n, rc, mlc_error_message());
		passed = rc == 0;
		mlc_store_daily_free(d);
		mlc_store_listing_free(l);
		mlc_store_close(s);
	}
	assert_true(passed);
	assert_amount(scan_provider(f->s, "aws").effective, "6");
	recset_free(&rs);
}

static void backend_is_named(void **state)
{
	fixture *f = *state;
	assert_string_equal(mlc_store_backend(f->s), f->pg ? "postgres" : "sqlite");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(round_trip_is_exact),
	    cmocka_unit_test(reingest_changes_nothing_and_restatement_replaces),
	    cmocka_unit_test(failed_or_rolled_back_replace_keeps_previous_slice),
	    cmocka_unit_test(filters_select_records),
	    cmocka_unit_test(daily_series_are_dense_and_sorted),
	    cmocka_unit_test(several_currencies_need_grouping),
	    cmocka_unit_test(ingest_log_records_files_and_owners),
	    cmocka_unit_test(migrations_are_versioned),
	    cmocka_unit_test(bad_input_is_refused),
	    cmocka_unit_test(backend_is_named),
	    cmocka_unit_test(allocation_failures_are_clean),
	};
	struct CMUnitTest sq[sizeof(tests) / sizeof(tests[0])],
	    pg[sizeof(tests) / sizeof(tests[0])];
	int failed;
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		sq[i] = pg[i] = tests[i];
		sq[i].setup_func = setup_sqlite, pg[i].setup_func = setup_pg;
		sq[i].teardown_func = pg[i].teardown_func = teardown;
	}
	failed =
	    _cmocka_run_group_tests("store/sqlite", sq, sizeof(sq) / sizeof(sq[0]), NULL, NULL);
	if (getenv("MLC_TEST_PG_URL") && *getenv("MLC_TEST_PG_URL"))
		failed += _cmocka_run_group_tests("store/postgres", pg, sizeof(pg) / sizeof(pg[0]),
		                                  NULL, NULL);
	else
		printf("store/postgres: not run here (MLC_TEST_PG_URL unset); "
		       "tests/store/run_pg_tests.sh runs it\n");
	return failed;
}
