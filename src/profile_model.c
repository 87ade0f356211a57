/* SPDX-License-Identifier: MIT */
/*
 * profile_model.c - reads one entry of a profile's `models:` list into an
 * mlc_model_profile: field names, types, ranges and defaults of SPEC §2,
 * and the look-up of every instance and LLM model in the profile's catalog
 * so that a wrong name is reported at its position in the YAML.
 *
 * It computes no cost (estimate.c does) and does not interpret `whatif:`
 * (compare does, through mlc_profile__model_node).
 */
#include "profile.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/str.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const model_keys[] = {
    "name",    "team",     "project",    "environment", "training", "inference", "feature_pipeline",
    "storage", "transfer", "monitoring", "tooling",     "people",   "value",     "whatif",
    NULL};
static const char *const training_keys[] = {
    "instance", "count", "hours_per_run", "runs_per_month", "pricing", "experiment_multiplier",
    NULL};
static const char *const inference_keys[] = {"instance",
                                             "count",
                                             "pricing",
                                             "hours_per_month",
                                             "requests_per_month",
                                             "utilization",
                                             "sla",
                                             "llm_model",
                                             "input_tokens_per_request",
                                             "output_tokens_per_request",
                                             "cached_input_tokens_per_request",
                                             NULL};
static const char *const pipeline_keys[] = {"instance", "count", "hours_per_day", "pricing", NULL};
static const char *const storage_keys[] = {"price_per_gb_month", "gb", NULL};
static const char *const transfer_keys[] = {"gb_per_month", "price_per_gb", NULL};
static const char *const usd_keys[] = {"usd_per_month", NULL};
static const char *const people_keys[] = {"fte", "fte_cost_per_year", "hours_per_year", NULL};
static const char *const value_keys[] = {"revenue_per_month", "value_preserved_per_month", NULL};

/* Bounds of a number field: lo (excluded when lo_open) up to hi. */
typedef struct range {
	double lo;
	int lo_open;
	double hi;
} range;

static const range NONNEG = {0, 0, HUGE_VAL};
static const range POSITIVE = {0, 1, HUGE_VAL};
static const range FRACTION = {0, 1, 1};

static int range_error(const mlc_yaml *y, struct fy_node *v, const char *key, range r)
{
	char lo[32], hi[32];
	mlcu_fmt_double(lo, sizeof(lo), r.lo);
	if (r.hi == HUGE_VAL)
		return mlc_yaml__error(y, v, "'%s' must be %s %s", key,
		                       r.lo_open ? "greater than" : "at least", lo);
	mlcu_fmt_double(hi, sizeof(hi), r.hi);
	return mlc_yaml__error(y, v, "'%s' must be %s %s and at most %s", key,
	                       r.lo_open ? "greater than" : "at least", lo, hi);
}

/*
 * The number under key of sec, checked against r. Absent: an error naming
 * section when required, else *out is left as it is. *given (may be NULL)
 * tells whether it was there.
 */
static int num(const mlc_yaml *y, struct fy_node *sec, const char *section, const char *key,
               double *out, range r, int required, int *given)
{
	struct fy_node *v = mlc_yaml__get(sec, key);
	int rc;
	if (given)
		*given = v != NULL;
	if (!v) {
		if (required)
			return mlc_yaml__error(y, sec, "%s: missing '%s'", section, key);
		return 0;
	}
	if ((rc = mlc_yaml__number(y, v, out)) != 0)
		return rc;
	if (*out < r.lo || (r.lo_open && *out == r.lo) || *out > r.hi)
		return range_error(y, v, key, r);
	return 0;
}

/* Open a section: NULL when absent, an error unless it is a mapping of known keys. */
static int section(const mlc_yaml *y, struct fy_node *model, const char *name,
                   const char *const *keys, struct fy_node **out)
{
	char what[64];
	int rc;
	*out = mlc_yaml__get(model, name);
	if (!*out)
		return 0;
	snprintf(what, sizeof(what), "'%s'", name);
	if ((rc = mlc_yaml__expect_map(y, *out, what)) != 0)
		return rc;
	return mlc_yaml__check_keys(y, *out, keys);
}

static int read_pricing(const mlc_yaml *y, struct fy_node *sec, mlc_pricing_model *out)
{
	struct fy_node *v = mlc_yaml__get(sec, "pricing");
	const char *s;
	int rc;
	*out = MLC_PRICING_ON_DEMAND;
	if (!v)
		return 0;
	if ((rc = mlc_yaml__string(y, v, &s)) != 0)
		return rc;
	if (mlc_pricing_model_parse(out, s) != 0)
		return mlc_yaml__error(y, v, "%s", mlc_error_message());
	return 0;
}

/* Prefix the catalog's message with the position of node n. */
static int at_node(const mlc_yaml *y, struct fy_node *n, int rc)
{
	int line, col;
	mlc_yaml__pos(n, &line, &col);
	mlcu_error_prefix("%s:%d:%d: ", mlc_yaml__name(y), line, col);
	return rc;
}

/* instance, count, pricing of a compute phase; the price must exist. */
static int read_instance(mlc_profile *p, struct fy_node *sec, const char *what,
                         mlc_compute_phase *c, int required)
{
	const mlc_yaml *y = p->yaml;
	struct fy_node *inst = mlc_yaml__get(sec, "instance");
	double price;
	int rc;

	if (!inst) {
		if (required)
			return mlc_yaml__error(y, sec, "%s: missing 'instance'", what);
		return 0;
	}
	if ((rc = mlc_yaml__string(y, inst, &c->instance)) != 0)
		return rc;
	if (!*c->instance)
		return mlc_yaml__error(y, inst, "empty 'instance'");
	if ((rc = num(y, sec, what, "count", &c->count, NONNEG, 0, NULL)) != 0 ||
	    (rc = read_pricing(y, sec, &c->pricing)) != 0)
		return rc;
	rc = mlc_catalog_hourly_price(&price, p->catalog, c->instance, c->pricing);
	if (rc == MLC_EPARSE && mlc_yaml__get(sec, "pricing"))
		return at_node(y, mlc_yaml__get(sec, "pricing"), rc);
	return rc ? at_node(y, inst, rc) : 0;
}

static int read_training(mlc_profile *p, struct fy_node *model, mlc_compute_phase *c)
{
	const mlc_yaml *y = p->yaml;
	struct fy_node *sec;
	int rc;
	if ((rc = section(y, model, "training", training_keys, &sec)) != 0 || !sec)
		return rc;
	if ((rc = read_instance(p, sec, "training", c, 1)) != 0 ||
	    (rc = num(y, sec, "training", "hours_per_run", &c->hours_per_run, NONNEG, 1, NULL)) !=
	        0 ||
	    (rc = num(y, sec, "training", "runs_per_month", &c->runs_per_month, NONNEG, 1, NULL)) !=
	        0)
		return rc;
	/* total runs per successful run: below 1 would mean runs that never happened */
	return num(y, sec, "training", "experiment_multiplier", &c->experiment_multiplier,
	           (range){1, 0, HUGE_VAL}, 0, NULL);
}

static int read_pipeline(mlc_profile *p, struct fy_node *model, mlc_compute_phase *c)
{
	struct fy_node *sec;
	int rc;
	if ((rc = section(p->yaml, model, "feature_pipeline", pipeline_keys, &sec)) != 0 || !sec)
		return rc;
	if ((rc = read_instance(p, sec, "feature_pipeline", c, 1)) != 0)
		return rc;
	return num(p->yaml, sec, "feature_pipeline", "hours_per_day", &c->hours_per_day,
	           (range){0, 0, 24}, 1, NULL);
}

/* "99", "99.9", "99.99", "99.999" written as a number or a string, "%" allowed. */
static int read_sla(const mlc_yaml *y, struct fy_node *sec, const char **out)
{
	static const char *const tiers[] = {"99", "99.9", "99.99", "99.999"};
	static const double values[] = {99, 99.9, 99.99, 99.999};
	struct fy_node *v = mlc_yaml__get(sec, "sla");
	const char *s;
	size_t len, i;
	double d;
	int rc;
	if (!v)
		return 0;
	if ((rc = mlc_yaml__string(y, v, &s)) != 0)
		return rc;
	len = strlen(s);
	if (len && s[len - 1] == '%')
		len--;
	if (mlcu_parse_double(&d, s, len, 0) == 0)
		for (i = 0; i < sizeof(values) / sizeof(values[0]); i++)
			if (d == values[i]) {
				*out = tiers[i];
				return 0;
			}
	return mlc_yaml__error(y, v, "unknown sla '%s' (expected 99, 99.9, 99.99 or 99.999)", s);
}

static int read_tokens(mlc_profile *p, struct fy_node *sec, mlc_inference_phase *inf)
{
	const mlc_yaml *y = p->yaml;
	struct fy_node *llm = mlc_yaml__get(sec, "llm_model");
	static const char *const token_keys[] = {"input_tokens_per_request",
	                                         "output_tokens_per_request",
	                                         "cached_input_tokens_per_request", NULL};
	mlc_token_price tp;
	size_t i;
	int rc;

	if (!llm) {
		for (i = 0; token_keys[i]; i++)
			if (mlc_yaml__get(sec, token_keys[i]))
				return mlc_yaml__error(y, mlc_yaml__key_node(sec, token_keys[i]),
				                       "'%s' needs 'llm_model'", token_keys[i]);
		return 0;
	}
	if ((rc = mlc_yaml__string(y, llm, &inf->llm_model)) != 0)
		return rc;
	if (!*inf->llm_model)
		return mlc_yaml__error(y, llm, "empty 'llm_model'");
	if ((rc = num(y, sec, "inference", "input_tokens_per_request",
	              &inf->input_tokens_per_request, NONNEG, 1, NULL)) != 0 ||
	    (rc = num(y, sec, "inference", "output_tokens_per_request",
	              &inf->output_tokens_per_request, NONNEG, 1, NULL)) != 0 ||
	    (rc = num(y, sec, "inference", "cached_input_tokens_per_request",
	              &inf->cached_input_tokens_per_request, NONNEG, 0, NULL)) != 0)
		return rc;
	if (inf->cached_input_tokens_per_request > inf->input_tokens_per_request)
		return mlc_yaml__error(y, mlc_yaml__get(sec, "cached_input_tokens_per_request"),
		                       "'cached_input_tokens_per_request' is part of the input and "
		                       "cannot exceed 'input_tokens_per_request'");
	if (!mlc_yaml__get(sec, "requests_per_month"))
		return mlc_yaml__error(y, sec, "inference: 'llm_model' needs 'requests_per_month'");
	rc = mlc_catalog_token_price(&tp, p->catalog, inf->llm_model);
	return rc ? at_node(y, llm, rc) : 0;
}

static int read_inference(mlc_profile *p, struct fy_node *model, mlc_inference_phase *inf)
{
	const mlc_yaml *y = p->yaml;
	struct fy_node *sec;
	int rc;
	if ((rc = section(y, model, "inference", inference_keys, &sec)) != 0 || !sec)
		return rc;
	if (!mlc_yaml__get(sec, "instance") && !mlc_yaml__get(sec, "llm_model"))
		return mlc_yaml__error(y, sec,
		                       "inference: needs 'instance' (instance-priced), 'llm_model' "
		                       "(token-priced) or both");
	if ((rc = read_instance(p, sec, "inference", &inf->compute, 0)) != 0 ||
	    (rc = num(y, sec, "inference", "hours_per_month", &inf->compute.hours_per_month,
	              (range){0, 1, 744}, 0, NULL)) != 0 ||
	    (rc = num(y, sec, "inference", "requests_per_month", &inf->requests_per_month, NONNEG,
	              0, NULL)) != 0 ||
	    (rc = num(y, sec, "inference", "utilization", &inf->utilization, FRACTION, 0, NULL)) !=
	        0 ||
	    (rc = read_sla(y, sec, &inf->sla)) != 0 || (rc = read_tokens(p, sec, inf)) != 0)
		return rc;
	if (!inf->compute.instance && mlc_yaml__get(sec, "utilization"))
		return mlc_yaml__error(y, mlc_yaml__key_node(sec, "utilization"),
		                       "'utilization' applies to instance-priced inference; "
		                       "this one has no 'instance'");
	return 0;
}

/* gb: a number, or a mapping of named numbers kept as entries and summed. */
static int read_gb(const mlc_yaml *y, struct fy_node *sec, mlc_model_profile *m)
{
	struct fy_node *gb = mlc_yaml__get(sec, "gb");
	struct fy_node_pair *pair;
	const char **names;
	double *sizes;
	void *it = NULL;
	size_t n;
	int rc;
	if (!gb)
		return mlc_yaml__error(y, sec, "storage: missing 'gb'");
	if (fy_node_get_type(gb) != FYNT_MAPPING)
		return num(y, sec, "storage", "gb", &m->storage_gb, NONNEG, 1, NULL);
	n = (size_t)fy_node_mapping_item_count(gb);
	if (n > MLC_PROFILE__MAX_STORAGE_ITEMS)
		return mlc_yaml__error(y, gb, "more than %d storage entries",
		                       MLC_PROFILE__MAX_STORAGE_ITEMS);
	if (n == 0)
		return 0;
	names = mlcu_calloc(n, sizeof(*names));
	sizes = mlcu_calloc(n, sizeof(*sizes));
	/* owned by the model from here on: mlc_profile_free releases them */
	m->storage_item_names = names;
	m->storage_item_gb = sizes;
	if (!names || !sizes)
		return mlcu_error_oom();
	while ((pair = fy_node_mapping_iterate(gb, &it)) != NULL) {
		struct fy_node *k = fy_node_pair_key(pair);
		struct fy_node *v = fy_node_pair_value(pair);
		if (!k || fy_node_get_type(k) != FYNT_SCALAR || !fy_node_get_scalar0(k))
			return mlc_yaml__error(y, k ? k : gb,
			                       "storage names must be plain strings");
		if ((rc = mlc_yaml__number(y, v, &sizes[m->storage_nitems])) != 0)
			return rc;
		if (sizes[m->storage_nitems] < 0)
			return mlc_yaml__error(y, v, "storage sizes must be at least 0");
		names[m->storage_nitems] = fy_node_get_scalar0(k);
		m->storage_gb += sizes[m->storage_nitems++];
	}
	return 0;
}

static int read_storage(const mlc_yaml *y, struct fy_node *model, mlc_model_profile *m)
{
	struct fy_node *sec;
	int rc;
	if ((rc = section(y, model, "storage", storage_keys, &sec)) != 0 || !sec)
		return rc;
	if ((rc = read_gb(y, sec, m)) != 0)
		return rc;
	return num(y, sec, "storage", "price_per_gb_month", &m->storage_price_per_gb_month, NONNEG,
	           1, NULL);
}

static int read_flat(const mlc_yaml *y, struct fy_node *model, mlc_model_profile *m)
{
	struct fy_node *sec;
	int rc;
	if ((rc = section(y, model, "transfer", transfer_keys, &sec)) != 0)
		return rc;
	if (sec && ((rc = num(y, sec, "transfer", "gb_per_month", &m->transfer_gb_per_month, NONNEG,
	                      1, NULL)) != 0 ||
	            (rc = num(y, sec, "transfer", "price_per_gb", &m->transfer_price_per_gb, NONNEG,
	                      1, NULL)) != 0))
		return rc;
	if ((rc = section(y, model, "monitoring", usd_keys, &sec)) != 0)
		return rc;
	if (sec && (rc = num(y, sec, "monitoring", "usd_per_month", &m->monitoring_usd_per_month,
	                     NONNEG, 1, NULL)) != 0)
		return rc;
	if ((rc = section(y, model, "tooling", usd_keys, &sec)) != 0)
		return rc;
	if (sec && (rc = num(y, sec, "tooling", "usd_per_month", &m->tooling_usd_per_month, NONNEG,
	                     1, NULL)) != 0)
		return rc;
	return 0;
}

static int read_people(const mlc_yaml *y, struct fy_node *model, mlc_model_profile *m)
{
	struct fy_node *sec;
	int rc;
	if ((rc = section(y, model, "people", people_keys, &sec)) != 0 || !sec)
		return rc;
	if ((rc = num(y, sec, "people", "fte", &m->fte, NONNEG, 1, NULL)) != 0 ||
	    (rc = num(y, sec, "people", "fte_cost_per_year", &m->fte_cost_per_year, NONNEG, 0,
	              NULL)) != 0 ||
	    (rc = num(y, sec, "people", "hours_per_year", &m->hours_per_year, (range){0, 1, 8784},
	              0, NULL)) != 0)
		return rc;
	if (m->fte > 0 && m->fte_cost_per_year < 0)
		return mlc_yaml__error(y, mlc_yaml__get(sec, "fte"),
		                       "'fte' needs 'fte_cost_per_year' (in the model's 'people' "
		                       "or the profile's)");
	return 0;
}

static int read_value(const mlc_yaml *y, struct fy_node *model, mlc_model_profile *m)
{
	struct fy_node *sec;
	int rc;
	if ((rc = section(y, model, "value", value_keys, &sec)) != 0 || !sec)
		return rc;
	/* revenue divides the margin: a model without revenue leaves it out */
	if ((rc = num(y, sec, "value", "revenue_per_month", &m->revenue_per_month, POSITIVE, 0,
	              NULL)) != 0)
		return rc;
	return num(y, sec, "value", "value_preserved_per_month", &m->value_preserved_per_month,
	           NONNEG, 0, NULL);
}

static void set_defaults(const mlc_profile *p, mlc_model_profile *m)
{
	memset(m, 0, sizeof(*m));
	m->team = m->project = m->environment = "";
	m->training.count = m->inference.compute.count = m->feature_pipeline.count = 1;
	m->training.experiment_multiplier = 1;
	m->inference.compute.experiment_multiplier = 1;
	m->feature_pipeline.experiment_multiplier = 1;
	m->inference.compute.hours_per_month = p->hours_per_month;
	m->inference.utilization = -1;
	m->fte_cost_per_year = p->fte_cost_per_year;
	m->hours_per_year = p->hours_per_year;
	m->revenue_per_month = -1;
	m->value_preserved_per_month = -1;
}

static int read_labels(const mlc_yaml *y, struct fy_node *node, mlc_model_profile *m)
{
	struct fy_node *name = mlc_yaml__get(node, "name");
	struct fy_node *whatif = mlc_yaml__get(node, "whatif");
	int rc;
	if (!name)
		return mlc_yaml__error(y, node, "model: missing 'name'");
	if ((rc = mlc_yaml__string(y, name, &m->name)) != 0)
		return rc;
	if (!*m->name)
		return mlc_yaml__error(y, name, "empty model 'name'");
	if ((rc = mlc_yaml__opt_string(y, node, "team", &m->team)) != 0 ||
	    (rc = mlc_yaml__opt_string(y, node, "project", &m->project)) != 0 ||
	    (rc = mlc_yaml__opt_string(y, node, "environment", &m->environment)) != 0)
		return rc;
	/* compare reads what-ifs; here they only have to be a mapping */
	if (whatif)
		return mlc_yaml__expect_map(y, whatif, "'whatif'");
	return 0;
}

int mlc_profile__read_model(mlc_profile *p, struct fy_node *node, mlc_model_profile *m)
{
	const mlc_yaml *y = p->yaml;
	int rc;
	set_defaults(p, m);
	if ((rc = mlc_yaml__expect_map(y, node, "a model")) != 0 ||
	    (rc = mlc_yaml__check_keys(y, node, model_keys)) != 0 ||
	    (rc = read_labels(y, node, m)) != 0 ||
	    (rc = read_training(p, node, &m->training)) != 0 ||
	    (rc = read_inference(p, node, &m->inference)) != 0 ||
	    (rc = read_pipeline(p, node, &m->feature_pipeline)) != 0 ||
	    (rc = read_storage(y, node, m)) != 0 || (rc = read_flat(y, node, m)) != 0 ||
	    (rc = read_people(y, node, m)) != 0 || (rc = read_value(y, node, m)) != 0)
		return rc;
	if (m->fte_cost_per_year < 0)
		m->fte_cost_per_year = 0;
	return 0;
}
