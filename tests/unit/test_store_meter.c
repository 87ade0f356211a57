/* SPDX-License-Identifier: MIT */
/*
 * test_store_meter.c - metered events in the store (schema version 2):
 * each id stored once, exact hourly totals, change numbers that let a
 * reader fetch only what changed, the replica's log position, recent ids,
 * validation, transactions, and the migration of a version 1 store. Runs
 * on SQLite, and on PostgreSQL when MLC_TEST_PG_URL is set.
 */
#include "test_store_helpers.h"

#define H0 T_SEP2024 /* an hour: 2024-09-01T00:00:00Z */

/* Drop the meter tables too (pg_reset drops the version 1 ones). */
static int setup_meter_pg(void **state)
{
	PGconn *c = PQconnectdb(getenv("MLC_TEST_PG_URL"));
	PGresult *res;
	PQsetNoticeProcessor(c, quiet_notice, NULL);
	res = PQexec(c, "DROP TABLE IF EXISTS meter_events, meter_hourly, meter_replicas");
	assert_int_equal(PQresultStatus(res), PGRES_COMMAND_OK);
	PQclear(res);
	PQfinish(c);
	return setup_pg(state);
}

static mlc_store_meter_event ev(const char *id, int64_t t, const char *model, const char *team,
                                const char *cost, uint64_t requests)
{
	mlc_store_meter_event e;
	memset(&e, 0, sizeof(e));
	e.id = id, e.time = t, e.received = t + 5, e.model = model, e.team = team;
	e.requests = requests, e.input_tokens = 10 * requests, e.output_tokens = requests;
	e.cost = amt(cost);
	return e;
}

/* meter_hourly rows as read back, by model/team/hour */
typedef struct hours {
	size_t n;
	char key[16][64];
	char cost[16][MLC_AMOUNT_FMT_MAX];
	uint64_t requests[16], events[16], in[16], out[16];
	int64_t change[16], max_change;
} hours;

static int keep_hour(const mlc_store_meter_hour *h, void *ctx)
{
	hours *hs = ctx;
	assert_true(hs->n < 16);
	snprintf(hs->key[hs->n], 64, "%s/%s/%s/%s/%lld", h->model ? h->model : "-",
	         h->version ? h->version : "-", h->team ? h->team : "-",
	         h->endpoint ? h->endpoint : "-", (long long)(h->hour - H0) / 3600);
	mlc_amount_format(hs->cost[hs->n], MLC_AMOUNT_FMT_MAX, h->cost, -1);
	hs->requests[hs->n] = h->requests, hs->events[hs->n] = h->events;
	hs->in[hs->n] = h->input_tokens, hs->out[hs->n] = h->output_tokens;
	hs->change[hs->n] = h->change;
	if (h->change > hs->max_change)
		hs->max_change = h->change;
	hs->n++;
	return 0;
}

/* The row of key, or fail. */
static size_t row_of(const hours *hs, const char *key)
{
	for (size_t i = 0; i < hs->n; i++)
		if (strcmp(hs->key[i], key) == 0)
			return i;
	fail_msg("no row %s", key);
	return 0;
}

static hours read_since(mlc_store *s, int64_t change)
{
	hours hs;
	memset(&hs, 0, sizeof(hs));
	if (mlc_store_meter_hourly_since(s, change, keep_hour, &hs) != 0)
		fail_msg("since: %s", mlc_error_message());
	return hs;
}

static void each_id_is_stored_once_with_exact_totals(void **state)
{
	fixture *f = *state;
	mlc_store_meter_event a[4] = {
	    ev("e1", H0 + 10, "m1", "t1", "0.000000000001", 1),
	    ev("e2", H0 + 3599, "m1", "t1", "1234567.123456789012", 2),
	    ev("e3", H0 + 3600, "m1", "t1", "0.5", 1), /* the next hour */
	    ev("e4", H0 + 20, "m2", NULL, "2", 3),
	};
	mlc_store_meter_event b[3] = {
	    ev("e2", H0 + 7, "m9", "t9", "999", 9), /* a stored id: ignored */
	    ev("e5", H0 + 30, "m2", "", "0.25", 1), /* "" is missing, as NULL */
	    ev("e5", H0 + 31, "m2", NULL, "7", 1),  /* twice in one put: once */
	};
	uint64_t ins = 0;
	hours hs;
	size_t r;
	assert_int_equal(mlc_store_meter_put(&ins, f->s, "r1", 4, a, 4), 0);
	assert_int_equal(ins, 4);
	hs = read_since(f->s, 0);
	assert_int_equal(hs.n, 3);
	/* m1/t1 hour 0: e1 + e2 = 0.000000000001 + 1234567.123456789012 */
	r = row_of(&hs, "m1/-/t1/-/0");
	assert_string_equal(hs.cost[r], "1234567.123456789013");
	assert_int_equal(hs.requests[r], 1 + 2);
	assert_int_equal(hs.events[r], 2);
	assert_int_equal(hs.in[r], 10 + 20);
	assert_int_equal(hs.out[r], 3);
	assert_string_equal(hs.cost[row_of(&hs, "m1/-/t1/-/1")], "0.5");
	assert_string_equal(hs.cost[row_of(&hs, "m2/-/-/-/0")], "2");
	int64_t first = hs.max_change;

	assert_int_equal(mlc_store_meter_put(&ins, f->s, "r1", 7, b, 3), 0);
	assert_int_equal(ins, 1);
	/* only the row that changed comes back, with a larger change number */
	hs = read_since(f->s, first);
	assert_int_equal(hs.n, 1);
	r = row_of(&hs, "m2/-/-/-/0");
	assert_true(hs.change[r] > first);
	/* 2 + 0.25 (the first e5 stored: 0.25 or 7, not both) */
	assert_true(strcmp(hs.cost[r], "2.25") == 0 || strcmp(hs.cost[r], "9") == 0);
	assert_int_equal(hs.events[r], 2);
	assert_int_equal(hs.requests[r], 3 + 1);
	hs = read_since(f->s, 0);
	assert_int_equal(hs.n, 3);
	assert_string_equal(hs.cost[row_of(&hs, "m1/-/t1/-/0")], "1234567.123456789013");
}

static void log_position_is_per_replica_and_only_grows(void **state)
{
	fixture *f = *state;
	mlc_store_meter_event a[1] = {ev("x1", H0, "m", "t", "1", 1)};
	uint64_t seq = 99;
	assert_int_equal(mlc_store_meter_log_seq(&seq, f->s, "r1"), 0);
	assert_int_equal(seq, 0);
	assert_int_equal(mlc_store_meter_put(NULL, f->s, "r1", 10, a, 1), 0);
	assert_int_equal(mlc_store_meter_put(NULL, f->s, "r1", 5, NULL, 0), 0);
	assert_int_equal(mlc_store_meter_log_seq(&seq, f->s, "r1"), 0);
	assert_int_equal(seq, 10);
	assert_int_equal(mlc_store_meter_put(NULL, f->s, "r2", 3, NULL, 0), 0);
	assert_int_equal(mlc_store_meter_log_seq(&seq, f->s, "r2"), 0);
	assert_int_equal(seq, 3);
	assert_int_equal(mlc_store_meter_log_seq(&seq, f->s, "r1"), 0);
	assert_int_equal(seq, 10);
}

typedef struct ids {
	size_t n;
	char id[8][16];
	int64_t received[8];
} ids;

static int keep_id(const char *id, int64_t received, void *ctx)
{
	ids *l = ctx;
	assert_true(l->n < 8);
	snprintf(l->id[l->n], 16, "%s", id);
	l->received[l->n++] = received;
	return 0;
}

static int stop_at_first(const mlc_store_meter_hour *h, void *ctx)
{
	(void)h;
	++*(int *)ctx;
	return 42;
}

static void recent_ids_and_hour_ranges(void **state)
{
	fixture *f = *state;
	/* received = time + 5 */
	mlc_store_meter_event a[3] = {ev("old", H0, "m", NULL, "1", 1),
	                              ev("mid", H0 + 3600, "m", NULL, "2", 1),
	                              ev("new", H0 + 7200, "m", NULL, "4", 1)};
	ids l;
	hours hs;
	int calls = 0;
	assert_int_equal(mlc_store_meter_put(NULL, f->s, "r", 1, a, 3), 0);
	memset(&l, 0, sizeof(l));
	assert_int_equal(mlc_store_meter_ids_since(f->s, H0 + 3605, 0, keep_id, &l), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.id[0], "new"); /* newest first */
	assert_int_equal(l.received[0], H0 + 7205);
	assert_string_equal(l.id[1], "mid");
	memset(&l, 0, sizeof(l));
	assert_int_equal(mlc_store_meter_ids_since(f->s, 0, 1, keep_id, &l), 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.id[0], "new");

	memset(&hs, 0, sizeof(hs));
	assert_int_equal(mlc_store_meter_hourly_range(f->s, H0 + 3600, H0 + 7200, keep_hour, &hs),
	                 0);
	assert_int_equal(hs.n, 1);
	assert_string_equal(hs.cost[0], "2");
	memset(&hs, 0, sizeof(hs));
	assert_int_equal(mlc_store_meter_hourly_range(f->s, H0 + 3600, 0, keep_hour, &hs), 0);
	assert_int_equal(hs.n, 2);
	/* a callback's non-zero return stops the read and is returned */
	assert_int_equal(mlc_store_meter_hourly_since(f->s, 0, stop_at_first, &calls), 42);
	assert_int_equal(calls, 1);
}

static void bad_events_store_nothing(void **state)
{
	fixture *f = *state;
	char longtext[MLC_STORE_METER_MAX_TEXT + 2];
	mlc_store_meter_event a[2] = {ev("ok", H0, "m", NULL, "1", 1),
	                              ev(NULL, H0, "m", NULL, "1", 1)};
	uint64_t ins = 7, seq = 0;
	hours hs;
	assert_int_equal(mlc_store_meter_put(&ins, f->s, "r", 1, a, 2), MLC_EINVAL);
	assert_int_equal(ins, 0);
	a[1].id = "";
	assert_int_equal(mlc_store_meter_put(&ins, f->s, "r", 1, a, 2), MLC_EINVAL);
	memset(longtext, 'x', sizeof(longtext) - 1);
	longtext[sizeof(longtext) - 1] = '\0';
	a[1] = ev("ok2", H0, longtext, NULL, "1", 1);
	assert_int_equal(mlc_store_meter_put(&ins, f->s, "r", 1, a, 2), MLC_EINVAL);
	a[1] = ev("ok2", -1, "m", NULL, "1", 1);
	assert_int_equal(mlc_store_meter_put(&ins, f->s, "r", 1, a, 2), MLC_EINVAL);
	a[1] = ev("ok2", H0, "m", NULL, "1", 1);
	a[1].requests = (uint64_t)INT64_MAX + 1;
	assert_int_equal(mlc_store_meter_put(&ins, f->s, "r", 1, a, 2), MLC_EINVAL);
	assert_int_equal(mlc_store_meter_put(&ins, f->s, NULL, 1, a, 1), MLC_EINVAL);
	hs = read_since(f->s, 0);
	assert_int_equal(hs.n, 0);
	assert_int_equal(mlc_store_meter_log_seq(&seq, f->s, "r"), 0);
	assert_int_equal(seq, 0);
}

static void a_rolled_back_put_leaves_nothing(void **state)
{
	fixture *f = *state;
	mlc_store_meter_event a[1] = {ev("t1", H0, "m", NULL, "1", 1)};
	uint64_t ins = 0, seq = 0;
	hours hs;
	assert_int_equal(mlc_store_begin(f->s), 0);
	assert_int_equal(mlc_store_meter_put(&ins, f->s, "r", 9, a, 1), 0);
	assert_int_equal(ins, 1);
	assert_int_equal(mlc_store_rollback(f->s), 0);
	hs = read_since(f->s, 0);
	assert_int_equal(hs.n, 0);
	assert_int_equal(mlc_store_meter_log_seq(&seq, f->s, "r"), 0);
	assert_int_equal(seq, 0);
	/* and the same put afterwards stores it */
	assert_int_equal(mlc_store_meter_put(&ins, f->s, "r", 9, a, 1), 0);
	assert_int_equal(ins, 1);
}

static void a_version_1_store_migrates(void **state)
{
	fixture *f = *state;
	mlc_store_options noauto = MLC_STORE_OPTIONS_INIT;
	mlc_store *s2 = NULL;
	mlc_store_meter_event a[1] = {ev("v", H0, "m", NULL, "3", 1)};
	int v = 0;
	noauto.auto_migrate = 0;
	/* back to what version 1 had */
	assert_int_equal(mlc_store__exec(f->s, "DROP TABLE meter_events; DROP TABLE meter_hourly;"
	                                       " DROP TABLE meter_replicas;"
	                                       " DELETE FROM schema_version WHERE version = 2"),
	                 0);
	assert_int_equal(mlc_store_schema_version(&v, f->s), 0);
	assert_int_equal(v, 1);
	assert_int_equal(mlc_store_open(&s2, f->url, &noauto), MLC_EINVAL);
	assert_non_null(strstr(mlc_error_message(), "older"));
	assert_int_equal(mlc_store_open(&s2, f->url, NULL), 0);
	assert_int_equal(mlc_store_schema_version(&v, s2), 0);
	assert_int_equal(v, 2);
	assert_int_equal(mlc_store_meter_put(NULL, s2, "r", 1, a, 1), 0);
	mlc_store_close(s2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(each_id_is_stored_once_with_exact_totals),
	    cmocka_unit_test(log_position_is_per_replica_and_only_grows),
	    cmocka_unit_test(recent_ids_and_hour_ranges),
	    cmocka_unit_test(bad_events_store_nothing),
	    cmocka_unit_test(a_rolled_back_put_leaves_nothing),
	    cmocka_unit_test(a_version_1_store_migrates),
	};
	enum { N = sizeof(tests) / sizeof(tests[0]) };
	struct CMUnitTest sq[N], pg[N];
	int failed;
	for (size_t i = 0; i < N; i++) {
		sq[i] = pg[i] = tests[i];
		sq[i].setup_func = setup_sqlite, pg[i].setup_func = setup_meter_pg;
		sq[i].teardown_func = pg[i].teardown_func = teardown;
	}
	failed = _cmocka_run_group_tests("store_meter/sqlite", sq, N, NULL, NULL);
	if (getenv("MLC_TEST_PG_URL") && *getenv("MLC_TEST_PG_URL"))
		failed += _cmocka_run_group_tests("store_meter/postgres", pg, N, NULL, NULL);
	else
		printf("store_meter/postgres: not run here (MLC_TEST_PG_URL unset); "
		       "tests/daemon/engine_pg.sh runs it\n");
	return failed;
}
