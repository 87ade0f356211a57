/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the event value (src/meter_event.c): the JSON writer and
 * its round trip through the parser, snprintf-like truncation, the deep
 * copy, and the checks an event built by hand must pass.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "mlcost.h"

static int same_text(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

static void assert_same_event(const mlc_event *a, const mlc_event *b)
{
	assert_true(same_text(a->id, b->id) && same_text(a->model, b->model));
	assert_true(same_text(a->version, b->version) && same_text(a->team, b->team));
	assert_true(same_text(a->endpoint, b->endpoint) && same_text(a->instance, b->instance));
	assert_true(same_text(a->llm_model, b->llm_model));
	assert_true(a->has_time == b->has_time && (!a->has_time || a->time == b->time));
	assert_true(a->requests == b->requests && a->pricing == b->pricing);
	assert_true(a->compute_seconds == b->compute_seconds && a->gpu_seconds == b->gpu_seconds);
	assert_true(a->input_tokens == b->input_tokens && a->output_tokens == b->output_tokens);
	assert_true(a->cached_input_tokens == b->cached_input_tokens);
	assert_true(a->bytes_out == b->bytes_out && a->latency_ms == b->latency_ms);
	assert_true(a->has_cost_usd == b->has_cost_usd);
	assert_true(!a->has_cost_usd || mlc_amount_cmp(a->cost_usd, b->cost_usd) == 0);
}

typedef struct one {
	mlc_event ev;
	char text[MLC_EVENT_COPY_MAX];
	int n;
} one;

static int keep(const mlc_event *ev, size_t index, void *ctx)
{
	one *o = ctx;
	(void)index;
	o->n++;
	mlc_event_copy(&o->ev, o->text, sizeof(o->text), ev);
	return 0;
}

static void round_trip(const mlc_event *ev, const char *want)
{
	char json[MLC_EVENT_JSON_MAX];
	one o;
	size_t n = mlc_event_to_json(json, sizeof(json), ev);
	assert_int_equal(n, strlen(json));
	if (want)
		assert_string_equal(json, want);
	memset(&o, 0, sizeof(o));
	assert_int_equal(mlc_events_parse(json, n, NULL, keep, NULL, &o, NULL), 0);
	assert_int_equal(o.n, 1);
	assert_same_event(&o.ev, ev);
}

static void writes_compact_json(void **state)
{
	mlc_event ev;
	(void)state;
	mlc_event_init(&ev);
	round_trip(&ev, "{}");
	ev.id = "7f3a";
	ev.has_time = 1;
	ev.time = 1726696800; /* 2024-09-18T22:00:00Z */
	ev.model = "fraud";
	ev.version = "v3";
	ev.team = "risk";
	ev.endpoint = "/score";
	ev.requests = 0;
	ev.instance = "g4dn.xlarge_1xt4";
	ev.pricing = MLC_PRICING_RESERVED_3Y;
	ev.compute_seconds = 0.1;
	ev.gpu_seconds = 1e-7;
	ev.input_tokens = 18446744073709551615ULL;
	ev.output_tokens = 7;
	ev.cached_input_tokens = 3;
	ev.llm_model = "gpt-4o";
	ev.bytes_out = 1;
	ev.latency_ms = 1.0 / 3; /* 16 digits read back: 0.3333333333333333 */
	ev.has_cost_usd = 1;
	assert_int_equal(mlc_amount_parse(&ev.cost_usd, "1234.000000000001", 17), 0);
	round_trip(&ev,
	           "{\"id\":\"7f3a\",\"time\":\"2024-09-18T22:00:00Z\",\"model\":\"fraud\","
	           "\"version\":\"v3\",\"team\":\"risk\",\"endpoint\":\"/score\",\"requests\":0,"
	           "\"instance\":\"g4dn.xlarge_1xt4\",\"pricing\":\"reserved_3y\","
	           "\"compute_seconds\":0.1,\"gpu_seconds\":1e-07,"
	           "\"input_tokens\":18446744073709551615,\"output_tokens\":7,"
	           "\"cached_input_tokens\":3,\"llm_model\":\"gpt-4o\",\"bytes_out\":1,"
	           "\"latency_ms\":0.3333333333333333,\"cost_usd\":1234.000000000001}");
	/* a time before 1970 and the zero cost are written too */
	mlc_event_init(&ev);
	ev.has_time = 1;
	ev.time = -1;
	ev.has_cost_usd = 1;
	round_trip(&ev, "{\"time\":\"1969-12-31T23:59:59Z\",\"cost_usd\":0}");
}

static void escapes_text(void **state)
{
	mlc_event ev;
	char json[128];
	(void)state;
	mlc_event_init(&ev);
	ev.model = "say \"hi\" \\ caf\xC3\xA9 \xF0\x9F\x98\x80";
	round_trip(&ev, "{\"model\":\"say \\\"hi\\\" \\\\ caf\xC3\xA9 \xF0\x9F\x98\x80\"}");
	/* control characters are escaped (such an event fails mlc_event_check) */
	ev.model = "a\nb\x01";
	mlc_event_to_json(json, sizeof(json), &ev);
	assert_string_equal(json, "{\"model\":\"a\\u000ab\\u0001\"}");
}

static void truncates_like_snprintf(void **state)
{
	mlc_event ev;
	char json[8];
	(void)state;
	mlc_event_init(&ev);
	ev.id = "abcdef";
	/* {"id":"abcdef"} is 15 characters; 7 fit with the NUL */
	assert_int_equal(mlc_event_to_json(json, sizeof(json), &ev), 15);
	assert_string_equal(json, "{\"id\":\"");
	assert_int_equal(mlc_event_to_json(NULL, 0, &ev), 15);
}

static void worst_case_fits(void **state)
{
	mlc_event ev;
	char text[MLC_EVENT_MAX_TEXT + 1], json[MLC_EVENT_JSON_MAX + 1];
	size_t n;
	(void)state;
	/* every text field 256 quotes (each written as two bytes), every number long */
	memset(text, '"', MLC_EVENT_MAX_TEXT);
	text[MLC_EVENT_MAX_TEXT] = '\0';
	mlc_event_init(&ev);
	ev.id = ev.model = ev.version = ev.team = ev.endpoint = ev.instance = ev.llm_model = text;
	ev.has_time = 1;
	ev.time = -62135596800LL;
	ev.requests = ev.input_tokens = ev.output_tokens = ev.cached_input_tokens = ev.bytes_out =
	    UINT64_MAX;
	ev.pricing = MLC_PRICING_RESERVED_1Y;
	ev.compute_seconds = ev.gpu_seconds = ev.latency_ms = 1.2345678901234567e-300;
	ev.has_cost_usd = 1;
	assert_int_equal(
	    mlc_amount_parse(&ev.cost_usd, "999999999999999999999999.999999999999", 37), 0);
	assert_int_equal(mlc_event_check(&ev), 0);
	n = mlc_event_to_json(json, sizeof(json), &ev);
	assert_true(n < MLC_EVENT_JSON_MAX);
	round_trip(&ev, NULL);
}

static void copies(void **state)
{
	mlc_event ev, out;
	char buf[64];
	(void)state;
	mlc_event_init(&ev);
	ev.id = "abc";
	ev.team = "t";
	ev.requests = 5;
	/* "abc" + NUL + "t" + NUL = 6 bytes */
	assert_int_equal(mlc_event_copy(&out, buf, 5, &ev), 6);
	assert_int_equal(mlc_event_copy(&out, buf, sizeof(buf), &ev), 6);
	assert_true(out.id == buf && out.team == buf + 4 && out.requests == 5);
	assert_string_equal(out.id, "abc");
	assert_string_equal(out.team, "t");
	assert_null(out.model);
}

static void checks(void **state)
{
	mlc_event ev;
	char longer[MLC_EVENT_MAX_TEXT + 2];
	(void)state;
	memset(longer, 'x', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	mlc_event_init(&ev);
	assert_int_equal(mlc_event_check(&ev), 0);
	ev.team = longer;
	assert_int_equal(mlc_event_check(&ev), MLC_EINVAL);
	assert_string_equal(mlc_error_message(), "field 'team': longer than 256 bytes");
	ev.team = "bad\xFF";
	assert_int_equal(mlc_event_check(&ev), MLC_EINVAL);
	assert_string_equal(mlc_error_message(),
	                    "field 'team': not UTF-8 text without control characters");
	ev.team = "tab\there";
	assert_int_equal(mlc_event_check(&ev), MLC_EINVAL);
	mlc_event_init(&ev);
	ev.latency_ms = -1;
	assert_int_equal(mlc_event_check(&ev), MLC_EINVAL);
	assert_string_equal(mlc_error_message(),
	                    "field 'latency_ms': must be a finite number >= 0");
	ev.latency_ms = INFINITY;
	assert_int_equal(mlc_event_check(&ev), MLC_EINVAL);
	mlc_event_init(&ev);
	ev.pricing = MLC_PRICING_COUNT;
	assert_int_equal(mlc_event_check(&ev), MLC_EINVAL);
	mlc_event_init(&ev);
	ev.has_time = 1;
	ev.time = 253402300800LL; /* 10000-01-01 */
	assert_int_equal(mlc_event_check(&ev), MLC_EINVAL);
	mlc_event_init(&ev);
	ev.has_cost_usd = 1;
	assert_int_equal(mlc_amount_parse(&ev.cost_usd, "-0.01", 5), 0);
	assert_int_equal(mlc_event_check(&ev), MLC_EINVAL);
	assert_string_equal(mlc_error_message(), "field 'cost_usd': must not be negative");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(writes_compact_json),
	    cmocka_unit_test(escapes_text),
	    cmocka_unit_test(truncates_like_snprintf),
	    cmocka_unit_test(worst_case_fits),
	    cmocka_unit_test(copies),
	    cmocka_unit_test(checks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
