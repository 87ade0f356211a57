/* SPDX-License-Identifier: MIT */
/*
 * bills_result.c - the public side of the attribution engine's output:
 * the result built from the final aggregate (groups with their values as
 * text, exact sums as mlc_amount, the grand totals), the sort SPEC §4
 * asks for, and the small public helpers for amounts, cost bases and
 * buckets (include/mlcost/bills.h).
 *
 * What it is not: a renderer; the CLI prints tables, CSV and JSON from
 * these structures.
 */
#include "bills_internal.h"
#include "util/alloc.h"
#include "util/error.h"

#include <string.h>

typedef struct result_impl {
	mlc_bills_result pub; /* first: the public pointer is this one */
	bills_agg *agg;       /* owns the values' text and the currencies */
	mlc_bills_group *groups;
	const char **values;
	size_t *lens;
	mlc_amount *costs;
	mlc_amount total[MLC_COST_BASIS_COUNT];
	mlc_cost_basis bases[MLC_COST_BASIS_COUNT];
	char **by;
	char **errors;
	size_t nerrors;
	mlc_bills_file *files;
	size_t nfiles;
} result_impl;

/* ---- amounts, bases, buckets ---------------------------------------------------------------- */

size_t mlc_amount_format(char *out, size_t cap, mlc_amount a, int decimals)
{
	mlcu_money m = mlc_bills__money(a);
	if (decimals < 0)
		return mlcu_money_format(out, cap, m);
	return mlcu_money_format_fixed(out, cap, m, decimals > 12 ? 12 : decimals);
}

int mlc_amount_parse(mlc_amount *out, const char *text, size_t len)
{
	mlcu_money m = 0;
	int rc = text ? mlcu_money_parse(&m, text, len) : MLC_EPARSE;
	*out = mlc_bills__amount(m);
	if (rc < 0)
		return mlcu_error_set(rc, "'%.*s': %s", (int)(len > 40 ? 40 : len),
		                      text ? text : "",
		                      rc == MLC_ETOOLARGE ? "amount too large" : "not a number");
	return 0;
}

double mlc_amount_to_double(mlc_amount a)
{
	return mlcu_money_to_double(mlc_bills__money(a));
}

int mlc_amount_cmp(mlc_amount a, mlc_amount b)
{
	mlcu_money x = mlc_bills__money(a), y = mlc_bills__money(b);
	return x < y ? -1 : x > y;
}

int mlc_amount_add(mlc_amount *acc, mlc_amount v)
{
	mlcu_money m = mlc_bills__money(*acc);
	if (mlcu_money_add(&m, mlc_bills__money(v)) < 0)
		return mlcu_error_set(MLC_ETOOLARGE, "amount sum overflows");
	*acc = mlc_bills__amount(m);
	return 0;
}

static const char *const basis_names[MLC_COST_BASIS_COUNT] = {"billed", "effective", "list",
                                                              "contracted"};

int mlc_cost_basis_parse(mlc_cost_basis *out, const char *name)
{
	for (int i = 0; name && i < MLC_COST_BASIS_COUNT; i++)
		if (!strcmp(name, basis_names[i])) {
			*out = (mlc_cost_basis)i;
			return 0;
		}
	return mlcu_error_set(MLC_EINVAL,
	                      "unknown cost basis '%s' (billed, effective, list, contracted)",
	                      name ? name : "");
}

const char *mlc_cost_basis_name(mlc_cost_basis b)
{
	return (unsigned)b < MLC_COST_BASIS_COUNT ? basis_names[b] : "?";
}

int mlc_time_bucket_parse(mlc_time_bucket *out, const char *name)
{
	mlcu_bucket b;
	if (!name || mlcu_bucket_parse(&b, name) != 0)
		return mlcu_error_set(MLC_EINVAL, "unknown bucket '%s' (hour, day, month)",
		                      name ? name : "");
	*out = b == MLCU_BUCKET_HOUR  ? MLC_BUCKET_HOUR
	       : b == MLCU_BUCKET_DAY ? MLC_BUCKET_DAY
	                              : MLC_BUCKET_MONTH;
	return 0;
}

size_t mlc_time_bucket_label(char *out, size_t cap, int64_t t, mlc_time_bucket b)
{
	mlcu_bucket u = b == MLC_BUCKET_HOUR    ? MLCU_BUCKET_HOUR
	                : b == MLC_BUCKET_DAY   ? MLCU_BUCKET_DAY
	                : b == MLC_BUCKET_MONTH ? MLCU_BUCKET_MONTH
	                                        : MLCU_BUCKET_NONE;
	return mlcu_time_format_bucket(out, cap, t, u);
}

/* ---- sorting ------------------------------------------------------------------------------ */

static int cmp_text(const char *a, size_t al, const char *b, size_t bl)
{
	int c;
	if (!a || !b)
		return !a ? (b ? -1 : 0) : 1; /* missing first */
	c = memcmp(a, b, al < bl ? al : bl);
	return c ? (c < 0 ? -1 : 1) : (al < bl ? -1 : al > bl);
}

static int cmp_group(const mlc_bills_group *a, const mlc_bills_group *b, size_t basis, size_t nby)
{
	int c = mlc_amount_cmp(b->cost[basis], a->cost[basis]); /* descending */
	if (c)
		return c;
	for (size_t d = 0; d < nby; d++)
		if ((c = cmp_text(a->values[d], a->lens[d], b->values[d], b->lens[d])) != 0)
			return c;
	if (a->bucket != b->bucket)
		return a->bucket < b->bucket ? -1 : 1;
	return a->presence < b->presence ? -1 : a->presence > b->presence;
}

/* Stable merge sort with a context (qsort has none in C11). */
static void merge_sort(mlc_bills_group *g, mlc_bills_group *tmp, size_t n, size_t basis, size_t nby)
{
	size_t mid = n / 2, i = 0, j = mid, k = 0;
	if (n < 2)
		return;
	merge_sort(g, tmp, mid, basis, nby);
	merge_sort(g + mid, tmp, n - mid, basis, nby);
	while (i < mid && j < n)
		tmp[k++] = cmp_group(&g[j], &g[i], basis, nby) < 0 ? g[j++] : g[i++];
	while (i < mid)
		tmp[k++] = g[i++];
	while (j < n)
		tmp[k++] = g[j++];
	memcpy(g, tmp, n * sizeof(*g));
}

void mlc_bills_sort(mlc_bills_result *r, size_t basis_index)
{
	result_impl *R = (result_impl *)r;
	mlc_bills_group *tmp;
	if (!r || r->ngroups < 2 || basis_index >= r->nbases)
		return;
	if (!(tmp = mlcu_malloc(r->ngroups * sizeof(*tmp)))) {
		/* without memory, an insertion sort: slow but in place */
		for (size_t i = 1; i < r->ngroups; i++)
			for (size_t j = i; j > 0 && cmp_group(&R->groups[j], &R->groups[j - 1],
			                                      basis_index, r->nby) < 0;
			     j--) {
				mlc_bills_group t = R->groups[j];
				R->groups[j] = R->groups[j - 1];
				R->groups[j - 1] = t;
			}
		return;
	}
	merge_sort(R->groups, tmp, r->ngroups, basis_index, r->nby);
	mlcu_free(tmp);
}

/* ---- building and freeing ------------------------------------------------------------------- */

void mlc_bills_result_free(mlc_bills_result *r)
{
	result_impl *R = (result_impl *)r;
	if (!R)
		return;
	mlc_bills__agg_free(R->agg);
	mlcu_free(R->groups);
	mlcu_free((void *)R->values);
	mlcu_free(R->lens);
	mlcu_free(R->costs);
	for (size_t i = 0; R->by && i < r->nby; i++)
		mlcu_free(R->by[i]);
	mlcu_free(R->by);
	for (size_t i = 0; i < R->nerrors; i++)
		mlcu_free(R->errors[i]);
	mlcu_free(R->errors);
	for (size_t i = 0; R->files && i < R->nfiles; i++) {
		mlcu_free((char *)R->files[i].name);
		mlcu_free((char *)R->files[i].format);
	}
	mlcu_free(R->files);
	mlcu_free(R);
}

static int alloc_arrays(result_impl *R, size_t ng, size_t nby, size_t nbases)
{
	size_t n = ng ? ng : 1;
	R->groups = mlcu_calloc(n, sizeof(*R->groups));
	R->values = mlcu_calloc(n * (nby ? nby : 1), sizeof(char *));
	R->lens = mlcu_calloc(n * (nby ? nby : 1), sizeof(size_t));
	R->costs = mlcu_calloc(n * nbases, sizeof(mlc_amount));
	R->by = mlcu_calloc(nby ? nby : 1, sizeof(char *));
	if (!R->groups || !R->values || !R->lens || !R->costs || !R->by)
		return mlcu_error_oom();
	return 0;
}

/* Fill the groups from the aggregate and sum the totals exactly. */
static int fill_groups(result_impl *R, const bills_cfg *c)
{
	const bills_agg *a = R->agg;
	mlcu_money tot[MLC_COST_BASIS_COUNT] = {0};
	uint64_t matched = 0;
	for (size_t g = 0; g < a->ngroups; g++) {
		mlc_bills_group *G = &R->groups[g];
		const uint32_t *k = a->keys + g * a->kw;
		const char **v = R->values + g * c->nby;
		size_t *l = R->lens + g * c->nby;
		mlc_amount *cost = R->costs + g * c->nbases;
		for (size_t d = 0; d < c->nby; d++) {
			v[d] = k[d] ? a->dict[d].str[k[d] - 1] : NULL;
			l[d] = k[d] ? a->dict[d].len[k[d] - 1] : 0;
		}
		for (size_t b = 0; b < c->nbases; b++) {
			mlcu_money m = a->sums[g * a->nbases + b];
			cost[b] = mlc_bills__amount(m);
			if (mlcu_money_add(&tot[b], m) < 0)
				return mlcu_error_set(MLC_ETOOLARGE, "the total cost overflows");
		}
		G->values = v;
		G->lens = l;
		G->cost = cost;
		G->rows = a->rows[g];
		G->bucket = c->bucket != MLCU_BUCKET_NONE ? mlc_bills__key_bucket(a, g) : 0;
		G->presence = mlc_bills__key_presence(a, g);
		matched += a->rows[g];
	}
	for (size_t b = 0; b < c->nbases; b++)
		R->total[b] = mlc_bills__amount(tot[b]);
	R->pub.rows_matched = matched;
	return 0;
}

int mlc_bills__result_build(mlc_bills_result **out, bills_agg *agg, const bills_cfg *c,
                            uint64_t rows_read, uint64_t rows_skipped, char **errors,
                            size_t nerrors, mlc_bills_file *files, size_t nfiles)
{
	result_impl *R = mlcu_calloc(1, sizeof(*R));
	int rc;
	*out = NULL;
	if (!R)
		return mlcu_error_oom();
	R->agg = agg;
	if ((rc = alloc_arrays(R, agg->ngroups, c->nby, c->nbases)) < 0)
		goto fail;
	R->pub.nby = c->nby; /* so that a failure from here on frees the names (by is zeroed) */
	for (size_t d = 0; d < c->nby; d++)
		if (!(R->by[d] = mlcu_strdup(c->by[d]))) {
			rc = mlcu_error_oom();
			goto fail;
		}
	if ((rc = fill_groups(R, c)) < 0)
		goto fail;
	memcpy(R->bases, c->pub_bases, sizeof(R->bases));
	R->pub.by = (const char *const *)R->by;
	R->pub.bucket = c->bucket == MLCU_BUCKET_HOUR    ? MLC_BUCKET_HOUR
	                : c->bucket == MLCU_BUCKET_DAY   ? MLC_BUCKET_DAY
	                : c->bucket == MLCU_BUCKET_MONTH ? MLC_BUCKET_MONTH
	                                                 : MLC_BUCKET_NONE;
	R->pub.bases = R->bases;
	R->pub.nbases = c->nbases;
	R->pub.currency = agg->ncur == 1 ? agg->cur[0] : NULL;
	R->pub.groups = R->groups;
	R->pub.ngroups = agg->ngroups;
	R->pub.total = R->total;
	R->pub.rows_read = rows_read;
	R->pub.rows_skipped = rows_skipped;
	R->errors = errors;
	R->nerrors = nerrors;
	R->pub.errors = (const char *const *)errors;
	R->pub.nerrors = nerrors;
	R->files = files;
	R->nfiles = nfiles;
	R->pub.files = files;
	R->pub.nfiles = nfiles;
	mlc_bills_sort(&R->pub, 0);
	*out = &R->pub;
	return 0;
fail:
	R->agg = NULL; /* still the caller's */
	mlc_bills_result_free(&R->pub);
	return rc;
}
