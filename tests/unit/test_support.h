/* SPDX-License-Identifier: MIT */
/*
 * test_support.h - helpers shared by the unit tests: an allocator that
 * fails the Nth allocation and counts live blocks (to prove every failure
 * path frees what it took), and exact-money assertions. Include after
 * <cmocka.h>. Header-only: each test executable gets its own copy.
 */
#ifndef MLC_TEST_SUPPORT_H
#define MLC_TEST_SUPPORT_H

#include <stdlib.h>

#include "mlcost/common.h"

/* The allocation numbered test_fail_at (0-based) fails; -1 never. */
static long test_fail_at = -1;
static long test_alloc_calls; /* allocations attempted since the last reset */
static long test_alloc_live;  /* blocks allocated and not yet freed */

static inline void *test_failing_malloc(size_t n)
{
	void *p;
	if (test_alloc_calls++ == test_fail_at)
		return NULL;
	if ((p = malloc(n)) != NULL)
		test_alloc_live++;
	return p;
}

static inline void *test_failing_realloc(void *old, size_t n)
{
	void *p;
	if (test_alloc_calls++ == test_fail_at)
		return NULL;
	p = realloc(old, n);
	if (p && !old)
		test_alloc_live++;
	return p;
}

static inline void test_counting_free(void *p)
{
	if (p)
		test_alloc_live--;
	free(p);
}

/* Install the failing allocator with allocation n failing; counters reset. */
static inline void test_fail_allocation(long n)
{
	static const mlc_allocator failing = {test_failing_malloc, test_failing_realloc,
					      test_counting_free};
	test_fail_at = n;
	test_alloc_calls = 0;
	test_alloc_live = 0;
	mlc_set_allocator(&failing);
}

/* Restore libc; returns how many allocations were attempted. */
static inline long test_restore_allocator(void)
{
	mlc_set_allocator(NULL);
	return test_alloc_calls;
}

#ifdef MLCU_MONEY_H
#include <stdio.h>
/* Equal exact amounts, printed as decimals when not. */
static inline void test_assert_money_eq(mlcu_money got, mlcu_money want, const char *file,
					int line)
{
	char a[MLCU_MONEY_FMT_MAX], b[MLCU_MONEY_FMT_MAX];
	if (got != want) {
		mlcu_money_format(a, sizeof(a), got);
		mlcu_money_format(b, sizeof(b), want);
		_fail(file, line);
		fprintf(stderr, "got %s, want %s\n", a, b);
	}
}
#define assert_money_eq(got, want) test_assert_money_eq((got), (want), __FILE__, __LINE__)
#endif

#endif
