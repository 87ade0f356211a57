/* SPDX-License-Identifier: MIT */
/*
 * test_ingest_helpers.h - what the ingest tests share, on top of the store
 * tests' fixture (a fresh SQLite file, or the PostgreSQL database named by
 * MLC_TEST_PG_URL): small bills written to the fixture's temporary
 * directory, an ingest with default options, and the comparison of an
 * attribution result read from the store with one computed from the
 * bills by the engine - group by group, amount by amount.
 */
#ifndef TEST_INGEST_HELPERS_H
#define TEST_INGEST_HELPERS_H

#include "test_store_helpers.h"

#include "mlcost/bills.h"
#include "mlcost/ledger.h"

#ifndef MLC_SHARED_DATA
#define MLC_SHARED_DATA MLC_SOURCE_DIR "/../shared/data"
#endif

/* The fixture's scratch directory (PostgreSQL fixtures get one too). */
static inline const char *scratch_dir(fixture *f)
{
	if (!f->dir[0]) {
		snprintf(f->dir, sizeof(f->dir), "/tmp/mlc_ingest_XXXXXX");
		assert_non_null(mkdtemp(f->dir));
	}
	return f->dir;
}

/* The store fixture's teardown, and the scratch directory of a PostgreSQL fixture. */
static inline int ingest_teardown(void **state)
{
	fixture *f = *state;
	char cmd[128];
	if (f->pg && f->dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
		assert_int_equal(system(cmd), 0);
	}
	return teardown(state);
}

/* Write text to DIR/name; the path goes to out (cap 512). */
static inline void write_bill(char *out, fixture *f, const char *name, const char *text)
{
	FILE *fp;
	snprintf(out, 512, "%s/%s", scratch_dir(f), name);
	assert_non_null(fp = fopen(out, "wb"));
	assert_int_equal(fwrite(text, 1, strlen(text), fp), strlen(text));
	assert_int_equal(fclose(fp), 0);
}

/* Ingest files with the default tag keys (or `tags`), failing the test on error. */
static inline mlc_ledger_report *ingest_ok(fixture *f, const char *const *files, size_t n,
                                           const char *const *tags, size_t ntags)
{
	mlc_ledger_options o = MLC_LEDGER_OPTIONS_INIT;
	mlc_ledger_report *r = NULL;
	o.tags = tags;
	o.ntags = ntags;
	o.threads = 2;
	if (mlc_ledger_ingest(&r, f->s, files, n, &o) != 0)
		fail_msg("ingest: %s", mlc_error_message());
	return r;
}

static inline void assert_same_text(const char *a, size_t al, const char *b, size_t bl)
{
	if (!a || !b) {
		if (a != b)
			fail_msg("'%s' != '%s'", a ? a : "(missing)", b ? b : "(missing)");
		return;
	}
	if (al != bl || memcmp(a, b, al) != 0)
		fail_msg("'%.*s' != '%.*s'", (int)al, a, (int)bl, b);
}

static inline void assert_same_amount(mlc_amount a, mlc_amount b)
{
	char x[MLC_AMOUNT_FMT_MAX], y[MLC_AMOUNT_FMT_MAX];
	mlc_amount_format(x, sizeof(x), a, -1);
	mlc_amount_format(y, sizeof(y), b, -1);
	assert_string_equal(x, y);
}

/*
 * The store's result equals the engine's: same dimensions, groups in the
 * same order with the same values, buckets, presence bits and amounts;
 * rows too unless rows_too is 0 (an engine pass that skipped rows).
 */
static inline void assert_same_result(const mlc_bills_result *st, const mlc_bills_result *en,
                                      int rows_too)
{
	assert_int_equal(st->nby, en->nby);
	assert_int_equal(st->nbases, en->nbases);
	assert_int_equal(st->bucket, en->bucket);
	if (st->ngroups != en->ngroups)
		fail_msg("store has %zu groups, the bills %zu", st->ngroups, en->ngroups);
	for (size_t g = 0; g < st->ngroups; g++) {
		const mlc_bills_group *a = &st->groups[g], *b = &en->groups[g];
		for (size_t d = 0; d < st->nby; d++)
			assert_same_text(a->values[d], a->lens[d], b->values[d], b->lens[d]);
		assert_int_equal(a->bucket, b->bucket);
		assert_int_equal(a->presence, b->presence);
		for (size_t i = 0; i < st->nbases; i++)
			assert_same_amount(a->cost[i], b->cost[i]);
		if (rows_too)
			assert_int_equal(a->rows, b->rows);
	}
	for (size_t i = 0; i < st->nbases; i++)
		assert_same_amount(st->total[i], en->total[i]);
	if (rows_too)
		assert_int_equal(st->rows_matched, en->rows_matched);
	if (st->currency || en->currency)
		assert_string_equal(st->currency ? st->currency : "-", en->currency ? en->currency : "-");
}

#endif
