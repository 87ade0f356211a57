/* SPDX-License-Identifier: MIT */
/*
 * whatif.h - the pieces behind `compare` and `frontier`: pure sizing and
 * costing functions (whatif_calc.c, no I/O, no catalog, unit-tested with
 * hand-computed numbers) and the parser of a model's `whatif:` section
 * (whatif_parse.c). It does not estimate models: compare.c joins these to
 * the cost model.
 */
#ifndef MLC_WHATIF_H
#define MLC_WHATIF_H

#include "mlcost/whatif.h"
#include "yamldoc.h"

#include <stddef.h>

/* ---- sizing ---------------------------------------------------------------------------- */

/*
 * ceil(load / capacity), except that a ratio within one part in 10^9 of a
 * whole number counts as that number: 3.0000000000004 replicas are 3, not 4
 * (the excess is floating-point noise, not load). 0 when load <= 0.
 */
double mlc_whatif__ceil_ratio(double load, double capacity);
/* max(min, ceil_ratio(load, capacity)) */
double mlc_whatif__replicas(double load, double capacity, double min);
/* requests per month -> average requests per second over hours_per_month */
double mlc_whatif__avg_rps(double requests_per_month, double hours_per_month);

/*
 * A monthly cost as a function of the request volume V (requests/month):
 *   cost(V) = slope × V + fixed + step_cost × max(min_steps, ceil(V / step_width))
 * step_width 0 means no step part. Serverless is slope only; a managed
 * endpoint is steps of one replica; Kubernetes is steps of one node plus the
 * cluster fee.
 */
typedef struct mlc_cost_shape {
	double slope;
	double fixed;
	double step_cost;
	double min_steps;
	double step_width;
} mlc_cost_shape;

double mlc_whatif__shape_units(const mlc_cost_shape *s, double v);
double mlc_whatif__shape_cost(const mlc_cost_shape *s, double v);
/* marginal cost per request at high volume: slope + step_cost / step_width */
double mlc_whatif__shape_marginal(const mlc_cost_shape *s);

#define MLC_WHATIF_MAX_RANGES 1000    /* ranges kept; beyond, the scan stops */
#define MLC_WHATIF_MAX_STEPS  1000000 /* step boundaries walked; beyond, the scan stops */

/*
 * The volume ranges in [0, vmax] where each available shape is the cheapest
 * (ties go to the lower index). Writes at most max ranges to out, *n of them;
 * *scan_to is the volume reached (vmax unless *truncated).
 */
void mlc_whatif__crossovers(mlc_volume_range *out, size_t max, size_t *n, int *truncated,
                            double *scan_to, const mlc_cost_shape *shapes, const char *const *names,
                            const int *available, size_t nshapes, double vmax);

/* ---- autoscaling ------------------------------------------------------------------------ */

/* Hourly load to requests/s: relative values are scaled so their mean is avg_rps. -1 when
 * a relative profile sums to 0. */
int mlc_whatif__hourly_rps(double *out, const double *values, size_t n, int relative,
                           double avg_rps);

typedef struct mlc_autoscale {
	double static_replicas; /* peak of the hourly replicas, all hours */
	double avg_replicas;
	double static_cost;     /* static_replicas × price × hours_per_month */
	double autoscaled_cost; /* Σ replicas_h × price × hours_per_month / n */
	size_t hours_at_max;
} mlc_autoscale;

/* replicas_h = clamp(ceil(rps_h / (capacity × target_util)), min, max); max 0 = none */
void mlc_whatif__autoscale(mlc_autoscale *out, double *replicas, const double *rps, size_t n,
                           double capacity, double target_util, double min_replicas,
                           double max_replicas, double price_per_hour, double hours_per_month);

/* ---- batching --------------------------------------------------------------------------- */

typedef struct mlc_batch_in {
	double fixed_ms;
	double per_item_ms;
	double concurrency;
	double min_replicas;
	double design_rps;     /* sizes the fleet */
	double avg_rps;        /* paces the batch fill */
	double latency_slo_ms; /* <= 0: none */
	double price_per_hour;
	double hours_per_month;
} mlc_batch_in;

void mlc_whatif__batch_row(mlc_batch_row *out, const mlc_batch_in *in, double batch_size);

/* ---- caching ---------------------------------------------------------------------------- */

/* The as-written fleet with a hit ratio: count × (1 − hit), whole counts rounded up. */
double mlc_whatif__cached_count(double count, double hit_ratio);

/* ---- the `whatif:` section -------------------------------------------------------------- */

/* Defaults (docs/compare.md). The serverless ones are AWS Lambda-style list prices. */
#define MLC_WHATIF_SERVERLESS_PRICE_PER_1M   0.20
#define MLC_WHATIF_SERVERLESS_PRICE_PER_GB_S 0.0000166667
#define MLC_WHATIF_SERVERLESS_MEMORY_GB      2.0
#define MLC_WHATIF_SERVERLESS_SECONDS        0.1
#define MLC_WHATIF_K8S_CLUSTER_USD           73.0 /* a managed control plane: $0.10/h × 730 h */
#define MLC_WHATIF_SCAN_FACTOR               10.0 /* ranges scanned up to 10 × the profile's volume */
#define MLC_WHATIF_TARGET_UTIL               0.7
#define MLC_WHATIF_MAX_BATCH_SIZES           64

/* A number from the section, or its default; given says which. */
typedef struct mlc_wnum {
	double v;
	int given;
} mlc_wnum;

/* managed_endpoint and kubernetes: a fleet of instances */
typedef struct mlc_wfleet {
	const char *instance;          /* NULL: the inference instance */
	struct fy_node *instance_node; /* for error positions */
	int has_pricing;
	mlc_pricing_model pricing;
	mlc_wnum capacity;          /* 0 given-less: the section-wide capacity */
	mlc_wnum min;               /* replicas (managed) or nodes (kubernetes) */
	mlc_wnum premium_pct;       /* managed */
	mlc_wnum replicas_per_node; /* kubernetes */
	mlc_wnum cluster_usd;       /* kubernetes */
} mlc_wfleet;

#define MLC_WHATIF_PHASE_TRAINING  1
#define MLC_WHATIF_PHASE_INFERENCE 2
#define MLC_WHATIF_PHASE_FEATURES  4

typedef struct mlc_whatif_params {
	mlc_wnum capacity; /* requests/s one inference replica serves, fully busy */
	mlc_wnum peak_to_average;
	unsigned pricing_phases;  /* MLC_WHATIF_PHASE_* */
	unsigned pricing_options; /* 1 << mlc_pricing_model */
	int pricing_given;
	int has_architecture; /* the section was written (it runs by default anyway) */
	mlc_wnum max_requests;
	mlc_wnum sl_price_1m, sl_price_gb_s, sl_memory_gb, sl_seconds;
	mlc_wfleet managed, k8s;
	int has_autoscaling;
	size_t nhours;
	double hourly[168];
	int load_relative;
	mlc_wnum as_target_util, as_min, as_max;
	int has_batching;
	mlc_wnum fixed_ms, per_item_ms, concurrency, b_min, slo_ms;
	size_t nsizes;
	int sizes_given;
	double sizes[MLC_WHATIF_MAX_BATCH_SIZES];
	int has_caching;
	mlc_wnum hit_ratio, cache_usd;
} mlc_whatif_params;

/*
 * Read a `whatif:` mapping (NULL: absent, all defaults) into out, with
 * FILE:LINE:COL errors for unknown keys and bad values. Strings point into y.
 */
int mlc_whatif__parse(mlc_whatif_params *out, const mlc_yaml *y, struct fy_node *whatif);

#endif
