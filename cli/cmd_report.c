/* SPDX-License-Identifier: MIT */
/*
 * cmd_report.c - `mlcost report`: one self-contained HTML page of charts,
 * each with the table of its exact numbers, from any of a profile, what-ifs,
 * variants, bills (and usage), the ledger store, budgets and a policy; or
 * (--format json) the report's data model. The library builds and renders
 * (mlcost/report.h); this file reads options, writes the file and says
 * where it is.
 */
#include "cli.h"

#include <mlcost.h>
#include <mlcost/report.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const formats[] = {"html", "json", NULL};

static const cli_option options[] = {
    {"profile", 'p', CLI_VALUE, "FILE", "cost profile: cost by phase, unit economics", NULL, NULL},
    {"whatif", 0, CLI_VALUE, "FILE", "profile with a whatif: section: the savings waterfall", NULL,
     NULL},
    {"whatif-model", 0, CLI_VALUE, "NAME", "its model (when it has several)", NULL, NULL},
    {"variants", 0, CLI_VALUE, "FILE", "variants file: the cost-accuracy frontier", NULL, NULL},
    {"bills", 'b', CLI_LIST, "FILE", "a billing file (also as arguments)", NULL, NULL},
    {"store", 's', CLI_VALUE, "STORE", "the ledger: SQLite file or postgres://... URL", NULL, NULL},
    {"usage", 'u', CLI_VALUE, "FILE", "usage CSV: cost per 1,000 predictions from the bills", NULL,
     NULL},
    {"retrain-every", 0, CLI_VALUE, "CADENCE",
     "amortize training over the requests until the next retrain (e.g. 7d)", NULL, NULL},
    {"budgets", 0, CLI_VALUE, "FILE", "budgets file: burn-down per budget", NULL, NULL},
    {"policy", 0, CLI_VALUE, "FILE", "policy: required tags, coverage target, cost limits", NULL,
     NULL},
    {"require-tags", 'r', CLI_VALUE, "KEYS",
     "tag keys for coverage (default: the policy's, else " MLC_REPORT_DEFAULT_TAGS ")", NULL, NULL},
    {"title", 't', CLI_VALUE, "TEXT", "the page's title", "ML cost report", NULL},
    {"as-of", 0, CLI_VALUE, "DATE", "data up to this day (default: the data's last day)", NULL,
     NULL},
    {"horizon", 'H', CLI_VALUE, "DAYS", "days to forecast, e.g. 30d", "30d", NULL},
    {"min-impact", 0, CLI_VALUE, "MONEY", "anomalies: at least this far from the baseline", "0",
     NULL},
    {"min-pct", 0, CLI_VALUE, "PCT", "anomalies: at least PCT % from the baseline", "10", NULL},
    {"cost", 'c', CLI_VALUE, "BASIS", "billed, effective, list or contracted", "effective", NULL},
    {"output", 'o', CLI_VALUE, "FILE", "where to write the page ('-': standard output)",
     "mlcost-report.html", NULL},
    {"format", 'f', CLI_VALUE, "FMT", "html (the page) or json (its data model, to stdout)", "html",
     formats},
    {"aliases", 0, CLI_VALUE, "FILE", "tag-key alias file (YAML)", NULL, NULL},
    {"lenient", 0, CLI_FLAG, NULL, "skip bad bill rows, count them in the notes", NULL, NULL},
    {"threads", 'j', CLI_VALUE, "N", "bill parse threads (0: one per CPU)", "0", NULL},
    {NULL, 0, 0, NULL, NULL, NULL, NULL}};

#define MAX_BILLS (CLI_MAX_POSITIONAL + CLI_MAX_VALUES)

static int parse_num(double *out, const char *opt, const char *v)
{
	char *end;
	double d = strtod(v, &end);
	if (!*v || *end || !(d >= 0) || d > 1e15)
		return cli_error(EXIT_USAGE, "report: --%s must be a number >= 0 (got '%s')", opt,
		                 v);
	*out = d;
	return EXIT_OK;
}

static int parse_threads(unsigned *out, const char *v)
{
	char *end;
	unsigned long n = strtoul(v, &end, 10);
	if (!*v || *v == '-' || *end || n > 1024)
		return cli_error(EXIT_USAGE, "report: --threads must be 0 to 1024 (got '%s')", v);
	*out = (unsigned)n;
	return EXIT_OK;
}

/* inputs from the options; bills are the arguments then each --bills */
static int read_inputs(mlc_report_inputs *in, const char **bills, char **keys_buf,
                       const char **keys, const cli_args *a)
{
	const char *const *vals;
	size_t n = cli_list(a, "bills", &vals), nkeys = 0;
	int rc;
	for (size_t i = 0; i < a->npos; i++)
		bills[in->nbills++] = a->pos[i];
	for (size_t i = 0; i < n; i++)
		bills[in->nbills++] = vals[i];
	in->bills = bills;
	in->profile = cli_value(a, "profile");
	in->whatif = cli_value(a, "whatif");
	in->whatif_model = cli_value(a, "whatif-model");
	in->variants = cli_value(a, "variants");
	in->store = cli_value(a, "store");
	in->usage = cli_value(a, "usage");
	in->retrain_every = cli_value(a, "retrain-every");
	in->budgets = cli_value(a, "budgets");
	in->policy = cli_value(a, "policy");
	in->title = cli_value(a, "title");
	in->as_of = cli_value(a, "as-of");
	in->aliases = cli_value(a, "aliases");
	in->lenient = cli_flag(a, "lenient");
	if (cli_value(a, "require-tags")) {
		const char *spec = cli_value(a, "require-tags");
		if ((rc = cli_split_names(keys_buf, keys, MLC_COVERAGE_MAX_KEYS, &nkeys, &spec, 1,
		                          "report", "required tags")))
			return rc;
		if (!nkeys)
			return cli_error(EXIT_USAGE, "report: --require-tags names no key");
		in->require_tags = keys;
		in->nrequire_tags = nkeys;
	}
	if ((rc = cli_parse_horizon(&in->horizon, "report", cli_value(a, "horizon"))) ||
	    (rc = parse_num(&in->anomaly_min_impact, "min-impact", cli_value(a, "min-impact"))) ||
	    (rc = parse_num(&in->anomaly_min_pct, "min-pct", cli_value(a, "min-pct"))) ||
	    (rc = parse_threads(&in->threads, cli_value(a, "threads"))))
		return rc;
	if (mlc_cost_basis_parse(&in->basis, cli_value(a, "cost")))
		return cli_error(EXIT_USAGE, "report: %s", mlc_error_message());
	return EXIT_OK;
}

static int write_text(const char *path, const char *text, size_t len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "wb") : stdout;
	int bad;
	if (!f)
		return cli_error(EXIT_RUNTIME, "report: cannot write %s", path);
	bad = fwrite(text, 1, len, f) != len;
	bad |= f == stdout ? fflush(f) != 0 : fclose(f) != 0;
	if (bad)
		return cli_error(EXIT_RUNTIME, "report: writing %s failed", path);
	return EXIT_OK;
}

static int render(const mlc_report_data *d, const cli_args *a)
{
	const char *path = cli_value(a, "output");
	char *text = NULL;
	size_t len = 0;
	int json = !strcmp(cli_value(a, "format"), "json"), rc;
	rc = json ? mlc_report_render_json(&text, &len, d)
	          : mlc_report_render_html(&text, &len, d, NULL);
	if (rc)
		return cli_fail(rc);
	if (json)
		rc = write_text("-", text, len);
	else if ((rc = write_text(path, text, len)) == EXIT_OK && strcmp(path, "-"))
		printf("Report written to %s (%zu bytes). Open it in a browser.\n", path, len);
	mlc_report_text_free(text);
	return rc;
}

static int run(const cli_args *a)
{
	mlc_report_inputs in = MLC_REPORT_INPUTS_INIT;
	const char *bills[MAX_BILLS], *keys[MLC_COVERAGE_MAX_KEYS];
	char *keys_buf = NULL;
	mlc_report *r = NULL;
	int rc;
	if ((rc = read_inputs(&in, bills, &keys_buf, keys, a)))
		goto done;
	if ((rc = mlc_report_build(&r, &in))) {
		rc = cli_fail(rc);
		goto done;
	}
	rc = render(mlc_report_get(r), a);
done:
	mlc_report_free(r);
	free(keys_buf);
	return rc;
}

const cli_command cmd_report = {
    "report",
    "a self-contained HTML report: charts of cost, unit cost, budgets, tags, what-ifs",
    "[BILL...] [--profile P] [--whatif P] [--variants V] [--store S] [--usage U]\n"
    "       [--budgets B] [--policy P] [-o report.html | --format json]",
    "Writes one HTML file that needs no network and no script: a summary (what a\n"
    "month costs, what 1,000 predictions cost, and whether that is good), then a\n"
    "chart per view with the table of its exact numbers under it:\n"
    "  --profile   cost per model by phase, people beside infrastructure; cost per\n"
    "              1,000 predictions against revenue per 1,000\n"
    "  bills or --store  daily cost with a forecast (80%/95%) and anomalies; actual\n"
    "              cost per model and phase; tag coverage and top untagged resources\n"
    "  --usage     cost per 1,000 predictions per model and day (with bills)\n"
    "  --budgets   a burn-down per budget with its thresholds\n"
    "  --whatif    compare's what-ifs as a waterfall; --variants the frontier\n"
    "Sections without their input are listed at the end with what would add them.\n"
    "The output depends only on the inputs (--as-of defaults to the data's last day).\n"
    "See docs/report.md.",
    options,
    0,
    CLI_MAX_POSITIONAL,
    run};
