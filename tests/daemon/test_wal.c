/* SPDX-License-Identifier: MIT */
/*
 * test_wal.c - the write-ahead log: records come back as written and in
 * order after a reopen; a torn last record (the file cut at every byte of
 * it) and a corrupted one are cut off and everything before is kept;
 * segments roll, are read across and trimmed; appends from several
 * threads are all durable and numbered without gaps; a second server
 * cannot open the same log; the scan refuses bad lengths and order.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mlcost.h"
#include "engine.h"
#include "wal.h"

#include "test_wal_helpers.h"

static mlcd_wal *open_log(const char *dir, uint64_t segment, seen *s, mlcd_wal_recovery *rep)
{
	mlcd_wal_options o;
	mlcd_wal *w = NULL;
	memset(&o, 0, sizeof(o));
	o.dir = dir, o.segment_bytes = segment, o.fsync = 1;
	if (s)
		memset(s, 0, sizeof(*s));
	if (mlcd_wal_open(&w, &o, see, s, rep) != 0)
		fail_msg("open: %s", mlcd_engine_error());
	return w;
}

/* The path of the only (or first) segment of dir. */
static void first_segment(char *out, size_t cap, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char best[300] = "";
	assert_non_null(d);
	while ((de = readdir(d)))
		if (strncmp(de->d_name, "wal-", 4) == 0 && (!*best || strcmp(de->d_name, best) < 0))
			snprintf(best, sizeof(best), "%.255s", de->d_name);
	closedir(d);
	assert_true(*best);
	snprintf(out, cap, "%s/%s", dir, best);
}

static long file_size(const char *path)
{
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	return (long)st.st_size;
}

static void records_come_back_after_reopen(void **state)
{
	tdir *d = *state;
	seen *s = calloc(1, sizeof(*s));
	mlcd_wal_recovery rep;
	mlcd_wal *w = open_log(d->path, 0, s, &rep);
	assert_int_equal(rep.records, 0);
	assert_int_equal(mlcd_wal_last_seq(w), 0);
	append_n(w, 100);
	mlcd_wal_close(w);
	w = open_log(d->path, 0, s, &rep);
	assert_seqs(s, 1, 100);
	assert_int_equal(rep.last_seq, 100);
	assert_int_equal(rep.cut_bytes, 0);
	append_n(w, 1); /* numbering goes on */
	assert_int_equal(mlcd_wal_last_seq(w), 101);
	mlcd_wal_close(w);
	w = open_log(d->path, 0, s, NULL);
	assert_seqs(s, 1, 101);
	mlcd_wal_close(w);
	free(s);
}

static void write_prefix(const char *path, const unsigned char *bytes, long n)
{
	int fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, bytes, (size_t)n), n);
	close(fd);
}

static void a_torn_last_record_is_cut_at_every_byte(void **state)
{
	tdir *d = *state;
	seen *s = calloc(1, sizeof(*s));
	mlcd_wal_recovery rep;
	char seg[400];
	unsigned char bytes[4096];
	long size, last_start;
	FILE *f;
	mlcd_wal *w = open_log(d->path, 0, s, NULL);
	append_n(w, 5);
	mlcd_wal_close(w);
	first_segment(seg, sizeof(seg), d->path);
	size = file_size(seg);
	/* five records "record N": 16 header bytes + 8 payload bytes each */
	assert_int_equal(size, 5 * (16 + 8));
	last_start = 4 * (16 + 8);
	f = fopen(seg, "rb");
	assert_int_equal(fread(bytes, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	for (long cut = last_start; cut < size; cut++) {
		write_prefix(seg, bytes, cut);
		w = open_log(d->path, 0, s, &rep);
		assert_seqs(s, 1, 4);
		assert_int_equal(rep.cut_bytes, (uint64_t)(cut - last_start));
		assert_int_equal(rep.cut_segments, cut > last_start);
		mlcd_wal_close(w);
		assert_int_equal(file_size(seg), last_start); /* truncated there */
	}
	/* the whole file again: five */
	write_prefix(seg, bytes, size);
	w = open_log(d->path, 0, s, NULL);
	assert_seqs(s, 1, 5);
	mlcd_wal_close(w);
	free(s);
}

static void a_corrupted_record_cuts_the_rest(void **state)
{
	tdir *d = *state;
	seen *s = calloc(1, sizeof(*s));
	mlcd_wal_recovery rep;
	char seg[400];
	unsigned char c;
	int fd;
	mlcd_wal *w = open_log(d->path, 0, s, NULL);
	append_n(w, 5);
	mlcd_wal_close(w);
	first_segment(seg, sizeof(seg), d->path);
	/* a payload byte of record 3 (offset 2 records + header + 3) */
	fd = open(seg, O_RDWR);
	assert_int_equal(pread(fd, &c, 1, 2 * 24 + 16 + 3), 1);
	c ^= 0x20;
	assert_int_equal(pwrite(fd, &c, 1, 2 * 24 + 16 + 3), 1);
	close(fd);
	w = open_log(d->path, 0, s, &rep);
	assert_seqs(s, 1, 2);
	assert_int_equal(rep.cut_bytes, 3 * 24);
	assert_int_equal(rep.cut_segments, 1);
	append_n(w, 1);
	assert_int_equal(mlcd_wal_last_seq(w), 3); /* numbering resumes after the last good */
	mlcd_wal_close(w);
	free(s);
}

static int count_segments(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;
	while ((de = readdir(d)))
		n += strncmp(de->d_name, "wal-", 4) == 0;
	closedir(d);
	return n;
}

static void segments_roll_read_and_trim(void **state)
{
	tdir *d = *state;
	seen *s = calloc(1, sizeof(*s));
	mlcd_wal_stats st;
	uint64_t last = 0;
	/* 24 or 25 bytes a record, a segment rolls past 100 bytes: 4 records each */
	mlcd_wal *w = open_log(d->path, 100, s, NULL);
	append_n(w, 50);
	mlcd_wal_get_stats(&st, w);
	assert_true(st.segments >= 12);
	assert_int_equal(count_segments(d->path), (int)st.segments);
	assert_int_equal(st.durable_seq, 50);
	/* read across segments, from the middle, at most 10 */
	memset(s, 0, sizeof(*s));
	assert_int_equal(mlcd_wal_read(&last, w, 25, 10, see, s), 0);
	assert_seqs(s, 26, 10);
	assert_int_equal(last, 35);
	memset(s, 0, sizeof(*s));
	assert_int_equal(mlcd_wal_read(&last, w, 35, 0, see, s), 0);
	assert_seqs(s, 36, 15);
	assert_int_equal(last, 50);
	memset(s, 0, sizeof(*s));
	assert_int_equal(mlcd_wal_read(&last, w, 50, 0, see, s), 0);
	assert_int_equal(s->n, 0);
	assert_int_equal(last, 50);
	/* trim: segments wholly at or below 20 go; reading from 20 still works */
	assert_int_equal(mlcd_wal_trim(w, 20), 0);
	mlcd_wal_get_stats(&st, w);
	assert_int_equal(count_segments(d->path), (int)st.segments);
	memset(s, 0, sizeof(*s));
	assert_int_equal(mlcd_wal_read(&last, w, 20, 0, see, s), 0);
	assert_seqs(s, 21, 30);
	/* everything: only the segment being written stays */
	assert_int_equal(mlcd_wal_trim(w, 50), 0);
	assert_int_equal(count_segments(d->path), 1);
	mlcd_wal_close(w);
	w = open_log(d->path, 100, s, NULL);
	assert_true(s->n <= 4);
	if (s->n)
		assert_int_equal(s->seq[s->n - 1], 50);
	mlcd_wal_close(w);
	free(s);
}

typedef struct writer_arg {
	mlcd_wal *w;
	int calls;
} writer_arg;

static void *writer(void *arg)
{
	writer_arg *a = arg;
	for (int i = 0; i < a->calls; i++) {
		static const char payload[] = "xxxxxxxxxxxxxxxxxxxx";
		const unsigned char *p[5];
		uint32_t len[5];
		uint64_t last = 0;
		for (int k = 0; k < 5; k++)
			p[k] = (const unsigned char *)payload, len[k] = (uint32_t)(5 + k);
		if (mlcd_wal_append(&last, a->w, p, len, 5) != 0 || mlcd_wal_wait(a->w, last) != 0)
			return (void *)1;
	}
	return NULL;
}

static int count_only(uint64_t seq, const unsigned char *p, size_t len, void *ctx)
{
	uint64_t *c = ctx;
	(void)p, (void)len;
	assert_int_equal(seq, *c + 1); /* no gaps, in order */
	++*c;
	return 0;
}

static void concurrent_appends_are_all_durable(void **state)
{
	tdir *d = *state;
	enum { THREADS = 8, CALLS = 100 };
	pthread_t t[THREADS];
	writer_arg a = {NULL, CALLS};
	mlcd_wal_options o;
	mlcd_wal_stats st;
	uint64_t count = 0;
	memset(&o, 0, sizeof(o));
	o.dir = d->path, o.fsync = 1, o.segment_bytes = 4096;
	assert_int_equal(mlcd_wal_open(&a.w, &o, NULL, NULL, NULL), 0);
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, writer, &a), 0);
	for (int i = 0; i < THREADS; i++) {
		void *r;
		pthread_join(t[i], &r);
		assert_null(r);
	}
	mlcd_wal_get_stats(&st, a.w);
	assert_int_equal(st.durable_seq, THREADS * CALLS * 5);
	/* a sync covers every call waiting at the time: never more syncs than calls */
	assert_true(st.syncs <= THREADS * CALLS);
	mlcd_wal_close(a.w);
	assert_int_equal(mlcd_wal_open(&a.w, &o, count_only, &count, NULL), 0);
	assert_int_equal(count, THREADS * CALLS * 5);
	mlcd_wal_close(a.w);
}

static void one_log_one_server(void **state)
{
	tdir *d = *state;
	mlcd_wal *w = open_log(d->path, 0, NULL, NULL), *w2 = NULL;
	mlcd_wal_options o;
	memset(&o, 0, sizeof(o));
	o.dir = d->path;
	assert_int_equal(mlcd_wal_open(&w2, &o, NULL, NULL, NULL), MLC_EIO);
	assert_null(w2);
	assert_non_null(strstr(mlcd_engine_error(), "in use"));
	mlcd_wal_close(w);
	assert_int_equal(mlcd_wal_open(&w2, &o, NULL, NULL, NULL), 0);
	mlcd_wal_close(w2);
}

/* A record with seq and payload, CRC computed, at out. */
static size_t make_record(unsigned char *out, uint32_t len_field, uint64_t seq, const char *payload)
{
	size_t n = strlen(payload);
	uint32_t crc;
	for (int i = 0; i < 4; i++)
		out[i] = (unsigned char)(len_field >> (8 * i));
	for (int i = 0; i < 8; i++)
		out[8 + i] = (unsigned char)(seq >> (8 * i));
	memcpy(out + 16, payload, n);
	crc = mlcd_crc32c(0, out + 8, 8 + n);
	for (int i = 0; i < 4; i++)
		out[4 + i] = (unsigned char)(crc >> (8 * i));
	return 16 + n;
}

static void the_scan_refuses_bad_records(void **state)
{
	unsigned char buf[256];
	size_t n = 0, good = 0;
	uint64_t last = 0;
	int incomplete = 0;
	(void)state;
	/* CRC-32C check value of "123456789" (RFC 3720) */
	assert_int_equal(mlcd_crc32c(0, "123456789", 9), 0xE3069283u);
	n += make_record(buf + n, 3, 7, "abc");
	n += make_record(buf + n, 3, 9, "def");
	n += make_record(buf + n, 3, 9, "ghi"); /* seq not increasing */
	assert_int_equal(mlcd_wal_scan(&good, &last, &incomplete, buf, n, 0, NULL, NULL), 0);
	assert_int_equal(good, 38);
	assert_int_equal(last, 9);
	assert_int_equal(incomplete, 0);
	/* the floor applies to the first record */
	assert_int_equal(mlcd_wal_scan(&good, &last, &incomplete, buf, n, 7, NULL, NULL), 0);
	assert_int_equal(good, 0);
	assert_int_equal(last, 7);
	/* a length past the maximum is bad, not incomplete */
	n = make_record(buf, MLCD_WAL_MAX_RECORD + 1, 1, "abc");
	assert_int_equal(mlcd_wal_scan(&good, &last, &incomplete, buf, n, 0, NULL, NULL), 0);
	assert_int_equal(good, 0);
	assert_int_equal(incomplete, 0);
	/* a length past the end is incomplete */
	n = make_record(buf, 200, 1, "abc");
	assert_int_equal(mlcd_wal_scan(&good, &last, &incomplete, buf, n, 0, NULL, NULL), 0);
	assert_int_equal(good, 0);
	assert_int_equal(incomplete, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(records_come_back_after_reopen, setup, teardown),
	    cmocka_unit_test_setup_teardown(a_torn_last_record_is_cut_at_every_byte, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(a_corrupted_record_cuts_the_rest, setup, teardown),
	    cmocka_unit_test_setup_teardown(segments_roll_read_and_trim, setup, teardown),
	    cmocka_unit_test_setup_teardown(concurrent_appends_are_all_durable, setup, teardown),
	    cmocka_unit_test_setup_teardown(one_log_one_server, setup, teardown),
	    cmocka_unit_test(the_scan_refuses_bad_records),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
