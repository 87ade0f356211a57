/* SPDX-License-Identifier: MIT */
/*
 * meter_client_send.c - the client's sender thread: it takes up to
 * batch_events queued events, POSTs them as one NDJSON body to
 * URL/v1/events and reads the answer:
 *   2xx              every event acknowledged (accepted or duplicate), but
 *                    those a "failed" list names, if any (rejected);
 *   400 + "failed"   those events rejected for good (counted, not resent);
 *                    the others acknowledged when the server says it kept
 *                    them ("accepted" + "duplicates"), else sent again;
 *   400 otherwise    the whole batch rejected (it cannot get better);
 *   413              the batch split in halves, down to single events;
 *   anything else    (429, 5xx, 401/403/404, network) the same bytes sent
 *                    again, same ids, after a capped, jittered back-off.
 * Also the budget check (GET /v1/budgets/check). The queue itself is
 * meter_client.c; each thread uses its own curl handle.
 */
#include "meter_internal.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"

#include <curl/curl.h>
#include <jansson.h>
#include <string.h>

#define RESPONSE_MAX     (1 << 20) /* bytes of a response kept */
#define BACKOFF_FIRST_MS 100

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc;

static void curl_init_once(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

int mlc_meter__curl_init(void)
{
	pthread_once(&curl_once, curl_init_once);
	if (curl_init_rc != CURLE_OK)
		return mlcu_error_set(MLC_ERROR, "libcurl: %s", curl_easy_strerror(curl_init_rc));
	return 0;
}

static size_t on_data(char *ptr, size_t size, size_t n, void *ctx)
{
	mlcu_buf *b = ctx;
	/* past the cap the rest is dropped: only the start of an answer matters */
	if (b->len + n <= b->max)
		mlcu_buf_append(b, ptr, n);
	(void)size;
	return n;
}

static int on_progress(void *ctx, curl_off_t a, curl_off_t b, curl_off_t c, curl_off_t d)
{
	mlc_meter *m = ctx;
	(void)a, (void)b, (void)c, (void)d;
	return atomic_load(&m->stop) ? 1 : 0;
}

/* One request; *status is the HTTP status, 0 for a transport failure
 * (then err says why). */
static void http(mlc_meter *m, CURL *h, const char *url, const char *body, size_t len,
                 mlcu_buf *resp, long *status, char *err, long *retry_after)
{
	struct curl_slist *hdr = NULL, *t;
	CURLcode cc;
	curl_off_t ra = -1;
	err[0] = '\0';
	*status = 0;
	*retry_after = 0;
	mlcu_buf_reset(resp);
	curl_easy_reset(h);
	if (body && (t = curl_slist_append(hdr, "Content-Type: application/x-ndjson")) != NULL)
		hdr = t;
	if ((t = curl_slist_append(hdr, "Expect:")) != NULL)
		hdr = t;
	if (m->auth && (t = curl_slist_append(hdr, m->auth)) != NULL)
		hdr = t;
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	if (body) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	}
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)m->timeout_ms);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, resp);
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(h, CURLOPT_XFERINFODATA, m);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, err);
	cc = curl_easy_perform(h);
	if (cc == CURLE_OK) {
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
		if (curl_easy_getinfo(h, CURLINFO_RETRY_AFTER, &ra) == CURLE_OK && ra > 0)
			*retry_after = (long)ra;
	} else if (!err[0]) {
		snprintf(err, CURL_ERROR_SIZE, "%s", curl_easy_strerror(cc));
	}
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, NULL);
	curl_slist_free_all(hdr);
}

/* What the sender thread holds for one batch. */
typedef struct batch {
	mlc_meter *m;
	CURL *h;
	size_t first, n;      /* ring[first .. first+n) (mod cap) */
	unsigned char *state; /* per event of the batch: 0 pending, 1 answered */
	size_t *pos;          /* the events of the current body, as batch positions */
	mlcu_buf body, resp;
} batch;

static const mlc_meter__slot *slot_at(const batch *b, size_t k)
{
	return &b->m->ring[(b->first + k) % b->m->cap];
}

/* The pending events of [lo, hi) as one NDJSON body; their count, or
 * SIZE_MAX when memory ran out (then the batch waits and tries again). */
static size_t build(batch *b, size_t lo, size_t hi)
{
	size_t k, n = 0;
	mlcu_buf_reset(&b->body);
	for (k = lo; k < hi; k++) {
		const mlc_meter__slot *s = slot_at(b, k);
		if (b->state[k])
			continue;
		/* the buffer's maximum is a batch of the largest events: only ENOMEM */
		if (mlcu_buf_append(&b->body, s->json, s->len) != 0 ||
		    mlcu_buf_putc(&b->body, '\n') != 0)
			return SIZE_MAX;
		b->pos[n++] = k;
	}
	return n;
}

/* Mark body events answered; *counter (sent or rejected) grows by each. */
static void answer(batch *b, const size_t *which, size_t n, uint64_t *counter)
{
	size_t k;
	pthread_mutex_lock(&b->m->mu);
	for (k = 0; k < n; k++) {
		if (!b->state[which[k]]) {
			b->state[which[k]] = 1;
			(*counter)++;
		}
	}
	pthread_mutex_unlock(&b->m->mu);
}

/*
 * A 400 answer: reject the events its "failed" list names; 1 when the
 * others were kept, 0 when they must be sent again, -1 when the answer has
 * no usable list (the whole body was refused).
 */
static int read_failures(batch *b, size_t n)
{
	json_t *root = json_loadb(b->resp.ptr ? b->resp.ptr : "", b->resp.len, 0, NULL);
	json_t *failed = json_object_get(root, "failed"), *it;
	size_t k, nf = 0, kept;
	int rc = -1;
	if (!json_is_array(failed) || json_array_size(failed) == 0)
		goto done;
	json_array_foreach(failed, k, it)
	{
		json_int_t i = json_integer_value(json_object_get(it, "index"));
		if (!json_is_integer(json_object_get(it, "index")) || i < 0 || (size_t)i >= n)
			goto done;
	}
	json_array_foreach(failed, k, it)
	{
		size_t i = (size_t)json_integer_value(json_object_get(it, "index"));
		if (!b->state[b->pos[i]])
			nf++;
		answer(b, &b->pos[i], 1, &b->m->rejected);
	}
	kept = (size_t)(json_integer_value(json_object_get(root, "accepted")) +
	                json_integer_value(json_object_get(root, "duplicates")));
	rc = kept >= n - nf ? 1 : 0;
done:
	json_decref(root);
	return rc;
}

/* Wait the back-off of the attempt-th retry; 1 when told to stop meanwhile. */
static int back_off(mlc_meter *m, unsigned attempt, long retry_after_s)
{
	uint64_t delay = (uint64_t)BACKOFF_FIRST_MS << (attempt < 16 ? attempt - 1 : 15);
	struct timespec ts;
	int stop;
	if (delay > m->retry_max_ms)
		delay = m->retry_max_ms;
	/* equal jitter: clients that failed together do not retry together */
	delay = delay / 2 + mlc_meter__random_below((uint32_t)(delay / 2 + 1));
	if (retry_after_s > 0 && (uint64_t)retry_after_s * 1000 > delay)
		delay = (uint64_t)retry_after_s * 1000 < m->retry_max_ms
		            ? (uint64_t)retry_after_s * 1000
		            : m->retry_max_ms;
	mlc_meter__deadline(&ts, mlc_meter__now_ms() + delay);
	pthread_mutex_lock(&m->mu);
	while (!(stop = atomic_load(&m->stop)) &&
	       pthread_cond_timedwait(&m->wake, &m->mu, &ts) == 0)
		;
	pthread_mutex_unlock(&m->mu);
	return stop;
}

static void note(mlc_meter *m, long status, const char *err, const mlcu_buf *resp)
{
	pthread_mutex_lock(&m->mu);
	if (status == 0)
		mlc_meter__set_error(m, "POST %s: %s", m->events_url, err);
	else
		mlc_meter__set_error(m, "POST %s: HTTP %ld%s%.120s", m->events_url, status,
		                     resp->len ? ": " : "", resp->len ? resp->ptr : "");
	pthread_mutex_unlock(&m->mu);
}

/* Deliver the pending events of batch positions [lo, hi); 1 when stopped. */
static int send_range(batch *b, size_t lo, size_t hi)
{
	mlc_meter *m = b->m;
	char err[CURL_ERROR_SIZE];
	unsigned attempt = 0;
	long status, retry_after;
	size_t n, mid;
	int r = 0;
	while ((n = build(b, lo, hi)) > 0) {
		if (atomic_load(&m->stop))
			return 1;
		if (n == SIZE_MAX) {
			pthread_mutex_lock(&m->mu);
			mlc_meter__set_error(m, "out of memory building a batch");
			pthread_mutex_unlock(&m->mu);
			if (back_off(m, ++attempt, 0))
				return 1;
			continue;
		}
		http(m, b->h, m->events_url, b->body.ptr, b->body.len, &b->resp, &status, err,
		     &retry_after);
		if (status >= 200 && status < 300) {
			/* a server may also list failures in a 2xx answer: not acknowledged */
			read_failures(b, n);
			answer(b, b->pos, n, &m->sent);
			return 0;
		}
		note(m, status, err, &b->resp);
		if (status == 413 && n > 1) {
			mid = lo + (hi - lo) / 2;
			return send_range(b, lo, mid) || send_range(b, mid, hi);
		}
		if (status == 413 || (status == 400 && (r = read_failures(b, n)) < 0)) {
			answer(b, b->pos, n, &m->rejected);
			return 0;
		}
		if (status == 400 && r == 1) {
			answer(b, b->pos, n, &m->sent);
			return 0;
		}
		pthread_mutex_lock(&m->mu);
		m->retries++;
		pthread_mutex_unlock(&m->mu);
		if (status != 400 && back_off(m, ++attempt, retry_after))
			return 1;
	}
	return 0;
}

/* Wait for work: a full batch, a flush, the flush_ms tick, or stop.
 * Called and returns with m->mu held; 0 when there is nothing left to do. */
static int wait_for_work(mlc_meter *m)
{
	struct timespec ts;
	int rc = 0;
	while (m->count == 0) {
		if (atomic_load(&m->stop))
			return 0;
		pthread_cond_wait(&m->wake, &m->mu);
	}
	mlc_meter__deadline(&ts, mlc_meter__now_ms() + m->flush_ms);
	while (m->count < m->batch && !m->flushing && !atomic_load(&m->stop) && rc == 0)
		rc = pthread_cond_timedwait(&m->wake, &m->mu, &ts);
	return !atomic_load(&m->stop);
}

static int batch_init(batch *b, mlc_meter *m)
{
	memset(b, 0, sizeof(*b));
	b->m = m;
	mlcu_buf_init(&b->body, m->batch * (MLC_EVENT_JSON_MAX + 1));
	mlcu_buf_init(&b->resp, RESPONSE_MAX);
	b->h = curl_easy_init();
	b->state = mlcu_calloc(m->batch, 1);
	b->pos = mlcu_calloc(m->batch, sizeof(*b->pos));
	return b->h && b->state && b->pos ? 0 : -1;
}

static void batch_free(batch *b)
{
	if (b->h)
		curl_easy_cleanup(b->h);
	mlcu_free(b->state);
	mlcu_free(b->pos);
	mlcu_buf_free(&b->body);
	mlcu_buf_free(&b->resp);
}

void *mlc_meter__sender(void *arg)
{
	mlc_meter *m = arg;
	batch b;
	size_t k;
	int ok = batch_init(&b, m) == 0;
	pthread_mutex_lock(&m->mu);
	if (!ok)
		mlc_meter__set_error(m, "the sender thread could not start (out of memory)");
	while (ok && wait_for_work(m)) {
		b.first = m->head;
		b.n = m->count < m->batch ? m->count : m->batch;
		pthread_mutex_unlock(&m->mu);
		memset(b.state, 0, b.n);
		if (send_range(&b, 0, b.n) != 0) {
			pthread_mutex_lock(&m->mu);
			break; /* stopped: what is left is freed with the client */
		}
		pthread_mutex_lock(&m->mu);
		for (k = 0; k < b.n; k++)
			mlcu_free(m->ring[(b.first + k) % m->cap].json);
		m->head = (m->head + b.n) % m->cap;
		m->count -= b.n;
		m->finished += b.n;
		pthread_cond_broadcast(&m->done);
	}
	pthread_mutex_unlock(&m->mu);
	batch_free(&b);
	return NULL;
}

/* ---- budget checks ---- */

static CURL *take_handle(mlc_meter *m)
{
	CURL *h = NULL;
	pthread_mutex_lock(&m->mu);
	if (m->nidle > 0)
		h = m->idle[--m->nidle];
	pthread_mutex_unlock(&m->mu);
	return h ? h : curl_easy_init();
}

static void give_handle(mlc_meter *m, CURL *h)
{
	pthread_mutex_lock(&m->mu);
	if (m->nidle < MLC_METER__IDLE_HANDLES) {
		m->idle[m->nidle++] = h;
		h = NULL;
	}
	pthread_mutex_unlock(&m->mu);
	if (h)
		curl_easy_cleanup(h);
}

void mlc_meter__free_handles(mlc_meter *m)
{
	while (m->nidle > 0)
		curl_easy_cleanup(m->idle[--m->nidle]);
}

static int budget_answer(int *allow, const mlcu_buf *resp, const char *url)
{
	json_t *root = json_loadb(resp->ptr ? resp->ptr : "", resp->len, 0, NULL);
	json_t *v = json_object_get(root, "allow");
	int rc = 0;
	if (json_is_boolean(v))
		*allow = json_is_true(v);
	else
		rc = mlcu_error_set(MLC_EPARSE, "GET %s: the answer has no boolean \"allow\"", url);
	json_decref(root);
	return rc;
}

int mlc_meter_budget_allows(int *allow, mlc_meter *m, const char *model)
{
	char err[CURL_ERROR_SIZE], *esc = NULL, *url = NULL;
	mlcu_buf resp;
	long status, retry_after;
	CURL *h = NULL;
	int rc = MLC_ENOMEM;
	*allow = 1;
	if (m == NULL || model == NULL)
		return mlcu_error_set(MLC_EINVAL, "mlc_meter_budget_allows: no client or model");
	mlcu_buf_init(&resp, RESPONSE_MAX);
	if ((h = take_handle(m)) == NULL || (esc = curl_easy_escape(h, model, 0)) == NULL ||
	    (url = mlcu_malloc(strlen(m->budget_url) + strlen(esc) + 1)) == NULL) {
		mlcu_error_oom();
		goto done;
	}
	strcpy(url, m->budget_url);
	strcat(url, esc);
	http(m, h, url, NULL, 0, &resp, &status, err, &retry_after);
	if (status == 200)
		rc = budget_answer(allow, &resp, url);
	else if (status == 0)
		rc = mlcu_error_set(MLC_ERROR, "GET %s: %s", url, err);
	else
		rc = mlcu_error_set(MLC_ERROR, "GET %s: HTTP %ld", url, status);
done:
	if (rc)
		*allow = 1;
	curl_free(esc);
	mlcu_free(url);
	mlcu_buf_free(&resp);
	if (h)
		give_handle(m, h);
	return rc;
}
