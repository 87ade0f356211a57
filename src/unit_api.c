/* SPDX-License-Identifier: MIT */
/*
 * unit_api.c - mlc_unit_run (include/mlcost/unit.h): the glue of `mlcost
 * unit`. Asks the attribution engine for the bills grouped by the model
 * tag, the lifecycle-phase tag and the time bucket, loads the usage CSV
 * with the same bucket, hands both to the unit-cost module (join,
 * amortization, exact division) and converts its report to the public,
 * exact types.
 *
 * The bills come from a source (bills_internal.h): files here, the cost
 * ledger in store_bills.c (mlc_ledger_unit).
 *
 * What it is not: the unit-cost arithmetic (unitcost*.c), a bill reader
 * (bills_*.c) or a writer (unit_api_write.c).
 */
#include "allocate_api.h"

#include <stdio.h>
#include <string.h>

#include "unitcost.h"
#include "util/alloc.h"
#include "util/error.h"

typedef struct unit_state {
	mlc_unit_result pub;
	mlc_bills_result *bills;
	mlc_usage *usage;
	mlc_unitcost_report *rep;
	mlc_unitcost_input *in;
	mlc_unit_row *rows; /* rows, phase_rows, models, model_phases in one array */
	mlc_unit_training *training;
	char **errors;
	size_t nerrors;
	char by[2][160];
	/* the options' per-model cadences, copied: the engine's and the result's */
	mlc_unitcost_cadence *cad;
	mlc_unit_cadence *pub_cad;
	char *cad_names;
	size_t ncad;
} unit_state;

#define MAX_CADENCES 65536 /* models with a cadence of their own */

static int aggregate(unit_state *s, bills_source_fn source, void *ctx, const mlc_unit_options *o)
{
	mlc_bills_options bo = MLC_BILLS_OPTIONS_INIT;
	const char *by[2] = {s->by[0], s->by[1]};
	const char *mt = o->model_tag ? o->model_tag : "model_id";
	const char *pt = o->phase_tag ? o->phase_tag : "lifecycle_phase";
	int rc;
	if (strlen(mt) > 150 || strlen(pt) > 150)
		return mlcu_error_set(MLC_EINVAL, "unit: tag key too long");
	snprintf(s->by[0], sizeof(s->by[0]), "%s%s", strncmp(mt, "tag:", 4) ? "tag:" : "", mt);
	snprintf(s->by[1], sizeof(s->by[1]), "%s%s", strncmp(pt, "tag:", 4) ? "tag:" : "", pt);
	bo.by = by;
	bo.nby = 2;
	bo.bucket = o->bucket == MLC_BUCKET_NONE ? MLC_BUCKET_DAY : o->bucket;
	bo.bases = &o->basis;
	bo.nbases = 1;
	bo.aliases = o->aliases;
	bo.lenient = o->lenient;
	bo.threads = o->threads;
	if (o->version >= 2) { /* a version 1 struct ends before */
		bo.progress = o->progress;
		bo.progress_ctx = o->progress_ctx;
	}
	if ((rc = source(&s->bills, &bo, ctx)) != 0)
		return rc;
	if (!(s->in = mlcu_calloc(s->bills->ngroups + 1, sizeof(*s->in))))
		return mlcu_error_oom();
	for (size_t g = 0; g < s->bills->ngroups; g++) {
		const mlc_bills_group *gr = &s->bills->groups[g];
		s->in[g].model.ptr = gr->values[0];
		s->in[g].model.len = gr->values[0] ? gr->lens[0] : 0;
		s->in[g].phase.ptr = gr->values[1];
		s->in[g].phase.len = gr->values[1] ? gr->lens[1] : 0;
		s->in[g].period = gr->bucket;
		s->in[g].cost = mlc_bills__money(gr->cost[0]);
	}
	return 0;
}

static void convert_row(mlc_unit_row *o, const mlc_unitcost_row *in)
{
	o->model = in->model;
	o->period = in->period;
	o->phase = (in->flags & MLC_UNITCOST_ALL_PHASES) ? NULL : in->phase;
	o->flags = ((in->flags & MLC_UNITCOST_NO_USAGE) ? MLC_UNIT_NO_USAGE : 0) |
	           ((in->flags & MLC_UNITCOST_NO_COST) ? MLC_UNIT_NO_COST : 0);
	o->cost = mlc_bills__amount(in->cost);
	o->training = mlc_bills__amount(in->training);
	o->requests = in->requests;
	o->input_tokens = in->input_tokens;
	o->output_tokens = in->output_tokens;
	o->per_request = mlc_bills__amount(in->per_request);
	o->per_1k = mlc_bills__amount(in->per_1k);
}

static const mlc_unit_row *convert_rows(mlc_unit_row **next, const mlc_unitcost_row *in, size_t n)
{
	mlc_unit_row *first = *next;
	for (size_t i = 0; i < n; i++)
		convert_row(&first[i], &in[i]);
	*next += n;
	return first;
}

static int same_cell(const mlc_unitcost_row *a, const mlc_unitcost_row *b)
{
	if (a->period != b->period || !a->model != !b->model)
		return 0;
	return !a->model ||
	       (a->model_len == b->model_len && !memcmp(a->model, b->model, a->model_len));
}

/* Phase rows with the usage-only (NO_COST) cells of `all` merged in, phase
 * missing, so that usage with no cost is listed in the per-phase view too.
 * Both lists are sorted by model, then period. */
static const mlc_unit_row *merge_phases(mlc_unit_row **next, size_t *nout,
                                        const mlc_unitcost_row *all, size_t nall,
                                        const mlc_unitcost_row *ph, size_t nph)
{
	mlc_unit_row *first = *next;
	size_t k = 0, j = 0;
	for (size_t i = 0; i < nall; i++) {
		if (all[i].flags & MLC_UNITCOST_NO_COST) {
			convert_row(&first[k++], &all[i]);
			first[k - 1].phase = NULL;
			continue;
		}
		while (j < nph && same_cell(&ph[j], &all[i]))
			convert_row(&first[k++], &ph[j++]);
	}
	while (j < nph)
		convert_row(&first[k++], &ph[j++]);
	*next += k;
	*nout = k;
	return first;
}

static int convert(unit_state *s, const mlc_unit_options *o, int64_t cadence)
{
	const mlc_unitcost_report *r = s->rep;
	mlc_unit_result *p = &s->pub;
	size_t n = 2 * r->nrows + r->nphase_rows + 2 * r->nmodels + r->nmodel_phases;
	mlc_unit_row *next;
	if (!(s->rows = mlcu_calloc(n + 1, sizeof(*s->rows))) ||
	    !(s->training = mlcu_calloc(r->ntraining + 1, sizeof(*s->training))))
		return mlcu_error_oom();
	next = s->rows;
	p->rows = convert_rows(&next, r->rows, p->nrows = r->nrows);
	p->models = convert_rows(&next, r->models, p->nmodels = r->nmodels);
	if (o->by_phase) {
		p->phase_rows = merge_phases(&next, &p->nphase_rows, r->rows, r->nrows,
		                             r->phase_rows, r->nphase_rows);
		p->model_phases = merge_phases(&next, &p->nmodel_phases, r->models, r->nmodels,
		                               r->model_phases, r->nmodel_phases);
	}
	for (size_t i = 0; i < r->ntraining; i++) {
		const mlc_unitcost_training *t = &r->training[i];
		s->training[i].model = t->model;
		s->training[i].period = t->period;
		s->training[i].window_end = t->window_end;
		s->training[i].cost = mlc_bills__amount(t->cost);
		s->training[i].amortized = mlc_bills__amount(t->amortized);
		s->training[i].unamortized = mlc_bills__amount(t->unamortized);
		s->training[i].requests = t->requests;
	}
	p->training = s->training;
	p->ntraining = r->ntraining;
	p->cadences = s->pub_cad;
	p->ncadences = s->ncad;
	p->bucket = o->bucket == MLC_BUCKET_NONE ? MLC_BUCKET_DAY : o->bucket;
	p->basis = o->basis;
	p->currency = s->bills->currency;
	p->by_phase = o->by_phase;
	p->retrain_every = cadence;
	p->cost_in = mlc_bills__amount(r->cost_in);
	p->cost_charged = mlc_bills__amount(r->cost_charged);
	p->unamortized = mlc_bills__amount(r->unamortized);
	p->requests = r->requests;
	p->rows_read = s->bills->rows_read;
	p->rows_skipped = s->bills->rows_skipped;
	p->usage_rows_read = mlc_usage__stats(s->usage)->rows_read;
	p->usage_rows_skipped = mlc_usage__stats(s->usage)->rows_skipped;
	return 0;
}

static int compute(unit_state *s, const char *usage_path, const mlc_unit_options *o,
                   int64_t cadence)
{
	mlc_usage_options uo = MLC_USAGE_OPTIONS_INIT;
	mlc_unitcost_options co = MLC_UNITCOST_OPTIONS_INIT;
	int rc;
	uo.bucket = mlc_allocate__bucket(o->bucket == MLC_BUCKET_NONE ? MLC_BUCKET_DAY : o->bucket);
	uo.lenient = o->lenient;
	if ((rc = mlc_usage__load_file(&s->usage, usage_path, &uo)) != 0)
		return rc;
	co.bucket = uo.bucket;
	co.by_phase = o->by_phase;
	co.retrain_every = cadence;
	co.cadences = s->cad;
	co.ncadences = s->ncad;
	if (o->training_phase)
		co.training_phase = o->training_phase;
	return mlc_unitcost__compute(&s->rep, s->in, s->bills->ngroups, s->usage, &co);
}

/* The options' per-model cadences (none when retrain_every wins), checked and
 * copied: the result outlives the caller's profile. */
static int copy_cadences(unit_state *s, const mlc_unit_options *o)
{
	size_t i, bytes = 0, n = o->version >= 2 && !o->retrain_every ? o->ncadences : 0;
	char *p;
	if (n > MAX_CADENCES)
		return mlcu_error_set(MLC_ETOOLARGE, "unit: %zu cadences; at most %d", n,
		                      MAX_CADENCES);
	for (i = 0; i < n; i++) {
		const mlc_unit_cadence *c = &o->cadences[i];
		if (!c->model || c->seconds <= 0 || c->seconds > MLC_UNITCOST_MAX_CADENCE)
			return mlcu_error_set(MLC_EINVAL,
			                      "unit: cadence %zu: needs a model and "
			                      "1 s .. 100 years",
			                      i + 1);
		bytes += strlen(c->model) + 1;
	}
	if (n == 0)
		return 0;
	if (!(s->cad = mlcu_calloc(n, sizeof(*s->cad))) ||
	    !(s->pub_cad = mlcu_calloc(n, sizeof(*s->pub_cad))) ||
	    !(s->cad_names = mlcu_malloc(bytes)))
		return mlcu_error_oom();
	for (i = 0, p = s->cad_names; i < n; i++) {
		size_t len = strlen(o->cadences[i].model);
		memcpy(p, o->cadences[i].model, len + 1);
		s->cad[i].model = s->pub_cad[i].model = p;
		s->cad[i].len = len;
		s->cad[i].seconds = s->pub_cad[i].seconds = o->cadences[i].seconds;
		p += len + 1;
	}
	s->ncad = n;
	return 0;
}

int mlc_unit_parse_cadence(int64_t *out, const char *text)
{
	return mlc_unitcost__parse_cadence(out, text);
}

static int from_files(mlc_bills_result **out, const mlc_bills_options *o, void *ctx)
{
	const bills_files *f = ctx;
	return mlc_bills_aggregate(out, f->files, f->nfiles, o);
}

int mlc_unit_run(mlc_unit_result **out, const char *const *files, size_t nfiles,
                 const char *usage_path, const mlc_unit_options *opts)
{
	bills_files f = {files, nfiles};
	*out = NULL;
	if (!nfiles)
		return mlcu_error_set(MLC_EINVAL, "unit: need bills and a usage file");
	return mlc_unit__run(out, from_files, &f, usage_path, opts);
}

int mlc_unit__run(mlc_unit_result **out, bills_source_fn source, void *ctx, const char *usage_path,
                  const mlc_unit_options *opts)
{
	mlc_unit_options def = MLC_UNIT_OPTIONS_INIT;
	int64_t cadence = 0;
	unit_state *s;
	int rc;
	*out = NULL;
	if (!opts)
		opts = &def;
	if (!usage_path)
		return mlcu_error_set(MLC_EINVAL, "unit: need bills and a usage file");
	if (opts->retrain_every && (rc = mlc_unit_parse_cadence(&cadence, opts->retrain_every)))
		return rc;
	if (!(s = mlcu_calloc(1, sizeof(*s))))
		return mlcu_error_oom();
	if ((rc = copy_cadences(s, opts)) != 0 || (rc = aggregate(s, source, ctx, opts)) != 0 ||
	    (rc = compute(s, usage_path, opts, cadence)) != 0 || (rc = convert(s, opts, cadence)))
		goto done;
	rc = mlc_allocate__collect_errors(&s->errors, &s->nerrors, s->bills, s->usage);
	s->pub.errors = (const char *const *)s->errors;
	s->pub.nerrors = s->nerrors;
done:
	if (rc) {
		mlc_unit_result_free(&s->pub);
		return rc;
	}
	*out = &s->pub;
	return 0;
}

void mlc_unit_result_free(mlc_unit_result *r)
{
	unit_state *s = (unit_state *)r;
	if (!s)
		return;
	for (size_t i = 0; i < s->nerrors; i++)
		mlcu_free(s->errors[i]);
	mlcu_free(s->errors);
	mlcu_free(s->rows);
	mlcu_free(s->training);
	mlcu_free(s->cad);
	mlcu_free(s->pub_cad);
	mlcu_free(s->cad_names);
	mlc_unitcost__report_free(s->rep);
	mlcu_free(s->in);
	mlc_usage__free(s->usage);
	mlc_bills_result_free(s->bills);
	mlcu_free(s);
}
