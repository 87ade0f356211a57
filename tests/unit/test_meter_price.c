/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for mlc_event_price (src/meter_price.c): instance-seconds,
 * GPU-seconds, tokens and explicit costs, each worked out by hand in the
 * comments; half-even rounding at 10^-12; the errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "mlcost.h"

#define LITELLM MLC_SOURCE_DIR "/../shared/data/litellm/model_prices_and_context_window.json"

static mlc_catalog *cat;

static int setup(void **state)
{
	static const char tiny[] =
	    "provider,region,resource,unit,on_demand,spot,reserved_1y,reserved_3y,gpus\n"
	    "x,,tiny,hour,0.000000000036,,,,0\n"
	    "x,,odd,hour,0.12345678901249,,,,0\n"
	    "x,,m:input,1m_tokens,3,,,,\n"
	    "x,,m:output,1m_tokens,15,,,,\n"
	    "x,,dear:input,1m_tokens,1000000000000,,,,\n"
	    "x,,dear:output,1m_tokens,1,,,,\n";
	(void)state;
	if (mlc_catalog_new(&cat) || mlc_catalog_load(cat, "builtin:seed") ||
	    mlc_catalog_load(cat, "builtin:gpu-2026-02") ||
	    mlc_catalog_load_buffer(cat, "tiny.csv", tiny, strlen(tiny)) ||
	    mlc_catalog_load(cat, LITELLM))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	mlc_catalog_free(cat);
	return 0;
}

/* The exact decimal of the event's price, or "ERR <code>". */
static const char *price(mlc_event *ev)
{
	static char text[MLC_AMOUNT_FMT_MAX + 16];
	mlc_amount a;
	int rc = mlc_event_price(&a, ev, cat);
	if (rc)
		snprintf(text, sizeof(text), "ERR %d", rc);
	else
		mlc_amount_format(text, sizeof(text), a, -1);
	return text;
}

static mlc_event on(const char *instance, double seconds)
{
	mlc_event ev;
	mlc_event_init(&ev);
	ev.instance = instance;
	ev.compute_seconds = seconds;
	return ev;
}

static void instance_seconds(void **state)
{
	mlc_event ev = on("g4dn.xlarge_1xt4", 3600);
	(void)state;
	/* 0.526 $/h x 3600 s / 3600 = 0.526 */
	assert_string_equal(price(&ev), "0.526");
	/* 0.526 / 3600 = 0.000146111111|111... -> 0.000146111111 */
	ev.compute_seconds = 1;
	assert_string_equal(price(&ev), "0.000146111111");
	/* spot is 0.526 x 0.7 = 0.3682 (the double 0.36819999999999997 read at 12
	 * digits); 0.3682 x 0.5 / 3600 = 0.1841 / 3600 = 0.000051138888|888... -> up */
	ev.pricing = MLC_PRICING_SPOT;
	ev.compute_seconds = 0.5;
	assert_string_equal(price(&ev), "0.000051138889");
	/* reserved_1y 0.526 x 0.6 = 0.3156; x 7200 s = 0.6312 */
	ev.pricing = MLC_PRICING_RESERVED_1Y;
	ev.compute_seconds = 7200;
	assert_string_equal(price(&ev), "0.6312");
	/* p3.16xlarge 24.48 $/h x 0.1 s: 2.448 / 3600 = 0.00068 exactly */
	ev = on("p3.16xlarge_8xv100", 0.1);
	assert_string_equal(price(&ev), "0.00068");
	/* an instance without seconds costs nothing, but is still looked up */
	ev = on("c5.2xlarge_cpu", 0);
	assert_string_equal(price(&ev), "0");
}

static void gpu_seconds(void **state)
{
	mlc_event ev = on("h100-sxm5-80gb", 0);
	(void)state;
	/* builtin:gpu-2026-02 H100 on demand: (3.80 + 4.80) / 2 = 4.30 $/GPU-h;
	 * 90 GPU-s x 4.30 / 3600 = 387 / 3600 = 0.1075 */
	ev.gpu_seconds = 90;
	assert_string_equal(price(&ev), "0.1075");
	/* spot (2.10 + 2.90) / 2 = 2.50; 1 s: 2.5 / 3600 = 0.000694444444|444... */
	ev.pricing = MLC_PRICING_SPOT;
	ev.gpu_seconds = 1;
	assert_string_equal(price(&ev), "0.000694444444");
	/* p4d.24xlarge: 32.77 $/h for 8 GPUs; 10 GPU-s = 32.77 x 10 / (3600 x 8)
	 * = 327.7 / 28800 = 0.011378472222|222... */
	ev = on("p4d.24xlarge_8xa100", 0);
	ev.gpu_seconds = 10;
	assert_string_equal(price(&ev), "0.011378472222");
	/* compute_seconds wins when both are given: 1 instance-second = 32.77 / 3600
	 * = 0.009102777777|777... -> 0.009102777778 */
	ev.compute_seconds = 1;
	assert_string_equal(price(&ev), "0.009102777778");
	/* a CPU instance has no GPU-seconds to sell */
	ev = on("m5.4xlarge_cpu", 0);
	ev.gpu_seconds = 1;
	assert_string_equal(price(&ev), "ERR -3");
	assert_non_null(strstr(mlc_error_message(), "instance 'm5.4xlarge_cpu' has no GPUs"));
}

static void rounding_is_half_even(void **state)
{
	mlc_event ev = on("tiny", 50);
	(void)state;
	/* tiny: 3.6e-11 $/h = 10^-14 $/s; 50 s = 0.5 x 10^-12 -> 0 (even) */
	assert_string_equal(price(&ev), "0");
	ev.compute_seconds = 150; /* 1.5 units -> 2 */
	assert_string_equal(price(&ev), "0.000000000002");
	ev.compute_seconds = 250; /* 2.5 units -> 2 */
	assert_string_equal(price(&ev), "0.000000000002");
	ev.compute_seconds = 350; /* 3.5 units -> 4 */
	assert_string_equal(price(&ev), "0.000000000004");
	ev.compute_seconds = 251; /* 2.51 units -> 3 */
	assert_string_equal(price(&ev), "0.000000000003");
	/* 0.1 s is the decimal 0.1, not the double 0.1000000000000000055...:
	 * 0.1 x 10^-14 = 10^-15 -> 0 */
	ev.compute_seconds = 0.1;
	assert_string_equal(price(&ev), "0");
	/* a price of 14 digits is read at 12: 0.12345678901249 -> 0.123456789012 $/h */
	ev = on("odd", 3600);
	assert_string_equal(price(&ev), "0.123456789012");
	/* seconds needing 17 digits (0.1 + 0.2 = 0.30000000000000004): 0.526 x 0.3 = 0.1578,
	 * / 3600 = 0.000043833333|333...; the 4e-17 s add 6e-21 $ */
	ev = on("g4dn.xlarge_1xt4", 0.1 + 0.2);
	assert_string_equal(price(&ev), "0.000043833333");
}

static void tokens(void **state)
{
	mlc_event ev;
	(void)state;
	mlc_event_init(&ev);
	/* LiteLLM gpt-4o: input 2.5e-06, cache read 1.25e-06, output 1e-05 per token:
	 * 1000 x 2.5e-6 + 2000 x 1.25e-6 + 500 x 1e-5 = 0.0025 + 0.0025 + 0.005 = 0.01 */
	ev.llm_model = "gpt-4o";
	ev.input_tokens = 1000;
	ev.cached_input_tokens = 2000;
	ev.output_tokens = 500;
	assert_string_equal(price(&ev), "0.01");
	/* gpt-4o-mini: 1.5e-07 / 7.5e-08 / 6e-07: 12345 x 1.5e-7 = 0.00185175,
	 * 1 x 7.5e-8 = 0.000000075, 777 x 6e-7 = 0.0004662; sum 0.002318025 */
	ev.llm_model = "gpt-4o-mini";
	ev.input_tokens = 12345;
	ev.cached_input_tokens = 1;
	ev.output_tokens = 777;
	assert_string_equal(price(&ev), "0.002318025");
	/* no cached price in the catalog: cached tokens at the input price,
	 * 3 $/1M = 3e-6: 1000 cached = 0.003; 10 output x 15e-6 = 0.00015 */
	ev.llm_model = "m";
	ev.input_tokens = 0;
	ev.cached_input_tokens = 1000;
	ev.output_tokens = 10;
	assert_string_equal(price(&ev), "0.00315");
	/* tokens without llm_model are usage, not priced */
	ev.llm_model = NULL;
	assert_string_equal(price(&ev), "0");
	/* both parts add up: 1 s of g4dn (0.000146111111) + 1000 cached m (0.003) + 0.00015 */
	ev = on("g4dn.xlarge_1xt4", 1);
	ev.llm_model = "m";
	ev.cached_input_tokens = 1000;
	ev.output_tokens = 10;
	assert_string_equal(price(&ev), "0.003296111111");
}

static void explicit_cost_and_errors(void **state)
{
	mlc_event ev = on("no-such-instance", 5);
	(void)state;
	/* cost_usd is the cost, whatever else the event says */
	ev.has_cost_usd = 1;
	assert_int_equal(mlc_amount_parse(&ev.cost_usd, "0.123456789012", 14), 0);
	assert_string_equal(price(&ev), "0.123456789012");
	ev.has_cost_usd = 0;
	assert_string_equal(price(&ev), "ERR -4");
	assert_non_null(strstr(mlc_error_message(), "field 'instance': unknown resource "
	                                            "'no-such-instance'"));
	ev.instance = "g4dn.xlarge_1xt4";
	ev.pricing = MLC_PRICING_RESERVED_3Y;
	assert_string_equal(price(&ev), "ERR -3");
	assert_string_equal(mlc_error_message(),
	                    "field 'instance': builtin:seed: resource 'g4dn.xlarge_1xt4' has no "
	                    "reserved_3y price (not offered)");
	ev = on(NULL, 0);
	ev.llm_model = "gpt-4o-minii";
	assert_string_equal(price(&ev), "ERR -4");
	assert_non_null(strstr(mlc_error_message(), "gpt-4o-mini"));
	/* invalid events and sums past 10^24 USD */
	ev = on("g4dn.xlarge_1xt4", -1);
	assert_string_equal(price(&ev), "ERR -5");
	ev.compute_seconds = NAN;
	assert_string_equal(price(&ev), "ERR -5");
	ev.compute_seconds = 1e300;
	assert_string_equal(price(&ev), "ERR -6");
	/* dear: 10^12 $/1M tokens = 10^6 $/token; 2^64-1 tokens is 1.8 x 10^25 $ */
	ev = on(NULL, 0);
	ev.llm_model = "dear";
	ev.input_tokens = UINT64_MAX;
	assert_string_equal(price(&ev), "ERR -6");
	/* 10^18 tokens x 10^6 = 10^24 $: just past the limit; 10^17 is fine */
	ev.input_tokens = 1000000000000000000ULL;
	assert_string_equal(price(&ev), "ERR -6");
	ev.input_tokens = 100000000000000000ULL;
	assert_string_equal(price(&ev), "100000000000000000000000");
	/* a free event */
	ev = on(NULL, 0);
	assert_string_equal(price(&ev), "0");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(instance_seconds),         cmocka_unit_test(gpu_seconds),
	    cmocka_unit_test(rounding_is_half_even),    cmocka_unit_test(tokens),
	    cmocka_unit_test(explicit_cost_and_errors),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
