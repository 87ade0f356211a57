/* SPDX-License-Identifier: MIT */
/*
 * compare_fleet.c - the what-ifs that re-size the inference fleet:
 * serverless / managed endpoint / Kubernetes sized from the request volume
 * (with the volume ranges where each is cheapest), autoscaling from an
 * hourly load profile, and batch sizes. Each replaces the instance part of
 * inference as written (price × count × hours) with its own cost; token
 * costs and every other phase stay as they are. The arithmetic is
 * whatif_calc.c's; this file gathers its inputs and records the results.
 */
#include "compare.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/str.h"

#include <math.h>
#include <string.h>

static const char *const arch_names[3] = {"serverless", "managed_endpoint", "kubernetes"};

/* the model's total with the instance part of inference replaced by cost */
static double replaced_total(const mlc_compare *c, double cost)
{
	return c->base.monthly.total - c->base.inference_instances + cost;
}

static const char *num_text(mlc_compare *c, double v)
{
	char b[64];
	mlcu_fmt_double(b, sizeof(b), v);
	return mlc_compare__str(c, "%s", b);
}

/* instance, pricing, capacity of a managed or Kubernetes fleet, and its hourly price */
static int fleet(mlc_compare *c, const mlc_wfleet *f, const char *key, int k8s,
                 mlc_cost_shape *shape, mlc_arch_option *opt)
{
	const mlc_compute_phase *inf = &c->m->inference.compute;
	const char *instance = f->instance ? f->instance : inf->instance;
	mlc_pricing_model pm = f->has_pricing ? f->pricing : inf->pricing;
	double capacity = f->capacity.given ? f->capacity.v : c->capacity, price = 0;
	double per_month = c->hours * 3600.0 / c->prm.peak_to_average.v; /* requests per rps */
	int offered, rc;

	mlc_compare__assume(c, mlc_compare__str(c, "%s.instance", key),
	                    mlc_compare__str(c, "%s", instance),
	                    f->instance ? "profile" : "derived");
	mlc_compare__assume(c, mlc_compare__str(c, "%s.pricing", key), mlc_pricing_model_name(pm),
	                    f->has_pricing ? "profile" : "derived");
	mlc_compare__assume(c, mlc_compare__str(c, "%s.capacity_rps_per_replica", key),
	                    capacity > 0 ? num_text(c, capacity) : "unknown",
	                    f->capacity.given ? "profile" : "derived");
	mlc_compare__assume_num(
	    c, mlc_compare__str(c, "%s.%s", key, k8s ? "min_nodes" : "min_replicas"), &f->min);
	if (k8s) {
		mlc_compare__assume_num(c, mlc_compare__str(c, "%s.replicas_per_node", key),
		                        &f->replicas_per_node);
		mlc_compare__assume_num(c, mlc_compare__str(c, "%s.cluster_usd_per_month", key),
		                        &f->cluster_usd);
	} else {
		mlc_compare__assume_num(c, mlc_compare__str(c, "%s.premium_pct", key),
		                        &f->premium_pct);
	}
	if ((rc = mlc_compare__price(&price, &offered, c, instance, pm, f->instance_node)) != 0)
		return rc;
	if (!offered)
		opt->note = mlc_compare__str(c, "the catalog offers no %s price for %s",
		                             mlc_pricing_model_name(pm), instance);
	else if (!(capacity > 0))
		opt->note =
		    "needs capacity_rps_per_replica (or inference.utilization to derive it)";
	opt->available = offered && capacity > 0;
	memset(shape, 0, sizeof(*shape));
	shape->min_steps = f->min.v;
	if (k8s) {
		shape->step_cost = price * c->hours;
		shape->step_width = capacity * f->replicas_per_node.v * per_month;
		shape->fixed = f->cluster_usd.v;
	} else {
		shape->step_cost = price * c->hours * (1 + f->premium_pct.v / 100.0);
		shape->step_width = capacity * per_month;
	}
	return c->rc;
}

static void serverless(mlc_compare *c, mlc_cost_shape *shape)
{
	const mlc_whatif_params *w = &c->prm;
	mlc_compare__assume_num(c, "architecture.serverless.price_per_1m_requests",
	                        &w->sl_price_1m);
	mlc_compare__assume_num(c, "architecture.serverless.price_per_gb_second",
	                        &w->sl_price_gb_s);
	mlc_compare__assume_num(c, "architecture.serverless.memory_gb", &w->sl_memory_gb);
	mlc_compare__assume_num(c, "architecture.serverless.seconds_per_request", &w->sl_seconds);
	memset(shape, 0, sizeof(*shape));
	shape->slope =
	    w->sl_price_1m.v / 1e6 + w->sl_memory_gb.v * w->sl_seconds.v * w->sl_price_gb_s.v;
}

static void arch_scenarios(mlc_compare *c, const mlc_cost_shape *shapes)
{
	double v0 = c->res.requests_per_month;
	size_t k;
	for (k = 0; k < 3; k++) {
		mlc_arch_option *o = &c->arch[k];
		mlc_scenario *s = mlc_compare__scenario(c, "architecture", arch_names[k]);
		if (!s)
			return;
		o->name = arch_names[k];
		o->units = mlc_whatif__shape_units(&shapes[k], v0);
		o->monthly_cost = mlc_whatif__shape_cost(&shapes[k], v0);
		o->cost_per_1k_at_scale = mlc_whatif__shape_marginal(&shapes[k]) * 1000.0;
		s->note = o->note;
		if (!o->available)
			continue;
		if (k == 0)
			s->detail = mlc_compare__str(c, "request fee + %g GB x %g s per request",
			                             c->prm.sl_memory_gb.v, c->prm.sl_seconds.v);
		else
			s->detail = mlc_compare__str(
			    c, "%s%s", mlc_compare__count(c, o->units, k == 1 ? "replica" : "node"),
			    k == 2 ? " + cluster fee" : "");
		mlc_compare__result(c, s, o->monthly_cost, replaced_total(c, o->monthly_cost));
	}
}

/* why the fleet what-ifs cannot run for this model, or NULL */
static const char *fleet_blocker(const mlc_compare *c)
{
	if (!c->m->inference.compute.instance)
		return "inference is not instance-priced";
	if (!(c->res.requests_per_month > 0))
		return "needs inference.requests_per_month";
	return NULL;
}

int mlc_compare__architecture(mlc_compare *c)
{
	mlc_cost_shape shapes[3];
	int avail[3], rc;
	const char *why = fleet_blocker(c);
	double vmax;
	size_t k;
	if (why) {
		mlc_scenario *s;
		if (!c->prm.has_architecture)
			return 0;
		if (!(s = mlc_compare__scenario(c, "architecture", "all")))
			return c->rc;
		s->note = why;
		return 0;
	}
	vmax = c->prm.max_requests.given ? c->prm.max_requests.v
	                                 : MLC_WHATIF_SCAN_FACTOR * c->res.requests_per_month;
	mlc_compare__assume(c, "architecture.max_requests_per_month", num_text(c, vmax),
	                    c->prm.max_requests.given ? "profile" : "derived");
	serverless(c, &shapes[0]);
	c->arch[0].available = 1;
	c->arch[0].note = "";
	if ((rc = fleet(c, &c->prm.managed, "architecture.managed_endpoint", 0, &shapes[1],
	                &c->arch[1])) ||
	    (rc = fleet(c, &c->prm.k8s, "architecture.kubernetes", 1, &shapes[2], &c->arch[2])))
		return rc;
	for (k = 0; k < 3; k++)
		avail[k] = c->arch[k].available;
	arch_scenarios(c, shapes);
	if (c->rc)
		return c->rc;
	c->res.arch = c->arch;
	c->res.narch = 3;
	if (!(c->ranges = mlcu_calloc(MLC_WHATIF_MAX_RANGES, sizeof(*c->ranges))))
		return mlcu_error_oom();
	mlc_whatif__crossovers(c->ranges, MLC_WHATIF_MAX_RANGES, &c->res.nranges,
	                       &c->res.ranges_truncated, &c->res.scan_to, shapes, arch_names, avail,
	                       3, vmax);
	c->res.ranges = c->ranges;
	return 0;
}

/* ---- autoscaling ------------------------------------------------------------------------ */

static void autoscale_assumptions(mlc_compare *c)
{
	const mlc_whatif_params *w = &c->prm;
	mlc_compare__assume(c, "autoscaling.load_unit", w->load_relative ? "relative" : "rps",
	                    "profile");
	mlc_compare__assume(c, "autoscaling.hours", mlc_compare__str(c, "%zu", w->nhours),
	                    "profile");
	mlc_compare__assume_num(c, "autoscaling.target_utilization", &w->as_target_util);
	mlc_compare__assume_num(c, "autoscaling.min_replicas", &w->as_min);
	if (w->as_max.given)
		mlc_compare__assume_num(c, "autoscaling.max_replicas", &w->as_max);
	else
		mlc_compare__assume(c, "autoscaling.max_replicas", "none", "default");
}

static int autoscale_blocked(mlc_compare *c, const char *why)
{
	mlc_scenario *s = mlc_compare__scenario(c, "autoscaling", "static");
	if (s)
		s->note = why;
	if ((s = mlc_compare__scenario(c, "autoscaling", "autoscaled")) != NULL)
		s->note = why;
	return c->rc;
}

int mlc_compare__autoscaling(mlc_compare *c)
{
	const mlc_whatif_params *w = &c->prm;
	const char *why;
	mlc_autoscale a;
	mlc_scenario *s;
	size_t n = w->nhours;
	if (!w->has_autoscaling)
		return 0;
	autoscale_assumptions(c);
	if (!c->m->inference.compute.instance)
		why = "inference is not instance-priced";
	else if (w->load_relative && !(c->res.average_rps > 0))
		why = "a relative hourly_load needs inference.requests_per_month";
	else if (!(c->capacity > 0))
		why = "needs capacity_rps_per_replica (or inference.utilization to derive it)";
	else
		why = NULL;
	if (why)
		return autoscale_blocked(c, why);
	if (!(c->hourly_rps = mlcu_calloc(n, sizeof(double))) ||
	    !(c->hourly_replicas = mlcu_calloc(n, sizeof(double))))
		return mlcu_error_oom();
	mlc_whatif__hourly_rps(c->hourly_rps, w->hourly, n, w->load_relative, c->res.average_rps);
	mlc_whatif__autoscale(&a, c->hourly_replicas, c->hourly_rps, n, c->capacity,
	                      w->as_target_util.v, w->as_min.v, w->as_max.v,
	                      c->base.inference_price_per_hour, c->hours);
	c->res.nhours = n;
	c->res.hourly_rps = c->hourly_rps;
	c->res.hourly_replicas = c->hourly_replicas;
	c->res.static_replicas = a.static_replicas;
	c->res.autoscaled_avg_replicas = a.avg_replicas;
	c->res.hours_at_max = a.hours_at_max;
	if (!(s = mlc_compare__scenario(c, "autoscaling", "static")))
		return c->rc;
	s->detail = mlc_compare__str(c, "%s all hours (the peak)",
	                             mlc_compare__count(c, a.static_replicas, "replica"));
	mlc_compare__result(c, s, a.static_cost, replaced_total(c, a.static_cost));
	if (!(s = mlc_compare__scenario(c, "autoscaling", "autoscaled")))
		return c->rc;
	s->detail = mlc_compare__str(c, "%.2f replicas on average", a.avg_replicas);
	if (a.hours_at_max)
		s->note = mlc_compare__str(c, "max_replicas caps the fleet in %zu of %zu hours",
		                           a.hours_at_max, n);
	mlc_compare__result(c, s, a.autoscaled_cost, replaced_total(c, a.autoscaled_cost));
	return c->rc;
}

/* ---- batching --------------------------------------------------------------------------- */

static void batch_assumptions(mlc_compare *c)
{
	const mlc_whatif_params *w = &c->prm;
	mlcu_buf b;
	size_t i;
	mlc_compare__assume_num(c, "batching.fixed_ms", &w->fixed_ms);
	mlc_compare__assume_num(c, "batching.per_item_ms", &w->per_item_ms);
	mlc_compare__assume_num(c, "batching.concurrency", &w->concurrency);
	mlc_compare__assume_num(c, "batching.min_replicas", &w->b_min);
	if (w->slo_ms.given)
		mlc_compare__assume_num(c, "batching.latency_slo_ms", &w->slo_ms);
	else
		mlc_compare__assume(c, "batching.latency_slo_ms", "none", "default");
	mlcu_buf_init(&b, 4096);
	for (i = 0; i < w->nsizes; i++)
		if (mlcu_buf_printf(&b, "%s%g", i ? " " : "", w->sizes[i]) && !c->rc)
			c->rc = mlcu_error_oom();
	mlc_compare__assume(c, "batching.batch_sizes",
	                    mlc_compare__str(c, "%s", b.ptr ? b.ptr : ""),
	                    w->sizes_given ? "profile" : "default");
	mlcu_buf_free(&b);
}

int mlc_compare__batching(mlc_compare *c)
{
	const mlc_whatif_params *w = &c->prm;
	const char *why = fleet_blocker(c);
	mlc_batch_in in;
	mlc_scenario *s;
	size_t i;
	long best = -1;
	if (!w->has_batching)
		return 0;
	batch_assumptions(c);
	if (why) {
		if ((s = mlc_compare__scenario(c, "batching", "batch_size")) != NULL)
			s->note = why;
		return c->rc;
	}
	in.fixed_ms = w->fixed_ms.v;
	in.per_item_ms = w->per_item_ms.v;
	in.concurrency = w->concurrency.v;
	in.min_replicas = w->b_min.v;
	in.design_rps = c->res.design_rps;
	in.avg_rps = c->res.average_rps;
	in.latency_slo_ms = w->slo_ms.given ? w->slo_ms.v : 0;
	in.price_per_hour = c->base.inference_price_per_hour;
	in.hours_per_month = c->hours;
	if (!(c->batch = mlcu_calloc(w->nsizes, sizeof(*c->batch))))
		return mlcu_error_oom();
	for (i = 0; i < w->nsizes; i++) {
		mlc_whatif__batch_row(&c->batch[i], &in, w->sizes[i]);
		if (c->batch[i].meets_slo &&
		    (best < 0 || c->batch[i].monthly_cost < c->batch[best].monthly_cost))
			best = (long)i;
	}
	c->res.batch = c->batch;
	c->res.nbatch = w->nsizes;
	c->res.batch_best = best;
	if (best < 0) {
		if ((s = mlc_compare__scenario(c, "batching", "batch_size")) != NULL)
			s->note = mlc_compare__str(c, "no batch size meets the %g ms latency SLO",
			                           w->slo_ms.v);
		return c->rc;
	}
	if (!(s = mlc_compare__scenario(
	          c, "batching", mlc_compare__str(c, "batch_size:%g", c->batch[best].batch_size))))
		return c->rc;
	s->detail = mlc_compare__str(c, "%s, p95 wait %.1f ms",
	                             mlc_compare__count(c, c->batch[best].replicas, "replica"),
	                             c->batch[best].wait_p95_ms);
	mlc_compare__result(c, s, c->batch[best].monthly_cost,
	                    replaced_total(c, c->batch[best].monthly_cost));
	return c->rc;
}
