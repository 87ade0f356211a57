/* SPDX-License-Identifier: MIT */
/*
 * http_query.c - the group_by list of GET /v1/costs. See http_query.h.
 */
#include "http_query.h"

#include <stdio.h>
#include <string.h>

int mlcd_parse_group_by(mlcd_cost_query *q, int *order, size_t *norder, const char *text, char *why,
                        size_t whycap)
{
	static const char *const dims[MLCD_DIM_COUNT] = {"model", "team", "endpoint", "version"};
	const char *p = text;
	*norder = 0;
	while (p && *p) {
		size_t n = strcspn(p, ","), d;
		int found = 0;
		for (d = 0; d < MLCD_DIM_COUNT; d++)
			if (strlen(dims[d]) == n && !strncmp(p, dims[d], n)) {
				if (q->by[d]++)
					goto twice;
				order[(*norder)++] = (int)d, found = 1;
			}
		if (!found &&
		    ((n == 4 && !strncmp(p, "hour", 4)) || (n == 3 && !strncmp(p, "day", 3)))) {
			if (q->bucket != MLCD_BUCKET_NONE) {
				snprintf(why, whycap, "group_by: at most one of hour and day");
				return -1;
			}
			q->bucket = n == 4 ? MLCD_BUCKET_HOUR : MLCD_BUCKET_DAY;
			order[(*norder)++] = MLCD_DIM_COUNT, found = 1;
		}
		if (!found) {
			snprintf(why, whycap,
			         "group_by: unknown '%.*s' (model, team, endpoint, version, "
			         "hour, day)",
			         (int)(n > 64 ? 64 : n), p);
			return -1;
		}
		p += n + (p[n] == ',');
	}
	return 0;
twice:
	snprintf(why, whycap, "group_by: a dimension is named twice");
	return -1;
}
