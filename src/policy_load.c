/* SPDX-License-Identifier: MIT */
/*
 * policy_load.c - reads a policy file (docs/check.md) into struct
 * mlc_policy: required tags and their minimum coverage, max_cost_per_1k
 * (a default and per-model overrides), the budgets file and what fails it,
 * the registry manifest and the fields its entries must carry. Errors are
 * FILE:LINE:COL. It checks shapes only: the files it names are read when
 * the policy is checked, not when it is loaded.
 */
#include "policy_internal.h"
#include "util/alloc.h"
#include "util/error.h"
#include "yamldoc.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define STR_MAX 1024

static int dup_str(const mlc_yaml *y, struct fy_node *n, char **out)
{
	const char *s;
	int rc = mlc_yaml__string(y, n, &s);
	if (rc)
		return rc;
	if (!*s)
		return mlc_yaml__error(y, n, "empty string");
	if (strlen(s) >= STR_MAX)
		return mlc_yaml__error(y, n, "longer than %d bytes", STR_MAX - 1);
	return (*out = mlcu_strdup(s)) ? 0 : mlcu_error_oom();
}

/* A relative path is taken from dir: "dir/path". */
static int file_path(const mlc_yaml *y, struct fy_node *map, const char *dir, char **out)
{
	struct fy_node *n = mlc_yaml__get(map, "file");
	char *rel = NULL;
	int rc;
	if (!n)
		return mlc_yaml__error(y, map, "'file' is required");
	if ((rc = dup_str(y, n, &rel)))
		return rc;
	if (rel[0] == '/' || !dir || !*dir) {
		*out = rel;
		return 0;
	}
	if (!(*out = mlcu_malloc(strlen(dir) + strlen(rel) + 2))) {
		mlcu_free(rel);
		return mlcu_error_oom();
	}
	sprintf(*out, "%s/%s", dir, rel);
	mlcu_free(rel);
	return 0;
}

static int str_list(const mlc_yaml *y, struct fy_node *seq, const char *what, char **out, size_t *n,
                    size_t max)
{
	void *it = NULL;
	struct fy_node *item;
	int rc;
	if ((rc = mlc_yaml__expect_seq(y, seq, what)))
		return rc;
	if (!fy_node_sequence_item_count(seq))
		return mlc_yaml__error(y, seq, "'%s' is an empty list", what);
	while ((item = fy_node_sequence_iterate(seq, &it)) != NULL) {
		if (*n == max)
			return mlc_yaml__error(y, item, "more than %zu entries in '%s'", max, what);
		if ((rc = dup_str(y, item, &out[*n])))
			return rc;
		(*n)++; /* owned from here on, freed with the policy */
		for (size_t i = 0; i + 1 < *n; i++)
			if (!strcmp(out[i], out[*n - 1]))
				return mlc_yaml__error(y, item, "'%s' given twice", out[i]);
	}
	return 0;
}

static int load_tags(mlc_policy *p, const mlc_yaml *y, struct fy_node *map)
{
	static const char *const keys[] = {"keys", "min_coverage_pct", NULL};
	int rc, given = 0;
	if ((rc = mlc_yaml__expect_map(y, map, "required_tags")) ||
	    (rc = mlc_yaml__check_keys(y, map, keys)))
		return rc;
	if (!mlc_yaml__get(map, "keys"))
		return mlc_yaml__error(y, map, "required_tags: 'keys' is required");
	if ((rc = str_list(y, mlc_yaml__get(map, "keys"), "keys", p->keys, &p->nkeys,
	                   MLC_POLICY_MAX_KEYS)))
		return rc;
	p->min_coverage_pct = 100;
	if ((rc = mlc_yaml__opt_number_min(y, map, "min_coverage_pct", &p->min_coverage_pct, 0,
	                                   &given)))
		return rc;
	if (p->min_coverage_pct > 100)
		return mlc_yaml__error(y, mlc_yaml__get(map, "min_coverage_pct"),
		                       "min_coverage_pct must be from 0 to 100");
	p->has_tags = 1;
	return 0;
}

static int load_models(mlc_policy *p, const mlc_yaml *y, struct fy_node *map)
{
	void *it = NULL;
	struct fy_node_pair *pair;
	size_t n;
	int rc;
	if ((rc = mlc_yaml__expect_map(y, map, "models")))
		return rc;
	if ((n = (size_t)fy_node_mapping_item_count(map)) > MLC_POLICY_MAX_MODELS)
		return mlc_yaml__error(y, map, "more than %d models", MLC_POLICY_MAX_MODELS);
	if (!(p->model_names = mlcu_calloc(n ? n : 1, sizeof(char *))) ||
	    !(p->model_max = mlcu_calloc(n ? n : 1, sizeof(double))))
		return mlcu_error_oom();
	while ((pair = fy_node_mapping_iterate(map, &it)) != NULL) {
		struct fy_node *k = fy_node_pair_key(pair), *v = fy_node_pair_value(pair);
		if ((rc = dup_str(y, k, &p->model_names[p->nmodels])))
			return rc;
		p->nmodels++;
		for (size_t i = 0; i + 1 < p->nmodels; i++)
			if (!strcmp(p->model_names[i], p->model_names[p->nmodels - 1]))
				return mlc_yaml__error(y, k, "model '%s' given twice",
				                       p->model_names[i]);
		if (!v)
			return mlc_yaml__error(y, k, "a maximum cost is required");
		if ((rc = mlc_yaml__number(y, v, &p->model_max[p->nmodels - 1])))
			return rc;
		if (!(p->model_max[p->nmodels - 1] >= 0) || !isfinite(p->model_max[p->nmodels - 1]))
			return mlc_yaml__error(y, v, "a maximum cost must be a number >= 0");
	}
	return 0;
}

static int load_cost(mlc_policy *p, const mlc_yaml *y, struct fy_node *map)
{
	static const char *const keys[] = {"default", "models", NULL};
	int rc;
	if ((rc = mlc_yaml__expect_map(y, map, "max_cost_per_1k")) ||
	    (rc = mlc_yaml__check_keys(y, map, keys)) ||
	    (rc =
	         mlc_yaml__opt_number_min(y, map, "default", &p->cost_default, 0, &p->has_default)))
		return rc;
	if (mlc_yaml__get(map, "models") && (rc = load_models(p, y, mlc_yaml__get(map, "models"))))
		return rc;
	if (!p->has_default && !p->nmodels)
		return mlc_yaml__error(y, map, "max_cost_per_1k: give 'default' or 'models'");
	p->has_cost = 1;
	return 0;
}

static int load_budgets(mlc_policy *p, const mlc_yaml *y, struct fy_node *map, const char *dir)
{
	static const char *const keys[] = {"file", "fail_on", NULL};
	const char *on = "actual";
	int rc;
	if ((rc = mlc_yaml__expect_map(y, map, "budgets")) ||
	    (rc = mlc_yaml__check_keys(y, map, keys)) ||
	    (rc = mlc_yaml__opt_string(y, map, "fail_on", &on)))
		return rc;
	if (strcmp(on, "actual") && strcmp(on, "forecast"))
		return mlc_yaml__error(y, mlc_yaml__get(map, "fail_on"),
		                       "fail_on must be 'actual' or 'forecast' (got '%s')", on);
	p->fail_on_forecast = !strcmp(on, "forecast");
	if ((rc = file_path(y, map, dir, &p->budgets_file)))
		return rc;
	p->has_budgets = 1;
	return 0;
}

static int load_registry(mlc_policy *p, const mlc_yaml *y, struct fy_node *map, const char *dir)
{
	static const char *const keys[] = {"file", "require", NULL};
	static const char *const deflt[] = {"version", "created_at", "lineage"};
	int rc;
	if ((rc = mlc_yaml__expect_map(y, map, "registry")) ||
	    (rc = mlc_yaml__check_keys(y, map, keys)) ||
	    (rc = file_path(y, map, dir, &p->registry_file)))
		return rc;
	if (mlc_yaml__get(map, "require")) {
		if ((rc = str_list(y, mlc_yaml__get(map, "require"), "require", p->fields,
		                   &p->nfields, MLC_POLICY_MAX_FIELDS)))
			return rc;
	} else {
		for (; p->nfields < 3; p->nfields++)
			if (!(p->fields[p->nfields] = mlcu_strdup(deflt[p->nfields])))
				return mlcu_error_oom();
	}
	p->has_registry = 1;
	return 0;
}

static int load_root(mlc_policy *p, const mlc_yaml *y, const char *dir)
{
	static const char *const keys[] = {"required_tags", "max_cost_per_1k", "budgets",
	                                   "registry", NULL};
	struct fy_node *root = mlc_yaml__root(y), *n;
	int rc;
	if (!root)
		return mlcu_error_set(MLC_EPARSE, "%s:1:1: empty policy", mlc_yaml__name(y));
	if ((rc = mlc_yaml__expect_map(y, root, "a policy")) ||
	    (rc = mlc_yaml__check_keys(y, root, keys)))
		return rc;
	if ((n = mlc_yaml__get(root, "required_tags")) && (rc = load_tags(p, y, n)))
		return rc;
	if ((n = mlc_yaml__get(root, "max_cost_per_1k")) && (rc = load_cost(p, y, n)))
		return rc;
	if ((n = mlc_yaml__get(root, "budgets")) && (rc = load_budgets(p, y, n, dir)))
		return rc;
	if ((n = mlc_yaml__get(root, "registry")) && (rc = load_registry(p, y, n, dir)))
		return rc;
	if (!p->has_tags && !p->has_cost && !p->has_budgets && !p->has_registry)
		return mlc_yaml__error(y, root, "the policy has no rule");
	return 0;
}

static int load(mlc_policy **out, mlc_yaml *y, const char *dir)
{
	mlc_policy *p = mlcu_calloc(1, sizeof(*p));
	int rc;
	*out = NULL;
	if (!p || !(p->name = mlcu_strdup(mlc_yaml__name(y)))) {
		rc = mlcu_error_oom();
		goto done;
	}
	if ((rc = load_root(p, y, dir)))
		goto done;
	*out = p;
	p = NULL;
done:
	mlc_policy_free(p);
	mlc_yaml__free(y);
	return rc;
}

MLC_EXTERN int mlc_policy_load_string(mlc_policy **out, const char *name, const char *dir,
                                      const char *yaml, size_t len)
{
	mlc_yaml *y = NULL;
	int rc;
	*out = NULL;
	if ((rc = mlc_yaml__load_string(&y, name ? name : "<policy>", yaml, len)))
		return rc;
	return load(out, y, dir ? dir : ".");
}

MLC_EXTERN int mlc_policy_load_file(mlc_policy **out, const char *path)
{
	mlc_yaml *y = NULL;
	char dir[MLC_POLICY_MAX_PATH];
	const char *slash = strrchr(path, '/');
	int rc;
	*out = NULL;
	if (strlen(path) >= sizeof(dir))
		return mlcu_error_set(MLC_EINVAL, "%s: path too long", path);
	if (slash)
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	else
		snprintf(dir, sizeof(dir), ".");
	if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	if ((rc = mlc_yaml__load_file(&y, path)))
		return rc;
	return load(out, y, dir);
}

MLC_EXTERN void mlc_policy_free(mlc_policy *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nkeys; i++)
		mlcu_free(p->keys[i]);
	for (size_t i = 0; i < p->nmodels; i++)
		mlcu_free(p->model_names[i]);
	for (size_t i = 0; i < p->nfields; i++)
		mlcu_free(p->fields[i]);
	mlcu_free(p->model_names);
	mlcu_free(p->model_max);
	mlcu_free(p->budgets_file);
	mlcu_free(p->registry_file);
	mlcu_free(p->name);
	mlcu_free(p);
}
