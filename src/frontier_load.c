/* SPDX-License-Identifier: MIT */
/*
 * frontier_load.c - the variants file of `mlcost frontier` (docs/frontier.md):
 * target volume, floors, catalog and the list of variants, each checked
 * with FILE:LINE:COL errors, priced from the catalog it names, then
 * evaluated by frontier.c. It does not decide anything about cost itself.
 */
#include "frontier.h"
#include "whatif.h"
#include "yamldoc.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/file.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define MAX_CATALOGS 32
#define MAX_PATH     4096

typedef struct loader {
	const mlc_yaml *y;
	unsigned flags;
	mlc_catalog *cat;
	mlcu_buf sources; /* "a, b" for the report */
	mlc_frontier_options opts;
	mlc_variant *v;
	struct fy_node **nodes; /* mapping of each variant */
	size_t n;
} loader;

/* a catalog source relative to the variants file's directory (or as written) */
static int load_source(loader *L, struct fy_node *n)
{
	const char *src, *name = mlc_yaml__name(L->y), *slash = strrchr(name, '/');
	char path[MAX_PATH];
	int rc, w, line, col;
	if ((rc = mlc_yaml__string(L->y, n, &src)) != 0)
		return rc;
	if (!*src)
		return mlc_yaml__error(L->y, n, "'catalog' must name a source");
	if ((L->flags & MLC_FRONTIER__BUILTIN_ONLY) && strncmp(src, "builtin:", 8))
		return mlc_yaml__error(L->y, n, "catalog files are disabled here; use a builtin:");
	if (!strncmp(src, "builtin:", 8) || src[0] == '/' || !slash)
		w = snprintf(path, sizeof(path), "%s", src);
	else
		w = snprintf(path, sizeof(path), "%.*s/%s", (int)(slash - name), name, src);
	if (w < 0 || (size_t)w >= sizeof(path))
		return mlc_yaml__error(L->y, n, "catalog path too long");
	if ((rc = mlcu_buf_printf(&L->sources, "%s%s", L->sources.len ? ", " : "", src)) != 0)
		return rc;
	rc = mlc_catalog_load(L->cat, path);
	if (rc == MLC_EIO || rc == MLC_ENOTFOUND || rc == MLC_EINVAL) {
		char msg[MLCU_ERROR_MAX];
		mlc_yaml__pos(n, &line, &col);
		snprintf(msg, sizeof(msg), "%s", mlc_error_message());
		rc = mlcu_error_set(rc == MLC_EIO ? MLC_EIO : MLC_EPARSE, "%s:%d:%d: catalog: %s",
		                    name, line, col, msg);
	}
	return rc;
}

static int load_catalog(loader *L, struct fy_node *root)
{
	struct fy_node *n = mlc_yaml__get(root, "catalog"), *item;
	void *it = NULL;
	size_t count = 0;
	int rc;
	if ((rc = mlc_catalog_new(&L->cat)) != 0)
		return rc;
	if (!n) {
		if ((rc = mlcu_buf_puts(&L->sources, "builtin:seed")) != 0)
			return rc;
		return mlc_catalog_load(L->cat, "builtin:seed");
	}
	if (fy_node_get_type(n) == FYNT_SCALAR)
		return load_source(L, n);
	if (fy_node_get_type(n) != FYNT_SEQUENCE || fy_node_sequence_item_count(n) == 0)
		return mlc_yaml__error(L->y, n, "'catalog' must be a source or a list of them");
	while ((item = fy_node_sequence_iterate(n, &it)) != NULL) {
		if (++count > MAX_CATALOGS)
			return mlc_yaml__error(L->y, item, "more than %d catalog sources",
			                       MAX_CATALOGS);
		if ((rc = load_source(L, item)) != 0)
			return rc;
	}
	return 0;
}

static int read_top(loader *L, struct fy_node *root)
{
	static const char *const keys[] = {"version",
	                                   "catalog",
	                                   "currency",
	                                   "hours_per_month",
	                                   "target_requests_per_month",
	                                   "peak_to_average",
	                                   "min_accuracy",
	                                   "max_p95_latency_ms",
	                                   "variants",
	                                   NULL};
	const mlc_yaml *y = L->y;
	mlc_frontier_options *o = &L->opts;
	double version = 1;
	int rc;
	if ((rc = mlc_yaml__expect_map(y, root, "the variants file")) != 0 ||
	    (rc = mlc_yaml__check_keys(y, root, keys)) != 0)
		return rc;
	if ((rc = mlc_yaml__opt_number(y, root, "version", &version, NULL)) != 0)
		return rc;
	if (version != 1)
		return mlc_yaml__error(y, mlc_yaml__get(root, "version"), "unsupported version");
	if (!mlc_yaml__get(root, "target_requests_per_month"))
		return mlc_yaml__error(y, root, "'target_requests_per_month' is required");
	if ((rc = mlc_yaml__opt_string(y, root, "currency", &o->currency)) != 0 ||
	    (rc = mlc_yaml__opt_number_min(y, root, "target_requests_per_month",
	                                   &o->target_requests_per_month, 0, NULL)) != 0 ||
	    (rc = mlc_yaml__opt_number_min(y, root, "hours_per_month", &o->hours_per_month, 0,
	                                   NULL)) != 0 ||
	    (rc = mlc_yaml__opt_number_min(y, root, "peak_to_average", &o->peak_to_average, 1,
	                                   NULL)) != 0 ||
	    (rc = mlc_yaml__opt_number(y, root, "min_accuracy", &o->min_accuracy,
	                               &o->has_min_accuracy)) != 0 ||
	    (rc = mlc_yaml__opt_number_min(y, root, "max_p95_latency_ms", &o->max_p95_latency_ms, 0,
	                                   &o->has_max_p95_latency_ms)) != 0)
		return rc;
	if (!(o->target_requests_per_month > 0))
		return mlc_yaml__error(y, mlc_yaml__get(root, "target_requests_per_month"),
		                       "'target_requests_per_month' must be above 0");
	if (!(o->hours_per_month > 0) || o->hours_per_month > 744)
		return mlc_yaml__error(y, mlc_yaml__get(root, "hours_per_month"),
		                       "'hours_per_month' must be above 0 and at most 744");
	return 0;
}

/* a required number under key, >= lo (> lo when above) */
static int need_number(const mlc_yaml *y, struct fy_node *map, const char *key, double *out,
                       double lo, int above)
{
	struct fy_node *v = mlc_yaml__get(map, key);
	int rc;
	if (!v)
		return mlc_yaml__error(y, map, "variant: '%s' is required", key);
	if ((rc = mlc_yaml__number(y, v, out)) != 0)
		return rc;
	if (above ? !(*out > lo) : !(*out >= lo))
		return mlc_yaml__error(y, v, "'%s' must be %s %g", key,
		                       above ? "above" : "at least", lo);
	return 0;
}

static int read_variant(loader *L, struct fy_node *n, mlc_variant *v)
{
	static const char *const keys[] = {
	    "name",     "accuracy", "p95_latency_ms", "throughput_rps_per_instance",
	    "instance", "pricing",  "min_instances",  NULL};
	const mlc_yaml *y = L->y;
	const char *pricing = "on_demand";
	struct fy_node *mn;
	size_t i;
	int rc;
	if ((rc = mlc_yaml__expect_map(y, n, "a variant")) != 0 ||
	    (rc = mlc_yaml__check_keys(y, n, keys)) != 0)
		return rc;
	if (!mlc_yaml__get(n, "name") || !mlc_yaml__get(n, "instance"))
		return mlc_yaml__error(y, n, "variant: 'name' and 'instance' are required");
	if ((rc = mlc_yaml__opt_string(y, n, "name", &v->name)) != 0 ||
	    (rc = mlc_yaml__opt_string(y, n, "instance", &v->instance)) != 0 ||
	    (rc = mlc_yaml__opt_string(y, n, "pricing", &pricing)) != 0)
		return rc;
	for (i = 0; i < L->n; i++)
		if (!strcmp(L->v[i].name, v->name))
			return mlc_yaml__error(y, mlc_yaml__get(n, "name"),
			                       "duplicate variant name '%s'", v->name);
	if (mlc_pricing_model_parse(&v->pricing, pricing) != 0)
		return mlc_yaml__error(y, mlc_yaml__get(n, "pricing"), "%s", mlc_error_message());
	if (!mlc_yaml__get(n, "accuracy"))
		return mlc_yaml__error(y, n, "variant: 'accuracy' is required");
	if ((rc = mlc_yaml__number(y, mlc_yaml__get(n, "accuracy"), &v->accuracy)) != 0 ||
	    (rc = need_number(y, n, "p95_latency_ms", &v->p95_latency_ms, 0, 0)) != 0 ||
	    (rc = need_number(y, n, "throughput_rps_per_instance", &v->throughput_rps_per_instance,
	                      0, 1)) != 0)
		return rc;
	v->min_instances = 1;
	if ((rc = mlc_yaml__opt_number_min(y, n, "min_instances", &v->min_instances, 0, NULL)))
		return rc;
	mn = mlc_yaml__get(n, "min_instances");
	/* the range first: converting 1e57 to an integer type is undefined */
	if (mn && (v->min_instances > 1e9 || v->min_instances != floor(v->min_instances)))
		return mlc_yaml__error(y, mn,
		                       "'min_instances' must be a whole number at most 1000000000");
	return 0;
}

static int read_variants(loader *L, struct fy_node *root)
{
	struct fy_node *seq = mlc_yaml__get(root, "variants"), *n;
	void *it = NULL;
	size_t count;
	int rc;
	if (!seq)
		return mlc_yaml__error(L->y, root, "'variants' is required");
	if ((rc = mlc_yaml__expect_seq(L->y, seq, "'variants'")) != 0)
		return rc;
	count = (size_t)fy_node_sequence_item_count(seq);
	if (count == 0) /* an empty list has no position of its own: point at its key */
		return mlc_yaml__error(L->y, mlc_yaml__key_node(root, "variants"),
		                       "'variants' is empty");
	if (count > MLC_FRONTIER_MAX_VARIANTS)
		return mlcu_error_set(MLC_ETOOLARGE, "%s: more than %d variants",
		                      mlc_yaml__name(L->y), MLC_FRONTIER_MAX_VARIANTS);
	if (!(L->v = mlcu_calloc(count, sizeof(*L->v))) ||
	    !(L->nodes = mlcu_calloc(count, sizeof(*L->nodes))))
		return mlcu_error_oom();
	while ((n = fy_node_sequence_iterate(seq, &it)) != NULL && L->n < count) {
		if ((rc = read_variant(L, n, &L->v[L->n])) != 0)
			return rc;
		L->nodes[L->n++] = n;
	}
	return 0;
}

/* The current error (rc) placed at node at, or at variant i's entry when at is NULL. */
static int at_variant(const loader *L, size_t i, struct fy_node *at, int rc)
{
	char msg[MLCU_ERROR_MAX];
	int line, col;
	if (rc == MLC_ENOMEM)
		return rc;
	snprintf(msg, sizeof(msg), "%s", mlc_error_message());
	mlc_yaml__pos(at ? at : L->nodes[i], &line, &col);
	return mlcu_error_set(MLC_EPARSE, "%s:%d:%d: %s", mlc_yaml__name(L->y), line, col, msg);
}

/* prices, with an unknown instance or an unoffered price reported at the variant */
static int price(loader *L, mlc_frontier *f)
{
	size_t i;
	int rc;
	for (i = 0; i < f->res.nvariants; i++) {
		mlc_variant *v = &f->variants[i];
		struct fy_node *at = mlc_yaml__get(L->nodes[i], "instance");
		rc = mlc_catalog_hourly_price(&v->price_per_hour, L->cat, v->instance, v->pricing);
		if (rc) {
			if (v->pricing != MLC_PRICING_ON_DEMAND && rc == MLC_EPARSE &&
			    mlc_yaml__get(L->nodes[i], "pricing"))
				at = mlc_yaml__get(L->nodes[i], "pricing");
			mlcu_error_prefix("variant '%s': ", v->name);
			return at_variant(L, i, at, rc);
		}
	}
	return 0;
}

/* everything after the YAML is parsed; y stays the caller's */
static int load_yaml(mlc_frontier **out, const mlc_yaml *y, unsigned flags)
{
	mlc_frontier_options defaults = MLC_FRONTIER_OPTIONS_INIT;
	mlc_frontier *f = NULL;
	loader L;
	int rc;

	memset(&L, 0, sizeof(L));
	L.y = y;
	L.flags = flags;
	L.opts = defaults;
	mlcu_buf_init(&L.sources, MAX_CATALOGS * (MAX_PATH + 2));
	if (!mlc_yaml__root(y)) {
		rc = mlcu_error_set(MLC_EPARSE, "%s: empty variants file", mlc_yaml__name(y));
		goto done;
	}
	if ((rc = read_top(&L, mlc_yaml__root(y))) != 0 ||
	    (rc = read_variants(&L, mlc_yaml__root(y))) != 0 ||
	    (rc = load_catalog(&L, mlc_yaml__root(y))) != 0)
		goto done;
	if ((rc = mlc_frontier__new(&f, &L.opts, L.v, L.n)) != 0 ||
	    (rc = mlc_frontier__set_catalog(f, L.sources.ptr ? L.sources.ptr : "")) != 0 ||
	    (rc = price(&L, f)) != 0 || (rc = mlc_frontier__evaluate(f)) != 0) {
		if (f && f->bad >= 0)
			rc = at_variant(&L, (size_t)f->bad, NULL, rc);
		goto done;
	}
	*out = f;
	f = NULL;
done:
	mlc_frontier_free(f);
	mlc_catalog_free(L.cat);
	mlcu_free(L.v);
	mlcu_free(L.nodes);
	mlcu_buf_free(&L.sources);
	return rc;
}

int mlc_frontier__load(mlc_frontier **out, const char *name, const char *yaml, size_t len,
                       unsigned flags)
{
	mlc_yaml *y = NULL;
	int rc;
	*out = NULL;
	if ((rc = mlc_yaml__load_string(&y, name, yaml, len)) == 0)
		rc = load_yaml(out, y, flags);
	mlc_yaml__free(y);
	return rc;
}

int mlc_frontier_load_string(mlc_frontier **out, const char *name, const char *yaml, size_t len)
{
	return mlc_frontier__load(out, name, yaml, len, 0);
}

int mlc_frontier_load_file(mlc_frontier **out, const char *path)
{
	char *data = NULL;
	size_t len = 0;
	int rc;
	*out = NULL;
	if (!path)
		return mlcu_error_set(MLC_EINVAL, "mlc_frontier_load_file: no path");
	if ((rc = mlcu_read_file(&data, &len, path, MLC_YAML_MAX_BYTES)) != 0)
		return rc;
	rc = mlc_frontier__load(out, path, data, len, 0);
	mlcu_free(data);
	return rc;
}
