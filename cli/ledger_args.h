/* SPDX-License-Identifier: MIT */
/*
 * ledger_args.h - what the commands that read the ledger (forecast,
 * anomalies, budget, check) share: opening the store read-only, splitting
 * --by, naming a group, writing a JSON string.
 */
#ifndef MLC_CLI_LEDGER_ARGS_H
#define MLC_CLI_LEDGER_ARGS_H

#include <mlcost.h>

#include <stddef.h>

/* The ledger is only read: a missing SQLite file is an error, not a new store. */
extern const mlc_store_options cli_read_only_store;

/* Split "tag:team, ServiceName" into at most MLC_STORE_MAX_BY names that point
 * into buf (cap bytes); a usage error names cmd. Returns an exit code. */
int cli_split_by(const char *cmd, const char **out, size_t *n, char *buf, size_t cap,
                 const char *spec);

/* "tag:team=ml,ServiceName=EC2" for group s of d; "(all)" without --by. */
void cli_group_label(char *out, size_t cap, const mlc_store_daily *d, const char *const *by,
                     const mlc_store_series *s);

/* s as a JSON string on stdout, quotes included. */
void cli_json_str(const char *s);

#endif
