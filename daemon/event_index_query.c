/* SPDX-License-Identifier: MIT */
/*
 * event_index_query.c - GET /v1/costs from memory: walk the hourly cells,
 * keep those in the range that pass the filters, sum them into groups
 * (the dimensions asked for, and the hour or day), then sort the groups
 * and copy their texts out so the answer outlives the read lock.
 *
 * What it is not: the totals' upkeep (event_index.c).
 */
#define _GNU_SOURCE /* qsort_r: the comparison needs the index for the texts */
#include "engine_internal.h"

#include <stdlib.h>
#include <string.h>

#define MAX_GROUPS (1u << 20)

typedef struct group_key {
	uint32_t dim[MLCD_DIM_COUNT];
	int64_t bucket;
} group_key;

typedef struct group {
	group_key k;
	mlcd_tot sum;
} group;

typedef struct query_ctx {
	const mlcd_index *x;
	const mlcd_cost_query *q;
	uint32_t *only[MLCD_DIM_COUNT]; /* ids of the allowed values (0 = missing) */
	size_t nonly[MLCD_DIM_COUNT];
	group *groups;
	size_t n, cap;
	uint32_t *slot; /* 1-based indices into groups */
	size_t mask;
	mlcd_tot total;
	int rc;
} query_ctx;

static int allowed(const query_ctx *c, const uint32_t *dim)
{
	for (int d = 0; d < MLCD_DIM_COUNT; d++) {
		size_t i = 0;
		if (!c->q->only[d])
			continue;
		while (i < c->nonly[d] && c->only[d][i] != dim[d])
			i++;
		if (i == c->nonly[d])
			return 0;
	}
	return 1;
}

static void tot_add(mlcd_tot *a, const mlcd_tot *b)
{
	a->cost += b->cost;
	a->requests += b->requests;
	a->events += b->events;
	a->input_tokens += b->input_tokens;
	a->output_tokens += b->output_tokens;
}

static int rehash(query_ctx *c)
{
	size_t slots = 2 * (c->mask + 1);
	uint32_t *s = calloc(slots, sizeof(*s));
	if (!s)
		return MLC_ENOMEM;
	for (size_t g = 0; g < c->n; g++) {
		size_t i = (size_t)mlcd_hash(&c->groups[g].k, sizeof(group_key), 0) & (slots - 1);
		while (s[i])
			i = (i + 1) & (slots - 1);
		s[i] = (uint32_t)g + 1;
	}
	free(c->slot);
	c->slot = s, c->mask = slots - 1;
	return 0;
}

static int add_cell(const uint32_t dim[MLCD_DIM_COUNT], int64_t hour, const mlcd_tot *sum,
                    void *vctx)
{
	query_ctx *c = vctx;
	const mlcd_cost_query *q = c->q;
	group key;
	size_t i;
	const group *g;
	if ((q->from && hour < q->from) || (q->to && hour >= q->to) || !allowed(c, dim))
		return 0;
	if (sum->events == 0 && sum->cost == 0 && sum->requests == 0)
		return 0;
	memset(&key, 0, sizeof(key));
	for (int d = 0; d < MLCD_DIM_COUNT; d++)
		key.k.dim[d] = q->by[d] ? dim[d] : 0;
	key.k.bucket = q->bucket == MLCD_BUCKET_HOUR  ? hour
	               : q->bucket == MLCD_BUCKET_DAY ? hour - hour % 86400
	                                              : 0;
	tot_add(&c->total, sum);
	i = (size_t)mlcd_hash(&key.k, sizeof(group_key), 0) & c->mask;
	while (c->slot[i] &&
	       (g = &c->groups[c->slot[i] - 1], memcmp(&g->k, &key.k, sizeof(group_key))))
		i = (i + 1) & c->mask;
	if (c->slot[i]) {
		tot_add(&c->groups[c->slot[i] - 1].sum, sum);
		return 0;
	}
	if (c->n == MAX_GROUPS)
		return c->rc = mlcd__error_set(MLC_ETOOLARGE, "more than %u groups", MAX_GROUPS);
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 64;
		group *g = realloc(c->groups, cap * sizeof(*g));
		if (!g)
			return c->rc = mlcd__error_set(MLC_ENOMEM, "out of memory");
		c->groups = g, c->cap = cap;
	}
	key.sum = *sum;
	c->groups[c->n++] = key;
	c->slot[i] = (uint32_t)c->n;
	if (2 * c->n > c->mask && rehash(c) != 0)
		return c->rc = mlcd__error_set(MLC_ENOMEM, "out of memory");
	return 0;
}

/* ---- the answer ------------------------------------------------------------------------ */

typedef struct rows_impl {
	mlcd_cost_rows pub; /* first: the public pointer is this one */
	mlcd_cost_row *rows;
	char *text;
} rows_impl;

void mlcd_cost_rows_free(mlcd_cost_rows *r)
{
	rows_impl *ri = (rows_impl *)r;
	if (!ri)
		return;
	free(ri->rows);
	free(ri->text);
	free(ri);
}

static int text_cmp(const mlcd_index *x, uint32_t a, uint32_t b)
{
	if (a == b)
		return 0;
	if (!a || !b)
		return a ? 1 : -1; /* missing first */
	return strcmp(mlcd_index__text(x, a), mlcd_index__text(x, b));
}

static int group_cmp(const void *pa, const void *pb, void *x)
{
	const group *a = pa, *b = pb;
	if (a->k.bucket != b->k.bucket)
		return a->k.bucket < b->k.bucket ? -1 : 1;
	for (int d = 0; d < MLCD_DIM_COUNT; d++) {
		int c = text_cmp(x, a->k.dim[d], b->k.dim[d]);
		if (c)
			return c;
	}
	return 0;
}

static void row_of(mlcd_cost_row *r, const mlcd_tot *t)
{
	r->cost = mlcd_money_amount(t->cost);
	r->requests = t->requests;
	r->events = t->events;
	r->input_tokens = t->input_tokens;
	r->output_tokens = t->output_tokens;
}

/* Copy the sorted groups out with their texts into one block. */
static int build(mlcd_cost_rows **out, query_ctx *c)
{
	rows_impl *ri = calloc(1, sizeof(*ri));
	size_t bytes = 1, at = 0;
	for (size_t g = 0; g < c->n; g++)
		for (int d = 0; d < MLCD_DIM_COUNT; d++)
			if (c->groups[g].k.dim[d])
				bytes += strlen(mlcd_index__text(c->x, c->groups[g].k.dim[d])) + 1;
	if (!ri)
		return mlcd__error_set(MLC_ENOMEM, "out of memory");
	if (!(ri->rows = calloc(c->n ? c->n : 1, sizeof(*ri->rows))) ||
	    !(ri->text = malloc(bytes))) {
		mlcd_cost_rows_free(&ri->pub);
		return mlcd__error_set(MLC_ENOMEM, "out of memory");
	}
	for (size_t g = 0; g < c->n; g++) {
		mlcd_cost_row *r = &ri->rows[g];
		for (int d = 0; d < MLCD_DIM_COUNT; d++) {
			const char *t = mlcd_index__text(c->x, c->groups[g].k.dim[d]);
			if (!t)
				continue;
			r->key[d] = strcpy(ri->text + at, t);
			at += strlen(t) + 1;
		}
		r->bucket = c->groups[g].k.bucket;
		row_of(r, &c->groups[g].sum);
	}
	ri->pub.rows = ri->rows;
	ri->pub.n = c->n;
	row_of(&ri->pub.total, &c->total);
	*out = &ri->pub;
	return 0;
}

static int resolve_only(query_ctx *c)
{
	for (int d = 0; d < MLCD_DIM_COUNT; d++) {
		if (!c->q->only[d])
			continue;
		c->nonly[d] = c->q->nonly[d];
		if (!(c->only[d] = calloc(c->nonly[d] ? c->nonly[d] : 1, sizeof(uint32_t))))
			return mlcd__error_set(MLC_ENOMEM, "out of memory");
		for (size_t i = 0; i < c->nonly[d]; i++) {
			const char *v = c->q->only[d][i];
			mlcd_index__find_text(c->x, v, &c->only[d][i]);
			if (v && *v && !c->only[d][i])
				c->only[d][i] = UINT32_MAX; /* a value never seen matches nothing */
		}
	}
	return 0;
}

int mlcd_index_costs(mlcd_cost_rows **out, const mlcd_index *x, const mlcd_cost_query *q)
{
	query_ctx c;
	int rc;
	*out = NULL;
	memset(&c, 0, sizeof(c));
	c.x = x, c.q = q, c.mask = 255;
	if (!(c.slot = calloc(c.mask + 1, sizeof(*c.slot))))
		return mlcd__error_set(MLC_ENOMEM, "out of memory");
	if ((rc = resolve_only(&c)) == 0 && (rc = mlcd_index__walk(x, add_cell, &c)) == 0) {
		if (c.n > 1)
			qsort_r(c.groups, c.n, sizeof(group), group_cmp, (void *)x);
		rc = build(out, &c);
	}
	if (rc == 0 && c.rc)
		rc = c.rc;
	for (int d = 0; d < MLCD_DIM_COUNT; d++)
		free(c.only[d]);
	free(c.groups);
	free(c.slot);
	return rc;
}
