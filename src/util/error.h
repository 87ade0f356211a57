/* SPDX-License-Identifier: MIT */
/*
 * util/error.h - the per-thread "last error" behind mlc_error_message().
 * Setters return the code they were given, so a failing path can be
 * written `return mlcu_error_set(MLC_EPARSE, "%s:%u: ...", ...)`.
 */
#ifndef MLCU_ERROR_H
#define MLCU_ERROR_H

#include <stdarg.h>

#define MLCU_ERROR_MAX 1024 /* longer messages are truncated */

int mlcu_error_set(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int mlcu_error_setv(int code, const char *fmt, va_list ap);
/* Prefix the current message, e.g. with "file.yaml: ". Returns the code. */
int mlcu_error_prefix(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Shorthand for an allocation failure. */
int mlcu_error_oom(void);

#endif
