/* SPDX-License-Identifier: MIT */
/*
 * pricing_find.c - answering questions of a loaded catalog: find a
 * resource (plain or region-qualified), its hourly price under a pricing
 * model, an LLM's token prices; unknown names get "nearest" suggestions
 * (pricing_nearest.c). Also the names of pricing models and units.
 *
 * It does not load anything (pricing_load.c) nor own the storage (pricing.c).
 */
#include "pricing_internal.h"
#include "pricing_nearest.h"
#include "util/error.h"
#include "util/str.h"

#include <stdio.h>
#include <string.h>

static const char *const model_names[MLC_PRICING_COUNT] = {"on_demand", "spot", "reserved_1y",
							    "reserved_3y"};
static const char *const unit_names[] = {"hour", "gb_month", "gb", "1m_tokens"};

const char *mlc_pricing_model_name(mlc_pricing_model pm)
{
	return (unsigned)pm < MLC_PRICING_COUNT ? model_names[pm] : "?";
}

int mlc_pricing_model_parse(mlc_pricing_model *out, const char *name)
{
	const char *near = NULL;
	size_t best = 4, d;
	int i;
	for (i = 0; i < MLC_PRICING_COUNT; i++) {
		if (name && !strcmp(name, model_names[i])) {
			*out = (mlc_pricing_model)i;
			return 0;
		}
	}
	/* a typo of one name (spto, reserved-1y) is far likelier than a new pricing model */
	for (i = 0; name && i < MLC_PRICING_COUNT; i++) {
		if ((d = mlcu_edit_distance(name, model_names[i], best)) < best) {
			best = d;
			near = model_names[i];
		}
	}
	if (near)
		return mlcu_error_set(MLC_EINVAL, "unknown pricing '%s' (did you mean '%s'?)", name,
				      near);
	return mlcu_error_set(MLC_EINVAL,
			      "unknown pricing '%s' (expected on_demand, spot, reserved_1y or "
			      "reserved_3y)",
			      name ? name : "");
}

const char *mlc_price_unit_name(mlc_price_unit unit)
{
	return (unsigned)unit < sizeof(unit_names) / sizeof(unit_names[0]) ? unit_names[unit] : "?";
}

/* ENOTFOUND "unknown WHAT 'want' (nearest: a, b, c)". */
static int not_found(const char *what, const mlc_pricing__nearest *nn)
{
	char list[512];
	mlc_pricing__nearest_list(nn, list, sizeof(list));
	if (!*list)
		return mlcu_error_set(MLC_ENOTFOUND, "unknown %s '%s'", what, nn->want);
	return mlcu_error_set(MLC_ENOTFOUND, "unknown %s '%s' (nearest: %s)", what, nn->want,
			      list);
}

int mlc_catalog_find(const mlc_price_entry **out, const mlc_catalog *cat, const char *resource)
{
	const mlc_pricing__index *idx;
	const mlc_pricing__row *r;
	const char *slash;
	mlc_pricing__nearest nn;
	size_t i;
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
	mlc_pricing__nearest_init(&nn, resource);
	for (i = 0; i < mlc_pricing__nrows(cat); i++)
		mlc_pricing__nearest_add(&nn, mlc_pricing__row_at(cat, i)->e.resource);
	return not_found("resource", &nn);
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
	mlc_pricing__nearest nn;
	size_t i;
	memset(out, 0, sizeof(*out));
	if (cat == NULL || llm_model == NULL)
		return mlcu_error_set(MLC_EINVAL, "no catalog or model name");
	idx = mlc_pricing__index_of(cat);
	t = mlc_pricing__index_token(idx, llm_model);
	if (t == NULL) {
		mlc_pricing__nearest_init(&nn, llm_model);
		for (i = 0; i < mlc_pricing__index_ntokens(idx); i++)
			mlc_pricing__nearest_add(&nn, mlc_pricing__index_token_at(idx, i)->model);
		return not_found("LLM model", &nn);
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
