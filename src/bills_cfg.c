/* SPDX-License-Identifier: MIT */
/*
 * bills_cfg.c - the attribution engine's configuration: options checked
 * and parsed once per run (dimensions, --where filters, --from/--to, cost
 * bases, aliases, limits), and the plan of each file: its format detected
 * from the header and every dimension, filter, presence key and cost basis
 * resolved against it (billing_format.h), which fixes the columns the
 * scanner materialises.
 *
 * What it is not: the row loop (bills_scan.c). Option mistakes are
 * MLC_EINVAL (a usage error), header problems MLC_EPARSE/MLC_ENOTFOUND
 * with "FILE:1: ...".
 */
#include "bills_internal.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/str.h"

#include <string.h>
#include <strings.h>
#include <unistd.h>

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* s[0..*n) without blanks around it. */
static const char *trim(const char *s, size_t *n)
{
	while (*n && is_blank(*s))
		s++, (*n)--;
	while (*n && is_blank(s[*n - 1]))
		(*n)--;
	return s;
}

static int same_key(const char *a, const char *b)
{
	return mlcu_streq_nocase(a, b);
}

static int check_dims(const mlc_bills_options *o)
{
	if (o->nby > MLC_BILLS_MAX_DIMS)
		return mlcu_error_set(MLC_EINVAL, "at most %d dimensions", MLC_BILLS_MAX_DIMS);
	if (o->nby && !o->by)
		return mlcu_error_set(MLC_EINVAL, "dimensions missing");
	for (size_t i = 0; i < o->nby; i++) {
		size_t n = o->by[i] ? strlen(o->by[i]) : 0;
		if (!o->by[i] || (trim(o->by[i], &n), n == 0))
			return mlcu_error_set(MLC_EINVAL, "empty dimension name");
		if (!strcmp(o->by[i], "bucket") || !strcmp(o->by[i], "cost") ||
		    !strcmp(o->by[i], "rows"))
			return mlcu_error_set(MLC_EINVAL,
			                      "'%s' is an output column, not a dimension (use "
			                      "--bucket for time)",
			                      o->by[i]);
		for (size_t j = 0; j < i; j++)
			if (same_key(o->by[i], o->by[j]))
				return mlcu_error_set(MLC_EINVAL, "dimension '%s' given twice",
				                      o->by[i]);
	}
	if (o->npresence > MLC_BILLS_MAX_PRESENCE)
		return mlcu_error_set(MLC_EINVAL, "at most %d presence keys",
		                      MLC_BILLS_MAX_PRESENCE);
	if (o->npresence && !o->presence)
		return mlcu_error_set(MLC_EINVAL, "presence keys missing");
	for (size_t i = 0; i < o->npresence; i++)
		if (!o->presence[i] || !o->presence[i][0])
			return mlcu_error_set(MLC_EINVAL, "empty presence key");
	return 0;
}

static int filter_for(bills_filter **out, bills_cfg *c, const char *key, size_t klen)
{
	bills_filter *f;
	for (size_t i = 0; i < c->nfilters; i++)
		if (strlen(c->filters[i].key) == klen &&
		    strncasecmp(c->filters[i].key, key, klen) == 0) {
			*out = &c->filters[i];
			return 0;
		}
	f = &c->filters[c->nfilters];
	memset(f, 0, sizeof(*f));
	if (!(f->key = mlcu_strndup(key, klen)))
		return mlcu_error_oom();
	c->nfilters++;
	*out = f;
	return 0;
}

/* Append value v (NULL: missing) to a filter's list. */
static int push_value(char ***vals, size_t **lens, size_t *n, const char *v, size_t vlen)
{
	char **nv = mlcu_reallocarray(*vals, *n + 1, sizeof(char *));
	size_t *nl;
	if (!nv)
		return mlcu_error_oom();
	*vals = nv;
	if (!(nl = mlcu_reallocarray(*lens, *n + 1, sizeof(size_t))))
		return mlcu_error_oom();
	*lens = nl;
	nv[*n] = NULL;
	nl[*n] = 0;
	if (v && vlen && !(nv[*n] = mlcu_strndup(v, vlen)))
		return mlcu_error_oom();
	nl[*n] = v ? vlen : 0;
	(*n)++;
	return 0;
}

static int parse_where(bills_cfg *c, const char *w)
{
	const char *eq = w ? strchr(w, '=') : NULL, *key, *val;
	size_t klen, vlen;
	int neg;
	bills_filter *f = NULL;
	int rc;
	if (!eq)
		return mlcu_error_set(MLC_EINVAL, "where '%s': expected KEY=VALUE or KEY!=VALUE",
		                      w ? w : "");
	neg = eq > w && eq[-1] == '!';
	klen = (size_t)(eq - w) - (neg ? 1 : 0);
	key = trim(w, &klen);
	vlen = strlen(eq + 1);
	val = trim(eq + 1, &vlen);
	if (!klen)
		return mlcu_error_set(MLC_EINVAL, "where '%s': the key is empty", w);
	if ((rc = filter_for(&f, c, key, klen)) < 0)
		return rc;
	/* an empty VALUE stands for "missing" */
	if (neg)
		return push_value(&f->ne, &f->nelen, &f->nne, vlen ? val : NULL, vlen);
	return push_value(&f->eq, &f->eqlen, &f->neq, vlen ? val : NULL, vlen);
}

static int parse_time(int64_t *out, const char *what, const char *s)
{
	if (mlcu_time_parse(out, s, strlen(s)) != 0)
		return mlcu_error_set(MLC_EINVAL, "%s: not a date or timestamp ('%s')", what, s);
	return 0;
}

static int parse_bases(bills_cfg *c, const mlc_bills_options *o)
{
	if (!o->nbases) {
		c->nbases = 1;
		c->pub_bases[0] = MLC_COST_EFFECTIVE;
		c->bases[0] = MLC_BILLFMT_EFFECTIVE;
		return 0;
	}
	if (o->nbases > MLC_COST_BASIS_COUNT || !o->bases)
		return mlcu_error_set(MLC_EINVAL, "at most %d cost bases", MLC_COST_BASIS_COUNT);
	for (size_t i = 0; i < o->nbases; i++) {
		if ((unsigned)o->bases[i] >= MLC_COST_BASIS_COUNT)
			return mlcu_error_set(MLC_EINVAL, "unknown cost basis %d",
			                      (int)o->bases[i]);
		for (size_t j = 0; j < i; j++)
			if (o->bases[j] == o->bases[i])
				return mlcu_error_set(MLC_EINVAL, "cost basis '%s' given twice",
				                      mlc_cost_basis_name(o->bases[i]));
		c->pub_bases[i] = o->bases[i];
		/* the two enums list the bases in the same order */
		c->bases[i] = (mlc_billfmt_basis)o->bases[i];
	}
	c->nbases = o->nbases;
	return 0;
}

static unsigned default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		return 1;
	return n > MLC_BILLS_MAX_THREADS ? MLC_BILLS_MAX_THREADS : (unsigned)n;
}

static int cfg_parse(bills_cfg *c, const mlc_bills_options *o)
{
	int rc;
	if ((rc = check_dims(o)) < 0)
		return rc;
	c->by = o->by;
	c->nby = o->nby;
	c->presence = o->presence;
	c->npresence = o->npresence;
	for (size_t i = 0; i < o->nby; i++)
		if (same_key(o->by[i], "BillingCurrency"))
			c->currency_grouped = 1;
	switch (o->bucket) {
	case MLC_BUCKET_NONE:
		c->bucket = MLCU_BUCKET_NONE;
		break;
	case MLC_BUCKET_HOUR:
		c->bucket = MLCU_BUCKET_HOUR;
		break;
	case MLC_BUCKET_DAY:
		c->bucket = MLCU_BUCKET_DAY;
		break;
	case MLC_BUCKET_MONTH:
		c->bucket = MLCU_BUCKET_MONTH;
		break;
	default:
		return mlcu_error_set(MLC_EINVAL, "unknown bucket %d", (int)o->bucket);
	}
	if (o->nwhere > MLC_BILLS_MAX_WHERE || (o->nwhere && !o->where))
		return mlcu_error_set(MLC_EINVAL, "at most %d filters", MLC_BILLS_MAX_WHERE);
	if (o->nwhere && !(c->filters = mlcu_calloc(o->nwhere, sizeof(bills_filter))))
		return mlcu_error_oom();
	for (size_t i = 0; i < o->nwhere; i++)
		if ((rc = parse_where(c, o->where[i])) < 0)
			return rc;
	if (o->from && (rc = parse_time(&c->from, "from", o->from)) < 0)
		return rc;
	if (o->to && (rc = parse_time(&c->to, "to", o->to)) < 0)
		return rc;
	c->has_from = o->from != NULL;
	c->has_to = o->to != NULL;
	if (c->has_from && c->has_to && c->from >= c->to)
		return mlcu_error_set(MLC_EINVAL, "from '%s' is not before to '%s'", o->from,
		                      o->to);
	if ((rc = parse_bases(c, o)) < 0)
		return rc;
	if (o->aliases && (rc = mlc_tags__aliases_load(&c->aliases, o->aliases)) < 0)
		return rc;
	return 0;
}

int mlc_bills__cfg_init(bills_cfg *c, const mlc_bills_options *o)
{
	int rc;
	memset(c, 0, sizeof(*c));
	if (!o || o->version != MLC_BILLS_OPTIONS_VERSION)
		return mlcu_error_set(MLC_EINVAL, "mlc_bills_options: version %u, expected %u",
		                      o ? o->version : 0, MLC_BILLS_OPTIONS_VERSION);
	c->lenient = o->lenient != 0;
	c->threads = o->threads ? o->threads : default_threads();
	if (c->threads > MLC_BILLS_MAX_THREADS)
		c->threads = MLC_BILLS_MAX_THREADS;
	c->max_groups = o->max_groups ? o->max_groups : BILLS_DEFAULT_MAX_GROUPS;
	c->max_values = o->max_values ? o->max_values : BILLS_DEFAULT_MAX_VALUES;
	c->max_errors = o->max_errors ? o->max_errors : 5;
	c->progress = o->progress;
	c->progress_ctx = o->progress_ctx;
	c->progress_interval = o->progress_interval > 0 ? o->progress_interval : 0.25;
	if ((rc = cfg_parse(c, o)) < 0)
		mlc_bills__cfg_free(c);
	return rc;
}

void mlc_bills__cfg_free(bills_cfg *c)
{
	for (size_t i = 0; i < c->nfilters; i++) {
		bills_filter *f = &c->filters[i];
		for (size_t j = 0; j < f->neq; j++)
			mlcu_free(f->eq[j]);
		for (size_t j = 0; j < f->nne; j++)
			mlcu_free(f->ne[j]);
		mlcu_free(f->eq);
		mlcu_free(f->eqlen);
		mlcu_free(f->ne);
		mlcu_free(f->nelen);
		mlcu_free(f->key);
	}
	mlcu_free(c->filters);
	mlc_tags__aliases_free(c->aliases);
	memset(c, 0, sizeof(*c));
}

/* Resolve name (trimmed) for plan p. */
static int resolve(mlc_billfmt_source **out, bills_plan *p, const bills_cfg *c, const char *name)
{
	char buf[512];
	size_t n = strlen(name);
	const char *t = trim(name, &n);
	if (n >= sizeof(buf))
		return mlcu_error_set(MLC_EINVAL, "dimension name longer than %zu bytes",
		                      sizeof(buf) - 1);
	memcpy(buf, t, n);
	buf[n] = '\0';
	return mlc_billfmt__resolve(out, p->fmt, buf, c->aliases);
}

static int plan_resolve(bills_plan *p, const bills_cfg *c)
{
	int rc;
	for (size_t i = 0; i < c->nby; i++)
		if ((rc = resolve(&p->dim[i], p, c, c->by[i])) < 0)
			return rc;
	for (size_t i = 0; i < c->nfilters; i++)
		if ((rc = resolve(&p->filter[i], p, c, c->filters[i].key)) < 0)
			return rc;
	for (size_t i = 0; i < c->npresence; i++)
		if ((rc = resolve(&p->pres[i], p, c, c->presence[i])) < 0)
			return rc;
	/* a format without a currency column simply has none */
	if (mlc_billfmt__resolve(&p->currency, p->fmt, "BillingCurrency", NULL) < 0)
		mlc_error_clear();
	for (size_t i = 0; i < c->nbases; i++)
		if ((rc = mlc_billfmt__need_cost(p->fmt, c->bases[i])) < 0)
			return rc;
	p->need_time = c->bucket != MLCU_BUCKET_NONE || c->has_from || c->has_to;
	if (p->need_time && (rc = mlc_billfmt__need_time(p->fmt)) < 0)
		return rc;
	return mlc_billfmt__columns(p->fmt, &p->cols, &p->flags, &p->nsel);
}

int mlc_bills__plan_new(bills_plan **out, const bills_cfg *c, const char *file,
                        const mlc_span *header, size_t ncols)
{
	bills_plan *p = mlcu_calloc(1, sizeof(*p));
	int rc;
	*out = NULL;
	if (!p)
		return mlcu_error_oom();
	p->file = file;
	p->header_ncols = ncols;
	if (c->nfilters && !(p->filter = mlcu_calloc(c->nfilters, sizeof(*p->filter)))) {
		rc = mlcu_error_oom();
		goto done;
	}
	if (!(p->colnames = mlcu_calloc(ncols ? ncols : 1, sizeof(char *)))) {
		rc = mlcu_error_oom();
		goto done;
	}
	for (size_t i = 0; i < ncols; i++) {
		size_t n = header[i].len;
		const char *t = trim(header[i].ptr ? header[i].ptr : "", &n);
		if (!(p->colnames[i] = mlcu_strndup(t, n))) {
			rc = mlcu_error_oom();
			goto done;
		}
	}
	if ((rc = mlc_billfmt__detect(&p->fmt, file, header, ncols)) < 0)
		goto done;
	rc = plan_resolve(p, c);
done:
	if (rc < 0)
		mlc_bills__plan_free(p, c);
	else
		*out = p;
	return rc;
}

void mlc_bills__plan_free(bills_plan *p, const bills_cfg *c)
{
	if (!p)
		return;
	for (size_t i = 0; i < MLC_BILLS_MAX_DIMS; i++)
		mlc_billfmt__source_free(p->dim[i]);
	for (size_t i = 0; p->filter && i < c->nfilters; i++)
		mlc_billfmt__source_free(p->filter[i]);
	for (size_t i = 0; i < MLC_BILLS_MAX_PRESENCE; i++)
		mlc_billfmt__source_free(p->pres[i]);
	mlc_billfmt__source_free(p->currency);
	mlc_billfmt__free(p->fmt);
	for (size_t i = 0; p->colnames && i < p->header_ncols; i++)
		mlcu_free(p->colnames[i]);
	mlcu_free(p->colnames);
	mlcu_free(p->filter);
	mlcu_free(p);
}
