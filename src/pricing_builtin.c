/* SPDX-License-Identifier: MIT */
/*
 * pricing_builtin.c - the catalogs compiled into the library:
 *   builtin:seed         the six AWS us-east-1 instances of the cost-model
 *                        seed; spot = 0.7 x and reserved_1y = 0.6 x on-demand
 *                        (the seed's convention, SPEC section 2); no 3-year price.
 *   builtin:gpu-2026-02  market rates per GPU-hour, February 2026: each price
 *                        is the midpoint of a low-high range kept with it.
 * Sources and names are documented in docs/pricing.md. Not a place for
 * live prices: those come from files (catalog CSV, SkyPilot, LiteLLM).
 */
#include "pricing_internal.h"
#include "util/error.h"

#include <string.h>

typedef struct seed_instance {
	const char *resource;
	double on_demand;
	int vcpus;
	double memory_gb;
	int gpus;
	const char *gpu_model;
} seed_instance;

/* On-demand $/hour in us-east-1 as written in the cost-model seed. */
static const seed_instance seed[] = {
	{"p4d.24xlarge_8xa100", 32.77, 96, 1152, 8, "A100"},
	{"p3.16xlarge_8xv100", 24.48, 64, 488, 8, "V100"},
	{"g4dn.xlarge_1xt4", 0.526, 4, 16, 1, "T4"},
	{"g4dn.12xlarge_4xt4", 3.912, 48, 192, 4, "T4"},
	{"m5.4xlarge_cpu", 0.768, 16, 64, 0, ""},
	{"c5.2xlarge_cpu", 0.34, 8, 16, 0, ""},
};

#define SEED_SPOT_FACTOR 0.7
#define SEED_RESERVED_1Y_FACTOR 0.6

typedef struct gpu_rate {
	const char *resource;
	const char *gpu_model; /* with its GPU memory; host memory varies by offer */
	double od_low, od_high;
	double spot_low, spot_high; /* both 0: spot not offered */
} gpu_rate;

/* USD per GPU-hour, February 2026 market ranges (docs/pricing.md). */
static const gpu_rate gpu_2026_02[] = {
	{"a100-80gb-sxm", "A100 80GB SXM", 2.80, 3.40, 1.40, 1.90},
	{"h100-sxm5-80gb", "H100 SXM5 80GB", 3.80, 4.80, 2.10, 2.90},
	{"h200-sxm5-141gb", "H200 SXM5 141GB", 4.50, 6.20, 2.80, 3.80},
	{"l40s", "L40S 48GB", 1.80, 2.40, 0, 0},
};

static mlc_pricing__row *new_row(mlc_pricing__ctx *ctx, const char *provider, const char *region,
				 const char *resource, const char *as_of)
{
	mlc_pricing__row *r = mlc_pricing__add_row(ctx->cat);
	if (r == NULL)
		return NULL;
	r->e.provider = provider;
	r->e.region = region;
	r->e.resource = resource;
	r->e.unit = MLC_UNIT_HOUR;
	r->e.as_of = as_of;
	r->e.source = ctx->name;
	r->e.line = 0;
	return r;
}

static int read_seed(mlc_pricing__ctx *ctx)
{
	size_t i;
	for (i = 0; i < sizeof(seed) / sizeof(seed[0]); i++) {
		const seed_instance *s = &seed[i];
		mlc_pricing__row *r = new_row(ctx, "aws", "us-east-1", s->resource, "");
		if (r == NULL)
			return MLC_ENOMEM;
		r->e.price[MLC_PRICING_ON_DEMAND] = s->on_demand;
		r->e.price[MLC_PRICING_SPOT] = s->on_demand * SEED_SPOT_FACTOR;
		r->e.price[MLC_PRICING_RESERVED_1Y] = s->on_demand * SEED_RESERVED_1Y_FACTOR;
		r->e.offered[MLC_PRICING_ON_DEMAND] = 1;
		r->e.offered[MLC_PRICING_SPOT] = 1;
		r->e.offered[MLC_PRICING_RESERVED_1Y] = 1;
		r->e.vcpus = s->vcpus;
		r->e.memory_gb = s->memory_gb;
		r->e.gpus = s->gpus;
		r->e.gpu_model = s->gpu_model;
	}
	return 0;
}

static void set_range(mlc_price_entry *e, mlc_pricing_model pm, double low, double high)
{
	e->price[pm] = (low + high) / 2;
	e->low[pm] = low;
	e->high[pm] = high;
	e->offered[pm] = 1;
	e->has_range[pm] = 1;
}

static int read_gpu_2026_02(mlc_pricing__ctx *ctx)
{
	size_t i;
	for (i = 0; i < sizeof(gpu_2026_02) / sizeof(gpu_2026_02[0]); i++) {
		const gpu_rate *g = &gpu_2026_02[i];
		mlc_pricing__row *r = new_row(ctx, "market", "", g->resource, "2026-02");
		if (r == NULL)
			return MLC_ENOMEM;
		set_range(&r->e, MLC_PRICING_ON_DEMAND, g->od_low, g->od_high);
		if (g->spot_high > 0)
			set_range(&r->e, MLC_PRICING_SPOT, g->spot_low, g->spot_high);
		r->e.gpus = 1;
		r->e.gpu_model = g->gpu_model;
	}
	return 0;
}

int mlc_pricing__read_builtin(mlc_pricing__ctx *ctx, const char *which)
{
	if (!strcmp(which, "seed"))
		return read_seed(ctx);
	if (!strcmp(which, "gpu-2026-02"))
		return read_gpu_2026_02(ctx);
	return mlcu_error_set(MLC_ENOTFOUND,
			      "unknown built-in catalog 'builtin:%s' (known: builtin:seed, "
			      "builtin:gpu-2026-02)",
			      which);
}
