/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for src/billing_format*.c, part 2: AWS CUR. Real samples
 * (koku legacy and Athena CUR, the gzipped legacy CUR, the focus_converters
 * AWS export) checked against values read by hand from the files; every
 * SPEC §4 amortization rule on hand-made rows, in legacy and CUR 2.0
 * spelling; the CUR 2.0 JSON maps (resource_tags, product).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_billing_format_util.h"
#include "util/error.h"

#define DATA MLC_TEST_DATA "/billing/"

typedef struct fixture {
	tcsv *c;
	mlc_billfmt *f;
	mlc_billfmt_row *r;
} fixture;

static void fx_text(fixture *x, const char *text, const char *name)
{
	x->c = tcsv_parse(text, strlen(text));
	assert_int_equal(tcsv_detect(&x->f, x->c, name), 0);
	assert_int_equal(mlc_billfmt__row_new(&x->r, NULL), 0);
}

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

/* Resolve names[i] into s[i]; free with free_all. */
static void resolve_all(fixture *x, mlc_billfmt_source **s, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		s[i] = fx_src(x, names[i]);
}

static void free_all(mlc_billfmt_source **s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		mlc_billfmt__source_free(s[i]);
}

enum { SVC, REGION, SUB, PAYER, CAT, PRICING, PROVIDER, SCAT, CUR, RES, PUB, NDIM };
static const char *const dim_names[NDIM] = {
    "ServiceName",     "RegionId",        "SubAccountId", "BillingAccountId",
    "ChargeCategory",  "PricingCategory", "ProviderName", "ServiceCategory",
    "BillingCurrency", "ResourceId",      "PublisherName"};

/* koku/aws_2023-06-01.csv: three SavingsPlanCoveredUsage hours, NOK. */
static void koku_legacy_cur_savings_plan_rows(void **state)
{
	fixture x;
	mlc_billfmt_source *s[NDIM], *app;
	int64_t t;
	(void)state;
	fx_open(&x, DATA "aws_2023-06-01.csv", "cur.csv");
	for (int b = 0; b < 4; b++)
		assert_int_equal(mlc_billfmt__need_cost(x.f, (mlc_billfmt_basis)b), 0);
	resolve_all(&x, s, dim_names, NDIM);
	/* the file renames its tag columns noTags/user:app: they are not tags */
	app = fx_src(&x, "tag:app");
	assert_int_equal(mlc_billfmt__source_present(app), 0);
	/* line 2: lineItem/UnblendedCost 10, savingsPlan/SavingsPlanEffectiveCost 0.1,
	 * pricing/publicOnDemandCost 10, pricing/term OnDemand, product/region us-west-1 */
	fx_row(&x, 2);
	assert_string_equal(tval(x.r, s[SVC]), "Amazon Elastic Compute Cloud");
	assert_string_equal(tval(x.r, s[REGION]), "us-west-1");
	assert_string_equal(tval(x.r, s[SUB]), "0099999999999");
	assert_string_equal(tval(x.r, s[PAYER]), "0099999999999");
	assert_string_equal(tval(x.r, s[CAT]), "Usage");
	/* covered by a Savings Plan: Committed although pricing/term says OnDemand */
	assert_string_equal(tval(x.r, s[PRICING]), "Committed");
	assert_string_equal(tval(x.r, s[PROVIDER]), "AWS");
	assert_string_equal(tval(x.r, s[SCAT]), "Compute");
	assert_string_equal(tval(x.r, s[CUR]), "NOK");
	assert_string_equal(tval(x.r, s[RES]), "i-99995555");
	assert_string_equal(tval(x.r, s[PUB]), "Amazon Web Services, Inc.");
	assert_string_equal(tval(x.r, app), "");
	assert_string_equal(tcost(x.r, MLC_BILLFMT_BILLED), "10");
	assert_string_equal(tcost(x.r, MLC_BILLFMT_EFFECTIVE), "0.1");
	assert_string_equal(tcost(x.r, MLC_BILLFMT_LIST), "10");
	/* no lineItem/NetUnblendedCost column: contracted is the unblended cost */
	assert_string_equal(tcost(x.r, MLC_BILLFMT_CONTRACTED), "10");
	/* lineItem/UsageStartDate 2023-06-01 00:00:00: 19509 days
	 * (19358 to 2023-01-01, +31+28+31+30+31 = 151) */
	assert_int_equal(mlc_billfmt__need_time(x.f), 0);
	assert_int_equal(mlc_billfmt__charge_start(&t, x.r), 0);
	assert_true(t == (int64_t)19509 * 86400);
	/* line 4 starts two hours later */
	fx_row(&x, 4);
	assert_int_equal(mlc_billfmt__charge_start(&t, x.r), 0);
	assert_true(t == (int64_t)19509 * 86400 + 2 * 3600);
	free_all(s, NDIM);
	mlc_billfmt__source_free(app);
	fx_close(&x);
}

/* koku/aws_cur_local_bucket-1.csv.gz: gzipped legacy CUR with resourceTags/user:* columns. */
static void gzipped_legacy_cur_tags_and_total(void **state)
{
	fixture x;
	mlc_billfmt_source *env, *version, *svc, *region;
	mlcu_money sum = 0, v;
	double check = 0;
	int ucol;
	(void)state;
	fx_open(&x, DATA "aws_cur_local_bucket-1.csv.gz", "cur.csv.gz");
	assert_int_equal(mlc_billfmt__need_cost(x.f, MLC_BILLFMT_EFFECTIVE), 0);
	env = fx_src(&x, "tag:environment");
	version = fx_src(&x, "tag:user:version"); /* AWS's own spelling works too */
	svc = fx_src(&x, "ServiceName");
	region = fx_src(&x, "RegionId");
	/* line 2: EC2, resourceTags/user:environment smoke_test_run_sample_long_tag,
	 * resourceTags/user:version zeta, UnblendedCost 1.0 */
	fx_row(&x, 2);
	assert_string_equal(tval(x.r, env), "smoke_test_run_sample_long_tag");
	assert_string_equal(tval(x.r, version), "zeta");
	assert_string_equal(tval(x.r, svc), "Amazon Elastic Compute Cloud");
	/* line 22: S3 in us-west-2, no tags (empty cells are missing) */
	fx_row(&x, 22);
	assert_string_equal(tval(x.r, env), "");
	assert_string_equal(tval(x.r, region), "us-west-2");
	assert_string_equal(tcost(x.r, MLC_BILLFMT_EFFECTIVE), "20");
	/* all 76 rows are Usage, so effective = unblended: check the exact sum
	 * against an independent double sum of the column's text */
	ucol = mlc_billfmt__column(x.f, "lineItem/UnblendedCost");
	for (size_t i = 1; i < x.c->nrows; i++) {
		const trow *t = &x.c->rows[i];
		char num[64];
		snprintf(num, sizeof(num), "%.*s", (int)t->f[ucol].len, t->f[ucol].ptr);
		check += strtod(num, NULL);
		fx_row(&x, t->line);
		assert_int_equal(mlc_billfmt__cost_value(&v, x.r, MLC_BILLFMT_EFFECTIVE), 0);
		sum += v;
	}
	assert_int_equal(x.c->nrows - 1, 76);
	assert_true(mlcu_money_to_double(sum) - check < 1e-9 &&
	            check - mlcu_money_to_double(sum) < 1e-9);
	mlc_billfmt__source_free(env);
	mlc_billfmt__source_free(version);
	mlc_billfmt__source_free(svc);
	mlc_billfmt__source_free(region);
	fx_close(&x);
}

/* koku/aws_2022-07-01-alt-columns.csv: Athena snake_case CUR, AWS Marketplace row. */
static void athena_snake_case_cur_row(void **state)
{
	fixture x;
	mlc_billfmt_source *s[NDIM], *creator, *project;
	int64_t t;
	(void)state;
	fx_open(&x, DATA "aws_2022-07-01-alt-columns.csv", "athena.csv");
	assert_int_equal(mlc_billfmt__kind(x.f), MLC_BILLFMT_CUR_ATHENA);
	assert_int_equal(mlc_billfmt__need_cost(x.f, MLC_BILLFMT_EFFECTIVE), 0);
	assert_int_equal(mlc_billfmt__need_time(x.f), 0);
	resolve_all(&x, s, dim_names, NDIM);
	creator = fx_src(&x, "tag:aws:created_by");
	project = fx_src(&x, "tag:insights_project");
	/* line 2: product_product_name "Red Hat® Enterprise Linux®", product_region
	 * us-east-1 (product_region_code empty), line_item_legal_entity Red Hat, Inc.,
	 * resource_tags_aws_created_by IAMUser:fake:and, line_item_unblended_cost 0,
	 * line_item_product_code mra (no ServiceCategory known) */
	fx_row(&x, 2);
	assert_string_equal(tval(x.r, s[SVC]), "Red Hat\xC2\xAE Enterprise Linux\xC2\xAE");
	assert_string_equal(tval(x.r, s[REGION]), "us-east-1");
	assert_string_equal(tval(x.r, s[SUB]), "999999");
	assert_string_equal(tval(x.r, s[PUB]), "Red Hat, Inc.");
	assert_string_equal(tval(x.r, s[PRICING]), "Standard");
	assert_string_equal(tval(x.r, s[SCAT]), "Other");
	assert_string_equal(tval(x.r, creator), "IAMUser:fake:and");
	assert_string_equal(tval(x.r, project), "");
	assert_string_equal(tcost(x.r, MLC_BILLFMT_EFFECTIVE), "0");
	/* line_item_usage_start_date 2022-07-01 00:00:00.000: 19174 days
	 * (52 years, 13 leap days = 18993, +31+28+31+30+31+30 = 181) */
	assert_int_equal(mlc_billfmt__charge_start(&t, x.r), 0);
	assert_true(t == (int64_t)19174 * 86400);
	free_all(s, NDIM);
	mlc_billfmt__source_free(creator);
	mlc_billfmt__source_free(project);
	fx_close(&x);
}

/* cur_focus_converters_excerpt.csv: lines 1-41 of the focus_converters AWS export. */
static void focus_converters_aws_export_rows(void **state)
{
	fixture x;
	mlc_billfmt_source *s[NDIM];
	(void)state;
	fx_open(&x, DATA "cur_focus_converters_excerpt.csv", "fc.csv");
	for (int b = 0; b < 4; b++)
		assert_int_equal(mlc_billfmt__need_cost(x.f, (mlc_billfmt_basis)b), 0);
	resolve_all(&x, s, dim_names, NDIM);
	/* no lineItem/ResourceId column in this export */
	assert_int_equal(mlc_billfmt__source_present(s[RES]), 0);
	/* line 6: Tax on awskms, UnblendedCost 0.01, publicOnDemandCost 0.0 */
	fx_row(&x, 6);
	assert_string_equal(tval(x.r, s[CAT]), "Tax");
	assert_string_equal(tval(x.r, s[PRICING]), "");
	assert_string_equal(tval(x.r, s[SVC]), "AWS Key Management Service");
	assert_string_equal(tval(x.r, s[SCAT]), "Security");
	assert_string_equal(tval(x.r, s[RES]), "");
	assert_string_equal(tcost(x.r, MLC_BILLFMT_EFFECTIVE), "0.01");
	assert_string_equal(tcost(x.r, MLC_BILLFMT_LIST), "0");
	/* line 16: S3 usage, UnblendedCost 1.81E-8 */
	fx_row(&x, 16);
	assert_string_equal(tcost(x.r, MLC_BILLFMT_BILLED), "0.0000000181");
	assert_string_equal(tval(x.r, s[PRICING]), "Standard");
	/* line 26: Glue free tier, UnblendedCost 0.0, publicOnDemandCost 3.0E-6,
	 * pricing/term empty, product/region ap-northeast-3 */
	fx_row(&x, 26);
	assert_string_equal(tcost(x.r, MLC_BILLFMT_BILLED), "0");
	assert_string_equal(tcost(x.r, MLC_BILLFMT_LIST), "0.000003");
	assert_string_equal(tval(x.r, s[PRICING]), "Standard");
	assert_string_equal(tval(x.r, s[REGION]), "ap-northeast-3");
	assert_string_equal(tval(x.r, s[SCAT]), "Analytics");
	free_all(s, NDIM);
	fx_close(&x);
}

/* One row per SPEC §4 rule, legacy names. */
static const char legacy_rules[] =
    "lineItem/LineItemType,lineItem/UnblendedCost,lineItem/NetUnblendedCost,"
    "reservation/EffectiveCost,reservation/UnusedAmortizedUpfrontFeeForBillingPeriod,"
    "reservation/UnusedRecurringFee,reservation/ReservationARN,"
    "savingsPlan/SavingsPlanEffectiveCost,savingsPlan/TotalCommitmentToDate,"
    "savingsPlan/UsedCommitment,pricing/publicOnDemandCost,lineItem/UsageStartDate\n"
    /* 2 */ "Usage,1.25,1.20,,,,,,,,1.50,2024-01-01T00:00:00Z\n"
    /* 3 */ "DiscountedUsage,0,0,0.8,,,arn:ri,,,,1.10,2024-01-01T00:00:00Z\n"
    /* 4 */ "SavingsPlanCoveredUsage,2.0,2.0,,,,,1.2,,,2.0,2024-01-01T00:00:00Z\n"
    /* 5 */ "SavingsPlanNegation,-2.0,-2.0,,,,,,,,,2024-01-01T00:00:00Z\n"
    /* 6 */ "SavingsPlanRecurringFee,5,5,,,,,,5,3.5,,2024-01-01T00:00:00Z\n"
    /* 7 */ "SavingsPlanUpfrontFee,1000,1000,,,,,,,,,2024-01-01T00:00:00Z\n"
    /* 8 */ "RIFee,30,30,,2.5,1.25,arn:ri,,,,,2024-01-01T00:00:00Z\n"
    /* 9 */ "Fee,500,500,,,,arn:ri,,,,,2024-01-01T00:00:00Z\n"
    /* 10 */ "Fee,29,29,,,,,,,,,2024-01-01T00:00:00Z\n"
    /* 11 */ "Tax,0.5,0.5,,,,,,,,,2024-01-01T00:00:00Z\n"
    /* 12 */ "Credit,-3,-3,,,,,,,,,2024-01-01T00:00:00Z\n"
    /* 13 */ "DiscountedUsage,0,0,,,,arn:ri,,,,,2024-01-01T00:00:00Z\n";

static void every_amortization_rule_legacy(void **state)
{
	static const struct {
		unsigned line;
		const char *billed, *effective, *list, *contracted, *category;
	} want[] = {
	    {2, "1.25", "1.25", "1.5", "1.2", "Usage"}, /* everything else: unblended */
	    {3, "0", "0.8", "1.1", "0", "Usage"},       /* reservation/EffectiveCost */
	    {4, "2", "1.2", "2", "2", "Usage"},         /* SavingsPlanEffectiveCost */
	    {5, "-2", "0", "0", "-2", "Usage"},         /* negation: 0 */
	    {6, "5", "1.5", "0", "5", "Purchase"},      /* 5 - 3.5 unused commitment */
	    {7, "1000", "0", "0", "1000", "Purchase"},  /* upfront fee: 0 */
	    {8, "30", "3.75", "0", "30", "Purchase"},   /* 2.5 + 1.25 unused */
	    {9, "500", "0", "0", "500", "Purchase"},    /* RI upfront Fee: 0 */
	    {10, "29", "29", "0", "29", "Purchase"},    /* a Fee of no reservation */
	    {11, "0.5", "0.5", "0", "0.5", "Tax"},      /* unblended */
	    {12, "-3", "-3", "0", "-3", "Credit"},      /* unblended */
	};
	fixture x;
	mlc_billfmt_source *cat;
	mlc_billfmt_cost c;
	(void)state;
	fx_text(&x, legacy_rules, "rules.csv");
	for (int b = 0; b < 4; b++)
		assert_int_equal(mlc_billfmt__need_cost(x.f, (mlc_billfmt_basis)b), 0);
	cat = fx_src(&x, "ChargeCategory");
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		fx_row(&x, want[i].line);
		assert_string_equal(tcost(x.r, MLC_BILLFMT_BILLED), want[i].billed);
		assert_string_equal(tcost(x.r, MLC_BILLFMT_EFFECTIVE), want[i].effective);
		assert_string_equal(tcost(x.r, MLC_BILLFMT_LIST), want[i].list);
		assert_string_equal(tcost(x.r, MLC_BILLFMT_CONTRACTED), want[i].contracted);
		assert_string_equal(tval(x.r, cat), want[i].category);
	}
	/* the recipe of the recurring fee: + TotalCommitmentToDate - UsedCommitment */
	fx_row(&x, 6);
	assert_int_equal(mlc_billfmt__cost(&c, x.r, MLC_BILLFMT_EFFECTIVE), 0);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.term[0].column, "savingsPlan/TotalCommitmentToDate");
	assert_int_equal(c.term[0].sign, 1);
	assert_string_equal(c.term[1].column, "savingsPlan/UsedCommitment");
	assert_int_equal(c.term[1].sign, -1);
	/* the negation has no terms at all */
	fx_row(&x, 5);
	assert_int_equal(mlc_billfmt__cost(&c, x.r, MLC_BILLFMT_EFFECTIVE), 0);
	assert_int_equal(c.n, 0);
	/* a DiscountedUsage line without its reservation/EffectiveCost */
	fx_row(&x, 13);
	assert_string_equal(tcost(x.r, MLC_BILLFMT_EFFECTIVE), "<error>");
	assert_string_equal(mlc_error_message(),
	                    "rules.csv:13: column 'reservation/EffectiveCost': missing, needed for "
	                    "the effective cost of a DiscountedUsage line");
	mlc_billfmt__source_free(cat);
	fx_close(&x);
}

/*
 * Nothing counts twice: for a Savings Plan and a no-upfront reservation used
 * inside one period, the billed and effective totals are the same money.
 * SP: $5 commitment, $6 on-demand usage covered at SP rates for $4.
 * RI: $43.20 recurring fee, 600 of 720 hours used at $0.06 = $36.00.
 */
static void billed_and_effective_totals_agree_for_a_whole_period(void **state)
{
	static const char rows[] =
	    "lineItem/LineItemType,lineItem/UnblendedCost,reservation/EffectiveCost,"
	    "reservation/UnusedAmortizedUpfrontFeeForBillingPeriod,"
	    "reservation/UnusedRecurringFee,savingsPlan/SavingsPlanEffectiveCost,"
	    "savingsPlan/TotalCommitmentToDate,savingsPlan/UsedCommitment\n"
	    "SavingsPlanCoveredUsage,6,,,,4,,\n"
	    "SavingsPlanNegation,-6,,,,,,\n"
	    "SavingsPlanRecurringFee,5,,,,,5,4\n"
	    "DiscountedUsage,0,36.00,,,,,\n"
	    "RIFee,43.20,,0,7.20,,,\n";
	fixture x;
	mlcu_money billed = 0, effective = 0, v;
	char b[MLCU_MONEY_FMT_MAX];
	(void)state;
	fx_text(&x, rows, "period.csv");
	assert_int_equal(mlc_billfmt__need_cost(x.f, MLC_BILLFMT_BILLED), 0);
	assert_int_equal(mlc_billfmt__need_cost(x.f, MLC_BILLFMT_EFFECTIVE), 0);
	for (unsigned line = 2; line <= 6; line++) {
		fx_row(&x, line);
		assert_int_equal(mlc_billfmt__cost_value(&v, x.r, MLC_BILLFMT_BILLED), 0);
		billed += v;
		assert_int_equal(mlc_billfmt__cost_value(&v, x.r, MLC_BILLFMT_EFFECTIVE), 0);
		effective += v;
	}
	/* billed: 6 - 6 + 5 + 0 + 43.20 = 48.20;
	 * effective: 4 + 0 + (5 - 4) + 36.00 + (0 + 7.20) = 48.20 */
	mlcu_money_format(b, sizeof(b), billed);
	assert_string_equal(b, "48.2");
	mlcu_money_format(b, sizeof(b), effective);
	assert_string_equal(b, "48.2");
	fx_close(&x);
}

static void absent_rule_columns_fail_only_when_a_row_needs_them(void **state)
{
	static const char rows[] = "lineItem/LineItemType,lineItem/UnblendedCost\n"
	                           "Usage,1.5\n"
	                           "DiscountedUsage,0\n";
	fixture x;
	(void)state;
	fx_text(&x, rows, "thin.csv");
	assert_int_equal(mlc_billfmt__need_cost(x.f, MLC_BILLFMT_EFFECTIVE), 0);
	assert_int_equal(mlc_billfmt__need_cost(x.f, MLC_BILLFMT_LIST), MLC_EPARSE);
	assert_string_equal(
	    mlc_error_message(),
	    "thin.csv:1: cost basis 'list' needs column 'pricing/publicOnDemandCost', "
	    "which this AWS CUR legacy file lacks");
	assert_int_equal(mlc_billfmt__need_time(x.f), MLC_EPARSE);
	fx_row(&x, 2);
	assert_string_equal(tcost(x.r, MLC_BILLFMT_EFFECTIVE), "1.5");
	fx_row(&x, 3);
	assert_string_equal(tcost(x.r, MLC_BILLFMT_EFFECTIVE), "<error>");
	assert_string_equal(mlc_error_message(),
	                    "thin.csv:3: column 'reservation/EffectiveCost' is absent from the "
	                    "header, needed for the effective cost of a DiscountedUsage line");
	fx_close(&x);
}

static void bad_numbers_and_times_name_the_column(void **state)
{
	static const char rows[] = "lineItem/LineItemType,lineItem/UnblendedCost,"
	                           "lineItem/UsageStartDate,identity/TimeInterval\n"
	                           "Usage,1.2.3,2024-13-01 00:00:00,\n"
	                           "Usage,NULL,,2024-02-29T05:00:00Z/2024-02-29T06:00:00Z\n";
	fixture x;
	int64_t t;
	(void)state;
	fx_text(&x, rows, "bad.csv");
	assert_int_equal(mlc_billfmt__need_cost(x.f, MLC_BILLFMT_BILLED), 0);
	assert_int_equal(mlc_billfmt__need_time(x.f), 0);
	fx_row(&x, 2);
	assert_string_equal(tcost(x.r, MLC_BILLFMT_BILLED), "<error>");
	assert_string_equal(mlc_error_message(),
	                    "bad.csv:2: column 'lineItem/UnblendedCost': not a number ('1.2.3')");
	assert_int_equal(mlc_billfmt__charge_start(&t, x.r), MLC_EPARSE);
	assert_string_equal(mlc_error_message(), "bad.csv:2: column 'lineItem/UsageStartDate': "
	                                         "not a timestamp ('2024-13-01 00:00:00')");
	fx_row(&x, 3);
	assert_string_equal(tcost(x.r, MLC_BILLFMT_BILLED), "<error>");
	assert_string_equal(mlc_error_message(),
	                    "bad.csv:3: column 'lineItem/UnblendedCost': missing value");
	/* no usage start: the interval's start, 2024-02-29T05:00Z =
	 * (19723 + 31 + 28 days) * 86400 + 5 h */
	assert_int_equal(mlc_billfmt__charge_start(&t, x.r), 0);
	assert_true(t == (int64_t)19782 * 86400 + 5 * 3600);
	fx_close(&x);
}

/* CUR 2.0: snake_case rules, the resource_tags and product JSON maps. */
static void cur2_maps_and_snake_case_rules(void **state)
{
	static const char rows[] =
	    "line_item_line_item_type,line_item_unblended_cost,line_item_usage_start_date,"
	    "product,resource_tags,savings_plan_savings_plan_effective_cost,"
	    "savings_plan_total_commitment_to_date,savings_plan_used_commitment,"
	    "reservation_reservation_a_r_n,savings_plan_savings_plan_a_r_n\n"
	    "SavingsPlanCoveredUsage,6.0,2024-01-01T00:00:00Z,"
	    "\"{\"\"product_name\"\":\"\"Amazon SageMaker\"\",\"\"region\"\":\"\"us-east-1\"\"}\","
	    "\"{\"\"user_model_id\"\":\"\"rec-v2\"\",\"\"aws_created_by\"\":\"\"ci\"\","
	    "\"\"user_team\"\":\"\"\"\"}\",4.0,,,,arn:sp\n"
	    "SavingsPlanRecurringFee,5,2024-01-01T00:00:00Z,{},,,5,4,,arn:sp\n";
	fixture x;
	mlc_billfmt_source *model, *creator, *team, *svc, *region, *cdc, *cdi;
	(void)state;
	fx_text(&x, rows, "cur2.csv");
	assert_int_equal(mlc_billfmt__kind(x.f), MLC_BILLFMT_CUR2);
	assert_int_equal(mlc_billfmt__need_cost(x.f, MLC_BILLFMT_EFFECTIVE), 0);
	model = fx_src(&x, "tag:model_id");
	creator = fx_src(&x, "tag:aws:created_by");
	team = fx_src(&x, "tag:team");
	svc = fx_src(&x, "ServiceName");
	region = fx_src(&x, "RegionId");
	cdc = fx_src(&x, "CommitmentDiscountCategory");
	cdi = fx_src(&x, "CommitmentDiscountId");
	fx_row(&x, 2);
	assert_string_equal(tval(x.r, model), "rec-v2");
	assert_string_equal(tval(x.r, creator), "ci");
	assert_string_equal(tval(x.r, team), ""); /* an empty value is missing */
	assert_string_equal(tval(x.r, svc), "Amazon SageMaker");
	assert_string_equal(tval(x.r, region), "us-east-1");
	assert_string_equal(tval(x.r, cdc), "Spend");
	assert_string_equal(tval(x.r, cdi), "arn:sp");
	assert_string_equal(tcost(x.r, MLC_BILLFMT_EFFECTIVE), "4");
	fx_row(&x, 3);
	/* 5 - 4 */
	assert_string_equal(tcost(x.r, MLC_BILLFMT_EFFECTIVE), "1");
	assert_string_equal(tval(x.r, svc), "");
	assert_string_equal(tval(x.r, model), "");
	mlc_billfmt__source_free(model);
	mlc_billfmt__source_free(creator);
	mlc_billfmt__source_free(team);
	mlc_billfmt__source_free(svc);
	mlc_billfmt__source_free(region);
	mlc_billfmt__source_free(cdc);
	mlc_billfmt__source_free(cdi);
	fx_close(&x);
}

static void aliases_pick_the_first_spelling_present(void **state)
{
	static const char rows[] = "lineItem/LineItemType,lineItem/UnblendedCost,"
	                           "resourceTags/user:ml_model,resourceTags/user:Model\n"
	                           "Usage,1,a,b\n"
	                           "Usage,1,a,\n";
	static const char yaml[] = "model_id: [model, ml_model, user:model_id]\n";
	mlc_tags_aliases *al;
	mlc_billfmt_source *s;
	fixture x;
	(void)state;
	fx_text(&x, rows, "al.csv");
	assert_int_equal(mlc_tags__aliases_parse(&al, "aliases.yaml", yaml, strlen(yaml)), 0);
	assert_int_equal(mlc_billfmt__resolve(&s, x.f, "tag:model_id", al), 0);
	/* model comes before ml_model in the alias list; keys compare case-insensitively */
	fx_row(&x, 2);
	assert_string_equal(tval(x.r, s), "b");
	fx_row(&x, 3);
	assert_string_equal(tval(x.r, s), "a");
	mlc_billfmt__source_free(s);
	mlc_tags__aliases_free(al);
	fx_close(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(koku_legacy_cur_savings_plan_rows),
	    cmocka_unit_test(gzipped_legacy_cur_tags_and_total),
	    cmocka_unit_test(athena_snake_case_cur_row),
	    cmocka_unit_test(focus_converters_aws_export_rows),
	    cmocka_unit_test(every_amortization_rule_legacy),
	    cmocka_unit_test(billed_and_effective_totals_agree_for_a_whole_period),
	    cmocka_unit_test(absent_rule_columns_fail_only_when_a_row_needs_them),
	    cmocka_unit_test(bad_numbers_and_times_name_the_column),
	    cmocka_unit_test(cur2_maps_and_snake_case_rules),
	    cmocka_unit_test(aliases_pick_the_first_spelling_present),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
