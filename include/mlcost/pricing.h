/* SPDX-License-Identifier: MIT */
/*
 * mlcost/pricing.h - pricing catalogs: what a resource costs per hour (or per
 * GB-month, per GB, per million tokens) under each pricing model.
 *
 * A catalog is filled from one or more sources (mlc_catalog_load):
 *   "builtin:seed"          the six resources of the cost-model seed
 *   "builtin:gpu-2026-02"   A100/H100/H200/L40S market rates per GPU-hour
 *   PATH.csv                mlcost catalog CSV (SPEC §3) or SkyPilot catalog
 *                           CSV, told apart by the header
 *   PATH.json               LiteLLM model_prices_and_context_window.json
 * Later sources add to earlier ones; a resource defined twice resolves to
 * the first definition (see docs/pricing.md).
 */
#ifndef MLCOST_PRICING_H
#define MLCOST_PRICING_H

#include "mlcost/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mlc_catalog mlc_catalog;

typedef enum mlc_pricing_model {
	MLC_PRICING_ON_DEMAND = 0,
	MLC_PRICING_SPOT,
	MLC_PRICING_RESERVED_1Y,
	MLC_PRICING_RESERVED_3Y,
	MLC_PRICING_COUNT
} mlc_pricing_model;

typedef enum mlc_price_unit {
	MLC_UNIT_HOUR = 0,
	MLC_UNIT_GB_MONTH,
	MLC_UNIT_GB,
	MLC_UNIT_1M_TOKENS
} mlc_price_unit;

/** One catalog row. All strings are owned by the catalog. */
typedef struct mlc_price_entry {
	const char *provider;
	const char *region;
	const char *resource;
	mlc_price_unit unit;
	/** price per unit under each pricing model; offered[i] is 0 when empty */
	double price[MLC_PRICING_COUNT];
	int offered[MLC_PRICING_COUNT];
	/** market range behind a midpoint price (builtin:gpu-2026-02); has_range[i] */
	double low[MLC_PRICING_COUNT];
	double high[MLC_PRICING_COUNT];
	int has_range[MLC_PRICING_COUNT];
	int vcpus;          /**< 0 when unknown */
	double memory_gb;   /**< 0 when unknown */
	int gpus;           /**< 0 when none or unknown */
	const char *gpu_model; /**< "" when none */
	const char *as_of;     /**< date of the price, "" when unknown */
	const char *source;    /**< "builtin:seed", a file path, ... */
	unsigned line;         /**< row in the source (1-based), 0 for builtins */
} mlc_price_entry;

/** Token prices of an LLM, in USD per single token. */
typedef struct mlc_token_price {
	const char *model;       /**< owned by the catalog */
	double input;            /**< per input token */
	double output;           /**< per output token */
	double cached_input;     /**< per cached (cache-read) input token */
	int has_cached_input;    /**< 0 when the catalog has no cached price */
	const char *source;
	unsigned line;
} mlc_token_price;

MLC_EXTERN int mlc_catalog_new(mlc_catalog **out);
MLC_EXTERN void mlc_catalog_free(mlc_catalog *cat);

/** Add a source (see the top of this file). Errors carry FILE:LINE. */
MLC_EXTERN int mlc_catalog_load(mlc_catalog *cat, const char *source);

/**
 * Add a source held in memory; the format is told from the content
 * (JSON object = LiteLLM, otherwise a CSV header). name is used in errors.
 */
MLC_EXTERN int mlc_catalog_load_buffer(mlc_catalog *cat, const char *name, const char *data,
				       size_t len);

MLC_EXTERN size_t mlc_catalog_count(const mlc_catalog *cat);
/**
 * The i-th entry in load order (borrowed), or NULL past the end. Entries
 * stay at the same address until mlc_catalog_free, also across later loads.
 * A failed load adds nothing.
 */
MLC_EXTERN const mlc_price_entry *mlc_catalog_entry(const mlc_catalog *cat, size_t i);

/**
 * Find a resource by name. MLC_ENOTFOUND when absent, with a message that
 * suggests the nearest names ("unknown resource 'g4dn.xlarge' (nearest:
 * g4dn.xlarge_1xt4, g4dn.12xlarge_4xt4)").
 */
MLC_EXTERN int mlc_catalog_find(const mlc_price_entry **out, const mlc_catalog *cat,
				const char *resource);

/**
 * Price per hour of resource under pricing model pm. MLC_ENOTFOUND for an
 * unknown resource, MLC_EPARSE when the unit is not `hour` or the price is
 * not offered (the message names the catalog row).
 */
MLC_EXTERN int mlc_catalog_hourly_price(double *out, const mlc_catalog *cat,
					const char *resource, mlc_pricing_model pm);

/**
 * Token prices of an LLM (LiteLLM import, or the 1m_tokens rows MODEL:input,
 * MODEL:output and optional MODEL:cached_input of a catalog CSV). Prices
 * come back per single token. MLC_ENOTFOUND with the nearest model names.
 */
MLC_EXTERN int mlc_catalog_token_price(mlc_token_price *out, const mlc_catalog *cat,
				       const char *llm_model);

/** What one loaded source contributed (for `pricing show`). */
typedef struct mlc_catalog_source {
	const char *name;   /**< as given to mlc_catalog_load (owned by the catalog) */
	const char *format; /**< "builtin", "catalog-csv", "skypilot-csv", "litellm-json" */
	size_t entries;     /**< rows added */
	size_t skipped;     /**< source entries without usable prices (not added) */
	size_t merged;      /**< duplicate rows folded into the first (SkyPilot zones) */
} mlc_catalog_source;

MLC_EXTERN size_t mlc_catalog_source_count(const mlc_catalog *cat);
/** The i-th loaded source (borrowed), or NULL past the end. */
MLC_EXTERN const mlc_catalog_source *mlc_catalog_source_at(const mlc_catalog *cat, size_t i);

/**
 * Findings of `mlcost pricing validate`: every problem of a source, each
 * "FILE:LINE: message" (bad numbers, unknown units, short rows, negative
 * prices, spot or reserved above on-demand, duplicates in one region).
 */
typedef struct mlc_catalog_findings mlc_catalog_findings;

/**
 * Check a source without stopping at the first problem. Returns 0 when the
 * check ran (the source is valid when the count is 0), or an error when it
 * could not run (unreadable file, ENOMEM, ETOOLARGE).
 */
MLC_EXTERN int mlc_catalog_validate(mlc_catalog_findings **out, const char *source);
MLC_EXTERN int mlc_catalog_validate_buffer(mlc_catalog_findings **out, const char *name,
					   const char *data, size_t len);
/** Findings kept (at most 10000; the rest are only counted as dropped). */
MLC_EXTERN size_t mlc_catalog_findings_count(const mlc_catalog_findings *f);
MLC_EXTERN size_t mlc_catalog_findings_dropped(const mlc_catalog_findings *f);
/** The i-th finding (borrowed), or NULL past the end. */
MLC_EXTERN const char *mlc_catalog_finding(const mlc_catalog_findings *f, size_t i);
MLC_EXTERN void mlc_catalog_findings_free(mlc_catalog_findings *f);

/** "on_demand", "spot", "reserved_1y", "reserved_3y". */
MLC_EXTERN const char *mlc_pricing_model_name(mlc_pricing_model pm);
/** Parse one of the names above; MLC_EINVAL otherwise. */
MLC_EXTERN int mlc_pricing_model_parse(mlc_pricing_model *out, const char *name);
/** "hour", "gb_month", "gb", "1m_tokens". */
MLC_EXTERN const char *mlc_price_unit_name(mlc_price_unit unit);

#ifdef __cplusplus
}
#endif

#endif
