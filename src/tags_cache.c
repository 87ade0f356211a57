/* SPDX-License-Identifier: MIT */
/*
 * tags_cache.c - the interning cache behind mlc_tags__intern (see tags.h).
 * Real exports repeat a few hundred distinct tags strings over millions of
 * rows, so each distinct string (by its raw bytes and parse flags) is
 * parsed once and its pairs kept in an arena; a row then costs a hash and a
 * compare, or only a compare when it repeats the previous row.
 *
 * Bounded: arena chunks and the hash table together stay under max_bytes.
 * When a new string does not fit the whole cache is dropped and refilled
 * (a new generation). Dropping everything, rather than evicting, keeps the
 * hot path free of bookkeeping; the generation tells callers that memoize
 * by set id to forget.
 */
#include "tags.h"
#include "util/alloc.h"
#include "util/error.h"

#include <stdint.h>
#include <string.h>

#define CHUNK_BYTES     ((size_t)256 << 10)
#define MIN_CACHE_BYTES ((size_t)1 << 20)

typedef struct chunk {
	struct chunk *next;
	size_t cap, used;
	/* data follows, 16-byte aligned */
} chunk;

typedef struct entry {
	uint64_t hash;
	const char *raw;
	uint32_t rawlen, flags;
	mlc_tags_set *set;
} entry;

struct mlc_tags_cache {
	size_t max_bytes, bytes;
	chunk *chunks;
	entry *table;
	size_t tcap, count;
	uint32_t next_id;
	uint64_t generation;
	const entry *last; /* the previous row's string */
	mlc_tags_pair *work_pairs;
	char *work_scratch, *work_plain;
};

#define CHUNK_HDR ((sizeof(chunk) + 15) & ~(size_t)15)

static uint64_t rotl(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

static uint64_t mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xFF51AFD7ED558CCDull;
	h ^= h >> 33;
	h *= 0xC4CEB9FE1A85EC53ull;
	return h ^ (h >> 33);
}

/*
 * Four independent lanes over 32-byte blocks, so the multiplies overlap
 * instead of forming one long dependency chain: tags strings are 50-300
 * bytes and this runs once per row. Equal hashes are confirmed by memcmp,
 * so the hash needs spread, not strength.
 */
static uint64_t hash_bytes(const char *s, size_t n, unsigned flags)
{
	const uint64_t k1 = 0x9E3779B97F4A7C15ull, k2 = 0xC2B2AE3D27D4EB4Full;
	uint64_t a = k1 ^ n, b = k2 ^ flags, c = k1 + k2, d = k2 - k1, w[4];
	size_t len = n;
	while (n >= 32) {
		memcpy(w, s, 32);
		a = rotl((a + w[0]) * k2, 31);
		b = rotl((b + w[1]) * k2, 31);
		c = rotl((c + w[2]) * k2, 31);
		d = rotl((d + w[3]) * k2, 31);
		s += 32;
		n -= 32;
	}
	while (n >= 8) {
		memcpy(w, s, 8);
		a = rotl((a + w[0]) * k2, 31) ^ b;
		s += 8;
		n -= 8;
	}
	if (n) {
		w[0] = 0;
		memcpy(w, s, n);
		b = rotl((b + w[0]) * k1, 29);
	}
	return mix(a ^ rotl(b, 17) ^ rotl(c, 29) ^ rotl(d, 43) ^ len);
}

static void drop_all(mlc_tags_cache *c)
{
	chunk *k = c->chunks;
	while (k) {
		chunk *next = k->next;
		mlcu_free(k);
		k = next;
	}
	c->chunks = NULL;
	c->bytes = c->tcap * sizeof(entry);
	if (c->table)
		memset(c->table, 0, c->tcap * sizeof(entry));
	c->count = 0;
	c->next_id = 0;
	c->last = NULL;
}

int mlc_tags__cache_new(mlc_tags_cache **out, size_t max_bytes)
{
	mlc_tags_cache *c;
	*out = NULL;
	if (max_bytes == 0)
		max_bytes = MLC_TAGS_CACHE_DEFAULT_BYTES;
	if (max_bytes < MIN_CACHE_BYTES)
		max_bytes = MIN_CACHE_BYTES;
	c = mlcu_calloc(1, sizeof(*c));
	if (!c)
		return mlcu_error_oom();
	c->max_bytes = max_bytes;
	c->tcap = 1024;
	c->table = mlcu_calloc(c->tcap, sizeof(entry));
	c->work_pairs = mlcu_malloc(MLC_TAGS_MAX_PAIRS * sizeof(mlc_tags_pair));
	c->work_scratch = mlcu_malloc(MLC_TAGS_MAX_BYTES);
	c->work_plain = mlcu_malloc(MLC_TAGS_MAX_BYTES);
	if (!c->table || !c->work_pairs || !c->work_scratch || !c->work_plain) {
		mlc_tags__cache_free(c);
		return mlcu_error_oom();
	}
	c->bytes = c->tcap * sizeof(entry);
	*out = c;
	return 0;
}

void mlc_tags__cache_free(mlc_tags_cache *c)
{
	if (!c)
		return;
	drop_all(c);
	mlcu_free(c->table);
	mlcu_free(c->work_pairs);
	mlcu_free(c->work_scratch);
	mlcu_free(c->work_plain);
	mlcu_free(c);
}

uint64_t mlc_tags__cache_generation(const mlc_tags_cache *c)
{
	return c->generation;
}

size_t mlc_tags__cache_count(const mlc_tags_cache *c)
{
	return c->count;
}

/* n bytes, 16-aligned, from the arena; the caller checked the budget. */
static void *arena_alloc(mlc_tags_cache *c, size_t n)
{
	chunk *k = c->chunks;
	n = (n + 15) & ~(size_t)15;
	if (!k || k->cap - k->used < n) {
		size_t cap = n > CHUNK_BYTES ? n : CHUNK_BYTES;
		k = mlcu_malloc(CHUNK_HDR + cap);
		if (!k)
			return NULL;
		k->cap = cap;
		k->used = 0;
		k->next = c->chunks;
		c->chunks = k;
		c->bytes += CHUNK_HDR + cap;
	}
	k->used += n;
	return (char *)k + CHUNK_HDR + k->used - n;
}

/* Worst case an allocation of n bytes adds to the budget. */
static size_t arena_cost(const mlc_tags_cache *c, size_t n)
{
	const chunk *k = c->chunks;
	n = (n + 15) & ~(size_t)15;
	if (k && k->cap - k->used >= n)
		return 0;
	return CHUNK_HDR + (n > CHUNK_BYTES ? n : CHUNK_BYTES);
}

static entry *probe(mlc_tags_cache *c, uint64_t h, const char *text, size_t len, unsigned flags)
{
	size_t mask = c->tcap - 1, i = (size_t)h & mask;
	for (;; i = (i + 1) & mask) {
		entry *e = &c->table[i];
		if (!e->set)
			return e;
		if (e->hash == h && e->rawlen == len && e->flags == flags &&
		    memcmp(e->raw, text, len) == 0)
			return e;
	}
}

static int grow_table(mlc_tags_cache *c)
{
	size_t ncap = c->tcap * 2;
	entry *nt = mlcu_calloc(ncap, sizeof(entry));
	if (!nt)
		return mlcu_error_oom();
	for (size_t i = 0; i < c->tcap; i++) {
		const entry *e = &c->table[i];
		size_t j;
		if (!e->set)
			continue;
		for (j = (size_t)e->hash & (ncap - 1); nt[j].set; j = (j + 1) & (ncap - 1))
			;
		nt[j] = *e;
	}
	mlcu_free(c->table);
	c->table = nt;
	c->bytes += (ncap - c->tcap) * sizeof(entry);
	c->tcap = ncap;
	return 0;
}

/* Collapse the doubled quotes of raw CSV text; returns the plain text. */
static const char *undouble(mlc_tags_cache *c, const char *text, size_t len, size_t *plen)
{
	size_t o = 0;
	if (!memchr(text, '"', len)) {
		*plen = len;
		return text;
	}
	for (size_t i = 0; i < len; i++) {
		c->work_plain[o++] = text[i];
		if (text[i] == '"' && i + 1 < len && text[i + 1] == '"')
			i++;
	}
	*plen = o;
	return c->work_plain;
}

/* Move a span that points into [from, from+n) to the same offset in to. */
static void rebase(mlc_span *v, const char *from, size_t n, const char *to)
{
	uintptr_t off = (uintptr_t)v->ptr - (uintptr_t)from;
	if (off < n || (off == n && v->len == 0))
		v->ptr = to + off;
}

/* End of the scratch bytes the pairs use. */
static size_t scratch_used(const mlc_tags_cache *c, size_t n)
{
	size_t used = 0;
	for (size_t i = 0; i < n; i++) {
		const mlc_span *v[2] = {&c->work_pairs[i].key, &c->work_pairs[i].value};
		for (int k = 0; k < 2; k++) {
			uintptr_t off = (uintptr_t)v[k]->ptr - (uintptr_t)c->work_scratch;
			if (off < MLC_TAGS_MAX_BYTES && off + v[k]->len > used)
				used = off + v[k]->len;
		}
	}
	return used;
}

/*
 * Copy a parsed (or failed) string into the arena: the set, its pairs, the
 * raw text (the key of the entry, and the text the pairs point into unless
 * quotes were collapsed), the collapsed text, the unescaped bytes, the
 * error message. Returns the set, or NULL when the budget is exhausted
 * (*oom set when malloc failed rather than the budget).
 */
static mlc_tags_set *store(mlc_tags_cache *c, const char *text, size_t len, const char *plain,
                           size_t plen, size_t n, int status, int *oom)
{
	const char *msg = status ? mlc_error_message() : NULL;
	size_t mlen = msg ? strlen(msg) + 1 : 0;
	size_t used = status ? 0 : scratch_used(c, n);
	size_t own_plain = plain != text ? plen : 0;
	size_t need =
	    sizeof(mlc_tags_set) + n * sizeof(mlc_tags_pair) + len + own_plain + used + mlen + 64;
	mlc_tags_set *set;
	mlc_tags_pair *pairs;
	char *raw, *pl, *scr, *err;
	*oom = 0;
	if (c->bytes + arena_cost(c, need) > c->max_bytes)
		return NULL;
	set = arena_alloc(c, need);
	if (!set) {
		*oom = 1;
		return NULL;
	}
	pairs = (mlc_tags_pair *)(set + 1);
	raw = (char *)(pairs + n);
	pl = own_plain ? raw + len : raw;
	scr = raw + len + own_plain;
	err = scr + used;
	memcpy(raw, text, len);
	if (own_plain)
		memcpy(pl, plain, plen);
	if (used)
		memcpy(scr, c->work_scratch, used);
	for (size_t i = 0; i < n; i++) {
		pairs[i] = c->work_pairs[i];
		rebase(&pairs[i].key, plain, plen, pl);
		rebase(&pairs[i].key, c->work_scratch, used, scr);
		rebase(&pairs[i].value, plain, plen, pl);
		rebase(&pairs[i].value, c->work_scratch, used, scr);
	}
	if (msg)
		memcpy(err, msg, mlen);
	set->id = c->next_id++;
	set->npairs = (uint32_t)n;
	set->status = status;
	set->error = msg ? err : NULL;
	set->pairs = pairs;
	return set;
}

static int result(const mlc_tags_set **out, const entry *e)
{
	*out = e->set;
	if (e->set->status)
		return mlcu_error_set(e->set->status, "%s", e->set->error);
	return 0;
}

/* Parse text (a miss) and enter it; returns 1 when the budget is exhausted. */
static int enter(const entry **out, mlc_tags_cache *c, uint64_t h, const char *text, size_t len,
                 unsigned flags)
{
	const char *plain = text;
	size_t plen = len, n = 0;
	mlc_tags_set *set;
	entry *e;
	int status, oom;
	if (flags & MLC_TAGS_CSV_RAW)
		plain = undouble(c, text, len, &plen);
	status = mlc_tags__parse(c->work_pairs, MLC_TAGS_MAX_PAIRS, &n, c->work_scratch, plain,
	                         plen, flags & ~MLC_TAGS_CSV_RAW);
	if (status)
		n = 0;
	if ((c->count + 1) * 2 > c->tcap) {
		if (c->bytes + c->tcap * sizeof(entry) > c->max_bytes)
			return 1;
		if (grow_table(c) < 0)
			return MLC_ENOMEM;
	}
	set = store(c, text, len, plain, plen, n, status, &oom);
	if (!set)
		return oom ? mlcu_error_oom() : 1;
	e = probe(c, h, text, len, flags);
	e->hash = h;
	e->raw = (const char *)(set->pairs + n);
	e->rawlen = (uint32_t)len;
	e->flags = flags;
	e->set = set;
	c->count++;
	*out = e;
	return 0;
}

/* Start a new generation with an empty arena and a small table. */
static int new_generation(mlc_tags_cache *c)
{
	entry *small = mlcu_calloc(1024, sizeof(entry));
	if (!small)
		return mlcu_error_oom();
	drop_all(c);
	mlcu_free(c->table);
	c->table = small;
	c->tcap = 1024;
	c->bytes = c->tcap * sizeof(entry);
	c->generation++;
	return 0;
}

int mlc_tags__intern(const mlc_tags_set **out, mlc_tags_cache *c, const char *text, size_t len,
                     unsigned flags)
{
	const entry *e;
	uint64_t h;
	int rc;
	*out = NULL;
	if (len > MLC_TAGS_MAX_BYTES)
		return mlcu_error_set(MLC_ETOOLARGE, "longer than %u bytes", MLC_TAGS_MAX_BYTES);
	if (c->last && c->last->rawlen == len && c->last->flags == flags &&
	    memcmp(c->last->raw, text, len) == 0)
		return result(out, c->last);
	h = hash_bytes(text, len, flags);
	e = probe(c, h, text, len, flags);
	if (!e->set) {
		rc = enter(&e, c, h, text, len, flags);
		if (rc == 1) {
			/* full: drop everything and try once more in the empty cache */
			if ((rc = new_generation(c)) < 0)
				return rc;
			rc = enter(&e, c, h, text, len, flags);
			if (rc == 1)
				return mlcu_error_set(MLC_ETOOLARGE,
				                      "tags cache smaller than one entry");
		}
		if (rc < 0)
			return rc;
	}
	c->last = e;
	return result(out, e);
}
