/* SPDX-License-Identifier: MIT */
/*
 * metrics.h - the counters of the HTTP side of `mlcost serve` (requests
 * by route and status, latency histograms, rejected events, reloads) and
 * the Prometheus text exposition (format 0.0.4) of everything /metrics
 * shows: these counters, the engine's stats, cost totals and budgets.
 *
 * Counters are lock-free atomics, so counting costs a request nothing
 * measurable. Rendering takes plain data (stats, rows, budget uses) and
 * calls no engine function, so it is unit-tested on its own.
 */
#ifndef MLCD_METRICS_H
#define MLCD_METRICS_H

#include "budget_live.h"
#include "engine.h"
#include "http_json.h"

#include <stddef.h>
#include <stdint.h>

/* Routes as metrics know them (the route table's ids). */
enum {
	MLCD_ROUTE_EVENTS = 0,
	MLCD_ROUTE_COSTS,
	MLCD_ROUTE_BUDGETS,
	MLCD_ROUTE_BUDGET_CHECK,
	MLCD_ROUTE_METRICS,
	MLCD_ROUTE_HEALTHZ,
	MLCD_ROUTE_DASHBOARD,          /* GET /, the page */
	MLCD_ROUTE_DASHBOARD_FRAGMENT, /* GET /v1/dashboard/fragment, its refreshes */
	MLCD_ROUTE_OTHER,              /* 404, 405 and requests refused before routing */
	MLCD_ROUTE_COUNT
};

/* Why an event of a batch was refused. */
enum { MLCD_REJECT_INVALID = 0, MLCD_REJECT_PRICING, MLCD_REJECT_FORBIDDEN, MLCD_REJECT_COUNT };

typedef struct mlcd_metrics mlcd_metrics;

int mlcd_metrics_new(mlcd_metrics **out);
void mlcd_metrics_free(mlcd_metrics *m);

/* One request answered: its route, status and time taken. */
void mlcd_metrics_request(mlcd_metrics *m, int route, unsigned status, double seconds);
void mlcd_metrics_reject(mlcd_metrics *m, int reason, uint64_t n);
void mlcd_metrics_reload(mlcd_metrics *m, int ok);

/* Requests counted so far for route and status (tests). */
uint64_t mlcd_metrics_count(const mlcd_metrics *m, int route, unsigned status);

/* Path label of a route id ("/v1/events", ..., "other"). */
const char *mlcd_metrics_route_name(int route);

/* The server's own families: HTTP, rejects, reloads, engine stats, start time. */
void mlcd_metrics_render_server(mlcd_buf *b, const mlcd_metrics *m, const mlcd_engine_stats *st,
                                double start_unix);

/* mlcost_cost_usd_total, mlcost_requests_total, ... per model, team, endpoint, version. */
void mlcd_metrics_render_costs(mlcd_buf *b, const mlcd_cost_rows *rows);

/* mlcost_budget_used_ratio, _used_usd, _amount_usd, _allowed per budget. */
void mlcd_metrics_render_budgets(mlcd_buf *b, const char *const *names, const mlcd_budget_use *uses,
                                 size_t n);

#endif
