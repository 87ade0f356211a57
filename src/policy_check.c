/* SPDX-License-Identifier: MIT */
/*
 * policy_check.c - evaluates a loaded policy (mlc_policy_check): tag
 * coverage by cost over the store, cost per 1,000 requests per model,
 * budgets (actual, or forecast at period end), and hands the registry rule
 * to policy_registry.c. Every rule gives findings with their evidence; a
 * failed rule is a finding, never an error.
 *
 * Cost per 1k: the ledger keeps cost, not requests. Deployed models are
 * measured from the store's cost and a usage CSV (--usage,
 * policy_usage.c); models without requests there (not yet deployed) are
 * estimated from a cost profile (--profile, mlc_estimate_profile); with
 * neither, the rule is skipped with a finding that says so (docs/check.md).
 */
#include "policy_internal.h"
#include "mlcost/costmodel.h"
#include "util/alloc.h"
#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MSG_MAX 1024

struct mlc_policy__findings {
	mlc_policy_report pub; /* first: the report handed out is this struct */
	mlc_policy_finding *items;
	size_t cap;
};

int mlc_policy__add(mlc_policy__findings *f, const char *rule, const char *subject,
                    mlc_policy_status st, const char *fmt, ...)
{
	char msg[MSG_MAX];
	mlc_policy_finding *it;
	va_list ap;
	if (f->pub.n == MLC_POLICY_MAX_FINDINGS)
		return mlcu_error_set(MLC_ETOOLARGE, "more than %d findings",
		                      MLC_POLICY_MAX_FINDINGS);
	if (f->pub.n == f->cap) {
		size_t cap = f->cap ? 2 * f->cap : 16;
		mlc_policy_finding *p = mlcu_reallocarray(f->items, cap, sizeof(*p));
		if (!p)
			return mlcu_error_oom();
		f->items = p;
		f->cap = cap;
		f->pub.findings = p;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	it = &f->items[f->pub.n];
	it->rule = rule;
	it->status = st;
	it->subject = mlcu_strdup(subject);
	it->message = mlcu_strdup(msg);
	if (!it->subject || !it->message) {
		mlcu_free((char *)it->subject);
		mlcu_free((char *)it->message);
		return mlcu_error_oom();
	}
	f->pub.n++;
	f->pub.nfailed += st == MLC_POLICY_FAIL;
	f->pub.nskipped += st == MLC_POLICY_SKIP;
	return 0;
}

MLC_EXTERN void mlc_policy_report_free(mlc_policy_report *r)
{
	mlc_policy__findings *f = (mlc_policy__findings *)r;
	if (!f)
		return;
	for (size_t i = 0; i < f->pub.n; i++) {
		mlcu_free((char *)f->items[i].subject);
		mlcu_free((char *)f->items[i].message);
	}
	mlcu_free(f->items);
	mlcu_free(f);
}

/* Cost of the records with / without tag key, summed exactly. */
static int tag_cost(double *with, double *total, mlc_store *s, const char *key,
                    mlc_cost_basis basis)
{
	char dim[300];
	const char *by[1] = {dim};
	mlc_store_query q = MLC_STORE_QUERY_INIT;
	mlc_store_daily *d = NULL;
	mlc_amount w = {0}, t = {0};
	int rc;
	snprintf(dim, sizeof(dim), "tag:%s", key);
	q.by = by;
	q.nby = 1;
	q.basis = basis;
	if ((rc = mlc_store_daily_series(&d, s, &q)))
		return rc;
	for (size_t i = 0; i < d->nseries && !rc; i++)
		for (size_t k = 0; k < d->ndays && !rc; k++) {
			rc = mlc_amount_add(&t, d->series[i].cost[k]);
			if (!rc && d->series[i].values[0])
				rc = mlc_amount_add(&w, d->series[i].cost[k]);
		}
	*with = mlc_amount_to_double(w);
	*total = mlc_amount_to_double(t);
	mlc_store_daily_free(d);
	return rc ? mlcu_error_set(MLC_ETOOLARGE, "tag coverage: total overflows") : 0;
}

static int check_tags(mlc_policy__findings *f, const mlc_policy *p, mlc_store *s,
                      mlc_cost_basis basis)
{
	for (size_t i = 0; i < p->nkeys; i++) {
		double with = 0, total = 0, pct;
		int rc = tag_cost(&with, &total, s, p->keys[i], basis);
		if (rc)
			return rc;
		if (total == 0) {
			if ((rc = mlc_policy__add(f, "required_tags", p->keys[i], MLC_POLICY_SKIP,
			                          "the store holds no %s cost",
			                          mlc_cost_basis_name(basis))))
				return rc;
			continue;
		}
		pct = with / total * 100;
		rc = mlc_policy__add(f, "required_tags", p->keys[i],
		                     pct + 1e-9 >= p->min_coverage_pct ? MLC_POLICY_PASS
		                                                       : MLC_POLICY_FAIL,
		                     "tag '%s' on %.2f%% of %s cost (%.2f of %.2f; untagged %.2f); "
		                     "minimum %g%%",
		                     p->keys[i], pct, mlc_cost_basis_name(basis), with, total,
		                     total - with, p->min_coverage_pct);
		if (rc)
			return rc;
	}
	return 0;
}

static int limit_of(double *out, const mlc_policy *p, const char *model)
{
	for (size_t i = 0; i < p->nmodels; i++)
		if (!strcmp(p->model_names[i], model)) {
			*out = p->model_max[i];
			return 1;
		}
	*out = p->cost_default;
	return p->has_default;
}

/* A model the store and the usage file measure: cost in the window, and requests. */
static int measured(const mlc_policy__measured *m, const char *model)
{
	const mlc_policy__model_cost *c = m ? mlc_policy__measured_find(m, model) : NULL;
	return c && c->has_cost && c->requests;
}

static int in_profile(const mlc_estimate *e, const char *model)
{
	for (size_t i = 0; e && i < e->nmodels; i++)
		if (!strcmp(e->models[i].name, model))
			return 1;
	return 0;
}

/* The deployed models: measured, or why not (unless the profile has them). */
static int usage_models(mlc_policy__findings *f, const mlc_policy *p, const mlc_policy__measured *m,
                        const mlc_estimate *e, const char *usage)
{
	char from[32], to[32];
	int rc = 0;
	mlc_time_bucket_label(from, sizeof(from), m->first, MLC_BUCKET_DAY);
	mlc_time_bucket_label(to, sizeof(to), m->last, MLC_BUCKET_DAY);
	for (size_t i = 0; i < m->n && !rc; i++) {
		const mlc_policy__model_cost *c = &m->models[i];
		double lim, cost = mlc_amount_to_double(c->cost), per1k;
		if (!limit_of(&lim, p, c->model) ||
		    (!measured(m, c->model) && in_profile(e, c->model)))
			continue;
		if (!c->requests) {
			rc = mlc_policy__add(
			    f, "max_cost_per_1k", c->model, MLC_POLICY_SKIP,
			    "cost %.2f in the store but no requests in %s from %s to %s", cost,
			    usage, from, to);
		} else if (!c->has_cost) {
			rc = mlc_policy__add(
			    f, "max_cost_per_1k", c->model, MLC_POLICY_SKIP,
			    "%llu requests in %s but no cost in the store (is its cost "
			    "tagged model_id?)",
			    (unsigned long long)c->requests, usage);
		} else {
			per1k = cost * 1000 / (double)c->requests;
			rc = mlc_policy__add(f, "max_cost_per_1k", c->model,
			                     per1k <= lim ? MLC_POLICY_PASS : MLC_POLICY_FAIL,
			                     "measured %.6g %s per 1,000 requests (cost %.2f over "
			                     "%llu requests, %s to %s, "
			                     "from the store and %s); maximum %.6g",
			                     per1k, m->currency ? m->currency : "", cost,
			                     (unsigned long long)c->requests, from, to, usage, lim);
		}
	}
	return rc;
}

/* The profile's models that the usage does not measure (not yet deployed). */
static int profile_models(mlc_policy__findings *f, const mlc_policy *p, const mlc_estimate *e,
                          const char *profile, const mlc_policy__measured *m)
{
	int rc = 0;
	for (size_t i = 0; e && i < e->nmodels && !rc; i++) {
		const mlc_model_estimate *x = &e->models[i];
		double lim;
		if (!limit_of(&lim, p, x->name) || measured(m, x->name))
			continue;
		if (!x->has_unit)
			rc = mlc_policy__add(f, "max_cost_per_1k", x->name, MLC_POLICY_SKIP,
			                     "%s: no requests per month in the profile", profile);
		else
			rc = mlc_policy__add(
			    f, "max_cost_per_1k", x->name,
			    x->cost_per_1k <= lim ? MLC_POLICY_PASS : MLC_POLICY_FAIL,
			    "estimated %.6g %s per 1,000 requests (%.6g requests/month, from %s); "
			    "maximum %.6g",
			    x->cost_per_1k, e->currency, x->requests_per_month, profile, lim);
	}
	return rc;
}

/* Models the policy names that neither the usage nor the profile has. */
static int unknown_models(mlc_policy__findings *f, const mlc_policy *p, const mlc_estimate *e,
                          const mlc_policy_check_options *o, const mlc_policy__measured *m)
{
	int rc = 0;
	for (size_t i = 0; i < p->nmodels && !rc; i++) {
		const char *name = p->model_names[i];
		if (in_profile(e, name) || (m && mlc_policy__measured_find(m, name)))
			continue;
		if (!o->usage)
			rc = mlc_policy__add(f, "max_cost_per_1k", name, MLC_POLICY_SKIP,
			                     "model not in %s", o->profile);
		else
			rc = mlc_policy__add(f, "max_cost_per_1k", name, MLC_POLICY_SKIP,
			                     "no cost in the store with requests in %s%s%s",
			                     o->usage, o->profile ? ", and not in " : "",
			                     o->profile ? o->profile : "");
	}
	return rc;
}

static int check_cost(mlc_policy__findings *f, const mlc_policy *p, mlc_store *s,
                      const mlc_policy_check_options *o)
{
	mlc_policy__measured m;
	mlc_profile *pr = NULL;
	mlc_estimate *e = NULL;
	int rc;
	memset(&m, 0, sizeof(m));
	if (!o->profile && !o->usage)
		return mlc_policy__add(f, "max_cost_per_1k", "(all models)", MLC_POLICY_SKIP,
		                       "the store keeps cost but no request counts; give --usage "
		                       "to measure deployed models, --profile to estimate others");
	if ((o->usage && (rc = mlc_policy__measure(&m, s, o->usage, o->basis))) ||
	    (o->profile && ((rc = mlc_profile_load_file(&pr, o->profile)) ||
	                    (rc = mlc_estimate_profile(&e, pr, NULL)))))
		goto done;
	if ((!o->usage || !(rc = usage_models(f, p, &m, e, o->usage))) &&
	    !(rc = profile_models(f, p, e, o->profile, o->usage ? &m : NULL)))
		rc = unknown_models(f, p, e, o, o->usage ? &m : NULL);
done:
	mlc_policy__measured_free(&m);
	mlc_estimate_free(e);
	mlc_profile_free(pr);
	return rc;
}

static int budget_finding(mlc_policy__findings *f, const mlc_policy *p, const mlc_budget_status *st)
{
	char as_of[16], end[16];
	int failed = st->exceeded_actual || (p->fail_on_forecast && st->exceeded_forecast);
	mlc_series_day_format(as_of, sizeof(as_of), st->as_of);
	mlc_series_day_format(end, sizeof(end), st->period_end);
	return mlc_policy__add(f, "budgets", st->name, failed ? MLC_POLICY_FAIL : MLC_POLICY_PASS,
	                       "actual %.2f of %.2f (%.1f%%) to %s; forecast at %s %.2f "
	                       "(%.1f%%, %s); fails on %s",
	                       st->actual, st->amount, st->used_pct, as_of, end,
	                       st->forecast_at_end, st->forecast_pct, st->method,
	                       p->fail_on_forecast ? "forecast" : "actual");
}

static int check_budgets(mlc_policy__findings *f, const mlc_policy *p, mlc_store *s,
                         mlc_cost_basis basis)
{
	mlc_budgets *bs = NULL;
	int64_t first = 0, last = 0;
	int rc, have;
	if ((rc = mlc_budgets_load_file(&bs, p->budgets_file)))
		return rc;
	rc = mlc_policy_store_days(&first, &last, s, basis);
	have = rc == 0;
	if (rc == MLC_ENOTFOUND)
		rc = 0;
	for (size_t i = 0; !rc && i < mlc_budgets_count(bs); i++) {
		const mlc_budget *b = mlc_budgets_get(bs, i);
		mlc_budget_status st;
		if (!have)
			rc = mlc_policy__add(f, "budgets", b->name, MLC_POLICY_SKIP,
			                     "the store holds no cost");
		else if (!(rc = mlc_policy_budget_status(&st, s, b, basis, first, last)))
			rc = budget_finding(f, p, &st);
	}
	mlc_budgets_free(bs);
	return rc;
}

MLC_EXTERN int mlc_policy_check(mlc_policy_report **out, const mlc_policy *p, mlc_store *s,
                                const mlc_policy_check_options *opts)
{
	mlc_policy_check_options o = MLC_POLICY_CHECK_OPTIONS_INIT;
	mlc_policy__findings *f = mlcu_calloc(1, sizeof(*f));
	int rc = 0;
	*out = NULL;
	if (opts) {
		o.basis = opts->basis;
		o.profile = opts->profile;
		o.usage =
		    opts->version >= 2 ? opts->usage : NULL; /* a version 1 struct ends before */
	}
	if (!f)
		return mlcu_error_oom();
	if (!s && (p->has_tags || p->has_budgets || (p->has_cost && o.usage))) {
		rc = mlcu_error_set(MLC_EINVAL, "%s: the policy needs a store", p->name);
		goto done;
	}
	if (p->has_tags && (rc = check_tags(f, p, s, o.basis)))
		goto done;
	if (p->has_cost && (rc = check_cost(f, p, s, &o)))
		goto done;
	if (p->has_budgets && (rc = check_budgets(f, p, s, o.basis)))
		goto done;
	if (p->has_registry && (rc = mlc_policy__check_registry(f, p)))
		goto done;
	*out = &f->pub;
	f = NULL;
done:
	mlc_policy_report_free(f ? &f->pub : NULL);
	return rc;
}
