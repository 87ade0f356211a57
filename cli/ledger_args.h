/* SPDX-License-Identifier: MIT */
/*
 * ledger_args.h - what the commands that read the ledger (forecast,
 * anomalies, budget, check) share: opening the store read-only, splitting
 * --by, naming a group, writing a JSON string. And for the commands that
 * read bills or, given none, the ledger (attribute, tags, unit): the
 * --store option, opening the store in that case, and saying so when a
 * tag key is on no record of it.
 */
#ifndef MLC_CLI_LEDGER_ARGS_H
#define MLC_CLI_LEDGER_ARGS_H

#include "cli.h"

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

/* The --store option of attribute, tags and unit: no default in the table, so
 * that --store next to BILLS can be refused (cli_ledger_open). */
#define CLI_LEDGER_STORE_OPTION                                                                    \
	{                                                                                          \
		"store", 's', CLI_VALUE, "STORE",                                                  \
		    "ledger to read with no BILLS: a file or postgres://... "                      \
		    "(default " MLC_STORE_DEFAULT ")",                                             \
		    NULL, NULL                                                                     \
	}

/* With no BILLS, open the ledger (--store, else MLC_STORE_DEFAULT) read-only
 * into *out; with BILLS, *out stays NULL, and --store is a usage error.
 * Errors are printed ("mlcost: mlcost.db: no such store ..."); returns an
 * exit code. */
int cli_ledger_open(mlc_store **out, const cli_args *a, const char *cmd);

/* Whether any record of st carries tag key ("team" or "tag:team") into *out;
 * an error is printed. Returns an exit code. */
int cli_ledger_has_tag(int *out, mlc_store *st, const char *key, const char *aliases);

/* Say that no record carries the n tag keys of `keys` ("team,project"):
 * the store cannot tell an ingest that did not keep a key from bills that
 * lack it. An error, or with fatal 0 a warning. */
void cli_ledger_unkept(const char *cmd, const char *keys, size_t n, int fatal);

/* Fail with EXIT_BAD_INPUT, saying why, when no record of st carries tag
 * key; EXIT_OK when one does. */
int cli_ledger_tag(mlc_store *st, const char *cmd, const char *key, const char *aliases);

#endif
