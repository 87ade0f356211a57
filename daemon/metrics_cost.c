/* SPDX-License-Identifier: MIT */
/*
 * metrics_cost.c - the money families of /metrics: cost, requests, cost
 * per request and tokens per (model, team, endpoint, version), and where
 * each budget stands. Values are exact decimals (Prometheus reads them as
 * floats; the text keeps every digit the server has). See metrics.h.
 */
#include "metrics.h"

static const char *const label_names[MLCD_DIM_COUNT] = {"model", "team", "endpoint", "version"};

static void labels(mlcd_buf *b, const mlcd_cost_row *r)
{
	int d;
	mlcd_buf_puts(b, "{");
	for (d = 0; d < MLCD_DIM_COUNT; d++) {
		/* a missing value is the empty label, which Prometheus reads as absent */
		mlcd_buf_printf(b, "%s%s=", d ? "," : "", label_names[d]);
		mlcd_prom_label(b, r->key[d] ? r->key[d] : "");
	}
	mlcd_buf_puts(b, "} ");
}

static void amount(mlcd_buf *b, mlc_amount a)
{
	char t[MLC_AMOUNT_FMT_MAX];
	mlc_amount_format(t, sizeof(t), a, -1);
	mlcd_buf_puts(b, t);
}

static void family(mlcd_buf *b, const char *name, const char *type, const char *help)
{
	mlcd_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

enum { F_COST, F_REQUESTS, F_PER_REQUEST, F_EVENTS, F_INPUT, F_OUTPUT, F_COUNT };

static void value(mlcd_buf *b, int f, const mlcd_cost_row *r)
{
	mlc_amount q;
	switch (f) {
	case F_COST:
		amount(b, r->cost);
		break;
	case F_PER_REQUEST:
		if (mlcd_amount_div(&q, r->cost, r->requests) == 0)
			amount(b, q);
		break;
	default: {
		uint64_t v = f == F_REQUESTS ? r->requests
		             : f == F_EVENTS ? r->events
		             : f == F_INPUT  ? r->input_tokens
		                             : r->output_tokens;
		mlcd_buf_printf(b, "%llu", (unsigned long long)v);
	}
	}
	mlcd_buf_puts(b, "\n");
}

void mlcd_metrics_render_costs(mlcd_buf *b, const mlcd_cost_rows *rows)
{
	static const struct {
		const char *name, *type, *help;
	} fams[F_COUNT] = {
	    {"mlcost_cost_usd_total", "counter",
	     "Cost of the metered events, USD, priced at ingest."},
	    {"mlcost_requests_total", "counter", "Predictions the metered events stand for."},
	    {"mlcost_cost_per_request_usd", "gauge", "Cost per prediction, USD (cost / requests)."},
	    {"mlcost_metered_events_total", "counter", "Metered events counted in the totals."},
	    {"mlcost_input_tokens_total", "counter", "Input tokens of the metered events."},
	    {"mlcost_output_tokens_total", "counter", "Output tokens of the metered events."}};
	size_t i;
	int f;
	for (f = 0; f < F_COUNT; f++) {
		family(b, fams[f].name, fams[f].type, fams[f].help);
		for (i = 0; i < rows->n; i++) {
			if (f == F_PER_REQUEST && !rows->rows[i].requests)
				continue; /* no predictions: no ratio */
			mlcd_buf_puts(b, fams[f].name);
			labels(b, &rows->rows[i]);
			value(b, f, &rows->rows[i]);
		}
	}
}

void mlcd_metrics_render_budgets(mlcd_buf *b, const char *const *names, const mlcd_budget_use *uses,
                                 size_t n)
{
	size_t i;
	family(b, "mlcost_budget_used_ratio", "gauge",
	       "Spend of the budget's current period over its amount (1 = exhausted).");
	for (i = 0; i < n; i++) {
		mlcd_buf_puts(b, "mlcost_budget_used_ratio{budget=");
		mlcd_prom_label(b, names[i]);
		mlcd_buf_puts(b, "} ");
		mlcd_json_double(b, uses[i].ratio);
		mlcd_buf_puts(b, "\n");
	}
	family(b, "mlcost_budget_used_usd", "gauge", "Spend of the budget's current period, USD.");
	for (i = 0; i < n; i++) {
		mlcd_buf_puts(b, "mlcost_budget_used_usd{budget=");
		mlcd_prom_label(b, names[i]);
		mlcd_buf_puts(b, "} ");
		amount(b, uses[i].used);
		mlcd_buf_puts(b, "\n");
	}
	family(b, "mlcost_budget_amount_usd", "gauge", "Amount of the budget per period, USD.");
	for (i = 0; i < n; i++) {
		mlcd_buf_puts(b, "mlcost_budget_amount_usd{budget=");
		mlcd_prom_label(b, names[i]);
		mlcd_buf_puts(b, "} ");
		amount(b, uses[i].amount);
		mlcd_buf_puts(b, "\n");
	}
}
