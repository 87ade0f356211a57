/* SPDX-License-Identifier: MIT */
/*
 * ingest.c - `mlcost ingest` as a library call (ledger.h): check the
 * options and canonicalise the tag keys, read every file into hourly
 * groups (ingest_read.c), record the ingest with each file's checksum,
 * rows and totals, then replace slice after slice in the store, each in
 * its own transaction (ingest_slices.c builds their records), and report
 * what each slice held before and holds now.
 *
 * Reading comes first and writing last, so a bad file changes nothing,
 * and the store is only locked while a slice is written. The grand total
 * of the input is checked to equal the sum of what was written.
 *
 * What it is not: the store (store.h) or the engine (bills.h).
 */
#include "ingest.h"
#include "tags.h"
#include "util/alloc.h"
#include "util/error.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define MAX_KEPT_ERRORS 5

static const char *const default_tags[] = {"team", "project", "model_id", "environment",
                                           "lifecycle_phase"};

static const char *const ledger_dims[LEDGER_D_TAGS] = {
    "ProviderName", "BillingAccountId", "BillingPeriodStart", "BillingPeriodEnd",
    "BillingCurrency", "SubAccountId", "ServiceName", "RegionId", "ChargeCategory",
    "PricingCategory"};

typedef struct report_impl {
	mlc_ledger_report pub;
	ledger_file *files;
	mlc_ledger_file *pubfiles;
	size_t nfiles;
	mlc_ledger_slice *slices;
	char **text; /* owned provider, account, currency of each slice (3 per slice) */
	size_t ntext;
	size_t nslices;
	char *tags[MLC_LEDGER_MAX_TAGS];    /* canonical keys */
	char *tagdims[MLC_LEDGER_MAX_TAGS]; /* "tag:KEY" for the engine */
	size_t ntags;
	char *errors[MAX_KEPT_ERRORS];
	size_t nerrors;
	mlc_ledger_total *cur;
	size_t ncur;
} report_impl;

const char *mlc_ledger_change_name(mlc_ledger_change c)
{
	return c == MLC_LEDGER_NEW        ? "new"
	       : c == MLC_LEDGER_REPLACED ? "replaced"
	       : c == MLC_LEDGER_UNCHANGED ? "unchanged"
	                                   : "?";
}

void mlc_ledger_report_free(mlc_ledger_report *r)
{
	report_impl *R = (report_impl *)r;
	if (!R)
		return;
	for (size_t i = 0; R->files && i < R->nfiles; i++)
		mlc_ledger__file_clear(&R->files[i]);
	mlcu_free(R->files);
	mlcu_free(R->pubfiles);
	for (size_t i = 0; i < R->ntext; i++)
		mlcu_free(R->text[i]);
	mlcu_free(R->text);
	mlcu_free(R->slices);
	for (size_t i = 0; i < R->ntags; i++) {
		mlcu_free(R->tags[i]);
		mlcu_free(R->tagdims[i]);
	}
	for (size_t i = 0; i < R->nerrors; i++)
		mlcu_free(R->errors[i]);
	mlcu_free(R->cur);
	mlcu_free(R);
}

/* ---- tag keys ------------------------------------------------------------------------------ */

/* The canonical name of one configured key: the alias file's, else lower case. */
static int canonical(char **out, const mlc_tags_aliases *al, const char *key)
{
	size_t n = strlen(key);
	mlc_tags_query *q = NULL;
	int rc;
	while (n && isspace((unsigned char)*key))
		key++, n--;
	if (n > 4 && strncmp(key, "tag:", 4) == 0)
		key += 4, n -= 4;
	while (n && isspace((unsigned char)*key))
		key++, n--;
	while (n && isspace((unsigned char)key[n - 1]))
		n--;
	if (n == 0 || n > 255 || memchr(key, '"', n) || memchr(key, '\\', n))
		return mlcu_error_set(MLC_EINVAL, "tag key '%s': empty, too long, or with '\"' or '\\'",
		                      key);
	if ((rc = mlc_tags__query_new(&q, al, key, n)) < 0)
		return rc;
	*out = mlcu_strdup(mlc_tags__query_canonical(q));
	mlc_tags__query_free(q);
	return *out ? 0 : mlcu_error_oom();
}

static int tag_keys(report_impl *R, const mlc_ledger_options *o)
{
	const char *const *keys = o->ntags ? o->tags : default_tags;
	size_t n = o->ntags ? o->ntags : sizeof(default_tags) / sizeof(default_tags[0]);
	mlc_tags_aliases *al = NULL;
	int rc = 0;
	if (n > MLC_LEDGER_MAX_TAGS || (o->ntags && !o->tags))
		return mlcu_error_set(MLC_EINVAL, "at most %d tag keys", MLC_LEDGER_MAX_TAGS);
	if (o->aliases && (rc = mlc_tags__aliases_load(&al, o->aliases)) < 0)
		return rc;
	for (size_t i = 0; i < n && rc == 0; i++) {
		if ((rc = canonical(&R->tags[i], al, keys[i] ? keys[i] : "")) < 0)
			break;
		R->ntags++;
		for (size_t j = 0; j < i && rc == 0; j++)
			if (strcmp(R->tags[i], R->tags[j]) == 0)
				rc = mlcu_error_set(MLC_EINVAL, "tag key '%s' given twice", R->tags[i]);
		if (rc == 0 && !(R->tagdims[i] = mlcu_malloc(strlen(R->tags[i]) + 5)))
			rc = mlcu_error_oom();
		if (rc == 0)
			sprintf(R->tagdims[i], "tag:%s", R->tags[i]);
	}
	mlc_tags__aliases_free(al);
	R->pub.tags = (const char *const *)R->tags;
	R->pub.ntags = R->ntags;
	return rc;
}

/* ---- reading ------------------------------------------------------------------------------- */

static int keep_errors(report_impl *R, const mlc_bills_result *res)
{
	for (size_t i = 0; i < res->nerrors && R->nerrors < MAX_KEPT_ERRORS; i++)
		if (!(R->errors[R->nerrors++] = mlcu_strdup(res->errors[i])))
			return mlcu_error_oom();
	return 0;
}

static int read_one(report_impl *R, size_t i, const char *path, const ledger_read_cfg *c)
{
	ledger_file *f = &R->files[i];
	int rc;
	if (!path || !strcmp(path, "-"))
		return mlcu_error_set(MLC_EINVAL, "ingest reads files, not stdin: the ledger keeps "
		                                  "each file's SHA-256 (save the input to a file)");
	if ((rc = mlc_store_file_sha256(f->sha256, path)) < 0)
		return rc;
	for (size_t j = 0; j < i; j++)
		if (!strcmp(R->files[j].sha256, f->sha256))
			return mlcu_error_set(MLC_EINVAL,
			                      "%s and %s have the same content (sha256 %.12s...): "
			                      "ingesting both would count it twice",
			                      R->files[j].pub.file.path, path, f->sha256);
	if ((rc = mlc_ledger__read_file(f, path, c)) < 0)
		return rc;
	R->pub.rows_read += f->pub.file.rows;
	R->pub.rows_skipped += f->pub.rows_skipped;
	for (int b = 0; b < MLC_COST_BASIS_COUNT; b++)
		if (mlc_amount_add(&R->pub.total[b], f->pub.file.total[b]) < 0)
			return mlcu_error_set(MLC_ETOOLARGE, "the input's total overflows");
	return keep_errors(R, f->part[0].res);
}

static int read_all(report_impl *R, const char *const *files, size_t nfiles,
                    const mlc_ledger_options *o)
{
	ledger_read_cfg c;
	int rc = 0;
	memset(&c, 0, sizeof(c));
	for (size_t d = 0; d < LEDGER_D_TAGS; d++)
		c.by[c.nby++] = ledger_dims[d];
	for (size_t t = 0; t < R->ntags; t++)
		c.by[c.nby++] = R->tagdims[t];
	c.aliases = o->aliases;
	c.lenient = o->lenient;
	c.threads = o->threads;
	c.max_groups = o->max_groups;
	c.progress = o->progress;
	c.progress_ctx = o->progress_ctx;
	for (size_t i = 0; i < nfiles && rc == 0; i++) {
		rc = read_one(R, i, files[i], &c);
		R->nfiles = i + 1;
	}
	return rc;
}

/* ---- writing ------------------------------------------------------------------------------- */

static const mlc_store_slice_info *previous(const mlc_store_listing *l, const mlc_store_slice *k)
{
	for (size_t i = 0; l && i < l->nslices; i++) {
		const mlc_store_slice *p = &l->slices[i].key;
		if (p->period_start == k->period_start && p->period_end == k->period_end &&
		    !strcmp(p->provider, k->provider) && !strcmp(p->billing_account, k->billing_account))
			return &l->slices[i];
	}
	return NULL;
}

/* Fill slice report i: key copied, totals summed from the records, change judged. */
static int describe_slice(report_impl *R, size_t i, const mlc_store_slice *k,
                          const mlc_store_record *rec, size_t n, const mlc_store_listing *l)
{
	mlc_ledger_slice *S = &R->slices[i];
	const mlc_store_slice_info *p = previous(l, k);
	char **t = R->text + 3 * i;
	int same;
	if (!(t[0] = mlcu_strdup(k->provider)) || !(t[1] = mlcu_strdup(k->billing_account)) ||
	    (k->currency && !(t[2] = mlcu_strdup(k->currency))))
		return mlcu_error_oom();
	S->key = *k;
	S->key.provider = t[0];
	S->key.billing_account = t[1];
	S->key.currency = t[2];
	S->records = n;
	for (size_t j = 0; j < n; j++) {
		S->rows += rec[j].rows;
		for (int b = 0; b < MLC_COST_BASIS_COUNT; b++)
			if (mlc_amount_add(&S->total[b], rec[j].cost[b]) < 0)
				return mlcu_error_set(MLC_ETOOLARGE, "a slice's total overflows");
	}
	if (!p)
		return 0;
	S->prev_ingest_id = p->ingest_id;
	S->prev_records = p->records;
	S->prev_rows = p->rows;
	memcpy(S->prev_total, p->total, sizeof(S->prev_total));
	same = p->records == n && p->rows == S->rows;
	for (int b = 0; b < MLC_COST_BASIS_COUNT; b++)
		same = same && mlc_amount_cmp(p->total[b], S->total[b]) == 0;
	S->change = same ? MLC_LEDGER_UNCHANGED : MLC_LEDGER_REPLACED;
	return 0;
}

static int cmp_currency(const char *a, const char *b)
{
	return !a || !b ? (!a ? (b ? -1 : 0) : 1) : strcmp(a, b);
}

/* Totals per currency, from the slices (each has one currency). */
static int by_currency(report_impl *R)
{
	if (!(R->cur = mlcu_calloc(R->nslices ? R->nslices : 1, sizeof(*R->cur))))
		return mlcu_error_oom();
	for (size_t i = 0; i < R->nslices; i++) {
		const mlc_ledger_slice *S = &R->slices[i];
		size_t k = 0;
		while (k < R->ncur && cmp_currency(R->cur[k].currency, S->key.currency) < 0)
			k++;
		if (k == R->ncur || cmp_currency(R->cur[k].currency, S->key.currency) != 0) {
			memmove(&R->cur[k + 1], &R->cur[k], (R->ncur - k) * sizeof(*R->cur));
			memset(&R->cur[k], 0, sizeof(*R->cur));
			R->cur[k].currency = S->key.currency;
			R->ncur++;
		}
		R->cur[k].rows += S->rows;
		for (int b = 0; b < MLC_COST_BASIS_COUNT; b++)
			if (mlc_amount_add(&R->cur[k].total[b], S->total[b]) < 0)
				return mlcu_error_set(MLC_ETOOLARGE, "a currency's total overflows");
	}
	R->pub.by_currency = R->cur;
	R->pub.ncurrencies = R->ncur;
	return 0;
}

/* The slices add up to the input, exactly: nothing lost or counted twice. */
static int check_totals(const report_impl *R)
{
	for (int b = 0; b < MLC_COST_BASIS_COUNT; b++) {
		mlc_amount sum = {0, 0};
		for (size_t i = 0; i < R->nslices; i++)
			if (mlc_amount_add(&sum, R->slices[i].total[b]) < 0)
				return mlcu_error_set(MLC_ETOOLARGE, "the slices' total overflows");
		if (mlc_amount_cmp(sum, R->pub.total[b]) != 0)
			return mlcu_error_set(MLC_ERROR, "ingest: the slices' %s total differs from "
			                                 "the input's",
			                      mlc_cost_basis_name((mlc_cost_basis)b));
	}
	return 0;
}

static int write_slices(report_impl *R, mlc_store *s, ledger_plan *p, const mlc_store_listing *l)
{
	int rc = 0;
	R->slices = mlcu_calloc(p->nslices ? p->nslices : 1, sizeof(*R->slices));
	R->text = mlcu_calloc(3 * (p->nslices ? p->nslices : 1), sizeof(char *));
	if (!R->slices || !R->text)
		return mlcu_error_oom();
	R->ntext = 3 * p->nslices;
	for (size_t i = 0; i < p->nslices && rc == 0; i++) {
		mlc_store_slice key;
		size_t n = 0;
		if ((rc = mlc_ledger__records(&key, &n, p, i, (const char *const *)R->tags)) < 0 ||
		    (rc = describe_slice(R, i, &key, p->rec, n, l)) < 0)
			break;
		R->nslices = i + 1;
		rc = mlc_store_replace_slice(s, R->pub.ingest_id, &key, p->rec, n);
	}
	if (rc == 0)
		rc = check_totals(R);
	return rc == 0 ? by_currency(R) : rc;
}

/* Mark the ingest done or failed, keeping a failure's message. */
static int finish(mlc_store *s, int64_t id, int rc)
{
	char msg[MLCU_ERROR_MAX];
	int frc;
	if (rc == 0)
		return mlc_store_ingest_finish(s, id, 1);
	snprintf(msg, sizeof(msg), "%s", mlc_error_message());
	frc = mlc_store_ingest_finish(s, id, 0);
	(void)frc; /* the first failure is the one to report */
	return mlcu_error_set(rc, "%s", msg);
}

static int write_all(report_impl *R, mlc_store *s)
{
	ledger_plan plan;
	mlc_store_listing *l = NULL;
	mlc_store_file *sf = mlcu_calloc(R->nfiles, sizeof(*sf));
	int rc;
	memset(&plan, 0, sizeof(plan));
	if (!sf || !(R->pubfiles = mlcu_calloc(R->nfiles, sizeof(*R->pubfiles)))) {
		rc = mlcu_error_oom();
		goto done;
	}
	for (size_t i = 0; i < R->nfiles; i++)
		sf[i] = R->files[i].pub.file;
	if ((rc = mlc_ledger__plan(&plan, R->files, R->nfiles, R->ntags)) < 0 ||
	    (rc = mlc_store_list(&l, s, 1)) < 0 ||
	    (rc = mlc_store_ingest_start(&R->pub.ingest_id, s, sf, R->nfiles)) < 0)
		goto done;
	rc = finish(s, R->pub.ingest_id, write_slices(R, s, &plan, l));
done:
	mlcu_free(sf);
	mlc_store_listing_free(l);
	mlc_ledger__plan_free(&plan);
	return rc;
}

int mlc_ledger_ingest(mlc_ledger_report **out, mlc_store *s, const char *const *files,
                      size_t nfiles, const mlc_ledger_options *opts)
{
	report_impl *R = NULL;
	int rc;
	if (out)
		*out = NULL;
	if (!out || !s || !opts || opts->version != MLC_LEDGER_OPTIONS_VERSION)
		return mlcu_error_set(MLC_EINVAL, "mlc_ledger_ingest: bad arguments or options version");
	if (!files || !nfiles)
		return mlcu_error_set(MLC_EINVAL, "ingest: no input files");
	if (!(R = mlcu_calloc(1, sizeof(*R))) || !(R->files = mlcu_calloc(nfiles, sizeof(*R->files)))) {
		rc = mlcu_error_oom();
		goto done;
	}
	if ((rc = tag_keys(R, opts)) < 0 || (rc = read_all(R, files, nfiles, opts)) < 0 ||
	    (rc = write_all(R, s)) < 0)
		goto done;
	for (size_t i = 0; i < R->nfiles; i++) {
		/* the groups are in the store now; keep only the description */
		mlc_ledger__file_drop_groups(&R->files[i]);
		R->pubfiles[i] = R->files[i].pub;
	}
	R->pub.backend = mlc_store_backend(s);
	R->pub.files = R->pubfiles;
	R->pub.nfiles = R->nfiles;
	R->pub.slices = R->slices;
	R->pub.nslices = R->nslices;
	R->pub.errors = (const char *const *)R->errors;
	R->pub.nerrors = R->nerrors;
done:
	if (rc < 0 && R)
		mlc_ledger_report_free(&R->pub);
	else if (rc == 0)
		*out = &R->pub;
	return rc;
}
