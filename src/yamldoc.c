/* SPDX-License-Identifier: MIT */
/*
 * yamldoc.c - YAML loading with diagnostics collected (not printed) and
 * typed getters that report FILE:LINE:COL. See yamldoc.h.
 */
#include "yamldoc.h"
#include "mlcost/common.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/file.h"
#include "util/str.h"

#include <stdio.h>
#include <string.h>

struct mlc_yaml {
	struct fy_document *doc;
	char *name;
	char *text; /* libfyaml points into the source text: it lives as long as doc */
};

static int collect_parse_error(struct fy_diag *diag, const char *name)
{
	void *it = NULL;
	struct fy_diag_error *e = fy_diag_errors_iterate(diag, &it);
	if (e)
		return mlcu_error_set(MLC_EPARSE, "%s:%d:%d: %s", name, e->line, e->column,
				      e->msg ? e->msg : "invalid YAML");
	return mlcu_error_set(MLC_EPARSE, "%s: invalid YAML", name);
}

/* Length of the UTF-8 sequence at s (1-4), or 0 when it is invalid. */
static size_t utf8_len(const unsigned char *s, size_t left)
{
	size_t n, i;
	unsigned cp;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (n > left)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* overlong forms, UTF-16 surrogates, past U+10FFFF */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* Where a byte stands in the YAML text: in a quoted scalar, a comment, or neither. */
typedef struct text_state {
	char quote;       /* '\'' or '"' inside a quoted scalar, else 0 */
	int comment;      /* inside a comment, up to the line end */
	int escape;       /* the previous byte was a backslash inside "..." */
	int closed_single; /* the previous byte closed '...': a second ' reopens it */
	int content;      /* something besides blanks and comments was seen */
	unsigned char prev;
} text_state;

/* Advance st over byte c; returns 1 for a tab outside quotes and comments. */
static int text_step(text_state *st, unsigned char c)
{
	int token_start = st->prev == 0 || strchr(" \t\n[{,:-?", st->prev) != NULL;
	int bad_tab = 0, reopen = st->closed_single && c == '\'';
	st->closed_single = 0;
	if (reopen) {
		st->quote = '\''; /* '' inside '...' is one escaped quote */
	} else if (st->quote == '"') {
		if (st->escape)
			st->escape = 0;
		else if (c == '\\')
			st->escape = 1;
		else if (c == '"')
			st->quote = 0;
	} else if (st->quote == '\'') {
		if (c == '\'')
			st->quote = 0, st->closed_single = 1;
	} else if (c == '\n') {
		st->comment = 0;
	} else if (!st->comment) {
		if (c == '#' && (st->prev == 0 || st->prev == ' ' || st->prev == '\t' ||
				 st->prev == '\n'))
			st->comment = 1;
		else if ((c == '"' || c == '\'') && token_start)
			st->quote = (char)c;
		else if (c == '\t')
			bad_tab = 1;
		st->content |= !st->comment && c != ' ' && c != '\t' && c != '\r';
	}
	st->prev = c;
	return bad_tab;
}

/*
 * Refuse text libfyaml should not see, with FILE:LINE:COL: invalid UTF-8 or
 * control characters (libfyaml 0.7.12 loops forever on invalid UTF-8 in a
 * directive), tabs outside quoted scalars and comments (YAML indents and
 * separates with spaces; libfyaml 0.7.12 crashes on some tab runs, both
 * found by fuzzing), and documents of only blanks and comments, from which
 * libfyaml builds no document at all.
 */
static int check_text(const char *name, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, n;
	unsigned line = 1, col = 1;
	text_state st = {0, 0, 0, 0, 0, 0};
	while (i < len) {
		unsigned char c = u[i];
		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
			return mlcu_error_set(MLC_EPARSE, "%s:%u:%u: control character 0x%02x",
					      name, line, col, c);
		if (!(n = utf8_len(u + i, len - i)))
			return mlcu_error_set(MLC_EPARSE, "%s:%u:%u: invalid UTF-8", name, line,
					      col);
		if (text_step(&st, c))
			return mlcu_error_set(MLC_EPARSE,
					      "%s:%u:%u: tab character (YAML indents and separates "
					      "with spaces; tabs may appear only inside quotes)",
					      name, line, col);
		if (c == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
		i += n;
	}
	if (!st.content)
		return mlcu_error_set(MLC_EPARSE, "%s:1: empty document", name);
	return 0;
}

static int build(mlc_yaml **out, const char *name, const char *data, size_t len)
{
	struct fy_diag_cfg dcfg;
	struct fy_diag *diag = NULL;
	struct fy_parse_cfg pcfg;
	mlc_yaml *y = NULL;
	int rc = 0;

	*out = NULL;
	if ((rc = check_text(name, data, len)) != 0)
		return rc;
	fy_diag_cfg_default(&dcfg);
	dcfg.fp = NULL;
	dcfg.output_fn = NULL;
	diag = fy_diag_create(&dcfg);
	if (!diag)
		return mlcu_error_oom();
	fy_diag_set_collect_errors(diag, true);
	memset(&pcfg, 0, sizeof(pcfg));
	pcfg.flags = FYPCF_QUIET | FYPCF_COLLECT_DIAG;
	pcfg.diag = diag;

	y = mlcu_calloc(1, sizeof(*y));
	if (!y || !(y->name = mlcu_strdup(name)) || !(y->text = mlcu_strndup(data, len))) {
		rc = mlcu_error_oom();
		goto done;
	}
	y->doc = fy_document_build_from_string(&pcfg, y->text, len);
	if (!y->doc) {
		rc = collect_parse_error(diag, name);
		goto done;
	}
	*out = y;
	y = NULL;
done:
	mlc_yaml__free(y);
	fy_diag_destroy(diag);
	return rc;
}

int mlc_yaml__load_string(mlc_yaml **out, const char *name, const char *data, size_t len)
{
	if (len > MLC_YAML_MAX_BYTES)
		return mlcu_error_set(MLC_ETOOLARGE, "%s: larger than %u bytes", name,
				      MLC_YAML_MAX_BYTES);
	return build(out, name, data, len);
}

int mlc_yaml__load_file(mlc_yaml **out, const char *path)
{
	char *data = NULL;
	size_t len = 0;
	int rc;
	*out = NULL;
	if ((rc = mlcu_read_file(&data, &len, path, MLC_YAML_MAX_BYTES)) != 0)
		return rc;
	rc = mlc_yaml__load_string(out, path, data, len);
	mlcu_free(data);
	return rc;
}

void mlc_yaml__free(mlc_yaml *y)
{
	if (!y)
		return;
	if (y->doc)
		fy_document_destroy(y->doc);
	mlcu_free(y->name);
	mlcu_free(y->text);
	mlcu_free(y);
}

struct fy_node *mlc_yaml__root(const mlc_yaml *y)
{
	return fy_document_root(y->doc);
}

const char *mlc_yaml__name(const mlc_yaml *y)
{
	return y->name;
}

void mlc_yaml__pos(struct fy_node *n, int *line, int *col)
{
	*line = 0;
	*col = 0;
	while (n) {
		enum fy_node_type t = fy_node_get_type(n);
		if (t == FYNT_SCALAR) {
			struct fy_token *tok = fy_node_get_scalar_token(n);
			const struct fy_mark *m = tok ? fy_token_start_mark(tok) : NULL;
			if (m) {
				*line = m->line + 1;
				*col = m->column + 1;
			}
			return;
		} else if (t == FYNT_MAPPING) {
			void *it = NULL;
			struct fy_node_pair *p = fy_node_mapping_iterate(n, &it);
			n = p ? fy_node_pair_key(p) : NULL;
		} else {
			void *it = NULL;
			n = fy_node_sequence_iterate(n, &it);
		}
	}
}

int mlc_yaml__error(const mlc_yaml *y, struct fy_node *n, const char *fmt, ...)
{
	char msg[MLCU_ERROR_MAX];
	int line, col;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	mlc_yaml__pos(n, &line, &col);
	if (line > 0)
		return mlcu_error_set(MLC_EPARSE, "%s:%d:%d: %s", y->name, line, col, msg);
	return mlcu_error_set(MLC_EPARSE, "%s: %s", y->name, msg);
}

int mlc_yaml__is_null(struct fy_node *n)
{
	const char *s;
	if (!n)
		return 1;
	if (fy_node_get_type(n) != FYNT_SCALAR)
		return 0;
	if (fy_node_get_style(n) != FYNS_PLAIN)
		return 0;
	s = fy_node_get_scalar0(n);
	return !s || !*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
	       !strcmp(s, "NULL");
}

int mlc_yaml__expect_map(const mlc_yaml *y, struct fy_node *n, const char *what)
{
	if (!n || fy_node_get_type(n) != FYNT_MAPPING)
		return mlc_yaml__error(y, n, "%s must be a mapping", what);
	return 0;
}

int mlc_yaml__expect_seq(const mlc_yaml *y, struct fy_node *n, const char *what)
{
	if (!n || fy_node_get_type(n) != FYNT_SEQUENCE)
		return mlc_yaml__error(y, n, "%s must be a list", what);
	return 0;
}

static const char *nearest(const char *word, const char *const *allowed)
{
	const char *best = NULL;
	size_t best_d = 4, i;
	for (i = 0; allowed[i]; i++) {
		size_t d = mlcu_edit_distance(word, allowed[i], best_d);
		if (d < best_d) {
			best_d = d;
			best = allowed[i];
		}
	}
	return best;
}

int mlc_yaml__check_keys(const mlc_yaml *y, struct fy_node *map, const char *const *allowed)
{
	void *it = NULL, *it2;
	struct fy_node_pair *p, *q;
	while ((p = fy_node_mapping_iterate(map, &it)) != NULL) {
		struct fy_node *k = fy_node_pair_key(p);
		const char *ks = k && fy_node_get_type(k) == FYNT_SCALAR ? fy_node_get_scalar0(k) : NULL;
		size_t i;
		int ok = 0;
		if (!ks)
			return mlc_yaml__error(y, k, "keys must be plain strings");
		for (i = 0; allowed[i]; i++)
			if (!strcmp(ks, allowed[i]))
				ok = 1;
		if (!ok) {
			const char *near = nearest(ks, allowed);
			if (near)
				return mlc_yaml__error(y, k, "unknown field '%s' (did you mean '%s'?)",
						       ks, near);
			return mlc_yaml__error(y, k, "unknown field '%s'", ks);
		}
		it2 = it;
		while ((q = fy_node_mapping_iterate(map, &it2)) != NULL) {
			struct fy_node *k2 = fy_node_pair_key(q);
			const char *k2s = k2 && fy_node_get_type(k2) == FYNT_SCALAR
						  ? fy_node_get_scalar0(k2)
						  : NULL;
			if (k2s && !strcmp(ks, k2s))
				return mlc_yaml__error(y, k2, "duplicate field '%s'", ks);
		}
	}
	return 0;
}

struct fy_node *mlc_yaml__key_node(struct fy_node *map, const char *key)
{
	void *it = NULL;
	struct fy_node_pair *p;
	if (!map || fy_node_get_type(map) != FYNT_MAPPING)
		return NULL;
	while ((p = fy_node_mapping_iterate(map, &it)) != NULL) {
		struct fy_node *k = fy_node_pair_key(p);
		const char *ks = k && fy_node_get_type(k) == FYNT_SCALAR ? fy_node_get_scalar0(k) : NULL;
		if (ks && !strcmp(ks, key))
			return k;
	}
	return NULL;
}

struct fy_node *mlc_yaml__get(struct fy_node *map, const char *key)
{
	void *it = NULL;
	struct fy_node_pair *p;
	if (!map || fy_node_get_type(map) != FYNT_MAPPING)
		return NULL;
	while ((p = fy_node_mapping_iterate(map, &it)) != NULL) {
		struct fy_node *k = fy_node_pair_key(p);
		const char *ks = k && fy_node_get_type(k) == FYNT_SCALAR ? fy_node_get_scalar0(k) : NULL;
		if (ks && !strcmp(ks, key)) {
			struct fy_node *v = fy_node_pair_value(p);
			return mlc_yaml__is_null(v) ? NULL : v;
		}
	}
	return NULL;
}

int mlc_yaml__number(const mlc_yaml *y, struct fy_node *n, double *out)
{
	const char *s;
	if (!n || fy_node_get_type(n) != FYNT_SCALAR)
		return mlc_yaml__error(y, n, "expected a number");
	s = fy_node_get_scalar0(n);
	if (!s || fy_node_get_style(n) != FYNS_PLAIN ||
	    mlcu_parse_double(out, s, strlen(s), 1) != 0)
		return mlc_yaml__error(y, n, "expected a number, got '%s'", s ? s : "");
	return 0;
}

int mlc_yaml__string(const mlc_yaml *y, struct fy_node *n, const char **out)
{
	const char *s;
	if (!n || fy_node_get_type(n) != FYNT_SCALAR)
		return mlc_yaml__error(y, n, "expected a string");
	s = fy_node_get_scalar0(n);
	if (!s)
		return mlc_yaml__error(y, n, "expected a string");
	*out = s;
	return 0;
}

int mlc_yaml__bool(const mlc_yaml *y, struct fy_node *n, int *out)
{
	const char *s;
	if (!n || fy_node_get_type(n) != FYNT_SCALAR)
		return mlc_yaml__error(y, n, "expected true or false");
	s = fy_node_get_scalar0(n);
	if (s && (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "yes"))) {
		*out = 1;
		return 0;
	}
	if (s && (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "no"))) {
		*out = 0;
		return 0;
	}
	return mlc_yaml__error(y, n, "expected true or false, got '%s'", s ? s : "");
}

int mlc_yaml__opt_number(const mlc_yaml *y, struct fy_node *map, const char *key, double *out,
			 int *present)
{
	struct fy_node *v = mlc_yaml__get(map, key);
	if (present)
		*present = 0;
	if (!v)
		return 0;
	if (present)
		*present = 1;
	return mlc_yaml__number(y, v, out);
}

int mlc_yaml__opt_number_min(const mlc_yaml *y, struct fy_node *map, const char *key,
			     double *out, double min, int *present)
{
	int rc = mlc_yaml__opt_number(y, map, key, out, present);
	if (rc == 0 && mlc_yaml__get(map, key) && *out < min) {
		char b[64];
		mlcu_fmt_double(b, sizeof(b), min);
		return mlc_yaml__error(y, mlc_yaml__get(map, key), "'%s' must be at least %s", key,
				       b);
	}
	return rc;
}

int mlc_yaml__opt_string(const mlc_yaml *y, struct fy_node *map, const char *key,
			 const char **out)
{
	struct fy_node *v = mlc_yaml__get(map, key);
	if (!v)
		return 0;
	return mlc_yaml__string(y, v, out);
}

int mlc_yaml__opt_bool(const mlc_yaml *y, struct fy_node *map, const char *key, int *out)
{
	struct fy_node *v = mlc_yaml__get(map, key);
	if (!v)
		return 0;
	return mlc_yaml__bool(y, v, out);
}
