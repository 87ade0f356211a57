/* SPDX-License-Identifier: MIT */
/* Unit tests for the CSV scanner across buffer edges and SIMD kernels:
 * every split point (and every pair of split points) of a tricky input
 * gives the same rows; random valid CSV agrees with an independent
 * byte-at-a-time reference parser under every kernel and random feeding;
 * random invalid input gives the same rows and error whatever the kernel
 * and the feeding; the sample bills in ../shared/data agree with the
 * reference; the boundary helpers for parallel callers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <sys/stat.h>

#include "mlcost/common.h"
#include "test_csv_helpers.h"

/* BOM, CRLF, quoted delimiter, doubled quotes, quoted CRLF, blank line,
 * empty quoted field, a field that is one quote, no final line end */
static const char tricky[] = "\xEF\xBB\xBF"
			     "id,name,note\r\n"
			     "1,\"a,b\",\"he said \"\"hi\"\"\"\r\n"
			     "2,,\"multi\r\nline\"\r\n"
			     "\r\n"
			     "3,\"\",x\n"
			     "\"4\",\"\"\"\",end";
/* lines: 1 header, 2 record one, 3-4 record two, 5 blank, 6, 7 */
static const char tricky_rows[] = "1:[id][name][note]\n"
				  "2:[1][a,b][he said \"hi\"]\n"
				  "3:[2][][multi\r\nline]\n"
				  "6:[3][][x]\n"
				  "7:[4][\"][end]\n";

static uint64_t rng_state;
static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void reference_agrees_with_the_hand_written_rows(void **state)
{
	char *ref = reference_parse(tricky, sizeof(tricky) - 1, ',');
	(void)state;
	assert_string_equal(ref, tricky_rows);
	free(ref);
}

static void every_split_point_gives_the_same_rows(void **state)
{
	size_t n = sizeof(tricky) - 1;
	(void)state;
	for (size_t i = 0; i <= n; i++) {
		size_t cuts[1] = {i};
		char *got = scan_pieces(tricky, n, cuts, 1, NULL);
		if (strcmp(got, tricky_rows) != 0)
			fail_msg("split at %zu:\n%s", i, got);
		free(got);
	}
}

static void every_pair_of_split_points_gives_the_same_rows(void **state)
{
	size_t n = sizeof(tricky) - 1;
	(void)state;
	for (size_t i = 0; i <= n; i++)
		for (size_t j = i; j <= n; j++) {
			size_t cuts[2] = {i, j};
			char *got = scan_pieces(tricky, n, cuts, 2, NULL);
			if (strcmp(got, tricky_rows) != 0)
				fail_msg("split at %zu and %zu:\n%s", i, j, got);
			free(got);
		}
}

static void one_byte_at_a_time_gives_the_same_rows(void **state)
{
	size_t n = sizeof(tricky) - 1, cuts[sizeof(tricky)];
	char *got;
	(void)state;
	for (size_t i = 0; i < n; i++)
		cuts[i] = i + 1;
	got = scan_pieces(tricky, n, cuts, n, NULL);
	assert_string_equal(got, tricky_rows);
	free(got);
}

/* Random valid CSV: fields from an alphabet heavy in special bytes,
 * quoted when they must be (and sometimes when they need not be). */
static size_t gen_valid(char *out, size_t cap, int records)
{
	static const char alphabet[] = "ab,\"\n\r x\xC3\xA9";
	size_t n = 0;
	for (int r = 0; r < records && n + 600 < cap; r++) {
		int nf = 1 + (int)(rnd() % 6);
		for (int f = 0; f < nf; f++) {
			char field[200];
			size_t len = rnd() % 8 == 0 ? rnd() % 150 : rnd() % 12, k;
			int quote = rnd() % 4 == 0 || (nf == 1 && len == 0);
			for (k = 0; k < len; k++) {
				field[k] = alphabet[rnd() % (sizeof(alphabet) - 1)];
				if (strchr(",\"\n\r", field[k]))
					quote = 1;
			}
			if (f)
				out[n++] = ',';
			if (quote)
				out[n++] = '"';
			for (k = 0; k < len; k++) {
				out[n++] = field[k];
				if (quote && field[k] == '"')
					out[n++] = '"';
			}
			if (quote)
				out[n++] = '"';
		}
		if (rnd() % 3 == 0)
			out[n++] = '\r';
		out[n++] = '\n';
		if (rnd() % 10 == 0)
			out[n++] = '\n'; /* a blank line */
	}
	if (rnd() % 2 && n > 0)
		n--; /* sometimes no final line end */
	return n;
}

/* Cut points: random sizes 1..max */
static size_t random_cuts(size_t *cuts, size_t cap, size_t n, size_t max)
{
	size_t k = 0, pos = 0;
	while (k < cap) {
		pos += 1 + rnd() % max;
		if (pos >= n)
			break;
		cuts[k++] = pos;
	}
	return k;
}

static void random_valid_csv_matches_the_reference(void **state)
{
	static char in[200000];
	static size_t cuts[200000];
	static const int isas[] = {MLC_CSV_ISA_PORTABLE, MLC_CSV_ISA_SSE2, MLC_CSV_ISA_AVX2};
	(void)state;
	rng_state = 0x9E3779B97F4A7C15ULL;
	for (int round = 0; round < 60; round++) {
		size_t n = gen_valid(in, sizeof(in), 1 + (int)(rnd() % 400));
		char *ref = reference_parse(in, n, ',');
		for (size_t i = 0; i < 3; i++) {
			mlc_csv_options o = MLC_CSV_OPTIONS_INIT;
			scan_cfg cfg = {&o, NULL, NULL, 0};
			size_t nc = random_cuts(cuts, 200000, n, round % 2 ? 7 : 3000);
			char *whole, *pieces;
			o.isa = isas[i];
			whole = scan_whole(in, n, &cfg);
			pieces = scan_pieces(in, n, cuts, nc, &cfg);
			if (strcmp(whole, ref) != 0 || strcmp(pieces, ref) != 0) {
				FILE *f = fopen("/tmp/csv_split_fail.csv", "wb");
				if (f) {
					fwrite(in, 1, n, f);
					fclose(f);
				}
				fail_msg("round %d isa %s differs (input in /tmp/csv_split_fail.csv)",
					 round, mlc_csv__isa_name(isas[i]));
			}
			free(whole);
			free(pieces);
		}
		free(ref);
	}
}

static void random_invalid_input_fails_the_same_way_everywhere(void **state)
{
	static const char alphabet[] = "a,\"\n\r";
	static const int isas[] = {MLC_CSV_ISA_PORTABLE, MLC_CSV_ISA_SSE2, MLC_CSV_ISA_AVX2};
	char in[300];
	size_t cuts[300];
	int errors = 0;
	(void)state;
	rng_state = 12345;
	for (int round = 0; round < 3000; round++) {
		size_t n = rnd() % sizeof(in), nc;
		char *first = NULL;
		for (size_t k = 0; k < n; k++)
			in[k] = alphabet[rnd() % 5];
		nc = random_cuts(cuts, 300, n, 1 + rnd() % 80);
		for (size_t i = 0; i < 3; i++) {
			mlc_csv_options o = MLC_CSV_OPTIONS_INIT;
			scan_cfg cfg = {&o, NULL, NULL, 0};
			char *a, *b;
			o.isa = isas[i];
			a = scan_whole(in, n, &cfg);
			b = scan_pieces(in, n, cuts, nc, &cfg);
			if (strcmp(a, b) != 0 || (first && strcmp(a, first) != 0))
				fail_msg("round %d isa %s: whole\n%s\npieces\n%s", round,
					 mlc_csv__isa_name(isas[i]), a, b);
			free(b);
			if (!first)
				first = a;
			else
				free(a);
		}
		errors += strstr(first, "\nE-") != NULL || strncmp(first, "E-", 2) == 0;
		free(first);
	}
	assert_true(errors > 100); /* the inputs really were malformed often */
}

/* Quoting that meets the 64-byte block edges. */
static void block_edges_are_seamless(void **state)
{
	static const int isas[] = {MLC_CSV_ISA_PORTABLE, MLC_CSV_ISA_SSE2, MLC_CSV_ISA_AVX2};
	static const char *pieces[] = {"\"\"\"\"\n", "\"a\"\r\n", "\"\",", "\"x\ny\"\n", "a,b\r\n"};
	char in[400];
	(void)state;
	for (size_t p = 0; p < 5; p++)
		for (size_t pad = 50; pad < 80; pad++) {
			size_t n = 0;
			char *ref;
			memset(in, 'z', pad);
			n = pad;
			in[n++] = '\n';
			memcpy(in + n, pieces[p], strlen(pieces[p]));
			n += strlen(pieces[p]);
			memcpy(in + n, "tail\n", 5);
			n += 5;
			ref = reference_parse(in, n, ',');
			for (size_t i = 0; i < 3; i++) {
				mlc_csv_options o = MLC_CSV_OPTIONS_INIT;
				scan_cfg cfg = {&o, NULL, NULL, 0};
				char *got;
				o.isa = isas[i];
				got = scan_whole(in, n, &cfg);
				if (strcmp(got, ref) != 0)
					fail_msg("piece %zu pad %zu isa %s:\n%s\nwant\n%s", p, pad,
						 mlc_csv__isa_name(isas[i]), got, ref);
				free(got);
			}
			free(ref);
		}
}

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long len;
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)len + 1);
	*n = fread(buf, 1, (size_t)len, f);
	fclose(f);
	return buf;
}

static int check_sample(const char *path)
{
	size_t n, cuts[4096], nc;
	char *in = slurp(path, &n), *ref, *whole, *pieces;
	if (!in)
		return 0;
	ref = reference_parse(in, n, ',');
	whole = scan_whole(in, n, NULL);
	nc = random_cuts(cuts, 4096, n, 997);
	pieces = scan_pieces(in, n, cuts, nc, NULL);
	if (strcmp(whole, ref) != 0 || strcmp(pieces, ref) != 0)
		fail_msg("%s: scanner and reference differ", path);
	free(in);
	free(ref);
	free(whole);
	free(pieces);
	return 1;
}

static int walk_samples(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4096];
	int count = 0;
	struct stat st;
	if (!d)
		return 0;
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			count += walk_samples(path);
		else if (len > 4 && strcmp(e->d_name + len - 4, ".csv") == 0)
			count += check_sample(path);
	}
	closedir(d);
	return count;
}

static void sample_bills_match_the_reference(void **state)
{
	int count;
	(void)state;
	rng_state = 777;
	count = walk_samples(MLC_SOURCE_DIR "/../shared/data");
	count += walk_samples(MLC_TEST_DATA "/csv");
	if (count == 0)
		skip();
	assert_true(count >= 5);
}

static void finds_record_boundaries_for_chunked_callers(void **state)
{
	/* a , " x \n y " \n b \n : indexes 0..9; the newline at 4 is quoted */
	const char *in = "a,\"x\ny\"\nb\n";
	char big[200];
	size_t at = 0;
	int q = -1;
	(void)state;
	assert_int_equal(mlc_csv__find_boundary(&at, &q, in, 10, 0), 0);
	assert_int_equal(at, 8);
	assert_int_equal(q, -1); /* only set when there is no boundary */
	/* starting at 'x' (index 3), which is inside the quotes */
	assert_int_equal(mlc_csv__find_boundary(&at, NULL, in + 3, 7, 1), 0);
	assert_int_equal(at, 5); /* just past index 3 + 4 = 7 */
	/* the wrong guess finds the quoted newline: why callers must verify */
	assert_int_equal(mlc_csv__find_boundary(&at, NULL, in + 3, 7, 0), 0);
	assert_int_equal(at, 2);
	/* none in the first 4 bytes, which end inside the quotes */
	assert_int_equal(mlc_csv__find_boundary(&at, &q, in, 4, 0), MLC_ENOTFOUND);
	assert_int_equal(q, 1);
	/* past the first 64-byte block */
	memset(big, 'a', sizeof(big));
	big[150] = '\n';
	assert_int_equal(mlc_csv__find_boundary(&at, NULL, big, sizeof(big), 0), 0);
	assert_int_equal(at, 151);
	/* parity: three quotes */
	assert_int_equal(mlc_csv__quote_parity("\"ab\"\"c", 6), 1);
	assert_int_equal(mlc_csv__quote_parity("\"ab\"", 4), 0);
}

static void first_line_and_offset_shift_a_chunk(void **state)
{
	mlc_csv_options o = MLC_CSV_OPTIONS_INIT;
	mlc_csv *s;
	mlc_csv_row row;
	(void)state;
	o.first_line = 1000;
	o.first_offset = 5000;
	o.skip_bom = 0;
	assert_int_equal(mlc_csv__new(&s, &o), 0);
	assert_int_equal(mlc_csv__feed(s, "a\nb\n", 4, 1), 0);
	assert_int_equal(mlc_csv__next(s, &row), MLC_CSV_ROW);
	assert_int_equal(row.line, 1000);
	assert_int_equal(row.offset, 5000);
	assert_int_equal(mlc_csv__next(s, &row), MLC_CSV_ROW);
	assert_int_equal(row.line, 1001);
	assert_int_equal(row.offset, 5002);
	mlc_csv__free(s);
}

/*
 * The two-thread protocol of docs/internals-csv.md, run on one thread:
 * B guesses the first line end after `mid` is a record boundary and scans
 * from there with relative line numbers; A scans from the start and stops
 * at the first record at or after B's start, which verifies the guess (no
 * record of A straddles it). A wrong guess is caught and A scans to the
 * end instead. Returns the rows of the whole input in order.
 */
typedef struct brow {
	uint64_t line;
	char *body; /* the row rendered without its line */
} brow;

static char *scan_two_chunks(const char *in, size_t n, size_t mid, int *wrong_guesses)
{
	mlc_csv_options ob = MLC_CSV_OPTIONS_INIT;
	mlc_csv *a, *b;
	mlc_csv_row row;
	out_text out;
	brow *brows = calloc(n + 1, sizeof(*brows));
	size_t bstart = n, rel, nb = 0;
	uint64_t shift = 0;
	int verified = 0;
	out_init(&out);
	if (mid < n && mlc_csv__find_boundary(&rel, NULL, in + mid, n - mid, 0) == 0)
		bstart = mid + rel;
	/* B: [bstart, n), lines counted from 1, offsets absolute */
	ob.first_offset = bstart;
	ob.skip_bom = 0;
	assert_int_equal(mlc_csv__new(&b, &ob), 0);
	assert_int_equal(mlc_csv__feed(b, in + bstart, n - bstart, 1), 0);
	while (mlc_csv__next(b, &row) == MLC_CSV_ROW) {
		out_text t;
		out_init(&t);
		render_row(&t, &row);
		brows[nb].line = row.line;
		brows[nb++].body = t.p;
	}
	/* A: from the start until it meets B's first record */
	assert_int_equal(mlc_csv__new(&a, NULL), 0);
	assert_int_equal(mlc_csv__feed(a, in, n, 1), 0);
	while (mlc_csv__next(a, &row) == MLC_CSV_ROW) {
		if (row.offset >= bstart && nb > 0) {
			verified = 1;
			shift = row.line - brows[0].line; /* the same record seen by both */
			break;
		}
		if (row.offset < bstart && row.offset + row.bytes > bstart) {
			(*wrong_guesses)++; /* a record straddles B's start: B is void */
			bstart = n;
			nb = 0;
		}
		render_row(&out, &row);
	}
	for (size_t i = 0; verified && i < nb; i++) {
		out_fmt(&out, "%llu", (unsigned long long)(brows[i].line + shift));
		out_add(&out, strchr(brows[i].body, ':'), strlen(strchr(brows[i].body, ':')));
	}
	for (size_t i = 0; brows[i].body; i++)
		free(brows[i].body);
	free(brows);
	mlc_csv__free(a);
	mlc_csv__free(b);
	return out.p;
}

static void two_chunk_scans_verify_their_guess(void **state)
{
	static char in[60000];
	int wrong = 0;
	(void)state;
	rng_state = 4242;
	for (int round = 0; round < 40; round++) {
		size_t n = gen_valid(in, sizeof(in), 200);
		char *whole = scan_whole(in, n, NULL);
		for (int k = 1; k < 8; k++) {
			char *two = scan_two_chunks(in, n, n * (size_t)k / 8, &wrong);
			if (strcmp(two, whole) != 0)
				fail_msg("round %d split %d/8 differs", round, k);
			free(two);
		}
		free(whole);
	}
	/* quoted newlines are frequent in these inputs: some guesses failed */
	assert_true(wrong > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reference_agrees_with_the_hand_written_rows),
		cmocka_unit_test(every_split_point_gives_the_same_rows),
		cmocka_unit_test(every_pair_of_split_points_gives_the_same_rows),
		cmocka_unit_test(one_byte_at_a_time_gives_the_same_rows),
		cmocka_unit_test(random_valid_csv_matches_the_reference),
		cmocka_unit_test(random_invalid_input_fails_the_same_way_everywhere),
		cmocka_unit_test(block_edges_are_seamless),
		cmocka_unit_test(sample_bills_match_the_reference),
		cmocka_unit_test(finds_record_boundaries_for_chunked_callers),
		cmocka_unit_test(first_line_and_offset_shift_a_chunk),
		cmocka_unit_test(two_chunk_scans_verify_their_guess),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
