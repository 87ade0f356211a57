/* SPDX-License-Identifier: MIT */
/*
 * util/alloc.c - allocation through replaceable hooks (mlc_set_allocator).
 */
#include "util/alloc.h"
#include "mlcost/common.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static mlc_allocator current = {malloc, realloc, free};

void mlc_set_allocator(const mlc_allocator *allocator)
{
	if (allocator == NULL) {
		current.malloc_fn = malloc;
		current.realloc_fn = realloc;
		current.free_fn = free;
	} else {
		current = *allocator;
	}
}

void *mlcu_malloc(size_t size)
{
	return current.malloc_fn(size ? size : 1);
}

void *mlcu_calloc(size_t n, size_t size)
{
	void *p;
	if (size && n > SIZE_MAX / size)
		return NULL;
	p = mlcu_malloc(n * size);
	if (p)
		memset(p, 0, n * size > 0 ? n * size : 1);
	return p;
}

void *mlcu_realloc(void *ptr, size_t size)
{
	return current.realloc_fn(ptr, size ? size : 1);
}

void *mlcu_reallocarray(void *ptr, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	return mlcu_realloc(ptr, n * size);
}

void mlcu_free(void *ptr)
{
	if (ptr)
		current.free_fn(ptr);
}

char *mlcu_strndup(const char *s, size_t n)
{
	char *p = mlcu_malloc(n + 1);
	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

char *mlcu_strdup(const char *s)
{
	return s ? mlcu_strndup(s, strlen(s)) : NULL;
}
