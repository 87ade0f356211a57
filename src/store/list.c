/* SPDX-License-Identifier: MIT */
/*
 * store/list.c - what `mlcost ingest --list` shows: the ingest log (when,
 * which files with their SHA-256, rows and grand totals, whether it
 * finished) and every slice with the ingest that wrote its content, its
 * record and row counts and its totals, for reconciliation with invoices.
 *
 * What it is not: a renderer.
 */
#include "store/store_internal.h"
#include "util/sort.h"
#include "util/alloc.h"
#include "util/error.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct list_impl {
	mlc_store_listing pub; /* first: the public pointer is this one */
	mlc_store_ingest *ingests;
	mlc_store_file *files;
	int64_t *file_ingest; /* the ingest id of each file */
	mlc_store_slice_info *slices;
	size_t ningests, nfiles, nslices, cap_ingests, cap_files, cap_file_ingest, cap_slices;
} list_impl;

void mlc_store_listing_free(mlc_store_listing *pub)
{
	list_impl *l = (list_impl *)pub;
	if (!l)
		return;
	for (size_t i = 0; i < l->ningests; i++)
		mlcu_free((char *)l->ingests[i].status);
	for (size_t i = 0; i < l->nfiles; i++) {
		mlcu_free((char *)l->files[i].path);
		mlcu_free((char *)l->files[i].sha256);
		mlcu_free((char *)l->files[i].format);
	}
	for (size_t i = 0; i < l->nslices; i++) {
		mlcu_free((char *)l->slices[i].key.provider);
		mlcu_free((char *)l->slices[i].key.billing_account);
		mlcu_free((char *)l->slices[i].key.currency);
	}
	mlcu_free(l->ingests);
	mlcu_free(l->files);
	mlcu_free(l->file_ingest);
	mlcu_free(l->slices);
	mlcu_free(l);
}

/* Make room for one more element of an array (zeroed). */
static int grow(void **arr, size_t *cap, size_t n, size_t size)
{
	void *p;
	size_t c;
	if (n < *cap)
		return 0;
	c = *cap ? 2 * *cap : 16;
	if (!(p = mlcu_reallocarray(*arr, c, size)))
		return mlcu_error_oom();
	memset((char *)p + n * size, 0, (c - n) * size);
	*arr = p, *cap = c;
	return 0;
}

static int dup_text(const char **out, const char *s)
{
	if (!s)
		return 0;
	return (*out = mlcu_strdup(s)) ? 0 : mlcu_error_oom();
}

static int totals(mlc_amount *t, const char *const *col)
{
	int rc = 0;
	for (int b = 0; b < MLC_COST_BASIS_COUNT && rc == 0; b++)
		rc = mlc_store__amount(&t[b], col[b], "total");
	return rc;
}

/* id, started_at, finished_at, status, slice count */
static int ingest_row(void *ctx, const char *const *col, size_t ncol)
{
	list_impl *l = ctx;
	mlc_store_ingest *g;
	int64_t nslices;
	int rc = grow((void **)&l->ingests, &l->cap_ingests, l->ningests, sizeof(*l->ingests));
	if (rc < 0 || ncol != 5)
		return rc < 0 ? rc : mlcu_error_set(MLC_ERROR, "store: bad ingest row");
	g = &l->ingests[l->ningests++];
	if ((rc = mlc_store__int(&g->id, col[0], "id")) < 0 ||
	    (rc = mlc_store__int(&g->started_at, col[1], "started_at")) < 0 ||
	    (rc = mlc_store__int(&g->finished_at, col[2], "finished_at")) < 0 ||
	    (rc = mlc_store__int(&nslices, col[4], "slices")) < 0)
		return rc;
	g->nslices = (size_t)nslices;
	return dup_text(&g->status, col[3]);
}

/* ingest_id, path, sha256, format, row_count, four totals */
static int file_row(void *ctx, const char *const *col, size_t ncol)
{
	list_impl *l = ctx;
	mlc_store_file *f;
	int64_t rows;
	int rc = grow((void **)&l->files, &l->cap_files, l->nfiles, sizeof(*l->files));
	if (rc == 0)
		rc = grow((void **)&l->file_ingest, &l->cap_file_ingest, l->nfiles,
		          sizeof(*l->file_ingest));
	if (rc < 0 || ncol != 9)
		return rc < 0 ? rc : mlcu_error_set(MLC_ERROR, "store: bad ingest file row");
	f = &l->files[l->nfiles];
	if ((rc = mlc_store__int(&l->file_ingest[l->nfiles++], col[0], "ingest_id")) < 0 ||
	    (rc = mlc_store__int(&rows, col[4], "row_count")) < 0 ||
	    (rc = totals(f->total, col + 5)) < 0)
		return rc;
	f->rows = (uint64_t)rows;
	if ((rc = dup_text(&f->path, col[1])) < 0 || (rc = dup_text(&f->sha256, col[2])) < 0)
		return rc;
	return dup_text(&f->format, col[3]);
}

/* id, provider, billing_account, period_start, period_end, currency, ingest_id,
 * replaced_at, record_count, row_count, four totals */
static int slice_row(void *ctx, const char *const *col, size_t ncol)
{
	list_impl *l = ctx;
	mlc_store_slice_info *s;
	int64_t recs, rows;
	int rc = grow((void **)&l->slices, &l->cap_slices, l->nslices, sizeof(*l->slices));
	if (rc < 0 || ncol != 14)
		return rc < 0 ? rc : mlcu_error_set(MLC_ERROR, "store: bad slice row");
	s = &l->slices[l->nslices++];
	if ((rc = mlc_store__int(&s->id, col[0], "id")) < 0 ||
	    (rc = mlc_store__int(&s->key.period_start, col[3], "period_start")) < 0 ||
	    (rc = mlc_store__int(&s->key.period_end, col[4], "period_end")) < 0 ||
	    (rc = mlc_store__int(&s->ingest_id, col[6], "ingest_id")) < 0 ||
	    (rc = mlc_store__int(&s->replaced_at, col[7], "replaced_at")) < 0 ||
	    (rc = mlc_store__int(&recs, col[8], "record_count")) < 0 ||
	    (rc = mlc_store__int(&rows, col[9], "row_count")) < 0 ||
	    (rc = totals(s->total, col + 10)) < 0)
		return rc;
	s->records = (uint64_t)recs;
	s->rows = (uint64_t)rows;
	if ((rc = dup_text(&s->key.provider, col[1])) < 0 ||
	    (rc = dup_text(&s->key.billing_account, col[2])) < 0)
		return rc;
	return dup_text(&s->key.currency, col[5]);
}

static int cmp_slice(const void *x, const void *y)
{
	const mlc_store_slice_info *a = x, *b = y;
	int c = strcmp(a->key.provider, b->key.provider);
	if (c == 0)
		c = strcmp(a->key.billing_account, b->key.billing_account);
	if (c == 0)
		c = (a->key.period_start > b->key.period_start) -
		    (a->key.period_start < b->key.period_start);
	if (c == 0)
		c = (a->key.period_end > b->key.period_end) -
		    (a->key.period_end < b->key.period_end);
	return c;
}

/* Hand each ingest its files: both lists are in descending ingest order. */
static void attach_files(list_impl *l)
{
	size_t f = 0;
	for (size_t i = 0; i < l->ningests; i++) {
		while (f < l->nfiles && l->file_ingest[f] > l->ingests[i].id)
			f++;
		l->ingests[i].files = l->files + f;
		while (f < l->nfiles && l->file_ingest[f] == l->ingests[i].id)
			f++, l->ingests[i].nfiles++;
	}
}

int mlc_store_list(mlc_store_listing **out, mlc_store *s, size_t limit)
{
	const mlc_store__dialect *d = s->ops->sql;
	list_impl *l = mlcu_calloc(1, sizeof(*l));
	char lim[24], min_id[24];
	const char *p[1] = {lim};
	int rc;
	*out = NULL;
	if (!l)
		return mlcu_error_oom();
	snprintf(lim, sizeof(lim), "%" PRId64, limit ? (int64_t)limit : INT64_MAX);
	rc = s->ops->query(s->be, d->list_ingests, 1, p, 1, ingest_row, l);
	if (rc == 0 && l->ningests) {
		snprintf(min_id, sizeof(min_id), "%" PRId64, l->ingests[l->ningests - 1].id);
		p[0] = min_id;
		rc = s->ops->query(s->be, d->list_files, 1, p, 1, file_row, l);
	}
	if (rc == 0)
		rc = s->ops->query(s->be, d->list_slices, 1, NULL, 0, slice_row, l);
	if (rc < 0) {
		mlc_store_listing_free(&l->pub);
		return rc;
	}
	attach_files(l);
	if (l->nslices > 1)
		mlcu_qsort(l->slices, l->nslices, sizeof(*l->slices), cmp_slice);
	l->pub.ingests = l->ingests;
	l->pub.ningests = l->ningests;
	l->pub.slices = l->slices;
	l->pub.nslices = l->nslices;
	*out = &l->pub;
	return 0;
}
