/* SPDX-License-Identifier: MIT */
/*
 * fuzz_time.c - timestamp and interval parsing on arbitrary bytes, with
 * properties: a parsed time inside years 1..9999 formats to text that
 * parses back to the same second, and every bucket starts at or before the
 * time, less than a month earlier.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/time.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	const int64_t lo = mlcu_days_from_civil(1, 1, 1) * 86400;
	const int64_t hi = mlcu_days_from_civil(10000, 1, 1) * 86400;
	char buf[MLCU_TIME_FMT_MAX];
	int64_t t, u, end;
	if (mlcu_time_parse(&t, s, size) == 0) {
		if (t >= lo && t < hi) {
			size_t n = mlcu_time_format(buf, sizeof(buf), t);
			if (n >= sizeof(buf) || mlcu_time_parse(&u, buf, n) != 0 || u != t)
				abort();
		}
		for (int b = MLCU_BUCKET_HOUR; b <= MLCU_BUCKET_MONTH; b++) {
			int64_t start = mlcu_time_bucket(t, (mlcu_bucket)b);
			if (start > t || t - start >= 31 * 86400)
				abort();
			mlcu_time_format_bucket(buf, sizeof(buf), t, (mlcu_bucket)b);
		}
	}
	if (mlcu_time_parse_interval(&t, &end, s, size) == 0 && end < t)
		abort();
	return 0;
}
