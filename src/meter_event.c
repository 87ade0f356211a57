/* SPDX-License-Identifier: MIT */
/*
 * meter_event.c - the event value: defaults, a deep copy for callers that
 * keep parsed events, the checks an event built by hand must pass (the
 * same rules the parser applies), and the compact JSON writer whose output
 * mlc_events_parse reads back to the same event.
 *
 * Not the parser (meter_json*.c) nor pricing (meter_price.c).
 */
#include "meter_internal.h"
#include "util/error.h"
#include "util/time.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define TIME_MIN (-62135596800LL) /* 0001-01-01T00:00:00Z */
#define TIME_MAX 253402300799LL   /* 9999-12-31T23:59:59Z */

void mlc_event_init(mlc_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->requests = 1;
	ev->pricing = MLC_PRICING_ON_DEMAND;
}

/* The text fields, in the order the JSON writer puts them. */
#define TEXT_PTRS(ev)                                                                              \
	{                                                                                          \
		&(ev)->id, &(ev)->model, &(ev)->version, &(ev)->team, &(ev)->endpoint,             \
		    &(ev)->instance, &(ev)->llm_model                                              \
	}

size_t mlc_event_copy(mlc_event *out, char *buf, size_t cap, const mlc_event *ev)
{
	const char *const *src[MLC_EVENT_TEXT_FIELDS] = TEXT_PTRS(ev);
	const char **dst[MLC_EVENT_TEXT_FIELDS] = TEXT_PTRS(out);
	size_t need = 0, used = 0, k, n;
	for (k = 0; k < MLC_EVENT_TEXT_FIELDS; k++)
		need += *src[k] ? strlen(*src[k]) + 1 : 0;
	if (need > cap)
		return need;
	if (out != ev)
		*out = *ev;
	for (k = 0; k < MLC_EVENT_TEXT_FIELDS; k++) {
		if (*src[k] == NULL)
			continue;
		n = strlen(*src[k]) + 1;
		memmove(buf + used, *src[k], n);
		*dst[k] = buf + used;
		used += n;
	}
	return need;
}

static const char *const text_names[MLC_EVENT_TEXT_FIELDS] = {
    "id", "model", "version", "team", "endpoint", "instance", "llm_model"};

static int check_real(const char *name, double v)
{
	if (!isfinite(v) || v < 0)
		return mlcu_error_set(MLC_EINVAL, "field '%s': must be a finite number >= 0", name);
	return 0;
}

int mlc_event_check(const mlc_event *ev)
{
	const char *const *text[MLC_EVENT_TEXT_FIELDS] = TEXT_PTRS(ev);
	mlc_amount zero = {0, 0};
	size_t k, n;
	int rc;
	for (k = 0; k < MLC_EVENT_TEXT_FIELDS; k++) {
		if (*text[k] == NULL)
			continue;
		n = strlen(*text[k]);
		if (n > MLC_EVENT_MAX_TEXT)
			return mlcu_error_set(MLC_EINVAL, "field '%s': longer than %d bytes",
			                      text_names[k], MLC_EVENT_MAX_TEXT);
		if (mlc_meter__text_ok(*text[k], n) != 0)
			return mlcu_error_set(MLC_EINVAL,
			                      "field '%s': not UTF-8 text without control "
			                      "characters",
			                      text_names[k]);
	}
	if ((rc = check_real("compute_seconds", ev->compute_seconds)) ||
	    (rc = check_real("gpu_seconds", ev->gpu_seconds)) ||
	    (rc = check_real("latency_ms", ev->latency_ms)))
		return rc;
	if ((unsigned)ev->pricing >= MLC_PRICING_COUNT)
		return mlcu_error_set(MLC_EINVAL, "field 'pricing': invalid pricing model %d",
		                      (int)ev->pricing);
	if (ev->has_time && (ev->time < TIME_MIN || ev->time > TIME_MAX))
		return mlcu_error_set(MLC_EINVAL, "field 'time': outside the years 0001-9999");
	if (ev->has_cost_usd && mlc_amount_cmp(ev->cost_usd, zero) < 0)
		return mlcu_error_set(MLC_EINVAL, "field 'cost_usd': must not be negative");
	return 0;
}

/* ---- the JSON writer ---- */

typedef struct jw {
	char *out;
	size_t cap, len;
	int first;
} jw;

static void put(jw *w, const char *s, size_t n)
{
	if (w->len + 1 < w->cap) {
		size_t room = w->cap - 1 - w->len;
		memcpy(w->out + w->len, s, n < room ? n : room);
	}
	w->len += n;
}

static void key(jw *w, const char *name)
{
	put(w, w->first ? "\"" : ",\"", w->first ? 1 : 2);
	put(w, name, strlen(name));
	put(w, "\":", 2);
	w->first = 0;
}

static void put_string(jw *w, const char *s)
{
	static const char hexd[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	size_t run = 0, i;
	char esc[6] = {'\\', 'u', '0', '0', 0, 0};
	put(w, "\"", 1);
	for (i = 0; u[i]; i++) {
		if (u[i] >= 0x20 && u[i] != '"' && u[i] != '\\')
			continue;
		put(w, s + run, i - run);
		run = i + 1;
		if (u[i] == '"' || u[i] == '\\') {
			esc[1] = (char)u[i];
			put(w, esc, 2);
			esc[1] = 'u';
		} else {
			esc[4] = hexd[u[i] >> 4];
			esc[5] = hexd[u[i] & 15];
			put(w, esc, 6);
		}
	}
	put(w, s + run, i - run);
	put(w, "\"", 1);
}

static void text(jw *w, const char *name, const char *v)
{
	if (v == NULL || *v == '\0')
		return;
	key(w, name);
	put_string(w, v);
}

static void u64(jw *w, const char *name, uint64_t v, uint64_t dflt)
{
	char b[24];
	size_t n = sizeof(b);
	if (v == dflt)
		return;
	do {
		b[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	key(w, name);
	put(w, b + n, sizeof(b) - n);
}

static void real(jw *w, const char *name, double v)
{
	char b[48];
	size_t n;
	if (v == 0 || !isfinite(v) || v < 0)
		return; /* 0 is the default; the rest cannot be parsed back */
	n = mlc_meter__fmt_double(b, sizeof(b), v);
	key(w, name);
	put(w, b, n);
}

static void time_field(jw *w, const mlc_event *ev)
{
	char b[MLCU_TIME_FMT_MAX];
	size_t n;
	if (!ev->has_time)
		return;
	key(w, "time");
	if (ev->time >= TIME_MIN && ev->time <= TIME_MAX) {
		n = mlcu_time_format(b, sizeof(b), ev->time);
		put(w, "\"", 1);
		put(w, b, n);
		put(w, "\"", 1);
	} else {
		n = (size_t)snprintf(b, sizeof(b), "%lld", (long long)ev->time);
		put(w, b, n);
	}
}

size_t mlc_event_to_json(char *out, size_t cap, const mlc_event *ev)
{
	char b[MLC_AMOUNT_FMT_MAX];
	jw w = {out, cap, 0, 1};
	put(&w, "{", 1);
	text(&w, "id", ev->id);
	time_field(&w, ev);
	text(&w, "model", ev->model);
	text(&w, "version", ev->version);
	text(&w, "team", ev->team);
	text(&w, "endpoint", ev->endpoint);
	u64(&w, "requests", ev->requests, 1);
	text(&w, "instance", ev->instance);
	if (ev->pricing != MLC_PRICING_ON_DEMAND && (unsigned)ev->pricing < MLC_PRICING_COUNT) {
		key(&w, "pricing");
		put_string(&w, mlc_pricing_model_name(ev->pricing));
	}
	real(&w, "compute_seconds", ev->compute_seconds);
	real(&w, "gpu_seconds", ev->gpu_seconds);
	u64(&w, "input_tokens", ev->input_tokens, 0);
	u64(&w, "output_tokens", ev->output_tokens, 0);
	u64(&w, "cached_input_tokens", ev->cached_input_tokens, 0);
	text(&w, "llm_model", ev->llm_model);
	u64(&w, "bytes_out", ev->bytes_out, 0);
	real(&w, "latency_ms", ev->latency_ms);
	if (ev->has_cost_usd) {
		key(&w, "cost_usd");
		put(&w, b, mlc_amount_format(b, sizeof(b), ev->cost_usd, -1));
	}
	put(&w, "}", 1);
	if (cap)
		out[w.len < cap ? w.len : cap - 1] = '\0';
	return w.len;
}
