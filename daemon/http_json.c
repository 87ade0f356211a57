/* SPDX-License-Identifier: MIT */
/*
 * http_json.c - bounded response buffers and JSON / Prometheus value
 * writers. See http_json.h.
 */
#include "http_json.h"
#include "utf8.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__extension__ typedef __int128 i128;
__extension__ typedef unsigned __int128 u128;

void mlcd_buf_init(mlcd_buf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
}

void mlcd_buf_free(mlcd_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

void mlcd_buf_reset(mlcd_buf *b)
{
	b->len = 0;
	b->failed = 0;
	if (b->data)
		b->data[0] = '\0';
}

static int reserve(mlcd_buf *b, size_t n)
{
	size_t want, cap;
	char *p;
	if (b->failed)
		return -1;
	if (n > b->max || b->len > b->max - n) {
		b->failed = 1;
		return -1;
	}
	want = b->len + n + 1;
	if (want <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < want)
		cap *= 2;
	if (!(p = realloc(b->data, cap))) {
		b->failed = 1;
		return -1;
	}
	b->data = p;
	b->cap = cap;
	return 0;
}

void mlcd_buf_add(mlcd_buf *b, const char *s, size_t n)
{
	if (reserve(b, n))
		return;
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void mlcd_buf_puts(mlcd_buf *b, const char *s)
{
	mlcd_buf_add(b, s, strlen(s));
}

void mlcd_buf_printf(mlcd_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void mlcd_json_str(mlcd_buf *b, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	char esc[8];
	if (!s) {
		mlcd_buf_add(b, "null", 4);
		return;
	}
	mlcd_buf_add(b, "\"", 1);
	while (*u) {
		size_t run = 0, n;
		/* copy runs of plain bytes at once */
		while (u[run] >= 0x20 && u[run] < 0x80 && u[run] != '"' && u[run] != '\\')
			run++;
		if (run) {
			mlcd_buf_add(b, (const char *)u, run);
			u += run;
			continue;
		}
		if (*u == '"' || *u == '\\') {
			esc[0] = '\\', esc[1] = (char)*u;
			mlcd_buf_add(b, esc, 2);
			u++;
		} else if (*u < 0x20) {
			snprintf(esc, sizeof(esc), "\\u%04x", *u);
			mlcd_buf_add(b, esc, 6);
			u++;
		} else if ((n = mlcd_utf8_len(u, 4)) != 0) { /* a NUL ends a sequence */
			mlcd_buf_add(b, (const char *)u, n);
			u += n;
		} else {
			mlcd_buf_add(b, "\\ufffd", 6);
			u++;
		}
	}
	mlcd_buf_add(b, "\"", 1);
}

void mlcd_json_amount(mlcd_buf *b, mlc_amount a)
{
	char t[MLC_AMOUNT_FMT_MAX];
	mlc_amount_format(t, sizeof(t), a, -1);
	mlcd_buf_add(b, "\"", 1);
	mlcd_buf_puts(b, t);
	mlcd_buf_add(b, "\"", 1);
}

static i128 to_i128(mlc_amount a)
{
	return (i128)(((u128)(uint64_t)a.hi << 64) | a.lo);
}

static mlc_amount from_i128(i128 v)
{
	mlc_amount a;
	a.hi = (int64_t)(v >> 64);
	a.lo = (uint64_t)v;
	return a;
}

int mlcd_amount_div(mlc_amount *out, mlc_amount a, uint64_t n)
{
	i128 v = to_i128(a);
	u128 mag = v < 0 ? (u128)0 - (u128)v : (u128)v, q, r;
	if (!n)
		return -1;
	q = mag / n, r = mag % n;
	/* half-even: above half rounds up, exactly half rounds to the even quotient */
	if (2 * r > n || (2 * r == n && (q & 1)))
		q++;
	*out = from_i128(v < 0 ? -(i128)q : (i128)q);
	return 0;
}

mlc_amount mlcd_amount_sub(mlc_amount a, mlc_amount b)
{
	return from_i128(to_i128(a) - to_i128(b));
}

void mlcd_json_amount_per(mlcd_buf *b, mlc_amount a, uint64_t n)
{
	mlc_amount q;
	if (mlcd_amount_div(&q, a, n))
		mlcd_buf_add(b, "null", 4);
	else
		mlcd_json_amount(b, q);
}

void mlcd_json_u64(mlcd_buf *b, uint64_t v)
{
	mlcd_buf_printf(b, "%llu", (unsigned long long)v);
}

void mlcd_json_double(mlcd_buf *b, double v)
{
	char t[40];
	if (!isfinite(v)) {
		mlcd_buf_add(b, "null", 4);
		return;
	}
	snprintf(t, sizeof(t), "%.15g", v);
	if (strtod(t, NULL) != v)
		snprintf(t, sizeof(t), "%.17g", v);
	mlcd_buf_puts(b, t);
}

void mlcd_json_bool(mlcd_buf *b, int v)
{
	mlcd_buf_puts(b, v ? "true" : "false");
}

void mlcd_prom_label(mlcd_buf *b, const char *s)
{
	mlcd_buf_add(b, "\"", 1);
	for (; s && *s; s++) {
		if (*s == '\\')
			mlcd_buf_add(b, "\\\\", 2);
		else if (*s == '"')
			mlcd_buf_add(b, "\\\"", 2);
		else if (*s == '\n')
			mlcd_buf_add(b, "\\n", 2);
		else
			mlcd_buf_add(b, s, 1);
	}
	mlcd_buf_add(b, "\"", 1);
}
