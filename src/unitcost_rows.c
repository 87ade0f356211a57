/* SPDX-License-Identifier: MIT */
/*
 * unitcost_rows.c - the report tables of a unit-cost computation: per
 * (model, period), per (model, period, phase), per model and per (model,
 * phase), each with exact sums and half-even ratios, sorted for stable
 * output (model missing first then bytewise, period, phase).
 */
#include "unitcost_internal.h"
#include "util/sort.h"
#include "util/alloc.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

typedef struct cref {
	const char *model, *phase;
	size_t mlen, plen;
	int64_t period;
	uint32_t tag;
	size_t idx;
} cref;

static int by_model_period_phase(const void *pa, const void *pb)
{
	const cref *a = pa, *b = pb;
	int c = mlc_alloc__strcmp(a->model, a->mlen, b->model, b->mlen);
	if (c)
		return c;
	if (a->period != b->period)
		return a->period < b->period ? -1 : 1;
	if ((a->tag == 0) != (b->tag == 0))
		return a->tag == 0 ? -1 : 1;
	return mlc_alloc__strcmp(a->phase, a->plen, b->phase, b->plen);
}

static int by_model_phase_period(const void *pa, const void *pb)
{
	const cref *a = pa, *b = pb;
	int c = mlc_alloc__strcmp(a->model, a->mlen, b->model, b->mlen);
	if (c)
		return c;
	if ((c = mlc_alloc__strcmp(a->phase, a->plen, b->phase, b->plen)) != 0)
		return c;
	return a->period < b->period ? -1 : a->period > b->period;
}

static int too_large(void)
{
	return mlcu_error_set(MLC_ETOOLARGE, "unit cost: a sum overflows");
}

/* Flags and ratios of a row whose sums are set. */
static int finish_row(mlc_unitcost_row *r, int has_cost)
{
	int rc;
	if (!has_cost)
		r->flags |= MLC_UNITCOST_NO_COST;
	if (r->requests == 0) {
		r->flags |= MLC_UNITCOST_NO_USAGE;
		return 0;
	}
	if ((rc = mlc_unitcost__ratio(&r->per_request, r->cost, 1, r->requests)) != 0 ||
	    (rc = mlc_unitcost__ratio(&r->per_1k, r->cost, 1000, r->requests)) != 0)
		return rc == MLC_ETOOLARGE ? too_large() : rc;
	return 0;
}

/* Add row src into the aggregate dst (same model). */
static int accumulate(mlc_unitcost_row *dst, const mlc_unitcost_row *src)
{
	if (mlcu_money_add(&dst->cost, src->cost) ||
	    mlcu_money_add(&dst->training, src->training) ||
	    __builtin_add_overflow(dst->requests, src->requests, &dst->requests) ||
	    __builtin_add_overflow(dst->input_tokens, src->input_tokens, &dst->input_tokens) ||
	    __builtin_add_overflow(dst->output_tokens, src->output_tokens, &dst->output_tokens))
		return too_large();
	return 0;
}

/* Every cell, sorted; *nall cells of which *nphase have a phase tag. */
static int cell_refs(cref **out, size_t *nphase, const uc_state *st)
{
	size_t i, n = mlc_alloc__km_count(st->cells);
	cref *r = mlcu_calloc(n ? n : 1, sizeof(*r));
	if (!r)
		return mlcu_error_oom();
	*nphase = 0;
	for (i = 0; i < n; i++) {
		r[i].model = mlc_alloc__km_str(st->cells, i, &r[i].mlen);
		r[i].period = mlc_alloc__km_period(st->cells, i);
		r[i].tag = mlc_alloc__km_tag(st->cells, i);
		r[i].idx = i;
		if (r[i].tag)
			r[i].phase = mlc_alloc__km_str(st->phases, r[i].tag - 1, &r[i].plen);
		*nphase += r[i].tag != 0;
	}
	mlcu_qsort(r, n, sizeof(*r), by_model_period_phase);
	*out = r;
	return 0;
}

/* A row from a cell; phase rows take requests from their (model, period) cell. */
static int cell_row(mlc_unitcost_row *row, const uc_state *st, const cref *c)
{
	const uc_cell *cell = mlc_alloc__km_payload(st->cells, c->idx), *all = cell;
	size_t k;
	if (c->tag && mlc_alloc__km_find(&k, st->cells, c->period, 0, c->model, c->mlen) == 0)
		all = mlc_alloc__km_payload(st->cells, k);
	memset(row, 0, sizeof(*row));
	row->model = c->model;
	row->model_len = c->mlen;
	row->period = c->period;
	row->phase = c->phase;
	row->flags = c->tag ? 0 : MLC_UNITCOST_ALL_PHASES;
	row->cost = cell->cost;
	row->training = cell->training;
	row->requests = all->requests;
	row->input_tokens = all->input_tokens;
	row->output_tokens = all->output_tokens;
	return finish_row(row, cell->has_cost);
}

/* Per-model totals of the (model, period) rows, which are sorted by model. */
static int model_totals(uc_report *rep)
{
	const mlc_unitcost_row *rows = rep->rows;
	size_t i = 0, n = rep->pub.nrows, m = 0;
	int rc;
	if (!(rep->models = mlcu_calloc(n ? n : 1, sizeof(*rep->models))))
		return mlcu_error_oom();
	while (i < n) {
		mlc_unitcost_row *t = &rep->models[m++];
		int has_cost = 0;
		size_t j = i;
		t->model = rows[i].model;
		t->model_len = rows[i].model_len;
		t->flags = MLC_UNITCOST_ALL_PHASES;
		for (; j < n &&
		       !mlc_alloc__strcmp(rows[j].model, rows[j].model_len, t->model, t->model_len);
		     j++) {
			if ((rc = accumulate(t, &rows[j])) != 0)
				return rc;
			has_cost |= !(rows[j].flags & MLC_UNITCOST_NO_COST);
		}
		if ((rc = finish_row(t, has_cost)) != 0)
			return rc;
		i = j;
	}
	rep->pub.models = rep->models;
	rep->pub.nmodels = m;
	return 0;
}

/* The per-model row of model (binary search over the sorted models). */
static const mlc_unitcost_row *find_model(const uc_report *rep, const char *model, size_t len)
{
	size_t lo = 0, hi = rep->pub.nmodels;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = mlc_alloc__strcmp(rep->models[mid].model, rep->models[mid].model_len, model,
		                          len);
		if (c == 0)
			return &rep->models[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Per (model, phase) totals of the phase cells p[0..n), over the model's requests. */
static int model_phase_totals(uc_report *rep, const uc_state *st, cref *p, size_t n)
{
	size_t i = 0, m = 0;
	int rc;
	mlcu_qsort(p, n, sizeof(*p), by_model_phase_period);
	if (!(rep->model_phases = mlcu_calloc(n ? n : 1, sizeof(*rep->model_phases))))
		return mlcu_error_oom();
	while (i < n) {
		mlc_unitcost_row *t = &rep->model_phases[m++];
		const mlc_unitcost_row *all = find_model(rep, p[i].model, p[i].mlen);
		int has_cost = 0;
		size_t j;
		t->model = p[i].model;
		t->model_len = p[i].mlen;
		t->phase = p[i].phase;
		for (j = i;
		     j < n && !mlc_alloc__strcmp(p[j].model, p[j].mlen, p[i].model, p[i].mlen) &&
		     !mlc_alloc__strcmp(p[j].phase, p[j].plen, p[i].phase, p[i].plen);
		     j++) {
			const uc_cell *c = mlc_alloc__km_payload(st->cells, p[j].idx);
			if (mlcu_money_add(&t->cost, c->cost) ||
			    mlcu_money_add(&t->training, c->training))
				return too_large();
			has_cost |= c->has_cost;
		}
		if (all) {
			t->requests = all->requests;
			t->input_tokens = all->input_tokens;
			t->output_tokens = all->output_tokens;
		}
		if ((rc = finish_row(t, has_cost)) != 0)
			return rc;
		i = j;
	}
	rep->pub.model_phases = rep->model_phases;
	rep->pub.nmodel_phases = m;
	return 0;
}

/* The totals that prove nothing was lost: cost_in == charged + unamortized. */
static int totals(uc_report *rep, const uc_state *st)
{
	size_t i;
	rep->pub.cost_in = st->cost_in;
	rep->pub.usage_end = st->usage_end;
	for (i = 0; i < rep->pub.nrows; i++)
		if (mlcu_money_add(&rep->pub.cost_charged, rep->rows[i].cost) ||
		    __builtin_add_overflow(rep->pub.requests, rep->rows[i].requests,
		                           &rep->pub.requests))
			return too_large();
	for (i = 0; i < rep->pub.ntraining; i++)
		if (mlcu_money_add(&rep->pub.unamortized, rep->training[i].unamortized))
			return too_large();
	return 0;
}

int mlc_unitcost__build_rows(uc_report *rep, const uc_state *st)
{
	cref *refs = NULL;
	size_t n = mlc_alloc__km_count(st->cells), nphase = 0, i, a = 0, b = 0;
	int rc;
	if ((rc = cell_refs(&refs, &nphase, st)) != 0)
		return rc;
	if (!(rep->rows = mlcu_calloc(n - nphase + 1, sizeof(*rep->rows))) ||
	    !(rep->phase_rows = mlcu_calloc(nphase + 1, sizeof(*rep->phase_rows)))) {
		rc = mlcu_error_oom();
		goto done;
	}
	for (i = 0; i < n; i++) {
		mlc_unitcost_row *row = refs[i].tag ? &rep->phase_rows[b++] : &rep->rows[a++];
		if ((rc = cell_row(row, st, &refs[i])) != 0)
			goto done;
	}
	rep->pub.rows = rep->rows;
	rep->pub.nrows = a;
	rep->pub.phase_rows = rep->phase_rows;
	rep->pub.nphase_rows = b;
	/* the phase cells, gathered for the per-(model, phase) totals */
	for (i = 0, b = 0; i < n; i++)
		if (refs[i].tag)
			refs[b++] = refs[i];
	if ((rc = model_totals(rep)) != 0 || (rc = model_phase_totals(rep, st, refs, b)) != 0)
		goto done;
	rc = totals(rep, st);
done:
	mlcu_free(refs);
	return rc;
}
