/* SPDX-License-Identifier: MIT */
/*
 * whatif_parse.c - reads a model's `whatif:` section into
 * mlc_whatif_params: the documented keys (docs/compare.md), their defaults,
 * range checks, FILE:LINE:COL errors. It checks shapes and ranges only;
 * whether an instance exists is for compare.c to find out against the
 * catalog.
 */
#include "whatif.h"
#include "util/error.h"
#include "util/str.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

enum { WHOLE = 1, ABOVE = 2, REQUIRED = 4 }; /* ABOVE: strictly greater than lo */

/* One number of a mapping, checked against [lo, hi] (hi < lo: no upper bound). */
static int num(const mlc_yaml *y, struct fy_node *map, const char *key, mlc_wnum *out, double def,
               double lo, double hi, unsigned flags)
{
	struct fy_node *v = mlc_yaml__get(map, key);
	char a[48], b[48];
	int rc;
	out->v = def;
	out->given = 0;
	if (!v) {
		if (flags & REQUIRED)
			return mlc_yaml__error(y, map, "'%s' is required", key);
		return 0;
	}
	if ((rc = mlc_yaml__number(y, v, &out->v)) != 0)
		return rc;
	out->given = 1;
	mlcu_fmt_double(a, sizeof(a), lo);
	mlcu_fmt_double(b, sizeof(b), hi);
	if ((flags & WHOLE) && out->v != floor(out->v))
		return mlc_yaml__error(y, v, "'%s' must be a whole number", key);
	if ((flags & ABOVE) && !(out->v > lo))
		return mlc_yaml__error(y, v, "'%s' must be greater than %s", key, a);
	if (out->v < lo)
		return mlc_yaml__error(y, v, "'%s' must be at least %s", key, a);
	if (hi >= lo && out->v > hi)
		return mlc_yaml__error(y, v, "'%s' must be at most %s", key, b);
	return 0;
}

/* A sub-section: NULL when absent, an error unless a mapping with known keys. */
static int section(struct fy_node **out, const mlc_yaml *y, struct fy_node *map, const char *key,
                   const char *const *keys)
{
	struct fy_node *n = mlc_yaml__get(map, key);
	int rc;
	*out = NULL;
	if (!n)
		return 0;
	if ((rc = mlc_yaml__expect_map(y, n, key)) != 0 || (rc = mlc_yaml__check_keys(y, n, keys)))
		return rc;
	*out = n;
	return 0;
}

static int parse_phases(unsigned *out, const mlc_yaml *y, struct fy_node *seq)
{
	static const char *const names[] = {"training", "inference", "feature_pipeline"};
	void *it = NULL;
	struct fy_node *n;
	int rc;
	if ((rc = mlc_yaml__expect_seq(y, seq, "'phases'")) != 0)
		return rc;
	*out = 0;
	while ((n = fy_node_sequence_iterate(seq, &it)) != NULL) {
		const char *s;
		unsigned i, hit = 0;
		if ((rc = mlc_yaml__string(y, n, &s)) != 0)
			return rc;
		for (i = 0; i < 3; i++)
			if (!strcmp(s, names[i]))
				hit = 1u << i;
		if (!hit)
			return mlc_yaml__error(y, n,
			                       "unknown phase '%s' (training, inference, "
			                       "feature_pipeline)",
			                       s);
		*out |= hit;
	}
	return 0;
}

static int parse_options(unsigned *out, const mlc_yaml *y, struct fy_node *seq)
{
	void *it = NULL;
	struct fy_node *n;
	int rc;
	if ((rc = mlc_yaml__expect_seq(y, seq, "'options'")) != 0)
		return rc;
	*out = 0;
	while ((n = fy_node_sequence_iterate(seq, &it)) != NULL) {
		const char *s;
		mlc_pricing_model pm;
		if ((rc = mlc_yaml__string(y, n, &s)) != 0)
			return rc;
		if (mlc_pricing_model_parse(&pm, s) != 0)
			return mlc_yaml__error(y, n, "%s", mlc_error_message());
		*out |= 1u << pm;
	}
	return 0;
}

static int parse_pricing(mlc_whatif_params *p, const mlc_yaml *y, struct fy_node *w)
{
	static const char *const keys[] = {"phases", "options", NULL};
	struct fy_node *s, *v;
	int rc;
	p->pricing_phases =
	    MLC_WHATIF_PHASE_TRAINING | MLC_WHATIF_PHASE_INFERENCE | MLC_WHATIF_PHASE_FEATURES;
	p->pricing_options = (1u << MLC_PRICING_COUNT) - 1;
	if ((rc = section(&s, y, w, "pricing", keys)) != 0 || !s)
		return rc;
	p->pricing_given = 1;
	if ((v = mlc_yaml__get(s, "phases")) && (rc = parse_phases(&p->pricing_phases, y, v)))
		return rc;
	if ((v = mlc_yaml__get(s, "options")) && (rc = parse_options(&p->pricing_options, y, v)))
		return rc;
	return 0;
}

/* instance and pricing of a fleet; capacity and minimum are read by the caller */
static int fleet_common(mlc_wfleet *f, const mlc_yaml *y, struct fy_node *s, const char *min_key)
{
	const char *pricing = NULL;
	int rc;
	if ((rc = mlc_yaml__opt_string(y, s, "instance", &f->instance)) != 0)
		return rc;
	f->instance_node = mlc_yaml__get(s, "instance");
	if ((rc = mlc_yaml__opt_string(y, s, "pricing", &pricing)) != 0)
		return rc;
	if (pricing) {
		if (mlc_pricing_model_parse(&f->pricing, pricing) != 0)
			return mlc_yaml__error(y, mlc_yaml__get(s, "pricing"), "%s",
			                       mlc_error_message());
		f->has_pricing = 1;
	}
	if ((rc = num(y, s, "capacity_rps_per_replica", &f->capacity, 0, 0, -1, ABOVE)) != 0)
		return rc;
	return num(y, s, min_key, &f->min, 1, 0, -1, WHOLE);
}

static int parse_architecture(mlc_whatif_params *p, const mlc_yaml *y, struct fy_node *w)
{
	static const char *const keys[] = {"max_requests_per_month", "serverless",
	                                   "managed_endpoint", "kubernetes", NULL};
	static const char *const sl_keys[] = {"price_per_1m_requests", "price_per_gb_second",
	                                      "memory_gb", "seconds_per_request", NULL};
	static const char *const me_keys[] = {
	    "instance", "pricing", "capacity_rps_per_replica", "min_replicas", "premium_pct", NULL};
	static const char *const k8_keys[] = {"instance",
	                                      "pricing",
	                                      "capacity_rps_per_replica",
	                                      "replicas_per_node",
	                                      "min_nodes",
	                                      "cluster_usd_per_month",
	                                      NULL};
	struct fy_node *s = NULL, *sl = NULL, *me = NULL, *k8 = NULL;
	int rc;
	if ((rc = section(&s, y, w, "architecture", keys)) != 0)
		return rc;
	p->has_architecture = s != NULL;
	if ((rc = section(&sl, y, s, "serverless", sl_keys)) != 0 ||
	    (rc = section(&me, y, s, "managed_endpoint", me_keys)) != 0 ||
	    (rc = section(&k8, y, s, "kubernetes", k8_keys)) != 0)
		return rc;
	if ((rc = num(y, s, "max_requests_per_month", &p->max_requests, 0, 0, -1, ABOVE)) ||
	    (rc = num(y, sl, "price_per_1m_requests", &p->sl_price_1m,
	              MLC_WHATIF_SERVERLESS_PRICE_PER_1M, 0, -1, 0)) ||
	    (rc = num(y, sl, "price_per_gb_second", &p->sl_price_gb_s,
	              MLC_WHATIF_SERVERLESS_PRICE_PER_GB_S, 0, -1, 0)) ||
	    (rc = num(y, sl, "memory_gb", &p->sl_memory_gb, MLC_WHATIF_SERVERLESS_MEMORY_GB, 0, -1,
	              ABOVE)) ||
	    (rc = num(y, sl, "seconds_per_request", &p->sl_seconds, MLC_WHATIF_SERVERLESS_SECONDS,
	              0, -1, ABOVE)))
		return rc;
	if ((rc = fleet_common(&p->managed, y, me, "min_replicas")) != 0 ||
	    (rc = num(y, me, "premium_pct", &p->managed.premium_pct, 0, -100, -101, ABOVE)))
		return rc;
	if ((rc = fleet_common(&p->k8s, y, k8, "min_nodes")) != 0 ||
	    (rc = num(y, k8, "replicas_per_node", &p->k8s.replicas_per_node, 1, 1, -1, WHOLE)) ||
	    (rc = num(y, k8, "cluster_usd_per_month", &p->k8s.cluster_usd,
	              MLC_WHATIF_K8S_CLUSTER_USD, 0, -1, 0)))
		return rc;
	return 0;
}

/* a list of numbers >= lo, at most max of them */
static int num_list(double *out, size_t *n, size_t max, const mlc_yaml *y, struct fy_node *seq,
                    const char *key, double lo, int whole)
{
	void *it = NULL;
	struct fy_node *v;
	int rc;
	char what[64];
	snprintf(what, sizeof(what), "'%s'", key);
	if ((rc = mlc_yaml__expect_seq(y, seq, what)) != 0)
		return rc;
	*n = 0;
	while ((v = fy_node_sequence_iterate(seq, &it)) != NULL) {
		double d;
		if (*n >= max)
			return mlc_yaml__error(y, v, "'%s' has more than %zu values", key, max);
		if ((rc = mlc_yaml__number(y, v, &d)) != 0)
			return rc;
		if (d < lo || (whole && d != floor(d)))
			return mlc_yaml__error(y, v, "'%s' values must be %s >= %g", key,
			                       whole ? "whole numbers" : "numbers", lo);
		out[(*n)++] = d;
	}
	return 0;
}

static int parse_autoscaling(mlc_whatif_params *p, const mlc_yaml *y, struct fy_node *w)
{
	static const char *const keys[] = {"hourly_load",  "load_unit",    "target_utilization",
	                                   "min_replicas", "max_replicas", NULL};
	struct fy_node *s, *v;
	const char *unit = "relative";
	int rc;
	p->load_relative = 1;
	if ((rc = section(&s, y, w, "autoscaling", keys)) != 0)
		return rc;
	if ((rc = num(y, s, "target_utilization", &p->as_target_util, MLC_WHATIF_TARGET_UTIL, 0, 1,
	              ABOVE)) ||
	    (rc = num(y, s, "min_replicas", &p->as_min, 1, 0, -1, WHOLE)) ||
	    (rc = num(y, s, "max_replicas", &p->as_max, 0, 1, -1, WHOLE)))
		return rc;
	if (!s)
		return 0;
	p->has_autoscaling = 1;
	if (p->as_max.given && p->as_max.v < p->as_min.v)
		return mlc_yaml__error(y, mlc_yaml__get(s, "max_replicas"),
		                       "'max_replicas' is below 'min_replicas'");
	if ((rc = mlc_yaml__opt_string(y, s, "load_unit", &unit)) != 0)
		return rc;
	if (strcmp(unit, "relative") && strcmp(unit, "rps"))
		return mlc_yaml__error(y, mlc_yaml__get(s, "load_unit"),
		                       "'load_unit' must be relative or rps, got '%s'", unit);
	p->load_relative = !strcmp(unit, "relative");
	if (!(v = mlc_yaml__get(s, "hourly_load")))
		return mlc_yaml__error(y, s, "'hourly_load' is required (24 or 168 values)");
	if ((rc = num_list(p->hourly, &p->nhours, 168, y, v, "hourly_load", 0, 0)) != 0)
		return rc;
	if (p->nhours != 24 && p->nhours != 168)
		return mlc_yaml__error(y, v, "'hourly_load' needs 24 or 168 values, got %zu",
		                       p->nhours);
	if (p->load_relative) {
		double sum = 0;
		size_t h;
		for (h = 0; h < p->nhours; h++)
			sum += p->hourly[h];
		if (!(sum > 0))
			return mlc_yaml__error(y, v, "a relative 'hourly_load' cannot be all zero");
	}
	return 0;
}

static int parse_batching(mlc_whatif_params *p, const mlc_yaml *y, struct fy_node *w)
{
	static const char *const keys[] = {
	    "fixed_ms",    "per_item_ms",    "concurrency", "min_replicas",
	    "batch_sizes", "latency_slo_ms", NULL};
	static const double sizes[] = {1, 2, 4, 8, 16, 32, 64};
	struct fy_node *s, *v;
	int rc;
	memcpy(p->sizes, sizes, sizeof(sizes));
	p->nsizes = sizeof(sizes) / sizeof(sizes[0]);
	if ((rc = section(&s, y, w, "batching", keys)) != 0 || !s)
		return rc;
	p->has_batching = 1;
	if ((rc = num(y, s, "fixed_ms", &p->fixed_ms, 0, 0, -1, REQUIRED)) ||
	    (rc = num(y, s, "per_item_ms", &p->per_item_ms, 0, 0, -1, REQUIRED)) ||
	    (rc = num(y, s, "concurrency", &p->concurrency, 1, 0, -1, ABOVE)) ||
	    (rc = num(y, s, "min_replicas", &p->b_min, 1, 0, -1, WHOLE)) ||
	    (rc = num(y, s, "latency_slo_ms", &p->slo_ms, 0, 0, -1, ABOVE)))
		return rc;
	if (!(p->fixed_ms.v + p->per_item_ms.v > 0))
		return mlc_yaml__error(y, mlc_yaml__get(s, "fixed_ms"),
		                       "'fixed_ms' and 'per_item_ms' cannot both be 0");
	p->sizes_given = (v = mlc_yaml__get(s, "batch_sizes")) != NULL;
	if (v && (rc = num_list(p->sizes, &p->nsizes, MLC_WHATIF_MAX_BATCH_SIZES, y, v,
	                        "batch_sizes", 1, 1)))
		return rc;
	if (p->nsizes == 0)
		return mlc_yaml__error(y, v, "'batch_sizes' is empty");
	return 0;
}

static int parse_caching(mlc_whatif_params *p, const mlc_yaml *y, struct fy_node *w)
{
	static const char *const keys[] = {"hit_ratio", "cache_usd_per_month", NULL};
	struct fy_node *s;
	int rc;
	if ((rc = section(&s, y, w, "caching", keys)) != 0 || !s)
		return rc;
	p->has_caching = 1;
	if ((rc = num(y, s, "hit_ratio", &p->hit_ratio, 0, 0, 1, REQUIRED)) ||
	    (rc = num(y, s, "cache_usd_per_month", &p->cache_usd, 0, 0, -1, 0)))
		return rc;
	return 0;
}

int mlc_whatif__parse(mlc_whatif_params *out, const mlc_yaml *y, struct fy_node *whatif)
{
	static const char *const keys[] = {"capacity_rps_per_replica",
	                                   "peak_to_average",
	                                   "pricing",
	                                   "architecture",
	                                   "autoscaling",
	                                   "batching",
	                                   "caching",
	                                   NULL};
	int rc;
	memset(out, 0, sizeof(*out));
	if (whatif && ((rc = mlc_yaml__expect_map(y, whatif, "'whatif'")) != 0 ||
	               (rc = mlc_yaml__check_keys(y, whatif, keys)) != 0))
		return rc;
	if ((rc = num(y, whatif, "capacity_rps_per_replica", &out->capacity, 0, 0, -1, ABOVE)) ||
	    (rc = num(y, whatif, "peak_to_average", &out->peak_to_average, 1, 1, -1, 0)))
		return rc;
	if ((rc = parse_pricing(out, y, whatif)) != 0 ||
	    (rc = parse_architecture(out, y, whatif)) != 0 ||
	    (rc = parse_autoscaling(out, y, whatif)) != 0 ||
	    (rc = parse_batching(out, y, whatif)) != 0 || (rc = parse_caching(out, y, whatif)) != 0)
		return rc;
	return 0;
}
