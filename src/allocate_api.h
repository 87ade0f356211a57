/* SPDX-License-Identifier: MIT */
/*
 * allocate_api.h - internals shared by the files of mlc_allocate_run and
 * mlc_unit_run (allocate_api*.c, unit_api*.c): the private state behind
 * the public results, bucket conversion, and the exact amounts.
 *
 * What it is not: an API for the CLI (that is include/mlcost/unit.h).
 */
#ifndef MLC_ALLOCATE_API_H
#define MLC_ALLOCATE_API_H

#include "mlcost/bills.h"
#include "mlcost/unit.h"

#include "allocation.h"
#include "bills_internal.h"
#include "usage.h"
#include "util/time.h"

/* The public result first, so a pointer to it is a pointer to the state. */
typedef struct alloc_state {
	mlc_allocate_result pub;
	mlc_bills_result *bills;
	mlc_alloc_spec *spec;
	mlc_alloc_acc *acc;
	mlc_usage *usage;
	mlc_alloc_result *res;
	mlc_allocate_pool *pools;
	mlc_allocate_share *shares;
	mlc_allocate_target *targets;
	mlc_amount *from_pool;
	const char **names;
	char **errors;
	size_t nerrors;
} alloc_state;

mlcu_bucket mlc_allocate__bucket(mlc_time_bucket b);

/* Fill s->pub from s->res (allocate_api_convert.c). */
int mlc_allocate__convert(alloc_state *s, const mlc_allocate_options *o);

/* Owned copies of the bills' then the usage file's skipped-row messages. */
int mlc_allocate__collect_errors(char ***out, size_t *n, const mlc_bills_result *br,
                                 const mlc_usage *u);

/* mlc_unit_run over any source of the bills' result (unit_api.c). */
int mlc_unit__run(mlc_unit_result **out, bills_source_fn source, void *ctx,
                  const char *usage_path, const mlc_unit_options *opts);

/* Writers' helpers (allocate_api_write.c): an exact amount as a bare
 * number; a period label or "" when not bucketed. */
void mlc_allocate__put_amount(FILE *f, mlc_amount a);
void mlc_allocate__put_period(FILE *f, int64_t t, mlc_time_bucket b, int json);

#endif
