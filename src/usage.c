/* SPDX-License-Identifier: MIT */
/*
 * usage.c - the aggregated usage table: (model_id, period) -> requests and
 * tokens, summed with 64-bit overflow checks, then sorted once for lookups
 * by model. Reading the CSV is usage_load.c; this file knows no format.
 */
#include "usage.h"
#include "usage_internal.h"
#include "util/sort.h"
#include "util/alloc.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int mlc_usage__new(mlc_usage **out, mlcu_bucket bucket, size_t max_keys)
{
	mlc_usage *u;
	int rc;
	*out = NULL;
	if (!(u = mlcu_calloc(1, sizeof(*u))))
		return mlcu_error_oom();
	u->bucket = bucket;
	if ((rc = mlc_alloc__km_new(&u->km, sizeof(usage_cell),
	                            max_keys ? max_keys : MLC_USAGE_MAX_KEYS)) != 0) {
		mlcu_free(u);
		return rc;
	}
	*out = u;
	return 0;
}

void mlc_usage__free(mlc_usage *u)
{
	size_t i;
	if (!u)
		return;
	for (i = 0; i < MLC_USAGE_MAX_MESSAGES; i++)
		mlcu_free(u->msgs[i]);
	mlc_alloc__km_free(u->km);
	mlcu_free(u->entries);
	mlcu_free(u);
}

int mlc_usage__add(mlc_usage *u, const char *model, size_t len, int64_t t, uint64_t requests,
                   uint64_t input_tokens, uint64_t output_tokens)
{
	static const char *const cols[3] = {"requests", "input_tokens", "output_tokens"};
	int64_t period = u->bucket == MLCU_BUCKET_NONE ? 0 : mlcu_time_bucket(t, u->bucket);
	uint64_t add[3] = {requests, input_tokens, output_tokens}, tot[3];
	usage_cell *c;
	size_t i;
	int k, rc;
	/* check the file's totals before changing anything, so a row skipped in
	 * lenient mode leaves no trace; a cell is part of its total, so it
	 * cannot overflow when the total does not */
	for (k = 0; k < 3; k++) {
		uint64_t all = k == 0   ? u->stats.requests
		               : k == 1 ? u->stats.input_tokens
		                        : u->stats.output_tokens;
		if (__builtin_add_overflow(all, add[k], &tot[k]))
			return mlcu_error_set(MLC_ETOOLARGE,
			                      "column '%s': the file's total exceeds "
			                      "18446744073709551615",
			                      cols[k]);
	}
	if ((rc = mlc_alloc__km_get(&i, NULL, u->km, period, 0, model, len)) != 0)
		return rc == MLC_ETOOLARGE ? mlcu_error_prefix("usage: ") : rc;
	c = mlc_alloc__km_payload(u->km, i);
	c->requests += add[0];
	c->input_tokens += add[1];
	c->output_tokens += add[2];
	c->rows++;
	u->stats.requests = tot[0];
	u->stats.input_tokens = tot[1];
	u->stats.output_tokens = tot[2];
	return 0;
}

static int by_model_period(const void *pa, const void *pb)
{
	const mlc_usage_entry *a = pa, *b = pb;
	int c = mlc_alloc__strcmp(a->model, a->model_len, b->model, b->model_len);
	if (c)
		return c;
	return a->period < b->period ? -1 : a->period > b->period;
}

int mlc_usage__finish(mlc_usage *u)
{
	size_t i, n = mlc_alloc__km_count(u->km);
	mlc_usage_entry *e = mlcu_calloc(n ? n : 1, sizeof(*e));
	if (!e)
		return mlcu_error_oom();
	for (i = 0; i < n; i++) {
		const usage_cell *c = mlc_alloc__km_payload(u->km, i);
		e[i].model = mlc_alloc__km_str(u->km, i, &e[i].model_len);
		e[i].period = mlc_alloc__km_period(u->km, i);
		e[i].requests = c->requests;
		e[i].input_tokens = c->input_tokens;
		e[i].output_tokens = c->output_tokens;
		e[i].rows = c->rows;
	}
	mlcu_qsort(e, n, sizeof(*e), by_model_period);
	mlcu_free(u->entries);
	u->entries = e;
	u->nentries = n;
	return 0;
}

size_t mlc_usage__count(const mlc_usage *u)
{
	return u->nentries;
}

const mlc_usage_entry *mlc_usage__entries(const mlc_usage *u)
{
	return u->entries;
}

size_t mlc_usage__model_range(const mlc_usage *u, const char *model, size_t len, size_t *first)
{
	size_t lo = 0, hi = u->nentries, end;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const mlc_usage_entry *e = &u->entries[mid];
		if (mlc_alloc__strcmp(e->model, e->model_len, model, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo;
	     end < u->nentries &&
	     !mlc_alloc__strcmp(u->entries[end].model, u->entries[end].model_len, model, len);
	     end++)
		;
	*first = lo;
	return end - lo;
}

const mlc_usage_stats *mlc_usage__stats(const mlc_usage *u)
{
	return &u->stats;
}

mlcu_bucket mlc_usage__bucket(const mlc_usage *u)
{
	return u->bucket;
}

int mlc_usage__note(mlc_usage *u, const char *msg)
{
	size_t i = u->stats.nmessages;
	u->stats.rows_skipped++;
	if (i >= MLC_USAGE_MAX_MESSAGES)
		return 0;
	if (!(u->msgs[i] = mlcu_strdup(msg)))
		return mlcu_error_oom();
	u->stats.messages[i] = u->msgs[i];
	u->stats.nmessages++;
	return 0;
}
