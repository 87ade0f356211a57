/* SPDX-License-Identifier: MIT */
/*
 * pricing_csv.c - a small RFC 4180 record reader for catalog files held in
 * memory: quoted fields with doubled quotes and embedded newlines, CRLF or
 * LF line ends, a UTF-8 BOM, blank lines skipped, spaces around unquoted
 * fields trimmed. Records and field counts are bounded.
 *
 * It is not the streaming billing CSV scanner: catalogs are small and read
 * whole, so fields are spans into the input (or into a scratch buffer when
 * a quoted field had to be unescaped).
 */
#include "pricing_internal.h"
#include "util/alloc.h"
#include "util/error.h"

#include <string.h>

int mlc_pricing__csv_open(mlc_pricing__csv *c, const char *data, size_t len)
{
	memset(c, 0, sizeof(*c));
	c->data = data;
	c->len = len;
	c->line = 1;
	if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
		c->pos = 3;
	c->scratch = mlcu_malloc(MLC_PRICING__MAX_LINE);
	return c->scratch ? 0 : mlcu_error_oom();
}

void mlc_pricing__csv_close(mlc_pricing__csv *c)
{
	mlcu_free(c->scratch);
	c->scratch = NULL;
}

/* Consume one line end at pos (CRLF, LF or a lone CR). */
static void eat_eol(mlc_pricing__csv *c)
{
	if (c->data[c->pos++] == '\r' && c->pos < c->len && c->data[c->pos] == '\n')
		c->pos++;
	c->line++;
}

static int is_eol(char ch)
{
	return ch == '\n' || ch == '\r';
}

static int quoted_field(mlc_pricing__csv *c, const char *name, size_t *used)
{
	char *out = c->scratch + *used;
	size_t n = 0;
	c->pos++; /* the opening quote */
	for (;;) {
		char ch;
		if (c->pos >= c->len)
			return mlcu_error_set(MLC_EPARSE, "%s:%u: unterminated quoted field", name,
					      c->rec_line);
		ch = c->data[c->pos];
		if (ch == '"') {
			if (c->pos + 1 < c->len && c->data[c->pos + 1] == '"') {
				c->pos += 2;
			} else {
				c->pos++;
				break;
			}
		} else {
			if (ch == '\n' || (ch == '\r' && (c->pos + 1 >= c->len ||
							  c->data[c->pos + 1] != '\n')))
				c->line++;
			c->pos++;
		}
		if (*used + n + 1 >= MLC_PRICING__MAX_LINE)
			return mlcu_error_set(MLC_ETOOLARGE, "%s:%u: record longer than %u bytes",
					      name, c->rec_line, MLC_PRICING__MAX_LINE);
		out[n++] = ch;
	}
	if (c->pos < c->len && c->data[c->pos] != ',' && !is_eol(c->data[c->pos]))
		return mlcu_error_set(MLC_EPARSE, "%s:%u: text after the closing quote of a field",
				      name, c->rec_line);
	c->fields[c->nfields].ptr = out;
	c->fields[c->nfields].len = n;
	*used += n;
	return 0;
}

static int plain_field(mlc_pricing__csv *c, const char *name)
{
	size_t b = c->pos, e;
	while (c->pos < c->len && c->data[c->pos] != ',' && !is_eol(c->data[c->pos])) {
		if (c->data[c->pos] == '"')
			return mlcu_error_set(MLC_EPARSE, "%s:%u: quote inside an unquoted field",
					      name, c->line);
		c->pos++;
	}
	e = c->pos;
	while (b < e && (c->data[b] == ' ' || c->data[b] == '\t'))
		b++;
	while (e > b && (c->data[e - 1] == ' ' || c->data[e - 1] == '\t'))
		e--;
	c->fields[c->nfields].ptr = c->data + b;
	c->fields[c->nfields].len = e - b;
	return 0;
}

/* One record from pos; *blank is set for a line holding nothing. */
static int record(mlc_pricing__csv *c, const char *name, int *blank)
{
	size_t start = c->pos, used = 0;
	int rc, quoted = 0;
	c->nfields = 0;
	c->rec_line = c->line;
	for (;;) {
		if (c->nfields >= MLC_PRICING__MAX_FIELDS)
			return mlcu_error_set(MLC_EPARSE, "%s:%u: more than %d columns", name,
					      c->rec_line, MLC_PRICING__MAX_FIELDS);
		if (c->pos < c->len && c->data[c->pos] == '"') {
			quoted = 1;
			rc = quoted_field(c, name, &used);
		} else {
			rc = plain_field(c, name);
		}
		if (rc)
			return rc;
		c->nfields++;
		if (c->pos - start > MLC_PRICING__MAX_LINE)
			return mlcu_error_set(MLC_ETOOLARGE, "%s:%u: record longer than %u bytes",
					      name, c->rec_line, MLC_PRICING__MAX_LINE);
		if (c->pos >= c->len)
			break;
		if (c->data[c->pos] == ',') {
			c->pos++;
			continue;
		}
		eat_eol(c);
		break;
	}
	*blank = !quoted && c->nfields == 1 && c->fields[0].len == 0;
	return 0;
}

int mlc_pricing__csv_next(mlc_pricing__csv *c, const char *name)
{
	int blank = 1, rc;
	while (blank) {
		if (c->pos >= c->len)
			return 0;
		rc = record(c, name, &blank);
		if (rc)
			return rc;
	}
	return 1;
}

int mlc_pricing__span_eq(mlc_pricing__span s, const char *lit)
{
	return strlen(lit) == s.len && !memcmp(s.ptr, lit, s.len);
}

int mlc_pricing__csv_column(const mlc_pricing__csv *c, const char *name)
{
	size_t i;
	for (i = 0; i < c->nfields; i++)
		if (mlc_pricing__span_eq(c->fields[i], name))
			return (int)i;
	return -1;
}
