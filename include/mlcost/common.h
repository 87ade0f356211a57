/* SPDX-License-Identifier: MIT */
/*
 * mlcost/common.h - return codes, error reporting, allocation hooks and
 * version of libmlcost. Every other public header includes this one.
 *
 * Functions return 0 on success or one of the negative MLC_E* codes below;
 * the message of the last failure on the calling thread is kept and read
 * with mlc_error_message(). The library never prints and never exits.
 */
#ifndef MLCOST_COMMON_H
#define MLCOST_COMMON_H

#include <stddef.h>

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

#ifdef __cplusplus
}
#endif

#endif
