/* SPDX-License-Identifier: MIT */
/*
 * meter_json_event.c - the fields of one event object: the field table,
 * reading each value by its type into the parse state's fixed buffers,
 * and the per-event rejections (message naming the field) that let parsing
 * go on with the next event. A JSON syntax error, by contrast, ends the
 * body (MLC_EPARSE with a position, from the scanner of meter_json.c).
 * What is not here: the body shapes and CloudEvents (meter_json_body.c),
 * pricing (meter_price.c), writing JSON (meter_event.c).
 */
#include "meter_internal.h"
#include "util/error.h"
#include "util/time.h"

#include <stdio.h>
#include <string.h>

#define TIME_MAX 253402300799LL /* 9999-12-31T23:59:59Z */

enum kind { K_TEXT, K_TIME, K_COUNT, K_REAL, K_PRICING, K_MONEY };

typedef struct field {
	const char *name;
	unsigned char len, kind, text; /* text: index of its buffer (K_TEXT) */
	size_t off;                    /* offsetof in mlc_event */
} field;

#define F(n, k, t, m)                                                                              \
	{                                                                                          \
		n, sizeof(n) - 1, k, t, offsetof(mlc_event, m)                                     \
	}
static const field fields[] = {
    F("id", K_TEXT, 0, id),
    F("time", K_TIME, 0, time),
    F("model", K_TEXT, 1, model),
    F("version", K_TEXT, 2, version),
    F("team", K_TEXT, 3, team),
    F("endpoint", K_TEXT, 4, endpoint),
    F("requests", K_COUNT, 0, requests),
    F("instance", K_TEXT, 5, instance),
    F("pricing", K_PRICING, 0, pricing),
    F("compute_seconds", K_REAL, 0, compute_seconds),
    F("gpu_seconds", K_REAL, 0, gpu_seconds),
    F("input_tokens", K_COUNT, 0, input_tokens),
    F("output_tokens", K_COUNT, 0, output_tokens),
    F("cached_input_tokens", K_COUNT, 0, cached_input_tokens),
    F("llm_model", K_TEXT, 6, llm_model),
    F("bytes_out", K_COUNT, 0, bytes_out),
    F("latency_ms", K_REAL, 0, latency_ms),
    F("cost_usd", K_MONEY, 0, cost_usd),
};
#undef F
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))
_Static_assert(sizeof(fields) / sizeof(fields[0]) == MLC_METER__NFIELDS, "seen bits");

/* Up to 64 bytes of user text (valid UTF-8) for a message: whole characters,
 * control characters shown as '?', "..." when cut (or when cut is set). */
static void show(char *out, const char *s, size_t len, int cut)
{
	size_t n = 0, k, l;
	while (n < len) {
		unsigned c = (unsigned char)s[n];
		l = c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
		if (n + l > MLC_METER__KEY_MAX || n + l > len)
			break;
		n += l;
	}
	for (k = 0; k < n; k++)
		out[k] = (unsigned char)s[k] < 0x20 ? '?' : s[k];
	strcpy(out + n, n < len || cut ? "..." : "");
}

/* Reject the current event (the first reason wins): "field 'NAME': what". */
void mlc_meter__bad(mlc_meter__evp *p, const char *name, const char *what)
{
	if (p->bad++)
		return;
	if (name)
		snprintf(p->why, sizeof(p->why), "field '%s': %.160s", name, what);
	else
		snprintf(p->why, sizeof(p->why), "%s", what);
}

/* Reject with the current key shown in fmt's %s. */
void mlc_meter__bad_key(mlc_meter__evp *p, const char *fmt, size_t klen, unsigned kflags)
{
	char shown[MLC_METER__KEY_MAX + 4], msg[MLC_METER__WHY_MAX];
	int cut = (kflags & MLC_METER__STR_LONG) != 0;
	if (p->bad)
		return;
	show(shown, p->key, cut ? MLC_METER__KEY_MAX : klen, cut);
	snprintf(msg, sizeof(msg), fmt, shown);
	mlc_meter__bad(p, NULL, msg);
}

static int find_field(const char *key, size_t len)
{
	size_t k;
	for (k = 0; k < NFIELDS; k++)
		if (fields[k].len == len && memcmp(fields[k].name, key, len) == 0)
			return (int)k;
	return -1;
}

/* The number at p->j.i for field f: its span, or a rejection (0 = skip). */
static int number_span(mlc_meter__evp *p, const field *f, size_t *start, size_t *n, unsigned *flags)
{
	int rc = mlc_meter__number(&p->j, start, flags);
	if (rc)
		return rc;
	*n = p->j.i - *start;
	if (*flags & MLC_METER__NUM_NEG)
		mlc_meter__bad(p, f->name, "must not be negative");
	else if (*n > MLC_EVENT_MAX_NUMBER)
		mlc_meter__bad(p, f->name, "number longer than 128 characters");
	else
		return 0;
	*n = 0;
	return 0;
}

static int read_text(mlc_meter__evp *p, const field *f)
{
	char *buf = p->text[f->text];
	size_t len;
	unsigned flags;
	int rc = mlc_meter__string(&p->j, buf, MLC_EVENT_MAX_TEXT + 1, &len, &flags);
	if (rc)
		return rc;
	if (flags & MLC_METER__STR_LONG)
		mlc_meter__bad(p, f->name, "longer than 256 bytes");
	else if (flags & MLC_METER__STR_CTRL)
		mlc_meter__bad(p, f->name, "control character in text");
	else if (len > 0)
		*(const char **)((char *)&p->ev + f->off) = buf;
	return 0;
}

/* An RFC 3339 string or a number of UNIX seconds (fraction dropped). */
int mlc_meter__read_time(mlc_meter__evp *p, const char *name, int64_t *out, int *has)
{
	char buf[MLC_METER__KEY_MAX + 1];
	size_t start, n, len;
	unsigned flags;
	uint64_t u;
	double d;
	int rc;
	field tf = {name, 0, K_TIME, 0, 0};
	if (mlc_meter__peek(&p->j) == '"') {
		if ((rc = mlc_meter__string(&p->j, buf, sizeof(buf), &len, &flags)) != 0)
			return rc;
		if (flags || mlcu_time_parse(out, buf, len) != 0)
			mlc_meter__bad(p, name, "not an RFC 3339 time");
		else
			*has = 1;
		return 0;
	}
	if ((rc = number_span(p, &tf, &start, &n, &flags)) != 0 || n == 0)
		return rc;
	if (!(flags & (MLC_METER__NUM_FRAC | MLC_METER__NUM_EXP))) {
		if (mlc_meter__to_u64(&u, p->j.s + start, n) != 0 || u > (uint64_t)TIME_MAX)
			return mlc_meter__bad(p, name, "out of range"), 0;
		*out = (int64_t)u;
	} else {
		if (mlc_meter__to_double(&d, p->j.s + start, n) != 0 || d > (double)TIME_MAX)
			return mlc_meter__bad(p, name, "out of range"), 0;
		*out = (int64_t)d;
	}
	*has = 1;
	return 0;
}

static int read_number(mlc_meter__evp *p, const field *f)
{
	size_t start, n;
	unsigned flags;
	char *dst = (char *)&p->ev + f->off;
	int rc = number_span(p, f, &start, &n, &flags);
	if (rc || n == 0)
		return rc;
	if (f->kind == K_COUNT) {
		if (flags & (MLC_METER__NUM_FRAC | MLC_METER__NUM_EXP))
			mlc_meter__bad(p, f->name, "expected a whole number");
		else if (mlc_meter__to_u64((uint64_t *)dst, p->j.s + start, n) != 0)
			mlc_meter__bad(p, f->name, "out of range");
		return 0;
	}
	if (mlc_meter__to_double((double *)dst, p->j.s + start, n) != 0)
		mlc_meter__bad(p, f->name, "out of range");
	return 0;
}

/* cost_usd: a number, or a string holding one, read exactly. */
static int read_money(mlc_meter__evp *p, const field *f)
{
	char buf[MLC_EVENT_MAX_NUMBER + 1];
	size_t start, n;
	unsigned flags;
	const char *text = buf;
	int rc;
	if (mlc_meter__peek(&p->j) == '"') {
		if ((rc = mlc_meter__string(&p->j, buf, sizeof(buf), &n, &flags)) != 0)
			return rc;
		if (flags || n == 0 || mlc_meter__number_text(buf, n, &flags) != n)
			return mlc_meter__bad(p, f->name, "expected a number"), 0;
		if (flags & MLC_METER__NUM_NEG)
			return mlc_meter__bad(p, f->name, "must not be negative"), 0;
	} else {
		if ((rc = number_span(p, f, &start, &n, &flags)) != 0 || n == 0)
			return rc;
		text = p->j.s + start;
	}
	if (mlc_amount_parse(&p->ev.cost_usd, text, n) != 0)
		return mlc_meter__bad(p, f->name, "out of range"), 0;
	p->ev.has_cost_usd = 1;
	return 0;
}

static int read_pricing(mlc_meter__evp *p, const field *f)
{
	static const char *const names[] = {"on_demand", "spot", "reserved_1y", "reserved_3y"};
	char buf[MLC_METER__KEY_MAX + 1], shown[MLC_METER__KEY_MAX + 4], msg[MLC_METER__WHY_MAX];
	size_t len, k;
	unsigned flags;
	int rc = mlc_meter__string(&p->j, buf, sizeof(buf), &len, &flags);
	if (rc)
		return rc;
	for (k = 0; !flags && k < MLC_PRICING_COUNT; k++) {
		if (strlen(names[k]) == len && memcmp(names[k], buf, len) == 0) {
			p->ev.pricing = (mlc_pricing_model)k;
			return 0;
		}
	}
	show(shown, buf, flags & MLC_METER__STR_LONG ? MLC_METER__KEY_MAX : len,
	     (flags & MLC_METER__STR_LONG) != 0);
	if (!flags && mlc_pricing_model_parse(&p->ev.pricing, buf) != 0)
		snprintf(msg, sizeof(msg), "%s", mlc_error_message());
	else
		snprintf(msg, sizeof(msg), "unknown pricing '%s'", shown);
	mlc_error_clear();
	p->ev.pricing = MLC_PRICING_ON_DEMAND;
	mlc_meter__bad(p, f->name, msg);
	return 0;
}

static const char *const expected[] = {"expected a string",       "expected a string or a number",
                                       "expected a whole number", "expected a number",
                                       "expected a string",       "expected a number"};

/* The value of field f at p->j.i. */
static int read_value(mlc_meter__evp *p, const field *f)
{
	int c = mlc_meter__peek(&p->j), lit, is_num = c == '-' || (c >= '0' && c <= '9');
	if (c == 'n' && p->j.len - p->j.i >= 4 && memcmp(p->j.s + p->j.i, "null", 4) == 0)
		return mlc_meter__literal(&p->j, &lit); /* null: absent, the default stays */
	switch (f->kind) {
	case K_TEXT:
		if (c == '"')
			return read_text(p, f);
		break;
	case K_TIME:
		if (c == '"' || is_num)
			return mlc_meter__read_time(p, f->name, &p->ev.time, &p->ev.has_time);
		break;
	case K_COUNT:
	case K_REAL:
		if (is_num)
			return read_number(p, f);
		break;
	case K_PRICING:
		if (c == '"')
			return read_pricing(p, f);
		break;
	default:
		if (c == '"' || is_num)
			return read_money(p, f);
		break;
	}
	mlc_meter__bad(p, f->name, expected[f->kind]);
	return mlc_meter__skip(&p->j);
}

/* After a member: ',' (more, returns 1) or '}' (done, 0). */
int mlc_meter__member_end(mlc_meter__evp *p, int *more)
{
	int c;
	mlc_meter__ws(&p->j);
	c = mlc_meter__peek(&p->j);
	*more = c == ',';
	if (c == ',' || c == '}') {
		p->j.i++;
		return 0;
	}
	if (c < 0)
		return mlc_meter__fail(&p->j, p->j.len,
		                       "unexpected end of input (expected ',' or '}')");
	return mlc_meter__fail(&p->j, p->j.i, "expected ',' or '}'");
}

/* A member's name and ':' at p->j.i; the value follows (blanks skipped). */
int mlc_meter__member_key(mlc_meter__evp *p, size_t *klen, unsigned *kflags)
{
	int rc;
	mlc_meter__ws(&p->j);
	if (mlc_meter__peek(&p->j) != '"') {
		if (p->j.i >= p->j.len)
			return mlc_meter__fail(&p->j, p->j.len,
			                       "unexpected end of input in an object");
		return mlc_meter__fail(&p->j, p->j.i, "expected a field name (a string)");
	}
	if ((rc = mlc_meter__string(&p->j, p->key, sizeof(p->key), klen, kflags)) != 0)
		return rc;
	mlc_meter__ws(&p->j);
	if (mlc_meter__peek(&p->j) != ':')
		return mlc_meter__fail(&p->j, p->j.i, "expected ':' after the field name");
	p->j.i++;
	mlc_meter__ws(&p->j);
	return 0;
}

/* An object of event fields at p->j.i ('{'); top: a CloudEvent may start here. */
int mlc_meter__read_fields(mlc_meter__evp *p, int top)
{
	size_t klen;
	unsigned kflags;
	int rc, f, more = 1;
	if (p->j.depth >= MLC_EVENT_MAX_DEPTH)
		return mlc_meter__fail(&p->j, p->j.i, "nesting deeper than 64 levels");
	p->j.depth++;
	p->j.i++;
	mlc_meter__ws(&p->j);
	if (mlc_meter__peek(&p->j) == '}') {
		p->j.i++;
		more = 0;
	}
	while (more) {
		if ((rc = mlc_meter__member_key(p, &klen, &kflags)) != 0)
			return rc;
		f = kflags ? -1 : find_field(p->key, klen);
		if (f < 0 && top && !kflags && klen == 11 && !memcmp(p->key, "specversion", 11))
			return MLC_METER__RESTART_CE;
		if (f < 0) {
			mlc_meter__bad_key(p, "unknown field '%s'", klen, kflags);
			rc = mlc_meter__skip(&p->j);
		} else if (p->seen & (1u << f)) {
			mlc_meter__bad_key(p, "duplicate field '%s'", klen, kflags);
			rc = mlc_meter__skip(&p->j);
		} else {
			p->seen |= 1u << f;
			rc = read_value(p, &fields[f]);
		}
		if (rc || (rc = mlc_meter__member_end(p, &more)) != 0)
			return rc;
	}
	p->j.depth--;
	return 0;
}
