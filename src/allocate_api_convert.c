/* SPDX-License-Identifier: MIT */
/*
 * allocate_api_convert.c - the allocation result (allocation.h, internal
 * mlcu_money) as the public mlc_allocate_result (exact mlc_amount): pools
 * with their shares, targets with what they received from each pool (a
 * target x pool matrix, so the CLI can print one column per pool), and the
 * conservation figures.
 *
 * What it is not: allocation arithmetic; every amount here is copied or
 * summed exactly from the allocation module's result.
 */
#include "allocate_api.h"

#include <string.h>

#include "util/alloc.h"
#include "util/error.h"

/* Order of allocation.h's targets: period, then value with missing first,
 * then bytewise. */
static int target_cmp(const mlc_alloc_target *t, int64_t period, const char *v, size_t len)
{
	int c;
	if (t->period != period)
		return t->period < period ? -1 : 1;
	if (!t->value || !v)
		return (t->value != NULL) - (v != NULL);
	c = memcmp(t->value, v, t->value_len < len ? t->value_len : len);
	if (c)
		return c < 0 ? -1 : 1;
	return (t->value_len > len) - (t->value_len < len);
}

static long find_target(const mlc_alloc_result *r, int64_t period, const char *v, size_t len)
{
	size_t lo = 0, hi = r->ntargets;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = target_cmp(&r->targets[mid], period, v, len);
		if (!c)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static int convert_pools(alloc_state *s, size_t npn)
{
	const mlc_alloc_result *r = s->res;
	size_t nshares = 0, k = 0;
	for (size_t p = 0; p < r->npools; p++)
		nshares += r->pools[p].nshares;
	s->pools = mlcu_calloc(r->npools ? r->npools : 1, sizeof(*s->pools));
	s->shares = mlcu_calloc(nshares ? nshares : 1, sizeof(*s->shares));
	if (!s->pools || !s->shares)
		return mlcu_error_oom();
	for (size_t p = 0; p < r->npools; p++) {
		const mlc_alloc_pool_result *in = &r->pools[p];
		mlc_allocate_pool *o = &s->pools[p];
		o->pool = in->pool;
		o->period = in->period;
		o->split = mlc_alloc__split_name(in->split);
		o->total = mlc_bills__amount(in->total);
		o->allocated = mlc_bills__amount(in->allocated);
		o->unallocated = mlc_bills__amount(in->unallocated);
		o->rows = in->rows;
		o->note = in->note;
		o->shares = s->shares + k;
		o->nshares = in->nshares;
		for (size_t i = 0; i < in->nshares; i++) {
			const mlc_alloc_share *sh = &in->shares[i];
			long t = find_target(r, in->period, sh->target, sh->target_len);
			mlcu_money sum;
			s->shares[k].target = sh->target;
			s->shares[k++].amount = mlc_bills__amount(sh->amount);
			if (t < 0 || in->pool >= npn)
				return mlcu_error_set(MLC_EINVAL,
				                      "allocate: a share has no target");
			sum = mlc_bills__money(s->from_pool[(size_t)t * npn + in->pool]);
			if (mlcu_money_add(&sum, sh->amount))
				return mlcu_error_set(MLC_ETOOLARGE, "allocate: a sum overflows");
			s->from_pool[(size_t)t * npn + in->pool] = mlc_bills__amount(sum);
		}
	}
	s->pub.pools = s->pools;
	s->pub.npools = r->npools;
	return 0;
}

static int convert_targets(alloc_state *s, size_t npn)
{
	const mlc_alloc_result *r = s->res;
	s->targets = mlcu_calloc(r->ntargets ? r->ntargets : 1, sizeof(*s->targets));
	if (!s->targets)
		return mlcu_error_oom();
	for (size_t i = 0; i < r->ntargets; i++) {
		const mlc_alloc_target *in = &r->targets[i];
		mlc_allocate_target *o = &s->targets[i];
		o->period = in->period;
		o->value = in->value;
		o->direct = mlc_bills__amount(in->direct);
		o->from_pool = s->from_pool + i * npn;
		o->received = mlc_bills__amount(in->received);
		o->total = mlc_bills__amount(in->total);
		o->rows = in->rows;
	}
	s->pub.targets = s->targets;
	s->pub.ntargets = r->ntargets;
	return 0;
}

int mlc_allocate__convert(alloc_state *s, const mlc_allocate_options *o)
{
	size_t npn = mlc_alloc__npools(s->spec), nt = s->res->ntargets;
	mlc_allocate_result *p = &s->pub;
	int rc;
	s->names = mlcu_calloc(npn ? npn : 1, sizeof(*s->names));
	s->from_pool = mlcu_calloc(nt * npn + 1, sizeof(*s->from_pool));
	if (!s->names || !s->from_pool)
		return mlcu_error_oom();
	for (size_t i = 0; i < npn; i++)
		s->names[i] = mlc_alloc__pool(s->spec, i)->name;
	p->pool_names = s->names;
	p->npool_names = npn;
	p->target_dim = mlc_alloc__target(s->spec);
	p->bucket = o->bucket;
	p->basis = o->basis;
	p->currency = s->bills->currency;
	p->before = mlc_bills__amount(s->res->before);
	p->after = mlc_bills__amount(s->res->after);
	p->difference = mlc_bills__amount(s->res->difference);
	p->rows_read = s->bills->rows_read;
	p->rows_skipped = s->bills->rows_skipped;
	if (s->usage)
		p->rows_skipped += mlc_usage__stats(s->usage)->rows_skipped;
	if ((rc = convert_targets(s, npn)) != 0 || (rc = convert_pools(s, npn)) != 0)
		return rc;
	if ((rc = mlc_allocate__collect_errors(&s->errors, &s->nerrors, s->bills, s->usage)) != 0)
		return rc;
	p->errors = (const char *const *)s->errors;
	p->nerrors = s->nerrors;
	return 0;
}
