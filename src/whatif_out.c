/* SPDX-License-Identifier: MIT */
/*
 * whatif_out.c - JSON and CSV writers for the what-if renderings (see
 * whatif_out.h). Strings are escaped per RFC 8259; control bytes become
 * \u00XX and other bytes pass through, so UTF-8 names survive.
 */
#include "whatif_out.h"
#include "mlcost/common.h"
#include "mlcost/whatif.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/str.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void mlc_whatif__out_init(mlc_wout *w)
{
	memset(w, 0, sizeof(*w));
	mlcu_buf_init(&w->buf, MLC_WHATIF_OUT_MAX);
	w->first[0] = 1;
}

int mlc_whatif__out_finish(char **out, mlc_wout *w)
{
	*out = NULL;
	if (w->rc == 0 && w->depth != 0)
		w->rc = mlcu_error_set(MLC_ERROR, "unbalanced JSON output");
	if (w->rc) {
		mlcu_buf_free(&w->buf);
		return w->rc;
	}
	*out = mlcu_buf_detach(&w->buf);
	if (!*out)
		return mlcu_error_oom();
	return 0;
}

void mlc_whatif_text_free(char *text)
{
	mlcu_free(text);
}

static void put(mlc_wout *w, const char *s)
{
	if (!w->rc)
		w->rc = mlcu_buf_puts(&w->buf, s);
}

static void put_escaped(mlc_wout *w, const char *s)
{
	char esc[8];
	put(w, "\"");
	for (; *s && !w->rc; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			esc[2] = '\0';
			put(w, esc);
		} else if (c < 0x20) {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			put(w, esc);
		} else {
			w->rc = mlcu_buf_putc(&w->buf, (char)c);
		}
	}
	put(w, "\"");
}

/* the separator, newline and indentation before a member, then its key */
static void member(mlc_wout *w, const char *key)
{
	int i;
	if (w->depth > 0) {
		put(w, w->first[w->depth] ? "\n" : ",\n");
		for (i = 0; i < w->depth; i++)
			put(w, "  ");
	}
	w->first[w->depth] = 0;
	if (key) {
		put_escaped(w, key);
		put(w, ": ");
	}
}

void mlc_whatif__jopen(mlc_wout *w, const char *key, char bracket)
{
	char s[2] = {bracket, '\0'};
	member(w, key);
	put(w, s);
	if (w->depth >= MLC_WHATIF_JSON_DEPTH) {
		if (!w->rc)
			w->rc = mlcu_error_set(MLC_ERROR, "JSON output nested too deeply");
		return;
	}
	w->first[++w->depth] = 1;
}

void mlc_whatif__jclose(mlc_wout *w, char bracket)
{
	char s[2] = {bracket, '\0'};
	int i, empty;
	if (w->depth <= 0) {
		if (!w->rc)
			w->rc = mlcu_error_set(MLC_ERROR, "unbalanced JSON output");
		return;
	}
	empty = w->first[w->depth];
	w->depth--;
	if (!empty) {
		put(w, "\n");
		for (i = 0; i < w->depth; i++)
			put(w, "  ");
	}
	put(w, s);
	if (w->depth == 0)
		put(w, "\n");
}

void mlc_whatif__jstr(mlc_wout *w, const char *key, const char *s)
{
	member(w, key);
	if (s)
		put_escaped(w, s);
	else
		put(w, "null");
}

void mlc_whatif__jnum(mlc_wout *w, const char *key, double v)
{
	char b[64];
	member(w, key);
	if (!isfinite(v)) {
		put(w, "null");
		return;
	}
	mlcu_fmt_double(b, sizeof(b), v);
	put(w, b);
}

void mlc_whatif__jbool(mlc_wout *w, const char *key, int v)
{
	member(w, key);
	put(w, v ? "true" : "false");
}

void mlc_whatif__jnull(mlc_wout *w, const char *key)
{
	member(w, key);
	put(w, "null");
}

void mlc_whatif__cstr(mlc_wout *w, const char *s)
{
	if (w->row_started)
		put(w, ",");
	w->row_started = 1;
	if (!s)
		return;
	if (strpbrk(s, ",\"\r\n")) {
		put(w, "\"");
		for (; *s && !w->rc; s++) {
			if (*s == '"')
				put(w, "\"");
			w->rc = mlcu_buf_putc(&w->buf, *s);
		}
		put(w, "\"");
	} else {
		put(w, s);
	}
}

void mlc_whatif__cnum(mlc_wout *w, double v)
{
	char b[64] = "";
	if (isfinite(v))
		mlcu_fmt_double(b, sizeof(b), v);
	mlc_whatif__cstr(w, b);
}

void mlc_whatif__cend(mlc_wout *w)
{
	put(w, "\n");
	w->row_started = 0;
}
