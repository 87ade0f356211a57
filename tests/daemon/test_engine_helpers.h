/* SPDX-License-Identifier: MIT */
/*
 * test_engine_helpers.h - what the engine tests share: a fresh log
 * directory and store per test (an SQLite file in a temporary directory,
 * or the PostgreSQL database named by MLC_TEST_PG_URL, emptied first),
 * events made from a few fields, and exact spend assertions. Header-only:
 * each test executable gets its own copy.
 */
#ifndef TEST_ENGINE_HELPERS_H
#define TEST_ENGINE_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"

#define H0  1725148800 /* 2024-09-01T00:00:00Z */
#define DAY 86400

typedef struct fx {
	char dir[64];
	char store[512];
	char wal[2][128];
	mlcd_engine *e;
} fx;

static inline const char *pg_url(void)
{
	const char *u = getenv("MLC_TEST_PG_URL");
	return u && *u ? u : NULL;
}

static inline void quiet(void *arg, const char *m)
{
	(void)arg, (void)m;
}

static inline void pg_reset(const char *url)
{
	PGconn *c = PQconnectdb(url);
	PGresult *res;
	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("%s: %s", url, PQerrorMessage(c));
	PQsetNoticeProcessor(c, quiet, NULL);
	res = PQexec(c, "DROP TABLE IF EXISTS meter_events, meter_hourly, meter_replicas, costs,"
	                " slices, ingest_files, ingests, schema_version CASCADE");
	assert_int_equal(PQresultStatus(res), PGRES_COMMAND_OK);
	PQclear(res);
	PQfinish(c);
}

static inline int setup_with(void **state, int pg)
{
	fx *f = calloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/mlc_engine_XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->wal[0], sizeof(f->wal[0]), "%s/wal", f->dir);
	snprintf(f->wal[1], sizeof(f->wal[1]), "%s/wal2", f->dir);
	if (pg) {
		snprintf(f->store, sizeof(f->store), "%s", pg_url());
		pg_reset(f->store);
	} else {
		snprintf(f->store, sizeof(f->store), "%s/store.db", f->dir);
	}
	*state = f;
	return 0;
}

static inline int setup_sqlite(void **state)
{
	return setup_with(state, 0);
}

static inline int setup_pg(void **state)
{
	return setup_with(state, 1);
}

static inline int teardown(void **state)
{
	fx *f = *state;
	char cmd[128];
	mlcd_engine_close(f->e);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static inline mlcd_engine_config config(const fx *f, int which)
{
	mlcd_engine_config c;
	memset(&c, 0, sizeof(c));
	c.wal_dir = f->wal[which];
	c.store_url = f->store;
	c.fsync = 1;
	c.compact_interval_ms = 600000; /* the tests compact when they mean to */
	c.refresh_interval_ms = 600000;
	c.memory_days = 36500; /* the tests' events are from 2024 */
	return c;
}

static inline mlcd_engine *open_engine(const fx *f, int which)
{
	mlcd_engine_config c = config(f, which);
	mlcd_engine *e = NULL;
	if (mlcd_engine_open(&e, &c) != 0)
		fail_msg("open: %s", mlcd_engine_error());
	return e;
}

static inline mlc_amount amt(const char *text)
{
	mlc_amount a;
	assert_int_equal(mlc_amount_parse(&a, text, strlen(text)), 0);
	return a;
}

static inline mlcd_event mk(const char *id, int64_t t, const char *model, const char *team,
                            const char *cost, uint64_t requests)
{
	mlcd_event e;
	memset(&e, 0, sizeof(e));
	e.ev.id = id, e.ev.time = t, e.ev.has_time = 1;
	e.ev.model = model, e.ev.team = team, e.ev.requests = requests;
	e.ev.input_tokens = 100 * requests, e.ev.output_tokens = 10 * requests;
	e.cost = amt(cost);
	e.received = (int64_t)time(NULL);
	return e;
}

static inline void append_ok(mlcd_engine *e, const mlcd_event *evs, size_t n, const char *want)
{
	unsigned char st[64];
	assert_true(n <= 64);
	if (mlcd_engine_append(e, evs, n, st) != 0)
		fail_msg("append: %s", mlcd_engine_error());
	for (size_t i = 0; i < n; i++)
		if (st[i] != (want[i] == 'a' ? MLCD_ACCEPTED : MLCD_DUPLICATE))
			fail_msg("event %zu: status %d, want %c", i, st[i], want[i]);
}

#define assert_spend(e, dim, value, from, to, want)                                                \
	check_spend(e, dim, value, from, to, want, __LINE__)

static inline void check_spend(mlcd_engine *e, mlcd_dim dim, const char *value, int64_t from,
                               int64_t to, const char *want, int line)
{
	mlc_amount a;
	char got[MLC_AMOUNT_FMT_MAX];
	assert_int_equal(mlcd_engine_spend(&a, e, dim, value, from, to), 0);
	mlc_amount_format(got, sizeof(got), a, -1);
	if (strcmp(got, want) != 0)
		fail_msg("line %d: spend %s, want %s", line, got, want);
}

static inline void amount_is(mlc_amount a, const char *want)
{
	char got[MLC_AMOUNT_FMT_MAX];
	mlc_amount_format(got, sizeof(got), a, -1);
	assert_string_equal(got, want);
}

/* Run tests on SQLite, then on PostgreSQL when MLC_TEST_PG_URL is set. */
static inline int run_both(const char *name, const struct CMUnitTest *tests, size_t n)
{
	struct CMUnitTest sq[32], pg[32];
	char sqname[64], pgname[64];
	int failed;
	assert_true(n <= 32);
	for (size_t i = 0; i < n; i++) {
		sq[i] = pg[i] = tests[i];
		sq[i].setup_func = setup_sqlite, pg[i].setup_func = setup_pg;
		sq[i].teardown_func = pg[i].teardown_func = teardown;
	}
	snprintf(sqname, sizeof(sqname), "%s/sqlite", name);
	snprintf(pgname, sizeof(pgname), "%s/postgres", name);
	failed = _cmocka_run_group_tests(sqname, sq, n, NULL, NULL);
	if (pg_url())
		failed += _cmocka_run_group_tests(pgname, pg, n, NULL, NULL);
	else
		printf(
		    "%s: not run here (MLC_TEST_PG_URL unset); tests/daemon/engine_pg.sh runs it\n",
		    pgname);
	return failed;
}

#endif
