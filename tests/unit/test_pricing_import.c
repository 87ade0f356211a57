/* SPDX-License-Identifier: MIT */
/* Unit tests for the pricing importers: LiteLLM's model price JSON (the
 * real shared file and a small excerpt) and SkyPilot catalog CSV, with the
 * format told from the content. Expected prices were read from the files
 * by hand (python3 json.load, grep -n) and are written here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "mlcost.h"

#define LITELLM MLC_SOURCE_DIR "/../shared/data/litellm/model_prices_and_context_window.json"

static mlc_catalog *new_cat(void)
{
	mlc_catalog *cat = NULL;
	assert_int_equal(mlc_catalog_new(&cat), 0);
	return cat;
}

static void litellm_real_file_gives_token_prices(void **state)
{
	mlc_catalog *cat = new_cat();
	const mlc_catalog_source *src;
	const mlc_price_entry *e;
	mlc_token_price tp;
	(void)state;
	assert_int_equal(mlc_catalog_load(cat, LITELLM), 0);
	/* "gpt-4o" (line 22301): input 2.5e-06, output 1e-05, cache read 1.25e-06 */
	assert_int_equal(mlc_catalog_token_price(&tp, cat, "gpt-4o"), 0);
	assert_true(tp.input == 2.5e-06);
	assert_true(tp.output == 1e-05);
	assert_true(tp.has_cached_input && tp.cached_input == 1.25e-06);
	assert_string_equal(tp.source, LITELLM);
	assert_int_equal(tp.line, 22301);
	/* bedrock "anthropic.claude-3-5-sonnet-20241022-v2:0" (line 798) */
	assert_int_equal(mlc_catalog_token_price(&tp, cat,
						 "anthropic.claude-3-5-sonnet-20241022-v2:0"),
			 0);
	assert_true(tp.input == 3e-06 && tp.output == 1.5e-05 && tp.cached_input == 3e-07);
	assert_int_equal(tp.line, 798);
	/* the token rows: per 1M tokens, provider from litellm_provider */
	assert_int_equal(mlc_catalog_find(&e, cat, "gpt-4o:output"), 0);
	assert_int_equal(e->unit, MLC_UNIT_1M_TOKENS);
	assert_true(e->price[MLC_PRICING_ON_DEMAND] == 1e-05 * 1e6);
	assert_string_equal(e->provider, "openai");
	/* an embedding model priced on input only: output is free */
	assert_int_equal(mlc_catalog_token_price(&tp, cat, "mistral/mistral-embed"), 0);
	assert_true(tp.input == 1e-07 && tp.output == 0);
	assert_false(tp.has_cached_input);
	/* priced per image: skipped */
	assert_int_equal(mlc_catalog_token_price(&tp, cat, "dall-e-3"), MLC_ENOTFOUND);
	assert_int_equal(mlc_catalog_token_price(&tp, cat, "sample_spec"), MLC_ENOTFOUND);
	/* counted with python: 2,983 object entries besides sample_spec; 2,500
	 * have input and output (or are embeddings with input), 703 of those a
	 * cache-read price: 2 * 2500 + 703 = 5703 rows; 483 skipped */
	src = mlc_catalog_source_at(cat, 0);
	assert_string_equal(src->format, "litellm-json");
	assert_int_equal(src->entries, 5703);
	assert_int_equal(src->skipped, 483);
	assert_int_equal(mlc_catalog_count(cat), 5703);
	mlc_catalog_free(cat);
}

static void litellm_excerpt_skips_what_has_no_token_price(void **state)
{
	mlc_catalog *cat = new_cat();
	mlc_token_price tp;
	(void)state;
	assert_int_equal(mlc_catalog_load(cat, MLC_TEST_DATA "/pricing/litellm_excerpt.json"), 0);
	/* models: gpt-4o, gpt-4o-mini (3 rows each), text-embedding-3-small,
	 * mistral/mistral-embed (2 rows each); skipped: gpt-image-1 (input only,
	 * an image model), dall-e-3 (per image), whisper-1 (per second) */
	assert_int_equal(mlc_catalog_count(cat), 10);
	assert_int_equal(mlc_catalog_source_at(cat, 0)->skipped, 3);
	assert_int_equal(mlc_catalog_token_price(&tp, cat, "gpt-4o-mini"), 0);
	assert_true(tp.input == 1.5e-07 && tp.output == 6e-07 && tp.cached_input == 7.5e-08);
	assert_int_equal(tp.line, 65);
	assert_int_equal(mlc_catalog_token_price(&tp, cat, "text-embedding-3-small"), 0);
	assert_true(tp.input == 2e-08 && tp.output == 0);
	assert_int_equal(mlc_catalog_token_price(&tp, cat, "gpt-4-o"), MLC_ENOTFOUND);
	assert_string_equal(mlc_error_message(),
			    "unknown LLM model 'gpt-4-o' (nearest: gpt-4o, gpt-4o-mini)");
	mlc_catalog_free(cat);
}

static void expect_json_error(const char *text, int code, const char *message)
{
	mlc_catalog *cat = new_cat();
	assert_int_equal(mlc_catalog_load_buffer(cat, "p.json", text, strlen(text)), code);
	assert_string_equal(mlc_error_message(), message);
	assert_int_equal(mlc_catalog_count(cat), 0);
	mlc_catalog_free(cat);
}

static void litellm_errors_carry_positions(void **state)
{
	(void)state;
	expect_json_error("{\"a\": {\"input_cost_per_token\": 1e-6,\n \"output_cost_per_token\": }}",
			  MLC_EPARSE, "p.json:2:27: unexpected token near '}'");
	/* jansson points at the last character of the bad token: the second
	 * key's closing quote is column 13 */
	expect_json_error("{\"a\": {}, \"a\": {}}", MLC_EPARSE,
			  "p.json:1:13: duplicate object key near '\"a\"'");
	expect_json_error("{\"x\": 1,\n \"m\": {\"input_cost_per_token\": \"cheap\", "
			  "\"output_cost_per_token\": 1}}",
			  MLC_EPARSE, "p.json:2: model 'm': input_cost_per_token is not a number");
	expect_json_error("{\n\n \"m\": {\"input_cost_per_token\": 1e-6, "
			  "\"output_cost_per_token\": -1e-6}}",
			  MLC_EPARSE, "p.json:3: model 'm': output_cost_per_token is negative (-1e-06)");
}

static void litellm_validate_lists_findings(void **state)
{
	mlc_catalog_findings *f = NULL;
	const char *text = "{\"a\": {\"input_cost_per_token\": -1, \"output_cost_per_token\": 1},\n"
			   " \"b\": {\"input_cost_per_token\": \"x\", \"output_cost_per_token\": 1},\n"
			   " \"c\": {\"input_cost_per_token\": 1e-6, \"output_cost_per_token\": 2e-6}}";
	const char *broken = "{\"a\": {\n}";
	(void)state;
	assert_int_equal(mlc_catalog_validate_buffer(&f, "p.json", text, strlen(text)), 0);
	assert_int_equal(mlc_catalog_findings_count(f), 2);
	assert_string_equal(mlc_catalog_finding(f, 0),
			    "p.json:1: model 'a': input_cost_per_token is negative (-1)");
	assert_string_equal(mlc_catalog_finding(f, 1),
			    "p.json:2: model 'b': input_cost_per_token is not a number");
	mlc_catalog_findings_free(f);
	/* invalid JSON is one finding with jansson's position (end of input) */
	assert_int_equal(mlc_catalog_validate_buffer(&f, "p.json", broken, strlen(broken)), 0);
	assert_int_equal(mlc_catalog_findings_count(f), 1);
	assert_string_equal(mlc_catalog_finding(f, 0),
			    "p.json:2:1: '}' expected near end of file");
	mlc_catalog_findings_free(f);
}

static void skypilot_keeps_one_row_per_instance_and_region(void **state)
{
	mlc_catalog *cat = new_cat();
	const mlc_catalog_source *src;
	const mlc_price_entry *e;
	double p;
	(void)state;
	assert_int_equal(mlc_catalog_load(cat, MLC_TEST_DATA "/pricing/skypilot_excerpt.csv"), 0);
	src = mlc_catalog_source_at(cat, 0);
	assert_string_equal(src->format, "skypilot-csv");
	/* p3.2xlarge us-east-1 (zone a kept, zone b folded), p3.2xlarge
	 * us-west-2, m5.large, A100:8; x1e.dummy has no price */
	assert_int_equal(src->entries, 4);
	assert_int_equal(src->merged, 1);
	assert_int_equal(src->skipped, 1);
	assert_int_equal(mlc_catalog_hourly_price(&p, cat, "p3.2xlarge", MLC_PRICING_SPOT), 0);
	assert_true(p == 0.918); /* the first zone's spot price, not 0.95 */
	assert_int_equal(mlc_catalog_hourly_price(&p, cat, "us-west-2/p3.2xlarge", MLC_PRICING_SPOT),
			 0);
	assert_true(p == 1.02);
	assert_int_equal(mlc_catalog_find(&e, cat, "p3.2xlarge"), 0);
	assert_int_equal(e->vcpus, 8);
	assert_true(e->memory_gb == 61);
	assert_int_equal(e->gpus, 1);
	assert_string_equal(e->gpu_model, "V100");
	assert_string_equal(e->as_of, ""); /* strings are never NULL */
	assert_string_equal(e->provider, "skypilot");
	assert_int_equal(e->line, 2);
	/* a GCP accelerator row without instance type */
	assert_int_equal(mlc_catalog_hourly_price(&p, cat, "A100:8", MLC_PRICING_ON_DEMAND), 0);
	assert_true(p == 29.39);
	assert_int_equal(mlc_catalog_hourly_price(&p, cat, "m5.large", MLC_PRICING_RESERVED_1Y),
			 MLC_EPARSE);
	mlc_catalog_free(cat);
}

static void skypilot_errors_name_columns(void **state)
{
	mlc_catalog *cat = new_cat();
	const char *hdr = "InstanceType,vCPUs,Price,SpotPrice,Region\n";
	char text[256];
	(void)state;
	snprintf(text, sizeof(text), "%sa.b,2,0.1,x,us-east-1\n", hdr);
	assert_int_equal(mlc_catalog_load_buffer(cat, "s.csv", text, strlen(text)), MLC_EPARSE);
	assert_string_equal(mlc_error_message(), "s.csv:2: column 'SpotPrice': not a number: 'x'");
	snprintf(text, sizeof(text), "%sa.b,2,0.1,,\n", hdr);
	assert_int_equal(mlc_catalog_load_buffer(cat, "s.csv", text, strlen(text)), MLC_EPARSE);
	assert_string_equal(mlc_error_message(), "s.csv:2: column 'Region': empty or not a region name");
	snprintf(text, sizeof(text), "%sa.b,two,0.1,,r\n", hdr);
	assert_int_equal(mlc_catalog_load_buffer(cat, "s.csv", text, strlen(text)), MLC_EPARSE);
	assert_string_equal(mlc_error_message(), "s.csv:2: column 'vCPUs': not a number >= 0: 'two'");
	snprintf(text, sizeof(text), "InstanceType,Price,Region\na,1,r\n");
	assert_int_equal(mlc_catalog_load_buffer(cat, "s.csv", text, strlen(text)), MLC_EPARSE);
	assert_string_equal(mlc_error_message(), "s.csv:1: missing column 'SpotPrice' (SkyPilot catalog)");
	assert_int_equal(mlc_catalog_count(cat), 0);
	mlc_catalog_free(cat);
}

static void sources_mix_in_one_catalog(void **state)
{
	mlc_catalog *cat = new_cat();
	mlc_token_price tp;
	double p;
	(void)state;
	assert_int_equal(mlc_catalog_load(cat, "builtin:seed"), 0);
	assert_int_equal(mlc_catalog_load(cat, "builtin:gpu-2026-02"), 0);
	assert_int_equal(mlc_catalog_load(cat, MLC_TEST_DATA "/pricing/litellm_excerpt.json"), 0);
	assert_int_equal(mlc_catalog_load(cat, MLC_TEST_DATA "/pricing/skypilot_excerpt.csv"), 0);
	/* 6 + 4 + 10 + 4 */
	assert_int_equal(mlc_catalog_count(cat), 24);
	assert_int_equal(mlc_catalog_source_count(cat), 4);
	assert_int_equal(mlc_catalog_hourly_price(&p, cat, "h100-sxm5-80gb", MLC_PRICING_SPOT), 0);
	assert_true(p == 2.5); /* (2.10 + 2.90) / 2 */
	assert_int_equal(mlc_catalog_token_price(&tp, cat, "gpt-4o"), 0);
	assert_int_equal(mlc_catalog_hourly_price(&p, cat, "c5.2xlarge_cpu", MLC_PRICING_SPOT), 0);
	assert_true(p == 0.34 * 0.7);
	mlc_catalog_free(cat);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(litellm_real_file_gives_token_prices),
		cmocka_unit_test(litellm_excerpt_skips_what_has_no_token_price),
		cmocka_unit_test(litellm_errors_carry_positions),
		cmocka_unit_test(litellm_validate_lists_findings),
		cmocka_unit_test(skypilot_keeps_one_row_per_instance_and_region),
		cmocka_unit_test(skypilot_errors_name_columns),
		cmocka_unit_test(sources_mix_in_one_catalog),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
