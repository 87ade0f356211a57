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
	/**
	 * storage.gb written as a mapping: its entries (borrowed), summed in
	 * this order into storage_gb. The estimate prices Σ gb × price entry
	 * by entry while their sum still equals storage_gb; a copy that changes
	 * storage_gb (a what-if) is priced storage_gb × price. 0 entries when
	 * gb was a single number.
	 */
	size_t storage_nitems;
	const char *const *storage_item_names;
	const double *storage_item_gb;
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

	/* ---- extensions beyond SPEC §2's JSON (docs/cost-model.md) ---- */
	const char *project;     /**< "" when not given */
	const char *environment; /**< "" when not given */
	/** Hourly prices used (after the pricing model), 0 when the phase is absent. */
	double training_price_per_hour;
	double inference_price_per_hour;
	double feature_pipeline_price_per_hour;
	/** Training's experiment_multiplier (1 = none) and what the extra runs cost:
	 *  training × (1 − 1/multiplier). */
	double experiment_multiplier;
	double experiment_overhead;
	/** Split of monthly.inference: instance-priced + token-priced. */
	double inference_instances;
	double inference_tokens;
	int has_tokens;          /**< token-priced (inference.llm_model) */
	const char *llm_model;   /**< borrowed; NULL unless has_tokens */
	double input_tokens_per_month;        /**< uncached input tokens */
	double cached_input_tokens_per_month;
	double output_tokens_per_month;
	double input_token_cost;              /**< monthly, of the uncached input */
	double cached_input_token_cost;
	double output_token_cost;
	double price_per_input_token;         /**< USD per token, as the catalog says */
	double price_per_cached_input_token;  /**< the input price when the catalog has none */
	double price_per_output_token;
	int cached_priced_as_input; /**< cached tokens were charged at the input price */
	/** Availability tier: the instance-priced inference as written is the
	 *  99% base (1.0×); the tier multiplies it by [low, high]. */
	int has_sla;
	const char *sla;          /**< "99", "99.9", "99.99", "99.999" */
	double sla_multiplier_low;
	double sla_multiplier_high;
	double inference_sla_low; /**< inference with the tier applied */
	double inference_sla_high;
	double total_sla_low;     /**< monthly total with the tier applied */
	double total_sla_high;
} mlc_model_estimate;

/**
 * Estimate one model of profile p. m is usually mlc_profile_model(p, i), but
 * may be a modified copy (what-ifs). Fails with MLC_ENOTFOUND / MLC_EPARSE
 * when an instance is unknown or a price is not offered.
 */
MLC_EXTERN int mlc_estimate_model(mlc_model_estimate *out, const mlc_profile *p,
				  const mlc_model_profile *m);

/**
 * Multipliers of an availability tier on instance-priced inference:
 * "99" 1.0–1.0, "99.9" 1.6–2.2, "99.99" 3.5–5.0, "99.999" 8–15.
 * MLC_EINVAL for any other tier.
 */
MLC_EXTERN int mlc_sla_multipliers(double *out_low, double *out_high, const char *sla);

/**
 * Band of an MLOps Cost Efficiency Index value: "inefficient" (< 0.5),
 * "developing" (0.5 to < 2), "mature" (2 to 5), "best-in-class" (> 5).
 */
MLC_EXTERN const char *mlc_efficiency_band(double index);

/** Portfolio views of an estimate (docs/cost-model.md). */
typedef struct mlc_portfolio {
	size_t models;
	size_t production_models;      /**< environment "production" or "prod" */
	double production_requests_per_month; /**< Σ requests of production models */
	double annual_spend;           /**< 12 × Σ monthly total, people included */
	/** MLOps Cost Efficiency Index = production_models ×
	 *  (production_requests_per_month / 1e6) / annual_spend × 1000. */
	int has_efficiency_index;      /**< production models and spend > 0 */
	double efficiency_index;
	const char *efficiency_band;   /**< NULL without an index */
	/** Spend split of the monthly total, in % (reference 40 / 40 / 20). */
	int has_split;                 /**< total > 0 */
	double people_pct;             /**< people */
	double compute_pct;            /**< training … transfer */
	double tooling_pct;            /**< tooling + monitoring */
	/** Availability tiers over all models (models without a tier at 1.0×). */
	int has_sla;                   /**< some model has a tier */
	double inference_sla_low, inference_sla_high;
	double total_sla_low, total_sla_high;
	int has_idle;
	double idle_cost;              /**< Σ idle of models with a utilization */
	double experiment_overhead;    /**< Σ */
	double token_cost;             /**< Σ token-priced inference */
	double revenue_per_month;      /**< Σ of models with revenue, < 0 when none */
	double value_preserved_per_month; /**< Σ, < 0 when none */
} mlc_portfolio;

/** The estimate of a whole profile (or of one model of it). */
typedef struct mlc_estimate {
	const char *currency;      /**< borrowed from the profile */
	double hours_per_month;
	double days_per_month;
	size_t nmodels;
	mlc_model_estimate *models;
	mlc_phase_costs monthly;   /**< Σ of the models */
	mlc_phase_costs annual;    /**< 12 × monthly */
	double requests_per_month; /**< Σ of all models */
	mlc_portfolio portfolio;
} mlc_estimate;

#define MLC_ESTIMATE_OPTIONS_VERSION 1
typedef struct mlc_estimate_options {
	unsigned version;
	const char *model; /**< only this model; NULL for all */
} mlc_estimate_options;
#define MLC_ESTIMATE_OPTIONS_INIT {MLC_ESTIMATE_OPTIONS_VERSION, NULL}

/**
 * Estimate every model of p (or opts->model only; MLC_ENOTFOUND with the
 * nearest names when there is no such model), with totals and portfolio
 * views. opts may be NULL. Free *out with mlc_estimate_free.
 */
MLC_EXTERN int mlc_estimate_profile(mlc_estimate **out, const mlc_profile *p,
				    const mlc_estimate_options *opts);
MLC_EXTERN void mlc_estimate_free(mlc_estimate *e);

/**
 * The JSON of SPEC §2 (plus the extension keys of docs/cost-model.md),
 * indented, newline-terminated, doubles in shortest round-trip form.
 * *out is the caller's: free it with mlc_estimate_json_free.
 */
MLC_EXTERN int mlc_estimate_json(char **out, const mlc_estimate *e);
MLC_EXTERN void mlc_estimate_json_free(char *json);

#ifdef __cplusplus
}
#endif

#endif
