/* SPDX-License-Identifier: MIT */
/*
 * store/record.c - a cost record as the store writes and reads it: text
 * columns that both back-ends take as they are (SQLite binds them,
 * PostgreSQL COPYs them). Encoding is where the store's rules on data
 * live: hours on the hour, valid UTF-8 (PostgreSQL refuses anything else,
 * so both back-ends store the same replacement characters), tag keys
 * lower case and sorted into one canonical JSON object, money as exact
 * decimal text.
 *
 * What it is not: SQL, or a general JSON library (tags are read back with
 * jansson; they are written here because their form is fixed).
 */
#include "store/store_internal.h"
#include "util/sort.h"
#include "util/alloc.h"
#include "util/error.h"

#include <ctype.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int mlc_store__enc_init(mlc_store__enc *e, size_t cap)
{
	memset(e, 0, sizeof(*e));
	mlcu_buf_init(&e->buf, MLC_STORE__MAX_BATCH_BYTES);
	e->off = mlcu_calloc(cap, sizeof(*e->off));
	e->col = mlcu_calloc(cap, sizeof(*e->col));
	e->cap = cap;
	if (!e->off || !e->col) {
		mlc_store__enc_free(e);
		return mlcu_error_oom();
	}
	return 0;
}

void mlc_store__enc_free(mlc_store__enc *e)
{
	mlcu_buf_free(&e->buf);
	mlcu_free(e->off);
	mlcu_free(e->col);
	memset(e, 0, sizeof(*e));
}

void mlc_store__enc_reset(mlc_store__enc *e)
{
	mlcu_buf_reset(&e->buf);
	e->n = 0;
}

/* Length of the valid UTF-8 sequence at s (1-4), or 0 when it is not one. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned c = s[0];
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		return (s[1] & 0xC0) == 0x80 ? 2 : 0;
	if (c >= 0xE0 && c <= 0xEF) {
		unsigned lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
		return s[1] >= lo && s[1] <= hi && (s[2] & 0xC0) == 0x80 ? 3 : 0;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		unsigned lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
		return s[1] >= lo && s[1] <= hi && (s[2] & 0xC0) == 0x80 && (s[3] & 0xC0) == 0x80
		           ? 4
		           : 0;
	}
	return 0;
}

int mlc_store__put_text(mlcu_buf *b, const char *s, int json)
{
	const unsigned char *p = (const unsigned char *)s;
	int rc = 0;
	if (strlen(s) > MLC_STORE__MAX_TEXT)
		return mlcu_error_set(MLC_ETOOLARGE, "text longer than %d bytes",
		                      MLC_STORE__MAX_TEXT);
	while (*p && rc == 0) {
		size_t n = utf8_len(p);
		if (n == 0) {
			rc = mlcu_buf_append(b, "\xEF\xBF\xBD", 3);
			p++;
		} else if (json && (*p == '"' || *p == '\\')) {
			char esc[2] = {'\\', (char)*p++};
			rc = mlcu_buf_append(b, esc, 2);
		} else if (json && *p < 0x20) {
			rc = mlcu_buf_printf(b, "\\u%04x", *p++);
		} else {
			rc = mlcu_buf_append(b, p, n);
			p += n;
		}
	}
	return rc;
}

typedef struct tag_ref {
	char key[256];
	const char *value;
} tag_ref;

static int tag_cmp(const void *a, const void *b)
{
	return strcmp(((const tag_ref *)a)->key, ((const tag_ref *)b)->key);
}

/* Trim and lower-case a tag key into out; EINVAL when it cannot be one. */
static int tag_key(char *out, size_t cap, const char *key, size_t i)
{
	size_t n;
	while (*key && isspace((unsigned char)*key))
		key++;
	n = strlen(key);
	while (n && isspace((unsigned char)key[n - 1]))
		n--;
	if (n == 0 || n >= cap || memchr(key, '"', n) || memchr(key, '\\', n))
		return mlcu_error_set(MLC_EINVAL, "record %zu: bad tag key '%.40s'", i + 1, key);
	for (size_t k = 0; k < n; k++)
		out[k] = (char)tolower((unsigned char)key[k]);
	out[n] = '\0';
	return 0;
}

static int put_tags(mlcu_buf *b, const mlc_store_record *r, size_t i)
{
	tag_ref tags[MLC_STORE__MAX_TAGS];
	size_t n = 0;
	int rc = 0;
	if (r->ntags > MLC_STORE__MAX_TAGS)
		return mlcu_error_set(MLC_EINVAL, "record %zu: more than %d tags", i + 1,
		                      MLC_STORE__MAX_TAGS);
	for (size_t t = 0; t < r->ntags; t++) {
		if (!r->tag_values[t] || !*r->tag_values[t])
			continue; /* missing: not stored */
		if ((rc = tag_key(tags[n].key, sizeof(tags[n].key), r->tag_keys[t], i)) < 0)
			return rc;
		tags[n++].value = r->tag_values[t];
	}
	mlcu_qsort(tags, n, sizeof(tags[0]), tag_cmp);
	rc = mlcu_buf_putc(b, '{');
	for (size_t t = 0; t < n && rc == 0; t++) {
		if (t > 0 && strcmp(tags[t].key, tags[t - 1].key) == 0)
			return mlcu_error_set(MLC_EINVAL, "record %zu: tag key '%s' given twice",
			                      i + 1, tags[t].key);
		rc = mlcu_buf_printf(b, "%s\"%s\":\"", t ? "," : "", tags[t].key);
		if (rc == 0)
			rc = mlc_store__put_text(b, tags[t].value, 1);
		if (rc == 0)
			rc = mlcu_buf_putc(b, '"');
	}
	return rc ? rc : mlcu_buf_putc(b, '}');
}

/* Start column c of the current row at the buffer's end. */
static void col_start(mlc_store__enc *e, int c)
{
	e->off[e->n][c] = e->buf.len;
}

int mlc_store__enc_add(mlc_store__enc *e, const mlc_store_record *r, size_t i)
{
	const char *text[] = {r->sub_account, r->service, r->region, r->charge_category,
	                      r->pricing_category};
	char amount[MLC_AMOUNT_FMT_MAX];
	size_t mark = e->buf.len;
	int rc;
	if (e->n == e->cap)
		return mlcu_error_set(MLC_EINVAL, "batch full");
	if (r->hour < 0 || r->hour % 3600 != 0)
		return mlcu_error_set(MLC_EINVAL, "record %zu: hour %" PRId64 " is not on the hour",
		                      i + 1, r->hour);
	col_start(e, MLC_STORE__C_HOUR);
	rc = mlcu_buf_printf(&e->buf, "%" PRId64, r->hour);
	for (int c = 0; c < 5 && rc == 0; c++) {
		rc = mlcu_buf_putc(&e->buf, '\0');
		/* SPEC §1: an empty field is a missing value; store both as NULL */
		e->off[e->n][MLC_STORE__C_SUB_ACCOUNT + c] =
		    text[c] && *text[c] ? e->buf.len : SIZE_MAX;
		if (rc == 0 && text[c] && *text[c])
			rc = mlc_store__put_text(&e->buf, text[c], 0);
	}
	if (rc == 0 && (rc = mlcu_buf_putc(&e->buf, '\0')) == 0) {
		col_start(e, MLC_STORE__C_TAGS);
		rc = put_tags(&e->buf, r, i);
	}
	for (int c = 0; c < MLC_COST_BASIS_COUNT && rc == 0; c++) {
		mlc_store__amount_text(amount, sizeof(amount), r->cost[c]);
		if ((rc = mlcu_buf_putc(&e->buf, '\0')) == 0) {
			col_start(e, MLC_STORE__C_COST + c);
			rc = mlcu_buf_puts(&e->buf, amount);
		}
	}
	if (rc == 0 && (rc = mlcu_buf_putc(&e->buf, '\0')) == 0) {
		col_start(e, MLC_STORE__C_ROWS);
		rc = mlcu_buf_printf(&e->buf, "%" PRIu64, r->rows);
	}
	if (rc == 0)
		rc = mlcu_buf_putc(&e->buf, '\0');
	if (rc < 0) {
		e->buf.len = mark; /* drop the partial row */
		return mlc_error_code() == rc ? rc
		                              : mlcu_error_set(rc, "record %zu: too large", i + 1);
	}
	e->n++;
	return 0;
}

void mlc_store__enc_batch(mlc_store__enc *e, mlc_store__batch *b, const char *slice_id)
{
	for (size_t i = 0; i < e->n; i++)
		for (int c = 0; c < MLC_STORE__NCOLS; c++)
			e->col[i][c] = e->off[i][c] == SIZE_MAX ? NULL : e->buf.ptr + e->off[i][c];
	b->slice_id = slice_id;
	b->n = e->n;
	b->col = e->col;
}

/* ---- decoding -------------------------------------------------------------------------- */

typedef struct tag_off {
	size_t key, value;
} tag_off;

/* Insertion sort by key: at most MLC_STORE__MAX_TAGS entries. */
static void sort_tags(tag_off *t, size_t n, const char *base)
{
	for (size_t i = 1; i < n; i++) {
		tag_off x = t[i];
		size_t j = i;
		for (; j > 0 && strcmp(base + t[j - 1].key, base + x.key) > 0; j--)
			t[j] = t[j - 1];
		t[j] = x;
	}
}

int mlc_store__tags_parse(mlcu_buf *buf, const char **keys, const char **values, size_t *n,
                          const char *json)
{
	tag_off off[MLC_STORE__MAX_TAGS];
	json_error_t jerr;
	json_t *obj = json_loads(json ? json : "{}", 0, &jerr), *v;
	const char *k;
	size_t m = 0;
	int rc = 0;
	mlcu_buf_reset(buf);
	if (!obj || !json_is_object(obj) || json_object_size(obj) > MLC_STORE__MAX_TAGS) {
		rc = mlcu_error_set(MLC_EPARSE, "stored tags are not a JSON object: %.60s", json);
		goto done;
	}
	json_object_foreach(obj, k, v)
	{
		if (!json_is_string(v))
			continue;
		off[m].key = buf->len;
		if ((rc = mlcu_buf_puts(buf, k)) < 0 || (rc = mlcu_buf_putc(buf, '\0')) < 0)
			goto done;
		off[m].value = buf->len;
		rc = mlcu_buf_append(buf, json_string_value(v), json_string_length(v));
		if (rc < 0 || (rc = mlcu_buf_putc(buf, '\0')) < 0)
			goto done;
		m++;
	}
	sort_tags(off, m, buf->ptr);
	for (size_t i = 0; i < m; i++) {
		keys[i] = buf->ptr + off[i].key;
		values[i] = buf->ptr + off[i].value;
	}
	*n = m;
done:
	json_decref(obj);
	return rc;
}

int mlc_store__amount(mlc_amount *out, const char *text, const char *what)
{
	if (!text || !*text) {
		out->hi = 0;
		out->lo = 0;
		return 0;
	}
	if (mlc_amount_parse(out, text, strlen(text)) < 0)
		return mlcu_error_prefix("store: %s: ", what);
	return 0;
}

void mlc_store__amount_text(char *out, size_t cap, mlc_amount a)
{
	mlc_amount_format(out, cap, a, -1);
}

int mlc_store__int(int64_t *out, const char *text, const char *what)
{
	char *end;
	long long v;
	if (!text) {
		*out = 0;
		return 0;
	}
	v = strtoll(text, &end, 10);
	if (end == text || *end)
		return mlcu_error_set(MLC_EPARSE, "store: %s: not an integer: '%.40s'", what, text);
	*out = v;
	return 0;
}
