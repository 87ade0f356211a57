/* SPDX-License-Identifier: MIT */
/*
 * compare_render.c - the compare result as JSON (everything: scenarios,
 * architecture options and their cheapest volume ranges, the autoscaled
 * hours, the batch table, the assumptions with their origin) or CSV (the
 * scenarios, one row each). Full precision; no rounding here.
 */
#include "compare.h"
#include "whatif_out.h"
#include "util/error.h"

#include <math.h>

static void scenario(mlc_wout *w, const mlc_scenario *s)
{
	mlc_whatif__jopen(w, NULL, '{');
	mlc_whatif__jstr(w, "section", s->section);
	mlc_whatif__jstr(w, "name", s->name);
	mlc_whatif__jstr(w, "detail", s->detail);
	mlc_whatif__jbool(w, "available", s->available);
	if (s->available) {
		mlc_whatif__jnum(w, "phase_cost", s->phase_cost);
		mlc_whatif__jnum(w, "monthly_total", s->monthly_total);
		mlc_whatif__jnum(w, "saving", s->saving);
		mlc_whatif__jnum(w, "saving_pct", s->saving_pct);
	}
	mlc_whatif__jstr(w, "note", s->note);
	mlc_whatif__jclose(w, '}');
}

static void architecture(mlc_wout *w, const mlc_compare_result *r)
{
	size_t i;
	if (!r->narch) {
		mlc_whatif__jnull(w, "architecture");
		return;
	}
	mlc_whatif__jopen(w, "architecture", '{');
	mlc_whatif__jopen(w, "options", '[');
	for (i = 0; i < r->narch; i++) {
		const mlc_arch_option *o = &r->arch[i];
		mlc_whatif__jopen(w, NULL, '{');
		mlc_whatif__jstr(w, "name", o->name);
		mlc_whatif__jbool(w, "available", o->available);
		if (o->available) {
			mlc_whatif__jnum(w, "units", o->units);
			mlc_whatif__jnum(w, "monthly_cost", o->monthly_cost);
			mlc_whatif__jnum(w, "cost_per_1k_at_scale", o->cost_per_1k_at_scale);
		}
		mlc_whatif__jstr(w, "note", o->note);
		mlc_whatif__jclose(w, '}');
	}
	mlc_whatif__jclose(w, ']');
	mlc_whatif__jopen(w, "cheapest_ranges", '[');
	for (i = 0; i < r->nranges; i++) {
		mlc_whatif__jopen(w, NULL, '{');
		mlc_whatif__jstr(w, "option", r->ranges[i].option);
		mlc_whatif__jnum(w, "from_requests", r->ranges[i].from_requests);
		mlc_whatif__jnum(w, "to_requests", r->ranges[i].to_requests);
		mlc_whatif__jclose(w, '}');
	}
	mlc_whatif__jclose(w, ']');
	mlc_whatif__jnum(w, "scan_to", r->scan_to);
	mlc_whatif__jbool(w, "truncated", r->ranges_truncated);
	mlc_whatif__jclose(w, '}');
}

static void autoscaling(mlc_wout *w, const mlc_compare_result *r)
{
	size_t h;
	if (!r->nhours) {
		mlc_whatif__jnull(w, "autoscaling");
		return;
	}
	mlc_whatif__jopen(w, "autoscaling", '{');
	mlc_whatif__jnum(w, "static_replicas", r->static_replicas);
	mlc_whatif__jnum(w, "average_replicas", r->autoscaled_avg_replicas);
	mlc_whatif__jnum(w, "hours_at_max", (double)r->hours_at_max);
	mlc_whatif__jopen(w, "hours", '[');
	for (h = 0; h < r->nhours; h++) {
		mlc_whatif__jopen(w, NULL, '{');
		mlc_whatif__jnum(w, "hour", (double)h);
		mlc_whatif__jnum(w, "rps", r->hourly_rps[h]);
		mlc_whatif__jnum(w, "replicas", r->hourly_replicas[h]);
		mlc_whatif__jclose(w, '}');
	}
	mlc_whatif__jclose(w, ']');
	mlc_whatif__jclose(w, '}');
}

static void batching(mlc_wout *w, const mlc_compare_result *r)
{
	size_t i;
	if (!r->nbatch) {
		mlc_whatif__jnull(w, "batching");
		return;
	}
	mlc_whatif__jopen(w, "batching", '{');
	mlc_whatif__jopen(w, "rows", '[');
	for (i = 0; i < r->nbatch; i++) {
		const mlc_batch_row *b = &r->batch[i];
		mlc_whatif__jopen(w, NULL, '{');
		mlc_whatif__jnum(w, "batch_size", b->batch_size);
		mlc_whatif__jnum(w, "latency_ms", b->latency_ms);
		mlc_whatif__jnum(w, "throughput_rps", b->throughput_rps);
		mlc_whatif__jnum(w, "replicas", b->replicas);
		mlc_whatif__jnum(w, "monthly_cost", b->monthly_cost);
		mlc_whatif__jnum(w, "wait_p95_ms", b->wait_p95_ms);
		mlc_whatif__jbool(w, "meets_slo", b->meets_slo);
		mlc_whatif__jclose(w, '}');
	}
	mlc_whatif__jclose(w, ']');
	if (r->batch_best >= 0)
		mlc_whatif__jnum(w, "best_batch_size", r->batch[r->batch_best].batch_size);
	else
		mlc_whatif__jnull(w, "best_batch_size");
	mlc_whatif__jclose(w, '}');
}

static void json(mlc_wout *w, const mlc_compare_result *r)
{
	size_t i;
	mlc_whatif__jopen(w, NULL, '{');
	mlc_whatif__jstr(w, "model", r->model);
	mlc_whatif__jstr(w, "currency", r->currency);
	mlc_whatif__jnum(w, "hours_per_month", r->hours_per_month);
	mlc_whatif__jnum(w, "requests_per_month", r->requests_per_month);
	mlc_whatif__jnum(w, "average_rps", r->average_rps);
	mlc_whatif__jnum(w, "design_rps", r->design_rps);
	mlc_whatif__jnum(w, "baseline_total", r->baseline_total);
	mlc_whatif__jnum(w, "baseline_inference_instances", r->baseline_inference_instances);
	mlc_whatif__jopen(w, "scenarios", '[');
	for (i = 0; i < r->nscenarios; i++)
		scenario(w, &r->scenarios[i]);
	mlc_whatif__jclose(w, ']');
	architecture(w, r);
	autoscaling(w, r);
	batching(w, r);
	mlc_whatif__jopen(w, "assumptions", '[');
	for (i = 0; i < r->nassumptions; i++) {
		mlc_whatif__jopen(w, NULL, '{');
		mlc_whatif__jstr(w, "key", r->assumptions[i].key);
		mlc_whatif__jstr(w, "value", r->assumptions[i].value);
		mlc_whatif__jstr(w, "origin", r->assumptions[i].origin);
		mlc_whatif__jclose(w, '}');
	}
	mlc_whatif__jclose(w, ']');
	mlc_whatif__jclose(w, '}');
}

static void csv(mlc_wout *w, const mlc_compare_result *r)
{
	static const char *const head[] = {
	    "model",         "section", "name",       "detail", "available", "phase_cost",
	    "monthly_total", "saving",  "saving_pct", "note",   NULL};
	size_t i;
	for (i = 0; head[i]; i++)
		mlc_whatif__cstr(w, head[i]);
	mlc_whatif__cend(w);
	for (i = 0; i < r->nscenarios; i++) {
		const mlc_scenario *s = &r->scenarios[i];
		double na = NAN; /* an empty field */
		mlc_whatif__cstr(w, r->model);
		mlc_whatif__cstr(w, s->section);
		mlc_whatif__cstr(w, s->name);
		mlc_whatif__cstr(w, s->detail);
		mlc_whatif__cstr(w, s->available ? "true" : "false");
		mlc_whatif__cnum(w, s->available ? s->phase_cost : na);
		mlc_whatif__cnum(w, s->available ? s->monthly_total : na);
		mlc_whatif__cnum(w, s->available ? s->saving : na);
		mlc_whatif__cnum(w, s->available ? s->saving_pct : na);
		mlc_whatif__cstr(w, s->note);
		mlc_whatif__cend(w);
	}
}

int mlc_compare_render(char **out, const mlc_compare *c, mlc_whatif_format fmt)
{
	mlc_wout w;
	*out = NULL;
	if (!c || (fmt != MLC_WHATIF_JSON && fmt != MLC_WHATIF_CSV))
		return mlcu_error_set(MLC_EINVAL, "mlc_compare_render: bad arguments");
	mlc_whatif__out_init(&w);
	if (fmt == MLC_WHATIF_JSON)
		json(&w, &c->res);
	else
		csv(&w, &c->res);
	return mlc_whatif__out_finish(out, &w);
}
