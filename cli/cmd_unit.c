/* SPDX-License-Identifier: MIT */
/*
 * cmd_unit.c - `mlcost unit [BILLS...] --usage USAGE.csv`: cost per request
 * and per 1,000 requests per model and period (optionally per lifecycle
 * phase) and per model overall, from the bills' attributed cost and a usage
 * CSV, with training amortized over the requests until the next retrain
 * (--retrain-every, or each model's cadence from a cost profile's
 * training.runs_per_month with --profile) (SPEC §5, docs/unit-cost.md).
 * With no BILLS, the cost comes from the ledger (--store, default
 * mlcost.db).
 *
 * The library reads, joins, divides exactly and writes the machine formats
 * (include/mlcost/unit.h); this file parses options and prints the tables
 * (cost rounded to cents, unit costs to 4 significant digits, for display
 * only). Rows without usage show n/a, never 0. A progress line is shown on
 * a terminal while the bills are read.
 */
#include "cli.h"
#include "ledger_args.h"
#include "table.h"

#include <mlcost.h>
#include <mlcost/bills.h>
#include <mlcost/ledger.h>
#include <mlcost/unit.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const formats[] = {"table", "csv", "json", NULL};
static const char *const buckets[] = {"hour", "day", "month", NULL};

static const cli_option options[] = {
    {"usage", 'u', CLI_VALUE, "CSV", "usage: date,model_id,requests[,input_tokens,output_tokens]",
     NULL, NULL},
    {"bucket", 0, CLI_VALUE, "UNIT", "period of the join", "day", buckets},
    {"by-phase", 0, CLI_FLAG, NULL, "also per lifecycle phase", NULL, NULL},
    {"retrain-every", 0, CLI_VALUE, "N", "amortize training over N (30d, 12h, 2w), every model",
     NULL, NULL},
    {"profile", 'p', CLI_VALUE, "PROFILE",
     "cost profile: each model's cadence from training.runs_per_month", NULL, NULL},
    {"model-tag", 0, CLI_VALUE, "KEY", "tag naming the model", "model_id", NULL},
    {"phase-tag", 0, CLI_VALUE, "KEY", "tag naming the lifecycle phase", "lifecycle_phase", NULL},
    {"cost", 'c', CLI_VALUE, "BASIS", "billed, effective, list or contracted", "effective", NULL},
    {"format", 'f', CLI_VALUE, "FMT", "output format", "table", formats},
    {"aliases", 0, CLI_VALUE, "FILE", "tag-key alias file (YAML)", NULL, NULL},
    {"lenient", 0, CLI_FLAG, NULL, "skip bad rows, count and report them", NULL, NULL},
    CLI_LEDGER_STORE_OPTION,
    {NULL, 0, 0, NULL, NULL, NULL, NULL}};

static void report_skipped(const mlc_unit_result *r)
{
	uint64_t n = r->rows_skipped + r->usage_rows_skipped;
	if (!n)
		return;
	fprintf(stderr, "mlcost: skipped %llu bad row%s (--lenient)%s\n", (unsigned long long)n,
	        n == 1 ? "" : "s", r->nerrors ? "; the first:" : "");
	for (size_t i = 0; i < r->nerrors; i++)
		fprintf(stderr, "  %s\n", r->errors[i]);
}

static const char *note(unsigned flags)
{
	if (flags & MLC_UNIT_NO_USAGE)
		return "cost, no usage";
	if (flags & MLC_UNIT_NO_COST)
		return "usage, no cost";
	return "";
}

static int add_row(cli_table *t, const mlc_unit_result *r, const mlc_unit_row *w, int period)
{
	char cost[80], train[80], req[32], per[64], per1k[64], label[32];
	const char *cells[9];
	size_t k = 0;
	cells[k++] = w->model ? w->model : "(untagged)";
	if (r->by_phase)
		cells[k++] = w->phase ? w->phase : "(none)";
	if (period) {
		mlc_time_bucket_label(label, sizeof(label), w->period, r->bucket);
		cells[k++] = label;
	}
	mlc_amount_format_grouped(cost, sizeof(cost), w->cost, 2);
	mlc_amount_format_grouped(train, sizeof(train), w->training, 2);
	snprintf(req, sizeof(req), "%llu", (unsigned long long)w->requests);
	if (w->flags & MLC_UNIT_NO_USAGE) {
		strcpy(per, "n/a");
		strcpy(per1k, "n/a");
	} else {
		cli_fmt_unit_money(per, sizeof(per), mlc_amount_to_double(w->per_request));
		cli_fmt_unit_money(per1k, sizeof(per1k), mlc_amount_to_double(w->per_1k));
	}
	cells[k++] = cost;
	if (r->retrain_every || r->ncadences)
		cells[k++] = train;
	cells[k++] = req;
	cells[k++] = per;
	cells[k++] = per1k;
	cells[k++] = note(w->flags);
	return cli_table_add(t, cells);
}

static int print_rows(const mlc_unit_result *r, const mlc_unit_row *w, size_t n, int period)
{
	const char *head[9];
	char align[10];
	size_t k = 0;
	cli_table *t;
	int rc = 0;
	head[k] = "model", align[k++] = 'l';
	if (r->by_phase)
		head[k] = "phase", align[k++] = 'l';
	if (period)
		head[k] = r->bucket == MLC_BUCKET_MONTH  ? "month"
		          : r->bucket == MLC_BUCKET_HOUR ? "hour"
		                                         : "day",
		align[k++] = 'l';
	head[k] = "cost", align[k++] = 'r';
	if (r->retrain_every || r->ncadences)
		head[k] = "training", align[k++] = 'r';
	head[k] = "requests", align[k++] = 'r';
	head[k] = "per request", align[k++] = 'r';
	head[k] = "per 1k", align[k++] = 'r';
	head[k] = "note", align[k++] = 'l';
	align[k] = '\0';
	if (!(t = cli_table_new(k, head, align)))
		return -1;
	for (size_t i = 0; i < n && !rc; i++)
		rc = add_row(t, r, &w[i], period);
	if (!rc)
		cli_table_print(t, stdout);
	cli_table_free(t);
	return rc;
}

static int print_training(const mlc_unit_result *r)
{
	const char *head[] = {"model",     "trained",     "window end", "cost",
	                      "amortized", "unamortized", "requests"};
	cli_table *t;
	int rc = 0;
	if (!r->ntraining)
		return 0;
	if (!(t = cli_table_new(7, head, "lllrrrr")))
		return -1;
	for (size_t i = 0; i < r->ntraining && !rc; i++) {
		const mlc_unit_training *x = &r->training[i];
		char a[3][80], p[32], e[32], req[32];
		const char *cells[7];
		mlc_time_bucket_label(p, sizeof(p), x->period, r->bucket);
		mlc_time_bucket_label(e, sizeof(e), x->window_end, r->bucket);
		mlc_amount_format_grouped(a[0], sizeof(a[0]), x->cost, 2);
		mlc_amount_format_grouped(a[1], sizeof(a[1]), x->amortized, 2);
		mlc_amount_format_grouped(a[2], sizeof(a[2]), x->unamortized, 2);
		snprintf(req, sizeof(req), "%llu", (unsigned long long)x->requests);
		cells[0] = x->model ? x->model : "(untagged)";
		cells[1] = p, cells[2] = e, cells[3] = a[0], cells[4] = a[1], cells[5] = a[2];
		cells[6] = req;
		rc = cli_table_add(t, cells);
	}
	if (!rc) {
		printf("\n");
		cli_table_print(t, stdout);
	}
	cli_table_free(t);
	return rc;
}

/* "retrain cadence from the profile: a 7.5 days, b 1 day" */
static void print_cadences(const mlc_unit_result *r)
{
	if (!r->ncadences)
		return;
	printf("retrain cadence from the profile:");
	for (size_t i = 0; i < r->ncadences; i++) {
		double days = (double)r->cadences[i].seconds / 86400.0;
		printf("%s %s %.4g day%s", i ? "," : "", r->cadences[i].model, days,
		       days == 1.0 ? "" : "s");
	}
	printf("; other models' training is charged where it ran\n");
}

static int print_table(const mlc_unit_result *r)
{
	char in[MLC_AMOUNT_FMT_MAX], ch[MLC_AMOUNT_FMT_MAX], un[MLC_AMOUNT_FMT_MAX];
	if (print_rows(r, r->by_phase ? r->phase_rows : r->rows,
	               r->by_phase ? r->nphase_rows : r->nrows, 1))
		return -1;
	printf("\n");
	if (print_rows(r, r->by_phase ? r->model_phases : r->models,
	               r->by_phase ? r->nmodel_phases : r->nmodels, 0) ||
	    print_training(r))
		return -1;
	mlc_amount_format(in, sizeof(in), r->cost_in, -1);
	mlc_amount_format(ch, sizeof(ch), r->cost_charged, -1);
	mlc_amount_format(un, sizeof(un), r->unamortized, -1);
	printf("\ncost %s = charged %s + unamortized training %s; requests: %llu\n", in, ch, un,
	       (unsigned long long)r->requests);
	printf("cost basis: %s; currency: %s; bill rows read: %llu; usage rows read: %llu\n",
	       mlc_cost_basis_name(r->basis), r->currency ? r->currency : "unknown",
	       (unsigned long long)r->rows_read, (unsigned long long)r->usage_rows_read);
	print_cadences(r);
	return 0;
}

/* From the store, a model tag no record carries would put all cost under
 * (untagged); a phase tag likewise would hide training from --by-phase and
 * --retrain-every. Refuse, saying why. */
static int check_ledger_tags(mlc_store *st, const mlc_unit_result *r, const mlc_unit_options *o)
{
	size_t i = 0;
	int rc = EXIT_OK;
	while (i < r->nmodels && (!r->models[i].model || (r->models[i].flags & MLC_UNIT_NO_COST)))
		i++; /* usage names models too: only a model with cost shows the tag kept */
	if (i == r->nmodels)
		rc = cli_ledger_tag(st, "unit", o->model_tag, o->aliases);
	if (rc == EXIT_OK && (o->by_phase || o->retrain_every || o->ncadences))
		rc = cli_ledger_tag(st, "unit", o->phase_tag, o->aliases);
	return rc;
}

static int compute(mlc_unit_result **r, const cli_args *a, const char *usage,
                   const mlc_unit_options *o)
{
	mlc_store *st = NULL;
	int rc;
	if ((rc = cli_ledger_open(&st, a, "unit")) != EXIT_OK)
		return rc;
	if (st)
		rc = mlc_ledger_unit(r, st, usage, o);
	else
		rc = mlc_unit_run(r, a->pos, a->npos, usage, o);
	cli_progress_clear();
	if (rc != 0)
		rc = cli_fail(rc);
	else if (st)
		rc = check_ledger_tags(st, *r, o);
	mlc_store_close(st);
	return rc;
}

/*
 * --profile: each model of the profile that retrains (runs_per_month > 0)
 * gets its cadence; an explicit --retrain-every wins for every model, but
 * the profile is still read, so a wrong path or field is never ignored.
 */
static int profile_cadences(mlc_profile **p, mlc_unit_cadence **c, mlc_unit_options *o,
                            const char *path)
{
	int rc;
	if (!path)
		return EXIT_OK;
	if ((rc = mlc_profile_load_file(p, path)) != 0)
		return cli_fail(rc);
	if (mlc_unit_profile_cadences(c, &o->ncadences, *p) != 0) /* a value of the profile */
		return cli_error(EXIT_BAD_INPUT, "%s: %s", path, mlc_error_message());
	o->cadences = *c;
	if (!o->ncadences && !o->retrain_every)
		fprintf(stderr,
		        "mlcost: unit: %s: no model has training.runs_per_month above 0; "
		        "training is not amortized\n",
		        path);
	return EXIT_OK;
}

static int run(const cli_args *a)
{
	mlc_unit_options o = MLC_UNIT_OPTIONS_INIT;
	mlc_unit_result *r = NULL;
	mlc_profile *prof = NULL;
	mlc_unit_cadence *cad = NULL;
	const char *fmt = cli_value(a, "format"), *usage = cli_value(a, "usage");
	int64_t cadence;
	int rc;
	if (!usage)
		return cli_error(EXIT_USAGE, "unit: --usage CSV is required");
	if (mlc_time_bucket_parse(&o.bucket, cli_value(a, "bucket")) != 0)
		return cli_error(EXIT_USAGE, "unit: %s", mlc_error_message());
	if (mlc_cost_basis_parse(&o.basis, cli_value(a, "cost")) != 0)
		return cli_error(EXIT_USAGE, "unit: --cost: %s", mlc_error_message());
	o.by_phase = cli_flag(a, "by-phase");
	o.retrain_every = cli_value(a, "retrain-every");
	if (o.retrain_every && mlc_unit_parse_cadence(&cadence, o.retrain_every) != 0)
		return cli_error(EXIT_USAGE, "unit: --retrain-every: %s", mlc_error_message());
	o.model_tag = cli_value(a, "model-tag");
	o.phase_tag = cli_value(a, "phase-tag");
	o.aliases = cli_value(a, "aliases");
	o.lenient = cli_flag(a, "lenient");
	o.progress = cli_progress_fn();
	if ((rc = profile_cadences(&prof, &cad, &o, cli_value(a, "profile"))) != EXIT_OK ||
	    (rc = compute(&r, a, usage, &o)) != EXIT_OK)
		goto done;
	report_skipped(r);
	if (!strcmp(fmt, "table"))
		rc = print_table(r) ? cli_error(EXIT_RUNTIME, "out of memory") : EXIT_OK;
	else if ((rc = mlc_unit_write(r, strcmp(fmt, "json") ? MLC_BILLS_CSV : MLC_BILLS_JSON,
	                              stdout)) != 0)
		rc = cli_fail(rc);
done:
	mlc_unit_result_free(r);
	mlc_unit_cadences_free(cad);
	mlc_profile_free(prof);
	return rc;
}

const cli_command cmd_unit = {
    "unit",
    "cost per request and per 1,000 requests per model, from bills or the ledger and usage",
    "[BILLS...] --usage USAGE.csv [--store STORE] [--bucket hour|day|month]\n"
    "       [--by-phase] [--retrain-every 30d | --profile PROFILE.yaml] [--model-tag KEY]\n"
    "       [--phase-tag KEY] [--cost BASIS] [--format table|csv|json] [--aliases FILE]\n"
    "       [--lenient]",
    "Attributes the bills' cost to models (tag model_id) per period and joins it with the\n"
    "usage CSV (date,model_id,requests[,input_tokens,output_tokens]). Prints cost per\n"
    "request and per 1,000 requests per model and period, then per model overall.\n"
    "With --retrain-every, cost whose lifecycle_phase is training is spread over the\n"
    "requests served until the next retrain; what lies beyond the usage data is shown\n"
    "as unamortized. With --profile, each model named in the cost profile gets its own\n"
    "cadence, a month (days_per_month) / training.runs_per_month; a model not in it, or\n"
    "with runs_per_month 0, keeps its training cost where it ran. --retrain-every wins.\n"
    "Models with cost but no usage, and usage with no cost, are listed.\n"
    "With no BILLS, the cost comes from the ledger that mlcost ingest wrote (--store,\n"
    "default mlcost.db), which must have kept the model (and phase) tags.\n"
    "Rules: docs/unit-cost.md.",
    options,
    0,
    CLI_MAX_POSITIONAL,
    run};
