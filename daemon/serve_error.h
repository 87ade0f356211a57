/* SPDX-License-Identifier: MIT */
/*
 * serve_error.h - the last error of the calling thread in the daemon's own
 * modules (config, auth, handlers), like mlc_error_message() in the
 * library: functions return 0 or an MLC_E* code and leave the message here.
 * The daemon uses only the public API, which has no setter for the
 * library's message, hence this small twin.
 */
#ifndef MLCD_SERVE_ERROR_H
#define MLCD_SERVE_ERROR_H

#define MLCD_ERROR_MAX 1024 /* longer messages are truncated */

/* Set the message; returns code. */
int mlcd_error_set(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Take over the library's last message (mlc_error_message()); returns rc. */
int mlcd_error_lib(int rc);

/* The message of the last failure on this thread; "" when none. */
const char *mlcd_error_message(void);

#endif
