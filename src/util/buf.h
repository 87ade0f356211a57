/* SPDX-License-Identifier: MIT */
/*
 * util/buf.h - a growable byte buffer with a hard maximum (curl's dynbuf
 * idea). Appends past the maximum fail with MLC_ETOOLARGE instead of
 * growing without bound; the content is always NUL-terminated.
 */
#ifndef MLCU_BUF_H
#define MLCU_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct mlcu_buf {
	char *ptr;
	size_t len;
	size_t cap;
	size_t max; /* largest len allowed */
} mlcu_buf;

void mlcu_buf_init(mlcu_buf *b, size_t max);
void mlcu_buf_free(mlcu_buf *b);
void mlcu_buf_reset(mlcu_buf *b);
int mlcu_buf_append(mlcu_buf *b, const void *data, size_t len);
int mlcu_buf_puts(mlcu_buf *b, const char *s);
int mlcu_buf_putc(mlcu_buf *b, char c);
int mlcu_buf_printf(mlcu_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int mlcu_buf_vprintf(mlcu_buf *b, const char *fmt, va_list ap);
/* Hand the content to the caller (free with mlcu_free); b is reset. */
char *mlcu_buf_detach(mlcu_buf *b);

#endif
