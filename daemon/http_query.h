/* SPDX-License-Identifier: MIT */
/*
 * http_query.h - reading the query strings of the read endpoints: times
 * (SPEC §1: RFC 3339 with Z or an offset, no zone = UTC, "YYYY-MM-DD
 * HH:MM:SS", or a date) and the `group_by` list of /v1/costs.
 *
 * What it is not: URL decoding (libmicrohttpd does it).
 */
#ifndef MLCD_HTTP_QUERY_H
#define MLCD_HTTP_QUERY_H

#include "engine.h"

#include <stddef.h>
#include <stdint.h>

/* UTC seconds of a time text; 0, or -1 when it is not one of the forms above. */
int mlcd_parse_time(int64_t *out, const char *s);

/* "2026-02-10T12:00:00Z" of t; snprintf-like, 32 bytes suffice. */
size_t mlcd_format_time(char *out, size_t cap, int64_t t);

/*
 * group_by: a comma separated list of model, team, endpoint, version and
 * at most one of hour, day. Sets q->by and q->bucket, and order[] to the
 * dimensions in the order given (*norder of them; a bucket is
 * MLCD_DIM_COUNT). Returns 0, or -1 with a message in why.
 */
int mlcd_parse_group_by(mlcd_cost_query *q, int *order, size_t *norder, const char *text, char *why,
                        size_t whycap);

#endif
