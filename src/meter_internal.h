/* SPDX-License-Identifier: MIT */
/*
 * meter_internal.h - what the files of the meter module share: the span JSON
 * scanner (meter_json.c), the parse state of the event grammar
 * (meter_json_event.c, meter_json_body.c), JSON number conversions
 * (meter_json_num.c), and the client's state (meter_client*.c).
 *
 * The scanner is strict RFC 8259 over a buffer that is not NUL-terminated:
 * it validates UTF-8, decodes escapes (surrogate pairs included) into a
 * caller's fixed buffer, never allocates and bounds nesting. It is not a
 * tree builder: callers walk objects themselves and skip what they do not
 * need. Only src/meter_*.c (and the fuzz target) include this header.
 */
#ifndef MLC_METER_INTERNAL_H
#define MLC_METER_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "mlcost/meter.h"

/* A position in one JSON text. */
typedef struct mlc_meter__scan {
	const char *s;
	size_t len, i;
	const char *name; /* in messages: "NAME:LINE:COL: ..." */
	unsigned depth;   /* arrays and objects open around i */
	size_t err_off;   /* byte offset of the last syntax error */
} mlc_meter__scan;

/* flags of a decoded string */
enum {
	MLC_METER__STR_LONG = 1, /* longer than the buffer: cut, not NUL-terminated there */
	MLC_METER__STR_CTRL = 2  /* holds an escaped control character (U+0000-U+001F) */
};

/* flags of a number */
enum {
	MLC_METER__NUM_NEG = 1,  /* starts with '-' */
	MLC_METER__NUM_FRAC = 2, /* has a fraction */
	MLC_METER__NUM_EXP = 4   /* has an exponent */
};

static inline int mlc_meter__peek(const mlc_meter__scan *p)
{
	return p->i < p->len ? (unsigned char)p->s[p->i] : -1;
}

static inline void mlc_meter__ws(mlc_meter__scan *p)
{
	while (p->i < p->len) {
		char c = p->s[p->i];
		if (c != ' ' && c != '\n' && c != '\r' && c != '\t')
			break;
		p->i++;
	}
}

/* MLC_EPARSE "NAME:LINE:COL: msg" for byte offset off; remembers off. */
int mlc_meter__fail(mlc_meter__scan *p, size_t off, const char *msg);
/* Like mlc_meter__fail with another code (MLC_ETOOLARGE for limits). */
int mlc_meter__fail_code(mlc_meter__scan *p, int code, size_t off, const char *msg);

/*
 * The string at p->i (which is '"'), decoded into out[0..cap): NUL-terminated
 * when it fits (len < cap), else flagged MLC_METER__STR_LONG. out may be NULL
 * (cap 0) to validate and skip. *out_len is the decoded length in bytes.
 */
int mlc_meter__string(mlc_meter__scan *p, char *out, size_t cap, size_t *out_len, unsigned *flags);

/* The number at p->i: its text is s[*start, p->i). Strict grammar. */
int mlc_meter__number(mlc_meter__scan *p, size_t *start, unsigned *flags);

/* Length of the JSON number that is exactly s[0..len), or 0 when it is not one. */
size_t mlc_meter__number_text(const char *s, size_t len, unsigned *flags);

/* Skip the value at p->i (after blanks), whatever it is, checking its syntax. */
int mlc_meter__skip(mlc_meter__scan *p);

/* true, false or null at p->i; *out_lit is 't', 'f' or 'n'. */
int mlc_meter__literal(mlc_meter__scan *p, int *out_lit);

/* ---- the event grammar (meter_json_event.c: fields; meter_json_body.c: shapes) ---- */

#define MLC_METER__KEY_MAX    64  /* longer field names are unknown anyway */
#define MLC_METER__WHY_MAX    192 /* a reject message */
#define MLC_METER__NFIELDS    18  /* event fields: bits 0..17 of seen */
#define MLC_METER__CE_BIT     24  /* CloudEvents attributes: bits 24.. of seen */
#define MLC_METER__RESTART_CE 1   /* "specversion" met: read the object again as a CloudEvent */

/* The state of one mlc_events_parse call (on its stack: no allocation). */
typedef struct mlc_meter__evp {
	mlc_meter__scan j;
	mlc_event_fn fn;
	mlc_event_reject_fn reject;
	void *ctx;
	size_t index, max_events;
	mlc_event ev; /* the event being read; its text points into text[] */
	uint32_t seen;
	int bad; /* the event is rejected; why holds the first reason */
	int64_t ce_time;
	int has_ce_time;
	char why[MLC_METER__WHY_MAX];
	char key[MLC_METER__KEY_MAX + 1];
	char text[MLC_EVENT_TEXT_FIELDS][MLC_EVENT_MAX_TEXT + 1];
	char ce_id[MLC_EVENT_MAX_TEXT + 1];
} mlc_meter__evp;

/* Reject the current event (the first reason wins): "field 'NAME': what". */
void mlc_meter__bad(mlc_meter__evp *p, const char *name, const char *what);
/* Reject with the current key (cut, cleaned) in fmt's %s. */
void mlc_meter__bad_key(mlc_meter__evp *p, const char *fmt, size_t klen, unsigned kflags);
/* A time value (RFC 3339 string or UNIX seconds) at p->j.i into *out, *has. */
int mlc_meter__read_time(mlc_meter__evp *p, const char *name, int64_t *out, int *has);
/* An object of event fields at p->j.i ('{'); top: MLC_METER__RESTART_CE may come back. */
int mlc_meter__read_fields(mlc_meter__evp *p, int top);
/* A member's name into p->key and its ':'; the value follows, blanks skipped. */
int mlc_meter__member_key(mlc_meter__evp *p, size_t *klen, unsigned *kflags);
/* After a member: ',' (*more = 1) or '}' (*more = 0). */
int mlc_meter__member_end(mlc_meter__evp *p, int *more);

/* ---- numbers (meter_json_num.c) ---- */

/* A valid non-negative JSON number as a double, correctly rounded; -1 when
 * it does not fit a finite double. */
int mlc_meter__to_double(double *out, const char *s, size_t len);

/* A valid non-negative JSON integer (no fraction, no exponent); -1 past
 * UINT64_MAX. */
int mlc_meter__to_u64(uint64_t *out, const char *s, size_t len);

/* Shortest text (15 to 17 significant digits) that reads back as v, with a
 * '.' whatever the locale; v finite. snprintf-like. */
size_t mlc_meter__fmt_double(char *out, size_t cap, double v);

/* Valid UTF-8 without control characters (U+0000-U+001F): 0, else -1. */
int mlc_meter__text_ok(const char *s, size_t len);

/* ---- the client (meter_client*.c) ---- */

/* One queued event: its JSON text (mlcu_malloc'd, no newline). */
typedef struct mlc_meter__slot {
	char *json;
	size_t len;
} mlc_meter__slot;

#define MLC_METER__IDLE_HANDLES 4 /* curl handles kept for budget checks */
#define MLC_METER__ERROR_MAX    256

struct mlc_meter {
	char *events_url; /* URL/v1/events */
	char *budget_url; /* URL/v1/budgets/check?model= */
	char *auth;       /* "Authorization: Bearer TOKEN", or NULL */
	size_t cap, batch;
	unsigned flush_ms, timeout_ms, retry_max_ms;

	pthread_mutex_t mu;  /* guards everything below but stop */
	pthread_cond_t wake; /* the sender: events, a flush, stop */
	pthread_cond_t done; /* flushers: finished moved */
	/* ring[head .. head+count) is queued; the sender's batch is its first slots
	 * (they stay in the ring until answered, so the queue bound counts them) */
	mlc_meter__slot *ring;
	size_t head, count;
	uint64_t recorded, sent, rejected, dropped, retries, finished;
	unsigned flushing; /* callers waiting in mlc_meter_flush */
	char last_error[MLC_METER__ERROR_MAX];
	void *idle[MLC_METER__IDLE_HANDLES]; /* CURL *, for budget checks */
	size_t nidle;

	atomic_int stop; /* read by curl's progress callback without the lock */
	pthread_t thread;
	int started;
};

/* The sender thread (meter_client_send.c). */
void *mlc_meter__sender(void *arg);

/* curl_global_init once; 0 or MLC_ERROR. */
int mlc_meter__curl_init(void);
/* Clean up the idle curl handles of budget checks. */
void mlc_meter__free_handles(mlc_meter *m);

/* Remember the last delivery failure (under m->mu). */
void mlc_meter__set_error(mlc_meter *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Milliseconds of CLOCK_MONOTONIC, and a deadline for pthread_cond_timedwait. */
uint64_t mlc_meter__now_ms(void);
void mlc_meter__deadline(struct timespec *ts, uint64_t at_ms);

/* 32 lowercase hex digits of 128 random bits (getrandom) and a NUL. */
int mlc_meter__random_id(char out[33]);
/* A random number in [0, n) for jitter; n > 0. */
uint32_t mlc_meter__random_below(uint32_t n);

#endif
