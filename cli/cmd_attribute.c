/* SPDX-License-Identifier: MIT */
/*
 * cmd_attribute.c - `mlcost attribute [BILLS...] --by DIMS`: cost from
 * billing files (FOCUS, AWS CUR) grouped by tags, FOCUS columns and time
 * buckets, after filters, under one or several cost bases (SPEC §4); with
 * no BILLS, the same from the cost ledger (--store, default mlcost.db).
 *
 * The library reads and sums (include/mlcost/bills.h, and ledger.h for the
 * store: the same result) and writes the exact machine formats; this file
 * parses the options, shows a progress line on a terminal, prints the
 * table (money rounded to cents for display only), and reports skipped
 * rows. From the store it refuses a tag key that no record carries rather
 * than print all cost as untagged.
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
#include <strings.h>

static const char *const formats[] = {"table", "csv", "json", NULL};
static const char *const buckets[] = {"hour", "day", "month", NULL};

static const cli_option options[] = {
    {"by", 'b', CLI_LIST, "DIMS", "group by these, comma separated: tag:KEY or a FOCUS column",
     NULL, NULL},
    {"bucket", 0, CLI_VALUE, "UNIT", "also group by the charge period start", NULL, buckets},
    {"where", 'w', CLI_LIST, "KEY=VALUE", "keep rows where KEY is VALUE (KEY!=VALUE: is not)", NULL,
     NULL},
    {"from", 0, CLI_VALUE, "TIME", "keep charge periods starting at or after TIME", NULL, NULL},
    {"to", 0, CLI_VALUE, "TIME", "keep charge periods starting before TIME", NULL, NULL},
    {"cost", 'c', CLI_VALUE, "BASIS", "billed, effective, list or contracted; several: a,b",
     "effective", NULL},
    {"format", 'f', CLI_VALUE, "FMT", "output format", "table", formats},
    {"aliases", 0, CLI_VALUE, "FILE", "tag-key alias file (YAML)", NULL, NULL},
    {"lenient", 0, CLI_FLAG, NULL, "skip bad rows, count and report them", NULL, NULL},
    {"threads", 'j', CLI_VALUE, "N", "parse threads (0: one per CPU)", "0", NULL},
    {"max-groups", 0, CLI_VALUE, "N", "fail past N groups", "4194304", NULL},
    CLI_LEDGER_STORE_OPTION,
    {NULL, 0, 0, NULL, NULL, NULL, NULL}};

#define MAX_DIMS MLC_BILLS_MAX_DIMS

typedef struct dims {
	char *buf;
	const char *name[MAX_DIMS + 1];
	size_t n;
} dims;

/* Split every --by value at commas (blanks around a name dropped). */
static int split_dims(dims *d, const char *const *vals, size_t nvals)
{
	return cli_split_names(&d->buf, d->name, MAX_DIMS, &d->n, vals, nvals, "attribute",
	                       "dimensions");
}

static int parse_bases(mlc_cost_basis *out, size_t *n, const char *spec)
{
	char buf[128], *tok, *save = NULL;
	*n = 0;
	if (strlen(spec) >= sizeof(buf))
		return cli_error(EXIT_USAGE, "attribute: --cost '%s' is too long", spec);
	strcpy(buf, spec);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (*n == MLC_COST_BASIS_COUNT)
			return cli_error(EXIT_USAGE, "attribute: --cost names more than %d bases",
			                 MLC_COST_BASIS_COUNT);
		if (mlc_cost_basis_parse(&out[*n], tok) != 0)
			return cli_error(EXIT_USAGE, "attribute: --cost: %s", mlc_error_message());
		(*n)++;
	}
	if (!*n)
		return cli_error(EXIT_USAGE, "attribute: --cost is empty");
	return EXIT_OK;
}

/* ---- output ---------------------------------------------------------------------------------- */

static void report_skipped(const mlc_bills_result *r)
{
	if (!r->rows_skipped)
		return;
	fprintf(stderr, "mlcost: skipped %llu bad row%s (--lenient)%s\n",
	        (unsigned long long)r->rows_skipped, r->rows_skipped == 1 ? "" : "s",
	        r->nerrors ? "; the first:" : "");
	for (size_t i = 0; i < r->nerrors; i++)
		fprintf(stderr, "  %s\n", r->errors[i]);
}

static const char *cell_value(const mlc_bills_result *r, const mlc_bills_group *g, size_t d)
{
	if (g->values[d])
		return g->values[d];
	return strncmp(r->by[d], "tag:", 4) == 0 ? "(untagged)" : "(none)";
}

static int table_row(cli_table *t, const mlc_bills_result *r, const mlc_bills_group *g,
                     const mlc_amount *cost, uint64_t rows)
{
	char money[MLC_COST_BASIS_COUNT][80], count[32], bucket[48];
	const char *cells[MAX_DIMS + 2 + MLC_COST_BASIS_COUNT];
	size_t k = 0;
	for (size_t d = 0; d < r->nby; d++)
		cells[k++] = g ? cell_value(r, g, d) : (d == 0 ? "total" : "");
	if (r->bucket != MLC_BUCKET_NONE) {
		bucket[0] = '\0';
		if (g)
			mlc_time_bucket_label(bucket, sizeof(bucket), g->bucket, r->bucket);
		cells[k++] = r->nby || g ? bucket : "total";
	}
	for (size_t b = 0; b < r->nbases; b++) {
		mlc_amount_format_grouped(money[b], sizeof(money[b]), cost[b], 2);
		cells[k++] = money[b];
	}
	snprintf(count, sizeof(count), "%llu", (unsigned long long)rows);
	cells[k++] = count;
	return cli_table_add(t, cells);
}

static int print_table(const mlc_bills_result *r)
{
	const char *head[MAX_DIMS + 2 + MLC_COST_BASIS_COUNT];
	char align[MAX_DIMS + 3 + MLC_COST_BASIS_COUNT];
	size_t k = 0;
	cli_table *t;
	int rc = 0;
	for (size_t d = 0; d < r->nby; d++)
		head[k] = r->by[d], align[k++] = 'l';
	if (r->bucket != MLC_BUCKET_NONE)
		head[k] = "bucket", align[k++] = 'l';
	for (size_t b = 0; b < r->nbases; b++)
		head[k] = r->nbases > 1 ? mlc_cost_basis_name(r->bases[b]) : "cost",
		align[k++] = 'r';
	head[k] = "rows", align[k++] = 'r';
	align[k] = '\0';
	if (!(t = cli_table_new(k, head, align)))
		return -1;
	for (size_t g = 0; g < r->ngroups && !rc; g++)
		rc = table_row(t, r, &r->groups[g], r->groups[g].cost, r->groups[g].rows);
	if (!rc && r->nby + (r->bucket != MLC_BUCKET_NONE) > 0)
		rc = cli_table_rule(t);
	if (!rc && (r->nby + (r->bucket != MLC_BUCKET_NONE) > 0 || !r->ngroups))
		rc = table_row(t, r, NULL, r->total, r->rows_matched);
	if (!rc)
		cli_table_print(t, stdout);
	cli_table_free(t);
	if (rc)
		return rc;
	printf("cost basis: %s", mlc_cost_basis_name(r->bases[0]));
	for (size_t b = 1; b < r->nbases; b++)
		printf(", %s", mlc_cost_basis_name(r->bases[b]));
	printf("; currency: %s; rows read: %llu", r->currency ? r->currency : "unknown",
	       (unsigned long long)r->rows_read);
	if (r->rows_matched != r->rows_read - r->rows_skipped)
		printf(", matched: %llu", (unsigned long long)r->rows_matched);
	if (r->rows_skipped)
		printf(", skipped: %llu", (unsigned long long)r->rows_skipped);
	printf("\n");
	return 0;
}

/* ---- the command ----------------------------------------------------------------------------- */

static int build_options(mlc_bills_options *o, dims *d, mlc_cost_basis *bases, const cli_args *a)
{
	const char *const *vals;
	size_t n;
	int rc;
	n = cli_list(a, "by", &vals);
	if ((rc = split_dims(d, vals, n)) != EXIT_OK)
		return rc;
	o->by = d->name;
	o->nby = d->n;
	if (cli_value(a, "bucket") &&
	    mlc_time_bucket_parse(&o->bucket, cli_value(a, "bucket")) != 0)
		return cli_error(EXIT_USAGE, "attribute: %s", mlc_error_message());
	o->nwhere = cli_list(a, "where", &o->where);
	o->from = cli_value(a, "from");
	o->to = cli_value(a, "to");
	if ((rc = parse_bases(bases, &o->nbases, cli_value(a, "cost"))) != EXIT_OK)
		return rc;
	o->bases = bases;
	o->aliases = cli_value(a, "aliases");
	o->lenient = cli_flag(a, "lenient");
	if ((rc = cli_parse_count(&n, "attribute", "threads", cli_value(a, "threads"))) != EXIT_OK)
		return rc;
	o->threads = n > MLC_BILLS_MAX_THREADS ? MLC_BILLS_MAX_THREADS : (unsigned)n;
	if ((rc = cli_parse_count(&o->max_groups, "attribute", "max-groups",
	                          cli_value(a, "max-groups"))) != EXIT_OK)
		return rc;
	o->progress = cli_progress_fn();
	return EXIT_OK;
}

/* The tag key of a filter "tag:KEY=V" / "tag:KEY!=V" into out; 0 when not a tag. */
static int where_tag(char *out, size_t cap, const char *w)
{
	const char *eq = strchr(w, '=');
	size_t n = eq ? (size_t)(eq - w) : 0;
	while (*w == ' ' && n)
		w++, n--;
	if (n && w[n - 1] == '!')
		n--;
	if (n <= 4 || n >= cap || strncasecmp(w, "tag:", 4) != 0)
		return 0;
	memcpy(out, w, n);
	out[n] = '\0';
	return 1;
}

/* From the store, a tag key on no record would show all cost as untagged (or
 * match nothing): refuse it, saying why. A dimension with a value is kept. */
static int check_ledger_tags(mlc_store *st, const mlc_bills_result *r, const mlc_bills_options *o)
{
	char key[256];
	int rc = EXIT_OK;
	for (size_t d = 0; d < r->nby && rc == EXIT_OK; d++) {
		size_t g = 0;
		if (strncasecmp(r->by[d], "tag:", 4) != 0)
			continue;
		while (g < r->ngroups && !r->groups[g].values[d])
			g++;
		if (g == r->ngroups)
			rc = cli_ledger_tag(st, "attribute", r->by[d], o->aliases);
	}
	for (size_t i = 0; i < o->nwhere && rc == EXIT_OK; i++)
		if (where_tag(key, sizeof(key), o->where[i]))
			rc = cli_ledger_tag(st, "attribute", key, o->aliases);
	return rc;
}

static int run(const cli_args *a)
{
	mlc_bills_options o = MLC_BILLS_OPTIONS_INIT;
	mlc_cost_basis bases[MLC_COST_BASIS_COUNT];
	mlc_bills_result *r = NULL;
	mlc_store *st = NULL;
	dims d;
	const char *fmt = cli_value(a, "format");
	int rc;
	memset(&d, 0, sizeof(d));
	if ((rc = build_options(&o, &d, bases, a)) != EXIT_OK ||
	    (rc = cli_ledger_open(&st, a, "attribute")) != EXIT_OK)
		goto done;
	if (st) {
		rc = mlc_ledger_aggregate(&r, st, &o);
	} else {
		rc = mlc_bills_aggregate(&r, a->pos, a->npos, &o);
		cli_progress_clear();
	}
	if (rc != 0) {
		rc = cli_fail(rc);
		goto done;
	}
	if (st && (rc = check_ledger_tags(st, r, &o)) != EXIT_OK)
		goto done;
	report_skipped(r);
	if (!strcmp(fmt, "table"))
		rc = print_table(r) ? cli_error(EXIT_RUNTIME, "out of memory") : EXIT_OK;
	else if ((rc = mlc_bills_write(r, strcmp(fmt, "json") ? MLC_BILLS_CSV : MLC_BILLS_JSON,
	                               stdout)) != 0)
		rc = cli_fail(rc);
done:
	mlc_bills_result_free(r);
	mlc_store_close(st);
	free(d.buf);
	return rc;
}

const cli_command cmd_attribute = {
    "attribute",
    "cost from billing files (FOCUS, AWS CUR) or the ledger by tags, columns and time",
    "[BILLS...] [--store STORE] [--by DIMS] [--bucket hour|day|month]\n"
    "       [--where KEY=VALUE]... [--from T] [--to T] [--cost BASIS[,BASIS]]\n"
    "       [--format table|csv|json] [--aliases FILE] [--lenient] [--threads N]",
    "Reads FOCUS 1.0-1.2 and AWS CUR (legacy, 2.0, Athena) CSV, plain, .gz or .zst,\n"
    "or - for stdin; the format is detected from each file's header. Sums are exact;\n"
    "csv and json print every digit, the table rounds to cents. Rows are sorted by\n"
    "cost, largest first. A missing tag is empty in csv, null in json, (untagged)\n"
    "in the table. --where on one KEY several times keeps rows matching any value;\n"
    "different keys must all match.\n"
    "With no BILLS, reads the cost ledger that mlcost ingest wrote (--store, default\n"
    "mlcost.db) and prints the same: it keeps ProviderName, BillingAccountId,\n"
    "BillingCurrency, SubAccountId, ServiceName, RegionId, ChargeCategory,\n"
    "PricingCategory and the ingested tag keys, by the hour; other dimensions\n"
    "(ResourceId, SkuId, ...) need the bills. Semantics and examples: docs/attribute.md.",
    options,
    0,
    CLI_MAX_POSITIONAL,
    run};
