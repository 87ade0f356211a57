/* SPDX-License-Identifier: MIT */
/*
 * test_http_metrics.c - the Prometheus text of /metrics from plain data:
 * request counters and the latency histogram (cumulative buckets), the
 * engine's counters, cost families with escaped labels, exact values and
 * no cost per request without requests, budget families.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "metrics.h"

/* The body holds this line exactly. */
static void has_line(const mlcd_buf *b, const char *line)
{
	const char *p = b->data;
	size_t n = strlen(line);
	while ((p = strstr(p, line)) != NULL) {
		if ((p == b->data || p[-1] == '\n') && (p[n] == '\n'))
			return;
		p++;
	}
	fprintf(stderr, "missing line: %s\n--- in:\n%s", line, b->data);
	fail();
}

static void test_server_families(void **state)
{
	mlcd_metrics *m;
	mlcd_engine_stats st;
	mlcd_buf b;
	assert_int_equal(mlcd_metrics_new(&m), 0);
	mlcd_metrics_request(m, MLCD_ROUTE_EVENTS, 200, 0.003);
	mlcd_metrics_request(m, MLCD_ROUTE_EVENTS, 200, 0.0004);
	mlcd_metrics_request(m, MLCD_ROUTE_EVENTS, 503, 20);
	mlcd_metrics_request(m, MLCD_ROUTE_OTHER, 404, 0.0001);
	/* the dashboard's page and its refreshes are routes of their own, not "other" */
	mlcd_metrics_request(m, MLCD_ROUTE_DASHBOARD, 200, 0.002);
	mlcd_metrics_request(m, MLCD_ROUTE_DASHBOARD_FRAGMENT, 200, 0.004);
	mlcd_metrics_request(m, MLCD_ROUTE_DASHBOARD_FRAGMENT, 401, 0.0001);
	mlcd_metrics_request(m, 99, 999, 0); /* out of range: route other, no status */
	mlcd_metrics_reject(m, MLCD_REJECT_PRICING, 3);
	mlcd_metrics_reload(m, 1);
	mlcd_metrics_reload(m, 0);
	mlcd_metrics_reload(m, 0);
	assert_int_equal(mlcd_metrics_count(m, MLCD_ROUTE_EVENTS, 200), 2);
	assert_int_equal(mlcd_metrics_count(m, MLCD_ROUTE_OTHER, 404), 1);
	memset(&st, 0, sizeof(st));
	st.events_accepted = 5, st.events_duplicate = 2, st.wal_syncs = 4;
	st.wal_sync_seconds_sum = 0.25, st.wal_segments = 1, st.last_compaction_unix = 1770681600;
	mlcd_buf_init(&b, 1 << 20);
	mlcd_metrics_render_server(&b, m, &st, 1770000000);
	assert_false(b.failed);
	has_line(&b, "# TYPE mlcost_http_requests_total counter");
	has_line(&b, "mlcost_http_requests_total{route=\"/v1/events\",code=\"200\"} 2");
	has_line(&b, "mlcost_http_requests_total{route=\"/v1/events\",code=\"503\"} 1");
	has_line(&b, "mlcost_http_requests_total{route=\"other\",code=\"404\"} 1");
	has_line(&b, "mlcost_http_requests_total{route=\"/\",code=\"200\"} 1");
	has_line(&b, "mlcost_http_requests_total{route=\"/v1/dashboard/fragment\",code=\"200\"} 1");
	has_line(&b, "mlcost_http_requests_total{route=\"/v1/dashboard/fragment\",code=\"401\"} 1");
	has_line(&b, "mlcost_http_request_duration_seconds_count{route=\"/\"} 1");
	/* 0.004 + 0.0001 */
	has_line(&b, "mlcost_http_request_duration_seconds_sum{route=\"/v1/dashboard/fragment\"} "
	             "0.004100000");
	/* "other": the 404 and the out-of-range request */
	has_line(&b, "mlcost_http_request_duration_seconds_count{route=\"other\"} 2");
	/* 0.0004 s is in every bucket from 0.0005, 0.003 s from 0.005, 20 s only in +Inf */
	has_line(
	    &b,
	    "mlcost_http_request_duration_seconds_bucket{route=\"/v1/events\",le=\"0.0005\"} 1");
	has_line(
	    &b,
	    "mlcost_http_request_duration_seconds_bucket{route=\"/v1/events\",le=\"0.0025\"} 1");
	has_line(
	    &b, "mlcost_http_request_duration_seconds_bucket{route=\"/v1/events\",le=\"0.005\"} 2");
	has_line(&b,
	         "mlcost_http_request_duration_seconds_bucket{route=\"/v1/events\",le=\"10\"} 2");
	has_line(&b,
	         "mlcost_http_request_duration_seconds_bucket{route=\"/v1/events\",le=\"+Inf\"} 3");
	has_line(&b, "mlcost_http_request_duration_seconds_count{route=\"/v1/events\"} 3");
	/* 0.003 + 0.0004 + 20 */
	has_line(&b, "mlcost_http_request_duration_seconds_sum{route=\"/v1/events\"} 20.003400000");
	has_line(&b, "mlcost_events_rejected_total{reason=\"pricing\"} 3");
	has_line(&b, "mlcost_events_rejected_total{reason=\"invalid\"} 0");
	has_line(&b, "mlcost_reloads_total 1");
	has_line(&b, "mlcost_reload_errors_total 2");
	has_line(&b, "# TYPE mlcost_events_ingested_total counter");
	has_line(&b, "mlcost_events_ingested_total 5");
	has_line(&b, "mlcost_events_duplicate_total 2");
	has_line(&b, "mlcost_wal_sync_seconds_total 0.25");
	has_line(&b, "# TYPE mlcost_wal_segments gauge");
	has_line(&b, "mlcost_last_compaction_timestamp_seconds 1770681600");
	has_line(&b, "mlcost_start_time_seconds 1770000000");
	/* every family has its HELP and TYPE once */
	assert_null(strstr(strstr(b.data, "# TYPE mlcost_reloads_total") + 1,
	                   "# TYPE mlcost_reloads_total"));
	mlcd_buf_free(&b);
	mlcd_metrics_free(m);
}

static mlc_amount amt(const char *s)
{
	mlc_amount a;
	assert_int_equal(mlc_amount_parse(&a, s, strlen(s)), 0);
	return a;
}

static void test_cost_families(void **state)
{
	mlcd_cost_row r[2];
	mlcd_cost_rows rows;
	mlcd_buf b;
	memset(r, 0, sizeof(r));
	r[0].key[MLCD_DIM_MODEL] = "m\"1";
	r[0].key[MLCD_DIM_TEAM] = "search";
	r[0].cost = amt("1.25");
	r[0].requests = 5, r[0].events = 2, r[0].input_tokens = 7;
	r[1].key[MLCD_DIM_MODEL] = "m2";
	r[1].cost = amt("0.000000000001");
	memset(&rows, 0, sizeof(rows));
	rows.rows = r, rows.n = 2;
	mlcd_buf_init(&b, 1 << 20);
	mlcd_metrics_render_costs(&b, &rows);
	has_line(&b, "# TYPE mlcost_cost_usd_total counter");
	has_line(&b, "mlcost_cost_usd_total{model=\"m\\\"1\",team=\"search\",endpoint=\"\",version="
	             "\"\"} 1.25");
	has_line(&b, "mlcost_cost_usd_total{model=\"m2\",team=\"\",endpoint=\"\",version=\"\"} "
	             "0.000000000001");
	has_line(&b, "mlcost_requests_total{model=\"m2\",team=\"\",endpoint=\"\",version=\"\"} 0");
	/* 1.25 / 5 requests; m2 has none: no series */
	has_line(&b, "mlcost_cost_per_request_usd{model=\"m\\\"1\",team=\"search\",endpoint=\"\","
	             "version=\"\"} 0.25");
	assert_null(strstr(b.data, "mlcost_cost_per_request_usd{model=\"m2\""));
	has_line(&b, "mlcost_input_tokens_total{model=\"m\\\"1\",team=\"search\",endpoint=\"\","
	             "version=\"\"} 7");
	has_line(&b, "# TYPE mlcost_cost_per_request_usd gauge");
	mlcd_buf_free(&b);
}

static void test_budget_families(void **state)
{
	const char *names[] = {"chat", "a\\b"};
	mlcd_budget_use u[2];
	mlcd_buf b;
	memset(u, 0, sizeof(u));
	u[0].used = amt("9"), u[0].amount = amt("12"), u[0].ratio = 0.75;
	u[1].used = amt("0"), u[1].amount = amt("1"), u[1].ratio = 0;
	mlcd_buf_init(&b, 1 << 20);
	mlcd_metrics_render_budgets(&b, names, u, 2);
	has_line(&b, "# TYPE mlcost_budget_used_ratio gauge");
	has_line(&b, "mlcost_budget_used_ratio{budget=\"chat\"} 0.75");
	has_line(&b, "mlcost_budget_used_ratio{budget=\"a\\\\b\"} 0");
	has_line(&b, "mlcost_budget_used_usd{budget=\"chat\"} 9");
	has_line(&b, "mlcost_budget_amount_usd{budget=\"chat\"} 12");
	mlcd_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_server_families),
	    cmocka_unit_test(test_cost_families),
	    cmocka_unit_test(test_budget_families),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
