/* SPDX-License-Identifier: MIT */
/*
 * mlcost/costmodel.h - cost profiles (SPEC §2) and what they cost:
 * `estimate` (monthly/annual cost per phase, people, unit economics, value,
 * idle capacity, real hourly rate, portfolio views).
 *
 * A profile is loaded from YAML into an mlc_profile (opaque); its models are
 * read through mlc_profile_model(). Estimates use doubles (SPEC §1: model
 * estimates multiply rates) and are rounded only when printed.
 */
#ifndef MLCOST_COSTMODEL_H
#define MLCOST_COSTMODEL_H

#include "mlcost/common.h"
#include "mlcost/pricing.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mlc_profile mlc_profile;

/** A phase that runs on a priced instance. `instance` NULL = phase absent. */
typedef struct mlc_compute_phase {
	const char *instance;
	double count;               /**< instances (default 1) */
	mlc_pricing_model pricing;  /**< default on_demand */
	double hours_per_run;       /**< training */
	double runs_per_month;      /**< training */
	double experiment_multiplier; /**< training, default 1 (4.3 typical) */
	double hours_per_day;       /**< feature_pipeline */
	double hours_per_month;     /**< inference; default: profile hours_per_month */
} mlc_compute_phase;

/** Inference: instance-priced, token-priced (LLM API), or both. */
typedef struct mlc_inference_phase {
	mlc_compute_phase compute;  /**< compute.instance NULL when token-priced only */
	double requests_per_month;  /**< 0 when not given */
	double utilization;         /**< busy fraction; < 0 when not given */
	const char *sla;            /**< "99", "99.9", "99.99", "99.999" or NULL */
	const char *llm_model;      /**< NULL unless token-priced */
	double input_tokens_per_request;
	double output_tokens_per_request;
	double cached_input_tokens_per_request; /**< share of input served from cache */
} mlc_inference_phase;

typedef struct mlc_model_profile {
	const char *name;
	const char *team;        /**< "" when not given */
	const char *project;     /**< "" when not given */
	const char *environment; /**< "" when not given; "production" counts for the index */
	mlc_compute_phase training;
	mlc_inference_phase inference;
	mlc_compute_phase feature_pipeline;
	double storage_gb;                 /**< Σ of the gb entries */
	double storage_price_per_gb_month;
	double transfer_gb_per_month;
	double transfer_price_per_gb;
	double monitoring_usd_per_month;
	double tooling_usd_per_month;
	double fte;
	double fte_cost_per_year;          /**< model override or profile default */
	double hours_per_year;             /**< for the real hourly rate */
	double revenue_per_month;          /**< < 0 when not given */
	double value_preserved_per_month;  /**< < 0 when not given */
} mlc_model_profile;

MLC_EXTERN int mlc_profile_load_file(mlc_profile **out, const char *path);
MLC_EXTERN int mlc_profile_load_string(mlc_profile **out, const char *name, const char *yaml,
				       size_t len);
MLC_EXTERN void mlc_profile_free(mlc_profile *p);

MLC_EXTERN size_t mlc_profile_model_count(const mlc_profile *p);
/** The i-th model (borrowed), or NULL past the end. */
MLC_EXTERN const mlc_model_profile *mlc_profile_model(const mlc_profile *p, size_t i);
/** Index of the model named name; MLC_ENOTFOUND (suggesting names) otherwise. */
MLC_EXTERN int mlc_profile_find_model(size_t *out, const mlc_profile *p, const char *name);
/** The catalog the profile names (borrowed; loaded with the profile). */
MLC_EXTERN const mlc_catalog *mlc_profile_catalog(const mlc_profile *p);
MLC_EXTERN const char *mlc_profile_currency(const mlc_profile *p);
MLC_EXTERN double mlc_profile_hours_per_month(const mlc_profile *p);
MLC_EXTERN double mlc_profile_days_per_month(const mlc_profile *p);


/** Monthly cost of one model (or a total), by phase. */
typedef struct mlc_phase_costs {
	double training;
	double inference;
	double feature_pipeline;
	double storage;
	double transfer;
	double monitoring;
	double tooling;
	double infrastructure; /**< sum of the above */
	double people;
	double total;          /**< infrastructure + people */
} mlc_phase_costs;

/** What one model costs (SPEC §2). has_* flags mark sections that apply. */
typedef struct mlc_model_estimate {
	const char *name; /**< borrowed from the profile */
	const char *team;
	mlc_phase_costs monthly;
	double annual_infrastructure;
	double annual_total;
	int has_unit;            /**< requests_per_month > 0 */
	double requests_per_month;
	double cost_per_request;       /**< infrastructure / requests */
	double full_cost_per_request;  /**< total / requests */
	double cost_per_1k;            /**< 1000 × cost_per_request */
	int has_revenue;
	double revenue_per_month;
	double gross_margin_pct;
	double cost_pct_of_revenue;
	int has_value_preserved;
	double value_preserved_per_month;
	double roi;
	int has_utilization;
	double utilization;
	double idle_cost;
	double hourly_infrastructure;
	double hourly_people;
	double hourly_total;
} mlc_model_estimate;

/**
 * Estimate one model of profile p. m is usually mlc_profile_model(p, i), but
 * may be a modified copy (what-ifs). Fails with MLC_ENOTFOUND / MLC_EPARSE
 * when an instance is unknown or a price is not offered.
 */
MLC_EXTERN int mlc_estimate_model(mlc_model_estimate *out, const mlc_profile *p,
				  const mlc_model_profile *m);

#ifdef __cplusplus
}
#endif

#endif
