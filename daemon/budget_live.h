/* SPDX-License-Identifier: MIT */
/*
 * budget_live.h - budgets as `mlcost serve` enforces them: the budgets
 * file of SPEC §7 (mlc_budgets_load_file) read against metered events.
 * A filter key names an event field: `model` / `model_id` (or
 * `tag:model_id`, `tag:model`), `team`, `endpoint`, `version` (with or
 * without `tag:`); a budget on any other key cannot be enforced from
 * events and is refused at load. A budget counts an event when, for every
 * key of its filter, the event's value is one of the key's values (`""`
 * = the event has none); its spend is over the calendar period (UTC)
 * holding now.
 *
 * Precomputed at load: per budget the values of each field and the
 * amount as exact money; an index from model name to the budgets that
 * name it, so `/v1/budgets/check?model=` touches only the budgets that
 * apply. What it is not: forecasts or alert delivery (`mlcost budget
 * status` has those).
 */
#ifndef MLCD_BUDGET_LIVE_H
#define MLCD_BUDGET_LIVE_H

#include "config.h"
#include "engine.h"

#include <mlcost.h>

#include <stddef.h>
#include <stdint.h>

typedef struct mlcd_budget_set mlcd_budget_set;

/* Load a budgets file. Errors carry FILE:LINE; the message is in mlcd_error_message(). */
int mlcd_budget_set_load(mlcd_budget_set **out, const char *path);
/* The same from budgets already loaded; takes b over (freed on failure too). */
int mlcd_budget_set_from(mlcd_budget_set **out, mlc_budgets *b, const char *name);
void mlcd_budget_set_free(mlcd_budget_set *bs);

size_t mlcd_budget_set_count(const mlcd_budget_set *bs);
const mlc_budget *mlcd_budget_set_get(const mlcd_budget_set *bs, size_t i);

/*
 * The values budget i accepts for field d (n of them), or NULL when its
 * filter does not name d. A NULL value stands for "the event has none".
 */
const char *const *mlcd_budget_values(const mlcd_budget_set *bs, size_t i, mlcd_dim d, size_t *n);

/* The field a filter key names, or -1 ("tag:model_id" -> MLCD_DIM_MODEL). */
int mlcd_budget_key_dim(const char *key);

/* The calendar period of p holding t (UTC seconds): [*start, *end). */
void mlcd_budget_period(int64_t *start, int64_t *end, mlc_budget_period p, int64_t t);

/*
 * Call fn(i, ctx) for each budget that counts an event with these values
 * (vals[d] NULL: the event has no value for d), in file order; stops when
 * fn returns non-zero and returns that. Allocates nothing.
 */
typedef int (*mlcd_budget_fn)(size_t i, void *ctx);
int mlcd_budget_set_each_applicable(const mlcd_budget_set *bs,
                                    const char *const vals[MLCD_DIM_COUNT], mlcd_budget_fn fn,
                                    void *ctx);

/*
 * 1 when token t may see budget i: t is not team-limited, or the budget's
 * filter names teams, all of them t's (a team-limited token never sees the
 * spend of another team or of everyone).
 */
int mlcd_budget_visible(const mlcd_budget_set *bs, size_t i, const mlcd_token *t);

/* Where budget i stands now. */
typedef struct mlcd_budget_use {
	mlc_amount used;    /* spend in the period, exact */
	mlc_amount amount;  /* the budget, exact */
	double ratio;       /* used / amount */
	int64_t start, end; /* the period, [start, end) UTC seconds */
	int allow;          /* used < amount */
} mlcd_budget_use;

/* The spend of budget i over its period holding now, from the engine's totals. */
int mlcd_budget_use_get(mlcd_budget_use *out, const mlcd_budget_set *bs, size_t i, mlcd_engine *e,
                        int64_t now);

#endif
