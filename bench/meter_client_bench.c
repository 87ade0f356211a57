/* SPDX-License-Identifier: MIT */
/*
 * meter_client_bench.c - the client API against a running `mlcost serve`:
 * one thread records N inference events as fast as it can with
 * mlc_meter_record (the call serving code makes per prediction), then
 * mlc_meter_flush waits until the server has acknowledged them. Prints
 * the record rate (the cost to the serving thread), the end-to-end rate
 * (recorded and acknowledged, from the first record to the end of the
 * flush), and the client's counters: with a queue smaller than N the
 * sender cannot keep up with a tight loop and the newest events are
 * dropped and counted (the documented drop policy), which is what this
 * shows. Not a test: numbers depend on the machine. bench/serve_bench.sh
 * builds and runs it; README-serve.md has the figures.
 *
 * Build (against a build of libmlcost, e.g. /tmp/build-bench):
 *   cc -O2 -std=c11 -D_DEFAULT_SOURCE -Iinclude bench/meter_client_bench.c \
 *      /tmp/build-bench/libmlcost.a $(pkg-config --libs libfyaml jansson libisal libzstd zlib \
 *      sqlite3 libpq libcurl) -lpthread -lm -o /tmp/meter_client_bench
 * Run: MLCOST_TOKEN=... meter_client_bench URL EVENTS [QUEUE_EVENTS [BATCH_EVENTS [RUN_ID]]]
 * Output: one line of key=value pairs (parsed by serve_bench.sh).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "mlcost.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *const models[] = {"chat-v2", "rank-v7", "embed-v3", "vision-v1"};

int main(int argc, char **argv)
{
	mlc_meter_options o = MLC_METER_OPTIONS_INIT;
	mlc_meter_stats st;
	mlc_meter *m = NULL;
	char id[64];
	long n, i;
	unsigned long run;
	double t0, t_rec, t_end;
	int rc, flushed;
	if (argc < 3) {
		fprintf(stderr, "usage: meter_client_bench URL EVENTS [QUEUE [BATCH [RUN_ID]]]\n");
		return 2;
	}
	n = strtol(argv[2], NULL, 10);
	o.url = argv[1];
	o.token = getenv("MLCOST_TOKEN");
	o.queue_events = argc > 3 ? (size_t)strtoul(argv[3], NULL, 10) : 0;
	o.batch_events = argc > 4 ? (size_t)strtoul(argv[4], NULL, 10) : 0;
	run = argc > 5 ? strtoul(argv[5], NULL, 10) : (unsigned long)time(NULL);
	o.timeout_ms = 10000;
	if (n <= 0 || mlc_meter_new(&m, &o) != 0) {
		fprintf(stderr, "meter_client_bench: %s\n",
		        n <= 0 ? "EVENTS" : mlc_error_message());
		return 1;
	}
	t0 = now_s();
	for (i = 0; i < n; i++) {
		mlc_event ev;
		mlc_event_init(&ev);
		/* explicit ids, as a server that retries its own work would send */
		snprintf(id, sizeof(id), "mcb-%lu-%ld", run, i);
		ev.id = id;
		ev.model = models[i & 3];
		ev.version = "v1";
		ev.team = (i & 4) ? "search" : "ads";
		ev.endpoint = "/predict";
		ev.instance = "g4dn.xlarge_1xt4";
		ev.compute_seconds = 0.05;
		ev.latency_ms = 50;
		rc = mlc_meter_record(m, &ev);
		if (rc != 0 && rc != MLC_ETOOLARGE) { /* MLC_ETOOLARGE: dropped and counted */
			fprintf(stderr, "meter_client_bench: %s\n", mlc_error_message());
			mlc_meter_free(m);
			return 1;
		}
	}
	t_rec = now_s();
	flushed = mlc_meter_flush(m, 120000) == 0;
	t_end = now_s();
	mlc_meter_get_stats(&st, m);
	printf("events=%ld recorded=%llu dropped=%llu sent=%llu rejected=%llu retries=%llu "
	       "pending=%llu record_s=%.6f record_per_s=%.0f ns_per_record=%.1f e2e_s=%.6f "
	       "acked_per_s=%.0f flushed=%d\n",
	       n, (unsigned long long)st.recorded, (unsigned long long)st.dropped,
	       (unsigned long long)st.sent, (unsigned long long)st.rejected,
	       (unsigned long long)st.retries, (unsigned long long)st.pending, t_rec - t0,
	       (double)n / (t_rec - t0), (t_rec - t0) * 1e9 / (double)n, t_end - t0,
	       (double)st.sent / (t_end - t0), flushed);
	mlc_meter_free(m);
	return flushed ? 0 : 1;
}
