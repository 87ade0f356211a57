/* SPDX-License-Identifier: MIT */
/*
 * http_query.h - the `group_by` list of GET /v1/costs.
 *
 * What it is not: URL decoding (libmicrohttpd does it) or times: `from`
 * and `to` are read with the library's mlc_time_parse, so they take every
 * form a time takes in the library's inputs.
 */
#ifndef MLCD_HTTP_QUERY_H
#define MLCD_HTTP_QUERY_H

#include "engine.h"

#include <stddef.h>
#include <stdint.h>

/*
 * group_by: a comma separated list of model, team, endpoint, version and
 * at most one of hour, day. Sets q->by and q->bucket, and order[] to the
 * dimensions in the order given (*norder of them; a bucket is
 * MLCD_DIM_COUNT). Returns 0, or -1 with a message in why.
 */
int mlcd_parse_group_by(mlcd_cost_query *q, int *order, size_t *norder, const char *text, char *why,
                        size_t whycap);

#endif
