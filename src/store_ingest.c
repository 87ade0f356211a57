/* SPDX-License-Identifier: MIT */
/*
 * store_ingest.c - writing to the store: the ingest log (which files, with
 * which checksums, row counts and totals) and the replacement of a slice
 * in one transaction: lock the slice key, upsert the slice, delete its
 * records, insert the new ones in batches, record its totals, commit.
 * Until the commit nobody sees anything of it; if the process dies on
 * the way, the database rolls the transaction back and the previous
 * content of the slice is what remains.
 *
 * What it is not: the aggregation of bills into records (bills.h does
 * that; the ingest command joins the two).
 */
#include "store/store_internal.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/sha256.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

int mlc_store_file_sha256(char *out, const char *path)
{
	unsigned char chunk[1 << 16], digest[MLCU_SHA256_LEN];
	mlcu_sha256 c;
	FILE *f = fopen(path, "rb");
	size_t n;
	int rc = 0;
	out[0] = '\0';
	if (!f)
		return mlcu_error_set(MLC_EIO, "%s: %s", path, strerror(errno));
	mlcu_sha256_init(&c);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		mlcu_sha256_update(&c, chunk, n);
	if (ferror(f))
		rc = mlcu_error_set(MLC_EIO, "%s: read error", path);
	fclose(f);
	if (rc == 0) {
		mlcu_sha256_final(digest, &c);
		mlcu_sha256_hex(out, digest);
	}
	return rc;
}

/* Roll back our own transaction after a failure, keeping the failure's message. */
static int undo(mlc_store *s, int own, int rc)
{
	char msg[1024];
	if (!own)
		return rc;
	snprintf(msg, sizeof(msg), "%s", mlc_error_message());
	s->ops->rollback(s->be);
	return mlcu_error_set(rc, "%s", msg);
}

static int is_sha256(const char *h)
{
	size_t n = h ? strspn(h, "0123456789abcdef") : 0;
	return n == MLCU_SHA256_HEX_LEN && h[n] == '\0';
}

static int add_file(mlc_store *s, const char *id, size_t seq, const mlc_store_file *f)
{
	char seqs[24], rows[24], tot[MLC_COST_BASIS_COUNT][MLC_AMOUNT_FMT_MAX];
	const char *p[10] = {id,   seqs,   f->path, f->sha256, f->format,
	                     rows, tot[0], tot[1],  tot[2],    tot[3]};
	if (!f->path || !is_sha256(f->sha256))
		return mlcu_error_set(
		    MLC_EINVAL, "ingest file %zu: no path or not a SHA-256 (64 hex)", seq + 1);
	snprintf(seqs, sizeof(seqs), "%zu", seq + 1);
	snprintf(rows, sizeof(rows), "%" PRIu64, f->rows);
	for (int b = 0; b < MLC_COST_BASIS_COUNT; b++)
		mlc_store__amount_text(tot[b], sizeof(tot[b]), f->total[b]);
	return mlc_store__exec_params(s, s->ops->sql->ingest_file, p, 10);
}

int mlc_store_ingest_start(int64_t *out_id, mlc_store *s, const mlc_store_file *files,
                           size_t nfiles)
{
	char now[24], id[24];
	const char *p[1] = {now};
	int own = !s->in_tx, rc;
	*out_id = 0;
	snprintf(now, sizeof(now), "%" PRId64, (int64_t)time(NULL));
	if (own && (rc = s->ops->begin(s->be)) < 0)
		return rc;
	rc = mlc_store__query_int(out_id, s, s->ops->sql->ingest_add, p, 1);
	snprintf(id, sizeof(id), "%" PRId64, *out_id);
	for (size_t i = 0; i < nfiles && rc == 0; i++)
		rc = add_file(s, id, i, &files[i]);
	if (rc == 0 && own)
		rc = s->ops->commit(s->be);
	else if (rc < 0)
		rc = undo(s, own, rc);
	if (rc < 0)
		*out_id = 0;
	return rc;
}

int mlc_store_ingest_finish(mlc_store *s, int64_t ingest_id, int ok)
{
	char id[24], now[24];
	const char *p[3] = {id, ok ? "done" : "failed", now};
	int64_t got;
	int rc;
	snprintf(id, sizeof(id), "%" PRId64, ingest_id);
	snprintf(now, sizeof(now), "%" PRId64, (int64_t)time(NULL));
	rc = mlc_store__query_int(&got, s, s->ops->sql->ingest_finish, p, 3);
	if (rc == MLC_ENOTFOUND)
		return mlcu_error_set(rc, "%s: no ingest %" PRId64, s->label, ingest_id);
	return rc;
}

/* ---- slices ---------------------------------------------------------------------------- */

/* The slice's lock key and its row in slices (created or taken over). */
static int claim(char *id, size_t cap, mlc_store *s, int64_t ingest_id, const mlc_store_slice *k)
{
	char start[24], end[24], ingest[24], now[24], key[1024];
	const char *p[7] = {k->provider, k->billing_account,        start, end,
	                    k->currency, ingest_id ? ingest : NULL, now};
	int64_t slice = 0;
	int rc;
	snprintf(start, sizeof(start), "%" PRId64, k->period_start);
	snprintf(end, sizeof(end), "%" PRId64, k->period_end);
	snprintf(ingest, sizeof(ingest), "%" PRId64, ingest_id);
	snprintf(now, sizeof(now), "%" PRId64, (int64_t)time(NULL));
	/* \x1f (unit separator) cannot be confused with the text around it */
	snprintf(key, sizeof(key), "%s\x1f%s\x1f%s\x1f%s", k->provider, k->billing_account, start,
	         end);
	if ((rc = s->ops->lock_slice(s->be, key)) < 0 ||
	    (rc = mlc_store__query_int(&slice, s, s->ops->sql->slice_upsert, p, 7)) < 0)
		return rc;
	snprintf(id, cap, "%" PRId64, slice);
	p[0] = id;
	return mlc_store__exec_params(s, s->ops->sql->slice_clear, p, 1);
}

typedef struct totals {
	mlc_amount cost[MLC_COST_BASIS_COUNT];
	uint64_t rows;
} totals;

static int add_totals(totals *t, const mlc_store_record *r, size_t i)
{
	for (int b = 0; b < MLC_COST_BASIS_COUNT; b++)
		if (mlc_amount_add(&t->cost[b], r->cost[b]) < 0)
			return mlcu_error_set(MLC_ETOOLARGE, "record %zu: slice total overflows",
			                      i + 1);
	t->rows += r->rows;
	return 0;
}

static int write_totals(mlc_store *s, const char *id, size_t n, const totals *t)
{
	char recs[24], rows[24], tot[MLC_COST_BASIS_COUNT][MLC_AMOUNT_FMT_MAX];
	const char *p[7] = {id, recs, rows, tot[0], tot[1], tot[2], tot[3]};
	snprintf(recs, sizeof(recs), "%zu", n);
	snprintf(rows, sizeof(rows), "%" PRIu64, t->rows);
	for (int b = 0; b < MLC_COST_BASIS_COUNT; b++)
		mlc_store__amount_text(tot[b], sizeof(tot[b]), t->cost[b]);
	return mlc_store__exec_params(s, s->ops->sql->slice_totals, p, 7);
}

/* Encode and insert the records batch by batch, reporting progress. */
static int insert_all(mlc_store *s, const char *id, const mlc_store_record *r, size_t n, totals *t)
{
	mlc_store__enc enc;
	mlc_store__batch batch;
	int rc = mlc_store__enc_init(&enc, s->opts.batch_rows);
	for (size_t i = 0; i < n && rc == 0; i++) {
		if ((rc = add_totals(t, &r[i], i)) < 0 ||
		    (rc = mlc_store__enc_add(&enc, &r[i], i)) < 0)
			break;
		if (enc.n < enc.cap && i + 1 < n)
			continue;
		mlc_store__enc_batch(&enc, &batch, id);
		if ((rc = s->ops->insert(s->be, &batch)) < 0)
			break;
		mlc_store__enc_reset(&enc);
		if (s->opts.progress)
			s->opts.progress(i + 1, n, s->opts.progress_ctx);
	}
	mlc_store__enc_free(&enc);
	return rc;
}

int mlc_store_replace_slice(mlc_store *s, int64_t ingest_id, const mlc_store_slice *slice,
                            const mlc_store_record *records, size_t n)
{
	totals t;
	char id[24];
	int own = !s->in_tx, rc;
	if (!slice->provider || !slice->billing_account || slice->period_end <= slice->period_start)
		return mlcu_error_set(MLC_EINVAL,
		                      "slice: provider, billing account and a billing period"
		                      " [start, end) with end after start are required");
	memset(&t, 0, sizeof(t));
	if (own && (rc = s->ops->begin(s->be)) < 0)
		return rc;
	if ((rc = claim(id, sizeof(id), s, ingest_id, slice)) == 0 &&
	    (rc = insert_all(s, id, records, n, &t)) == 0)
		rc = write_totals(s, id, n, &t);
	if (rc == 0 && own)
		rc = s->ops->commit(s->be);
	else if (rc < 0)
		rc = undo(s, own, rc);
	if (rc < 0)
		mlcu_error_prefix("slice %s/%s: ", slice->provider, slice->billing_account);
	return rc;
}
