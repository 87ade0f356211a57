/* SPDX-License-Identifier: MIT */
/*
 * serve_routes.c - the endpoints of `mlcost serve`: method, path, the
 * scopes that may call it, and its handler. One row per endpoint; the
 * router answers 404 and 405 from this table.
 */
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
};
const size_t mlcd_nroutes = sizeof(mlcd_routes) / sizeof(mlcd_routes[0]);
