/* SPDX-License-Identifier: MIT */
/*
 * ingest_slices.c - the hourly groups of every input file sorted into
 * slices (provider, billing account, billing period) and merged into the
 * store's records: the parts of one export (a CUR month in several files)
 * add up into one record per hour and dimensions, exactly.
 *
 * A group's billing period is its BillingPeriodStart/End (CUR: bill/
 * BillingPeriodStartDate/EndDate); a group without one belongs to the
 * calendar month (UTC) of its hour, the billing period of every major
 * cloud. Memory: one entry per group of all files, and one slice's records.
 *
 * What it is not: the reading of files (ingest_read.c) or the writing to
 * the store (ingest.c drives mlc_store_replace_slice).
 */
#include "ingest.h"
#include "util/sort.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/time.h"

#include <stdlib.h>
#include <string.h>

/* Missing first, then bytewise (the order of mlc_bills_sort). */
static int cmp_text(const char *a, size_t al, const char *b, size_t bl)
{
	int c;
	if (!a || !b)
		return !a ? (b ? -1 : 0) : 1;
	c = memcmp(a, b, al < bl ? al : bl);
	return c ? (c < 0 ? -1 : 1) : (al < bl ? -1 : al > bl);
}

static int cmp_dim(const ledger_ent *x, const ledger_ent *y, size_t d)
{
	return cmp_text(x->g->values[d], x->g->lens[d], y->g->values[d], y->g->lens[d]);
}

/* Provider and account compare with missing equal to "" (the slice key has no NULL). */
static int cmp_key_text(const ledger_ent *x, const ledger_ent *y, size_t d)
{
	const char *a = x->g->values[d] ? x->g->values[d] : "";
	const char *b = y->g->values[d] ? y->g->values[d] : "";
	return cmp_text(a, x->g->values[d] ? x->g->lens[d] : 0, b, y->g->values[d] ? y->g->lens[d] : 0);
}

static int cmp_slice(const ledger_ent *x, const ledger_ent *y)
{
	int c;
	if ((c = cmp_key_text(x, y, LEDGER_D_PROVIDER)) || (c = cmp_key_text(x, y, LEDGER_D_ACCOUNT)))
		return c;
	if (x->ps != y->ps)
		return x->ps < y->ps ? -1 : 1;
	return x->pe < y->pe ? -1 : x->pe > y->pe;
}

/* Same record: hour and every dimension after the currency (the slice's). */
static int cmp_record(const ledger_ent *x, const ledger_ent *y, size_t nby)
{
	int c;
	if (x->g->bucket != y->g->bucket)
		return x->g->bucket < y->g->bucket ? -1 : 1;
	for (size_t d = LEDGER_D_SUB_ACCOUNT; d < nby; d++)
		if ((c = cmp_dim(x, y, d)) != 0)
			return c;
	return 0;
}

static int cmp_ent(const void *a, const void *b)
{
	const ledger_ent *x = a, *y = b;
	int c = cmp_slice(x, y);
	return c ? c : cmp_record(x, y, x->nby);
}

/* The billing period of a group: its columns, or the calendar month of its hour. */
static int period(ledger_ent *e)
{
	const mlc_bills_group *g = e->g;
	const char *s = g->values[LEDGER_D_PERIOD_START], *t = g->values[LEDGER_D_PERIOD_END];
	const char *path = e->part->file->pub.file.path;
	if (!s || !t) {
		int64_t y;
		unsigned m, d;
		mlcu_civil_from_days(g->bucket >= 0 ? g->bucket / 86400 : (g->bucket - 86399) / 86400,
		                     &y, &m, &d);
		e->ps = mlcu_days_from_civil(y, m, 1) * 86400;
		e->pe = (m == 12 ? mlcu_days_from_civil(y + 1, 1, 1) : mlcu_days_from_civil(y, m + 1, 1)) *
		        86400;
		return 0;
	}
	if (mlcu_time_parse(&e->ps, s, g->lens[LEDGER_D_PERIOD_START]) != 0)
		return mlcu_error_set(MLC_EPARSE, "%s: billing period start '%.40s' is not a timestamp",
		                      path, s);
	if (mlcu_time_parse(&e->pe, t, g->lens[LEDGER_D_PERIOD_END]) != 0)
		return mlcu_error_set(MLC_EPARSE, "%s: billing period end '%.40s' is not a timestamp",
		                      path, t);
	if (e->pe <= e->ps)
		return mlcu_error_set(MLC_EPARSE, "%s: billing period '%.40s' to '%.40s' is empty", path,
		                      s, t);
	return 0;
}

static int find_slices(ledger_plan *p)
{
	size_t n = 0;
	for (size_t i = 0; i < p->nents; i++)
		n += i == 0 || cmp_slice(&p->ents[i - 1], &p->ents[i]) != 0;
	if (!(p->start = mlcu_calloc(n + 1, sizeof(size_t))))
		return mlcu_error_oom();
	n = 0;
	for (size_t i = 0; i < p->nents; i++)
		if (i == 0 || cmp_slice(&p->ents[i - 1], &p->ents[i]) != 0)
			p->start[n++] = i;
	p->start[n] = p->nents;
	p->nslices = n;
	return 0;
}

/* The slice's currency: the one its groups carry (groups without one agree with any). */
static int slice_currency(const char **out, const ledger_plan *p, size_t a, size_t b)
{
	*out = NULL;
	for (size_t i = a; i < b; i++) {
		const char *c = p->ents[i].g->values[LEDGER_D_CURRENCY];
		if (!c)
			continue;
		if (*out && strcmp(*out, c) != 0) {
			int lt = strcmp(*out, c) < 0; /* named in order: the message is stable */
			return mlcu_error_set(MLC_EPARSE,
			                      "%s: billing account '%s' is billed in %s and %s in "
			                      "one billing period",
			                      p->ents[i].part->file->pub.file.path,
			                      p->ents[i].g->values[LEDGER_D_ACCOUNT]
			                          ? p->ents[i].g->values[LEDGER_D_ACCOUNT]
			                          : "",
			                      lt ? *out : c, lt ? c : *out);
		}
		*out = c;
	}
	return 0;
}

int mlc_ledger__plan(ledger_plan *p, ledger_file *files, size_t nfiles, size_t ntags)
{
	size_t n = 0, k = 0, biggest = 0;
	int rc;
	memset(p, 0, sizeof(*p));
	p->ntags = ntags;
	for (size_t f = 0; f < nfiles; f++)
		for (size_t i = 0; i < files[f].nparts; i++)
			n += files[f].part[i].res->ngroups;
	if (!(p->ents = mlcu_calloc(n ? n : 1, sizeof(*p->ents))))
		return mlcu_error_oom();
	for (size_t f = 0; f < nfiles; f++)
		for (size_t i = 0; i < files[f].nparts; i++)
			for (size_t g = 0; g < files[f].part[i].res->ngroups; g++) {
				ledger_ent *e = &p->ents[k++];
				e->g = &files[f].part[i].res->groups[g];
				e->part = &files[f].part[i];
				e->nby = LEDGER_D_TAGS + ntags;
				if ((rc = period(e)) < 0)
					return rc;
			}
	p->nents = n;
	mlcu_qsort(p->ents, n, sizeof(*p->ents), cmp_ent);
	if ((rc = find_slices(p)) < 0)
		return rc;
	if (!(p->currency = mlcu_calloc(p->nslices + 1, sizeof(char *))))
		return mlcu_error_oom();
	for (size_t i = 0; i < p->nslices; i++) {
		if (p->start[i + 1] - p->start[i] > biggest)
			biggest = p->start[i + 1] - p->start[i];
		if ((rc = slice_currency(&p->currency[i], p, p->start[i], p->start[i + 1])) < 0)
			return rc;
	}
	p->cap = biggest;
	p->rec = mlcu_calloc(biggest ? biggest : 1, sizeof(*p->rec));
	p->tagvals = mlcu_calloc(biggest * ntags + 1, sizeof(char *));
	return p->rec && p->tagvals ? 0 : mlcu_error_oom();
}

void mlc_ledger__plan_free(ledger_plan *p)
{
	mlcu_free(p->ents);
	mlcu_free(p->start);
	mlcu_free((void *)p->currency);
	mlcu_free(p->rec);
	mlcu_free((void *)p->tagvals);
	memset(p, 0, sizeof(*p));
}

/* Start record r from entry e. */
static void record_init(mlc_store_record *r, const char **tv, const ledger_ent *e,
                        const char *const *keys, size_t ntags)
{
	const char *const *v = e->g->values;
	memset(r, 0, sizeof(*r));
	r->hour = e->g->bucket;
	r->sub_account = v[LEDGER_D_SUB_ACCOUNT];
	r->service = v[LEDGER_D_SERVICE];
	r->region = v[LEDGER_D_REGION];
	r->charge_category = v[LEDGER_D_CHARGE];
	r->pricing_category = v[LEDGER_D_PRICING];
	for (size_t t = 0; t < ntags; t++)
		tv[t] = v[LEDGER_D_TAGS + t];
	r->ntags = ntags;
	r->tag_keys = keys;
	r->tag_values = tv;
}

/* Add entry e's cost (in its file's basis columns) and rows to r. */
static int record_add(mlc_store_record *r, const ledger_ent *e)
{
	for (int b = 0; b < MLC_COST_BASIS_COUNT; b++) {
		int col = e->part->col[b];
		if (col >= 0 && mlc_amount_add(&r->cost[b], e->g->cost[col]) < 0)
			return mlcu_error_set(MLC_ETOOLARGE, "%s: a record's cost overflows",
			                      e->part->file->pub.file.path);
	}
	if (e->part->count_rows)
		r->rows += e->g->rows;
	return 0;
}

int mlc_ledger__records(mlc_store_slice *key, size_t *nrec, ledger_plan *p, size_t i,
                        const char *const *keys)
{
	size_t a = p->start[i], b = p->start[i + 1], n = 0;
	const ledger_ent *first = &p->ents[a];
	size_t nby = LEDGER_D_TAGS + p->ntags;
	int rc;
	*nrec = 0;
	memset(key, 0, sizeof(*key));
	key->provider = first->g->values[LEDGER_D_PROVIDER] ? first->g->values[LEDGER_D_PROVIDER] : "";
	key->billing_account =
	    first->g->values[LEDGER_D_ACCOUNT] ? first->g->values[LEDGER_D_ACCOUNT] : "";
	key->period_start = first->ps;
	key->period_end = first->pe;
	key->currency = p->currency[i];
	for (size_t j = a; j < b; j++) {
		const ledger_ent *e = &p->ents[j];
		if (j == a || cmp_record(&p->ents[j - 1], e, nby) != 0)
			record_init(&p->rec[n], p->tagvals + n * p->ntags, e, keys, p->ntags), n++;
		if ((rc = record_add(&p->rec[n - 1], e)) < 0)
			return rc;
	}
	*nrec = n;
	return 0;
}
