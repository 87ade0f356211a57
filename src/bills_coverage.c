/* SPDX-License-Identifier: MIT */
/*
 * bills_coverage.c - tag coverage (SPEC §4, `mlcost tags`): one pass of the
 * attribution engine grouped by (ResourceId, ServiceName) with a presence
 * bit per required key, then per key the cost and rows that carry it, and
 * the resources whose rows lack a key, largest untagged cost first. Also
 * its CSV and JSON output.
 *
 * The aggregation is a source (bills_source_fn): the bills, or the cost
 * ledger read back (store_bills.c), which keeps no ResourceId and so
 * answers the shares but not the resources.
 *
 * What it is not: a policy checker; --fail-under and `mlcost check` compare
 * the shares this returns with their thresholds.
 */
#include "allocation.h" /* mlc_alloc__muldiv: exact 256-bit products */
#include "bills_internal.h"
#include "util/sort.h"
#include "util/alloc.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

#define PCT_DIGITS 6 /* percentages are exact to 10^-6 %, rounded half-even */
#define PCT_TEXT   64

typedef struct coverage_impl {
	mlc_tag_coverage pub;
	mlc_bills_result *res; /* owns the values' text */
	mlc_tag_coverage_key keys[MLC_COVERAGE_MAX_KEYS];
	/* exact percentages as text: cost and rows per key, then for (all) */
	char pct[MLC_COVERAGE_MAX_KEYS + 1][2][PCT_TEXT];
	char *names[MLC_COVERAGE_MAX_KEYS];
	mlc_untagged_resource *untagged;
	int no_resources; /* the source keeps no ResourceId: JSON "untagged" is null */
} coverage_impl;

void mlc_tag_coverage_free(mlc_tag_coverage *c)
{
	coverage_impl *C = (coverage_impl *)c;
	if (!C)
		return;
	for (size_t i = 0; i < MLC_COVERAGE_MAX_KEYS; i++)
		mlcu_free(C->names[i]);
	mlcu_free(C->untagged);
	mlc_bills_result_free(C->res);
	mlcu_free(C);
}

/* "12.5", "-3", "0.000001": n units of 10^-PCT_DIGITS, trailing zeros trimmed. */
static void pct_text(char *out, mlc_u128 n, int neg)
{
	char digits[48]; /* least significant first */
	size_t len = 0, k = 0, lo = 0;
	do {
		digits[len++] = (char)('0' + (int)(n % 10));
		n /= 10;
	} while (n || len <= PCT_DIGITS);
	if (neg)
		out[k++] = '-';
	for (size_t i = len; i-- > PCT_DIGITS;)
		out[k++] = digits[i];
	while (lo < PCT_DIGITS && digits[lo] == '0')
		lo++;
	if (lo < PCT_DIGITS) {
		out[k++] = '.';
		for (size_t i = PCT_DIGITS; i-- > lo;)
			out[k++] = digits[i];
	}
	out[k] = '\0';
}

/* part / whole * 100, exact to 10^-6 and rounded half-even; 1 when whole is 0. */
static int exact_pct(char *out, mlc_u128 part, int part_neg, mlc_u128 whole, int whole_neg)
{
	mlc_u128 q, r;
	int rc;
	if (whole == 0)
		return 1;
	if ((rc = mlc_alloc__muldiv(&q, &r, part, (mlc_u128)100000000u, whole)) < 0)
		return mlcu_error_set(rc, "a coverage share is too large to express");
	if (r > whole - r || (r == whole - r && (q & 1)))
		q++;
	pct_text(out, q, q && part_neg != whole_neg);
	return 0;
}

static mlc_u128 magnitude(mlc_amount a, int *neg)
{
	mlcu_money m = mlc_bills__money(a);
	*neg = m < 0;
	return m < 0 ? (mlc_u128)0 - (mlc_u128)m : (mlc_u128)m;
}

/* Shares of one key (or of all keys): exact text, and doubles from it. */
static int shares(mlc_tag_coverage_key *k, char (*text)[PCT_TEXT], const mlc_tag_coverage *c)
{
	int pn, wn, rc;
	mlc_u128 part = magnitude(k->cost, &pn), whole = magnitude(c->total, &wn);
	if (exact_pct(text[1], k->rows, 0, c->rows, 0) == 1)
		strcpy(text[1], "100");
	if ((rc = exact_pct(text[0], part, pn, whole, wn)) < 0)
		return rc;
	if (rc == 1) /* no cost at all: the share of rows stands for it */
		strcpy(text[0], text[1]);
	k->cost_pct = strtod(text[0], NULL);
	k->rows_pct = strtod(text[1], NULL);
	return 0;
}

static int cmp_text(const char *a, const char *b)
{
	if (!a || !b)
		return !a ? (b ? -1 : 0) : 1;
	return strcmp(a, b);
}

static int by_resource(const void *x, const void *y)
{
	const mlc_untagged_resource *a = x, *b = y;
	int c = cmp_text(a->resource_id, b->resource_id);
	return c ? c : cmp_text(a->service, b->service);
}

static int by_cost(const void *x, const void *y)
{
	const mlc_untagged_resource *a = x, *b = y;
	int c = mlc_amount_cmp(b->cost, a->cost);
	return c ? c : by_resource(x, y);
}

/* Resources with cost on rows lacking a key: one entry per (resource, service). */
static int collect_untagged(coverage_impl *C, uint32_t full)
{
	const mlc_bills_result *r = C->res;
	size_t n = 0, k = 0;
	for (size_t g = 0; g < r->ngroups; g++)
		n += r->groups[g].presence != full;
	if (!(C->untagged = mlcu_calloc(n ? n : 1, sizeof(*C->untagged))))
		return mlcu_error_oom();
	for (size_t g = 0; g < r->ngroups; g++) {
		const mlc_bills_group *G = &r->groups[g];
		mlc_untagged_resource *u = &C->untagged[k];
		if (G->presence == full)
			continue;
		u->resource_id = G->values[0];
		u->service = G->values[1];
		u->cost = G->cost[0];
		u->rows = G->rows;
		u->missing = full & ~G->presence;
		k++;
	}
	/* a resource may have rows with different tags: one entry each, summed */
	mlcu_qsort(C->untagged, n, sizeof(*C->untagged), by_resource);
	k = 0;
	for (size_t i = 0; i < n; i++) {
		mlc_untagged_resource *u = &C->untagged[i];
		if (k && by_resource(&C->untagged[k - 1], u) == 0) {
			mlc_untagged_resource *m = &C->untagged[k - 1];
			if (mlc_amount_add(&m->cost, u->cost) < 0)
				return MLC_ETOOLARGE;
			m->rows += u->rows;
			m->missing |= u->missing;
		} else {
			C->untagged[k++] = *u;
		}
	}
	mlcu_qsort(C->untagged, k, sizeof(*C->untagged), by_cost);
	C->pub.untagged = C->untagged;
	C->pub.nuntagged = k;
	return 0;
}

/* Per-key and all-keys sums from the presence bits of the groups. */
static int sum_keys(coverage_impl *C, size_t nkeys, uint32_t full)
{
	const mlc_bills_result *r = C->res;
	mlc_tag_coverage *c = &C->pub;
	int rc = 0;
	for (size_t g = 0; g < r->ngroups && !rc; g++) {
		const mlc_bills_group *G = &r->groups[g];
		for (size_t i = 0; i < nkeys && !rc; i++)
			if (G->presence & (uint32_t)1 << i) {
				rc = mlc_amount_add(&C->keys[i].cost, G->cost[0]);
				C->keys[i].rows += G->rows;
			}
		if (!rc && G->presence == full) {
			rc = mlc_amount_add(&c->all.cost, G->cost[0]);
			c->all.rows += G->rows;
		}
	}
	for (size_t i = 0; i < nkeys && !rc; i++)
		rc = shares(&C->keys[i], C->pct[i], c);
	c->all.key = "(all)";
	return rc ? rc : shares(&c->all, C->pct[MLC_COVERAGE_MAX_KEYS], c);
}

static int key_names(coverage_impl *C, const char *const *keys, size_t nkeys)
{
	for (size_t i = 0; i < nkeys; i++) {
		const char *k = keys[i] ? keys[i] : "";
		size_t n;
		while (*k == ' ' || *k == '\t')
			k++;
		if (!strncmp(k, "tag:", 4))
			k += 4;
		n = strlen(k);
		while (n && (k[n - 1] == ' ' || k[n - 1] == '\t'))
			n--;
		if (!n)
			return mlcu_error_set(MLC_EINVAL, "empty tag key");
		if (!(C->names[i] = mlcu_malloc(n + 5)))
			return mlcu_error_oom();
		memcpy(C->names[i], "tag:", 4);
		memcpy(C->names[i] + 4, k, n);
		C->names[i][n + 4] = '\0';
		C->keys[i].key = C->names[i] + 4;
	}
	return 0;
}

static int from_files(mlc_bills_result **out, const mlc_bills_options *o, void *ctx)
{
	const bills_files *f = ctx;
	return mlc_bills_aggregate(out, f->files, f->nfiles, o);
}

int mlc_bills_coverage(mlc_tag_coverage **out, const char *const *files, size_t nfiles,
                       const char *const *keys, size_t nkeys, const mlc_bills_options *opts)
{
	bills_files f = {files, nfiles};
	return mlc_bills__coverage(out, from_files, &f, 1, keys, nkeys, opts);
}

int mlc_bills__coverage(mlc_tag_coverage **out, bills_source_fn source, void *ctx, int resources,
                        const char *const *keys, size_t nkeys, const mlc_bills_options *opts)
{
	static const char *const by[] = {"ResourceId", "ServiceName"};
	coverage_impl *C;
	mlc_bills_options o;
	uint32_t full;
	int rc;
	*out = NULL;
	if (!opts || !keys || nkeys == 0 || nkeys > MLC_COVERAGE_MAX_KEYS)
		return mlcu_error_set(MLC_EINVAL, "tag coverage needs 1 to %d keys",
		                      MLC_COVERAGE_MAX_KEYS);
	if (!(C = mlcu_calloc(1, sizeof(*C))))
		return mlcu_error_oom();
	o = *opts;
	o.by = resources ? by : NULL;
	o.nby = resources ? 2 : 0;
	o.bucket = MLC_BUCKET_NONE;
	o.presence = (const char *const *)C->names;
	o.npresence = nkeys;
	o.nbases = o.nbases ? 1 : 0;
	full = nkeys == 32 ? UINT32_MAX : ((uint32_t)1 << nkeys) - 1;
	if ((rc = key_names(C, keys, nkeys)) < 0 || (rc = source(&C->res, &o, ctx)) < 0)
		goto done;
	C->pub.basis = C->res->bases[0];
	C->pub.currency = C->res->currency;
	C->pub.total = C->res->total[0];
	C->pub.rows = C->res->rows_matched;
	C->pub.rows_read = C->res->rows_read;
	C->pub.rows_skipped = C->res->rows_skipped;
	C->pub.errors = C->res->errors;
	C->pub.nerrors = C->res->nerrors;
	C->pub.keys = C->keys;
	C->pub.nkeys = nkeys;
	C->no_resources = !resources;
	if ((rc = sum_keys(C, nkeys, full)) < 0 ||
	    (resources && (rc = collect_untagged(C, full)) < 0))
		goto done;
done:
	if (rc < 0)
		mlc_tag_coverage_free(&C->pub);
	else
		*out = &C->pub;
	return rc;
}

/* ---- output ---------------------------------------------------------------------------------- */

static void put_amount(FILE *f, mlc_amount a)
{
	char buf[MLC_AMOUNT_FMT_MAX];
	mlc_amount_format(buf, sizeof(buf), a, -1);
	fputs(buf, f);
}

static void put_str(FILE *f, const char *s)
{
	if (s)
		mlc_bills__put_json(f, s, strlen(s));
	else
		fputs("null", f);
}

static void json_key(FILE *f, const mlc_tag_coverage_key *k, const char (*pct)[PCT_TEXT])
{
	fputs("{\"key\":", f);
	put_str(f, k->key);
	fputs(",\"cost\":", f);
	put_amount(f, k->cost);
	fprintf(f, ",\"cost_pct\":%s,\"rows\":%llu,\"rows_pct\":%s}", pct[0],
	        (unsigned long long)k->rows, pct[1]);
}

static void json_untagged(FILE *f, const mlc_tag_coverage *c, const mlc_untagged_resource *u)
{
	size_t m = 0;
	fputs("{\"resource_id\":", f);
	put_str(f, u->resource_id);
	fputs(",\"service\":", f);
	put_str(f, u->service);
	fputs(",\"missing\":[", f);
	for (size_t i = 0; i < c->nkeys; i++)
		if (u->missing & (uint32_t)1 << i) {
			fputs(m++ ? "," : "", f);
			put_str(f, c->keys[i].key);
		}
	fputs("],\"cost\":", f);
	put_amount(f, u->cost);
	fprintf(f, ",\"rows\":%llu}", (unsigned long long)u->rows);
}

static void write_json(const coverage_impl *C, size_t top, FILE *f)
{
	const mlc_tag_coverage *c = &C->pub;
	fprintf(f, "{\"cost_basis\":\"%s\",\"currency\":", mlc_cost_basis_name(c->basis));
	put_str(f, c->currency);
	fprintf(f, ",\"rows_read\":%llu,\"rows_skipped\":%llu,\"total\":",
	        (unsigned long long)c->rows_read, (unsigned long long)c->rows_skipped);
	put_amount(f, c->total);
	fprintf(f, ",\"rows\":%llu,\"keys\":[", (unsigned long long)c->rows);
	for (size_t i = 0; i < c->nkeys; i++) {
		fputs(i ? ",\n" : "\n", f);
		json_key(f, &c->keys[i], C->pct[i]);
	}
	fputs("],\n\"all\":", f);
	json_key(f, &c->all, C->pct[MLC_COVERAGE_MAX_KEYS]);
	if (C->no_resources) {
		fputs(",\n\"untagged\":null}\n", f);
		return;
	}
	fputs(",\n\"untagged\":[", f);
	for (size_t i = 0; i < c->nuntagged && i < top; i++) {
		fputs(i ? ",\n" : "\n", f);
		json_untagged(f, c, &c->untagged[i]);
	}
	fputs("]}\n", f);
}

static void csv_key(FILE *f, const mlc_tag_coverage_key *k, const char (*pct)[PCT_TEXT])
{
	mlc_bills__put_csv(f, k->key, strlen(k->key));
	fputc(',', f);
	put_amount(f, k->cost);
	fprintf(f, ",%s,%llu,%s\n", pct[0], (unsigned long long)k->rows, pct[1]);
}

int mlc_tag_coverage_write(const mlc_tag_coverage *c, mlc_bills_format format, size_t top, FILE *f)
{
	if (!c || !f)
		return mlcu_error_set(MLC_EINVAL, "mlc_tag_coverage_write: NULL argument");
	const coverage_impl *C = (const coverage_impl *)c;
	if (format == MLC_BILLS_JSON) {
		write_json(C, top, f);
	} else if (format == MLC_BILLS_CSV) {
		fputs("key,cost,cost_pct,rows,rows_pct\n", f);
		for (size_t i = 0; i < c->nkeys; i++)
			csv_key(f, &c->keys[i], C->pct[i]);
		csv_key(f, &c->all, C->pct[MLC_COVERAGE_MAX_KEYS]);
	} else {
		return mlcu_error_set(MLC_EINVAL, "unknown output format %d", (int)format);
	}
	if (fflush(f) != 0 || ferror(f))
		return mlcu_error_set(MLC_EIO, "writing the result failed");
	return 0;
}
