/* SPDX-License-Identifier: MIT */
/*
 * tags_parse.c - the span scanner for one tags string (see tags.h). It
 * walks a flat JSON object once, hands out spans into the input, and copies
 * into the caller's scratch only a string that holds escapes or a CUR 2.0
 * key that must be rewritten. It never allocates.
 *
 * It is deliberately narrower than JSON in one place and wider in two:
 * only an object (or its members without braces) is accepted at the top;
 * raw control characters inside strings are tolerated (bills carry them);
 * a missing brace pair is the Azure export shape, not an error.
 */
#include "tags.h"
#include "util/error.h"

#include <string.h>

typedef struct scan {
	const char *s;
	size_t len, i;
	char *scratch;
	size_t used; /* bytes written to scratch */
	unsigned flags;
} scan;

static int fail(const scan *p, const char *what)
{
	return mlcu_error_set(MLC_EPARSE, "byte %zu: %s", p->i + 1, what);
}

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void skip_ws(scan *p)
{
	while (p->i < p->len && is_ws(p->s[p->i]))
		p->i++;
}

static mlc_span trim(mlc_span v)
{
	while (v.len && is_ws(v.ptr[0])) {
		v.ptr++;
		v.len--;
	}
	while (v.len && is_ws(v.ptr[v.len - 1]))
		v.len--;
	return v;
}

uint32_t mlc_tags__key_hash(const char *key, size_t len)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)key[i];
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + 32);
		h = (h ^ c) * 16777619u;
	}
	return h;
}

int mlc_tags__key_equal(const char *a, const char *b, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
		if (x != y) {
			if (x >= 'A' && x <= 'Z')
				x = (unsigned char)(x + 32);
			if (y >= 'A' && y <= 'Z')
				y = (unsigned char)(y + 32);
			if (x != y)
				return 0;
		}
	}
	return 1;
}

static int hex4(const char *s, unsigned *out)
{
	unsigned v = 0;
	for (int k = 0; k < 4; k++) {
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

static size_t put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xE0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* A \u escape at s[k] (k at the 'u'); *k is left on its last hex digit. */
static int unicode_escape(const scan *p, size_t *k, size_t end, unsigned *cp)
{
	unsigned hi, lo;
	if (end - *k < 5 || hex4(p->s + *k + 1, &hi) < 0)
		return -1;
	*k += 4;
	if (hi >= 0xD800 && hi <= 0xDBFF && end - *k >= 7 && p->s[*k + 1] == '\\' &&
	    p->s[*k + 2] == 'u' && hex4(p->s + *k + 3, &lo) == 0 && lo >= 0xDC00 && lo <= 0xDFFF) {
		*cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
		*k += 6;
		return 0;
	}
	/* a lone surrogate or NUL cannot travel as text: U+FFFD stands in */
	*cp = (hi == 0 || (hi >= 0xD800 && hi <= 0xDFFF)) ? 0xFFFD : hi;
	return 0;
}

/* Unescape s[start..end) into scratch. Output never outgrows the input. */
static int unescape(scan *p, size_t start, size_t end, mlc_span *out)
{
	char *o = p->scratch + p->used, *o0 = o;
	for (size_t k = start; k < end; k++) {
		char c = p->s[k];
		unsigned cp;
		if (c != '\\') {
			*o++ = c;
			continue;
		}
		c = p->s[++k];
		switch (c) {
		case '"':
		case '\\':
		case '/':
			*o++ = c;
			break;
		case 'b':
			*o++ = '\b';
			break;
		case 'f':
			*o++ = '\f';
			break;
		case 'n':
			*o++ = '\n';
			break;
		case 'r':
			*o++ = '\r';
			break;
		case 't':
			*o++ = '\t';
			break;
		case 'u':
			if (unicode_escape(p, &k, end, &cp) < 0)
				return mlcu_error_set(MLC_EPARSE, "byte %zu: bad \\u escape",
				                      k + 1);
			o += put_utf8(o, cp);
			break;
		default:
			return mlcu_error_set(MLC_EPARSE, "byte %zu: bad escape '\\%c'", k + 1,
			                      (c >= 0x20 && c < 0x7f) ? c : '?');
		}
	}
	out->ptr = o0;
	out->len = (size_t)(o - o0);
	p->used += out->len;
	return 0;
}

/* A string starting at the quote at p->i; *copy points to its bytes when
 * they were unescaped into scratch (and so may be rewritten in place). */
static int string(scan *p, mlc_span *out, char **copy)
{
	size_t start = ++p->i;
	int esc = 0;
	while (p->i < p->len && p->s[p->i] != '"') {
		if (p->s[p->i] == '\\') {
			esc = 1;
			p->i++;
		}
		p->i++;
	}
	if (p->i >= p->len) {
		p->i = start - 1;
		return fail(p, "unterminated string");
	}
	p->i++;
	*copy = NULL;
	if (!esc) {
		out->ptr = p->s + start;
		out->len = p->i - 1 - start;
		return 0;
	}
	*copy = p->scratch + p->used;
	return unescape(p, start, p->i - 1, out);
}

/* Skip a nested object/array, keeping its raw text. */
static int nested(scan *p, mlc_span *out)
{
	size_t start = p->i, depth = 0;
	mlc_span ignored;
	char *copy;
	do {
		char c = p->s[p->i];
		if (c == '"') {
			int rc = string(p, &ignored, &copy);
			if (rc < 0)
				return rc;
			continue;
		}
		if (c == '{' || c == '[') {
			if (++depth > MLC_TAGS_MAX_DEPTH)
				return fail(p, "value nested too deep");
		} else if (c == '}' || c == ']') {
			depth--;
		}
		p->i++;
	} while (depth > 0 && p->i < p->len);
	if (depth > 0)
		return fail(p, "unterminated object or array in a value");
	/* scratch used by skipped strings is not needed */
	out->ptr = p->s + start;
	out->len = p->i - start;
	return 0;
}

static int is_number_char(char c)
{
	return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

/* A bare token: number, true, false or null (*is_null set). */
static int bare(scan *p, mlc_span *out, int *is_null)
{
	size_t start = p->i;
	while (p->i < p->len && !is_ws(p->s[p->i]) && p->s[p->i] != ',' && p->s[p->i] != '}')
		p->i++;
	out->ptr = p->s + start;
	out->len = p->i - start;
	*is_null = out->len == 4 && memcmp(out->ptr, "null", 4) == 0;
	if (*is_null || (out->len == 4 && memcmp(out->ptr, "true", 4) == 0) ||
	    (out->len == 5 && memcmp(out->ptr, "false", 5) == 0))
		return 0;
	if (out->len == 0 || !(out->ptr[0] == '-' || (out->ptr[0] >= '0' && out->ptr[0] <= '9'))) {
		p->i = start;
		return fail(p, "expected a value");
	}
	for (size_t k = 0; k < out->len; k++)
		if (!is_number_char(out->ptr[k])) {
			p->i = start;
			return fail(p, "expected a value");
		}
	return 0;
}

/*
 * CUR 2.0 map keys: user_team is the user tag team, aws_x the AWS tag aws:x.
 * An unescaped key is rewritten where it lies; one in the input is copied,
 * which keeps scratch within the input's length.
 */
static void cur2_key(scan *p, mlc_span *key, char *copy)
{
	if (key->len > 5 && mlc_tags__key_equal(key->ptr, "user_", 5)) {
		key->ptr += 5;
		key->len -= 5;
	} else if (key->len > 4 && mlc_tags__key_equal(key->ptr, "aws_", 4)) {
		if (!copy) {
			copy = p->scratch + p->used;
			memcpy(copy, key->ptr, key->len);
			p->used += key->len;
			key->ptr = copy;
		}
		copy[3] = ':';
	}
}

static int value(scan *p, mlc_span *out, int *missing, char **copy)
{
	int rc;
	*missing = 0;
	*copy = NULL;
	if (p->i >= p->len)
		return fail(p, "expected a value");
	if (p->s[p->i] == '"')
		rc = string(p, out, copy);
	else if (p->s[p->i] == '{' || p->s[p->i] == '[')
		rc = nested(p, out);
	else
		rc = bare(p, out, missing);
	if (rc == 0) {
		*out = trim(*out);
		*missing = *missing || out->len == 0;
	}
	return rc;
}

static int member(scan *p, mlc_tags_pair *pairs, size_t cap, size_t *n)
{
	mlc_span key, val;
	char *kcopy, *vcopy;
	int rc, missing;
	if (p->i >= p->len || p->s[p->i] != '"')
		return fail(p, "expected a quoted key");
	if ((rc = string(p, &key, &kcopy)) < 0)
		return rc;
	skip_ws(p);
	if (p->i >= p->len || p->s[p->i] != ':')
		return fail(p, "expected ':' after a key");
	p->i++;
	skip_ws(p);
	if ((rc = value(p, &val, &missing, &vcopy)) < 0)
		return rc;
	if (p->flags & MLC_TAGS_CUR2_KEYS)
		cur2_key(p, &key, kcopy);
	key = trim(key);
	if (missing || key.len == 0)
		return 0;
	if (*n == cap)
		return mlcu_error_set(MLC_ETOOLARGE, "byte %zu: more than %zu tags", p->i, cap);
	pairs[*n].key = key;
	pairs[*n].value = val;
	pairs[*n].khash = mlc_tags__key_hash(key.ptr, key.len);
	(*n)++;
	return 0;
}

int mlc_tags__parse(mlc_tags_pair *pairs, size_t cap, size_t *npairs, char *scratch,
                    const char *text, size_t len, unsigned flags)
{
	scan p = {text, len, 0, scratch, 0, flags};
	int braced, rc;
	*npairs = 0;
	if (len > MLC_TAGS_MAX_BYTES)
		return mlcu_error_set(MLC_ETOOLARGE, "longer than %u bytes", MLC_TAGS_MAX_BYTES);
	skip_ws(&p);
	if (p.i == len)
		return 0;
	braced = text[p.i] == '{';
	if (braced) {
		p.i++;
		skip_ws(&p);
	}
	if (!(braced && p.i < len && text[p.i] == '}')) {
		for (;;) {
			if ((rc = member(&p, pairs, cap, npairs)) < 0)
				return rc;
			skip_ws(&p);
			if (p.i < len && text[p.i] == ',') {
				p.i++;
				skip_ws(&p);
				continue;
			}
			break;
		}
	}
	if (braced) {
		if (p.i >= len || text[p.i] != '}')
			return fail(&p, "expected ',' or '}'");
		p.i++;
		skip_ws(&p);
	}
	if (p.i != len)
		return fail(&p, braced ? "text after the closing '}'" : "expected ','");
	return 0;
}
