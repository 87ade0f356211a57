/* SPDX-License-Identifier: MIT */
/*
 * util/alloc.h - the library's allocation entry points. Every allocation in
 * libmlcost goes through these so that tests can fail the Nth one (see
 * mlc_set_allocator). Plain wrappers, no pooling.
 */
#ifndef MLCU_ALLOC_H
#define MLCU_ALLOC_H

#include <stddef.h>

void *mlcu_malloc(size_t size);
void *mlcu_calloc(size_t n, size_t size);
void *mlcu_realloc(void *ptr, size_t size);
/* realloc of n elements of size bytes, failing on overflow */
void *mlcu_reallocarray(void *ptr, size_t n, size_t size);
void mlcu_free(void *ptr);
char *mlcu_strdup(const char *s);
char *mlcu_strndup(const char *s, size_t n);

#endif
