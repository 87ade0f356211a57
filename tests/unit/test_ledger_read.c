/* SPDX-License-Identifier: MIT */
/*
 * test_ledger_read.c - tag coverage, unit cost and tag presence read from
 * the cost ledger (mlc_ledger_coverage, mlc_ledger_unit, mlc_ledger_has_tag)
 * on a small bill whose figures are worked out by hand below, checked
 * against those figures and against the same computation over the bill
 * itself; the JSON that says the ledger has no resources; the errors;
 * `mlcost check`'s cost per 1k measured from the store and a usage file;
 * and every allocation failure. Runs against SQLite and, when MLC_TEST_PG_URL
 * is set, PostgreSQL (tests/cli/ledger_read_pg.sh).
 */
#include "test_ingest_helpers.h"
#include "test_support.h"

#include "mlcost/policy.h"
#include "mlcost/unit.h"

#define HEAD                                                                                       \
	"ProviderName,BillingAccountId,BillingCurrency,BillingPeriodStart,BillingPeriodEnd,"       \
	"ChargePeriodStart,ChargePeriodEnd,BilledCost,EffectiveCost,ListCost,ContractedCost,"      \
	"SubAccountId,ServiceName,RegionId,ChargeCategory,PricingCategory,Tags\n"
#define ROW(start, end, eff)                                                                       \
	"AWS,A,USD,2024-09-01,2024-10-01," start "," end ",1," eff                                 \
	",1,1,s1,EC2,us-east-1,Usage,Standard,"

/*
 * Effective cost 3 + 1 + 2 + 6 + 8 = 20 over 5 rows. Rows 1 and 2 share an
 * hour and every dimension: one record of 2 rows in the ledger.
 *   team:     rows 1, 2, 4 -> 3 + 1 + 6 = 10 of 20 = 50%; 3 of 5 rows = 60%
 *   model_id: rows 1-4     -> 3 + 1 + 2 + 6 = 12 = 60%; 4 of 5 rows = 80%
 *   both:     rows 1, 2, 4 -> 10 = 50%; 60%
 * "owner" (row 5) is not among the kept tag keys.
 */
#define INFERENCE(team)                                                                            \
	"\"{\"\"team\"\":\"\"" team                                                                \
	"\"\",\"\"model_id\"\":\"\"m1\"\",\"\"lifecycle_phase\"\":\"\"inference\"\"}\"\n"
#define TRAINING                                                                                   \
	"\"{\"\"team\"\":\"\"search\"\",\"\"model_id\"\":\"\"m2\"\",\"\"lifecycle_phase\"\":"      \
	"\"\"training\"\"}\"\n"
static const char bill[] = HEAD /* clang-format off */
	ROW("2024-09-01T10:00:00Z", "2024-09-01T11:00:00Z", "3") INFERENCE("ml")
	ROW("2024-09-01T10:20:00Z", "2024-09-01T10:40:00Z", "1") INFERENCE("ml")
	ROW("2024-09-01T12:00:00Z", "2024-09-01T13:00:00Z", "2") "\"{\"\"model_id\"\":\"\"m2\"\"}\"\n"
	ROW("2024-09-02T09:00:00Z", "2024-09-02T10:00:00Z", "6") TRAINING
	ROW("2024-09-02T09:30:00Z", "2024-09-02T10:00:00Z", "8") "\"{\"\"owner\"\":\"\"x\"\"}\"\n";
/* clang-format on */

/* m1 serves 2,000 requests on day 1, m2 4,000 on day 2. */
static const char usage[] = "date,model_id,requests\n"
                            "2024-09-01,m1,2000\n"
                            "2024-09-02,m2,4000\n";

typedef struct paths {
	char bill[512], usage[512];
} paths;

static void ingest_bill(fixture *f, paths *p)
{
	const char *files[1] = {p->bill};
	write_bill(p->bill, f, "bill.csv", bill);
	write_bill(p->usage, f, "usage.csv", usage);
	mlc_ledger_report_free(ingest_ok(f, files, 1, NULL, 0));
}

static void assert_key(const mlc_tag_coverage_key *k, const char *name, const char *cost,
                       uint64_t rows, double cost_pct, double rows_pct)
{
	assert_string_equal(k->key, name);
	assert_amount(k->cost, cost);
	assert_int_equal(k->rows, rows);
	assert_float_equal(k->cost_pct, cost_pct, 1e-9);
	assert_float_equal(k->rows_pct, rows_pct, 1e-9);
}

/* The text mlc_tag_coverage_write gives, in a malloc'ed string. */
/* noinline: gcc 12 -O3 takes the memstream's buffer for a dangling local */
__attribute__((noinline)) static char *coverage_text(const mlc_tag_coverage *c,
                                                     mlc_bills_format fmt)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	assert_non_null(m);
	assert_int_equal(mlc_tag_coverage_write(c, fmt, 10, m), 0);
	fclose(m);
	return buf;
}

static void coverage_by_hand(void **state)
{
	fixture *f = *state;
	paths p;
	const char *keys[2] = {"team", "tag:model_id"}, *files[1] = {p.bill};
	mlc_bills_options o = MLC_BILLS_OPTIONS_INIT;
	mlc_tag_coverage *st = NULL, *en = NULL;
	char *sj, *ej, *sc, *ec;
	size_t cut;
	ingest_bill(f, &p);
	assert_int_equal(mlc_ledger_coverage(&st, f->s, keys, 2, &o), 0);
	assert_amount(st->total, "20");
	assert_int_equal(st->rows, 5);
	assert_int_equal(st->rows_read, 5);
	assert_string_equal(st->currency, "USD");
	assert_key(&st->keys[0], "team", "10", 3, 50, 60);
	assert_key(&st->keys[1], "model_id", "12", 4, 60, 80);
	assert_key(&st->all, "(all)", "10", 3, 50, 60);
	assert_int_equal(st->nuntagged, 0); /* no ResourceId in the ledger */
	/* the bill gives the same shares, and its resources */
	assert_int_equal(mlc_bills_coverage(&en, files, 1, keys, 2, &o), 0);
	assert_int_equal(en->nuntagged, 1);
	sc = coverage_text(st, MLC_BILLS_CSV);
	ec = coverage_text(en, MLC_BILLS_CSV);
	assert_string_equal(sc, ec);
	assert_string_equal(sc, "key,cost,cost_pct,rows,rows_pct\n"
	                        "team,10,50,3,60\n"
	                        "model_id,12,60,4,80\n"
	                        "(all),10,50,3,60\n");
	/* JSON: the same up to "untagged", which the ledger cannot list: null, not [] */
	sj = coverage_text(st, MLC_BILLS_JSON);
	ej = coverage_text(en, MLC_BILLS_JSON);
	assert_non_null(strstr(sj, "\"untagged\":"));
	cut = (size_t)(strstr(sj, "\"untagged\":") - sj); /* an offset: gcc -O3 misreads pointers */
	assert_string_equal(sj + cut, "\"untagged\":null}\n");
	assert_int_equal(strncmp(sj, ej, cut), 0);
	assert_non_null(strstr(ej, "\"untagged\":[\n{\"resource_id\":null"));
	free(sj), free(ej), free(sc), free(ec);
	mlc_tag_coverage_free(st);
	mlc_tag_coverage_free(en);
}

static void coverage_with_filters(void **state)
{
	fixture *f = *state;
	paths p;
	const char *keys[1] = {"team"}, *where[1] = {"tag:model_id=m2"};
	mlc_bills_options o = MLC_BILLS_OPTIONS_INIT;
	mlc_tag_coverage *c = NULL;
	ingest_bill(f, &p);
	/* m2: rows 3 and 4, cost 2 + 6 = 8; team on row 4: 6 of 8 = 75%, 1 of 2 rows */
	o.where = where, o.nwhere = 1;
	assert_int_equal(mlc_ledger_coverage(&c, f->s, keys, 1, &o), 0);
	assert_amount(c->total, "8");
	assert_key(&c->keys[0], "team", "6", 1, 75, 50);
	mlc_tag_coverage_free(c);
	/* day 2 only: rows 4 and 5, 6 + 8 = 14; team 6 of 14 = 42.857142...% (exact to 1e-6) */
	o.nwhere = 0, o.from = "2024-09-02";
	assert_int_equal(mlc_ledger_coverage(&c, f->s, keys, 1, &o), 0);
	assert_amount(c->total, "14");
	assert_key(&c->keys[0], "team", "6", 1, 42.857143, 50);
	mlc_tag_coverage_free(c);
	/* what the ledger does not keep is refused, as by mlc_ledger_aggregate */
	o.from = NULL, o.where = (const char *const[]){"ResourceId=i-1"}, o.nwhere = 1;
	assert_int_equal(mlc_ledger_coverage(&c, f->s, keys, 1, &o), MLC_ENOTFOUND);
	assert_null(c);
	o.nwhere = 0;
	assert_int_equal(mlc_ledger_coverage(&c, f->s, keys, 0, &o), MLC_EINVAL);
	assert_int_equal(mlc_ledger_coverage(&c, NULL, keys, 1, &o), MLC_EINVAL);
}

static void assert_row(const mlc_unit_row *w, const char *model, const char *cost,
                       uint64_t requests, const char *per_1k, unsigned flags)
{
	if (model)
		assert_string_equal(w->model, model);
	else
		assert_null(w->model);
	assert_amount(w->cost, cost);
	assert_int_equal(w->requests, requests);
	assert_amount(w->per_1k, per_1k);
	assert_int_equal(w->flags, flags);
}

static void unit_by_hand(void **state)
{
	fixture *f = *state;
	paths p;
	const char *files[1] = {p.bill};
	mlc_unit_options o = MLC_UNIT_OPTIONS_INIT;
	mlc_unit_result *st = NULL, *en = NULL;
	char *sb = NULL, *eb = NULL;
	size_t sl = 0, el = 0;
	FILE *m;
	ingest_bill(f, &p);
	assert_int_equal(mlc_ledger_unit(&st, f->s, p.usage, &o), 0);
	/* by model (untagged first), then day:
	 *   untagged day 2: 8, no usage
	 *   m1 day 1: 3 + 1 = 4 over 2,000 requests = 2 per 1k
	 *   m2 day 1: 2, no usage; m2 day 2: 6 over 4,000 = 1.5 per 1k */
	assert_int_equal(st->nrows, 4);
	assert_row(&st->rows[0], NULL, "8", 0, "0", MLC_UNIT_NO_USAGE);
	assert_row(&st->rows[1], "m1", "4", 2000, "2", 0);
	assert_row(&st->rows[2], "m2", "2", 0, "0", MLC_UNIT_NO_USAGE);
	assert_row(&st->rows[3], "m2", "6", 4000, "1.5", 0);
	assert_int_equal(st->requests, 6000);
	assert_amount(st->cost_in, "20");
	assert_int_equal(st->rows_read, 5);
	/* and the bill gives the very same result, byte for byte in JSON */
	assert_int_equal(mlc_unit_run(&en, files, 1, p.usage, &o), 0);
	assert_non_null(m = open_memstream(&sb, &sl));
	assert_int_equal(mlc_unit_write(st, MLC_BILLS_JSON, m), 0);
	fclose(m);
	assert_non_null(m = open_memstream(&eb, &el));
	assert_int_equal(mlc_unit_write(en, MLC_BILLS_JSON, m), 0);
	fclose(m);
	assert_string_equal(sb, eb);
	free(sb), free(eb);
	mlc_unit_result_free(st);
	mlc_unit_result_free(en);
	/* errors: no usage, no store, a model tag the reader refuses */
	assert_int_equal(mlc_ledger_unit(&st, f->s, NULL, &o), MLC_EINVAL);
	assert_int_equal(mlc_ledger_unit(&st, NULL, p.usage, &o), MLC_EINVAL);
	o.model_tag = "";
	assert_int_equal(mlc_ledger_unit(&st, f->s, p.usage, &o), MLC_EINVAL);
	assert_null(st);
}

static void has_tag(void **state)
{
	fixture *f = *state;
	paths p;
	char al[512];
	int has = -1;
	ingest_bill(f, &p);
	assert_int_equal(mlc_ledger_has_tag(&has, f->s, "team", NULL), 0);
	assert_int_equal(has, 1);
	assert_int_equal(mlc_ledger_has_tag(&has, f->s, "TAG: Lifecycle_Phase ", NULL), 0);
	assert_int_equal(has, 1);
	/* a default key that no row carries, and a key the ingest did not keep */
	assert_int_equal(mlc_ledger_has_tag(&has, f->s, "project", NULL), 0);
	assert_int_equal(has, 0);
	assert_int_equal(mlc_ledger_has_tag(&has, f->s, "owner", NULL), 0);
	assert_int_equal(has, 0);
	/* an alias names its canonical key */
	write_bill(al, f, "aliases.yaml", "model_id: [model, ml_model]\n");
	assert_int_equal(mlc_ledger_has_tag(&has, f->s, "ml_model", al), 0);
	assert_int_equal(has, 1);
	assert_int_equal(mlc_ledger_has_tag(&has, f->s, "ml_model", NULL), 0);
	assert_int_equal(has, 0);
	assert_int_equal(mlc_ledger_has_tag(&has, f->s, "tag:", NULL), MLC_EINVAL);
	assert_int_equal(mlc_ledger_has_tag(&has, f->s, "team", "/nonexistent.yaml"), MLC_EIO);
	assert_int_equal(mlc_ledger_has_tag(&has, NULL, "team", NULL), MLC_EINVAL);
	assert_int_equal(has, 0);
}

/* mlcost check's max_cost_per_1k measured from the store and the usage file
 * (policy_usage.c). The usage has requests on 09-01 and 09-02: the window.
 *   m1: 4 over 2,000 requests = 4 x 1000 / 2000 = 2 per 1k, over 1.9: FAIL
 *   m2: 2 + 6 = 8 (day 1 without requests counts) over 4,000 = 2 per 1k, at
 *       its own maximum 2: pass. Untagged cost (8) has no model to judge. */
static mlc_policy_report *check_cost(fixture *f, const paths *p)
{
	static const char yaml[] = "max_cost_per_1k: {default: 1.9, models: {m2: 2}}\n";
	mlc_policy_check_options o = MLC_POLICY_CHECK_OPTIONS_INIT;
	mlc_policy *pol = NULL;
	mlc_policy_report *r = NULL;
	int rc;
	o.usage = p->usage;
	if ((rc = mlc_policy_load_string(&pol, "cost.yaml", NULL, yaml, sizeof(yaml) - 1)) == 0)
		rc = mlc_policy_check(&r, pol, f->s, &o);
	mlc_policy_free(pol);
	return rc ? NULL : r;
}

static void check_measures_deployed_models(void **state)
{
	fixture *f = *state;
	paths p;
	char want[1024];
	mlc_policy_report *r;
	ingest_bill(f, &p);
	assert_non_null(r = check_cost(f, &p));
	assert_int_equal(r->n, 2);
	assert_int_equal(r->nfailed, 1);
	assert_string_equal(r->findings[0].subject, "m1");
	assert_int_equal(r->findings[0].status, MLC_POLICY_FAIL);
	snprintf(want, sizeof(want),
	         "measured 2 USD per 1,000 requests (cost 4.00 over 2000 requests, 2024-09-01 to "
	         "2024-09-02, from the store and %s); maximum 1.9",
	         p.usage);
	assert_string_equal(r->findings[0].message, want);
	assert_string_equal(r->findings[1].subject, "m2");
	assert_int_equal(r->findings[1].status, MLC_POLICY_PASS);
	assert_non_null(strstr(r->findings[1].message, "measured 2 USD per 1,000 requests (cost "
	                                               "8.00 over 4000 requests"));
	mlc_policy_report_free(r);
}

/* Every allocation of the readers fails in turn: an error, nothing leaked. */
static void allocation_failures(void **state)
{
	fixture *f = *state;
	paths p;
	const char *keys[2] = {"team", "model_id"};
	mlc_bills_options bo = MLC_BILLS_OPTIONS_INIT;
	mlc_unit_options uo = MLC_UNIT_OPTIONS_INIT;
	int done[4] = {0, 0, 0, 0};
	ingest_bill(f, &p);
	for (long n = 0; !(done[0] && done[1] && done[2] && done[3]); n++) {
		mlc_policy_report *r;
		mlc_tag_coverage *c = NULL;
		mlc_unit_result *u = NULL;
		int has, rc;
		if (n > 100000)
			fail_msg("still failing at allocation %ld", n);
		if (!done[0]) {
			test_fail_allocation(n);
			rc = mlc_ledger_coverage(&c, f->s, keys, 2, &bo);
			mlc_tag_coverage_free(c);
			test_restore_allocator();
			assert_int_equal(test_alloc_live, 0);
			done[0] = rc == 0;
		}
		if (!done[1]) {
			test_fail_allocation(n);
			rc = mlc_ledger_unit(&u, f->s, p.usage, &uo);
			mlc_unit_result_free(u);
			test_restore_allocator();
			assert_int_equal(test_alloc_live, 0);
			done[1] = rc == 0;
		}
		if (!done[2]) {
			test_fail_allocation(n);
			rc = mlc_ledger_has_tag(&has, f->s, "team", NULL);
			test_restore_allocator();
			assert_int_equal(test_alloc_live, 0);
			done[2] = rc == 0;
		}
		if (!done[3]) {
			test_fail_allocation(n);
			r = check_cost(f, &p);
			mlc_policy_report_free(r);
			test_restore_allocator();
			assert_int_equal(test_alloc_live, 0);
			done[3] = r != NULL;
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(coverage_by_hand),
	    cmocka_unit_test(coverage_with_filters),
	    cmocka_unit_test(unit_by_hand),
	    cmocka_unit_test(has_tag),
	    cmocka_unit_test(check_measures_deployed_models),
	    cmocka_unit_test(allocation_failures),
	};
	struct CMUnitTest sq[sizeof(tests) / sizeof(tests[0])],
	    pg[sizeof(tests) / sizeof(tests[0])];
	int failed;
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		sq[i] = pg[i] = tests[i];
		sq[i].setup_func = setup_sqlite, pg[i].setup_func = setup_pg;
		sq[i].teardown_func = pg[i].teardown_func = ingest_teardown;
	}
	failed = _cmocka_run_group_tests("ledger_read/sqlite", sq, sizeof(sq) / sizeof(sq[0]), NULL,
	                                 NULL);
	if (getenv("MLC_TEST_PG_URL") && *getenv("MLC_TEST_PG_URL"))
		failed += _cmocka_run_group_tests("ledger_read/postgres", pg,
		                                  sizeof(pg) / sizeof(pg[0]), NULL, NULL);
	else
		printf("ledger_read/postgres: not run here (MLC_TEST_PG_URL unset); "
		       "tests/cli/ledger_read_pg.sh runs it\n");
	return failed;
}
