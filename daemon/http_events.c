/* SPDX-License-Identifier: MIT */
/*
 * http_events.c - POST /v1/events: parse the body (mlc_events_parse: an
 * object, an array, NDJSON or CloudEvents), check each event (an id, a
 * team the token may send for), price it with the catalog in force
 * (mlc_event_price: never re-priced later), then log the valid ones with
 * mlcd_engine_append_async, whose callback comes once they are on disk
 * (from the log's writer thread), and only then answer 200
 * {"accepted","duplicates","failed":[{index,id,error}]}. Meanwhile the
 * connection is parked (mlcd_async), not a thread: one sync answers every
 * request that arrived during the previous one.
 *
 * A JSON syntax error refuses the whole body (400 with line, column and
 * byte offset), so a client never has to guess which half went in. A
 * batch where nothing is valid is 400 (403 when every event was refused
 * for its team). A failure to log is 503: nothing of the batch counted,
 * and the client retries with the same ids (the engine refuses every
 * append after a failed sync, so the replica's /healthz turns 503 too).
 */
#include "serve_error.h"
#include "serve_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct arena_block {
	struct arena_block *next;
	size_t used, cap;
	char data[];
} arena_block;

typedef struct ingest {
	const mlcd_token *token;
	const mlc_catalog *catalog;
	int64_t now;
	mlcd_event *evs;
	size_t n, cap, max;
	size_t arena_hint; /* the first block's size: the strings come from the body */
	arena_block *arena;
	mlcd_buf failed; /* the items of "failed", comma separated */
	size_t nfailed, reasons[MLCD_REJECT_COUNT];
	int oom;
	/* while the log syncs */
	unsigned char *status; /* of each kept event */
	mlcd_response *rs;
	mlcd_live *live;
	mlcd_async as;
} ingest;

static char *arena_dup(ingest *in, const char *s)
{
	size_t n;
	arena_block *b = in->arena;
	char *p;
	if (!s)
		return NULL;
	n = strlen(s) + 1;
	if (!b || b->cap - b->used < n) {
		size_t cap = b ? 65536 : in->arena_hint;
		if (cap < n)
			cap = n;
		if (!(b = malloc(sizeof(*b) + cap)))
			return NULL;
		b->next = in->arena, b->used = 0, b->cap = cap;
		in->arena = b;
	}
	p = b->data + b->used;
	memcpy(p, s, n);
	b->used += n;
	return p;
}

static void arena_free(arena_block *b)
{
	while (b) {
		arena_block *next = b->next;
		free(b);
		b = next;
	}
}

static void fail(ingest *in, size_t index, const char *id, int reason, const char *msg)
{
	if (in->nfailed++)
		mlcd_buf_puts(&in->failed, ",");
	mlcd_buf_printf(&in->failed, "{\"index\":%zu", index);
	if (id) {
		mlcd_buf_puts(&in->failed, ",\"id\":");
		mlcd_json_str(&in->failed, id);
	}
	mlcd_buf_puts(&in->failed, ",\"error\":");
	mlcd_json_str(&in->failed, msg);
	mlcd_buf_puts(&in->failed, "}");
	in->reasons[reason]++;
}

/* Copy ev with its strings into the batch. */
static int keep(ingest *in, const mlc_event *ev, mlc_amount cost)
{
	mlcd_event *e;
	if (in->n == in->cap) {
		size_t cap = in->cap ? in->cap * 2 : 64;
		mlcd_event *v = realloc(in->evs, cap * sizeof(*v));
		if (!v)
			return -1;
		in->evs = v, in->cap = cap;
	}
	e = &in->evs[in->n];
	e->ev = *ev;
	e->cost = cost;
	e->received = in->now;
	if (!ev->has_time)
		e->ev.time = in->now, e->ev.has_time = 1;
	if (!(e->ev.id = arena_dup(in, ev->id)) ||
	    (ev->model && !(e->ev.model = arena_dup(in, ev->model))) ||
	    (ev->version && !(e->ev.version = arena_dup(in, ev->version))) ||
	    (ev->team && !(e->ev.team = arena_dup(in, ev->team))) ||
	    (ev->endpoint && !(e->ev.endpoint = arena_dup(in, ev->endpoint))) ||
	    (ev->instance && !(e->ev.instance = arena_dup(in, ev->instance))) ||
	    (ev->llm_model && !(e->ev.llm_model = arena_dup(in, ev->llm_model))))
		return -1;
	in->n++;
	return 0;
}

static int on_event(const mlc_event *ev, size_t index, void *ctx)
{
	ingest *in = ctx;
	mlc_amount cost;
	char msg[1200];
	if (!ev->id || !*ev->id) {
		fail(in, index, NULL, MLCD_REJECT_INVALID,
		     "missing id (every event needs one, so a "
		     "retry is not counted twice)");
		return 0;
	}
	if (ev->requests >= (1ull << 63) || ev->input_tokens >= (1ull << 63) ||
	    ev->output_tokens >= (1ull << 63) || ev->cached_input_tokens >= (1ull << 63) ||
	    ev->bytes_out >= (1ull << 63) || (ev->has_time && ev->time < 0)) {
		/* the engine keeps counters below 2^63 and times after 1970: refuse this event,
		 * not the whole batch at append */
		fail(in, index, ev->id, MLCD_REJECT_INVALID,
		     "a counter at or above 2^63, or a "
		     "time before 1970");
		return 0;
	}
	if (!mlcd_auth_team_allowed(in->token, ev->team)) {
		if (ev->team)
			snprintf(msg, sizeof(msg), "team '%s' is not allowed for this token",
			         ev->team);
		else
			snprintf(msg, sizeof(msg),
			         "no team: this token may only send events of its "
			         "teams");
		fail(in, index, ev->id, MLCD_REJECT_FORBIDDEN, msg);
		return 0;
	}
	if (mlc_event_price(&cost, ev, in->catalog) != 0) {
		fail(in, index, ev->id, MLCD_REJECT_PRICING, mlc_error_message());
		return 0;
	}
	if (keep(in, ev, cost)) {
		in->oom = 1;
		return MLC_ENOMEM;
	}
	return 0;
}

static int on_reject(size_t index, const char *message, void *ctx)
{
	fail(ctx, index, NULL, MLCD_REJECT_INVALID, message);
	return 0;
}

/* 400 {"error","line","column","offset"} from "body:LINE:COL: message". */
static void syntax_error(mlcd_response *rs, const char *msg, size_t offset)
{
	unsigned line = 0, col = 0;
	int used = 0;
	if (!strncmp(msg, "body:", 5) && sscanf(msg + 5, "%u:%u: %n", &line, &col, &used) == 2 &&
	    used > 0)
		msg += 5 + used;
	rs->status = 400;
	mlcd_buf_reset(&rs->body);
	mlcd_buf_puts(&rs->body, "{\"error\":");
	mlcd_json_str(&rs->body, msg);
	mlcd_buf_printf(&rs->body, ",\"line\":%u,\"column\":%u,\"offset\":%zu}\n", line, col,
	                offset);
}

static void answer(mlcd_response *rs, const ingest *in, const unsigned char *status)
{
	size_t i, dups = 0;
	for (i = 0; i < in->n; i++)
		dups += status[i] == MLCD_DUPLICATE;
	if (in->n == 0 && in->nfailed)
		rs->status = in->reasons[MLCD_REJECT_FORBIDDEN] == in->nfailed ? 403 : 400;
	mlcd_buf_printf(&rs->body, "{\"accepted\":%zu,\"duplicates\":%zu,\"failed\":[",
	                in->n - dups, dups);
	mlcd_buf_add(&rs->body, in->failed.data ? in->failed.data : "", in->failed.len);
	mlcd_buf_puts(&rs->body, "]}\n");
}

/* Nothing of the batch counted: say why, and whether a retry can help. */
static void append_failed(mlcd_response *rs, int rc, size_t n)
{
	const char *why = mlcd_engine_error();
	mlcd_log("ingest: logging %zu events failed: %s", n, why);
	if (rc == MLC_EINVAL)
		mlcd_response_error(rs, 400, "%s", why);
	else
		mlcd_response_error(rs, 503,
		                    "the events could not be logged (%s); none of this "
		                    "batch was counted: retry with the same ids",
		                    why);
}

/* Parse and price the body into in; 0, or the response is already an error. */
static int collect(ingest *in, const mlcd_request *rq, mlcd_response *rs)
{
	mlc_events_parse_options po = MLC_EVENTS_PARSE_OPTIONS_INIT;
	size_t offset = 0;
	int rc;
	po.max_events = in->max;
	po.name = "body";
	rc = mlc_events_parse(rq->body ? rq->body : "", rq->body_len, &po, on_event, on_reject, in,
	                      &offset);
	if (rc == 0 && !in->failed.failed)
		return 0;
	if (in->oom || rc == MLC_ENOMEM || in->failed.failed)
		mlcd_response_error(rs, 500, "out of memory");
	else if (rc == MLC_EPARSE)
		syntax_error(rs, mlc_error_message(), offset);
	else if (rc == MLC_ETOOLARGE)
		mlcd_response_error(rs, 413, "%s", mlc_error_message());
	else
		mlcd_response_error(rs, 500, "%s", mlc_error_message());
	return -1;
}

static void ingest_free(ingest *in)
{
	free(in->status);
	free(in->evs);
	arena_free(in->arena);
	mlcd_buf_free(&in->failed);
	mlcd_live_release(in->live);
	free(in);
}

/* The engine's callback: the kept events are durable (rc 0) or not counted. */
static void logged(void *ctx, int rc)
{
	ingest *in = ctx;
	mlcd_async as = in->as;
	if (rc != 0)
		append_failed(in->rs, rc, in->n);
	else
		answer(in->rs, in, in->status);
	ingest_free(in);
	as.done(as.ctx); /* last: the server may send rs and free it at once */
}

int mlcd_handle_events_async(mlcd_server *s, const mlcd_request *rq, mlcd_response *rs,
                             const mlcd_async *as)
{
	ingest *in = calloc(1, sizeof(*in));
	int rc;
	if (!in) {
		mlcd_response_error(rs, 500, "out of memory");
		return 0;
	}
	in->live = mlcd_live_acquire(s);
	in->token = rq->token, in->catalog = in->live->catalog, in->rs = rs, in->as = *as;
	in->now = (int64_t)rq->now, in->max = s->cfg->max_events_per_request;
	/* every text of an event is a JSON string of the body, quotes included, so the body's size
	 * bounds them all, NULs included: a single-event POST needs no 64 KiB block */
	in->arena_hint = rq->body_len < 65536 - 64 ? rq->body_len + 64 : 65536;
	mlcd_buf_init(&in->failed, MLCD_RESPONSE_MAX / 2);
	if (collect(in, rq, rs))
		goto done;
	for (rc = 0; rc < MLCD_REJECT_COUNT; rc++)
		mlcd_metrics_reject(s->metrics, rc, in->reasons[rc]);
	if (in->n == 0) {
		answer(rs, in, NULL);
		goto done;
	}
	if (!(in->status = calloc(in->n, 1))) {
		mlcd_response_error(rs, 500, "out of memory");
		goto done;
	}
	as->begin(as->ctx);
	/* from here in belongs to logged(), which may run on another thread at once */
	if ((rc = mlcd_engine_append_async(s->engine, in->evs, in->n, in->status, logged, in)))
		logged(in, rc);
	return 1;
done:
	ingest_free(in);
	return 0;
}

/* The blocking form (tests, and any caller without a connection to park). */
typedef struct answer_wait {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int done;
} answer_wait;

static void no_begin(void *ctx)
{
	(void)ctx;
}

static void answered(void *ctx)
{
	answer_wait *w = ctx;
	pthread_mutex_lock(&w->mu);
	w->done = 1;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

int mlcd_handle_events(mlcd_server *s, const mlcd_request *rq, mlcd_response *rs)
{
	answer_wait w;
	mlcd_async as = {no_begin, answered, &w};
	memset(&w, 0, sizeof(w));
	pthread_mutex_init(&w.mu, NULL);
	pthread_cond_init(&w.cv, NULL);
	if (mlcd_handle_events_async(s, rq, rs, &as) == 1) {
		pthread_mutex_lock(&w.mu);
		while (!w.done)
			pthread_cond_wait(&w.cv, &w.mu);
		pthread_mutex_unlock(&w.mu);
	}
	pthread_cond_destroy(&w.cv);
	pthread_mutex_destroy(&w.mu);
	return 0;
}
