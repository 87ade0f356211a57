/* SPDX-License-Identifier: MIT */
/* Unit tests for the pricing catalog: built-in catalogs (exact prices),
 * the catalog CSV reader (quoting, CRLF, BOM, columns by name), errors
 * with their position, lookups (first wins, region/resource, nearest
 * names), token rows, and `validate` findings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "mlcost.h"

#define HDR "provider,region,resource,unit,on_demand,spot,reserved_1y,reserved_3y,vcpus," \
	    "memory_gb,gpus,gpu_model,as_of\n"

static mlc_catalog *new_cat(void)
{
	mlc_catalog *cat = NULL;
	assert_int_equal(mlc_catalog_new(&cat), 0);
	return cat;
}

static int load_text(mlc_catalog *cat, const char *name, const char *text)
{
	return mlc_catalog_load_buffer(cat, name, text, strlen(text));
}

static double hourly(const mlc_catalog *cat, const char *res, mlc_pricing_model pm)
{
	double p = -1;
	assert_int_equal(mlc_catalog_hourly_price(&p, cat, res, pm), 0);
	return p;
}

static void seed_has_the_six_instances_at_exact_prices(void **state)
{
	mlc_catalog *cat = new_cat();
	const mlc_price_entry *e;
	double p;
	(void)state;
	assert_int_equal(mlc_catalog_load(cat, "builtin:seed"), 0);
	assert_int_equal(mlc_catalog_count(cat), 6);
	assert_true(hourly(cat, "p4d.24xlarge_8xa100", MLC_PRICING_ON_DEMAND) == 32.77);
	assert_true(hourly(cat, "p3.16xlarge_8xv100", MLC_PRICING_ON_DEMAND) == 24.48);
	assert_true(hourly(cat, "g4dn.xlarge_1xt4", MLC_PRICING_ON_DEMAND) == 0.526);
	assert_true(hourly(cat, "g4dn.12xlarge_4xt4", MLC_PRICING_ON_DEMAND) == 3.912);
	assert_true(hourly(cat, "m5.4xlarge_cpu", MLC_PRICING_ON_DEMAND) == 0.768);
	assert_true(hourly(cat, "c5.2xlarge_cpu", MLC_PRICING_ON_DEMAND) == 0.34);
	/* the seed convention: spot = 0.7 x, reserved_1y = 0.6 x on-demand */
	assert_true(hourly(cat, "p3.16xlarge_8xv100", MLC_PRICING_SPOT) == 24.48 * 0.7);
	assert_true(hourly(cat, "g4dn.12xlarge_4xt4", MLC_PRICING_RESERVED_1Y) == 3.912 * 0.6);
	assert_true(hourly(cat, "m5.4xlarge_cpu", MLC_PRICING_SPOT) == 0.768 * 0.7);
	/* SPEC section 2: training = 24.48 * 0.7 * 1 count * 3 h * 30 runs = 1542.24 */
	p = hourly(cat, "p3.16xlarge_8xv100", MLC_PRICING_SPOT);
	assert_float_equal(p * 1 * 3 * 30, 1542.24, 1e-9);
	/* inference: 3.912 * 0.6 * 4 replicas * 730 h = 6853.824 */
	p = hourly(cat, "g4dn.12xlarge_4xt4", MLC_PRICING_RESERVED_1Y);
	assert_float_equal(p * 4 * 730, 6853.824, 1e-9);
	/* no 3-year price in the seed */
	assert_int_equal(mlc_catalog_hourly_price(&p, cat, "c5.2xlarge_cpu", MLC_PRICING_RESERVED_3Y),
			 MLC_EPARSE);
	assert_string_equal(mlc_error_message(),
			    "builtin:seed: resource 'c5.2xlarge_cpu' has no reserved_3y price (not "
			    "offered)");
	assert_int_equal(mlc_catalog_find(&e, cat, "p4d.24xlarge_8xa100"), 0);
	assert_string_equal(e->provider, "aws");
	assert_string_equal(e->region, "us-east-1");
	assert_int_equal(e->vcpus, 96);
	assert_true(e->memory_gb == 1152);
	assert_int_equal(e->gpus, 8);
	assert_int_equal(mlc_catalog_find(&e, cat, "p3.16xlarge_8xv100"), 0);
	assert_int_equal(e->vcpus, 64);
	assert_true(e->memory_gb == 488);
	assert_int_equal(mlc_catalog_find(&e, cat, "g4dn.12xlarge_4xt4"), 0);
	assert_int_equal(e->vcpus, 48);
	assert_int_equal(e->gpus, 4);
	assert_int_equal(mlc_catalog_find(&e, cat, "c5.2xlarge_cpu"), 0);
	assert_int_equal(e->gpus, 0);
	assert_true(e->memory_gb == 16);
	mlc_catalog_free(cat);
}

static void gpu_builtin_prices_are_midpoints_of_ranges(void **state)
{
	mlc_catalog *cat = new_cat();
	const mlc_price_entry *e;
	double p;
	(void)state;
	assert_int_equal(mlc_catalog_load(cat, "builtin:gpu-2026-02"), 0);
	assert_int_equal(mlc_catalog_count(cat), 4);
	assert_int_equal(mlc_catalog_find(&e, cat, "a100-80gb-sxm"), 0);
	assert_true(e->price[MLC_PRICING_ON_DEMAND] == (2.80 + 3.40) / 2);
	assert_true(e->low[MLC_PRICING_ON_DEMAND] == 2.80 && e->high[MLC_PRICING_ON_DEMAND] == 3.40);
	assert_true(e->price[MLC_PRICING_SPOT] == (1.40 + 1.90) / 2);
	assert_true(e->has_range[MLC_PRICING_SPOT]);
	assert_false(e->offered[MLC_PRICING_RESERVED_1Y]);
	assert_int_equal(e->gpus, 1);
	assert_string_equal(e->as_of, "2026-02");
	assert_true(hourly(cat, "h100-sxm5-80gb", MLC_PRICING_ON_DEMAND) == (3.80 + 4.80) / 2);
	assert_true(hourly(cat, "h100-sxm5-80gb", MLC_PRICING_SPOT) == (2.10 + 2.90) / 2);
	assert_true(hourly(cat, "h200-sxm5-141gb", MLC_PRICING_ON_DEMAND) == (4.50 + 6.20) / 2);
	assert_true(hourly(cat, "h200-sxm5-141gb", MLC_PRICING_SPOT) == (2.80 + 3.80) / 2);
	assert_true(hourly(cat, "l40s", MLC_PRICING_ON_DEMAND) == (1.80 + 2.40) / 2);
	assert_int_equal(mlc_catalog_hourly_price(&p, cat, "l40s", MLC_PRICING_SPOT), MLC_EPARSE);
	assert_string_equal(mlc_error_message(),
			    "builtin:gpu-2026-02: resource 'l40s' has no spot price (not offered)");
	assert_int_equal(mlc_catalog_load(cat, "builtin:gpu-2025"), MLC_ENOTFOUND);
	assert_string_equal(mlc_error_message(),
			    "unknown built-in catalog 'builtin:gpu-2025' (known: builtin:seed, "
			    "builtin:gpu-2026-02)");
	assert_int_equal(mlc_catalog_count(cat), 4);
	assert_int_equal(mlc_catalog_source_count(cat), 1);
	mlc_catalog_free(cat);
}

static void names_of_pricing_models_and_units(void **state)
{
	mlc_pricing_model pm;
	(void)state;
	assert_int_equal(mlc_pricing_model_parse(&pm, "reserved_3y"), 0);
	assert_int_equal(pm, MLC_PRICING_RESERVED_3Y);
	assert_int_equal(mlc_pricing_model_parse(&pm, "spot"), 0);
	assert_int_equal(pm, MLC_PRICING_SPOT);
	assert_int_equal(mlc_pricing_model_parse(&pm, "ondemand"), MLC_EINVAL);
	/* one edit from on_demand: suggested; far from every name: all are listed */
	assert_string_equal(mlc_error_message(),
	                    "unknown pricing 'ondemand' (did you mean 'on_demand'?)");
	assert_int_equal(mlc_pricing_model_parse(&pm, "weekly"), MLC_EINVAL);
	assert_string_equal(mlc_error_message(), "unknown pricing 'weekly' (expected on_demand, "
	                                         "spot, reserved_1y or reserved_3y)");
	assert_string_equal(mlc_pricing_model_name(MLC_PRICING_ON_DEMAND), "on_demand");
	assert_string_equal(mlc_pricing_model_name(MLC_PRICING_RESERVED_1Y), "reserved_1y");
	assert_string_equal(mlc_price_unit_name(MLC_UNIT_GB_MONTH), "gb_month");
	assert_string_equal(mlc_price_unit_name(MLC_UNIT_1M_TOKENS), "1m_tokens");
}

static void csv_reads_quotes_crlf_bom_and_columns_by_name(void **state)
{
	mlc_catalog *cat = new_cat();
	const mlc_price_entry *e;
	/* BOM, CRLF, columns in another order, an extra quoted column with a
	 * comma, a doubled quote and a newline, hardware columns left out */
	const char *text = "\xEF\xBB\xBFresource,unit,note,on_demand,spot,provider,region,"
			   "reserved_1y,reserved_3y\r\n"
			   "\"big,box\",hour,\"say \"\"hi\"\"\r\nthere\",1.5,,acme,r1,1.2,\r\n"
			   "\r\n"
			   "small , gb_month ,x, 0.023 ,,acme,r1,,\r\n";
	(void)state;
	assert_int_equal(load_text(cat, "c.csv", text), 0);
	assert_int_equal(mlc_catalog_count(cat), 2);
	assert_int_equal(mlc_catalog_find(&e, cat, "big,box"), 0);
	assert_int_equal(e->line, 2);
	assert_true(e->price[MLC_PRICING_ON_DEMAND] == 1.5);
	assert_false(e->offered[MLC_PRICING_SPOT]);
	assert_true(e->price[MLC_PRICING_RESERVED_1Y] == 1.2);
	assert_string_equal(e->provider, "acme");
	assert_string_equal(e->source, "c.csv");
	/* the quoted field spanned lines 2-3, the blank line is 4 */
	assert_int_equal(mlc_catalog_find(&e, cat, "small"), 0);
	assert_int_equal(e->line, 5);
	assert_int_equal(e->unit, MLC_UNIT_GB_MONTH);
	assert_true(e->price[MLC_PRICING_ON_DEMAND] == 0.023);
	mlc_catalog_free(cat);
}

static void csv_reads_the_test_catalog_file(void **state)
{
	mlc_catalog *cat = new_cat();
	mlc_token_price tp;
	(void)state;
	assert_int_equal(mlc_catalog_load(cat, MLC_TEST_DATA "/pricing/catalog_good.csv"), 0);
	assert_int_equal(mlc_catalog_count(cat), 7);
	assert_true(hourly(cat, "p3.2xlarge", MLC_PRICING_RESERVED_3Y) == 1.35);
	/* token rows: USD per 1M tokens in the file, per token through the API */
	assert_int_equal(mlc_catalog_token_price(&tp, cat, "gpt-4o"), 0);
	assert_true(tp.input == 2.50 / 1e6);
	assert_true(tp.output == 10.00 / 1e6);
	assert_true(tp.has_cached_input && tp.cached_input == 1.25 / 1e6);
	assert_int_equal(tp.line, 6);
	mlc_catalog_free(cat);
}

/* Load text and expect code with exactly message. */
static void expect_error(const char *text, int code, const char *message)
{
	mlc_catalog *cat = new_cat();
	assert_int_equal(load_text(cat, "cat.csv", text), code);
	assert_string_equal(mlc_error_message(), message);
	assert_int_equal(mlc_catalog_count(cat), 0); /* a failed load adds nothing */
	assert_int_equal(mlc_catalog_source_count(cat), 0);
	mlc_catalog_free(cat);
}

static void csv_errors_name_file_line_and_column(void **state)
{
	(void)state;
	expect_error(HDR "aws,r,a,hour,1,,,,,,,,\naws,r,b,hour,1.x,,,,,,,,\n", MLC_EPARSE,
		     "cat.csv:3: column 'on_demand': not a number: '1.x'");
	expect_error(HDR "aws,r,a,hours,1,,,,,,,,\n", MLC_EPARSE,
		     "cat.csv:2: column 'unit': unknown unit 'hours' (expected hour, gb_month, gb "
		     "or 1m_tokens)");
	expect_error(HDR "aws,r,a,hour,1,-0.5,,,,,,,\n", MLC_EPARSE,
		     "cat.csv:2: column 'spot': negative price -0.5");
	expect_error(HDR "aws,r,a,hour,1\n", MLC_EPARSE,
		     "cat.csv:2: column 'spot': missing (the row has 5 of the header's 13 "
		     "fields)");
	expect_error(HDR "aws,r,a,hour,1,,,,,,,,,x\n", MLC_EPARSE,
		     "cat.csv:2: the row has 14 fields, the header 13");
	expect_error(HDR "aws,r,,hour,1,,,,,,,,\n", MLC_EPARSE, "cat.csv:2: column 'resource': empty");
	expect_error(HDR "aws,r,a,hour,,,,,,,,,\n", MLC_EPARSE,
		     "cat.csv:2: column 'on_demand': no price at all (on_demand, spot, "
		     "reserved_1y and reserved_3y are empty)");
	expect_error(HDR "aws,r,a,hour,1,,,,4.5,,,,\n", MLC_EPARSE,
		     "cat.csv:2: column 'vcpus': not a whole number: '4.5'");
	expect_error(HDR "aws,r,a,hour,1,,,,,,,,\n\"x,y\n", MLC_EPARSE,
		     "cat.csv:3: unterminated quoted field");
	expect_error(HDR "aws,r,a\"b,hour,1,,,,,,,,\n", MLC_EPARSE,
		     "cat.csv:2: quote inside an unquoted field");
	expect_error(HDR "aws,r,\"a\"b,hour,1,,,,,,,,\n", MLC_EPARSE,
		     "cat.csv:2: text after the closing quote of a field");
	expect_error("provider,region,resource,unit,on_demand,spot,reserved_1y\n", MLC_EPARSE,
		     "cat.csv:1: missing column 'reserved_3y' (a catalog CSV has provider,region,"
		     "resource,unit,on_demand,spot,reserved_1y,reserved_3y[,vcpus,memory_gb,gpus,"
		     "gpu_model,as_of])");
	expect_error("provider,region,resource,unit,on_demand,spot,reserved_1y,reserved_3y,spot\n",
		     MLC_EPARSE, "cat.csv:1: column 'spot' appears twice");
	expect_error("", MLC_EPARSE, "cat.csv: empty catalog (no header)");
	/* token rows say which price they carry */
	expect_error(HDR "openai,,gpt-4o,1m_tokens,2.5,,,,,,,,\n", MLC_EPARSE,
		     "cat.csv:2: column 'resource': a 1m_tokens row is named MODEL:input, "
		     "MODEL:output or MODEL:cached_input, not 'gpt-4o'");
	expect_error(HDR "openai,,gpt-4o:input,1m_tokens,,2.5,,,,,,,\n", MLC_EPARSE,
		     "cat.csv:2: column 'on_demand': a 1m_tokens row carries its price in "
		     "on_demand");
}

static void csv_limits_fail_cleanly(void **state)
{
	mlc_catalog *cat = new_cat();
	static char big[70 * 1024];
	size_t n = strlen(HDR);
	(void)state;
	/* a record longer than 64 KiB */
	memcpy(big, HDR, n);
	memset(big + n, 'x', sizeof(big) - n - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(load_text(cat, "big.csv", big), MLC_ETOOLARGE);
	assert_string_equal(mlc_error_message(), "big.csv:2: record longer than 65536 bytes");
	/* more than 256 columns */
	memset(big, ',', 300);
	big[300] = '\0';
	assert_int_equal(load_text(cat, "wide.csv", big), MLC_EPARSE);
	assert_string_equal(mlc_error_message(), "wide.csv:1: more than 256 columns");
	assert_int_equal(mlc_catalog_load(cat, MLC_TEST_DATA "/pricing/no-such-file.csv"), MLC_EIO);
	assert_string_equal(mlc_error_message(), MLC_TEST_DATA
			    "/pricing/no-such-file.csv: cannot open: No such file or directory");
	assert_int_equal(mlc_catalog_count(cat), 0);
	mlc_catalog_free(cat);
}

static void unknown_resources_suggest_nearest_names(void **state)
{
	mlc_catalog *cat = new_cat();
	const mlc_price_entry *e = (const mlc_price_entry *)1;
	double p;
	(void)state;
	assert_int_equal(mlc_catalog_load(cat, "builtin:seed"), 0);
	assert_int_equal(mlc_catalog_find(&e, cat, "g4dn.xlarge"), MLC_ENOTFOUND);
	assert_null(e);
	/* g4dn.xlarge_1xt4 contains the name, so it comes first; then by edit
	 * distance (cap 11 * 2 / 3 + 2 = 9): g4dn.12xlarge_4xt4 7 (insert "12"
	 * and "_4xt4"), c5.2xlarge_cpu and m5.4xlarge_cpu 9, c5 first by name */
	assert_string_equal(mlc_error_message(),
			    "unknown resource 'g4dn.xlarge' (nearest: g4dn.xlarge_1xt4, "
			    "g4dn.12xlarge_4xt4, c5.2xlarge_cpu)");
	assert_int_equal(mlc_catalog_hourly_price(&p, cat, "P3.16xlarge_8xv100", MLC_PRICING_SPOT),
			 MLC_ENOTFOUND);
	assert_string_equal(mlc_error_message(),
			    "unknown resource 'P3.16xlarge_8xv100' (nearest: p3.16xlarge_8xv100)");
	assert_int_equal(mlc_catalog_find(&e, cat, "zz"), MLC_ENOTFOUND);
	assert_string_equal(mlc_error_message(), "unknown resource 'zz'");
	mlc_catalog_free(cat);
}

static void first_definition_wins_and_regions_qualify(void **state)
{
	mlc_catalog *cat = new_cat();
	const mlc_price_entry *e, *kept;
	(void)state;
	assert_int_equal(load_text(cat, "a.csv",
				   HDR "aws,us-east-1,box,hour,1,,,,,,,,\n"
				       "aws,us-west-2,box,hour,2,,,,,,,,\n"),
			 0);
	kept = mlc_catalog_entry(cat, 0);
	assert_int_equal(load_text(cat, "b.csv", HDR "gcp,us-west-2,box,hour,3,,,,,,,,\n"), 0);
	assert_int_equal(mlc_catalog_count(cat), 3);
	/* entries keep their address across loads */
	assert_ptr_equal(mlc_catalog_entry(cat, 0), kept);
	assert_true(hourly(cat, "box", MLC_PRICING_ON_DEMAND) == 1);
	assert_true(hourly(cat, "us-west-2/box", MLC_PRICING_ON_DEMAND) == 2);
	assert_int_equal(mlc_catalog_find(&e, cat, "us-west-2/box"), 0);
	assert_string_equal(e->source, "a.csv");
	assert_int_equal(e->line, 3);
	assert_int_equal(mlc_catalog_find(&e, cat, "eu-west-1/box"), MLC_ENOTFOUND);
	/* a failed load leaves the catalog as it was */
	assert_int_equal(load_text(cat, "c.csv", HDR "x,r,new,hour,1,,,,,,,,\nx,r,bad,hour,?,,,,,,,,\n"),
			 MLC_EPARSE);
	assert_int_equal(mlc_catalog_count(cat), 3);
	assert_int_equal(mlc_catalog_find(&e, cat, "new"), MLC_ENOTFOUND);
	assert_int_equal(mlc_catalog_source_count(cat), 2);
	mlc_catalog_free(cat);
}

static void hourly_price_refuses_other_units(void **state)
{
	mlc_catalog *cat = new_cat();
	double p;
	(void)state;
	assert_int_equal(mlc_catalog_load(cat, MLC_TEST_DATA "/pricing/catalog_good.csv"), 0);
	assert_int_equal(mlc_catalog_hourly_price(&p, cat, "s3-standard", MLC_PRICING_ON_DEMAND),
			 MLC_EPARSE);
	assert_string_equal(mlc_error_message(), MLC_TEST_DATA "/pricing/catalog_good.csv:4: "
			    "resource 's3-standard' is priced per gb_month, not per hour");
	assert_int_equal(mlc_catalog_hourly_price(&p, cat, "us-west-2/p3.2xlarge",
						  MLC_PRICING_RESERVED_1Y),
			 MLC_EPARSE);
	assert_string_equal(mlc_error_message(), MLC_TEST_DATA "/pricing/catalog_good.csv:3: "
			    "resource 'p3.2xlarge' has no reserved_1y price (not offered)");
	mlc_catalog_free(cat);
}

static void token_prices_need_input_and_output(void **state)
{
	mlc_catalog *cat = new_cat();
	mlc_token_price tp;
	(void)state;
	assert_int_equal(load_text(cat, "t.csv",
				   HDR "x,,m1:input,1m_tokens,3,,,,,,,,\n"
				       "x,,m2:output,1m_tokens,4,,,,,,,,\n"
				       "x,,m2:input,1m_tokens,0.5,,,,,,,,\n"
				       "x,,m3:output,1m_tokens,4,,,,,,,,\n"),
			 0);
	assert_int_equal(mlc_catalog_token_price(&tp, cat, "m1"), MLC_EPARSE);
	assert_string_equal(mlc_error_message(), "t.csv:2: model 'm1' has no output token price");
	assert_int_equal(mlc_catalog_token_price(&tp, cat, "m3"), MLC_EPARSE);
	assert_string_equal(mlc_error_message(), "t.csv:5: model 'm3' has no input token price");
	assert_int_equal(mlc_catalog_token_price(&tp, cat, "m2"), 0);
	assert_true(tp.input == 0.5 / 1e6 && tp.output == 4 / 1e6);
	assert_false(tp.has_cached_input);
	assert_string_equal(tp.model, "m2");
	assert_int_equal(mlc_catalog_token_price(&tp, cat, "m4"), MLC_ENOTFOUND);
	assert_string_equal(mlc_error_message(), "unknown LLM model 'm4' (nearest: m1, m2, m3)");
	mlc_catalog_free(cat);
}

static void validate_lists_every_finding(void **state)
{
	mlc_catalog_findings *f = NULL;
	const char *name = MLC_TEST_DATA "/pricing/catalog_bad.csv";
	size_t n0 = strlen(name);
	static const char *const want[] = {
		":3: column 'on_demand': not a number: '1.O0'",
		":4: column 'unit': unknown unit 'hours' (expected hour, gb_month, gb or 1m_tokens)",
		":5: column 'on_demand': negative price -1",
		":6: resource 'spotty.large': spot price 1.2 is above on_demand 1",
		":7: resource 'ri.large': reserved_1y price 1.1 is above on_demand 1",
		(":8: resource 'ok.large' in region 'us-east-1' is already defined at line 2 (the "
		 "first definition is used)"),
		":9: column 'spot': missing (the row has 5 of the header's 13 fields)"};
	size_t i;
	(void)state;
	assert_int_equal(mlc_catalog_validate(&f, name), 0);
	assert_int_equal(mlc_catalog_findings_count(f), 7);
	for (i = 0; i < 7; i++) {
		const char *msg = mlc_catalog_finding(f, i);
		assert_memory_equal(msg, name, n0);
		assert_string_equal(msg + n0, want[i]);
	}
	assert_null(mlc_catalog_finding(f, 7));
	assert_int_equal(mlc_catalog_findings_dropped(f), 0);
	mlc_catalog_findings_free(f);

	assert_int_equal(mlc_catalog_validate(&f, MLC_TEST_DATA "/pricing/catalog_good.csv"), 0);
	assert_int_equal(mlc_catalog_findings_count(f), 0);
	mlc_catalog_findings_free(f);
	assert_int_equal(mlc_catalog_validate(&f, "builtin:seed"), 0);
	assert_int_equal(mlc_catalog_findings_count(f), 0);
	mlc_catalog_findings_free(f);
	assert_int_equal(mlc_catalog_validate(&f, "builtin:gpu-2026-02"), 0);
	assert_int_equal(mlc_catalog_findings_count(f), 0);
	mlc_catalog_findings_free(f);
}

static void validate_reports_structure_and_reserved_order(void **state)
{
	mlc_catalog_findings *f = NULL;
	const char *text = HDR "a,r,x,hour,1,0.5,0.6,0.7,,,,,\n"
			       "a,r,y,hour,1,0.5,0.6,1.5,,,,,\n"
			       "a,r,\"z,hour,1\n";
	(void)state;
	assert_int_equal(mlc_catalog_validate_buffer(&f, "v.csv", text, strlen(text)), 0);
	assert_int_equal(mlc_catalog_findings_count(f), 4);
	/* 3-year above 1-year is suspicious even below on-demand */
	assert_string_equal(mlc_catalog_finding(f, 0),
			    "v.csv:2: resource 'x': reserved_3y price 0.7 is above reserved_1y 0.6");
	assert_string_equal(mlc_catalog_finding(f, 1),
			    "v.csv:3: resource 'y': reserved_3y price 1.5 is above on_demand 1");
	assert_string_equal(mlc_catalog_finding(f, 2),
			    "v.csv:3: resource 'y': reserved_3y price 1.5 is above reserved_1y 0.6");
	/* a structural error ends the reading and is the last finding */
	assert_string_equal(mlc_catalog_finding(f, 3), "v.csv:4: unterminated quoted field");
	mlc_catalog_findings_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(seed_has_the_six_instances_at_exact_prices),
		cmocka_unit_test(gpu_builtin_prices_are_midpoints_of_ranges),
		cmocka_unit_test(names_of_pricing_models_and_units),
		cmocka_unit_test(csv_reads_quotes_crlf_bom_and_columns_by_name),
		cmocka_unit_test(csv_reads_the_test_catalog_file),
		cmocka_unit_test(csv_errors_name_file_line_and_column),
		cmocka_unit_test(csv_limits_fail_cleanly),
		cmocka_unit_test(unknown_resources_suggest_nearest_names),
		cmocka_unit_test(first_definition_wins_and_regions_qualify),
		cmocka_unit_test(hourly_price_refuses_other_units),
		cmocka_unit_test(token_prices_need_input_and_output),
		cmocka_unit_test(validate_lists_every_finding),
		cmocka_unit_test(validate_reports_structure_and_reserved_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
