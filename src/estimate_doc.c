/* SPDX-License-Identifier: MIT */
/*
 * estimate_doc.c - mlc_estimate_json: the estimate as the JSON document of
 * SPEC §2. SPEC keys are always present (null when they do not apply);
 * extension keys (llm, sla, experiment, price_per_hour, portfolio) appear
 * only when they apply. docs/cost-model.md lists them all.
 *
 * Builds a jansson tree and hands it to the writer in estimate_json.c.
 */
#include "estimate_json.h"
#include "mlcost/costmodel.h"
#include "util/alloc.h"
#include "util/error.h"

#include <math.h>

static json_t *phases(mlc_estimate__jb *jb, const mlc_phase_costs *c)
{
	json_t *o = mlc_estimate__object(jb);
	mlc_estimate__set_real(jb, o, "training", c->training);
	mlc_estimate__set_real(jb, o, "inference", c->inference);
	mlc_estimate__set_real(jb, o, "feature_pipeline", c->feature_pipeline);
	mlc_estimate__set_real(jb, o, "storage", c->storage);
	mlc_estimate__set_real(jb, o, "transfer", c->transfer);
	mlc_estimate__set_real(jb, o, "monitoring", c->monitoring);
	mlc_estimate__set_real(jb, o, "tooling", c->tooling);
	mlc_estimate__set_real(jb, o, "infrastructure", c->infrastructure);
	mlc_estimate__set_real(jb, o, "people", c->people);
	mlc_estimate__set_real(jb, o, "total", c->total);
	return o;
}

static json_t *unit(mlc_estimate__jb *jb, const mlc_model_estimate *m)
{
	json_t *o;
	if (!m->has_unit)
		return json_null();
	o = mlc_estimate__object(jb);
	mlc_estimate__set_real(jb, o, "requests_per_month", m->requests_per_month);
	mlc_estimate__set_real(jb, o, "cost_per_request", m->cost_per_request);
	mlc_estimate__set_real(jb, o, "full_cost_per_request", m->full_cost_per_request);
	mlc_estimate__set_real(jb, o, "cost_per_1k", m->cost_per_1k);
	return o;
}

static json_t *value(mlc_estimate__jb *jb, const mlc_model_estimate *m)
{
	json_t *o;
	double nan = NAN;
	if (!m->has_revenue && !m->has_value_preserved)
		return json_null();
	o = mlc_estimate__object(jb);
	mlc_estimate__set_real(jb, o, "revenue_per_month",
	                       m->has_revenue ? m->revenue_per_month : nan);
	mlc_estimate__set_real(jb, o, "gross_margin_pct",
	                       m->has_revenue ? m->gross_margin_pct : nan);
	mlc_estimate__set_real(jb, o, "cost_pct_of_revenue",
	                       m->has_revenue ? m->cost_pct_of_revenue : nan);
	mlc_estimate__set_real(jb, o, "value_preserved_per_month",
	                       m->has_value_preserved ? m->value_preserved_per_month : nan);
	mlc_estimate__set_real(jb, o, "roi", m->has_value_preserved ? m->roi : nan);
	return o;
}

static json_t *idle(mlc_estimate__jb *jb, const mlc_model_estimate *m)
{
	json_t *o;
	if (!m->has_utilization)
		return json_null();
	o = mlc_estimate__object(jb);
	mlc_estimate__set_real(jb, o, "utilization", m->utilization);
	mlc_estimate__set_real(jb, o, "idle_cost", m->idle_cost);
	return o;
}

static json_t *hourly(mlc_estimate__jb *jb, const mlc_model_estimate *m)
{
	json_t *o = mlc_estimate__object(jb);
	mlc_estimate__set_real(jb, o, "infrastructure", m->hourly_infrastructure);
	mlc_estimate__set_real(jb, o, "people", m->hourly_people);
	mlc_estimate__set_real(jb, o, "total", m->hourly_total);
	return o;
}

static json_t *llm(mlc_estimate__jb *jb, const mlc_model_estimate *m)
{
	json_t *o = mlc_estimate__object(jb);
	mlc_estimate__set_str(jb, o, "model", m->llm_model);
	mlc_estimate__set_real(jb, o, "input_tokens_per_month", m->input_tokens_per_month);
	mlc_estimate__set_real(jb, o, "cached_input_tokens_per_month",
	                       m->cached_input_tokens_per_month);
	mlc_estimate__set_real(jb, o, "output_tokens_per_month", m->output_tokens_per_month);
	mlc_estimate__set_real(jb, o, "price_per_input_token", m->price_per_input_token);
	mlc_estimate__set_real(jb, o, "price_per_cached_input_token",
	                       m->price_per_cached_input_token);
	mlc_estimate__set_real(jb, o, "price_per_output_token", m->price_per_output_token);
	mlc_estimate__set(jb, o, "cached_priced_as_input", json_boolean(m->cached_priced_as_input));
	mlc_estimate__set_real(jb, o, "input_cost", m->input_token_cost);
	mlc_estimate__set_real(jb, o, "cached_input_cost", m->cached_input_token_cost);
	mlc_estimate__set_real(jb, o, "output_cost", m->output_token_cost);
	mlc_estimate__set_real(jb, o, "cost", m->inference_tokens);
	return o;
}

static json_t *sla(mlc_estimate__jb *jb, const mlc_model_estimate *m)
{
	json_t *o = mlc_estimate__object(jb);
	mlc_estimate__set_str(jb, o, "tier", m->sla);
	mlc_estimate__set_real(jb, o, "multiplier_low", m->sla_multiplier_low);
	mlc_estimate__set_real(jb, o, "multiplier_high", m->sla_multiplier_high);
	mlc_estimate__set_real(jb, o, "inference_low", m->inference_sla_low);
	mlc_estimate__set_real(jb, o, "inference_high", m->inference_sla_high);
	mlc_estimate__set_real(jb, o, "total_low", m->total_sla_low);
	mlc_estimate__set_real(jb, o, "total_high", m->total_sla_high);
	return o;
}

static void extensions(mlc_estimate__jb *jb, json_t *o, const mlc_model_estimate *m)
{
	json_t *prices = mlc_estimate__object(jb);
	if (m->training_price_per_hour > 0)
		mlc_estimate__set_real(jb, prices, "training", m->training_price_per_hour);
	if (m->inference_price_per_hour > 0)
		mlc_estimate__set_real(jb, prices, "inference", m->inference_price_per_hour);
	if (m->feature_pipeline_price_per_hour > 0)
		mlc_estimate__set_real(jb, prices, "feature_pipeline",
		                       m->feature_pipeline_price_per_hour);
	mlc_estimate__set(jb, o, "price_per_hour", prices);
	if (m->experiment_multiplier != 1) {
		json_t *x = mlc_estimate__object(jb);
		mlc_estimate__set_real(jb, x, "multiplier", m->experiment_multiplier);
		mlc_estimate__set_real(jb, x, "overhead", m->experiment_overhead);
		mlc_estimate__set(jb, o, "experiment", x);
	}
	if (m->has_tokens)
		mlc_estimate__set(jb, o, "llm", llm(jb, m));
	if (m->has_sla)
		mlc_estimate__set(jb, o, "sla", sla(jb, m));
}

static json_t *model(mlc_estimate__jb *jb, const mlc_model_estimate *m)
{
	json_t *o = mlc_estimate__object(jb), *annual = mlc_estimate__object(jb);
	mlc_estimate__set_str(jb, o, "name", m->name);
	mlc_estimate__set_str(jb, o, "team", m->team);
	mlc_estimate__set_str(jb, o, "project", m->project);
	mlc_estimate__set_str(jb, o, "environment", m->environment);
	mlc_estimate__set(jb, o, "monthly", phases(jb, &m->monthly));
	mlc_estimate__set_real(jb, annual, "infrastructure", m->annual_infrastructure);
	mlc_estimate__set_real(jb, annual, "total", m->annual_total);
	mlc_estimate__set(jb, o, "annual", annual);
	mlc_estimate__set(jb, o, "unit", unit(jb, m));
	mlc_estimate__set(jb, o, "value", value(jb, m));
	mlc_estimate__set(jb, o, "idle", idle(jb, m));
	mlc_estimate__set(jb, o, "hourly", hourly(jb, m));
	extensions(jb, o, m);
	return o;
}

static json_t *efficiency(mlc_estimate__jb *jb, const mlc_portfolio *pf)
{
	json_t *o;
	if (!pf->has_efficiency_index)
		return json_null();
	o = mlc_estimate__object(jb);
	mlc_estimate__set_real(jb, o, "value", pf->efficiency_index);
	mlc_estimate__set_str(jb, o, "band", pf->efficiency_band);
	mlc_estimate__set(jb, o, "production_models",
	                  json_integer((json_int_t)pf->production_models));
	mlc_estimate__set_real(jb, o, "production_requests_per_month",
	                       pf->production_requests_per_month);
	mlc_estimate__set_real(jb, o, "annual_spend", pf->annual_spend);
	return o;
}

static json_t *split(mlc_estimate__jb *jb, const mlc_portfolio *pf)
{
	json_t *o, *ref;
	if (!pf->has_split)
		return json_null();
	o = mlc_estimate__object(jb);
	ref = mlc_estimate__object(jb);
	mlc_estimate__set_real(jb, o, "people_pct", pf->people_pct);
	mlc_estimate__set_real(jb, o, "compute_pct", pf->compute_pct);
	mlc_estimate__set_real(jb, o, "tooling_pct", pf->tooling_pct);
	mlc_estimate__set(jb, ref, "people_pct", json_integer(40));
	mlc_estimate__set(jb, ref, "compute_pct", json_integer(40));
	mlc_estimate__set(jb, ref, "tooling_pct", json_integer(20));
	mlc_estimate__set(jb, o, "reference", ref);
	return o;
}

static json_t *portfolio(mlc_estimate__jb *jb, const mlc_portfolio *pf)
{
	json_t *o = mlc_estimate__object(jb);
	mlc_estimate__set(jb, o, "models", json_integer((json_int_t)pf->models));
	mlc_estimate__set(jb, o, "production_models",
	                  json_integer((json_int_t)pf->production_models));
	mlc_estimate__set(jb, o, "efficiency_index", efficiency(jb, pf));
	mlc_estimate__set(jb, o, "spend_split", split(jb, pf));
	if (pf->has_sla) {
		json_t *s = mlc_estimate__object(jb);
		mlc_estimate__set_real(jb, s, "inference_low", pf->inference_sla_low);
		mlc_estimate__set_real(jb, s, "inference_high", pf->inference_sla_high);
		mlc_estimate__set_real(jb, s, "total_low", pf->total_sla_low);
		mlc_estimate__set_real(jb, s, "total_high", pf->total_sla_high);
		mlc_estimate__set(jb, o, "sla", s);
	}
	if (pf->has_idle)
		mlc_estimate__set_real(jb, o, "idle_cost", pf->idle_cost);
	if (pf->experiment_overhead > 0)
		mlc_estimate__set_real(jb, o, "experiment_overhead", pf->experiment_overhead);
	if (pf->token_cost > 0)
		mlc_estimate__set_real(jb, o, "llm_token_cost", pf->token_cost);
	if (pf->revenue_per_month >= 0)
		mlc_estimate__set_real(jb, o, "revenue_per_month", pf->revenue_per_month);
	if (pf->value_preserved_per_month >= 0)
		mlc_estimate__set_real(jb, o, "value_preserved_per_month",
		                       pf->value_preserved_per_month);
	return o;
}

static json_t *document(mlc_estimate__jb *jb, const mlc_estimate *e)
{
	json_t *root = mlc_estimate__object(jb), *models = json_array(), *totals;
	size_t i;
	if (!models)
		jb->failed = 1;
	mlc_estimate__set_str(jb, root, "currency", e->currency);
	for (i = 0; models && i < e->nmodels; i++)
		if (json_array_append_new(models, model(jb, &e->models[i])) != 0)
			jb->failed = 1;
	mlc_estimate__set(jb, root, "models", models);
	totals = mlc_estimate__object(jb);
	mlc_estimate__set(jb, totals, "monthly", phases(jb, &e->monthly));
	mlc_estimate__set(jb, totals, "annual", phases(jb, &e->annual));
	mlc_estimate__set_real(jb, totals, "requests_per_month", e->requests_per_month);
	mlc_estimate__set(jb, root, "totals", totals);
	mlc_estimate__set(jb, root, "portfolio", portfolio(jb, &e->portfolio));
	return root;
}

int mlc_estimate_json(char **out, const mlc_estimate *e)
{
	mlc_estimate__jb jb = {0};
	json_t *root;
	int rc;
	if (!out || !e)
		return mlcu_error_set(MLC_EINVAL, "mlc_estimate_json: invalid argument");
	*out = NULL;
	root = document(&jb, e);
	if (jb.failed || !root)
		rc = mlcu_error_oom();
	else
		rc = mlc_estimate__dump_json(out, root);
	json_decref(root);
	return rc;
}

void mlc_estimate_json_free(char *json)
{
	mlcu_free(json);
}
