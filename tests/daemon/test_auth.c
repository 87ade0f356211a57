/* SPDX-License-Identifier: MIT */
/*
 * test_auth.c - bearer tokens: their hashes (the library's SHA-256 in
 * hex, decoded back), the constant-time compare, the Authorization header
 * forms, scopes (admin implies all), team limits and the token bucket.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "auth.h"
#include "serve.h"

#include <mlcost.h>

static void test_token_hash(void **state)
{
	/* the config's `sha256` of a token (mlcost serve --hash-token): the library's SHA-256
	 * (its FIPS 180-2 vectors are in tests/unit/test_api_util.c) in lower-case hex */
	char hex[2 * MLCD_SHA256_LEN + 1];
	unsigned char d[MLCD_SHA256_LEN], back[MLCD_SHA256_LEN];
	mlcd_serve_hash_token(hex, "abc", 3);
	assert_string_equal(hex,
	                    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(mlc_sha256(d, "abc", 3), 0);
	assert_int_equal(mlcd_hex_decode(back, MLCD_SHA256_LEN, hex), 0);
	assert_memory_equal(back, d, MLCD_SHA256_LEN);
	mlcd_hex(hex, d, 2);
	assert_string_equal(hex, "ba78");
}

static void test_hex_and_compare(void **state)
{
	unsigned char b[4], x[32], y[32];
	assert_int_equal(mlcd_hex_decode(b, 4, "00fFa9Ab"), 0);
	assert_int_equal(b[0], 0x00);
	assert_int_equal(b[1], 0xff);
	assert_int_equal(b[2], 0xa9);
	assert_int_equal(b[3], 0xab);
	assert_int_equal(mlcd_hex_decode(b, 4, "00ffa9a"), -1);   /* short */
	assert_int_equal(mlcd_hex_decode(b, 4, "00ffa9abc"), -1); /* long */
	assert_int_equal(mlcd_hex_decode(b, 4, "00ffa9ag"), -1);  /* not hex */
	memset(x, 7, sizeof(x));
	memcpy(y, x, sizeof(y));
	assert_true(mlcd_ct_equal(x, y, 32));
	y[0] ^= 1; /* a difference first, then last: both found */
	assert_false(mlcd_ct_equal(x, y, 32));
	y[0] ^= 1, y[31] ^= 0x80;
	assert_false(mlcd_ct_equal(x, y, 32));
	assert_true(mlcd_ct_equal(x, y, 31));
}

static mlcd_token tok(const char *name, const char *secret, unsigned scopes)
{
	mlcd_token t;
	memset(&t, 0, sizeof(t));
	t.name = (char *)name;
	assert_int_equal(mlc_sha256(t.hash, secret, strlen(secret)), 0);
	t.scopes = scopes;
	t.rate_burst = 100;
	return t;
}

static void test_identify(void **state)
{
	mlcd_token toks[3] = {tok("a", "alpha", MLCD_SCOPE_INGEST),
	                      tok("b", "beta", MLCD_SCOPE_READ),
	                      tok("c", "gamma", MLCD_SCOPE_ADMIN)};
	mlcd_auth *a;
	const mlcd_token *t;
	assert_int_equal(mlcd_auth_new(&a, toks, 3), 0);
	assert_false(mlcd_auth_is_open(a));
	assert_int_equal(mlcd_auth_identify(&t, a, "Bearer beta"), MLCD_AUTH_OK);
	assert_ptr_equal(t, &toks[1]);
	assert_int_equal(mlcd_auth_identify(&t, a, "bearer   gamma  "), MLCD_AUTH_OK);
	assert_ptr_equal(t, &toks[2]);
	assert_int_equal(mlcd_auth_identify(&t, a, "Bearer alpha"), MLCD_AUTH_OK);
	assert_ptr_equal(t, &toks[0]);
	assert_int_equal(mlcd_auth_identify(&t, a, "Bearer delta"), MLCD_AUTH_INVALID);
	assert_null(t);
	assert_int_equal(mlcd_auth_identify(&t, a, "Bearer alphA"), MLCD_AUTH_INVALID);
	assert_int_equal(mlcd_auth_identify(&t, a, NULL), MLCD_AUTH_MISSING);
	assert_int_equal(mlcd_auth_identify(&t, a, "Basic YWxwaGE="), MLCD_AUTH_MISSING);
	assert_int_equal(mlcd_auth_identify(&t, a, "Bearer"), MLCD_AUTH_MISSING);
	assert_int_equal(mlcd_auth_identify(&t, a, "Bearer "), MLCD_AUTH_MISSING);
	assert_int_equal(mlcd_auth_identify(&t, a, "Bearer alpha beta"), MLCD_AUTH_MISSING);
	assert_int_equal(mlcd_auth_identify(&t, a, "Beareralpha"), MLCD_AUTH_MISSING);
	mlcd_auth_free(a);

	/* no tokens: an open server lets everyone in, as nobody in particular */
	assert_int_equal(mlcd_auth_new(&a, NULL, 0), 0);
	assert_true(mlcd_auth_is_open(a));
	assert_int_equal(mlcd_auth_identify(&t, a, NULL), MLCD_AUTH_OK);
	assert_null(t);
	assert_true(mlcd_auth_has_scope(t, MLCD_SCOPE_INGEST));
	mlcd_auth_free(a);
}

static void test_scopes_and_teams(void **state)
{
	char *teams[] = {"search", "ads"};
	mlcd_token in = tok("i", "x", MLCD_SCOPE_INGEST), rd = tok("r", "y", MLCD_SCOPE_READ),
	           ad = tok("a", "z", MLCD_SCOPE_ADMIN);
	assert_true(mlcd_auth_has_scope(&in, MLCD_SCOPE_INGEST));
	assert_false(mlcd_auth_has_scope(&in, MLCD_SCOPE_READ));
	assert_true(mlcd_auth_has_scope(&in, MLCD_SCOPE_READ | MLCD_SCOPE_INGEST)); /* one of */
	assert_false(mlcd_auth_has_scope(&rd, MLCD_SCOPE_INGEST));
	assert_true(mlcd_auth_has_scope(&ad, MLCD_SCOPE_INGEST));
	assert_true(mlcd_auth_has_scope(&ad, MLCD_SCOPE_READ));
	assert_true(mlcd_auth_has_scope(&rd, 0));
	/* a token without teams may see any team, and none */
	assert_true(mlcd_auth_team_allowed(&rd, "search"));
	assert_true(mlcd_auth_team_allowed(&rd, NULL));
	rd.teams = teams, rd.nteams = 2;
	assert_true(mlcd_auth_team_allowed(&rd, "ads"));
	assert_false(mlcd_auth_team_allowed(&rd, "Ads"));
	assert_false(mlcd_auth_team_allowed(&rd, "infra"));
	assert_false(mlcd_auth_team_allowed(&rd, NULL));
	assert_true(mlcd_auth_team_allowed(NULL, "infra"));
}

static void test_rate(void **state)
{
	mlcd_token toks[2] = {tok("a", "alpha", MLCD_SCOPE_READ),
	                      tok("b", "beta", MLCD_SCOPE_READ)};
	mlcd_auth *a;
	double retry;
	int i;
	toks[0].rate_per_second = 2, toks[0].rate_burst = 3;
	assert_int_equal(mlcd_auth_new(&a, toks, 2), 0);
	/* a full bucket of 3 at t=10, then empty */
	for (i = 0; i < 3; i++)
		assert_true(mlcd_auth_rate_take(a, &toks[0], 10.0, &retry));
	assert_false(mlcd_auth_rate_take(a, &toks[0], 10.0, &retry));
	assert_true(retry > 0.49 && retry < 0.51); /* 1 request at 2/s: 0.5 s */
	/* 0.25 s later half a request has dripped in: still no, 0.25 s to go */
	assert_false(mlcd_auth_rate_take(a, &toks[0], 10.25, &retry));
	assert_true(retry > 0.24 && retry < 0.26);
	assert_true(mlcd_auth_rate_take(a, &toks[0], 10.5, &retry));
	/* 100 s later the bucket holds 3 again, not 200 */
	for (i = 0; i < 3; i++)
		assert_true(mlcd_auth_rate_take(a, &toks[0], 110.5, &retry));
	assert_false(mlcd_auth_rate_take(a, &toks[0], 110.5, &retry));
	/* the other token is unlimited (rate 0), and so is nobody (open server) */
	for (i = 0; i < 1000; i++)
		assert_true(mlcd_auth_rate_take(a, &toks[1], 10.0, &retry));
	assert_true(mlcd_auth_rate_take(a, NULL, 10.0, &retry));
	mlcd_auth_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_token_hash), cmocka_unit_test(test_hex_and_compare),
	    cmocka_unit_test(test_identify),   cmocka_unit_test(test_scopes_and_teams),
	    cmocka_unit_test(test_rate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
