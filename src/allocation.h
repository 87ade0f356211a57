/* SPDX-License-Identifier: MIT */
/*
 * allocation.h - shared-cost allocation (SPEC §4, docs/allocation.md): an
 * allocation file names pools of shared cost (a filter over bill rows) and
 * how each pool is split over targets (the values of one dimension, e.g.
 * tag:model_id): evenly, in proportion to the targets' direct cost, or by
 * a usage metric. Money is exact and conserved: every pool is distributed
 * to the 10^-12 unit by largest remainder, so the total after allocation
 * equals the total before, exactly.
 *
 * What it is: the file loader, a pool matcher for resolved row values, an
 * accumulator the attribution engine feeds in one pass (per row or per
 * pre-aggregated group), and the pure split arithmetic. What it is not: a
 * bill reader. The engine resolves the keys this module asks for (tag:KEY
 * or FOCUS columns, with billing_format.h) and passes their values.
 *
 * Use:
 *   mlc_alloc__load_file(&spec, "alloc.yaml");
 *   for each key i < mlc_alloc__nkeys(spec): resolve mlc_alloc__key(spec, i)
 *   mlc_alloc__acc_new(&acc, spec);
 *   per row or group: values[i] = the key's value (ptr NULL when missing),
 *       mlc_alloc__acc_add(acc, period, values, cost, rows);
 *   for usage splits: mlc_alloc__acc_add_usage(acc, usage) (or _acc_weight);
 *   mlc_alloc__run(&res, acc);  read res; mlc_alloc__result_free(res).
 */
#ifndef MLC_ALLOCATION_H
#define MLC_ALLOCATION_H

#include <stddef.h>
#include <stdint.h>

#include "mlcost/common.h"
#include "tags.h" /* mlc_span */
#include "util/money.h"

typedef unsigned __int128 mlc_u128;

#define MLC_ALLOC_MAX_POOLS 256u
#define MLC_ALLOC_MAX_CONDS 16u          /* conditions in one filter */
#define MLC_ALLOC_MAX_CELLS (1u << 22)   /* distinct (period, target) and (period, pool) */
#define MLC_ALLOC_ALL_TIME  ((int64_t)0) /* the period when the engine does not bucket */

typedef enum mlc_alloc_split {
	MLC_ALLOC_EVEN = 0,
	MLC_ALLOC_PROPORTIONAL,
	MLC_ALLOC_USAGE
} mlc_alloc_split;

/* "even", "proportional", "usage" */
const char *mlc_alloc__split_name(mlc_alloc_split s);

/* Usage metrics a usage split can weigh by (the columns of the usage CSV). */
typedef enum mlc_alloc_metric {
	MLC_ALLOC_REQUESTS = 0,
	MLC_ALLOC_INPUT_TOKENS,
	MLC_ALLOC_OUTPUT_TOKENS,
	MLC_ALLOC_TOKENS, /* input + output */
	MLC_ALLOC_METRIC_COUNT
} mlc_alloc_metric;

/* "requests", "input_tokens", "output_tokens", "tokens" */
const char *mlc_alloc__metric_name(mlc_alloc_metric m);

/* ---- the allocation file ---------------------------------------------------------- */

/* One KEY=VALUE condition of a pool's filter. */
typedef struct mlc_alloc_cond {
	uint32_t key;      /* index into the spec's keys */
	const char *value; /* NUL-terminated; NULL for `KEY=` (the key must be missing) */
	size_t len;
} mlc_alloc_cond;

typedef struct mlc_alloc_pool {
	const char *name;
	mlc_alloc_split split;
	mlc_alloc_metric metric; /* for MLC_ALLOC_USAGE (default requests) */
	int include_untagged;    /* the missing target value is a target too */
	const mlc_alloc_cond *cond;
	size_t ncond;
	int line, col; /* where the pool starts in the file */
} mlc_alloc_pool;

typedef struct mlc_alloc_spec mlc_alloc_spec;

/*
 * Load an allocation file (YAML, format in docs/allocation.md). Errors are
 * MLC_EPARSE "FILE:LINE:COL: message" (unknown field, missing filter,
 * bad KEY=VALUE, unknown split or metric, duplicate pool name, pools with
 * different targets, ...); MLC_EIO for a missing or unreadable file.
 */
int mlc_alloc__load_file(mlc_alloc_spec **out, const char *path);
int mlc_alloc__load_string(mlc_alloc_spec **out, const char *name, const char *data, size_t len);
void mlc_alloc__spec_free(mlc_alloc_spec *s);

size_t mlc_alloc__npools(const mlc_alloc_spec *s);
const mlc_alloc_pool *mlc_alloc__pool(const mlc_alloc_spec *s, size_t i);

/*
 * The dimensions the engine must resolve for every row, each once:
 * "tag:KEY" (KEY trimmed, as written), a FOCUS column in its FOCUS
 * spelling ("ServiceName"), or another header column as written
 * ("lineItem/UsageType"); resolve each with mlc_billfmt__resolve. Key 0
 * is always the targets dimension; filter keys follow in file order.
 */
size_t mlc_alloc__nkeys(const mlc_alloc_spec *s);
const char *mlc_alloc__key(const mlc_alloc_spec *s, size_t i);
/* The targets dimension (same as key 0), e.g. "tag:model_id". */
const char *mlc_alloc__target(const mlc_alloc_spec *s);

/* The `aliases:` path resolved against the file's directory, or NULL. */
const char *mlc_alloc__aliases_path(const mlc_alloc_spec *s);

/*
 * The first pool (file order) whose every condition holds for a row whose
 * key values are values[0..nkeys) (ptr NULL: missing; compared bytewise,
 * as the engine trimmed them), or -1 when none does.
 */
int mlc_alloc__match(const mlc_alloc_spec *s, const mlc_span *values);

/* ---- the accumulator -------------------------------------------------------------- */

typedef struct mlc_alloc_acc mlc_alloc_acc;

/* spec is borrowed and must outlive the accumulator and its results. */
int mlc_alloc__acc_new(mlc_alloc_acc **out, const mlc_alloc_spec *spec);
void mlc_alloc__acc_free(mlc_alloc_acc *a);

/*
 * Add cost (of `rows` bill rows) in period (a bucket start, or
 * MLC_ALLOC_ALL_TIME) whose key values are values[0..nkeys). A row matching
 * a pool is that pool's cost; any other row is direct cost of its target
 * value values[0] (ptr NULL: untagged). May be called per row or per group
 * of rows that agree on every key; the result is the same. MLC_ETOOLARGE
 * when a sum overflows or there are more than MLC_ALLOC_MAX_CELLS cells.
 */
int mlc_alloc__acc_add(mlc_alloc_acc *a, int64_t period, const mlc_span *values, mlcu_money cost,
                       uint64_t rows);

/* Usage of target value `target` in period, for pools with split: usage (summed). */
int mlc_alloc__acc_weight(mlc_alloc_acc *a, int64_t period, mlc_span target, mlc_alloc_metric m,
                          uint64_t amount);

struct mlc_usage;
/* Every entry of a loaded usage table (usage.h) as weights: its periods must
 * be the ones the engine passes to acc_add (same bucket). */
int mlc_alloc__acc_add_usage(mlc_alloc_acc *a, const struct mlc_usage *u);

/* ---- the result -------------------------------------------------------------------- */

/* What one target received from one pool in one period. */
typedef struct mlc_alloc_share {
	const char *target; /* NULL: untagged (only with include_untagged) */
	size_t target_len;
	mlcu_money amount;
	mlc_u128 weight; /* the weight it was given (1 for even) */
} mlc_alloc_share;

/* One pool in one period, with its conservation check. */
typedef struct mlc_alloc_pool_result {
	uint32_t pool; /* index in the spec */
	int64_t period;
	mlcu_money total;       /* Σ of the pool's rows */
	mlcu_money allocated;   /* Σ of its shares */
	mlcu_money unallocated; /* total - allocated: nonzero only with no target at all */
	uint64_t rows;
	mlc_alloc_split split; /* the split used: the pool's, or even after a fallback */
	const char *note;      /* why the split fell back or nothing was allocated, or NULL */
	const mlc_alloc_share *shares; /* by target, missing first then bytewise */
	size_t nshares;
} mlc_alloc_pool_result;

/* A target value in a period after allocation. */
typedef struct mlc_alloc_target {
	int64_t period;
	const char *value; /* NULL: untagged */
	size_t value_len;
	mlcu_money direct;   /* its own rows (not in any pool) */
	mlcu_money received; /* Σ of its shares from every pool */
	mlcu_money total;    /* direct + received */
	uint64_t rows;       /* its direct rows */
} mlc_alloc_target;

typedef struct mlc_alloc_result {
	const mlc_alloc_pool_result *pools; /* by period, then pool order */
	size_t npools;
	const mlc_alloc_target *targets; /* by period, then value (missing first) */
	size_t ntargets;
	/* conservation: before = Σ every cost added; after = Σ targets' totals +
	 * Σ pools' unallocated; difference = after - before, always 0 */
	mlcu_money before, after, difference;
} mlc_alloc_result;

/*
 * Split every (pool, period) over its targets (rules in docs/allocation.md)
 * and total each target. The accumulator is left unchanged; the result
 * borrows strings from it, so free the result first.
 */
int mlc_alloc__run(mlc_alloc_result **out, const mlc_alloc_acc *a);
void mlc_alloc__result_free(mlc_alloc_result *r);

/* ---- exact arithmetic (allocation_split.c) --------------------------------------- */

/* q = floor(a*b / c), r = a*b mod c, exactly (256-bit product). MLC_EINVAL
 * when c == 0, MLC_ETOOLARGE when q does not fit 128 bits. */
int mlc_alloc__muldiv(mlc_u128 *q, mlc_u128 *r, mlc_u128 a, mlc_u128 b, mlc_u128 c);

/*
 * Largest-remainder split of total over n weights: out[i] = total * w[i] /
 * Σw rounded so that Σ out == total exactly; the units left over by the
 * floors go to the largest remainders, ties to the lower index (callers
 * order targets by name first). A negative total splits as -split(-total).
 * MLC_EINVAL when Σw == 0, MLC_ETOOLARGE when Σw overflows, MLC_ENOMEM.
 */
int mlc_alloc__split(mlcu_money *out, mlcu_money total, const mlc_u128 *w, size_t n);

/* The same with every weight 1 (n > 0), allocation-free. */
void mlc_alloc__split_even(mlcu_money *out, mlcu_money total, size_t n);

#endif
