/* SPDX-License-Identifier: MIT */
/*
 * csv_record.c - the slow half of the CSV scanner: completing a record
 * (CRLF, blank lines, limits), turning the remembered field bounds into
 * spans (stripping quotes, unescaping doubled quotes into a scanner-owned
 * buffer), the end of a region (carry, last record without a newline,
 * unterminated quote) and the error messages. Runs once per record or
 * less; the per-field work is in csv.c.
 */
#include "csv.h"
#include "csv_internal.h"
#include "util/alloc.h"
#include "util/error.h"

#include <string.h>

static unsigned long long ull(uint64_t v)
{
	return (unsigned long long)v;
}

int mlc_csv__too_large(mlc_csv *s, const char *what, size_t limit)
{
	return mlcu_error_set(MLC_ETOOLARGE, "%s:%llu: %s longer than %zu bytes", s->opt.name,
			      ull(s->rec_line), what, limit);
}

/* The field (0-based) of the current record that byte p falls in: the
 * delimiters outside quotes between the record's start and p. Only on
 * error paths, so a plain byte loop. */
static long field_at(const mlc_csv *s, const char *p)
{
	const char *q = s->rec;
	long field = 0;
	int quoted = 0;
	if (!q || p < q)
		return -1;
	for (; q < p; q++) {
		if (*q == '"')
			quoted = !quoted;
		else if (*q == s->opt.delim && !quoted)
			field++;
	}
	return field;
}

/* The field where the last quote that is still open was opened. */
static long field_of_open_quote(const mlc_csv *s, const char *end)
{
	const char *q = s->rec, *opened = NULL;
	int quoted = 0;
	if (!q)
		return -1;
	for (; q < end; q++)
		if (*q == '"' && (quoted = !quoted))
			opened = q;
	return opened ? field_at(s, opened) : -1;
}

long mlc_csv__error_field(const mlc_csv *s)
{
	return s->err_field;
}

int mlc_csv__bad_quote(mlc_csv *s)
{
	const mlc_csv_mask *m = &s->masks[s->mi];
	const char *p = s->base + s->blk + (size_t)__builtin_ctzll(m->bad);
	s->err_field = field_at(s, p);
	if (*p == '"')
		return mlcu_error_set(MLC_EPARSE, "%s:%llu: quote inside an unquoted field",
				      s->opt.name, ull(s->rec_line));
	return mlcu_error_set(MLC_EPARSE, "%s:%llu: unexpected character after a closing quote",
			      s->opt.name, ull(s->rec_line));
}

/* A field of a column at or past selmap_len: in all-columns mode, widen
 * the identity map; otherwise the record has too many fields. */
int mlc_csv__store_field(mlc_csv *s, size_t col, const char *fs, const char *fe)
{
	size_t ncap;
	int rc;
	if (col >= s->opt.max_fields || !s->all)
		return mlcu_error_set(MLC_ETOOLARGE, "%s:%llu: more than %zu fields", s->opt.name,
				      ull(s->rec_line), s->opt.max_fields);
	ncap = s->selmap_len < 32 ? 64 : s->selmap_len * 2;
	if (ncap > s->opt.max_fields)
		ncap = s->opt.max_fields;
	if ((rc = mlc_csv__grow_slots(s, ncap)) != 0)
		return rc;
	for (size_t i = s->selmap_len; i < ncap; i++)
		s->selmap[i] = (uint16_t)(i + 1);
	s->selmap_len = ncap;
	s->fbeg[col] = fs;
	s->fend[col] = fe;
	return 0;
}

/* Nonzero when any byte of w is a quote (the exact SWAR zero-byte test). */
static inline uint64_t has_quote(uint64_t w)
{
	const uint64_t low7 = 0x7f7f7f7f7f7f7f7fULL;
	uint64_t x = w ^ 0x2222222222222222ULL; /* '"' is 0x22 */
	return ~(((x & low7) + low7) | x | low7);
}

size_t mlc_csv__unescape(char *dst, const char *src, size_t len)
{
	size_t i = 0, o = 0;
	/* 8 bytes at a time while they hold no quote; Tags JSON has a
	 * doubled quote every few bytes, so the byte loop matters as much */
	while (i < len) {
		uint64_t w;
		if (len - i >= 8) {
			memcpy(&w, src + i, 8);
			if (!has_quote(w)) {
				memmove(dst + o, src + i, 8);
				i += 8;
				o += 8;
				continue;
			}
		}
		dst[o++] = src[i];
		i += (src[i] == '"' && i + 1 < len && src[i + 1] == '"') ? 2 : 1;
	}
	return o;
}

static int reserve_ubuf(mlc_csv *s, size_t need)
{
	char *u;
	if (need <= s->ucap)
		return 0;
	u = mlcu_realloc(s->ubuf, need);
	if (!u)
		return mlcu_error_oom();
	s->ubuf = u;
	s->ucap = need;
	return 0;
}

/* Spans for the selected columns of the record just ended. */
static int materialise(mlc_csv *s, size_t ncols, size_t bytes)
{
	size_t n = s->all ? ncols : s->nsel, used = 0;
	int rc;
	for (size_t k = 0; k < n; k++) {
		size_t c = s->all ? k : s->selcols[k];
		mlc_csv_span *sp = &s->spans[k];
		const char *b, *e;
		uint32_t flags = 0;
		if (c >= ncols) {
			sp->ptr = "";
			sp->len = 0;
			sp->flags = MLC_CSV_ABSENT;
			continue;
		}
		b = s->fbeg[k];
		e = s->fend[k];
		if (e - b >= 2 && *b == '"') {
			b++;
			e--;
			flags = MLC_CSV_QUOTED;
			if (!(s->all ? 0 : s->selflags[k] & MLC_CSV_COL_RAW) &&
			    memchr(b, '"', (size_t)(e - b))) {
				if ((rc = reserve_ubuf(s, bytes)) != 0)
					return rc;
				size_t ulen = mlc_csv__unescape(s->ubuf + used, b, (size_t)(e - b));
				b = s->ubuf + used;
				e = b + ulen;
				used += ulen;
			}
		}
		sp->ptr = b;
		sp->len = (uint32_t)(e - b);
		sp->flags = flags;
	}
	return 0;
}

/*
 * Complete the record whose last field ended at s->rec_end (a newline when
 * `newline`, else the end of the input). Returns 1 with *out filled, 0 for
 * a blank line (skipped), or an error.
 */
int mlc_csv__finish_record(mlc_csv *s, mlc_csv_row *out, int newline)
{
	const char *end = s->rec_end, *lfs = s->last_fs;
	size_t ncols = s->col, bytes = (size_t)(end - s->rec) + (newline ? 1 : 0);
	int cr = end > lfs && end[-1] == '\r', rc;
	if (ncols == 1 && (size_t)(end - lfs) == (size_t)cr) {
		s->rec = s->fstart = end + (newline ? 1 : 0);
		s->col = 0;
		s->rec_line = s->next_line;
		return 0;
	}
	if (bytes > s->opt.max_row)
		return mlc_csv__too_large(s, "record", s->opt.max_row);
	if (cr) {
		unsigned k = s->selmap[ncols - 1];
		if (k)
			s->fend[k - 1] = end - 1;
	}
	if ((rc = materialise(s, ncols, bytes)) != 0)
		return rc;
	out->fields = s->spans;
	out->nfields = s->all ? ncols : s->nsel;
	out->ncols = ncols;
	out->line = s->rec_line;
	out->offset = s->region_off + (uint64_t)(s->rec - s->base);
	out->bytes = bytes;
	s->rec = s->fstart = end + (newline ? 1 : 0);
	s->col = 0;
	s->rec_line = s->next_line;
	return 1;
}

/* The last record of the input, ended by the end of input, not a newline. */
static int last_record(mlc_csv *s, mlc_csv_row *out)
{
	const char *end = s->base + s->len;
	size_t col = s->col;
	int rc;
	if (s->ix.in_quote) {
		s->err_field = field_of_open_quote(s, end);
		return mlcu_error_set(MLC_EPARSE, "%s:%llu: unterminated quoted field", s->opt.name,
				      ull(s->rec_line));
	}
	/* past the last selected column, fields were skipped unmeasured */
	if (col <= s->last_sel && (size_t)(end - s->fstart) > s->opt.max_field)
		return mlc_csv__too_large(s, "field", s->opt.max_field);
	if (col < s->selmap_len) {
		unsigned k = s->selmap[col];
		if (k) {
			s->fbeg[k - 1] = s->fstart;
			s->fend[k - 1] = end;
		}
	} else if ((rc = mlc_csv__store_field(s, col, s->fstart, end)) != 0) {
		return rc;
	}
	s->col = col + 1;
	s->last_fs = s->fstart;
	s->rec_end = end;
	s->next_line = s->rec_line + 1 + (s->qbase - s->qprev);
	return mlc_csv__finish_record(s, out, 0);
}

/*
 * The region has no more field ends. Returns 1 with a last record, 0 after
 * moving on (next region, need input, end), or an error.
 */
int mlc_csv__region_end(mlc_csv *s, mlc_csv_row *out)
{
	const char *end = s->base + s->len;
	if (s->rec == end) {
		if (s->is_carry) {
			s->carry_len = 0;
			if (s->has_in) {
				s->has_in = 0;
				mlc_csv__start_region(s, s->in, s->in_len, s->in_last, 0, s->in_off);
				return 0;
			}
		}
		s->state = s->final ? MLC_CSV__ST_END : MLC_CSV__ST_NEED;
		return 0;
	}
	if (s->final)
		return last_record(s, out);
	if (s->is_carry) /* a carry region always ends a record; never copy it onto itself */
		return mlcu_error_set(MLC_ERROR, "%s:%llu: csv: internal carry error", s->opt.name,
				      ull(s->rec_line));
	s->state = MLC_CSV__ST_NEED;
	return mlc_csv__carry_partial(s);
}
