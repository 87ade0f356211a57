/* SPDX-License-Identifier: MIT */
/*
 * budget_live.c - a budgets file mapped onto event fields, its model
 * index, matching and calendar periods. See budget_live.h. The spend of a
 * budget is budget_live_spend.c's.
 */
#include "budget_live.h"
#include "auth.h"
#include "serve_error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

typedef struct live_budget {
	const char **values[MLCD_DIM_COUNT]; /* NULL: the field is not filtered */
	size_t nvalues[MLCD_DIM_COUNT];
	int has_missing_model; /* model: "" among its values */
} live_budget;

typedef struct model_ref {
	const char *model;
	size_t budget;
} model_ref;

struct mlcd_budget_set {
	mlc_budgets *b;
	live_budget *lb;
	size_t n;
	model_ref *by_model; /* sorted by model, then budget */
	size_t nby_model;
	size_t *other; /* budgets that do not name a model, or accept a missing one */
	size_t nother;
};

int mlcd_budget_key_dim(const char *key)
{
	static const struct {
		const char *name;
		int dim;
	} names[] = {{"model", MLCD_DIM_MODEL},     {"model_id", MLCD_DIM_MODEL},
	             {"team", MLCD_DIM_TEAM},       {"endpoint", MLCD_DIM_ENDPOINT},
	             {"version", MLCD_DIM_VERSION}, {"model_version", MLCD_DIM_VERSION}};
	size_t i;
	if (!strncasecmp(key, "tag:", 4))
		key += 4;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcasecmp(key, names[i].name))
			return names[i].dim;
	return -1;
}

static int map_budget(live_budget *lb, const mlc_budget *b, const char *name)
{
	size_t k, j;
	if (strcmp(b->currency, "USD"))
		return mlcd_error_set(MLC_EPARSE,
		                      "%s:%d: budget '%s': currency %s; metered events "
		                      "are priced in USD",
		                      name, b->line, b->name, b->currency);
	for (k = 0; k < b->nfilters; k++) {
		const mlc_budget_filter *f = &b->filters[k];
		int d = mlcd_budget_key_dim(f->key);
		if (d < 0)
			return mlcd_error_set(MLC_EPARSE,
			                      "%s:%d: budget '%s': filter key '%s' is not "
			                      "an event field (model, team, endpoint, version); "
			                      "mlcost serve cannot enforce it",
			                      name, b->line, b->name, f->key);
		if (lb->values[d])
			return mlcd_error_set(MLC_EPARSE,
			                      "%s:%d: budget '%s': two filter keys name "
			                      "the same event field ('%s')",
			                      name, b->line, b->name, f->key);
		if (!(lb->values[d] = calloc(f->nvalues ? f->nvalues : 1, sizeof(char *))))
			return mlcd_error_set(MLC_ENOMEM, "out of memory");
		for (j = 0; j < f->nvalues; j++) {
			const char *v = f->values[j];
			lb->values[d][j] = *v ? v : NULL; /* "" = the event has none */
			if (!*v && d == MLCD_DIM_MODEL)
				lb->has_missing_model = 1;
		}
		lb->nvalues[d] = f->nvalues;
	}
	return 0;
}

static int cmp_ref(const void *a, const void *b)
{
	const model_ref *x = a, *y = b;
	int c = strcmp(x->model, y->model);
	return c ? c : (x->budget > y->budget) - (x->budget < y->budget);
}

static int build_index(mlcd_budget_set *bs)
{
	size_t i, j, nrefs = 0, w = 0;
	for (i = 0; i < bs->n; i++)
		nrefs += bs->lb[i].nvalues[MLCD_DIM_MODEL];
	if ((nrefs && !(bs->by_model = calloc(nrefs, sizeof(model_ref)))) ||
	    (bs->n && !(bs->other = calloc(bs->n, sizeof(size_t)))))
		return mlcd_error_set(MLC_ENOMEM, "out of memory");
	for (i = 0; i < bs->n; i++) {
		const live_budget *lb = &bs->lb[i];
		if (!lb->values[MLCD_DIM_MODEL] || lb->has_missing_model)
			bs->other[bs->nother++] = i;
		for (j = 0; j < lb->nvalues[MLCD_DIM_MODEL]; j++)
			if (lb->values[MLCD_DIM_MODEL][j]) {
				bs->by_model[bs->nby_model].model = lb->values[MLCD_DIM_MODEL][j];
				bs->by_model[bs->nby_model++].budget = i;
			}
	}
	if (bs->nby_model)
		qsort(bs->by_model, bs->nby_model, sizeof(model_ref), cmp_ref);
	for (i = 0; i < bs->nby_model; i++) /* one entry per (model, budget) */
		if (!w || cmp_ref(&bs->by_model[w - 1], &bs->by_model[i]))
			bs->by_model[w++] = bs->by_model[i];
	bs->nby_model = w;
	return 0;
}

int mlcd_budget_set_from(mlcd_budget_set **out, mlc_budgets *b, const char *name)
{
	mlcd_budget_set *bs;
	size_t i;
	int rc = 0;
	*out = NULL;
	if (!(bs = calloc(1, sizeof(*bs)))) {
		mlc_budgets_free(b);
		return mlcd_error_set(MLC_ENOMEM, "out of memory");
	}
	bs->b = b;
	bs->n = mlc_budgets_count(b);
	if (bs->n && !(bs->lb = calloc(bs->n, sizeof(live_budget)))) {
		rc = mlcd_error_set(MLC_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < bs->n && !rc; i++)
		rc = map_budget(&bs->lb[i], mlc_budgets_get(b, i), name);
	if (!rc)
		rc = build_index(bs);
done:
	if (rc)
		mlcd_budget_set_free(bs);
	else
		*out = bs;
	return rc;
}

int mlcd_budget_set_load(mlcd_budget_set **out, const char *path)
{
	mlc_budgets *b = NULL;
	int rc;
	*out = NULL;
	if ((rc = mlc_budgets_load_file(&b, path)) != 0)
		return mlcd_error_lib(rc);
	return mlcd_budget_set_from(out, b, path);
}

void mlcd_budget_set_free(mlcd_budget_set *bs)
{
	size_t i, d;
	if (!bs)
		return;
	for (i = 0; bs->lb && i < bs->n; i++)
		for (d = 0; d < MLCD_DIM_COUNT; d++)
			free(bs->lb[i].values[d]);
	free(bs->lb);
	free(bs->by_model);
	free(bs->other);
	mlc_budgets_free(bs->b);
	free(bs);
}

size_t mlcd_budget_set_count(const mlcd_budget_set *bs)
{
	return bs ? bs->n : 0;
}

const mlc_budget *mlcd_budget_set_get(const mlcd_budget_set *bs, size_t i)
{
	return mlc_budgets_get(bs->b, i);
}

const char *const *mlcd_budget_values(const mlcd_budget_set *bs, size_t i, mlcd_dim d, size_t *n)
{
	*n = bs->lb[i].nvalues[d];
	return (const char *const *)bs->lb[i].values[d];
}

static int value_in(const char *v, const char *const *vals, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (v ? (vals[i] && !strcmp(vals[i], v)) : !vals[i])
			return 1;
	return 0;
}

static int matches(const mlcd_budget_set *bs, size_t i, const char *const vals[MLCD_DIM_COUNT])
{
	int d;
	for (d = 0; d < MLCD_DIM_COUNT; d++)
		if (bs->lb[i].values[d] &&
		    !value_in(vals[d], (const char *const *)bs->lb[i].values[d],
		              bs->lb[i].nvalues[d]))
			return 0;
	return 1;
}

/* First entry of by_model for model, or nby_model. */
static size_t lower_bound(const mlcd_budget_set *bs, const char *model)
{
	size_t lo = 0, hi = bs->nby_model;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(bs->by_model[mid].model, model) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int mlcd_budget_set_each_applicable(const mlcd_budget_set *bs,
                                    const char *const vals[MLCD_DIM_COUNT], mlcd_budget_fn fn,
                                    void *ctx)
{
	size_t a = 0, b = 0, aend = 0, i;
	int rc;
	if (!bs)
		return 0;
	if (vals[MLCD_DIM_MODEL]) {
		a = lower_bound(bs, vals[MLCD_DIM_MODEL]);
		for (aend = a; aend < bs->nby_model &&
		               !strcmp(bs->by_model[aend].model, vals[MLCD_DIM_MODEL]);
		     aend++)
			;
	}
	/* merge the two ascending lists of candidates, so budgets come in file order */
	while (a < aend || b < bs->nother) {
		if (b >= bs->nother || (a < aend && bs->by_model[a].budget < bs->other[b]))
			i = bs->by_model[a++].budget;
		else
			i = bs->other[b++];
		if (matches(bs, i, vals) && (rc = fn(i, ctx)) != 0)
			return rc;
	}
	return 0;
}

int mlcd_budget_visible(const mlcd_budget_set *bs, size_t i, const mlcd_token *t)
{
	const live_budget *lb = &bs->lb[i];
	size_t j;
	if (!t || !t->teams)
		return 1;
	if (!lb->values[MLCD_DIM_TEAM])
		return 0;
	for (j = 0; j < lb->nvalues[MLCD_DIM_TEAM]; j++)
		if (!mlcd_auth_team_allowed(t, lb->values[MLCD_DIM_TEAM][j]))
			return 0;
	return 1;
}

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

void mlcd_budget_period(int64_t *start, int64_t *end, mlc_budget_period p, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	int64_t y;
	int m0, len;
	gmtime_r(&tt, &tm);
	y = (int64_t)tm.tm_year + 1900;
	len = p == MLC_BUDGET_MONTH ? 1 : p == MLC_BUDGET_QUARTER ? 3 : 12;
	m0 = tm.tm_mon - tm.tm_mon % len;
	*start = days_from_civil(y, (unsigned)m0 + 1, 1) * 86400;
	*end = days_from_civil(y + (m0 + len) / 12, (unsigned)((m0 + len) % 12) + 1, 1) * 86400;
}
