/* SPDX-License-Identifier: MIT */
/*
 * allocation_keymap.c - (period, tag, string) -> payload table for the
 * allocation, usage and unit-cost modules (see allocation_keymap.h). Keys
 * are few (groups, not rows), so the design favours simplicity: linear
 * probing at load <= 1/2, FNV-1a, strings in append-only chunks.
 */
#include "allocation_keymap.h"
#include "util/alloc.h"
#include "util/error.h"

#include <string.h>

#define CHUNK_BYTES ((size_t)64 << 10)

typedef struct km_entry {
	uint64_t hash;
	int64_t period;
	const char *str; /* NULL: missing */
	size_t len;
	uint32_t tag;
} km_entry;

typedef struct km_chunk {
	struct km_chunk *next;
	size_t used, cap;
	char data[];
} km_chunk;

struct mlc_keymap {
	km_entry *e;
	unsigned char *payload;
	size_t n, cap;  /* entries used / allocated */
	uint32_t *slot; /* entry index + 1; 0 empty */
	size_t nslots;  /* power of two */
	size_t psize, max;
	km_chunk *chunks;
};

static uint64_t hash_key(int64_t period, uint32_t tag, const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ULL;
	uint64_t p = (uint64_t)period;
	int i;
	for (i = 0; i < 8; i++)
		h = (h ^ ((p >> (8 * i)) & 0xff)) * 1099511628211ULL;
	for (i = 0; i < 4; i++)
		h = (h ^ ((tag >> (8 * i)) & 0xff)) * 1099511628211ULL;
	h = (h ^ (s ? 1u : 2u)) * 1099511628211ULL;
	for (size_t k = 0; s && k < len; k++)
		h = (h ^ (unsigned char)s[k]) * 1099511628211ULL;
	return h ^ (h >> 29);
}

int mlc_alloc__km_new(mlc_keymap **out, size_t payload_size, size_t max_keys)
{
	mlc_keymap *m;
	*out = NULL;
	if (max_keys == 0 || max_keys > UINT32_MAX / 4)
		return mlcu_error_set(MLC_EINVAL, "keymap: bad maximum %zu", max_keys);
	if (!(m = mlcu_calloc(1, sizeof(*m))))
		return mlcu_error_oom();
	m->psize = payload_size;
	m->max = max_keys;
	m->nslots = 64;
	if (!(m->slot = mlcu_calloc(m->nslots, sizeof(*m->slot)))) {
		mlcu_free(m);
		return mlcu_error_oom();
	}
	*out = m;
	return 0;
}

void mlc_alloc__km_free(mlc_keymap *m)
{
	km_chunk *c, *next;
	if (!m)
		return;
	for (c = m->chunks; c; c = next) {
		next = c->next;
		mlcu_free(c);
	}
	mlcu_free(m->e);
	mlcu_free(m->payload);
	mlcu_free(m->slot);
	mlcu_free(m);
}

static int same(const km_entry *e, uint64_t h, int64_t period, uint32_t tag, const char *s,
                size_t len)
{
	if (e->hash != h || e->period != period || e->tag != tag || !e->str != !s)
		return 0;
	return !s || (e->len == len && memcmp(e->str, s, len) == 0);
}

/* The slot holding the key, or the empty slot where it would go. */
static size_t probe(const mlc_keymap *m, uint64_t h, int64_t period, uint32_t tag, const char *s,
                    size_t len)
{
	size_t mask = m->nslots - 1, i = (size_t)h & mask;
	while (m->slot[i] && !same(&m->e[m->slot[i] - 1], h, period, tag, s, len))
		i = (i + 1) & mask;
	return i;
}

int mlc_alloc__km_find(size_t *out, const mlc_keymap *m, int64_t period, uint32_t tag,
                       const char *s, size_t len)
{
	size_t i = probe(m, hash_key(period, tag, s, len), period, tag, s, len);
	if (!m->slot[i])
		return MLC_ENOTFOUND;
	*out = m->slot[i] - 1;
	return 0;
}

static int grow_slots(mlc_keymap *m)
{
	size_t n = m->nslots * 2, i;
	uint32_t *s = mlcu_calloc(n, sizeof(*s));
	if (!s)
		return mlcu_error_oom();
	mlcu_free(m->slot);
	m->slot = s;
	m->nslots = n;
	for (i = 0; i < m->n; i++) {
		size_t j = (size_t)m->e[i].hash & (n - 1);
		while (s[j])
			j = (j + 1) & (n - 1);
		s[j] = (uint32_t)(i + 1);
	}
	return 0;
}

static int grow_entries(mlc_keymap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 16;
	km_entry *e;
	unsigned char *p;
	if (!(e = mlcu_reallocarray(m->e, cap, sizeof(*e))))
		return mlcu_error_oom();
	m->e = e;
	if (m->psize) {
		if (!(p = mlcu_reallocarray(m->payload, cap, m->psize)))
			return mlcu_error_oom();
		m->payload = p;
	}
	m->cap = cap;
	return 0;
}

/* A stable NUL-terminated copy of s[0..len). */
static const char *keep(mlc_keymap *m, const char *s, size_t len)
{
	km_chunk *c = m->chunks;
	char *d;
	if (!c || c->cap - c->used < len + 1) {
		size_t cap = len + 1 > CHUNK_BYTES ? len + 1 : CHUNK_BYTES;
		if (!(c = mlcu_malloc(sizeof(*c) + cap)))
			return NULL;
		c->used = 0;
		c->cap = cap;
		c->next = m->chunks;
		m->chunks = c;
	}
	d = c->data + c->used;
	memcpy(d, s, len);
	d[len] = '\0';
	c->used += len + 1;
	return d;
}

int mlc_alloc__km_get(size_t *out, int *created, mlc_keymap *m, int64_t period, uint32_t tag,
                      const char *s, size_t len)
{
	uint64_t h = hash_key(period, tag, s, len);
	size_t i = probe(m, h, period, tag, s, len);
	km_entry *e;
	if (created)
		*created = 0;
	if (m->slot[i]) {
		*out = m->slot[i] - 1;
		return 0;
	}
	if (m->n >= m->max)
		return mlcu_error_set(MLC_ETOOLARGE, "more than %zu distinct keys", m->max);
	if (m->n == m->cap && grow_entries(m) != 0)
		return MLC_ENOMEM;
	/* keep the load at most 1/2, growing before the insertion so that a
	 * failure leaves the table as it was */
	if ((m->n + 1) * 2 > m->nslots) {
		if (grow_slots(m) != 0)
			return MLC_ENOMEM;
		i = probe(m, h, period, tag, s, len);
	}
	e = &m->e[m->n];
	e->hash = h;
	e->period = period;
	e->tag = tag;
	e->len = s ? len : 0;
	e->str = NULL;
	if (s && !(e->str = keep(m, s, len)))
		return mlcu_error_oom();
	if (m->psize)
		memset(m->payload + m->n * m->psize, 0, m->psize);
	m->slot[i] = (uint32_t)(m->n + 1);
	*out = m->n++;
	if (created)
		*created = 1;
	return 0;
}

size_t mlc_alloc__km_count(const mlc_keymap *m)
{
	return m->n;
}

void *mlc_alloc__km_payload(const mlc_keymap *m, size_t i)
{
	return m->payload + i * m->psize;
}

const char *mlc_alloc__km_str(const mlc_keymap *m, size_t i, size_t *len)
{
	if (len)
		*len = m->e[i].len;
	return m->e[i].str;
}

int64_t mlc_alloc__km_period(const mlc_keymap *m, size_t i)
{
	return m->e[i].period;
}

uint32_t mlc_alloc__km_tag(const mlc_keymap *m, size_t i)
{
	return m->e[i].tag;
}

int mlc_alloc__strcmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int c;
	if (!a || !b)
		return a ? 1 : b ? -1 : 0;
	c = memcmp(a, b, alen < blen ? alen : blen);
	if (c)
		return c;
	return alen < blen ? -1 : alen > blen;
}
