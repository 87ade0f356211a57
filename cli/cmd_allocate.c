/* SPDX-License-Identifier: MIT */
/*
 * cmd_allocate.c - `mlcost allocate BILLS... --rules FILE`: shared costs
 * (pools named by an allocation file) handed out to targets (usually
 * tag:model_id), per target direct cost, what it received from each pool
 * and its total, per pool how it was split, and the conservation line
 * (total before = total after, exactly) (SPEC §4, docs/allocation.md).
 *
 * The library reads, allocates and writes the machine formats
 * (include/mlcost/unit.h); this file parses options, shows a progress line
 * on a terminal while the bills are read, and prints the tables, money
 * rounded to cents for display only (the conservation line is exact).
 */
#include "cli.h"
#include "table.h"

#include <mlcost.h>
#include <mlcost/bills.h>
#include <mlcost/unit.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const formats[] = {"table", "csv", "json", NULL};
static const char *const buckets[] = {"hour", "day", "month", NULL};

static const cli_option options[] = {
    {"rules", 'r', CLI_VALUE, "FILE", "allocation file (YAML): pools, splits, targets", NULL, NULL},
    {"usage", 'u', CLI_VALUE, "CSV", "usage CSV weighing `split: usage` pools", NULL, NULL},
    {"bucket", 0, CLI_VALUE, "UNIT", "allocate each period separately", NULL, buckets},
    {"cost", 'c', CLI_VALUE, "BASIS", "billed, effective, list or contracted", "effective", NULL},
    {"format", 'f', CLI_VALUE, "FMT", "output format", "table", formats},
    {"aliases", 0, CLI_VALUE, "FILE", "tag-key alias file (YAML)", NULL, NULL},
    {"lenient", 0, CLI_FLAG, NULL, "skip bad rows, count and report them", NULL, NULL},
    {NULL, 0, 0, NULL, NULL, NULL, NULL}};

static void report_skipped(uint64_t skipped, const char *const *errors, size_t nerrors)
{
	if (!skipped)
		return;
	fprintf(stderr, "mlcost: skipped %llu bad row%s (--lenient)%s\n",
	        (unsigned long long)skipped, skipped == 1 ? "" : "s",
	        nerrors ? "; the first:" : "");
	for (size_t i = 0; i < nerrors; i++)
		fprintf(stderr, "  %s\n", errors[i]);
}

static const char *money(char *buf, size_t n, mlc_amount a)
{
	mlc_amount_format_grouped(buf, n, a, 2);
	return buf;
}

/* One row of the targets table; t NULL: the totals in sum[]. */
static int target_row(cli_table *tb, const mlc_allocate_result *r, const mlc_allocate_target *t,
                      const mlc_amount *sum)
{
	enum { MAXC = 64 };
	char buf[MAXC][80], bucket[32];
	const char *cells[MAXC];
	size_t k = 0, np = r->npool_names;
	cells[k++] = t ? (t->value ? t->value : "(untagged)") : "total";
	if (r->bucket != MLC_BUCKET_NONE) {
		bucket[0] = '\0';
		if (t)
			mlc_time_bucket_label(bucket, sizeof(bucket), t->period, r->bucket);
		cells[k++] = bucket;
	}
	cells[k] = money(buf[k], sizeof(buf[k]), t ? t->direct : sum[0]), k++;
	for (size_t p = 0; p < np; p++, k++)
		cells[k] = money(buf[k], sizeof(buf[k]), t ? t->from_pool[p] : sum[1 + p]);
	cells[k] = money(buf[k], sizeof(buf[k]), t ? t->received : sum[1 + np]), k++;
	cells[k] = money(buf[k], sizeof(buf[k]), t ? t->total : sum[2 + np]), k++;
	return cli_table_add(tb, cells);
}

static int print_targets(const mlc_allocate_result *r)
{
	const char *head[64];
	char align[65];
	mlc_amount sum[64];
	size_t k = 0, np = r->npool_names;
	cli_table *tb;
	int rc = 0;
	if (np + 5 > 64)
		return cli_error(EXIT_USAGE,
		                 "allocate: too many pools for a table; use --format csv");
	head[k] = r->target_dim, align[k++] = 'l';
	if (r->bucket != MLC_BUCKET_NONE)
		head[k] = "bucket", align[k++] = 'l';
	head[k] = "direct", align[k++] = 'r';
	for (size_t p = 0; p < np; p++)
		head[k] = r->pool_names[p], align[k++] = 'r';
	head[k] = "received", align[k++] = 'r';
	head[k] = "total", align[k++] = 'r';
	align[k] = '\0';
	memset(sum, 0, sizeof(sum));
	if (!(tb = cli_table_new(k, head, align)))
		return cli_error(EXIT_RUNTIME, "out of memory");
	for (size_t i = 0; i < r->ntargets && !rc; i++) {
		const mlc_allocate_target *t = &r->targets[i];
		mlc_amount_add(&sum[0], t->direct);
		for (size_t p = 0; p < np; p++)
			mlc_amount_add(&sum[1 + p], t->from_pool[p]);
		mlc_amount_add(&sum[1 + np], t->received);
		mlc_amount_add(&sum[2 + np], t->total);
		rc = target_row(tb, r, t, NULL);
	}
	if (!rc)
		rc = cli_table_rule(tb);
	if (!rc)
		rc = target_row(tb, r, NULL, sum);
	if (!rc)
		cli_table_print(tb, stdout);
	cli_table_free(tb);
	return rc ? cli_error(EXIT_RUNTIME, "out of memory") : EXIT_OK;
}

static int print_pools(const mlc_allocate_result *r)
{
	const char *head[] = {"pool",      "bucket",      "split", "cost",
	                      "allocated", "unallocated", "rows",  "note"};
	int b = r->bucket != MLC_BUCKET_NONE, rc = 0;
	const char *h[8];
	size_t k = 0;
	cli_table *tb;
	for (size_t i = 0; i < 8; i++)
		if (i != 1 || b)
			h[k++] = head[i];
	if (!(tb = cli_table_new(k, h, b ? "lllrrrrl" : "llrrrrl")))
		return cli_error(EXIT_RUNTIME, "out of memory");
	for (size_t i = 0; i < r->npools && !rc; i++) {
		const mlc_allocate_pool *p = &r->pools[i];
		char m[3][80], rows[32], bucket[32];
		const char *cells[8];
		size_t c = 0;
		cells[c++] = r->pool_names[p->pool];
		if (b) {
			mlc_time_bucket_label(bucket, sizeof(bucket), p->period, r->bucket);
			cells[c++] = bucket;
		}
		cells[c++] = p->split;
		cells[c++] = money(m[0], sizeof(m[0]), p->total);
		cells[c++] = money(m[1], sizeof(m[1]), p->allocated);
		cells[c++] = money(m[2], sizeof(m[2]), p->unallocated);
		snprintf(rows, sizeof(rows), "%llu", (unsigned long long)p->rows);
		cells[c++] = rows;
		cells[c++] = p->note ? p->note : "";
		rc = cli_table_add(tb, cells);
	}
	if (!rc) {
		printf("\n");
		cli_table_print(tb, stdout);
	}
	cli_table_free(tb);
	return rc ? cli_error(EXIT_RUNTIME, "out of memory") : EXIT_OK;
}

static int print_table(const mlc_allocate_result *r)
{
	char before[MLC_AMOUNT_FMT_MAX], after[MLC_AMOUNT_FMT_MAX], diff[MLC_AMOUNT_FMT_MAX];
	int rc;
	if ((rc = print_targets(r)) != EXIT_OK || (rc = print_pools(r)) != EXIT_OK)
		return rc;
	mlc_amount_format(before, sizeof(before), r->before, -1);
	mlc_amount_format(after, sizeof(after), r->after, -1);
	mlc_amount_format(diff, sizeof(diff), r->difference, -1);
	printf("\nconservation: total before %s = total after %s (difference %s)\n", before, after,
	       diff);
	printf("cost basis: %s; currency: %s; rows read: %llu\n", mlc_cost_basis_name(r->basis),
	       r->currency ? r->currency : "unknown", (unsigned long long)r->rows_read);
	return EXIT_OK;
}

static int run(const cli_args *a)
{
	mlc_allocate_options o = MLC_ALLOCATE_OPTIONS_INIT;
	mlc_allocate_result *r = NULL;
	const char *fmt = cli_value(a, "format"), *rules = cli_value(a, "rules");
	int rc;
	if (!rules)
		return cli_error(EXIT_USAGE, "allocate: --rules FILE is required");
	if (cli_value(a, "bucket") && mlc_time_bucket_parse(&o.bucket, cli_value(a, "bucket")))
		return cli_error(EXIT_USAGE, "allocate: %s", mlc_error_message());
	if (mlc_cost_basis_parse(&o.basis, cli_value(a, "cost")) != 0)
		return cli_error(EXIT_USAGE, "allocate: --cost: %s", mlc_error_message());
	o.usage = cli_value(a, "usage");
	o.aliases = cli_value(a, "aliases");
	o.lenient = cli_flag(a, "lenient");
	o.progress = cli_progress_fn();
	rc = mlc_allocate_run(&r, a->pos, a->npos, rules, &o);
	cli_progress_clear();
	if (rc != 0)
		return cli_fail(rc);
	report_skipped(r->rows_skipped, r->errors, r->nerrors);
	if (!strcmp(fmt, "table"))
		rc = print_table(r);
	else if ((rc = mlc_allocate_write(r, strcmp(fmt, "json") ? MLC_BILLS_CSV : MLC_BILLS_JSON,
	                                  stdout)) != 0)
		rc = cli_fail(rc);
	mlc_allocate_result_free(r);
	return rc;
}

const cli_command cmd_allocate = {
    "allocate",
    "hand shared costs (platform, keys, gateways) out to models, exactly",
    "BILLS... --rules FILE [--usage CSV] [--bucket hour|day|month] [--cost BASIS]\n"
    "       [--format table|csv|json] [--aliases FILE] [--lenient]",
    "Reads the bills (FOCUS, AWS CUR; as `mlcost attribute`), puts every row in the first\n"
    "pool of the allocation file whose filter matches, or else in its target's direct\n"
    "cost, and splits each pool over the targets: even, proportional to direct cost, or\n"
    "by usage (--usage). Money is conserved exactly: the total before equals the total\n"
    "after. The table shows per target its direct cost, what it received from each\n"
    "pool and its total; per pool how it was split. Rules: docs/allocation.md.",
    options,
    1,
    CLI_MAX_POSITIONAL,
    run};
