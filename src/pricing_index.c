/* SPDX-License-Identifier: MIT */
/*
 * pricing_index.c - hash indexes over a catalog's rows: by resource name,
 * by (region, resource), and token rows grouped by model. Each maps to the
 * first row in load order, which is how "first definition wins" is kept.
 *
 * Built whole from the row array after a load and swapped in only when
 * complete, so an allocation failure leaves the previous index in force.
 * Open addressing with linear probing; tables are at most half full.
 */
#include "pricing_internal.h"
#include "util/alloc.h"
#include "util/error.h"

#include <stdint.h>
#include <string.h>

/* Slots point at rows, which live in the catalog's arena and never move
 * (the row pointer array may be reallocated by a later load). */
struct mlc_pricing__index {
	size_t cap;                       /* slots per table, a power of two */
	const mlc_pricing__row **by_name; /* NULL = empty */
	const mlc_pricing__row **by_region;
	size_t *by_model;                 /* token record index + 1, 0 = empty */
	mlc_pricing__tokrec *tokens;
	size_t ntokens;
};

static uint64_t hash_bytes(uint64_t h, const char *s, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ull;
	}
	return h;
}

#define HASH_SEED 14695981039346656037ull

static uint64_t hash_region(const char *region, size_t rlen, const char *resource)
{
	uint64_t h = hash_bytes(HASH_SEED, region, rlen);
	h = hash_bytes(h, "/", 1);
	return hash_bytes(h, resource, strlen(resource));
}

static int region_is(const char *region, const char *want, size_t wlen)
{
	return strlen(region) == wlen && !memcmp(region, want, wlen);
}

/* Insert row i under key unless a row with that key is already there. */
static void put_name(mlc_pricing__index *idx, const mlc_pricing__row *r)
{
	const char *res = r->e.resource;
	size_t s = hash_bytes(HASH_SEED, res, strlen(res)) & (idx->cap - 1);
	while (idx->by_name[s]) {
		if (!strcmp(idx->by_name[s]->e.resource, res))
			return;
		s = (s + 1) & (idx->cap - 1);
	}
	idx->by_name[s] = r;
}

static void put_region(mlc_pricing__index *idx, const mlc_pricing__row *r)
{
	const mlc_price_entry *e = &r->e;
	size_t rl = strlen(e->region);
	size_t s = hash_region(e->region, rl, e->resource) & (idx->cap - 1);
	while (idx->by_region[s]) {
		const mlc_price_entry *o = &idx->by_region[s]->e;
		if (!strcmp(o->resource, e->resource) && region_is(o->region, e->region, rl))
			return;
		s = (s + 1) & (idx->cap - 1);
	}
	idx->by_region[s] = r;
}

static void put_token(mlc_pricing__index *idx, const mlc_pricing__row *r)
{
	size_t s = hash_bytes(HASH_SEED, r->token_model, strlen(r->token_model)) & (idx->cap - 1);
	mlc_pricing__tokrec *t;
	while (idx->by_model[s]) {
		t = &idx->tokens[idx->by_model[s] - 1];
		if (!strcmp(t->model, r->token_model)) {
			if (t->kind[r->token_kind] == NULL)
				t->kind[r->token_kind] = r;
			return;
		}
		s = (s + 1) & (idx->cap - 1);
	}
	t = &idx->tokens[idx->ntokens++];
	memset(t, 0, sizeof(*t));
	t->model = r->token_model;
	t->kind[r->token_kind] = r;
	idx->by_model[s] = idx->ntokens;
}

int mlc_pricing__index_build(mlc_pricing__index **out, mlc_pricing__row *const *rows, size_t n)
{
	mlc_pricing__index *idx;
	size_t i, cap = 16;
	*out = NULL;
	while (cap < 2 * n)
		cap *= 2;
	idx = mlcu_calloc(1, sizeof(*idx));
	if (idx == NULL)
		return mlcu_error_oom();
	idx->cap = cap;
	idx->by_name = mlcu_calloc(cap, sizeof(*idx->by_name));
	idx->by_region = mlcu_calloc(cap, sizeof(*idx->by_region));
	idx->by_model = mlcu_calloc(cap, sizeof(size_t));
	idx->tokens = mlcu_calloc(n ? n : 1, sizeof(*idx->tokens));
	if (!idx->by_name || !idx->by_region || !idx->by_model || !idx->tokens) {
		mlc_pricing__index_free(idx);
		return mlcu_error_oom();
	}
	for (i = 0; i < n; i++) {
		put_name(idx, rows[i]);
		put_region(idx, rows[i]);
		if (rows[i]->token_kind != MLC_PRICING__TOK_NONE)
			put_token(idx, rows[i]);
	}
	*out = idx;
	return 0;
}

void mlc_pricing__index_free(mlc_pricing__index *idx)
{
	if (idx == NULL)
		return;
	mlcu_free(idx->by_name);
	mlcu_free(idx->by_region);
	mlcu_free(idx->by_model);
	mlcu_free(idx->tokens);
	mlcu_free(idx);
}

const mlc_pricing__row *mlc_pricing__index_find(const mlc_pricing__index *idx, const char *region,
						size_t region_len, const char *resource)
{
	size_t s;
	if (idx == NULL)
		return NULL;
	if (region == NULL) {
		s = hash_bytes(HASH_SEED, resource, strlen(resource)) & (idx->cap - 1);
		for (; idx->by_name[s]; s = (s + 1) & (idx->cap - 1))
			if (!strcmp(idx->by_name[s]->e.resource, resource))
				return idx->by_name[s];
		return NULL;
	}
	s = hash_region(region, region_len, resource) & (idx->cap - 1);
	for (; idx->by_region[s]; s = (s + 1) & (idx->cap - 1)) {
		const mlc_pricing__row *r = idx->by_region[s];
		if (!strcmp(r->e.resource, resource) && region_is(r->e.region, region, region_len))
			return r;
	}
	return NULL;
}

const mlc_pricing__tokrec *mlc_pricing__index_token(const mlc_pricing__index *idx,
						    const char *model)
{
	size_t s;
	if (idx == NULL)
		return NULL;
	s = hash_bytes(HASH_SEED, model, strlen(model)) & (idx->cap - 1);
	for (; idx->by_model[s]; s = (s + 1) & (idx->cap - 1))
		if (!strcmp(idx->tokens[idx->by_model[s] - 1].model, model))
			return &idx->tokens[idx->by_model[s] - 1];
	return NULL;
}

size_t mlc_pricing__index_ntokens(const mlc_pricing__index *idx)
{
	return idx ? idx->ntokens : 0;
}

const mlc_pricing__tokrec *mlc_pricing__index_token_at(const mlc_pricing__index *idx, size_t i)
{
	return idx && i < idx->ntokens ? &idx->tokens[i] : NULL;
}
