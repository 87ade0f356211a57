/* SPDX-License-Identifier: MIT */
/*
 * csv_internal.h - the scanner's state, shared by csv.c (feeding and the
 * hot loop) and csv_record.c (completing records). Not for other modules:
 * they use csv.h.
 */
#ifndef MLC_CSV_INTERNAL_H
#define MLC_CSV_INTERNAL_H

#include "csv.h"
#include "csv_index.h"

#define MLC_CSV_BATCH 32                /* blocks indexed per stage-1 call (2 KiB) */
#define MLC_CSV_MAX_FIELDS_LIMIT 65535u /* column slots are 16-bit */

enum { MLC_CSV__ST_NEED, MLC_CSV__ST_SCAN, MLC_CSV__ST_END };

struct mlc_csv {
	mlc_csv_options opt;
	mlc_csv_index_fn index;

	/* selection: selmap[column] = 1 + slot, 0 = not materialised */
	uint16_t *selmap;
	size_t selmap_len; /* columns below this take the fast path */
	uint32_t *selcols;
	unsigned *selflags;
	size_t nsel;
	int all; /* every column is materialised, slot = column */
	size_t last_sel; /* highest selected column (SIZE_MAX: all) */

	/* per-slot field bounds of the current record, and the output spans */
	const char **fbeg, **fend;
	mlc_csv_span *spans;
	size_t slots_cap;
	char *ubuf; /* unescaped fields of the current record */
	size_t ucap;

	/* the region being scanned */
	const char *base;
	size_t len;
	int final;    /* no bytes follow the region */
	int is_carry; /* the region is the carry buffer */
	uint64_t region_off;
	size_t ixpos; /* bytes indexed so far */
	mlc_csv_mask masks[MLC_CSV_BATCH];
	size_t nmask, mi; /* blocks in masks, current block */
	size_t blk;       /* region offset of the current block */
	uint64_t cur;     /* field ends of the current block not yet visited */
	int bad_pending;  /* the current block has a quoting error past cur */
	mlc_csv_ixstate ix;
	uint64_t qbase; /* quoted newlines in the region before the current block */
	uint64_t qprev; /* quoted newlines in the region before the current record */

	/* the record being scanned */
	const char *rec, *fstart, *last_fs, *rec_end;
	size_t col;
	uint64_t rec_line, next_line;

	/* the caller's buffer waiting behind a carry record */
	const char *in;
	size_t in_len;
	int in_last, has_in;
	uint64_t in_off;

	/* a record cut by a buffer edge */
	char *carry;
	size_t carry_len, carry_cap;
	int carry_quote;
	uint64_t carry_line, carry_off;

	uint64_t next_off; /* stream offset of the next byte fed */
	int bom_done;
	unsigned bom_len;
	int state;
	int err; /* sticky error */
	long err_field; /* field of a quoting error, -1 when none (mlc_csv__error_field) */
};

int mlc_csv__grow_slots(mlc_csv *s, size_t n);
void mlc_csv__start_region(mlc_csv *s, const char *base, size_t len, int final, int is_carry,
			   uint64_t off);
int mlc_csv__carry_partial(mlc_csv *s);

/* csv_record.c */
int mlc_csv__store_field(mlc_csv *s, size_t col, const char *fs, const char *fe);
int mlc_csv__finish_record(mlc_csv *s, mlc_csv_row *out, int newline);
int mlc_csv__region_end(mlc_csv *s, mlc_csv_row *out);
int mlc_csv__bad_quote(mlc_csv *s);
int mlc_csv__too_large(mlc_csv *s, const char *what, size_t limit);

#endif
