/* SPDX-License-Identifier: MIT */
/*
 * auth.c - bearer token lookup, scopes, team limits and per-token rate
 * limits, and the hex and constant-time compare of token hashes. The
 * SHA-256 is the library's (mlc_sha256). See auth.h.
 */
#include "auth.h"
#include "serve_error.h"

#include <mlcost.h>

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

_Static_assert(MLCD_SHA256_LEN == MLC_SHA256_LEN, "the config holds the library's digests");

#define MAX_TOKEN_TEXT 4096 /* longer bearer values are refused unhashed */

typedef struct bucket {
	pthread_mutex_t lock;
	double level; /* requests available now */
	double last;  /* when level was computed */
	int started;
} bucket;

struct mlcd_auth {
	const mlcd_token *tokens;
	size_t n;
	bucket *buckets; /* one per token */
};

int mlcd_auth_new(mlcd_auth **out, const mlcd_token *tokens, size_t n)
{
	mlcd_auth *a;
	size_t i;
	*out = NULL;
	if (!(a = calloc(1, sizeof(*a))) || (n && !(a->buckets = calloc(n, sizeof(bucket))))) {
		free(a);
		return mlcd_error_set(MLC_ENOMEM, "out of memory");
	}
	a->tokens = tokens;
	a->n = n;
	for (i = 0; i < n; i++)
		pthread_mutex_init(&a->buckets[i].lock, NULL);
	*out = a;
	return 0;
}

void mlcd_auth_free(mlcd_auth *a)
{
	size_t i;
	if (!a)
		return;
	for (i = 0; i < a->n; i++)
		pthread_mutex_destroy(&a->buckets[i].lock);
	free(a->buckets);
	free(a);
}

int mlcd_auth_is_open(const mlcd_auth *a)
{
	return a->n == 0;
}

/* The token text of "Bearer T" (scheme in any case, blanks around T), or NULL. */
static const char *bearer(const char *h, size_t *len)
{
	const char *t, *end;
	if (!h || strncasecmp(h, "Bearer", 6) || (h[6] != ' ' && h[6] != '\t'))
		return NULL;
	for (t = h + 6; *t == ' ' || *t == '\t'; t++)
		;
	for (end = t; *end && *end != ' ' && *end != '\t'; end++)
		;
	for (h = end; *h == ' ' || *h == '\t'; h++)
		;
	if (end == t || *h) /* empty, or more than one word */
		return NULL;
	*len = (size_t)(end - t);
	return t;
}

mlcd_auth_result mlcd_auth_identify(const mlcd_token **out, const mlcd_auth *a,
                                    const char *authorization)
{
	unsigned char digest[MLCD_SHA256_LEN];
	uintptr_t found = 0;
	const char *t;
	size_t len = 0, i;
	*out = NULL;
	if (a->n == 0)
		return MLCD_AUTH_OK;
	if (!(t = bearer(authorization, &len)))
		return MLCD_AUTH_MISSING;
	if (len > MAX_TOKEN_TEXT)
		return MLCD_AUTH_INVALID;
	mlc_sha256(digest, t, len); /* t and digest are not NULL: it cannot fail */
	/* compare with every hash and select without branching on the outcome */
	for (i = 0; i < a->n; i++) {
		uintptr_t mask = (uintptr_t)0 - (uintptr_t)mlcd_ct_equal(digest, a->tokens[i].hash,
		                                                         MLCD_SHA256_LEN);
		found = (found & ~mask) | ((uintptr_t)&a->tokens[i] & mask);
	}
	if (!found)
		return MLCD_AUTH_INVALID;
	*out = (const mlcd_token *)found;
	return MLCD_AUTH_OK;
}

int mlcd_auth_has_scope(const mlcd_token *t, unsigned scope)
{
	return !t || !scope || (t->scopes & MLCD_SCOPE_ADMIN) || (t->scopes & scope) != 0;
}

int mlcd_auth_team_allowed(const mlcd_token *t, const char *team)
{
	size_t i;
	if (!t || !t->teams)
		return 1;
	if (!team)
		return 0;
	for (i = 0; i < t->nteams; i++)
		if (!strcmp(t->teams[i], team))
			return 1;
	return 0;
}

int mlcd_auth_rate_take(mlcd_auth *a, const mlcd_token *t, double now, double *retry_after)
{
	bucket *b;
	int ok;
	*retry_after = 0;
	if (!t || t->rate_per_second <= 0 || t < a->tokens || t >= a->tokens + a->n)
		return 1;
	b = &a->buckets[t - a->tokens];
	pthread_mutex_lock(&b->lock);
	if (!b->started) {
		b->level = t->rate_burst;
		b->started = 1;
	} else if (now > b->last) {
		b->level += (now - b->last) * t->rate_per_second;
		if (b->level > t->rate_burst)
			b->level = t->rate_burst;
	}
	b->last = now > b->last ? now : b->last;
	ok = b->level >= 1.0;
	if (ok)
		b->level -= 1.0;
	else
		*retry_after = (1.0 - b->level) / t->rate_per_second;
	pthread_mutex_unlock(&b->lock);
	return ok;
}

void mlcd_hex(char *out, const unsigned char *d, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;
	for (i = 0; i < n; i++) {
		out[2 * i] = digits[d[i] >> 4];
		out[2 * i + 1] = digits[d[i] & 15];
	}
	out[2 * n] = '\0';
}

static int nibble(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

int mlcd_hex_decode(unsigned char *out, size_t n, const char *hex)
{
	size_t i;
	if (strlen(hex) != 2 * n)
		return -1;
	for (i = 0; i < n; i++) {
		int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

int mlcd_ct_equal(const void *a, const void *b, size_t n)
{
	/* volatile: the compiler may not stop at the first difference */
	const volatile unsigned char *x = a, *y = b;
	unsigned char diff = 0;
	size_t i;
	for (i = 0; i < n; i++)
		diff |= x[i] ^ y[i];
	return diff == 0;
}
