/* SPDX-License-Identifier: MIT */
/*
 * util/sort.h - qsort that accepts an empty array: qsort(NULL, 0, ...) is
 * undefined behaviour (UBSan: "null pointer passed as argument 1"), and an
 * empty result is common (a query that matches nothing).
 */
#ifndef MLCU_SORT_H
#define MLCU_SORT_H

#include <stdlib.h>

static inline void mlcu_qsort(void *base, size_t n, size_t size,
			      int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

#endif
