/* SPDX-License-Identifier: MIT */
/*
 * mlcost/whatif.h - what a model would cost if it were built differently.
 *
 *   frontier  variants of a model (accuracy, latency, throughput, instance):
 *             what each costs at a target volume, the Pareto frontier of cost
 *             against accuracy, the cheapest variant meeting the floors.
 *   compare   what-ifs for one model of a profile: pricing per phase,
 *             serverless / managed endpoint / Kubernetes (with the volume
 *             ranges where each is cheapest), autoscaling from an hourly
 *             load profile, batch sizes, a response cache.
 *
 * Results are held by opaque handles and read through one borrowed result
 * struct each. Money is double (SPEC §1, model estimates); JSON and CSV
 * renderings print it at full precision. See docs/frontier.md and
 * docs/compare.md for the input keys, defaults and formulas.
 */
#ifndef MLCOST_WHATIF_H
#define MLCOST_WHATIF_H

#include "mlcost/common.h"
#include "mlcost/costmodel.h"
#include "mlcost/pricing.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Machine formats the library renders; tables are the front end's job. */
typedef enum mlc_whatif_format { MLC_WHATIF_JSON = 0, MLC_WHATIF_CSV = 1 } mlc_whatif_format;

/** Free a text returned by mlc_frontier_render() or mlc_compare_render(). NULL is fine. */
MLC_EXTERN void mlc_whatif_text_free(char *text);

/* ---- frontier --------------------------------------------------------------------------- */

#define MLC_FRONTIER_MAX_VARIANTS 10000

/** One variant: inputs first, then what the library computed. */
typedef struct mlc_variant {
	const char *name;
	double accuracy; /**< any scale, higher is better */
	double p95_latency_ms;
	double throughput_rps_per_instance;
	const char *instance; /**< catalog resource priced per hour */
	mlc_pricing_model pricing;
	double min_instances; /**< default 1 */
	/* results */
	double price_per_hour;
	double instances;    /**< max(min_instances, ceil(design_rps / throughput)) */
	double monthly_cost; /**< instances × price_per_hour × hours_per_month */
	double cost_per_1k;  /**< monthly_cost / target_requests_per_month × 1000 */
	int on_frontier;
	long dominated_by;  /**< index of a dominating variant, -1 on the frontier */
	int meets_accuracy; /**< 1 when there is no accuracy floor */
	int meets_latency;  /**< 1 when there is no latency floor */
} mlc_variant;

typedef struct mlc_frontier_options {
	unsigned version;
	double target_requests_per_month; /**< > 0 */
	double hours_per_month;           /**< default 730 */
	double peak_to_average;           /**< design load = average × this; default 1, >= 1 */
	int has_min_accuracy;
	double min_accuracy;
	int has_max_p95_latency_ms;
	double max_p95_latency_ms;
	const char *currency; /**< default "USD" */
} mlc_frontier_options;

#define MLC_FRONTIER_OPTIONS_VERSION 1
#define MLC_FRONTIER_OPTIONS_INIT                                                                  \
	{                                                                                          \
		MLC_FRONTIER_OPTIONS_VERSION, 0, 730, 1, 0, 0, 0, 0, "USD"                         \
	}

typedef struct mlc_frontier_result {
	mlc_frontier_options options; /**< as used, defaults filled in */
	const char *catalog;          /**< the catalog sources, "" when given in code */
	double average_rps;           /**< target / (hours_per_month × 3600) */
	double design_rps;            /**< average_rps × peak_to_average */
	size_t nvariants;
	const mlc_variant *variants; /**< in input order */
	const size_t *by_cost;       /**< indexes: cost asc, accuracy desc, input order */
	size_t nfrontier;            /**< variants on the frontier */
	long recommended;            /**< cheapest meeting the floors, -1 when none does */
	const char *verdict;         /**< one sentence: the pick, or that none qualifies */
} mlc_frontier_result;

typedef struct mlc_frontier mlc_frontier;

/**
 * Evaluate variants (inputs only are read) priced from cat. Errors name the
 * variant: "variant 'x': unknown resource ...".
 */
MLC_EXTERN int mlc_frontier_compute(mlc_frontier **out, const mlc_frontier_options *opts,
                                    const mlc_variant *variants, size_t n, const mlc_catalog *cat);

/** Load a variants YAML file (docs/frontier.md) and evaluate it. Errors: FILE:LINE:COL. */
MLC_EXTERN int mlc_frontier_load_file(mlc_frontier **out, const char *path);
MLC_EXTERN int mlc_frontier_load_string(mlc_frontier **out, const char *name, const char *yaml,
                                        size_t len);
MLC_EXTERN void mlc_frontier_free(mlc_frontier *f);
/** The result (borrowed, lives as long as f). */
MLC_EXTERN const mlc_frontier_result *mlc_frontier_get(const mlc_frontier *f);
/** JSON or CSV text of the result; free it with mlc_whatif_text_free(). */
MLC_EXTERN int mlc_frontier_render(char **out, const mlc_frontier *f, mlc_whatif_format fmt);

/* ---- compare ---------------------------------------------------------------------------- */

/** One what-if: the model's monthly total with one thing changed. */
typedef struct mlc_scenario {
	const char *section;  /**< "baseline", "pricing", "architecture", "autoscaling",
	                           "batching", "caching" */
	const char *name;     /**< "training:spot", "serverless", "autoscaled", "batch_size:8" */
	const char *detail;   /**< what was sized, e.g. "3 replicas of g4dn.xlarge" */
	int available;        /**< 0: not computed, note says why */
	double phase_cost;    /**< monthly cost of the part the what-if changes */
	double monthly_total; /**< the model's monthly total under the what-if */
	double saving;        /**< baseline total − monthly_total (negative: costs more) */
	double saving_pct;    /**< saving / baseline total × 100 (0 when the baseline is 0) */
	const char *note;     /**< "" when none */
} mlc_scenario;

/** A parameter the what-ifs used, and where it came from. */
typedef struct mlc_assumption {
	const char *key;    /**< "architecture.serverless.memory_gb" */
	const char *value;  /**< as printed, e.g. "2", "g4dn.xlarge" */
	const char *origin; /**< "profile", "default" or "derived" */
} mlc_assumption;

/** An inference architecture sized from the request volume. */
typedef struct mlc_arch_option {
	const char *name; /**< "serverless", "managed_endpoint", "kubernetes" */
	int available;
	const char *note;
	double units;                /**< replicas (managed), nodes (kubernetes), 0 (serverless) */
	double monthly_cost;         /**< at the profile's volume */
	double cost_per_1k_at_scale; /**< marginal cost per 1,000 requests at high volume */
} mlc_arch_option;

/** Volumes (requests per month) in (from, to] where option is the cheapest. */
typedef struct mlc_volume_range {
	const char *option;
	double from_requests;
	double to_requests;
} mlc_volume_range;

typedef struct mlc_batch_row {
	double batch_size;
	double latency_ms;     /**< fixed_ms + per_item_ms × b */
	double throughput_rps; /**< per replica: b / latency × 1000 × concurrency */
	double replicas;
	double monthly_cost;
	double wait_p95_ms; /**< (b − 1) / rate per replica + latency */
	int meets_slo;      /**< 1 when there is no SLO */
} mlc_batch_row;

typedef struct mlc_compare_result {
	const char *model;
	const char *currency;
	double hours_per_month;
	double requests_per_month;
	double average_rps;
	double design_rps;                   /**< average × peak_to_average */
	double baseline_total;               /**< monthly total as written */
	double baseline_inference_instances; /**< the instance part of inference as written */
	size_t nscenarios;
	const mlc_scenario *scenarios; /**< baseline first, then sections in order */
	size_t nassumptions;
	const mlc_assumption *assumptions;
	size_t narch;
	const mlc_arch_option *arch; /**< 0 or 3 entries */
	size_t nranges;
	const mlc_volume_range *ranges; /**< ascending volumes, from 0 to scan_to */
	double scan_to;                 /**< volumes scanned for ranges */
	int ranges_truncated;           /**< 1: too many steps, stopped at scan_to */
	size_t nbatch;
	const mlc_batch_row *batch;
	long batch_best;               /**< cheapest row meeting the SLO, -1 when none */
	size_t nhours;                 /**< 0, 24 or 168 */
	const double *hourly_rps;      /**< autoscaling load per hour, requests/s */
	const double *hourly_replicas; /**< autoscaled replicas per hour */
	double static_replicas;        /**< peak of hourly_replicas */
	double autoscaled_avg_replicas;
	size_t hours_at_max; /**< hours where max_replicas capped the fleet */
} mlc_compare_result;

typedef struct mlc_compare mlc_compare;

/**
 * Run the what-ifs of model i of profile p, with the parameters of the
 * model's `whatif:` section (errors FILE:LINE:COL). Options the catalog does
 * not offer are reported as unavailable scenarios, not errors.
 */
MLC_EXTERN int mlc_compare_model(mlc_compare **out, const mlc_profile *p, size_t i);
MLC_EXTERN void mlc_compare_free(mlc_compare *c);
MLC_EXTERN const mlc_compare_result *mlc_compare_get(const mlc_compare *c);
/** JSON or CSV text of the result; free it with mlc_whatif_text_free(). */
MLC_EXTERN int mlc_compare_render(char **out, const mlc_compare *c, mlc_whatif_format fmt);

#ifdef __cplusplus
}
#endif

#endif
