/* SPDX-License-Identifier: MIT */
/*
 * store_bills.c - the ledger read back as an attribution result
 * (mlc_ledger_aggregate, ledger.h): the same options as the engine over
 * bills, the same mlc_bills_result, so `attribute`, `tags` and `unit`
 * print the same thing whether they read files or the store.
 *
 * The filters and the time range go to the store as a query (its SQL
 * does the selection); the grouping is the engine's own aggregate (value
 * dictionaries, exact sums, the result and its sort, bills_internal.h),
 * fed with the store's hourly records instead of billing rows. Tag keys
 * are read under their canonical name (the alias file's), which is the
 * name the ingest stored them under.
 *
 * Tag coverage and unit cost take this read as their source of cost
 * (bills_source_fn, bills_internal.h), so `tags` and `unit` from the store
 * are the very computations they run over files.
 *
 * What it is not: the scan itself (store_read.c) or the daily series for
 * forecasts (store/daily.c), which sums in the database.
 */
#include "allocate_api.h" /* mlc_unit__run */
#include "bills_internal.h"
#include "mlcost/ledger.h"
#include "util/alloc.h"
#include "util/error.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

enum src_kind { K_PROVIDER, K_ACCOUNT, K_CURRENCY, K_SUB, K_SERVICE, K_REGION, K_CHARGE,
                K_PRICING, K_TAG };

/* The ledger's dimensions under their FOCUS names, in enum order. */
static const char *const kept[K_TAG] = {"ProviderName",   "BillingAccountId", "BillingCurrency",
                                        "SubAccountId",   "ServiceName",      "RegionId",
                                        "ChargeCategory", "PricingCategory"};

typedef struct src {
	enum src_kind kind;
	char *tag; /* canonical key of a tag */
} src;

typedef struct read_ctx {
	bills_cfg cfg;
	bills_agg *agg;
	src dim[MLC_BILLS_MAX_DIMS];
	src pres[MLC_BILLS_MAX_PRESENCE];
	char *where[MLC_BILLS_MAX_WHERE]; /* the filters in the store's terms */
	size_t nwhere;
	uint64_t rows;
} read_ctx;

static void trim(const char **s, size_t *n)
{
	while (*n && isspace((unsigned char)**s))
		(*s)++, (*n)--;
	while (*n && isspace((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

/* What a dimension, filter or presence key is in the ledger. */
static int resolve(src *out, const char *name, size_t n, const mlc_tags_aliases *al)
{
	mlc_tags_query *q = NULL;
	int rc;
	trim(&name, &n);
	if (n >= 4 && strncasecmp(name, "tag:", 4) == 0) {
		const char *k = name + 4;
		size_t kl = n - 4;
		trim(&k, &kl);
		if (kl == 0 || (rc = mlc_tags__query_new(&q, al, k, kl)) < 0)
			return kl ? rc : mlcu_error_set(MLC_EINVAL, "empty tag key in '%.*s'", (int)n, name);
		out->kind = K_TAG;
		out->tag = mlcu_strdup(mlc_tags__query_canonical(q));
		mlc_tags__query_free(q);
		return out->tag ? 0 : mlcu_error_oom();
	}
	for (int k = 0; k < K_TAG; k++)
		if (strlen(kept[k]) == n && strncasecmp(kept[k], name, n) == 0) {
			out->kind = (enum src_kind)k;
			return 0;
		}
	return mlcu_error_set(MLC_ENOTFOUND,
	                      "'%.*s' is not kept in the store (it keeps ProviderName, "
	                      "BillingAccountId, BillingCurrency, SubAccountId, ServiceName, RegionId, "
	                      "ChargeCategory, PricingCategory and the tag keys ingested); read the "
	                      "bills for it",
	                      (int)(n > 80 ? 80 : n), name);
}

/* "KEY=VALUE" / "KEY!=VALUE" with KEY checked, and a tag's key made canonical. */
static int where_for_store(char **out, const char *w, const mlc_tags_aliases *al)
{
	const char *eq = w ? strchr(w, '=') : NULL;
	size_t klen;
	src s = {K_PROVIDER, NULL};
	int neg, rc;
	if (!eq || eq == w)
		return mlcu_error_set(MLC_EINVAL, "where '%s': expected KEY=VALUE or KEY!=VALUE",
		                      w ? w : "");
	neg = eq[-1] == '!';
	klen = (size_t)(eq - w) - (size_t)neg;
	if ((rc = resolve(&s, w, klen, al)) < 0)
		return rc;
	if (s.kind == K_TAG) {
		size_t n = strlen(s.tag) + strlen(eq + 1) + 8;
		if ((*out = mlcu_malloc(n)) != NULL)
			snprintf(*out, n, "tag:%s%s=%s", s.tag, neg ? "!" : "", eq + 1);
		mlcu_free(s.tag);
	} else {
		*out = mlcu_strdup(w);
	}
	return *out ? 0 : mlcu_error_oom();
}

static int setup(read_ctx *c, const mlc_bills_options *o)
{
	int rc;
	if ((rc = mlc_bills__cfg_init(&c->cfg, o)) < 0)
		return rc;
	for (size_t d = 0; d < c->cfg.nby; d++)
		if ((rc = resolve(&c->dim[d], o->by[d], strlen(o->by[d]), c->cfg.aliases)) < 0)
			return rc;
	for (size_t p = 0; p < c->cfg.npresence; p++)
		if ((rc = resolve(&c->pres[p], o->presence[p], strlen(o->presence[p]),
		                  c->cfg.aliases)) < 0)
			return rc;
	for (size_t i = 0; i < o->nwhere; i++) {
		if ((rc = where_for_store(&c->where[i], o->where[i], c->cfg.aliases)) < 0)
			return rc;
		c->nwhere = i + 1;
	}
	return mlc_bills__agg_new(&c->agg, c->cfg.nby, c->cfg.nbases, c->cfg.max_groups,
	                          c->cfg.max_values);
}

static void ctx_free(read_ctx *c)
{
	for (size_t d = 0; d < MLC_BILLS_MAX_DIMS; d++)
		mlcu_free(c->dim[d].tag);
	for (size_t p = 0; p < MLC_BILLS_MAX_PRESENCE; p++)
		mlcu_free(c->pres[p].tag);
	for (size_t i = 0; i < c->nwhere; i++)
		mlcu_free(c->where[i]);
	mlc_bills__agg_free(c->agg);
	mlc_bills__cfg_free(&c->cfg);
}

/* The value of s in record r; NULL when missing (an empty text is missing, SPEC §1). */
static const char *value(const src *s, const mlc_store_record *r)
{
	const char *v = NULL;
	switch (s->kind) {
	case K_PROVIDER: v = r->provider; break;
	case K_ACCOUNT: v = r->billing_account; break;
	case K_CURRENCY: v = r->currency; break;
	case K_SUB: v = r->sub_account; break;
	case K_SERVICE: v = r->service; break;
	case K_REGION: v = r->region; break;
	case K_CHARGE: v = r->charge_category; break;
	case K_PRICING: v = r->pricing_category; break;
	case K_TAG:
		for (size_t i = 0; i < r->ntags; i++)
			if (r->tag_keys[i] && strcmp(r->tag_keys[i], s->tag) == 0)
				v = r->tag_values[i];
		break;
	}
	return v && *v ? v : NULL;
}

static int on_record(const mlc_store_record *r, void *vctx)
{
	read_ctx *c = vctx;
	uint32_t key[BILLS_MAX_KEY_WORDS], pres = 0;
	mlcu_money cost[MLC_COST_BASIS_COUNT];
	int rc;
	for (size_t d = 0; d < c->cfg.nby; d++) {
		const char *v = value(&c->dim[d], r);
		if ((rc = mlc_bills__intern(&key[d], c->agg, d, v, v ? strlen(v) : 0)) < 0)
			return rc;
	}
	for (size_t p = 0; p < c->cfg.npresence; p++)
		if (value(&c->pres[p], r))
			pres |= (uint32_t)1 << p;
	mlc_bills__key_tail(key, c->cfg.nby,
	                    c->cfg.bucket != MLCU_BUCKET_NONE ? mlcu_time_bucket(r->hour, c->cfg.bucket)
	                                                      : 0,
	                    pres);
	for (size_t b = 0; b < c->cfg.nbases; b++)
		cost[b] = mlc_bills__money(r->cost[c->cfg.pub_bases[b]]);
	if ((rc = mlc_bills__add(c->agg, key, cost, r->rows)) < 0)
		return rc;
	if (r->currency && *r->currency &&
	    (rc = mlc_bills__currency(c->agg, r->currency, strlen(r->currency), "the store")) < 0)
		return rc;
	c->rows += r->rows;
	return 0;
}

/* Several currencies are never summed together (as over bills). */
static int check_currency(const read_ctx *c)
{
	const bills_agg *a = c->agg;
	if (a->ncur < 2 || c->cfg.currency_grouped)
		return 0;
	return mlcu_error_set(MLC_EPARSE,
	                      "the store holds cost in several currencies (%s, %s%s); group by "
	                      "BillingCurrency or filter with --where BillingCurrency=%s",
	                      a->cur[0], a->cur[1], a->ncur > 2 ? ", ..." : "", a->cur[0]);
}

int mlc_ledger_aggregate(mlc_bills_result **out, mlc_store *s, const mlc_bills_options *opts)
{
	mlc_store_query q = MLC_STORE_QUERY_INIT;
	read_ctx *c;
	int rc;
	if (out)
		*out = NULL;
	if (!out || !s || !opts)
		return mlcu_error_set(MLC_EINVAL, "mlc_ledger_aggregate: NULL argument");
	if (!(c = mlcu_calloc(1, sizeof(*c))))
		return mlcu_error_oom();
	if ((rc = setup(c, opts)) < 0)
		goto done;
	q.from = opts->from;
	q.to = opts->to;
	q.where = (const char *const *)c->where;
	q.nwhere = c->nwhere;
	if ((rc = mlc_store_scan(s, &q, on_record, c)) < 0 || (rc = check_currency(c)) < 0)
		goto done;
	if ((rc = mlc_bills__result_build(out, c->agg, &c->cfg, c->rows, 0, NULL, 0, NULL, 0)) == 0)
		c->agg = NULL; /* the result's now */
done:
	ctx_free(c);
	mlcu_free(c);
	return rc;
}

/* ---- the ledger as the source of tags and unit ---------------------------------------------- */

static int from_ledger(mlc_bills_result **out, const mlc_bills_options *o, void *store)
{
	return mlc_ledger_aggregate(out, store, o);
}

int mlc_ledger_coverage(mlc_tag_coverage **out, mlc_store *s, const char *const *keys, size_t nkeys,
                        const mlc_bills_options *opts)
{
	if (out)
		*out = NULL;
	if (!out || !s)
		return mlcu_error_set(MLC_EINVAL, "mlc_ledger_coverage: NULL argument");
	/* no ResourceId in the ledger: the shares, not the resources */
	return mlc_bills__coverage(out, from_ledger, s, 0, keys, nkeys, opts);
}

int mlc_ledger_unit(mlc_unit_result **out, mlc_store *s, const char *usage_path,
                    const mlc_unit_options *opts)
{
	if (out)
		*out = NULL;
	if (!out || !s)
		return mlcu_error_set(MLC_EINVAL, "mlc_ledger_unit: NULL argument");
	return mlc_unit__run(out, from_ledger, s, usage_path, opts);
}

/* Does any record carry the tag? The database answers with one small
 * daily series (grouped by currency, so several currencies are no error)
 * instead of streaming the records here. */
int mlc_ledger_has_tag(int *out, mlc_store *s, const char *key, const char *aliases)
{
	static const char *const by[] = {"BillingCurrency"};
	mlc_store_query q = MLC_STORE_QUERY_INIT;
	mlc_tags_aliases *al = NULL;
	mlc_store_daily *d = NULL;
	src t = {K_TAG, NULL};
	char *name = NULL, *where = NULL;
	const char *w;
	size_t n;
	int rc;
	if (out)
		*out = 0;
	if (!out || !s || !key)
		return mlcu_error_set(MLC_EINVAL, "mlc_ledger_has_tag: NULL argument");
	n = strlen(key);
	if (!(name = mlcu_malloc(n + 5)) || !(where = mlcu_malloc(n + 8))) {
		rc = mlcu_error_oom();
		goto done;
	}
	snprintf(name, n + 5, "%s%s", strncasecmp(key, "tag:", 4) ? "tag:" : "", key);
	if ((aliases && (rc = mlc_tags__aliases_load(&al, aliases)) < 0) ||
	    (rc = resolve(&t, name, strlen(name), al)) < 0) /* "tag:..." is always a tag */
		goto done;
	mlcu_free(where);
	n = strlen(t.tag) + 8;
	if (!(where = mlcu_malloc(n))) {
		rc = mlcu_error_oom();
		goto done;
	}
	snprintf(where, n, "tag:%s!=", t.tag); /* an empty value: the tag is present */
	w = where;
	q.where = &w;
	q.nwhere = 1;
	q.by = by;
	q.nby = 1;
	if ((rc = mlc_store_daily_series(&d, s, &q)) == 0)
		*out = d->nseries > 0;
done:
	mlc_store_daily_free(d);
	mlc_tags__aliases_free(al);
	mlcu_free(t.tag);
	mlcu_free(where);
	mlcu_free(name);
	return rc;
}
