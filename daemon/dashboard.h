/* SPDX-License-Identifier: MIT */
/*
 * dashboard.h - the live dashboard of `mlcost serve` (GET /): the charts
 * of `mlcost report`, filled from the engine's in-memory totals for the
 * teams a token may see, rendered by the report library as the <main>
 * fragment the page swaps in every dashboard_refresh_s seconds.
 *
 * What it is not: HTTP (http_dashboard.c), or a second renderer: every
 * chart and table is the report library's.
 */
#ifndef MLCD_DASHBOARD_H
#define MLCD_DASHBOARD_H

#include "http_router.h"

#include <stddef.h>

/* Days of the per-day charts and tables: today (UTC) and the 29 before. */
#define MLCD_DASHBOARD_DAYS 30
/* Days of history the daily trend and its forecast look back over. */
#define MLCD_DASHBOARD_HISTORY 90
/* A forecast band is drawn from this many days of history. */
#define MLCD_DASHBOARD_FORECAST_MIN 14

/*
 * The dashboard's <main> fragment as token t sees it (NULL: an open
 * server, every team) at now (UTC seconds), into *out (free with
 * mlc_report_text_free). Errors are MLC_* codes with the message in
 * mlcd_error_message().
 */
int mlcd_dashboard_fragment(char **out, size_t *out_len, mlcd_server *s, const mlcd_token *t,
                            double now);

/*
 * The Content-Security-Policy of both HTML answers: nothing from elsewhere,
 * inline CSS, and only the page's own script, named by its SHA-256 (made
 * on the first call, which mlcd_serve_run makes at start).
 */
const char *mlcd_dashboard_csp(void);

/* GET / (the page) and GET /v1/dashboard/fragment (its live <main>). */
int mlcd_handle_dashboard_page(mlcd_server *s, const mlcd_request *rq, mlcd_response *rs);
int mlcd_handle_dashboard_fragment(mlcd_server *s, const mlcd_request *rq, mlcd_response *rs);

#endif
