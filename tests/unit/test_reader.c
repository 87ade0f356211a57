/* SPDX-License-Identifier: MIT */
/* Unit tests for the readers (io/reader.h): plain files by read(), by the
 * read-ahead thread and by mmap windows; stdin; byte ranges; gzip (ISA-L
 * and zlib, multi-member, padding, truncated, corrupt, bad CRC) and zstd
 * (multi-frame, skippable frames, truncated, corrupt), compressed here with
 * the zlib and zstd APIs and compared with the original bytes; the real
 * gzipped CUR sample, also fed block by block to the CSV scanner; format
 * sniffing against file names; closing while a pipe read blocks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "io/reader.h"
#include "mlcost/common.h"
#include "test_csv_helpers.h"

typedef struct bytes {
	unsigned char *p;
	size_t n, cap; /* cap 0: p holds exactly n bytes */
} bytes;

/* doubling capacity, so that building large inputs stays linear */
static void bytes_add(bytes *b, const void *p, size_t n)
{
	if (n > SIZE_MAX / 4)
		abort(); /* (tells gcc -O3 the size is sane) */
	if (b->n + n + 1 > b->cap) {
		b->cap = b->cap ? b->cap : 64;
		while (b->cap < b->n + n + 1)
			b->cap *= 2;
		b->p = realloc(b->p, b->cap);
		assert_non_null(b->p);
	}
	memcpy(b->p + b->n, p, n);
	b->n += n;
}

/* Text that compresses but is not trivial: numbered CSV-ish lines. */
static bytes make_text(size_t approx, unsigned seed)
{
	bytes b = {NULL, 0, 0};
	char line[128];
	for (unsigned i = 0; b.n < approx; i++) {
		int n = snprintf(line, sizeof(line), "%u,%u.%03u,\"svc %u\",model_%u\n", i,
		                 (i * seed) % 1000, (i * 7 + seed) % 1000, i % 17, (i * seed) % 5);
		if (n <= 0 || (size_t)n >= sizeof(line))
			abort(); /* (cmocka's asserts do not tell gcc that n is in range) */
		bytes_add(&b, line, (size_t)n);
	}
	return b;
}

static bytes gzip_member(const bytes *in)
{
	bytes out = {malloc(compressBound(in->n) + 64), 0, 0};
	z_stream z;
	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = in->p;
	z.avail_in = (uInt)in->n;
	z.next_out = out.p;
	z.avail_out = (uInt)(compressBound(in->n) + 64);
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	out.n = z.total_out;
	deflateEnd(&z);
	return out;
}

static bytes zstd_frame(const bytes *in)
{
	bytes out = {malloc(ZSTD_compressBound(in->n)), 0, 0};
	out.n = ZSTD_compress(out.p, ZSTD_compressBound(in->n), in->p, in->n, 3);
	assert_false(ZSTD_isError(out.n));
	return out;
}

/* Everything a reader yields, or NULL with *rc set on an error. */
static bytes drain(mlc_reader *r, int *rc)
{
	bytes b = {malloc(1), 0, 0};
	const char *p;
	size_t n;
	for (;;) {
		*rc = mlc_io__next(r, &p, &n);
		if (*rc || n == 0)
			break;
		bytes_add(&b, p, n);
	}
	return b;
}

static void expect_mem(const bytes *data, const char *name, const bytes *want, int zlib_only,
                       int thread)
{
	mlc_reader_options o = MLC_READER_OPTIONS_INIT;
	mlc_reader *r;
	bytes got;
	int rc;
	o.block_size = 4096;
	o.nblocks = 2;
	o.zlib_only = zlib_only;
	o.thread = thread;
	assert_int_equal(mlc_io__open_mem(&r, data->p, data->n, name, &o), 0);
	got = drain(r, &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(got.n, want->n);
	assert_memory_equal(got.p, want->p, want->n);
	assert_int_equal(mlc_io__input_pos(r), data->n);
	free(got.p);
	mlc_io__close(r);
}

/* Open data (as memory) and expect an error whose message starts with
 * the name and contains `what`. */
static void expect_mem_error(const bytes *data, const char *name, int zlib_only, int thread,
                             int code, const char *what)
{
	mlc_reader_options o = MLC_READER_OPTIONS_INIT;
	mlc_reader *r = NULL;
	bytes got = {NULL, 0, 0};
	int rc;
	o.block_size = 4096;
	o.zlib_only = zlib_only;
	o.thread = thread;
	rc = mlc_io__open_mem(&r, data->p, data->n, name, &o);
	if (rc == 0)
		got = drain(r, &rc);
	assert_int_equal(rc, code);
	assert_memory_equal(mlc_error_message(), name, strlen(name));
	if (!strstr(mlc_error_message(), what))
		fail_msg("message \"%s\" lacks \"%s\"", mlc_error_message(), what);
	free(got.p);
	mlc_io__close(r);
}

static char tmpdir[64];

static char *temp_file(const char *name, const bytes *content)
{
	static char path[256];
	FILE *f;
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(content->p, 1, content->n, f), content->n);
	fclose(f);
	return path;
}

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/mlc_test_reader_XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd);
}

static void plain_files_read_back_in_every_mode(void **state)
{
	bytes text = make_text(300000, 3), got;
	const char *path = temp_file("plain.csv", &text);
	(void)state;
	for (int mode = 0; mode < 3; mode++) {
		mlc_reader_options o = MLC_READER_OPTIONS_INIT;
		mlc_reader *r;
		int rc;
		o.block_size = 4096 * (size_t)(mode + 1);
		o.thread = mode == 1 ? MLC_IO_THREAD_ON : MLC_IO_THREAD_OFF;
		o.use_mmap = mode == 2;
		assert_int_equal(mlc_io__open(&r, path, &o), 0);
		assert_int_equal(mlc_io__format(r), MLC_IO_PLAIN);
		assert_int_equal(mlc_io__input_size(r), text.n);
		got = drain(r, &rc);
		assert_int_equal(rc, 0);
		assert_int_equal(got.n, text.n);
		assert_memory_equal(got.p, text.p, text.n);
		assert_int_equal(mlc_io__input_pos(r), text.n);
		free(got.p);
		mlc_io__close(r);
	}
	free(text.p);
}

static void ranges_read_a_slice(void **state)
{
	bytes text = make_text(20000, 5), got, gz;
	const char *path = temp_file("range.csv", &text);
	mlc_reader *r;
	int rc;
	(void)state;
	assert_int_equal(mlc_io__open_range(&r, path, 1000, 5000, NULL), 0);
	got = drain(r, &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(got.n, 5000);
	assert_memory_equal(got.p, text.p + 1000, 5000);
	free(got.p);
	mlc_io__close(r);
	/* a range past the end stops at the end */
	assert_int_equal(mlc_io__open_range(&r, path, text.n - 10, 1000, NULL), 0);
	got = drain(r, &rc);
	assert_int_equal(got.n, 10);
	free(got.p);
	mlc_io__close(r);
	gz = gzip_member(&text);
	path = temp_file("range.csv.gz", &gz);
	assert_int_equal(mlc_io__open_range(&r, path, 0, 100, NULL), MLC_EINVAL);
	free(gz.p);
	free(text.p);
}

static void stdin_is_a_dash(void **state)
{
	bytes text = make_text(50000, 9), gz = gzip_member(&text), got;
	const char *path = temp_file("stdin.gz", &gz);
	int saved = dup(0), fd = open(path, O_RDONLY), rc;
	mlc_reader *r;
	(void)state;
	assert_true(saved >= 0 && fd >= 0);
	dup2(fd, 0);
	close(fd);
	rc = mlc_io__open(&r, "-", NULL);
	dup2(saved, 0);
	close(saved);
	assert_int_equal(rc, 0);
	assert_string_equal(mlc_io__name(r), "<stdin>");
	assert_int_equal(mlc_io__format(r), MLC_IO_GZIP);
	got = drain(r, &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(got.n, text.n);
	assert_memory_equal(got.p, text.p, text.n);
	mlc_io__close(r);
	free(got.p);
	free(gz.p);
	free(text.p);
}

static void gzip_members_concatenate(void **state)
{
	bytes a = make_text(100000, 3), b = make_text(50000, 11), ga = gzip_member(&a),
	      gb = gzip_member(&b), all = {NULL, 0, 0}, data = {NULL, 0, 0};
	static const unsigned char zeros[16];
	(void)state;
	bytes_add(&all, a.p, a.n);
	bytes_add(&all, b.p, b.n);
	bytes_add(&data, ga.p, ga.n);
	bytes_add(&data, gb.p, gb.n);
	bytes_add(&data, zeros, sizeof(zeros)); /* padding after the last member */
	for (int zlib_only = 0; zlib_only < 2; zlib_only++)
		for (int thread = MLC_IO_THREAD_AUTO; thread <= MLC_IO_THREAD_ON; thread++)
			expect_mem(&data, "two.gz", &all, zlib_only, thread);
	free(a.p);
	free(b.p);
	free(ga.p);
	free(gb.p);
	free(all.p);
	free(data.p);
}

static void gzip_damage_is_reported_with_the_name(void **state)
{
	bytes text = make_text(200000, 7), gz = gzip_member(&text), cut, bad;
	(void)state;
	for (int zlib_only = 0; zlib_only < 2; zlib_only++) {
		int thread = zlib_only ? MLC_IO_THREAD_OFF : MLC_IO_THREAD_ON;
		/* truncated in the trailer, and in the middle of the data */
		cut = gz;
		cut.n = gz.n - 4;
		expect_mem_error(&cut, "cut.gz", zlib_only, thread, MLC_EPARSE, "truncated");
		cut.n = gz.n / 2;
		expect_mem_error(&cut, "cut.gz", zlib_only, thread, MLC_EPARSE, "truncated");
		/* a wrong CRC in the trailer (the 8 last bytes: CRC32, ISIZE) */
		bad.p = malloc(gz.n);
		bad.n = gz.n;
		bad.cap = 0;
		memcpy(bad.p, gz.p, gz.n);
		bad.p[gz.n - 8] ^= 0x55;
		expect_mem_error(&bad, "crc.gz", zlib_only, thread, MLC_EPARSE,
		                 "corrupt gzip data");
		/* garbage after the member */
		memcpy(bad.p, gz.p, gz.n);
		bytes_add(&bad, "junk", 4);
		expect_mem_error(&bad, "junk.gz", zlib_only, thread, MLC_EPARSE, "garbage");
		/* damage in the middle of the deflate data */
		memcpy(bad.p, gz.p, gz.n);
		bad.n = gz.n;
		for (size_t i = 20; i < 60; i++)
			bad.p[i] = (unsigned char)(bad.p[i] * 31 + 7);
		expect_mem_error(&bad, "mid.gz", zlib_only, thread, MLC_EPARSE,
		                 "corrupt gzip data");
		free(bad.p);
	}
	free(gz.p);
	free(text.p);
}

static void zstd_frames_concatenate(void **state)
{
	bytes a = make_text(120000, 2), b = make_text(3000, 13), za = zstd_frame(&a),
	      zb = zstd_frame(&b), all = {NULL, 0, 0}, data = {NULL, 0, 0};
	/* a skippable frame: magic 0x184D2A50, 4-byte size, payload */
	static const unsigned char skip[] = {0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 'x', 'y', 'z'};
	(void)state;
	bytes_add(&all, a.p, a.n);
	bytes_add(&all, b.p, b.n);
	bytes_add(&data, za.p, za.n);
	bytes_add(&data, skip, sizeof(skip));
	bytes_add(&data, zb.p, zb.n);
	expect_mem(&data, "two.zst", &all, 0, MLC_IO_THREAD_OFF);
	expect_mem(&data, "two.zst", &all, 0, MLC_IO_THREAD_ON);
	data.n -= 3;
	expect_mem_error(&data, "cut.zst", 0, MLC_IO_THREAD_ON, MLC_EPARSE, "truncated zstd data");
	data.n += 3;
	for (size_t i = 30; i < 90; i++)
		data.p[i] ^= 0xA5;
	expect_mem_error(&data, "bad.zst", 0, MLC_IO_THREAD_OFF, MLC_EPARSE, "corrupt zstd data");
	free(a.p);
	free(b.p);
	free(za.p);
	free(zb.p);
	free(all.p);
	free(data.p);
}

static void sniffs_formats_and_names(void **state)
{
	bytes text = make_text(1000, 1), xz = {NULL, 0, 0}, gz = gzip_member(&text);
	mlc_reader *r;
	(void)state;
	/* gzip found by its bytes whatever the name */
	assert_int_equal(mlc_io__open_mem(&r, gz.p, gz.n, "bill.csv", NULL), 0);
	assert_int_equal(mlc_io__format(r), MLC_IO_GZIP);
	mlc_io__close(r);
	/* a name that promises gzip or zstd must get it */
	expect_mem_error(&text, "bill.csv.gz", 0, 0, MLC_EPARSE, "not gzip data");
	expect_mem_error(&text, "bill.csv.zst", 0, 0, MLC_EPARSE, "not zstd data");
	bytes_add(&xz,
	          "\xfd"
	          "7zXZ\0rest",
	          10);
	expect_mem_error(&xz, "bill.csv.xz", 0, 0, MLC_EPARSE, "xz compressed data");
	/* empty input is plain and empty */
	assert_int_equal(mlc_io__open_mem(&r, "", 0, "empty.csv", NULL), 0);
	{
		int rc;
		bytes got = drain(r, &rc);
		assert_int_equal(rc, 0);
		assert_int_equal(got.n, 0);
		free(got.p);
	}
	mlc_io__close(r);
	assert_int_equal(mlc_io__open(&r, "/nonexistent/bill.csv", NULL), MLC_ENOTFOUND);
	assert_non_null(strstr(mlc_error_message(), "/nonexistent/bill.csv"));
	free(xz.p);
	free(gz.p);
	free(text.p);
}

static void real_gzipped_cur_sample_inflates_alike(void **state)
{
	const char *path = MLC_SOURCE_DIR "/../shared/data/koku/aws_cur_local_bucket-1.csv.gz";
	bytes got[2];
	unsigned char trailer[4];
	uint32_t isize;
	FILE *f = fopen(path, "rb");
	(void)state;
	if (!f)
		skip();
	/* ISIZE, the last 4 bytes of a gzip member: the length mod 2^32 */
	fseek(f, -4, SEEK_END);
	assert_int_equal(fread(trailer, 1, 4, f), 4);
	fclose(f);
	isize = (uint32_t)trailer[0] | (uint32_t)trailer[1] << 8 | (uint32_t)trailer[2] << 16 |
	        (uint32_t)trailer[3] << 24;
	for (int zlib_only = 0; zlib_only < 2; zlib_only++) {
		mlc_reader_options o = MLC_READER_OPTIONS_INIT;
		mlc_reader *r;
		int rc;
		o.zlib_only = zlib_only;
		assert_int_equal(mlc_io__open(&r, path, &o), 0);
		got[zlib_only] = drain(r, &rc);
		assert_int_equal(rc, 0);
		mlc_io__close(r);
	}
	assert_int_equal(got[0].n, isize);
	assert_int_equal(got[1].n, got[0].n);
	assert_memory_equal(got[0].p, got[1].p, got[0].n);
	assert_memory_equal(got[0].p, "identity/LineItemId,", 20);
	free(got[0].p);
	free(got[1].p);
}

/* The scanner fed straight from the read-ahead ring, 4 KiB blocks (records
 * cross block edges), against the reference parse of the whole text. */
static void gzipped_cur_scans_block_by_block(void **state)
{
	const char *path = MLC_SOURCE_DIR "/../shared/data/koku/aws_cur_local_bucket-1.csv.gz";
	mlc_reader_options o = MLC_READER_OPTIONS_INIT;
	mlc_reader *r;
	mlc_csv *s;
	mlc_csv_row row;
	out_text got;
	bytes text;
	char *ref;
	int rc;
	(void)state;
	if (access(path, R_OK) != 0)
		skip();
	o.zlib_only = 1;
	assert_int_equal(mlc_io__open(&r, path, &o), 0);
	text = drain(r, &rc);
	mlc_io__close(r);
	ref = reference_parse((const char *)text.p, text.n, ',');
	o.zlib_only = 0;
	o.block_size = 4096;
	o.thread = MLC_IO_THREAD_ON;
	assert_int_equal(mlc_io__open(&r, path, &o), 0);
	assert_int_equal(mlc_csv__new(&s, NULL), 0);
	out_init(&got);
	while ((rc = mlc_csv__next(s, &row)) != MLC_CSV_END) {
		const char *p;
		size_t n;
		assert_true(rc >= 0);
		if (rc == MLC_CSV_ROW) {
			render_row(&got, &row);
			continue;
		}
		assert_int_equal(mlc_io__next(r, &p, &n), 0);
		assert_int_equal(mlc_csv__feed(s, p, n, n == 0), 0);
	}
	assert_string_equal(got.p, ref);
	assert_memory_equal(ref, "1:[identity/LineItemId][", 24); /* not vacuous */
	free(got.p);
	free(ref);
	free(text.p);
	mlc_csv__free(s);
	mlc_io__close(r);
}

static void read_copies_in_small_pieces(void **state)
{
	bytes text = make_text(30000, 4), gz = gzip_member(&text), got = {NULL, 0, 0};
	mlc_reader *r;
	char buf[7];
	size_t n;
	(void)state;
	assert_int_equal(mlc_io__open_mem(&r, gz.p, gz.n, "small.gz", NULL), 0);
	do {
		assert_int_equal(mlc_io__read(r, buf, sizeof(buf), &n), 0);
		bytes_add(&got, buf, n);
	} while (n > 0);
	assert_int_equal(got.n, text.n);
	assert_memory_equal(got.p, text.p, text.n);
	mlc_io__close(r);
	free(got.p);
	free(gz.p);
	free(text.p);
}

static void closing_does_not_wait_for_an_endless_pipe(void **state)
{
	mlc_reader_options o = MLC_READER_OPTIONS_INIT;
	mlc_reader *r;
	const char *p;
	size_t n;
	int fds[2];
	(void)state;
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], "a,b\n1,2\n", 8), 8);
	o.block_size = 4096;
	o.thread = MLC_IO_THREAD_ON;
	assert_int_equal(mlc_io__open_fd(&r, fds[0], "<pipe>", &o), 0);
	/* the 8 bytes come out; the producer then blocks reading the pipe */
	assert_int_equal(mlc_io__next(r, &p, &n), 0);
	assert_int_equal(n, 8);
	mlc_io__close(r); /* returns although the writer never closes */
	close(fds[0]);
	close(fds[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(plain_files_read_back_in_every_mode),
	    cmocka_unit_test(ranges_read_a_slice),
	    cmocka_unit_test(stdin_is_a_dash),
	    cmocka_unit_test(gzip_members_concatenate),
	    cmocka_unit_test(gzip_damage_is_reported_with_the_name),
	    cmocka_unit_test(zstd_frames_concatenate),
	    cmocka_unit_test(sniffs_formats_and_names),
	    cmocka_unit_test(real_gzipped_cur_sample_inflates_alike),
	    cmocka_unit_test(gzipped_cur_scans_block_by_block),
	    cmocka_unit_test(read_copies_in_small_pieces),
	    cmocka_unit_test(closing_does_not_wait_for_an_endless_pipe),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
