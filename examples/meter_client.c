/* SPDX-License-Identifier: MIT */
/*
 * meter_client.c - how serving code meters its inference with libmlcost:
 * ask `mlcost serve` whether the model may still spend, record one event
 * per prediction (O(1), never waits for the network), flush and print the
 * client's counters before exiting. See docs/events.md.
 *
 * Build (from the repository, after building libmlcost into build/):
 *   cc -std=c11 examples/meter_client.c -Iinclude -Lbuild -lmlcost -Wl,-rpath,"$PWD/build" \
 *      -o meter_client
 * Run against a server (the token needs the `ingest` and `read` scopes):
 *   MLCOST_TOKEN=secret ./meter_client http://127.0.0.1:9464 1000
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "mlcost.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Stands for the model: pretend to work for a little while. */
static unsigned predict(unsigned i)
{
	volatile unsigned x = i;
	for (unsigned k = 0; k < 20000; k++)
		x = x * 1664525u + 1013904223u;
	return x;
}

int main(int argc, char **argv)
{
	mlc_meter_options o = MLC_METER_OPTIONS_INIT;
	mlc_meter_stats st;
	mlc_meter *m = NULL;
	long n = argc > 2 ? strtol(argv[2], NULL, 10) : 100;
	int allow = 1, rc;
	o.url = argc > 1 ? argv[1] : "http://127.0.0.1:9464";
	o.token = getenv("MLCOST_TOKEN");
	o.timeout_ms = 2000;
	if (mlc_meter_new(&m, &o) != 0) {
		fprintf(stderr, "meter_client: %s\n", mlc_error_message());
		return 1;
	}
	/* a cost guard fails open: on error allow stays 1 and we go on */
	if (mlc_meter_budget_allows(&allow, m, "demo-model") != 0)
		fprintf(stderr, "meter_client: budget check failed (serving anyway): %s\n",
		        mlc_error_message());
	else if (!allow)
		fprintf(stderr, "meter_client: the budget of demo-model is exhausted\n");
	for (long i = 0; allow && i < n; i++) {
		mlc_event ev;
		double t0 = now_ms();
		predict((unsigned)i);
		mlc_event_init(&ev); /* no id: the client makes a random one */
		ev.model = "demo-model";
		ev.version = "v1";
		ev.team = "examples";
		ev.endpoint = "/predict";
		ev.instance = "g4dn.xlarge_1xt4"; /* priced by the server from its catalog */
		ev.latency_ms = now_ms() - t0;
		ev.compute_seconds = ev.latency_ms / 1000;
		ev.bytes_out = 64;
		rc = mlc_meter_record(m, &ev);
		if (rc == MLC_ETOOLARGE)
			continue; /* queue full: dropped and counted, serving goes on */
		if (rc != 0)
			fprintf(stderr, "meter_client: %s\n", mlc_error_message());
	}
	rc = mlc_meter_flush(m, 5000);
	if (rc != 0)
		fprintf(stderr, "meter_client: %s\n", mlc_error_message());
	mlc_meter_get_stats(&st, m);
	printf(
	    "recorded %llu, sent %llu, rejected %llu, dropped %llu, retries %llu, pending %llu\n",
	    (unsigned long long)st.recorded, (unsigned long long)st.sent,
	    (unsigned long long)st.rejected, (unsigned long long)st.dropped,
	    (unsigned long long)st.retries, (unsigned long long)st.pending);
	mlc_meter_free(m);
	return rc == 0 ? 0 : 1;
}
