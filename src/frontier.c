/* SPDX-License-Identifier: MIT */
/*
 * frontier.c - variants of a model at a target volume: how many instances
 * each needs, what it costs per month and per 1,000 predictions, which are
 * on the Pareto frontier of cost against accuracy, and the cheapest one
 * that meets the accuracy and latency floors. Reading the variants file is
 * frontier_load.c; rendering is frontier_render.c.
 */
#include "estimate.h"
#include "frontier.h"
#include "whatif.h"
#include "util/sort.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/str.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void mlc_frontier_free(mlc_frontier *f)
{
	size_t i;
	if (!f)
		return;
	for (i = 0; f->variants && i < f->res.nvariants; i++) {
		mlcu_free((char *)f->variants[i].name);
		mlcu_free((char *)f->variants[i].instance);
	}
	mlcu_free(f->variants);
	mlcu_free(f->by_cost);
	mlcu_free(f->catalog);
	mlcu_free(f->currency);
	mlcu_free(f->verdict);
	mlcu_free(f);
}

const mlc_frontier_result *mlc_frontier_get(const mlc_frontier *f)
{
	return f ? &f->res : NULL;
}

static int check_options(const mlc_frontier_options *o)
{
	if (!o || o->version != MLC_FRONTIER_OPTIONS_VERSION)
		return mlcu_error_set(MLC_EINVAL, "frontier options: unknown version");
	if (!(o->target_requests_per_month > 0) || !isfinite(o->target_requests_per_month))
		return mlcu_error_set(MLC_EINVAL, "target_requests_per_month must be above 0");
	if (!(o->hours_per_month > 0) || o->hours_per_month > 744)
		return mlcu_error_set(MLC_EINVAL, "hours_per_month must be in (0, 744]");
	if (!(o->peak_to_average >= 1) || !isfinite(o->peak_to_average))
		return mlcu_error_set(MLC_EINVAL, "peak_to_average must be at least 1");
	return 0;
}

static int check_variant(const mlc_variant *v)
{
	if (!v->name || !v->instance)
		return mlcu_error_set(MLC_EINVAL, "a variant needs a name and an instance");
	if (!isfinite(v->accuracy) || !(v->p95_latency_ms >= 0) || !isfinite(v->p95_latency_ms))
		return mlcu_error_set(MLC_EINVAL, "variant '%s': bad accuracy or latency", v->name);
	if (!(v->throughput_rps_per_instance > 0) || !isfinite(v->throughput_rps_per_instance))
		return mlcu_error_set(MLC_EINVAL, "variant '%s': throughput must be above 0",
		                      v->name);
	if (!(v->min_instances >= 0) || v->min_instances != floor(v->min_instances) ||
	    v->min_instances > 1e9)
		return mlcu_error_set(MLC_EINVAL,
		                      "variant '%s': min_instances must be a whole "
		                      "number >= 0",
		                      v->name);
	if ((unsigned)v->pricing >= MLC_PRICING_COUNT)
		return mlcu_error_set(MLC_EINVAL, "variant '%s': unknown pricing", v->name);
	return 0;
}

int mlc_frontier__new(mlc_frontier **out, const mlc_frontier_options *opts,
                      const mlc_variant *variants, size_t n)
{
	mlc_frontier *f = NULL;
	size_t i;
	int rc;

	*out = NULL;
	if ((rc = check_options(opts)) != 0)
		return rc;
	if (n == 0)
		return mlcu_error_set(MLC_EINVAL, "no variants");
	if (n > MLC_FRONTIER_MAX_VARIANTS)
		return mlcu_error_set(MLC_ETOOLARGE, "more than %d variants",
		                      MLC_FRONTIER_MAX_VARIANTS);
	for (i = 0; i < n; i++)
		if ((rc = check_variant(&variants[i])) != 0)
			return rc;
	if (!(f = mlcu_calloc(1, sizeof(*f))) ||
	    !(f->variants = mlcu_calloc(n, sizeof(*f->variants))) ||
	    !(f->by_cost = mlcu_calloc(n, sizeof(*f->by_cost))) ||
	    !(f->currency = mlcu_strdup(opts->currency ? opts->currency : "USD")) ||
	    !(f->catalog = mlcu_strdup("")))
		goto oom;
	f->res.nvariants = n;
	for (i = 0; i < n; i++) {
		mlc_variant *v = &f->variants[i];
		*v = variants[i];
		v->name = mlcu_strdup(variants[i].name);
		v->instance = mlcu_strdup(variants[i].instance);
		if (!v->name || !v->instance)
			goto oom;
	}
	f->res.options = *opts;
	f->res.options.currency = f->currency;
	f->res.catalog = f->catalog;
	f->res.variants = f->variants;
	f->res.by_cost = f->by_cost;
	f->res.recommended = -1;
	f->res.verdict = "";
	f->bad = -1;
	*out = f;
	return 0;
oom:
	mlc_frontier_free(f);
	return mlcu_error_oom();
}

int mlc_frontier__set_catalog(mlc_frontier *f, const char *catalog)
{
	char *c = mlcu_strdup(catalog);
	if (!c)
		return mlcu_error_oom();
	mlcu_free(f->catalog);
	f->catalog = c;
	f->res.catalog = c;
	return 0;
}

typedef struct rank_key {
	double cost, accuracy;
	size_t index;
} rank_key;

static int cmp_rank(const void *pa, const void *pb)
{
	const rank_key *a = pa, *b = pb;
	if (a->cost != b->cost)
		return a->cost < b->cost ? -1 : 1;
	if (a->accuracy != b->accuracy)
		return a->accuracy > b->accuracy ? -1 : 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

static int rank(mlc_frontier *f)
{
	size_t i, n = f->res.nvariants;
	rank_key *keys = mlcu_calloc(n, sizeof(*keys));
	if (!keys)
		return mlcu_error_oom();
	for (i = 0; i < n; i++) {
		keys[i].cost = f->variants[i].monthly_cost;
		keys[i].accuracy = f->variants[i].accuracy;
		keys[i].index = i;
	}
	mlcu_qsort(keys, n, sizeof(*keys), cmp_rank);
	for (i = 0; i < n; i++)
		f->by_cost[i] = keys[i].index;
	mlcu_free(keys);
	return 0;
}

/*
 * In cost order (ties: more accurate first, then input order) a variant is
 * dominated exactly when some variant before it is at least as accurate, so
 * one pass keeping the frontier so far decides it. The frontier's
 * accuracies rise strictly along the walk, so the cheapest variant at least
 * as accurate as a dominated one is found by binary search among them.
 */
static int mark_frontier(mlc_frontier *f)
{
	size_t n = f->res.nvariants, k, nf = 0;
	size_t *front = mlcu_calloc(n, sizeof(*front));
	if (!front)
		return mlcu_error_oom();
	for (k = 0; k < n; k++) {
		mlc_variant *v = &f->variants[f->by_cost[k]];
		if (nf == 0 || v->accuracy > f->variants[front[nf - 1]].accuracy) {
			v->on_frontier = 1;
			v->dominated_by = -1;
			front[nf++] = f->by_cost[k];
		} else {
			size_t lo = 0, hi = nf - 1;
			while (lo < hi) {
				size_t mid = (lo + hi) / 2;
				if (f->variants[front[mid]].accuracy >= v->accuracy)
					hi = mid;
				else
					lo = mid + 1;
			}
			v->on_frontier = 0;
			v->dominated_by = (long)front[lo];
		}
	}
	f->res.nfrontier = nf;
	mlcu_free(front);
	return 0;
}

static void floors_text(char *out, size_t n, const mlc_frontier_options *o)
{
	char a[48], l[48];
	mlcu_fmt_double(a, sizeof(a), o->min_accuracy);
	mlcu_fmt_double(l, sizeof(l), o->max_p95_latency_ms);
	if (o->has_min_accuracy && o->has_max_p95_latency_ms)
		snprintf(out, n, "accuracy >= %s and p95 latency <= %s ms", a, l);
	else if (o->has_min_accuracy)
		snprintf(out, n, "accuracy >= %s", a);
	else if (o->has_max_p95_latency_ms)
		snprintf(out, n, "p95 latency <= %s ms", l);
	else
		snprintf(out, n, "no floors");
}

static int pick(mlc_frontier *f)
{
	char floors[160], text[MLCU_ERROR_MAX];
	size_t k;
	f->res.recommended = -1;
	for (k = 0; k < f->res.nvariants && f->res.recommended < 0; k++) {
		const mlc_variant *v = &f->variants[f->by_cost[k]];
		if (v->meets_accuracy && v->meets_latency)
			f->res.recommended = (long)f->by_cost[k];
	}
	floors_text(floors, sizeof(floors), &f->res.options);
	if (f->res.recommended >= 0 && !strcmp(floors, "no floors"))
		snprintf(text, sizeof(text), "cheapest (no floors given): %s",
		         f->variants[f->res.recommended].name);
	else if (f->res.recommended >= 0)
		snprintf(text, sizeof(text), "cheapest meeting %s: %s", floors,
		         f->variants[f->res.recommended].name);
	else
		snprintf(text, sizeof(text), "no variant meets %s", floors);
	mlcu_free(f->verdict);
	if (!(f->verdict = mlcu_strdup(text)))
		return mlcu_error_oom();
	f->res.verdict = f->verdict;
	return 0;
}

/* A variant no table can show: 1e-300 req/s per instance asks for 1e301 instances. */
static int check_range(mlc_frontier *f, size_t i)
{
	const mlc_variant *v = &f->variants[i];
	const mlc_estimate__value vals[] = {{"instances", v->instances},
	                                    {"monthly_cost", v->monthly_cost},
	                                    {"cost_per_1k", v->cost_per_1k}};
	char msg[MLCU_ERROR_MAX];
	if (!mlc_estimate__first_out_of_range(vals, sizeof(vals) / sizeof(vals[0]), msg,
	                                      sizeof(msg)))
		return 0;
	f->bad = (long)i;
	return mlcu_error_set(MLC_EPARSE, "variant '%s': %s", v->name, msg);
}

int mlc_frontier__evaluate(mlc_frontier *f)
{
	const mlc_frontier_options *o = &f->res.options;
	size_t i;
	int rc;
	f->bad = -1;
	f->res.average_rps = mlc_whatif__avg_rps(o->target_requests_per_month, o->hours_per_month);
	f->res.design_rps = f->res.average_rps * o->peak_to_average;
	for (i = 0; i < f->res.nvariants; i++) {
		mlc_variant *v = &f->variants[i];
		v->instances = mlc_whatif__replicas(
		    f->res.design_rps, v->throughput_rps_per_instance, v->min_instances);
		v->monthly_cost = v->instances * v->price_per_hour * o->hours_per_month;
		v->cost_per_1k = v->monthly_cost / o->target_requests_per_month * 1000.0;
		v->meets_accuracy = !o->has_min_accuracy || v->accuracy >= o->min_accuracy;
		v->meets_latency =
		    !o->has_max_p95_latency_ms || v->p95_latency_ms <= o->max_p95_latency_ms;
		if ((rc = check_range(f, i)) != 0)
			return rc;
	}
	if ((rc = rank(f)) != 0 || (rc = mark_frontier(f)) != 0)
		return rc;
	return pick(f);
}

int mlc_frontier_compute(mlc_frontier **out, const mlc_frontier_options *opts,
                         const mlc_variant *variants, size_t n, const mlc_catalog *cat)
{
	mlc_frontier *f = NULL;
	size_t i;
	int rc;
	*out = NULL;
	if (!cat || (n && !variants))
		return mlcu_error_set(MLC_EINVAL, "mlc_frontier_compute: no catalog or variants");
	if ((rc = mlc_frontier__new(&f, opts, variants, n)) != 0)
		return rc;
	for (i = 0; i < n; i++) {
		mlc_variant *v = &f->variants[i];
		rc = mlc_catalog_hourly_price(&v->price_per_hour, cat, v->instance, v->pricing);
		if (rc) {
			mlcu_error_prefix("variant '%s': ", v->name);
			goto done;
		}
	}
	if ((rc = mlc_frontier__evaluate(f)) != 0)
		goto done;
	*out = f;
	f = NULL;
done:
	mlc_frontier_free(f);
	return rc;
}
