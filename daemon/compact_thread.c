/* SPDX-License-Identifier: MIT */
/*
 * compact_thread.c - the engine's background thread: every
 * compact_interval_ms it moves what is durable in the log into the store
 * (as many chunks as there are, so it keeps up with a burst), and every
 * refresh_interval_ms it reads back what other replicas stored. A failure
 * is counted (stats) and tried again at the next tick; the log keeps the
 * events meanwhile.
 *
 * It runs at the usual priority: other replicas see this one's spend only
 * once it is stored, so storing late makes budgets shared through the
 * store late (a lower priority made that > 1 s on a busy machine).
 *
 * What it is not: the compaction itself (compact.c).
 */
#include "engine_internal.h"

#include <errno.h>
#include <time.h>

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int stopping(mlcd_engine *e)
{
	int s;
	pthread_mutex_lock(&e->bg_mu);
	s = e->bg_stop;
	pthread_mutex_unlock(&e->bg_mu);
	return s;
}

/* Compact until caught up (or stopping); refresh included. */
static void compact_all(mlcd_engine *e)
{
	int more = 1;
	pthread_mutex_lock(&e->store_mu);
	while (more && mlcd__compact_once(e, &more) == 0 && !stopping(e))
		;
	pthread_mutex_unlock(&e->store_mu);
}

static void *bg_main(void *arg)
{
	mlcd_engine *e = arg;
	int64_t next_compact = now_ms() + e->cfg.compact_interval_ms;
	int64_t next_refresh = now_ms() + e->cfg.refresh_interval_ms;
	pthread_mutex_lock(&e->bg_mu);
	while (!e->bg_stop) {
		int64_t wake = next_compact < next_refresh ? next_compact : next_refresh, t;
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		t = wake - now_ms();
		if (t > 0) {
			ts.tv_sec += t / 1000;
			ts.tv_nsec += (t % 1000) * 1000000;
			if (ts.tv_nsec >= 1000000000)
				ts.tv_sec++, ts.tv_nsec -= 1000000000;
			if (pthread_cond_timedwait(&e->bg_cv, &e->bg_mu, &ts) != ETIMEDOUT)
				continue; /* woken: stop, or a spurious wake-up */
		}
		pthread_mutex_unlock(&e->bg_mu);
		mlcd__move_horizon(e, (int64_t)time(NULL)); /* once a day it moves */
		if (now_ms() >= next_compact) {
			compact_all(e);
			next_compact = now_ms() + e->cfg.compact_interval_ms;
			next_refresh = now_ms() + e->cfg.refresh_interval_ms; /* it refreshed */
		} else {
			pthread_mutex_lock(&e->store_mu);
			mlcd__refresh_locked(e);
			pthread_mutex_unlock(&e->store_mu);
			next_refresh = now_ms() + e->cfg.refresh_interval_ms;
		}
		pthread_mutex_lock(&e->bg_mu);
	}
	pthread_mutex_unlock(&e->bg_mu);
	return NULL;
}

int mlcd__bg_start(mlcd_engine *e)
{
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&e->bg_cv, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&e->bg, NULL, bg_main, e) != 0) {
		pthread_cond_destroy(&e->bg_cv);
		return mlcd__error_set(MLC_ERROR, "cannot start the compaction thread");
	}
	e->bg_started = 1;
	return 0;
}

void mlcd__bg_stop(mlcd_engine *e)
{
	if (!e->bg_started)
		return;
	pthread_mutex_lock(&e->bg_mu);
	e->bg_stop = 1;
	pthread_cond_broadcast(&e->bg_cv);
	pthread_mutex_unlock(&e->bg_mu);
	pthread_join(e->bg, NULL);
	pthread_cond_destroy(&e->bg_cv);
	e->bg_started = 0;
}
