/* SPDX-License-Identifier: MIT */
/*
 * serve.c - the life of the `mlcost serve` process: start (snapshot of
 * catalogs and budgets, engine with crash recovery, HTTP), then wait for
 * signals in one thread (they are blocked in every other): SIGHUP reloads
 * catalogs and budgets, SIGTERM/SIGINT stop gracefully (no new
 * connections, requests in flight finish, the engine compacts and
 * closes). See serve.h.
 */
#include "dashboard.h"
#include "serve.h"
#include "serve_error.h"
#include "serve_internal.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

void mlcd_log(const char *fmt, ...)
{
	char line[1200], stamp[MLC_TIME_FORMAT_MAX];
	va_list ap;
	mlc_time_format(stamp, sizeof(stamp), (int64_t)time(NULL));
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* one write per line, so lines of several threads do not interleave */
	fprintf(stderr, "%s mlcost serve: %s\n", stamp, line);
}

void mlcd_serve_hash_token(char *out, const char *token, size_t len)
{
	mlc_sha256_hex(out, token, len);
}

static void reload(mlcd_server *s)
{
	mlcd_live *next = NULL;
	if (mlcd_live_load(&next, s->cfg) != 0) {
		mlcd_metrics_reload(s->metrics, 0);
		mlcd_log("reload failed: %s (the catalogs and budgets in force stay)",
		         mlcd_error_message());
		return;
	}
	mlcd_live_swap(s, next);
	mlcd_metrics_reload(s->metrics, 1);
	mlcd_log("reloaded: %zu catalog entries, %zu budgets", next->catalog_entries,
	         mlcd_budget_set_count(next->budgets));
}

static int open_engine(mlcd_server *s)
{
	const mlcd_config *c = s->cfg;
	mlcd_engine_config ec;
	int rc;
	memset(&ec, 0, sizeof(ec));
	ec.wal_dir = c->wal_dir;
	ec.store_url = c->store;
	ec.group_commit_us = c->group_commit_us;
	ec.fsync = c->fsync;
	ec.compact_interval_ms = c->compact_interval_ms;
	ec.refresh_interval_ms = c->refresh_interval_ms;
	ec.dedup_window_s = c->dedup_window_s;
	ec.wal_segment_bytes = c->wal_segment_bytes;
	ec.wal_preallocate = c->wal_preallocate;
	ec.replica = c->replica;
	ec.dedup_max_ids = c->dedup_max_ids;
	ec.max_cells = c->max_cells;
	ec.memory_days = c->memory_days;
	if ((rc = mlcd_engine_open(&s->engine, &ec)) != 0)
		return mlcd_error_set(rc, "store %s, log %s: %s", c->store, c->wal_dir,
		                      mlcd_engine_error());
	return 0;
}

static void announce(const mlcd_server *s, unsigned port)
{
	const mlcd_config *c = s->cfg;
	char host[64], addr[96];
	unsigned ignored;
	int v6 = c->listen[0] == '[';
	mlcd_config_split_listen(host, sizeof(host), &ignored, c->listen);
	snprintf(addr, sizeof(addr), "%s%s%s:%u", v6 ? "[" : "", host, v6 ? "]" : "", port);
	mlcd_log("listening on %s (%u threads; store %s; log %s%s; %zu catalog entries; "
	         "%zu budgets; %zu tokens)",
	         addr, c->threads, c->store, c->wal_dir, c->fsync ? "" : " without fsync",
	         s->live->catalog_entries, mlcd_budget_set_count(s->live->budgets), c->ntokens);
	if (!c->ntokens)
		mlcd_log(
		    "warning: no tokens configured: anyone who can reach %s may ingest and read",
		    addr);
}

/* A budget whose period reaches further back than the totals kept in memory. */
static void check_memory(const mlcd_server *s)
{
	const mlcd_budget_set *bs = s->live->budgets;
	size_t i;
	for (i = 0; i < mlcd_budget_set_count(bs); i++) {
		const mlc_budget *b = mlcd_budget_set_get(bs, i);
		unsigned need = b->period == MLC_BUDGET_MONTH     ? 31
		                : b->period == MLC_BUDGET_QUARTER ? 92
		                                                  : 366;
		if (need > s->cfg->memory_days)
			mlcd_log(
			    "warning: budget '%s' (%s) needs memory_days >= %u, not %u: its spend "
			    "would miss the period's first days",
			    b->name, mlc_budget_period_name(b->period), need, s->cfg->memory_days);
	}
}

/* Wait for signals until a stop; returns the signal that stopped. */
static int wait_signals(mlcd_server *s, const sigset_t *set)
{
	int sig = 0;
	for (;;) {
		if (sigwait(set, &sig) != 0)
			continue;
		if (sig == SIGHUP) {
			reload(s);
			continue;
		}
		return sig;
	}
}

static void teardown(mlcd_server *s)
{
	mlcd_engine_close(s->engine);
	mlcd_live_release(s->live);
	mlcd_auth_free(s->auth);
	mlcd_metrics_free(s->metrics);
	pthread_mutex_destroy(&s->live_mu);
}

int mlcd_serve_run(const mlcd_config *cfg)
{
	mlcd_server s;
	sigset_t set, old;
	unsigned port = 0;
	int rc, sig;
	memset(&s, 0, sizeof(s));
	s.cfg = cfg;
	s.start_unix = (double)time(NULL);
	pthread_mutex_init(&s.live_mu, NULL);
	atomic_init(&s.draining, 0);
	atomic_init(&s.inflight, 0);
	atomic_init(&s.suspended, 0);
	/* signals go to this thread's sigwait only: block them before any thread starts */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	signal(SIGPIPE, SIG_IGN);
	mlcd_dashboard_csp(); /* the page script's hash, once, before any request asks for it */
	if ((rc = mlcd_metrics_new(&s.metrics)) != 0 ||
	    (rc = mlcd_auth_new(&s.auth, cfg->tokens, cfg->ntokens)) != 0 ||
	    (rc = mlcd_live_load(&s.live, cfg)) != 0 || (rc = open_engine(&s)) != 0 ||
	    (rc = mlcd_http_start(&s, &port)) != 0)
		goto done;
	announce(&s, port);
	check_memory(&s);
	sig = wait_signals(&s, &set);
	mlcd_log("stopping (%s): finishing %ld requests in flight",
	         sig == SIGINT ? "SIGINT" : "SIGTERM", (long)atomic_load(&s.inflight));
	mlcd_http_stop(&s, cfg->shutdown_timeout_s);
	mlcd_log("flushing the log into the store");
done:
	teardown(&s);
	if (!rc)
		mlcd_log("stopped");
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}
