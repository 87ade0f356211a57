/* SPDX-License-Identifier: MIT */
/*
 * estimate.c - what one model costs (SPEC §2): monthly cost per lifecycle
 * phase from the catalog's prices, people, unit economics, value, idle
 * capacity, the real hourly rate, token-priced LLM inference and the
 * availability (SLA) tier range.
 *
 * Doubles throughout (SPEC §1: estimates multiply rates); nothing is
 * rounded here. Whole-profile totals and portfolio views are portfolio.c.
 */
#include "estimate.h"
#include "profile.h"
#include "util/error.h"
#include "util/str.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const struct sla_tier {
	const char *name;
	double low, high;
} sla_tiers[] = {
    {"99", 1.0, 1.0},
    {"99.9", 1.6, 2.2},
    {"99.99", 3.5, 5.0},
    {"99.999", 8.0, 15.0},
};

int mlc_sla_multipliers(double *out_low, double *out_high, const char *sla)
{
	size_t i;
	for (i = 0; sla && i < sizeof(sla_tiers) / sizeof(sla_tiers[0]); i++) {
		if (!strcmp(sla, sla_tiers[i].name)) {
			*out_low = sla_tiers[i].low;
			*out_high = sla_tiers[i].high;
			return 0;
		}
	}
	return mlcu_error_set(MLC_EINVAL, "unknown sla '%s' (expected 99, 99.9, 99.99 or 99.999)",
	                      sla ? sla : "");
}

/* Hourly price of a phase's instance; 0 when the phase has none. */
static int phase_price(double *out, const mlc_profile *p, const mlc_model_profile *m,
                       const mlc_compute_phase *c, const char *phase)
{
	int rc;
	*out = 0;
	if (!c->instance)
		return 0;
	rc = mlc_catalog_hourly_price(out, mlc_profile_catalog(p), c->instance, c->pricing);
	if (rc)
		mlcu_error_prefix("model '%s': %s: ", m->name, phase);
	return rc;
}

/* requests × (uncached input × input + cached × cached + output × output). */
static int token_costs(mlc_model_estimate *e, const mlc_profile *p, const mlc_model_profile *m)
{
	const mlc_inference_phase *inf = &m->inference;
	mlc_token_price tp;
	double uncached = inf->input_tokens_per_request - inf->cached_input_tokens_per_request;
	int rc;

	if (!inf->llm_model)
		return 0;
	rc = mlc_catalog_token_price(&tp, mlc_profile_catalog(p), inf->llm_model);
	if (rc)
		return mlcu_error_prefix("model '%s': inference: ", m->name);
	e->has_tokens = 1;
	e->llm_model = inf->llm_model;
	e->price_per_input_token = tp.input;
	e->price_per_output_token = tp.output;
	/* no cache-read price in the catalog: charge cached tokens as input (and say so) */
	e->cached_priced_as_input = !tp.has_cached_input;
	e->price_per_cached_input_token = tp.has_cached_input ? tp.cached_input : tp.input;
	e->input_tokens_per_month = inf->requests_per_month * (uncached > 0 ? uncached : 0);
	e->cached_input_tokens_per_month =
	    inf->requests_per_month * inf->cached_input_tokens_per_request;
	e->output_tokens_per_month = inf->requests_per_month * inf->output_tokens_per_request;
	e->input_token_cost = e->input_tokens_per_month * e->price_per_input_token;
	e->cached_input_token_cost =
	    e->cached_input_tokens_per_month * e->price_per_cached_input_token;
	e->output_token_cost = e->output_tokens_per_month * e->price_per_output_token;
	e->inference_tokens =
	    e->input_token_cost + e->cached_input_token_cost + e->output_token_cost;
	return 0;
}

/* Σ gb × price entry by entry while the entries still add up to storage_gb. */
static double storage_cost(const mlc_model_profile *m)
{
	double sum = 0, cost = 0;
	size_t i;
	for (i = 0; i < m->storage_nitems; i++)
		sum += m->storage_item_gb[i];
	if (m->storage_nitems == 0 || sum != m->storage_gb)
		return m->storage_gb * m->storage_price_per_gb_month;
	for (i = 0; i < m->storage_nitems; i++)
		cost += m->storage_item_gb[i] * m->storage_price_per_gb_month;
	return cost;
}

static int phase_costs(mlc_model_estimate *e, const mlc_profile *p, const mlc_model_profile *m)
{
	const mlc_compute_phase *t = &m->training, *i = &m->inference.compute,
	                        *f = &m->feature_pipeline;
	double hours = i->hours_per_month > 0 ? i->hours_per_month : mlc_profile_hours_per_month(p);
	mlc_phase_costs *c = &e->monthly;
	int rc;

	if ((rc = phase_price(&e->training_price_per_hour, p, m, t, "training")) != 0 ||
	    (rc = phase_price(&e->inference_price_per_hour, p, m, i, "inference")) != 0 ||
	    (rc = phase_price(&e->feature_pipeline_price_per_hour, p, m, f, "feature_pipeline")) !=
	        0 ||
	    (rc = token_costs(e, p, m)) != 0)
		return rc;
	if (t->instance)
		c->training = e->training_price_per_hour * t->count * t->hours_per_run *
		              t->runs_per_month * t->experiment_multiplier;
	if (i->instance)
		e->inference_instances = e->inference_price_per_hour * i->count * hours;
	c->inference = e->inference_instances + e->inference_tokens;
	if (f->instance)
		c->feature_pipeline = e->feature_pipeline_price_per_hour * f->count *
		                      f->hours_per_day * mlc_profile_days_per_month(p);
	c->storage = storage_cost(m);
	c->transfer = m->transfer_gb_per_month * m->transfer_price_per_gb;
	c->monitoring = m->monitoring_usd_per_month;
	c->tooling = m->tooling_usd_per_month;
	c->infrastructure = c->training + c->inference + c->feature_pipeline + c->storage +
	                    c->transfer + c->monitoring + c->tooling;
	c->people = m->fte * m->fte_cost_per_year / 12;
	c->total = c->infrastructure + c->people;
	return 0;
}

static void economics(mlc_model_estimate *e, const mlc_profile *p, const mlc_model_profile *m)
{
	const mlc_phase_costs *c = &e->monthly;
	double hpy =
	    m->hours_per_year > 0 ? m->hours_per_year : MLC_PROFILE__DEFAULT_HOURS_PER_YEAR;

	e->annual_infrastructure = 12 * c->infrastructure;
	e->annual_total = 12 * c->total;
	e->requests_per_month = m->inference.requests_per_month;
	if ((e->has_unit = e->requests_per_month > 0)) {
		e->cost_per_request = c->infrastructure / e->requests_per_month;
		e->full_cost_per_request = c->total / e->requests_per_month;
		e->cost_per_1k = 1000 * e->cost_per_request;
	}
	if ((e->has_revenue = m->revenue_per_month > 0)) {
		e->revenue_per_month = m->revenue_per_month;
		e->gross_margin_pct =
		    (e->revenue_per_month - c->total) / e->revenue_per_month * 100;
		e->cost_pct_of_revenue = c->total / e->revenue_per_month * 100;
	}
	if ((e->has_value_preserved = m->value_preserved_per_month >= 0)) {
		e->value_preserved_per_month = m->value_preserved_per_month;
		/* undefined (NaN, printed null) for a model that costs nothing */
		e->roi = c->total > 0 ? (e->value_preserved_per_month - c->total) / c->total : NAN;
	}
	/* idle is the part of the instance fleet paid for but not busy; tokens never idle */
	if ((e->has_utilization = m->inference.utilization >= 0 && m->inference.compute.instance)) {
		e->utilization = m->inference.utilization;
		e->idle_cost = e->inference_instances * (1 - e->utilization);
	}
	e->hourly_infrastructure = c->infrastructure / mlc_profile_hours_per_month(p);
	e->hourly_people = m->fte * m->fte_cost_per_year / hpy;
	e->hourly_total = e->hourly_infrastructure + e->hourly_people;
}

static int extras(mlc_model_estimate *e, const mlc_model_profile *m)
{
	const mlc_phase_costs *c = &e->monthly;
	double mult = m->training.instance ? m->training.experiment_multiplier : 1;
	int rc;

	e->experiment_multiplier = mult;
	e->experiment_overhead = mult > 1 ? c->training * (1 - 1 / mult) : 0;
	e->sla_multiplier_low = e->sla_multiplier_high = 1;
	e->inference_sla_low = e->inference_sla_high = c->inference;
	e->total_sla_low = e->total_sla_high = c->total;
	if (!m->inference.sla)
		return 0;
	if ((rc = mlc_sla_multipliers(&e->sla_multiplier_low, &e->sla_multiplier_high,
	                              m->inference.sla)) != 0)
		return mlcu_error_prefix("model '%s': ", m->name);
	/* redundancy buys more replicas; a hosted API's token bill does not grow with it */
	e->has_sla = 1;
	e->sla = m->inference.sla;
	e->inference_sla_low = e->inference_instances * e->sla_multiplier_low + e->inference_tokens;
	e->inference_sla_high =
	    e->inference_instances * e->sla_multiplier_high + e->inference_tokens;
	e->total_sla_low = c->total - c->inference + e->inference_sla_low;
	e->total_sla_high = c->total - c->inference + e->inference_sla_high;
	return 0;
}

int mlc_estimate__in_range(double v)
{
	return isfinite(v) && fabs(v) <= MLC_ESTIMATE__MAX_MAGNITUDE;
}

const mlc_estimate__value *mlc_estimate__first_out_of_range(const mlc_estimate__value *vals,
                                                            size_t n, char *msg, size_t msgn)
{
	char num[48];
	size_t i;
	for (i = 0; i < n; i++) {
		if (mlc_estimate__in_range(vals[i].v))
			continue;
		mlcu_fmt_double(num, sizeof(num), vals[i].v);
		snprintf(msg, msgn,
		         "'%s' = %s is out of range (not a number, or above 1e15): check the "
		         "size of the numbers it is computed from",
		         vals[i].name, num);
		return &vals[i];
	}
	return NULL;
}

/* Every number the estimate hands out, by the name the JSON gives it. */
static int check_range(const mlc_model_estimate *e, const mlc_profile *p,
                       const mlc_model_profile *m)
{
	const mlc_phase_costs *c = &e->monthly;
	const mlc_estimate__value vals[] = {
	    {"training", c->training},
	    {"inference", c->inference},
	    {"feature_pipeline", c->feature_pipeline},
	    {"storage", c->storage},
	    {"transfer", c->transfer},
	    {"people", c->people},
	    {"total", c->total}, /* bounds annual (12x) and the SLA range (at most 15x) */
	    {"cost_per_1k", e->cost_per_1k},
	    {"full_cost_per_request", e->full_cost_per_request},
	    {"gross_margin_pct", e->gross_margin_pct},
	    {"cost_pct_of_revenue", e->cost_pct_of_revenue},
	    {"roi", c->total > 0 ? e->roi : 0},
	    {"hourly.total", e->hourly_total},
	};
	char msg[MLCU_ERROR_MAX];
	size_t i;
	if (!mlc_estimate__first_out_of_range(vals, sizeof(vals) / sizeof(vals[0]), msg,
	                                      sizeof(msg)))
		return 0;
	/* a model of the profile as loaded has a place in the YAML; a what-if copy has not */
	for (i = 0; i < p->nmodels; i++)
		if (m == &p->models[i] && p->nodes && p->nodes[i])
			return mlc_yaml__error(p->yaml, p->nodes[i], "model '%s': %s", m->name,
			                       msg);
	return mlcu_error_set(MLC_EPARSE, "model '%s': %s", m->name, msg);
}

int mlc_estimate_model(mlc_model_estimate *out, const mlc_profile *p, const mlc_model_profile *m)
{
	int rc;
	if (!out || !p || !m || !m->name)
		return mlcu_error_set(MLC_EINVAL, "mlc_estimate_model: invalid argument");
	memset(out, 0, sizeof(*out));
	out->name = m->name;
	out->team = m->team ? m->team : "";
	out->project = m->project ? m->project : "";
	out->environment = m->environment ? m->environment : "";
	if ((rc = phase_costs(out, p, m)) != 0)
		return rc;
	economics(out, p, m);
	if ((rc = extras(out, m)) != 0)
		return rc;
	return check_range(out, p, m);
}
