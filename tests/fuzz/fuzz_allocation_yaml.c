/* SPDX-License-Identifier: MIT */
/*
 * fuzz_allocation_yaml.c - the allocation file loader: any bytes must load
 * or fail cleanly with a positioned error. A file that loads then drives
 * the accumulator and the run with rows built from its own conditions (so
 * every pool gets cost) plus direct rows and usage, and the run must
 * conserve money exactly: a difference traps.
 */
#include "allocation.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void drive(const mlc_alloc_spec *s)
{
	static const char *const models[] = {"a", "b", "c"};
	mlc_span v[MLC_ALLOC_MAX_POOLS * (MLC_ALLOC_MAX_CONDS + 1) + 1];
	size_t nkeys = mlc_alloc__nkeys(s), p, i, k;
	mlc_alloc_acc *a = NULL;
	mlc_alloc_result *r = NULL;
	if (nkeys > sizeof(v) / sizeof(v[0]) || mlc_alloc__acc_new(&a, s) != 0)
		return;
	for (p = 0; p < mlc_alloc__npools(s); p++) {
		const mlc_alloc_pool *pool = mlc_alloc__pool(s, p);
		memset(v, 0, nkeys * sizeof(v[0]));
		for (i = 0; i < pool->ncond; i++) {
			v[pool->cond[i].key].ptr = pool->cond[i].value;
			v[pool->cond[i].key].len = pool->cond[i].len;
		}
		/* a pool row (maybe taken by an earlier pool: first match wins) */
		if (mlc_alloc__acc_add(a, (int64_t)(p % 2) * 86400, v,
		                       (mlcu_money)(p + 1) * 1000003, 1) != 0)
			goto done;
	}
	for (k = 0; k < 3; k++) {
		memset(v, 0, nkeys * sizeof(v[0]));
		v[0].ptr = models[k];
		v[0].len = 1;
		if (mlc_alloc__acc_add(a, (int64_t)(k % 2) * 86400, v, (mlcu_money)k * 7 - 5, 1) ||
		    mlc_alloc__acc_weight(a, 0, v[0], MLC_ALLOC_REQUESTS, k) ||
		    mlc_alloc__acc_weight(a, 86400, v[0], MLC_ALLOC_OUTPUT_TOKENS, 3 - k))
			goto done;
	}
	if (mlc_alloc__run(&r, a) == 0 && (r->difference != 0 || r->after != r->before))
		__builtin_trap();
done:
	mlc_alloc__result_free(r);
	mlc_alloc__acc_free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mlc_alloc_spec *s = NULL;
	if (mlc_alloc__load_string(&s, "dir/fuzz.yaml", (const char *)data, size) == 0)
		drive(s);
	mlc_alloc__spec_free(s);
	return 0;
}
