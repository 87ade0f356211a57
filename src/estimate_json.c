/* SPDX-License-Identifier: MIT */
/*
 * estimate_json.c - the JSON of `mlcost estimate` (SPEC §2 plus the
 * extension keys of docs/cost-model.md). The document is built as a
 * jansson tree, then written by a small writer of our own, because
 * jansson prints doubles with 17 significant digits (6853.8239999999996)
 * where the report must show the shortest text that reads back the same
 * double (6853.824).
 *
 * Not a general JSON library: it writes only what jansson trees hold.
 */
#include "estimate_json.h"
#include "mlcost/common.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/str.h"

#include <math.h>
#include <string.h>

#define JSON_MAX_BYTES (256u << 20) /* an estimate of 10000 models fits easily */

static int put_string(mlcu_buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	int rc = mlcu_buf_putc(b, '"');
	for (; rc == 0 && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			if ((rc = mlcu_buf_putc(b, '\\')) == 0)
				rc = mlcu_buf_putc(b, (char)c);
		} else if (c < 0x20) {
			char esc[7] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0};
			rc = mlcu_buf_puts(b, esc);
		} else {
			rc = mlcu_buf_putc(b, (char)c);
		}
	}
	return rc ? rc : mlcu_buf_putc(b, '"');
}

static int put_indent(mlcu_buf *b, int depth)
{
	int rc = mlcu_buf_putc(b, '\n');
	while (rc == 0 && depth-- > 0)
		rc = mlcu_buf_puts(b, "  ");
	return rc;
}

static int put_value(mlcu_buf *b, json_t *v, int depth);

static int put_object(mlcu_buf *b, json_t *v, int depth)
{
	const char *key;
	json_t *item;
	int rc = mlcu_buf_putc(b, '{'), first = 1;
	json_object_foreach(v, key, item)
	{
		if (rc == 0 && !first)
			rc = mlcu_buf_putc(b, ',');
		if (rc == 0)
			rc = put_indent(b, depth + 1);
		if (rc == 0)
			rc = put_string(b, key);
		if (rc == 0)
			rc = mlcu_buf_puts(b, ": ");
		if (rc == 0)
			rc = put_value(b, item, depth + 1);
		first = 0;
	}
	if (rc == 0 && !first)
		rc = put_indent(b, depth);
	return rc ? rc : mlcu_buf_putc(b, '}');
}

static int put_array(mlcu_buf *b, json_t *v, int depth)
{
	size_t i;
	int rc = mlcu_buf_putc(b, '[');
	for (i = 0; rc == 0 && i < json_array_size(v); i++) {
		if (i)
			rc = mlcu_buf_putc(b, ',');
		if (rc == 0)
			rc = put_indent(b, depth + 1);
		if (rc == 0)
			rc = put_value(b, json_array_get(v, i), depth + 1);
	}
	if (rc == 0 && json_array_size(v))
		rc = put_indent(b, depth);
	return rc ? rc : mlcu_buf_putc(b, ']');
}

static int put_value(mlcu_buf *b, json_t *v, int depth)
{
	char num[64];
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return put_object(b, v, depth);
	case JSON_ARRAY:
		return put_array(b, v, depth);
	case JSON_STRING:
		return put_string(b, json_string_value(v));
	case JSON_INTEGER:
		return mlcu_buf_printf(b, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	case JSON_REAL:
		mlcu_fmt_double(num, sizeof(num), json_real_value(v));
		return mlcu_buf_puts(b, num);
	case JSON_TRUE:
		return mlcu_buf_puts(b, "true");
	case JSON_FALSE:
		return mlcu_buf_puts(b, "false");
	default:
		return mlcu_buf_puts(b, "null");
	}
}

int mlc_estimate__dump_json(char **out, json_t *root)
{
	mlcu_buf b;
	int rc;
	*out = NULL;
	mlcu_buf_init(&b, JSON_MAX_BYTES);
	rc = put_value(&b, root, 0);
	if (rc == 0)
		rc = mlcu_buf_putc(&b, '\n');
	if (rc) {
		mlcu_buf_free(&b);
		return rc == MLC_ETOOLARGE
		           ? mlcu_error_set(rc, "JSON output larger than %u bytes", JSON_MAX_BYTES)
		           : mlcu_error_oom();
	}
	*out = mlcu_buf_detach(&b);
	return *out ? 0 : mlcu_error_oom();
}

/* ---- building the tree; a failed allocation marks the builder ---- */

void mlc_estimate__set(mlc_estimate__jb *jb, json_t *obj, const char *key, json_t *v)
{
	if (!obj) {
		json_decref(v);
		jb->failed = 1;
		return;
	}
	/* json_object_set_new steals v also when it fails */
	if (!v || json_object_set_new(obj, key, v) != 0)
		jb->failed = 1;
}

json_t *mlc_estimate__real(double v)
{
	/* jansson refuses NaN and infinities: an undefined ratio is null */
	return isfinite(v) ? json_real(v) : json_null();
}

void mlc_estimate__set_real(mlc_estimate__jb *jb, json_t *obj, const char *key, double v)
{
	mlc_estimate__set(jb, obj, key, mlc_estimate__real(v));
}

void mlc_estimate__set_str(mlc_estimate__jb *jb, json_t *obj, const char *key, const char *s)
{
	mlc_estimate__set(jb, obj, key, s ? json_string_nocheck(s) : json_null());
}

json_t *mlc_estimate__object(mlc_estimate__jb *jb)
{
	json_t *o = json_object();
	if (!o)
		jb->failed = 1;
	return o;
}
