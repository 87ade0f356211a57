/* SPDX-License-Identifier: MIT */
/*
 * pricing_find.c - answering questions of a loaded catalog: find a
 * resource (plain or region-qualified), its hourly price under a pricing
 * model, an LLM's token prices; unknown names get "nearest" suggestions
 * ranked by substring match, then edit distance. Also the names of
 * pricing models and units.
 *
 * It does not load anything (pricing_load.c) nor own the storage (pricing.c).
 */
#include "pricing_internal.h"
#include "util/error.h"
#include "util/str.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define NEAREST_MAX 3

static const char *const model_names[MLC_PRICING_COUNT] = {"on_demand", "spot", "reserved_1y",
							    "reserved_3y"};
static const char *const unit_names[] = {"hour", "gb_month", "gb", "1m_tokens"};

const char *mlc_pricing_model_name(mlc_pricing_model pm)
{
	return (unsigned)pm < MLC_PRICING_COUNT ? model_names[pm] : "?";
}

int mlc_pricing_model_parse(mlc_pricing_model *out, const char *name)
{
	int i;
	for (i = 0; i < MLC_PRICING_COUNT; i++) {
		if (name && !strcmp(name, model_names[i])) {
			*out = (mlc_pricing_model)i;
			return 0;
		}
	}
	return mlcu_error_set(MLC_EINVAL,
			      "unknown pricing '%s' (expected on_demand, spot, reserved_1y or "
			      "reserved_3y)",
			      name ? name : "");
}

const char *mlc_price_unit_name(mlc_price_unit unit)
{
	return (unsigned)unit < sizeof(unit_names) / sizeof(unit_names[0]) ? unit_names[unit] : "?";
}

/* ---- nearest names ---- */

typedef struct candidate {
	const char *name;
	int substring; /* one name contains the other */
	size_t dist;
} candidate;

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

static int better(const candidate *a, const candidate *b)
{
	if (a->substring != b->substring)
		return a->substring > b->substring;
	if (a->dist != b->dist)
		return a->dist < b->dist;
	return strcmp(a->name, b->name) < 0;
}

/* Keep the NEAREST_MAX best candidates in best[] (sorted), skipping repeats. */
static void consider(candidate *best, size_t *nbest, const char *want, const char *name)
{
	size_t i, j, cap = strlen(want) * 2 / 3 + 2;
	candidate c;
	if (cap < 3)
		cap = 3;
	c.name = name;
	c.substring = *want && (contains_nocase(name, want) || contains_nocase(want, name));
	c.dist = mlcu_edit_distance(want, name, cap + 1);
	if (!c.substring && c.dist > cap)
		return;
	for (i = 0; i < *nbest; i++)
		if (!strcmp(best[i].name, name))
			return;
	for (i = 0; i < *nbest && !better(&c, &best[i]); i++)
		;
	if (i >= NEAREST_MAX)
		return;
	j = *nbest < NEAREST_MAX ? (*nbest)++ : NEAREST_MAX - 1;
	for (; j > i; j--)
		best[j] = best[j - 1];
	best[i] = c;
}

/* ENOTFOUND "unknown WHAT 'want' (nearest: a, b, c)". */
static int not_found(const char *what, const char *want, const candidate *best, size_t n)
{
	char list[512] = "";
	size_t i, used = 0;
	if (n == 0)
		return mlcu_error_set(MLC_ENOTFOUND, "unknown %s '%s'", what, want);
	if (best[0].dist == 0)
		n = 1; /* the same name in other letter case: that is the one meant */
	for (i = 0; i < n && used < sizeof(list); i++) {
		int w = snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "",
				 best[i].name);
		if (w < 0)
			break;
		used += (size_t)w;
	}
	return mlcu_error_set(MLC_ENOTFOUND, "unknown %s '%s' (nearest: %s)", what, want, list);
}

int mlc_catalog_find(const mlc_price_entry **out, const mlc_catalog *cat, const char *resource)
{
	const mlc_pricing__index *idx;
	const mlc_pricing__row *r;
	const char *slash;
	candidate best[NEAREST_MAX];
	size_t nbest = 0, i;
	*out = NULL;
	if (cat == NULL || resource == NULL)
		return mlcu_error_set(MLC_EINVAL, "no catalog or resource name");
	idx = mlc_pricing__index_of(cat);
	r = mlc_pricing__index_find(idx, NULL, 0, resource);
	/* "us-west-2/p3.2xlarge": a resource in one region */
	slash = strchr(resource, '/');
	if (r == NULL && slash)
		r = mlc_pricing__index_find(idx, resource, (size_t)(slash - resource), slash + 1);
	if (r) {
		*out = &r->e;
		return 0;
	}
	for (i = 0; i < mlc_pricing__nrows(cat); i++)
		consider(best, &nbest, resource, mlc_pricing__row_at(cat, i)->e.resource);
	return not_found("resource", resource, best, nbest);
}

/* "FILE:LINE" of a row, or its source name for built-in rows. */
static void row_place(char *out, size_t n, const mlc_price_entry *e)
{
	if (e->line)
		snprintf(out, n, "%s:%u", e->source, e->line);
	else
		snprintf(out, n, "%s", e->source);
}

int mlc_catalog_hourly_price(double *out, const mlc_catalog *cat, const char *resource,
			     mlc_pricing_model pm)
{
	const mlc_price_entry *e;
	char place[300];
	int rc;
	*out = 0;
	if ((unsigned)pm >= MLC_PRICING_COUNT)
		return mlcu_error_set(MLC_EINVAL, "invalid pricing model %d", (int)pm);
	rc = mlc_catalog_find(&e, cat, resource);
	if (rc)
		return rc;
	row_place(place, sizeof(place), e);
	if (e->unit != MLC_UNIT_HOUR)
		return mlcu_error_set(MLC_EPARSE,
				      "%s: resource '%s' is priced per %s, not per hour", place,
				      e->resource, mlc_price_unit_name(e->unit));
	if (!e->offered[pm])
		return mlcu_error_set(MLC_EPARSE, "%s: resource '%s' has no %s price (not offered)",
				      place, e->resource, mlc_pricing_model_name(pm));
	*out = e->price[pm];
	return 0;
}

int mlc_catalog_token_price(mlc_token_price *out, const mlc_catalog *cat, const char *llm_model)
{
	const mlc_pricing__index *idx;
	const mlc_pricing__tokrec *t;
	const mlc_pricing__row *in, *outp, *cached;
	char place[300];
	candidate best[NEAREST_MAX];
	size_t nbest = 0, i;
	memset(out, 0, sizeof(*out));
	if (cat == NULL || llm_model == NULL)
		return mlcu_error_set(MLC_EINVAL, "no catalog or model name");
	idx = mlc_pricing__index_of(cat);
	t = mlc_pricing__index_token(idx, llm_model);
	if (t == NULL) {
		for (i = 0; i < mlc_pricing__index_ntokens(idx); i++)
			consider(best, &nbest, llm_model, mlc_pricing__index_token_at(idx, i)->model);
		return not_found("LLM model", llm_model, best, nbest);
	}
	in = t->kind[MLC_PRICING__TOK_INPUT];
	outp = t->kind[MLC_PRICING__TOK_OUTPUT];
	cached = t->kind[MLC_PRICING__TOK_CACHED];
	if (in == NULL || outp == NULL) {
		const mlc_pricing__row *have = in ? in : outp ? outp : cached;
		row_place(place, sizeof(place), &have->e);
		return mlcu_error_set(MLC_EPARSE, "%s: model '%s' has no %s token price", place,
				      llm_model, in ? "output" : "input");
	}
	out->model = t->model;
	out->input = in->per_token;
	out->output = outp->per_token;
	if (cached) {
		out->cached_input = cached->per_token;
		out->has_cached_input = 1;
	}
	out->source = in->e.source;
	out->line = in->e.line;
	return 0;
}
