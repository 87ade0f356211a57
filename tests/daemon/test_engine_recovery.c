/* SPDX-License-Identifier: MIT */
/*
 * test_engine_recovery.c - the metering engine across failures: a crash
 * before or after compaction (the log not trimmed) neither loses nor
 * double-counts; two servers on one store converge on one count of an id
 * both received; a lost store connection is opened again; concurrent
 * appenders are all counted while compaction runs. Runs on SQLite, and on
 * PostgreSQL when MLC_TEST_PG_URL is set.
 *
 * A crash is a child process that opens an engine, appends and _exit()s
 * without closing: what it leaves is what kill -9 would.
 */
#include "test_engine_helpers.h"

/* ---- crashes --------------------------------------------------------------------------- */

/* In a child: open, append c (and compact first when asked), then more, die. */
static void crash_child(const fx *f, const mlcd_event *c, size_t n, int compact,
                        const mlcd_event *more, size_t nmore)
{
	pid_t pid = fork();
	int status = 0;
	assert_true(pid >= 0);
	if (pid == 0) {
		mlcd_engine_config cfg = config(f, 0);
		mlcd_engine *e = NULL;
		unsigned char st[16];
		if (mlcd_engine_open(&e, &cfg) != 0 || mlcd_engine_append(e, c, n, st) != 0 ||
		    (compact && mlcd_engine_compact(e) != 0) ||
		    (nmore && mlcd_engine_append(e, more, nmore, st) != 0))
			_exit(1);
		_exit(0); /* no close: threads, buffers and the store as a kill -9 leaves them */
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void a_crash_before_compaction_loses_nothing(void **state)
{
	fx *f = *state;
	mlcd_event c[2] = {mk("k1", H0, "m", "t", "1.5", 1),
	                   mk("k2", H0 + 60, "m", "t", "2.25", 1)};
	mlcd_engine_stats st;
	crash_child(f, c, 2, 0, NULL, 0);
	f->e = open_engine(f, 0);
	mlcd_engine_get_stats(&st, f->e);
	assert_int_equal(st.wal_recovered_events, 2);
	assert_spend(f->e, MLCD_DIM_MODEL, "m", 0, 0, "3.75"); /* 1.5 + 2.25 */
	append_ok(f->e, c, 1, "d");
	assert_int_equal(mlcd_engine_compact(f->e), 0);
	assert_spend(f->e, MLCD_DIM_MODEL, "m", 0, 0, "3.75");
	mlcd_engine_close(f->e);
	f->e = open_engine(f, 0);
	mlcd_engine_get_stats(&st, f->e);
	assert_int_equal(st.wal_recovered_events, 0);
	assert_spend(f->e, MLCD_DIM_MODEL, "m", 0, 0, "3.75");
}

static void a_crash_after_compaction_counts_nothing_twice(void **state)
{
	fx *f = *state;
	mlcd_event c[2] = {mk("k1", H0, "m", "t", "1.5", 1),
	                   mk("k2", H0 + 60, "m", "t", "2.25", 1)};
	mlcd_event more[1] = {mk("k3", H0 + 120, "m", "t", "4", 1)};
	mlcd_engine_stats st;
	/* k1, k2 stored (still in the log: its only segment is never trimmed); k3 only logged */
	crash_child(f, c, 2, 1, more, 1);
	f->e = open_engine(f, 0);
	mlcd_engine_get_stats(&st, f->e);
	assert_int_equal(st.wal_recovered_events, 1);
	assert_spend(f->e, MLCD_DIM_MODEL, "m", 0, 0, "7.75"); /* 1.5 + 2.25 + 4 */
	assert_int_equal(mlcd_engine_compact(f->e), 0);
	mlcd_engine_get_stats(&st, f->e);
	assert_int_equal(st.compacted_events, 1);
	assert_spend(f->e, MLCD_DIM_MODEL, "m", 0, 0, "7.75");
}

/* ---- two servers, concurrency ---------------------------------------------------------- */

static void two_servers_share_one_store(void **state)
{
	fx *f = *state;
	mlcd_event x[1] = {mk("x", H0, "m", "t", "3", 1)};
	mlcd_event y[1] = {mk("y", H0 + 10, "m", "t", "0.5", 1)};
	mlcd_engine *b;
	mlcd_engine_stats st;
	f->e = open_engine(f, 0);
	b = open_engine(f, 1);
	assert_string_not_equal(mlcd_engine_replica(f->e), mlcd_engine_replica(b));
	/* the same id reaches both before either stored it: both count it for now */
	append_ok(f->e, x, 1, "a");
	append_ok(b, x, 1, "a");
	append_ok(b, y, 1, "a");
	assert_spend(f->e, MLCD_DIM_MODEL, "m", 0, 0, "3");
	assert_int_equal(mlcd_engine_compact(f->e), 0);
	/* b sees a's 3 from the store plus its own pending 3 + 0.5, until it compacts */
	assert_int_equal(mlcd_engine_refresh(b), 0);
	assert_spend(b, MLCD_DIM_MODEL, "m", 0, 0, "6.5");
	assert_int_equal(mlcd_engine_compact(b), 0);
	mlcd_engine_get_stats(&st, b);
	assert_int_equal(st.compacted_events, 1); /* y; the store already had x */
	assert_spend(b, MLCD_DIM_MODEL, "m", 0, 0, "3.5");
	/* a reads what b stored */
	assert_spend(f->e, MLCD_DIM_MODEL, "m", 0, 0, "3");
	assert_int_equal(mlcd_engine_refresh(f->e), 0);
	assert_spend(f->e, MLCD_DIM_MODEL, "m", 0, 0, "3.5");
	assert_spend(f->e, MLCD_DIM_TEAM, "t", H0, H0 + 3600, "3.5");
	/* an id the store has is a duplicate for a server started later */
	mlcd_engine_close(b);
	b = open_engine(f, 1);
	append_ok(b, y, 1, "d");
	mlcd_engine_close(b);
}

static void pg_kill_others(const char *url)
{
	PGconn *c = PQconnectdb(url);
	PGresult *res =
	    PQexec(c, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
	              " WHERE datname = current_database() AND pid <> pg_backend_pid()");
	assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
	assert_true(PQntuples(res) >= 1);
	PQclear(res);
	PQfinish(c);
}

static void a_lost_store_connection_is_opened_again(void **state)
{
	fx *f = *state;
	mlcd_event ev[1] = {mk("r1", H0, "m", NULL, "1.25", 1)};
	mlcd_engine_stats st;
	if (!strstr(f->store, "://"))
		skip(); /* SQLite has no connection to lose */
	f->e = open_engine(f, 0);
	append_ok(f->e, ev, 1, "a");
	pg_kill_others(f->store);
	assert_int_not_equal(mlcd_engine_compact(f->e), 0);
	assert_spend(f->e, MLCD_DIM_MODEL, "m", 0, 0, "1.25"); /* still pending, still counted */
	assert_int_equal(mlcd_engine_compact(f->e), 0);
	assert_spend(f->e, MLCD_DIM_MODEL, "m", 0, 0, "1.25");
	mlcd_engine_get_stats(&st, f->e);
	assert_int_equal(st.compacted_events, 1);
	assert_int_equal(st.compaction_errors, 1);
	assert_int_equal(st.wal_pending_events, 0);
}

typedef struct app_arg {
	mlcd_engine *e;
	int thread;
} app_arg;

enum { THREADS = 4, CALLS = 25, PER_CALL = 40 };

static void *appender(void *varg)
{
	app_arg *a = varg;
	static char ids[THREADS][CALLS * PER_CALL][24];
	mlcd_event ev[PER_CALL];
	unsigned char st[PER_CALL];
	for (int c = 0; c < CALLS; c++) {
		for (int i = 0; i < PER_CALL; i++) {
			char *id = ids[a->thread][c * PER_CALL + i];
			snprintf(id, 24, "t%d-%d-%d", a->thread, c, i);
			memset(&ev[i], 0, sizeof(ev[i]));
			ev[i].ev.id = id, ev[i].ev.time = H0 + i, ev[i].ev.has_time = 1;
			ev[i].ev.model = "m", ev[i].ev.requests = 1;
			ev[i].cost.lo = 1000000000; /* 0.001 in 10^-12 units */
			ev[i].received = (int64_t)time(NULL);
		}
		if (mlcd_engine_append(a->e, ev, PER_CALL, st) != 0)
			return (void *)1;
		for (int i = 0; i < PER_CALL; i++)
			if (st[i] != MLCD_ACCEPTED)
				return (void *)2;
	}
	return NULL;
}

static void concurrent_appends_are_all_counted(void **state)
{
	fx *f = *state;
	pthread_t t[THREADS];
	app_arg a[THREADS];
	mlcd_engine_config c = config(f, 0);
	mlcd_engine_stats st;
	c.compact_interval_ms = 20; /* compaction runs while they append */
	assert_int_equal(mlcd_engine_open(&f->e, &c), 0);
	for (int i = 0; i < THREADS; i++) {
		a[i] = (app_arg){f->e, i};
		assert_int_equal(pthread_create(&t[i], NULL, appender, &a[i]), 0);
	}
	for (int i = 0; i < THREADS; i++) {
		void *r;
		pthread_join(t[i], &r);
		assert_null(r);
	}
	/* 4 x 25 x 40 events of 0.001 */
	assert_spend(f->e, MLCD_DIM_MODEL, "m", 0, 0, "4");
	mlcd_engine_get_stats(&st, f->e);
	assert_int_equal(st.events_accepted, THREADS * CALLS * PER_CALL);
	mlcd_engine_close(f->e);
	f->e = open_engine(f, 0);
	assert_spend(f->e, MLCD_DIM_MODEL, "m", 0, 0, "4");
	mlcd_engine_get_stats(&st, f->e);
	assert_int_equal(st.wal_recovered_events, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(a_crash_before_compaction_loses_nothing),
	    cmocka_unit_test(a_crash_after_compaction_counts_nothing_twice),
	    cmocka_unit_test(two_servers_share_one_store),
	    cmocka_unit_test(a_lost_store_connection_is_opened_again),
	    cmocka_unit_test(concurrent_appends_are_all_counted),
	};
	return run_both("engine_recovery", tests, sizeof(tests) / sizeof(tests[0]));
}
