/* SPDX-License-Identifier: MIT */
/*
 * store/query.c - the SELECTs of scans and daily series, built from a
 * query (time range, filters, dimensions) for either back-end. User text
 * never enters the SQL: values and tag keys travel as parameters, column
 * names come from a fixed table. The dialect supplies what differs (the
 * parameter sign, how a tag is read from the tags JSON, the exact sum).
 *
 * What it is not: the fixed statements (slices, ingests, migrations),
 * which live with each back-end's SQL.
 */
#include "store/store_internal.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/str.h"
#include "util/time.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* FOCUS column names (SPEC §4) and where the store keeps them. */
static const struct {
	const char *key, *expr;
} columns[] = {
    {"ProviderName", "s.provider"},
    {"BillingAccountId", "s.billing_account"},
    {"BillingCurrency", "s.currency"},
    {"SubAccountId", "c.sub_account"},
    {"ServiceName", "c.service"},
    {"RegionId", "c.region"},
    {"ChargeCategory", "c.charge_category"},
    {"PricingCategory", "c.pricing_category"},
};

static const char *const cost_columns[MLC_COST_BASIS_COUNT] = {"c.cost_billed", "c.cost_effective",
                                                               "c.cost_list", "c.cost_contracted"};

void mlc_store__sql_free(mlc_store__sql *q)
{
	mlcu_buf_free(&q->text);
	for (size_t i = 0; i < q->np; i++)
		mlcu_free(q->param[i]);
	q->np = 0;
}

static void sql_init(mlc_store__sql *q)
{
	memset(q, 0, sizeof(*q));
	mlcu_buf_init(&q->text, 1 << 20);
}

/* Add a parameter; its number (1-based) goes to *num. */
static int add_param(unsigned *num, mlc_store__sql *q, const char *text, size_t len)
{
	if (q->np == MLC_STORE__MAX_PARAMS)
		return mlcu_error_set(MLC_ETOOLARGE, "store query: too many filters");
	if (!(q->param[q->np] = mlcu_strndup(text, len)))
		return mlcu_error_oom();
	*num = (unsigned)++q->np;
	return 0;
}

static int put_param(mlc_store__sql *q, const mlc_store__dialect *d, const char *text, size_t len)
{
	unsigned n = 0;
	int rc = add_param(&n, q, text, len);
	return rc ? rc : mlcu_buf_printf(&q->text, "%c%u", d->param, n);
}

/* Trimmed span [*s, *s + *n). */
static void trim(const char **s, size_t *n)
{
	while (*n && isspace((unsigned char)**s))
		(*s)++, (*n)--;
	while (*n && isspace((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

static int dim_expr(mlc_store__sql *q, const mlc_store__dialect *d, const char *key, size_t len)
{
	char path[300];
	unsigned n = 0;
	int rc;
	trim(&key, &len);
	if (len > 4 && strncmp(key, "tag:", 4) == 0) {
		const char *k = key + 4;
		size_t kl = len - 4, i;
		trim(&k, &kl);
		if (kl == 0 || kl > 255 || memchr(k, '"', kl) || memchr(k, '\\', kl))
			return mlcu_error_set(MLC_EINVAL, "store query: bad tag key '%.*s'",
			                      (int)len, key);
		for (i = 0; i < kl; i++)
			path[i] = (char)tolower((unsigned char)k[i]);
		path[kl] = '\0';
		if (d->tag_param_is_path) {
			char tmp[300];
			memcpy(tmp, path, kl + 1);
			kl = (size_t)snprintf(path, sizeof(path), "$.\"%s\"", tmp);
		}
		if ((rc = add_param(&n, q, path, kl)) < 0)
			return rc;
		return mlcu_buf_printf(&q->text, d->tag_fmt, n);
	}
	for (size_t i = 0; i < sizeof(columns) / sizeof(columns[0]); i++)
		if (strlen(columns[i].key) == len && strncasecmp(columns[i].key, key, len) == 0)
			return mlcu_buf_puts(&q->text, columns[i].expr);
	return mlcu_error_set(
	    MLC_ENOTFOUND,
	    "store query: unknown dimension '%.*s' (the store keeps ProviderName, "
	    "BillingAccountId, BillingCurrency, SubAccountId, ServiceName, RegionId, "
	    "ChargeCategory, PricingCategory and tag:KEY)",
	    (int)len, key);
}

int mlc_store__sql_dim(mlc_store__sql *q, const mlc_store__dialect *d, const char *key)
{
	return dim_expr(q, d, key, strlen(key));
}

/* Split "KEY=VALUE" / "KEY!=VALUE": key and value spans, trimmed. */
static int split_where(const char *w, const char **key, size_t *klen, const char **val,
                       size_t *vlen, int *neq)
{
	const char *eq = strchr(w, '=');
	if (!eq || eq == w)
		return mlcu_error_set(MLC_EINVAL, "store query: filter '%.60s' is not KEY=VALUE",
		                      w);
	*neq = eq[-1] == '!';
	*key = w;
	*klen = (size_t)(eq - w) - (size_t)*neq;
	*val = eq + 1;
	*vlen = strlen(eq + 1);
	trim(key, klen);
	trim(val, vlen);
	return 0;
}

static int same_key(const char *a, size_t al, const char *b, size_t bl)
{
	return al == bl && strncasecmp(a, b, al) == 0;
}

/* One AND term: all KEY=VALUE filters of one key (an OR), or one KEY!=VALUE. */
static int where_term(mlc_store__sql *q, const mlc_store__dialect *d, const mlc_store_query *qq,
                      size_t i)
{
	/* initialized: gcc -O3 cannot see that split_where sets them on success */
	const char *key = NULL, *val = NULL;
	size_t kl = 0, vl = 0;
	int neq = 0, rc = split_where(qq->where[i], &key, &kl, &val, &vl, &neq);
	if (rc == 0)
		rc = mlcu_buf_puts(&q->text, " AND (");
	for (size_t j = i; j < qq->nwhere && rc == 0; j++) {
		const char *k2 = NULL, *v2 = NULL;
		size_t kl2 = 0, vl2 = 0;
		int neq2 = 0;
		if ((rc = split_where(qq->where[j], &k2, &kl2, &v2, &vl2, &neq2)) < 0)
			break;
		if (j > i && (neq || neq2 || !same_key(key, kl, k2, kl2)))
			continue;
		if (j > i)
			rc = mlcu_buf_puts(&q->text, " OR ");
		if (rc == 0)
			rc = dim_expr(q, d, k2, kl2);
		if (rc == 0 && vl2 == 0)
			rc = mlcu_buf_puts(&q->text, neq ? " IS NOT NULL" : " IS NULL");
		else if (rc == 0 && neq) {
			rc = mlcu_buf_puts(&q->text, " IS NULL OR ");
			if (rc == 0)
				rc = dim_expr(q, d, k2, kl2);
			if (rc == 0)
				rc = mlcu_buf_puts(&q->text, " <> ");
			if (rc == 0)
				rc = put_param(q, d, v2, vl2);
		} else if (rc == 0) {
			rc = mlcu_buf_puts(&q->text, " = ");
			if (rc == 0)
				rc = put_param(q, d, v2, vl2);
		}
	}
	return rc ? rc : mlcu_buf_putc(&q->text, ')');
}

/* Was where[i]'s key already covered by an earlier KEY=VALUE term? */
static int covered(const mlc_store_query *qq, size_t i)
{
	const char *k = NULL, *v = NULL, *k2 = NULL, *v2 = NULL;
	size_t kl = 0, vl = 0, kl2 = 0, vl2 = 0;
	int neq = 0, neq2 = 0;
	if (split_where(qq->where[i], &k, &kl, &v, &vl, &neq) < 0 || neq)
		return 0;
	for (size_t j = 0; j < i; j++)
		if (split_where(qq->where[j], &k2, &kl2, &v2, &vl2, &neq2) == 0 && !neq2 &&
		    same_key(k, kl, k2, kl2))
			return 1;
	return 0;
}

static int time_term(mlc_store__sql *q, const mlc_store__dialect *d, const char *t, const char *op)
{
	int64_t v;
	char num[32];
	int rc;
	if (!t)
		return 0;
	if (mlcu_time_parse(&v, t, strlen(t)) < 0)
		return mlcu_error_set(MLC_EINVAL, "store query: bad time '%.60s'", t);
	snprintf(num, sizeof(num), "%" PRId64, v);
	if ((rc = mlcu_buf_printf(&q->text, " AND c.hour_start %s ", op)) < 0)
		return rc;
	return put_param(q, d, num, strlen(num));
}

/* " FROM ... WHERE ..." for q. */
static int from_where(mlc_store__sql *q, const mlc_store__dialect *d, const mlc_store_query *qq)
{
	int rc =
	    mlcu_buf_puts(&q->text, " FROM costs c JOIN slices s ON s.id = c.slice_id WHERE 1=1");
	if (qq->nwhere > MLC_STORE_MAX_WHERE)
		return mlcu_error_set(MLC_EINVAL, "store query: more than %d filters",
		                      MLC_STORE_MAX_WHERE);
	if (rc == 0)
		rc = time_term(q, d, qq->from, ">=");
	if (rc == 0)
		rc = time_term(q, d, qq->to, "<");
	for (size_t i = 0; i < qq->nwhere && rc == 0; i++)
		if (!covered(qq, i))
			rc = where_term(q, d, qq, i);
	return rc;
}

int mlc_store__sql_scan(mlc_store__sql *out, const mlc_store__dialect *d, const mlc_store_query *q)
{
	int rc;
	sql_init(out);
	rc = mlcu_buf_puts(&out->text,
	                   "SELECT c.hour_start, s.provider, s.billing_account, s.currency,"
	                   " c.sub_account, c.service, c.region, c.charge_category,"
	                   " c.pricing_category, c.tags, c.cost_billed, c.cost_effective,"
	                   " c.cost_list, c.cost_contracted, c.row_count");
	if (rc == 0)
		rc = from_where(out, d, q);
	if (rc == 0)
		rc = mlcu_buf_puts(&out->text, " ORDER BY c.hour_start");
	if (rc < 0)
		mlc_store__sql_free(out);
	return rc;
}

int mlc_store__sql_daily(mlc_store__sql *out, const mlc_store__dialect *d, const mlc_store_query *q)
{
	int rc = 0;
	sql_init(out);
	if (q->nby > MLC_STORE_MAX_BY || (unsigned)q->basis >= MLC_COST_BASIS_COUNT)
		rc = mlcu_error_set(MLC_EINVAL, "store query: bad dimensions or cost basis");
	if (rc == 0)
		rc = mlcu_buf_puts(&out->text, "SELECT s.currency");
	for (size_t i = 0; i < q->nby && rc == 0; i++)
		if ((rc = mlcu_buf_puts(&out->text, ", ")) == 0)
			rc = mlc_store__sql_dim(out, d, q->by[i]);
	if (rc == 0)
		rc = mlcu_buf_puts(&out->text, ", c.hour_start / 86400, ");
	if (rc == 0)
		rc = mlcu_buf_printf(&out->text, d->sum_fmt, cost_columns[q->basis]);
	if (rc == 0)
		rc = mlcu_buf_puts(&out->text, ", sum(c.row_count)");
	if (rc == 0)
		rc = from_where(out, d, q);
	if (rc == 0)
		rc = mlcu_buf_puts(&out->text, " GROUP BY 1");
	for (size_t i = 0; i <= q->nby && rc == 0; i++)
		rc = mlcu_buf_printf(&out->text, ", %zu", i + 2);
	if (rc == 0)
		rc = mlcu_buf_puts(&out->text, " ORDER BY ");
	for (size_t i = 0; i < q->nby && rc == 0; i++)
		rc = mlcu_buf_printf(&out->text, "%zu, ", i + 2);
	if (rc == 0)
		rc = mlcu_buf_printf(&out->text, "%zu, 1", q->nby + 2);
	if (rc < 0)
		mlc_store__sql_free(out);
	return rc;
}
