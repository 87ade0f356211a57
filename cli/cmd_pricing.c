/* SPDX-License-Identifier: MIT */
/*
 * cmd_pricing.c - `mlcost pricing show|validate`: list what a set of
 * catalogs prices (resources per hour/GB, LLM token prices per million
 * tokens, market ranges behind midpoint prices), or check catalog files
 * and list every finding with its position.
 *
 * Only the public API: loading, lookups and checks are libmlcost's.
 */
#include "cli.h"
#include "table.h"

#include <mlcost.h>

#include <stdio.h>
#include <string.h>

static const char *const formats[] = {"table", "json", "csv", NULL};

static const cli_option options[] = {
    {"catalog", 'c', CLI_LIST, "SRC",
     "catalog to load (builtin:NAME, a catalog or SkyPilot CSV, a LiteLLM JSON)", "builtin:seed",
     NULL},
    {"resource", 'r', CLI_VALUE, "NAME", "show one resource (or LLM model) only", NULL, NULL},
    {"format", 'f', CLI_VALUE, "FMT", "output format", "table", formats},
    {NULL, 0, 0, NULL, NULL, NULL, NULL}};

/* ---- number formatting ---- */

/* A price for tables: at least 2 decimals, at most 6, zeros trimmed. */
static void fmt_price(char *out, size_t n, double v)
{
	size_t len;
	snprintf(out, n, "%.6f", v);
	len = strlen(out);
	while (len > 0 && out[len - 1] == '0' && len >= 3 && out[len - 3] != '.')
		out[--len] = '\0';
}

static void fmt_cell(char *out, size_t n, const mlc_price_entry *e, int pm)
{
	char p[48], lo[48], hi[48];
	if (!e->offered[pm]) {
		snprintf(out, n, "-");
		return;
	}
	fmt_price(p, sizeof(p), e->price[pm]);
	if (!e->has_range[pm]) {
		snprintf(out, n, "%s", p);
		return;
	}
	fmt_price(lo, sizeof(lo), e->low[pm]);
	fmt_price(hi, sizeof(hi), e->high[pm]);
	snprintf(out, n, "%s (%s-%s)", p, lo, hi);
}

static int is_token_entry(const mlc_price_entry *e)
{
	return e->unit == MLC_UNIT_1M_TOKENS;
}

/* Model name of a "MODEL:input" row that is the first definition, or 0. */
static int token_model_of(char *out, size_t n, const mlc_catalog *cat, const mlc_price_entry *e)
{
	const char *sfx = ":input";
	size_t len = strlen(e->resource), sl = strlen(sfx);
	const mlc_price_entry *first;
	if (!is_token_entry(e) || len <= sl || strcmp(e->resource + len - sl, sfx) || len - sl >= n)
		return 0;
	if (mlc_catalog_find(&first, cat, e->resource) || first != e)
		return 0;
	memcpy(out, e->resource, len - sl);
	out[len - sl] = '\0';
	return 1;
}

/* Whether entry e is selected by --resource (NULL selects all). */
static int selected(const mlc_price_entry *e, const mlc_price_entry *only, const char *model)
{
	size_t ml;
	if (only == NULL && model == NULL)
		return 1;
	if (only)
		return e == only;
	ml = strlen(model);
	return is_token_entry(e) && !strncmp(e->resource, model, ml) && e->resource[ml] == ':';
}

/* ---- table ---- */

/* Resource rows (token rows only when asked for by name); *shown set. */
static int table_resources(const mlc_catalog *cat, const mlc_price_entry *only, const char *model,
                           int *shown)
{
	static const char *const hdr[] = {"resource",  "provider",  "region",      "unit",
	                                  "on_demand", "spot",      "reserved_1y", "reserved_3y",
	                                  "vcpus",     "memory_gb", "gpus",        "gpu_model"};
	cli_table *t = cli_table_new(12, hdr, "llllrrrrrrrl");
	size_t i;
	*shown = 0;
	if (t == NULL)
		return cli_error(EXIT_RUNTIME, "out of memory");
	for (i = 0; i < mlc_catalog_count(cat); i++) {
		const mlc_price_entry *e = mlc_catalog_entry(cat, i);
		char cells[4][160], vc[16], mem[32], gp[16];
		const char *row[12];
		int pm;
		if ((is_token_entry(e) && !only) || !selected(e, only, model))
			continue;
		for (pm = 0; pm < MLC_PRICING_COUNT; pm++)
			fmt_cell(cells[pm], sizeof(cells[pm]), e, pm);
		snprintf(vc, sizeof(vc), "%d", e->vcpus);
		snprintf(mem, sizeof(mem), "%g", e->memory_gb);
		snprintf(gp, sizeof(gp), "%d", e->gpus);
		row[0] = e->resource, row[1] = *e->provider ? e->provider : "-";
		row[2] = *e->region ? e->region : "-";
		row[3] = mlc_price_unit_name(e->unit);
		row[4] = cells[0], row[5] = cells[1], row[6] = cells[2], row[7] = cells[3];
		row[8] = e->vcpus ? vc : "-", row[9] = e->memory_gb > 0 ? mem : "-";
		row[10] = e->gpus ? gp : "-", row[11] = *e->gpu_model ? e->gpu_model : "-";
		if (cli_table_add(t, row)) {
			cli_table_free(t);
			return cli_error(EXIT_RUNTIME, "out of memory");
		}
		*shown = 1;
	}
	if (*shown)
		cli_table_print(t, stdout);
	cli_table_free(t);
	return EXIT_OK;
}

static int table_tokens(const mlc_catalog *cat, const char *model_only, int after_other)
{
	static const char *const hdr[] = {"model", "provider", "input_per_1m", "output_per_1m",
	                                  "cached_input_per_1m"};
	cli_table *t = cli_table_new(5, hdr, "llrrr");
	size_t i, shown = 0;
	if (t == NULL)
		return cli_error(EXIT_RUNTIME, "out of memory");
	for (i = 0; i < mlc_catalog_count(cat); i++) {
		const mlc_price_entry *e = mlc_catalog_entry(cat, i);
		mlc_token_price tp;
		char model[512], in[48], out[48], cached[48];
		const char *row[5];
		if (!token_model_of(model, sizeof(model), cat, e) ||
		    (model_only && strcmp(model, model_only)) ||
		    mlc_catalog_token_price(&tp, cat, model))
			continue;
		fmt_price(in, sizeof(in), tp.input * 1e6);
		fmt_price(out, sizeof(out), tp.output * 1e6);
		fmt_price(cached, sizeof(cached), tp.cached_input * 1e6);
		row[0] = model, row[1] = e->provider, row[2] = in, row[3] = out;
		row[4] = tp.has_cached_input ? cached : "-";
		if (cli_table_add(t, row)) {
			cli_table_free(t);
			return cli_error(EXIT_RUNTIME, "out of memory");
		}
		shown++;
	}
	if (shown) {
		if (after_other)
			fputc('\n', stdout);
		printf("LLM token prices, USD per 1M tokens\n");
		cli_table_print(t, stdout);
	}
	cli_table_free(t);
	return 0;
}

static void table_notes(const mlc_catalog *cat)
{
	size_t i;
	for (i = 0; i < mlc_catalog_source_count(cat); i++) {
		const mlc_catalog_source *s = mlc_catalog_source_at(cat, i);
		if (s->skipped && !strcmp(s->format, "litellm-json"))
			printf("%s: %zu %s without token prices skipped\n", s->name, s->skipped,
			       s->skipped == 1 ? "entry" : "entries");
		else if (s->skipped)
			printf("%s: %zu %s without prices skipped\n", s->name, s->skipped,
			       s->skipped == 1 ? "row" : "rows");
		if (s->merged)
			printf(
			    "%s: %zu repeated %s (other zones of a region) folded into the first\n",
			    s->name, s->merged, s->merged == 1 ? "row" : "rows");
	}
}

/* ---- csv: the catalog CSV format itself, so the output loads back ---- */

static void csv_field(const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, stdout);
		return;
	}
	fputc('"', stdout);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', stdout);
		fputc(*s, stdout);
	}
	fputc('"', stdout);
}

static void show_csv(const mlc_catalog *cat, const mlc_price_entry *only, const char *model)
{
	size_t i;
	printf("provider,region,resource,unit,on_demand,spot,reserved_1y,reserved_3y,vcpus,"
	       "memory_gb,gpus,gpu_model,as_of\n");
	for (i = 0; i < mlc_catalog_count(cat); i++) {
		const mlc_price_entry *e = mlc_catalog_entry(cat, i);
		char num[64];
		int pm;
		if (!selected(e, only, model))
			continue;
		csv_field(e->provider), fputc(',', stdout);
		csv_field(e->region), fputc(',', stdout);
		csv_field(e->resource);
		printf(",%s", mlc_price_unit_name(e->unit));
		for (pm = 0; pm < MLC_PRICING_COUNT; pm++) {
			cli_fmt_exact(num, sizeof(num), e->price[pm]);
			printf(",%s", e->offered[pm] ? num : "");
		}
		/* 0 means unknown in the API; empty reads back as 0 */
		if (e->vcpus)
			printf(",%d", e->vcpus);
		else
			printf(",");
		cli_fmt_exact(num, sizeof(num), e->memory_gb);
		printf(",%s", e->memory_gb > 0 ? num : "");
		if (e->gpus)
			printf(",%d,", e->gpus);
		else
			printf(",,");
		csv_field(e->gpu_model), fputc(',', stdout);
		csv_field(e->as_of), fputc('\n', stdout);
	}
}

/* ---- json ---- */

static void json_str(const char *s)
{
	fputc('"', stdout);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			fputc(c, stdout);
	}
	fputc('"', stdout);
}

static void json_num(double v)
{
	char b[64];
	cli_fmt_exact(b, sizeof(b), v);
	fputs(b, stdout);
}

static void json_entry(const mlc_price_entry *e)
{
	int pm, nr = 0;
	printf("{\"resource\":"), json_str(e->resource);
	printf(",\"provider\":"), json_str(e->provider);
	printf(",\"region\":"), json_str(e->region);
	printf(",\"unit\":\"%s\",\"prices\":{", mlc_price_unit_name(e->unit));
	for (pm = 0; pm < MLC_PRICING_COUNT; pm++) {
		printf("%s\"%s\":", pm ? "," : "", mlc_pricing_model_name(pm));
		if (e->offered[pm])
			json_num(e->price[pm]);
		else
			printf("null");
	}
	printf("}");
	for (pm = 0; pm < MLC_PRICING_COUNT; pm++) {
		if (!e->has_range[pm])
			continue;
		printf("%s\"%s\":{\"low\":", nr++ ? "," : ",\"ranges\":{",
		       mlc_pricing_model_name(pm));
		json_num(e->low[pm]);
		printf(",\"high\":");
		json_num(e->high[pm]);
		printf("}");
	}
	printf("%s,\"vcpus\":%d,\"memory_gb\":", nr ? "}" : "", e->vcpus);
	json_num(e->memory_gb);
	printf(",\"gpus\":%d,\"gpu_model\":", e->gpus);
	json_str(e->gpu_model);
	printf(",\"as_of\":"), json_str(e->as_of);
	printf(",\"source\":"), json_str(e->source);
	printf(",\"line\":%u}", e->line);
}

static void json_token(const mlc_token_price *tp, const char *provider)
{
	printf("{\"model\":"), json_str(tp->model);
	printf(",\"provider\":"), json_str(provider);
	printf(",\"input_per_token\":"), json_num(tp->input);
	printf(",\"output_per_token\":"), json_num(tp->output);
	printf(",\"cached_input_per_token\":");
	if (tp->has_cached_input)
		json_num(tp->cached_input);
	else
		printf("null");
	printf(",\"input_per_1m\":"), json_num(tp->input * 1e6);
	printf(",\"output_per_1m\":"), json_num(tp->output * 1e6);
	printf(",\"cached_input_per_1m\":");
	if (tp->has_cached_input)
		json_num(tp->cached_input * 1e6);
	else
		printf("null");
	printf(",\"source\":"), json_str(tp->source);
	printf(",\"line\":%u}", tp->line);
}

static void json_sources(const mlc_catalog *cat)
{
	size_t i;
	printf("{\"sources\":[");
	for (i = 0; i < mlc_catalog_source_count(cat); i++) {
		const mlc_catalog_source *s = mlc_catalog_source_at(cat, i);
		printf("%s{\"name\":", i ? "," : "");
		json_str(s->name);
		printf(",\"format\":\"%s\",\"entries\":%zu,\"skipped\":%zu,\"merged\":%zu}",
		       s->format, s->entries, s->skipped, s->merged);
	}
	printf("],\n");
}

static void show_json(const mlc_catalog *cat, const mlc_price_entry *only, const char *model)
{
	size_t i, n = 0;
	json_sources(cat);
	printf(" \"resources\":[");
	for (i = 0; i < mlc_catalog_count(cat); i++) {
		const mlc_price_entry *e = mlc_catalog_entry(cat, i);
		if ((is_token_entry(e) && !only) || !selected(e, only, model))
			continue;
		printf("%s\n  ", n++ ? "," : "");
		json_entry(e);
	}
	printf("%s],\n \"token_models\":[", n ? "\n " : "");
	for (i = 0, n = 0; i < mlc_catalog_count(cat); i++) {
		const mlc_price_entry *e = mlc_catalog_entry(cat, i);
		mlc_token_price tp;
		char m[512];
		if (!token_model_of(m, sizeof(m), cat, e) || (model && strcmp(m, model)) ||
		    (only && !model) || mlc_catalog_token_price(&tp, cat, m))
			continue;
		printf("%s\n  ", n++ ? "," : "");
		json_token(&tp, e->provider);
	}
	printf("%s]}\n", n ? "\n " : "");
}

/* ---- show ---- */

/* The sources: given after `show` (as `validate` takes them), then those of
 * --catalog, each in order; builtin:seed when there is none. */
static int load_all(mlc_catalog **out, const cli_args *a)
{
	const char *const *srcs;
	size_t n = cli_list(a, "catalog", &srcs), i;
	int rc = mlc_catalog_new(out);
	for (i = 1; rc == 0 && i < a->npos; i++)
		rc = mlc_catalog_load(*out, a->pos[i]);
	for (i = 0; rc == 0 && i < n; i++)
		rc = mlc_catalog_load(*out, srcs[i]);
	if (rc == 0 && a->npos < 2 && n == 0)
		rc = mlc_catalog_load(*out, "builtin:seed");
	return rc;
}

/* The "a, b, c" of the last error's "(nearest: a, b, c)", or "" when it has none. */
static void nearest_of_last_error(char *out, size_t n)
{
	const char *p = strstr(mlc_error_message(), "(nearest: ");
	size_t len;
	out[0] = '\0';
	if (!p)
		return;
	p += strlen("(nearest: ");
	len = strlen(p);
	if (len && p[len - 1] == ')')
		len--;
	snprintf(out, n, "%.*s", (int)len, p);
}

/*
 * --resource names neither a resource nor an LLM model. A typo of a model
 * name (gpt4o) is far from every resource name (gpt-4o:input), so the
 * nearest models are suggested beside the nearest resources.
 */
static int unknown_name(const mlc_catalog *cat, const char *want)
{
	const mlc_price_entry *e;
	mlc_token_price tp;
	char res[512], llm[512];
	int rc;
	mlc_catalog_token_price(&tp, cat, want);
	nearest_of_last_error(llm, sizeof(llm));
	rc = mlc_catalog_find(&e, cat, want);
	nearest_of_last_error(res, sizeof(res));
	if (!*llm)
		return cli_fail(rc); /* the resource message as it is */
	if (!*res)
		return cli_error(EXIT_BAD_INPUT,
		                 "unknown resource or LLM model '%s' (nearest LLM models: %s)",
		                 want, llm);
	return cli_error(EXIT_BAD_INPUT,
	                 "unknown resource or LLM model '%s' (nearest: %s; LLM models: %s)", want,
	                 res, llm);
}

static int run_show(const cli_args *a)
{
	mlc_catalog *cat = NULL;
	const mlc_price_entry *only = NULL;
	const char *want = cli_value(a, "resource"), *fmt = cli_value(a, "format");
	const char *model = NULL;
	mlc_token_price tp;
	int rc, code = EXIT_OK;
	if ((rc = load_all(&cat, a)) != 0) {
		code = cli_fail(rc);
		goto done;
	}
	if (want && mlc_catalog_find(&only, cat, want) != 0) {
		/* not a resource: perhaps an LLM model of token rows */
		if (mlc_catalog_token_price(&tp, cat, want) == MLC_ENOTFOUND) {
			code = unknown_name(cat, want);
			goto done;
		}
		model = want;
	}
	if (!strcmp(fmt, "json"))
		show_json(cat, only, model);
	else if (!strcmp(fmt, "csv"))
		show_csv(cat, only, model);
	else {
		int shown = 0;
		code = table_resources(cat, only, model, &shown);
		if (code)
			goto done;
		code = only ? EXIT_OK : table_tokens(cat, model, shown);
		if (code == EXIT_OK && !only && !model)
			table_notes(cat);
	}
done:
	mlc_catalog_free(cat);
	return code;
}

/* ---- validate ---- */

static int validate_one(const char *src, size_t *nfindings)
{
	mlc_catalog_findings *f = NULL;
	size_t i, n;
	int rc = mlc_catalog_validate(&f, src);
	if (rc)
		return cli_fail(rc);
	n = mlc_catalog_findings_count(f);
	for (i = 0; i < n; i++)
		printf("%s\n", mlc_catalog_finding(f, i));
	if (mlc_catalog_findings_dropped(f))
		printf("%s: %zu more findings not listed\n", src, mlc_catalog_findings_dropped(f));
	n += mlc_catalog_findings_dropped(f);
	if (n == 0)
		printf("%s: ok\n", src);
	else
		printf("%s: %zu finding%s\n", src, n, n == 1 ? "" : "s");
	*nfindings += n;
	mlc_catalog_findings_free(f);
	return EXIT_OK;
}

/* The sources after `validate`, then those of --catalog (as `show` takes them). */
static int run_validate(const cli_args *a)
{
	const char *const *srcs;
	size_t i, findings = 0, npos = a->npos - 1, n = cli_list(a, "catalog", &srcs);
	int code = EXIT_OK;
	if (npos + n == 0)
		return cli_error(EXIT_USAGE, "pricing validate: missing catalog (usage: mlcost "
		                             "pricing validate SRC...)");
	for (i = 0; i < npos + n; i++) {
		int rc = validate_one(i < npos ? a->pos[1 + i] : srcs[i - npos], &findings);
		if (rc && code == EXIT_OK)
			code = rc; /* a source that could not be read */
	}
	if (code == EXIT_OK && findings)
		code = EXIT_BAD_INPUT;
	return code;
}

static int run(const cli_args *a)
{
	if (!strcmp(a->pos[0], "show"))
		return run_show(a);
	if (!strcmp(a->pos[0], "validate"))
		return run_validate(a);
	return cli_error(EXIT_USAGE, "pricing: unknown action '%s' (expected show or validate)",
	                 a->pos[0]);
}

const cli_command cmd_pricing = {
    "pricing",
    "show or check pricing catalogs",
    "show [SRC...] [--catalog SRC]... [--resource NAME] [--format FMT] | validate SRC...",
    "show lists the prices of the given catalogs (default builtin:seed), named after\n"
    "`show` or with --catalog (positional ones load first): resources per\n"
    "hour, GB-month or GB under each pricing model, with the market range behind a\n"
    "midpoint price as MID (LOW-HIGH), and LLM token prices per 1M tokens. --format csv\n"
    "writes the catalog CSV format, which loads back. validate checks catalog files and\n"
    "lists every finding as FILE:LINE: message; exit status 3 when there is any.\n"
    "Sources: builtin:seed, builtin:gpu-2026-02, PATH.csv (mlcost or SkyPilot catalog),\n"
    "PATH.json (LiteLLM model prices). See docs/pricing.md.",
    options,
    1,
    CLI_MAX_POSITIONAL,
    run};
