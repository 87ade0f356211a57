/* SPDX-License-Identifier: MIT */
/*
 * meter_parse_bench.c - throughput of the metering hot path on one core:
 * mlc_events_parse over an NDJSON body of typical inference events, the
 * same body as one JSON array, parse + mlc_event_price, and
 * mlc_event_to_json (what the client does per record). Not a test: numbers
 * depend on the machine. The target is >= 1M small events/s to parse.
 *
 * Build (against a Release build of libmlcost):
 *   cmake -S . -B /tmp/build-bench -DCMAKE_BUILD_TYPE=Release && make -C /tmp/build-bench
 * mlcost_static
 *   cc -O2 -std=c11 -D_DEFAULT_SOURCE -Iinclude bench/meter_parse_bench.c \
 *      /tmp/build-bench/libmlcost.a $(pkg-config --libs libfyaml jansson libisal libzstd zlib \
 *      sqlite3 libpq libcurl) -lpthread -lm -o /tmp/meter_parse_bench
 * Run: /tmp/meter_parse_bench [EVENTS] [RUNS]   (default 200000 events, 5 runs; medians)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mlcost.h"

typedef struct sink {
	const mlc_catalog *cat;
	uint64_t n, tokens;
	mlc_amount total;
} sink;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int count(const mlc_event *ev, size_t index, void *ctx)
{
	sink *s = ctx;
	(void)index;
	s->n++;
	s->tokens += ev->input_tokens;
	return 0;
}

static int price(const mlc_event *ev, size_t index, void *ctx)
{
	sink *s = ctx;
	mlc_amount a;
	(void)index;
	if (mlc_event_price(&a, ev, s->cat) != 0)
		return -100;
	s->n++;
	return mlc_amount_add(&s->total, a);
}

/* n events, about 230 bytes each, as NDJSON (array: as one JSON array). */
static char *make_body(size_t n, int array, size_t *out_len)
{
	char *buf = malloc(n * 320 + 16), *p = buf;
	size_t i;
	if (buf == NULL)
		return NULL;
	if (array)
		*p++ = '[';
	for (i = 0; i < n; i++) {
		if (array && i)
			*p++ = ',';
		p += sprintf(p,
		             "{\"id\":\"%016zx%016zx\",\"time\":\"2026-02-%02zuT%02zu:%02zu:00Z\","
		             "\"model\":\"fraud-%zu\",\"version\":\"v3\",\"team\":\"risk\","
		             "\"endpoint\":\"/score\",\"instance\":\"g4dn.xlarge_1xt4\","
		             "\"compute_seconds\":0.0%zu,\"input_tokens\":%zu,\"latency_ms\":12.5}",
		             i * 2654435761u, i, 1 + i % 28, i % 24, i % 60, i % 8, 10 + i % 90,
		             100 + i % 1000);
		if (!array)
			*p++ = '\n';
	}
	if (array)
		*p++ = ']';
	*p = '\0';
	*out_len = (size_t)(p - buf);
	return buf;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

typedef int (*run_fn)(const char *body, size_t len, sink *s);

static mlc_events_parse_options opts = MLC_EVENTS_PARSE_OPTIONS_INIT;

static int run_parse(const char *body, size_t len, sink *s)
{
	return mlc_events_parse(body, len, &opts, count, NULL, s, NULL);
}

static int run_price(const char *body, size_t len, sink *s)
{
	return mlc_events_parse(body, len, &opts, price, NULL, s, NULL);
}

static void measure(const char *label, run_fn fn, const char *body, size_t len, size_t n, int runs,
                    const mlc_catalog *cat)
{
	double t[64], med;
	int r;
	for (r = 0; r < runs; r++) {
		sink s = {cat, 0, 0, {0, 0}};
		double t0 = now();
		if (fn(body, len, &s) != 0 || s.n != n) {
			fprintf(stderr, "%s: failed: %s\n", label, mlc_error_message());
			exit(1);
		}
		t[r] = now() - t0;
	}
	qsort(t, (size_t)runs, sizeof(t[0]), cmp);
	med = t[runs / 2];
	printf("%-22s %10.0f events/s %8.1f MB/s  (%zu events, %.1f bytes/event)\n", label,
	       (double)n / med, (double)len / med / 1e6, n, (double)len / (double)n);
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 200000, len, alen, i;
	int runs = argc > 2 ? atoi(argv[2]) : 5;
	char *body, *arr, json[MLC_EVENT_JSON_MAX];
	mlc_catalog *cat = NULL;
	mlc_event ev;
	double t0, t;
	size_t total = 0;
	if (n == 0 || runs < 1 || runs > 64)
		return 2;
	opts.max_events = n;
	if (mlc_catalog_new(&cat) || mlc_catalog_load(cat, "builtin:seed"))
		return 1;
	body = make_body(n, 0, &len);
	arr = make_body(n, 1, &alen);
	if (!body || !arr)
		return 1;
	measure("parse NDJSON", run_parse, body, len, n, runs, NULL);
	measure("parse array", run_parse, arr, alen, n, runs, NULL);
	measure("parse + price", run_price, body, len, n, runs, cat);
	mlc_event_init(&ev);
	ev.id = "0123456789abcdef0123456789abcdef";
	ev.model = "fraud";
	ev.team = "risk";
	ev.instance = "g4dn.xlarge_1xt4";
	ev.compute_seconds = 0.05;
	ev.input_tokens = 321;
	t0 = now();
	for (i = 0; i < n; i++) {
		ev.input_tokens = i;
		total += mlc_event_to_json(json, sizeof(json), &ev);
	}
	t = now() - t0;
	printf("%-22s %10.0f events/s  (%zu bytes written)\n", "to_json", (double)n / t, total);
	free(body);
	free(arr);
	mlc_catalog_free(cat);
	return 0;
}
