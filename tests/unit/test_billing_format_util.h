/* SPDX-License-Identifier: MIT */
/*
 * test_billing_format_util.h - test-only helpers for the billing-format
 * tests: a small RFC 4180 reader (quotes, doubled quotes, CRLF, blank lines
 * skipped, .gz through zlib) that loads a whole sample file as rows of
 * spans, so the mapper is exercised independently of the production CSV
 * scanner; and a row driver that runs a row through a format.
 */
#ifndef TEST_BILLING_FORMAT_UTIL_H
#define TEST_BILLING_FORMAT_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "billing_format.h"

typedef struct trow {
	mlc_span *f;
	size_t n;
	unsigned line; /* physical line the record starts on */
} trow;

typedef struct tcsv {
	trow *rows; /* rows[0] is the header */
	size_t nrows;
	char *text; /* unescaped field bytes */
} tcsv;

static char *tcsv_slurp(const char *path, size_t *len)
{
	gzFile g = gzopen(path, "rb");
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	int got;
	if (!g || !buf) {
		fprintf(stderr, "cannot open %s\n", path);
		abort();
	}
	while ((got = gzread(g, buf + n, (unsigned)(cap - n))) > 0) {
		n += (size_t)got;
		if (n == cap)
			buf = realloc(buf, cap *= 2);
	}
	gzclose(g);
	*len = n;
	return buf;
}

static void tcsv_push(tcsv *c, trow *row, mlc_span v, size_t *cap)
{
	if (row->n == *cap)
		row->f = realloc(row->f, (*cap = *cap ? *cap * 2 : 16) * sizeof(mlc_span));
	row->f[row->n++] = v;
	(void)c;
}

/* Parse text (RFC 4180); fields are unescaped into out. */
static tcsv *tcsv_parse(const char *in, size_t len)
{
	tcsv *c = calloc(1, sizeof(*c));
	size_t i = 0, rcap = 0, o = 0;
	unsigned line = 1;
	c->text = malloc(len + 1);
	while (i < len) {
		trow row = {NULL, 0, line};
		size_t fcap = 0;
		if (in[i] == '\n' || (in[i] == '\r' && i + 1 < len && in[i + 1] == '\n')) {
			i += in[i] == '\r' ? 2 : 1; /* blank line */
			line++;
			continue;
		}
		for (;;) {
			mlc_span v = {c->text + o, 0};
			if (i < len && in[i] == '"') {
				for (i++; i < len; i++) {
					if (in[i] == '"' && i + 1 < len && in[i + 1] == '"')
						c->text[o++] = in[i++];
					else if (in[i] == '"')
						break;
					else {
						line += in[i] == '\n';
						c->text[o++] = in[i];
					}
				}
				i++;
			} else {
				while (i < len && in[i] != ',' && in[i] != '\n' &&
				       !(in[i] == '\r' && i + 1 < len && in[i + 1] == '\n'))
					c->text[o++] = in[i++];
			}
			v.len = (size_t)(c->text + o - v.ptr);
			tcsv_push(c, &row, v, &fcap);
			if (i < len && in[i] == ',') {
				i++;
				continue;
			}
			break;
		}
		if (i < len && in[i] == '\r')
			i++;
		if (i < len && in[i] == '\n')
			i++;
		line++;
		if (c->nrows == rcap)
			c->rows = realloc(c->rows, (rcap = rcap ? rcap * 2 : 64) * sizeof(trow));
		c->rows[c->nrows++] = row;
	}
	return c;
}

static tcsv *tcsv_load(const char *path)
{
	size_t len;
	char *in = tcsv_slurp(path, &len);
	tcsv *c = tcsv_parse(in, len);
	free(in);
	return c;
}

static void tcsv_free(tcsv *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nrows; i++)
		free(c->rows[i].f);
	free(c->rows);
	free(c->text);
	free(c);
}

/* The data row that starts on physical line `line`; aborts when absent. */
static const trow *tcsv_line(const tcsv *c, unsigned line)
{
	for (size_t i = 1; i < c->nrows; i++)
		if (c->rows[i].line == line)
			return &c->rows[i];
	fprintf(stderr, "no record on line %u\n", line);
	abort();
}

/* Detect the format of a loaded file; the file name in messages is name. */
static int tcsv_detect(mlc_billfmt **out, const tcsv *c, const char *name)
{
	return mlc_billfmt__detect(out, name, c->rows[0].f, c->rows[0].n);
}

/* Value of source s in row as a NUL-terminated string ("" when missing). */
static const char *tval(mlc_billfmt_row *r, const mlc_billfmt_source *s)
{
	static char buf[512];
	mlc_span v;
	int rc = mlc_billfmt__value(&v, r, s);
	if (rc <= 0)
		return rc < 0 ? "<error>" : "";
	snprintf(buf, sizeof(buf), "%.*s", (int)v.len, v.ptr);
	return buf;
}

/* Cost of the current row under b as exact decimal text. */
static const char *tcost(mlc_billfmt_row *r, mlc_billfmt_basis b)
{
	static char buf[MLCU_MONEY_FMT_MAX];
	mlcu_money m;
	if (mlc_billfmt__cost_value(&m, r, b) < 0)
		return "<error>";
	mlcu_money_format(buf, sizeof(buf), m);
	return buf;
}

#endif
