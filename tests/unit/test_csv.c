/* SPDX-License-Identifier: MIT */
/* Unit tests for the CSV scanner (csv.h): RFC 4180 cases, CRLF, BOM, blank
 * lines, line numbers and offsets, errors with the line of the record,
 * limits, column selection, the feed contract and allocation failures.
 * Splitting, SIMD kernels and random inputs: test_csv_split.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "mlcost/common.h"
#include "test_csv_helpers.h"

static void expect_scan(const char *in, const scan_cfg *cfg, const char *want)
{
	char *got = scan_str(in, cfg);
	assert_string_equal(got, want);
	free(got);
}

static void reads_rfc4180_records(void **state)
{
	(void)state;
	expect_scan("a,b,c\n1,2,3\n", NULL, "1:[a][b][c]\n2:[1][2][3]\n");
	/* no line end after the last record */
	expect_scan("a,b\n1,2", NULL, "1:[a][b]\n2:[1][2]\n");
	/* empty fields, a trailing delimiter makes an empty last field */
	expect_scan(",,\na,\n", NULL, "1:[][][]\n2:[a][]\n");
	/* quotes: delimiter, doubled quote, empty quoted field */
	expect_scan("\"a,b\",\"say \"\"hi\"\"\",\"\"\n", NULL, "1:[a,b][say \"hi\"][]\n");
	/* a field that is only a doubled quote */
	expect_scan("\"\"\"\"\n", NULL, "1:[\"]\n");
	/* spaces are data */
	expect_scan(" a , b \n", NULL, "1:[ a ][ b ]\n");
}

static void counts_lines_through_quoted_newlines(void **state)
{
	(void)state;
	/* record 2 spans lines 2-4, so record 3 starts on line 5 */
	expect_scan("h\n\"x\ny\nz\",2\nlast\n", NULL, "1:[h]\n2:[x\ny\nz][2]\n5:[last]\n");
	/* CRLF inside quotes is data, CRLF as line end is not */
	expect_scan("\"a\r\nb\"\r\nc\r\n", NULL, "1:[a\r\nb]\n3:[c]\n");
}

static void handles_crlf_and_blank_lines(void **state)
{
	(void)state;
	expect_scan("a,b\r\n1,2\r\n", NULL, "1:[a][b]\n2:[1][2]\n");
	/* quoted last field before CRLF */
	expect_scan("a,\"b\"\r\n", NULL, "1:[a][b]\n");
	/* a CR not before a line end is data */
	expect_scan("a\rb,c\n", NULL, "1:[a\rb][c]\n");
	/* CR at the very end of input is a line end */
	expect_scan("a,b\r", NULL, "1:[a][b]\n");
	/* blank lines (LF, CRLF) are skipped but counted */
	expect_scan("a\n\n\r\nb\n\n", NULL, "1:[a]\n4:[b]\n");
	/* one quoted empty field is a value, not a blank line */
	expect_scan("\"\"\n", NULL, "1:[]\n");
}

static void drops_a_bom_only_at_the_start(void **state)
{
	mlc_csv_options keep = MLC_CSV_OPTIONS_INIT;
	scan_cfg cfg = {&keep, NULL, NULL, 0};
	(void)state;
	expect_scan("\xEF\xBB\xBF" "a,b\n", NULL, "1:[a][b]\n");
	expect_scan("\xEF\xBB\xBF", NULL, "");
	expect_scan("a\n\xEF\xBB\xBF" "b\n", NULL, "1:[a]\n2:[\xEF\xBB\xBF" "b]\n");
	/* a BOM prefix that is not a BOM is data */
	expect_scan("\xEF\xBBx\n", NULL, "1:[\xEF\xBBx]\n");
	expect_scan("\xEF\xBB", NULL, "1:[\xEF\xBB]\n");
	keep.skip_bom = 0;
	expect_scan("\xEF\xBB\xBF" "a\n", &cfg, "1:[\xEF\xBB\xBF" "a]\n");
}

static void reports_offsets_and_lengths(void **state)
{
	/* BOM (3) + "ab\r\n" (4) + "\"c\nd\"\n" (6) + "e" (1) */
	const char *in = "\xEF\xBB\xBF" "ab\r\n\"c\nd\"\ne";
	mlc_csv *s;
	mlc_csv_row row;
	(void)state;
	assert_int_equal(mlc_csv__new(&s, NULL), 0);
	assert_int_equal(mlc_csv__feed(s, in, strlen(in), 1), 0);
	assert_int_equal(mlc_csv__next(s, &row), MLC_CSV_ROW);
	assert_int_equal(row.offset, 3);
	assert_int_equal(row.bytes, 4);
	assert_int_equal(row.line, 1);
	assert_int_equal(mlc_csv__next(s, &row), MLC_CSV_ROW);
	assert_int_equal(row.offset, 3 + 4);
	assert_int_equal(row.bytes, 6);
	assert_int_equal(row.line, 2);
	assert_int_equal(mlc_csv__line(s), 4); /* the record spanned lines 2-3 */
	assert_int_equal(mlc_csv__next(s, &row), MLC_CSV_ROW);
	assert_int_equal(row.offset, 3 + 4 + 6);
	assert_int_equal(row.bytes, 1);
	assert_int_equal(row.line, 4);
	assert_int_equal(mlc_csv__next(s, &row), MLC_CSV_END);
	assert_int_equal(mlc_csv__next(s, &row), MLC_CSV_END);
	mlc_csv__free(s);
}

static void reports_errors_with_the_record_line(void **state)
{
	mlc_csv_options o = MLC_CSV_OPTIONS_INIT;
	scan_cfg cfg = {&o, NULL, NULL, 0};
	char want[256];
	(void)state;
	o.name = "t.csv";
	/* unterminated quote: the line where the record started */
	snprintf(want, sizeof(want), "1:[a][b]\nE%d:t.csv:2: unterminated quoted field\n",
		 MLC_EPARSE);
	expect_scan("a,b\n\"never\nclosed,x\ny\n", &cfg, want);
	snprintf(want, sizeof(want), "1:[ok]\nE%d:t.csv:2: quote inside an unquoted field\n",
		 MLC_EPARSE);
	expect_scan("ok\nbad\"x\n", &cfg, want);
	snprintf(want, sizeof(want),
		 "1:[a]\nE%d:t.csv:2: unexpected character after a closing quote\n", MLC_EPARSE);
	expect_scan("a\n\"b\"c\n", &cfg, want);
	/* the record starts on line 1 although the bad byte is on line 2 */
	snprintf(want, sizeof(want),
		 "E%d:t.csv:1: unexpected character after a closing quote\n", MLC_EPARSE);
	expect_scan("\"a\nb\" x\n", &cfg, want);
	/* a CR after a closing quote must end the line */
	expect_scan("\"a\"\rb\n", &cfg, want);
}

/* Scan text in one piece; return the error field after the first error. */
static long error_field_of(const char *text)
{
	mlc_csv *s = NULL;
	mlc_csv_row row;
	long field = -2;
	int rc;
	assert_int_equal(mlc_csv__new(&s, NULL), 0);
	assert_int_equal(mlc_csv__feed(s, text, strlen(text), 1), 0);
	while ((rc = mlc_csv__next(s, &row)) == MLC_CSV_ROW)
		;
	if (rc < 0)
		field = mlc_csv__error_field(s);
	mlc_csv__free(s);
	return field;
}

static void names_the_field_of_a_quoting_error(void **state)
{
	(void)state;
	/* the quote opened in field 2 ("c...) never closes */
	assert_int_equal(error_field_of("a,b,c\n1,2,\"3\n4\n"), 2);
	/* the stray quote is in field 1 */
	assert_int_equal(error_field_of("a,b\n1,x\"y\n"), 1);
	/* a doubled quote in field 0 does not count as opening one */
	assert_int_equal(error_field_of("a,b\n\"x\"\"y\",\"z\n"), 1);
	/* no error: -2 from the helper, and -1 from the scanner */
	assert_int_equal(error_field_of("a,b\n1,2\n"), -2);
}

static void errors_are_sticky(void **state)
{
	mlc_csv *s;
	mlc_csv_row row;
	(void)state;
	assert_int_equal(mlc_csv__new(&s, NULL), 0);
	assert_int_equal(mlc_csv__feed(s, "a\"b\n", 4, 1), 0);
	assert_int_equal(mlc_csv__next(s, &row), MLC_EPARSE);
	assert_int_equal(mlc_csv__next(s, &row), MLC_EPARSE);
	assert_int_equal(mlc_csv__feed(s, "x\n", 2, 1), MLC_EPARSE);
	mlc_csv__free(s);
}

static void enforces_limits(void **state)
{
	mlc_csv_options o = MLC_CSV_OPTIONS_INIT;
	scan_cfg cfg = {&o, NULL, NULL, 0};
	char want[256];
	(void)state;
	o.name = "t.csv";
	o.max_field = 4;
	snprintf(want, sizeof(want), "1:[abcd][e]\nE%d:t.csv:2: field longer than 4 bytes\n",
		 MLC_ETOOLARGE);
	expect_scan("abcd,e\nabcde,f\n", &cfg, want);
	/* the last field of the input, without a line end */
	snprintf(want, sizeof(want), "1:[a]\nE%d:t.csv:2: field longer than 4 bytes\n",
		 MLC_ETOOLARGE);
	expect_scan("a\nabcde", &cfg, want);
	o.max_field = 100;
	o.max_row = 10; /* "123456789\n" is 10 bytes with its line end */
	snprintf(want, sizeof(want), "1:[123456789]\nE%d:t.csv:2: record longer than 10 bytes\n",
		 MLC_ETOOLARGE);
	expect_scan("123456789\n1234567890\n", &cfg, want);
	o.max_row = 1000;
	o.max_fields = 3;
	snprintf(want, sizeof(want), "1:[a][b][c]\nE%d:t.csv:2: more than 3 fields\n",
		 MLC_ETOOLARGE);
	expect_scan("a,b,c\na,b,c,d\n", &cfg, want);
}

static void bounds_the_carry_of_an_unterminated_quote(void **state)
{
	/* fed in pieces, an unterminated quote grows the carry only up to
	 * max_row before failing, instead of holding the whole input */
	mlc_csv_options o = MLC_CSV_OPTIONS_INIT;
	mlc_csv *s;
	mlc_csv_row row;
	char piece[100];
	int rc = 0, i;
	(void)state;
	o.max_row = 1000;
	o.name = "big.csv";
	memset(piece, 'x', sizeof(piece));
	piece[0] = '"';
	assert_int_equal(mlc_csv__new(&s, &o), 0);
	for (i = 0; i < 100 && rc == 0; i++) {
		rc = mlc_csv__feed(s, piece, sizeof(piece), 0);
		if (rc == 0)
			assert_int_equal(mlc_csv__next(s, &row), MLC_CSV_NEED_INPUT);
		piece[0] = 'x';
	}
	assert_int_equal(rc, MLC_ETOOLARGE);
	assert_int_equal(i, 11); /* 10 pieces of 100 fill the 1000 bytes; the 11th fails */
	assert_string_equal(mlc_error_message(), "big.csv:1: record longer than 1000 bytes");
	mlc_csv__free(s);
}

static void selects_columns_in_the_order_asked(void **state)
{
	const uint32_t cols[] = {2, 0};
	scan_cfg cfg = {NULL, cols, NULL, 2};
	mlc_csv *s;
	mlc_csv_row row;
	(void)state;
	expect_scan("a,b,c\n1,2,3,4\n", &cfg, "1:[c][a]\n2:[3][1]\n");
	/* short rows: the missing column is absent, ncols tells the truth */
	assert_int_equal(mlc_csv__new(&s, NULL), 0);
	assert_int_equal(mlc_csv__select(s, cols, NULL, 2), 0);
	assert_int_equal(mlc_csv__feed(s, "x,y\n", 4, 1), 0);
	assert_int_equal(mlc_csv__next(s, &row), MLC_CSV_ROW);
	assert_int_equal(row.ncols, 2);
	assert_int_equal(row.nfields, 2);
	assert_int_equal(row.fields[0].flags, MLC_CSV_ABSENT);
	assert_int_equal(row.fields[0].len, 0);
	assert_int_equal(row.fields[1].len, 1);
	assert_memory_equal(row.fields[1].ptr, "x", 1);
	mlc_csv__free(s);
}

/* 200 fields of "vNNN" (5 bytes with the comma) span 16 blocks of 64 */
static size_t wide_row(char *out, int quoted_newline_at)
{
	size_t n = 0;
	for (int i = 0; i < 200; i++) {
		if (i == quoted_newline_at)
			n += (size_t)sprintf(out + n, "\"q\nq\",");
		else
			n += (size_t)sprintf(out + n, "v%03d,", i);
	}
	out[n - 1] = '\n';
	return n;
}

static void skips_the_rest_of_wide_records(void **state)
{
	const uint32_t cols[] = {3, 1};
	static char in[4096];
	mlc_csv_options o = MLC_CSV_OPTIONS_INIT;
	mlc_csv *s;
	mlc_csv_row row;
	size_t n;
	(void)state;
	n = wide_row(in, 150);     /* line 1, with a quoted newline: lines 1-2 */
	n += wide_row(in + n, -1); /* line 3 */
	n += (size_t)sprintf(in + n, "a,b\n");
	o.name = "w.csv";
	assert_int_equal(mlc_csv__new(&s, &o), 0);
	assert_int_equal(mlc_csv__select(s, cols, NULL, 2), 0);
	assert_int_equal(mlc_csv__feed(s, in, n, 1), 0);
	assert_int_equal(mlc_csv__next(s, &row), MLC_CSV_ROW);
	assert_int_equal(row.ncols, 200);
	assert_int_equal(row.line, 1);
	assert_memory_equal(row.fields[0].ptr, "v003", 4);
	assert_memory_equal(row.fields[1].ptr, "v001", 4);
	assert_int_equal(mlc_csv__next(s, &row), MLC_CSV_ROW);
	assert_int_equal(row.ncols, 200);
	assert_int_equal(row.line, 3);
	assert_int_equal(mlc_csv__next(s, &row), MLC_CSV_ROW);
	assert_int_equal(row.ncols, 2);
	assert_int_equal(row.line, 4);
	assert_int_equal(row.fields[0].flags, MLC_CSV_ABSENT);
	assert_int_equal(mlc_csv__next(s, &row), MLC_CSV_END);
	mlc_csv__free(s);
	/* the field count limit holds for skipped fields too */
	o.max_fields = 100;
	assert_int_equal(mlc_csv__new(&s, &o), 0);
	assert_int_equal(mlc_csv__select(s, cols, NULL, 2), 0);
	assert_int_equal(mlc_csv__feed(s, in, n, 1), 0);
	assert_int_equal(mlc_csv__next(s, &row), MLC_ETOOLARGE);
	assert_string_equal(mlc_error_message(), "w.csv:1: more than 100 fields");
	mlc_csv__free(s);
}

static void raw_columns_keep_doubled_quotes(void **state)
{
	const uint32_t cols[] = {0, 1};
	const unsigned raw[] = {MLC_CSV_COL_RAW, 0};
	mlc_csv *s;
	mlc_csv_row row;
	const char *in = "\"{\"\"k\"\":1}\",\"{\"\"k\"\":1}\"\n";
	(void)state;
	assert_int_equal(mlc_csv__new(&s, NULL), 0);
	assert_int_equal(mlc_csv__select(s, cols, raw, 2), 0);
	assert_int_equal(mlc_csv__feed(s, in, strlen(in), 1), 0);
	assert_int_equal(mlc_csv__next(s, &row), MLC_CSV_ROW);
	assert_int_equal(row.fields[0].flags, MLC_CSV_QUOTED);
	/* between the outer quotes: { "" k "" :1} = 1 + 2 + 1 + 2 + 3 bytes */
	assert_int_equal(row.fields[0].len, 9);
	assert_memory_equal(row.fields[0].ptr, "{\"\"k\"\":1}", 9);
	assert_int_equal(row.fields[1].len, 7);
	assert_memory_equal(row.fields[1].ptr, "{\"k\":1}", 7);
	/* and the helper turns the raw text into the value */
	char tmp[16];
	size_t n = mlc_csv__unescape(tmp, row.fields[0].ptr, row.fields[0].len);
	assert_int_equal(n, 7);
	assert_memory_equal(tmp, "{\"k\":1}", 7);
	mlc_csv__free(s);
}

static void rejects_bad_selections_and_options(void **state)
{
	const uint32_t dup[] = {1, 1};
	const uint32_t far[] = {70000};
	mlc_csv_options o = MLC_CSV_OPTIONS_INIT;
	mlc_csv *s;
	(void)state;
	assert_int_equal(mlc_csv__new(&s, NULL), 0);
	assert_int_equal(mlc_csv__select(s, dup, NULL, 2), MLC_EINVAL);
	assert_int_equal(mlc_csv__select(s, far, NULL, 1), MLC_EINVAL);
	mlc_csv__free(s);
	o.delim = '"';
	assert_int_equal(mlc_csv__new(&s, &o), MLC_EINVAL);
	o.delim = ',';
	o.version = 99;
	assert_int_equal(mlc_csv__new(&s, &o), MLC_EINVAL);
}

static void uses_other_delimiters(void **state)
{
	mlc_csv_options o = MLC_CSV_OPTIONS_INIT;
	scan_cfg cfg = {&o, NULL, NULL, 0};
	(void)state;
	o.delim = ';';
	expect_scan("a;\"b;c\";d,e\n", &cfg, "1:[a][b;c][d,e]\n");
	o.delim = '\t';
	expect_scan("a\tb,c\n", &cfg, "1:[a][b,c]\n");
}

static void feed_only_when_asked(void **state)
{
	mlc_csv *s;
	mlc_csv_row row;
	(void)state;
	assert_int_equal(mlc_csv__new(&s, NULL), 0);
	assert_int_equal(mlc_csv__feed(s, "a\nb\n", 4, 0), 0);
	assert_int_equal(mlc_csv__feed(s, "c\n", 2, 0), MLC_EINVAL);
	assert_int_equal(mlc_csv__next(s, &row), MLC_CSV_ROW);
	assert_int_equal(mlc_csv__next(s, &row), MLC_CSV_ROW);
	assert_int_equal(mlc_csv__next(s, &row), MLC_CSV_NEED_INPUT);
	assert_int_equal(mlc_csv__feed(s, "", 0, 1), 0);
	assert_int_equal(mlc_csv__next(s, &row), MLC_CSV_END);
	mlc_csv__free(s);
}

static int allocations_left;
static void *failing_malloc(size_t n)
{
	if (allocations_left-- <= 0)
		return NULL;
	return test_malloc(n);
}
static void *failing_realloc(void *p, size_t n)
{
	if (allocations_left-- <= 0)
		return NULL;
	return test_realloc(p, n);
}
static void plain_free(void *p)
{
	test_free(p);
}

/* One scan with a carry, unescaping and widening: 0 or the error. */
static int scan_with_allocations(void)
{
	const char *a = "h1,h2,h3,h4,h5,h6,h7,h8,h9,h10\n\"x\"\"y\",2\n\"split";
	const char *b = " here\",z\n";
	mlc_csv *s = NULL;
	mlc_csv_row row;
	int rc, fed = 0;
	if ((rc = mlc_csv__new(&s, NULL)) != 0)
		return rc;
	assert_int_equal(mlc_csv__feed(s, a, strlen(a), 0), 0);
	for (;;) {
		rc = mlc_csv__next(s, &row);
		if (rc == MLC_CSV_NEED_INPUT && !fed) {
			fed = 1;
			if ((rc = mlc_csv__feed(s, b, strlen(b), 1)) != 0)
				break;
			continue;
		}
		if (rc != MLC_CSV_ROW)
			break;
	}
	mlc_csv__free(s);
	return rc == MLC_CSV_END ? 0 : rc;
}

static void survives_every_allocation_failure(void **state)
{
	mlc_allocator a = {failing_malloc, failing_realloc, plain_free};
	int rc = MLC_ENOMEM, n;
	(void)state;
	mlc_set_allocator(&a);
	for (n = 0; n < 100 && rc == MLC_ENOMEM; n++) {
		allocations_left = n;
		rc = scan_with_allocations();
	}
	mlc_set_allocator(NULL);
	assert_int_equal(rc, 0);
	assert_true(n > 3); /* the early failures were really exercised */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_rfc4180_records),
		cmocka_unit_test(counts_lines_through_quoted_newlines),
		cmocka_unit_test(handles_crlf_and_blank_lines),
		cmocka_unit_test(drops_a_bom_only_at_the_start),
		cmocka_unit_test(reports_offsets_and_lengths),
		cmocka_unit_test(reports_errors_with_the_record_line),
		cmocka_unit_test(names_the_field_of_a_quoting_error),
		cmocka_unit_test(errors_are_sticky),
		cmocka_unit_test(enforces_limits),
		cmocka_unit_test(bounds_the_carry_of_an_unterminated_quote),
		cmocka_unit_test(selects_columns_in_the_order_asked),
		cmocka_unit_test(skips_the_rest_of_wide_records),
		cmocka_unit_test(raw_columns_keep_doubled_quotes),
		cmocka_unit_test(rejects_bad_selections_and_options),
		cmocka_unit_test(uses_other_delimiters),
		cmocka_unit_test(feed_only_when_asked),
		cmocka_unit_test(survives_every_allocation_failure),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
