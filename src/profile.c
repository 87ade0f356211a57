/* SPDX-License-Identifier: MIT */
/*
 * profile.c - cost profiles (SPEC §2): loads the YAML, reads the
 * organisation-level fields (catalog, hours, people defaults), loads the
 * catalog the profile names and hands each model to profile_model.c.
 *
 * It prices nothing; estimate.c and portfolio.c do. The profile keeps its
 * YAML document alive so model strings and nodes can be borrowed.
 */
#include "pricing_nearest.h"
#include "profile.h"
#include "profile_internal.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/str.h"

#include <stdio.h>
#include <string.h>

static const char *const top_keys[] = {"version",        "currency", "catalog", "hours_per_month",
                                       "days_per_month", "people",   "models",  NULL};
static const char *const org_people_keys[] = {"fte_cost_per_year", "hours_per_year", NULL};

void mlc_profile_free(mlc_profile *p)
{
	size_t i;
	if (!p)
		return;
	mlc_catalog_free(p->catalog);
	/* nmodels counts finished models; a failed load may leave one more */
	for (i = 0; p->models && i < p->cap_models; i++) {
		mlcu_free((void *)p->models[i].storage_item_names);
		mlcu_free((void *)p->models[i].storage_item_gb);
	}
	mlcu_free(p->models);
	mlcu_free(p->nodes);
	mlc_yaml__free(p->yaml);
	mlcu_free(p);
}

/* A catalog source relative to the profile's directory (or as written). */
static int resolve_source(char *out, size_t n, const char *profile_name, const char *src)
{
	const char *slash = strrchr(profile_name, '/');
	int w;
	if (!strncmp(src, "builtin:", 8) || src[0] == '/' || !slash)
		w = snprintf(out, n, "%s", src);
	else
		w = snprintf(out, n, "%.*s/%s", (int)(slash - profile_name), profile_name, src);
	return w < 0 || (size_t)w >= n ? -1 : 0;
}

static int load_source(mlc_profile *p, struct fy_node *n, unsigned flags)
{
	const mlc_yaml *y = p->yaml;
	char path[MLC_PROFILE__MAX_PATH];
	const char *src;
	int rc, line, col;

	if ((rc = mlc_yaml__string(y, n, &src)) != 0)
		return rc;
	if (!*src)
		return mlc_yaml__error(y, n, "'catalog' must name a source");
	if (resolve_source(path, sizeof(path), mlc_yaml__name(y), src))
		return mlc_yaml__error(y, n, "catalog path too long");
	if ((flags & MLC_PROFILE__BUILTIN_ONLY) && strncmp(src, "builtin:", 8))
		return mlc_yaml__error(y, n, "catalog files are disabled here; use a builtin:");
	rc = mlc_catalog_load(p->catalog, path);
	/* A missing or unknown source is about this field; a bad row inside a
	 * catalog file already names its own file and line. */
	if (rc == MLC_EIO || rc == MLC_ENOTFOUND || rc == MLC_EINVAL) {
		mlc_yaml__pos(n, &line, &col);
		mlcu_error_prefix("%s:%d:%d: catalog: ", mlc_yaml__name(y), line, col);
	}
	if (rc == MLC_EINVAL) {
		/* a source name the catalog does not understand is bad input here */
		char msg[MLCU_ERROR_MAX];
		snprintf(msg, sizeof(msg), "%s", mlc_error_message());
		rc = mlcu_error_set(MLC_EPARSE, "%s", msg);
	}
	return rc;
}

static int load_catalog(mlc_profile *p, struct fy_node *root, unsigned flags)
{
	struct fy_node *n = mlc_yaml__get(root, "catalog");
	struct fy_node *item;
	void *it = NULL;
	size_t count = 0;
	int rc;

	if ((rc = mlc_catalog_new(&p->catalog)) != 0)
		return rc;
	if (!n)
		return mlc_catalog_load(p->catalog, MLC_PROFILE__DEFAULT_CATALOG);
	if (fy_node_get_type(n) == FYNT_SCALAR)
		return load_source(p, n, flags);
	if (fy_node_get_type(n) != FYNT_SEQUENCE)
		return mlc_yaml__error(p->yaml, n, "'catalog' must be a source or a list of them");
	if (fy_node_sequence_item_count(n) == 0)
		return mlc_yaml__error(p->yaml, mlc_yaml__key_node(root, "catalog"),
		                       "'catalog' lists no source");
	while ((item = fy_node_sequence_iterate(n, &it)) != NULL) {
		if (++count > MLC_PROFILE__MAX_CATALOGS)
			return mlcu_error_set(MLC_ETOOLARGE, "%s: more than %d catalog sources",
			                      mlc_yaml__name(p->yaml), MLC_PROFILE__MAX_CATALOGS);
		if ((rc = load_source(p, item, flags)) != 0)
			return rc;
	}
	return 0;
}

/* A number under key of map within [lo, hi] (lo excluded when lo_open). */
static int org_number(const mlc_yaml *y, struct fy_node *map, const char *key, double *out,
                      double lo, int lo_open, double hi)
{
	struct fy_node *v = mlc_yaml__get(map, key);
	int rc;
	if (!v)
		return 0;
	if ((rc = mlc_yaml__number(y, v, out)) != 0)
		return rc;
	if (*out < lo || (lo_open && *out == lo) || *out > hi) {
		char a[32], b[32];
		mlcu_fmt_double(a, sizeof(a), lo);
		mlcu_fmt_double(b, sizeof(b), hi);
		return mlc_yaml__error(y, v, "'%s' must be %s %s and at most %s", key,
		                       lo_open ? "greater than" : "at least", a, b);
	}
	return 0;
}

static int read_top(mlc_profile *p, struct fy_node *root)
{
	const mlc_yaml *y = p->yaml;
	struct fy_node *people = mlc_yaml__get(root, "people");
	double version = 1;
	int rc;

	if ((rc = mlc_yaml__check_keys(y, root, top_keys)) != 0)
		return rc;
	if ((rc = mlc_yaml__opt_number(y, root, "version", &version, NULL)) != 0)
		return rc;
	if (version != 1)
		return mlc_yaml__error(y, mlc_yaml__get(root, "version"),
		                       "unsupported profile version (this mlcost reads version 1)");
	p->currency = "USD";
	if ((rc = mlc_yaml__opt_string(y, root, "currency", &p->currency)) != 0)
		return rc;
	if (!*p->currency)
		return mlc_yaml__error(y, mlc_yaml__get(root, "currency"), "empty 'currency'");
	p->hours_per_month = MLC_PROFILE__DEFAULT_HOURS_PER_MONTH;
	p->days_per_month = MLC_PROFILE__DEFAULT_DAYS_PER_MONTH;
	p->hours_per_year = MLC_PROFILE__DEFAULT_HOURS_PER_YEAR;
	p->fte_cost_per_year = -1;
	if ((rc = org_number(y, root, "hours_per_month", &p->hours_per_month, 0, 1, 744)) != 0 ||
	    (rc = org_number(y, root, "days_per_month", &p->days_per_month, 0, 1, 31)) != 0)
		return rc;
	if (!people)
		return 0;
	if ((rc = mlc_yaml__expect_map(y, people, "'people'")) != 0 ||
	    (rc = mlc_yaml__check_keys(y, people, org_people_keys)) != 0)
		return rc;
	if ((rc = org_number(y, people, "fte_cost_per_year", &p->fte_cost_per_year, 0, 0, 1e12)) !=
	        0 ||
	    (rc = org_number(y, people, "hours_per_year", &p->hours_per_year, 0, 1, 8784)) != 0)
		return rc;
	return 0;
}

/* Model names are how compare, --model and reports refer to a model. */
static int check_unique(const mlc_profile *p, size_t i)
{
	size_t j;
	int line, col;
	for (j = 0; j < i; j++) {
		if (strcmp(p->models[j].name, p->models[i].name))
			continue;
		mlc_yaml__pos(mlc_yaml__get(p->nodes[j], "name"), &line, &col);
		return mlc_yaml__error(p->yaml, mlc_yaml__get(p->nodes[i], "name"),
		                       "duplicate model name '%s' (first at line %d)",
		                       p->models[i].name, line);
	}
	return 0;
}

static int read_models(mlc_profile *p, struct fy_node *root)
{
	struct fy_node *models = mlc_yaml__get(root, "models");
	struct fy_node *item;
	void *it = NULL;
	size_t n;
	int rc;

	if (!models)
		return mlc_yaml__error(p->yaml, root, "missing 'models' (a list of models)");
	if ((rc = mlc_yaml__expect_seq(p->yaml, models, "'models'")) != 0)
		return rc;
	n = (size_t)fy_node_sequence_item_count(models);
	if (n == 0)
		return mlc_yaml__error(p->yaml, mlc_yaml__key_node(root, "models"),
		                       "'models' lists no model");
	if (n > MLC_PROFILE__MAX_MODELS)
		return mlcu_error_set(MLC_ETOOLARGE, "%s: more than %d models",
		                      mlc_yaml__name(p->yaml), MLC_PROFILE__MAX_MODELS);
	p->models = mlcu_calloc(n, sizeof(*p->models));
	p->nodes = mlcu_calloc(n, sizeof(*p->nodes));
	if (!p->models || !p->nodes)
		return mlcu_error_oom();
	p->cap_models = n;
	while ((item = fy_node_sequence_iterate(models, &it)) != NULL) {
		p->nodes[p->nmodels] = item;
		if ((rc = mlc_profile__read_model(p, item, &p->models[p->nmodels])) != 0)
			return rc;
		if ((rc = check_unique(p, p->nmodels)) != 0)
			return rc;
		p->nmodels++;
	}
	return 0;
}

/* Takes ownership of y. */
static int build(mlc_profile **out, mlc_yaml *y, unsigned flags)
{
	mlc_profile *p = NULL;
	struct fy_node *root = mlc_yaml__root(y);
	int rc;

	if (!root) {
		rc = mlcu_error_set(MLC_EPARSE, "%s: empty profile", mlc_yaml__name(y));
		goto done;
	}
	if ((rc = mlc_yaml__expect_map(y, root, "a profile")) != 0)
		goto done;
	if (!(p = mlcu_calloc(1, sizeof(*p)))) {
		rc = mlcu_error_oom();
		goto done;
	}
	p->yaml = y;
	y = NULL;
	if ((rc = read_top(p, root)) != 0 || (rc = load_catalog(p, root, flags)) != 0 ||
	    (rc = read_models(p, root)) != 0)
		goto done;
	*out = p;
	p = NULL;
done:
	mlc_profile_free(p);
	mlc_yaml__free(y);
	return rc;
}

int mlc_profile__load(mlc_profile **out, const char *name, const char *yaml, size_t len,
                      unsigned flags)
{
	mlc_yaml *y = NULL;
	int rc;
	if (!out || !name || (!yaml && len))
		return mlcu_error_set(MLC_EINVAL, "mlc_profile_load_string: invalid argument");
	*out = NULL;
	if ((rc = mlc_yaml__load_string(&y, name, yaml ? yaml : "", len)) != 0)
		return rc;
	return build(out, y, flags);
}

int mlc_profile_load_string(mlc_profile **out, const char *name, const char *yaml, size_t len)
{
	return mlc_profile__load(out, name, yaml, len, 0);
}

int mlc_profile_load_file(mlc_profile **out, const char *path)
{
	mlc_yaml *y = NULL;
	int rc;
	if (!out || !path)
		return mlcu_error_set(MLC_EINVAL, "mlc_profile_load_file: invalid argument");
	*out = NULL;
	if ((rc = mlc_yaml__load_file(&y, path)) != 0)
		return rc;
	return build(out, y, 0);
}

size_t mlc_profile_model_count(const mlc_profile *p)
{
	return p ? p->nmodels : 0;
}

const mlc_model_profile *mlc_profile_model(const mlc_profile *p, size_t i)
{
	return p && i < p->nmodels ? &p->models[i] : NULL;
}

/* "unknown model 'x' (nearest: a, b)", ranked as catalog names are; with no
 * name near, the profile's names (the first 8). */
static int unknown_model(const mlc_profile *p, const char *name)
{
	mlc_pricing__nearest nn;
	char list[512];
	size_t i, used;
	mlc_pricing__nearest_init(&nn, name);
	for (i = 0; i < p->nmodels; i++)
		mlc_pricing__nearest_add(&nn, p->models[i].name);
	mlc_pricing__nearest_list(&nn, list, sizeof(list));
	if (*list)
		return mlcu_error_set(MLC_ENOTFOUND, "unknown model '%s' (nearest: %s)", name, list);
	for (i = 0, used = 0; i < p->nmodels && i < 8 && used < sizeof(list); i++)
		used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "",
		                         p->models[i].name);
	return mlcu_error_set(MLC_ENOTFOUND, "unknown model '%s' (the profile has %s%s)", name,
	                      list, p->nmodels > 8 ? ", ..." : "");
}

int mlc_profile_find_model(size_t *out, const mlc_profile *p, const char *name)
{
	size_t i;
	if (!out || !p || !name)
		return mlcu_error_set(MLC_EINVAL, "mlc_profile_find_model: invalid argument");
	for (i = 0; i < p->nmodels; i++) {
		if (!strcmp(p->models[i].name, name)) {
			*out = i;
			return 0;
		}
	}
	return unknown_model(p, name);
}

const mlc_catalog *mlc_profile_catalog(const mlc_profile *p)
{
	return p ? p->catalog : NULL;
}

const char *mlc_profile_currency(const mlc_profile *p)
{
	return p ? p->currency : "USD";
}

double mlc_profile_hours_per_month(const mlc_profile *p)
{
	return p ? p->hours_per_month : MLC_PROFILE__DEFAULT_HOURS_PER_MONTH;
}

double mlc_profile_days_per_month(const mlc_profile *p)
{
	return p ? p->days_per_month : MLC_PROFILE__DEFAULT_DAYS_PER_MONTH;
}

const mlc_yaml *mlc_profile__yaml(const mlc_profile *p)
{
	return p->yaml;
}

struct fy_node *mlc_profile__model_node(const mlc_profile *p, size_t i)
{
	return p && i < p->nmodels ? p->nodes[i] : NULL;
}
