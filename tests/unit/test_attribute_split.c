/* SPDX-License-Identifier: MIT */
/*
 * test_attribute_split.c - reading one file in parallel chunks gives the
 * result of reading it alone, byte for byte: the same groups and exact
 * sums, the same first error with the same line, the same skipped rows.
 * The files are full of what breaks naive splitting (quoted newlines,
 * quoted commas, doubled quotes, a field longer than a chunk, empty LF and
 * CRLF lines), and the chunk size is lowered to a few KiB so that a 200 KB
 * file is cut in up to 17 parts, many of them at a guess that falls inside
 * quotes and must be refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "bills_internal.h"
#include "test_attribute_util.h"

static uint64_t rng = 88172645463325252ull;

static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

typedef struct gen {
	FILE *f;
	unsigned line; /* the line the next record starts on */
	unsigned bad_lines[8];
	unsigned nbad;
} gen;

static void put(gen *g, const char *s)
{
	for (const char *p = s; *p; p++)
		g->line += *p == '\n';
	fputs(s, g->f);
}

static void service(gen *g, char *out, size_t n)
{
	static const char *const plain[] = {"Amazon EC2", "Amazon S3", "Tax", "AWS Lambda"};
	switch (rnd(6)) {
	case 0: /* quoted newlines and a doubled quote */
		snprintf(out, n, "\"multi\nline \"\"%u\"\"\r\nservice\"", rnd(3));
		break;
	case 1:
		snprintf(out, n, "\"Acme, Inc. %u\"", rnd(2));
		break;
	default:
		snprintf(out, n, "%s", plain[rnd(4)]);
	}
}

/* One data row; with bad, its EffectiveCost is not a number. */
static void row(gen *g, int bad, int long_field)
{
	char svc[128], buf[512];
	if (bad && g->nbad < 8)
		g->bad_lines[g->nbad++] = g->line;
	service(g, svc, sizeof(svc));
	snprintf(buf, sizeof(buf),
	         "%u.%06u,%s%u.%012u,2024-09-%02uT%02u:00:00Z,%s,"
	         "\"{\"\"model_id\"\":\"\"m%u\"\",\"\"note\"\":\"\"a\nb\"\"}\"",
	         rnd(1000), rnd(1000000), bad ? "x" : "", rnd(100),
	         rnd(1000000000) * 1000u + rnd(1000), 1 + rnd(28), rnd(24), svc, rnd(5));
	put(g, buf);
	if (long_field) { /* a quoted field of ~20 KB full of newlines, longer than a chunk */
		put(g, ",\"");
		for (int i = 0; i < 2000; i++)
			put(g, i % 3 ? "abcdefghi," : "abcdefgh\n");
		put(g, "\"");
	} else {
		put(g, ",x");
	}
	put(g, rnd(2) ? "\n" : "\r\n");
	if (!rnd(40))
		put(g, rnd(2) ? "\n" : "\r\n"); /* an empty line */
}

/* Write a bill of n rows to a temporary file; bad rows at the given indexes. */
static char *make_bill(gen *g, unsigned n, const unsigned *bad, size_t nbad)
{
	static char path[64];
	int fd;
	strcpy(path, "/tmp/mlc_split_XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	g->f = fdopen(fd, "w");
	g->line = 1;
	g->nbad = 0;
	put(g, "BilledCost,EffectiveCost,ChargePeriodStart,ServiceName,Tags,Note\n");
	for (unsigned i = 0; i < n; i++) {
		int is_bad = 0;
		for (size_t k = 0; k < nbad; k++)
			is_bad |= bad[k] == i;
		row(g, is_bad, i == n / 3 || i == n / 3 + 1);
	}
	fclose(g->f);
	return path;
}

typedef struct outcome {
	int rc;
	char *text; /* CSV of the result, or the error message */
	unsigned chunks;
	uint64_t skipped;
} outcome;

static outcome run_with(const char *path, unsigned threads, int lenient, const char *bucket)
{
	topts t;
	mlc_bills_result *r = NULL;
	outcome o = {0, NULL, 0, 0};
	topts_init(&t, "ServiceName,tag:model_id", "billed,effective", bucket);
	t.o.threads = threads;
	t.o.lenient = lenient;
	o.rc = mlc_bills_aggregate(&r, &path, 1, &t.o);
	if (o.rc != 0) {
		o.text = strdup(mlc_error_message());
		return o;
	}
	o.text = trender(r, MLC_BILLS_CSV);
	o.chunks = r->files[0].chunks;
	o.skipped = r->rows_skipped;
	if (lenient) { /* the kept messages are part of the result */
		size_t len = strlen(o.text);
		for (size_t i = 0; i < r->nerrors; i++) {
			o.text = realloc(o.text, len + strlen(r->errors[i]) + 2);
			len += (size_t)sprintf(o.text + len, "%s\n", r->errors[i]);
		}
	}
	mlc_bills_result_free(r);
	return o;
}

/* Every thread count gives what one thread gives; returns the most chunks seen. */
static unsigned same_for_all_threads(const char *path, int lenient, const char *bucket)
{
	static const unsigned threads[] = {2, 3, 5, 8, 17};
	outcome one = run_with(path, 1, lenient, bucket);
	unsigned most = 1;
	assert_int_equal(one.chunks == 0 || one.chunks == 1, 1);
	for (size_t i = 0; i < sizeof(threads) / sizeof(threads[0]); i++) {
		outcome par = run_with(path, threads[i], lenient, bucket);
		assert_int_equal(par.rc, one.rc);
		if (strcmp(par.text, one.text) != 0)
			fail_msg("threads=%u differs:\n%s\n--- vs one thread ---\n%s", threads[i],
			         par.text, one.text);
		assert_true(par.skipped == one.skipped);
		if (par.chunks > most)
			most = par.chunks;
		free(par.text);
	}
	free(one.text);
	return most;
}

static void parallel_equals_sequential(void **state)
{
	gen g;
	char *path;
	(void)state;
	mlc_bills__min_chunk = 4096;
	for (int round = 0; round < 4; round++) {
		path = make_bill(&g, 600 + 300 * (unsigned)round, NULL, 0);
		/* the file is cut in several verified parts */
		assert_true(same_for_all_threads(path, 0, round % 2 ? "day" : NULL) > 2);
		unlink(path);
	}
}

static void first_error_and_its_line_are_the_same(void **state)
{
	gen g;
	char *path, want[128];
	static const unsigned bad[] = {700};
	outcome o;
	(void)state;
	mlc_bills__min_chunk = 4096;
	path = make_bill(&g, 900, bad, 1);
	/* the error names the line the generator counted, whatever the threads */
	snprintf(want, sizeof(want), "%s:%u: column 'EffectiveCost': not a number", path,
	         g.bad_lines[0]);
	o = run_with(path, 8, 0, NULL);
	assert_int_equal(o.rc, MLC_EPARSE);
	assert_true(strncmp(o.text, want, strlen(want)) == 0);
	free(o.text);
	same_for_all_threads(path, 0, NULL);
	unlink(path);
}

static void lenient_reports_the_same_rows(void **state)
{
	gen g;
	char *path, want[128];
	static const unsigned bad[] = {5, 260, 261, 500, 777, 778, 900};
	outcome o;
	(void)state;
	mlc_bills__min_chunk = 4096;
	path = make_bill(&g, 1000, bad, 7);
	o = run_with(path, 5, 1, NULL);
	assert_int_equal(o.rc, 0);
	assert_int_equal(o.skipped, 7);
	/* the first five kept, with their lines */
	for (unsigned i = 0; i < 5; i++) {
		snprintf(want, sizeof(want), "%s:%u: column 'EffectiveCost'", path, g.bad_lines[i]);
		assert_non_null(strstr(o.text, want));
	}
	snprintf(want, sizeof(want), "%s:%u:", path, g.bad_lines[5]);
	assert_null(strstr(o.text, want));
	free(o.text);
	same_for_all_threads(path, 1, "month");
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(parallel_equals_sequential),
	    cmocka_unit_test(first_error_and_its_line_are_the_same),
	    cmocka_unit_test(lenient_reports_the_same_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
