/* SPDX-License-Identifier: MIT */
/*
 * allocation_spec.h - the inside of a loaded allocation file and of the
 * accumulator, shared by the allocation_*.c files and nothing else. The
 * engine sees them only through allocation.h.
 */
#ifndef MLC_ALLOCATION_SPEC_H
#define MLC_ALLOCATION_SPEC_H

#include "allocation.h"
#include "allocation_keymap.h"

struct mlc_alloc_spec {
	char **keys; /* keys[0] is the targets dimension */
	size_t nkeys;
	mlc_alloc_pool *pools;
	size_t npools;
	mlc_alloc_cond *cond; /* every pool's conditions; pools point into it */
	size_t ncond;
	char **strs; /* owned copies of names and values */
	size_t nstrs;
	char *aliases;
};

/* payload of a (period, pool index, -) cell */
typedef struct alloc_pool_cell {
	mlcu_money total;
	uint64_t rows;
} alloc_pool_cell;

/* payload of a (period, 0, target value) cell */
typedef struct alloc_target_cell {
	mlcu_money direct;
	uint64_t rows;
} alloc_target_cell;

/* payload of a (period, 0, target value) usage cell */
typedef struct alloc_usage_cell {
	uint64_t v[MLC_ALLOC_METRIC_COUNT];
} alloc_usage_cell;

struct mlc_alloc_acc {
	const mlc_alloc_spec *spec;
	mlc_keymap *pools;   /* tag = pool index, no string */
	mlc_keymap *targets; /* direct cost per target value */
	mlc_keymap *usage;   /* usage weights per target value */
	mlcu_money before;   /* Σ of every cost added */
};

#endif
