/* SPDX-License-Identifier: MIT */
/*
 * frontier_render.c - the frontier result as JSON (one document: inputs as
 * used, every variant in input order, the frontier in cost order, the pick)
 * or CSV (one row per variant in cost order). Full precision; display
 * rounding is the front end's business.
 */
#include "frontier.h"
#include "whatif_out.h"
#include "util/error.h"

static const char *name_of(const mlc_frontier_result *r, long i)
{
	return i >= 0 ? r->variants[i].name : NULL;
}

static void json_variant(mlc_wout *w, const mlc_frontier_result *r, const mlc_variant *v)
{
	mlc_whatif__jopen(w, NULL, '{');
	mlc_whatif__jstr(w, "name", v->name);
	mlc_whatif__jnum(w, "accuracy", v->accuracy);
	mlc_whatif__jnum(w, "p95_latency_ms", v->p95_latency_ms);
	mlc_whatif__jnum(w, "throughput_rps_per_instance", v->throughput_rps_per_instance);
	mlc_whatif__jstr(w, "instance", v->instance);
	mlc_whatif__jstr(w, "pricing", mlc_pricing_model_name(v->pricing));
	mlc_whatif__jnum(w, "min_instances", v->min_instances);
	mlc_whatif__jnum(w, "price_per_hour", v->price_per_hour);
	mlc_whatif__jnum(w, "instances", v->instances);
	mlc_whatif__jnum(w, "monthly_cost", v->monthly_cost);
	mlc_whatif__jnum(w, "cost_per_1k", v->cost_per_1k);
	mlc_whatif__jbool(w, "on_frontier", v->on_frontier);
	mlc_whatif__jstr(w, "dominated_by", name_of(r, v->dominated_by));
	mlc_whatif__jbool(w, "meets_accuracy", v->meets_accuracy);
	mlc_whatif__jbool(w, "meets_latency", v->meets_latency);
	mlc_whatif__jclose(w, '}');
}

static void json(mlc_wout *w, const mlc_frontier_result *r)
{
	const mlc_frontier_options *o = &r->options;
	size_t i;
	mlc_whatif__jopen(w, NULL, '{');
	mlc_whatif__jstr(w, "currency", o->currency);
	mlc_whatif__jstr(w, "catalog", r->catalog);
	mlc_whatif__jnum(w, "target_requests_per_month", o->target_requests_per_month);
	mlc_whatif__jnum(w, "hours_per_month", o->hours_per_month);
	mlc_whatif__jnum(w, "peak_to_average", o->peak_to_average);
	mlc_whatif__jnum(w, "average_rps", r->average_rps);
	mlc_whatif__jnum(w, "design_rps", r->design_rps);
	mlc_whatif__jopen(w, "floors", '{');
	if (o->has_min_accuracy)
		mlc_whatif__jnum(w, "min_accuracy", o->min_accuracy);
	else
		mlc_whatif__jnull(w, "min_accuracy");
	if (o->has_max_p95_latency_ms)
		mlc_whatif__jnum(w, "max_p95_latency_ms", o->max_p95_latency_ms);
	else
		mlc_whatif__jnull(w, "max_p95_latency_ms");
	mlc_whatif__jclose(w, '}');
	mlc_whatif__jopen(w, "variants", '[');
	for (i = 0; i < r->nvariants; i++)
		json_variant(w, r, &r->variants[i]);
	mlc_whatif__jclose(w, ']');
	mlc_whatif__jopen(w, "frontier", '[');
	for (i = 0; i < r->nvariants; i++)
		if (r->variants[r->by_cost[i]].on_frontier)
			mlc_whatif__jstr(w, NULL, r->variants[r->by_cost[i]].name);
	mlc_whatif__jclose(w, ']');
	mlc_whatif__jstr(w, "recommended", name_of(r, r->recommended));
	mlc_whatif__jstr(w, "verdict", r->verdict);
	mlc_whatif__jclose(w, '}');
}

static void csv(mlc_wout *w, const mlc_frontier_result *r)
{
	static const char *const head[] = {
	    "name",         "accuracy",     "p95_latency_ms", "throughput_rps_per_instance",
	    "instance",     "pricing",      "min_instances",  "price_per_hour",
	    "instances",    "monthly_cost", "cost_per_1k",    "on_frontier",
	    "dominated_by", "meets_floors", "recommended",    NULL};
	size_t i;
	for (i = 0; head[i]; i++)
		mlc_whatif__cstr(w, head[i]);
	mlc_whatif__cend(w);
	for (i = 0; i < r->nvariants; i++) {
		const mlc_variant *v = &r->variants[r->by_cost[i]];
		mlc_whatif__cstr(w, v->name);
		mlc_whatif__cnum(w, v->accuracy);
		mlc_whatif__cnum(w, v->p95_latency_ms);
		mlc_whatif__cnum(w, v->throughput_rps_per_instance);
		mlc_whatif__cstr(w, v->instance);
		mlc_whatif__cstr(w, mlc_pricing_model_name(v->pricing));
		mlc_whatif__cnum(w, v->min_instances);
		mlc_whatif__cnum(w, v->price_per_hour);
		mlc_whatif__cnum(w, v->instances);
		mlc_whatif__cnum(w, v->monthly_cost);
		mlc_whatif__cnum(w, v->cost_per_1k);
		mlc_whatif__cstr(w, v->on_frontier ? "true" : "false");
		mlc_whatif__cstr(w, v->dominated_by >= 0 ? r->variants[v->dominated_by].name : "");
		mlc_whatif__cstr(w, v->meets_accuracy && v->meets_latency ? "true" : "false");
		mlc_whatif__cstr(w, (long)r->by_cost[i] == r->recommended ? "true" : "false");
		mlc_whatif__cend(w);
	}
}

int mlc_frontier_render(char **out, const mlc_frontier *f, mlc_whatif_format fmt)
{
	mlc_wout w;
	*out = NULL;
	if (!f || (fmt != MLC_WHATIF_JSON && fmt != MLC_WHATIF_CSV))
		return mlcu_error_set(MLC_EINVAL, "mlc_frontier_render: bad arguments");
	mlc_whatif__out_init(&w);
	if (fmt == MLC_WHATIF_JSON)
		json(&w, &f->res);
	else
		csv(&w, &f->res);
	return mlc_whatif__out_finish(out, &w);
}
