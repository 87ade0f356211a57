/* SPDX-License-Identifier: MIT */
/*
 * config_value.c - reading and printing the values of settings by type:
 * numbers with `_` separators and bounds, byte sizes with KiB/MiB/GiB,
 * booleans, listen addresses, paths resolved against the config's
 * directory, lists of catalog sources. Tokens are config_tokens.c's.
 */
#include "config_internal.h"
#include "serve_error.h"

#include <mlcost.h>

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FIELD(c, s, T) ((T *)((char *)(c) + (s)->off))
#define NAME_CHARS     "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-@:"

const char *mlcd_config__type_name(mlcd_cfg_type t)
{
	static const char *const names[] = {"address", "integer", "bytes",
	                                    "number",  "boolean", "path",
	                                    "name",    "list",    "list of tokens"};
	return names[t];
}

char *mlcd_config__strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);
	if (p)
		memcpy(p, s, n);
	return p;
}

void mlcd_config__free_list(char **v, size_t n)
{
	size_t i;
	for (i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

unsigned mlcd_config__scope(const char *name)
{
	if (!strcmp(name, "ingest"))
		return MLCD_SCOPE_INGEST;
	if (!strcmp(name, "read"))
		return MLCD_SCOPE_READ;
	if (!strcmp(name, "admin"))
		return MLCD_SCOPE_ADMIN;
	return 0;
}

/* Digits with single `_` between them, into buf without the separators. */
static int strip_digits(char *buf, size_t cap, const char *s, size_t len)
{
	size_t i, n = 0;
	for (i = 0; i < len; i++) {
		if (s[i] == '_' && i > 0 && i + 1 < len && s[i - 1] != '_' && s[i + 1] != '_')
			continue;
		if (n + 1 >= cap)
			return -1;
		buf[n++] = s[i];
	}
	buf[n] = '\0';
	return n ? 0 : -1;
}

static int parse_u64(uint64_t *out, const char *s, size_t len)
{
	char buf[32], *end;
	unsigned long long v;
	if (strip_digits(buf, sizeof(buf), s, len) || buf[0] < '0' || buf[0] > '9')
		return -1;
	for (end = buf; *end; end++)
		if (*end < '0' || *end > '9')
			return -1;
	errno = 0;
	v = strtoull(buf, &end, 10);
	if (errno == ERANGE || v > UINT64_MAX)
		return -1;
	*out = v;
	return 0;
}

static int range_error(char *why, size_t cap, const mlcd_setting *s, const char *text)
{
	snprintf(why, cap, "%s must be %s from %.15g to %.15g, got '%s'", s->name,
	         s->type == MLCD_CFG_DOUBLE ? "a number" : "an integer", s->min, s->max, text);
	return MLC_EPARSE;
}

static int set_number(mlcd_config *c, const mlcd_setting *s, const char *text, char *why,
                      size_t cap)
{
	size_t len = strlen(text), mult = 1;
	uint64_t u;
	static const struct {
		const char *suffix;
		size_t mult;
	} units[] = {{"KiB", 1024}, {"MiB", 1048576}, {"GiB", 1073741824}};
	if (s->type == MLCD_CFG_DOUBLE) {
		char buf[64], *end;
		double d;
		if (strip_digits(buf, sizeof(buf), text, len))
			return range_error(why, cap, s, text);
		d = strtod(buf, &end);
		if (*end || end == buf || !isfinite(d) || d < s->min || d > s->max)
			return range_error(why, cap, s, text);
		*FIELD(c, s, double) = d;
		return 0;
	}
	for (size_t i = 0; s->type == MLCD_CFG_BYTES && i < 3; i++) {
		size_t sl = strlen(units[i].suffix);
		if (len > sl && !strcmp(text + len - sl, units[i].suffix)) {
			len -= sl, mult = units[i].mult;
			break;
		}
	}
	if (parse_u64(&u, text, len) || u > (uint64_t)s->max / mult ||
	    (double)(u * mult) < s->min) {
		if (s->type == MLCD_CFG_BYTES)
			snprintf(why, cap,
			         "%s must be a size from %.15g to %.15g bytes "
			         "(KiB, MiB, GiB allowed), got '%s'",
			         s->name, s->min, s->max, text);
		else
			range_error(why, cap, s, text);
		return MLC_EPARSE;
	}
	if (s->type == MLCD_CFG_BYTES)
		*FIELD(c, s, uint64_t) = u * mult;
	else
		*FIELD(c, s, unsigned) = (unsigned)u;
	return 0;
}

int mlcd_config_split_listen(char *host, size_t hostcap, unsigned *port, const char *listen)
{
	const char *colon, *h = listen;
	size_t hl;
	uint64_t p;
	if (listen[0] == '[') {
		const char *close = strchr(listen, ']');
		if (!close || close[1] != ':')
			return MLC_EPARSE;
		h = listen + 1, hl = (size_t)(close - h), colon = close + 1;
	} else {
		if (!(colon = strrchr(listen, ':')))
			return MLC_EPARSE;
		hl = (size_t)(colon - listen);
	}
	if (hl == 0 || hl >= hostcap || parse_u64(&p, colon + 1, strlen(colon + 1)) || p > 65535)
		return MLC_EPARSE;
	memcpy(host, h, hl);
	host[hl] = '\0';
	*port = (unsigned)p;
	return 0;
}

static int check_listen(const char *text, char *why, size_t cap)
{
	char host[64];
	unsigned port;
	unsigned char addr[16];
	if (mlcd_config_split_listen(host, sizeof(host), &port, text) == 0 &&
	    (!strcmp(host, "*") || !strcmp(host, "localhost") ||
	     inet_pton(text[0] == '[' ? AF_INET6 : AF_INET, host, addr) == 1))
		return 0;
	snprintf(why, cap,
	         "listen must be HOST:PORT (an IPv4 address, [IPv6], localhost or *; "
	         "port 0-65535), got '%s'",
	         text);
	return MLC_EPARSE;
}

/* text, made relative to dir unless it is a builtin, a URL or absolute. */
static char *resolve_path(const char *text, const char *dir)
{
	const char *p = text, *prefix = "";
	char *out;
	size_t n;
	if (!strncmp(text, "builtin:", 8) || strstr(text, "://") || !dir || !*dir ||
	    !strcmp(dir, "."))
		return mlcd_config__strdup(text);
	if (!strncmp(text, "sqlite:", 7))
		p = text + 7, prefix = "sqlite:";
	if (p[0] == '/')
		return mlcd_config__strdup(text);
	n = strlen(prefix) + strlen(dir) + strlen(p) + 2;
	if ((out = malloc(n)) != NULL)
		snprintf(out, n, "%s%s/%s", prefix, dir, p);
	return out;
}

static int set_string(mlcd_config *c, const mlcd_setting *s, const char *text, const char *dir,
                      char *why, size_t cap)
{
	char **field = FIELD(c, s, char *), *v;
	int rc;
	if (!*text) {
		snprintf(why, cap, "%s must not be empty", s->name);
		return MLC_EPARSE;
	}
	if (s->type == MLCD_CFG_LISTEN && (rc = check_listen(text, why, cap)) != 0)
		return rc;
	if (s->type == MLCD_CFG_NAME &&
	    (strlen(text) > 100 || strspn(text, NAME_CHARS) != strlen(text))) {
		snprintf(why, cap, "%s must be 1 to 100 of A-Z a-z 0-9 . _ - @ :", s->name);
		return MLC_EPARSE;
	}
	v = s->type == MLCD_CFG_PATH ? resolve_path(text, dir) : mlcd_config__strdup(text);
	if (!v)
		return mlcd_error_set(MLC_ENOMEM, "out of memory");
	free(*field);
	*field = v;
	return 0;
}

/* A comma separated default list, or one value of a list from the file, appended. */
static int add_source(mlcd_config *c, const char *text, size_t len, const char *dir, char *why,
                      size_t cap)
{
	char **v, *one, *res;
	if (!len) {
		snprintf(why, cap, "catalogs: an empty source");
		return MLC_EPARSE;
	}
	if (c->ncatalogs >= MLCD_MAX_CATALOGS) {
		snprintf(why, cap, "catalogs: at most %d sources", MLCD_MAX_CATALOGS);
		return MLC_EPARSE;
	}
	if (!(one = malloc(len + 1)))
		return mlcd_error_set(MLC_ENOMEM, "out of memory");
	memcpy(one, text, len);
	one[len] = '\0';
	res = resolve_path(one, dir);
	free(one);
	if (!res || !(v = realloc(c->catalogs, (c->ncatalogs + 1) * sizeof(*v)))) {
		free(res);
		return mlcd_error_set(MLC_ENOMEM, "out of memory");
	}
	c->catalogs = v;
	c->catalogs[c->ncatalogs++] = res;
	return 0;
}

int mlcd_config__set_text(mlcd_config *c, const mlcd_setting *s, const char *text, const char *dir,
                          char *why, size_t cap)
{
	switch (s->type) {
	case MLCD_CFG_UINT:
	case MLCD_CFG_BYTES:
	case MLCD_CFG_DOUBLE:
		return set_number(c, s, text, why, cap);
	case MLCD_CFG_BOOL:
		if (!strcmp(text, "true") || !strcmp(text, "True") || !strcmp(text, "yes"))
			*FIELD(c, s, int) = 1;
		else if (!strcmp(text, "false") || !strcmp(text, "False") || !strcmp(text, "no"))
			*FIELD(c, s, int) = 0;
		else {
			snprintf(why, cap, "%s must be true or false, got '%s'", s->name, text);
			return MLC_EPARSE;
		}
		return 0;
	case MLCD_CFG_LISTEN:
	case MLCD_CFG_PATH:
	case MLCD_CFG_NAME:
		return set_string(c, s, text, dir, why, cap);
	case MLCD_CFG_PATHS: {
		mlcd_config__free_list(c->catalogs, c->ncatalogs);
		c->catalogs = NULL, c->ncatalogs = 0;
		for (const char *p = text; *p;) {
			size_t n = strcspn(p, ",");
			int rc = add_source(c, p, n, dir, why, cap);
			if (rc)
				return rc;
			p += n + (p[n] == ',');
		}
		return 0;
	}
	case MLCD_CFG_TOKENS:
		break;
	}
	snprintf(why, cap, "%s cannot be set from text", s->name);
	return MLC_EINVAL;
}

static int set_sources(mlcd_config *c, const mlcd_yaml *y, struct fy_node *v, const char *dir)
{
	char why[256];
	void *it = NULL;
	struct fy_node *item;
	int rc;
	mlcd_config__free_list(c->catalogs, c->ncatalogs);
	c->catalogs = NULL, c->ncatalogs = 0;
	if (fy_node_get_type(v) != FYNT_SEQUENCE) { /* a single source */
		const char *t;
		if ((rc = mlcd_yaml_scalar(y, v, "catalogs", &t)) != 0)
			return rc;
		if ((rc = add_source(c, t, strlen(t), dir, why, sizeof(why))) == MLC_EPARSE)
			return mlcd_yaml_error(y, v, "%s", why);
		return rc;
	}
	while ((item = fy_node_sequence_iterate(v, &it)) != NULL) {
		const char *t;
		if ((rc = mlcd_yaml_scalar(y, item, "catalogs", &t)) != 0)
			return rc;
		if ((rc = add_source(c, t, strlen(t), dir, why, sizeof(why))) == MLC_EPARSE)
			return mlcd_yaml_error(y, item, "%s", why);
		if (rc)
			return rc;
	}
	return 0;
}

int mlcd_config__set_node(mlcd_config *c, const mlcd_setting *s, const mlcd_yaml *y,
                          struct fy_node *v, const char *dir)
{
	char why[256];
	const char *text;
	int rc;
	if (s->type == MLCD_CFG_TOKENS)
		return mlcd_config__tokens(c, y, v);
	if (s->type == MLCD_CFG_PATHS)
		return set_sources(c, y, v, dir);
	if ((rc = mlcd_yaml_scalar(y, v, s->name, &text)) != 0)
		return rc;
	rc = mlcd_config__set_text(c, s, text, dir, why, sizeof(why));
	if (rc == MLC_EPARSE)
		return mlcd_yaml_error(y, v, "%s", why);
	return rc;
}

void mlcd_config__fmt_double(char *out, size_t cap, double d)
{
	snprintf(out, cap, "%.15g", d);
	if (strtod(out, NULL) != d) /* the shortest text that reads back the same */
		snprintf(out, cap, "%.17g", d);
}

void mlcd_config__print_quoted(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20 || ch == 0x7f)
			fprintf(f, "\\x%02x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

void mlcd_config__print_value(FILE *f, const mlcd_config *c, const mlcd_setting *s)
{
	size_t i;
	switch (s->type) {
	case MLCD_CFG_UINT:
		fprintf(f, " %u", *FIELD(c, s, const unsigned));
		break;
	case MLCD_CFG_BYTES:
		fprintf(f, " %llu", (unsigned long long)*FIELD(c, s, const uint64_t));
		break;
	case MLCD_CFG_DOUBLE: {
		char b[40];
		mlcd_config__fmt_double(b, sizeof(b), *FIELD(c, s, const double));
		fprintf(f, " %s", b);
		break;
	}
	case MLCD_CFG_BOOL:
		fprintf(f, " %s", *FIELD(c, s, const int) ? "true" : "false");
		break;
	case MLCD_CFG_LISTEN:
	case MLCD_CFG_PATH:
	case MLCD_CFG_NAME: {
		const char *v = *FIELD(c, s, char *const);
		if (!v) {
			fprintf(f, " ~");
			break;
		}
		fputc(' ', f);
		mlcd_config__print_quoted(f, v);
		break;
	}
	case MLCD_CFG_PATHS:
		if (!c->ncatalogs)
			fprintf(f, " []");
		for (i = 0; i < c->ncatalogs; i++) {
			fprintf(f, "\n  - ");
			mlcd_config__print_quoted(f, c->catalogs[i]);
		}
		break;
	case MLCD_CFG_TOKENS:
		break;
	}
}
