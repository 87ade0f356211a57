/* SPDX-License-Identifier: MIT */
/*
 * api_util.c - the public face (include/mlcost/common.h) of two utilities
 * the library uses itself: SHA-256 (util/sha256) and UTC time text
 * (util/time). Thin wrappers that check their arguments and set the
 * library's error, so a program on the public API (the `mlcost serve`
 * daemon) needs no copy of its own.
 *
 * What it is not: another implementation; the behaviour, and what a time
 * text may be, are util's, documented once in common.h.
 */
#include "mlcost/common.h"
#include "util/error.h"
#include "util/sha256.h"
#include "util/time.h"

/* the public sizes are util's: a change on either side must not go unnoticed */
_Static_assert(MLC_SHA256_LEN == MLCU_SHA256_LEN, "SHA-256 digest size");
_Static_assert(MLC_TIME_FORMAT_MAX == MLCU_TIME_FMT_MAX, "time text size");

/* The longest part of a refused time text quoted in the message. */
#define QUOTE_MAX 64

int mlc_sha256(unsigned char out[MLC_SHA256_LEN], const void *data, size_t len)
{
	mlcu_sha256 c;
	if (!out || (!data && len))
		return mlcu_error_set(MLC_EINVAL, "sha256: %s is NULL", out ? "data" : "out");
	mlcu_sha256_init(&c);
	/* memcpy may not be handed NULL, even for no bytes */
	mlcu_sha256_update(&c, len ? data : "", len);
	mlcu_sha256_final(out, &c);
	return 0;
}

int mlc_sha256_hex(char out[2 * MLC_SHA256_LEN + 1], const void *data, size_t len)
{
	unsigned char d[MLC_SHA256_LEN];
	int rc;
	if (!out)
		return mlcu_error_set(MLC_EINVAL, "sha256: out is NULL");
	if ((rc = mlc_sha256(d, data, len)) != 0)
		return rc;
	mlcu_sha256_hex(out, d);
	return 0;
}

int mlc_time_parse(int64_t *out, const char *s, size_t len)
{
	int64_t t;
	if (!out || (!s && len))
		return mlcu_error_set(MLC_EINVAL, "time: %s is NULL", out ? "text" : "out");
	if (mlcu_time_parse(&t, len ? s : "", len) != 0)
		return mlcu_error_set(MLC_EPARSE,
		                      "'%.*s%s' is not a time (RFC 3339 such as "
		                      "2024-09-18T22:00:00Z, or a date such as 2024-09-18)",
		                      (int)(len > QUOTE_MAX ? QUOTE_MAX : len), len ? s : "",
		                      len > QUOTE_MAX ? "..." : "");
	*out = t;
	return 0;
}

size_t mlc_time_format(char *out, size_t cap, int64_t t)
{
	return mlcu_time_format(cap ? out : NULL, cap, t);
}
