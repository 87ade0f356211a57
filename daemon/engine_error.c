/* SPDX-License-Identifier: MIT */
/*
 * engine_error.c - the message of the engine's last failure on this thread
 * (mlcd_engine_error): the daemon sits outside libmlcost and cannot set the
 * library's error, so the engine and its log keep their own, in the same
 * "what: why" form. A failure inside the library (the store) is copied
 * from mlc_error_message().
 *
 * What it is not: logging; nothing here prints.
 */
#include "engine_internal.h"

#include <stdarg.h>
#include <stdio.h>

static _Thread_local char message[1024];

int mlcd__error_set(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	return code;
}

int mlcd__error_from_lib(int code, const char *what)
{
	return mlcd__error_set(code, "%s: %s", what, mlc_error_message());
}

const char *mlcd_engine_error(void)
{
	return message;
}
