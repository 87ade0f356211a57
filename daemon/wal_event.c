/* SPDX-License-Identifier: MIT */
/*
 * wal_event.c - an event as the payload of a log record: the part of a
 * priced event that totals and the store need, in a compact binary form.
 *
 *   u8 format (1) | u8 0 | i64 time | i64 received | i64 cost.hi | u64 cost.lo
 *   | u64 requests | u64 input_tokens | u64 output_tokens
 *   | five texts: id, model, version, team, endpoint, each u16 length
 *     (0xFFFF: missing) then the bytes then a NUL
 *
 * little-endian. The NUL lets a decoded event point into the payload.
 * Decoding checks everything (lengths, the NULs, no NUL inside a text):
 * a record with a good CRC but a payload this version cannot read is
 * refused, not guessed at.
 *
 * What it is not: the record framing (wal.c, wal_scan.c).
 */
#include "engine_internal.h"

#include <string.h>

#define FORMAT       1
#define FIXED        (2 + 7 * 8)
#define TEXT_MISSING 0xFFFFu

static unsigned char *put64(unsigned char *d, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		d[i] = (unsigned char)(v >> (8 * i));
	return d + 8;
}

static uint64_t get64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static unsigned char *put_text(unsigned char *d, const char *s)
{
	size_t n;
	if (!s) {
		d[0] = d[1] = 0xFF;
		return d + 2;
	}
	n = strlen(s); /* the engine checked n <= MLC_EVENT_MAX_TEXT */
	d[0] = (unsigned char)n, d[1] = (unsigned char)(n >> 8);
	memcpy(d + 2, s, n);
	d[2 + n] = '\0';
	return d + 3 + n;
}

size_t mlcd__event_encode(unsigned char *out, const mlcd_event *e)
{
	unsigned char *d = out;
	*d++ = FORMAT;
	*d++ = 0;
	d = put64(d, (uint64_t)e->ev.time);
	d = put64(d, (uint64_t)e->received);
	d = put64(d, (uint64_t)e->cost.hi);
	d = put64(d, e->cost.lo);
	d = put64(d, e->ev.requests);
	d = put64(d, e->ev.input_tokens);
	d = put64(d, e->ev.output_tokens);
	d = put_text(d, e->ev.id);
	d = put_text(d, e->ev.model);
	d = put_text(d, e->ev.version);
	d = put_text(d, e->ev.team);
	d = put_text(d, e->ev.endpoint);
	return (size_t)(d - out);
}

static int get_text(const char **out, const unsigned char *p, size_t len, size_t *off)
{
	size_t n;
	if (len - *off < 2)
		return MLC_EPARSE;
	n = (size_t)p[*off] | (size_t)p[*off + 1] << 8;
	*off += 2;
	if (n == TEXT_MISSING) {
		*out = NULL;
		return 0;
	}
	if (n > MLC_EVENT_MAX_TEXT || len - *off < n + 1 || p[*off + n] != '\0' ||
	    memchr(p + *off, '\0', n))
		return MLC_EPARSE;
	*out = (const char *)p + *off;
	*off += n + 1;
	return 0;
}

int mlcd__event_decode(mlcd_event *out, const unsigned char *p, size_t len)
{
	const char **text[5];
	size_t off = FIXED;
	memset(out, 0, sizeof(*out));
	if (len < FIXED || p[0] != FORMAT || p[1] != 0)
		return MLC_EPARSE;
	out->ev.time = (int64_t)get64(p + 2);
	out->ev.has_time = 1;
	out->received = (int64_t)get64(p + 10);
	out->cost.hi = (int64_t)get64(p + 18);
	out->cost.lo = get64(p + 26);
	out->ev.requests = get64(p + 34);
	out->ev.input_tokens = get64(p + 42);
	out->ev.output_tokens = get64(p + 50);
	text[0] = &out->ev.id, text[1] = &out->ev.model, text[2] = &out->ev.version;
	text[3] = &out->ev.team, text[4] = &out->ev.endpoint;
	for (int i = 0; i < 5; i++)
		if (get_text(text[i], p, len, &off) != 0)
			return MLC_EPARSE;
	if (off != len || !out->ev.id)
		return MLC_EPARSE;
	return 0;
}
