/* SPDX-License-Identifier: MIT */
/*
 * pricing_skypilot.c - importer of SkyPilot catalog CSV (skypilot-catalog
 * vms.csv: InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,
 * GpuInfo,Price,SpotPrice,Region,AvailabilityZone). Columns are found by
 * name; only InstanceType, Price, SpotPrice and Region are required.
 *
 * One row per (instance, region) is kept, the first: SkyPilot repeats a row
 * per availability zone. Rows with neither price are skipped and counted.
 * GCP lists attachable GPUs as rows without an InstanceType; they become
 * resources named like SkyPilot's own accelerator syntax, "A100:8".
 */
#include "pricing_internal.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/str.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

enum scol { S_INSTANCE, S_PRICE, S_SPOT, S_REGION, S_ACC_NAME, S_ACC_COUNT, S_VCPUS, S_MEM, S_N };

static const char *const scol_names[S_N] = {"InstanceType", "Price", "SpotPrice", "Region",
					    "AcceleratorName", "AcceleratorCount", "vCPUs",
					    "MemoryGiB"};
#define S_REQUIRED S_ACC_NAME

/* The (region, resource) pairs seen, to fold availability-zone repeats. */
typedef struct seen_set {
	const mlc_pricing__row **slots;
	size_t cap, n;
} seen_set;

static uint64_t pair_hash(const char *region, const char *res)
{
	uint64_t h = 14695981039346656037ull;
	for (; *region; region++)
		h = (h ^ (unsigned char)*region) * 1099511628211ull;
	h = (h ^ '/') * 1099511628211ull;
	for (; *res; res++)
		h = (h ^ (unsigned char)*res) * 1099511628211ull;
	return h;
}

static const mlc_pricing__row **seen_slot(const seen_set *s, const char *region, const char *res)
{
	size_t i = pair_hash(region, res) & (s->cap - 1);
	while (s->slots[i] &&
	       (strcmp(s->slots[i]->e.region, region) || strcmp(s->slots[i]->e.resource, res)))
		i = (i + 1) & (s->cap - 1);
	return &s->slots[i];
}

static int seen_grow(seen_set *s)
{
	seen_set g;
	size_t i;
	g.cap = s->cap ? s->cap * 2 : 1024;
	g.n = s->n;
	g.slots = mlcu_calloc(g.cap, sizeof(*g.slots));
	if (g.slots == NULL)
		return mlcu_error_oom();
	for (i = 0; i < s->cap; i++)
		if (s->slots[i])
			*seen_slot(&g, s->slots[i]->e.region, s->slots[i]->e.resource) =
				s->slots[i];
	mlcu_free(s->slots);
	*s = g;
	return 0;
}

static mlc_pricing__span sfield(const mlc_pricing__csv *c, const int *at, enum scol k)
{
	mlc_pricing__span none = {"", 0};
	return at[k] >= 0 && (size_t)at[k] < c->nfields ? c->fields[at[k]] : none;
}

/* Optional number (vCPUs, counts, GiB): empty = 0; rounded to whole for counts. */
static int opt_number(double *out, mlc_pricing__span s)
{
	*out = 0;
	return s.len ? mlc_pricing__parse_price(out, s.ptr, s.len) : 0;
}

static int sky_prices(mlc_price_entry *e, int *bad, const mlc_pricing__csv *c, const int *at,
		      mlc_pricing__ctx *ctx)
{
	static const enum scol cols[2] = {S_PRICE, S_SPOT};
	static const mlc_pricing_model pms[2] = {MLC_PRICING_ON_DEMAND, MLC_PRICING_SPOT};
	int i;
	*bad = 1;
	for (i = 0; i < 2; i++) {
		mlc_pricing__span s = sfield(c, at, cols[i]);
		int r;
		if (s.len == 0)
			continue;
		r = mlc_pricing__parse_price(&e->price[pms[i]], s.ptr, s.len);
		if (r)
			return mlc_pricing__bad(ctx, c->rec_line, scol_names[cols[i]],
						r == -2 ? "negative price %.*s" : "not a number: '%.*s'",
						(int)s.len, s.ptr);
		e->offered[pms[i]] = 1;
	}
	*bad = 0;
	return 0;
}

static int sky_hardware(mlc_price_entry *e, int *bad, const mlc_pricing__csv *c, const int *at,
			mlc_pricing__ctx *ctx)
{
	static const enum scol cols[3] = {S_ACC_COUNT, S_VCPUS, S_MEM};
	double v[3];
	int i;
	*bad = 1;
	for (i = 0; i < 3; i++) {
		mlc_pricing__span s = sfield(c, at, cols[i]);
		if (opt_number(&v[i], s) || v[i] > 1e7)
			return mlc_pricing__bad(ctx, c->rec_line, scol_names[cols[i]],
						"not a number >= 0: '%.*s'", (int)s.len, s.ptr);
	}
	e->gpus = (int)(v[0] + 0.5);
	e->vcpus = (int)(v[1] + 0.5);
	e->memory_gb = v[2];
	*bad = 0;
	return 0;
}

/* The resource name: InstanceType, or "ACCEL:COUNT" for a bare accelerator. */
static int sky_name(char *out, size_t n, int *bad, const mlc_pricing__csv *c, const int *at,
		    mlc_pricing__ctx *ctx)
{
	mlc_pricing__span it = sfield(c, at, S_INSTANCE), acc = sfield(c, at, S_ACC_NAME);
	mlc_pricing__span cnt = sfield(c, at, S_ACC_COUNT);
	*bad = 1;
	if (it.len == 0 && acc.len == 0)
		return mlc_pricing__bad(ctx, c->rec_line, "InstanceType",
					"empty (and no AcceleratorName)");
	if (it.len > MLC_PRICING__MAX_NAME || acc.len > MLC_PRICING__MAX_NAME ||
	    cnt.len > 32 || memchr(it.ptr, '\0', it.len) || memchr(acc.ptr, '\0', acc.len))
		return mlc_pricing__bad(ctx, c->rec_line, "InstanceType",
					"longer than %d bytes or not text", MLC_PRICING__MAX_NAME);
	if (it.len)
		snprintf(out, n, "%.*s", (int)it.len, it.ptr);
	else
		snprintf(out, n, "%.*s:%.*s", (int)acc.len, acc.ptr, cnt.len ? (int)cnt.len : 1,
			 cnt.len ? cnt.ptr : "1");
	*bad = 0;
	return 0;
}

typedef struct sky_state {
	mlc_pricing__ctx *ctx;
	int at[S_N];
	size_t ncols;
	seen_set seen;
} sky_state;

static int sky_store(sky_state *st, const mlc_price_entry *e, const char *name,
		     const mlc_pricing__csv *c)
{
	mlc_pricing__ctx *ctx = st->ctx;
	mlc_pricing__span reg = sfield(c, st->at, S_REGION), acc = sfield(c, st->at, S_ACC_NAME);
	const mlc_pricing__row **slot;
	mlc_pricing__row *r;
	char region[MLC_PRICING__MAX_NAME + 1];
	int rc;
	snprintf(region, sizeof(region), "%.*s", (int)reg.len, reg.ptr);
	if (2 * (st->seen.n + 1) > st->seen.cap && (rc = seen_grow(&st->seen)) != 0)
		return rc;
	slot = seen_slot(&st->seen, region, name);
	if (*slot) {
		ctx->info->merged++;
		return 0;
	}
	r = mlc_pricing__add_row(ctx->cat);
	if (r == NULL)
		return MLC_ENOMEM;
	r->e = *e;
	r->e.provider = "skypilot";
	r->e.as_of = ""; /* the catalog has no date column */
	r->e.source = ctx->name;
	r->e.line = c->rec_line;
	if (!(r->e.region = mlc_pricing__strndup(ctx->cat, region, strlen(region))) ||
	    !(r->e.resource = mlc_pricing__strndup(ctx->cat, name, strlen(name))) ||
	    !(r->e.gpu_model = mlc_pricing__strndup(ctx->cat, acc.ptr, acc.len)))
		return MLC_ENOMEM;
	*slot = r;
	st->seen.n++;
	return 0;
}

static int sky_row(sky_state *st, const mlc_pricing__csv *c)
{
	mlc_pricing__ctx *ctx = st->ctx;
	mlc_price_entry e;
	char name[2 * MLC_PRICING__MAX_NAME + 40];
	mlc_pricing__span reg = sfield(c, st->at, S_REGION);
	int bad = 0, rc;
	memset(&e, 0, sizeof(e));
	e.unit = MLC_UNIT_HOUR;
	if (c->nfields != st->ncols)
		return mlc_pricing__bad(ctx, c->rec_line, NULL, "the row has %zu fields, the header %zu",
					c->nfields, st->ncols);
	if (reg.len == 0 || reg.len > MLC_PRICING__MAX_NAME || memchr(reg.ptr, '\0', reg.len))
		return mlc_pricing__bad(ctx, c->rec_line, "Region", "empty or not a region name");
	rc = sky_name(name, sizeof(name), &bad, c, st->at, ctx);
	if (rc == 0 && !bad)
		rc = sky_prices(&e, &bad, c, st->at, ctx);
	if (rc == 0 && !bad)
		rc = sky_hardware(&e, &bad, c, st->at, ctx);
	if (rc || bad)
		return rc;
	if (!e.offered[MLC_PRICING_ON_DEMAND] && !e.offered[MLC_PRICING_SPOT]) {
		ctx->info->skipped++;
		return 0;
	}
	return sky_store(st, &e, name, c);
}

int mlc_pricing__read_skypilot_csv(mlc_pricing__ctx *ctx, const char *data, size_t len)
{
	mlc_pricing__csv c;
	sky_state st;
	size_t rows = 0;
	int k, rc;
	memset(&st, 0, sizeof(st));
	st.ctx = ctx;
	rc = mlc_pricing__csv_open(&c, data, len);
	if (rc == 0 && (rc = mlc_pricing__csv_next(&c, ctx->name)) == 1) {
		rc = 0;
		st.ncols = c.nfields;
		for (k = 0; k < S_N && rc == 0; k++) {
			st.at[k] = mlc_pricing__csv_column(&c, scol_names[k]);
			if (st.at[k] < 0 && k < S_REQUIRED)
				rc = mlcu_error_set(MLC_EPARSE,
						    "%s:%u: missing column '%s' (SkyPilot catalog)",
						    ctx->name, c.rec_line, scol_names[k]);
		}
	}
	while (rc == 0 && (rc = mlc_pricing__csv_next(&c, ctx->name)) == 1) {
		if (++rows > MLC_PRICING__MAX_ROWS)
			rc = mlcu_error_set(MLC_ETOOLARGE, "%s:%u: more than %u rows", ctx->name,
					    c.rec_line, MLC_PRICING__MAX_ROWS);
		else
			rc = sky_row(&st, &c);
	}
	mlcu_free(st.seen.slots);
	mlc_pricing__csv_close(&c);
	return rc;
}
