/* SPDX-License-Identifier: MIT */
/*
 * test_engine.c - the metering engine's totals: exact sums counting each
 * id once (in a call, across calls, across a restart), refused input,
 * cost queries (grouping, buckets, filters), spend and its speed, and the
 * memory horizon. Runs on SQLite, and on PostgreSQL when MLC_TEST_PG_URL
 * is set. Crashes, replicas and concurrency: test_engine_recovery.c.
 */
#include "test_engine_helpers.h"

#include "event_index.h"

/* ---- totals and ids -------------------------------------------------------------------- */

static void spends_of_the_first_test(mlcd_engine *e)
{
	/* m1 on the first day: 0.1 + 0.2; all days: + 5 */
	assert_spend(e, MLCD_DIM_MODEL, "m1", H0, H0 + DAY, "0.3");
	assert_spend(e, MLCD_DIM_MODEL, "m1", 0, 0, "5.3");
	/* t1: 0.1 + 1234.000000000001 */
	assert_spend(e, MLCD_DIM_TEAM, "t1", H0, 0, "1234.100000000001");
	/* the second hour only holds a3 */
	assert_spend(e, MLCD_DIM_MODEL, NULL, H0 + 3600, H0 + 7200, "1234.000000000001");
	/* everything: 0.3 + 1234.000000000001 + 5 */
	assert_spend(e, MLCD_DIM_TEAM, NULL, 0, 0, "1239.300000000001");
	assert_spend(e, MLCD_DIM_MODEL, "nope", 0, 0, "0");
}

static void totals_are_exact_and_ids_count_once(void **state)
{
	fx *f = *state;
	mlcd_event c1[4] = {
	    mk("a1", H0 + 10, "m1", "t1", "0.1", 1),
	    mk("a2", H0 + 20, "m1", "t2", "0.2", 2),
	    mk("a1", H0 + 30, "m9", "t9", "100", 1), /* the same id again: not counted */
	    mk("a3", H0 + 3605, "m2", "t1", "1234.000000000001", 1),
	};
	mlcd_event c2[2] = {mk("a2", H0, "m1", "t2", "0.2", 2),
	                    mk("a4", H0 + DAY, "m1", NULL, "5", 1)};
	mlcd_engine_stats st;
	f->e = open_engine(f, 0);
	append_ok(f->e, c1, 4, "aada");
	append_ok(f->e, c2, 2, "da");
	spends_of_the_first_test(f->e);
	mlcd_engine_get_stats(&st, f->e);
	assert_int_equal(st.events_accepted, 4);
	assert_int_equal(st.events_duplicate, 2);
	assert_int_equal(st.wal_pending_events, 4);
	/* into the store: the same totals, nothing pending */
	assert_int_equal(mlcd_engine_compact(f->e), 0);
	spends_of_the_first_test(f->e);
	mlcd_engine_get_stats(&st, f->e);
	assert_int_equal(st.compacted_events, 4);
	assert_int_equal(st.wal_pending_events, 0);
	assert_true(st.compactions >= 1);
	/* a restart: totals from the store, ids from the store */
	mlcd_engine_close(f->e);
	f->e = open_engine(f, 0);
	spends_of_the_first_test(f->e);
	append_ok(f->e, c1, 1, "d");
	mlcd_engine_get_stats(&st, f->e);
	assert_int_equal(st.wal_recovered_events, 0);
}

static void texts_are_checked_and_time_defaults(void **state)
{
	fx *f = *state;
	char longtext[MLC_EVENT_MAX_TEXT + 2];
	mlcd_event ev[2] = {mk("ok", H0, "m", NULL, "1", 1), mk(NULL, H0, "m", NULL, "1", 1)};
	unsigned char st[2];
	f->e = open_engine(f, 0);
	assert_int_equal(mlcd_engine_append(f->e, ev, 2, st), MLC_EINVAL);
	ev[1].ev.id = "";
	assert_int_equal(mlcd_engine_append(f->e, ev, 2, st), MLC_EINVAL);
	memset(longtext, 'x', sizeof(longtext) - 1);
	longtext[sizeof(longtext) - 1] = '\0';
	ev[1] = mk("long", H0, longtext, NULL, "1", 1);
	assert_int_equal(mlcd_engine_append(f->e, ev, 2, st), MLC_EINVAL);
	assert_non_null(strstr(mlcd_engine_error(), "model"));
	ev[1] = mk("neg", -3600, "m", NULL, "1", 1);
	assert_int_equal(mlcd_engine_append(f->e, ev, 2, st), MLC_EINVAL);
	assert_spend(f->e, MLCD_DIM_MODEL, NULL, 0, 0, "0"); /* nothing of them counted */
	/* "ok" was not remembered either; no time: the time received (H0 + 7200 + 1) */
	ev[1] = mk("late", 0, "m", "", "2", 1);
	ev[1].ev.has_time = 0;
	ev[1].received = H0 + 7201;
	append_ok(f->e, ev, 2, "aa");
	assert_spend(f->e, MLCD_DIM_MODEL, "m", H0 + 7200, H0 + 10800, "2");
	assert_spend(f->e, MLCD_DIM_MODEL, "m", H0, H0 + 3600, "1");
	/* an empty value asks for everything, as NULL does: 1 + 2 */
	assert_spend(f->e, MLCD_DIM_TEAM, "", 0, 0, "3");
}

/* ---- queries --------------------------------------------------------------------------- */

static void costs_group_bucket_and_filter(void **state)
{
	fx *f = *state;
	mlcd_event ev[4] = {
	    mk("b1", H0 + 100, "m1", "t1", "1", 1),
	    mk("b2", H0 + 3700, "m1", "t2", "2", 2),
	    mk("b3", H0 + DAY + 10, "m2", "t1", "4", 1),
	    mk("b4", H0 + DAY + 3600, "m1", NULL, "8", 3),
	};
	const char *t1[1] = {"t1"}, *missing[1] = {NULL}, *unknown[1] = {"zz"};
	mlcd_cost_query q;
	mlcd_cost_rows *r = NULL;
	ev[0].ev.endpoint = ev[1].ev.endpoint = "e1";
	ev[3].ev.endpoint = "e2";
	f->e = open_engine(f, 0);
	append_ok(f->e, ev, 4, "aaaa");
	for (int pass = 0; pass < 2; pass++) { /* pending, then from the store */
		memset(&q, 0, sizeof(q));
		q.by[MLCD_DIM_MODEL] = 1, q.bucket = MLCD_BUCKET_DAY;
		assert_int_equal(mlcd_engine_costs(&r, f->e, &q), 0);
		assert_int_equal(r->n, 3);
		/* day 1, m1: b1 + b2 = 3, requests 1 + 2 */
		assert_int_equal(r->rows[0].bucket, H0);
		assert_string_equal(r->rows[0].key[MLCD_DIM_MODEL], "m1");
		assert_null(r->rows[0].key[MLCD_DIM_TEAM]);
		amount_is(r->rows[0].cost, "3");
		assert_int_equal(r->rows[0].requests, 3);
		assert_int_equal(r->rows[0].events, 2);
		assert_int_equal(r->rows[0].input_tokens, 300);
		assert_int_equal(r->rows[1].bucket, H0 + DAY);
		assert_string_equal(r->rows[1].key[MLCD_DIM_MODEL], "m1");
		amount_is(r->rows[1].cost, "8");
		assert_string_equal(r->rows[2].key[MLCD_DIM_MODEL], "m2");
		amount_is(r->rows[2].cost, "4");
		/* 1 + 2 + 4 + 8; requests 1 + 2 + 1 + 3; tokens 10 and 100 per request */
		amount_is(r->total.cost, "15");
		assert_int_equal(r->total.requests, 7);
		assert_int_equal(r->total.events, 4);
		assert_int_equal(r->total.input_tokens, 700);
		assert_int_equal(r->total.output_tokens, 70);
		mlcd_cost_rows_free(r);

		/* by team, no bucket: the missing team first */
		memset(&q, 0, sizeof(q));
		q.by[MLCD_DIM_TEAM] = 1;
		assert_int_equal(mlcd_engine_costs(&r, f->e, &q), 0);
		assert_int_equal(r->n, 3);
		assert_null(r->rows[0].key[MLCD_DIM_TEAM]);
		amount_is(r->rows[0].cost, "8");
		assert_string_equal(r->rows[1].key[MLCD_DIM_TEAM], "t1");
		amount_is(r->rows[1].cost, "5"); /* 1 + 4 */
		assert_string_equal(r->rows[2].key[MLCD_DIM_TEAM], "t2");
		assert_int_equal(r->rows[0].bucket, 0);
		mlcd_cost_rows_free(r);

		/* only team t1, by model */
		memset(&q, 0, sizeof(q));
		q.by[MLCD_DIM_MODEL] = 1, q.only[MLCD_DIM_TEAM] = t1, q.nonly[MLCD_DIM_TEAM] = 1;
		assert_int_equal(mlcd_engine_costs(&r, f->e, &q), 0);
		assert_int_equal(r->n, 2);
		amount_is(r->rows[0].cost, "1");
		amount_is(r->rows[1].cost, "4");
		amount_is(r->total.cost, "5");
		mlcd_cost_rows_free(r);

		/* only the missing team; only a team never seen */
		q.only[MLCD_DIM_TEAM] = missing;
		assert_int_equal(mlcd_engine_costs(&r, f->e, &q), 0);
		assert_int_equal(r->n, 1);
		amount_is(r->total.cost, "8");
		mlcd_cost_rows_free(r);
		q.only[MLCD_DIM_TEAM] = unknown;
		assert_int_equal(mlcd_engine_costs(&r, f->e, &q), 0);
		assert_int_equal(r->n, 0);
		amount_is(r->total.cost, "0");
		mlcd_cost_rows_free(r);

		/* hours in [H0 + 3600, H0 + DAY + 3600): b2 and b3, by endpoint and hour */
		memset(&q, 0, sizeof(q));
		q.bucket = MLCD_BUCKET_HOUR, q.by[MLCD_DIM_ENDPOINT] = 1;
		q.from = H0 + 3600, q.to = H0 + DAY + 3600;
		assert_int_equal(mlcd_engine_costs(&r, f->e, &q), 0);
		assert_int_equal(r->n, 2);
		assert_int_equal(r->rows[0].bucket, H0 + 3600);
		assert_string_equal(r->rows[0].key[MLCD_DIM_ENDPOINT], "e1");
		amount_is(r->rows[0].cost, "2");
		assert_int_equal(r->rows[1].bucket, H0 + DAY);
		assert_null(r->rows[1].key[MLCD_DIM_ENDPOINT]);
		amount_is(r->total.cost, "6");
		mlcd_cost_rows_free(r);
		assert_int_equal(mlcd_engine_compact(f->e), 0);
	}
}

static void spend_is_fast_over_a_month(void **state)
{
	fx *f = *state;
	enum { DAYS = 31, PER_DAY = 24 };
	static char ids[DAYS * PER_DAY][16];
	mlcd_event ev[PER_DAY];
	struct timespec t0, t1;
	double secs;
	f->e = open_engine(f, 0);
	for (int d = 0; d < DAYS; d++) {
		for (int h = 0; h < PER_DAY; h++) {
			snprintf(ids[d * PER_DAY + h], 16, "s%d", d * PER_DAY + h);
			ev[h] = mk(ids[d * PER_DAY + h], H0 + (int64_t)d * DAY + h * 3600, "m",
			           h % 2 ? "odd" : "even", "0.01", 1);
		}
		append_ok(f->e, ev, PER_DAY, "aaaaaaaaaaaaaaaaaaaaaaaa");
	}
	/* 31 days x 24 hours x 0.01; half of them odd; a partial day: 10 hours */
	assert_spend(f->e, MLCD_DIM_MODEL, "m", H0, H0 + DAYS * DAY, "7.44");
	assert_spend(f->e, MLCD_DIM_TEAM, "odd", H0, H0 + DAYS * DAY, "3.72");
	assert_spend(f->e, MLCD_DIM_MODEL, "m", H0 + 5 * 3600, H0 + 15 * 3600, "0.1");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < 10000; i++) {
		mlc_amount a;
		assert_int_equal(mlcd_engine_spend(&a, f->e, MLCD_DIM_MODEL, "m", H0 + 3600,
		                                   H0 + DAYS * DAY - 3600),
		                 0);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	/* microseconds each; 100 us is far above that, and far below a millisecond */
	if (secs / 10000 > 100e-6)
		fail_msg("spend takes %.1f us", secs / 10000 * 1e6);
}

static void hours_before_the_horizon_are_not_answered(void **state)
{
	fx *f = *state;
	mlcd_engine_config c = config(f, 0);
	int64_t now = (int64_t)time(NULL), today = now - now % DAY;
	mlcd_event ev[2] = {mk("new", today - 2 * DAY, "m", NULL, "1", 1),
	                    mk("old", today - 10 * DAY, "m", NULL, "2", 1)};
	mlcd_cost_query q;
	mlcd_cost_rows *r = NULL;
	mlcd_engine_stats st;
	c.memory_days = 5;
	assert_int_equal(mlcd_engine_open(&f->e, &c), 0);
	assert_int_equal(mlcd_engine_horizon(f->e), today - 5 * DAY);
	append_ok(f->e, ev, 2, "aa"); /* both accepted and stored, only one answered */
	assert_spend(f->e, MLCD_DIM_MODEL, "m", 0, 0, "1");
	memset(&q, 0, sizeof(q));
	assert_int_equal(mlcd_engine_costs(&r, f->e, &q), 0);
	amount_is(r->total.cost, "1");
	mlcd_cost_rows_free(r);
	assert_int_equal(mlcd_engine_compact(f->e), 0);
	mlcd_engine_get_stats(&st, f->e);
	assert_int_equal(st.compacted_events, 2);
	mlcd_engine_close(f->e);
	/* reopened with a longer memory: the store has both */
	c.memory_days = 30;
	assert_int_equal(mlcd_engine_open(&f->e, &c), 0);
	assert_spend(f->e, MLCD_DIM_MODEL, "m", 0, 0, "3");
	mlcd_engine_get_stats(&st, f->e);
	assert_int_equal(st.cells, 2);
}

static void the_index_forgets_old_hours(void **state)
{
	mlcd_index *x = NULL;
	mlcd_event old = mk("o", H0 + 60, "m", "t", "2", 1),
	           cur = mk("c", H0 + 2 * DAY, "m", "t", "3", 1);
	mlc_store_meter_hour row;
	char got[MLC_AMOUNT_FMT_MAX];
	(void)state;
	assert_int_equal(mlcd_index_new(&x, 0), 0);
	assert_int_equal(mlcd_index_pending(x, &old, 1), 0);
	assert_int_equal(mlcd_index_pending(x, &cur, 1), 0);
	memset(&row, 0, sizeof(row));
	row.model = "m", row.team = "t", row.hour = H0, row.cost = amt("5"), row.events = 1;
	assert_int_equal(mlcd_index_set_store(x, &row), 0);
	/* 2 pending + 5 stored in the old hour, 3 in the current one */
	mlc_amount_format(got, sizeof(got),
	                  mlcd_money_amount(mlcd_index_spend(x, MLCD_DIM_TEAM, "t", 0, 0)), -1);
	assert_string_equal(got, "10");
	mlcd_index_set_horizon(x, H0 + DAY);
	mlc_amount_format(got, sizeof(got),
	                  mlcd_money_amount(mlcd_index_spend(x, MLCD_DIM_TEAM, "t", 0, 0)), -1);
	assert_string_equal(got, "3");
	assert_int_equal(mlcd_index_cells(x), 2); /* the old one still has something pending */
	/* store rows before the horizon are ignored; the pending part can still be taken out */
	assert_int_equal(mlcd_index_set_store(x, &row), 0);
	assert_int_equal(mlcd_index_pending(x, &old, -1), 0);
	mlcd_index_set_horizon(x, H0 + 2 * DAY);
	assert_int_equal(mlcd_index_cells(x), 1);
	mlc_amount_format(
	    got, sizeof(got),
	    mlcd_money_amount(mlcd_index_spend(x, MLCD_DIM_MODEL, "m", H0 + 2 * DAY, 0)), -1);
	assert_string_equal(got, "3");
	mlcd_index_free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(totals_are_exact_and_ids_count_once),
	    cmocka_unit_test(texts_are_checked_and_time_defaults),
	    cmocka_unit_test(costs_group_bucket_and_filter),
	    cmocka_unit_test(spend_is_fast_over_a_month),
	    cmocka_unit_test(hours_before_the_horizon_are_not_answered),
	    cmocka_unit_test(the_index_forgets_old_hours),
	};
	return run_both("engine", tests, sizeof(tests) / sizeof(tests[0]));
}
