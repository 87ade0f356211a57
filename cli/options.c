/* SPDX-License-Identifier: MIT */
/*
 * options.c - argument parsing and --help text, driven by each command's
 * option table (cli.h).
 */
#include "cli.h"

#include <mlcost.h>

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static int option_index(const cli_command *cmd, const char *name, size_t len)
{
	int i;
	for (i = 0; cmd->options && cmd->options[i].name; i++)
		if (strlen(cmd->options[i].name) == len &&
		    !strncmp(cmd->options[i].name, name, len))
			return i;
	return -1;
}

static int short_index(const cli_command *cmd, char c)
{
	int i;
	for (i = 0; cmd->options && cmd->options[i].name; i++)
		if (cmd->options[i].short_name == c)
			return i;
	return -1;
}

static int usage_error(const cli_command *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int usage_error(const cli_command *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "mlcost: %s: ", cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'mlcost %s --help'.\n", cmd->name);
	return EXIT_USAGE;
}

static int store_value(cli_args *out, int idx, const char *value)
{
	const cli_option *o = &out->cmd->options[idx];
	if (o->choices) {
		size_t i;
		int ok = 0;
		for (i = 0; o->choices[i]; i++)
			if (!strcmp(o->choices[i], value))
				ok = 1;
		if (!ok) {
			fprintf(stderr, "mlcost: %s: --%s must be one of:", out->cmd->name,
			        o->name);
			for (i = 0; o->choices[i]; i++)
				fprintf(stderr, " %s", o->choices[i]);
			fprintf(stderr, " (got '%s')\n", value);
			return EXIT_USAGE;
		}
	}
	if (out->nvalues[idx] >= CLI_MAX_VALUES)
		return usage_error(out->cmd, "--%s given more than %d times", o->name,
		                   CLI_MAX_VALUES);
	if (o->kind == CLI_VALUE)
		out->nvalues[idx] = 0;
	out->values[idx][out->nvalues[idx]++] = value;
	return EXIT_OK;
}

static int take_option(cli_args *out, int idx, const char *inline_value, int argc, char **argv,
                       int *i)
{
	const cli_option *o = &out->cmd->options[idx];
	if (o->kind == CLI_FLAG) {
		if (inline_value)
			return usage_error(out->cmd, "--%s takes no value", o->name);
		out->nvalues[idx] = 1;
		return EXIT_OK;
	}
	if (inline_value)
		return store_value(out, idx, inline_value);
	if (*i + 1 >= argc)
		return usage_error(out->cmd, "--%s needs a value (%s)", o->name,
		                   o->metavar ? o->metavar : "VALUE");
	(*i)++;
	return store_value(out, idx, argv[*i]);
}

int cli_parse(cli_args *out, const cli_command *cmd, int argc, char **argv, int *help_shown)
{
	int i, rc, only_positional = 0;
	memset(out, 0, sizeof(*out));
	out->cmd = cmd;
	*help_shown = 0;
	for (i = 0; i < argc; i++) {
		const char *arg = argv[i];
		if (!only_positional && !strcmp(arg, "--")) {
			only_positional = 1;
		} else if (!only_positional && (!strcmp(arg, "--help") || !strcmp(arg, "-h"))) {
			cli_print_help(stdout, cmd);
			*help_shown = 1;
			return EXIT_OK;
		} else if (!only_positional && !strncmp(arg, "--", 2)) {
			const char *eq = strchr(arg + 2, '=');
			size_t len = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
			int idx = option_index(cmd, arg + 2, len);
			if (idx < 0)
				return usage_error(cmd, "unknown option '%.*s'", (int)len + 2, arg);
			rc = take_option(out, idx, eq ? eq + 1 : NULL, argc, argv, &i);
			if (rc)
				return rc;
		} else if (!only_positional && arg[0] == '-' && arg[1] && arg[2] == '\0') {
			int idx = short_index(cmd, arg[1]);
			if (idx < 0)
				return usage_error(cmd, "unknown option '%s'", arg);
			rc = take_option(out, idx, NULL, argc, argv, &i);
			if (rc)
				return rc;
		} else {
			if (out->npos >= CLI_MAX_POSITIONAL)
				return usage_error(cmd, "more than %d arguments",
				                   CLI_MAX_POSITIONAL);
			out->pos[out->npos++] = arg;
		}
	}
	if (out->npos < cmd->min_positional)
		return usage_error(cmd, "missing argument (usage: mlcost %s %s)", cmd->name,
		                   cmd->usage);
	if (out->npos > cmd->max_positional)
		return usage_error(cmd, "unexpected argument '%s'", out->pos[cmd->max_positional]);
	return EXIT_OK;
}

static int lookup(const cli_args *a, const char *name)
{
	int idx = option_index(a->cmd, name, strlen(name));
	if (idx < 0) {
		fprintf(stderr, "mlcost: internal error: command '%s' has no option '%s'\n",
		        a->cmd->name, name);
		abort();
	}
	return idx;
}

int cli_flag(const cli_args *a, const char *name)
{
	return a->nvalues[lookup(a, name)] > 0;
}

const char *cli_value(const cli_args *a, const char *name)
{
	int idx = lookup(a, name);
	if (a->nvalues[idx])
		return a->values[idx][a->nvalues[idx] - 1];
	return a->cmd->options[idx].def;
}

size_t cli_list(const cli_args *a, const char *name, const char *const **out)
{
	int idx = lookup(a, name);
	*out = a->values[idx];
	return a->nvalues[idx];
}

int cli_split_names(char **buf, const char **out, size_t max, size_t *n, const char *const *vals,
                    size_t nvals, const char *cmd, const char *what)
{
	size_t total = 1, used = 0;
	*n = 0;
	for (size_t i = 0; i < nvals; i++)
		total += strlen(vals[i]) + 1;
	if (!(*buf = malloc(total)))
		return cli_error(EXIT_RUNTIME, "out of memory");
	for (size_t i = 0; i < nvals; i++) {
		char *p = *buf + used, *tok, *save = NULL;
		strcpy(p, vals[i]);
		used += strlen(vals[i]) + 1;
		for (tok = strtok_r(p, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			char *e = tok + strlen(tok);
			while (*tok == ' ' || *tok == '\t')
				tok++;
			while (e > tok && (e[-1] == ' ' || e[-1] == '\t'))
				*--e = '\0';
			if (!*tok)
				continue;
			if (*n == max)
				return cli_error(EXIT_USAGE, "%s: at most %zu %s", cmd, max, what);
			out[(*n)++] = tok;
		}
	}
	return EXIT_OK;
}

void cli_print_help(FILE *f, const cli_command *cmd)
{
	int i;
	fprintf(f, "Usage: mlcost %s %s\n\n%s\n", cmd->name, cmd->usage, cmd->summary);
	if (cmd->description && *cmd->description)
		fprintf(f, "\n%s\n", cmd->description);
	fprintf(f, "\nOptions:\n");
	for (i = 0; cmd->options && cmd->options[i].name; i++) {
		const cli_option *o = &cmd->options[i];
		char left[96];
		if (o->short_name)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", o->short_name, o->name,
			         o->kind == CLI_FLAG ? "" : " ",
			         o->kind == CLI_FLAG ? "" : o->metavar);
		else
			snprintf(left, sizeof(left), "    --%s%s%s", o->name,
			         o->kind == CLI_FLAG ? "" : " ",
			         o->kind == CLI_FLAG ? "" : o->metavar);
		fprintf(f, "  %-28s %s", left, o->help);
		if (o->choices) {
			size_t k;
			fprintf(f, " (");
			for (k = 0; o->choices[k]; k++)
				fprintf(f, "%s%s", k ? "|" : "", o->choices[k]);
			fprintf(f, ")");
		}
		if (o->def)
			fprintf(f, " [default: %s]", o->def);
		if (o->kind == CLI_LIST)
			fprintf(f, " (repeatable)");
		fprintf(f, "\n");
	}
	fprintf(f, "  %-28s %s\n", "-h, --help", "show this help and exit");
	fprintf(f, "\nExit status: 0 ok, 1 runtime error, 2 usage error, 3 bad input data,\n"
	           "4 a check, budget or coverage rule failed.\n");
}

int cli_parse_count(size_t *out, const char *cmd, const char *opt, const char *v)
{
	char *end;
	unsigned long long n = strtoull(v, &end, 10);
	if (!*v || *end || v[0] == '-')
		return cli_error(EXIT_USAGE, "%s: --%s must be a whole number (got '%s')", cmd, opt,
		                 v);
	*out = (size_t)n;
	return EXIT_OK;
}

int cli_parse_horizon(unsigned *out, const char *cmd, const char *v)
{
	char *end;
	unsigned long d = strtoul(v, &end, 10);
	if (*end == 'd')
		end++;
	if (!*v || *v == '-' || *end || d < 1 || d > MLC_SERIES_MAX_HORIZON)
		return cli_error(EXIT_USAGE, "%s: --horizon must be 1 to %d days (got '%s')", cmd,
		                 MLC_SERIES_MAX_HORIZON, v);
	*out = (unsigned)d;
	return EXIT_OK;
}

int cli_exit_code(int rc)
{
	switch (rc) {
	case MLC_OK:
		return EXIT_OK;
	case MLC_EPARSE:
	case MLC_ETOOLARGE:
	case MLC_ENOTFOUND:
		return EXIT_BAD_INPUT;
	case MLC_EINVAL:
		return EXIT_USAGE;
	default:
		return EXIT_RUNTIME;
	}
}

int cli_fail(int rc)
{
	const char *msg = mlc_error_message();
	fprintf(stderr, "mlcost: %s\n", *msg ? msg : "unknown error");
	return cli_exit_code(rc);
}

int cli_error(int code, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "mlcost: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	return code;
}
