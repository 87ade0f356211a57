/* SPDX-License-Identifier: MIT */
/*
 * fuzz_events_json.c - libFuzzer target for mlc_events_parse. Whatever
 * event comes out must pass mlc_event_check, write as JSON within
 * MLC_EVENT_JSON_MAX, and read back from that JSON as the same event;
 * pricing it against the built-in catalogs must not crash, and an explicit
 * cost_usd is its price. Rejection messages are short valid UTF-8 (the
 * server puts them in JSON); syntax errors are positioned inside the input.
 * On one-line inputs jansson is the oracle of JSON syntax: both must accept
 * or refuse the same texts, except where this parser is documented to
 * differ (nesting limit, empty input, a byte order mark, numbers beyond a
 * double or a long long, which jansson refuses and events reject alone)
 * or jansson does (it ends the text at a raw NUL byte, and refuses an
 * escaped NUL in an object key).
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "meter_internal.h"
#include "mlcost.h"

static mlc_catalog *cat;

typedef struct back {
	mlc_event ev;
	char text[MLC_EVENT_COPY_MAX];
	int n;
} back;

static int keep(const mlc_event *ev, size_t index, void *ctx)
{
	back *b = ctx;
	(void)index;
	if (b->n++ == 0 && mlc_event_copy(&b->ev, b->text, sizeof(b->text), ev) > sizeof(b->text))
		abort();
	return 0;
}

static int same_text(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

static int same(const mlc_event *a, const mlc_event *b)
{
	return same_text(a->id, b->id) && same_text(a->model, b->model) &&
	       same_text(a->version, b->version) && same_text(a->team, b->team) &&
	       same_text(a->endpoint, b->endpoint) && same_text(a->instance, b->instance) &&
	       same_text(a->llm_model, b->llm_model) && a->has_time == b->has_time &&
	       (!a->has_time || a->time == b->time) && a->requests == b->requests &&
	       a->pricing == b->pricing && a->compute_seconds == b->compute_seconds &&
	       a->gpu_seconds == b->gpu_seconds && a->input_tokens == b->input_tokens &&
	       a->output_tokens == b->output_tokens &&
	       a->cached_input_tokens == b->cached_input_tokens && a->bytes_out == b->bytes_out &&
	       a->latency_ms == b->latency_ms && a->has_cost_usd == b->has_cost_usd &&
	       (!a->has_cost_usd || mlc_amount_cmp(a->cost_usd, b->cost_usd) == 0);
}

static int on_event(const mlc_event *ev, size_t index, void *ctx)
{
	char json[MLC_EVENT_JSON_MAX];
	size_t n = mlc_event_to_json(json, sizeof(json), ev);
	back b;
	mlc_amount cost;
	(void)index, (void)ctx;
	if (mlc_event_check(ev) != 0 || n >= sizeof(json) || strlen(json) != n)
		abort();
	memset(&b, 0, sizeof(b));
	if (mlc_events_parse(json, n, NULL, keep, NULL, &b, NULL) != 0 || b.n != 1 ||
	    !same(&b.ev, ev))
		abort();
	if (mlc_event_price(&cost, ev, cat) == 0 && ev->has_cost_usd &&
	    mlc_amount_cmp(cost, ev->cost_usd) != 0)
		abort();
	return 0;
}

static int on_reject(size_t index, const char *message, void *ctx)
{
	size_t n = strlen(message);
	(void)index, (void)ctx;
	if (n == 0 || n >= 192 || mlc_meter__text_ok(message, n) != 0)
		abort();
	return 0;
}

/* Does jansson agree on the syntax of a one-line input? */
static void oracle(const char *s, size_t size, int rc)
{
	json_error_t err;
	json_t *v;
	size_t k;
	/* jansson also stops at a raw NUL byte */
	if (memchr(s, '\n', size) || memchr(s, '\0', size) ||
	    (size >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3)))
		return;
	for (k = 0; k < size && (s[k] == ' ' || s[k] == '\t' || s[k] == '\r'); k++)
		;
	if (k == size || rc == MLC_ETOOLARGE)
		return;
	v = json_loadb(s, size, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
	json_decref(v);
	/* jansson also refuses "\u0000" inside an object key (valid JSON; here an unknown field) */
	if (rc == 0 && v == NULL && !strstr(err.text, "overflow") && !strstr(err.text, "too big") &&
	    !strstr(err.text, "NUL byte in object key"))
		abort();
	if (rc == MLC_EPARSE && v != NULL && !strstr(mlc_error_message(), "nesting deeper"))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mlc_events_parse_options o = MLC_EVENTS_PARSE_OPTIONS_INIT;
	size_t off = 0;
	int rc;
	if (cat == NULL && (mlc_catalog_new(&cat) != 0 || mlc_catalog_load(cat, "builtin:seed") ||
	                    mlc_catalog_load(cat, "builtin:gpu-2026-02")))
		abort();
	o.max_events = 1000;
	rc = mlc_events_parse((const char *)data, size, &o, on_event, on_reject, NULL, &off);
	if (off > size)
		abort();
	if ((rc == MLC_EPARSE || rc == MLC_ETOOLARGE) && strncmp(mlc_error_message(), "input:", 6))
		abort();
	if (rc != 0 && rc != MLC_EPARSE && rc != MLC_ETOOLARGE)
		abort();
	oracle((const char *)data, size, rc);
	return 0;
}
