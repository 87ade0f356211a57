/* SPDX-License-Identifier: MIT */
/*
 * csv.h - the push-style streaming CSV scanner behind bill ingestion
 * (STYLE §7). The caller feeds bytes with mlc_csv__feed() and pulls records
 * with mlc_csv__next(); fields come back as {ptr,len} spans. There is no I/O
 * inside, so files, gzip, stdin, HTTP bodies and fuzzers all use the same API.
 *
 * What it is: RFC 4180 (quotes, doubled quotes, quoted newlines, CRLF), a
 * UTF-8 BOM at the start, records across buffer edges, hard limits on field
 * size, record size and field count, line numbers that count quoted
 * newlines, and column selection (only the chosen columns are materialised).
 * Scanning is zero-copy: spans point into the caller's buffer, except for
 * a record cut by a buffer edge (copied once into a bounded carry buffer)
 * and a field with doubled quotes (unescaped into a scanner-owned buffer).
 * What it is not: a type converter, a header mapper or a dialect sniffer.
 *
 * Strictness: a quote may only open a field or be doubled inside a quoted
 * one; anything after a closing quote but a delimiter or line end is an
 * error (MLC_EPARSE). Empty lines are skipped. Delimiter configurable, the
 * quote is always '"'. See docs/internals-csv.md.
 */
#ifndef MLC_CSV_H
#define MLC_CSV_H

#include <stddef.h>
#include <stdint.h>

#include "mlcost/common.h"

typedef struct mlc_csv mlc_csv;

/* A field. ptr is valid until the next call to mlc_csv__next/feed/select. */
typedef struct mlc_csv_span {
	const char *ptr;
	uint32_t len;
	uint32_t flags; /* MLC_CSV_QUOTED | MLC_CSV_ABSENT */
} mlc_csv_span;

#define MLC_CSV_QUOTED 1u /* the field was written in quotes */
#define MLC_CSV_ABSENT 2u /* the record has no such column (short row) */

/* Column flag for mlc_csv__select: hand out the text between the quotes
 * as written, doubled quotes left in (for callers that cache by raw text
 * and unescape only on a miss, e.g. the FOCUS Tags column). */
#define MLC_CSV_COL_RAW 1u

typedef struct mlc_csv_row {
	const mlc_csv_span *fields; /* selected columns in selection order */
	size_t nfields;             /* entries in fields */
	size_t ncols;               /* fields the record really has */
	uint64_t line;              /* line the record starts on, 1-based */
	uint64_t offset;            /* byte offset of the record in the stream */
	size_t bytes;               /* record length incl. its line end */
} mlc_csv_row;

enum mlc_csv_isa {
	MLC_CSV_ISA_AUTO = 0, /* best the CPU supports */
	MLC_CSV_ISA_PORTABLE, /* 64-bit SWAR, any CPU */
	MLC_CSV_ISA_SSE2,     /* x86_64 baseline */
	MLC_CSV_ISA_AVX2      /* runtime-detected */
};

typedef struct mlc_csv_options {
	unsigned version;
	char delim;          /* field delimiter, default ',' */
	size_t max_field;    /* longest field in bytes (default 4 MiB); checked for
			      * materialised fields and any before the last selected one */
	size_t max_row;      /* longest record in bytes (default 16 MiB), also the
			      * bound of the carry buffer */
	size_t max_fields;   /* most fields in a record (default 16384, at most 65535) */
	uint64_t first_line; /* line number of the first byte fed (default 1) */
	uint64_t first_offset; /* stream offset of the first byte fed (default 0) */
	int skip_bom;        /* drop a UTF-8 BOM at the very start (default 1) */
	int isa;             /* enum mlc_csv_isa, for tests and benches */
	const char *name;    /* input name for messages, borrowed ("<input>") */
} mlc_csv_options;

#define MLC_CSV_OPTIONS_VERSION 1
#define MLC_CSV_OPTIONS_INIT                                                                       \
	{                                                                                          \
		MLC_CSV_OPTIONS_VERSION, ',', (size_t)4 << 20, (size_t)16 << 20, 16384, 1, 0, 1,   \
		    MLC_CSV_ISA_AUTO, NULL                                                         \
	}

/* Results of mlc_csv__next besides errors. */
enum mlc_csv_next_result {
	MLC_CSV_NEED_INPUT = 0, /* feed more bytes (every span is now stale) */
	MLC_CSV_ROW = 1,        /* *out holds a record */
	MLC_CSV_END = 2         /* the last input was fed and every record returned */
};

/* A scanner; opts may be NULL for the defaults. Free with mlc_csv__free. */
int mlc_csv__new(mlc_csv **out, const mlc_csv_options *opts);
void mlc_csv__free(mlc_csv *s);

/*
 * Choose the columns (0-based indexes, any order, no duplicates) that rows
 * carry, row->fields[i] being column cols[i]; flags (may be NULL) holds
 * MLC_CSV_COL_* per column. cols == NULL (n == 0) selects every column, the
 * default, as needed for a header. Takes effect from the next record.
 */
int mlc_csv__select(mlc_csv *s, const uint32_t *cols, const unsigned *flags, size_t n);

/*
 * Give the scanner the next bytes of the stream; is_last says no more will
 * follow. Allowed only at the start and after mlc_csv__next returned
 * MLC_CSV_NEED_INPUT. buf must stay valid and unchanged until next returns
 * MLC_CSV_NEED_INPUT or MLC_CSV_END again. len may be 0.
 */
int mlc_csv__feed(mlc_csv *s, const char *buf, size_t len, int is_last);

/*
 * The next record: MLC_CSV_ROW, MLC_CSV_NEED_INPUT, MLC_CSV_END, or an
 * error (MLC_EPARSE: bad quoting, unterminated quote at the end;
 * MLC_ETOOLARGE: a limit; MLC_ENOMEM) with the message
 * "NAME:LINE: ..." naming the line the record starts on. After an error
 * the scanner only returns that error again.
 */
int mlc_csv__next(mlc_csv *s, mlc_csv_row *out);

/*
 * After a quoting error (MLC_EPARSE from mlc_csv__next): the 0-based field of
 * the record where it was found (the field whose quote never closed, or the
 * one holding the stray quote), so the caller can name the column; -1 for
 * other errors or none.
 */
long mlc_csv__error_field(const mlc_csv *s);

/* Line on which the next record starts (the one after the last row). */
uint64_t mlc_csv__line(const mlc_csv *s);

/*
 * Copy src[0..len) to dst turning each doubled quote into one; returns the
 * new length (<= len). dst == src is allowed.
 */
size_t mlc_csv__unescape(char *dst, const char *src, size_t len);

/* ---- helpers for a chunked, parallel caller (docs/internals-csv.md) ---- */

/*
 * Offset just past the first line end that is outside quotes in p[0..n),
 * given whether p[0] starts inside a quoted field; it stops there. When
 * there is none: MLC_ENOTFOUND, and *in_quote_out (may be NULL) receives
 * the quote state at p[n].
 */
int mlc_csv__find_boundary(size_t *out, int *in_quote_out, const char *p, size_t n,
			   int in_quote);

/* 1 when p[0..n) holds an odd number of quote characters: with the strict
 * quoting above, the quote state after n bytes of a record-aligned start. */
int mlc_csv__quote_parity(const char *p, size_t n);

/* "avx2", "sse2" or "portable": what MLC_CSV_ISA_AUTO picks on this CPU. */
const char *mlc_csv__isa_name(int isa);

#endif
