/* SPDX-License-Identifier: MIT */
/*
 * allocation_run.c - turns an accumulator into the allocation result:
 * for every (period, pool) the eligible targets and their weights, the
 * exact split, the fallbacks (docs/allocation.md), then each target's
 * direct + received, and the conservation totals. Deterministic: targets
 * are ordered by name before splitting, so ties always go the same way.
 */
#include "allocation.h"
#include "allocation_spec.h"
#include "util/sort.h"
#include "util/alloc.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

#define MAX_SHARES ((size_t)1 << 26)

/* A cell of a keymap, flattened for sorting. */
typedef struct ref {
	int64_t period;
	const char *s;
	size_t len;
	uint32_t tag;
	size_t idx;
} ref;

static int by_period_name(const void *pa, const void *pb)
{
	const ref *a = pa, *b = pb;
	if (a->period != b->period)
		return a->period < b->period ? -1 : 1;
	if (a->tag != b->tag)
		return a->tag < b->tag ? -1 : 1;
	return mlc_alloc__strcmp(a->s, a->len, b->s, b->len);
}

/* Every cell of m, sorted by period, tag, then name. */
static int sorted(ref **out, const mlc_keymap *m)
{
	size_t i, n = mlc_alloc__km_count(m);
	ref *r = mlcu_calloc(n ? n : 1, sizeof(*r));
	if (!r)
		return mlcu_error_oom();
	for (i = 0; i < n; i++) {
		r[i].period = mlc_alloc__km_period(m, i);
		r[i].tag = mlc_alloc__km_tag(m, i);
		r[i].s = mlc_alloc__km_str(m, i, &r[i].len);
		r[i].idx = i;
	}
	mlcu_qsort(r, n, sizeof(*r), by_period_name);
	*out = r;
	return 0;
}

/* [first, first+n) of sorted refs r[0..total) in period p. */
static size_t period_range(const ref *r, size_t total, int64_t p, size_t *first)
{
	size_t lo = 0, hi = total, end;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (r[mid].period < p)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < total && r[end].period == p; end++)
		;
	*first = lo;
	return end - lo;
}

typedef struct run {
	const mlc_alloc_acc *a;
	ref *tg, *us; /* target and usage cells, sorted */
	size_t ntg, nus;
	mlc_alloc_share *sh;
	size_t nsh, capsh;
	mlcu_money *amount; /* scratch for one split */
	mlc_u128 *w;
	size_t cap; /* of amount and w */
} run;

static int reserve(run *r, size_t more)
{
	if (r->nsh + more > MAX_SHARES)
		return mlcu_error_set(MLC_ETOOLARGE, "allocation: more than %zu shares",
		                      MAX_SHARES);
	if (r->nsh + more > r->capsh) {
		size_t cap = r->capsh ? r->capsh : 64;
		mlc_alloc_share *s;
		while (cap < r->nsh + more)
			cap *= 2;
		if (!(s = mlcu_reallocarray(r->sh, cap, sizeof(*s))))
			return mlcu_error_oom();
		r->sh = s;
		r->capsh = cap;
	}
	if (more > r->cap) {
		mlcu_money *am = mlcu_reallocarray(r->amount, more, sizeof(*am));
		mlc_u128 *w;
		if (am)
			r->amount = am;
		if (!am || !(w = mlcu_reallocarray(r->w, more, sizeof(*w))))
			return mlcu_error_oom();
		r->w = w;
		r->cap = more;
	}
	return 0;
}

/* Append the direct-cost targets of period p as candidate shares with weight 1. */
static int direct_candidates(run *r, const mlc_alloc_pool *pool, int64_t p, size_t *n)
{
	size_t first, k, cnt = period_range(r->tg, r->ntg, p, &first);
	int rc;
	*n = 0;
	if ((rc = reserve(r, cnt)) != 0)
		return rc;
	for (k = first; k < first + cnt; k++) {
		const ref *t = &r->tg[k];
		const alloc_target_cell *c = mlc_alloc__km_payload(r->a->targets, t->idx);
		mlc_alloc_share *s;
		if (!t->s && !pool->include_untagged)
			continue;
		s = &r->sh[r->nsh + *n];
		s->target = t->s;
		s->target_len = t->len;
		s->amount = 0;
		s->weight = 1;
		/* proportional: only positive direct cost carries weight */
		r->w[*n] = c->direct > 0 ? (mlc_u128)c->direct : 0;
		(*n)++;
	}
	return 0;
}

static int usage_candidates(run *r, const mlc_alloc_pool *pool, int64_t p, size_t *n)
{
	size_t first, k, cnt = period_range(r->us, r->nus, p, &first);
	int rc;
	*n = 0;
	if ((rc = reserve(r, cnt)) != 0)
		return rc;
	for (k = first; k < first + cnt; k++) {
		const alloc_usage_cell *c = mlc_alloc__km_payload(r->a->usage, r->us[k].idx);
		mlc_alloc_share *s = &r->sh[r->nsh + *n];
		mlc_u128 w =
		    pool->metric == MLC_ALLOC_TOKENS
		        ? (mlc_u128)c->v[MLC_ALLOC_INPUT_TOKENS] + c->v[MLC_ALLOC_OUTPUT_TOKENS]
		        : c->v[pool->metric];
		s->target = r->us[k].s;
		s->target_len = r->us[k].len;
		s->amount = 0;
		s->weight = w;
		r->w[*n] = w;
		(*n)++;
	}
	return 0;
}

static mlc_u128 wsum(const mlc_u128 *w, size_t n)
{
	mlc_u128 s = 0;
	for (size_t i = 0; i < n; i++)
		if (__builtin_add_overflow(s, w[i], &s))
			return (mlc_u128)-1; /* saturate: nonzero is all callers ask */
	return s;
}

/* Candidates and weights of one (period, pool), with the documented fallbacks. */
static int candidates(run *r, mlc_alloc_pool_result *pr, const mlc_alloc_pool *pool, size_t *n)
{
	int rc;
	pr->split = pool->split;
	if (pool->split == MLC_ALLOC_USAGE) {
		if ((rc = usage_candidates(r, pool, pr->period, n)) != 0)
			return rc;
		if (wsum(r->w, *n) != 0)
			return 0;
		pr->note = "no usage in this period: split evenly";
	} else {
		if ((rc = direct_candidates(r, pool, pr->period, n)) != 0)
			return rc;
		if (pool->split == MLC_ALLOC_EVEN)
			return 0;
		if (wsum(r->w, *n) != 0) {
			for (size_t i = 0; i < *n; i++)
				r->sh[r->nsh + i].weight = r->w[i];
			return 0;
		}
		pr->note = "no positive direct cost in this period: split evenly";
	}
	pr->split = MLC_ALLOC_EVEN;
	return direct_candidates(r, pool, pr->period, n);
}

static int split_pool(run *r, mlc_alloc_pool_result *pr)
{
	const mlc_alloc_pool *pool = &r->a->spec->pools[pr->pool];
	size_t n, i;
	int rc;
	if ((rc = candidates(r, pr, pool, &n)) != 0)
		return rc;
	if (n == 0) {
		pr->note = "no target in this period: left unallocated";
		pr->unallocated = pr->total;
		return 0;
	}
	if (pr->split == MLC_ALLOC_EVEN)
		mlc_alloc__split_even(r->amount, pr->total, n);
	else if ((rc = mlc_alloc__split(r->amount, pr->total, r->w, n)) != 0)
		return rc;
	for (i = 0; i < n; i++) {
		r->sh[r->nsh + i].amount = r->amount[i];
		pr->allocated += r->amount[i]; /* Σ |shares| == |total|: cannot overflow */
	}
	pr->unallocated = pr->total - pr->allocated;
	pr->nshares = n;
	r->nsh += n;
	return 0;
}

/* The result and what it owns; pub first so the public pointer frees it. */
typedef struct result {
	mlc_alloc_result pub;
	mlc_alloc_pool_result *pools;
	mlc_alloc_share *shares;
	mlc_alloc_target *targets;
	mlc_keymap *tk; /* owns the target strings */
} result;

typedef struct tk_cell {
	mlcu_money direct, received;
	uint64_t rows;
} tk_cell;

static int add_money(mlcu_money *acc, mlcu_money v)
{
	if (mlcu_money_add(acc, v) != 0)
		return mlcu_error_set(MLC_ETOOLARGE, "allocation: a target's total overflows");
	return 0;
}

/* Per (period, target): direct cost plus everything received. */
static int total_targets(result *res, const run *r)
{
	const mlc_alloc_acc *a = r->a;
	size_t i, j, k;
	int rc;
	if ((rc = mlc_alloc__km_new(&res->tk, sizeof(tk_cell), MLC_ALLOC_MAX_CELLS)) != 0)
		return rc;
	for (i = 0; i < r->ntg; i++) {
		const alloc_target_cell *c = mlc_alloc__km_payload(a->targets, r->tg[i].idx);
		tk_cell *t;
		if ((rc = mlc_alloc__km_get(&k, NULL, res->tk, r->tg[i].period, 0, r->tg[i].s,
		                            r->tg[i].len)) != 0)
			return rc;
		t = mlc_alloc__km_payload(res->tk, k);
		t->direct = c->direct;
		t->rows = c->rows;
	}
	for (i = 0; i < res->pub.npools; i++) {
		const mlc_alloc_pool_result *pr = &res->pools[i];
		for (j = 0; j < pr->nshares; j++) {
			const mlc_alloc_share *s = &pr->shares[j];
			tk_cell *t;
			if ((rc = mlc_alloc__km_get(&k, NULL, res->tk, pr->period, 0, s->target,
			                            s->target_len)) != 0)
				return rc;
			t = mlc_alloc__km_payload(res->tk, k);
			if ((rc = add_money(&t->received, s->amount)) != 0)
				return rc;
		}
	}
	return 0;
}

/* The sorted target table, and the conservation totals. */
static int finish_targets(result *res, const mlc_alloc_acc *a)
{
	ref *order = NULL;
	mlcu_money after = 0;
	size_t i, n = mlc_alloc__km_count(res->tk);
	int rc;
	if ((rc = sorted(&order, res->tk)) != 0)
		return rc;
	if (!(res->targets = mlcu_calloc(n ? n : 1, sizeof(*res->targets)))) {
		rc = mlcu_error_oom();
		goto done;
	}
	for (i = 0; i < n; i++) {
		const tk_cell *c = mlc_alloc__km_payload(res->tk, order[i].idx);
		mlc_alloc_target *t = &res->targets[i];
		t->period = order[i].period;
		t->value = order[i].s;
		t->value_len = order[i].len;
		t->direct = c->direct;
		t->received = c->received;
		t->rows = c->rows;
		t->total = c->direct;
		if ((rc = add_money(&t->total, c->received)) != 0 ||
		    (rc = add_money(&after, t->total)) != 0)
			goto done;
	}
	for (i = 0; i < res->pub.npools; i++)
		if ((rc = add_money(&after, res->pools[i].unallocated)) != 0)
			goto done;
	res->pub.targets = res->targets;
	res->pub.ntargets = n;
	res->pub.before = a->before;
	res->pub.after = after;
	res->pub.difference = after - a->before;
done:
	mlcu_free(order);
	return rc;
}

/* Split every (period, pool) cell, in period then pool order. */
static int split_all(result *res, run *r)
{
	ref *pools = NULL;
	size_t i, n = mlc_alloc__km_count(r->a->pools), *off = NULL;
	int rc;
	if ((rc = sorted(&pools, r->a->pools)) != 0)
		return rc;
	if (!(res->pools = mlcu_calloc(n ? n : 1, sizeof(*res->pools))) ||
	    !(off = mlcu_calloc(n ? n : 1, sizeof(*off)))) {
		rc = mlcu_error_oom();
		goto done;
	}
	for (i = 0; i < n; i++) {
		const alloc_pool_cell *c = mlc_alloc__km_payload(r->a->pools, pools[i].idx);
		mlc_alloc_pool_result *pr = &res->pools[i];
		pr->pool = pools[i].tag;
		pr->period = pools[i].period;
		pr->total = c->total;
		pr->rows = c->rows;
		off[i] = r->nsh;
		if ((rc = split_pool(r, pr)) != 0)
			goto done;
	}
	/* the share array has stopped moving: point each pool at its shares */
	res->shares = r->sh;
	r->sh = NULL;
	for (i = 0; i < n; i++)
		res->pools[i].shares = res->shares ? res->shares + off[i] : NULL;
	res->pub.pools = res->pools;
	res->pub.npools = n;
done:
	mlcu_free(pools);
	mlcu_free(off);
	return rc;
}

int mlc_alloc__run(mlc_alloc_result **out, const mlc_alloc_acc *a)
{
	result *res = mlcu_calloc(1, sizeof(*res));
	run r;
	int rc;
	*out = NULL;
	memset(&r, 0, sizeof(r));
	r.a = a;
	if (!res)
		return mlcu_error_oom();
	if ((rc = sorted(&r.tg, a->targets)) != 0 || (rc = sorted(&r.us, a->usage)) != 0)
		goto done;
	r.ntg = mlc_alloc__km_count(a->targets);
	r.nus = mlc_alloc__km_count(a->usage);
	if ((rc = split_all(res, &r)) != 0 || (rc = total_targets(res, &r)) != 0 ||
	    (rc = finish_targets(res, a)) != 0)
		goto done;
	*out = &res->pub;
	res = NULL;
done:
	mlcu_free(r.tg);
	mlcu_free(r.us);
	mlcu_free(r.sh);
	mlcu_free(r.amount);
	mlcu_free(r.w);
	mlc_alloc__result_free(res ? &res->pub : NULL);
	return rc;
}

void mlc_alloc__result_free(mlc_alloc_result *pub)
{
	result *res = (result *)pub;
	if (!res)
		return;
	mlcu_free(res->pools);
	mlcu_free(res->shares);
	mlcu_free(res->targets);
	mlc_alloc__km_free(res->tk);
	mlcu_free(res);
}
