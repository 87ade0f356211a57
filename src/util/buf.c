/* SPDX-License-Identifier: MIT */
/*
 * util/buf.c - bounded growable buffer.
 */
#include "util/buf.h"
#include "mlcost/common.h"
#include "util/alloc.h"
#include "util/error.h"

#include <stdio.h>
#include <string.h>

void mlcu_buf_init(mlcu_buf *b, size_t max)
{
	b->ptr = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void mlcu_buf_free(mlcu_buf *b)
{
	mlcu_free(b->ptr);
	mlcu_buf_init(b, b->max);
}

void mlcu_buf_reset(mlcu_buf *b)
{
	b->len = 0;
	if (b->ptr)
		b->ptr[0] = '\0';
}

static int reserve(mlcu_buf *b, size_t extra)
{
	size_t need, cap;
	char *p;
	if (extra > b->max || b->len > b->max - extra)
		return mlcu_error_set(MLC_ETOOLARGE, "buffer limit of %zu bytes exceeded", b->max);
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > ((size_t)-1) / 2 ? need : cap * 2;
	p = mlcu_realloc(b->ptr, cap);
	if (!p)
		return mlcu_error_oom();
	b->ptr = p;
	b->cap = cap;
	return 0;
}

int mlcu_buf_append(mlcu_buf *b, const void *data, size_t len)
{
	int rc = reserve(b, len);
	if (rc)
		return rc;
	if (len)
		memcpy(b->ptr + b->len, data, len);
	b->len += len;
	b->ptr[b->len] = '\0';
	return 0;
}

int mlcu_buf_puts(mlcu_buf *b, const char *s)
{
	return mlcu_buf_append(b, s, strlen(s));
}

int mlcu_buf_putc(mlcu_buf *b, char c)
{
	return mlcu_buf_append(b, &c, 1);
}

int mlcu_buf_vprintf(mlcu_buf *b, const char *fmt, va_list ap)
{
	va_list copy;
	int n, rc;
	va_copy(copy, ap);
	n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0)
		return mlcu_error_set(MLC_ERROR, "formatting failed");
	rc = reserve(b, (size_t)n);
	if (rc)
		return rc;
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int mlcu_buf_printf(mlcu_buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;
	va_start(ap, fmt);
	rc = mlcu_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

char *mlcu_buf_detach(mlcu_buf *b)
{
	char *p = b->ptr;
	if (!p)
		p = mlcu_strdup("");
	mlcu_buf_init(b, b->max);
	return p;
}
