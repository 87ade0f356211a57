/* SPDX-License-Identifier: MIT */
/*
 * pricing_nearest.h - the names nearest to a mistyped one, for "unknown X
 * 'want' (nearest: a, b, c)" messages: catalog resources and LLM models
 * (pricing_find.c) and the model names of a profile (profile.c) rank their
 * suggestions the same way (docs/pricing.md, "Lookups").
 *
 * Not a public API. Feed every known name, then read the list.
 */
#ifndef MLC_PRICING_NEAREST_H
#define MLC_PRICING_NEAREST_H

#include <stddef.h>

#define MLC_PRICING__NEAREST_MAX 3

typedef struct mlc_pricing__candidate {
	const char *name;
	int substring; /* one name contains the other */
	size_t dist;
} mlc_pricing__candidate;

typedef struct mlc_pricing__nearest {
	const char *want;
	mlc_pricing__candidate best[MLC_PRICING__NEAREST_MAX]; /* best first */
	size_t n;
} mlc_pricing__nearest;

void mlc_pricing__nearest_init(mlc_pricing__nearest *nn, const char *want);
/* Consider one known name (borrowed until the list is read). */
void mlc_pricing__nearest_add(mlc_pricing__nearest *nn, const char *name);
/* "a, b, c" into out (n bytes), "" when no name is near. */
void mlc_pricing__nearest_list(const mlc_pricing__nearest *nn, char *out, size_t n);

#endif
