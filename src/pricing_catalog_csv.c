/* SPDX-License-Identifier: MIT */
/*
 * pricing_catalog_csv.c - reader of mlcost's own catalog CSV (SPEC section 3):
 *   provider,region,resource,unit,on_demand,spot,reserved_1y,reserved_3y,
 *   vcpus,memory_gb,gpus,gpu_model,as_of
 * Columns are found by name (any order, extra columns ignored); the hardware
 * columns and as_of may be left out. An empty price means "not offered".
 * Token rows (unit 1m_tokens) are named MODEL:input, MODEL:output or
 * MODEL:cached_input and carry their price per million tokens in on_demand.
 *
 * Errors name the place: "FILE:LINE: column 'spot': not a number: 'abc'".
 */
#include "pricing_internal.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/str.h"

#include <math.h>
#include <string.h>

enum col {
	C_PROVIDER, C_REGION, C_RESOURCE, C_UNIT,
	C_ON_DEMAND, C_SPOT, C_RESERVED_1Y, C_RESERVED_3Y,
	C_VCPUS, C_MEMORY_GB, C_GPUS, C_GPU_MODEL, C_AS_OF,
	C_COUNT
};

static const char *const col_names[C_COUNT] = {
	"provider", "region", "resource", "unit", "on_demand", "spot", "reserved_1y",
	"reserved_3y", "vcpus", "memory_gb", "gpus", "gpu_model", "as_of"};

#define REQUIRED_COLS C_VCPUS /* the columns before this one must be present */

typedef struct header {
	int at[C_COUNT]; /* field index of each column, -1 when absent */
	size_t ncols;    /* fields of the header */
	char names[MLC_PRICING__MAX_FIELDS][64]; /* header names, for short-row messages */
} header;

int mlc_pricing__parse_price(double *out, const char *s, size_t len)
{
	if (mlcu_parse_double(out, s, len, 0) != 0)
		return -1;
	return *out < 0 ? -2 : 0;
}

static int read_header(header *h, mlc_pricing__csv *c, mlc_pricing__ctx *ctx)
{
	size_t i;
	int k;
	h->ncols = c->nfields;
	for (i = 0; i < c->nfields; i++) {
		size_t n = c->fields[i].len < 63 ? c->fields[i].len : 63;
		memcpy(h->names[i], c->fields[i].ptr, n);
		h->names[i][n] = '\0';
	}
	for (k = 0; k < C_COUNT; k++) {
		h->at[k] = mlc_pricing__csv_column(c, col_names[k]);
		if (h->at[k] >= 0) {
			for (i = (size_t)h->at[k] + 1; i < c->nfields; i++)
				if (mlc_pricing__span_eq(c->fields[i], col_names[k]))
					return mlcu_error_set(MLC_EPARSE, "%s:%u: column '%s' appears twice",
							      ctx->name, c->rec_line, col_names[k]);
		} else if (k < REQUIRED_COLS) {
			return mlcu_error_set(MLC_EPARSE,
					      "%s:%u: missing column '%s' (a catalog CSV has provider,"
					      "region,resource,unit,on_demand,spot,reserved_1y,"
					      "reserved_3y[,vcpus,memory_gb,gpus,gpu_model,as_of])",
					      ctx->name, c->rec_line, col_names[k]);
		}
	}
	return 0;
}

static mlc_pricing__span field(const mlc_pricing__csv *c, const header *h, enum col k)
{
	mlc_pricing__span none = {"", 0};
	return h->at[k] >= 0 ? c->fields[h->at[k]] : none;
}

static int parse_unit(mlc_price_unit *out, mlc_pricing__span s)
{
	int u;
	for (u = MLC_UNIT_HOUR; u <= MLC_UNIT_1M_TOKENS; u++) {
		if (mlc_pricing__span_eq(s, mlc_price_unit_name((mlc_price_unit)u))) {
			*out = (mlc_price_unit)u;
			return 0;
		}
	}
	return -1;
}

/* A count (vcpus, gpus): a whole number 0..1000000, empty = 0. */
static int parse_count(int *out, mlc_pricing__span s)
{
	double v;
	*out = 0;
	if (s.len == 0)
		return 0;
	if (mlcu_parse_double(&v, s.ptr, s.len, 0) || v < 0 || v > 1e6 || v != floor(v))
		return -1;
	*out = (int)v;
	return 0;
}

/* Prices of the row into e; returns a finding/error code, or 0. */
static int parse_prices(mlc_price_entry *e, int *bad, const mlc_pricing__csv *c,
			const header *h, mlc_pricing__ctx *ctx)
{
	int pm, any = 0;
	for (pm = 0; pm < MLC_PRICING_COUNT; pm++) {
		mlc_pricing__span s = field(c, h, (enum col)(C_ON_DEMAND + pm));
		int r;
		if (s.len == 0)
			continue;
		r = mlc_pricing__parse_price(&e->price[pm], s.ptr, s.len);
		if (r) {
			*bad = 1;
			return mlc_pricing__bad(ctx, c->rec_line, col_names[C_ON_DEMAND + pm],
						r == -2 ? "negative price %.*s" : "not a number: '%.*s'",
						(int)s.len, s.ptr);
		}
		e->offered[pm] = 1;
		any = 1;
	}
	if (!any) {
		*bad = 1;
		return mlc_pricing__bad(ctx, c->rec_line, "on_demand",
					"no price at all (on_demand, spot, reserved_1y and "
					"reserved_3y are empty)");
	}
	return 0;
}

/* Checks of one record that need no storage; *bad set when it is skipped. */
static int check_shape(int *bad, const mlc_pricing__csv *c, const header *h,
		       mlc_pricing__ctx *ctx)
{
	mlc_pricing__span res;
	*bad = 1;
	if (c->nfields < h->ncols)
		return mlc_pricing__bad(ctx, c->rec_line, h->names[c->nfields],
					"missing (the row has %zu of the header's %zu fields)",
					c->nfields, h->ncols);
	if (c->nfields > h->ncols)
		return mlc_pricing__bad(ctx, c->rec_line, NULL,
					"the row has %zu fields, the header %zu", c->nfields,
					h->ncols);
	res = field(c, h, C_RESOURCE);
	if (res.len == 0)
		return mlc_pricing__bad(ctx, c->rec_line, "resource", "empty");
	if (res.len > MLC_PRICING__MAX_NAME || memchr(res.ptr, '\0', res.len))
		return mlc_pricing__bad(ctx, c->rec_line, "resource",
					"longer than %d bytes or not text", MLC_PRICING__MAX_NAME);
	*bad = 0;
	return 0;
}

static int parse_row(mlc_price_entry *e, int *bad, const mlc_pricing__csv *c, const header *h,
		     mlc_pricing__ctx *ctx)
{
	mlc_pricing__span s;
	int rc = check_shape(bad, c, h, ctx);
	if (rc || *bad)
		return rc;
	*bad = 1;
	s = field(c, h, C_UNIT);
	if (parse_unit(&e->unit, s))
		return mlc_pricing__bad(ctx, c->rec_line, "unit",
					"unknown unit '%.*s' (expected hour, gb_month, gb or "
					"1m_tokens)",
					(int)s.len, s.ptr);
	*bad = 0;
	rc = parse_prices(e, bad, c, h, ctx);
	if (rc || *bad)
		return rc;
	*bad = 1;
	if (parse_count(&e->vcpus, s = field(c, h, C_VCPUS)))
		return mlc_pricing__bad(ctx, c->rec_line, "vcpus", "not a whole number: '%.*s'",
					(int)s.len, s.ptr);
	if (parse_count(&e->gpus, s = field(c, h, C_GPUS)))
		return mlc_pricing__bad(ctx, c->rec_line, "gpus", "not a whole number: '%.*s'",
					(int)s.len, s.ptr);
	s = field(c, h, C_MEMORY_GB);
	if (s.len && mlc_pricing__parse_price(&e->memory_gb, s.ptr, s.len))
		return mlc_pricing__bad(ctx, c->rec_line, "memory_gb",
					"not a number >= 0: '%.*s'", (int)s.len, s.ptr);
	*bad = 0;
	return 0;
}

static const char *copy(mlc_pricing__ctx *ctx, mlc_pricing__span s)
{
	return mlc_pricing__strndup(ctx->cat, s.ptr, s.len);
}

/* Store a parsed row: strings into the arena, token fields derived. */
static int store_row(mlc_pricing__ctx *ctx, const mlc_price_entry *e, const mlc_pricing__csv *c,
		     const header *h)
{
	mlc_pricing__row *r = mlc_pricing__add_row(ctx->cat);
	int rc;
	if (r == NULL)
		return MLC_ENOMEM;
	r->e = *e;
	r->e.source = ctx->name;
	r->e.line = c->rec_line;
	if (!(r->e.provider = copy(ctx, field(c, h, C_PROVIDER))) ||
	    !(r->e.region = copy(ctx, field(c, h, C_REGION))) ||
	    !(r->e.resource = copy(ctx, field(c, h, C_RESOURCE))) ||
	    !(r->e.gpu_model = copy(ctx, field(c, h, C_GPU_MODEL))) ||
	    !(r->e.as_of = copy(ctx, field(c, h, C_AS_OF))))
		return MLC_ENOMEM;
	if (e->unit != MLC_UNIT_1M_TOKENS)
		return 0;
	rc = mlc_pricing__set_token_fields(ctx->cat, r);
	return rc == MLC_EINVAL ? 0 : rc; /* a bad token name was reported before storing */
}

/* Token rows must say which price they carry and carry it on demand. */
static int check_token_row(int *bad, const mlc_price_entry *e, const mlc_pricing__csv *c,
			   const header *h, mlc_pricing__ctx *ctx)
{
	mlc_pricing__span s = field(c, h, C_RESOURCE);
	static const char *const sfx[] = {":input", ":output", ":cached_input"};
	size_t i;
	*bad = 0;
	if (e->unit != MLC_UNIT_1M_TOKENS)
		return 0;
	*bad = 1;
	for (i = 0; i < 3; i++) {
		size_t n = strlen(sfx[i]);
		if (s.len > n && !memcmp(s.ptr + s.len - n, sfx[i], n))
			break;
	}
	if (i == 3)
		return mlc_pricing__bad(ctx, c->rec_line, "resource",
					"a 1m_tokens row is named MODEL:input, MODEL:output or "
					"MODEL:cached_input, not '%.*s'",
					(int)s.len, s.ptr);
	if (!e->offered[MLC_PRICING_ON_DEMAND])
		return mlc_pricing__bad(ctx, c->rec_line, "on_demand",
					"a 1m_tokens row carries its price in on_demand");
	*bad = 0;
	return 0;
}

int mlc_pricing__read_catalog_csv(mlc_pricing__ctx *ctx, const char *data, size_t len)
{
	mlc_pricing__csv c;
	header *h = NULL;
	size_t rows = 0;
	int rc = mlc_pricing__csv_open(&c, data, len);
	if (rc)
		goto done;
	rc = mlc_pricing__csv_next(&c, ctx->name);
	if (rc <= 0) {
		if (rc == 0)
			rc = mlcu_error_set(MLC_EPARSE, "%s: empty catalog (no header)", ctx->name);
		goto done;
	}
	h = mlcu_malloc(sizeof(*h));
	if (h == NULL) {
		rc = mlcu_error_oom();
		goto done;
	}
	rc = read_header(h, &c, ctx);
	while (rc == 0 && (rc = mlc_pricing__csv_next(&c, ctx->name)) == 1) {
		mlc_price_entry e;
		int bad = 0;
		if (++rows > MLC_PRICING__MAX_ROWS) {
			rc = mlcu_error_set(MLC_ETOOLARGE, "%s:%u: more than %u rows", ctx->name,
					    c.rec_line, MLC_PRICING__MAX_ROWS);
			break;
		}
		memset(&e, 0, sizeof(e));
		rc = parse_row(&e, &bad, &c, h, ctx);
		if (rc == 0 && !bad)
			rc = check_token_row(&bad, &e, &c, h, ctx);
		if (rc == 0 && !bad)
			rc = store_row(ctx, &e, &c, h);
	}
done:
	mlcu_free(h);
	mlc_pricing__csv_close(&c);
	return rc;
}
