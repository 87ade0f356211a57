/* SPDX-License-Identifier: MIT */
/*
 * http_json.h - response bodies of `mlcost serve`: a growable buffer with
 * a maximum, and writers for JSON values (escaped strings, exact money as
 * decimal strings, integers, finite doubles) and Prometheus label values.
 *
 * Errors are sticky: once the buffer is over its maximum or out of memory,
 * every later write is a no-op and failed is set, so a handler writes its
 * whole body and checks once. What it is not: a JSON parser.
 */
#ifndef MLCD_HTTP_JSON_H
#define MLCD_HTTP_JSON_H

#include <mlcost.h>

#include <stddef.h>
#include <stdint.h>

typedef struct mlcd_buf {
	char *data; /* NUL-terminated when not failed */
	size_t len, cap, max;
	int failed;
} mlcd_buf;

void mlcd_buf_init(mlcd_buf *b, size_t max);
void mlcd_buf_free(mlcd_buf *b);
void mlcd_buf_reset(mlcd_buf *b); /* empty, keeps the memory and the maximum */

void mlcd_buf_add(mlcd_buf *b, const char *s, size_t n);
void mlcd_buf_puts(mlcd_buf *b, const char *s);
void mlcd_buf_printf(mlcd_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "text" with JSON escapes; NULL writes null. Invalid UTF-8 bytes become U+FFFD. */
void mlcd_json_str(mlcd_buf *b, const char *s);
/* The exact decimal of a as a JSON string ("12.5"); money is never a JSON number. */
void mlcd_json_amount(mlcd_buf *b, mlc_amount a);
/* a / n rounded half-even to 10^-12, as a JSON string; null when n is 0. */
void mlcd_json_amount_per(mlcd_buf *b, mlc_amount a, uint64_t n);
/* The exact decimal of a / n (half-even, 12 digits) into out; 0, or -1 when n is 0. */
int mlcd_amount_div(mlc_amount *out, mlc_amount a, uint64_t n);
/* a - b, exact (amounts are far from the 128-bit limits). */
mlc_amount mlcd_amount_sub(mlc_amount a, mlc_amount b);
void mlcd_json_u64(mlcd_buf *b, uint64_t v);
/* Shortest round-trip form; null for NaN or infinities. */
void mlcd_json_double(mlcd_buf *b, double v);
void mlcd_json_bool(mlcd_buf *b, int v);

/* A Prometheus label value, quoted: \, " and newline escaped. */
void mlcd_prom_label(mlcd_buf *b, const char *s);

#endif
