/* SPDX-License-Identifier: MIT */
/*
 * budget_load.c - reads a budgets file (SPEC §7, docs/budgets.md) into
 * mlc_budgets: per budget a name, a scope (filter keys and their values),
 * an amount per calendar period, alert thresholds and whether they also
 * fire on the forecast. Errors carry FILE:LINE:COL. It checks shapes and
 * names only: whether a filter key exists in a bill is for whoever
 * queries the bill to find out.
 */
#include "billing_format.h"
#include "mlcost/series.h"
#include "util/sort.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/str.h"
#include "yamldoc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NAME_MAX_LEN 256
#define KEY_MAX_LEN 256
#define VALUE_MAX_LEN 1024
#define ALERT_MAX_PCT 1000

struct mlc_budgets {
	mlc_budget *items;
	size_t n;
	void **owned; /* every string and array the budgets point to */
	size_t nowned, capowned;
};

/* Record p as owned by b (freed with it); NULL (and p freed) when that fails. */
static void *keep(mlc_budgets *b, void *p)
{
	if (!p)
		return NULL;
	if (b->nowned == b->capowned) {
		size_t cap = b->capowned ? 2 * b->capowned : 64;
		void **o = mlcu_reallocarray(b->owned, cap, sizeof(*o));
		if (!o) {
			mlcu_free(p);
			return NULL;
		}
		b->owned = o;
		b->capowned = cap;
	}
	return b->owned[b->nowned++] = p;
}

static char *own_str(mlc_budgets *b, const char *s, size_t len)
{
	return keep(b, mlcu_strndup(s, len));
}

static void trim(const char **s, size_t *len)
{
	while (*len && (**s == ' ' || **s == '\t'))
		(*s)++, (*len)--;
	while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
		(*len)--;
}

/* A FOCUS column within two edits of name (any case), or NULL. */
static const char *near_focus(const char *name)
{
	char low[KEY_MAX_LEN], dim[KEY_MAX_LEN];
	size_t i, n = strlen(name);
	int d;
	if (n >= sizeof(low))
		return NULL;
	for (i = 0; i <= n; i++)
		low[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32 : name[i]);
	for (d = 0; d < MLC_BILLFMT_DIM_COUNT; d++) {
		const char *dn = mlc_billfmt__dim_name((mlc_billfmt_dim)d);
		size_t dl = strlen(dn);
		if (dl >= sizeof(dim))
			continue;
		for (i = 0; i <= dl; i++)
			dim[i] = (char)(dn[i] >= 'A' && dn[i] <= 'Z' ? dn[i] + 32 : dn[i]);
		if (mlcu_edit_distance(low, dim, 3) <= 2)
			return dn;
	}
	return NULL;
}

/* "tag:KEY", a FOCUS column in its own spelling, or another column as written. */
static int canon_key(const mlc_yaml *y, struct fy_node *n, char out[KEY_MAX_LEN])
{
	const char *s, *near;
	size_t len;
	mlc_billfmt_dim d;
	int rc;
	if ((rc = mlc_yaml__string(y, n, &s)) != 0)
		return rc;
	len = strlen(s);
	trim(&s, &len);
	if (len == 0)
		return mlc_yaml__error(y, n, "empty filter key: expected tag:KEY or a FOCUS column");
	if (len >= KEY_MAX_LEN)
		return mlc_yaml__error(y, n, "filter key longer than %d bytes", KEY_MAX_LEN - 1);
	if (memchr(s, '=', len) || s[len - 1] == '!')
		return mlc_yaml__error(y, n, "filter key '%.*s': '=' and a final '!' are not allowed",
				       (int)len, s);
	if (len >= 4 && strncasecmp(s, "tag:", 4) == 0) {
		const char *k = s + 4;
		size_t kl = len - 4;
		trim(&k, &kl);
		if (kl == 0)
			return mlc_yaml__error(y, n, "'tag:' needs a tag key, e.g. tag:model_id");
		snprintf(out, KEY_MAX_LEN, "tag:%.*s", (int)kl, k);
		return 0;
	}
	if (mlc_billfmt__dim_from_name(&d, s, len) == 0) {
		snprintf(out, KEY_MAX_LEN, "%s", mlc_billfmt__dim_name(d));
		return 0;
	}
	snprintf(out, KEY_MAX_LEN, "%.*s", (int)len, s);
	if ((near = near_focus(out)) != NULL)
		return mlc_yaml__error(y, n, "unknown filter key '%s' (did you mean '%s'?)", out,
				       near);
	return 0;
}

/* One value of a filter key: a scalar, kept as written ("" = the key is missing). */
static int filter_value(mlc_budgets *b, const mlc_yaml *y, struct fy_node *n,
                        struct fy_node *key, const char **out)
{
	const char *s;
	size_t len;
	int rc;
	if (!n || mlc_yaml__is_null(n))
		return mlc_yaml__error(y, key,
				       "filter value missing (write \"\" for 'no such tag')");
	if ((rc = mlc_yaml__string(y, n, &s)) != 0)
		return rc;
	len = strlen(s);
	if (len > VALUE_MAX_LEN)
		return mlc_yaml__error(y, n, "filter value longer than %d bytes", VALUE_MAX_LEN);
	trim(&s, &len);
	if (!(*out = own_str(b, s, len)))
		return mlcu_error_oom();
	return 0;
}

static int filter_values(mlc_budgets *b, const mlc_yaml *y, struct fy_node *key,
                         struct fy_node *v, mlc_budget_filter *f)
{
	const char **vals;
	struct fy_node *item;
	void *it = NULL;
	size_t n = 1;
	int rc;
	if (v && fy_node_get_type(v) == FYNT_SEQUENCE) {
		n = (size_t)fy_node_sequence_item_count(v);
		if (n == 0)
			return mlc_yaml__error(y, key, "empty list of values");
		if (n > MLC_BUDGET_MAX_VALUES)
			return mlc_yaml__error(y, v, "more than %d values for one key",
					       MLC_BUDGET_MAX_VALUES);
	}
	if (!(vals = keep(b, mlcu_calloc(n, sizeof(*vals)))))
		return mlcu_error_oom();
	f->values = vals;
	f->nvalues = n;
	if (!v || fy_node_get_type(v) != FYNT_SEQUENCE)
		return filter_value(b, y, v, key, &vals[0]);
	n = 0;
	while ((item = fy_node_sequence_iterate(v, &it)) != NULL)
		if ((rc = filter_value(b, y, item, key, &vals[n++])) != 0)
			return rc;
	return 0;
}

static int parse_filter(mlc_budgets *b, const mlc_yaml *y, struct fy_node *map, mlc_budget *bu)
{
	mlc_budget_filter *fs;
	struct fy_node_pair *p;
	void *it = NULL;
	size_t n, i = 0, j;
	int rc;
	if ((rc = mlc_yaml__expect_map(y, map, "filter")) != 0)
		return rc;
	if ((n = (size_t)fy_node_mapping_item_count(map)) > MLC_BUDGET_MAX_FILTERS)
		return mlc_yaml__error(y, map, "more than %d filter keys", MLC_BUDGET_MAX_FILTERS);
	if (n == 0)
		return 0;
	if (!(fs = keep(b, mlcu_calloc(n, sizeof(*fs)))))
		return mlcu_error_oom();
	bu->filters = fs;
	while ((p = fy_node_mapping_iterate(map, &it)) != NULL) {
		char key[KEY_MAX_LEN];
		struct fy_node *k = fy_node_pair_key(p);
		if ((rc = canon_key(y, k, key)) != 0)
			return rc;
		for (j = 0; j < i; j++)
			if (mlcu_streq_nocase(fs[j].key, key))
				return mlc_yaml__error(y, k, "filter key '%s' given twice", key);
		if (!(fs[i].key = own_str(b, key, strlen(key))))
			return mlcu_error_oom();
		bu->nfilters = ++i;
		if ((rc = filter_values(b, y, k, fy_node_pair_value(p), &fs[i - 1])) != 0)
			return rc;
	}
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static int parse_alerts(mlc_budgets *b, const mlc_yaml *y, struct fy_node *map, mlc_budget *bu)
{
	struct fy_node *seq = mlc_yaml__get(map, "alerts");
	double *al;
	struct fy_node *item;
	void *it = NULL;
	size_t n, i = 0;
	int rc;
	if ((rc = mlc_yaml__expect_seq(y, seq, "alerts")) != 0)
		return rc;
	n = (size_t)fy_node_sequence_item_count(seq);
	if (n == 0 || n > MLC_BUDGET_MAX_ALERTS)
		return mlc_yaml__error(y, n ? seq : mlc_yaml__key_node(map, "alerts"),
				       "alerts: expected 1 to %d thresholds (percent)",
				       MLC_BUDGET_MAX_ALERTS);
	if (!(al = keep(b, mlcu_calloc(n, sizeof(*al)))))
		return mlcu_error_oom();
	while ((item = fy_node_sequence_iterate(seq, &it)) != NULL) {
		size_t j;
		if ((rc = mlc_yaml__number(y, item, &al[i])) != 0)
			return rc;
		if (!(al[i] > 0) || al[i] > ALERT_MAX_PCT)
			return mlc_yaml__error(y, item,
					       "alert threshold %g: expected a percent above 0 "
					       "and at most %d",
					       al[i], ALERT_MAX_PCT);
		for (j = 0; j < i; j++)
			if (al[j] == al[i])
				return mlc_yaml__error(y, item, "alert threshold %g given twice",
						       al[i]);
		i++;
	}
	mlcu_qsort(al, n, sizeof(*al), cmp_double);
	bu->alerts = al;
	bu->nalerts = n;
	return 0;
}

static int parse_period(const mlc_yaml *y, struct fy_node *map, mlc_budget *bu)
{
	static const char *const names[] = {"month", "quarter", "year"};
	const char *s = NULL;
	int rc, i;
	if ((rc = mlc_yaml__opt_string(y, map, "period", &s)) != 0 || !s)
		return rc;
	for (i = 0; i < 3; i++)
		if (!strcmp(s, names[i])) {
			bu->period = (mlc_budget_period)i;
			return 0;
		}
	return mlc_yaml__error(y, mlc_yaml__get(map, "period"),
			       "unknown period '%s' (month, quarter, year)", s);
}

static int parse_text(mlc_budgets *b, const mlc_yaml *y, struct fy_node *map, const char *key,
                      const char **out, int required, size_t max)
{
	const char *s = NULL;
	size_t len;
	int rc;
	if ((rc = mlc_yaml__opt_string(y, map, key, &s)) != 0)
		return rc;
	if (!s) {
		if (required)
			return mlc_yaml__error(y, map, "budget: '%s' is required", key);
		return 0;
	}
	len = strlen(s);
	trim(&s, &len);
	if (len == 0 && required)
		return mlc_yaml__error(y, mlc_yaml__get(map, key), "'%s' is empty", key);
	if (len > max)
		return mlc_yaml__error(y, mlc_yaml__get(map, key), "'%s' longer than %zu bytes",
				       key, max);
	if (!(*out = own_str(b, s, len)))
		return mlcu_error_oom();
	return 0;
}

static int parse_budget(mlc_budgets *b, const mlc_yaml *y, struct fy_node *map, mlc_budget *bu)
{
	static const char *const keys[] = {"name",     "description", "filter", "amount",
					   "currency", "period",      "alerts", "forecast", NULL};
	static const double default_alert = 100;
	struct fy_node *n;
	int rc, line, col, present = 0;
	if ((rc = mlc_yaml__expect_map(y, map, "a budget")) != 0 ||
	    (rc = mlc_yaml__check_keys(y, map, keys)) != 0)
		return rc;
	mlc_yaml__pos(map, &line, &col);
	bu->line = line;
	bu->description = bu->currency = "";
	bu->alerts = &default_alert;
	bu->nalerts = 1;
	if ((rc = parse_text(b, y, map, "name", &bu->name, 1, NAME_MAX_LEN)) != 0 ||
	    (rc = parse_text(b, y, map, "description", &bu->description, 0, 4096)) != 0 ||
	    (rc = parse_text(b, y, map, "currency", &bu->currency, 0, 16)) != 0)
		return rc;
	if (!*bu->currency)
		bu->currency = "USD";
	if ((rc = mlc_yaml__opt_number(y, map, "amount", &bu->amount, &present)) != 0)
		return rc;
	if (!present)
		return mlc_yaml__error(y, map, "budget '%s': 'amount' is required", bu->name);
	if (!(bu->amount > 0) || bu->amount > 1e15)
		return mlc_yaml__error(y, mlc_yaml__get(map, "amount"),
				       "amount must be above 0 (and at most 1e15)");
	if ((rc = parse_period(y, map, bu)) != 0 ||
	    (rc = mlc_yaml__opt_bool(y, map, "forecast", &bu->forecast)) != 0)
		return rc;
	if (mlc_yaml__get(map, "alerts") && (rc = parse_alerts(b, y, map, bu)) != 0)
		return rc;
	if ((n = mlc_yaml__get(map, "filter")) != NULL && (rc = parse_filter(b, y, n, bu)) != 0)
		return rc;
	return 0;
}

static int parse_root(mlc_budgets *b, const mlc_yaml *y)
{
	static const char *const keys[] = {"version", "budgets", NULL};
	struct fy_node *root = mlc_yaml__root(y), *seq, *item;
	double version = 1;
	void *it = NULL;
	size_t n, i = 0, j;
	int rc;
	if ((rc = mlc_yaml__expect_map(y, root, "a budgets file")) != 0 ||
	    (rc = mlc_yaml__check_keys(y, root, keys)) != 0 ||
	    (rc = mlc_yaml__opt_number(y, root, "version", &version, NULL)) != 0)
		return rc;
	if (version != 1)
		return mlc_yaml__error(y, mlc_yaml__get(root, "version"),
				       "version %g: only version 1 exists", version);
	if (!(seq = mlc_yaml__get(root, "budgets")))
		return mlc_yaml__error(y, root, "'budgets' is required (a list)");
	if ((rc = mlc_yaml__expect_seq(y, seq, "budgets")) != 0)
		return rc;
	if ((n = (size_t)fy_node_sequence_item_count(seq)) > MLC_BUDGET_MAX)
		return mlc_yaml__error(y, seq, "more than %d budgets", MLC_BUDGET_MAX);
	if (n && !(b->items = mlcu_calloc(n, sizeof(*b->items))))
		return mlcu_error_oom();
	while ((item = fy_node_sequence_iterate(seq, &it)) != NULL && i < n) {
		if ((rc = parse_budget(b, y, item, &b->items[i])) != 0)
			return rc;
		for (j = 0; j < i; j++)
			if (!strcmp(b->items[j].name, b->items[i].name))
				return mlc_yaml__error(y, mlc_yaml__get(item, "name"),
						       "budget '%s' defined twice (first on line %d)",
						       b->items[i].name, b->items[j].line);
		b->n = ++i;
	}
	return 0;
}

static int load(mlc_budgets **out, mlc_yaml *y)
{
	mlc_budgets *b = mlcu_calloc(1, sizeof(*b));
	int rc;
	if (!b)
		return mlcu_error_oom();
	if ((rc = parse_root(b, y)) != 0) {
		mlc_budgets_free(b);
		return rc;
	}
	*out = b;
	return 0;
}

int mlc_budgets_load_string(mlc_budgets **out, const char *name, const char *yaml, size_t len)
{
	mlc_yaml *y = NULL;
	int rc;
	*out = NULL;
	if (!yaml)
		return mlcu_error_set(MLC_EINVAL, "budgets: no text");
	if ((rc = mlc_yaml__load_string(&y, name ? name : "budgets", yaml, len)) == 0)
		rc = load(out, y);
	mlc_yaml__free(y);
	return rc;
}

int mlc_budgets_load_file(mlc_budgets **out, const char *path)
{
	mlc_yaml *y = NULL;
	int rc;
	*out = NULL;
	if ((rc = mlc_yaml__load_file(&y, path)) == 0)
		rc = load(out, y);
	mlc_yaml__free(y);
	return rc;
}

void mlc_budgets_free(mlc_budgets *b)
{
	size_t i;
	if (!b)
		return;
	for (i = 0; i < b->nowned; i++)
		mlcu_free(b->owned[i]);
	mlcu_free(b->owned);
	mlcu_free(b->items);
	mlcu_free(b);
}

size_t mlc_budgets_count(const mlc_budgets *b)
{
	return b ? b->n : 0;
}

const mlc_budget *mlc_budgets_get(const mlc_budgets *b, size_t i)
{
	return b && i < b->n ? &b->items[i] : NULL;
}

const mlc_budget *mlc_budgets_find(const mlc_budgets *b, const char *name)
{
	size_t i;
	for (i = 0; b && name && i < b->n; i++)
		if (!strcmp(b->items[i].name, name))
			return &b->items[i];
	return NULL;
}
