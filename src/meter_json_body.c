/* SPDX-License-Identifier: MIT */
/*
 * meter_json_body.c - mlc_events_parse: the shapes of a request body (one
 * object, an array, NDJSON lines, any of them holding CloudEvents 1.0 in
 * structured JSON mode) around the event fields of meter_json_event.c.
 * An object is read as a plain event until a "specversion" member shows it
 * is a CloudEvent; then it is read again as an envelope whose "data" holds
 * the fields. Each event goes to the caller's callback, or to the reject
 * callback with its message; nothing is allocated.
 */
#include "meter_internal.h"
#include "util/error.h"

#include <stdio.h>
#include <string.h>

/* CloudEvents context attributes that mean something here */
enum { CE_SPECVERSION, CE_ID, CE_TIME, CE_DATA, CE_DATA_BASE64, CE_CONTENTTYPE, CE_OTHER };

static int ce_attribute(const char *key, size_t len, unsigned kflags)
{
	static const char *const names[] = {"specversion", "id",          "time",
	                                    "data",        "data_base64", "datacontenttype"};
	size_t k;
	for (k = 0; !kflags && k < sizeof(names) / sizeof(names[0]); k++)
		if (strlen(names[k]) == len && memcmp(names[k], key, len) == 0)
			return (int)k;
	return CE_OTHER;
}

/* datacontenttype: JSON is application/json, text/json or any +json type. */
static int json_content_type(const char *t, size_t len)
{
	size_t n = 0;
	while (n < len && t[n] != ';' && t[n] != ' ')
		n++;
	return (n == 16 && !strncmp(t, "application/json", 16)) ||
	       (n == 9 && !strncmp(t, "text/json", 9)) ||
	       (n > 5 && !strncmp(t + n - 5, "+json", 5));
}

/* A CloudEvents attribute's value other than data. */
static int ce_value(mlc_meter__evp *p, int a, size_t klen, unsigned kflags)
{
	char buf[MLC_METER__KEY_MAX + 1];
	size_t len;
	unsigned flags;
	int rc, c = mlc_meter__peek(&p->j);
	if (c == 'n' && a != CE_SPECVERSION && a != CE_OTHER)
		return mlc_meter__skip(&p->j); /* null: absent */
	if (a == CE_ID && c == '"') {
		if ((rc = mlc_meter__string(&p->j, p->ce_id, sizeof(p->ce_id), &len, &flags)) != 0)
			return rc;
		if (flags)
			mlc_meter__bad(p, "id",
			               flags & MLC_METER__STR_LONG ? "longer than 256 bytes"
			                                           : "control character in text");
		return 0;
	}
	if (a == CE_TIME && c == '"')
		return mlc_meter__read_time(p, "time", &p->ce_time, &p->has_ce_time);
	if ((a == CE_SPECVERSION || a == CE_CONTENTTYPE) && c == '"') {
		if ((rc = mlc_meter__string(&p->j, buf, sizeof(buf), &len, &flags)) != 0)
			return rc;
		if (a == CE_SPECVERSION && (flags || len != 3 || memcmp(buf, "1.0", 3)))
			mlc_meter__bad(p, NULL,
			               "CloudEvents: unsupported specversion (expected \"1.0\")");
		if (a == CE_CONTENTTYPE && (flags || !json_content_type(buf, len)))
			mlc_meter__bad(p, NULL, "CloudEvents: datacontenttype is not JSON");
		return 0;
	}
	switch (a) {
	case CE_SPECVERSION:
		mlc_meter__bad(p, NULL, "CloudEvents: unsupported specversion (expected \"1.0\")");
		break;
	case CE_ID:
		mlc_meter__bad(p, "id", "expected a string");
		break;
	case CE_TIME:
		mlc_meter__bad(p, "time", "expected an RFC 3339 string");
		break;
	case CE_CONTENTTYPE:
		mlc_meter__bad(p, NULL, "CloudEvents: datacontenttype is not JSON");
		break;
	case CE_DATA_BASE64:
		mlc_meter__bad(
		    p, NULL,
		    "CloudEvents: data_base64 is not supported (send the event in 'data')");
		break;
	default:
		if (c == '{' || c == '[')
			mlc_meter__bad_key(
			    p, "CloudEvents: attribute '%s' must not be an object or an array",
			    klen, kflags);
		break;
	}
	return mlc_meter__skip(&p->j);
}

/* A CloudEvent at p->j.i ('{'): its attributes, the event fields in data. */
static int read_ce(mlc_meter__evp *p)
{
	size_t klen;
	unsigned kflags;
	int rc, a, c, more = 1;
	p->j.depth++; /* read_fields checked the depth before the restart */
	p->j.i++;
	while (more) {
		if ((rc = mlc_meter__member_key(p, &klen, &kflags)) != 0)
			return rc;
		a = ce_attribute(p->key, klen, kflags);
		c = mlc_meter__peek(&p->j);
		if (a != CE_OTHER && (p->seen & (1u << (MLC_METER__CE_BIT + a)))) {
			mlc_meter__bad_key(p, "duplicate field '%s'", klen, kflags);
			rc = mlc_meter__skip(&p->j);
		} else if (a == CE_DATA && c == '{') {
			p->seen |= 1u << (MLC_METER__CE_BIT + a);
			rc = mlc_meter__read_fields(p, 0);
		} else if (a == CE_DATA) {
			p->seen |= 1u << (MLC_METER__CE_BIT + a);
			if (c != 'n')
				mlc_meter__bad(p, NULL, "CloudEvents: 'data' must be an object");
			rc = mlc_meter__skip(&p->j);
		} else {
			p->seen |= a != CE_OTHER ? 1u << (MLC_METER__CE_BIT + a) : 0;
			rc = ce_value(p, a, klen, kflags);
		}
		if (rc || (rc = mlc_meter__member_end(p, &more)) != 0)
			return rc;
	}
	p->j.depth--;
	if (!(p->seen & (1u << (MLC_METER__CE_BIT + CE_DATA))))
		mlc_meter__bad(p, NULL, "CloudEvents: no 'data'");
	if (p->ev.id == NULL && p->ce_id[0])
		p->ev.id = p->ce_id;
	if (!p->ev.has_time && p->has_ce_time) {
		p->ev.time = p->ce_time;
		p->ev.has_time = 1;
	}
	return 0;
}

static void reset(mlc_meter__evp *p)
{
	mlc_event_init(&p->ev);
	p->seen = 0;
	p->bad = 0;
	p->has_ce_time = 0;
	p->ce_id[0] = '\0';
}

/* One event: an object (plain or CloudEvent) or anything else (rejected). */
static int read_slot(mlc_meter__evp *p)
{
	size_t start = p->j.i;
	int rc;
	if (p->index >= p->max_events) {
		char msg[64];
		snprintf(msg, sizeof(msg), "more than %zu events", p->max_events);
		return mlc_meter__fail_code(&p->j, MLC_ETOOLARGE, start, msg);
	}
	reset(p);
	if (mlc_meter__peek(&p->j) == '{') {
		unsigned depth = p->j.depth;
		rc = mlc_meter__read_fields(p, 1);
		if (rc == MLC_METER__RESTART_CE) {
			reset(p);
			p->j.i = start;
			p->j.depth = depth;
			rc = read_ce(p);
		}
	} else {
		rc = mlc_meter__skip(&p->j);
		mlc_meter__bad(p, NULL, "event is not an object");
	}
	if (rc)
		return rc;
	if (p->bad)
		rc = p->reject ? p->reject(p->index, p->why, p->ctx) : 0;
	else
		rc = p->fn ? p->fn(&p->ev, p->index, p->ctx) : 0;
	p->index++;
	return rc;
}

/* A top-level array: each element is an event. */
static int read_array(mlc_meter__evp *p)
{
	int rc, c;
	p->j.depth++;
	p->j.i++;
	mlc_meter__ws(&p->j);
	if (mlc_meter__peek(&p->j) == ']') {
		p->j.i++;
		p->j.depth--;
		return 0;
	}
	for (;;) {
		mlc_meter__ws(&p->j);
		if (mlc_meter__peek(&p->j) < 0)
			return mlc_meter__fail(&p->j, p->j.len,
			                       "unexpected end of input in an array");
		if ((rc = read_slot(p)) != 0)
			return rc;
		mlc_meter__ws(&p->j);
		c = mlc_meter__peek(&p->j);
		if (c == ',') {
			p->j.i++;
			continue;
		}
		if (c == ']') {
			p->j.i++;
			p->j.depth--;
			return 0;
		}
		if (c < 0)
			return mlc_meter__fail(&p->j, p->j.len,
			                       "unexpected end of input (expected ',' or ']')");
		return mlc_meter__fail(&p->j, p->j.i, "expected ',' or ']'");
	}
}

/* Top-level values, one per line (NDJSON) or a single one. */
static int read_body(mlc_meter__evp *p)
{
	mlc_meter__scan *j = &p->j;
	int rc;
	if (j->len >= 3 && !memcmp(j->s, "\xEF\xBB\xBF", 3))
		j->i = 3; /* a UTF-8 byte order mark */
	mlc_meter__ws(j);
	while (j->i < j->len) {
		rc = mlc_meter__peek(j) == '[' ? read_array(p) : read_slot(p);
		if (rc)
			return rc;
		while (j->i < j->len &&
		       (j->s[j->i] == ' ' || j->s[j->i] == '\t' || j->s[j->i] == '\r'))
			j->i++;
		if (j->i < j->len && j->s[j->i] != '\n')
			return mlc_meter__fail(j, j->i, "expected a newline between events");
		mlc_meter__ws(j);
	}
	return 0;
}

int mlc_events_parse(const char *body, size_t len, const mlc_events_parse_options *opts,
                     mlc_event_fn fn, mlc_event_reject_fn reject, void *ctx, size_t *out_offset)
{
	mlc_meter__evp p;
	int rc;
	if (out_offset)
		*out_offset = 0;
	if (opts && opts->version != MLC_EVENTS_PARSE_OPTIONS_VERSION)
		return mlcu_error_set(MLC_EINVAL,
		                      "mlc_events_parse: options version %u (expected %u)",
		                      opts->version, MLC_EVENTS_PARSE_OPTIONS_VERSION);
	if (body == NULL && len > 0)
		return mlcu_error_set(MLC_EINVAL, "mlc_events_parse: no body");
	memset(&p.j, 0, sizeof(p.j));
	p.j.err_off = (size_t)-1;
	p.j.s = body ? body : "";
	p.j.len = len;
	p.j.name = opts && opts->name ? opts->name : "input";
	p.fn = fn;
	p.reject = reject;
	p.ctx = ctx;
	p.index = 0;
	p.max_events = opts && opts->max_events ? opts->max_events : 100000;
	rc = read_body(&p);
	if (out_offset)
		*out_offset = rc && p.j.err_off != (size_t)-1 ? p.j.err_off : p.j.i;
	return rc;
}
