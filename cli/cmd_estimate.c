/* SPDX-License-Identifier: MIT */
/*
 * cmd_estimate.c - `mlcost estimate PROFILE`: what each model of a cost
 * profile costs per month and per year, by lifecycle phase, with people,
 * unit economics, value, idle capacity, the real hourly rate, and the
 * portfolio views (efficiency index, spend split, SLA range).
 *
 * Formats: table (for people; money rounded to cents), json (SPEC §2, full
 * precision, written by the library) and csv (one row per model plus
 * TOTAL; columns in docs/cost-model.md). The arithmetic is the library's.
 */
#include "cli.h"
#include "table.h"

#include <mlcost.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const formats[] = {"table", "json", "csv", NULL};

static const cli_option options[] = {
    {"format", 'f', CLI_VALUE, "FMT", "output format", "table", formats},
    {"model", 'm', CLI_VALUE, "NAME", "estimate only this model of the profile", NULL, NULL},
    {NULL, 0, 0, NULL, NULL, NULL, NULL}};

/* ---- csv ---- */

static void csv_text(const char *s)
{
	const char *c;
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, stdout);
		return;
	}
	putchar('"');
	for (c = s; *c; c++) {
		if (*c == '"')
			putchar('"');
		putchar(*c);
	}
	putchar('"');
}

/* ",<shortest round-trip>" or "," when the value does not apply. */
static void csv_num(int applies, double v)
{
	char b[64];
	putchar(',');
	if (!applies || !isfinite(v))
		return;
	cli_fmt_exact(b, sizeof(b), v);
	fputs(b, stdout);
}

static const char csv_header[] =
    "model,team,project,environment,training,inference,feature_pipeline,storage,transfer,"
    "monitoring,tooling,infrastructure,people,total,annual_infrastructure,annual_total,"
    "requests_per_month,cost_per_request,full_cost_per_request,cost_per_1k,revenue_per_month,"
    "gross_margin_pct,cost_pct_of_revenue,value_preserved_per_month,roi,utilization,idle_cost,"
    "hourly_infrastructure,hourly_people,hourly_total,experiment_multiplier,llm_token_cost,sla,"
    "total_sla_low,total_sla_high\n";

static void csv_phases(const mlc_phase_costs *c)
{
	csv_num(1, c->training);
	csv_num(1, c->inference);
	csv_num(1, c->feature_pipeline);
	csv_num(1, c->storage);
	csv_num(1, c->transfer);
	csv_num(1, c->monitoring);
	csv_num(1, c->tooling);
	csv_num(1, c->infrastructure);
	csv_num(1, c->people);
	csv_num(1, c->total);
}

static void csv_model(const mlc_model_estimate *m)
{
	csv_text(m->name);
	putchar(',');
	csv_text(m->team);
	putchar(',');
	csv_text(m->project);
	putchar(',');
	csv_text(m->environment);
	csv_phases(&m->monthly);
	csv_num(1, m->annual_infrastructure);
	csv_num(1, m->annual_total);
	csv_num(1, m->requests_per_month);
	csv_num(m->has_unit, m->cost_per_request);
	csv_num(m->has_unit, m->full_cost_per_request);
	csv_num(m->has_unit, m->cost_per_1k);
	csv_num(m->has_revenue, m->revenue_per_month);
	csv_num(m->has_revenue, m->gross_margin_pct);
	csv_num(m->has_revenue, m->cost_pct_of_revenue);
	csv_num(m->has_value_preserved, m->value_preserved_per_month);
	csv_num(m->has_value_preserved, m->roi);
	csv_num(m->has_utilization, m->utilization);
	csv_num(m->has_utilization, m->idle_cost);
	csv_num(1, m->hourly_infrastructure);
	csv_num(1, m->hourly_people);
	csv_num(1, m->hourly_total);
	csv_num(1, m->experiment_multiplier);
	csv_num(m->has_tokens, m->inference_tokens);
	putchar(',');
	if (m->has_sla)
		fputs(m->sla, stdout);
	csv_num(m->has_sla, m->total_sla_low);
	csv_num(m->has_sla, m->total_sla_high);
	putchar('\n');
}

static void csv_total(const mlc_estimate *e)
{
	const mlc_portfolio *pf = &e->portfolio;
	double hi = 0, hp = 0;
	size_t i;
	for (i = 0; i < e->nmodels; i++) {
		hi += e->models[i].hourly_infrastructure;
		hp += e->models[i].hourly_people;
	}
	fputs("TOTAL,,,", stdout);
	csv_phases(&e->monthly);
	csv_num(1, e->annual.infrastructure);
	csv_num(1, e->annual.total);
	csv_num(1, e->requests_per_month);
	fputs(",,,", stdout); /* unit costs of a sum of models mean nothing */
	csv_num(pf->revenue_per_month >= 0, pf->revenue_per_month);
	fputs(",,", stdout);
	csv_num(pf->value_preserved_per_month >= 0, pf->value_preserved_per_month);
	fputs(",,", stdout);
	csv_num(pf->has_idle, pf->idle_cost);
	csv_num(1, hi);
	csv_num(1, hp);
	csv_num(1, hi + hp);
	putchar(',');
	csv_num(pf->token_cost > 0, pf->token_cost);
	putchar(',');
	csv_num(pf->has_sla, pf->total_sla_low);
	csv_num(pf->has_sla, pf->total_sla_high);
	putchar('\n');
}

static int print_csv(const mlc_estimate *e)
{
	size_t i;
	fputs(csv_header, stdout);
	for (i = 0; i < e->nmodels; i++)
		csv_model(&e->models[i]);
	csv_total(e);
	return EXIT_OK;
}

/* ---- table ---- */

#define NUM(buf, v) (cli_fmt_exact(buf, sizeof(buf), v), buf)

/* How a compute phase's cost was reached, e.g. "m5.4xlarge_cpu spot 0.5376/h x 1 x 2 h/day x 30
 * days". */
static void compute_basis(char *out, size_t n, const mlc_compute_phase *c, double price,
                          const char *tail)
{
	char p[48], k[48], full[512];
	size_t len;
	if (!c->instance || n == 0) {
		snprintf(out, n, "-");
		return;
	}
	/* a derived price (0.526 x 0.7 = 0.36819999999999997) to 6 significant digits */
	snprintf(p, sizeof(p), "%.6g", price);
	/* a basis is an explanation: one longer than the column is cut, not an error */
	snprintf(full, sizeof(full), "%.64s %s %s/h x %s%.160s", c->instance,
	         mlc_pricing_model_name(c->pricing), p, NUM(k, c->count), tail);
	/* a basis is an explanation: one longer than the column is cut, not an error */
	len = strlen(full) < n ? strlen(full) : n - 1;
	memcpy(out, full, len);
	out[len] = '\0';
}

static void training_basis(char *out, size_t n, const mlc_model_profile *mp,
                           const mlc_model_estimate *m)
{
	char tail[160], a[48], b[48], x[48];
	snprintf(tail, sizeof(tail), " x %s h x %s runs", NUM(a, mp->training.hours_per_run),
	         NUM(b, mp->training.runs_per_month));
	if (mp->training.experiment_multiplier != 1)
		snprintf(tail + strlen(tail), sizeof(tail) - strlen(tail), " x %s experiments",
		         NUM(x, mp->training.experiment_multiplier));
	compute_basis(out, n, &mp->training, m->training_price_per_hour, tail);
}

static void inference_basis(char *out, size_t n, const mlc_model_profile *mp,
                            const mlc_model_estimate *m)
{
	char tail[96], h[48], tok[48];
	size_t used;
	snprintf(tail, sizeof(tail), " x %s h", NUM(h, mp->inference.compute.hours_per_month));
	compute_basis(out, n, &mp->inference.compute, m->inference_price_per_hour, tail);
	if (!m->has_tokens)
		return;
	used = mp->inference.compute.instance ? strlen(out) : 0;
	cli_fmt_money(tok, sizeof(tok), m->inference_tokens);
	snprintf(out + used, n - used, "%s%s tokens %s", used ? " + " : "", m->llm_model, tok);
}

static void basis_rows(char basis[][256], const mlc_model_profile *mp, const mlc_model_estimate *m,
                       double days)
{
	char a[48], b[48], tail[160];
	training_basis(basis[0], 256, mp, m);
	inference_basis(basis[1], 256, mp, m);
	snprintf(tail, sizeof(tail), " x %s h/day x %s days",
	         NUM(a, mp->feature_pipeline.hours_per_day), NUM(b, days));
	compute_basis(basis[2], 256, &mp->feature_pipeline, m->feature_pipeline_price_per_hour,
	              tail);
	snprintf(basis[3], 256, "-");
	if (mp->storage_gb > 0 || mp->storage_price_per_gb_month > 0)
		snprintf(basis[3], 256, "%s GB x %s/GB-month", NUM(a, mp->storage_gb),
		         NUM(b, mp->storage_price_per_gb_month));
	snprintf(basis[4], 256, "-");
	if (mp->transfer_gb_per_month > 0 || mp->transfer_price_per_gb > 0)
		snprintf(basis[4], 256, "%s GB x %s/GB", NUM(a, mp->transfer_gb_per_month),
		         NUM(b, mp->transfer_price_per_gb));
	snprintf(basis[5], 256, "-");
	if (mp->fte > 0) {
		cli_fmt_money(b, sizeof(b), mp->fte_cost_per_year);
		snprintf(basis[5], 256, "%s FTE x %s/year / 12", NUM(a, mp->fte), b);
	}
}

static int phase_row(cli_table *t, const char *name, double monthly, double total,
                     const char *basis)
{
	char mo[48], yr[48], sh[32];
	const char *cells[5];
	cli_fmt_money(mo, sizeof(mo), monthly);
	cli_fmt_money(yr, sizeof(yr), 12 * monthly);
	if (total > 0)
		cli_fmt_pct(sh, sizeof(sh), monthly / total * 100);
	else
		snprintf(sh, sizeof(sh), "-");
	cells[0] = name;
	cells[1] = mo;
	cells[2] = yr;
	cells[3] = sh;
	cells[4] = basis;
	return cli_table_add(t, cells);
}

/* The phase breakdown of one model, or of the totals when mp is NULL. */
static int phase_table(const mlc_phase_costs *c, char basis[][256], int with_basis)
{
	static const char *const head[] = {"phase", "monthly", "annual", "share", "basis"};
	const char *const phase[] = {"training", "inference",  "feature_pipeline", "storage",
	                             "transfer", "monitoring", "tooling"};
	const double v[] = {c->training, c->inference,  c->feature_pipeline, c->storage,
	                    c->transfer, c->monitoring, c->tooling};
	cli_table *t = cli_table_new(with_basis ? 5 : 4, head, "lrrrl");
	int rc = t ? 0 : -1;
	size_t i;
	for (i = 0; rc == 0 && i < 7; i++)
		rc = phase_row(t, phase[i], v[i], c->total, with_basis && i < 5 ? basis[i] : "");
	if (rc == 0 && (rc = cli_table_rule(t)) == 0)
		rc = phase_row(t, "infrastructure", c->infrastructure, c->total, "");
	if (rc == 0)
		rc = phase_row(t, "people", c->people, c->total, with_basis ? basis[5] : "");
	if (rc == 0 && (rc = cli_table_rule(t)) == 0)
		rc = phase_row(t, "total", c->total, c->total, "");
	if (rc == 0)
		cli_table_print(t, stdout);
	cli_table_free(t);
	return rc ? cli_error(EXIT_RUNTIME, "out of memory") : EXIT_OK;
}

static void print_economics(const mlc_model_estimate *m)
{
	char a[48], b[48], c[48], d[48];
	if (m->has_unit) {
		cli_fmt_money(a, sizeof(a), m->requests_per_month);
		cli_fmt_unit_money(b, sizeof(b), m->cost_per_request);
		cli_fmt_unit_money(c, sizeof(c), m->full_cost_per_request);
		cli_fmt_unit_money(d, sizeof(d), m->cost_per_1k);
		printf("Unit economics:   %.*s requests/month; cost per request %s infrastructure, "
		       "%s with people; per 1k requests %s\n",
		       (int)strlen(a) - 3, a, b, c, d);
	}
	if (m->has_revenue) {
		cli_fmt_money(a, sizeof(a), m->revenue_per_month);
		/* a margin that rounds to zero is 0.0%, never -0.0% */
		cli_fmt_pct(b, sizeof(b),
		            fabs(m->gross_margin_pct) < 0.05 ? 0.0 : m->gross_margin_pct);
		cli_fmt_pct(c, sizeof(c), m->cost_pct_of_revenue);
		printf("Revenue:          %s/month; gross margin %s; cost is %s of revenue\n", a, b,
		       c);
	}
	if (m->has_value_preserved) {
		cli_fmt_money(a, sizeof(a), m->value_preserved_per_month);
		if (isfinite(m->roi))
			snprintf(b, sizeof(b), "%.2fx", fabs(m->roi) < 0.005 ? 0.0 : m->roi);
		else
			snprintf(b, sizeof(b), "n/a");
		printf("Value preserved:  %s/month; ROI %s\n", a, b);
	}
	if (m->has_utilization) {
		cli_fmt_pct(a, sizeof(a), m->utilization * 100);
		cli_fmt_money(b, sizeof(b), m->idle_cost);
		cli_fmt_money(c, sizeof(c), m->inference_instances);
		printf("Idle capacity:    utilization %s; idle %s/month of %s instance inference "
		       "(part of it, not extra)\n",
		       a, b, c);
	}
	cli_fmt_money(a, sizeof(a), m->hourly_infrastructure);
	cli_fmt_money(b, sizeof(b), m->hourly_people);
	cli_fmt_money(c, sizeof(c), m->hourly_total);
	printf("Real hourly rate: %s infrastructure + %s people = %s/hour\n", a, b, c);
}

static void print_extras(const mlc_model_estimate *m)
{
	char a[48], b[48], c[48], d[48], x[48];
	if (m->experiment_multiplier != 1) {
		cli_fmt_money(a, sizeof(a), m->experiment_overhead);
		printf(
		    "Experiments:      multiplier %s (4.3 is typical); runs beyond the successful "
		    "ones cost %s/month\n",
		    NUM(x, m->experiment_multiplier), a);
	}
	if (m->has_tokens) {
		cli_fmt_money(a, sizeof(a), m->input_token_cost);
		cli_fmt_money(b, sizeof(b), m->cached_input_token_cost);
		cli_fmt_money(c, sizeof(c), m->output_token_cost);
		cli_fmt_money(d, sizeof(d), m->inference_tokens);
		printf("LLM tokens:       %s: input %s + cached input %s + output %s = %s/month\n",
		       m->llm_model, a, b, c, d);
		if (m->cached_priced_as_input && m->cached_input_tokens_per_month > 0)
			printf("                  the catalog has no cached-input price for %s: "
			       "cached "
			       "tokens are charged at the input price\n",
			       m->llm_model);
	}
	if (m->has_sla) {
		cli_fmt_money(a, sizeof(a), m->inference_sla_low);
		cli_fmt_money(b, sizeof(b), m->inference_sla_high);
		cli_fmt_money(c, sizeof(c), m->total_sla_low);
		cli_fmt_money(d, sizeof(d), m->total_sla_high);
		snprintf(x, sizeof(x), "SLA %s%%:", m->sla);
		printf("%-18sinference %s - %s/month (%.1fx - %.1fx the 99%% base); "
		       "total %s - %s/month\n",
		       x, a, b, m->sla_multiplier_low, m->sla_multiplier_high, c, d);
	}
}

static int print_model(const mlc_profile *p, const mlc_model_estimate *m)
{
	char basis[6][256];
	size_t idx;
	int rc;
	if (mlc_profile_find_model(&idx, p, m->name) != 0)
		return cli_fail(mlc_error_code());
	basis_rows(basis, mlc_profile_model(p, idx), m, mlc_profile_days_per_month(p));
	printf("Model %s", m->name);
	if (*m->team || *m->project || *m->environment)
		printf(" (team %s, project %s, environment %s)", *m->team ? m->team : "-",
		       *m->project ? m->project : "-", *m->environment ? m->environment : "-");
	printf("\n\n");
	if ((rc = phase_table(&m->monthly, basis, 1)) != EXIT_OK)
		return rc;
	printf("\n");
	print_economics(m);
	print_extras(m);
	printf("\n");
	return EXIT_OK;
}

static void print_portfolio(const mlc_estimate *e)
{
	const mlc_portfolio *pf = &e->portfolio;
	char a[48], b[48], c[48], d[48];
	cli_fmt_money(a, sizeof(a), e->monthly.total);
	cli_fmt_money(b, sizeof(b), e->annual.total);
	printf("Monthly total %s; annual %s\n", a, b);
	if (pf->has_efficiency_index) {
		cli_fmt_money(c, sizeof(c), pf->annual_spend);
		/* 3 significant digits, but 1234 rather than 1.23e+03 */
		printf("MLOps Cost Efficiency Index: %.*g (%s) = %zu production model%s x %s M "
		       "requests/month / %s annual spend x 1000\n",
		       pf->efficiency_index >= 1000 ? 15 : 3,
		       pf->efficiency_index >= 1000 ? floor(pf->efficiency_index + 0.5)
		                                    : pf->efficiency_index,
		       pf->efficiency_band, pf->production_models,
		       pf->production_models == 1 ? "" : "s",
		       NUM(d, pf->production_requests_per_month / 1e6), c);
		printf("  bands: < 0.5 inefficient, 0.5-2 developing, 2-5 mature, > 5 "
		       "best-in-class\n");
	} else {
		printf("MLOps Cost Efficiency Index: n/a (needs a model with environment: "
		       "production)\n");
	}
	if (pf->has_split) {
		cli_fmt_pct(a, sizeof(a), pf->people_pct);
		cli_fmt_pct(b, sizeof(b), pf->compute_pct);
		cli_fmt_pct(c, sizeof(c), pf->tooling_pct);
		printf("Spend split: people %s, compute+infrastructure %s, tooling+monitoring %s "
		       "(reference 40 / 40 / 20)\n",
		       a, b, c);
	}
	if (pf->has_sla) {
		cli_fmt_money(a, sizeof(a), pf->total_sla_low);
		cli_fmt_money(b, sizeof(b), pf->total_sla_high);
		printf("With SLA tiers: monthly total %s - %s\n", a, b);
	}
	if (pf->has_idle) {
		cli_fmt_money(a, sizeof(a), pf->idle_cost);
		printf("Idle capacity: %s/month of the inference paid for is not busy\n", a);
	}
}

static int summary_table(const mlc_estimate *e)
{
	static const char *const head[] = {
	    "model", "infrastructure/mo", "people/mo", "total/mo", "annual", "cost/1k"};
	cli_table *t = cli_table_new(6, head, "lrrrrr");
	char v[5][48];
	size_t i;
	int rc = t ? 0 : -1;
	for (i = 0; rc == 0 && i < e->nmodels; i++) {
		const mlc_model_estimate *m = &e->models[i];
		const char *cells[6] = {m->name, v[0], v[1], v[2], v[3], v[4]};
		cli_fmt_money(v[0], sizeof(v[0]), m->monthly.infrastructure);
		cli_fmt_money(v[1], sizeof(v[1]), m->monthly.people);
		cli_fmt_money(v[2], sizeof(v[2]), m->monthly.total);
		cli_fmt_money(v[3], sizeof(v[3]), m->annual_total);
		if (m->has_unit)
			cli_fmt_unit_money(v[4], sizeof(v[4]), m->cost_per_1k);
		else
			snprintf(v[4], sizeof(v[4]), "-");
		rc = cli_table_add(t, cells);
	}
	if (rc == 0)
		cli_table_print(t, stdout);
	cli_table_free(t);
	return rc ? cli_error(EXIT_RUNTIME, "out of memory") : EXIT_OK;
}

static int print_table(const mlc_profile *p, const mlc_estimate *e)
{
	size_t i;
	int rc;
	for (i = 0; i < e->nmodels; i++)
		if ((rc = print_model(p, &e->models[i])) != EXIT_OK)
			return rc;
	printf("Portfolio: %zu model%s, %zu in production (%s)\n", e->nmodels,
	       e->nmodels == 1 ? "" : "s", e->portfolio.production_models, e->currency);
	/* one model: its own table above already is the total */
	if (e->nmodels > 1) {
		printf("\n");
		if ((rc = summary_table(e)) != EXIT_OK)
			return rc;
		printf("\n");
		if ((rc = phase_table(&e->monthly, NULL, 0)) != EXIT_OK)
			return rc;
		printf("\n");
	}
	print_portfolio(e);
	return EXIT_OK;
}

static int print_json(const mlc_estimate *e)
{
	char *json = NULL;
	int rc = mlc_estimate_json(&json, e);
	if (rc)
		return cli_fail(rc);
	fputs(json, stdout);
	mlc_estimate_json_free(json);
	return EXIT_OK;
}

static int run(const cli_args *a)
{
	mlc_estimate_options opts = MLC_ESTIMATE_OPTIONS_INIT;
	const char *format = cli_value(a, "format");
	mlc_profile *p = NULL;
	mlc_estimate *e = NULL;
	int rc;

	opts.model = cli_value(a, "model");
	if ((rc = mlc_profile_load_file(&p, a->pos[0])) != 0 ||
	    (rc = mlc_estimate_profile(&e, p, &opts)) != 0) {
		rc = cli_fail(rc);
		goto done;
	}
	if (!strcmp(format, "json"))
		rc = print_json(e);
	else if (!strcmp(format, "csv"))
		rc = print_csv(e);
	else
		rc = print_table(p, e);
	if (rc == EXIT_OK && fflush(stdout) != 0)
		rc = cli_error(EXIT_RUNTIME, "writing the output failed");
done:
	mlc_estimate_free(e);
	mlc_profile_free(p);
	return rc;
}

const cli_command cmd_estimate = {
    "estimate",
    "monthly and annual cost of the models of a cost profile",
    "PROFILE [--format table|json|csv] [--model NAME]",
    "Prices every model of a cost profile (YAML, see docs/cost-model.md) with the\n"
    "catalog it names: training, inference (instances and/or LLM tokens), feature\n"
    "pipeline, storage, transfer, monitoring, tooling and people, per month and per\n"
    "year; unit economics, value, idle capacity, the real hourly rate, SLA ranges\n"
    "and the portfolio views (MLOps Cost Efficiency Index, spend split).",
    options,
    1,
    1,
    run};
