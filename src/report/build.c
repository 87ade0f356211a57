/* SPDX-License-Identifier: MIT */
/*
 * build.c - mlc_report_build: load the inputs given (profile, what-ifs,
 * variants, policy), compute the cost model's results, hand the cost
 * inputs to build_cost.c and build_series.c, and point the report data at
 * everything. It owns what it computed until mlc_report_free. It does not
 * render (page.c, json.c) and reads no clock: the as-of day is the data's.
 */
#include "report/build.h"

#include "policy_internal.h"
#include "util/alloc.h"
#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int mlc_report__add_note(mlc_report *r, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	if (r->nnotes == MLC_REPORT_MAX_NOTES)
		return 0;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (!(r->notes[r->nnotes] = mlcu_strdup(buf)))
		return mlcu_error_oom();
	r->nnotes++;
	return 0;
}

static int add_source(mlc_report *r, const char *what, const char *path)
{
	char buf[1024];
	if (!path || r->nsources == MLC_REPORT_MAX_ITEMS)
		return 0;
	snprintf(buf, sizeof(buf), "%s %s", what, path);
	if (!(r->source_copies[r->nsources] = mlcu_strdup(buf)))
		return mlcu_error_oom();
	r->sources[r->nsources] = r->source_copies[r->nsources];
	r->nsources++;
	return 0;
}

static int pick_model(size_t *out, const mlc_profile *p, const char *name, const char *path)
{
	size_t n = mlc_profile_model_count(p);
	if (name)
		return mlc_profile_find_model(out, p, name);
	if (n != 1)
		return mlcu_error_set(MLC_EINVAL,
		                      "%s: the profile has %zu models; name the one to compare "
		                      "(--whatif-model)",
		                      path, n);
	*out = 0;
	return 0;
}

static int cost_model(mlc_report *r)
{
	const mlc_report_inputs *in = r->in;
	size_t idx;
	int rc;
	if (in->profile && ((rc = mlc_profile_load_file(&r->profile, in->profile)) ||
	                    (rc = mlc_estimate_profile(&r->estimate, r->profile, NULL))))
		return rc;
	if (in->whatif &&
	    ((rc = mlc_profile_load_file(&r->whatif_profile, in->whatif)) ||
	     (rc = pick_model(&idx, r->whatif_profile, in->whatif_model, in->whatif)) ||
	     (rc = mlc_compare_model(&r->compare, r->whatif_profile, idx))))
		return rc;
	if (in->variants && (rc = mlc_frontier_load_file(&r->frontier, in->variants)))
		return rc;
	return 0;
}

/* required keys: the caller's, else the policy's, else the default list */
static int keys(mlc_report *r)
{
	const mlc_report_inputs *in = r->in;
	const char *src = NULL;
	char *save = NULL, *tok;
	if (in->nrequire_tags > MLC_COVERAGE_MAX_KEYS)
		return mlcu_error_set(MLC_EINVAL, "report: at most %d required tags",
		                      MLC_COVERAGE_MAX_KEYS);
	for (size_t i = 0; i < in->nrequire_tags; i++)
		r->keys[r->nkeys++] = in->require_tags[i];
	if (r->nkeys)
		return 0;
	if (r->policy && r->policy->has_tags) {
		for (size_t i = 0; i < r->policy->nkeys; i++)
			r->keys[r->nkeys++] = r->policy->keys[i];
		return 0;
	}
	src = MLC_REPORT_DEFAULT_TAGS;
	if (!(r->keys_buf = mlcu_strdup(src)))
		return mlcu_error_oom();
	for (tok = strtok_r(r->keys_buf, ",", &save); tok && r->nkeys < MLC_COVERAGE_MAX_KEYS;
	     tok = strtok_r(NULL, ",", &save))
		r->keys[r->nkeys++] = tok;
	return 0;
}

static int policy(mlc_report *r)
{
	const mlc_policy *p;
	size_t n = 0;
	int rc;
	if (r->in->policy && (rc = mlc_policy_load_file(&r->policy, r->in->policy)))
		return rc;
	if ((rc = keys(r)) || !(p = r->policy))
		return rc;
	if (p->has_tags)
		r->data.min_coverage_pct = p->min_coverage_pct;
	if (!p->has_cost)
		return 0;
	if (p->nmodels + 1 > MLC_REPORT_MAX_ITEMS)
		return mlcu_error_set(MLC_ETOOLARGE, "report: more than %d cost limits",
		                      MLC_REPORT_MAX_ITEMS - 1);
	if (!(r->limits = mlcu_calloc(p->nmodels + 1, sizeof(mlc_report_limit))))
		return mlcu_error_oom();
	if (p->has_default)
		r->limits[n++] = (mlc_report_limit){NULL, p->cost_default};
	for (size_t i = 0; i < p->nmodels; i++)
		r->limits[n++] = (mlc_report_limit){p->model_names[i], p->model_max[i]};
	r->data.limits = r->limits;
	r->data.nlimits = n;
	return 0;
}

static int sources(mlc_report *r)
{
	const mlc_report_inputs *in = r->in;
	int rc = 0;
	rc = rc ? rc : add_source(r, "profile", in->profile);
	rc = rc ? rc : add_source(r, "what-ifs", in->whatif);
	rc = rc ? rc : add_source(r, "variants", in->variants);
	for (size_t i = 0; !rc && i < in->nbills; i++)
		rc = add_source(r, "bill", in->bills[i]);
	rc = rc ? rc : add_source(r, "store", in->store_handle ? "(open store)" : in->store);
	rc = rc ? rc : add_source(r, "usage", in->usage);
	rc = rc ? rc : add_source(r, "budgets", in->budgets);
	rc = rc ? rc : add_source(r, "policy", in->policy);
	return rc;
}

static int check_inputs(const mlc_report_inputs *in)
{
	if (!in || in->version != MLC_REPORT_INPUTS_VERSION)
		return mlcu_error_set(MLC_EINVAL, "report: inputs version %u, expected %d",
		                      in ? in->version : 0, MLC_REPORT_INPUTS_VERSION);
	if (in->nbills && !in->bills)
		return mlcu_error_set(MLC_EINVAL, "report: a count of bills without the bills");
	if (!in->profile && !in->whatif && !in->variants && !in->nbills && !in->store &&
	    !in->store_handle)
		return mlcu_error_set(MLC_EINVAL, "report: nothing to report on: give a profile, "
		                                  "what-ifs, variants, bills or a store");
	if (in->usage && !in->nbills)
		return mlcu_error_set(MLC_EINVAL, "report: the usage file needs the bills it "
		                                  "divides (cost per prediction)");
	if (in->budgets && !in->nbills && !in->store && !in->store_handle)
		return mlcu_error_set(MLC_EINVAL, "report: budgets need bills or a store");
	return 0;
}

static int open_store(mlc_report *r)
{
	mlc_store_options o = MLC_STORE_OPTIONS_INIT;
	int rc;
	if (r->in->store_handle) {
		r->store = r->in->store_handle;
		return 0;
	}
	if (!r->in->store)
		return 0;
	o.must_exist = 1;
	if ((rc = mlc_store_open(&r->own_store, r->in->store, &o)))
		return rc;
	r->store = r->own_store;
	return 0;
}

/* point the public data at what was built */
static void publish(mlc_report *r)
{
	mlc_report_data *d = &r->data;
	d->title = r->title;
	d->estimate = r->estimate;
	d->compare = r->compare ? mlc_compare_get(r->compare) : NULL;
	d->frontier = r->frontier ? mlc_frontier_get(r->frontier) : NULL;
	d->by_model = r->by_model;
	d->has_as_of = r->has_days;
	d->as_of = r->as_of;
	d->daily = r->has_days ? &r->daily : NULL;
	d->daily_exact = r->has_days ? r->daily_exact : NULL;
	d->forecast = r->forecast ? mlc_forecast_get(r->forecast) : NULL;
	d->anomalies = r->anomalies ? mlc_anomaly_get(r->anomalies) : NULL;
	d->unit = r->unit;
	d->coverage = r->coverage ? r->coverage : r->own_coverage;
	d->budgets = r->rbudgets;
	d->nbudgets = r->nbudgets;
	d->sources = r->sources;
	d->nsources = r->nsources;
	d->notes = (const char *const *)r->notes;
	d->nnotes = r->nnotes;
}

static int steps(mlc_report *r)
{
	int rc;
	if ((rc = cost_model(r)) || (rc = policy(r)) || (rc = open_store(r)) || (rc = sources(r)))
		return rc;
	if (!mlc_report__has_cost(r))
		return 0;
	if ((rc = mlc_report__daily(r)) || (rc = mlc_report__by_model(r)) ||
	    (rc = mlc_report__coverage(r)) || (rc = mlc_report__unit(r)) ||
	    (rc = mlc_report__series(r)) || (rc = mlc_report__budgets(r)))
		return rc;
	if (r->store && r->in->nbills)
		rc = mlc_report__add_note(r, "%s",
		                          "Daily cost, forecast, anomalies and budgets come "
		                          "from the store; cost by model, tag coverage and "
		                          "unit cost from the bills.");
	return rc;
}

MLC_EXTERN int mlc_report_build(mlc_report **out, const mlc_report_inputs *in)
{
	static const mlc_report_data init = MLC_REPORT_DATA_INIT;
	mlc_report *r = NULL;
	int rc;
	*out = NULL;
	if ((rc = check_inputs(in)))
		return rc;
	if (!(r = mlcu_calloc(1, sizeof(*r))))
		return mlcu_error_oom();
	r->data = init;
	r->in = in;
	r->basis = in->basis;
	r->model_tag = in->model_tag ? in->model_tag : "model_id";
	r->phase_tag = in->phase_tag ? in->phase_tag : "lifecycle_phase";
	if (in->title && !(r->title = mlcu_strdup(in->title))) {
		rc = mlcu_error_oom();
		goto done;
	}
	if ((rc = steps(r)))
		goto done;
	publish(r);
	r->in = NULL;
	*out = r;
	r = NULL;
done:
	mlc_report_free(r);
	return rc;
}

MLC_EXTERN const mlc_report_data *mlc_report_get(const mlc_report *r)
{
	return &r->data;
}

MLC_EXTERN void mlc_report_free(mlc_report *r)
{
	if (!r)
		return;
	mlc_estimate_free(r->estimate);
	mlc_profile_free(r->profile);
	mlc_compare_free(r->compare);
	mlc_profile_free(r->whatif_profile);
	mlc_frontier_free(r->frontier);
	mlc_policy_free(r->policy);
	mlcu_free(r->limits);
	mlcu_free(r->keys_buf);
	mlc_bills_result_free(r->by_model);
	mlc_series_clear(&r->daily);
	mlcu_free(r->daily_exact);
	mlc_forecast_free(r->forecast);
	mlc_anomaly_free(r->anomalies);
	mlc_unit_result_free(r->unit);
	mlc_tag_coverage_free(r->coverage);
	mlc_report__coverage_free(r->own_coverage);
	for (size_t i = 0; r->budget_days && i < r->nbudgets; i++)
		mlcu_free(r->budget_days[i]);
	mlcu_free(r->budget_days);
	mlcu_free(r->statuses);
	mlcu_free(r->rbudgets);
	mlc_budgets_free(r->budgets);
	mlc_store_close(r->own_store);
	for (size_t i = 0; i < r->nnotes; i++)
		mlcu_free(r->notes[i]);
	for (size_t i = 0; i < r->nsources; i++)
		mlcu_free(r->source_copies[i]);
	mlcu_free(r->title);
	mlcu_free(r);
}
