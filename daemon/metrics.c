/* SPDX-License-Identifier: MIT */
/*
 * metrics.c - atomic counters of the HTTP side and the Prometheus text of
 * the server's own families. Costs and budgets are metrics_cost.c's. See
 * metrics.h.
 */
#include "metrics.h"
#include "serve_error.h"

#include <stdatomic.h>
#include <stdlib.h>

#define NSTATUS 500 /* 100..599 */
static const double bucket_le[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                   0.1,    0.25,  0.5,    1,     2.5,  5,     10};
#define NBUCKETS (sizeof(bucket_le) / sizeof(bucket_le[0]))

struct mlcd_metrics {
	atomic_uint_fast64_t status[MLCD_ROUTE_COUNT][NSTATUS];
	atomic_uint_fast64_t le[MLCD_ROUTE_COUNT][NBUCKETS + 1]; /* the last is +Inf */
	atomic_uint_fast64_t nanos[MLCD_ROUTE_COUNT];
	atomic_uint_fast64_t rejects[MLCD_REJECT_COUNT];
	atomic_uint_fast64_t reloads, reload_errors;
};

int mlcd_metrics_new(mlcd_metrics **out)
{
	/* calloc: all-bits-zero is a zero atomic integer on every platform we build for */
	if (!(*out = calloc(1, sizeof(mlcd_metrics))))
		return mlcd_error_set(MLC_ENOMEM, "out of memory");
	return 0;
}

void mlcd_metrics_free(mlcd_metrics *m)
{
	free(m);
}

const char *mlcd_metrics_route_name(int route)
{
	static const char *const names[] = {
	    "/v1/events", "/v1/costs", "/v1/budgets", "/v1/budgets/check",
	    "/metrics",   "/healthz",  "/",           "/v1/dashboard/fragment",
	    "other"};
	_Static_assert(sizeof(names) / sizeof(names[0]) == MLCD_ROUTE_COUNT, "a name per route");
	return route >= 0 && route < MLCD_ROUTE_COUNT ? names[route] : "other";
}

void mlcd_metrics_request(mlcd_metrics *m, int route, unsigned status, double seconds)
{
	size_t k;
	if (route < 0 || route >= MLCD_ROUTE_COUNT)
		route = MLCD_ROUTE_OTHER;
	if (status >= 100 && status < 600)
		atomic_fetch_add_explicit(&m->status[route][status - 100], 1, memory_order_relaxed);
	for (k = 0; k < NBUCKETS && seconds > bucket_le[k]; k++)
		;
	atomic_fetch_add_explicit(&m->le[route][k], 1, memory_order_relaxed);
	if (seconds > 0)
		atomic_fetch_add_explicit(&m->nanos[route], (uint_fast64_t)(seconds * 1e9),
		                          memory_order_relaxed);
}

void mlcd_metrics_reject(mlcd_metrics *m, int reason, uint64_t n)
{
	if (reason >= 0 && reason < MLCD_REJECT_COUNT && n)
		atomic_fetch_add_explicit(&m->rejects[reason], n, memory_order_relaxed);
}

void mlcd_metrics_reload(mlcd_metrics *m, int ok)
{
	atomic_fetch_add_explicit(ok ? &m->reloads : &m->reload_errors, 1, memory_order_relaxed);
}

uint64_t mlcd_metrics_count(const mlcd_metrics *m, int route, unsigned status)
{
	if (route < 0 || route >= MLCD_ROUTE_COUNT || status < 100 || status >= 600)
		return 0;
	return atomic_load_explicit(&m->status[route][status - 100], memory_order_relaxed);
}

static uint64_t load(const atomic_uint_fast64_t *v)
{
	return atomic_load_explicit(v, memory_order_relaxed);
}

static void family(mlcd_buf *b, const char *name, const char *type, const char *help)
{
	mlcd_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void render_http(mlcd_buf *b, const mlcd_metrics *m)
{
	int r;
	unsigned s;
	size_t k;
	family(b, "mlcost_http_requests_total", "counter",
	       "HTTP requests answered, by route and status.");
	for (r = 0; r < MLCD_ROUTE_COUNT; r++)
		for (s = 0; s < NSTATUS; s++)
			if (load(&m->status[r][s]))
				mlcd_buf_printf(
				    b,
				    "mlcost_http_requests_total{route=\"%s\",code=\"%u\"} %llu\n",
				    mlcd_metrics_route_name(r), s + 100,
				    (unsigned long long)load(&m->status[r][s]));
	family(b, "mlcost_http_request_duration_seconds", "histogram",
	       "Time from the request's arrival to its answer, by route.");
	for (r = 0; r < MLCD_ROUTE_COUNT; r++) {
		uint64_t cum = 0;
		const char *name = mlcd_metrics_route_name(r);
		for (k = 0; k <= NBUCKETS; k++)
			cum += load(&m->le[r][k]);
		if (!cum)
			continue;
		cum = 0;
		for (k = 0; k < NBUCKETS; k++) {
			cum += load(&m->le[r][k]);
			mlcd_buf_printf(b,
			                "mlcost_http_request_duration_seconds_bucket{route=\"%s\","
			                "le=\"%g\"} %llu\n",
			                name, bucket_le[k], (unsigned long long)cum);
		}
		cum += load(&m->le[r][NBUCKETS]);
		mlcd_buf_printf(
		    b,
		    "mlcost_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} "
		    "%llu\n",
		    name, (unsigned long long)cum);
		mlcd_buf_printf(b, "mlcost_http_request_duration_seconds_sum{route=\"%s\"} %.9f\n",
		                name, (double)load(&m->nanos[r]) / 1e9);
		mlcd_buf_printf(b,
		                "mlcost_http_request_duration_seconds_count{route=\"%s\"} %llu\n",
		                name, (unsigned long long)cum);
	}
}

static void counter(mlcd_buf *b, const char *name, const char *help, uint64_t v)
{
	family(b, name, "counter", help);
	mlcd_buf_printf(b, "%s %llu\n", name, (unsigned long long)v);
}

static void gauge(mlcd_buf *b, const char *name, const char *help, double v)
{
	family(b, name, "gauge", help);
	mlcd_buf_printf(b, "%s ", name);
	mlcd_json_double(b, v);
	mlcd_buf_puts(b, "\n");
}

static void render_engine(mlcd_buf *b, const mlcd_engine_stats *st)
{
	counter(b, "mlcost_events_ingested_total", "Events accepted and logged durably.",
	        st->events_accepted);
	counter(b, "mlcost_events_duplicate_total",
	        "Events answered as duplicates of an id seen "
	        "before (not counted again).",
	        st->events_duplicate);
	counter(b, "mlcost_wal_written_bytes_total", "Bytes written to the write-ahead log.",
	        st->wal_bytes);
	counter(b, "mlcost_wal_syncs_total", "Syncs of the write-ahead log to disk.",
	        st->wal_syncs);
	family(b, "mlcost_wal_sync_seconds_total", "counter",
	       "Time spent syncing the log to disk.");
	mlcd_buf_puts(b, "mlcost_wal_sync_seconds_total ");
	mlcd_json_double(b, st->wal_sync_seconds_sum);
	mlcd_buf_puts(b, "\n");
	gauge(b, "mlcost_wal_segments", "Segments of the write-ahead log on disk.",
	      (double)st->wal_segments);
	gauge(b, "mlcost_wal_pending_events", "Events logged and not yet compacted into the store.",
	      (double)st->wal_pending_events);
	counter(b, "mlcost_compactions_total", "Compactions of the log into the store.",
	        st->compactions);
	counter(b, "mlcost_compacted_events_total", "Events moved from the log into the store.",
	        st->compacted_events);
	counter(b, "mlcost_compaction_errors_total", "Compactions that failed (retried).",
	        st->compaction_errors);
	counter(b, "mlcost_store_refreshes_total", "Reads of totals written by other replicas.",
	        st->refreshes);
	counter(b, "mlcost_store_refresh_errors_total", "Refreshes that failed.",
	        st->refresh_errors);
	gauge(b, "mlcost_last_compaction_timestamp_seconds",
	      "When the last compaction ended "
	      "(Unix time; 0 = none yet).",
	      st->last_compaction_unix);
	gauge(b, "mlcost_wal_recovered_events", "Log records replayed at start.",
	      (double)st->wal_recovered_events);
	gauge(b, "mlcost_wal_cut_bytes", "Bytes cut off damaged log tails at start.",
	      (double)st->wal_cut_bytes);
	gauge(b, "mlcost_wal_bad_records",
	      "Log records with a good checksum but an unreadable "
	      "event, skipped at start.",
	      (double)st->wal_bad_records);
	gauge(b, "mlcost_wal_failed", "1 when the log failed: ingest answers 503 until a restart.",
	      st->wal_failed ? 1 : 0);
	gauge(b, "mlcost_dedup_ids", "Event ids remembered in memory.", (double)st->dedup_ids);
	gauge(b, "mlcost_memory_cells", "Hourly totals held in memory.", (double)st->cells);
}

void mlcd_metrics_render_server(mlcd_buf *b, const mlcd_metrics *m, const mlcd_engine_stats *st,
                                double start_unix)
{
	static const char *const reasons[] = {"invalid", "pricing", "forbidden"};
	int r;
	render_http(b, m);
	family(b, "mlcost_events_rejected_total", "counter",
	       "Events of a batch refused, by reason (invalid event, pricing failed, team not "
	       "allowed for the token).");
	for (r = 0; r < MLCD_REJECT_COUNT; r++)
		mlcd_buf_printf(b, "mlcost_events_rejected_total{reason=\"%s\"} %llu\n", reasons[r],
		                (unsigned long long)load(&m->rejects[r]));
	counter(b, "mlcost_reloads_total",
	        "Reloads of catalogs and budgets (SIGHUP) that succeeded.", load(&m->reloads));
	counter(b, "mlcost_reload_errors_total",
	        "Reloads that failed (the previous stay in force).", load(&m->reload_errors));
	render_engine(b, st);
	gauge(b, "mlcost_start_time_seconds", "When the server started (Unix time).", start_unix);
}
