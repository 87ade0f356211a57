/* SPDX-License-Identifier: MIT */
/*
 * allocate_api.c - mlc_allocate_run (include/mlcost/unit.h): the glue of
 * `mlcost allocate`. Loads the allocation file, asks the attribution engine
 * for the bills grouped by every key the file needs (the targets dimension
 * and each pool filter key) and the bucket, feeds each group to the
 * allocation accumulator (a group agrees on every key, so it is as good as
 * its rows), adds usage weights when a pool splits by usage, runs the
 * allocation and converts the result to the public, exact types.
 *
 * What it is not: the allocation rules (allocation*.c) or a bill reader
 * (bills_*.c); the writers are in allocate_api_write.c.
 */
#include "allocate_api.h"

#include <string.h>

#include "util/alloc.h"
#include "util/error.h"

static mlcu_bucket to_mlcu_bucket(mlc_time_bucket b)
{
	switch (b) {
	case MLC_BUCKET_HOUR:
		return MLCU_BUCKET_HOUR;
	case MLC_BUCKET_DAY:
		return MLCU_BUCKET_DAY;
	case MLC_BUCKET_MONTH:
		return MLCU_BUCKET_MONTH;
	default:
		return MLCU_BUCKET_NONE;
	}
}

mlcu_bucket mlc_allocate__bucket(mlc_time_bucket b)
{
	return to_mlcu_bucket(b);
}

/* Skipped-row messages of the bills, then of the usage file (owned copies). */
int mlc_allocate__collect_errors(char ***out, size_t *n, const mlc_bills_result *br,
                                 const mlc_usage *u)
{
	const mlc_usage_stats *st = u ? mlc_usage__stats(u) : NULL;
	size_t total = br->nerrors + (st ? st->nmessages : 0), k = 0;
	char **e;
	*out = NULL;
	*n = 0;
	if (!total)
		return 0;
	if (!(e = mlcu_calloc(total, sizeof(*e))))
		return mlcu_error_oom();
	for (size_t i = 0; i < br->nerrors; i++)
		if (!(e[k++] = mlcu_strdup(br->errors[i])))
			goto oom;
	for (size_t i = 0; st && i < st->nmessages; i++)
		if (!(e[k++] = mlcu_strdup(st->messages[i])))
			goto oom;
	*out = e;
	*n = total;
	return 0;
oom:
	for (size_t i = 0; i < total; i++)
		mlcu_free(e[i]);
	mlcu_free(e);
	return mlcu_error_oom();
}

static int needs_usage(const mlc_alloc_spec *spec)
{
	for (size_t i = 0; i < mlc_alloc__npools(spec); i++)
		if (mlc_alloc__pool(spec, i)->split == MLC_ALLOC_USAGE)
			return 1;
	return 0;
}

/* The bills grouped by every key of the spec, the accumulator fed with them. */
static int aggregate(alloc_state *s, const char *const *files, size_t nfiles, const char *rules,
                     const mlc_allocate_options *o)
{
	mlc_bills_options bo = MLC_BILLS_OPTIONS_INIT;
	const char *by[MLC_BILLS_MAX_DIMS];
	size_t nkeys = mlc_alloc__nkeys(s->spec);
	mlc_span values[MLC_BILLS_MAX_DIMS];
	int rc;
	if (nkeys > MLC_BILLS_MAX_DIMS)
		return mlcu_error_set(MLC_EINVAL, "%s: the pools use %zu distinct keys; at most %d",
		                      rules, nkeys, MLC_BILLS_MAX_DIMS);
	for (size_t i = 0; i < nkeys; i++)
		by[i] = mlc_alloc__key(s->spec, i);
	bo.by = by;
	bo.nby = nkeys;
	bo.bucket = o->bucket;
	bo.bases = &o->basis;
	bo.nbases = 1;
	bo.aliases = o->aliases ? o->aliases : mlc_alloc__aliases_path(s->spec);
	bo.lenient = o->lenient;
	bo.threads = o->threads;
	if (o->version >= 2) { /* a version 1 struct ends before */
		bo.progress = o->progress;
		bo.progress_ctx = o->progress_ctx;
	}
	if ((rc = mlc_bills_aggregate(&s->bills, files, nfiles, &bo)) != 0)
		return rc;
	if ((rc = mlc_alloc__acc_new(&s->acc, s->spec)) != 0)
		return rc;
	for (size_t g = 0; g < s->bills->ngroups; g++) {
		const mlc_bills_group *gr = &s->bills->groups[g];
		for (size_t i = 0; i < nkeys; i++) {
			values[i].ptr = gr->values[i];
			values[i].len = gr->values[i] ? gr->lens[i] : 0;
		}
		rc = mlc_alloc__acc_add(s->acc, gr->bucket, values, mlc_bills__money(gr->cost[0]),
		                        gr->rows);
		if (rc)
			return rc;
	}
	return 0;
}

static int load_usage(alloc_state *s, const char *rules, const mlc_allocate_options *o)
{
	mlc_usage_options uo = MLC_USAGE_OPTIONS_INIT;
	int rc;
	if (!needs_usage(s->spec))
		return 0;
	if (!o->usage)
		return mlcu_error_set(
		    MLC_EINVAL, "%s: a pool splits by usage: give the usage CSV (--usage FILE)",
		    rules);
	uo.bucket = to_mlcu_bucket(o->bucket);
	uo.lenient = o->lenient;
	if ((rc = mlc_usage__load_file(&s->usage, o->usage, &uo)) != 0)
		return rc;
	return mlc_alloc__acc_add_usage(s->acc, s->usage);
}

int mlc_allocate_run(mlc_allocate_result **out, const char *const *files, size_t nfiles,
                     const char *rules_path, const mlc_allocate_options *opts)
{
	mlc_allocate_options def = MLC_ALLOCATE_OPTIONS_INIT;
	alloc_state *s;
	int rc;
	*out = NULL;
	if (!opts)
		opts = &def;
	if (!rules_path || !nfiles)
		return mlcu_error_set(MLC_EINVAL, "allocate: need bills and an allocation file");
	if (!(s = mlcu_calloc(1, sizeof(*s))))
		return mlcu_error_oom();
	if ((rc = mlc_alloc__load_file(&s->spec, rules_path)) != 0)
		goto done;
	if ((rc = aggregate(s, files, nfiles, rules_path, opts)) != 0)
		goto done;
	if ((rc = load_usage(s, rules_path, opts)) != 0)
		goto done;
	if ((rc = mlc_alloc__run(&s->res, s->acc)) != 0)
		goto done;
	rc = mlc_allocate__convert(s, opts);
done:
	if (rc) {
		mlc_allocate_result_free(&s->pub);
		return rc;
	}
	*out = &s->pub;
	return 0;
}

void mlc_allocate_result_free(mlc_allocate_result *r)
{
	alloc_state *s = (alloc_state *)r;
	if (!s)
		return;
	for (size_t i = 0; i < s->nerrors; i++)
		mlcu_free(s->errors[i]);
	mlcu_free(s->errors);
	mlcu_free(s->pools);
	mlcu_free(s->shares);
	mlcu_free(s->targets);
	mlcu_free(s->from_pool);
	mlcu_free(s->names);
	mlc_alloc__result_free(s->res);
	mlc_alloc__acc_free(s->acc);
	mlc_usage__free(s->usage);
	mlc_alloc__spec_free(s->spec);
	mlc_bills_result_free(s->bills);
	mlcu_free(s);
}
