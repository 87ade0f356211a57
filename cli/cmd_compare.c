/* SPDX-License-Identifier: MIT */
/*
 * cmd_compare.c - `mlcost compare PROFILE --model NAME`: what-ifs for one
 * model (pricing per phase, serverless / managed endpoint / Kubernetes and
 * the volumes where each is cheapest, autoscaling, batching, caching), each
 * with its monthly total and saving against the profile as written, and the
 * assumptions (defaults included) they rest on.
 *
 * Formats: table (money rounded for display), json and csv (written by the
 * library at full precision). The arithmetic is the library's.
 */
#include "cli.h"
#include "table.h"

#include <mlcost.h>
#include <mlcost/whatif.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const formats[] = {"table", "json", "csv", NULL};

static const cli_option options[] = {
    {"format", 'f', CLI_VALUE, "FMT", "output format", "table", formats},
    {"model", 'm', CLI_VALUE, "NAME", "the model to compare (optional with one model)", NULL, NULL},
    {NULL, 0, 0, NULL, NULL, NULL, NULL}};

/* A percentage to 0.1; one that rounds to zero prints as 0.0%, never -0.0%. */
static void pct_text(char *out, size_t n, double pct)
{
	cli_fmt_pct(out, n, fabs(pct) < 0.05 ? 0.0 : pct);
}

/*
 * An assumption's value for the table: a fraction the library derived
 * (15.220700152207002 req/s) is shown to 6 significant digits; names,
 * whole numbers and lists as they are. JSON and CSV keep every digit.
 */
static const char *value_text(char *out, size_t n, const char *value)
{
	char *end;
	double v = strtod(value, &end);
	if (end == value || *end || !isfinite(v) || v == floor(v))
		return value;
	snprintf(out, n, "%.6g", v);
	return out;
}

static void count_text(char *out, size_t n, double v)
{
	cli_fmt_money(out, n, floor(v + 0.5));
	if (strlen(out) >= 3)
		out[strlen(out) - 3] = '\0'; /* a count, not money: drop ".00" */
}

static int print_scenarios(const mlc_compare_result *r)
{
	static const char *const head[] = {"section", "what-if",  "detail", "monthly",
	                                   "saving",  "saving %", "note"};
	cli_table *t = cli_table_new(7, head, "lllrrrl");
	size_t i;
	int rc = 0;
	if (!t)
		return -1;
	for (i = 0; i < r->nscenarios && !rc; i++) {
		const mlc_scenario *s = &r->scenarios[i];
		char month[48] = "-", save[48] = "-", pct[48] = "-";
		const char *cells[7];
		int base = !strcmp(s->section, "baseline");
		if (s->available) {
			cli_fmt_money(month, sizeof(month), s->monthly_total);
			if (!base) {
				cli_fmt_money(save, sizeof(save), s->saving);
				pct_text(pct, sizeof(pct), s->saving_pct);
			} else {
				save[0] = pct[0] = '\0';
			}
		}
		cells[0] = s->section;
		cells[1] = s->name;
		cells[2] = s->detail;
		cells[3] = month;
		cells[4] = save;
		cells[5] = pct;
		cells[6] = s->note;
		rc = cli_table_add(t, cells);
	}
	if (!rc)
		cli_table_print(t, stdout);
	cli_table_free(t);
	return rc;
}

static void print_architecture(const mlc_compare_result *r)
{
	size_t i, shown;
	char a[48], b[48];
	if (!r->narch)
		return;
	count_text(b, sizeof(b), r->scan_to);
	printf("\nCheapest inference architecture by monthly volume (requests, scanned to %s%s):\n",
	       b, r->ranges_truncated ? ", stopped early: too many steps" : "");
	for (i = 0; i < r->nranges; i++) {
		count_text(a, sizeof(a), r->ranges[i].from_requests);
		count_text(b, sizeof(b), r->ranges[i].to_requests);
		printf("  %15s - %-15s  %s\n", a, b, r->ranges[i].option);
	}
	printf("Marginal cost per 1k requests at scale:");
	for (i = 0, shown = 0; i < r->narch; i++) {
		if (!r->arch[i].available)
			continue;
		cli_fmt_unit_money(a, sizeof(a), r->arch[i].cost_per_1k_at_scale);
		printf("%s %s %s", shown++ ? "," : "", r->arch[i].name, a);
	}
	printf("\n");
}

static void print_autoscaling(const mlc_compare_result *r)
{
	size_t h;
	if (!r->nhours)
		return;
	printf("\nAutoscaled replicas by hour (%zu hours; static fleet %g, average %.2f):\n ",
	       r->nhours, r->static_replicas, r->autoscaled_avg_replicas);
	for (h = 0; h < r->nhours; h++)
		printf(" %g%s", r->hourly_replicas[h],
		       (h + 1) % 24 == 0 && h + 1 < r->nhours ? "\n " : "");
	printf("\n");
}

static int print_batching(const mlc_compare_result *r)
{
	static const char *const head[] = {"batch",   "latency ms",  "rps/replica", "replicas",
	                                   "monthly", "p95 wait ms", "meets SLO"};
	cli_table *t;
	size_t i;
	int rc = 0;
	if (!r->nbatch)
		return 0;
	if (!(t = cli_table_new(7, head, "rrrrrrl")))
		return -1;
	for (i = 0; i < r->nbatch && !rc; i++) {
		const mlc_batch_row *b = &r->batch[i];
		char c0[48], c1[48], c2[48], c3[48], c4[48], c5[48];
		const char *cells[7];
		snprintf(c0, sizeof(c0), "%g", b->batch_size);
		snprintf(c1, sizeof(c1), "%.1f", b->latency_ms);
		snprintf(c2, sizeof(c2), "%.1f", b->throughput_rps);
		snprintf(c3, sizeof(c3), "%g", b->replicas);
		cli_fmt_money(c4, sizeof(c4), b->monthly_cost);
		snprintf(c5, sizeof(c5), "%.1f", b->wait_p95_ms);
		cells[0] = c0;
		cells[1] = c1;
		cells[2] = c2;
		cells[3] = c3;
		cells[4] = c4;
		cells[5] = c5;
		cells[6] = (long)i == r->batch_best ? "yes (best)" : b->meets_slo ? "yes" : "no";
		rc = cli_table_add(t, cells);
	}
	if (!rc) {
		printf("\nBatching:\n");
		cli_table_print(t, stdout);
	}
	cli_table_free(t);
	return rc;
}

static int print_assumptions(const mlc_compare_result *r)
{
	static const char *const head[] = {"assumption", "value", "from"};
	cli_table *t = cli_table_new(3, head, "lll");
	size_t i;
	int rc = 0;
	if (!t)
		return -1;
	for (i = 0; i < r->nassumptions && !rc; i++) {
		char v[48];
		const char *cells[3] = {r->assumptions[i].key,
		                        value_text(v, sizeof(v), r->assumptions[i].value),
		                        r->assumptions[i].origin};
		rc = cli_table_add(t, cells);
	}
	if (!rc) {
		printf("\nAssumptions (from: profile = the whatif section, default = mlcost's, "
		       "derived = the rest of the profile):\n");
		cli_table_print(t, stdout);
	}
	cli_table_free(t);
	return rc;
}

static int print_table(const mlc_compare_result *r)
{
	char vol[48];
	count_text(vol, sizeof(vol), r->requests_per_month);
	printf("What-ifs for %s, monthly in %s, against the profile as written\n", r->model,
	       r->currency);
	printf("Volume %s requests/month over %g h: average %.5g req/s, design load %.5g req/s\n\n",
	       vol, r->hours_per_month, r->average_rps, r->design_rps);
	if (print_scenarios(r))
		return -1;
	print_architecture(r);
	print_autoscaling(r);
	if (print_batching(r) || print_assumptions(r))
		return -1;
	return 0;
}

/* the model's index: --model, or the only model */
static int pick_model(size_t *out, const mlc_profile *p, const char *name)
{
	size_t i, n = mlc_profile_model_count(p);
	int rc;
	if (name) {
		if ((rc = mlc_profile_find_model(out, p, name)) != 0)
			return cli_fail(rc);
		return EXIT_OK;
	}
	if (n == 1) {
		*out = 0;
		return EXIT_OK;
	}
	fprintf(stderr, "mlcost: compare: the profile has %zu models; choose one with --model:", n);
	for (i = 0; i < n; i++)
		fprintf(stderr, "%s %s", i ? "," : "", mlc_profile_model(p, i)->name);
	fprintf(stderr, "\n");
	return n ? EXIT_USAGE : EXIT_BAD_INPUT;
}

static int run(const cli_args *a)
{
	const char *fmt = cli_value(a, "format");
	mlc_profile *p = NULL;
	mlc_compare *c = NULL;
	char *text = NULL;
	size_t idx = 0;
	int rc;
	if ((rc = mlc_profile_load_file(&p, a->pos[0])) != 0)
		return cli_fail(rc);
	if ((rc = pick_model(&idx, p, cli_value(a, "model"))) != EXIT_OK)
		goto done;
	if ((rc = mlc_compare_model(&c, p, idx)) != 0) {
		rc = cli_fail(rc);
		goto done;
	}
	if (!strcmp(fmt, "table")) {
		rc = print_table(mlc_compare_get(c)) ? cli_error(EXIT_RUNTIME, "out of memory")
		                                     : EXIT_OK;
	} else if ((rc = mlc_compare_render(
	                &text, c, strcmp(fmt, "json") ? MLC_WHATIF_CSV : MLC_WHATIF_JSON)) != 0) {
		rc = cli_fail(rc);
	} else {
		fputs(text, stdout);
		rc = EXIT_OK;
	}
done:
	mlc_whatif_text_free(text);
	mlc_compare_free(c);
	mlc_profile_free(p);
	return rc;
}

const cli_command cmd_compare = {
    "compare",
    "what-ifs for one model: pricing, architecture, autoscaling, batching, caching",
    "PROFILE [--model NAME] [--format table|json|csv]",
    "Each what-if is the model's monthly total with one thing changed, and its saving\n"
    "against the profile as written. Pricing runs for every phase; architecture\n"
    "(serverless, managed endpoint, Kubernetes, with the request volumes where each\n"
    "is cheapest) runs when inference is instance-priced with a request volume;\n"
    "autoscaling, batching and caching run when the model's `whatif:` section has\n"
    "them. Every parameter used is listed with where it came from.\n"
    "Keys, defaults and formulas: docs/compare.md.",
    options,
    1,
    1,
    run};
