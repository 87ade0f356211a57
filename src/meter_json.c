/* SPDX-License-Identifier: MIT */
/*
 * meter_json.c - the span JSON scanner under the event parser (see
 * meter_internal.h): strings with every escape and UTF-8 validation,
 * numbers by the strict RFC 8259 grammar, literals, skipping any value
 * with bounded nesting, and positioned syntax errors.
 *
 * It is a lexer with a skip, not a document parser: it builds no tree and
 * never allocates. The event grammar on top of it is meter_json_event.c.
 */
#include "meter_internal.h"
#include "util/error.h"

#include <string.h>

int mlc_meter__fail_code(mlc_meter__scan *p, int code, size_t off, const char *msg)
{
	unsigned line = 1;
	size_t bol = 0, k;
	if (off > p->len)
		off = p->len;
	for (k = 0; k < off; k++) {
		if (p->s[k] == '\n') {
			line++;
			bol = k + 1;
		}
	}
	p->err_off = off;
	return mlcu_error_set(code, "%s:%u:%zu: %s", p->name, line, off - bol + 1, msg);
}

int mlc_meter__fail(mlc_meter__scan *p, size_t off, const char *msg)
{
	return mlc_meter__fail_code(p, MLC_EPARSE, off, msg);
}

/* Length of the UTF-8 sequence at s[0..n) (2-4 bytes), 0 when invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	unsigned lo = 0x80, hi = 0xBF;
	size_t len, k;
	if (c >= 0xC2 && c <= 0xDF)
		len = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		len = 3;
	else if (c >= 0xF0 && c <= 0xF4)
		len = 4;
	else
		return 0;
	/* the second byte excludes overlong forms, surrogates and > U+10FFFF */
	if (c == 0xE0)
		lo = 0xA0;
	else if (c == 0xED)
		hi = 0x9F;
	else if (c == 0xF0)
		lo = 0x90;
	else if (c == 0xF4)
		hi = 0x8F;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (k = 2; k < len; k++)
		if ((s[k] & 0xC0) != 0x80)
			return 0;
	return len;
}

static int hex4(const char *s, unsigned *out)
{
	unsigned v = 0;
	int k;
	for (k = 0; k < 4; k++) {
		char c = s[k];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

/* Appends to the caller's buffer; counts what does not fit. */
typedef struct sink {
	char *out;
	size_t cap, len;
} sink;

static void sink_put(sink *k, const char *b, size_t n)
{
	if (k->len < k->cap) {
		size_t room = k->cap - k->len;
		memcpy(k->out + k->len, b, n < room ? n : room);
	}
	k->len += n;
}

static void sink_cp(sink *k, unsigned cp)
{
	char b[4];
	size_t n;
	if (cp < 0x80) {
		b[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xC0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xE0 | cp >> 12);
		b[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		b[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		b[0] = (char)(0xF0 | cp >> 18);
		b[1] = (char)(0x80 | (cp >> 12 & 0x3F));
		b[2] = (char)(0x80 | (cp >> 6 & 0x3F));
		b[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	sink_put(k, b, n);
}

/* One escape at p->i (which is '\\'); advances past it. */
static int escape(mlc_meter__scan *p, sink *k, unsigned *flags)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *s = p->s, *hit;
	size_t at = p->i;
	unsigned cp, lo;
	if (at + 1 >= p->len)
		return mlc_meter__fail(p, p->len, "unexpected end of input in a string");
	if (s[at + 1] != 'u') {
		hit = s[at + 1] ? strchr(from, s[at + 1]) : NULL;
		if (hit == NULL)
			return mlc_meter__fail(p, at, "invalid escape in a string");
		if ((unsigned char)to[hit - from] < 0x20)
			*flags |= MLC_METER__STR_CTRL;
		sink_put(k, &to[hit - from], 1);
		p->i = at + 2;
		return 0;
	}
	if (at + 6 > p->len || hex4(s + at + 2, &cp) != 0)
		return mlc_meter__fail(p, at, "invalid \\u escape (expected 4 hex digits)");
	p->i = at + 6;
	if (cp >= 0xDC00 && cp <= 0xDFFF)
		return mlc_meter__fail(p, at, "lone low surrogate in a \\u escape");
	if (cp >= 0xD800 && cp <= 0xDBFF) {
		if (at + 12 > p->len || s[at + 6] != '\\' || s[at + 7] != 'u' ||
		    hex4(s + at + 8, &lo) != 0 || lo < 0xDC00 || lo > 0xDFFF)
			return mlc_meter__fail(p, at, "lone high surrogate in a \\u escape");
		cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
		p->i = at + 12;
	}
	if (cp < 0x20)
		*flags |= MLC_METER__STR_CTRL;
	sink_cp(k, cp);
	return 0;
}

int mlc_meter__string(mlc_meter__scan *p, char *out, size_t cap, size_t *out_len, unsigned *flags)
{
	const unsigned char *s = (const unsigned char *)p->s;
	sink k = {out, cap ? cap - 1 : 0, 0};
	size_t i = p->i + 1, run, n;
	int rc;
	*flags = 0;
	for (;;) {
		run = i;
		while (i < p->len && s[i] >= 0x20 && s[i] < 0x80 && s[i] != '"' && s[i] != '\\')
			i++;
		if (i > run)
			sink_put(&k, (const char *)s + run, i - run);
		if (i >= p->len)
			return mlc_meter__fail(p, p->len, "unexpected end of input in a string");
		if (s[i] == '"')
			break;
		if (s[i] == '\\') {
			p->i = i;
			if ((rc = escape(p, &k, flags)) != 0)
				return rc;
			i = p->i;
		} else if (s[i] < 0x20) {
			return mlc_meter__fail(p, i, "control character in a string (escape it)");
		} else {
			if ((n = utf8_seq(s + i, p->len - i)) == 0)
				return mlc_meter__fail(p, i, "invalid UTF-8 in a string");
			sink_put(&k, (const char *)s + i, n);
			i += n;
		}
	}
	p->i = i + 1;
	if (k.len > k.cap)
		*flags |= MLC_METER__STR_LONG;
	else if (out)
		out[k.len] = '\0';
	if (out_len)
		*out_len = k.len;
	return 0;
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

size_t mlc_meter__number_text(const char *s, size_t len, unsigned *flags)
{
	size_t i = 0;
	*flags = 0;
	if (i < len && s[i] == '-') {
		*flags |= MLC_METER__NUM_NEG;
		i++;
	}
	if (i >= len || !is_digit(s[i]))
		return 0;
	if (s[i++] != '0')
		while (i < len && is_digit(s[i]))
			i++;
	if (i < len && s[i] == '.') {
		*flags |= MLC_METER__NUM_FRAC;
		if (++i >= len || !is_digit(s[i]))
			return 0;
		while (i < len && is_digit(s[i]))
			i++;
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		*flags |= MLC_METER__NUM_EXP;
		if (++i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= len || !is_digit(s[i]))
			return 0;
		while (i < len && is_digit(s[i]))
			i++;
	}
	return i;
}

/* A byte that may not follow a number or a literal without a separator. */
static int glued(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' ||
	       c == '+' || c == '-' || c == '_' || c >= 0x80;
}

int mlc_meter__number(mlc_meter__scan *p, size_t *start, unsigned *flags)
{
	size_t n = mlc_meter__number_text(p->s + p->i, p->len - p->i, flags);
	if (n == 0 || glued(p->i + n < p->len ? (unsigned char)p->s[p->i + n] : -1))
		return mlc_meter__fail(p, p->i, "invalid number");
	*start = p->i;
	p->i += n;
	return 0;
}

int mlc_meter__literal(mlc_meter__scan *p, int *out_lit)
{
	static const char *const words[] = {"true", "false", "null"};
	size_t k, n;
	for (k = 0; k < 3; k++) {
		n = strlen(words[k]);
		if (p->len - p->i >= n && memcmp(p->s + p->i, words[k], n) == 0 &&
		    !glued(p->i + n < p->len ? (unsigned char)p->s[p->i + n] : -1)) {
			*out_lit = words[k][0];
			p->i += n;
			return 0;
		}
	}
	return mlc_meter__fail(p, p->i, "invalid literal (expected true, false or null)");
}

static int skip_container(mlc_meter__scan *p, int close);

int mlc_meter__skip(mlc_meter__scan *p)
{
	unsigned flags;
	size_t start;
	int c, lit;
	mlc_meter__ws(p);
	c = mlc_meter__peek(p);
	if (c == '"')
		return mlc_meter__string(p, NULL, 0, NULL, &flags);
	if (c == '{')
		return skip_container(p, '}');
	if (c == '[')
		return skip_container(p, ']');
	if (c == '-' || is_digit(c))
		return mlc_meter__number(p, &start, &flags);
	if (c == 't' || c == 'f' || c == 'n')
		return mlc_meter__literal(p, &lit);
	if (c < 0)
		return mlc_meter__fail(p, p->len, "unexpected end of input (expected a value)");
	return mlc_meter__fail(p, p->i, "expected a value");
}

/* The members of an object or the elements of an array at p->i. */
static int skip_container(mlc_meter__scan *p, int close)
{
	unsigned flags;
	int rc, c;
	if (p->depth >= MLC_EVENT_MAX_DEPTH)
		return mlc_meter__fail(p, p->i, "nesting deeper than 64 levels");
	p->depth++;
	p->i++;
	mlc_meter__ws(p);
	if (mlc_meter__peek(p) == close) {
		p->i++;
		p->depth--;
		return 0;
	}
	for (;;) {
		if (close == '}') {
			mlc_meter__ws(p);
			if (mlc_meter__peek(p) != '"')
				return mlc_meter__fail(p, p->i, "expected a field name (a string)");
			if ((rc = mlc_meter__string(p, NULL, 0, NULL, &flags)) != 0)
				return rc;
			mlc_meter__ws(p);
			if (mlc_meter__peek(p) != ':')
				return mlc_meter__fail(p, p->i,
				                       "expected ':' after the field name");
			p->i++;
		}
		if ((rc = mlc_meter__skip(p)) != 0)
			return rc;
		mlc_meter__ws(p);
		c = mlc_meter__peek(p);
		if (c == ',') {
			p->i++;
			continue;
		}
		if (c == close) {
			p->i++;
			p->depth--;
			return 0;
		}
		return mlc_meter__fail(
		    p, p->i, close == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
	}
}
