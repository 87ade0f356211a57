/* SPDX-License-Identifier: MIT */
/*
 * allocation.c - the one-pass side of shared-cost allocation: the spec's
 * accessors, the pool matcher and the accumulator the engine feeds with
 * rows or groups (see allocation.h). Splitting happens later, in
 * allocation_run.c, once every pool and direct cost is known.
 */
#include "allocation.h"
#include "allocation_spec.h"
#include "usage.h"
#include "util/alloc.h"
#include "util/error.h"

#include <string.h>

size_t mlc_alloc__npools(const mlc_alloc_spec *s)
{
	return s->npools;
}

const mlc_alloc_pool *mlc_alloc__pool(const mlc_alloc_spec *s, size_t i)
{
	return &s->pools[i];
}

size_t mlc_alloc__nkeys(const mlc_alloc_spec *s)
{
	return s->nkeys;
}

const char *mlc_alloc__key(const mlc_alloc_spec *s, size_t i)
{
	return s->keys[i];
}

const char *mlc_alloc__target(const mlc_alloc_spec *s)
{
	return s->keys[0];
}

const char *mlc_alloc__aliases_path(const mlc_alloc_spec *s)
{
	return s->aliases;
}

static int cond_holds(const mlc_alloc_cond *c, const mlc_span *values)
{
	const mlc_span *v = &values[c->key];
	if (!c->value)
		return v->ptr == NULL;
	return v->ptr && v->len == c->len && memcmp(v->ptr, c->value, c->len) == 0;
}

int mlc_alloc__match(const mlc_alloc_spec *s, const mlc_span *values)
{
	size_t p, i;
	for (p = 0; p < s->npools; p++) {
		const mlc_alloc_pool *pool = &s->pools[p];
		for (i = 0; i < pool->ncond && cond_holds(&pool->cond[i], values); i++)
			;
		if (i == pool->ncond)
			return (int)p;
	}
	return -1;
}

int mlc_alloc__acc_new(mlc_alloc_acc **out, const mlc_alloc_spec *spec)
{
	mlc_alloc_acc *a = mlcu_calloc(1, sizeof(*a));
	int rc;
	*out = NULL;
	if (!a)
		return mlcu_error_oom();
	a->spec = spec;
	if ((rc = mlc_alloc__km_new(&a->pools, sizeof(alloc_pool_cell), MLC_ALLOC_MAX_CELLS)) ||
	    (rc = mlc_alloc__km_new(&a->targets, sizeof(alloc_target_cell), MLC_ALLOC_MAX_CELLS)) ||
	    (rc = mlc_alloc__km_new(&a->usage, sizeof(alloc_usage_cell), MLC_ALLOC_MAX_CELLS))) {
		mlc_alloc__acc_free(a);
		return rc;
	}
	*out = a;
	return 0;
}

void mlc_alloc__acc_free(mlc_alloc_acc *a)
{
	if (!a)
		return;
	mlc_alloc__km_free(a->pools);
	mlc_alloc__km_free(a->targets);
	mlc_alloc__km_free(a->usage);
	mlcu_free(a);
}

static int overflow(void)
{
	return mlcu_error_set(MLC_ETOOLARGE, "allocation: a cost sum overflows");
}

int mlc_alloc__acc_add(mlc_alloc_acc *a, int64_t period, const mlc_span *values, mlcu_money cost,
                       uint64_t rows)
{
	int pool = mlc_alloc__match(a->spec, values);
	mlcu_money before = a->before;
	size_t i;
	int rc;
	if (mlcu_money_add(&before, cost) != 0)
		return overflow();
	if (pool >= 0) {
		alloc_pool_cell *c;
		if ((rc = mlc_alloc__km_get(&i, NULL, a->pools, period, (uint32_t)pool, NULL, 0)))
			return mlcu_error_prefix("allocation pools: ");
		c = mlc_alloc__km_payload(a->pools, i);
		if (mlcu_money_add(&c->total, cost) != 0)
			return overflow();
		c->rows += rows;
	} else {
		alloc_target_cell *c;
		if ((rc = mlc_alloc__km_get(&i, NULL, a->targets, period, 0, values[0].ptr,
		                            values[0].len)))
			return mlcu_error_prefix("allocation targets: ");
		c = mlc_alloc__km_payload(a->targets, i);
		if (mlcu_money_add(&c->direct, cost) != 0)
			return overflow();
		c->rows += rows;
	}
	a->before = before;
	return 0;
}

int mlc_alloc__acc_weight(mlc_alloc_acc *a, int64_t period, mlc_span target, mlc_alloc_metric m,
                          uint64_t amount)
{
	alloc_usage_cell *c;
	size_t i;
	if ((unsigned)m >= MLC_ALLOC_METRIC_COUNT || m == MLC_ALLOC_TOKENS || !target.ptr)
		return mlcu_error_set(MLC_EINVAL, "allocation: bad usage weight");
	if (mlc_alloc__km_get(&i, NULL, a->usage, period, 0, target.ptr, target.len) != 0)
		return mlcu_error_prefix("allocation usage: ");
	c = mlc_alloc__km_payload(a->usage, i);
	if (__builtin_add_overflow(c->v[m], amount, &c->v[m]))
		return mlcu_error_set(MLC_ETOOLARGE, "allocation: usage of '%.*s' overflows",
		                      (int)target.len, target.ptr);
	return 0;
}

int mlc_alloc__acc_add_usage(mlc_alloc_acc *a, const struct mlc_usage *u)
{
	const mlc_usage_entry *e = mlc_usage__entries(u);
	size_t i, n = mlc_usage__count(u);
	int rc;
	for (i = 0; i < n; i++) {
		mlc_span t = {e[i].model, e[i].model_len};
		if ((rc = mlc_alloc__acc_weight(a, e[i].period, t, MLC_ALLOC_REQUESTS,
		                                e[i].requests)) ||
		    (rc = mlc_alloc__acc_weight(a, e[i].period, t, MLC_ALLOC_INPUT_TOKENS,
		                                e[i].input_tokens)) ||
		    (rc = mlc_alloc__acc_weight(a, e[i].period, t, MLC_ALLOC_OUTPUT_TOKENS,
		                                e[i].output_tokens)))
			return rc;
	}
	return 0;
}
