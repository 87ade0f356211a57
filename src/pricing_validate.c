/* SPDX-License-Identifier: MIT */
/*
 * pricing_validate.c - the checks `mlcost pricing validate` adds to what the
 * readers already reject: prices that are valid numbers but unlikely to be
 * right (spot or reserved above on-demand, 3-year above 1-year) and a
 * resource defined twice in one region of one source (the second is never
 * used, since the first definition wins).
 *
 * Loading does not run these: a catalog with such rows still loads.
 */
#include "pricing_internal.h"

#include <stdio.h>
#include <string.h>

static void place(char *out, size_t n, const mlc_pricing__ctx *ctx, const mlc_price_entry *e)
{
	if (e->line)
		snprintf(out, n, "%s:%u", ctx->name, e->line);
	else
		snprintf(out, n, "%s", ctx->name);
}

/* Price pm above price ref, both offered: a finding. */
static int above(mlc_pricing__ctx *ctx, const mlc_price_entry *e, mlc_pricing_model pm,
		 mlc_pricing_model ref)
{
	char where[512], a[32], b[32];
	if (!e->offered[pm] || !e->offered[ref] || e->price[pm] <= e->price[ref])
		return 0;
	place(where, sizeof(where), ctx, e);
	snprintf(a, sizeof(a), "%.10g", e->price[pm]);
	snprintf(b, sizeof(b), "%.10g", e->price[ref]);
	return mlc_pricing__findings_add(ctx->findings, e->line,
					 "%s: resource '%s': %s price %s is above %s %s", where,
					 e->resource, mlc_pricing_model_name(pm), a,
					 mlc_pricing_model_name(ref), b);
}

static int check_prices(mlc_pricing__ctx *ctx, const mlc_price_entry *e)
{
	int rc = above(ctx, e, MLC_PRICING_SPOT, MLC_PRICING_ON_DEMAND);
	if (rc == 0)
		rc = above(ctx, e, MLC_PRICING_RESERVED_1Y, MLC_PRICING_ON_DEMAND);
	if (rc == 0)
		rc = above(ctx, e, MLC_PRICING_RESERVED_3Y, MLC_PRICING_ON_DEMAND);
	if (rc == 0)
		rc = above(ctx, e, MLC_PRICING_RESERVED_3Y, MLC_PRICING_RESERVED_1Y);
	return rc;
}

int mlc_pricing__check_rows(mlc_pricing__ctx *ctx, size_t first)
{
	mlc_pricing__index *idx = NULL;
	size_t i, n = mlc_pricing__nrows(ctx->cat);
	mlc_pricing__row *const *rows = mlc_pricing__rows(ctx->cat);
	char where[512];
	int rc;
	if (n <= first)
		return 0;
	/* an index of this source alone: the first row of each (region, resource) */
	rc = mlc_pricing__index_build(&idx, rows + first, n - first);
	for (i = first; rc == 0 && i < n; i++) {
		const mlc_price_entry *e = &rows[i]->e;
		const mlc_pricing__row *f =
			mlc_pricing__index_find(idx, e->region, strlen(e->region), e->resource);
		rc = check_prices(ctx, e);
		if (rc || f == rows[i])
			continue;
		place(where, sizeof(where), ctx, e);
		rc = mlc_pricing__findings_add(ctx->findings, e->line,
					       "%s: resource '%s' in region '%s' is already defined "
					       "at line %u (the first definition is used)",
					       where, e->resource, e->region, f->e.line);
	}
	mlc_pricing__index_free(idx);
	return rc;
}
