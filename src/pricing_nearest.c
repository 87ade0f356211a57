/* SPDX-License-Identifier: MIT */
/*
 * pricing_nearest.c - the up to three known names nearest to a mistyped
 * one: one edit away first, then names containing the query (or contained
 * in it), then by edit distance (case-insensitive), limited to about 2/3 of
 * the query's length. A name differing only in letter case is the one
 * meant and is suggested alone.
 *
 * It looks nothing up and sets no error; callers word their own message.
 */
#include "pricing_nearest.h"
#include "util/str.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static int contains_nocase(const char *hay, const char *needle)
{
	size_t n = strlen(needle), i, j;
	for (i = 0; hay[i]; i++) {
		for (j = 0; j < n && hay[i + j]; j++)
			if (tolower((unsigned char)hay[i + j]) != tolower((unsigned char)needle[j]))
				break;
		if (j == n)
			return 1;
	}
	return n == 0;
}

/* One typo away (gpt-4o-mni: gpt-4o-mini) beats a shared substring (gpt-4o),
 * which beats a mere short distance. */
static int tier(const mlc_pricing__candidate *c)
{
	return c->dist <= 1 ? 0 : c->substring ? 1 : 2;
}

static int better(const mlc_pricing__candidate *a, const mlc_pricing__candidate *b)
{
	if (tier(a) != tier(b))
		return tier(a) < tier(b);
	if (a->dist != b->dist)
		return a->dist < b->dist;
	return strcmp(a->name, b->name) < 0;
}

void mlc_pricing__nearest_init(mlc_pricing__nearest *nn, const char *want)
{
	memset(nn, 0, sizeof(*nn));
	nn->want = want;
}

/* Keep the best candidates in nn->best (sorted), skipping repeats. */
void mlc_pricing__nearest_add(mlc_pricing__nearest *nn, const char *name)
{
	size_t i, j, cap = strlen(nn->want) * 2 / 3 + 2;
	mlc_pricing__candidate c;
	if (cap < 3)
		cap = 3;
	c.name = name;
	c.substring = *nn->want && (contains_nocase(name, nn->want) ||
				    contains_nocase(nn->want, name));
	c.dist = mlcu_edit_distance(nn->want, name, cap + 1);
	if (!c.substring && c.dist > cap)
		return;
	for (i = 0; i < nn->n; i++)
		if (!strcmp(nn->best[i].name, name))
			return;
	for (i = 0; i < nn->n && !better(&c, &nn->best[i]); i++)
		;
	if (i >= MLC_PRICING__NEAREST_MAX)
		return;
	j = nn->n < MLC_PRICING__NEAREST_MAX ? nn->n++ : MLC_PRICING__NEAREST_MAX - 1;
	for (; j > i; j--)
		nn->best[j] = nn->best[j - 1];
	nn->best[i] = c;
}

void mlc_pricing__nearest_list(const mlc_pricing__nearest *nn, char *out, size_t n)
{
	size_t i, used = 0, count = nn->n;
	if (n == 0)
		return;
	out[0] = '\0';
	if (count && nn->best[0].dist == 0)
		count = 1; /* the same name in other letter case: that is the one meant */
	for (i = 0; i < count && used < n; i++) {
		int w = snprintf(out + used, n - used, "%s%s", i ? ", " : "", nn->best[i].name);
		if (w < 0)
			break;
		used += (size_t)w;
	}
}
