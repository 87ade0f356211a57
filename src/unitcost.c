/* SPDX-License-Identifier: MIT */
/*
 * unitcost.c - the driver of `mlcost unit`'s arithmetic (unitcost.h):
 * usage into (model, period) cells, costs into the same cells (and into
 * per-phase cells, or set aside as training to amortize), then the
 * amortization and the report tables (unitcost_amortize.c,
 * unitcost_rows.c).
 */
#include "unitcost.h"
#include "unitcost_internal.h"
#include "util/alloc.h"
#include "util/error.h"

#include <string.h>
#include <strings.h>

int mlc_unitcost__charge(uc_state *st, int64_t period, uint32_t tag, const char *model, size_t len,
                         mlcu_money cost, mlcu_money training)
{
	uc_cell *c;
	size_t i;
	int rc;
	if ((rc = mlc_alloc__km_get(&i, NULL, st->cells, period, tag, model, len)) != 0)
		return rc == MLC_ETOOLARGE ? mlcu_error_prefix("unit cost: ") : rc;
	c = mlc_alloc__km_payload(st->cells, i);
	if (mlcu_money_add(&c->cost, cost) != 0 || mlcu_money_add(&c->training, training) != 0)
		return mlcu_error_set(MLC_ETOOLARGE, "unit cost: a cost sum overflows");
	c->has_cost = 1;
	return 0;
}

static int add_usage(uc_state *st)
{
	const mlc_usage_entry *e = mlc_usage__entries(st->usage);
	size_t i, k, n = mlc_usage__count(st->usage);
	int rc;
	for (i = 0; i < n; i++) {
		uc_cell *c;
		int64_t end = mlc_unitcost__bucket_next(e[i].period, st->o->bucket);
		if ((rc = mlc_alloc__km_get(&k, NULL, st->cells, e[i].period, 0, e[i].model,
		                            e[i].model_len)) != 0)
			return rc == MLC_ETOOLARGE ? mlcu_error_prefix("unit cost: ") : rc;
		c = mlc_alloc__km_payload(st->cells, k);
		c->requests = e[i].requests;
		c->input_tokens = e[i].input_tokens;
		c->output_tokens = e[i].output_tokens;
		if (end > st->usage_end)
			st->usage_end = end;
	}
	return 0;
}

static int is_training(const uc_state *st, mlc_span phase)
{
	const char *t = st->o->training_phase ? st->o->training_phase : "training";
	return phase.ptr && phase.len == strlen(t) && strncasecmp(phase.ptr, t, phase.len) == 0;
}

static int add_cost(uc_state *st, const mlc_unitcost_input *in)
{
	int need_phase = st->o->by_phase || st->o->retrain_every > 0 || st->o->ncadences > 0;
	mlcu_money charge = in->cost;
	size_t pid = 0, k;
	int rc;
	if (mlcu_money_add(&st->cost_in, in->cost) != 0)
		return mlcu_error_set(MLC_ETOOLARGE, "unit cost: the total cost overflows");
	if (need_phase &&
	    (rc = mlc_alloc__km_get(&pid, NULL, st->phases, 0, 0, in->phase.ptr, in->phase.len)))
		return rc == MLC_ETOOLARGE ? mlcu_error_prefix("unit cost phases: ") : rc;
	if (is_training(st, in->phase) &&
	    mlc_unitcost__cadence_of(st->o, in->model.ptr, in->model.len) > 0) {
		uc_train *t;
		if ((rc = mlc_alloc__km_get(&k, NULL, st->train, in->period, (uint32_t)pid,
		                            in->model.ptr, in->model.len)) != 0)
			return rc == MLC_ETOOLARGE ? mlcu_error_prefix("unit cost training: ") : rc;
		t = mlc_alloc__km_payload(st->train, k);
		if (mlcu_money_add(&t->cost, in->cost) != 0)
			return mlcu_error_set(MLC_ETOOLARGE, "unit cost: a training sum overflows");
		/* nothing is charged where training happens, but the model and period
		 * are listed (a model with only training cost still shows up) */
		charge = 0;
	}
	if ((rc = mlc_unitcost__charge(st, in->period, 0, in->model.ptr, in->model.len, charge,
	                               0)) != 0)
		return rc;
	if (st->o->by_phase)
		rc = mlc_unitcost__charge(st, in->period, (uint32_t)pid + 1, in->model.ptr,
		                          in->model.len, charge, 0);
	return rc;
}

static int check_options(const mlc_unitcost_options *o, const mlc_usage *usage)
{
	if (usage && mlc_usage__bucket(usage) != o->bucket)
		return mlcu_error_set(MLC_EINVAL, "unit cost: usage is bucketed by %s, costs by %s",
		                      mlcu_bucket_name(mlc_usage__bucket(usage)),
		                      mlcu_bucket_name(o->bucket));
	for (size_t i = 0; i < o->ncadences; i++)
		if (o->cadences[i].seconds <= 0 ||
		    o->cadences[i].seconds > MLC_UNITCOST_MAX_CADENCE || !o->cadences[i].model)
			return mlcu_error_set(MLC_EINVAL, "unit cost: a model's cadence must be "
			                                  "1 s .. 100 years");
	if (o->retrain_every < 0 || o->retrain_every > MLC_UNITCOST_MAX_CADENCE)
		return mlcu_error_set(MLC_EINVAL, "unit cost: the cadence must be 0 .. 100 years");
	if ((o->retrain_every > 0 || o->ncadences > 0) && o->bucket == MLCU_BUCKET_NONE)
		return mlcu_error_set(MLC_EINVAL, "unit cost: amortizing training needs a time "
		                                  "bucket (hour, day or month)");
	return 0;
}

static int run(uc_report *rep, uc_state *st, const mlc_unitcost_input *in, size_t n)
{
	size_t i;
	int rc;
	if ((rc = mlc_alloc__km_new(&st->cells, sizeof(uc_cell), MLC_UNITCOST_MAX_CELLS)) ||
	    (rc = mlc_alloc__km_new(&st->phases, 0, MLC_UNITCOST_MAX_CELLS)) ||
	    (rc = mlc_alloc__km_new(&st->train, sizeof(uc_train), MLC_UNITCOST_MAX_CELLS)))
		return rc;
	/* the report owns the maps from here on, failure or not */
	rep->cells = st->cells;
	rep->phases = st->phases;
	rep->train = st->train;
	if (st->usage && (rc = add_usage(st)) != 0)
		return rc;
	for (i = 0; i < n; i++)
		if ((rc = add_cost(st, &in[i])) != 0)
			return rc;
	if ((rc = mlc_unitcost__amortize(rep, st)) != 0)
		return rc;
	return mlc_unitcost__build_rows(rep, st);
}

int mlc_unitcost__compute(mlc_unitcost_report **out, const mlc_unitcost_input *in, size_t n,
                          const mlc_usage *usage, const mlc_unitcost_options *opts)
{
	mlc_unitcost_options def = MLC_UNITCOST_OPTIONS_INIT;
	uc_state st;
	uc_report *rep;
	int rc;
	*out = NULL;
	if (!opts)
		opts = &def;
	if ((rc = check_options(opts, usage)) != 0)
		return rc;
	if (!(rep = mlcu_calloc(1, sizeof(*rep))))
		return mlcu_error_oom();
	memset(&st, 0, sizeof(st));
	st.o = opts;
	st.usage = usage;
	if ((rc = run(rep, &st, in, n)) != 0) {
		/* maps created before the report took them over */
		if (!rep->cells)
			mlc_alloc__km_free(st.cells);
		if (!rep->phases)
			mlc_alloc__km_free(st.phases);
		if (!rep->train)
			mlc_alloc__km_free(st.train);
		mlc_unitcost__report_free(&rep->pub);
		return rc;
	}
	*out = &rep->pub;
	return 0;
}

void mlc_unitcost__report_free(mlc_unitcost_report *pub)
{
	uc_report *rep = (uc_report *)pub;
	if (!rep)
		return;
	mlcu_free(rep->rows);
	mlcu_free(rep->phase_rows);
	mlcu_free(rep->models);
	mlcu_free(rep->model_phases);
	mlcu_free(rep->training);
	mlc_alloc__km_free(rep->cells);
	mlc_alloc__km_free(rep->phases);
	mlc_alloc__km_free(rep->train);
	mlcu_free(rep);
}
