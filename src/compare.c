/* SPDX-License-Identifier: MIT */
/*
 * compare.c - `compare`: what-ifs for one model of a profile, each the
 * model's monthly total with one thing changed, and its saving against the
 * profile as written. This file holds the result object, the pricing
 * what-ifs (every phase under every pricing model the catalog offers) and
 * the response cache; compare_fleet.c re-sizes the inference fleet. Costs
 * come from mlc_estimate_model() on modified copies of the model wherever
 * the change is one the profile could express.
 */
#include "compare.h"
#include "estimate.h"
#include "profile_internal.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/str.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *mlc_compare__str(mlc_compare *c, const char *fmt, ...)
{
	mlcu_buf b;
	va_list ap;
	char *s;
	int rc;
	if (c->rc)
		return "";
	if (c->nstrs == c->capstrs) {
		size_t cap = c->capstrs ? c->capstrs * 2 : 32;
		char **p = mlcu_reallocarray(c->strs, cap, sizeof(*p));
		if (!p) {
			c->rc = mlcu_error_oom();
			return "";
		}
		c->strs = p;
		c->capstrs = cap;
	}
	mlcu_buf_init(&b, 4096);
	va_start(ap, fmt);
	rc = mlcu_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (rc || !(s = mlcu_buf_detach(&b))) {
		mlcu_buf_free(&b);
		c->rc = rc ? rc : mlcu_error_oom();
		return "";
	}
	c->strs[c->nstrs++] = s;
	return s;
}

const char *mlc_compare__count(mlc_compare *c, double n, const char *noun)
{
	return mlc_compare__str(c, "%g %s%s", n, noun, n == 1 ? "" : "s");
}

/* grow an array of items to hold one more; -1 past MLC_COMPARE_MAX_ITEMS */
static void *grow(mlc_compare *c, void *arr, size_t n, size_t size)
{
	void *p;
	if (c->rc)
		return NULL;
	if (n >= MLC_COMPARE_MAX_ITEMS) {
		c->rc = mlcu_error_set(MLC_ETOOLARGE, "compare: too many results");
		return NULL;
	}
	if (!(p = mlcu_reallocarray(arr, n + 1, size)))
		c->rc = mlcu_error_oom();
	return p;
}

void mlc_compare__assume(mlc_compare *c, const char *key, const char *value, const char *origin)
{
	mlc_assumption *a = grow(c, c->as, c->nas, sizeof(*a));
	if (!a)
		return;
	c->as = a;
	a[c->nas].key = key;
	a[c->nas].value = value;
	a[c->nas].origin = origin;
	c->nas++;
}

void mlc_compare__assume_num(mlc_compare *c, const char *key, const mlc_wnum *n)
{
	char b[64];
	mlcu_fmt_double(b, sizeof(b), n->v);
	mlc_compare__assume(c, key, mlc_compare__str(c, "%s", b), n->given ? "profile" : "default");
}

mlc_scenario *mlc_compare__scenario(mlc_compare *c, const char *section, const char *name)
{
	mlc_scenario *s = grow(c, c->sc, c->nsc, sizeof(*s));
	if (!s)
		return NULL;
	c->sc = s;
	s = &c->sc[c->nsc++];
	memset(s, 0, sizeof(*s));
	s->section = section;
	s->name = name;
	s->detail = "";
	s->note = "";
	return s;
}

void mlc_compare__result(mlc_compare *c, mlc_scenario *s, double phase_cost, double total)
{
	double base = c->base.monthly.total;
	s->available = 1;
	s->phase_cost = phase_cost;
	s->monthly_total = total;
	s->saving = base - total;
	s->saving_pct = base != 0 ? s->saving / base * 100.0 : 0;
}

int mlc_compare__price(double *out, int *offered, mlc_compare *c, const char *instance,
                       mlc_pricing_model pm, struct fy_node *node)
{
	const mlc_price_entry *e;
	int rc = mlc_catalog_find(&e, mlc_profile_catalog(c->p), instance);
	*offered = 0;
	if (rc == 0 && e->unit != MLC_UNIT_HOUR)
		rc = mlcu_error_set(MLC_EPARSE, "'%s' is priced per %s, not per hour", instance,
		                    mlc_price_unit_name(e->unit));
	if (rc) {
		char msg[MLCU_ERROR_MAX];
		snprintf(msg, sizeof(msg), "%s", mlc_error_message());
		if (node && c->y)
			return mlc_yaml__error(c->y, node, "%s", msg);
		return rc == MLC_ENOMEM ? rc : mlcu_error_set(MLC_EPARSE, "%s", msg);
	}
	*offered = e->offered[pm];
	*out = e->price[pm];
	return 0;
}

/* ---- pricing ---------------------------------------------------------------------------- */

typedef struct phase_ref {
	const char *name;
	unsigned bit;
} phase_ref;

static const phase_ref phases[3] = {{"training", MLC_WHATIF_PHASE_TRAINING},
                                    {"inference", MLC_WHATIF_PHASE_INFERENCE},
                                    {"feature_pipeline", MLC_WHATIF_PHASE_FEATURES}};

static mlc_compute_phase *phase_of(mlc_model_profile *m, int k)
{
	return k == 0 ? &m->training : k == 1 ? &m->inference.compute : &m->feature_pipeline;
}

static double phase_cost(const mlc_model_estimate *e, int k)
{
	return k == 0   ? e->monthly.training
	       : k == 1 ? e->monthly.inference
	                : e->monthly.feature_pipeline;
}

/* one phase under every pricing model asked for; *best gets the cheapest offered */
static int price_phase(mlc_compare *c, int k, mlc_pricing_model *best)
{
	mlc_model_profile copy = *c->m;
	mlc_compute_phase *ph = phase_of(&copy, k);
	mlc_pricing_model pm, asis = ph->pricing;
	double best_total = c->base.monthly.total;
	int rc, offered;
	*best = asis;
	for (pm = 0; pm < MLC_PRICING_COUNT; pm++) {
		mlc_model_estimate e;
		mlc_scenario *s;
		double price;
		if (pm == asis || !(c->prm.pricing_options & (1u << pm)))
			continue;
		if ((rc = mlc_compare__price(&price, &offered, c, ph->instance, pm, NULL)) != 0)
			return rc;
		s = mlc_compare__scenario(
		    c, "pricing",
		    mlc_compare__str(c, "%s:%s", phases[k].name, mlc_pricing_model_name(pm)));
		if (!s)
			return c->rc;
		s->detail =
		    mlc_compare__str(c, "%s %s instead of %s", ph->instance,
		                     mlc_pricing_model_name(pm), mlc_pricing_model_name(asis));
		if (!offered) {
			s->note = mlc_compare__str(c, "the catalog offers no %s price for %s",
			                           mlc_pricing_model_name(pm), ph->instance);
			continue;
		}
		ph->pricing = pm;
		if ((rc = mlc_estimate_model(&e, c->p, &copy)) != 0)
			return rc;
		mlc_compare__result(c, s, phase_cost(&e, k), e.monthly.total);
		if (e.monthly.total < best_total) {
			best_total = e.monthly.total;
			*best = pm;
		}
	}
	return c->rc;
}

static int pricing(mlc_compare *c)
{
	mlc_model_profile copy = *c->m;
	mlc_pricing_model best[3];
	mlc_model_estimate e;
	mlcu_buf detail;
	mlc_scenario *s;
	int k, changed = 0, rc = 0;
	mlcu_buf_init(&detail, 1024);
	for (k = 0; k < 3; k++) {
		mlc_compute_phase *ph = phase_of(&copy, k);
		if (!ph->instance || !(c->prm.pricing_phases & phases[k].bit))
			continue;
		if ((rc = price_phase(c, k, &best[k])) != 0)
			goto done;
		if (best[k] != ph->pricing) {
			changed++;
			ph->pricing = best[k];
			rc = mlcu_buf_printf(&detail, "%s%s %s", detail.len ? ", " : "",
			                     phases[k].name, mlc_pricing_model_name(best[k]));
			if (rc)
				goto done;
		}
	}
	if (changed < 2) /* one change is already a row above */
		goto done;
	if (!(s = mlc_compare__scenario(c, "pricing", "cheapest_per_phase"))) {
		rc = c->rc;
		goto done;
	}
	s->detail = mlc_compare__str(c, "%s", detail.ptr);
	if ((rc = mlc_estimate_model(&e, c->p, &copy)) != 0)
		goto done;
	mlc_compare__result(c, s,
	                    e.monthly.training + e.monthly.inference + e.monthly.feature_pipeline,
	                    e.monthly.total);
done:
	mlcu_buf_free(&detail);
	return rc ? rc : c->rc;
}

/* ---- caching ---------------------------------------------------------------------------- */

static int caching(mlc_compare *c)
{
	mlc_model_profile copy = *c->m;
	mlc_inference_phase *inf = &copy.inference;
	double h = c->prm.hit_ratio.v, keep = 1 - h;
	mlc_model_estimate e;
	mlc_scenario *s;
	char hb[48];
	int rc;
	if (!c->prm.has_caching)
		return 0;
	mlc_compare__assume_num(c, "caching.hit_ratio", &c->prm.hit_ratio);
	mlc_compare__assume_num(c, "caching.cache_usd_per_month", &c->prm.cache_usd);
	mlcu_fmt_double(hb, sizeof(hb), h);
	if (!(s = mlc_compare__scenario(c, "caching", mlc_compare__str(c, "hit_ratio:%s", hb))))
		return c->rc;
	if (inf->compute.instance)
		inf->compute.count = mlc_whatif__cached_count(inf->compute.count, h);
	inf->input_tokens_per_request *= keep;
	inf->output_tokens_per_request *= keep;
	inf->cached_input_tokens_per_request *= keep;
	if ((rc = mlc_estimate_model(&e, c->p, &copy)) != 0)
		return rc;
	if (!inf->compute.instance) {
		s->detail = mlc_compare__str(c, "tokens x %g", keep);
	} else {
		s->detail = mlc_compare__str(c, "%s instead of %g",
		                             mlc_compare__count(c, inf->compute.count, "replica"),
		                             c->m->inference.compute.count);
		if (c->base.has_tokens)
			s->detail = mlc_compare__str(c, "%s; tokens x %g", s->detail, keep);
	}
	mlc_compare__result(c, s, e.monthly.inference + c->prm.cache_usd.v,
	                    e.monthly.total + c->prm.cache_usd.v);
	return c->rc;
}

/* ---- the object ------------------------------------------------------------------------- */

void mlc_compare_free(mlc_compare *c)
{
	size_t i;
	if (!c)
		return;
	for (i = 0; i < c->nstrs; i++)
		mlcu_free(c->strs[i]);
	mlcu_free(c->strs);
	mlcu_free(c->sc);
	mlcu_free(c->as);
	mlcu_free(c->ranges);
	mlcu_free(c->batch);
	mlcu_free(c->hourly_rps);
	mlcu_free(c->hourly_replicas);
	mlcu_free(c);
}

const mlc_compare_result *mlc_compare_get(const mlc_compare *c)
{
	return c ? &c->res : NULL;
}

/* requests/s one replica serves: given, or what the fleet as written implies */
static void resolve_capacity(mlc_compare *c)
{
	const mlc_inference_phase *inf = &c->m->inference;
	char b[64];
	if (c->prm.capacity.given) {
		c->capacity = c->prm.capacity.v;
		mlc_compare__assume_num(c, "capacity_rps_per_replica", &c->prm.capacity);
		return;
	}
	if (inf->utilization > 0 && inf->compute.instance && inf->compute.count > 0 &&
	    c->res.average_rps > 0) {
		/* the fleet is `utilization` busy at the average load */
		c->capacity = c->res.average_rps / (inf->compute.count * inf->utilization);
		mlcu_fmt_double(b, sizeof(b), c->capacity);
		mlc_compare__assume(c, "capacity_rps_per_replica", mlc_compare__str(c, "%s", b),
		                    "derived");
		return;
	}
	mlc_compare__assume(c, "capacity_rps_per_replica", "unknown", "default");
}

static int start(mlc_compare *c, const mlc_profile *p, size_t i)
{
	struct fy_node *node = mlc_profile__model_node(p, i), *w = NULL;
	mlc_scenario *s;
	int rc;
	c->p = p;
	c->m = mlc_profile_model(p, i);
	c->y = mlc_profile__yaml(p);
	if (node && c->y)
		w = mlc_yaml__get(node, "whatif");
	c->at = w ? w : node;
	if ((rc = mlc_whatif__parse(&c->prm, c->y, w)) != 0 ||
	    (rc = mlc_estimate_model(&c->base, p, c->m)) != 0)
		return rc;
	c->hours = c->m->inference.compute.hours_per_month > 0
	               ? c->m->inference.compute.hours_per_month
	               : mlc_profile_hours_per_month(p);
	/* the result outlives the profile: copy what it shows */
	c->res.model = mlc_compare__str(c, "%s", c->m->name);
	c->res.currency = mlc_compare__str(c, "%s", mlc_profile_currency(p));
	c->res.hours_per_month = c->hours;
	c->res.requests_per_month = c->m->inference.requests_per_month;
	c->res.average_rps = mlc_whatif__avg_rps(c->res.requests_per_month, c->hours);
	c->res.design_rps = c->res.average_rps * c->prm.peak_to_average.v;
	c->res.baseline_total = c->base.monthly.total;
	c->res.baseline_inference_instances = c->base.inference_instances;
	c->res.batch_best = -1;
	if (!(s = mlc_compare__scenario(c, "baseline", "as_written")))
		return c->rc;
	s->detail = "the profile as written";
	mlc_compare__result(c, s, c->base.monthly.total, c->base.monthly.total);
	mlc_compare__assume(c, "hours_per_month", mlc_compare__str(c, "%g", c->hours), "profile");
	mlc_compare__assume_num(c, "peak_to_average", &c->prm.peak_to_average);
	resolve_capacity(c);
	return c->rc;
}

/* 1 (and msg written) when v is out of range; what names it in the message */
static int out_of_range(char *msg, size_t n, const char *what, double v)
{
	mlc_estimate__value x;
	x.name = what;
	x.v = v;
	return mlc_estimate__first_out_of_range(&x, 1, msg, n) != NULL;
}

/*
 * Refuse a result no table can show: the what-if parameters are checked one
 * by one, but a capacity of 1e-300 req/s still asks for 1e301 replicas.
 */
static int check_range(mlc_compare *c)
{
	const mlc_compare_result *r = &c->res;
	char msg[MLCU_ERROR_MAX], what[160];
	size_t k;
	int bad = out_of_range(msg, sizeof(msg), "architecture.scan_to", r->scan_to) ||
	          out_of_range(msg, sizeof(msg), "autoscaling.static_replicas", r->static_replicas);
	for (k = 0; !bad && k < c->nsc; k++) {
		const mlc_scenario *s = &c->sc[k];
		snprintf(what, sizeof(what), "%s %s", s->section, s->name);
		bad = s->available && (out_of_range(msg, sizeof(msg), what, s->phase_cost) ||
		                       out_of_range(msg, sizeof(msg), what, s->monthly_total) ||
		                       out_of_range(msg, sizeof(msg), what, s->saving_pct));
	}
	for (k = 0; !bad && k < r->narch; k++)
		bad = r->arch[k].available &&
		      (out_of_range(msg, sizeof(msg), r->arch[k].name, r->arch[k].units) ||
		       out_of_range(msg, sizeof(msg), r->arch[k].name, r->arch[k].monthly_cost) ||
		       out_of_range(msg, sizeof(msg), r->arch[k].name,
		                    r->arch[k].cost_per_1k_at_scale));
	for (k = 0; !bad && k < r->nbatch; k++) {
		const mlc_batch_row *b = &r->batch[k];
		snprintf(what, sizeof(what), "batching batch_size:%g", b->batch_size);
		bad = out_of_range(msg, sizeof(msg), what, b->latency_ms) ||
		      out_of_range(msg, sizeof(msg), what, b->replicas) ||
		      out_of_range(msg, sizeof(msg), what, b->monthly_cost) ||
		      out_of_range(msg, sizeof(msg), what, b->wait_p95_ms);
	}
	if (!bad)
		return 0;
	if (c->at && c->y)
		return mlc_yaml__error(c->y, c->at, "model '%s': %s", c->m->name, msg);
	return mlcu_error_set(MLC_EPARSE, "model '%s': %s", c->m->name, msg);
}

int mlc_compare_model(mlc_compare **out, const mlc_profile *p, size_t i)
{
	mlc_compare *c = NULL;
	int rc;
	if (!out)
		return mlcu_error_set(MLC_EINVAL, "mlc_compare_model: no out");
	*out = NULL;
	if (!p || i >= mlc_profile_model_count(p))
		return mlcu_error_set(MLC_EINVAL, "mlc_compare_model: no model %zu", i);
	if (!(c = mlcu_calloc(1, sizeof(*c))))
		return mlcu_error_oom();
	if ((rc = start(c, p, i)) != 0 || (rc = pricing(c)) != 0 ||
	    (rc = mlc_compare__architecture(c)) != 0 || (rc = mlc_compare__autoscaling(c)) != 0 ||
	    (rc = mlc_compare__batching(c)) != 0 || (rc = caching(c)) != 0 ||
	    (rc = check_range(c)) != 0)
		goto done;
	c->res.scenarios = c->sc;
	c->res.nscenarios = c->nsc;
	c->res.assumptions = c->as;
	c->res.nassumptions = c->nas;
	c->p = NULL;
	c->m = NULL;
	c->y = NULL;
	c->at = NULL;
	*out = c;
	c = NULL;
done:
	mlc_compare_free(c);
	return rc;
}
