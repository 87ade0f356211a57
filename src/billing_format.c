/* SPDX-License-Identifier: MIT */
/*
 * billing_format.c - the detected format's accessors, the column plan
 * (which columns the declared reads need, so a scanner materialises only
 * those), and the per-thread row reader (see billing_format.h). Detection
 * is in billing_format_detect.c, mapping to FOCUS meanings in
 * billing_format_map.c, costs and time in billing_format_cost.c, AWS
 * derivations in billing_format_aws.c.
 */
#include "billing_format_internal.h"
#include "util/alloc.h"
#include "util/error.h"

#include <string.h>
#include <strings.h>

int mlc_billfmt__is_missing(const char *s, size_t len)
{
	return len == 0 || (len == 4 && strncasecmp(s, "null", 4) == 0);
}

int mlc_billfmt__column(const mlc_billfmt *f, const char *name)
{
	for (size_t i = 0; i < f->ncols; i++)
		if (strcasecmp(f->cols[i], name) == 0)
			return (int)i;
	return -1;
}

void mlc_billfmt__free(mlc_billfmt *f)
{
	if (!f)
		return;
	for (size_t i = 0; f->cols && i < f->ncols; i++)
		mlcu_free(f->cols[i]);
	for (size_t i = 0; i < f->ntagcols; i++)
		mlcu_free(f->tagcols[i].key);
	mlcu_free(f->tagcols);
	mlcu_free(f->cols);
	mlcu_free(f->need);
	mlcu_free(f->slot);
	mlcu_free(f->sel);
	mlcu_free(f->sel_flags);
	mlcu_free(f->file);
	mlcu_free(f);
}

mlc_billfmt_kind mlc_billfmt__kind(const mlc_billfmt *f)
{
	return f->kind;
}

const char *mlc_billfmt__name(const mlc_billfmt *f)
{
	return f->name;
}

int mlc_billfmt__focus_minor(const mlc_billfmt *f)
{
	return f->kind == MLC_BILLFMT_FOCUS ? f->focus_minor : -1;
}

const char *mlc_billfmt__file(const mlc_billfmt *f)
{
	return f->file;
}

size_t mlc_billfmt__ncols(const mlc_billfmt *f)
{
	return f->ncols;
}

const char *mlc_billfmt__colname(const mlc_billfmt *f, int col)
{
	return col >= 0 && (size_t)col < f->ncols ? f->cols[col] : "?";
}

void mlc_billfmt__mark(mlc_billfmt *f, int col)
{
	if (col >= 0 && (size_t)col < f->ncols)
		f->need[col] = 1;
}

int mlc_billfmt__columns(mlc_billfmt *f, const uint32_t **cols, const unsigned **flags, size_t *n)
{
	if (!f->frozen) {
		size_t k = 0, cnt = 0;
		for (size_t i = 0; i < f->ncols; i++)
			cnt += f->need[i] != 0;
		f->slot = mlcu_malloc((f->ncols ? f->ncols : 1) * sizeof(int32_t));
		f->sel = mlcu_malloc((cnt ? cnt : 1) * sizeof(uint32_t));
		f->sel_flags = mlcu_malloc((cnt ? cnt : 1) * sizeof(unsigned));
		if (!f->slot || !f->sel || !f->sel_flags) {
			mlcu_free(f->slot);
			mlcu_free(f->sel);
			mlcu_free(f->sel_flags);
			f->slot = NULL;
			f->sel = NULL;
			f->sel_flags = NULL;
			return mlcu_error_oom();
		}
		for (size_t i = 0; i < f->ncols; i++) {
			f->slot[i] = -1;
			if (!f->need[i])
				continue;
			f->slot[i] = (int32_t)k;
			f->sel[k] = (uint32_t)i;
			f->sel_flags[k] = ((int)i == f->json_tags || (int)i == f->product_map)
			                      ? MLC_BILLFMT_COL_JSON
			                      : 0;
			k++;
		}
		f->nsel = k;
		f->frozen = 1;
	}
	*cols = f->sel;
	*flags = f->sel_flags;
	*n = f->nsel;
	return 0;
}

int mlc_billfmt__row_new(mlc_billfmt_row **out, mlc_tags_cache *cache)
{
	mlc_billfmt_row *r = mlcu_calloc(1, sizeof(*r));
	int rc;
	*out = NULL;
	if (!r)
		return mlcu_error_oom();
	r->tags = cache;
	if (!cache) {
		if ((rc = mlc_tags__cache_new(&r->tags, 0)) < 0) {
			mlcu_free(r);
			return rc;
		}
		r->own_tags = 1;
	}
	r->lit = -1;
	*out = r;
	return 0;
}

void mlc_billfmt__row_free(mlc_billfmt_row *r)
{
	if (!r)
		return;
	if (r->own_tags)
		mlc_tags__cache_free(r->tags);
	mlc_tags__cache_free(r->aux);
	mlcu_free(r);
}

void mlc_billfmt__row_set(mlc_billfmt_row *r, const mlc_billfmt *f, const mlc_span *fields,
                          size_t nfields, uint64_t line, unsigned flags)
{
	r->f = f;
	r->fields = fields;
	r->nfields = nfields;
	r->line = line;
	r->flags = flags;
	r->tags_state = 0;
	r->aux_state = 0;
	r->tags_set = NULL;
	r->aux_set = NULL;
	r->lit = -1;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int mlc_billfmt__field(mlc_span *out, const mlc_billfmt_row *r, int col)
{
	const mlc_span *v;
	const char *p;
	size_t n;
	long idx;
	if (col < 0)
		return 0;
	idx = (r->flags & MLC_BILLFMT_ROW_ALL) || !r->f->slot ? col : r->f->slot[col];
	if (idx < 0 || (size_t)idx >= r->nfields)
		return 0;
	v = &r->fields[idx];
	p = v->ptr;
	n = p ? v->len : 0;
	if (n == 0)
		return 0;
	/* bills rarely pad their cells: trim only when an end is blank */
	if (is_blank(p[0]) || is_blank(p[n - 1])) {
		while (n && is_blank(*p))
			p++, n--;
		while (n && is_blank(p[n - 1]))
			n--;
	}
	if (n == 4 && mlc_billfmt__is_missing(p, n))
		return 0;
	if (n == 0)
		return 0;
	out->ptr = p;
	out->len = n;
	return 1;
}

const mlc_tags_set *mlc_billfmt__row_tags(mlc_billfmt_row *r, int *rc)
{
	const mlc_billfmt *f = r->f;
	mlc_span text;
	unsigned flags;
	*rc = 0;
	if (r->tags_state == 1)
		return r->tags_set;
	if (r->tags_state < 0) {
		*rc = r->tags_state;
		return NULL;
	}
	r->tags_state = 1;
	if (!mlc_billfmt__field(&text, r, f->json_tags))
		return NULL;
	flags = f->json_tags_flags | ((r->flags & MLC_BILLFMT_ROW_JSON_RAW) ? MLC_TAGS_CSV_RAW : 0);
	*rc = mlc_tags__intern(&r->tags_set, r->tags, text.ptr, text.len, flags);
	if (*rc < 0) {
		mlcu_error_prefix("%s:%llu: column '%s': ", f->file, (unsigned long long)r->line,
		                  mlc_billfmt__colname(f, f->json_tags));
		r->tags_state = *rc;
		r->tags_set = NULL;
		return NULL;
	}
	return r->tags_set;
}
