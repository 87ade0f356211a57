/* SPDX-License-Identifier: MIT */
/*
 * csv.c - stage 2 of the CSV scanner and its push interface: walk the field
 * and record bits that stage 1 (csv_index.c) computed for a region of input,
 * remember where the selected columns start and end, and hand out a record
 * at each record end. A region is either the caller's buffer (zero-copy) or
 * the carry buffer, which holds exactly one record that a buffer edge cut.
 * Record completion, span materialisation and unescaping are in
 * csv_record.c. No I/O here, and no allocation per record.
 */
#include "csv.h"
#include "csv_internal.h"
#include "util/alloc.h"
#include "util/error.h"

#include <string.h>

static const unsigned char utf8_bom[3] = {0xEF, 0xBB, 0xBF};

int mlc_csv__new(mlc_csv **out, const mlc_csv_options *opts)
{
	mlc_csv_options def = MLC_CSV_OPTIONS_INIT;
	mlc_csv *s = NULL;
	int rc = 0;
	*out = NULL;
	if (opts && opts->version != MLC_CSV_OPTIONS_VERSION)
		return mlcu_error_set(MLC_EINVAL, "csv: unknown options version %u", opts->version);
	if (opts)
		def = *opts;
	if (!def.name)
		def.name = "<input>";
	if (def.max_fields == 0 || def.max_fields > MLC_CSV_MAX_FIELDS_LIMIT || def.max_row == 0 ||
	    def.max_field == 0 || def.max_field > UINT32_MAX || def.delim == '"' ||
	    def.delim == '\n' || def.delim == '\r')
		return mlcu_error_set(MLC_EINVAL, "csv: invalid options");
	s = mlcu_calloc(1, sizeof(*s));
	if (!s)
		return mlcu_error_oom();
	s->opt = def;
	s->index = mlc_csv__index_kernel(def.isa);
	s->selmap = mlcu_calloc(def.max_fields, sizeof(*s->selmap));
	if (!s->selmap) {
		rc = mlcu_error_oom();
		goto done;
	}
	s->all = 1;
	s->err_field = -1;
	s->last_sel = SIZE_MAX;
	s->rec_line = def.first_line ? def.first_line : 1;
	s->next_off = def.first_offset;
	s->bom_done = !def.skip_bom;
	s->state = MLC_CSV__ST_NEED;
	*out = s;
	s = NULL;
done:
	mlc_csv__free(s);
	return rc;
}

void mlc_csv__free(mlc_csv *s)
{
	if (!s)
		return;
	mlcu_free(s->selmap);
	mlcu_free(s->selcols);
	mlcu_free(s->selflags);
	mlcu_free(s->fbeg);
	mlcu_free(s->fend);
	mlcu_free(s->spans);
	mlcu_free(s->ubuf);
	mlcu_free(s->carry);
	mlcu_free(s);
}

/* Make room for `n` slots (selected or, in all-columns mode, seen columns). */
int mlc_csv__grow_slots(mlc_csv *s, size_t n)
{
	const char **b, **e;
	mlc_csv_span *sp;
	if (n <= s->slots_cap)
		return 0;
	b = mlcu_reallocarray(s->fbeg, n, sizeof(*b));
	if (!b)
		return mlcu_error_oom();
	s->fbeg = b;
	e = mlcu_reallocarray(s->fend, n, sizeof(*e));
	if (!e)
		return mlcu_error_oom();
	s->fend = e;
	sp = mlcu_reallocarray(s->spans, n, sizeof(*sp));
	if (!sp)
		return mlcu_error_oom();
	s->spans = sp;
	s->slots_cap = n;
	return 0;
}

int mlc_csv__select(mlc_csv *s, const uint32_t *cols, const unsigned *flags, size_t n)
{
	uint32_t *c = NULL;
	unsigned *f = NULL;
	int rc = 0;
	memset(s->selmap, 0, s->opt.max_fields * sizeof(*s->selmap));
	s->selmap_len = 0;
	s->nsel = 0;
	s->all = cols == NULL || n == 0;
	s->last_sel = SIZE_MAX;
	if (s->all)
		return 0;
	if (n > s->opt.max_fields)
		return mlcu_error_set(MLC_EINVAL, "csv: too many columns selected");
	c = mlcu_reallocarray(s->selcols, n, sizeof(*c));
	if (c)
		s->selcols = c;
	f = c ? mlcu_reallocarray(s->selflags, n, sizeof(*f)) : NULL;
	if (f)
		s->selflags = f;
	if (!c || !f || (rc = mlc_csv__grow_slots(s, n)) != 0)
		return rc ? rc : mlcu_error_oom();
	for (size_t i = 0; i < n; i++) {
		if (cols[i] >= s->opt.max_fields || s->selmap[cols[i]]) {
			/* back to every column, a consistent state */
			memset(s->selmap, 0, s->opt.max_fields * sizeof(*s->selmap));
			s->all = 1;
			s->last_sel = SIZE_MAX;
			s->nsel = 0;
			return mlcu_error_set(MLC_EINVAL, "csv: column %u selected twice or out of range",
					      cols[i]);
		}
		s->selmap[cols[i]] = (uint16_t)(i + 1);
		s->last_sel = i == 0 || cols[i] > s->last_sel ? cols[i] : s->last_sel;
		s->selcols[i] = cols[i];
		s->selflags[i] = flags ? flags[i] : 0;
	}
	s->nsel = n;
	/* every column below max_fields takes the fast path in scan() */
	s->selmap_len = s->opt.max_fields;
	return 0;
}

uint64_t mlc_csv__line(const mlc_csv *s)
{
	return s->rec_line;
}

void mlc_csv__start_region(mlc_csv *s, const char *base, size_t len, int final, int is_carry,
			   uint64_t off)
{
	static const mlc_csv_ixstate fresh = {0, 1, 0, 0};
	s->base = base;
	s->len = len;
	s->final = final;
	s->is_carry = is_carry;
	s->region_off = off;
	s->ixpos = 0;
	s->nmask = s->mi = 0;
	s->blk = 0;
	s->cur = 0;
	s->bad_pending = 0;
	s->ix = fresh;
	s->qbase = s->qprev = 0;
	s->rec = s->fstart = base;
	s->col = 0;
	s->state = MLC_CSV__ST_SCAN;
}

static int carry_append(mlc_csv *s, const char *p, size_t n)
{
	size_t need = s->carry_len + n, cap;
	char *c;
	if (need > s->opt.max_row)
		return mlcu_error_set(MLC_ETOOLARGE,
				      "%s:%llu: record longer than %zu bytes",
				      s->opt.name, (unsigned long long)s->carry_line, s->opt.max_row);
	if (need > s->carry_cap) {
		cap = s->carry_cap ? s->carry_cap : 4096;
		while (cap < need)
			cap *= 2;
		c = mlcu_realloc(s->carry, cap);
		if (!c)
			return mlcu_error_oom();
		s->carry = c;
		s->carry_cap = cap;
	}
	if (n)
		memcpy(s->carry + s->carry_len, p, n);
	s->carry_len = need;
	return 0;
}

/* Keep a record that the end of the caller's buffer cut; it is completed
 * from the next buffer and scanned again from the carry. */
int mlc_csv__carry_partial(mlc_csv *s)
{
	const char *end = s->base + s->len;
	int rc;
	s->carry_len = 0;
	s->carry_line = s->rec_line;
	s->carry_off = s->region_off + (uint64_t)(s->rec - s->base);
	s->carry_quote = (int)(s->ix.in_quote & 1);
	rc = carry_append(s, s->rec, (size_t)(end - s->rec));
	s->rec = end;
	return rc;
}

/* Swallow a UTF-8 BOM at the start of the stream, however it is split. */
static int take_bom(mlc_csv *s, const char **buf, size_t *len, int is_last)
{
	while (s->bom_len < 3 && *len > 0 && (unsigned char)**buf == utf8_bom[s->bom_len]) {
		s->bom_len++;
		(*buf)++;
		(*len)--;
		s->next_off++;
	}
	if (s->bom_len == 3 || *len > 0 || is_last) {
		s->bom_done = 1;
		if (s->bom_len < 3 && s->bom_len > 0) {
			/* not a BOM after all: those bytes start the first record */
			s->carry_len = 0;
			s->carry_line = s->rec_line;
			s->carry_off = s->next_off - s->bom_len;
			s->carry_quote = 0;
			return carry_append(s, (const char *)utf8_bom, s->bom_len);
		}
	}
	return 0;
}

static int feed_after_carry(mlc_csv *s, const char *buf, size_t len, int is_last)
{
	size_t t;
	int q = 0, rc;
	/* stops at the end of the carried record: usually a few hundred bytes */
	if (mlc_csv__find_boundary(&t, &q, buf, len, s->carry_quote) == 0) {
		if ((rc = carry_append(s, buf, t)) != 0)
			return rc;
		s->in = buf + t;
		s->in_len = len - t;
		s->in_last = is_last;
		s->in_off = s->next_off + t;
		s->has_in = 1;
		s->rec_line = s->carry_line;
		mlc_csv__start_region(s, s->carry, s->carry_len, 0, 1, s->carry_off);
		return 0;
	}
	if ((rc = carry_append(s, buf, len)) != 0)
		return rc;
	s->carry_quote = q;
	if (is_last) {
		s->has_in = 0;
		s->rec_line = s->carry_line;
		mlc_csv__start_region(s, s->carry, s->carry_len, 1, 1, s->carry_off);
	}
	return 0;
}

int mlc_csv__feed(mlc_csv *s, const char *buf, size_t len, int is_last)
{
	int rc = 0;
	if (s->err)
		return s->err;
	if (s->state != MLC_CSV__ST_NEED)
		return mlcu_error_set(MLC_EINVAL, "csv: feed before the previous input was consumed");
	if (!s->bom_done) {
		if ((rc = take_bom(s, &buf, &len, is_last)) != 0)
			return s->err = rc;
		if (!s->bom_done)
			return 0;
	}
	if (s->carry_len > 0)
		rc = feed_after_carry(s, buf, len, is_last);
	else
		mlc_csv__start_region(s, buf, len, is_last, 0, s->next_off);
	s->next_off += len;
	if (rc)
		s->err = rc;
	return rc;
}

/* Index the next batch of blocks of the region, masking the tail block. */
static void index_batch(mlc_csv *s)
{
	size_t left = s->len - s->ixpos, nb = left / MLC_CSV_BLOCK;
	s->blk = s->ixpos;
	s->mi = 0;
	if (nb > 0) {
		if (nb > MLC_CSV_BATCH)
			nb = MLC_CSV_BATCH;
		s->index(s->masks, s->base + s->ixpos, nb, s->opt.delim, &s->ix);
		s->nmask = nb;
		s->ixpos += nb * MLC_CSV_BLOCK;
	} else {
		char tail[MLC_CSV_BLOCK];
		uint64_t lim = (1ULL << left) - 1;
		memset(tail, 0, sizeof(tail));
		memcpy(tail, s->base + s->ixpos, left);
		s->index(s->masks, tail, 1, s->opt.delim, &s->ix);
		s->masks[0].fields &= lim;
		s->masks[0].recs &= lim;
		s->masks[0].nls &= lim;
		s->masks[0].bad &= lim;
		s->nmask = 1;
		s->ixpos = s->len;
	}
}

/* Move to the next block: 0, 1 when the region is exhausted, or an error
 * for a quoting mistake found in the block being left. */
static int next_block(mlc_csv *s)
{
	const mlc_csv_mask *m;
	s->cur = 0; /* every bit of the block being left was visited */
	if (s->mi < s->nmask) {
		if (s->bad_pending)
			return mlc_csv__bad_quote(s);
		uint64_t qn = s->masks[s->mi].nls & ~s->masks[s->mi].recs;
		if (__builtin_expect(qn != 0, 0))
			s->qbase += (uint64_t)__builtin_popcountll(qn);
		s->blk += MLC_CSV_BLOCK;
		s->mi++;
	}
	if (s->mi >= s->nmask) {
		if (s->ixpos >= s->len)
			return 1;
		index_batch(s);
	}
	m = &s->masks[s->mi];
	s->cur = m->fields;
	if (__builtin_expect(m->bad != 0, 0)) {
		s->cur &= (1ULL << __builtin_ctzll(m->bad)) - 1;
		s->bad_pending = 1;
	}
	return 0;
}

/* Bits set in x, without depending on -mpopcnt (libgcc's call is slow). */
static inline uint64_t popcount64(uint64_t x)
{
	x = x - ((x >> 1) & 0x5555555555555555ULL);
	x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
	return (x * 0x0101010101010101ULL) >> 56;
}

/* A record ended at `bit` of the current block (fe): leave what
 * mlc_csv__finish_record needs. Returns 1, or an error. */
static int end_record(mlc_csv *s, const mlc_csv_mask *m, int bit, uint64_t cur, size_t col,
		      const char *fs, const char *fe)
{
	/* lines: one per record, plus the newlines inside its quotes */
	uint64_t qn = m->nls & ~m->recs, qend = s->qbase;
	if (__builtin_expect(qn != 0, 0))
		qend += popcount64(qn & (~0ULL >> (63 - bit)));
	s->next_line = s->rec_line + 1 + (qend - s->qprev);
	s->qprev = qend;
	s->cur = cur;
	s->col = col;
	s->last_fs = fs;
	s->fstart = fe + 1;
	s->rec_end = fe;
	if (col > s->opt.max_fields)
		return mlcu_error_set(MLC_ETOOLARGE, "%s:%llu: more than %zu fields", s->opt.name,
				      (unsigned long long)s->rec_line, s->opt.max_fields);
	return 1;
}

/*
 * Past the last selected column: count the block's remaining fields up to
 * the record end without visiting them. 1 (or an error) when the record
 * ended here, 0 when it goes on in the next block.
 */
static inline int skip_rest(mlc_csv *s, const mlc_csv_mask *m, uint64_t *cur, size_t *col)
{
	uint64_t r = m->recs & *cur, before;
	const char *fe;
	int bit;
	if (!r) {
		*col += popcount64(*cur);
		*cur = 0;
		return 0;
	}
	bit = __builtin_ctzll(r);
	before = *cur & ((1ULL << bit) - 1);
	*col += popcount64(before) + 1;
	*cur &= ~before;
	*cur &= *cur - 1;
	fe = s->base + s->blk + (size_t)bit;
	/* the last field is not selected: no CR to strip, so last_fs = fe */
	return end_record(s, m, bit, *cur, *col, fe, fe);
}

/*
 * The hot loop: visit field ends until a record ends (1), the region is
 * exhausted (0) or an error. Selected columns record where they start and
 * end; the rest cost a bit test and a compare. Once the last selected
 * column of a record is stored, the rest of the record is skipped a block
 * at a time, its fields counted with a popcount (wide CUR exports).
 */
static int scan(mlc_csv *s)
{
	uint64_t cur = s->cur;
	const char *fs = s->fstart;
	size_t col = s->col, sl = s->selmap_len, maxf = s->opt.max_field, last = s->last_sel;
	const uint16_t *selmap = s->selmap;
	int rc;
	for (;;) {
		const mlc_csv_mask *m;
		const char *fe;
		int bit;
		while (cur == 0) {
			s->col = col;
			s->fstart = fs;
			rc = next_block(s);
			if (rc)
				return rc == 1 ? 0 : rc;
			cur = s->cur;
		}
		m = &s->masks[s->mi];
		if (col > last) {
			if ((rc = skip_rest(s, m, &cur, &col)) != 0)
				return rc;
			continue;
		}
		bit = __builtin_ctzll(cur);
		cur &= cur - 1;
		fe = s->base + s->blk + (size_t)bit;
		if (__builtin_expect(col < sl, 1)) {
			unsigned k = selmap[col];
			if (k) {
				s->fbeg[k - 1] = fs;
				s->fend[k - 1] = fe;
			}
		} else {
			s->cur = cur;
			if ((rc = mlc_csv__store_field(s, col, fs, fe)) != 0)
				return rc;
			sl = s->selmap_len;
		}
		if (__builtin_expect((size_t)(fe - fs) > maxf, 0))
			return mlc_csv__too_large(s, "field", maxf);
		col++;
		if ((m->recs >> bit) & 1)
			return end_record(s, m, bit, cur, col, fs, fe);
		fs = fe + 1;
	}
}

int mlc_csv__next(mlc_csv *s, mlc_csv_row *out)
{
	int rc;
	if (s->err)
		return s->err;
	for (;;) {
		if (s->state != MLC_CSV__ST_SCAN)
			return s->state == MLC_CSV__ST_END ? MLC_CSV_END : MLC_CSV_NEED_INPUT;
		rc = scan(s);
		if (rc == 1)
			rc = mlc_csv__finish_record(s, out, 1);
		else if (rc == 0)
			rc = mlc_csv__region_end(s, out);
		if (rc < 0)
			return s->err = rc;
		if (rc == 1)
			return MLC_CSV_ROW;
	}
}
