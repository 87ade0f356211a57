/* SPDX-License-Identifier: MIT */
/*
 * serve.h - `mlcost serve` as the CLI runs it: load the catalogs and
 * budgets, open the engine (recovering its log), listen, and serve until
 * SIGTERM or SIGINT; SIGHUP reloads catalogs and budgets. One line per
 * start, reload, stop and error goes to stderr; tokens never do.
 */
#ifndef MLCD_SERVE_H
#define MLCD_SERVE_H

#include "config.h"

/*
 * Serve cfg until a stop signal, then finish the requests in flight,
 * compact the log into the store and return 0. A failure to start returns
 * an MLC_E* code with the message in mlcd_error_message(): MLC_EPARSE or
 * MLC_ENOTFOUND for bad catalogs or budgets, MLC_EIO for a store, log or
 * socket that cannot be opened.
 */
int mlcd_serve_run(const mlcd_config *cfg);

/* The hex SHA-256 of a token (for the config's `sha256`); out holds 65 bytes. */
void mlcd_serve_hash_token(char *out, const char *token, size_t len);

#endif
