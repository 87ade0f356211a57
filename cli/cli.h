/* SPDX-License-Identifier: MIT */
/*
 * cli.h - the `mlcost` tool's command framework: each subcommand is a
 * cli_command with a table of cli_option (options as data) that drives
 * argument parsing, `--help` and shell completion. Subcommands live one per
 * file, cli/cmd_<name>.c, each defining `const cli_command cmd_<name>`;
 * the build finds them by file name.
 */
#ifndef MLC_CLI_H
#define MLC_CLI_H

#include <stddef.h>
#include <stdio.h>

/* Exit codes (SPEC §9). */
enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_USAGE = 2, EXIT_BAD_INPUT = 3, EXIT_RULE_FAILED = 4 };

typedef enum cli_opt_kind {
	CLI_FLAG,  /* --lenient */
	CLI_VALUE, /* --format json (last one wins) */
	CLI_LIST   /* --where a=b --where c=d (repeatable) */
} cli_opt_kind;

typedef struct cli_option {
	const char *name; /* long name, without the dashes */
	char short_name;  /* 0 for none */
	cli_opt_kind kind;
	const char *metavar; /* shown in help: --format FMT */
	const char *help;
	const char *def;            /* default value, or NULL */
	const char *const *choices; /* NULL-terminated allowed values, or NULL */
} cli_option;

#define CLI_MAX_VALUES     64 /* values of one CLI_LIST option */
#define CLI_MAX_OPTIONS    32
#define CLI_MAX_POSITIONAL 256

typedef struct cli_args cli_args;

typedef struct cli_command {
	const char *name;
	const char *summary;       /* one line for `mlcost --help` */
	const char *usage;         /* after "mlcost NAME ": "PROFILE [options]" */
	const char *description;   /* paragraphs shown by --help */
	const cli_option *options; /* terminated by an entry with name NULL */
	size_t min_positional;
	size_t max_positional;
	int (*run)(const cli_args *args);
} cli_command;

struct cli_args {
	const cli_command *cmd;
	size_t npos;
	const char *pos[CLI_MAX_POSITIONAL];
	size_t nvalues[CLI_MAX_OPTIONS];
	const char *values[CLI_MAX_OPTIONS][CLI_MAX_VALUES];
};

/* Parse argv (after the subcommand name). Returns EXIT_OK, or an exit code
 * after printing a usage error; *help_shown is set when --help was given. */
int cli_parse(cli_args *out, const cli_command *cmd, int argc, char **argv, int *help_shown);

/* Option lookups by long name. A name not in the command's table aborts
 * (a programming error, caught by the tests of every command). */
int cli_flag(const cli_args *a, const char *name);
const char *cli_value(const cli_args *a, const char *name); /* last, default, or NULL */
size_t cli_list(const cli_args *a, const char *name, const char *const **out);

/*
 * Split option values at commas into names (blanks around each dropped,
 * empty ones skipped), at most max, pointing into *buf (the caller frees
 * it, also after a failure). Errors read "CMD: at most MAX WHAT". Returns
 * an exit code.
 */
int cli_split_names(char **buf, const char **out, size_t max, size_t *n, const char *const *vals,
                    size_t nvals, const char *cmd, const char *what);

/* Option values shared by several commands; errors read "CMD: --OPT must be ..." (exit 2).
 * A count: a whole number >= 0. A horizon: 1 to MLC_SERIES_MAX_HORIZON days, "30" or "30d". */
int cli_parse_count(size_t *out, const char *cmd, const char *opt, const char *v);
int cli_parse_horizon(unsigned *out, const char *cmd, const char *v);

void cli_print_help(FILE *f, const cli_command *cmd);

/* Print "mlcost: <library error message>" and return the exit code for rc. */
int cli_fail(int rc);
/* Print "mlcost: <message>" and return code. */
int cli_error(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The exit code for a library return code. */
int cli_exit_code(int rc);

/* All subcommands, sorted by name, NULL-terminated. */
extern const cli_command *const cli_commands[];

#endif
