/* SPDX-License-Identifier: MIT */
/*
 * event_index_dedup.c - the set of recently seen event ids, and the keyed
 * hash the engine's tables use.
 *
 * An id is kept as a 64-bit hash under a random key chosen at start (the
 * set is rebuilt at every start, so the key need not persist): a ring in
 * arrival order, so the oldest are forgotten first (by age past the window,
 * or when the ring is full), and a linear-probing table of the same hashes
 * at most half full, with backward-shift deletion so no tombstones pile up.
 * A false "duplicate" needs two ids with equal 64-bit hashes: about n/2^64
 * per event with n ids remembered (5e-14 for a million).
 *
 * What it is not: the authority on ids. An id forgotten here that the
 * store already has is dropped when the store sees it (engine.h).
 */
#include "engine_internal.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

/* ---- hashing --------------------------------------------------------------------------- */

static uint64_t fmix(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdull;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ull;
	k ^= k >> 33;
	return k;
}

uint64_t mlcd_hash(const void *data, size_t n, uint64_t seed)
{
	const unsigned char *p = data;
	const uint64_t m = 0xc6a4a7935bd1e995ull;
	uint64_t h = seed ^ (n * m);
	for (; n >= 8; n -= 8, p += 8) {
		uint64_t k;
		memcpy(&k, p, 8);
		k *= m;
		k ^= k >> 47;
		k *= m;
		h ^= k;
		h *= m;
	}
	if (n) {
		uint64_t k = 0;
		memcpy(&k, p, n);
		h ^= k;
		h *= m;
	}
	return fmix(h);
}

uint64_t mlcd_random_seed(void)
{
	uint64_t s = 0;
	if (getrandom(&s, sizeof(s), GRND_NONBLOCK) != (ssize_t)sizeof(s)) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		s = fmix((uint64_t)ts.tv_nsec ^ (uint64_t)ts.tv_sec << 20 ^ (uint64_t)getpid());
	}
	return s;
}

/* ---- the set --------------------------------------------------------------------------- */

struct mlcd_dedup {
	uint64_t seed;
	int64_t window;
	uint64_t *ring_hash; /* arrival order; head is the oldest */
	int64_t *ring_time;
	size_t max, head, n;
	uint64_t *slot; /* 0 = empty */
	size_t mask;
};

int mlcd_dedup_new(mlcd_dedup **out, size_t max_ids, int64_t window_s)
{
	mlcd_dedup *d = calloc(1, sizeof(*d));
	size_t slots = 16;
	*out = NULL;
	if (!d)
		return mlcd__error_set(MLC_ENOMEM, "out of memory");
	d->seed = mlcd_random_seed();
	d->window = window_s;
	d->max = max_ids ? max_ids : 1;
	while (slots < 2 * d->max)
		slots *= 2;
	d->mask = slots - 1;
	d->ring_hash = malloc(d->max * sizeof(uint64_t));
	d->ring_time = malloc(d->max * sizeof(int64_t));
	d->slot = calloc(slots, sizeof(uint64_t));
	if (!d->ring_hash || !d->ring_time || !d->slot) {
		mlcd_dedup_free(d);
		return mlcd__error_set(MLC_ENOMEM, "out of memory for %zu ids", max_ids);
	}
	*out = d;
	return 0;
}

void mlcd_dedup_free(mlcd_dedup *d)
{
	if (!d)
		return;
	free(d->ring_hash);
	free(d->ring_time);
	free(d->slot);
	free(d);
}

uint64_t mlcd_dedup_hash(const mlcd_dedup *d, const char *id)
{
	uint64_t h = mlcd_hash(id, strlen(id), d->seed);
	return h ? h : 1; /* 0 marks an empty slot */
}

static size_t find(const mlcd_dedup *d, uint64_t h)
{
	size_t i = (size_t)h & d->mask;
	while (d->slot[i] && d->slot[i] != h)
		i = (i + 1) & d->mask;
	return i;
}

/* Remove h from the table, shifting back the entries that probed past it. */
static void table_remove(mlcd_dedup *d, uint64_t h)
{
	size_t i = find(d, h), j = i;
	if (!d->slot[i])
		return;
	for (;;) {
		size_t home;
		j = (j + 1) & d->mask;
		if (!d->slot[j])
			break;
		home = (size_t)d->slot[j] & d->mask;
		/* move j to i unless its home lies cyclically in (i, j] */
		if (i <= j ? (home > i && home <= j) : (home > i || home <= j))
			continue;
		d->slot[i] = d->slot[j];
		i = j;
	}
	d->slot[i] = 0;
}

static void drop_oldest(mlcd_dedup *d)
{
	table_remove(d, d->ring_hash[d->head]);
	d->head = (d->head + 1) % d->max;
	d->n--;
}

int mlcd_dedup_check_add(mlcd_dedup *d, uint64_t h, int64_t t)
{
	size_t i = find(d, h);
	if (d->slot[i])
		return 1;
	if (d->n == d->max) {
		drop_oldest(d);
		i = find(d, h);
	}
	d->slot[i] = h;
	d->ring_hash[(d->head + d->n) % d->max] = h;
	d->ring_time[(d->head + d->n) % d->max] = t;
	d->n++;
	return 0;
}

void mlcd_dedup_pop(mlcd_dedup *d, uint64_t h)
{
	size_t last;
	if (d->n == 0)
		return;
	last = (d->head + d->n - 1) % d->max;
	if (d->ring_hash[last] != h)
		return;
	table_remove(d, h);
	d->n--;
}

void mlcd_dedup_expire(mlcd_dedup *d, int64_t now)
{
	while (d->n > 0 && d->ring_time[d->head] < now - d->window)
		drop_oldest(d);
}

size_t mlcd_dedup_count(const mlcd_dedup *d)
{
	return d->n;
}
