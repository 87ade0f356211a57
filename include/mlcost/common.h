/* SPDX-License-Identifier: MIT */
/*
 * mlcost/common.h - return codes, error reporting, allocation hooks and
 * version of libmlcost. Every other public header includes this one.
 *
 * Functions return 0 on success or one of the negative MLC_E* codes below;
 * the message of the last failure on the calling thread is kept and read
 * with mlc_error_message(). The library never prints and never exits.
 *
 * Also two utilities the library uses itself, for programs built on it:
 * SHA-256 and the reading and writing of UTC time text.
 */
#ifndef MLCOST_COMMON_H
#define MLCOST_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && !defined(MLC_STATIC_ONLY)
#define MLC_EXTERN __attribute__((visibility("default")))
#else
#define MLC_EXTERN
#endif

#define MLC_VERSION_STRING "0.1.0"

/** Return codes. 0 is success; failures are negative. */
enum mlc_error_code {
	MLC_OK = 0,
	MLC_ERROR = -1,     /**< runtime failure (I/O, system) */
	MLC_ENOMEM = -2,    /**< an allocation failed */
	MLC_EPARSE = -3,    /**< bad input data (syntax, type, unknown field) */
	MLC_ENOTFOUND = -4, /**< a named thing (resource, model, file) is absent */
	MLC_EINVAL = -5,    /**< the caller passed an invalid argument */
	MLC_ETOOLARGE = -6, /**< input exceeded a documented limit */
	MLC_EIO = -7        /**< reading or writing a file failed */
};

/**
 * The message of the last failure on this thread, e.g.
 * "profile.yaml:12:7: unknown field 'instanse'". Never NULL; "" when none.
 * The pointer is borrowed and valid until the next failing call.
 */
MLC_EXTERN const char *mlc_error_message(void);

/** The code of the last failure on this thread (MLC_OK when none). */
MLC_EXTERN int mlc_error_code(void);

/** Forget the last failure on this thread. */
MLC_EXTERN void mlc_error_clear(void);

/**
 * Allocation hooks. All memory the library allocates goes through these,
 * so a test can make the Nth allocation fail. Pass NULL to restore libc.
 * Not thread-safe: call before any other library function.
 */
typedef struct mlc_allocator {
	void *(*malloc_fn)(size_t size);
	void *(*realloc_fn)(void *ptr, size_t size);
	void (*free_fn)(void *ptr);
} mlc_allocator;

MLC_EXTERN void mlc_set_allocator(const mlc_allocator *allocator);

/** The library's version, e.g. "0.1.0". */
MLC_EXTERN const char *mlc_version(void);

/* ---- utilities the library uses itself: SHA-256 and UTC time text ------------------------ */

/** Bytes of a SHA-256 digest. */
#define MLC_SHA256_LEN 32

/**
 * SHA-256 (FIPS 180-4) of data[0..len) into out (32 bytes): the hash the
 * library fingerprints ingested files with. data may be NULL when len is 0.
 * 0, or MLC_EINVAL (out NULL, or data NULL with len > 0).
 */
MLC_EXTERN int mlc_sha256(unsigned char out[MLC_SHA256_LEN], const void *data, size_t len);

/**
 * The same digest as 64 lower-case hex digits and a NUL, into out (65
 * bytes), e.g. "ba7816bf...f20015ad" for "abc". 0, or MLC_EINVAL.
 */
MLC_EXTERN int mlc_sha256_hex(char out[2 * MLC_SHA256_LEN + 1], const void *data, size_t len);

/**
 * One UTC timestamp, the whole of s[0..len), as the library reads times in
 * every input (time is UTC), into *out: seconds since 1970-01-01T00:00:00Z.
 *
 *   2024-09-18                    a date: midnight UTC
 *   2024-09-18T22:00:00Z          RFC 3339 / ISO 8601 (T or t, Z or z)
 *   2024-09-18T22:00:00.250Z      fractional seconds ('.' or ','), truncated
 *   2024-09-18T22:00:00+02:00     an offset: +HH:MM, +HHMM or +HH (or -)
 *   2024-09-18T22:00              seconds may be left out; no zone is UTC
 *   2024-09-18 22:00:00           a space instead of the T
 *
 * Blanks (spaces, tabs) around the text are ignored. 24:00[:00] is the end
 * of the day (ISO 8601); a leap second, :60, is the next minute. Years are
 * 0001-9999. Anything else, out-of-range fields included (hour 25,
 * 2025-02-29), is MLC_EPARSE with the message "'TEXT' is not a time
 * (RFC 3339 such as 2024-09-18T22:00:00Z, or a date such as 2024-09-18)"
 * (TEXT cut at 64 bytes); *out is then untouched. MLC_EINVAL when out is
 * NULL, or s is NULL with len > 0. No week or ordinal dates, month names,
 * MM/DD/YYYY or bare Unix seconds.
 */
MLC_EXTERN int mlc_time_parse(int64_t *out, const char *s, size_t len);

/** Bytes mlc_time_format may need, the NUL included, for any t. */
#define MLC_TIME_FORMAT_MAX 32

/**
 * The RFC 3339 text of t (UTC seconds), "2024-09-18T22:00:00Z", which
 * mlc_time_parse reads back to t when it is in the years 0001-9999 (others
 * get more digits or a sign; t before -2^62 s is written as -2^62). Like
 * snprintf: writes at most cap - 1 characters and a NUL (nothing when cap
 * is 0), returns the full length.
 */
MLC_EXTERN size_t mlc_time_format(char *out, size_t cap, int64_t t);

#ifdef __cplusplus
}
#endif

#endif
