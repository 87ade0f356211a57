/* SPDX-License-Identifier: MIT */
/*
 * mlcost/meter.h - metering of inference events (SPEC §8): the event
 * format, its parser (JSON object, array, NDJSON, CloudEvents 1.0
 * structured JSON), pricing an event at ingest from a catalog, and the
 * client that serving code links to send events to `mlcost serve`.
 *
 * What it is not: the server (daemon/), its write-ahead log or its store.
 * See docs/events.md for the event fields, the body shapes, the messages
 * and how an event is priced.
 */
#ifndef MLCOST_METER_H
#define MLCOST_METER_H

#include <stddef.h>
#include <stdint.h>

#include "bills.h"
#include "common.h"
#include "pricing.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- events ---------------------------------------------------------------------------- */

/** Limits the parser enforces: past them an event is rejected (text, numbers) or the
 * body fails (MLC_EPARSE for depth; MLC_ETOOLARGE for max_events). */
#define MLC_EVENT_MAX_TEXT   256 /**< bytes of any text field (id, model, ...) */
#define MLC_EVENT_MAX_DEPTH  64  /**< nesting of JSON arrays and objects */
#define MLC_EVENT_MAX_NUMBER 128 /**< characters of a number in an event field */
/** Text fields of an event, and the buffer mlc_event_copy may need. */
#define MLC_EVENT_TEXT_FIELDS 7
#define MLC_EVENT_COPY_MAX    (MLC_EVENT_TEXT_FIELDS * (MLC_EVENT_MAX_TEXT + 1))

/**
 * One inference event. Text fields are NULL when absent (an empty string in
 * JSON is absent too); numbers are 0 when absent (has_* says whether
 * cost_usd / time were given). Numbers are never negative. In a parsed
 * event all pointers are borrowed from the parser for the callback's
 * duration (mlc_event_copy keeps one). input_tokens excludes the cached
 * ones: input, cached input and output are three disjoint counts.
 */
typedef struct mlc_event {
	const char *id;    /**< idempotency key; required by the server */
	int64_t time;      /**< event time, UTC seconds (RFC 3339 text in JSON) */
	int has_time;      /**< 0: the server uses the time it received the event */
	const char *model; /**< model_id */
	const char *version, *team, *endpoint;
	uint64_t requests;         /**< predictions this event stands for; default 1 */
	const char *instance;      /**< catalog resource, for compute pricing */
	mlc_pricing_model pricing; /**< default on_demand */
	double compute_seconds;    /**< instance-seconds used */
	double gpu_seconds;        /**< GPU-seconds used (priced when compute_seconds is 0) */
	uint64_t input_tokens, output_tokens, cached_input_tokens;
	const char *llm_model; /**< catalog LLM, for token pricing */
	uint64_t bytes_out;
	double latency_ms;
	mlc_amount cost_usd; /**< explicit cost, exact */
	int has_cost_usd;
} mlc_event;

/** mlc_event with defaults (requests 1, on_demand, nothing else set). */
MLC_EXTERN void mlc_event_init(mlc_event *ev);

/**
 * Copy ev into *out, its text into buf[0..cap), so that an event handed
 * to a parse callback can be kept. Returns the bytes the text needs
 * (at most MLC_EVENT_COPY_MAX for an event within the limits); when that
 * is more than cap nothing is written.
 */
MLC_EXTERN size_t mlc_event_copy(mlc_event *out, char *buf, size_t cap, const mlc_event *ev);

/**
 * Check an event built by hand against the rules the parser applies: text
 * at most MLC_EVENT_MAX_TEXT bytes of valid UTF-8 without control
 * characters, finite non-negative numbers, a known pricing model, a time
 * within the years 0001-9999. MLC_EINVAL with a message naming the field.
 */
MLC_EXTERN int mlc_event_check(const mlc_event *ev);

/**
 * Called for each event of a body, in order; index is 0-based. A non-zero
 * return stops the parse and is returned by it.
 */
typedef int (*mlc_event_fn)(const mlc_event *ev, size_t index, void *ctx);

/**
 * Called for an event that is well-formed JSON but not a valid event
 * (unknown, duplicate or mistyped field, negative number, unknown pricing
 * model, text too long, not an object): the message names the field, e.g.
 * "field 'requests': must not be negative". Parsing goes on with the next
 * event. A non-zero return stops the parse and is returned by it. May be
 * NULL (rejected events are then skipped silently).
 */
typedef int (*mlc_event_reject_fn)(size_t index, const char *message, void *ctx);

typedef struct mlc_events_parse_options {
	unsigned version;
	size_t max_events; /**< more events than this: MLC_ETOOLARGE; 0 = 100000 */
	const char *name;  /**< name in messages, e.g. "body"; NULL = "input" */
} mlc_events_parse_options;

#define MLC_EVENTS_PARSE_OPTIONS_VERSION 1
#define MLC_EVENTS_PARSE_OPTIONS_INIT                                                              \
	{                                                                                          \
		MLC_EVENTS_PARSE_OPTIONS_VERSION, 0, NULL                                          \
	}

/**
 * Parse a request body holding one event object, a JSON array of them,
 * NDJSON (one object per line; blank lines skipped), or CloudEvents 1.0
 * structured JSON (an object with "specversion" and the event in "data";
 * its "id" and "time" are used when data has none), or an array or NDJSON
 * of CloudEvents. Unknown event fields are rejected (a typo must not
 * silently price an event at zero). JSON syntax errors fail the whole
 * body with MLC_EPARSE and a message "NAME:LINE:COL: message" (positions
 * 1-based, columns in bytes) and *out_offset (may be NULL) set to the byte
 * offset; events already passed to fn stay passed, so callers that need
 * all-or-nothing collect them first. More than max_events events:
 * MLC_ETOOLARGE, nothing past the limit is passed. opts may be NULL; fn
 * may be NULL (validate only). Never allocates; reentrant.
 */
MLC_EXTERN int mlc_events_parse(const char *body, size_t len, const mlc_events_parse_options *opts,
                                mlc_event_fn fn, mlc_event_reject_fn reject, void *ctx,
                                size_t *out_offset);

/**
 * The cost of an event, exact: cost_usd when given; otherwise the sum of
 *   compute_seconds x the instance's hourly price under ev->pricing / 3600
 *     (or, when compute_seconds is 0, gpu_seconds x that price / 3600 /
 *     the instance's gpus: a GPU-second of a per-GPU-hour resource such as
 *     builtin:gpu-2026-02, whose gpus is 1, or a GPU's share of a
 *     multi-GPU instance),
 *   input, cached input and output tokens x the llm_model's token prices
 *     (cached tokens at the input price when the catalog has no cached one).
 * Usage without its resource (seconds without instance, tokens without
 * llm_model) is not priced; an event with neither is free (cost 0). A
 * named instance or LLM is always looked up: MLC_ENOTFOUND (unknown, with
 * the nearest names) or MLC_EPARSE (price not offered under that pricing
 * model, gpu_seconds on an instance without GPUs). Catalog prices are
 * taken as decimals of 12 significant digits; each part is rounded
 * half-even to 10^-12, then added (docs/events.md). MLC_EINVAL for an
 * event that fails mlc_event_check, MLC_ETOOLARGE past 10^24 USD.
 */
MLC_EXTERN int mlc_event_price(mlc_amount *out, const mlc_event *ev, const mlc_catalog *cat);

/**
 * Write ev as one compact JSON object (the format mlc_events_parse reads)
 * into out: snprintf-like, returns the full length (MLC_EVENT_JSON_MAX
 * always suffices for an event that passes mlc_event_check). Fields at
 * their defaults are left out; the time is RFC 3339 text, cost_usd its
 * exact decimal. For a checked event, parsing the text gives the event back.
 */
#define MLC_EVENT_JSON_MAX 8192
MLC_EXTERN size_t mlc_event_to_json(char *out, size_t cap, const mlc_event *ev);

/* ---- the client: serving code sends events to `mlcost serve` --------------------------- */

typedef struct mlc_meter mlc_meter;

typedef struct mlc_meter_options {
	unsigned version;
	const char *url;       /**< the server, e.g. "http://127.0.0.1:9464"; required */
	const char *token;     /**< bearer token with scope ingest, or NULL */
	size_t queue_events;   /**< events buffered at most; 0 = 65536 */
	size_t batch_events;   /**< events per POST at most; 0 = 1000 */
	unsigned flush_ms;     /**< send at least this often; 0 = 200 */
	unsigned timeout_ms;   /**< per request; 0 = 5000 */
	unsigned retry_max_ms; /**< back-off cap between retries; 0 = 5000 */
} mlc_meter_options;

#define MLC_METER_OPTIONS_VERSION 1
#define MLC_METER_OPTIONS_INIT                                                                     \
	{                                                                                          \
		MLC_METER_OPTIONS_VERSION, NULL, NULL, 0, 0, 0, 0, 0                               \
	}

/** Counters of a client, for the serving code's own metrics. */
typedef struct mlc_meter_stats {
	uint64_t recorded; /**< events accepted into the queue */
	uint64_t sent;     /**< events the server acknowledged (incl. duplicates) */
	uint64_t rejected; /**< events the server refused as invalid (not retried) */
	uint64_t dropped;  /**< events dropped because the queue was full */
	uint64_t retries;  /**< batches sent again after a failure */
	uint64_t pending;  /**< events queued or in flight now */
} mlc_meter_stats;

/** Start a client and its background sender thread. */
MLC_EXTERN int mlc_meter_new(mlc_meter **out, const mlc_meter_options *opts);

/**
 * Queue an event: O(1), never waits for the network. The event is copied
 * (serialized); an event without id gets a fresh random one (128 bits,
 * 32 hex digits, kept across retries so the server can deduplicate). When
 * the queue is full (queue_events queued or in flight) the event is
 * dropped and counted (drop-newest: what is queued was recorded first and
 * keeps its place) and MLC_ETOOLARGE is returned. MLC_EINVAL for an event
 * that fails mlc_event_check. Thread-safe.
 *
 * Delivery is at-least-once: batches of up to batch_events go as one
 * NDJSON POST to URL/v1/events; 2xx acknowledges the batch; 400 with a
 * "failed" list rejects those events (counted, never resent); 413 splits
 * the batch; 429, 5xx, other statuses and network failures are retried
 * with the same ids after an exponential back-off (100 ms doubling, capped
 * at retry_max_ms, jittered).
 */
MLC_EXTERN int mlc_meter_record(mlc_meter *m, const mlc_event *ev);

/** Wait until everything queued so far is acknowledged (or rejected by the
 * server), or timeout_ms passes (MLC_ERROR then, with the count still
 * pending and the last failure in the message). */
MLC_EXTERN int mlc_meter_flush(mlc_meter *m, unsigned timeout_ms);

MLC_EXTERN void mlc_meter_get_stats(mlc_meter_stats *out, mlc_meter *m);

/**
 * Ask the server whether model may still spend (GET /v1/budgets/check):
 * *allow is 1 or 0. Blocking (up to timeout_ms), for serving code that
 * checks before work; thread-safe, connections are reused. On failure
 * (network, non-200 status: MLC_ERROR; no boolean "allow": MLC_EPARSE)
 * *allow is 1: a cost guard fails open; check the code to fail closed.
 */
MLC_EXTERN int mlc_meter_budget_allows(int *allow, mlc_meter *m, const char *model);

/** Flush for up to timeout_ms, stop the thread and free; what is still
 * pending then is lost. NULL is fine. */
MLC_EXTERN void mlc_meter_free(mlc_meter *m);

#ifdef __cplusplus
}
#endif

#endif
