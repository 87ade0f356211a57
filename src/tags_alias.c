/* SPDX-License-Identifier: MIT */
/*
 * tags_alias.c - tag-key aliases (a small YAML file) and the lookups built
 * on them (see tags.h). Teams spell the same key several ways (model,
 * ml_model, model_id, AWS's user:model_id); an alias file names one
 * canonical key and the spellings that mean it, and a query tries them in
 * a fixed order so a row carrying two spellings gives one answer.
 */
#include "tags.h"
#include "util/alloc.h"
#include "util/error.h"
#include "yamldoc.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define MAX_CANDIDATES 256u

typedef struct canon {
	char *key;
	char **alias;
	size_t nalias;
} canon;

struct mlc_tags_aliases {
	canon *c;
	size_t n;
};

typedef struct cand {
	char *key;
	size_t len;
	uint32_t hash;
} cand;

struct mlc_tags_query {
	size_t n;
	cand c[MAX_CANDIDATES];
};

/* Trimmed, lower-cased copy; NULL when blank (and *oom=0) or out of memory. */
static char *norm(const char *s, size_t len, int *oom)
{
	char *o;
	*oom = 0;
	while (len && (*s == ' ' || *s == '\t'))
		s++, len--;
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (!len)
		return NULL;
	o = mlcu_strndup(s, len);
	if (!o) {
		*oom = 1;
		return NULL;
	}
	for (size_t i = 0; i < len; i++)
		if (o[i] >= 'A' && o[i] <= 'Z')
			o[i] = (char)(o[i] + 32);
	return o;
}

void mlc_tags__aliases_free(mlc_tags_aliases *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->n; i++) {
		mlcu_free(a->c[i].key);
		for (size_t j = 0; j < a->c[i].nalias; j++)
			mlcu_free(a->c[i].alias[j]);
		mlcu_free(a->c[i].alias);
	}
	mlcu_free(a->c);
	mlcu_free(a);
}

/* Index of the canonical entry that key is or aliases; -1 if none. */
static long find_canon(const mlc_tags_aliases *a, const char *key, int aliases_too)
{
	for (size_t i = 0; a && i < a->n; i++) {
		if (!strcmp(a->c[i].key, key))
			return (long)i;
		for (size_t j = 0; aliases_too && j < a->c[i].nalias; j++)
			if (!strcmp(a->c[i].alias[j], key))
				return (long)i;
	}
	return -1;
}

/* A scalar node as a normalised key, or an error at n. */
static int scalar_key(char **out, const mlc_yaml *y, struct fy_node *n, const char *what)
{
	const char *s;
	int oom;
	*out = NULL;
	if (!n || fy_node_get_type(n) != FYNT_SCALAR || !(s = fy_node_get_scalar0(n)))
		return mlc_yaml__error(y, n, "%s must be a string", what);
	*out = norm(s, strlen(s), &oom);
	if (oom)
		return mlcu_error_oom();
	if (!*out)
		return mlc_yaml__error(y, n, "%s must not be blank", what);
	return 0;
}

/* Check a new spelling against every key seen so far. */
static int check_new(const mlc_yaml *y, const mlc_tags_aliases *a, struct fy_node *n,
                     const char *key)
{
	long k = find_canon(a, key, 1);
	if (k < 0)
		return 0;
	if (!strcmp(a->c[k].key, key))
		return mlc_yaml__error(y, n, "'%s' is already a canonical key", key);
	return mlc_yaml__error(y, n, "'%s' is already an alias of '%s'", key, a->c[k].key);
}

static int add_alias(const mlc_yaml *y, mlc_tags_aliases *a, canon *c, struct fy_node *n)
{
	char *key, **grown;
	int rc = scalar_key(&key, y, n, "an alias");
	if (rc < 0)
		return rc;
	for (size_t j = 0; j < c->nalias; j++)
		if (!strcmp(c->alias[j], key)) {
			mlcu_free(key);
			return mlc_yaml__error(y, n, "alias '%s' listed twice", c->alias[j]);
		}
	if (!strcmp(key, c->key) || (rc = check_new(y, a, n, key)) < 0) {
		if (rc == 0)
			rc = mlc_yaml__error(y, n, "'%s' is an alias of itself", key);
		mlcu_free(key);
		return rc;
	}
	if (c->nalias + 2 >= MAX_CANDIDATES) {
		mlcu_free(key);
		return mlc_yaml__error(y, n, "more than %u aliases", MAX_CANDIDATES - 2);
	}
	grown = mlcu_reallocarray(c->alias, c->nalias + 1, sizeof(char *));
	if (!grown) {
		mlcu_free(key);
		return mlcu_error_oom();
	}
	c->alias = grown;
	c->alias[c->nalias++] = key;
	return 0;
}

static int add_entry(const mlc_yaml *y, mlc_tags_aliases *a, struct fy_node_pair *p)
{
	struct fy_node *k = fy_node_pair_key(p), *v = fy_node_pair_value(p), *item;
	canon *grown;
	char *key;
	void *it = NULL;
	int rc = scalar_key(&key, y, k, "a canonical key");
	if (rc < 0)
		return rc;
	if ((rc = check_new(y, a, k, key)) < 0) {
		mlcu_free(key);
		return rc;
	}
	grown = mlcu_reallocarray(a->c, a->n + 1, sizeof(canon));
	if (!grown) {
		mlcu_free(key);
		return mlcu_error_oom();
	}
	a->c = grown;
	memset(&a->c[a->n], 0, sizeof(canon));
	a->c[a->n++].key = key;
	if (mlc_yaml__is_null(v))
		return 0;
	if (fy_node_get_type(v) == FYNT_SCALAR)
		return add_alias(y, a, &a->c[a->n - 1], v);
	if (fy_node_get_type(v) != FYNT_SEQUENCE)
		return mlc_yaml__error(y, v, "aliases of '%s' must be a list of keys", key);
	while ((item = fy_node_sequence_iterate(v, &it)) != NULL)
		if ((rc = add_alias(y, a, &a->c[a->n - 1], item)) < 0)
			return rc;
	return 0;
}

static int build(mlc_tags_aliases **out, mlc_yaml *y)
{
	mlc_tags_aliases *a = mlcu_calloc(1, sizeof(*a));
	struct fy_node *root = mlc_yaml__root(y);
	struct fy_node_pair *p;
	void *it = NULL;
	int rc = 0;
	if (!a)
		return mlcu_error_oom();
	if (root && !mlc_yaml__is_null(root)) {
		if ((rc = mlc_yaml__expect_map(y, root, "an alias file")) < 0)
			goto done;
		while ((p = fy_node_mapping_iterate(root, &it)) != NULL)
			if ((rc = add_entry(y, a, p)) < 0)
				goto done;
	}
	*out = a;
	a = NULL;
done:
	mlc_tags__aliases_free(a);
	return rc;
}

/* Only blanks and comments: libfyaml builds no document from it. */
static int blank_yaml(const char *data, size_t len)
{
	int comment = 0;
	for (size_t i = 0; i < len; i++) {
		char c = data[i];
		if (c == '\n')
			comment = 0;
		else if (c == '#')
			comment = 1;
		else if (!comment && c != ' ' && c != '\t' && c != '\r')
			return 0;
	}
	return 1;
}

/*
 * Offset of the first byte that is not valid UTF-8 (or is NUL), or len.
 * libfyaml 0.8 loops forever on some invalid bytes inside a directive
 * (found by fuzz_tags), so the text is checked before it gets there.
 */
static size_t utf8_bad(const unsigned char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		unsigned c = s[i], n, cp;
		if (c == 0)
			return i;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			n = 1, cp = c & 0x1F;
		else if (c >= 0xE0 && c <= 0xEF)
			n = 2, cp = c & 0x0F;
		else if (c >= 0xF0 && c <= 0xF4)
			n = 3, cp = c & 0x07;
		else
			return i;
		if (len - i <= n)
			return i;
		for (unsigned k = 1; k <= n; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return i;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if ((n == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
		    (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
			return i;
		i += n + 1;
	}
	return len;
}

int mlc_tags__aliases_parse(mlc_tags_aliases **out, const char *name, const char *data, size_t len)
{
	mlc_yaml *y = NULL;
	size_t bad;
	int rc;
	*out = NULL;
	if ((bad = utf8_bad((const unsigned char *)data, len)) < len)
		return mlcu_error_set(MLC_EPARSE, "%s: not UTF-8 text (byte %zu)", name, bad + 1);
	if (blank_yaml(data, len)) {
		*out = mlcu_calloc(1, sizeof(**out));
		return *out ? 0 : mlcu_error_oom();
	}
	if ((rc = mlc_yaml__load_string(&y, name, data, len)) == 0)
		rc = build(out, y);
	mlc_yaml__free(y);
	return rc;
}

int mlc_tags__aliases_load(mlc_tags_aliases **out, const char *path)
{
	FILE *f;
	char *data = NULL;
	size_t len = 0;
	long size;
	int rc;
	*out = NULL;
	if (!(f = fopen(path, "rb")))
		return mlcu_error_set(MLC_EIO, "%s: %s", path, strerror(errno));
	if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
		rc = mlcu_error_set(MLC_EIO, "%s: cannot read", path);
		goto done;
	}
	if ((size_t)size > MLC_YAML_MAX_BYTES) {
		rc = mlcu_error_set(MLC_ETOOLARGE, "%s: larger than %u bytes", path,
		                    MLC_YAML_MAX_BYTES);
		goto done;
	}
	if (!(data = mlcu_malloc((size_t)size + 1))) {
		rc = mlcu_error_oom();
		goto done;
	}
	len = fread(data, 1, (size_t)size, f);
	if (ferror(f)) {
		rc = mlcu_error_set(MLC_EIO, "%s: read error", path);
		goto done;
	}
	rc = mlc_tags__aliases_parse(out, path, data, len);
done:
	mlcu_free(data);
	fclose(f);
	return rc;
}

/* ---- queries ---------------------------------------------------------------------- */

void mlc_tags__query_free(mlc_tags_query *q)
{
	if (!q)
		return;
	for (size_t i = 0; i < q->n; i++)
		mlcu_free(q->c[i].key);
	mlcu_free(q);
}

/* Append key (taking ownership) unless already a candidate. */
static void add_cand(mlc_tags_query *q, char *key)
{
	for (size_t i = 0; i < q->n; i++)
		if (!strcmp(q->c[i].key, key)) {
			mlcu_free(key);
			return;
		}
	q->c[q->n].key = key;
	q->c[q->n].len = strlen(key);
	q->c[q->n].hash = mlc_tags__key_hash(key, q->c[q->n].len);
	q->n++;
}

int mlc_tags__query_new(mlc_tags_query **out, const mlc_tags_aliases *aliases, const char *key,
                        size_t len)
{
	mlc_tags_query *q = NULL;
	char *k = NULL, *copy;
	long ci;
	int oom, rc = 0;
	*out = NULL;
	k = norm(key, len, &oom);
	if (!k) {
		if (oom)
			return mlcu_error_oom();
		return mlcu_error_set(MLC_EINVAL, "empty tag key");
	}
	q = mlcu_calloc(1, sizeof(*q));
	if (!q) {
		rc = mlcu_error_oom();
		goto done;
	}
	ci = find_canon(aliases, k, 1);
	if (ci >= 0) {
		const canon *c = &aliases->c[ci];
		mlcu_free(k);
		if (!(k = mlcu_strdup(c->key)))
			goto oom;
		add_cand(q, k);
		k = NULL;
		for (size_t j = 0; j < c->nalias; j++) {
			if (!(copy = mlcu_strdup(c->alias[j])))
				goto oom;
			add_cand(q, copy);
		}
	} else {
		add_cand(q, k);
	}
	k = NULL;
	/* AWS writes user tags as user:KEY where CUR legacy columns drop the
	 * prefix: KEY also finds user:KEY, and user:KEY also finds KEY */
	if (strncmp(q->c[0].key, "user:", 5) != 0) {
		size_t n = q->c[0].len;
		if (!(copy = mlcu_malloc(n + 6)))
			goto oom;
		memcpy(copy, "user:", 5);
		memcpy(copy + 5, q->c[0].key, n + 1);
		add_cand(q, copy);
	} else if (q->c[0].len > 5) {
		if (!(copy = mlcu_strdup(q->c[0].key + 5)))
			goto oom;
		add_cand(q, copy);
	}
	*out = q;
	q = NULL;
	goto done;
oom:
	rc = mlcu_error_oom();
done:
	mlcu_free(k);
	mlc_tags__query_free(q);
	return rc;
}

const char *mlc_tags__query_canonical(const mlc_tags_query *q)
{
	return q->c[0].key;
}

size_t mlc_tags__query_count(const mlc_tags_query *q)
{
	return q->n;
}

const char *mlc_tags__query_key(const mlc_tags_query *q, size_t i, size_t *len)
{
	*len = q->c[i].len;
	return q->c[i].key;
}

int mlc_tags__find(mlc_span *out, const mlc_tags_set *s, const mlc_tags_query *q)
{
	if (!s || s->status)
		return 0;
	for (size_t i = 0; i < q->n; i++) {
		const cand *c = &q->c[i];
		for (uint32_t j = 0; j < s->npairs; j++) {
			const mlc_tags_pair *p = &s->pairs[j];
			if (p->khash == c->hash && p->key.len == c->len &&
			    mlc_tags__key_equal(p->key.ptr, c->key, c->len)) {
				*out = p->value;
				return 1;
			}
		}
	}
	return 0;
}
