/* SPDX-License-Identifier: MIT */
/*
 * portfolio.c - the estimate of a whole profile: every model through
 * mlc_estimate_model, their totals, and the portfolio views a platform
 * lead is asked for: the MLOps Cost Efficiency Index and its band, the
 * people / compute / tooling split beside the 40-40-20 reference, the
 * availability-tier range, idle capacity and experiment overhead.
 *
 * It prints nothing (estimate_json.c and the CLI do). Definitions of every
 * view are in docs/cost-model.md.
 */
#include "estimate.h"
#include "profile.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/str.h"

#include <stdio.h>
#include <string.h>

const char *mlc_efficiency_band(double index)
{
	if (index < 0.5)
		return "inefficient";
	if (index < 2)
		return "developing";
	if (index <= 5)
		return "mature";
	return "best-in-class";
}

void mlc_estimate_free(mlc_estimate *e)
{
	if (!e)
		return;
	mlcu_free(e->models);
	mlcu_free(e);
}

static void add_costs(mlc_phase_costs *sum, const mlc_phase_costs *c)
{
	sum->training += c->training;
	sum->inference += c->inference;
	sum->feature_pipeline += c->feature_pipeline;
	sum->storage += c->storage;
	sum->transfer += c->transfer;
	sum->monitoring += c->monitoring;
	sum->tooling += c->tooling;
	sum->infrastructure += c->infrastructure;
	sum->people += c->people;
	sum->total += c->total;
}

static void scale_costs(mlc_phase_costs *out, const mlc_phase_costs *c, double k)
{
	out->training = k * c->training;
	out->inference = k * c->inference;
	out->feature_pipeline = k * c->feature_pipeline;
	out->storage = k * c->storage;
	out->transfer = k * c->transfer;
	out->monitoring = k * c->monitoring;
	out->tooling = k * c->tooling;
	out->infrastructure = k * c->infrastructure;
	out->people = k * c->people;
	out->total = k * c->total;
}

static int is_production(const char *environment)
{
	return environment && (mlcu_streq_nocase(environment, "production") ||
	                       mlcu_streq_nocase(environment, "prod"));
}

/* Σ over the models of what the portfolio views add up. */
static void sum_models(mlc_portfolio *pf, const mlc_estimate *e)
{
	size_t i;
	pf->revenue_per_month = -1;
	pf->value_preserved_per_month = -1;
	for (i = 0; i < e->nmodels; i++) {
		const mlc_model_estimate *m = &e->models[i];
		if (is_production(m->environment)) {
			pf->production_models++;
			pf->production_requests_per_month += m->requests_per_month;
		}
		pf->has_sla |= m->has_sla;
		pf->inference_sla_low += m->inference_sla_low;
		pf->inference_sla_high += m->inference_sla_high;
		pf->total_sla_low += m->total_sla_low;
		pf->total_sla_high += m->total_sla_high;
		pf->has_idle |= m->has_utilization;
		pf->idle_cost += m->idle_cost;
		pf->experiment_overhead += m->experiment_overhead;
		pf->token_cost += m->inference_tokens;
		if (m->has_revenue)
			pf->revenue_per_month =
			    (pf->revenue_per_month < 0 ? 0 : pf->revenue_per_month) +
			    m->revenue_per_month;
		if (m->has_value_preserved)
			pf->value_preserved_per_month =
			    (pf->value_preserved_per_month < 0 ? 0
			                                       : pf->value_preserved_per_month) +
			    m->value_preserved_per_month;
	}
}

static int portfolio(mlc_estimate *e)
{
	mlc_portfolio *pf = &e->portfolio;
	const mlc_phase_costs *c = &e->monthly;
	mlc_estimate__value index;
	char msg[MLCU_ERROR_MAX];

	pf->models = e->nmodels;
	sum_models(pf, e);
	pf->annual_spend = e->annual.total;
	if ((pf->has_efficiency_index = pf->production_models > 0 && pf->annual_spend > 0)) {
		pf->efficiency_index = (double)pf->production_models *
		                       (pf->production_requests_per_month / 1e6) /
		                       pf->annual_spend * 1000;
		pf->efficiency_band = mlc_efficiency_band(pf->efficiency_index);
	}
	if ((pf->has_split = c->total > 0)) {
		pf->people_pct = c->people / c->total * 100;
		pf->tooling_pct = (c->tooling + c->monitoring) / c->total * 100;
		pf->compute_pct = (c->infrastructure - c->tooling - c->monitoring) / c->total * 100;
	}
	/* many requests over a spend of a fraction of a cent divides past any sense */
	index.name = "efficiency_index";
	index.v = pf->efficiency_index;
	if (mlc_estimate__first_out_of_range(&index, 1, msg, sizeof(msg)))
		return mlcu_error_set(MLC_EPARSE, "portfolio: %s", msg);
	return 0;
}

static int estimate_all(mlc_estimate *e, const mlc_profile *p, const char *only)
{
	size_t i, first = 0, n = mlc_profile_model_count(p);
	int rc;
	if (only) {
		if ((rc = mlc_profile_find_model(&first, p, only)) != 0)
			return rc;
		n = 1;
	}
	e->models = mlcu_calloc(n, sizeof(*e->models));
	if (!e->models)
		return mlcu_error_oom();
	for (i = 0; i < n; i++) {
		if ((rc = mlc_estimate_model(&e->models[i], p, mlc_profile_model(p, first + i))) !=
		    0)
			return rc;
		e->nmodels++;
		add_costs(&e->monthly, &e->models[i].monthly);
		e->requests_per_month += e->models[i].requests_per_month;
	}
	return 0;
}

int mlc_estimate_profile(mlc_estimate **out, const mlc_profile *p, const mlc_estimate_options *opts)
{
	mlc_estimate *e = NULL;
	int rc;

	if (!out || !p || (opts && opts->version != MLC_ESTIMATE_OPTIONS_VERSION))
		return mlcu_error_set(MLC_EINVAL, "mlc_estimate_profile: invalid argument");
	*out = NULL;
	if (!(e = mlcu_calloc(1, sizeof(*e)))) {
		rc = mlcu_error_oom();
		goto done;
	}
	e->currency = mlc_profile_currency(p);
	e->hours_per_month = mlc_profile_hours_per_month(p);
	e->days_per_month = mlc_profile_days_per_month(p);
	if ((rc = estimate_all(e, p, opts ? opts->model : NULL)) != 0)
		goto done;
	scale_costs(&e->annual, &e->monthly, 12);
	if ((rc = portfolio(e)) != 0)
		goto done;
	*out = e;
	e = NULL;
done:
	mlc_estimate_free(e);
	return rc;
}
