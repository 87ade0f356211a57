/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the event parser (src/meter_json*.c): every body shape,
 * every field, escapes and UTF-8, syntax errors with their exact line,
 * column and offset, per-event rejections with their messages, limits,
 * CloudEvents. Most cases run a body and compare a log of what the
 * callbacks saw: "INDEX JSON" for an event (re-written by
 * mlc_event_to_json) and "INDEX ! MESSAGE" for a rejection.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mlcost.h"

typedef struct seen {
	char log[16384];
	size_t len;
	mlc_event last;
	char last_text[MLC_EVENT_COPY_MAX];
	int stop_at; /* fn returns 7 at this index; -1 never */
} seen;

static int on_event(const mlc_event *ev, size_t index, void *ctx)
{
	seen *s = ctx;
	char json[MLC_EVENT_JSON_MAX];
	mlc_event_to_json(json, sizeof(json), ev);
	s->len +=
	    (size_t)snprintf(s->log + s->len, sizeof(s->log) - s->len, "%zu %s\n", index, json);
	assert_true(mlc_event_copy(&s->last, s->last_text, sizeof(s->last_text), ev) <=
	            sizeof(s->last_text));
	return s->stop_at == (int)index ? 7 : 0;
}

static int on_reject(size_t index, const char *message, void *ctx)
{
	seen *s = ctx;
	s->len += (size_t)snprintf(s->log + s->len, sizeof(s->log) - s->len, "%zu ! %s\n", index,
	                           message);
	return 0;
}

/* Parse body (len from strlen unless given); the log, or "RC MESSAGE @OFFSET". */
static const char *run_n(seen *s, const char *body, size_t len, size_t max_events)
{
	mlc_events_parse_options o = MLC_EVENTS_PARSE_OPTIONS_INIT;
	size_t off = 12345;
	int rc;
	memset(s, 0, sizeof(*s));
	s->stop_at = -1;
	o.max_events = max_events;
	rc = mlc_events_parse(body, len, &o, on_event, on_reject, s, &off);
	if (rc)
		s->len += (size_t)snprintf(s->log + s->len, sizeof(s->log) - s->len, "%d %s @%zu",
		                           rc, mlc_error_message(), off);
	else
		assert_int_equal(off, len);
	return s->log;
}

static const char *run(seen *s, const char *body)
{
	return run_n(s, body, strlen(body), 0);
}

static void every_field_is_read(void **state)
{
	seen s;
	const mlc_event *e = &s.last;
	char text[MLC_AMOUNT_FMT_MAX];
	(void)state;
	run(&s, "{\"id\":\"ev-1\",\"time\":\"2024-09-18T22:00:00Z\",\"model\":\"fraud\","
	        "\"version\":\"v3\",\"team\":\"risk\",\"endpoint\":\"/score\",\"requests\":12,"
	        "\"instance\":\"g4dn.xlarge_1xt4\",\"pricing\":\"spot\",\"compute_seconds\":1.5,"
	        "\"gpu_seconds\":0.25,\"input_tokens\":100,\"output_tokens\":20,"
	        "\"cached_input_tokens\":30,\"llm_model\":\"gpt-4o\",\"bytes_out\":4096,"
	        "\"latency_ms\":12.75,\"cost_usd\":0.000000000001}");
	assert_string_equal(e->id, "ev-1");
	/* 2024-09-18: 19984 days after 1970-01-01 (see test_time.c), + 22 h */
	assert_true(e->has_time && e->time == 19984LL * 86400 + 22 * 3600);
	assert_string_equal(e->model, "fraud");
	assert_string_equal(e->version, "v3");
	assert_string_equal(e->team, "risk");
	assert_string_equal(e->endpoint, "/score");
	assert_true(e->requests == 12);
	assert_string_equal(e->instance, "g4dn.xlarge_1xt4");
	assert_int_equal(e->pricing, MLC_PRICING_SPOT);
	assert_true(e->compute_seconds == 1.5 && e->gpu_seconds == 0.25);
	assert_true(e->input_tokens == 100 && e->output_tokens == 20);
	assert_true(e->cached_input_tokens == 30 && e->bytes_out == 4096);
	assert_string_equal(e->llm_model, "gpt-4o");
	assert_true(e->latency_ms == 12.75);
	/* one unit of 10^-12 exactly: never through a double */
	assert_true(e->has_cost_usd && e->cost_usd.hi == 0 && e->cost_usd.lo == 1);
	mlc_amount_format(text, sizeof(text), e->cost_usd, -1);
	assert_string_equal(text, "0.000000000001");
}

static void defaults_and_nulls(void **state)
{
	seen s;
	(void)state;
	/* requests defaults to 1, pricing to on_demand; null and "" are absent */
	assert_string_equal(run(&s, "{\"id\":\"a\",\"team\":null,\"model\":\"\",\"requests\":null,"
	                            "\"pricing\":null,\"time\":null,\"cost_usd\":null}"),
	                    "0 {\"id\":\"a\"}\n");
	assert_true(s.last.requests == 1 && s.last.pricing == MLC_PRICING_ON_DEMAND);
	assert_true(!s.last.has_time && !s.last.has_cost_usd && s.last.team == NULL &&
	            s.last.model == NULL);
	/* an empty object is an event with every default (the server wants an id) */
	assert_string_equal(run(&s, "{}"), "0 {}\n");
	assert_string_equal(run(&s, "{\"requests\":0}"), "0 {\"requests\":0}\n");
}

static void body_shapes(void **state)
{
	seen s;
	(void)state;
	assert_string_equal(run(&s, "[{\"id\":\"a\"},{\"id\":\"b\"}]"),
	                    "0 {\"id\":\"a\"}\n1 {\"id\":\"b\"}\n");
	assert_string_equal(run(&s, " [ ] "), "");
	assert_string_equal(run(&s, ""), "");
	assert_string_equal(run(&s, "\n\n  \n"), "");
	/* NDJSON: blank lines, CRLF, blanks at line ends, no final newline */
	assert_string_equal(run(&s, "{\"id\":\"a\"}\r\n\r\n  {\"id\":\"b\"}  \n\t{\"id\":\"c\"}"),
	                    "0 {\"id\":\"a\"}\n1 {\"id\":\"b\"}\n2 {\"id\":\"c\"}\n");
	/* a line may hold an array; indexes go on across lines */
	assert_string_equal(run(&s, "[{\"id\":\"a\"},{\"id\":\"b\"}]\n{\"id\":\"c\"}\n"),
	                    "0 {\"id\":\"a\"}\n1 {\"id\":\"b\"}\n2 {\"id\":\"c\"}\n");
	/* pretty-printed JSON across lines is one value */
	assert_string_equal(run(&s, "{\n  \"id\": \"a\",\n  \"requests\": 2\n}\n"),
	                    "0 {\"id\":\"a\",\"requests\":2}\n");
	/* a UTF-8 byte order mark is skipped */
	assert_string_equal(run(&s, "\xEF\xBB\xBF{\"id\":\"a\"}"), "0 {\"id\":\"a\"}\n");
}

static void strings_and_escapes(void **state)
{
	seen s;
	(void)state;
	/* every short escape that is not a control character */
	run(&s, "{\"model\":\"q\\\"b\\\\s\\/e\"}");
	assert_string_equal(s.last.model, "q\"b\\s/e");
	/* \u: BMP, 2- and 3-byte UTF-8, upper-case hex, a surrogate pair (U+1F600) */
	run(&s, "{\"team\":\"\\u00e9\\u20AC\\ud83d\\ude00x\"}");
	assert_string_equal(s.last.team, "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80x");
	/* raw UTF-8 passes as is */
	run(&s, "{\"team\":\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\"}");
	assert_string_equal(s.last.team, "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
	/* escaped control characters are valid JSON but not event text */
	assert_string_equal(run(&s, "{\"team\":\"a\\nb\"}\n{\"team\":\"\\u0000\"}"),
	                    "0 ! field 'team': control character in text\n"
	                    "1 ! field 'team': control character in text\n");
	/* an escaped field name is the same name */
	run(&s, "{\"\\u006dodel\":\"m\"}");
	assert_string_equal(s.last.model, "m");
}

static void text_limits(void **state)
{
	seen s;
	char body[1000], name[300];
	(void)state;
	memset(name, 'x', 256);
	name[256] = '\0';
	snprintf(body, sizeof(body), "{\"model\":\"%s\"}", name);
	run(&s, body);
	assert_int_equal(strlen(s.last.model), 256);
	/* 257 bytes: one too many */
	snprintf(body, sizeof(body), "{\"model\":\"%sy\"}\n{\"id\":\"ok\"}", name);
	assert_string_equal(run(&s, body), "0 ! field 'model': longer than 256 bytes\n"
	                                   "1 {\"id\":\"ok\"}\n");
	/* 128 x 2-byte characters = 256 bytes fits; the escape counts decoded bytes */
	body[0] = '\0';
	strcat(body, "{\"team\":\"");
	for (int k = 0; k < 128; k++)
		strcat(body, "\\u00e9");
	strcat(body, "\"}");
	run(&s, body);
	assert_int_equal(strlen(s.last.team), 256);
}

static void syntax_errors_have_positions(void **state)
{
	seen s;
	(void)state;
	assert_string_equal(run(&s, "{\"id\":\"a\",}"),
	                    "-3 input:1:11: expected a field name (a string) @10");
	assert_string_equal(run(&s, "{\"id\":\"a\"}\n\n{\"requests\":01}"),
	                    "0 {\"id\":\"a\"}\n-3 input:3:13: invalid number @24");
	assert_string_equal(run(&s, "{\"id\":\"ab"),
	                    "-3 input:1:10: unexpected end of input in a string @9");
	assert_string_equal(run(&s, "{\"model\":\"a\xFF\"}"),
	                    "-3 input:1:12: invalid UTF-8 in a string @11");
	/* overlong encoding of '/', an encoded surrogate, a cut sequence */
	assert_string_equal(run(&s, "{\"model\":\"\xC0\xAF\"}"),
	                    "-3 input:1:11: invalid UTF-8 in a string @10");
	assert_string_equal(run(&s, "{\"model\":\"\xED\xA0\x80\"}"),
	                    "-3 input:1:11: invalid UTF-8 in a string @10");
	assert_string_equal(run(&s, "{\"model\":\"\xE2\x82\"}"),
	                    "-3 input:1:11: invalid UTF-8 in a string @10");
	assert_string_equal(run(&s, "{\"model\":\"a\tb\"}"),
	                    "-3 input:1:12: control character in a string (escape it) @11");
	assert_string_equal(run(&s, "{\"model\":\"\\ud83d\"}"),
	                    "-3 input:1:11: lone high surrogate in a \\u escape @10");
	assert_string_equal(run(&s, "{\"model\":\"\\ude00\"}"),
	                    "-3 input:1:11: lone low surrogate in a \\u escape @10");
	assert_string_equal(run(&s, "{\"model\":\"\\u12g4\"}"),
	                    "-3 input:1:11: invalid \\u escape (expected 4 hex digits) @10");
	assert_string_equal(run(&s, "{\"model\":\"\\x\"}"),
	                    "-3 input:1:11: invalid escape in a string @10");
	assert_string_equal(run(&s, "{} {}"),
	                    "0 {}\n-3 input:1:4: expected a newline between events @3");
	assert_string_equal(run(&s, "[{},]"), "0 {}\n-3 input:1:5: expected a value @4");
	assert_string_equal(run(&s, "[{} {}]"), "0 {}\n-3 input:1:5: expected ',' or ']' @4");
	assert_string_equal(run(&s, "{\"id\" \"a\"}"),
	                    "-3 input:1:7: expected ':' after the field name @6");
	assert_string_equal(run(&s, "{\"id\":tru}"),
	                    "-3 input:1:7: invalid literal (expected true, false or null) @6");
	assert_string_equal(run(&s, "{\"id\":\"a\""),
	                    "-3 input:1:10: unexpected end of input (expected ',' or '}') @9");
	assert_string_equal(run(&s, "[{}"),
	                    "0 {}\n-3 input:1:4: unexpected end of input (expected ',' or ']') @3");
	assert_string_equal(run(&s, "{\"requests\":-}"), "-3 input:1:13: invalid number @12");
	assert_string_equal(run(&s, "{\"requests\":1.}"), "-3 input:1:13: invalid number @12");
	assert_string_equal(run(&s, "{\"requests\":1e}"), "-3 input:1:13: invalid number @12");
	assert_string_equal(run(&s, "{\"requests\":+1}"), "-3 input:1:13: expected a value @12");
	assert_string_equal(run(&s, "{\"requests\":.5}"), "-3 input:1:13: expected a value @12");
	assert_string_equal(run(&s, "{\"requests\":NaN}"), "-3 input:1:13: expected a value @12");
	assert_string_equal(run(&s, "{\"requests\":1x}"), "-3 input:1:13: invalid number @12");
	assert_string_equal(run(&s, "{'id':1}"),
	                    "-3 input:1:2: expected a field name (a string) @1");
	/* the name in messages comes from the options */
	{
		mlc_events_parse_options o = MLC_EVENTS_PARSE_OPTIONS_INIT;
		size_t off;
		o.name = "body";
		assert_int_equal(mlc_events_parse("\n  }", 4, &o, NULL, NULL, NULL, &off),
		                 MLC_EPARSE);
		assert_string_equal(mlc_error_message(), "body:2:3: expected a value");
		assert_int_equal(off, 3);
	}
}

static void nesting_is_bounded(void **state)
{
	seen s;
	char body[400];
	size_t n = 0;
	int k;
	(void)state;
	/* 63 arrays inside the event object: 64 levels, allowed (and rejected as a field) */
	n += (size_t)sprintf(body + n, "{\"team\":");
	for (k = 0; k < 63; k++)
		body[n++] = '[';
	for (k = 0; k < 63; k++)
		body[n++] = ']';
	strcpy(body + n, "}");
	assert_string_equal(run(&s, body), "0 ! field 'team': expected a string\n");
	/* one more: the 65th level at offset 8 + 63 = 71 */
	n = (size_t)sprintf(body, "{\"team\":");
	for (k = 0; k < 64; k++)
		body[n++] = '[';
	body[n] = '\0';
	assert_string_equal(run(&s, body), "-3 input:1:72: nesting deeper than 64 levels @71");
}

static void rejected_events(void **state)
{
	seen s;
	(void)state;
	assert_string_equal(
	    run(&s, "{\"id\":\"a\",\"modle\":\"x\"}\n"
	            "{\"id\":\"a\",\"id\":\"b\"}\n"
	            "{\"requests\":-1}\n"
	            "{\"input_tokens\":1.5}\n"
	            "{\"input_tokens\":1e3}\n"
	            "{\"bytes_out\":18446744073709551616}\n"
	            "{\"bytes_out\":18446744073709551615}\n"
	            "{\"compute_seconds\":\"1\"}\n"
	            "{\"latency_ms\":-0.5}\n"
	            "{\"gpu_seconds\":1e400}\n"
	            "{\"model\":42}\n"
	            "{\"model\":{\"name\":\"x\"}}\n"
	            "{\"id\":[\"a\"]}\n"
	            "{\"pricing\":\"spto\"}\n"
	            "{\"pricing\":\"lease\"}\n"
	            "{\"pricing\":1}\n"
	            "42\n"
	            "[\"x\",null]\n"
	            "{\"requests\":true}\n"),
	    "0 ! unknown field 'modle'\n"
	    "1 ! duplicate field 'id'\n"
	    "2 ! field 'requests': must not be negative\n"
	    "3 ! field 'input_tokens': expected a whole number\n"
	    "4 ! field 'input_tokens': expected a whole number\n"
	    "5 ! field 'bytes_out': out of range\n"
	    "6 {\"bytes_out\":18446744073709551615}\n"
	    "7 ! field 'compute_seconds': expected a number\n"
	    "8 ! field 'latency_ms': must not be negative\n"
	    "9 ! field 'gpu_seconds': out of range\n"
	    "10 ! field 'model': expected a string\n"
	    "11 ! field 'model': expected a string\n"
	    "12 ! field 'id': expected a string\n"
	    "13 ! field 'pricing': unknown pricing 'spto' (did you mean 'spot'?)\n"
	    "14 ! field 'pricing': unknown pricing 'lease' (expected on_demand, spot, "
	    "reserved_1y or reserved_3y)\n"
	    "15 ! field 'pricing': expected a string\n"
	    "16 ! event is not an object\n"
	    "17 ! event is not an object\n"
	    "18 ! event is not an object\n"
	    "19 ! field 'requests': expected a whole number\n");
	/* the first reason wins; the field name is shown cut and cleaned */
	assert_string_equal(
	    run(&s, "{\"a\\nb\":1,\"requests\":-1}\n"
	            "{\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	            "\":1}"),
	    "0 ! unknown field 'a?b'\n"
	    "1 ! unknown field "
	    "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...'\n");
	/* a rejected event does not stop the next one, in arrays too */
	assert_string_equal(run(&s, "[{\"requests\":-1},{\"id\":\"b\"}]"),
	                    "0 ! field 'requests': must not be negative\n1 {\"id\":\"b\"}\n");
}

static void times(void **state)
{
	seen s;
	(void)state;
	/* offsets, fractions (dropped) and UNIX seconds; 1726696800 = 2024-09-18T22:00:00Z */
	run(&s, "{\"time\":\"2024-09-19T00:00:00.999+02:00\"}");
	assert_true(s.last.time == 1726696800);
	run(&s, "{\"time\":1726696800}");
	assert_true(s.last.time == 1726696800 && s.last.has_time);
	run(&s, "{\"time\":1726696800.75}");
	assert_true(s.last.time == 1726696800);
	run(&s, "{\"time\":1.7266968e9}");
	assert_true(s.last.time == 1726696800);
	assert_string_equal(run(&s, "{\"time\":1726696800}"),
	                    "0 {\"time\":\"2024-09-18T22:00:00Z\"}\n");
	assert_string_equal(run(&s, "{\"time\":\"yesterday\"}\n"
	                            "{\"time\":-1}\n"
	                            "{\"time\":253402300800}\n"
	                            "{\"time\":true}\n"
	                            "{\"time\":\"2024-02-30T00:00:00Z\"}\n"),
	                    "0 ! field 'time': not an RFC 3339 time\n"
	                    "1 ! field 'time': must not be negative\n"
	                    "2 ! field 'time': out of range\n"
	                    "3 ! field 'time': expected a string or a number\n"
	                    "4 ! field 'time': not an RFC 3339 time\n");
}

static void numbers_are_exact(void **state)
{
	seen s;
	char text[MLC_AMOUNT_FMT_MAX];
	(void)state;
	run(&s, "{\"compute_seconds\":0.1,\"gpu_seconds\":1e-7,\"latency_ms\":1234567.125}");
	assert_true(s.last.compute_seconds == 0.1 && s.last.gpu_seconds == 1e-7);
	assert_true(s.last.latency_ms == 1234567.125);
	/* past the fast path (more than 19 digits, big exponents): strtod's answer */
	run(&s, "{\"compute_seconds\":123456789012345678901234.5,\"gpu_seconds\":2.5e30}");
	assert_true(s.last.compute_seconds == strtod("123456789012345678901234.5", NULL));
	assert_true(s.last.gpu_seconds == 2.5e30);
	run(&s, "{\"latency_ms\":0.000000000000000000000000001}");
	assert_true(s.last.latency_ms == 1e-27);
	/* cost_usd as a number or a string, exact; 13 digits round half-even at 10^-12 */
	run(&s, "{\"cost_usd\":\"12345678901234.123456789012\"}");
	mlc_amount_format(text, sizeof(text), s.last.cost_usd, -1);
	assert_string_equal(text, "12345678901234.123456789012");
	run(&s, "{\"cost_usd\":0.0000000000025}");
	assert_true(s.last.cost_usd.lo == 2); /* 2.5 units -> 2 (even) */
	run(&s, "{\"cost_usd\":1.5e-3}");
	assert_true(s.last.cost_usd.lo == 1500000000ULL);
	assert_string_equal(run(&s, "{\"cost_usd\":-1}\n{\"cost_usd\":\"-1\"}\n"
	                            "{\"cost_usd\":\"1,5\"}\n{\"cost_usd\":1e30}\n"),
	                    "0 ! field 'cost_usd': must not be negative\n"
	                    "1 ! field 'cost_usd': must not be negative\n"
	                    "2 ! field 'cost_usd': expected a number\n"
	                    "3 ! field 'cost_usd': out of range\n");
	/* numbers longer than 128 characters are refused, not truncated */
	{
		char body[300] = "{\"latency_ms\":1.";
		memset(body + strlen(body), '5', 130);
		strcpy(body + 16 + 130, "}");
		assert_string_equal(run(&s, body),
		                    "0 ! field 'latency_ms': number longer than 128 characters\n");
	}
}

static void cloudevents(void **state)
{
	seen s;
	(void)state;
	/* id and time come from the envelope when data has none */
	assert_string_equal(
	    run(&s, "{\"specversion\":\"1.0\",\"id\":\"ce-1\",\"source\":\"/svc\","
	            "\"type\":\"com.example.inference\",\"time\":\"2024-09-18T22:00:00Z\","
	            "\"subject\":\"fraud\",\"datacontenttype\":\"application/json\","
	            "\"xtrace\":\"abc\",\"data\":{\"model\":\"fraud\",\"requests\":2}}"),
	    "0 {\"id\":\"ce-1\",\"time\":\"2024-09-18T22:00:00Z\",\"model\":\"fraud\","
	    "\"requests\":2}\n");
	/* data's own id and time win; specversion after data; an array of CloudEvents */
	assert_string_equal(
	    run(&s, "[{\"data\":{\"id\":\"d\",\"time\":0},\"id\":\"ce\",\"time\":\"2024-01-01\","
	            "\"specversion\":\"1.0\"},{\"specversion\":\"1.0\",\"data\":{\"id\":\"e\"},"
	            "\"datacontenttype\":\"application/cloudevents+json; charset=utf-8\"}]"),
	    "0 {\"id\":\"d\",\"time\":\"1970-01-01T00:00:00Z\"}\n1 {\"id\":\"e\"}\n");
	assert_string_equal(
	    run(&s, "{\"specversion\":\"0.3\",\"data\":{}}\n"
	            "{\"specversion\":\"1.0\",\"data_base64\":\"e30=\"}\n"
	            "{\"specversion\":\"1.0\",\"datacontenttype\":\"text/plain\",\"data\":{}}\n"
	            "{\"specversion\":\"1.0\",\"id\":\"x\"}\n"
	            "{\"specversion\":\"1.0\",\"data\":\"{}\"}\n"
	            "{\"specversion\":\"1.0\",\"data\":{\"specversion\":\"1.0\"}}\n"
	            "{\"specversion\":\"1.0\",\"data\":{\"modle\":1}}\n"
	            "{\"specversion\":\"1.0\",\"data\":{},\"data\":{}}\n"
	            "{\"specversion\":\"1.0\",\"ext\":{\"a\":1},\"data\":{}}\n"
	            "{\"specversion\":\"1.0\",\"time\":\"soon\",\"data\":{}}\n"
	            "{\"specversion\":1,\"data\":{}}\n"),
	    "0 ! CloudEvents: unsupported specversion (expected \"1.0\")\n"
	    "1 ! CloudEvents: data_base64 is not supported (send the event in 'data')\n"
	    "2 ! CloudEvents: datacontenttype is not JSON\n"
	    "3 ! CloudEvents: no 'data'\n"
	    "4 ! CloudEvents: 'data' must be an object\n"
	    "5 ! unknown field 'specversion'\n"
	    "6 ! unknown field 'modle'\n"
	    "7 ! duplicate field 'data'\n"
	    "8 ! CloudEvents: attribute 'ext' must not be an object or an array\n"
	    "9 ! field 'time': not an RFC 3339 time\n"
	    "10 ! CloudEvents: unsupported specversion (expected \"1.0\")\n");
	/* a syntax error inside a CloudEvent is still a syntax error */
	assert_string_equal(run(&s, "{\"specversion\":\"1.0\",\"data\":{\"id\":}}"),
	                    "-3 input:1:35: expected a value @34");
}

static void limits_and_stops(void **state)
{
	seen s;
	mlc_events_parse_options o = MLC_EVENTS_PARSE_OPTIONS_INIT;
	size_t off = 0;
	(void)state;
	/* more than max_events: the first ones pass, then ETOOLARGE at the next event */
	assert_string_equal(run_n(&s, "{\"id\":\"a\"}\n{\"id\":\"b\"}\n{\"id\":\"c\"}", 32, 2),
	                    "0 {\"id\":\"a\"}\n1 {\"id\":\"b\"}\n"
	                    "-6 input:3:1: more than 2 events @22");
	/* a callback's non-zero return stops the parse and comes back */
	memset(&s, 0, sizeof(s));
	s.stop_at = 0;
	assert_int_equal(mlc_events_parse("{}\n{}", 5, NULL, on_event, on_reject, &s, &off), 7);
	assert_string_equal(s.log, "0 {}\n");
	assert_int_equal(off, 2);
	/* the body is read only up to len: no NUL is needed */
	assert_string_equal(run_n(&s, "{\"id\":\"a\"}GARBAGE", 10, 0), "0 {\"id\":\"a\"}\n");
	/* a wrong options version is refused */
	o.version = 99;
	assert_int_equal(mlc_events_parse("{}", 2, &o, NULL, NULL, NULL, NULL), MLC_EINVAL);
	/* NULL callbacks only validate */
	assert_int_equal(mlc_events_parse("[{\"x\":1},{}]", 12, NULL, NULL, NULL, NULL, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(every_field_is_read),
	    cmocka_unit_test(defaults_and_nulls),
	    cmocka_unit_test(body_shapes),
	    cmocka_unit_test(strings_and_escapes),
	    cmocka_unit_test(text_limits),
	    cmocka_unit_test(syntax_errors_have_positions),
	    cmocka_unit_test(nesting_is_bounded),
	    cmocka_unit_test(rejected_events),
	    cmocka_unit_test(times),
	    cmocka_unit_test(numbers_are_exact),
	    cmocka_unit_test(cloudevents),
	    cmocka_unit_test(limits_and_stops),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
