/* SPDX-License-Identifier: MIT */
/*
 * cmd_serve.c - `mlcost serve --config serve.yaml`: the metering server
 * (SPEC §8). --print-config shows the effective settings, --hash-token
 * turns a token read on stdin into the sha256 the config holds, and
 * --print-config-doc prints the settings table of docs/serve.md (so the
 * docs are checked against the table that drives the parser).
 *
 * The server is the daemon library's (daemon/serve.h); this file parses
 * options, loads the config and maps failures to exit codes.
 */
#include "cli.h"
#include "serve.h"
#include "serve_error.h"

#include <mlcost.h>

#include <stdio.h>
#include <string.h>

static const cli_option options[] = {
    {"config", 'c', CLI_VALUE, "FILE", "the server's settings (YAML; docs/serve.md)", NULL, NULL},
    {"print-config", 0, CLI_FLAG, NULL,
     "print the effective settings (defaults filled in) and exit", NULL, NULL},
    {"hash-token", 0, CLI_FLAG, NULL,
     "read a token on stdin and print its sha256 for the config's tokens", NULL, NULL},
    {"print-config-doc", 0, CLI_FLAG, NULL, "print the settings table as Markdown and exit", NULL,
     NULL},
    {NULL, 0, 0, NULL, NULL, NULL, NULL}};

#define MAX_TOKEN 4096

static int hash_token(void)
{
	char buf[MAX_TOKEN + 2], hex[2 * MLCD_SHA256_LEN + 1];
	size_t n = fread(buf, 1, sizeof(buf) - 1, stdin);
	if (n > MAX_TOKEN)
		return cli_error(EXIT_BAD_INPUT, "serve: a token is at most %d bytes", MAX_TOKEN);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--; /* `echo TOKEN |` adds a newline that is not part of the token */
	buf[n] = '\0';
	if (!n || strpbrk(buf, " \t\r\n"))
		return cli_error(EXIT_BAD_INPUT, "serve: a token is one word on stdin");
	mlcd_serve_hash_token(hex, buf, n);
	printf("%s\n", hex);
	return EXIT_OK;
}

static int fail(int rc)
{
	fprintf(stderr, "mlcost: %s\n", mlcd_error_message());
	return cli_exit_code(rc);
}

static int run(const cli_args *a)
{
	const char *path = cli_value(a, "config");
	mlcd_config *cfg = NULL;
	int rc;
	if (cli_flag(a, "hash-token"))
		return hash_token();
	if (cli_flag(a, "print-config-doc")) {
		mlcd_config_print_doc(stdout);
		return EXIT_OK;
	}
	if (!path)
		return cli_error(EXIT_USAGE, "serve: --config FILE is required");
	if ((rc = mlcd_config_load_file(&cfg, path)) != 0)
		return fail(rc);
	if (cli_flag(a, "print-config")) {
		mlcd_config_print(stdout, cfg);
		mlcd_config_free(cfg);
		return EXIT_OK;
	}
	fflush(stdout);
	rc = mlcd_serve_run(cfg);
	mlcd_config_free(cfg);
	return rc ? fail(rc) : EXIT_OK;
}

const cli_command cmd_serve = {
    "serve",
    "the metering server: events in, cost per request, budgets and metrics out",
    "--config serve.yaml [--print-config]\n"
    "       --hash-token < token.txt",
    "Serves HTTP (default 127.0.0.1:9464): POST /v1/events (inference events, priced\n"
    "at ingest from the catalogs and logged durably before the answer), GET /v1/costs,\n"
    "GET /v1/budgets, GET /v1/budgets/check?model=..., GET /metrics (Prometheus),\n"
    "GET /healthz. Bearer tokens with scopes ingest, read, admin are configured as\n"
    "sha256 hashes (--hash-token prints one). SIGHUP reloads catalogs and budgets;\n"
    "SIGTERM finishes the requests in flight, flushes the log and exits 0.\n"
    "Details: docs/serve.md.",
    options,
    0,
    0,
    run};
