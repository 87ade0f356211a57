/* SPDX-License-Identifier: MIT */
/*
 * ledger_args.c - helpers of the ledger-reading commands (see ledger_args.h).
 */
#include "ledger_args.h"
#include "cli.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

const mlc_store_options cli_read_only_store = {MLC_STORE_OPTIONS_VERSION, 1, 0, 0, NULL, NULL, 1};

int cli_split_by(const char *cmd, const char **out, size_t *n, char *buf, size_t cap,
                 const char *spec)
{
	char *tok, *save = NULL;
	*n = 0;
	if (strlen(spec) >= cap)
		return cli_error(EXIT_USAGE, "%s: --by is too long", cmd);
	strcpy(buf, spec);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		while (*tok == ' ')
			tok++;
		if (!*tok)
			continue;
		if (*n == MLC_STORE_MAX_BY)
			return cli_error(EXIT_USAGE, "%s: at most %d --by dimensions", cmd,
			                 MLC_STORE_MAX_BY);
		out[(*n)++] = tok;
	}
	return EXIT_OK;
}

void cli_group_label(char *out, size_t cap, const mlc_store_daily *d, const char *const *by,
                     const mlc_store_series *s)
{
	size_t used = 0;
	out[0] = '\0';
	if (!d->nby)
		snprintf(out, cap, "(all)");
	for (size_t i = 0; i < d->nby && used + 1 < cap; i++) {
		int k = snprintf(out + used, cap - used, "%s%s=%s", i ? "," : "", by[i],
		                 s->values[i] ? s->values[i] : "(missing)");
		used += k > 0 ? (size_t)k : 0;
	}
}

void cli_json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

int cli_ledger_open(mlc_store **out, const cli_args *a, const char *cmd)
{
	const char *url = cli_value(a, "store");
	int rc;
	*out = NULL;
	if (a->npos) {
		if (url)
			return cli_error(
			    EXIT_USAGE,
			    "%s: --store reads the ledger instead of bills: give BILLS "
			    "or --store, not both",
			    cmd);
		return EXIT_OK;
	}
	if ((rc = mlc_store_open(out, url ? url : MLC_STORE_DEFAULT, &cli_read_only_store)) != 0) {
		*out = NULL;
		return cli_fail(rc);
	}
	return EXIT_OK;
}

int cli_ledger_has_tag(int *out, mlc_store *st, const char *key, const char *aliases)
{
	int rc = mlc_ledger_has_tag(out, st, key, aliases);
	return rc ? cli_fail(rc) : EXIT_OK;
}

void cli_ledger_unkept(const char *cmd, const char *keys, size_t n, int fatal)
{
	fprintf(stderr,
	        "mlcost: %s%s: no record in the store carries the tag%s %s: the ingests did not "
	        "keep %s (mlcost ingest --tags ...,%s), or no billed row has %s; give the bills "
	        "to tell\n",
	        fatal ? "" : "warning: ", cmd, n == 1 ? "" : "s", keys, n == 1 ? "it" : "them",
	        keys, n == 1 ? "it" : "them");
}

int cli_ledger_tag(mlc_store *st, const char *cmd, const char *key, const char *aliases)
{
	int has, rc;
	if ((rc = cli_ledger_has_tag(&has, st, key, aliases)) != EXIT_OK || has)
		return rc;
	cli_ledger_unkept(cmd, strncasecmp(key, "tag:", 4) ? key : key + 4, 1, 1);
	return EXIT_BAD_INPUT;
}
