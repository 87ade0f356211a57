/* SPDX-License-Identifier: MIT */
/*
 * cmd_frontier.c - `mlcost frontier VARIANTS.yaml`: what each variant of a
 * model costs at the target volume, which variants are on the Pareto
 * frontier of cost against accuracy, and the cheapest one that meets the
 * accuracy and latency floors. None meeting the floors is an answer, not a
 * failure: the exit status stays 0 (docs/frontier.md).
 *
 * Formats: table (money rounded for display), json and csv (written by the
 * library at full precision). The arithmetic is the library's.
 */
#include "cli.h"
#include "table.h"

#include <mlcost.h>
#include <mlcost/whatif.h>

#include <stdio.h>
#include <string.h>

static const char *const formats[] = {"table", "json", "csv", NULL};

static const cli_option options[] = {
    {"format", 'f', CLI_VALUE, "FMT", "output format", "table", formats},
    {NULL, 0, 0, NULL, NULL, NULL, NULL}};

static void print_header(const mlc_frontier_result *r)
{
	const mlc_frontier_options *o = &r->options;
	char vol[64], ptoa[64], hours[64];
	cli_fmt_money(vol, sizeof(vol), o->target_requests_per_month);
	vol[strlen(vol) - 3] = '\0'; /* a count, not money: drop ".00" */
	cli_fmt_exact(ptoa, sizeof(ptoa), o->peak_to_average);
	cli_fmt_exact(hours, sizeof(hours), o->hours_per_month);
	printf("Target %s requests/month over %s h: average %.5g req/s, peak-to-average %s, "
	       "design load %.5g req/s\n",
	       vol, hours, r->average_rps, ptoa, r->design_rps);
	printf("Catalog %s, money in %s\n\n", r->catalog, o->currency);
}

static int add_row(cli_table *t, const mlc_frontier_result *r, size_t i)
{
	const mlc_variant *v = &r->variants[i];
	char acc[48], lat[48], thr[48], inst[48], month[48], per1k[48], front[96];
	const char *cells[11];
	cli_fmt_exact(acc, sizeof(acc), v->accuracy);
	cli_fmt_exact(lat, sizeof(lat), v->p95_latency_ms);
	cli_fmt_exact(thr, sizeof(thr), v->throughput_rps_per_instance);
	snprintf(inst, sizeof(inst), "%.0f", v->instances);
	cli_fmt_money(month, sizeof(month), v->monthly_cost);
	cli_fmt_unit_money(per1k, sizeof(per1k), v->cost_per_1k);
	if (v->on_frontier)
		snprintf(front, sizeof(front), "yes");
	else
		snprintf(front, sizeof(front), "no (%s)", r->variants[v->dominated_by].name);
	cells[0] = v->name;
	cells[1] = acc;
	cells[2] = lat;
	cells[3] = v->instance;
	cells[4] = mlc_pricing_model_name(v->pricing);
	cells[5] = thr;
	cells[6] = inst;
	cells[7] = month;
	cells[8] = per1k;
	cells[9] = v->meets_accuracy && v->meets_latency     ? "ok"
	           : !v->meets_accuracy && !v->meets_latency ? "fails both"
	           : !v->meets_accuracy                      ? "fails accuracy"
	                                                     : "fails latency";
	cells[10] = front;
	return cli_table_add(t, cells);
}

static int print_table(const mlc_frontier_result *r)
{
	static const char *const head[] = {"variant", "accuracy", "p95 ms",    "instance",
	                                   "pricing", "rps/inst", "instances", "monthly",
	                                   "per 1k",  "floors",   "frontier"};
	cli_table *t = cli_table_new(11, head, "lrrllrrrrll");
	size_t k;
	if (!t)
		return cli_error(EXIT_RUNTIME, "out of memory");
	for (k = 0; k < r->nvariants; k++)
		if (add_row(t, r, r->by_cost[k])) {
			cli_table_free(t);
			return cli_error(EXIT_RUNTIME, "out of memory");
		}
	print_header(r);
	cli_table_print(t, stdout);
	cli_table_free(t);
	printf("\nFrontier (cheapest first):");
	for (k = 0; k < r->nvariants; k++)
		if (r->variants[r->by_cost[k]].on_frontier)
			printf(" %s", r->variants[r->by_cost[k]].name);
	printf("\n");
	if (r->recommended >= 0) {
		const mlc_variant *v = &r->variants[r->recommended];
		char month[48], per1k[48];
		cli_fmt_money(month, sizeof(month), v->monthly_cost);
		cli_fmt_unit_money(per1k, sizeof(per1k), v->cost_per_1k);
		printf("Verdict: %s (%s %s/month, %s per 1k predictions)\n", r->verdict, month,
		       r->options.currency, per1k);
	} else {
		printf("Verdict: %s\n", r->verdict);
	}
	return EXIT_OK;
}

static int run(const cli_args *a)
{
	const char *fmt = cli_value(a, "format");
	mlc_frontier *f = NULL;
	char *text = NULL;
	int rc;
	if ((rc = mlc_frontier_load_file(&f, a->pos[0])) != 0)
		return cli_fail(rc);
	if (!strcmp(fmt, "table")) {
		rc = print_table(mlc_frontier_get(f));
	} else if ((rc = mlc_frontier_render(
	                &text, f, strcmp(fmt, "json") ? MLC_WHATIF_CSV : MLC_WHATIF_JSON)) != 0) {
		rc = cli_fail(rc);
	} else {
		fputs(text, stdout);
		rc = EXIT_OK;
	}
	mlc_whatif_text_free(text);
	mlc_frontier_free(f);
	return rc;
}

const cli_command cmd_frontier = {
    "frontier",
    "cost against accuracy of model variants: Pareto frontier and cheapest fit",
    "VARIANTS.yaml [--format table|json|csv]",
    "Prices each variant at the target volume (instances = max(min_instances,\n"
    "ceil(design load / throughput))), marks the variants on the Pareto frontier\n"
    "of monthly cost against accuracy and names the cheapest variant meeting\n"
    "min_accuracy and max_p95_latency_ms. When none does, it says so and exits 0.\n"
    "File format and formulas: docs/frontier.md.",
    options,
    1,
    1,
    run};
