/* SPDX-License-Identifier: MIT */
/*
 * pricing_litellm.c - importer of LiteLLM's model_prices_and_context_window
 * .json: one object per model with prices in USD per single token. A model
 * with input_cost_per_token and output_cost_per_token (an embedding model:
 * input only, its output is free) becomes the token rows MODEL:input,
 * MODEL:output and, with cache_read_input_token_cost, MODEL:cached_input.
 * Entries priced otherwise (per image, per second, per character) are
 * skipped and counted; "sample_spec" (schema documentation) and non-object
 * values ("last_updated") are not models and are ignored.
 *
 * Parsed with jansson; positions of models come from a scan of the text
 * because jansson keeps no positions of values.
 */
#include "pricing_internal.h"
#include "util/alloc.h"
#include "util/error.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

/*
 * Line of each top-level key, in order. Keys are unique (the parse rejects
 * duplicates) and jansson keeps insertion order, so the i-th key found here
 * is the i-th key of the parsed object.
 */
static void key_lines(unsigned *lines, size_t n, const char *p, size_t len)
{
	size_t i, k = 0;
	unsigned line = 1;
	int depth = 0, in_str = 0, esc = 0, expect_key = 0;
	for (i = 0; i < len && k < n; i++) {
		char ch = p[i];
		if (ch == '\n')
			line++;
		if (in_str) {
			if (esc)
				esc = 0;
			else if (ch == '\\')
				esc = 1;
			else if (ch == '"')
				in_str = 0;
			continue;
		}
		if (ch == '"') {
			in_str = 1;
			if (depth == 1 && expect_key)
				lines[k++] = line;
			expect_key = 0;
		} else if (ch == '{' || ch == '[') {
			depth++;
			expect_key = depth == 1;
		} else if (ch == '}' || ch == ']') {
			depth--;
		} else if (ch == ',' && depth == 1) {
			expect_key = 1;
		}
	}
	for (; k < n; k++)
		lines[k] = 0;
}

typedef struct llm_prices {
	double v[3]; /* input, output, cached input per token */
	int has[3];
} llm_prices;

static const char *const price_keys[3] = {"input_cost_per_token", "output_cost_per_token",
					  "cache_read_input_token_cost"};

/* Read the three prices; a wrong type or a negative value is a finding. */
static int read_prices(llm_prices *p, int *bad, json_t *obj, const char *model, unsigned line,
		       mlc_pricing__ctx *ctx)
{
	int i;
	memset(p, 0, sizeof(*p));
	*bad = 1;
	for (i = 0; i < 3; i++) {
		json_t *v = json_object_get(obj, price_keys[i]);
		if (v == NULL || json_is_null(v))
			continue;
		if (!json_is_number(v))
			return mlc_pricing__bad(ctx, line, NULL, "model '%s': %s is not a number",
						model, price_keys[i]);
		p->v[i] = json_number_value(v);
		if (p->v[i] < 0)
			return mlc_pricing__bad(ctx, line, NULL, "model '%s': %s is negative (%g)",
						model, price_keys[i], p->v[i]);
		p->has[i] = 1;
	}
	*bad = 0;
	return 0;
}

static int add_token_row(mlc_pricing__ctx *ctx, const char *model, const char *provider,
			 int kind, double per_token, unsigned line)
{
	static const char *const sfx[4] = {"", ":input", ":output", ":cached_input"};
	char name[MLC_PRICING__MAX_NAME + 16]; /* model names are checked against the max */
	mlc_pricing__row *r = mlc_pricing__add_row(ctx->cat);
	if (r == NULL)
		return MLC_ENOMEM;
	r->e.unit = MLC_UNIT_1M_TOKENS;
	r->e.price[MLC_PRICING_ON_DEMAND] = per_token * 1e6;
	r->e.offered[MLC_PRICING_ON_DEMAND] = 1;
	r->e.source = ctx->name;
	r->e.line = line;
	r->per_token = per_token;
	r->token_kind = kind;
	snprintf(name, sizeof(name), "%s%s", model, sfx[kind]);
	r->e.provider = mlc_pricing__strndup(ctx->cat, provider, strlen(provider));
	r->token_model = mlc_pricing__strndup(ctx->cat, model, strlen(model));
	r->e.resource = mlc_pricing__strndup(ctx->cat, name, strlen(name));
	return r->e.provider && r->token_model && r->e.resource ? 0 : MLC_ENOMEM;
}

static int read_model(mlc_pricing__ctx *ctx, const char *model, json_t *obj, unsigned line)
{
	llm_prices p;
	json_t *mode = json_object_get(obj, "mode");
	const char *provider = json_string_value(json_object_get(obj, "litellm_provider"));
	int bad = 0, rc;
	if (strlen(model) > MLC_PRICING__MAX_NAME)
		return mlc_pricing__bad(ctx, line, NULL, "model name longer than %d bytes",
					MLC_PRICING__MAX_NAME);
	rc = read_prices(&p, &bad, obj, model, line, ctx);
	if (rc || bad)
		return rc;
	/* embeddings bill input tokens only; their output is free, not unknown */
	if (p.has[0] && !p.has[1] && json_is_string(mode) &&
	    !strcmp(json_string_value(mode), "embedding"))
		p.has[1] = 1;
	if (!p.has[0] || !p.has[1]) {
		ctx->info->skipped++;
		return 0;
	}
	rc = add_token_row(ctx, model, provider ? provider : "", MLC_PRICING__TOK_INPUT, p.v[0],
			   line);
	if (rc == 0)
		rc = add_token_row(ctx, model, provider ? provider : "", MLC_PRICING__TOK_OUTPUT,
				   p.v[1], line);
	if (rc == 0 && p.has[2])
		rc = add_token_row(ctx, model, provider ? provider : "", MLC_PRICING__TOK_CACHED,
				   p.v[2], line);
	return rc;
}

int mlc_pricing__read_litellm_json(mlc_pricing__ctx *ctx, const char *data, size_t len)
{
	json_error_t err;
	json_t *root = NULL, *val;
	const char *key;
	unsigned *lines = NULL;
	size_t i = 0, n;
	int rc = 0;
	root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &err);
	if (root == NULL && json_error_code(&err) == json_error_out_of_memory) {
		rc = mlcu_error_oom();
		goto done;
	}
	if (root == NULL) {
		rc = mlcu_error_set(MLC_EPARSE, "%s:%d:%d: %s", ctx->name, err.line, err.column,
				    err.text);
		goto done;
	}
	if (!json_is_object(root)) {
		rc = mlcu_error_set(MLC_EPARSE, "%s:1: a LiteLLM price file is a JSON object",
				    ctx->name);
		goto done;
	}
	n = json_object_size(root);
	if (n > MLC_PRICING__MAX_ROWS) {
		rc = mlcu_error_set(MLC_ETOOLARGE, "%s: more than %u models", ctx->name,
				    MLC_PRICING__MAX_ROWS);
		goto done;
	}
	lines = mlcu_calloc(n ? n : 1, sizeof(*lines));
	if (lines == NULL) {
		rc = mlcu_error_oom();
		goto done;
	}
	key_lines(lines, n, data, len);
	json_object_foreach(root, key, val) {
		if (strcmp(key, "sample_spec") && json_is_object(val))
			rc = read_model(ctx, key, val, lines[i]);
		if (rc)
			break;
		i++;
	}
done:
	mlcu_free(lines);
	json_decref(root);
	return rc;
}
