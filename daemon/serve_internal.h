/* SPDX-License-Identifier: MIT */
/*
 * serve_internal.h - what the files of the server share: the server's
 * state, the catalog and budgets in force (swapped whole on SIGHUP), the
 * route table and the handlers.
 *
 * The live snapshot is reference counted: a request takes a reference
 * when it starts and drops it when it ends, so a reload never frees a
 * catalog a request is pricing with; the last one out frees it.
 */
#ifndef MLCD_SERVE_INTERNAL_H
#define MLCD_SERVE_INTERNAL_H

#include "auth.h"
#include "budget_live.h"
#include "config.h"
#include "engine.h"
#include "http_router.h"
#include "metrics.h"

#include <mlcost.h>

#include <pthread.h>
#include <stdatomic.h>

typedef struct mlcd_live {
	atomic_long refs;
	mlc_catalog *catalog;
	mlcd_budget_set *budgets; /* NULL when the config names none */
	size_t catalog_entries;
} mlcd_live;

struct mlcd_server {
	const mlcd_config *cfg;
	mlcd_engine *engine;
	mlcd_auth *auth;
	mlcd_metrics *metrics;
	pthread_mutex_t live_mu; /* guards the pointer, not the snapshot */
	mlcd_live *live;
	atomic_int draining;   /* SIGTERM received: new requests get 503 */
	atomic_long inflight;  /* requests between their first byte and their answer */
	atomic_long suspended; /* connections parked by an async handler, not yet woken */
	double start_unix;
	void *mhd; /* struct MHD_Daemon */
};

/* Load the catalogs and budgets of the config into a new snapshot (1 reference). */
int mlcd_live_load(mlcd_live **out, const mlcd_config *cfg);
mlcd_live *mlcd_live_acquire(mlcd_server *s);
void mlcd_live_release(mlcd_live *l);
/* Put next in force; the previous goes when its last request ends. */
void mlcd_live_swap(mlcd_server *s, mlcd_live *next);

/* The route table (serve_routes.c) and its size. */
extern const mlcd_route mlcd_routes[];
extern const size_t mlcd_nroutes;
/* The asynchronous handler of a route (the server calls it instead of the
 * route's fn), or NULL. */
mlcd_async_handler mlcd_route_async(int route_id);

/* Handlers; each fills rs (status, JSON body) and returns 0. */
int mlcd_handle_events(mlcd_server *s, const mlcd_request *rq, mlcd_response *rs);
/* The same answered once the events are durable, without holding the thread. */
int mlcd_handle_events_async(mlcd_server *s, const mlcd_request *rq, mlcd_response *rs,
                             const mlcd_async *as);
int mlcd_handle_costs(mlcd_server *s, const mlcd_request *rq, mlcd_response *rs);
int mlcd_handle_budgets(mlcd_server *s, const mlcd_request *rq, mlcd_response *rs);
int mlcd_handle_budget_check(mlcd_server *s, const mlcd_request *rq, mlcd_response *rs);
int mlcd_handle_metrics(mlcd_server *s, const mlcd_request *rq, mlcd_response *rs);
int mlcd_handle_healthz(mlcd_server *s, const mlcd_request *rq, mlcd_response *rs);

/* One log line on stderr: "TIME mlcost serve: message". Never given a token. */
void mlcd_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Start and stop the HTTP server (serve_http.c); the port bound is returned. */
int mlcd_http_start(mlcd_server *s, unsigned *port);
/* Stop accepting, let requests in flight finish (up to the timeout), close. */
void mlcd_http_stop(mlcd_server *s, unsigned timeout_s);

#endif
