/* SPDX-License-Identifier: MIT */
/*
 * cmd_tags.c - `mlcost tags [BILLS...] --require KEYS`: tag coverage of
 * bills (SPEC §4): per required key the share of cost and of rows carrying
 * it, the same for all keys together, and the resources with the most cost
 * on rows that lack one. With --fail-under PCT it is a guardrail: exit 4
 * when any key's cost coverage is below PCT. With no BILLS, the same shares
 * from the cost ledger (--store); it keeps no ResourceId, so the untagged
 * resources are not listed, and the output says so.
 *
 * The library computes (mlc_bills_coverage, mlc_ledger_coverage) and
 * writes csv/json; this file parses options and prints the tables.
 */
#include "cli.h"
#include "ledger_args.h"
#include "table.h"

#include <mlcost.h>
#include <mlcost/bills.h>
#include <mlcost/ledger.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const formats[] = {"table", "csv", "json", NULL};

static const cli_option options[] = {
    {"require", 'r', CLI_VALUE, "KEYS", "tag keys that every cost should carry, comma separated",
     "team,project,model_id,environment,lifecycle_phase", NULL},
    {"fail-under", 0, CLI_VALUE, "PCT", "exit 4 when a key's cost coverage is below PCT", NULL,
     NULL},
    {"top", 'n', CLI_VALUE, "N", "untagged resources to list", "10", NULL},
    {"where", 'w', CLI_LIST, "KEY=VALUE", "keep rows where KEY is VALUE (KEY!=VALUE: is not)", NULL,
     NULL},
    {"from", 0, CLI_VALUE, "TIME", "keep charge periods starting at or after TIME", NULL, NULL},
    {"to", 0, CLI_VALUE, "TIME", "keep charge periods starting before TIME", NULL, NULL},
    {"cost", 'c', CLI_VALUE, "BASIS", "billed, effective, list or contracted", "effective", NULL},
    {"format", 'f', CLI_VALUE, "FMT", "output format", "table", formats},
    {"aliases", 0, CLI_VALUE, "FILE", "tag-key alias file (YAML)", NULL, NULL},
    {"lenient", 0, CLI_FLAG, NULL, "skip bad rows, count and report them", NULL, NULL},
    {"threads", 'j', CLI_VALUE, "N", "parse threads (0: one per CPU)", "0", NULL},
    CLI_LEDGER_STORE_OPTION,
    {NULL, 0, 0, NULL, NULL, NULL, NULL}};

#define MAX_KEYS MLC_COVERAGE_MAX_KEYS

static int split_keys(const char **out, size_t *n, char *buf, size_t cap, const char *spec)
{
	char *tok, *save = NULL;
	*n = 0;
	if (strlen(spec) >= cap)
		return cli_error(EXIT_USAGE, "tags: --require is too long");
	strcpy(buf, spec);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		while (*tok == ' ')
			tok++;
		if (!*tok)
			continue;
		if (*n == MAX_KEYS)
			return cli_error(EXIT_USAGE, "tags: at most %d keys", MAX_KEYS);
		out[(*n)++] = tok;
	}
	if (!*n)
		return cli_error(EXIT_USAGE, "tags: --require names no key");
	return EXIT_OK;
}

static int parse_number(double *out, const char *opt, const char *v, double max)
{
	char *end;
	double d = v ? strtod(v, &end) : 0;
	if (!v || !*v || *end || d < 0 || d > max)
		return cli_error(EXIT_USAGE, "tags: --%s must be a number from 0 to %g (got '%s')",
		                 opt, max, v ? v : "");
	*out = d;
	return EXIT_OK;
}

/* ---- tables -------------------------------------------------------------------------------- */

static int key_row(cli_table *t, const mlc_tag_coverage_key *k)
{
	char cost[80], cp[32], rp[32], rows[32];
	const char *cells[5];
	cli_fmt_pct(cp, sizeof(cp), k->cost_pct);
	cli_fmt_pct(rp, sizeof(rp), k->rows_pct);
	mlc_amount_format_grouped(cost, sizeof(cost), k->cost, 2);
	snprintf(rows, sizeof(rows), "%llu", (unsigned long long)k->rows);
	cells[0] = k->key;
	cells[1] = cp;
	cells[2] = rp;
	cells[3] = cost;
	cells[4] = rows;
	return cli_table_add(t, cells);
}

static int print_keys(const mlc_tag_coverage *c)
{
	static const char *const head[] = {"key", "cost share", "row share", "cost with it",
	                                   "rows"};
	char total[80];
	cli_table *t = cli_table_new(5, head, "lrrrr");
	int rc = 0;
	if (!t)
		return -1;
	for (size_t i = 0; i < c->nkeys && !rc; i++)
		rc = key_row(t, &c->keys[i]);
	if (!rc)
		rc = cli_table_rule(t);
	if (!rc)
		rc = key_row(t, &c->all);
	mlc_amount_format_grouped(total, sizeof(total), c->total, 2);
	if (!rc) {
		printf("Tag coverage: %s cost %s%s%s over %llu rows\n\n",
		       mlc_cost_basis_name(c->basis), total, c->currency ? " " : "",
		       c->currency ? c->currency : "", (unsigned long long)c->rows);
		cli_table_print(t, stdout);
	}
	cli_table_free(t);
	return rc;
}

static void missing_text(char *out, size_t n, const mlc_tag_coverage *c, uint32_t bits)
{
	size_t used = 0;
	out[0] = '\0';
	for (size_t i = 0; i < c->nkeys && used + 1 < n; i++)
		if (bits & (uint32_t)1 << i) {
			int k =
			    snprintf(out + used, n - used, "%s%s", used ? "," : "", c->keys[i].key);
			used += k > 0 ? (size_t)k : 0;
		}
}

static int print_untagged(const mlc_tag_coverage *c, size_t top, int from_store)
{
	static const char *const head[] = {"ResourceId", "ServiceName", "missing", "cost", "rows"};
	cli_table *t;
	int rc = 0;
	if (from_store) {
		printf("\nUntagged resources: not in the store, which keeps no ResourceId; run "
		       "mlcost tags on the bills to list them.\n");
		return 0;
	}
	if (!c->nuntagged || !top) {
		printf("\nNo cost on rows lacking a required key.\n");
		return 0;
	}
	if (!(t = cli_table_new(5, head, "lllrr")))
		return -1;
	for (size_t i = 0; i < c->nuntagged && i < top && !rc; i++) {
		const mlc_untagged_resource *u = &c->untagged[i];
		char miss[512], cost[80], rows[32];
		const char *cells[5];
		missing_text(miss, sizeof(miss), c, u->missing);
		mlc_amount_format_grouped(cost, sizeof(cost), u->cost, 2);
		snprintf(rows, sizeof(rows), "%llu", (unsigned long long)u->rows);
		cells[0] = u->resource_id ? u->resource_id : "(no resource)";
		cells[1] = u->service ? u->service : "(none)";
		cells[2] = miss;
		cells[3] = cost;
		cells[4] = rows;
		rc = cli_table_add(t, cells);
	}
	if (!rc) {
		printf("\nTop untagged resources by cost (%zu of %zu):\n",
		       c->nuntagged < top ? c->nuntagged : top, c->nuntagged);
		cli_table_print(t, stdout);
	}
	cli_table_free(t);
	return rc;
}

/* ---- the command ----------------------------------------------------------------------------- */

/* Exit 4 and say, one line per key, which keys are below the threshold. */
static int check_threshold(const mlc_tag_coverage *c, double under)
{
	int failed = 0;
	for (size_t i = 0; i < c->nkeys; i++) {
		char p[32];
		if (c->keys[i].cost_pct >= under)
			continue;
		cli_fmt_pct(p, sizeof(p), c->keys[i].cost_pct);
		fprintf(stderr,
		        "mlcost: tag coverage of key '%s' by cost is %s, below the required %g%%\n",
		        c->keys[i].key, p, under);
		failed = 1;
	}
	return failed ? EXIT_RULE_FAILED : EXIT_OK;
}

static void report_skipped(const mlc_tag_coverage *c)
{
	if (!c->rows_skipped)
		return;
	fprintf(stderr, "mlcost: skipped %llu bad row%s (--lenient)%s\n",
	        (unsigned long long)c->rows_skipped, c->rows_skipped == 1 ? "" : "s",
	        c->nerrors ? "; the first:" : "");
	for (size_t i = 0; i < c->nerrors; i++)
		fprintf(stderr, "  %s\n", c->errors[i]);
}

static int build_options(mlc_bills_options *o, mlc_cost_basis *basis, const cli_args *a)
{
	double threads = 0;
	int rc;
	o->nwhere = cli_list(a, "where", &o->where);
	o->from = cli_value(a, "from");
	o->to = cli_value(a, "to");
	if (mlc_cost_basis_parse(basis, cli_value(a, "cost")) != 0)
		return cli_error(EXIT_USAGE, "tags: --cost: %s", mlc_error_message());
	o->bases = basis;
	o->nbases = 1;
	o->aliases = cli_value(a, "aliases");
	o->lenient = cli_flag(a, "lenient");
	if ((rc = parse_number(&threads, "threads", cli_value(a, "threads"),
	                       MLC_BILLS_MAX_THREADS)) != EXIT_OK)
		return rc;
	o->threads = (unsigned)threads;
	o->progress = cli_progress_fn();
	return EXIT_OK;
}

static int output(const mlc_tag_coverage *c, const char *fmt, size_t top, int from_store)
{
	int rc;
	if (strcmp(fmt, "table") != 0) {
		rc = mlc_tag_coverage_write(c, strcmp(fmt, "json") ? MLC_BILLS_CSV : MLC_BILLS_JSON,
		                            top, stdout);
		return rc ? cli_fail(rc) : EXIT_OK;
	}
	if (print_keys(c) || print_untagged(c, top, from_store))
		return cli_error(EXIT_RUNTIME, "out of memory");
	return EXIT_OK;
}

/* From the store, a key that no record carries reads 0%: that is the answer
 * when no bill has it, but not when the ingests did not keep it, which the
 * store cannot tell. Say so (a warning: the shares stay as they are). */
static int warn_unkept(mlc_store *st, const mlc_tag_coverage *c, const char *aliases)
{
	char keys[1024];
	size_t used = 0, n = 0;
	int has, rc = EXIT_OK;
	keys[0] = '\0';
	for (size_t i = 0; i < c->nkeys && rc == EXIT_OK; i++) {
		if (c->keys[i].rows ||
		    (rc = cli_ledger_has_tag(&has, st, c->keys[i].key, aliases)) || has)
			continue;
		if (used + strlen(c->keys[i].key) + 2 < sizeof(keys))
			used += (size_t)snprintf(keys + used, sizeof(keys) - used, "%s%s",
			                         n ? "," : "", c->keys[i].key);
		n++;
	}
	if (rc == EXIT_OK && n)
		cli_ledger_unkept("tags", keys, n, 0);
	return rc;
}

static int run(const cli_args *a)
{
	mlc_bills_options o = MLC_BILLS_OPTIONS_INIT;
	mlc_cost_basis basis;
	mlc_tag_coverage *c = NULL;
	mlc_store *st = NULL;
	const char *keys[MAX_KEYS], *under_text = cli_value(a, "fail-under");
	char kbuf[2048];
	size_t nkeys;
	double top = 0, under = 0;
	int rc;
	if ((rc = split_keys(keys, &nkeys, kbuf, sizeof(kbuf), cli_value(a, "require"))) ||
	    (rc = parse_number(&top, "top", cli_value(a, "top"), 1e9)) ||
	    (under_text && (rc = parse_number(&under, "fail-under", under_text, 100))) ||
	    (rc = build_options(&o, &basis, a)) || (rc = cli_ledger_open(&st, a, "tags")))
		return rc;
	if (st)
		rc = mlc_ledger_coverage(&c, st, keys, nkeys, &o);
	else
		rc = mlc_bills_coverage(&c, a->pos, a->npos, keys, nkeys, &o);
	cli_progress_clear();
	if (rc != 0) {
		rc = cli_fail(rc);
		goto done;
	}
	report_skipped(c);
	if (st && (rc = warn_unkept(st, c, o.aliases)) != EXIT_OK)
		goto done;
	rc = output(c, cli_value(a, "format"), (size_t)top, st != NULL);
	if (rc == EXIT_OK && under_text)
		rc = check_threshold(c, under);
done:
	mlc_tag_coverage_free(c);
	mlc_store_close(st);
	return rc;
}

const cli_command cmd_tags = {
    "tags",
    "tag coverage of billing files or the ledger: share of cost and rows carrying each key",
    "[BILLS...] [--store STORE] [--require KEYS] [--fail-under PCT] [--top N]\n"
    "       [--format table|csv|json] [--where KEY=VALUE]... [--from T] [--to T]\n"
    "       [--cost BASIS] [--aliases FILE] [--lenient] [--threads N]",
    "For each required tag key, the share of cost and of rows that carry it (keys\n"
    "match case-insensitively; an alias file maps other spellings), the share that\n"
    "carries all of them, and the resources with the most cost on rows lacking a\n"
    "key. --fail-under PCT exits 4 when a key's cost share is below PCT (a CI\n"
    "guardrail). csv lists the keys; json also the top untagged resources.\n"
    "With no BILLS, reads the cost ledger (--store, default mlcost.db): the same\n"
    "shares (rows are the billing rows the ingest counted), but no untagged\n"
    "resources, since the ledger keeps no ResourceId (json: \"untagged\": null).\n"
    "A key no stored record carries is warned about: the ingest may not have kept it.\n"
    "Details: docs/tags.md.",
    options,
    0,
    CLI_MAX_POSITIONAL,
    run};
