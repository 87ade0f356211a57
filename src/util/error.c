/* SPDX-License-Identifier: MIT */
/*
 * util/error.c - thread-local last-error message and code.
 */
#include "util/error.h"
#include "mlcost/common.h"

#include <stdio.h>
#include <string.h>

static _Thread_local char message[MLCU_ERROR_MAX];
static _Thread_local int last_code;

int mlcu_error_setv(int code, const char *fmt, va_list ap)
{
	vsnprintf(message, sizeof(message), fmt, ap);
	last_code = code;
	return code;
}

int mlcu_error_set(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	mlcu_error_setv(code, fmt, ap);
	va_end(ap);
	return code;
}

int mlcu_error_prefix(const char *fmt, ...)
{
	char prefix[MLCU_ERROR_MAX];
	char old[MLCU_ERROR_MAX];
	va_list ap;
	size_t plen;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	plen = strlen(prefix);
	memcpy(old, message, sizeof(old));
	memcpy(message, prefix, plen);
	/* keep the tail of the old message that still fits */
	strncpy(message + plen, old, sizeof(message) - plen - 1);
	message[sizeof(message) - 1] = '\0';
	return last_code;
}

int mlcu_error_oom(void)
{
	return mlcu_error_set(MLC_ENOMEM, "out of memory");
}

const char *mlc_error_message(void)
{
	return message;
}

int mlc_error_code(void)
{
	return last_code;
}

void mlc_error_clear(void)
{
	message[0] = '\0';
	last_code = MLC_OK;
}

const char *mlc_version(void)
{
	return MLC_VERSION_STRING;
}
