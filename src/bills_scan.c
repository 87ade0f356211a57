/* SPDX-License-Identifier: MIT */
/*
 * bills_scan.c - the row loop of one chunk of a bill: records from the CSV
 * scanner, each read through the format's row reader (billing_format.h),
 * filtered (--from/--to on the charge period start, --where), keyed by the
 * ids of its dimension values (+ bucket, presence bits) and added to the
 * chunk's aggregate with its exact cost under every basis.
 *
 * A chunk that starts at a guessed record boundary (bills_run.c) stops at
 * the first record that begins at or after the next chunk's start; when a
 * record straddles that start the guess was wrong, the next chunk's work
 * is void, and this chunk reads on to the start after it. Lines in
 * messages are the chunk's own (from 1); bills_run.c rebases them.
 *
 * Row-level data errors (a bad number, timestamp or tags string, a short
 * row) stop the chunk, or with lenient are counted and skipped; limits,
 * memory and CSV syntax errors always stop it.
 */
#include "bills_internal.h"
#include "csv.h"
#include "io/reader.h"
#include "util/alloc.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROW_FATAL 1
#define TICK_ROWS 16384u

typedef struct scan_state {
	bills_chunk *c;
	mlc_billfmt_row *row;
	mlc_span *fields;
	const char *cur; /* the previous row's currency, interned in c->agg */
	size_t curlen;
} scan_state;

int mlc_bills__msg_take(bills_msg *m, const char *file)
{
	const char *msg = mlc_error_message(), *p = msg;
	size_t flen = strlen(file);
	m->line = 0;
	/* "FILE:LINE: rest": keep the line apart so that it can be rebased */
	if (strncmp(p, file, flen) == 0 && p[flen] == ':' && p[flen + 1] >= '0' &&
	    p[flen + 1] <= '9') {
		char *end;
		unsigned long long n = strtoull(p + flen + 1, &end, 10);
		if (*end == ':') {
			m->line = n;
			p = end + 1;
			while (*p == ' ')
				p++;
		}
	}
	if (!(m->text = mlcu_strdup(p)))
		return MLC_ENOMEM;
	return 0;
}

void mlc_bills__chunk_clear(bills_chunk *c)
{
	mlcu_free(c->fatal.text);
	c->fatal.text = NULL;
	for (size_t i = 0; i < c->nkept; i++)
		mlcu_free(c->kept[i].text);
	mlcu_free(c->kept);
	c->kept = NULL;
	c->nkept = 0;
}

static void set_fatal(bills_chunk *c, int rc)
{
	c->rc = rc;
	if (mlc_bills__msg_take(&c->fatal, c->plan->file) < 0)
		c->rc = MLC_ENOMEM;
}

/* A row whose width differs from the header's. */
static int bad_width(const scan_state *st, const mlc_csv_row *row)
{
	const bills_plan *p = st->c->plan;
	if (row->ncols < p->header_ncols)
		return mlcu_error_set(MLC_EPARSE,
		                      "%s:%llu: column '%s': missing (the row has %zu fields, the "
		                      "header %zu)",
		                      p->file, (unsigned long long)row->line,
		                      p->colnames[row->ncols], row->ncols, p->header_ncols);
	return mlcu_error_set(
	    MLC_EPARSE, "%s:%llu: column %zu: unexpected field (the header has %zu columns)",
	    p->file, (unsigned long long)row->line, p->header_ncols + 1, p->header_ncols);
}

/* Does a row whose value for f is v (ptr NULL: missing) pass the filter? */
static int filter_pass(const bills_filter *f, const mlc_span *v)
{
	int ok = f->neq == 0;
	for (size_t i = 0; i < f->neq && !ok; i++)
		ok = f->eq[i] ? v->ptr && v->len == f->eqlen[i] && !memcmp(v->ptr, f->eq[i], v->len)
		              : !v->ptr;
	for (size_t i = 0; i < f->nne && ok; i++)
		ok = f->ne[i]
		         ? !(v->ptr && v->len == f->nelen[i] && !memcmp(v->ptr, f->ne[i], v->len))
		         : v->ptr != NULL;
	return ok;
}

/* Value of source s: *v (ptr NULL when missing); <0 on a row error. */
static int value(mlc_span *v, scan_state *st, const mlc_billfmt_source *s)
{
	int rc = mlc_billfmt__value(v, st->row, s);
	if (rc == 0)
		v->ptr = NULL, v->len = 0;
	return rc < 0 ? rc : 0;
}

static int note_currency(scan_state *st, const mlc_span *v)
{
	bills_chunk *c = st->c;
	if (!v->ptr || (v->len == st->curlen && st->cur && !memcmp(v->ptr, st->cur, v->len)))
		return 0;
	if (mlc_bills__currency(c->agg, v->ptr, v->len, c->plan->file) < 0)
		return -1;
	for (size_t i = 0; i < c->agg->ncur; i++)
		if (strlen(c->agg->cur[i]) == v->len && !memcmp(c->agg->cur[i], v->ptr, v->len)) {
			st->cur = c->agg->cur[i];
			st->curlen = v->len;
		}
	return 0;
}

/* Filters: 0 pass, 1 filtered out, <0 row error; *bucket set. */
static int filters(scan_state *st, int64_t *bucket)
{
	const bills_cfg *cfg = st->c->cfg;
	const bills_plan *p = st->c->plan;
	mlc_span v;
	int64_t t;
	int rc;
	*bucket = 0;
	if (p->need_time) {
		if ((rc = mlc_billfmt__charge_start(&t, st->row)) < 0)
			return rc;
		if ((cfg->has_from && t < cfg->from) || (cfg->has_to && t >= cfg->to))
			return 1;
		if (cfg->bucket != MLCU_BUCKET_NONE)
			*bucket = mlcu_time_bucket(t, cfg->bucket);
	}
	for (size_t i = 0; i < cfg->nfilters; i++) {
		if ((rc = value(&v, st, p->filter[i])) < 0)
			return rc;
		if (!filter_pass(&cfg->filters[i], &v))
			return 1;
	}
	return 0;
}

/* One record: 0 (added or filtered out), <0 a row error, ROW_FATAL. */
static int process(scan_state *st, const mlc_csv_row *row)
{
	bills_chunk *c = st->c;
	const bills_cfg *cfg = c->cfg;
	const bills_plan *p = c->plan;
	uint32_t key[BILLS_MAX_KEY_WORDS], pres = 0;
	mlcu_money cost[MLC_COST_BASIS_COUNT];
	mlc_span v;
	int64_t bucket;
	int rc;
	if (row->ncols != p->header_ncols)
		return bad_width(st, row);
	for (size_t i = 0; i < p->nsel; i++) {
		st->fields[i].ptr = row->fields[i].ptr;
		st->fields[i].len = row->fields[i].len;
	}
	mlc_billfmt__row_set(st->row, p->fmt, st->fields, p->nsel, row->line,
	                     MLC_BILLFMT_ROW_JSON_RAW);
	if ((rc = filters(st, &bucket)) != 0)
		return rc < 0 ? rc : 0;
	for (size_t d = 0; d < cfg->nby; d++) {
		if ((rc = value(&v, st, p->dim[d])) < 0)
			return rc;
		if (mlc_bills__intern(&key[d], c->agg, d, v.ptr, v.len) < 0)
			return ROW_FATAL;
	}
	for (size_t i = 0; i < cfg->npresence; i++) {
		if ((rc = value(&v, st, p->pres[i])) < 0)
			return rc;
		pres |= v.ptr ? (uint32_t)1 << i : 0;
	}
	for (size_t b = 0; b < cfg->nbases; b++)
		if ((rc = mlc_billfmt__cost_value(&cost[b], st->row, cfg->bases[b])) < 0)
			return rc;
	if (p->currency) {
		if ((rc = value(&v, st, p->currency)) < 0)
			return rc;
		if (note_currency(st, &v) < 0)
			return ROW_FATAL;
	}
	mlc_bills__key_tail(key, cfg->nby, bucket, pres);
	if (mlc_bills__add(c->agg, key, cost, 1) < 0)
		return ROW_FATAL;
	return 0;
}

/* A row error: stop, or (lenient) count, keep the first messages, go on. */
static int row_error(bills_chunk *c, int rc)
{
	bills_msg m;
	if (!c->cfg->lenient || (rc != MLC_EPARSE && rc != MLC_ETOOLARGE)) {
		set_fatal(c, rc);
		return -1;
	}
	c->rows_skipped++;
	if (c->nkept < c->cfg->max_errors) {
		bills_msg *k = c->kept;
		if (!k && !(k = mlcu_calloc(c->cfg->max_errors, sizeof(*k)))) {
			set_fatal(c, mlcu_error_oom());
			return -1;
		}
		c->kept = k;
		if (mlc_bills__msg_take(&m, c->plan->file) < 0) {
			set_fatal(c, mlcu_error_oom());
			return -1;
		}
		c->kept[c->nkept++] = m;
	}
	mlc_error_clear();
	return 0;
}

/* Has the chunk reached its next valid stop? Advances past void ones. */
static int at_stop(bills_chunk *c, const mlc_csv_row *row)
{
	while (c->end < c->nstops && row->offset + row->bytes > c->stops[c->end]) {
		if (row->offset >= c->stops[c->end]) {
			c->end_line = row->line;
			c->end_offset = row->offset;
			return 1;
		}
		c->end++; /* the record straddles the guessed start: that chunk is void */
	}
	return 0;
}

static int feed(bills_chunk *c, mlc_csv *s, mlc_reader *r)
{
	const char *p;
	size_t n;
	int rc = mlc_io__next(r, &p, &n);
	if (rc < 0)
		return rc;
	return mlc_csv__feed(s, p, n, n == 0);
}

/*
 * A quoting error of the scanner names the line; add the column from the
 * header: "FILE:LINE: column 'Tags': unterminated quoted field".
 */
static int name_csv_column(const bills_chunk *c, const mlc_csv *s, int rc)
{
	long field = mlc_csv__error_field(s);
	char msg[MLCU_ERROR_MAX];
	const char *rest;
	size_t flen = strlen(c->plan->file);
	snprintf(msg, sizeof(msg), "%s", mlc_error_message()); /* the setter overwrites it */
	if (field < 0 || (size_t)field >= c->plan->header_ncols || strncmp(msg, c->plan->file, flen) ||
	    msg[flen] != ':' || !(rest = strstr(msg + flen + 1, ": ")))
		return rc;
	return mlcu_error_set(rc, "%.*s: column '%s': %s", (int)(rest - msg), msg,
			      c->plan->colnames[field], rest + 2);
}

static void loop(scan_state *st, mlc_csv *s, mlc_reader *r, bills_tick_fn tick, void *ctx)
{
	bills_chunk *c = st->c;
	mlc_csv_row row;
	unsigned since = 0;
	int rc;
	for (;;) {
		rc = mlc_csv__next(s, &row);
		if (rc == MLC_CSV_NEED_INPUT) {
			if ((rc = feed(c, s, r)) < 0)
				break;
			continue;
		}
		if (rc == MLC_CSV_END)
			return;
		if (rc < 0) {
			rc = name_csv_column(c, s, rc);
			break;
		}
		if (at_stop(c, &row))
			break;
		if (!c->has_first) {
			c->has_first = 1;
			c->first_offset = row.offset;
			c->first_line = row.line;
		}
		c->rows_read++;
		rc = process(st, &row);
		if (rc == ROW_FATAL) {
			mlcu_error_prefix("%s:%llu: ", c->plan->file, (unsigned long long)row.line);
			set_fatal(c, mlc_error_code());
			return;
		}
		if (rc < 0 && row_error(c, rc) < 0)
			return;
		if (++since == TICK_ROWS) {
			since = 0;
			__atomic_store_n(&c->rows_progress, c->rows_read, __ATOMIC_RELAXED);
			if (tick)
				tick(ctx);
		}
	}
	if (rc < 0)
		set_fatal(c, rc);
}

void mlc_bills__scan(bills_chunk *c, mlc_csv *s, mlc_reader *r, bills_tick_fn tick, void *tick_ctx)
{
	scan_state st;
	int rc;
	memset(&st, 0, sizeof(st));
	st.c = c;
	c->end = 0;
	if ((rc = mlc_billfmt__row_new(&st.row, NULL)) < 0 ||
	    !(st.fields = mlcu_calloc(c->plan->nsel ? c->plan->nsel : 1, sizeof(mlc_span)))) {
		set_fatal(c, rc < 0 ? rc : mlcu_error_oom());
		goto done;
	}
	loop(&st, s, r, tick, tick_ctx);
done:
	__atomic_store_n(&c->rows_progress, c->rows_read, __ATOMIC_RELAXED);
	mlcu_free(st.fields);
	mlc_billfmt__row_free(st.row);
}
