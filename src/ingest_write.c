/* SPDX-License-Identifier: MIT */
/*
 * ingest_write.c - the JSON of an ingest report and of the store's ingest
 * log (ledger.h): exact amounts as JSON numbers with every digit, one
 * object of the four cost bases wherever a total appears, times as RFC
 * 3339 UTC, so a script can reconcile an ingest with the invoice.
 *
 * What it is not: the tables of `mlcost ingest` (the CLI prints those).
 */
#include "bills_internal.h" /* mlc_bills__put_json */
#include "ingest.h"
#include "util/error.h"
#include "util/time.h"

#include <inttypes.h>
#include <string.h>

static void put_str(FILE *f, const char *s)
{
	if (s)
		mlc_bills__put_json(f, s, strlen(s));
	else
		fputs("null", f);
}

static void put_time(FILE *f, int64_t t)
{
	char buf[MLCU_TIME_FMT_MAX];
	mlcu_time_format(buf, sizeof(buf), t);
	fprintf(f, "\"%s\"", buf);
}

static void put_totals(FILE *f, const mlc_amount *t)
{
	char buf[MLC_AMOUNT_FMT_MAX];
	fputc('{', f);
	for (int b = 0; b < MLC_COST_BASIS_COUNT; b++) {
		mlc_amount_format(buf, sizeof(buf), t[b], -1);
		fprintf(f, "%s\"%s\":%s", b ? "," : "", mlc_cost_basis_name((mlc_cost_basis)b), buf);
	}
	fputc('}', f);
}

static void put_store_file(FILE *f, const mlc_store_file *sf)
{
	fputs("{\"path\":", f);
	put_str(f, sf->path);
	fputs(",\"sha256\":", f);
	put_str(f, sf->sha256);
	fputs(",\"format\":", f);
	put_str(f, sf->format);
	fprintf(f, ",\"rows\":%" PRIu64 ",\"total\":", sf->rows);
	put_totals(f, sf->total);
}

static void put_file(FILE *f, const mlc_ledger_file *lf)
{
	int first = 1;
	put_store_file(f, &lf->file);
	fprintf(f, ",\"rows_skipped\":%" PRIu64 ",\"missing\":{", lf->rows_skipped);
	for (int b = 0; b < MLC_COST_BASIS_COUNT; b++) {
		if (!lf->missing[b])
			continue;
		fprintf(f, "%s\"%s\":{\"rows\":%" PRIu64 ",\"why\":", first ? "" : ",",
		        mlc_cost_basis_name((mlc_cost_basis)b), lf->rows_missing[b]);
		put_str(f, lf->missing[b]);
		fputc('}', f);
		first = 0;
	}
	fputs("}}", f);
}

static void put_key(FILE *f, const mlc_store_slice *k)
{
	fputs("\"provider\":", f);
	put_str(f, k->provider);
	fputs(",\"billing_account\":", f);
	put_str(f, k->billing_account);
	fputs(",\"period_start\":", f);
	put_time(f, k->period_start);
	fputs(",\"period_end\":", f);
	put_time(f, k->period_end);
	fputs(",\"currency\":", f);
	put_str(f, k->currency);
}

static void put_slice(FILE *f, const mlc_ledger_slice *s)
{
	fputc('{', f);
	put_key(f, &s->key);
	fprintf(f, ",\"change\":\"%s\",\"records\":%" PRIu64 ",\"rows\":%" PRIu64 ",\"total\":",
	        mlc_ledger_change_name(s->change), s->records, s->rows);
	put_totals(f, s->total);
	fputs(",\"previous\":", f);
	if (s->change == MLC_LEDGER_NEW) {
		fputs("null}", f);
		return;
	}
	fputc('{', f);
	fputs("\"ingest_id\":", f);
	if (s->prev_ingest_id)
		fprintf(f, "%" PRId64, s->prev_ingest_id);
	else
		fputs("null", f);
	fprintf(f, ",\"records\":%" PRIu64 ",\"rows\":%" PRIu64 ",\"total\":", s->prev_records,
	        s->prev_rows);
	put_totals(f, s->prev_total);
	fputs("}}", f);
}

static int done(FILE *f)
{
	fputc('\n', f);
	if (fflush(f) != 0 || ferror(f))
		return mlcu_error_set(MLC_EIO, "writing the output failed");
	return 0;
}

int mlc_ledger_report_write(const mlc_ledger_report *r, FILE *f)
{
	fprintf(f, "{\"ingest_id\":%" PRId64 ",\"store\":", r->ingest_id);
	put_str(f, r->backend);
	fputs(",\"tags\":[", f);
	for (size_t i = 0; i < r->ntags; i++) {
		fputs(i ? "," : "", f);
		put_str(f, r->tags[i]);
	}
	fprintf(f, "],\"rows_read\":%" PRIu64 ",\"rows_skipped\":%" PRIu64 ",\"total\":",
	        r->rows_read, r->rows_skipped);
	put_totals(f, r->total);
	fputs(",\"by_currency\":[", f);
	for (size_t i = 0; i < r->ncurrencies; i++) {
		fputs(i ? ",{\"currency\":" : "{\"currency\":", f);
		put_str(f, r->by_currency[i].currency);
		fprintf(f, ",\"rows\":%" PRIu64 ",\"total\":", r->by_currency[i].rows);
		put_totals(f, r->by_currency[i].total);
		fputc('}', f);
	}
	fputs("],\"files\":[", f);
	for (size_t i = 0; i < r->nfiles; i++) {
		fputs(i ? "," : "", f);
		put_file(f, &r->files[i]);
	}
	fputs("],\"slices\":[", f);
	for (size_t i = 0; i < r->nslices; i++) {
		fputs(i ? "," : "", f);
		put_slice(f, &r->slices[i]);
	}
	fputs("],\"errors\":[", f);
	for (size_t i = 0; i < r->nerrors; i++) {
		fputs(i ? "," : "", f);
		put_str(f, r->errors[i]);
	}
	fputs("]}", f);
	return done(f);
}

static void put_ingest(FILE *f, const mlc_store_ingest *g)
{
	fprintf(f, "{\"id\":%" PRId64 ",\"started_at\":", g->id);
	put_time(f, g->started_at);
	fputs(",\"finished_at\":", f);
	if (g->finished_at)
		put_time(f, g->finished_at);
	else
		fputs("null", f);
	fputs(",\"status\":", f);
	put_str(f, g->status);
	fprintf(f, ",\"slices\":%zu,\"files\":[", g->nslices);
	for (size_t i = 0; i < g->nfiles; i++) {
		fputs(i ? "," : "", f);
		put_store_file(f, &g->files[i]);
		fputc('}', f);
	}
	fputs("]}", f);
}

static void put_slice_info(FILE *f, const mlc_store_slice_info *s)
{
	fputc('{', f);
	put_key(f, &s->key);
	fputs(",\"ingest_id\":", f);
	if (s->ingest_id)
		fprintf(f, "%" PRId64, s->ingest_id);
	else
		fputs("null", f);
	fputs(",\"replaced_at\":", f);
	put_time(f, s->replaced_at);
	fprintf(f, ",\"records\":%" PRIu64 ",\"rows\":%" PRIu64 ",\"total\":", s->records, s->rows);
	put_totals(f, s->total);
	fputc('}', f);
}

int mlc_ledger_listing_write(const mlc_store_listing *l, FILE *f)
{
	fputs("{\"ingests\":[", f);
	for (size_t i = 0; i < l->ningests; i++) {
		fputs(i ? "," : "", f);
		put_ingest(f, &l->ingests[i]);
	}
	fputs("],\"slices\":[", f);
	for (size_t i = 0; i < l->nslices; i++) {
		fputs(i ? "," : "", f);
		put_slice_info(f, &l->slices[i]);
	}
	fputs("]}", f);
	return done(f);
}
