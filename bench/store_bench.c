/* SPDX-License-Identifier: MIT */
/*
 * store_bench - ingest and read throughput of the store's back-ends.
 *
 * For each store URL given: replace one slice with N synthetic hourly
 * records (first ingest), replace it again (a re-ingest: the same N
 * deleted and inserted), scan them back, and build daily series by a tag.
 * Records look like a month of a mid-size AWS account after aggregation:
 * 720 hours x (N / 720) combinations of sub-account, service, region,
 * charge and pricing category and four tags, with 12-digit amounts.
 * Writers: -w K processes replace K different slices at once (PostgreSQL
 * scale-out; on SQLite they take turns on the write lock).
 *
 *   usage: store_bench [-n RECORDS] [-b BATCH] [-w WRITERS] URL...
 *   (see bench/README-store.md for building and the figures)
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mlcost/store.h"

#define T_SEP2024 1725148800

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "store_bench: %s: %s\n", what, mlc_error_message());
	exit(1);
}

typedef struct data {
	mlc_store_record *r;
	char (*text)[6][32];
	const char *(*values)[4];
	size_t n;
} data;

static const char *const tag_keys[4] = {"team", "model_id", "environment", "lifecycle_phase"};

static void make(data *d, size_t n, int64_t start)
{
	static const char *const services[] = {"Amazon EC2", "Amazon S3", "Amazon SageMaker",
	                                       "AWS Lambda", "Amazon CloudWatch"};
	static const char *const regions[] = {"us-east-1", "us-west-2", "eu-west-1"};
	d->n = n;
	d->r = calloc(n, sizeof(*d->r));
	d->text = calloc(n, sizeof(*d->text));
	d->values = calloc(n, sizeof(*d->values));
	if (!d->r || !d->text || !d->values)
		die("out of memory");
	for (size_t i = 0; i < n; i++) {
		mlc_store_record *r = &d->r[i];
		size_t combo = i / 720;
		char amount[40];
		snprintf(d->text[i][0], 32, "%012zu", 100000000000 + combo % 7);
		snprintf(d->text[i][1], 32, "team-%zu", combo % 11);
		snprintf(d->text[i][2], 32, "model-%zu", combo % 37);
		snprintf(d->text[i][3], 32, "%s", combo % 3 ? "production" : "staging");
		snprintf(d->text[i][4], 32, "%s", combo % 4 ? "inference" : "training");
		r->hour = start + (int64_t)(i % 720) * 3600;
		r->sub_account = d->text[i][0];
		r->service = services[combo % 5];
		r->region = regions[combo % 3];
		r->charge_category = "Usage";
		r->pricing_category = combo % 2 ? "Standard" : "Committed";
		for (int t = 0; t < 4; t++)
			d->values[i][t] = d->text[i][1 + t];
		r->ntags = 4;
		r->tag_keys = tag_keys;
		r->tag_values = d->values[i];
		snprintf(amount, sizeof(amount), "%zu.%012zu", i % 97, (i * 7919) % 1000000000000);
		for (int b = 0; b < MLC_COST_BASIS_COUNT; b++)
			mlc_amount_parse(&r->cost[b], amount, strlen(amount));
		r->rows = 1 + i % 9;
	}
}

static int count(const mlc_store_record *r, void *ctx)
{
	(void)r;
	++*(size_t *)ctx;
	return 0;
}

static void replace(const char *url, const mlc_store_options *o, const char *account, const data *d)
{
	mlc_store_slice k = {"AWS", account, T_SEP2024, T_SEP2024 + 30 * 86400, "USD"};
	mlc_store *s = NULL;
	if (mlc_store_open(&s, url, o) != 0)
		die(url);
	if (mlc_store_replace_slice(s, 0, &k, d->r, d->n) != 0)
		die("replace");
	mlc_store_close(s);
}

/* K processes, each replacing its own slice; records per second overall. */
static double parallel(const char *url, const mlc_store_options *o, const data *d, int k)
{
	double t0 = now();
	for (int w = 0; w < k; w++) {
		pid_t pid = fork();
		if (pid == 0) {
			char account[32];
			snprintf(account, sizeof(account), "writer-%d", w);
			replace(url, o, account, d);
			_exit(0);
		}
		if (pid < 0)
			die("fork");
	}
	for (int w = 0; w < k; w++) {
		int status;
		if (wait(&status) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
			die("writer failed");
	}
	return (double)d->n * k / (now() - t0);
}

static void bench(const char *url, const data *d, size_t batch, int writers)
{
	mlc_store_options o = MLC_STORE_OPTIONS_INIT;
	mlc_store_query q = MLC_STORE_QUERY_INIT;
	const char *by[1] = {"tag:model_id"};
	mlc_store_daily *daily = NULL;
	mlc_store *s = NULL;
	double t0, first, again, scan, series;
	size_t seen = 0;
	o.batch_rows = batch;
	t0 = now();
	replace(url, &o, "bench", d);
	first = now() - t0;
	t0 = now();
	replace(url, &o, "bench", d);
	again = now() - t0;
	if (mlc_store_open(&s, url, &o) != 0)
		die(url);
	t0 = now();
	if (mlc_store_scan(s, NULL, count, &seen) != 0)
		die("scan");
	scan = now() - t0;
	q.by = by, q.nby = 1;
	t0 = now();
	if (mlc_store_daily_series(&daily, s, &q) != 0)
		die("daily");
	series = now() - t0;
	printf(
	    "%-9s records %zu batch %zu: ingest %.0f rec/s, re-ingest %.0f rec/s, scan %.0f rec/s,"
	    " daily by tag %.3f s (%zu series x %zu days)",
	    mlc_store_backend(s), d->n, batch, (double)d->n / first, (double)d->n / again,
	    (double)seen / scan, series, daily->nseries, daily->ndays);
	mlc_store_daily_free(daily);
	mlc_store_close(s);
	if (writers > 1)
		printf(", %d writers %.0f rec/s", writers, parallel(url, &o, d, writers));
	printf("\n");
}

int main(int argc, char **argv)
{
	size_t n = 200000, batch = 0;
	int writers = 1, opt;
	data d;
	while ((opt = getopt(argc, argv, "n:b:w:")) != -1) {
		if (opt == 'n')
			n = strtoull(optarg, NULL, 10);
		else if (opt == 'b')
			batch = strtoull(optarg, NULL, 10);
		else if (opt == 'w')
			writers = atoi(optarg);
		else
			return 2;
	}
	if (optind >= argc || n == 0) {
		fprintf(stderr, "usage: store_bench [-n RECORDS] [-b BATCH] [-w WRITERS] URL...\n");
		return 2;
	}
	make(&d, n, T_SEP2024);
	for (int i = optind; i < argc; i++)
		bench(argv[i], &d, batch ? batch : 1000, writers);
	free(d.r);
	free(d.text);
	free(d.values);
	return 0;
}
