/* SPDX-License-Identifier: MIT */
/*
 * cmd_ingest.c - `mlcost ingest FILE...`: billing files into the cost
 * ledger (SPEC §6), one transaction per (provider, billing account,
 * billing period) slice, each replacing what the store had for it; and
 * `mlcost ingest --list`, the ingest log with each file's checksum, rows
 * and totals for reconciliation with the invoice.
 *
 * The library reads, aggregates and writes (include/mlcost/ledger.h) and
 * writes the JSON; this file parses the options, shows progress on a
 * terminal and prints the tables (money rounded to cents for display, the
 * exact input totals on a line of their own).
 */
#include "cli.h"
#include "table.h"

#include <mlcost.h>
#include <mlcost/ledger.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const formats[] = {"table", "json", NULL};

static const cli_option options[] = {
    {"store", 's', CLI_VALUE, "STORE", "SQLite file or postgres://... URL", MLC_STORE_DEFAULT,
     NULL},
    {"tags", 't', CLI_LIST, "KEYS", "tag keys to keep, comma separated", MLC_LEDGER_DEFAULT_TAGS,
     NULL},
    {"aliases", 0, CLI_VALUE, "FILE", "tag-key alias file (YAML)", NULL, NULL},
    {"lenient", 0, CLI_FLAG, NULL, "skip bad rows, count and report them", NULL, NULL},
    {"list", 'l', CLI_FLAG, NULL, "show the ingest log and the slices instead", NULL, NULL},
    {"limit", 'n', CLI_VALUE, "N", "with --list: the last N ingests (0: all)", "0", NULL},
    {"format", 'f', CLI_VALUE, "FMT", "output format", "table", formats},
    {"threads", 'j', CLI_VALUE, "N", "parse threads (0: one per CPU)", "0", NULL},
    {NULL, 0, 0, NULL, NULL, NULL, NULL}};

typedef struct keys {
	char *buf;
	const char *name[MLC_LEDGER_MAX_TAGS + 1];
	size_t n;
} keys;

/* Split every --tags value at commas (blanks around a key dropped). */
static int split_keys(keys *k, const char *const *vals, size_t nvals)
{
	return cli_split_names(&k->buf, k->name, MLC_LEDGER_MAX_TAGS, &k->n, vals, nvals, "ingest",
	                       "tag keys");
}

/* ---- progress ------------------------------------------------------------------------------ */

static void show_writing(uint64_t done, uint64_t total, void *ctx)
{
	char line[96];
	(void)ctx;
	snprintf(line, sizeof(line), "writing a slice: %llu of %llu records",
	         (unsigned long long)done, (unsigned long long)total);
	cli_progress_line(line);
}

/* ---- tables -------------------------------------------------------------------------------- */

static void money(char *out, size_t n, mlc_amount a)
{
	mlc_amount_format_grouped(out, n, a, 2);
}

static void count(char *out, size_t n, uint64_t v)
{
	snprintf(out, n, "%llu", (unsigned long long)v);
}

/* "2024-09-01 .. 2024-10-01" (dates at midnight, else full times). */
static void period_text(char *out, size_t n, int64_t s, int64_t e)
{
	char a[48], b[48];
	mlc_time_bucket b1 = s % 86400 == 0 ? MLC_BUCKET_DAY : MLC_BUCKET_NONE;
	mlc_time_bucket b2 = e % 86400 == 0 ? MLC_BUCKET_DAY : MLC_BUCKET_NONE;
	mlc_time_bucket_label(a, sizeof(a), s, b1);
	mlc_time_bucket_label(b, sizeof(b), e, b2);
	snprintf(out, n, "%s .. %s", a, b);
}

static const char *text_or(const char *s, const char *none)
{
	return s && *s ? s : none;
}

#define SLICE_COLS 11

static int slice_row(cli_table *t, const mlc_ledger_slice *s)
{
	char per[112], rec[32], rows[32], m[MLC_COST_BASIS_COUNT][80];
	const char *cells[SLICE_COLS];
	period_text(per, sizeof(per), s->key.period_start, s->key.period_end);
	count(rec, sizeof(rec), s->records);
	count(rows, sizeof(rows), s->rows);
	for (int b = 0; b < MLC_COST_BASIS_COUNT; b++)
		money(m[b], sizeof(m[b]), s->total[b]);
	cells[0] = text_or(s->key.provider, "(none)");
	cells[1] = text_or(s->key.billing_account, "(none)");
	cells[2] = per;
	cells[3] = text_or(s->key.currency, "(none)");
	cells[4] = rec;
	cells[5] = rows;
	for (int b = 0; b < MLC_COST_BASIS_COUNT; b++)
		cells[6 + b] = m[b];
	cells[10] = mlc_ledger_change_name(s->change);
	return cli_table_add(t, cells);
}

/* The input's total, per currency when there are several. */
static int total_row(cli_table *t, const mlc_ledger_report *r, const mlc_ledger_total *c)
{
	char rows[32], label[64], m[MLC_COST_BASIS_COUNT][80];
	const char *cells[SLICE_COLS] = {label, "", "", "", "", rows, NULL, NULL, NULL, NULL, ""};
	snprintf(label, sizeof(label), "input%s%s", r->ncurrencies > 1 ? " " : "",
	         r->ncurrencies > 1 ? text_or(c->currency, "(none)") : "");
	count(rows, sizeof(rows), c->rows);
	for (int b = 0; b < MLC_COST_BASIS_COUNT; b++) {
		money(m[b], sizeof(m[b]), c->total[b]);
		cells[6 + b] = m[b];
	}
	return cli_table_add(t, cells);
}

static void print_exact(const char *label, const mlc_amount *total)
{
	char exact[MLC_COST_BASIS_COUNT][MLC_AMOUNT_FMT_MAX];
	for (int b = 0; b < MLC_COST_BASIS_COUNT; b++)
		mlc_amount_format(exact[b], sizeof(exact[b]), total[b], -1);
	printf("input total%s (exact): billed %s, effective %s, list %s, contracted %s\n", label,
	       exact[0], exact[1], exact[2], exact[3]);
}

/* The store as given, with a URL's password masked: postgres://u:***@host/db. */
static void store_label(char *out, size_t n, const char *store)
{
	const char *scheme = strstr(store, "://"), *at = strchr(store, '@'), *colon;
	colon = scheme ? strchr(scheme + 3, ':') : NULL;
	if (!scheme || !at || !colon || colon > at) {
		snprintf(out, n, "%s", store);
		return;
	}
	snprintf(out, n, "%.*s:***%s", (int)(colon - store), store, at);
}

static void print_files(const mlc_ledger_report *r, const char *store)
{
	char label[512];
	store_label(label, sizeof(label), store);
	printf("ingest %lld into %s (%s): %zu file%s, %llu rows read", (long long)r->ingest_id,
	       label, r->backend, r->nfiles, r->nfiles == 1 ? "" : "s",
	       (unsigned long long)r->rows_read);
	if (r->rows_skipped)
		printf(", %llu skipped", (unsigned long long)r->rows_skipped);
	printf(", %zu slice%s\n", r->nslices, r->nslices == 1 ? "" : "s");
	for (size_t i = 0; i < r->nfiles; i++) {
		const mlc_ledger_file *f = &r->files[i];
		printf("  %s: %s, %llu rows, sha256 %s\n", f->file.path,
		       text_or(f->file.format, "?"), (unsigned long long)f->file.rows,
		       f->file.sha256);
		for (int b = 0; b < MLC_COST_BASIS_COUNT; b++)
			if (f->missing[b])
				printf("    %s cost missing on %llu row%s, counted as 0: %s\n",
				       mlc_cost_basis_name((mlc_cost_basis)b),
				       (unsigned long long)f->rows_missing[b],
				       f->rows_missing[b] == 1 ? "" : "s", f->missing[b]);
	}
}

static int print_report(const mlc_ledger_report *r, const char *store)
{
	static const char *const head[SLICE_COLS] = {
	    "provider", "billing account", "billing period", "currency",   "records", "rows",
	    "billed",   "effective",       "list",           "contracted", "change"};
	cli_table *t = cli_table_new(SLICE_COLS, head, "llllrrrrrrl");
	int rc = t ? 0 : -1;
	print_files(r, store);
	printf("\n");
	for (size_t i = 0; i < r->nslices && !rc; i++)
		rc = slice_row(t, &r->slices[i]);
	if (!rc)
		rc = cli_table_rule(t);
	for (size_t i = 0; i < r->ncurrencies && !rc; i++)
		rc = total_row(t, r, &r->by_currency[i]);
	if (!rc)
		cli_table_print(t, stdout);
	cli_table_free(t);
	for (size_t i = 0; i < r->ncurrencies && r->ncurrencies > 1; i++) {
		char label[64];
		snprintf(label, sizeof(label), " in %s",
		         text_or(r->by_currency[i].currency, "(none)"));
		print_exact(label, r->by_currency[i].total);
	}
	if (r->ncurrencies <= 1)
		print_exact("", r->total);
	return rc;
}

static void report_skipped(const mlc_ledger_report *r)
{
	if (!r->rows_skipped)
		return;
	fprintf(stderr, "mlcost: skipped %llu bad row%s (--lenient)%s\n",
	        (unsigned long long)r->rows_skipped, r->rows_skipped == 1 ? "" : "s",
	        r->nerrors ? "; the first:" : "");
	for (size_t i = 0; i < r->nerrors; i++)
		fprintf(stderr, "  %s\n", r->errors[i]);
}

/* ---- the ingest log (--list) ------------------------------------------------------------------
 */

#define INGEST_COLS 10

static void time_text(char *out, size_t n, int64_t t)
{
	if (t)
		mlc_time_bucket_label(out, n, t, MLC_BUCKET_NONE);
	else
		snprintf(out, n, "-");
}

/* One row per file of an ingest; the ingest's own columns on its first row. */
static int ingest_rows(cli_table *t, const mlc_store_ingest *g)
{
	char id[32], started[48], finished[48], nsl[32], rows[32], sha[16], m[2][80];
	const char *cells[INGEST_COLS];
	int rc = 0;
	snprintf(id, sizeof(id), "%lld", (long long)g->id);
	time_text(started, sizeof(started), g->started_at);
	time_text(finished, sizeof(finished), g->finished_at);
	count(nsl, sizeof(nsl), g->nslices);
	for (size_t i = 0; i < (g->nfiles ? g->nfiles : 1) && !rc; i++) {
		const mlc_store_file *f = g->nfiles ? &g->files[i] : NULL;
		cells[0] = i ? "" : id;
		cells[1] = i ? "" : started;
		cells[2] = i ? "" : finished;
		cells[3] = i ? "" : g->status;
		cells[4] = i ? "" : nsl;
		cells[5] = f ? f->path : "";
		snprintf(sha, sizeof(sha), "%.12s", f ? f->sha256 : "");
		cells[6] = sha;
		if (f) {
			count(rows, sizeof(rows), f->rows);
			money(m[0], sizeof(m[0]), f->total[MLC_COST_BILLED]);
			money(m[1], sizeof(m[1]), f->total[MLC_COST_EFFECTIVE]);
		}
		cells[7] = f ? rows : "";
		cells[8] = f ? m[0] : "";
		cells[9] = f ? m[1] : "";
		rc = cli_table_add(t, cells);
	}
	return rc;
}

#define LSLICE_COLS 10

static int slice_info_row(cli_table *t, const mlc_store_slice_info *s)
{
	char per[112], ingest[32], at[48], rec[32], rows[32], m[2][80];
	const char *cells[LSLICE_COLS];
	period_text(per, sizeof(per), s->key.period_start, s->key.period_end);
	snprintf(ingest, sizeof(ingest), "%lld", (long long)s->ingest_id);
	time_text(at, sizeof(at), s->replaced_at);
	count(rec, sizeof(rec), s->records);
	count(rows, sizeof(rows), s->rows);
	money(m[0], sizeof(m[0]), s->total[MLC_COST_BILLED]);
	money(m[1], sizeof(m[1]), s->total[MLC_COST_EFFECTIVE]);
	cells[0] = text_or(s->key.provider, "(none)");
	cells[1] = text_or(s->key.billing_account, "(none)");
	cells[2] = per;
	cells[3] = text_or(s->key.currency, "(none)");
	cells[4] = s->ingest_id ? ingest : "-";
	cells[5] = at;
	cells[6] = rec;
	cells[7] = rows;
	cells[8] = m[0];
	cells[9] = m[1];
	return cli_table_add(t, cells);
}

static int print_listing(const mlc_store_listing *l)
{
	static const char *const ih[INGEST_COLS] = {"ingest", "started",  "finished", "status",
	                                            "slices", "file",     "sha256",   "rows",
	                                            "billed", "effective"};
	static const char *const sh[LSLICE_COLS] = {
	    "provider",    "billing account", "billing period", "currency", "ingest",
	    "replaced at", "records",         "rows",           "billed",   "effective"};
	cli_table *t = cli_table_new(INGEST_COLS, ih, "rllllllrrr");
	int rc = t ? 0 : -1;
	for (size_t i = 0; i < l->ningests && !rc; i++)
		rc = ingest_rows(t, &l->ingests[i]);
	if (!rc)
		cli_table_print(t, stdout);
	cli_table_free(t);
	if (rc)
		return rc;
	printf("\n");
	t = cli_table_new(LSLICE_COLS, sh, "llllrlrrrr");
	rc = t ? 0 : -1;
	for (size_t i = 0; i < l->nslices && !rc; i++)
		rc = slice_info_row(t, &l->slices[i]);
	if (!rc)
		cli_table_print(t, stdout);
	cli_table_free(t);
	return rc;
}

/* ---- the command ------------------------------------------------------------------------------
 */

static int run_list(mlc_store *s, const cli_args *a, int json)
{
	mlc_store_listing *l = NULL;
	size_t limit = 0;
	int rc;
	if ((rc = cli_parse_count(&limit, "ingest", "limit", cli_value(a, "limit"))) != EXIT_OK)
		return rc;
	if ((rc = mlc_store_list(&l, s, limit)) != 0)
		return cli_fail(rc);
	if (json)
		rc = mlc_ledger_listing_write(l, stdout) ? cli_fail(MLC_EIO) : EXIT_OK;
	else
		rc = print_listing(l) ? cli_error(EXIT_RUNTIME, "out of memory") : EXIT_OK;
	mlc_store_listing_free(l);
	return rc;
}

static int run_ingest(mlc_store *s, const cli_args *a, int json)
{
	mlc_ledger_options o = MLC_LEDGER_OPTIONS_INIT;
	mlc_ledger_report *r = NULL;
	const char *const *vals;
	size_t n;
	keys k;
	int rc;
	memset(&k, 0, sizeof(k));
	n = cli_list(a, "tags", &vals);
	if (n == 0) {
		static const char *const def[] = {MLC_LEDGER_DEFAULT_TAGS};
		vals = def;
		n = 1;
	}
	if ((rc = split_keys(&k, vals, n)) != EXIT_OK ||
	    (rc = cli_parse_count(&n, "ingest", "threads", cli_value(a, "threads"))) != EXIT_OK)
		goto done;
	o.tags = k.name;
	o.ntags = k.n;
	if (!k.n) {
		rc = cli_error(EXIT_USAGE, "ingest: --tags is empty");
		goto done;
	}
	o.threads = n > MLC_BILLS_MAX_THREADS ? MLC_BILLS_MAX_THREADS : (unsigned)n;
	o.aliases = cli_value(a, "aliases");
	o.lenient = cli_flag(a, "lenient");
	o.progress = cli_progress_fn();
	rc = mlc_ledger_ingest(&r, s, a->pos, a->npos, &o);
	cli_progress_clear();
	if (rc != 0) {
		rc = cli_fail(rc);
		goto done;
	}
	report_skipped(r);
	if (json)
		rc = mlc_ledger_report_write(r, stdout) ? cli_fail(MLC_EIO) : EXIT_OK;
	else
		rc = print_report(r, cli_value(a, "store"))
		         ? cli_error(EXIT_RUNTIME, "out of memory")
		         : EXIT_OK;
done:
	mlc_ledger_report_free(r);
	free(k.buf);
	return rc;
}

static int run(const cli_args *a)
{
	mlc_store_options so = MLC_STORE_OPTIONS_INIT;
	mlc_store *s = NULL;
	int list = cli_flag(a, "list"), json = !strcmp(cli_value(a, "format"), "json"), rc;
	if (list && a->npos)
		return cli_error(EXIT_USAGE, "ingest: --list takes no files");
	if (!list && !a->npos)
		return cli_error(EXIT_USAGE, "ingest: no files to ingest (or --list for the log)");
	if (!list && isatty(STDERR_FILENO))
		so.progress = show_writing;
	/* --list only reads: opening without migrating does not wait for the write lock an
	 * ingest in progress holds (SQLite); a store not yet at this schema is migrated */
	so.auto_migrate = !list;
	if ((rc = mlc_store_open(&s, cli_value(a, "store"), &so)) == MLC_EINVAL && list) {
		so.auto_migrate = 1;
		rc = mlc_store_open(&s, cli_value(a, "store"), &so);
	}
	if (rc != 0)
		return cli_fail(rc);
	rc = list ? run_list(s, a, json) : run_ingest(s, a, json);
	cli_progress_clear();
	mlc_store_close(s);
	return rc;
}

const cli_command cmd_ingest = {
    "ingest",
    "billing files into the cost ledger (SQLite or PostgreSQL), slice by slice",
    "FILE... [--store PATH|postgres://...] [--tags KEYS] [--aliases FILE] [--lenient]\n"
    "       [--format table|json] [--threads N]\n"
    "       --list [--store ...] [--limit N] [--format table|json]",
    "Reads FOCUS 1.0-1.2 and AWS CUR files (plain, .gz, .zst), aggregates their cost\n"
    "by hour, provider, billing account, sub-account, service, region, charge and\n"
    "pricing category and the tag keys, and replaces each (provider, billing account,\n"
    "billing period) slice of the store in its own transaction: ingesting a file\n"
    "again changes nothing, a restated export replaces its slices, and an ingest\n"
    "killed midway leaves every slice whole. Give all parts of one month's export\n"
    "in one ingest. Prints each slice with its totals and the input's grand total\n"
    "for reconciliation; --list shows the ingest log and the slices.\n"
    "Details: docs/ingest.md.",
    options,
    0,
    CLI_MAX_POSITIONAL,
    run};
