/* SPDX-License-Identifier: MIT */
/*
 * serve_routes.c - the endpoints of `mlcost serve`: method, path, the
 * scopes that may call it, and its handler. One row per endpoint; the
 * router answers 404 and 405 from this table. A route that waits may also
 * have an asynchronous handler (mlcd_route_async), which the server uses.
 */
#include "dashboard.h"
#include "serve_internal.h"

const mlcd_route mlcd_routes[] = {
    {"POST", "/v1/events", MLCD_SCOPE_INGEST, MLCD_ROUTE_EVENTS, mlcd_handle_events},
    {"GET", "/v1/costs", MLCD_SCOPE_READ, MLCD_ROUTE_COSTS, mlcd_handle_costs},
    {"GET", "/v1/budgets", MLCD_SCOPE_READ, MLCD_ROUTE_BUDGETS, mlcd_handle_budgets},
    /* serving code checks with the token it ingests with */
    {"GET", "/v1/budgets/check", MLCD_SCOPE_READ | MLCD_SCOPE_INGEST, MLCD_ROUTE_BUDGET_CHECK,
     mlcd_handle_budget_check},
    /* no token needed when the config says metrics_public (serve_http.c) */
    {"GET", "/metrics", MLCD_SCOPE_READ, MLCD_ROUTE_METRICS, mlcd_handle_metrics},
    {"GET", "/healthz", 0, MLCD_ROUTE_HEALTHZ, mlcd_handle_healthz},
    /* the dashboard page holds no data without a token (an open server's embeds it); its
     * script fetches the fragment with the token (docs/serve.md, "Dashboard") */
    {"GET", "/", 0, MLCD_ROUTE_DASHBOARD, mlcd_handle_dashboard_page},
    {"GET", "/v1/dashboard/fragment", MLCD_SCOPE_READ, MLCD_ROUTE_DASHBOARD_FRAGMENT,
     mlcd_handle_dashboard_fragment},
};
const size_t mlcd_nroutes = sizeof(mlcd_routes) / sizeof(mlcd_routes[0]);

mlcd_async_handler mlcd_route_async(int route_id)
{
	/* ingest waits for the log's sync: the connection is parked meanwhile, so
	 * one sync answers every connection that posted during the previous one */
	return route_id == MLCD_ROUTE_EVENTS ? mlcd_handle_events_async : NULL;
}
