/* SPDX-License-Identifier: MIT */
/* Unit tests for src/util: bounded buffers, number parsing and formatting,
 * edit distance, error messages, allocation hooks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "mlcost/common.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/str.h"

static void buf_grows_up_to_its_limit(void **state)
{
	mlcu_buf b;
	(void)state;
	mlcu_buf_init(&b, 10);
	assert_int_equal(mlcu_buf_puts(&b, "hello"), 0);
	assert_int_equal(mlcu_buf_printf(&b, "%d", 1234), 0);
	assert_string_equal(b.ptr, "hello1234");
	assert_int_equal(mlcu_buf_puts(&b, "xy"), MLC_ETOOLARGE);
	assert_string_equal(b.ptr, "hello1234");
	assert_int_equal(mlcu_buf_putc(&b, '!'), 0);
	assert_int_equal(b.len, 10);
	mlcu_buf_free(&b);
}

static void parse_double_accepts_underscores_between_digits(void **state)
{
	double v;
	(void)state;
	assert_int_equal(mlcu_parse_double(&v, "72_000_000", 10, 1), 0);
	assert_true(v == 72000000.0);
	assert_int_equal(mlcu_parse_double(&v, "0.45", 4, 0), 0);
	assert_true(v == 0.45);
	assert_int_equal(mlcu_parse_double(&v, "_1", 2, 1), -1);
	assert_int_equal(mlcu_parse_double(&v, "1__0", 4, 1), -1);
	assert_int_equal(mlcu_parse_double(&v, "1_0", 3, 0), -1);
	assert_int_equal(mlcu_parse_double(&v, "abc", 3, 1), -1);
	assert_int_equal(mlcu_parse_double(&v, "1e999", 5, 1), -1);
	assert_int_equal(mlcu_parse_double(&v, "", 0, 1), -1);
	assert_int_equal(mlcu_parse_double(&v, "nan", 3, 1), -1);
}

static void fmt_double_is_shortest_round_trip(void **state)
{
	char b[64];
	(void)state;
	mlcu_fmt_double(b, sizeof(b), 6853.824);
	assert_string_equal(b, "6853.824");
	mlcu_fmt_double(b, sizeof(b), 0.1 + 0.2);
	assert_string_equal(b, "0.30000000000000004");
	mlcu_fmt_double(b, sizeof(b), 0);
	assert_string_equal(b, "0");
}

static void edit_distance_is_case_insensitive_and_capped(void **state)
{
	(void)state;
	assert_int_equal(mlcu_edit_distance("g4dn.xlarge", "g4dn.xlarge_1xt4", 10), 5);
	assert_int_equal(mlcu_edit_distance("ABC", "abc", 10), 0);
	assert_int_equal(mlcu_edit_distance("kitten", "sitting", 10), 3);
	assert_int_equal(mlcu_edit_distance("a", "zzzzzzzz", 3), 3);
}

static void error_message_is_per_call_and_prefixable(void **state)
{
	(void)state;
	mlc_error_clear();
	assert_string_equal(mlc_error_message(), "");
	assert_int_equal(mlcu_error_set(MLC_EPARSE, "line %d: bad", 3), MLC_EPARSE);
	mlcu_error_prefix("%s:", "f.yaml");
	assert_string_equal(mlc_error_message(), "f.yaml:line 3: bad");
	assert_int_equal(mlc_error_code(), MLC_EPARSE);
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
static void counting_free(void *p)
{
	test_free(p);
}

static void allocation_failure_is_reported_not_fatal(void **state)
{
	mlc_allocator a = {failing_malloc, failing_realloc, counting_free};
	mlcu_buf b;
	(void)state;
	mlc_set_allocator(&a);
	allocations_left = 0;
	mlcu_buf_init(&b, 1000);
	assert_int_equal(mlcu_buf_puts(&b, "x"), MLC_ENOMEM);
	allocations_left = 1;
	assert_int_equal(mlcu_buf_puts(&b, "x"), 0);
	mlcu_buf_free(&b);
	mlc_set_allocator(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(buf_grows_up_to_its_limit),
		cmocka_unit_test(parse_double_accepts_underscores_between_digits),
		cmocka_unit_test(fmt_double_is_shortest_round_trip),
		cmocka_unit_test(edit_distance_is_case_insensitive_and_capped),
		cmocka_unit_test(error_message_is_per_call_and_prefixable),
		cmocka_unit_test(allocation_failure_is_reported_not_fatal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
