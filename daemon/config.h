/* SPDX-License-Identifier: MIT */
/*
 * config.h - the settings of `mlcost serve` (serve.yaml). Every setting is
 * one row of a declarative table (name, type, default, bounds, doc) that
 * drives the YAML parser, validation, `--print-config` and the settings
 * table of docs/serve.md (`--print-config-doc`), so the four cannot drift.
 *
 * What it is not: the server. Loading a config opens nothing (no socket,
 * catalog or store); it checks syntax, types and bounds, and reports the
 * first problem as "FILE:LINE:COL: message" with MLC_EPARSE.
 */
#ifndef MLCD_CONFIG_H
#define MLCD_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define MLCD_SHA256_LEN 32

/* Scopes of a bearer token; admin implies the others. */
enum { MLCD_SCOPE_INGEST = 1, MLCD_SCOPE_READ = 2, MLCD_SCOPE_ADMIN = 4 };

#define MLCD_MAX_TOKENS   1024
#define MLCD_MAX_TEAMS    256 /* teams of one token */
#define MLCD_MAX_CATALOGS 64
#define MLCD_MAX_NAME     128 /* token and team names */

typedef struct mlcd_token {
	char *name;
	unsigned char hash[MLCD_SHA256_LEN]; /* sha256 of the token text */
	unsigned scopes;                     /* MLCD_SCOPE_* bits */
	char **teams;                        /* NULL when not team-limited */
	size_t nteams;
	double rate_per_second; /* requests/s; 0 = unlimited */
	unsigned rate_burst;
	int own_rate, own_burst; /* given on the token (else the global settings) */
	int line, col;           /* where the token starts in the file */
} mlcd_token;

typedef struct mlcd_config {
	char *path; /* the file, as given */
	char *listen;
	unsigned threads;
	char **catalogs;
	size_t ncatalogs;
	char *budgets; /* NULL = none */
	char *store;
	char *wal_dir;
	int fsync;
	unsigned group_commit_us;
	unsigned compact_interval_ms;
	unsigned refresh_interval_ms;
	unsigned dedup_window_s;
	unsigned dedup_max_ids;
	unsigned max_cells;
	unsigned memory_days;
	char *replica; /* NULL = the one kept in wal_dir */
	uint64_t wal_segment_bytes;
	int wal_preallocate;
	uint64_t max_body_bytes;
	unsigned max_events_per_request;
	unsigned max_connections;
	unsigned max_connections_per_ip;
	unsigned connection_timeout_s;
	unsigned shutdown_timeout_s;
	double rate_limit_per_second; /* default of every token; 0 = unlimited */
	unsigned rate_limit_burst;
	int metrics_public;
	unsigned dashboard_refresh_s; /* the dashboard page refetches its fragment this often */
	mlcd_token *tokens;
	size_t ntokens;
} mlcd_config;

/*
 * Load and validate a config file. Relative paths in it (catalogs, budgets,
 * store, wal_dir) are taken from the file's directory. Errors: MLC_EPARSE
 * ("FILE:LINE:COL: message"), MLC_EIO, MLC_ETOOLARGE, MLC_ENOMEM; the
 * message is in mlcd_error_message().
 */
int mlcd_config_load_file(mlcd_config **out, const char *path);

/* The same from text; name is used in messages and dir resolves relative paths. */
int mlcd_config_load_string(mlcd_config **out, const char *name, const char *dir, const char *text,
                            size_t len);

void mlcd_config_free(mlcd_config *c);

/* The effective config as YAML (defaults filled, token hashes, never a secret). */
void mlcd_config_print(FILE *f, const mlcd_config *c);

/* The settings table as Markdown rows (docs/serve.md). */
void mlcd_config_print_doc(FILE *f);

/* host and port of a listen address "HOST:PORT" / "[V6]:PORT"; host must hold 64 bytes. */
int mlcd_config_split_listen(char *host, size_t hostcap, unsigned *port, const char *listen);

#endif
