/* SPDX-License-Identifier: MIT */
/*
 * allocation_load.c - reads an allocation file (docs/allocation.md) into
 * an mlc_alloc_spec: pools with their filters, splits and targets, the key
 * list the engine must resolve, the aliases path. Errors carry
 * FILE:LINE:COL. It checks shapes and names only; whether a key exists in
 * a given bill is for the engine to find out when it resolves the key.
 */
#include "allocation.h"
#include "allocation_spec.h"
#include "billing_format.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/str.h"
#include "yamldoc.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static void trim(const char **s, size_t *len)
{
	while (*len && is_blank(**s))
		(*s)++, (*len)--;
	while (*len && is_blank((*s)[*len - 1]))
		(*len)--;
}

/* A FOCUS column name within edit distance 2 of name (any case), or NULL. */
static const char *near_focus(const char *name)
{
	char low[64], dim[64];
	size_t i, n = strlen(name);
	if (n >= sizeof(low))
		return NULL;
	for (i = 0; i <= n; i++)
		low[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32 : name[i]);
	for (int d = 0; d < MLC_BILLFMT_DIM_COUNT; d++) {
		const char *dn = mlc_billfmt__dim_name((mlc_billfmt_dim)d);
		size_t k, dl = strlen(dn);
		if (dl >= sizeof(dim))
			continue;
		for (k = 0; k <= dl; k++)
			dim[k] = (char)(dn[k] >= 'A' && dn[k] <= 'Z' ? dn[k] + 32 : dn[k]);
		if (mlcu_edit_distance(low, dim, 3) <= 2)
			return dn;
	}
	return NULL;
}

/*
 * The canonical spelling of a key as written (s[0..len), trimmed) into
 * out: "tag:KEY", a FOCUS column's own spelling, or a raw column as is.
 */
static int canon_key(const mlc_yaml *y, struct fy_node *n, char *out, size_t cap, const char *s,
                     size_t len)
{
	mlc_billfmt_dim d;
	const char *near;
	trim(&s, &len);
	if (len == 0)
		return mlc_yaml__error(y, n, "empty key: expected tag:KEY or a FOCUS column");
	if (len >= cap)
		return mlc_yaml__error(y, n, "key longer than %zu bytes", cap - 1);
	if (len >= 4 && strncasecmp(s, "tag:", 4) == 0) {
		const char *k = s + 4;
		size_t kl = len - 4;
		trim(&k, &kl);
		if (kl == 0)
			return mlc_yaml__error(y, n, "'tag:' needs a tag key, e.g. tag:team");
		snprintf(out, cap, "tag:%.*s", (int)kl, k);
		return 0;
	}
	if (mlc_billfmt__dim_from_name(&d, s, len) == 0) {
		snprintf(out, cap, "%s", mlc_billfmt__dim_name(d));
		return 0;
	}
	snprintf(out, cap, "%.*s", (int)len, s);
	if ((near = near_focus(out)) != NULL)
		return mlc_yaml__error(y, n, "unknown key '%s' (did you mean '%s'?)", out, near);
	if (strchr(out, '='))
		return mlc_yaml__error(y, n, "unexpected '=' in key '%s'", out);
	return 0;
}

/* Keys compare case-insensitively: tag keys (SPEC §4) and column names alike. */
static int key_index(mlc_alloc_spec *s, const char *key, uint32_t *out)
{
	size_t i;
	char **k;
	for (i = 0; i < s->nkeys; i++)
		if (mlcu_streq_nocase(s->keys[i], key)) {
			*out = (uint32_t)i;
			return 0;
		}
	if (!(k = mlcu_reallocarray(s->keys, s->nkeys + 1, sizeof(*k))))
		return mlcu_error_oom();
	s->keys = k;
	if (!(k[s->nkeys] = mlcu_strdup(key)))
		return mlcu_error_oom();
	*out = (uint32_t)s->nkeys++;
	return 0;
}

/* Keep a copy of s[0..len) owned by the spec. */
static char *own(mlc_alloc_spec *s, const char *str, size_t len)
{
	char **l, *c;
	if (!(l = mlcu_reallocarray(s->strs, s->nstrs + 1, sizeof(*l))))
		return NULL;
	s->strs = l;
	if (!(c = mlcu_strndup(str, len)))
		return NULL;
	return s->strs[s->nstrs++] = c;
}

/* One "KEY=VALUE" condition (VALUE empty: the key must be missing). */
static int parse_cond(mlc_alloc_spec *s, const mlc_yaml *y, struct fy_node *n, mlc_alloc_cond *c)
{
	char key[256];
	const char *text, *eq, *v;
	size_t vl;
	int rc;
	if ((rc = mlc_yaml__string(y, n, &text)) != 0)
		return rc;
	if (!(eq = strchr(text, '=')))
		return mlc_yaml__error(y, n, "filter '%s' is not KEY=VALUE", text);
	if ((rc = canon_key(y, n, key, sizeof(key), text, (size_t)(eq - text))) != 0)
		return rc;
	if ((rc = key_index(s, key, &c->key)) != 0)
		return rc;
	v = eq + 1;
	vl = strlen(v);
	trim(&v, &vl);
	c->value = NULL;
	c->len = 0;
	if (vl && !(c->value = own(s, v, vl)))
		return mlcu_error_oom();
	c->len = vl;
	return 0;
}

/* filter: "K=V" or a list of them; conditions go to the spec's cond array. */
static int parse_filter(mlc_alloc_spec *s, const mlc_yaml *y, struct fy_node *f, size_t *ncond)
{
	struct fy_node *items[MLC_ALLOC_MAX_CONDS];
	size_t n = 0, i, j;
	int rc;
	if (fy_node_get_type(f) == FYNT_SEQUENCE) {
		void *it = NULL;
		struct fy_node *e;
		while ((e = fy_node_sequence_iterate(f, &it)) != NULL) {
			if (n == MLC_ALLOC_MAX_CONDS)
				return mlc_yaml__error(y, e,
				                       "more than %u conditions in one filter",
				                       MLC_ALLOC_MAX_CONDS);
			items[n++] = e;
		}
		if (n == 0)
			return mlc_yaml__error(y, f, "'filter' is an empty list");
	} else {
		items[n++] = f;
	}
	for (i = 0; i < n; i++) {
		mlc_alloc_cond *c = &s->cond[s->ncond + i];
		if ((rc = parse_cond(s, y, items[i], c)) != 0)
			return rc;
		for (j = 0; j < i; j++)
			if (s->cond[s->ncond + j].key == c->key)
				return mlc_yaml__error(y, items[i],
				                       "key '%s' appears twice in "
				                       "one filter",
				                       s->keys[c->key]);
	}
	*ncond = n;
	return 0;
}

static int parse_split(mlc_alloc_pool *p, const mlc_yaml *y, struct fy_node *pn)
{
	static const char *const metrics[] = {"requests", "input_tokens", "output_tokens",
	                                      "tokens"};
	struct fy_node *v = mlc_yaml__get(pn, "split"), *m = mlc_yaml__get(pn, "usage_metric");
	const char *str;
	int rc, i;
	if (!v)
		return mlc_yaml__error(y, pn,
		                       "pool '%s' needs 'split' (even, proportional or "
		                       "usage)",
		                       p->name);
	if ((rc = mlc_yaml__string(y, v, &str)) != 0)
		return rc;
	if (!strcmp(str, "even"))
		p->split = MLC_ALLOC_EVEN;
	else if (!strcmp(str, "proportional"))
		p->split = MLC_ALLOC_PROPORTIONAL;
	else if (!strcmp(str, "usage"))
		p->split = MLC_ALLOC_USAGE;
	else
		return mlc_yaml__error(y, v, "unknown split '%s' (even, proportional, usage)", str);
	p->metric = MLC_ALLOC_REQUESTS;
	if (!m)
		return 0;
	if (p->split != MLC_ALLOC_USAGE)
		return mlc_yaml__error(y, m, "'usage_metric' needs split: usage");
	if ((rc = mlc_yaml__string(y, m, &str)) != 0)
		return rc;
	for (i = 0; i < (int)MLC_ALLOC_METRIC_COUNT; i++)
		if (!strcmp(str, metrics[i])) {
			p->metric = (mlc_alloc_metric)i;
			return 0;
		}
	return mlc_yaml__error(y, m,
	                       "unknown usage_metric '%s' (requests, input_tokens, "
	                       "output_tokens, tokens)",
	                       str);
}

/* targets: one dimension, the same for every pool (key 0). */
static int parse_targets(mlc_alloc_spec *s, const mlc_yaml *y, struct fy_node *pn, size_t i)
{
	struct fy_node *v = mlc_yaml__get(pn, "targets");
	const char *str;
	char key[256];
	int rc;
	if (!v)
		return mlc_yaml__error(y, pn, "pool '%s' needs 'targets' (e.g. tag:model_id)",
		                       s->pools[i].name);
	if ((rc = mlc_yaml__string(y, v, &str)) != 0 ||
	    (rc = canon_key(y, v, key, sizeof(key), str, strlen(str))) != 0)
		return rc;
	if (i == 0)
		return (s->keys[0] = mlcu_strdup(key)) ? 0 : mlcu_error_oom();
	if (!mlcu_streq_nocase(s->keys[0], key))
		return mlc_yaml__error(y, v,
		                       "pools must share one targets dimension: '%s' here, "
		                       "'%s' in pool '%s'",
		                       key, s->keys[0], s->pools[0].name);
	return 0;
}

static int parse_pool(mlc_alloc_spec *s, const mlc_yaml *y, struct fy_node *pn, size_t i)
{
	static const char *const keys[] = {
	    "name",         "description", "filter",           "split",
	    "usage_metric", "targets",     "include_untagged", NULL};
	mlc_alloc_pool *p = &s->pools[i];
	struct fy_node *v;
	const char *name = NULL;
	size_t j;
	int rc;
	if ((rc = mlc_yaml__expect_map(y, pn, "a pool")) != 0 ||
	    (rc = mlc_yaml__check_keys(y, pn, keys)) != 0)
		return rc;
	mlc_yaml__pos(pn, &p->line, &p->col);
	if ((rc = mlc_yaml__opt_string(y, pn, "name", &name)) != 0)
		return rc;
	if (!name || !*name)
		return mlc_yaml__error(y, pn, "a pool needs a 'name'");
	for (j = 0; j < i; j++)
		if (!strcmp(s->pools[j].name, name))
			return mlc_yaml__error(y, mlc_yaml__get(pn, "name"),
			                       "duplicate pool name '%s'", name);
	if (!(p->name = own(s, name, strlen(name))))
		return mlcu_error_oom();
	if ((rc = parse_targets(s, y, pn, i)) != 0 || (rc = parse_split(p, y, pn)) != 0)
		return rc;
	if ((rc = mlc_yaml__opt_bool(y, pn, "include_untagged", &p->include_untagged)) != 0)
		return rc;
	if (!(v = mlc_yaml__get(pn, "filter")))
		return mlc_yaml__error(y, pn,
		                       "pool '%s' needs a 'filter' (e.g. "
		                       "\"tag:team=ml-platform\")",
		                       p->name);
	p->cond = &s->cond[s->ncond];
	if ((rc = parse_filter(s, y, v, &p->ncond)) != 0)
		return rc;
	s->ncond += p->ncond;
	return 0;
}

/* aliases: a path, relative to the allocation file's directory. */
static int parse_aliases(mlc_alloc_spec *s, const mlc_yaml *y, struct fy_node *root)
{
	const char *path = NULL, *slash = strrchr(mlc_yaml__name(y), '/');
	mlcu_buf b;
	int rc;
	if ((rc = mlc_yaml__opt_string(y, root, "aliases", &path)) != 0 || !path)
		return rc;
	if (!*path)
		return mlc_yaml__error(y, mlc_yaml__get(root, "aliases"), "'aliases' is empty");
	mlcu_buf_init(&b, 1 << 16);
	if (path[0] != '/' && slash)
		rc =
		    mlcu_buf_append(&b, mlc_yaml__name(y), (size_t)(slash - mlc_yaml__name(y) + 1));
	if (rc == 0)
		rc = mlcu_buf_puts(&b, path);
	if (rc == 0 && !(s->aliases = mlcu_buf_detach(&b)))
		rc = mlcu_error_oom();
	mlcu_buf_free(&b);
	return rc;
}

static int parse_root(mlc_alloc_spec *s, const mlc_yaml *y)
{
	static const char *const keys[] = {"version", "aliases", "pools", NULL};
	struct fy_node *root = mlc_yaml__root(y), *pools, *pn;
	void *it = NULL;
	double version = 1;
	size_t n;
	int rc;
	if ((rc = mlc_yaml__expect_map(y, root, "an allocation file")) != 0 ||
	    (rc = mlc_yaml__check_keys(y, root, keys)) != 0 ||
	    (rc = mlc_yaml__opt_number(y, root, "version", &version, NULL)) != 0)
		return rc;
	if (version != 1)
		return mlc_yaml__error(y, mlc_yaml__get(root, "version"),
		                       "unsupported version (this mlcost reads version 1)");
	if ((rc = parse_aliases(s, y, root)) != 0)
		return rc;
	if (!(pools = mlc_yaml__get(root, "pools")))
		return mlc_yaml__error(y, root, "an allocation file needs 'pools'");
	if ((rc = mlc_yaml__expect_seq(y, pools, "'pools'")) != 0)
		return rc;
	if ((n = (size_t)fy_node_sequence_item_count(pools)) == 0)
		return mlc_yaml__error(y, mlc_yaml__key_node(root, "pools"), "'pools' is empty");
	if (n > MLC_ALLOC_MAX_POOLS)
		return mlc_yaml__error(y, pools, "more than %u pools", MLC_ALLOC_MAX_POOLS);
	if (!(s->pools = mlcu_calloc(n, sizeof(*s->pools))) ||
	    !(s->cond = mlcu_calloc(n * MLC_ALLOC_MAX_CONDS, sizeof(*s->cond))) ||
	    !(s->keys = mlcu_calloc(1, sizeof(*s->keys))))
		return mlcu_error_oom();
	s->nkeys = 1; /* key 0, the targets, is filled by the first pool */
	while ((pn = fy_node_sequence_iterate(pools, &it)) != NULL) {
		if ((rc = parse_pool(s, y, pn, s->npools)) != 0)
			return rc;
		s->npools++;
	}
	return 0;
}

static int load(mlc_alloc_spec **out, mlc_yaml *y)
{
	mlc_alloc_spec *s = mlcu_calloc(1, sizeof(*s));
	int rc;
	if (!s)
		return mlcu_error_oom();
	if ((rc = parse_root(s, y)) != 0) {
		mlc_alloc__spec_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

int mlc_alloc__load_string(mlc_alloc_spec **out, const char *name, const char *data, size_t len)
{
	mlc_yaml *y = NULL;
	int rc;
	*out = NULL;
	if ((rc = mlc_yaml__load_string(&y, name, data, len)) == 0)
		rc = load(out, y);
	mlc_yaml__free(y);
	return rc;
}

int mlc_alloc__load_file(mlc_alloc_spec **out, const char *path)
{
	mlc_yaml *y = NULL;
	int rc;
	*out = NULL;
	if ((rc = mlc_yaml__load_file(&y, path)) == 0)
		rc = load(out, y);
	mlc_yaml__free(y);
	return rc;
}

void mlc_alloc__spec_free(mlc_alloc_spec *s)
{
	size_t i;
	if (!s)
		return;
	for (i = 0; i < s->nkeys; i++)
		mlcu_free(s->keys[i]);
	for (i = 0; i < s->nstrs; i++)
		mlcu_free(s->strs[i]);
	mlcu_free(s->keys);
	mlcu_free(s->strs);
	mlcu_free(s->pools);
	mlcu_free(s->cond);
	mlcu_free(s->aliases);
	mlcu_free(s);
}
