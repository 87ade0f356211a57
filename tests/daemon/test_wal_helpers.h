/* SPDX-License-Identifier: MIT */
/*
 * test_wal_helpers.h - what the log's tests share: a scratch directory per
 * test, a record callback that checks each payload is "record <seq>", and
 * appending such records one by one until each is durable. Static
 * functions: included by one test file each.
 */
#ifndef MLCD_TEST_WAL_HELPERS_H
#define MLCD_TEST_WAL_HELPERS_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wal.h"

typedef struct tdir {
	char path[64];
} tdir;

static int setup(void **state)
{
	tdir *d = calloc(1, sizeof(*d));
	snprintf(d->path, sizeof(d->path), "/tmp/mlc_wal_XXXXXX");
	assert_non_null(mkdtemp(d->path));
	*state = d;
	return 0;
}

static int teardown(void **state)
{
	tdir *d = *state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", d->path);
	assert_int_equal(system(cmd), 0);
	free(d);
	return 0;
}

/* What recovery or a read passed on: seqs and payload checks. */
typedef struct seen {
	uint64_t seq[10000];
	size_t n;
	int bad_payload;
} seen;

static int see(uint64_t seq, const unsigned char *p, size_t len, void *ctx)
{
	seen *s = ctx;
	char want[64];
	int n = snprintf(want, sizeof(want), "record %llu", (unsigned long long)seq);
	if (len != (size_t)n || memcmp(p, want, len) != 0)
		s->bad_payload++;
	if (s->n < 10000)
		s->seq[s->n] = seq;
	s->n++;
	return 0;
}

/* Append records "record <seq>" one call each (their seq is known: next). */
static void append_n(mlcd_wal *w, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char text[64];
		const unsigned char *p[1] = {(const unsigned char *)text};
		uint32_t len[1];
		uint64_t last = 0;
		len[0] = (uint32_t)snprintf(text, sizeof(text), "record %llu",
		                            (unsigned long long)mlcd_wal_last_seq(w) + 1);
		assert_int_equal(mlcd_wal_append(&last, w, p, len, 1), 0);
		assert_int_equal(mlcd_wal_wait(w, last), 0);
	}
}

static void assert_seqs(const seen *s, uint64_t first, size_t n)
{
	assert_int_equal(s->n, n);
	assert_int_equal(s->bad_payload, 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(s->seq[i], first + i);
}

#endif
