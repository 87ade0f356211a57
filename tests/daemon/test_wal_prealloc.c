/* SPDX-License-Identifier: MIT */
/*
 * test_wal_prealloc.c - the log's zero-filled segments (wal_spare.c): a
 * spare is prepared ahead, the log rolls into it as soon as it is ready,
 * records written into it come back after a reopen with nothing counted
 * as cut (the zeros are the segment's unused end), writing goes on inside
 * it after a reopen, garbage after the records is still cut, and a
 * half-written or wrongly sized spare left by an earlier run is removed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "mlcost.h"
#include "engine.h"
#include "wal.h"

#define SEGMENT 4096 /* bytes; every record here is 16 + 8 = 24 ("record N", N < 10) */

#include "test_wal_helpers.h"

static mlcd_wal *open_log(const char *dir, int preallocate, seen *s, mlcd_wal_recovery *rep)
{
	mlcd_wal_options o;
	mlcd_wal *w = NULL;
	memset(&o, 0, sizeof(o));
	o.dir = dir, o.segment_bytes = SEGMENT, o.fsync = 1, o.preallocate = preallocate;
	memset(s, 0, sizeof(*s));
	if (mlcd_wal_open(&w, &o, see, s, rep) != 0)
		fail_msg("open: %s", mlcd_engine_error());
	return w;
}

static void wait_spare(mlcd_wal *w)
{
	mlcd_wal_stats st;
	for (int i = 0; i < 1000; i++) {
		mlcd_wal_get_stats(&st, w);
		assert_int_equal(st.spare_failed, 0);
		if (st.spare_ready)
			return;
		nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
	}
	fail_msg("no spare within 10 s");
}

static long size_of(const char *dir, const char *name)
{
	char path[200];
	struct stat st;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (stat(path, &st) != 0)
		return -1;
	return (long)st.st_size;
}

/* Records 1..3 with the log rolled into a spare after record 1: the spare is
 * wal-0000000000000002.log, 4096 bytes, records 2 and 3 at its start. */
static mlcd_wal *fill_a_spare(const char *dir, seen *s)
{
	mlcd_wal_stats st;
	mlcd_wal *w = open_log(dir, 1, s, NULL);
	wait_spare(w);
	append_n(w, 1); /* into the empty first segment: nothing to leave yet */
	append_n(w, 2); /* record 2 rolls into the spare */
	mlcd_wal_get_stats(&st, w);
	assert_int_equal(st.preallocated, 1);
	assert_int_equal(st.segments, 2);
	assert_int_equal(size_of(dir, "wal-0000000000000001.log"), 24);
	assert_int_equal(size_of(dir, "wal-0000000000000002.log"), SEGMENT);
	wait_spare(w); /* the next one is prepared at once */
	assert_int_equal(size_of(dir, "wal-spare.log"), SEGMENT);
	return w;
}

static void records_in_a_zeroed_segment_come_back_uncut(void **state)
{
	tdir *d = *state;
	seen *s = calloc(1, sizeof(*s));
	mlcd_wal_recovery rep;
	mlcd_wal *w = fill_a_spare(d->path, s);
	mlcd_wal_close(w);
	w = open_log(d->path, 1, s, &rep);
	assert_seqs(s, 1, 3);
	assert_int_equal(rep.cut_bytes, 0);
	assert_int_equal(rep.cut_segments, 0);
	/* writing goes on inside the file, after record 3: the file does not grow */
	append_n(w, 2);
	assert_int_equal(size_of(d->path, "wal-0000000000000002.log"), SEGMENT);
	mlcd_wal_close(w);
	w = open_log(d->path, 1, s, &rep);
	assert_seqs(s, 1, 5);
	assert_int_equal(rep.cut_bytes, 0);
	mlcd_wal_close(w);
	free(s);
}

static void garbage_after_the_records_is_still_cut(void **state)
{
	tdir *d = *state;
	seen *s = calloc(1, sizeof(*s));
	mlcd_wal_recovery rep;
	char path[200];
	unsigned char junk[10];
	int fd;
	mlcd_wal *w = fill_a_spare(d->path, s);
	mlcd_wal_close(w);
	/* a torn write after records 2 and 3 (2 x 24 bytes into the segment) */
	memset(junk, 0xab, sizeof(junk));
	snprintf(path, sizeof(path), "%s/wal-0000000000000002.log", d->path);
	assert_true((fd = open(path, O_WRONLY)) >= 0);
	assert_int_equal(pwrite(fd, junk, sizeof(junk), 48), (ssize_t)sizeof(junk));
	close(fd);
	w = open_log(d->path, 1, s, &rep);
	assert_seqs(s, 1, 3);
	assert_int_equal(rep.cut_segments, 1);
	assert_int_equal(rep.cut_bytes, SEGMENT - 48); /* the file is cut after record 3 */
	assert_int_equal(size_of(d->path, "wal-0000000000000002.log"), 48);
	append_n(w, 1);
	mlcd_wal_close(w);
	w = open_log(d->path, 1, s, &rep);
	assert_seqs(s, 1, 4);
	assert_int_equal(rep.cut_bytes, 0);
	mlcd_wal_close(w);
	free(s);
}

static void write_file(const char *dir, const char *name, size_t n)
{
	char path[200];
	FILE *f;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(f = fopen(path, "wb"));
	for (size_t i = 0; i < n; i++)
		fputc(0, f);
	fclose(f);
}

static void spares_left_by_earlier_runs(void **state)
{
	tdir *d = *state;
	seen *s = calloc(1, sizeof(*s));
	mlcd_wal *w = open_log(d->path, 0, s, NULL);
	mlcd_wal_close(w);
	/* half written: removed at open; wrong size (another wal_segment_bytes): replaced */
	write_file(d->path, "wal-spare.tmp", 100);
	write_file(d->path, "wal-spare.log", 100);
	w = open_log(d->path, 1, s, NULL);
	wait_spare(w);
	assert_int_equal(size_of(d->path, "wal-spare.log"), SEGMENT);
	mlcd_wal_close(w);
	assert_int_equal(size_of(d->path, "wal-spare.tmp"), -1);
	/* without preallocation the spare is removed: its disk space back */
	w = open_log(d->path, 0, s, NULL);
	assert_int_equal(size_of(d->path, "wal-spare.log"), -1);
	mlcd_wal_close(w);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(records_in_a_zeroed_segment_come_back_uncut, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(garbage_after_the_records_is_still_cut, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(spares_left_by_earlier_runs, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
