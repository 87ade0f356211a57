/* SPDX-License-Identifier: MIT */
/*
 * unitcost_amortize.c - training cost spread over the requests served
 * until the next retrain (docs/unit-cost.md, "Amortization"). A training
 * cost C incurred in period p covers the window [p, p + cadence), with the
 * cadence of its model (one for all, or per model from a profile). The part
 * of the window the usage data covers, [p, min(p + cadence, usage_end)),
 * takes C * observed / cadence (straight-line in time); that part is
 * spread over the model's periods in it in proportion to their requests.
 * What the data does not cover yet, or what finds no request, stays
 * unamortized and is reported. Every split is exact (largest remainder),
 * so Σ amortized + Σ unamortized == Σ training cost.
 */
#include "allocation.h"
#include "unitcost_internal.h"
#include "util/sort.h"
#include "util/alloc.h"
#include "util/error.h"

#include <stdlib.h>

/* Training entries in report order: model (missing first), period, phase id. */
typedef struct tref {
	const char *model;
	size_t len;
	int64_t period;
	uint32_t pid;
	size_t idx;
} tref;

static int by_model_period(const void *pa, const void *pb)
{
	const tref *a = pa, *b = pb;
	int c = mlc_alloc__strcmp(a->model, a->len, b->model, b->len);
	if (c)
		return c;
	if (a->period != b->period)
		return a->period < b->period ? -1 : 1;
	return a->pid < b->pid ? -1 : a->pid > b->pid;
}

/* The usage entries of the model in [from, to) with requests, as index range + weights. */
static int window_weights(mlc_u128 **w, size_t *first, size_t *n, const uc_state *st, const tref *t,
                          int64_t to)
{
	const mlc_usage_entry *e = st->usage ? mlc_usage__entries(st->usage) : NULL;
	size_t f = 0,
	       cnt = st->usage && t->model ? mlc_usage__model_range(st->usage, t->model, t->len, &f)
	                                   : 0,
	       i, k = 0;
	*w = NULL;
	*n = 0;
	while (cnt && e[f].period < t->period)
		f++, cnt--;
	while (cnt && e[f + cnt - 1].period >= to)
		cnt--;
	*first = f;
	if (cnt == 0)
		return 0;
	if (!(*w = mlcu_calloc(cnt, sizeof(**w))))
		return mlcu_error_oom();
	for (i = 0; i < cnt; i++)
		k += ((*w)[i] = e[f + i].requests) != 0;
	*n = k ? cnt : 0;
	return 0;
}

/* Spread the observed part over the window's requests; the cells receive it. */
static int spread(mlc_unitcost_training *tr, uc_state *st, const tref *t, mlcu_money observed)
{
	const mlc_usage_entry *e = st->usage ? mlc_usage__entries(st->usage) : NULL;
	mlc_u128 *w = NULL;
	mlcu_money *part = NULL;
	size_t first, n, i;
	int rc;
	if ((rc = window_weights(&w, &first, &n, st, t, tr->observed_end)) != 0 || n == 0)
		goto done; /* no request in the window: all of it stays unamortized */
	if (!(part = mlcu_calloc(n, sizeof(*part)))) {
		rc = mlcu_error_oom();
		goto done;
	}
	if ((rc = mlc_alloc__split(part, observed, w, n)) != 0)
		goto done;
	for (i = 0; i < n; i++) {
		if (w[i] == 0)
			continue;
		if ((rc = mlc_unitcost__charge(st, e[first + i].period, 0, t->model, t->len,
		                               part[i], part[i])) != 0 ||
		    (st->o->by_phase &&
		     (rc = mlc_unitcost__charge(st, e[first + i].period, t->pid + 1, t->model,
		                                t->len, part[i], part[i])) != 0))
			goto done;
		tr->requests += e[first + i].requests; /* ≤ the file's total: no overflow */
	}
	tr->amortized = observed;
done:
	mlcu_free(w);
	mlcu_free(part);
	return rc;
}

/* One training cost: the time split, then the request split. */
static int amortize_one(mlc_unitcost_training *tr, uc_state *st, const tref *t)
{
	int64_t cadence = mlc_unitcost__cadence_of(st->o, t->model, t->len), obs;
	mlcu_money parts[2] = {0, 0};
	int rc;
	tr->window_end = t->period + cadence;
	tr->observed_end = tr->window_end < st->usage_end ? tr->window_end : st->usage_end;
	obs = tr->observed_end > t->period ? tr->observed_end - t->period : 0;
	if (obs < cadence) {
		mlc_u128 w[2] = {(mlc_u128)obs, (mlc_u128)(cadence - obs)};
		if ((rc = mlc_alloc__split(parts, tr->cost, w, 2)) != 0)
			return rc;
	} else {
		parts[0] = tr->cost;
	}
	if (obs > 0 && (rc = spread(tr, st, t, parts[0])) != 0)
		return rc;
	tr->unamortized = tr->cost - tr->amortized;
	return 0;
}

int mlc_unitcost__amortize(uc_report *rep, uc_state *st)
{
	size_t i, n = mlc_alloc__km_count(st->train);
	tref *order;
	int rc = 0;
	if (n == 0)
		return 0;
	if (!(order = mlcu_calloc(n, sizeof(*order))) ||
	    !(rep->training = mlcu_calloc(n, sizeof(*rep->training)))) {
		mlcu_free(order);
		return mlcu_error_oom();
	}
	for (i = 0; i < n; i++) {
		order[i].model = mlc_alloc__km_str(st->train, i, &order[i].len);
		order[i].period = mlc_alloc__km_period(st->train, i);
		order[i].pid = mlc_alloc__km_tag(st->train, i);
		order[i].idx = i;
	}
	mlcu_qsort(order, n, sizeof(*order), by_model_period);
	for (i = 0; i < n && rc == 0; i++) {
		mlc_unitcost_training *tr = &rep->training[i];
		const uc_train *c = mlc_alloc__km_payload(st->train, order[i].idx);
		tr->model = order[i].model;
		tr->phase = mlc_alloc__km_str(st->phases, order[i].pid, NULL);
		tr->period = order[i].period;
		tr->cost = c->cost;
		rc = amortize_one(tr, st, &order[i]);
		rep->pub.ntraining = i + 1;
	}
	rep->pub.training = rep->training;
	mlcu_free(order);
	return rc;
}
