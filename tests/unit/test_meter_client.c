/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the metering client (src/meter_client*.c) against a tiny
 * HTTP server written here with plain sockets on 127.0.0.1: it answers a
 * script of canned responses, one connection per request, and keeps what
 * it was sent. Covered: batching into one NDJSON POST with the bearer
 * token, random ids, retries with the same ids, per-event rejections,
 * 413 splits, drop-newest when the queue is full, flush timeouts, budget
 * checks. Back-off is capped at 20 ms so every test takes well under 2 s.
 */
#define _GNU_SOURCE /* strcasestr */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mlcost.h"
#include "test_support.h"

#define MAXREQ 16

typedef struct reply {
	int status;
	const char *body;
} reply;

typedef struct server {
	int fd, port;
	pthread_t thread;
	atomic_int stop;
	reply script[MAXREQ];
	pthread_mutex_t mu;
	int nreq;
	char line[MAXREQ][512]; /* "POST /v1/events" */
	char auth[MAXREQ][256]; /* the Authorization header's value */
	char body[MAXREQ][16384];
} server;

/* Read one request from c into s's next record. */
static void take_request(server *s, int c)
{
	static char buf[1 << 16];
	size_t len = 0, want = 0, head = 0;
	ssize_t r;
	char *end, *h;
	int k;
	while (len < sizeof(buf) - 1 && (r = read(c, buf + len, sizeof(buf) - 1 - len)) > 0) {
		len += (size_t)r;
		buf[len] = '\0';
		if (!head && (end = strstr(buf, "\r\n\r\n")) != NULL) {
			head = (size_t)(end - buf) + 4;
			h = strcasestr(buf, "\r\nContent-Length:");
			want = h && h < end ? (size_t)strtoul(h + 17, NULL, 10) : 0;
		}
		if (head && len >= head + want)
			break;
	}
	pthread_mutex_lock(&s->mu);
	k = s->nreq < MAXREQ ? s->nreq : MAXREQ - 1;
	sscanf(buf, "%511[^ ] %*s", s->line[k]);
	h = strchr(buf, ' ');
	if (h)
		snprintf(s->line[k] + strlen(s->line[k]), sizeof(s->line[k]) - strlen(s->line[k]),
		         " %.*s", (int)strcspn(h + 1, " "), h + 1);
	s->auth[k][0] = '\0';
	if ((h = strcasestr(buf, "\r\nAuthorization: ")) != NULL)
		snprintf(s->auth[k], sizeof(s->auth[k]), "%.*s", (int)strcspn(h + 17, "\r"),
		         h + 17);
	snprintf(s->body[k], sizeof(s->body[k]), "%s", head ? buf + head : "");
	s->nreq++;
	pthread_mutex_unlock(&s->mu);
}

static void *serve(void *arg)
{
	server *s = arg;
	char out[2048];
	while (!atomic_load(&s->stop)) {
		struct pollfd p = {s->fd, POLLIN, 0};
		int c, k, n;
		reply rp;
		if (poll(&p, 1, 20) <= 0)
			continue;
		if ((c = accept(s->fd, NULL, NULL)) < 0)
			continue;
		take_request(s, c);
		pthread_mutex_lock(&s->mu);
		k = s->nreq - 1;
		rp = k < MAXREQ && s->script[k].status ? s->script[k] : (reply){200, "{}"};
		pthread_mutex_unlock(&s->mu);
		n = snprintf(out, sizeof(out),
		             "HTTP/1.1 %d X\r\nContent-Type: application/json\r\n"
		             "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
		             rp.status, strlen(rp.body), rp.body);
		if (write(c, out, (size_t)n) != n)
			fprintf(stderr, "test server: short write\n");
		close(c);
	}
	return NULL;
}

static server *server_start(const reply *script, int n)
{
	server *s = calloc(1, sizeof(*s));
	struct sockaddr_in a;
	socklen_t al = sizeof(a);
	int one = 1;
	assert_non_null(s);
	if (n > 0)
		memcpy(s->script, script, (size_t)n * sizeof(*script));
	pthread_mutex_init(&s->mu, NULL);
	s->fd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s->fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(s->fd, 16), 0);
	getsockname(s->fd, (struct sockaddr *)&a, &al);
	s->port = ntohs(a.sin_port);
	assert_int_equal(pthread_create(&s->thread, NULL, serve, s), 0);
	return s;
}

static void server_stop(server *s)
{
	atomic_store(&s->stop, 1);
	pthread_join(s->thread, NULL);
	close(s->fd);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

static mlc_meter *client(int port, size_t queue, size_t batch)
{
	mlc_meter_options o = MLC_METER_OPTIONS_INIT;
	mlc_meter *m = NULL;
	char url[64];
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", port);
	o.url = url;
	o.token = "t0k";
	o.queue_events = queue;
	o.batch_events = batch;
	o.flush_ms = 10000; /* only a full batch or a flush sends: deterministic batches */
	o.timeout_ms = 1000;
	o.retry_max_ms = 20;
	assert_int_equal(mlc_meter_new(&m, &o), 0);
	return m;
}

static void record(mlc_meter *m, const char *id, uint64_t requests)
{
	mlc_event ev;
	mlc_event_init(&ev);
	ev.id = id;
	ev.model = "fraud";
	ev.requests = requests;
	assert_int_equal(mlc_meter_record(m, &ev), 0);
}

static int count_lines(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* The id of line k (0-based) of an NDJSON body, in out. */
static void id_of_line(char *out, const char *body, int k)
{
	const char *p = body, *q;
	while (k-- > 0)
		p = strchr(p, '\n') + 1;
	p = strstr(p, "\"id\":\"") + 6;
	q = strchr(p, '"');
	snprintf(out, 64, "%.*s", (int)(q - p), p);
}

static void sends_one_batch(void **state)
{
	server *s = server_start(NULL, 0);
	mlc_meter *m = client(s->port, 100, 100);
	mlc_meter_stats st;
	char a[64], b[64], c[64];
	(void)state;
	record(m, "a1", 1);
	record(m, NULL, 2);
	record(m, "", 3);
	assert_int_equal(mlc_meter_flush(m, 2000), 0);
	mlc_meter_get_stats(&st, m);
	assert_true(st.recorded == 3 && st.sent == 3 && st.pending == 0 && st.retries == 0);
	assert_true(st.rejected == 0 && st.dropped == 0);
	assert_int_equal(s->nreq, 1);
	assert_string_equal(s->line[0], "POST /v1/events");
	assert_string_equal(s->auth[0], "Bearer t0k");
	assert_int_equal(count_lines(s->body[0]), 3);
	assert_int_equal(strncmp(s->body[0], "{\"id\":\"a1\",\"model\":\"fraud\"}\n", 28), 0);
	/* events without an id got 32 hex digits, different ones */
	id_of_line(b, s->body[0], 1);
	id_of_line(c, s->body[0], 2);
	assert_int_equal(strlen(b), 32);
	assert_int_equal(strspn(b, "0123456789abcdef"), 32);
	assert_int_equal(strlen(c), 32);
	assert_string_not_equal(b, c);
	id_of_line(a, s->body[0], 0);
	assert_string_equal(a, "a1");
	mlc_meter_free(m);
	server_stop(s);
}

static void retries_with_the_same_ids(void **state)
{
	const reply script[] = {{503, "{\"error\":\"busy\"}"}, {500, ""}, {200, "{}"}};
	server *s = server_start(script, 3);
	mlc_meter *m = client(s->port, 100, 100);
	mlc_meter_stats st;
	(void)state;
	record(m, NULL, 1);
	record(m, NULL, 1);
	assert_int_equal(mlc_meter_flush(m, 2000), 0);
	mlc_meter_get_stats(&st, m);
	assert_true(st.sent == 2 && st.retries == 2 && st.pending == 0);
	assert_int_equal(s->nreq, 3);
	/* at-least-once: the very same bytes, ids included, every time */
	assert_string_equal(s->body[0], s->body[1]);
	assert_string_equal(s->body[1], s->body[2]);
	assert_int_equal(count_lines(s->body[2]), 2);
	mlc_meter_free(m);
	server_stop(s);
}

static void rejected_events_are_not_resent(void **state)
{
	/* the server kept events 0 and 2 and refused event 1 */
	const reply kept[] = {{400, "{\"accepted\":2,\"duplicates\":0,\"failed\":[{\"index\":1,"
	                            "\"error\":\"field 'requests': must not be negative\"}]}"}};
	/* an all-or-nothing server kept nothing: the other two go again */
	const reply none[] = {{400, "{\"accepted\":0,\"duplicates\":0,\"failed\":[{\"index\":1,"
	                            "\"error\":\"bad\"}]}"},
	                      {200, "{\"accepted\":2,\"duplicates\":0,\"failed\":[]}"}};
	server *s = server_start(kept, 1);
	mlc_meter *m = client(s->port, 100, 100);
	mlc_meter_stats st;
	char id0[64], id2[64], got0[64], got1[64];
	(void)state;
	record(m, "e0", 1);
	record(m, "e1", 1);
	record(m, "e2", 1);
	assert_int_equal(mlc_meter_flush(m, 2000), 0);
	mlc_meter_get_stats(&st, m);
	assert_true(st.sent == 2 && st.rejected == 1 && st.retries == 0 && s->nreq == 1);
	mlc_meter_free(m);
	server_stop(s);

	s = server_start(none, 2);
	m = client(s->port, 100, 100);
	record(m, NULL, 1);
	record(m, NULL, 1);
	record(m, NULL, 1);
	assert_int_equal(mlc_meter_flush(m, 2000), 0);
	mlc_meter_get_stats(&st, m);
	assert_true(st.sent == 2 && st.rejected == 1 && st.retries == 1 && s->nreq == 2);
	id_of_line(id0, s->body[0], 0);
	id_of_line(id2, s->body[0], 2);
	id_of_line(got0, s->body[1], 0);
	id_of_line(got1, s->body[1], 1);
	assert_int_equal(count_lines(s->body[1]), 2);
	assert_string_equal(got0, id0);
	assert_string_equal(got1, id2);
	mlc_meter_free(m);
	server_stop(s);
}

static void a_body_refused_whole_is_rejected(void **state)
{
	const reply script[] = {{400, "input:1:2: expected a value"}};
	server *s = server_start(script, 1);
	mlc_meter *m = client(s->port, 100, 100);
	mlc_meter_stats st;
	(void)state;
	record(m, NULL, 1);
	record(m, NULL, 1);
	/* flush succeeds: nothing is pending; the counters tell what happened */
	assert_int_equal(mlc_meter_flush(m, 2000), 0);
	mlc_meter_get_stats(&st, m);
	assert_true(st.sent == 0 && st.rejected == 2 && s->nreq == 1);
	mlc_meter_free(m);
	server_stop(s);
}

static void the_tick_sends_without_a_flush(void **state)
{
	mlc_meter_options o = MLC_METER_OPTIONS_INIT;
	server *s = server_start(NULL, 0);
	mlc_meter *m = NULL;
	mlc_meter_stats st;
	char url[64];
	int waited;
	(void)state;
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", s->port);
	o.url = url;
	o.flush_ms = 20;
	assert_int_equal(mlc_meter_new(&m, &o), 0);
	record(m, "tick", 1);
	/* within flush_ms (20 ms) plus a request; give it up to 1.5 s */
	for (waited = 0; waited < 1500; waited += 10) {
		mlc_meter_get_stats(&st, m);
		if (st.sent == 1)
			break;
		usleep(10000);
	}
	assert_true(st.sent == 1 && st.pending == 0);
	assert_int_equal(s->nreq, 1);
	assert_string_equal(s->auth[0], ""); /* no token, no header */
	mlc_meter_free(m);
	server_stop(s);
}

static void failures_in_a_2xx_answer_count(void **state)
{
	const reply script[] = {{202, "{\"accepted\":1,\"duplicates\":0,\"failed\":[{\"index\":0,"
	                              "\"error\":\"field 'instance': unknown resource 'x'\"}]}"}};
	server *s = server_start(script, 1);
	mlc_meter *m = client(s->port, 100, 100);
	mlc_meter_stats st;
	(void)state;
	record(m, NULL, 1);
	record(m, NULL, 1);
	assert_int_equal(mlc_meter_flush(m, 2000), 0);
	mlc_meter_get_stats(&st, m);
	assert_true(st.sent == 1 && st.rejected == 1 && st.retries == 0 && s->nreq == 1);
	mlc_meter_free(m);
	server_stop(s);
}

static void too_large_splits(void **state)
{
	const reply script[] = {{413, ""}, {200, "{}"}, {413, ""}, {200, "{}"}, {413, ""}};
	server *s = server_start(script, 5);
	mlc_meter *m = client(s->port, 100, 4);
	mlc_meter_stats st;
	(void)state;
	/* four events fill a batch: 4 -> 413 -> [2: ok] [2: 413 -> [1: ok] [1: 413 = rejected]] */
	record(m, NULL, 1);
	record(m, NULL, 1);
	record(m, NULL, 1);
	record(m, NULL, 1);
	assert_int_equal(mlc_meter_flush(m, 2000), 0);
	mlc_meter_get_stats(&st, m);
	assert_int_equal(s->nreq, 5);
	assert_int_equal(count_lines(s->body[0]), 4);
	assert_int_equal(count_lines(s->body[1]), 2);
	assert_int_equal(count_lines(s->body[2]), 2);
	assert_int_equal(count_lines(s->body[3]), 1);
	assert_int_equal(count_lines(s->body[4]), 1);
	assert_true(st.sent == 3 && st.rejected == 1 && st.retries == 0);
	mlc_meter_free(m);
	server_stop(s);
}

static void a_full_queue_drops_the_newest(void **state)
{
	mlc_meter_options o = MLC_METER_OPTIONS_INIT;
	mlc_meter *m = NULL;
	mlc_meter_stats st;
	mlc_event ev;
	struct sockaddr_in a;
	socklen_t al = sizeof(a);
	char url[64];
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	(void)state;
	/* a port nobody listens on: every POST fails and is retried */
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	getsockname(fd, (struct sockaddr *)&a, &al);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", ntohs(a.sin_port));
	close(fd);
	o.url = url;
	o.queue_events = 2;
	o.timeout_ms = 100;
	o.retry_max_ms = 20;
	assert_int_equal(mlc_meter_new(&m, &o), 0);
	record(m, "first", 1);
	record(m, "second", 1);
	mlc_event_init(&ev);
	ev.id = "third";
	assert_int_equal(mlc_meter_record(m, &ev), MLC_ETOOLARGE);
	assert_string_equal(mlc_error_message(), "metering queue full (2 events): event dropped");
	mlc_meter_get_stats(&st, m);
	assert_true(st.recorded == 2 && st.dropped == 1 && st.pending == 2 && st.sent == 0);
	assert_int_equal(mlc_meter_flush(m, 50), MLC_ERROR);
	assert_non_null(strstr(mlc_error_message(), "metering flush: 2 events still pending "
	                                            "after 50 ms"));
	/* free gives up after timeout_ms and frees what is left */
	mlc_meter_free(m);
}

static void checks_budgets(void **state)
{
	const reply script[] = {{200, "{\"allow\":false,\"model\":\"a/b c\"}"},
	                        {200, "{\"allow\":true}"},
	                        {503, ""},
	                        {200, "{\"allow\":\"yes\"}"}};
	server *s = server_start(script, 4);
	mlc_meter *m = client(s->port, 10, 10);
	int allow = -1;
	(void)state;
	assert_int_equal(mlc_meter_budget_allows(&allow, m, "a/b c"), 0);
	assert_int_equal(allow, 0);
	assert_string_equal(s->line[0], "GET /v1/budgets/check?model=a%2Fb%20c");
	assert_string_equal(s->auth[0], "Bearer t0k");
	assert_int_equal(mlc_meter_budget_allows(&allow, m, "fraud"), 0);
	assert_int_equal(allow, 1);
	/* failures fail open */
	allow = 0;
	assert_int_equal(mlc_meter_budget_allows(&allow, m, "fraud"), MLC_ERROR);
	assert_int_equal(allow, 1);
	assert_non_null(strstr(mlc_error_message(), "HTTP 503"));
	assert_int_equal(mlc_meter_budget_allows(&allow, m, "fraud"), MLC_EPARSE);
	assert_int_equal(allow, 1);
	mlc_meter_free(m);
	server_stop(s);
}

static void refuses_bad_input(void **state)
{
	mlc_meter_options o = MLC_METER_OPTIONS_INIT;
	mlc_meter *m = NULL;
	mlc_event ev;
	char longer[MLC_EVENT_MAX_TEXT + 2];
	server *s = server_start(NULL, 0);
	(void)state;
	assert_int_equal(mlc_meter_new(&m, &o), MLC_EINVAL); /* no url */
	o.url = "ftp://x";
	assert_int_equal(mlc_meter_new(&m, &o), MLC_EINVAL);
	assert_null(m);
	m = client(s->port, 10, 10);
	memset(longer, 'x', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	mlc_event_init(&ev);
	ev.model = longer;
	assert_int_equal(mlc_meter_record(m, &ev), MLC_EINVAL);
	mlc_event_init(&ev);
	ev.compute_seconds = -1;
	assert_int_equal(mlc_meter_record(m, &ev), MLC_EINVAL);
	/* what was recorded is delivered by free */
	record(m, "last", 1);
	mlc_meter_free(m);
	assert_int_equal(s->nreq, 1);
	assert_string_equal(s->body[0], "{\"id\":\"last\",\"model\":\"fraud\"}\n");
	mlc_meter_free(NULL);
	server_stop(s);
}

static void new_fails_cleanly(void **state)
{
	mlc_meter_options o = MLC_METER_OPTIONS_INIT;
	mlc_meter *m = NULL;
	long n;
	(void)state;
	o.url = "http://127.0.0.1:9";
	o.token = "t";
	/* the client, its ring, two URLs and the header: five allocations before the
	 * thread starts; each failing one is ENOMEM with nothing left behind */
	for (n = 0; n < 5; n++) {
		test_fail_allocation(n);
		assert_int_equal(mlc_meter_new(&m, &o), MLC_ENOMEM);
		assert_null(m);
		assert_int_equal(test_alloc_live, 0);
		test_restore_allocator();
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(sends_one_batch),
	    cmocka_unit_test(retries_with_the_same_ids),
	    cmocka_unit_test(rejected_events_are_not_resent),
	    cmocka_unit_test(a_body_refused_whole_is_rejected),
	    cmocka_unit_test(the_tick_sends_without_a_flush),
	    cmocka_unit_test(failures_in_a_2xx_answer_count),
	    cmocka_unit_test(too_large_splits),
	    cmocka_unit_test(a_full_queue_drops_the_newest),
	    cmocka_unit_test(checks_budgets),
	    cmocka_unit_test(refuses_bad_input),
	    cmocka_unit_test(new_fails_cleanly),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
