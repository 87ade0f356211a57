/* SPDX-License-Identifier: MIT */
/*
 * build_cov.c - tag coverage from the ledger: the store has no ResourceId,
 * so coverage is computed from cost grouped by ServiceName with a presence
 * bit per required key (mlc_ledger_aggregate), with the same arithmetic as
 * mlc_bills_coverage; the "untagged resources" are services (resource_id
 * NULL). The result is a plain mlc_tag_coverage owned here.
 */
#include "report/build.h"

#include "util/alloc.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct own_cov {
	mlc_tag_coverage c; /* first: the public view */
	mlc_tag_coverage_key *keys;
	mlc_untagged_resource *untagged;
	char **strs;
	size_t nstrs;
} own_cov;

static const char *keep(own_cov *o, const char *s)
{
	if (!s)
		return NULL;
	if (!(o->strs[o->nstrs] = mlcu_strdup(s)))
		return NULL;
	return o->strs[o->nstrs++];
}

/* part / whole × 100 to 10^-6, as mlc_bills_coverage gives it (its text read back) */
static double pct(double part, double whole, double otherwise)
{
	char t[64];
	if (whole == 0)
		return otherwise;
	snprintf(t, sizeof(t), "%.6f", part / whole * 100);
	return strtod(t, NULL);
}

static void fill_key(mlc_tag_coverage_key *k, const mlc_bills_result *g, uint32_t mask,
                     double total, uint64_t rows)
{
	k->cost = (mlc_amount){0, 0};
	k->rows = 0;
	for (size_t i = 0; i < g->ngroups; i++)
		if ((g->groups[i].presence & mask) == mask) {
			mlc_amount_add(&k->cost, g->groups[i].cost[0]);
			k->rows += g->groups[i].rows;
		}
	k->rows_pct = rows ? pct((double)k->rows, (double)rows, 100) : 100;
	k->cost_pct = pct(mlc_amount_to_double(k->cost), total, k->rows_pct);
}

static int by_service(const void *a, const void *b)
{
	const char *x = ((const mlc_untagged_resource *)a)->service;
	const char *y = ((const mlc_untagged_resource *)b)->service;
	if (!x || !y)
		return x ? 1 : y ? -1 : 0;
	return strcmp(x, y);
}

static int by_cost(const void *a, const void *b)
{
	const mlc_untagged_resource *x = a, *y = b;
	int c = mlc_amount_cmp(y->cost, x->cost);
	return c ? c : by_service(a, b);
}

/* services with cost on groups lacking a key, merged, largest first */
static size_t untagged(mlc_untagged_resource *u, const mlc_bills_result *g, uint32_t all)
{
	size_t n = 0, m = 0;
	for (size_t i = 0; i < g->ngroups; i++) {
		const mlc_bills_group *gr = &g->groups[i];
		if ((gr->presence & all) == all)
			continue;
		u[n++] = (mlc_untagged_resource){NULL, gr->values[0], gr->cost[0], gr->rows,
		                                 ~gr->presence & all};
	}
	qsort(u, n, sizeof(*u), by_service);
	for (size_t i = 0; i < n; i++) {
		if (m && !by_service(&u[m - 1], &u[i])) {
			mlc_amount_add(&u[m - 1].cost, u[i].cost);
			u[m - 1].rows += u[i].rows;
			u[m - 1].missing |= u[i].missing;
		} else {
			u[m++] = u[i];
		}
	}
	qsort(u, m, sizeof(*u), by_cost);
	return m;
}

int mlc_report__coverage_from_groups(mlc_tag_coverage **out, const mlc_bills_result *g,
                                     const char *const *keys, size_t nkeys)
{
	own_cov *o = mlcu_calloc(1, sizeof(*o));
	uint32_t all = nkeys >= 32 ? 0xffffffffu : (1u << nkeys) - 1;
	double total;
	int rc = 0;
	*out = NULL;
	if (!o || !(o->keys = mlcu_calloc(nkeys + 1, sizeof(*o->keys))) ||
	    !(o->untagged = mlcu_calloc(g->ngroups + 1, sizeof(*o->untagged))) ||
	    !(o->strs = mlcu_calloc(nkeys + g->ngroups + 2, sizeof(char *)))) {
		rc = mlcu_error_oom();
		goto done;
	}
	o->c.basis = g->nbases ? g->bases[0] : MLC_COST_EFFECTIVE;
	o->c.total = g->total[0];
	o->c.rows = g->rows_matched;
	o->c.rows_read = g->rows_read;
	total = mlc_amount_to_double(g->total[0]);
	for (size_t i = 0; i < nkeys; i++) {
		fill_key(&o->keys[i], g, 1u << i, total, o->c.rows);
		if (!(o->keys[i].key = keep(o, keys[i])))
			rc = mlcu_error_oom();
	}
	fill_key(&o->c.all, g, all, total, o->c.rows);
	o->c.all.key = "(all)";
	o->c.nuntagged = untagged(o->untagged, g, all);
	for (size_t i = 0; !rc && i < o->c.nuntagged; i++)
		if (o->untagged[i].service &&
		    !(o->untagged[i].service = keep(o, o->untagged[i].service)))
			rc = mlcu_error_oom();
	if (!rc && g->currency && !(o->c.currency = keep(o, g->currency)))
		rc = mlcu_error_oom();
	o->c.keys = o->keys;
	o->c.nkeys = nkeys;
	o->c.untagged = o->untagged;
done:
	if (rc) {
		mlc_report__coverage_free(o ? &o->c : NULL);
		return rc;
	}
	*out = &o->c;
	return 0;
}

void mlc_report__coverage_free(mlc_tag_coverage *c)
{
	own_cov *o = (own_cov *)c;
	if (!o)
		return;
	for (size_t i = 0; o->strs && i < o->nstrs; i++)
		mlcu_free(o->strs[i]);
	mlcu_free(o->strs);
	mlcu_free(o->keys);
	mlcu_free(o->untagged);
	mlcu_free(o);
}
