/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for src/tags*.c: the tags span scanner (FOCUS JSON, Azure's
 * brace-less shape taken from real exports, escapes, non-string values,
 * errors), the interning cache (one parse per distinct string, raw CSV
 * text, failures, the size bound), aliases and lookups.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mlcost/common.h"
#include "tags.h"
#include "util/alloc.h"

#define MAXP 64

typedef struct parsed {
	mlc_tags_pair p[MAXP];
	size_t n;
	char scratch[4096];
} parsed;

static int parse(parsed *out, const char *text, unsigned flags)
{
	return mlc_tags__parse(out->p, MAXP, &out->n, out->scratch, text, strlen(text), flags);
}

/* "key=value" of pair i, for compact asserts. */
static const char *kv(const parsed *t, size_t i)
{
	static char buf[256];
	snprintf(buf, sizeof(buf), "%.*s=%.*s", (int)t->p[i].key.len, t->p[i].key.ptr,
	         (int)t->p[i].value.len, t->p[i].value.ptr);
	return buf;
}

static void parses_focus_json_objects(void **state)
{
	parsed t;
	(void)state;
	/* focus_sample.csv line 3 */
	assert_int_equal(parse(&t,
	                       "{\"application\": \"BrightLensMatrix\", \"environment\": "
	                       "\"dev\", \"business_unit\": \"ViennaAI\"}",
	                       0),
	                 0);
	assert_int_equal(t.n, 3);
	assert_string_equal(kv(&t, 0), "application=BrightLensMatrix");
	assert_string_equal(kv(&t, 2), "business_unit=ViennaAI");
	/* compact, and with blanks everywhere */
	assert_int_equal(parse(&t, "{\"team\":\"a\",\"model_id\":\"x\"}", 0), 0);
	assert_string_equal(kv(&t, 1), "model_id=x");
	assert_int_equal(parse(&t, " \t{ \"team\" :\n \"a\" } \r\n", 0), 0);
	assert_string_equal(kv(&t, 0), "team=a");
	/* keys and values are trimmed: focus_sample.csv line 948 has " org" */
	assert_int_equal(parse(&t, "{\"org\": \"trey\", \" org\": \" trey \"}", 0), 0);
	assert_string_equal(kv(&t, 1), "org=trey");
	/* nothing at all */
	assert_int_equal(parse(&t, "", 0), 0);
	assert_int_equal(t.n, 0);
	assert_int_equal(parse(&t, " {  } ", 0), 0);
	assert_int_equal(t.n, 0);
}

static void parses_azure_braceless_tags(void **state)
{
	parsed t;
	(void)state;
	/* finops-toolkit EA_ActualCost_Small.csv line 3, Tags after CSV unquoting */
	assert_int_equal(parse(&t,
	                       "\"CostCenter\": \"1234\",\"env\": \"prod\",\"org\": \"trey\","
	                       "\"application\": \"databricks\",\"databricks-environment\": "
	                       "\"true\"",
	                       0),
	                 0);
	assert_int_equal(t.n, 5);
	assert_string_equal(kv(&t, 0), "CostCenter=1234");
	assert_string_equal(kv(&t, 4), "databricks-environment=true");
	/* opencost azure_billingexport_MissingBrackets.csv line 2 */
	assert_int_equal(parse(&t,
	                       "\"resourceNameSuffix\":\"12345678\",\"aksEngineVersion\":"
	                       "\"aks-release-v0.47.0-1-aks\",\"creationSource\":"
	                       "\"aks-aks-nodepool1-12345678-vmss\"",
	                       0),
	                 0);
	assert_int_equal(t.n, 3);
	assert_string_equal(kv(&t, 1), "aksEngineVersion=aks-release-v0.47.0-1-aks");
}

static void unescapes_only_what_needs_it(void **state)
{
	parsed t;
	(void)state;
	assert_int_equal(parse(&t, "{\"t\\u00e9am\":\"caf\\u00e9\",\"plain\":\"x\"}", 0), 0);
	assert_string_equal(kv(&t, 0), "t\xC3\xA9"
	                               "am=caf\xC3\xA9");
	/* an escaped string lives in scratch, a plain one in the input */
	assert_true(t.p[0].value.ptr >= t.scratch && t.p[0].value.ptr < t.scratch + 4096);
	assert_false(t.p[1].value.ptr >= t.scratch && t.p[1].value.ptr < t.scratch + 4096);
	/* a surrogate pair is one 4-byte character (U+1F600) */
	assert_int_equal(parse(&t, "{\"e\":\"\\ud83d\\ude00\"}", 0), 0);
	assert_string_equal(kv(&t, 0), "e=\xF0\x9F\x98\x80");
	/* a lone surrogate and NUL become U+FFFD */
	assert_int_equal(parse(&t, "{\"e\":\"a\\ud83db\\u0000\"}", 0), 0);
	assert_string_equal(kv(&t, 0), "e=a\xEF\xBF\xBD"
	                               "b\xEF\xBF\xBD");
	assert_int_equal(parse(&t, "{\"q\":\"say \\\"hi\\\"\\n\\/\\\\\"}", 0), 0);
	assert_string_equal(kv(&t, 0), "q=say \"hi\"\n/\\");
}

static void keeps_the_text_of_non_string_values(void **state)
{
	parsed t;
	(void)state;
	assert_int_equal(parse(&t,
	                       "{\"gpus\": 8, \"rate\": -1.5e3, \"spot\": true, \"x\": null, "
	                       "\"y\": \"\", \"z\": \"  \", \"flag\": false}",
	                       0),
	                 0);
	/* null, "" and blanks are missing: four pairs remain */
	assert_int_equal(t.n, 4);
	assert_string_equal(kv(&t, 0), "gpus=8");
	assert_string_equal(kv(&t, 1), "rate=-1.5e3");
	assert_string_equal(kv(&t, 2), "spot=true");
	assert_string_equal(kv(&t, 3), "flag=false");
	/* a nested value is kept as its raw JSON text */
	assert_int_equal(parse(&t, "{\"a\": {\"b\": [1, \"}\"]}, \"c\": \"d\"}", 0), 0);
	assert_string_equal(kv(&t, 0), "a={\"b\": [1, \"}\"]}");
	assert_string_equal(kv(&t, 1), "c=d");
}

static void rewrites_cur2_map_keys(void **state)
{
	parsed t;
	(void)state;
	assert_int_equal(parse(&t,
	                       "{\"user_team\":\"ml\",\"aws_created_by\":\"ci\",\"other\":\"o\","
	                       "\"aws_\\u0041b\":\"x\"}",
	                       MLC_TAGS_CUR2_KEYS),
	                 0);
	assert_string_equal(kv(&t, 0), "team=ml");
	assert_string_equal(kv(&t, 1), "aws:created_by=ci");
	assert_string_equal(kv(&t, 2), "other=o");
	assert_string_equal(kv(&t, 3), "aws:Ab=x");
}

static void reports_errors_with_byte_offsets(void **state)
{
	static const struct {
		const char *text, *msg;
	} bad[] = {
	    {"{\"a\" \"b\"}", "byte 6: expected ':' after a key"},
	    {"{\"a\":\"b\"", "byte 9: expected ',' or '}'"},
	    {"{\"a\":\"b\"} x", "byte 11: text after the closing '}'"},
	    {"{\"a\":\"b", "byte 6: unterminated string"},
	    {"{\"a\":bogus}", "byte 6: expected a value"},
	    {"{a:1}", "byte 2: expected a quoted key"},
	    {"{\"a\":\"\\x\"}", "byte 8: bad escape '\\x'"},
	    {"{\"a\":\"\\u12\"}", "byte 8: bad \\u escape"},
	    {"\"a\":\"b\" \"c\"", "byte 9: expected ','"},
	    {"{\"a\":[[[}", "byte 10: unterminated object or array in a value"},
	};
	parsed t;
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(&t, bad[i].text, 0), MLC_EPARSE);
		assert_string_equal(mlc_error_message(), bad[i].msg);
	}
	/* more pairs than the caller has room for */
	{
		mlc_tags_pair p[1];
		size_t n;
		char scratch[64];
		const char *two = "{\"a\":\"1\",\"b\":\"2\"}";
		assert_int_equal(mlc_tags__parse(p, 1, &n, scratch, two, strlen(two), 0),
		                 MLC_ETOOLARGE);
	}
}

static const char *find(const mlc_tags_set *s, const mlc_tags_query *q)
{
	static char buf[128];
	mlc_span v;
	if (!mlc_tags__find(&v, s, q))
		return "<missing>";
	snprintf(buf, sizeof(buf), "%.*s", (int)v.len, v.ptr);
	return buf;
}

static void cache_parses_each_distinct_string_once(void **state)
{
	mlc_tags_cache *c;
	const mlc_tags_set *a, *b, *raw;
	mlc_tags_query *q;
	const char *t1 = "{\"team\":\"a\"}", *rawtext;
	char copy[32];
	(void)state;
	assert_int_equal(mlc_tags__cache_new(&c, 0), 0);
	assert_int_equal(mlc_tags__query_new(&q, NULL, " TEAM ", 6), 0);
	assert_int_equal(mlc_tags__intern(&a, c, t1, strlen(t1), 0), 0);
	/* the same bytes elsewhere (the row buffer is reused) find the same set */
	strcpy(copy, t1);
	assert_int_equal(mlc_tags__intern(&b, c, copy, strlen(copy), 0), 0);
	assert_ptr_equal(a, b);
	assert_int_equal(mlc_tags__cache_count(c), 1);
	memset(copy, 'x', sizeof(copy) - 1); /* the set does not point into the caller's text */
	assert_string_equal(find(a, q), "a");
	/* raw CSV text: doubled quotes */
	rawtext = "{\"\"team\"\":\"\"b\"\"}";
	assert_int_equal(mlc_tags__intern(&raw, c, rawtext, strlen(rawtext), MLC_TAGS_CSV_RAW), 0);
	assert_string_equal(find(raw, q), "b");
	assert_int_equal(mlc_tags__cache_count(c), 2);
	assert_int_equal(raw->id, 1);
	/* a malformed string is cached as a failure and fails again */
	assert_int_equal(mlc_tags__intern(&a, c, "{\"team\"}", 8, 0), MLC_EPARSE);
	assert_int_equal(mlc_tags__intern(&a, c, "{\"team\"}", 8, 0), MLC_EPARSE);
	assert_string_equal(mlc_error_message(), "byte 8: expected ':' after a key");
	assert_int_equal(mlc_tags__cache_count(c), 3);
	assert_string_equal(find(a, q), "<missing>");
	mlc_tags__query_free(q);
	mlc_tags__cache_free(c);
}

static void cache_starts_a_new_generation_when_full(void **state)
{
	mlc_tags_cache *c;
	const mlc_tags_set *s;
	mlc_tags_query *q;
	char text[128];
	(void)state;
	/* 1 MiB (the smallest bound) and 20000 distinct strings of ~100 bytes
	 * each needing ~200 bytes of arena: about 4 MB, so it must refill */
	assert_int_equal(mlc_tags__cache_new(&c, 1), 0);
	assert_int_equal(mlc_tags__query_new(&q, NULL, "model_id", 8), 0);
	for (int i = 0; i < 20000; i++) {
		char want[32];
		snprintf(text, sizeof(text),
		         "{\"team\": \"ml-platform\", \"model_id\": \"m%05d\", \"env\": \"prod\", "
		         "\"phase\": \"serve\"}",
		         i);
		assert_int_equal(mlc_tags__intern(&s, c, text, strlen(text), 0), 0);
		snprintf(want, sizeof(want), "m%05d", i);
		assert_string_equal(find(s, q), want);
	}
	assert_true(mlc_tags__cache_generation(c) >= 3);
	assert_true(mlc_tags__cache_count(c) < 20000);
	mlc_tags__query_free(q);
	mlc_tags__cache_free(c);
}

static void query_tries_canonical_aliases_then_user_prefix(void **state)
{
	static const char yaml[] = "# tag aliases\n"
	                           "model_id: [model, ml_model, user:model_id]\n"
	                           "team: owner_team\n"
	                           "env:\n";
	mlc_tags_aliases *al;
	mlc_tags_query *q;
	parsed t;
	mlc_tags_set set = {0, 0, 0, NULL, NULL};
	size_t len;
	(void)state;
	assert_int_equal(mlc_tags__aliases_parse(&al, "a.yaml", yaml, strlen(yaml)), 0);
	/* asking for an alias is asking for its canonical key */
	assert_int_equal(mlc_tags__query_new(&q, al, "ML_Model", 8), 0);
	assert_string_equal(mlc_tags__query_canonical(q), "model_id");
	assert_int_equal(mlc_tags__query_count(q), 4);
	assert_string_equal(mlc_tags__query_key(q, 1, &len), "model");
	assert_string_equal(mlc_tags__query_key(q, 3, &len), "user:model_id");
	assert_int_equal(parse(&t, "{\"ml_model\": \"a\", \"Model\": \"b\"}", 0), 0);
	set.pairs = t.p;
	set.npairs = (uint32_t)t.n;
	assert_string_equal(find(&set, q), "b");
	mlc_tags__query_free(q);
	/* a key with no aliases also finds AWS's user: spelling */
	assert_int_equal(mlc_tags__query_new(&q, al, "cost_center", 11), 0);
	assert_int_equal(parse(&t, "{\"user:cost_center\": \"42\"}", 0), 0);
	set.npairs = (uint32_t)t.n;
	assert_string_equal(find(&set, q), "42");
	mlc_tags__query_free(q);
	/* and user:KEY finds KEY */
	assert_int_equal(mlc_tags__query_new(&q, al, "user:env", 8), 0);
	assert_int_equal(parse(&t, "{\"env\": \"prod\"}", 0), 0);
	set.npairs = (uint32_t)t.n;
	assert_string_equal(find(&set, q), "prod");
	mlc_tags__query_free(q);
	assert_int_equal(mlc_tags__query_new(&q, al, "  ", 2), MLC_EINVAL);
	mlc_tags__aliases_free(al);
}

static void alias_file_errors_have_positions(void **state)
{
	static const struct {
		const char *yaml, *msg;
	} bad[] = {
	    {"- a\n- b\n", "a.yaml:1:3: an alias file must be a mapping"},
	    {"model_id: [model, model]\n", "a.yaml:1:19: alias 'model' listed twice"},
	    {"model_id: [model]\nml: [model]\n",
	     "a.yaml:2:6: 'model' is already an alias of 'model_id'"},
	    {"model_id: [model]\nmodel: [x]\n",
	     "a.yaml:2:1: 'model' is already an alias of 'model_id'"},
	    {"team: [Team]\n", "a.yaml:1:8: 'team' is an alias of itself"},
	    {"team: {a: b}\n", "a.yaml:1:8: aliases of 'team' must be a list of keys"},
	    {"team: [[x]]\n", "a.yaml:1:9: an alias must be a string"},
	};
	mlc_tags_aliases *al;
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(
		    mlc_tags__aliases_parse(&al, "a.yaml", bad[i].yaml, strlen(bad[i].yaml)),
		    MLC_EPARSE);
		assert_string_equal(mlc_error_message(), bad[i].msg);
	}
	/* an empty file is no aliases */
	assert_int_equal(mlc_tags__aliases_parse(&al, "a.yaml", "", 0), 0);
	mlc_tags__aliases_free(al);
}

static void loads_an_alias_file(void **state)
{
	mlc_tags_aliases *al;
	mlc_tags_query *q;
	size_t len;
	(void)state;
	assert_int_equal(mlc_tags__aliases_load(&al, MLC_TEST_DATA "/billing/aliases.yaml"), 0);
	assert_int_equal(mlc_tags__query_new(&q, al, "phase", 5), 0);
	assert_string_equal(mlc_tags__query_canonical(q), "lifecycle_phase");
	/* lifecycle_phase, phase, ml_phase, user:lifecycle_phase */
	assert_int_equal(mlc_tags__query_count(q), 4);
	assert_string_equal(mlc_tags__query_key(q, 2, &len), "ml_phase");
	mlc_tags__query_free(q);
	mlc_tags__aliases_free(al);
	assert_int_equal(mlc_tags__aliases_load(&al, MLC_TEST_DATA "/billing/no-such.yaml"),
			 MLC_EIO);
	/* bytes that are not UTF-8 never reach the YAML parser */
	assert_int_equal(mlc_tags__aliases_parse(&al, "a.yaml", "%a\x8e", 3), MLC_EPARSE);
	assert_string_equal(mlc_error_message(), "a.yaml: not UTF-8 text (byte 3)");
}

/* Fail the Nth allocation: every path must clean up and report ENOMEM. */
static int fail_at, alloc_count;
static void *failing_malloc(size_t n)
{
	return ++alloc_count == fail_at ? NULL : malloc(n);
}
static void *failing_realloc(void *p, size_t n)
{
	return ++alloc_count == fail_at ? NULL : realloc(p, n);
}

static void survives_allocation_failures(void **state)
{
	static const char yaml[] = "model_id: [model, ml_model]\nteam: owner\n";
	const mlc_allocator hooks = {failing_malloc, failing_realloc, free};
	(void)state;
	for (fail_at = 1; fail_at < 200; fail_at++) {
		mlc_tags_aliases *al = NULL;
		mlc_tags_query *q = NULL;
		mlc_tags_cache *c = NULL;
		const mlc_tags_set *s;
		int rc;
		alloc_count = 0;
		mlc_set_allocator(&hooks);
		rc = mlc_tags__aliases_parse(&al, "a.yaml", yaml, strlen(yaml));
		if (rc == 0)
			rc = mlc_tags__query_new(&q, al, "model", 5);
		if (rc == 0)
			rc = mlc_tags__cache_new(&c, 0);
		if (rc == 0)
			rc = mlc_tags__intern(&s, c, "{\"model\":\"m\"}", 13, 0);
		mlc_set_allocator(NULL);
		assert_true(rc == 0 || rc == MLC_ENOMEM || rc == MLC_EPARSE);
		mlc_tags__cache_free(c);
		mlc_tags__query_free(q);
		mlc_tags__aliases_free(al);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(parses_focus_json_objects),
	    cmocka_unit_test(parses_azure_braceless_tags),
	    cmocka_unit_test(unescapes_only_what_needs_it),
	    cmocka_unit_test(keeps_the_text_of_non_string_values),
	    cmocka_unit_test(rewrites_cur2_map_keys),
	    cmocka_unit_test(reports_errors_with_byte_offsets),
	    cmocka_unit_test(cache_parses_each_distinct_string_once),
	    cmocka_unit_test(cache_starts_a_new_generation_when_full),
	    cmocka_unit_test(query_tries_canonical_aliases_then_user_prefix),
	    cmocka_unit_test(alias_file_errors_have_positions),
	    cmocka_unit_test(loads_an_alias_file),
	    cmocka_unit_test(survives_allocation_failures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
