/* SPDX-License-Identifier: MIT */
/* Allocation failure in the pricing module: an allocator that fails the
 * Nth allocation, for every N up to the count a full run needs. Each load
 * must either succeed or fail with MLC_ENOMEM, leave the catalog as it
 * was before that load, and leak nothing once the catalog is freed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "mlcost.h"

static long fail_at = -1; /* allocation number that fails, -1 never */
static long calls;        /* allocations attempted */
static long live;         /* blocks allocated and not freed */

static void *t_malloc(size_t n)
{
	void *p;
	if (calls++ == fail_at)
		return NULL;
	p = malloc(n);
	if (p)
		live++;
	return p;
}

static void *t_realloc(void *old, size_t n)
{
	void *p;
	if (calls++ == fail_at)
		return NULL;
	p = realloc(old, n);
	if (p && old == NULL)
		live++;
	return p;
}

static void t_free(void *p)
{
	if (p)
		live--;
	free(p);
}

static const mlc_allocator failing = {t_malloc, t_realloc, t_free};

static const char *const sources[] = {
	"builtin:seed",
	"builtin:gpu-2026-02",
	MLC_TEST_DATA "/pricing/catalog_good.csv",
	MLC_TEST_DATA "/pricing/skypilot_excerpt.csv",
	MLC_TEST_DATA "/pricing/litellm_excerpt.json",
};
#define NSOURCES (sizeof(sources) / sizeof(sources[0]))

/* Load every source; returns how many loaded. A failed load must change nothing. */
static size_t load_all(mlc_catalog *cat)
{
	size_t i;
	for (i = 0; i < NSOURCES; i++) {
		size_t before = mlc_catalog_count(cat), nsrc = mlc_catalog_source_count(cat);
		int rc = mlc_catalog_load(cat, sources[i]);
		if (rc) {
			assert_int_equal(rc, MLC_ENOMEM);
			assert_int_equal(mlc_catalog_count(cat), before);
			assert_int_equal(mlc_catalog_source_count(cat), nsrc);
			return i;
		}
	}
	return i;
}

static long run_once(long n, size_t *loaded)
{
	mlc_catalog *cat = NULL;
	mlc_token_price tp;
	double p;
	long used;
	fail_at = n;
	calls = 0;
	live = 0;
	mlc_set_allocator(&failing);
	*loaded = 0;
	if (mlc_catalog_new(&cat) == 0) {
		*loaded = load_all(cat);
		if (*loaded == NSOURCES) {
			/* lookups allocate nothing and work on the complete catalog */
			assert_int_equal(mlc_catalog_hourly_price(&p, cat, "l40s",
								  MLC_PRICING_ON_DEMAND),
					 0);
			assert_int_equal(mlc_catalog_token_price(&tp, cat, "gpt-4o-mini"), 0);
		}
		mlc_catalog_free(cat);
	} else {
		assert_null(cat);
	}
	used = calls;
	mlc_set_allocator(NULL);
	assert_int_equal(live, 0);
	return used;
}

static void loads_fail_cleanly_at_every_allocation(void **state)
{
	size_t loaded;
	long total, n;
	(void)state;
	total = run_once(-1, &loaded);
	assert_int_equal(loaded, NSOURCES);
	assert_true(total > 10);
	for (n = 0; n < total; n++) {
		run_once(n, &loaded);
		assert_true(loaded < NSOURCES);
	}
}

static long validate_once(long n, const char *src, int *rc, size_t *nf)
{
	mlc_catalog_findings *f = NULL;
	long used;
	fail_at = n;
	calls = 0;
	live = 0;
	mlc_set_allocator(&failing);
	*rc = mlc_catalog_validate(&f, src);
	*nf = mlc_catalog_findings_count(f);
	mlc_catalog_findings_free(f);
	used = calls;
	mlc_set_allocator(NULL);
	assert_int_equal(live, 0);
	return used;
}

static void validate_fails_cleanly_at_every_allocation(void **state)
{
	const char *src = MLC_TEST_DATA "/pricing/catalog_bad.csv";
	size_t nf;
	long total, n;
	int rc;
	(void)state;
	total = validate_once(-1, src, &rc, &nf);
	assert_int_equal(rc, 0);
	assert_int_equal(nf, 7);
	for (n = 0; n < total; n++) {
		validate_once(n, src, &rc, &nf);
		assert_int_equal(rc, MLC_ENOMEM);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(loads_fail_cleanly_at_every_allocation),
		cmocka_unit_test(validate_fails_cleanly_at_every_allocation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
