/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for src/billing_format*.c, part 1: detection on every real
 * sample in ../shared/data, FOCUS rows (the FOCUS 1.0 sample excerpt and the
 * FOCUS 1.2 commitment-discount examples in tests/data/billing), column
 * resolution errors and the column plan. Expected values were read by hand
 * from the files; each test names the file and line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_billing_format_util.h"
#include "util/error.h"

#define SHARED MLC_SOURCE_DIR "/../shared/data/"
#define DATA   MLC_TEST_DATA "/billing/"

/* Detect the header of path; returns the code, *name the format name. */
static int detect_file(const char *path, char *name, size_t cap, int *minor)
{
	tcsv *c = tcsv_load(path);
	mlc_billfmt *f = NULL;
	int rc = tcsv_detect(&f, c, "f.csv");
	if (rc == 0) {
		snprintf(name, cap, "%s", mlc_billfmt__name(f));
		*minor = mlc_billfmt__focus_minor(f);
	}
	mlc_billfmt__free(f);
	tcsv_free(c);
	return rc;
}

static void detects_every_supported_shared_sample(void **state)
{
	static const struct {
		const char *file, *name;
	} ok[] = {
	    {"focus-sample-data/focus_sample.csv", "FOCUS 1.0"},
	    {"focus-spec-examples/commitment_discount_purchase_scenario_1.csv", "FOCUS 1.1"},
	    /* CommitmentDiscountQuantity/Unit are FOCUS 1.1 columns; the examples
	     * (from the 1.2 spec) carry no 1.2-only column, so 1.1 is the guess */
	    {"focus-spec-examples/commitment_discount_usage_scenario_3.csv", "FOCUS 1.1"},
	    {"focus-spec-examples/"
	     "one_hundred_percent_utilization_with_commitment_discount_flexibility_with_1_"
	     "resource.csv",
	     "FOCUS 1.1"},
	    {"koku/aws_2023-06-01.csv", "AWS CUR legacy"},
	    {"koku/aws_cur_local_bucket-1.csv.gz", "AWS CUR legacy"},
	    {"koku/aws_2022-07-01-alt-columns.csv", "AWS CUR (Athena)"},
	    {"focus-converters/sample-anonymous-aws-export-dataset.csv", "AWS CUR legacy"},
	};
	char name[64], path[512];
	int minor;
	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		snprintf(path, sizeof(path), SHARED "%s", ok[i].file);
		assert_int_equal(detect_file(path, name, sizeof(name), &minor), 0);
		assert_string_equal(name, ok[i].name);
	}
}

static void refuses_native_azure_gcp_and_unknown_exports(void **state)
{
	static const struct {
		const char *file, *msg;
	} bad[] = {
	    {"finops-toolkit/EA_ActualCost_Small.csv",
	     "f.csv:1: unsupported billing format: Azure"},
	    {"focus-converters/sample-anonymous-ea-export-dataset.csv",
	     "f.csv:1: unsupported billing format: Azure"},
	    {"koku/azure_version_2.csv", "f.csv:1: unsupported billing format: Azure"},
	    {"koku/azure_camel_azure_version_2.csv", "f.csv:1: unsupported billing format: Azure"},
	    {"koku/azure_costreport_a243c6f2-199f-4074-9a2c-40e671cf1584.csv",
	     "f.csv:1: unsupported billing format: Azure"},
	    {"opencost/azure_billingexport_Template.csv",
	     "f.csv:1: unsupported billing format: Azure"},
	    {"koku/gcp_202011_2020-11-08_2020-11-11.csv",
	     "f.csv:1: unsupported billing format: Google Cloud"},
	    {"koku/gcp_2022-08-01_5.csv", "f.csv:1: unsupported billing format: Google Cloud"},
	    {"koku/ocp_pod_usage_October-2019-GGkjdcrPYz.csv",
	     "f.csv:1: unknown billing format (header starts with "
	     "'report_period_start,report_period_end,pod,namespace,...'); expected FOCUS 1.0-1.2"},
	};
	char name[64], path[512];
	int minor;
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(path, sizeof(path), SHARED "%s", bad[i].file);
		assert_int_equal(detect_file(path, name, sizeof(name), &minor), MLC_EPARSE);
		assert_memory_equal(mlc_error_message(), bad[i].msg, strlen(bad[i].msg));
	}
}

static void detects_focus_versions_by_added_columns(void **state)
{
	const char *v10[] = {"BilledCost", "ChargePeriodStart", "EffectiveCost"};
	const char *v11[] = {"BilledCost", "ChargePeriodStart", "SkuMeter"};
	const char *v12[] = {("\xEF\xBB\xBF"
	                      "BilledCost"),
	                     " ChargePeriodStart ", "InvoiceId"};
	const char **sets[] = {v10, v11, v12};
	(void)state;
	for (int v = 0; v < 3; v++) {
		mlc_span h[3];
		mlc_billfmt *f;
		for (int i = 0; i < 3; i++)
			h[i] = (mlc_span){sets[v][i], strlen(sets[v][i])};
		assert_int_equal(mlc_billfmt__detect(&f, "x", h, 3), 0);
		assert_int_equal(mlc_billfmt__kind(f), MLC_BILLFMT_FOCUS);
		assert_int_equal(mlc_billfmt__focus_minor(f), v);
		/* the BOM and blanks are not part of the names */
		assert_int_equal(mlc_billfmt__column(f, "billedcost"), 0);
		assert_int_equal(mlc_billfmt__column(f, "ChargePeriodStart"), 1);
		mlc_billfmt__free(f);
	}
}

static void cur_without_line_item_type_is_refused(void **state)
{
	mlc_span h[] = {{"lineItem/UnblendedCost", 22}, {"lineItem/UsageStartDate", 23}};
	mlc_billfmt *f;
	(void)state;
	assert_int_equal(mlc_billfmt__detect(&f, "cur.csv", h, 2), MLC_EPARSE);
	assert_string_equal(mlc_error_message(),
	                    "cur.csv:1: AWS CUR legacy header lacks 'lineItem/LineItemType'");
}

/* A loaded file with its format and a row reader. */
typedef struct fixture {
	tcsv *c;
	mlc_billfmt *f;
	mlc_billfmt_row *r;
} fixture;

static void fx_open(fixture *x, const char *path, const char *name)
{
	x->c = tcsv_load(path);
	assert_int_equal(tcsv_detect(&x->f, x->c, name), 0);
	assert_int_equal(mlc_billfmt__row_new(&x->r, NULL), 0);
}

static mlc_billfmt_source *fx_src(fixture *x, const char *name)
{
	mlc_billfmt_source *s = NULL;
	assert_int_equal(mlc_billfmt__resolve(&s, x->f, name, NULL), 0);
	return s;
}

static void fx_row(fixture *x, unsigned line)
{
	const trow *t = tcsv_line(x->c, line);
	mlc_billfmt__row_set(x->r, x->f, t->f, t->n, line, MLC_BILLFMT_ROW_ALL);
}

static void fx_close(fixture *x)
{
	mlc_billfmt__row_free(x->r);
	mlc_billfmt__free(x->f);
	tcsv_free(x->c);
}

/*
 * focus_sample_excerpt.csv holds the header and lines 2-21, 25, 458, 927,
 * 948, 949 and 956 of focus-sample-data/focus_sample.csv (in that order:
 * excerpt lines 22-27).
 */
static void focus_sample_rows_map_to_themselves(void **state)
{
	fixture x;
	mlc_billfmt_source *svc, *region, *app, *org, *project, *cat;
	int64_t t;
	(void)state;
	fx_open(&x, DATA "focus_sample_excerpt.csv", "focus.csv");
	assert_int_equal(mlc_billfmt__need_cost(x.f, MLC_BILLFMT_EFFECTIVE), 0);
	assert_int_equal(mlc_billfmt__need_time(x.f), 0);
	svc = fx_src(&x, "ServiceName");
	region = fx_src(&x, "regionid"); /* any case */
	app = fx_src(&x, "tag:application");
	org = fx_src(&x, "tag:org");
	project = fx_src(&x, "tag: project ");
	cat = fx_src(&x, "ServiceCategory");

	/* original line 3: Elastic Load Balancing, us-west-2, BilledCost 0.00001605990,
	 * Tags {"application": "BrightLensMatrix", ...}, ChargePeriodStart 2024-09-30 22:00:00 */
	fx_row(&x, 3);
	assert_string_equal(tval(x.r, svc), "Elastic Load Balancing");
	assert_string_equal(tval(x.r, region), "us-west-2");
	assert_string_equal(tval(x.r, app), "BrightLensMatrix");
	assert_string_equal(tcost(x.r, MLC_BILLFMT_BILLED), "0.0000160599");
	/* EffectiveCost is 0.00000000000 on this row */
	assert_string_equal(tcost(x.r, MLC_BILLFMT_EFFECTIVE), "0");
	assert_int_equal(mlc_billfmt__charge_start(&t, x.r), 0);
	/* 2024-09-30 22:00 UTC: 19723 days to 2024-01-01 (54 years, 13 leap days),
	 * +273 to Sep 30 (31+29+31+30+31+30+31+31+29), so (19996*24 + 22) * 3600 */
	assert_true(t == (int64_t)(19996 * 24 + 22) * 3600);

	/* original line 2: Tags is the bare token NULL */
	fx_row(&x, 2);
	assert_string_equal(tval(x.r, app), "");

	/* excerpt line 25 = original 948 (Microsoft): keys "org" and " org" both
	 * trim to org; "Project" matches project case-insensitively */
	fx_row(&x, 25);
	assert_string_equal(tval(x.r, org), "trey");
	assert_string_equal(tval(x.r, project), "Foo");
	assert_string_equal(tval(x.r, svc), "Storage Accounts");
	assert_string_equal(tcost(x.r, MLC_BILLFMT_CONTRACTED), "0.0000000015");

	/* excerpt line 24 = original 927 (Oracle): RegionId NULL, ContractedCost NULL */
	fx_row(&x, 24);
	assert_string_equal(tval(x.r, region), "");
	assert_string_equal(tcost(x.r, MLC_BILLFMT_LIST), "0.012");
	assert_string_equal(tcost(x.r, MLC_BILLFMT_CONTRACTED), "<error>");
	assert_string_equal(mlc_error_message(),
	                    "focus.csv:24: column 'ContractedCost': missing value");

	/* excerpt line 23 = original 458: a credit, BilledCost -2.61370000000,
	 * EffectiveCost -3.00000000000 */
	fx_row(&x, 23);
	assert_string_equal(tcost(x.r, MLC_BILLFMT_BILLED), "-2.6137");
	assert_string_equal(tcost(x.r, MLC_BILLFMT_EFFECTIVE), "-3");
	/* excerpt line 27 = original 956: Azure Machine Learning */
	fx_row(&x, 27);
	assert_string_equal(tval(x.r, cat), "AI and Machine Learning");

	mlc_billfmt__source_free(svc);
	mlc_billfmt__source_free(region);
	mlc_billfmt__source_free(app);
	mlc_billfmt__source_free(org);
	mlc_billfmt__source_free(project);
	mlc_billfmt__source_free(cat);
	fx_close(&x);
}

/* Sum of basis b over every data row of a file. */
static const char *file_total(const char *path, mlc_billfmt_basis b)
{
	static char buf[MLCU_MONEY_FMT_MAX];
	fixture x;
	mlcu_money sum = 0, v;
	fx_open(&x, path, "spec.csv");
	assert_int_equal(mlc_billfmt__need_cost(x.f, b), 0);
	for (size_t i = 1; i < x.c->nrows; i++) {
		fx_row(&x, x.c->rows[i].line);
		assert_int_equal(mlc_billfmt__cost_value(&v, x.r, b), 0);
		sum += v;
	}
	fx_close(&x);
	mlcu_money_format(buf, sizeof(buf), sum);
	return buf;
}

/*
 * The FOCUS spec's commitment-discount examples: amortization is already in
 * EffectiveCost, and the appendix's point is that billed and effective
 * totals agree once purchases are spread over usage.
 */
static void focus_commitment_examples_amortize_as_the_spec_describes(void **state)
{
	char p[512];
	(void)state;
	/* purchase scenario 1: one-time 8760.00 billed, effective 0 on the purchase */
	snprintf(p, sizeof(p), DATA "focus_spec/commitment_discount_purchase_scenario_1.csv");
	assert_string_equal(file_total(p, MLC_BILLFMT_BILLED), "8760");
	assert_string_equal(file_total(p, MLC_BILLFMT_EFFECTIVE), "0");
	/* usage scenario 3: 0.75 used + 0.25 unused = 1.00 effective, 0 billed */
	snprintf(p, sizeof(p), DATA "focus_spec/commitment_discount_usage_scenario_3.csv");
	assert_string_equal(file_total(p, MLC_BILLFMT_EFFECTIVE), "1");
	assert_string_equal(file_total(p, MLC_BILLFMT_BILLED), "0");
	/* 100% utilization, flexibility, 1 resource: billed 0.50 + 0.00 + 2.25,
	 * effective 0.00 + 0.50 + 2.25, list 1.00 + 3.00 + 2.25 */
	snprintf(p, sizeof(p),
	         DATA "focus_spec/one_hundred_percent_utilization_with_commitment_"
	              "discount_flexibility_with_1_resource.csv");
	assert_string_equal(file_total(p, MLC_BILLFMT_BILLED), "2.75");
	assert_string_equal(file_total(p, MLC_BILLFMT_EFFECTIVE), "2.75");
	assert_string_equal(file_total(p, MLC_BILLFMT_LIST), "6.25");
	/* 0% utilization: purchase 1.50 billed / 0 effective, unused 0 / 1.50,
	 * on-demand medium VM 2.00 / 2.00 */
	snprintf(p, sizeof(p),
	         DATA
	         "focus_spec/zero_percent_utilization_without_commitment_discount_flexibility.csv");
	assert_string_equal(file_total(p, MLC_BILLFMT_BILLED), "3.5");
	assert_string_equal(file_total(p, MLC_BILLFMT_EFFECTIVE), "3.5");
}

static void focus_spec_nulls_and_absent_bases(void **state)
{
	fixture x;
	mlc_billfmt_source *status;
	int64_t t;
	(void)state;
	fx_open(&x, DATA "focus_spec/commitment_discount_usage_scenario_4.csv", "u4.csv");
	/* no ListCost column in this example */
	assert_int_equal(mlc_billfmt__need_cost(x.f, MLC_BILLFMT_LIST), MLC_EPARSE);
	assert_string_equal(mlc_error_message(), "u4.csv:1: cost basis 'list' needs column "
	                                         "'ListCost', which this FOCUS 1.1 file lacks");
	status = fx_src(&x, "CommitmentDiscountStatus");
	/* line 2: Used; line 3: the literal lowercase null */
	fx_row(&x, 2);
	assert_string_equal(tval(x.r, status), "Used");
	fx_row(&x, 3);
	assert_string_equal(tval(x.r, status), "");
	/* ChargePeriodStart 2023-01-01T00:00:00Z: 19358 days (53 years, 13 leap days) */
	assert_int_equal(mlc_billfmt__charge_start(&t, x.r), 0);
	assert_true(t == (int64_t)19358 * 86400);
	mlc_billfmt__source_free(status);
	fx_close(&x);

	/* purchase scenario 2, line 4: ChargePeriodEnd 2023-02-01T30:00:00Z (hour 30)
	 * is not a timestamp, but only the start is parsed; the end reads as text */
	fx_open(&x, DATA "focus_spec/commitment_discount_purchase_scenario_2.csv", "p2.csv");
	status = fx_src(&x, "ChargePeriodEnd");
	fx_row(&x, 4);
	assert_string_equal(tval(x.r, status), "2023-02-01T30:00:00Z");
	assert_int_equal(mlc_billfmt__charge_start(&t, x.r), 0);
	mlc_billfmt__source_free(status);
	fx_close(&x);
}

static void resolve_errors_name_the_column_and_format(void **state)
{
	fixture x;
	mlc_billfmt_source *s = NULL;
	(void)state;
	fx_open(&x, DATA "aws_2023-06-01.csv", "cur.csv");
	assert_int_equal(mlc_billfmt__resolve(&s, x.f, "ResourceName", NULL), MLC_ENOTFOUND);
	assert_string_equal(mlc_error_message(),
	                    "cur.csv:1: column 'ResourceName' not available in AWS CUR legacy");
	assert_int_equal(mlc_billfmt__resolve(&s, x.f, "SevriceName", NULL), MLC_ENOTFOUND);
	assert_string_equal(
	    mlc_error_message(),
	    "cur.csv:1: unknown column 'SevriceName': not a FOCUS column and not in "
	    "the header of this AWS CUR legacy file (did you mean 'ServiceName'?)");
	assert_int_equal(mlc_billfmt__resolve(&s, x.f, "tag:", NULL), MLC_EINVAL);
	/* a raw CUR column resolves to itself: line 2 has BoxUsage:m5.large */
	s = fx_src(&x, "lineItem/UsageType");
	fx_row(&x, 2);
	assert_string_equal(tval(x.r, s), "BoxUsage:m5.large");
	mlc_billfmt__source_free(s);
	fx_close(&x);
}

/* Rows given as only the planned columns read the same as whole rows. */
static void column_plan_selects_only_what_is_read(void **state)
{
	fixture x;
	mlc_billfmt_source *svc, *app;
	const uint32_t *cols;
	const unsigned *flags;
	mlc_span sel[16];
	size_t n;
	const trow *t;
	(void)state;
	fx_open(&x, DATA "focus_sample_excerpt.csv", "focus.csv");
	svc = fx_src(&x, "ServiceName");
	app = fx_src(&x, "tag:application");
	assert_int_equal(mlc_billfmt__need_cost(x.f, MLC_BILLFMT_BILLED), 0);
	assert_int_equal(mlc_billfmt__columns(x.f, &cols, &flags, &n), 0);
	/* BilledCost (index 1), ServiceName (38), Tags (43, JSON) */
	assert_int_equal(n, 3);
	assert_int_equal(cols[0], 1);
	assert_int_equal(cols[1], 38);
	assert_int_equal(cols[2], 43);
	assert_int_equal(flags[2], MLC_BILLFMT_COL_JSON);
	assert_int_equal(flags[0], 0);
	/* after the plan is fixed nothing more can be declared */
	assert_int_equal(mlc_billfmt__need_time(x.f), MLC_EINVAL);
	t = tcsv_line(x.c, 3);
	for (size_t i = 0; i < n; i++)
		sel[i] = t->f[cols[i]];
	mlc_billfmt__row_set(x.r, x.f, sel, n, 3, 0);
	assert_string_equal(tval(x.r, svc), "Elastic Load Balancing");
	assert_string_equal(tval(x.r, app), "BrightLensMatrix");
	assert_string_equal(tcost(x.r, MLC_BILLFMT_BILLED), "0.0000160599");
	/* the same Tags text as raw CSV (doubled quotes) gives the same answer */
	{
		const char *raw = "{\"\"application\"\": \"\"BrightLensMatrix\"\"}";
		sel[2] = (mlc_span){raw, strlen(raw)};
		mlc_billfmt__row_set(x.r, x.f, sel, n, 3, MLC_BILLFMT_ROW_JSON_RAW);
		assert_string_equal(tval(x.r, app), "BrightLensMatrix");
	}
	/* a short row: the missing columns are missing, not an error */
	mlc_billfmt__row_set(x.r, x.f, sel, 1, 3, 0);
	assert_string_equal(tval(x.r, svc), "");
	mlc_billfmt__source_free(svc);
	mlc_billfmt__source_free(app);
	fx_close(&x);
}

static void malformed_tags_report_file_line_and_column(void **state)
{
	mlc_span h[] = {{"BilledCost", 10}, {"ChargePeriodStart", 17}, {"Tags", 4}};
	mlc_span row[] = {{"1", 1}, {"2024-01-01", 10}, {"{\"team\" \"a\"}", 12}};
	mlc_billfmt *f;
	mlc_billfmt_row *r;
	mlc_billfmt_source *s;
	mlc_span v;
	(void)state;
	assert_int_equal(mlc_billfmt__detect(&f, "t.csv", h, 3), 0);
	assert_int_equal(mlc_billfmt__resolve(&s, f, "tag:team", NULL), 0);
	assert_int_equal(mlc_billfmt__row_new(&r, NULL), 0);
	mlc_billfmt__row_set(r, f, row, 3, 7, MLC_BILLFMT_ROW_ALL);
	assert_int_equal(mlc_billfmt__value(&v, r, s), MLC_EPARSE);
	assert_string_equal(mlc_error_message(),
	                    "t.csv:7: column 'Tags': byte 9: expected ':' after a key");
	mlc_billfmt__source_free(s);
	mlc_billfmt__row_free(r);
	mlc_billfmt__free(f);
}

/* Tags of a real export row, parsed with the tags scanner. */
static void real_tags(const char *file, unsigned line, const char *want0, const char *want_last,
		      size_t want_n)
{
	tcsv *c = tcsv_load(file);
	const trow *t = tcsv_line(c, line);
	int col = -1;
	mlc_tags_pair p[16];
	char scratch[1024], buf[256];
	size_t n;
	for (size_t i = 0; i < c->rows[0].n; i++)
		if (c->rows[0].f[i].len == 4 && memcmp(c->rows[0].f[i].ptr, "Tags", 4) == 0)
			col = (int)i;
	assert_true(col >= 0);
	assert_int_equal(mlc_tags__parse(p, 16, &n, scratch, t->f[col].ptr, t->f[col].len, 0), 0);
	assert_int_equal(n, want_n);
	snprintf(buf, sizeof(buf), "%.*s=%.*s", (int)p[0].key.len, p[0].key.ptr,
		 (int)p[0].value.len, p[0].value.ptr);
	assert_string_equal(buf, want0);
	snprintf(buf, sizeof(buf), "%.*s=%.*s", (int)p[n - 1].key.len, p[n - 1].key.ptr,
		 (int)p[n - 1].value.len, p[n - 1].value.ptr);
	assert_string_equal(buf, want_last);
	tcsv_free(c);
}

/* Azure writes Tags without braces; the formats are refused, the shape is read. */
static void azure_braceless_tags_from_real_exports(void **state)
{
	char name[64];
	int minor;
	(void)state;
	/* azure_ea_actualcost_excerpt.csv line 3 (finops-toolkit EA_ActualCost_Small.csv):
	 * "CostCenter": "1234",...,"databricks-environment": "true" */
	real_tags(DATA "azure_ea_actualcost_excerpt.csv", 3, "CostCenter=1234",
		  "databricks-environment=true", 5);
	/* opencost MissingBrackets.csv line 2 */
	real_tags(DATA "azure_billingexport_MissingBrackets.csv", 2, "resourceNameSuffix=12345678",
		  "creationSource=aks-aks-nodepool1-12345678-vmss", 3);
	assert_int_equal(detect_file(DATA "azure_ea_actualcost_excerpt.csv", name, sizeof(name),
				     &minor),
			 MLC_EPARSE);
	assert_int_equal(detect_file(DATA "gcp_excerpt.csv", name, sizeof(name), &minor),
			 MLC_EPARSE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(detects_every_supported_shared_sample),
	    cmocka_unit_test(refuses_native_azure_gcp_and_unknown_exports),
	    cmocka_unit_test(detects_focus_versions_by_added_columns),
	    cmocka_unit_test(cur_without_line_item_type_is_refused),
	    cmocka_unit_test(focus_sample_rows_map_to_themselves),
	    cmocka_unit_test(focus_commitment_examples_amortize_as_the_spec_describes),
	    cmocka_unit_test(focus_spec_nulls_and_absent_bases),
	    cmocka_unit_test(resolve_errors_name_the_column_and_format),
	    cmocka_unit_test(column_plan_selects_only_what_is_read),
	    cmocka_unit_test(malformed_tags_report_file_line_and_column),
	    cmocka_unit_test(azure_braceless_tags_from_real_exports),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
