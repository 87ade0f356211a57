/* SPDX-License-Identifier: MIT */
/*
 * bills_agg.c - the aggregate of the attribution engine: per dimension a
 * dictionary of distinct values (text -> small id), and a hash table of
 * groups keyed by the ids, the bucket and presence bits, holding exact
 * sums per cost basis and a row count. One aggregate per chunk of input,
 * so threads never share one; chunks merge by value text at the end
 * (mlc_bills__merge), which keeps the result independent of the chunking.
 *
 * What it is not: a general hash map. Memory is bounded by the number of
 * groups and distinct values, each capped (MLC_ETOOLARGE past the cap),
 * plus a budget for the values' text.
 */
#include "bills_internal.h"
#include "util/alloc.h"
#include "util/error.h"

#include <string.h>

#define ARENA_CHUNK ((size_t)64 << 10)

struct bills_chunk_mem {
	struct bills_chunk_mem *next;
	size_t cap, used;
	char data[];
};

static uint32_t hash_text(const char *s, size_t n)
{
	uint64_t h = 0x9E3779B97F4A7C15ull ^ (uint64_t)n, w;
	while (n >= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
		h ^= h >> 31;
		s += 8;
		n -= 8;
	}
	if (n) {
		w = 0;
		memcpy(&w, s, n);
		h = (h ^ w) * 0x94D049BB133111EBull;
	}
	h ^= h >> 29;
	h *= 0xBF58476D1CE4E5B9ull;
	return (uint32_t)(h >> 32);
}

static uint32_t hash_key(const uint32_t *k, size_t kw)
{
	uint64_t h = 0x2545F4914F6CDD1Dull;
	size_t i = 0;
	for (; i + 1 < kw; i += 2) {
		h = (h ^ ((uint64_t)k[i] | (uint64_t)k[i + 1] << 32)) * 0xBF58476D1CE4E5B9ull;
		h ^= h >> 31;
	}
	if (i < kw)
		h = (h ^ k[i]) * 0x94D049BB133111EBull;
	h ^= h >> 29;
	h *= 0xBF58476D1CE4E5B9ull;
	return (uint32_t)(h >> 32);
}

int mlc_bills__agg_new(bills_agg **out, size_t ndims, size_t nbases, size_t max_groups,
                       size_t max_values)
{
	bills_agg *a = mlcu_calloc(1, sizeof(*a));
	*out = NULL;
	if (!a)
		return mlcu_error_oom();
	a->ndims = ndims;
	a->nbases = nbases;
	a->kw = ndims + 3;
	a->max_groups = max_groups ? max_groups : BILLS_DEFAULT_MAX_GROUPS;
	a->max_values = max_values ? max_values : BILLS_DEFAULT_MAX_VALUES;
	if (a->max_groups > UINT32_MAX - 1)
		a->max_groups = UINT32_MAX - 1;
	if (a->max_values > UINT32_MAX - 1)
		a->max_values = UINT32_MAX - 1;
	*out = a;
	return 0;
}

void mlc_bills__agg_free(bills_agg *a)
{
	if (!a)
		return;
	for (size_t d = 0; d < a->ndims; d++) {
		mlcu_free(a->dict[d].slots);
		mlcu_free(a->dict[d].str);
		mlcu_free(a->dict[d].len);
		mlcu_free(a->dict[d].hash);
	}
	while (a->arena) {
		bills_chunk_mem *next = a->arena->next;
		mlcu_free(a->arena);
		a->arena = next;
	}
	for (size_t i = 0; i < a->ncur; i++)
		mlcu_free(a->cur[i]);
	mlcu_free(a->keys);
	mlcu_free(a->sums);
	mlcu_free(a->rows);
	mlcu_free(a->ghash);
	mlcu_free(a->table);
	mlcu_free(a);
}

/* A NUL-terminated copy of p[0..n) in the arena. */
static const char *arena_copy(bills_agg *a, const char *p, size_t n)
{
	bills_chunk_mem *c = a->arena;
	char *dst;
	if (!c || c->cap - c->used < n + 1) {
		size_t cap = n + 1 > ARENA_CHUNK ? n + 1 : ARENA_CHUNK;
		if (a->arena_bytes + cap > BILLS_MAX_VALUE_BYTES) {
			mlcu_error_set(MLC_ETOOLARGE,
			               "the distinct values grouped by take more than %zu MiB",
			               BILLS_MAX_VALUE_BYTES >> 20);
			return NULL;
		}
		if (!(c = mlcu_malloc(sizeof(*c) + cap))) {
			mlcu_error_oom();
			return NULL;
		}
		c->cap = cap;
		c->used = 0;
		c->next = a->arena;
		a->arena = c;
		a->arena_bytes += cap;
	}
	dst = c->data + c->used;
	if (n)
		memcpy(dst, p, n);
	dst[n] = '\0';
	c->used += n + 1;
	return dst;
}

static int dict_grow(bills_dict *t)
{
	size_t ns = t->nslots ? t->nslots * 2 : 64;
	uint32_t *slots = mlcu_calloc(ns, sizeof(uint32_t));
	if (!slots)
		return mlcu_error_oom();
	for (size_t id = 1; id <= t->count; id++) {
		size_t i = t->hash[id - 1] & (ns - 1);
		while (slots[i])
			i = (i + 1) & (ns - 1);
		slots[i] = (uint32_t)id;
	}
	mlcu_free(t->slots);
	t->slots = slots;
	t->nslots = ns;
	return 0;
}

static int dict_reserve(bills_dict *t)
{
	size_t cap = t->cap ? t->cap * 2 : 32;
	const char **str;
	uint32_t *len, *hash;
	if (t->count < t->cap)
		return 0;
	if (!(str = mlcu_reallocarray((void *)t->str, cap, sizeof(*str))))
		return mlcu_error_oom();
	t->str = str;
	if (!(len = mlcu_reallocarray(t->len, cap, sizeof(*len))))
		return mlcu_error_oom();
	t->len = len;
	if (!(hash = mlcu_reallocarray(t->hash, cap, sizeof(*hash))))
		return mlcu_error_oom();
	t->hash = hash;
	t->cap = cap;
	return 0;
}

static int dict_insert(uint32_t *out, bills_agg *a, bills_dict *t, size_t slot, uint32_t h,
                       const char *ptr, size_t len)
{
	const char *copy;
	int rc;
	if (t->count >= a->max_values)
		return mlcu_error_set(MLC_ETOOLARGE,
		                      "more than %zu distinct values in one dimension (the limit)",
		                      a->max_values);
	if ((rc = dict_reserve(t)) < 0)
		return rc;
	if (!(copy = arena_copy(a, ptr, len)))
		return mlc_error_code();
	t->str[t->count] = copy;
	t->len[t->count] = (uint32_t)len;
	t->hash[t->count] = h;
	t->count++;
	t->slots[slot] = (uint32_t)t->count;
	*out = (uint32_t)t->count;
	if (t->count * 2 >= t->nslots && (rc = dict_grow(t)) < 0)
		return rc;
	return 0;
}

int mlc_bills__intern(uint32_t *out, bills_agg *a, size_t d, const char *ptr, size_t len)
{
	bills_dict *t = &a->dict[d];
	uint32_t h, id;
	size_t i;
	int rc;
	if (!ptr) {
		*out = 0;
		return 0;
	}
	id = t->last;
	if (id && t->len[id - 1] == len && memcmp(t->str[id - 1], ptr, len) == 0) {
		*out = id;
		return 0;
	}
	if (len > UINT32_MAX - 1)
		return mlcu_error_set(MLC_ETOOLARGE, "a value longer than 4 GiB");
	if (!t->slots && (rc = dict_grow(t)) < 0)
		return rc;
	h = hash_text(ptr, len);
	for (i = h & (t->nslots - 1); (id = t->slots[i]) != 0; i = (i + 1) & (t->nslots - 1)) {
		if (t->hash[id - 1] == h && t->len[id - 1] == len &&
		    memcmp(t->str[id - 1], ptr, len) == 0) {
			t->last = id;
			*out = id;
			return 0;
		}
	}
	if ((rc = dict_insert(out, a, t, i, h, ptr, len)) < 0)
		return rc;
	t->last = *out;
	return 0;
}

void mlc_bills__key_tail(uint32_t *key, size_t ndims, int64_t bucket, uint32_t presence)
{
	uint64_t b = (uint64_t)bucket;
	key[ndims] = (uint32_t)b;
	key[ndims + 1] = (uint32_t)(b >> 32);
	key[ndims + 2] = presence;
}

int64_t mlc_bills__key_bucket(const bills_agg *a, size_t g)
{
	const uint32_t *k = a->keys + g * a->kw;
	return (int64_t)((uint64_t)k[a->ndims] | (uint64_t)k[a->ndims + 1] << 32);
}

uint32_t mlc_bills__key_presence(const bills_agg *a, size_t g)
{
	return a->keys[g * a->kw + a->ndims + 2];
}

static int groups_reserve(bills_agg *a)
{
	size_t cap = a->gcap ? a->gcap * 2 : 64;
	void *p;
	if (a->ngroups < a->gcap)
		return 0;
	if (cap > a->max_groups)
		cap = a->max_groups;
	if (!(p = mlcu_reallocarray(a->keys, cap, a->kw * sizeof(uint32_t))))
		return mlcu_error_oom();
	a->keys = p;
	if (!(p = mlcu_reallocarray(a->sums, cap, a->nbases * sizeof(mlcu_money))))
		return mlcu_error_oom();
	a->sums = p;
	if (!(p = mlcu_reallocarray(a->rows, cap, sizeof(uint64_t))))
		return mlcu_error_oom();
	a->rows = p;
	if (!(p = mlcu_reallocarray(a->ghash, cap, sizeof(uint32_t))))
		return mlcu_error_oom();
	a->ghash = p;
	a->gcap = cap;
	return 0;
}

static int table_grow(bills_agg *a)
{
	size_t nt = a->tcap ? a->tcap * 2 : 128;
	uint32_t *t = mlcu_calloc(nt, sizeof(uint32_t));
	if (!t)
		return mlcu_error_oom();
	for (size_t g = 0; g < a->ngroups; g++) {
		size_t i = a->ghash[g] & (nt - 1);
		while (t[i])
			i = (i + 1) & (nt - 1);
		t[i] = (uint32_t)(g + 1);
	}
	mlcu_free(a->table);
	a->table = t;
	a->tcap = nt;
	return 0;
}

static int new_group(size_t *out, bills_agg *a, size_t slot, uint32_t h, const uint32_t *key)
{
	size_t g = a->ngroups;
	int rc;
	if (g >= a->max_groups)
		return mlcu_error_set(MLC_ETOOLARGE,
		                      "more than %zu groups (the limit); group by fewer or coarser "
		                      "dimensions, or filter with --where",
		                      a->max_groups);
	if ((rc = groups_reserve(a)) < 0)
		return rc;
	memcpy(a->keys + g * a->kw, key, a->kw * sizeof(uint32_t));
	memset(a->sums + g * a->nbases, 0, a->nbases * sizeof(mlcu_money));
	a->rows[g] = 0;
	a->ghash[g] = h;
	a->ngroups++;
	a->table[slot] = (uint32_t)(g + 1);
	if (a->ngroups * 2 >= a->tcap && (rc = table_grow(a)) < 0)
		return rc;
	*out = g;
	return 0;
}

/* Keys are a few words: comparing inline beats a call to memcmp. */
static int key_equal(const uint32_t *a, const uint32_t *b, size_t kw)
{
	uint32_t diff = 0;
	for (size_t i = 0; i < kw; i++)
		diff |= a[i] ^ b[i];
	return diff == 0;
}

/* The index of the group of key, created when new. */
static int find_group(size_t *out, bills_agg *a, const uint32_t *key)
{
	size_t i;
	uint32_t h, gi;
	int rc;
	gi = a->last_group;
	if (gi && key_equal(a->keys + (gi - 1) * a->kw, key, a->kw)) {
		*out = gi - 1;
		return 0;
	}
	if (!a->table && (rc = table_grow(a)) < 0)
		return rc;
	h = hash_key(key, a->kw);
	for (i = h & (a->tcap - 1); (gi = a->table[i]) != 0; i = (i + 1) & (a->tcap - 1)) {
		if (a->ghash[gi - 1] == h && key_equal(a->keys + (gi - 1) * a->kw, key, a->kw)) {
			a->last_group = gi;
			*out = gi - 1;
			return 0;
		}
	}
	if ((rc = new_group(out, a, i, h, key)) < 0)
		return rc;
	a->last_group = (uint32_t)(*out + 1);
	return 0;
}

int mlc_bills__add(bills_agg *a, const uint32_t *key, const mlcu_money *cost, uint64_t rows)
{
	size_t g = 0;
	mlcu_money *sum;
	int rc = find_group(&g, a, key);
	if (rc < 0)
		return rc;
	sum = a->sums + g * a->nbases;
	for (size_t b = 0; b < a->nbases; b++)
		if (mlcu_money_add(&sum[b], cost[b]) < 0)
			return mlcu_error_set(MLC_ETOOLARGE, "a group's cost sum overflows");
	a->rows[g] += rows;
	return 0;
}

int mlc_bills__currency(bills_agg *a, const char *v, size_t len, const char *file)
{
	size_t i;
	for (i = 0; i < a->ncur; i++)
		if (strlen(a->cur[i]) == len && memcmp(a->cur[i], v, len) == 0)
			return 0;
	if (a->ncur == BILLS_MAX_CURRENCIES)
		return 0; /* enough to say there are several */
	if (!(a->cur[a->ncur] = mlcu_strndup(v, len)))
		return mlcu_error_oom();
	a->cur_file[a->ncur++] = file;
	return 0;
}

int mlc_bills__merge(bills_agg *dst, const bills_agg *src)
{
	uint32_t *map[MLC_BILLS_MAX_DIMS] = {0}, key[BILLS_MAX_KEY_WORDS];
	int rc = 0;
	size_t d, g;
	for (d = 0; d < src->ndims && !rc; d++) {
		const bills_dict *t = &src->dict[d];
		if (!(map[d] = mlcu_malloc((t->count + 1) * sizeof(uint32_t)))) {
			rc = mlcu_error_oom();
			break;
		}
		map[d][0] = 0;
		for (size_t id = 1; id <= t->count && !rc; id++)
			rc = mlc_bills__intern(&map[d][id], dst, d, t->str[id - 1], t->len[id - 1]);
	}
	for (g = 0; g < src->ngroups && !rc; g++) {
		const uint32_t *k = src->keys + g * src->kw;
		for (d = 0; d < src->ndims; d++)
			key[d] = map[d][k[d]];
		memcpy(key + src->ndims, k + src->ndims, 3 * sizeof(uint32_t));
		rc = mlc_bills__add(dst, key, src->sums + g * src->nbases, src->rows[g]);
	}
	for (size_t i = 0; i < src->ncur && !rc; i++)
		rc = mlc_bills__currency(dst, src->cur[i], strlen(src->cur[i]), src->cur_file[i]);
	for (d = 0; d < src->ndims; d++)
		mlcu_free(map[d]);
	return rc;
}
