/* SPDX-License-Identifier: MIT */
/*
 * auth.h - who is asking `mlcost serve`, and may they: bearer tokens whose
 * SHA-256 (the library's mlc_sha256) is compared in constant time with the
 * hashes of the config (the server never holds a token itself), scopes
 * (admin implies ingest and read), team limits, and a token bucket per
 * token for rate limits.
 *
 * What it is not: HTTP. Callers hand in the Authorization header's value
 * and map the outcome to 401 / 403 / 429.
 */
#ifndef MLCD_AUTH_H
#define MLCD_AUTH_H

#include "config.h"

#include <stddef.h>
#include <stdint.h>

/* Lower-case hex of n bytes into out (2n + 1 bytes). */
void mlcd_hex(char *out, const unsigned char *d, size_t n);
/* Exactly 2n hex digits (either case) into n bytes; 0, or -1. */
int mlcd_hex_decode(unsigned char *out, size_t n, const char *hex);

/* 1 when a and b (n bytes) are equal; the time taken does not depend on where they differ. */
int mlcd_ct_equal(const void *a, const void *b, size_t n);

typedef struct mlcd_auth mlcd_auth;

/* Tokens are borrowed (they live in the config); states for the rate limits are made. */
int mlcd_auth_new(mlcd_auth **out, const mlcd_token *tokens, size_t n);
void mlcd_auth_free(mlcd_auth *a);

/* 1 when the config has no tokens: every request is let in (logged at start). */
int mlcd_auth_is_open(const mlcd_auth *a);

typedef enum mlcd_auth_result {
	MLCD_AUTH_OK = 0,
	MLCD_AUTH_MISSING, /* no Authorization header, or not a Bearer one: 401 */
	MLCD_AUTH_INVALID  /* a bearer token that matches no configured hash: 401 */
} mlcd_auth_result;

/*
 * The token of an Authorization header value ("Bearer T", scheme in any
 * case). Every configured hash is compared, in constant time, whatever
 * matches. *out is NULL on an open server.
 */
mlcd_auth_result mlcd_auth_identify(const mlcd_token **out, const mlcd_auth *a,
                                    const char *authorization);

/* 1 when t holds one of the scopes of the mask (admin implies all; NULL, an open server, may). */
int mlcd_auth_has_scope(const mlcd_token *t, unsigned scope);

/* 1 when t may see or send data of team (NULL team = none given). */
int mlcd_auth_team_allowed(const mlcd_token *t, const char *team);

/*
 * Take one request from t's bucket at time now (seconds, monotonic).
 * Returns 1 when allowed; 0 when limited, with *retry_after the seconds
 * until a request would be allowed. t NULL or unlimited: always 1.
 */
int mlcd_auth_rate_take(mlcd_auth *a, const mlcd_token *t, double now, double *retry_after);

#endif
