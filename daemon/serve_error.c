/* SPDX-License-Identifier: MIT */
/*
 * serve_error.c - per-thread last error of the daemon's modules. See
 * serve_error.h.
 */
#include "serve_error.h"

#include <mlcost.h>

#include <stdarg.h>
#include <stdio.h>

static _Thread_local char last[MLCD_ERROR_MAX];

int mlcd_error_set(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(last, sizeof(last), fmt, ap);
	va_end(ap);
	return code;
}

int mlcd_error_lib(int rc)
{
	snprintf(last, sizeof(last), "%s", mlc_error_message());
	return rc;
}

const char *mlcd_error_message(void)
{
	return last;
}
