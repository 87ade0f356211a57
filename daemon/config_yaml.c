/* SPDX-License-Identifier: MIT */
/*
 * config_yaml.c - YAML loading for the config (libfyaml, diagnostics
 * collected), positions and positioned errors. See config_yaml.h.
 */
#include "config_yaml.h"
#include "serve_error.h"
#include "utf8.h"

#include <mlcost.h>

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Refuse what libfyaml 0.7.12 mishandles before it sees it (see
 * docs/conventions.md: it loops on invalid UTF-8 in a directive and crashes
 * on some runs of tabs) and what a config never needs: control characters
 * and tabs anywhere (a stricter rule than the library's YAML inputs, which
 * allow tabs inside quotes; a serve.yaml has no use for them). Sets
 * *content when a line holds something besides blanks and a comment.
 */
static int check_text(const char *name, const char *s, size_t len, int *content)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, n;
	unsigned line = 1, col = 1;
	int line_start = 1;
	*content = 0;
	while (i < len) {
		unsigned char c = u[i];
		if (c == '\t')
			return mlcd_error_set(MLC_EPARSE,
			                      "%s:%u:%u: tab character (indent with spaces)", name,
			                      line, col);
		if ((c < 0x20 && c != '\n' && c != '\r') || c == 0x7f)
			return mlcd_error_set(MLC_EPARSE, "%s:%u:%u: control character 0x%02x",
			                      name, line, col, c);
		if (!(n = mlcd_utf8_len(u + i, len - i)))
			return mlcd_error_set(MLC_EPARSE, "%s:%u:%u: invalid UTF-8", name, line,
			                      col);
		if (line_start && c != ' ' && c != '\n' && c != '\r') {
			if (c != '#')
				*content = 1;
			line_start = 0;
		}
		if (c == '\n')
			line++, col = 1, line_start = 1;
		else
			col++;
		i += n;
	}
	return 0;
}

static int parse_error(struct fy_diag *diag, const char *name)
{
	void *it = NULL;
	struct fy_diag_error *e = fy_diag_errors_iterate(diag, &it);
	if (e)
		return mlcd_error_set(MLC_EPARSE, "%s:%d:%d: %s", name, e->line, e->column,
		                      e->msg ? e->msg : "invalid YAML");
	return mlcd_error_set(MLC_EPARSE, "%s: invalid YAML", name);
}

static char *dup_n(const char *s, size_t n)
{
	char *p = malloc(n + 1);
	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

int mlcd_yaml_load(mlcd_yaml *y, const char *name, const char *text, size_t len)
{
	struct fy_diag_cfg dcfg;
	struct fy_parse_cfg pcfg;
	struct fy_diag *diag = NULL;
	int rc, content;

	memset(y, 0, sizeof(*y));
	if (len > MLCD_CONFIG_MAX_BYTES)
		return mlcd_error_set(MLC_ETOOLARGE, "%s: larger than %u bytes", name,
		                      MLCD_CONFIG_MAX_BYTES);
	if ((rc = check_text(name, text, len, &content)) != 0)
		return rc;
	if (!(y->name = dup_n(name, strlen(name))) || !(y->text = dup_n(text, len))) {
		rc = mlcd_error_set(MLC_ENOMEM, "out of memory");
		goto done;
	}
	if (!content) /* libfyaml builds no document from blanks and comments */
		return 0;
	fy_diag_cfg_default(&dcfg);
	dcfg.fp = NULL;
	dcfg.output_fn = NULL;
	if (!(diag = fy_diag_create(&dcfg))) {
		rc = mlcd_error_set(MLC_ENOMEM, "out of memory");
		goto done;
	}
	fy_diag_set_collect_errors(diag, true);
	memset(&pcfg, 0, sizeof(pcfg));
	pcfg.flags = FYPCF_QUIET | FYPCF_COLLECT_DIAG;
	pcfg.diag = diag;
	if (!(y->doc = fy_document_build_from_string(&pcfg, y->text, len)))
		rc = parse_error(diag, name);
done:
	if (rc)
		mlcd_yaml_clear(y);
	fy_diag_destroy(diag);
	return rc;
}

void mlcd_yaml_clear(mlcd_yaml *y)
{
	if (y->doc)
		fy_document_destroy(y->doc);
	free(y->name);
	free(y->text);
	memset(y, 0, sizeof(*y));
}

struct fy_node *mlcd_yaml_root(const mlcd_yaml *y)
{
	return y->doc ? fy_document_root(y->doc) : NULL;
}

void mlcd_yaml_pos(struct fy_node *n, int *line, int *col)
{
	*line = *col = 0;
	while (n) {
		enum fy_node_type t = fy_node_get_type(n);
		void *it = NULL;
		if (t == FYNT_SCALAR) {
			struct fy_token *tok = fy_node_get_scalar_token(n);
			const struct fy_mark *m = tok ? fy_token_start_mark(tok) : NULL;
			if (m)
				*line = m->line + 1, *col = m->column + 1;
			return;
		}
		if (t == FYNT_MAPPING) {
			struct fy_node_pair *p = fy_node_mapping_iterate(n, &it);
			n = p ? fy_node_pair_key(p) : NULL;
		} else {
			n = fy_node_sequence_iterate(n, &it);
		}
	}
}

int mlcd_yaml_error(const mlcd_yaml *y, struct fy_node *n, const char *fmt, ...)
{
	char msg[MLCD_ERROR_MAX];
	int line, col;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	mlcd_yaml_pos(n, &line, &col);
	if (line > 0)
		return mlcd_error_set(MLC_EPARSE, "%s:%d:%d: %s", y->name, line, col, msg);
	return mlcd_error_set(MLC_EPARSE, "%s: %s", y->name, msg);
}

int mlcd_yaml_is_null(struct fy_node *n)
{
	const char *s;
	if (!n)
		return 1;
	if (fy_node_get_type(n) != FYNT_SCALAR || fy_node_get_style(n) != FYNS_PLAIN)
		return 0;
	s = fy_node_get_scalar0(n);
	return !s || !*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
	       !strcmp(s, "NULL");
}

int mlcd_yaml_scalar(const mlcd_yaml *y, struct fy_node *n, const char *what, const char **out)
{
	const char *s;
	if (!n || fy_node_get_type(n) != FYNT_SCALAR || !(s = fy_node_get_scalar0(n)))
		return mlcd_yaml_error(y, n, "%s: expected a single value", what);
	*out = s;
	return 0;
}

int mlcd_yaml_key(const mlcd_yaml *y, struct fy_node *k, const char **out)
{
	const char *s;
	if (!k || fy_node_get_type(k) != FYNT_SCALAR || !(s = fy_node_get_scalar0(k)))
		return mlcd_yaml_error(y, k, "keys must be plain strings");
	*out = s;
	return 0;
}

size_t mlcd_yaml_edit_distance(const char *a, const char *b, size_t cap)
{
	size_t la = strlen(a), lb = strlen(b), i, j, row[65], best;
	if (la > 64 || lb > 64)
		return cap;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		best = row[0];
		for (j = 1; j <= lb; j++) {
			size_t up = row[j], cost = tolower((unsigned char)a[i - 1]) !=
			                           tolower((unsigned char)b[j - 1]);
			size_t v = diag + cost;
			if (up + 1 < v)
				v = up + 1;
			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			row[j] = v;
			diag = up;
			if (v < best)
				best = v;
		}
		if (best >= cap)
			return cap;
	}
	return row[lb] < cap ? row[lb] : cap;
}
