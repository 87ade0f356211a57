/* SPDX-License-Identifier: MIT */
/*
 * util/time.h - UTC timestamps read from billing text, fast enough for the
 * per-row hot path: no strptime, no mktime, no locale, no time zone
 * database; days-from-civil arithmetic on fixed-width fields.
 *
 * What it reads (SPEC §1: time is UTC):
 *   2024-09-18                      a date: midnight UTC
 *   2024-09-18T22:00:00Z            RFC 3339 / ISO 8601 with Z (or z)
 *   2024-09-18T22:00:00.000Z        fractional seconds, truncated
 *   2024-09-18T22:00:00+02:00       an offset (+HH:MM, +HHMM or +HH)
 *   2024-09-18T22:00                minutes only, no zone: UTC
 *   2024-09-18 22:00:00             a space instead of T, no zone: UTC
 *   2023-06-01T00:00:00Z/2023-06-01T01:00:00Z   (interval, separate call)
 * Leading and trailing blanks are ignored. 24:00[:00] is the end of the day
 * (ISO 8601); :60 seconds (a leap second) is taken as the next minute.
 * Anything else, including out-of-range fields (hour 30, February 30), is
 * refused. What it is not: a general date parser (no week dates, ordinal
 * dates, month names, or MM/DD/YYYY).
 *
 * Times are int64 seconds since 1970-01-01T00:00:00Z; years 0001-9999.
 */
#ifndef MLCU_TIME_H
#define MLCU_TIME_H

#include <stddef.h>
#include <stdint.h>

typedef enum mlcu_bucket {
	MLCU_BUCKET_NONE = 0,
	MLCU_BUCKET_HOUR,
	MLCU_BUCKET_DAY,
	MLCU_BUCKET_MONTH
} mlcu_bucket;

/* Days since 1970-01-01 of a proleptic Gregorian date (m 1-12, d 1-31). */
int64_t mlcu_days_from_civil(int64_t y, unsigned m, unsigned d);
/* The inverse of mlcu_days_from_civil. */
void mlcu_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d);

/* Parse the whole of s[0..len) as one timestamp. 0, or -1 when it is not one. */
int mlcu_time_parse(int64_t *out, const char *s, size_t len);

/*
 * Parse "START/END" (AWS identity/TimeInterval). Both halves use the
 * formats above. 0, or -1 (also when END is before START).
 */
int mlcu_time_parse_interval(int64_t *start, int64_t *end, const char *s, size_t len);

/* "hour", "day" or "month" (exact, lower case); 0 or -1. */
int mlcu_bucket_parse(mlcu_bucket *out, const char *s);
const char *mlcu_bucket_name(mlcu_bucket b);

/* Start of the bucket holding t (floor); t itself for MLCU_BUCKET_NONE. */
int64_t mlcu_time_bucket(int64_t t, mlcu_bucket b);

/* Bytes a formatted time may need, NUL included. */
#define MLCU_TIME_FMT_MAX 32

/*
 * RFC 3339 text of t, "2024-09-18T22:00:00Z". Like snprintf: writes at
 * most cap-1 characters and a NUL, returns the full length.
 */
size_t mlcu_time_format(char *out, size_t cap, int64_t t);

/*
 * The label of the bucket holding t: hour "2024-09-18T22:00:00Z",
 * day "2024-09-18", month "2024-09"; NONE formats t as mlcu_time_format.
 * snprintf-like return.
 */
size_t mlcu_time_format_bucket(char *out, size_t cap, int64_t t, mlcu_bucket b);

#endif
