/* SPDX-License-Identifier: MIT */
/*
 * pricing.c - the catalog itself: rows and strings in an arena (so entry
 * pointers stay valid across loads), hash indexes by resource name, by
 * region/resource and by token model, rebuilt after each successful load,
 * and the loading transaction (a failed load adds nothing).
 *
 * It does not read any format (pricing_catalog_csv.c, pricing_skypilot.c,
 * pricing_litellm.c, pricing_builtin.c) nor answer lookups (pricing_find.c).
 */
#include "pricing_internal.h"
#include "util/alloc.h"
#include "util/error.h"

#include <stdint.h>
#include <string.h>

#define ARENA_BLOCK (64u * 1024)

typedef struct arena_block {
	struct arena_block *next;
	size_t used, size;
	max_align_t data[]; /* aligned storage */
} arena_block;

struct mlc_catalog {
	arena_block *blocks;
	mlc_pricing__row **rows;
	size_t nrows, caprows;
	mlc_catalog_source *sources;
	size_t nsources, capsources;
	mlc_pricing__index *index; /* over all rows, NULL while empty */
};

static void *arena_alloc(mlc_catalog *cat, size_t size)
{
	arena_block *b = cat->blocks;
	size_t align = sizeof(max_align_t), bsize;
	size = (size + align - 1) / align * align;
	if (b == NULL || b->size - b->used < size) {
		bsize = size > ARENA_BLOCK ? size : ARENA_BLOCK;
		b = mlcu_malloc(sizeof(*b) + bsize);
		if (b == NULL) {
			mlcu_error_oom();
			return NULL;
		}
		b->next = cat->blocks;
		b->used = 0;
		b->size = bsize;
		cat->blocks = b;
	}
	b->used += size;
	return (char *)b->data + b->used - size;
}

const char *mlc_pricing__strndup(mlc_catalog *cat, const char *s, size_t len)
{
	char *p = arena_alloc(cat, len + 1);
	if (p) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

int mlc_catalog_new(mlc_catalog **out)
{
	*out = mlcu_calloc(1, sizeof(**out));
	return *out ? 0 : mlcu_error_oom();
}

void mlc_catalog_free(mlc_catalog *cat)
{
	arena_block *b, *next;
	if (cat == NULL)
		return;
	for (b = cat->blocks; b; b = next) {
		next = b->next;
		mlcu_free(b);
	}
	mlc_pricing__index_free(cat->index);
	mlcu_free(cat->rows);
	mlcu_free(cat->sources);
	mlcu_free(cat);
}

mlc_pricing__row *mlc_pricing__add_row(mlc_catalog *cat)
{
	mlc_pricing__row *row;
	if (cat->nrows == cat->caprows) {
		size_t cap = cat->caprows ? cat->caprows * 2 : 64;
		mlc_pricing__row **p = mlcu_reallocarray(cat->rows, cap, sizeof(*p));
		if (p == NULL) {
			mlcu_error_oom();
			return NULL;
		}
		cat->rows = p;
		cat->caprows = cap;
	}
	row = arena_alloc(cat, sizeof(*row));
	if (row == NULL)
		return NULL;
	memset(row, 0, sizeof(*row));
	row->e.provider = row->e.region = row->e.resource = "";
	row->e.gpu_model = row->e.as_of = row->e.source = "";
	cat->rows[cat->nrows++] = row;
	return row;
}

size_t mlc_pricing__nrows(const mlc_catalog *cat)
{
	return cat->nrows;
}

mlc_pricing__row *mlc_pricing__row_at(const mlc_catalog *cat, size_t i)
{
	return i < cat->nrows ? cat->rows[i] : NULL;
}

mlc_pricing__row *const *mlc_pricing__rows(const mlc_catalog *cat)
{
	return cat->rows;
}

const mlc_pricing__index *mlc_pricing__index_of(const mlc_catalog *cat)
{
	return cat->index;
}

int mlc_pricing__set_token_fields(mlc_catalog *cat, mlc_pricing__row *row)
{
	static const struct {
		const char *suffix;
		int kind;
	} kinds[] = {{":input", MLC_PRICING__TOK_INPUT},
		     {":output", MLC_PRICING__TOK_OUTPUT},
		     {":cached_input", MLC_PRICING__TOK_CACHED}};
	size_t i, n = strlen(row->e.resource);
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		size_t sl = strlen(kinds[i].suffix);
		if (n > sl && !strcmp(row->e.resource + n - sl, kinds[i].suffix)) {
			row->token_model = mlc_pricing__strndup(cat, row->e.resource, n - sl);
			if (row->token_model == NULL)
				return MLC_ENOMEM;
			row->token_kind = kinds[i].kind;
			if (row->per_token == 0)
				row->per_token = row->e.price[MLC_PRICING_ON_DEMAND] / 1e6;
			return 0;
		}
	}
	return MLC_EINVAL; /* the caller reports the row */
}

size_t mlc_catalog_count(const mlc_catalog *cat)
{
	return cat ? cat->nrows : 0;
}

const mlc_price_entry *mlc_catalog_entry(const mlc_catalog *cat, size_t i)
{
	return cat && i < cat->nrows ? &cat->rows[i]->e : NULL;
}

size_t mlc_catalog_source_count(const mlc_catalog *cat)
{
	return cat ? cat->nsources : 0;
}

const mlc_catalog_source *mlc_catalog_source_at(const mlc_catalog *cat, size_t i)
{
	return cat && i < cat->nsources ? &cat->sources[i] : NULL;
}

/*
 * Begin a load: reserve the source record. The record only counts once
 * mlc_pricing__commit succeeds, so a failed load leaves no trace.
 */
int mlc_pricing__begin(mlc_pricing__ctx *ctx, mlc_catalog *cat, const char *name,
		       const char *format)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->cat = cat;
	if (cat->nsources == cat->capsources) {
		size_t cap = cat->capsources ? cat->capsources * 2 : 4;
		mlc_catalog_source *p = mlcu_reallocarray(cat->sources, cap, sizeof(*p));
		if (p == NULL)
			return mlcu_error_oom();
		cat->sources = p;
		cat->capsources = cap;
	}
	ctx->name = mlc_pricing__strndup(cat, name, strlen(name));
	if (ctx->name == NULL)
		return MLC_ENOMEM;
	ctx->info = &cat->sources[cat->nsources];
	memset(ctx->info, 0, sizeof(*ctx->info));
	ctx->info->name = ctx->name;
	ctx->info->format = format;
	ctx->first_row = cat->nrows;
	return 0;
}

/* End a load: on success index the new rows, on failure drop them. */
int mlc_pricing__commit(mlc_pricing__ctx *ctx, int rc)
{
	mlc_catalog *cat = ctx->cat;
	mlc_pricing__index *idx = NULL;
	if (rc == 0 && cat->nrows > 0)
		rc = mlc_pricing__index_build(&idx, cat->rows, cat->nrows);
	if (rc) {
		cat->nrows = ctx->first_row; /* their strings stay in the arena until free */
		return rc;
	}
	if (idx) {
		mlc_pricing__index_free(cat->index);
		cat->index = idx;
	}
	ctx->info->entries = cat->nrows - ctx->first_row;
	cat->nsources++;
	return 0;
}
