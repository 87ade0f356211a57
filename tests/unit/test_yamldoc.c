/* SPDX-License-Identifier: MIT */
/* Unit tests for src/yamldoc: positions in errors, the text checks made
 * before libfyaml sees the input, typed getters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "mlcost/common.h"
#include "yamldoc.h"

static int load(const char *text, mlc_yaml **out)
{
	return mlc_yaml__load_string(out, "t.yaml", text, strlen(text));
}

static void refuses(const char *text, const char *message)
{
	mlc_yaml *y = NULL;
	assert_int_equal(load(text, &y), MLC_EPARSE);
	assert_null(y);
	assert_string_equal(mlc_error_message(), message);
}

static void accepts(const char *text)
{
	mlc_yaml *y = NULL;
	assert_int_equal(load(text, &y), 0);
	assert_non_null(mlc_yaml__root(y));
	mlc_yaml__free(y);
}

static void tabs_outside_quotes_are_refused_with_position(void **state)
{
	(void)state;
	refuses("a:\n\t- 1\n", "t.yaml:2:1: tab character (YAML indents and separates with "
			       "spaces; tabs may appear only inside quotes)");
	refuses("a: 1\nb:\t2\n", "t.yaml:2:3: tab character (YAML indents and separates with "
				  "spaces; tabs may appear only inside quotes)");
	/* found by fuzzing: libfyaml 0.7.12 crashes on this */
	refuses("#0\n? es: \t\t?\t, f, sts: \t\"",
		"t.yaml:2:7: tab character (YAML indents and separates with spaces; tabs may "
		"appear only inside quotes)");
}

static void tabs_inside_quotes_and_comments_are_kept(void **state)
{
	(void)state;
	accepts("a: \"x\ty\"\n");
	accepts("a: 'it''s\ttab'\n");
	accepts("a: \"esc \\\" then\ttab\"\n");
	accepts("a: 1 # a\tcomment\n");
}

static void bad_bytes_and_empty_documents_are_refused(void **state)
{
	(void)state;
	refuses("a: \x01\n", "t.yaml:1:4: control character 0x01");
	refuses("a: \xc3\x28\n", "t.yaml:1:4: invalid UTF-8");
	refuses("", "t.yaml:1: empty document");
	refuses("# only a comment\n\n", "t.yaml:1: empty document");
}

static void syntax_errors_carry_libfyaml_positions(void **state)
{
	mlc_yaml *y = NULL;
	(void)state;
	assert_int_equal(load("a: 1\nb: c: d\n", &y), MLC_EPARSE);
	/* "b: c: d": the second ':' is at line 2, column 5 */
	assert_non_null(strstr(mlc_error_message(), "t.yaml:2:5: "));
}

static void getters_report_type_errors_at_the_value(void **state)
{
	mlc_yaml *y = NULL;
	double v = 0;
	const char *s = NULL;
	static const char *const allowed[] = {"n", "s", NULL};
	(void)state;
	assert_int_equal(load("n: 1_000\ns: [1]\nm: x\n", &y), 0);
	assert_int_equal(mlc_yaml__opt_number(y, mlc_yaml__root(y), "n", &v, NULL), 0);
	assert_true(v == 1000.0);
	assert_int_equal(mlc_yaml__opt_string(y, mlc_yaml__root(y), "s", &s), MLC_EPARSE);
	assert_string_equal(mlc_error_message(), "t.yaml:2:5: expected a string");
	assert_int_equal(mlc_yaml__check_keys(y, mlc_yaml__root(y), allowed), MLC_EPARSE);
	assert_string_equal(mlc_error_message(), "t.yaml:3:1: unknown field 'm' (did you mean 'n'?)");
	mlc_yaml__free(y);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tabs_outside_quotes_are_refused_with_position),
		cmocka_unit_test(tabs_inside_quotes_and_comments_are_kept),
		cmocka_unit_test(bad_bytes_and_empty_documents_are_refused),
		cmocka_unit_test(syntax_errors_carry_libfyaml_positions),
		cmocka_unit_test(getters_report_type_errors_at_the_value),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
