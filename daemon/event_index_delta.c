/* SPDX-License-Identifier: MIT */
/*
 * event_index_delta.c - a batch of events summed per cell before it
 * touches the index: an append of a thousand events, or a compacted chunk
 * of twenty thousand, usually falls into a few cells, so the index's write
 * lock is held for those few and a budget check waiting on it is not kept
 * waiting for the whole batch.
 *
 * Texts are borrowed from the events, which outlive the delta.
 *
 * What it is not: the index (event_index.c), which applies a delta all or
 * nothing.
 */
#include "engine_internal.h"

#include <stdlib.h>
#include <string.h>

static int same_text(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static uint64_t group_hash(const char *const *dim, int64_t hour)
{
	uint64_t h = mlcd_hash(&hour, sizeof(hour), 0x6d6c636f7374ull);
	for (int d = 0; d < MLCD_DIM_COUNT; d++)
		h = mlcd_hash(dim[d] ? dim[d] : "", dim[d] ? strlen(dim[d]) : 0, h + (uint64_t)d);
	return h;
}

static int regrow(mlcd_delta *d)
{
	size_t slots = d->mask ? 2 * (d->mask + 1) : 64;
	uint32_t *s = calloc(slots, sizeof(*s));
	if (!s)
		return mlcd__error_set(MLC_ENOMEM, "out of memory");
	for (size_t g = 0; g < d->n; g++) {
		size_t i = (size_t)d->g[g].h & (slots - 1);
		while (s[i])
			i = (i + 1) & (slots - 1);
		s[i] = (uint32_t)g + 1;
	}
	free(d->slot);
	d->slot = s, d->mask = slots - 1;
	return 0;
}

int mlcd_delta_add(mlcd_delta *d, const mlcd_event *e)
{
	const char *dim[MLCD_DIM_COUNT];
	int64_t hour = e->ev.time - e->ev.time % 3600;
	mlcd_delta_group *g = NULL;
	uint64_t h;
	size_t i;
	dim[MLCD_DIM_MODEL] = e->ev.model, dim[MLCD_DIM_TEAM] = e->ev.team;
	dim[MLCD_DIM_ENDPOINT] = e->ev.endpoint, dim[MLCD_DIM_VERSION] = e->ev.version;
	if (2 * (d->n + 1) > (d->mask ? d->mask + 1 : 0) && regrow(d) != 0)
		return MLC_ENOMEM;
	h = group_hash(dim, hour);
	for (i = (size_t)h & d->mask; d->slot[i]; i = (i + 1) & d->mask) {
		mlcd_delta_group *c = &d->g[d->slot[i] - 1];
		if (c->h == h && c->hour == hour && same_text(c->dim[0], dim[0]) &&
		    same_text(c->dim[1], dim[1]) && same_text(c->dim[2], dim[2]) &&
		    same_text(c->dim[3], dim[3])) {
			g = c;
			break;
		}
	}
	if (!g) {
		if (d->n == d->cap) {
			size_t cap = d->cap ? 2 * d->cap : 64;
			mlcd_delta_group *p = realloc(d->g, cap * sizeof(*p));
			if (!p)
				return mlcd__error_set(MLC_ENOMEM, "out of memory");
			d->g = p, d->cap = cap;
		}
		g = &d->g[d->n++];
		memset(g, 0, sizeof(*g));
		memcpy(g->dim, dim, sizeof(dim));
		g->hour = hour, g->h = h;
		d->slot[i] = (uint32_t)d->n;
	}
	g->sum.cost += mlcd_amount_money(e->cost);
	g->sum.requests += e->ev.requests;
	g->sum.events++;
	g->sum.input_tokens += e->ev.input_tokens;
	g->sum.output_tokens += e->ev.output_tokens;
	return 0;
}

void mlcd_delta_reset(mlcd_delta *d)
{
	d->n = 0;
	if (d->slot)
		memset(d->slot, 0, (d->mask + 1) * sizeof(*d->slot));
}

void mlcd_delta_free(mlcd_delta *d)
{
	free(d->g);
	free(d->slot);
	memset(d, 0, sizeof(*d));
}
