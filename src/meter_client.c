/* SPDX-License-Identifier: MIT */
/*
 * meter_client.c - the client that serving code links to send events to
 * `mlcost serve`: its life cycle, the bounded queue that mlc_meter_record
 * fills in O(1) under a short lock, flush, counters and random ids.
 *
 * The queue is a ring of serialized events (one allocation per event, at
 * most MLC_EVENT_JSON_MAX bytes); when it is full the newest event is
 * dropped and counted, so what was recorded first keeps its place. What
 * is not here: HTTP, batching and retries (meter_client_send.c).
 */
#include "meter_internal.h"
#include "util/alloc.h"
#include "util/error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

/* ---- time and randomness ---- */

uint64_t mlc_meter__now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void mlc_meter__deadline(struct timespec *ts, uint64_t at_ms)
{
	ts->tv_sec = (time_t)(at_ms / 1000);
	ts->tv_nsec = (long)(at_ms % 1000) * 1000000;
}

/* Random bytes from a per-thread pool refilled by getrandom: one system
 * call per 16 ids instead of one per id. */
static int random_bytes(unsigned char *out, size_t n)
{
	static _Thread_local unsigned char pool[256];
	static _Thread_local size_t used = sizeof(pool);
	size_t got = 0;
	ssize_t r;
	if (n > sizeof(pool))
		return -1;
	if (used + n > sizeof(pool)) {
		while (got < sizeof(pool)) {
			r = getrandom(pool + got, sizeof(pool) - got, 0);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				return -1;
			got += (size_t)r;
		}
		used = 0;
	}
	memcpy(out, pool + used, n);
	/* a byte handed out is never handed out again */
	memset(pool + used, 0, n);
	used += n;
	return 0;
}

int mlc_meter__random_id(char out[33])
{
	static const char hexd[] = "0123456789abcdef";
	unsigned char b[16];
	int k;
	if (random_bytes(b, sizeof(b)) != 0)
		return mlcu_error_set(MLC_ERROR, "getrandom failed: %s", strerror(errno));
	for (k = 0; k < 16; k++) {
		out[2 * k] = hexd[b[k] >> 4];
		out[2 * k + 1] = hexd[b[k] & 15];
	}
	out[32] = '\0';
	return 0;
}

uint32_t mlc_meter__random_below(uint32_t n)
{
	uint32_t v = 0;
	if (random_bytes((unsigned char *)&v, sizeof(v)) != 0)
		return n / 2;
	return v % n;
}

void mlc_meter__set_error(mlc_meter *m, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(m->last_error, sizeof(m->last_error), fmt, ap);
	va_end(ap);
}

/* ---- life cycle ---- */

/* "BASE" + "PATH" with BASE's trailing slashes removed. */
static char *join(const char *base, const char *path)
{
	size_t n = strlen(base), pl = strlen(path);
	char *s;
	while (n > 0 && base[n - 1] == '/')
		n--;
	if ((s = mlcu_malloc(n + pl + 1)) == NULL)
		return NULL;
	memcpy(s, base, n);
	memcpy(s + n, path, pl + 1);
	return s;
}

static int init_sync(mlc_meter *m)
{
	pthread_condattr_t ca;
	int rc = 0;
	if (pthread_condattr_init(&ca) != 0)
		return -1;
	if (pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0 ||
	    pthread_mutex_init(&m->mu, NULL) != 0)
		rc = -1;
	else if (pthread_cond_init(&m->wake, &ca) != 0)
		rc = -1;
	else if (pthread_cond_init(&m->done, &ca) != 0)
		rc = -1;
	pthread_condattr_destroy(&ca);
	return rc;
}

static int check_options(const mlc_meter_options *o)
{
	if (o == NULL || o->version != MLC_METER_OPTIONS_VERSION)
		return mlcu_error_set(MLC_EINVAL,
		                      "mlc_meter_new: options missing or of version %u "
		                      "(expected %u)",
		                      o ? o->version : 0, MLC_METER_OPTIONS_VERSION);
	if (o->url == NULL || (strncmp(o->url, "http://", 7) && strncmp(o->url, "https://", 8)))
		return mlcu_error_set(MLC_EINVAL, "mlc_meter_new: url must start with http:// or "
		                                  "https://");
	if (o->token && (strlen(o->token) > 4096 || strpbrk(o->token, "\r\n")))
		return mlcu_error_set(MLC_EINVAL, "mlc_meter_new: invalid token");
	if (o->queue_events > 100000000 || o->batch_events > 1000000)
		return mlcu_error_set(MLC_EINVAL, "mlc_meter_new: queue or batch too large");
	return 0;
}

int mlc_meter_new(mlc_meter **out, const mlc_meter_options *opts)
{
	mlc_meter *m = NULL;
	int rc;
	*out = NULL;
	if ((rc = check_options(opts)) != 0 || (rc = mlc_meter__curl_init()) != 0)
		return rc;
	rc = MLC_ENOMEM;
	if ((m = mlcu_calloc(1, sizeof(*m))) == NULL)
		goto done;
	m->cap = opts->queue_events ? opts->queue_events : 65536;
	m->batch = opts->batch_events ? opts->batch_events : 1000;
	m->flush_ms = opts->flush_ms ? opts->flush_ms : 200;
	m->timeout_ms = opts->timeout_ms ? opts->timeout_ms : 5000;
	m->retry_max_ms = opts->retry_max_ms ? opts->retry_max_ms : 5000;
	if ((m->ring = mlcu_calloc(m->cap, sizeof(*m->ring))) == NULL ||
	    (m->events_url = join(opts->url, "/v1/events")) == NULL ||
	    (m->budget_url = join(opts->url, "/v1/budgets/check?model=")) == NULL)
		goto done;
	if (opts->token) {
		size_t n = strlen(opts->token) + 32;
		if ((m->auth = mlcu_malloc(n)) == NULL)
			goto done;
		snprintf(m->auth, n, "Authorization: Bearer %s", opts->token);
	}
	atomic_init(&m->stop, 0);
	rc = MLC_ERROR;
	if (init_sync(m) != 0) {
		mlcu_error_set(rc, "mlc_meter_new: cannot create locks");
		goto done;
	}
	if (pthread_create(&m->thread, NULL, mlc_meter__sender, m) != 0) {
		mlcu_error_set(rc, "mlc_meter_new: cannot start the sender thread");
		pthread_cond_destroy(&m->done);
		pthread_cond_destroy(&m->wake);
		pthread_mutex_destroy(&m->mu);
		goto done;
	}
	m->started = 1;
	*out = m;
	m = NULL;
	rc = 0;
done:
	if (rc == MLC_ENOMEM)
		mlcu_error_oom();
	if (m) {
		mlcu_free(m->ring);
		mlcu_free(m->events_url);
		mlcu_free(m->budget_url);
		mlcu_free(m->auth);
		mlcu_free(m);
	}
	return rc;
}

/* ---- recording ---- */

int mlc_meter_record(mlc_meter *m, const mlc_event *ev)
{
	char json[MLC_EVENT_JSON_MAX], id[33];
	mlc_event copy;
	size_t n;
	char *text;
	int rc;
	if (m == NULL || ev == NULL)
		return mlcu_error_set(MLC_EINVAL, "mlc_meter_record: no client or event");
	if ((rc = mlc_event_check(ev)) != 0)
		return rc;
	copy = *ev;
	if (copy.id == NULL || copy.id[0] == '\0') {
		if ((rc = mlc_meter__random_id(id)) != 0)
			return rc;
		copy.id = id;
	}
	n = mlc_event_to_json(json, sizeof(json), &copy);
	if ((text = mlcu_malloc(n)) == NULL)
		return mlcu_error_oom();
	memcpy(text, json, n);
	pthread_mutex_lock(&m->mu);
	if (m->count >= m->cap) {
		m->dropped++;
		pthread_mutex_unlock(&m->mu);
		mlcu_free(text);
		return mlcu_error_set(MLC_ETOOLARGE,
		                      "metering queue full (%zu events): event dropped", m->cap);
	}
	m->ring[(m->head + m->count) % m->cap] = (mlc_meter__slot){text, n};
	m->count++;
	m->recorded++;
	/* wake the sender when its tick starts (the queue was empty) and when a
	 * batch is full, not on every event */
	if (m->count == 1 || m->count % m->batch == 0)
		pthread_cond_signal(&m->wake);
	pthread_mutex_unlock(&m->mu);
	return 0;
}

int mlc_meter_flush(mlc_meter *m, unsigned timeout_ms)
{
	uint64_t target, deadline = mlc_meter__now_ms() + timeout_ms;
	struct timespec ts;
	int rc = 0;
	if (m == NULL)
		return mlcu_error_set(MLC_EINVAL, "mlc_meter_flush: no client");
	mlc_meter__deadline(&ts, deadline);
	pthread_mutex_lock(&m->mu);
	target = m->finished + m->count;
	m->flushing++;
	pthread_cond_signal(&m->wake);
	while (m->finished < target && rc == 0)
		rc = pthread_cond_timedwait(&m->done, &m->mu, &ts);
	m->flushing--;
	if (m->finished < target)
		rc = mlcu_error_set(MLC_ERROR,
		                    "metering flush: %llu events still pending after %u ms%s%s",
		                    (unsigned long long)(target - m->finished), timeout_ms,
		                    m->last_error[0] ? "; last failure: " : "", m->last_error);
	else
		rc = 0;
	pthread_mutex_unlock(&m->mu);
	return rc;
}

void mlc_meter_get_stats(mlc_meter_stats *out, mlc_meter *m)
{
	memset(out, 0, sizeof(*out));
	if (m == NULL)
		return;
	pthread_mutex_lock(&m->mu);
	out->recorded = m->recorded;
	out->sent = m->sent;
	out->rejected = m->rejected;
	out->dropped = m->dropped;
	out->retries = m->retries;
	out->pending = m->count;
	pthread_mutex_unlock(&m->mu);
}

void mlc_meter_free(mlc_meter *m)
{
	size_t k;
	if (m == NULL)
		return;
	if (m->started) {
		mlc_meter_flush(m, m->timeout_ms);
		pthread_mutex_lock(&m->mu);
		atomic_store(&m->stop, 1);
		pthread_cond_broadcast(&m->wake);
		pthread_mutex_unlock(&m->mu);
		pthread_join(m->thread, NULL);
		pthread_cond_destroy(&m->done);
		pthread_cond_destroy(&m->wake);
		pthread_mutex_destroy(&m->mu);
	}
	for (k = 0; k < m->count; k++)
		mlcu_free(m->ring[(m->head + k) % m->cap].json);
	mlc_meter__free_handles(m);
	mlcu_free(m->ring);
	mlcu_free(m->events_url);
	mlcu_free(m->budget_url);
	mlcu_free(m->auth);
	mlcu_free(m);
}
