/* SPDX-License-Identifier: MIT */
/*
 * test_csv_helpers.h - shared by the CSV scanner tests: run the scanner over
 * an input cut into given pieces (each piece in its own exactly-sized
 * allocation, so ASan sees any read past a piece) and render the rows as
 * text "LINE:[f1][f2]\n", errors as "E<code>:<message>\n"; and a small
 * byte-at-a-time reference parser with the same rules, written
 * independently of the scanner, to compare against.
 */
#ifndef TEST_CSV_HELPERS_H
#define TEST_CSV_HELPERS_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

#define OUT_MAX (1u << 22)

typedef struct out_text {
	char *p;
	size_t len, cap;
} out_text;

static inline void out_init(out_text *o)
{
	o->cap = 256;
	o->p = malloc(o->cap);
	o->len = 0;
	o->p[0] = '\0';
}

static inline void out_add(out_text *o, const char *s, size_t n)
{
	if (o->len + n + 1 > OUT_MAX)
		n = OUT_MAX - o->len - 1;
	while (o->len + n + 1 > o->cap) {
		o->cap *= 2;
		o->p = realloc(o->p, o->cap);
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = '\0';
}

static inline void out_fmt(out_text *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static inline void out_fmt(out_text *o, const char *fmt, ...)
{
	char b[2048];
	va_list ap;
	int n;
	va_start(ap, fmt);
	n = vsnprintf(b, sizeof(b), fmt, ap);
	va_end(ap);
	out_add(o, b, n < 0 ? 0 : (size_t)n < sizeof(b) ? (size_t)n : sizeof(b) - 1);
}

typedef struct scan_cfg {
	const mlc_csv_options *opts;
	const uint32_t *cols;
	const unsigned *flags;
	size_t ncols;
} scan_cfg;

static inline void render_row(out_text *o, const mlc_csv_row *row)
{
	out_fmt(o, "%llu:", (unsigned long long)row->line);
	for (size_t i = 0; i < row->nfields; i++) {
		out_add(o, "[", 1);
		out_add(o, row->fields[i].ptr, row->fields[i].len);
		out_add(o, "]", 1);
	}
	out_add(o, "\n", 1);
}

/*
 * Scan in[0..n) fed as pieces ending at cuts[0] < cuts[1] < ... (the last
 * piece ends at n). Returns the rendered rows (free with free()).
 */
static inline char *scan_pieces(const char *in, size_t n, const size_t *cuts, size_t ncuts,
				const scan_cfg *cfg)
{
	out_text o;
	mlc_csv *s = NULL;
	mlc_csv_row row;
	char *piece = NULL;
	size_t start = 0, k = 0;
	int rc;
	out_init(&o);
	if ((rc = mlc_csv__new(&s, cfg ? cfg->opts : NULL)) != 0) {
		out_fmt(&o, "E%d:%s\n", rc, mlc_error_message());
		return o.p;
	}
	if (cfg && cfg->cols && mlc_csv__select(s, cfg->cols, cfg->flags, cfg->ncols) != 0)
		out_fmt(&o, "Eselect:%s\n", mlc_error_message());
	for (;;) {
		rc = mlc_csv__next(s, &row);
		if (rc == MLC_CSV_ROW) {
			render_row(&o, &row);
			continue;
		}
		if (rc == MLC_CSV_NEED_INPUT) {
			size_t end = k < ncuts ? cuts[k++] : n;
			free(piece);
			piece = malloc(end - start ? end - start : 1);
			memcpy(piece, in + start, end - start);
			rc = mlc_csv__feed(s, piece, end - start, end == n);
			start = end;
			if (rc == 0)
				continue;
		}
		if (rc < 0)
			out_fmt(&o, "E%d:%s\n", rc, mlc_error_message());
		break;
	}
	free(piece);
	mlc_csv__free(s);
	return o.p;
}

static inline char *scan_whole(const char *in, size_t n, const scan_cfg *cfg)
{
	return scan_pieces(in, n, NULL, 0, cfg);
}

static inline char *scan_str(const char *in, const scan_cfg *cfg)
{
	return scan_whole(in, strlen(in), cfg);
}

/*
 * The reference: RFC 4180 read byte by byte, for valid input. BOM at the
 * start dropped, a CR before a line end or the end of input dropped from
 * an unquoted last field, a record made of one empty unquoted field
 * (a blank line) skipped. Lines count every '\n'.
 */
static inline char *reference_parse(const char *in, size_t n, char delim)
{
	out_text o;
	size_t i = 0;
	unsigned long long line = 1;
	out_init(&o);
	if (n >= 3 && memcmp(in, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	while (i < n) {
		unsigned long long rec_line = line;
		out_text rec;
		int nf = 0, blank = 0;
		out_init(&rec);
		for (;;) {
			size_t fstart = rec.len;
			int quoted = i < n && in[i] == '"';
			out_add(&rec, "[", 1);
			if (quoted) {
				for (i++; i < n; i++) {
					if (in[i] == '"' && i + 1 < n && in[i + 1] == '"') {
						out_add(&rec, "\"", 1);
						i++;
					} else if (in[i] == '"') {
						break;
					} else {
						line += in[i] == '\n';
						out_add(&rec, in + i, 1);
					}
				}
				i++; /* closing quote */
				if (i < n && in[i] == '\r')
					i++;
			} else {
				while (i < n && in[i] != delim && in[i] != '\n')
					out_add(&rec, in + i++, 1);
				if ((i == n || in[i] == '\n') && rec.len > fstart + 1 &&
				    rec.p[rec.len - 1] == '\r')
					rec.p[--rec.len] = '\0';
			}
			out_add(&rec, "]", 1);
			nf++;
			blank = nf == 1 && !quoted && rec.len == fstart + 2;
			if (i < n && in[i] == delim) {
				i++;
				continue;
			}
			if (i < n) {
				i++;
				line++;
			}
			break;
		}
		if (!blank) {
			out_fmt(&o, "%llu:", rec_line);
			out_add(&o, rec.p, rec.len);
			out_add(&o, "\n", 1);
		}
		free(rec.p);
	}
	return o.p;
}

#endif
