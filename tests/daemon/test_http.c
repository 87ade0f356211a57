/* SPDX-License-Identifier: MIT */
/*
 * test_http.c - the HTTP side without a socket: routing (404, 405 with
 * Allow, HEAD as GET), error bodies, JSON writers (escapes, exact money,
 * cost per request rounded half-even, the buffer's maximum), Prometheus
 * label escapes, and the group_by reader (times are the library's:
 * tests/unit/test_api_util.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "http_json.h"
#include "http_query.h"
#include "http_router.h"

static int h_dummy(mlcd_server *s, const mlcd_request *rq, mlcd_response *rs)
{
	return 0;
}

static const mlcd_route routes[] = {
    {"POST", "/v1/events", 1, 0, h_dummy},
    {"GET", "/v1/costs", 2, 1, h_dummy},
    {"GET", "/", 0, 2, h_dummy},
};

static void test_routes(void **state)
{
	unsigned status = 0;
	char allow[64];
	const mlcd_route *r;
	r = mlcd_route_find(routes, 3, "POST", "/v1/events", &status, allow, sizeof(allow));
	assert_ptr_equal(r, &routes[0]);
	r = mlcd_route_find(routes, 3, "HEAD", "/v1/costs", &status, allow, sizeof(allow));
	assert_ptr_equal(r, &routes[1]);
	r = mlcd_route_find(routes, 3, "GET", "/", &status, allow, sizeof(allow));
	assert_ptr_equal(r, &routes[2]);
	r = mlcd_route_find(routes, 3, "GET", "/v1/events", &status, allow, sizeof(allow));
	assert_null(r);
	assert_int_equal(status, 405);
	assert_string_equal(allow, "POST");
	r = mlcd_route_find(routes, 3, "DELETE", "/v1/costs", &status, allow, sizeof(allow));
	assert_null(r);
	assert_int_equal(status, 405);
	assert_string_equal(allow, "GET, HEAD");
	/* exact paths: no prefix, no trailing slash, no case folding */
	static const char *const missing[] = {"/v1/costs/", "/v1/cost", "/V1/costs", "/v1", ""};
	for (size_t i = 0; i < sizeof(missing) / sizeof(missing[0]); i++) {
		r = mlcd_route_find(routes, 3, "GET", missing[i], &status, allow, sizeof(allow));
		assert_null(r);
		assert_int_equal(status, 404);
		assert_string_equal(allow, "");
	}
}

static void test_response_error(void **state)
{
	mlcd_response rs;
	mlcd_response_init(&rs);
	assert_int_equal(rs.status, 200);
	assert_null(rs.csp);
	mlcd_buf_puts(&rs.body, "partial");
	rs.content_type = "text/html; charset=utf-8", rs.csp = "default-src 'none'";
	mlcd_response_error(&rs, 413, "over %d \"bytes\"", 5);
	assert_int_equal(rs.status, 413);
	/* an HTML answer that fails is JSON: its page's policy goes with the page */
	assert_string_equal(rs.content_type, "application/json");
	assert_null(rs.csp);
	assert_string_equal(rs.body.data, "{\"error\":\"over 5 \\\"bytes\\\"\"}\n");
	mlcd_response_free(&rs);
}

static const char *json_of(mlcd_buf *b, const char *s)
{
	mlcd_buf_reset(b);
	mlcd_json_str(b, s);
	return b->data;
}

static void test_json_strings(void **state)
{
	mlcd_buf b;
	mlcd_buf_init(&b, 1 << 20);
	assert_string_equal(json_of(&b, NULL), "null");
	assert_string_equal(json_of(&b, ""), "\"\"");
	assert_string_equal(json_of(&b, "a\"b\\c/d"), "\"a\\\"b\\\\c/d\"");
	assert_string_equal(json_of(&b, "\n\t\x01"), "\"\\u000a\\u0009\\u0001\"");
	assert_string_equal(json_of(&b, "caf\xc3\xa9 \xe2\x82\xac"),
	                    "\"caf\xc3\xa9 \xe2\x82\xac\"");
	/* invalid UTF-8 (a lone continuation, an overlong '/', a truncated sequence) */
	assert_string_equal(json_of(&b, "a\x80z"), "\"a\\ufffdz\"");
	assert_string_equal(json_of(&b, "\xc0\xaf"), "\"\\ufffd\\ufffd\"");
	assert_string_equal(json_of(&b, "\xe2\x82"), "\"\\ufffd\\ufffd\"");
	mlcd_buf_free(&b);
}

static mlc_amount amt(const char *s)
{
	mlc_amount a;
	assert_int_equal(mlc_amount_parse(&a, s, strlen(s)), 0);
	return a;
}

static const char *per(mlcd_buf *b, const char *cost, uint64_t n)
{
	mlcd_buf_reset(b);
	mlcd_json_amount_per(b, amt(cost), n);
	return b->data;
}

static void test_json_money(void **state)
{
	mlcd_buf b;
	mlcd_buf_init(&b, 1 << 20);
	mlcd_json_amount(&b, amt("12.50"));
	assert_string_equal(b.data, "\"12.5\"");
	/* 0.125456789012 / 3 = 0.041818929670666..., half-even at 12 digits: ...671 */
	assert_string_equal(per(&b, "0.125456789012", 3), "\"0.041818929671\"");
	/* ties go to the even last digit: 1e-12 / 2 -> 0, 3e-12 / 2 -> 2e-12 */
	assert_string_equal(per(&b, "0.000000000001", 2), "\"0\"");
	assert_string_equal(per(&b, "0.000000000003", 2), "\"0.000000000002\"");
	assert_string_equal(per(&b, "-0.000000000003", 2), "\"-0.000000000002\"");
	/* 10^23 / 7 = 14285714285714285714285.714285714285|714... -> ...714286 */
	assert_string_equal(per(&b, "100000000000000000000000", 7),
	                    "\"14285714285714285714285.714285714286\"");
	assert_string_equal(per(&b, "5", 0), "null");
	mlcd_buf_reset(&b);
	mlcd_json_amount(&b, mlcd_amount_sub(amt("100"), amt("100.25")));
	assert_string_equal(b.data, "\"-0.25\"");
	mlcd_buf_reset(&b);
	mlcd_json_double(&b, 0.1);
	mlcd_buf_puts(&b, ",");
	mlcd_json_double(&b, 1.0 / 3);
	mlcd_buf_puts(&b, ",");
	mlcd_json_double(&b, 0.0 / 0.0);
	assert_string_equal(b.data, "0.1,0.33333333333333331,null");
	mlcd_buf_free(&b);
}

static void test_buf_limit(void **state)
{
	mlcd_buf b;
	mlcd_buf_init(&b, 8);
	mlcd_buf_puts(&b, "12345678");
	assert_false(b.failed);
	assert_int_equal(b.len, 8);
	mlcd_buf_puts(&b, "9");
	assert_true(b.failed);
	mlcd_buf_printf(&b, "%d", 1); /* sticky: no effect */
	assert_int_equal(b.len, 8);
	mlcd_buf_reset(&b);
	assert_false(b.failed);
	mlcd_buf_printf(&b, "%s-%d", "ab", 42);
	assert_string_equal(b.data, "ab-42");
	mlcd_buf_free(&b);
}

static void test_prom_label(void **state)
{
	mlcd_buf b;
	mlcd_buf_init(&b, 1024);
	mlcd_prom_label(&b, "a\"b\\c\nd");
	assert_string_equal(b.data, "\"a\\\"b\\\\c\\nd\"");
	mlcd_buf_reset(&b);
	mlcd_prom_label(&b, NULL);
	assert_string_equal(b.data, "\"\"");
	mlcd_buf_free(&b);
}

static void test_group_by(void **state)
{
	mlcd_cost_query q;
	int order[MLCD_DIM_COUNT + 1];
	size_t n = 9;
	char why[200];
	memset(&q, 0, sizeof(q));
	assert_int_equal(mlcd_parse_group_by(&q, order, &n, "version,day,model", why, sizeof(why)),
	                 0);
	assert_int_equal(n, 3);
	assert_int_equal(order[0], MLCD_DIM_VERSION);
	assert_int_equal(order[1], MLCD_DIM_COUNT);
	assert_int_equal(order[2], MLCD_DIM_MODEL);
	assert_int_equal(q.by[MLCD_DIM_MODEL], 1);
	assert_int_equal(q.by[MLCD_DIM_TEAM], 0);
	assert_int_equal(q.bucket, MLCD_BUCKET_DAY);
	memset(&q, 0, sizeof(q));
	assert_int_equal(mlcd_parse_group_by(&q, order, &n, NULL, why, sizeof(why)), 0);
	assert_int_equal(n, 0);
	memset(&q, 0, sizeof(q));
	assert_int_equal(mlcd_parse_group_by(&q, order, &n, "hour,day", why, sizeof(why)), -1);
	assert_string_equal(why, "group_by: at most one of hour and day");
	memset(&q, 0, sizeof(q));
	assert_int_equal(mlcd_parse_group_by(&q, order, &n, "team,team", why, sizeof(why)), -1);
	memset(&q, 0, sizeof(q));
	assert_int_equal(mlcd_parse_group_by(&q, order, &n, "model,colour", why, sizeof(why)), -1);
	assert_string_equal(why,
	                    "group_by: unknown 'colour' (model, team, endpoint, version, hour, "
	                    "day)");
	memset(&q, 0, sizeof(q));
	assert_int_equal(mlcd_parse_group_by(&q, order, &n, "model,", why, sizeof(why)), 0);
	memset(&q, 0, sizeof(q));
	assert_int_equal(mlcd_parse_group_by(&q, order, &n, ",model", why, sizeof(why)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_routes),       cmocka_unit_test(test_response_error),
	    cmocka_unit_test(test_json_strings), cmocka_unit_test(test_json_money),
	    cmocka_unit_test(test_buf_limit),    cmocka_unit_test(test_prom_label),
	    cmocka_unit_test(test_group_by),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
