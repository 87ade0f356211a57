/* SPDX-License-Identifier: MIT */
/*
 * config_tokens.c - the `tokens:` setting: a list of {name, sha256,
 * scopes, teams, rate_limit_per_second, rate_limit_burst}. The config
 * holds only sha256(token) in hex (`mlcost serve --hash-token` prints it),
 * so a leaked config leaks no credential. Names and hashes are unique.
 */
#include "auth.h"
#include "config_internal.h"
#include "serve_error.h"

#include <mlcost.h>

#include <stdlib.h>
#include <string.h>

static const char *const token_keys[] = {
    "name", "sha256", "scopes", "teams", "rate_limit_per_second", "rate_limit_burst"};
#define NKEYS (sizeof(token_keys) / sizeof(token_keys[0]))

static int check_key(const mlcd_yaml *y, struct fy_node *k, const char *name)
{
	const char *best = NULL;
	size_t i, d, best_d = 4;
	for (i = 0; i < NKEYS; i++) {
		if (!strcmp(name, token_keys[i]))
			return 0;
		if ((d = mlcd_yaml_edit_distance(name, token_keys[i], best_d)) < best_d)
			best_d = d, best = token_keys[i];
	}
	if (best)
		return mlcd_yaml_error(y, k, "token: unknown field '%s' (did you mean '%s'?)", name,
		                       best);
	return mlcd_yaml_error(y, k, "token: unknown field '%s'", name);
}

static int valid_name(const char *s)
{
	size_t n = strlen(s), i;
	if (n == 0 || n > MLCD_MAX_NAME)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || strchr("._-@", s[i])))
			return 0;
	return 1;
}

/* A list of scalars (or one scalar) as visited items; fn is called for each. */
typedef int (*item_fn)(mlcd_token *t, const mlcd_yaml *y, struct fy_node *item, const char *s);

static int each_item(mlcd_token *t, const mlcd_yaml *y, struct fy_node *k, struct fy_node *v,
                     const char *what, item_fn fn)
{
	void *it = NULL;
	struct fy_node *item;
	const char *s;
	int rc, n = 0;
	if (fy_node_get_type(v) != FYNT_SEQUENCE) {
		if ((rc = mlcd_yaml_scalar(y, v, what, &s)) != 0)
			return rc;
		return fn(t, y, v, s);
	}
	while ((item = fy_node_sequence_iterate(v, &it)) != NULL) {
		if ((rc = mlcd_yaml_scalar(y, item, what, &s)) != 0 ||
		    (rc = fn(t, y, item, s)) != 0)
			return rc;
		n++;
	}
	if (!n) /* an empty collection has no position of its own: point at its key */
		return mlcd_yaml_error(y, k, "token: %s must not be an empty list", what);
	return 0;
}

static int add_scope(mlcd_token *t, const mlcd_yaml *y, struct fy_node *item, const char *s)
{
	unsigned sc = mlcd_config__scope(s);
	if (!sc)
		return mlcd_yaml_error(y, item, "token: unknown scope '%s' (ingest, read or admin)",
		                       s);
	t->scopes |= sc;
	return 0;
}

static int add_team(mlcd_token *t, const mlcd_yaml *y, struct fy_node *item, const char *s)
{
	char **v;
	size_t i;
	if (!*s || strlen(s) > MLC_EVENT_MAX_TEXT)
		return mlcd_yaml_error(y, item, "token: a team name is 1 to %d bytes",
		                       MLC_EVENT_MAX_TEXT);
	for (i = 0; i < t->nteams; i++)
		if (!strcmp(t->teams[i], s))
			return mlcd_yaml_error(y, item, "token: team '%s' listed twice", s);
	if (t->nteams >= MLCD_MAX_TEAMS)
		return mlcd_yaml_error(y, item, "token: at most %d teams", MLCD_MAX_TEAMS);
	if (!(v = realloc(t->teams, (t->nteams + 1) * sizeof(*v))))
		return mlcd_error_set(MLC_ENOMEM, "out of memory");
	t->teams = v;
	if (!(v[t->nteams] = mlcd_config__strdup(s)))
		return mlcd_error_set(MLC_ENOMEM, "out of memory");
	t->nteams++;
	return 0;
}

/* rate_limit_per_second / rate_limit_burst, read with the global settings' rules. */
static int token_rate(mlcd_token *t, const mlcd_yaml *y, struct fy_node *v, const char *key)
{
	const mlcd_setting *s = NULL;
	mlcd_config tmp;
	const char *text;
	char why[256];
	size_t i;
	int rc;
	for (i = 0; i < mlcd_nsettings; i++)
		if (!strcmp(mlcd_settings[i].name, key))
			s = &mlcd_settings[i];
	if ((rc = mlcd_yaml_scalar(y, v, key, &text)) != 0)
		return rc;
	memset(&tmp, 0, sizeof(tmp));
	if ((rc = mlcd_config__set_text(&tmp, s, text, NULL, why, sizeof(why))) != 0)
		return mlcd_yaml_error(y, v, "token: %s", why);
	if (s->off == offsetof(mlcd_config, rate_limit_per_second))
		t->rate_per_second = tmp.rate_limit_per_second, t->own_rate = 1;
	else
		t->rate_burst = tmp.rate_limit_burst, t->own_burst = 1;
	return 0;
}

static int token_field(mlcd_token *t, const mlcd_yaml *y, struct fy_node *k, struct fy_node *v,
                       const char *key)
{
	const char *s;
	int rc;
	if (!strcmp(key, "scopes"))
		return each_item(t, y, k, v, "scopes", add_scope);
	if (!strcmp(key, "teams"))
		return each_item(t, y, k, v, "teams", add_team);
	if (!strncmp(key, "rate_limit_", 11))
		return token_rate(t, y, v, key);
	if ((rc = mlcd_yaml_scalar(y, v, key, &s)) != 0)
		return rc;
	if (!strcmp(key, "name")) {
		if (!valid_name(s))
			return mlcd_yaml_error(y, v,
			                       "token: name must be 1 to %d of A-Z a-z 0-9 . _ - @",
			                       MLCD_MAX_NAME);
		if (!(t->name = mlcd_config__strdup(s)))
			return mlcd_error_set(MLC_ENOMEM, "out of memory");
		return 0;
	}
	if (mlcd_hex_decode(t->hash, MLCD_SHA256_LEN, s))
		return mlcd_yaml_error(y, v,
		                       "token: sha256 must be the 64 hex digits of the token's "
		                       "SHA-256 (mlcost serve --hash-token prints it), not the "
		                       "token itself");
	return 0;
}

static int one_token(mlcd_token *t, const mlcd_yaml *y, struct fy_node *map)
{
	void *it = NULL;
	struct fy_node_pair *p;
	unsigned seen = 0;
	size_t i;
	int rc;
	if (fy_node_get_type(map) != FYNT_MAPPING)
		return mlcd_yaml_error(y, map, "a token must be a mapping {name, sha256, scopes}");
	mlcd_yaml_pos(map, &t->line, &t->col);
	while ((p = fy_node_mapping_iterate(map, &it)) != NULL) {
		struct fy_node *k = fy_node_pair_key(p), *v = fy_node_pair_value(p);
		const char *key;
		if ((rc = mlcd_yaml_key(y, k, &key)) != 0 || (rc = check_key(y, k, key)) != 0)
			return rc;
		for (i = 0; strcmp(token_keys[i], key); i++)
			;
		if (seen & (1u << i))
			return mlcd_yaml_error(y, k, "token: field '%s' given twice", key);
		seen |= 1u << i;
		if (mlcd_yaml_is_null(v))
			return mlcd_yaml_error(y, k, "token: '%s' needs a value", key);
		if ((rc = token_field(t, y, k, v, key)) != 0)
			return rc;
	}
	for (i = 0; i < 3; i++) /* name, sha256, scopes */
		if (!(seen & (1u << i)))
			return mlcd_yaml_error(y, map, "token: '%s' is required", token_keys[i]);
	return 0;
}

int mlcd_config__tokens(mlcd_config *c, const mlcd_yaml *y, struct fy_node *v)
{
	void *it = NULL;
	struct fy_node *item;
	size_t n;
	int rc;
	if (fy_node_get_type(v) != FYNT_SEQUENCE)
		return mlcd_yaml_error(y, v, "tokens must be a list");
	n = (size_t)fy_node_sequence_item_count(v);
	if (n > MLCD_MAX_TOKENS)
		return mlcd_yaml_error(y, v, "tokens: at most %d", MLCD_MAX_TOKENS);
	mlcd_config__tokens_free(c);
	if (n && !(c->tokens = calloc(n, sizeof(*c->tokens))))
		return mlcd_error_set(MLC_ENOMEM, "out of memory");
	while ((item = fy_node_sequence_iterate(v, &it)) != NULL) {
		mlcd_token *t = &c->tokens[c->ntokens++];
		if ((rc = one_token(t, y, item)) != 0)
			return rc;
	}
	return 0;
}

void mlcd_config__tokens_free(mlcd_config *c)
{
	size_t i;
	for (i = 0; i < c->ntokens; i++) {
		free(c->tokens[i].name);
		mlcd_config__free_list(c->tokens[i].teams, c->tokens[i].nteams);
	}
	free(c->tokens);
	c->tokens = NULL;
	c->ntokens = 0;
}

int mlcd_config__tokens_finish(mlcd_config *c, const mlcd_yaml *y)
{
	size_t i, j;
	for (i = 0; i < c->ntokens; i++) {
		mlcd_token *t = &c->tokens[i];
		if (!t->own_rate)
			t->rate_per_second = c->rate_limit_per_second;
		if (!t->own_burst)
			t->rate_burst = c->rate_limit_burst;
		for (j = 0; j < i; j++) {
			if (!strcmp(c->tokens[j].name, t->name))
				return mlcd_error_set(MLC_EPARSE,
				                      "%s:%d:%d: token name '%s' is used "
				                      "twice (first at line %d)",
				                      y->name, t->line, t->col, t->name,
				                      c->tokens[j].line);
			if (!memcmp(c->tokens[j].hash, t->hash, MLCD_SHA256_LEN))
				return mlcd_error_set(MLC_EPARSE,
				                      "%s:%d:%d: token '%s' has the same "
				                      "sha256 as '%s' (line %d)",
				                      y->name, t->line, t->col, t->name,
				                      c->tokens[j].name, c->tokens[j].line);
		}
	}
	return 0;
}

static void print_list(FILE *f, char *const *v, size_t n)
{
	size_t i;
	fputc('[', f);
	for (i = 0; i < n; i++) {
		if (i)
			fprintf(f, ", ");
		mlcd_config__print_quoted(f, v[i]);
	}
	fputc(']', f);
}

void mlcd_config__tokens_print(FILE *f, const mlcd_config *c)
{
	static const char *const scopes[] = {"ingest", "read", "admin"};
	char hex[2 * MLCD_SHA256_LEN + 1];
	size_t i, k;
	fprintf(f, "tokens:%s\n", c->ntokens ? "" : " []");
	for (i = 0; i < c->ntokens; i++) {
		const mlcd_token *t = &c->tokens[i];
		int first = 1;
		mlcd_hex(hex, t->hash, MLCD_SHA256_LEN);
		fprintf(f, "  - name: ");
		mlcd_config__print_quoted(f, t->name);
		fprintf(f, "\n    sha256: \"%s\"\n    scopes: [", hex);
		for (k = 0; k < 3; k++)
			if (t->scopes & (1u << k)) {
				fprintf(f, "%s%s", first ? "" : ", ", scopes[k]);
				first = 0;
			}
		fprintf(f, "]\n");
		if (t->teams) {
			fprintf(f, "    teams: ");
			print_list(f, t->teams, t->nteams);
			fputc('\n', f);
		}
		mlcd_config__fmt_double(hex, sizeof(hex), t->rate_per_second);
		fprintf(f, "    rate_limit_per_second: %s\n    rate_limit_burst: %u\n", hex,
		        t->rate_burst);
	}
}
