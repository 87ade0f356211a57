/* SPDX-License-Identifier: MIT */
/*
 * tags.h - resource tags from billing rows: a small span scanner for the
 * JSON objects bills carry (FOCUS `Tags`, Azure's brace-less variant, the
 * CUR 2.0 `resource_tags` map), an interning cache so each distinct tags
 * string is parsed once, and tag-key aliases loaded from YAML.
 *
 * What it is not: a JSON library (jansson is for config and API bodies;
 * this scanner only splits one flat object into key/value spans, copying
 * only what needs unescaping), nor the billing-format mapper (which decides
 * which column holds the tags: billing_format.h).
 *
 * Matching rule (SPEC §4): tag keys match case-insensitively (ASCII) after
 * trimming blanks. A value that is empty after trimming, or JSON null, is
 * missing. See docs/billing-formats.md, "Tags".
 */
#ifndef MLC_TAGS_H
#define MLC_TAGS_H

#include <stddef.h>
#include <stdint.h>

#include "mlcost/common.h"

/* A borrowed run of bytes. Shared with billing_format.h (guarded so that
 * another module may declare the identical type). */
#ifndef MLC_SPAN_DEFINED
#define MLC_SPAN_DEFINED
typedef struct mlc_span {
	const char *ptr;
	size_t len;
} mlc_span;
#endif

#define MLC_TAGS_MAX_BYTES (64u * 1024u) /* longest tags string accepted */
#define MLC_TAGS_MAX_PAIRS 1024u         /* most key/value pairs in one string */
#define MLC_TAGS_MAX_DEPTH 32u           /* nesting inside one value */

/* Parse flags. */
#define MLC_TAGS_CUR2_KEYS 1u /* keys are CUR 2.0 map keys: user_team -> team, aws_x -> aws:x */
/* MLC_TAGS_CSV_RAW: text is raw CSV field content, "" standing for " (understood by
 * mlc_tags__intern; mlc_tags__parse wants plain text) */
#define MLC_TAGS_CSV_RAW 2u

typedef struct mlc_tags_pair {
	mlc_span key;   /* trimmed, unescaped */
	mlc_span value; /* trimmed, unescaped; raw JSON text for an object/array */
	uint32_t khash; /* mlc_tags__key_hash of the key */
} mlc_tags_pair;

/*
 * Split one tags string into pairs. Accepts a JSON object (`{"a": "x"}`),
 * the same members without braces (`"a": "x","b": "y"`, as Azure exports
 * write them), or blank/`{}` for no tags. String values are unescaped
 * (\uXXXX to UTF-8; a lone surrogate or \u0000 becomes U+FFFD); numbers
 * and true/false keep their text; null and empty values are dropped; a
 * nested object or array is kept as its raw JSON text.
 *
 * Spans point into text or into scratch, which must hold at least len
 * bytes (unescaped text is never longer than its source). Writes at most
 * cap pairs. Returns 0, MLC_EPARSE or MLC_ETOOLARGE with a message
 * "byte N: ..." (1-based offset into text) for the caller to prefix.
 */
int mlc_tags__parse(mlc_tags_pair *pairs, size_t cap, size_t *npairs, char *scratch,
                    const char *text, size_t len, unsigned flags);

/* FNV-1a of the ASCII-lowercased bytes: the same for keys equal under the rule. */
uint32_t mlc_tags__key_hash(const char *key, size_t len);

/* Case-insensitive (ASCII) equality of two keys of equal length. */
int mlc_tags__key_equal(const char *a, const char *b, size_t len);

/* ---- interning cache -------------------------------------------------------- */

typedef struct mlc_tags_set {
	uint32_t id; /* dense, unique within one cache generation */
	uint32_t npairs;
	int status;        /* 0, or the MLC_E* code the string failed with */
	const char *error; /* message when status != 0 */
	const mlc_tags_pair *pairs;
} mlc_tags_set;

typedef struct mlc_tags_cache mlc_tags_cache;

#define MLC_TAGS_CACHE_DEFAULT_BYTES ((size_t)64 << 20)

/*
 * A cache holding at most max_bytes of parsed sets (0 = the default,
 * 64 MiB). When a new string does not fit, the cache empties itself and
 * starts a new generation: correct, only slower if an input has more
 * distinct tag strings than fit. One cache per thread; not thread-safe.
 */
int mlc_tags__cache_new(mlc_tags_cache **out, size_t max_bytes);
void mlc_tags__cache_free(mlc_tags_cache *c);

/*
 * The parsed set of text (parsed on first sight, found by hash of the raw
 * bytes and flags afterwards). A string that fails to parse is cached too:
 * *out is a set with status != 0 and the call returns that status with the
 * message set. The set stays valid until the next intern call on c.
 */
int mlc_tags__intern(const mlc_tags_set **out, mlc_tags_cache *c, const char *text, size_t len,
                     unsigned flags);

/* Bumped each time the cache empties itself; set ids restart at 0. */
uint64_t mlc_tags__cache_generation(const mlc_tags_cache *c);
/* Distinct strings held now. */
size_t mlc_tags__cache_count(const mlc_tags_cache *c);

/* ---- aliases and lookups -------------------------------------------------------- */

typedef struct mlc_tags_aliases mlc_tags_aliases;

/*
 * Load an alias file: a YAML mapping from a canonical key to the keys that
 * mean the same, e.g.
 *     model_id: [model, ml_model, user:model_id]
 *     team: owner_team
 * Errors (FILE:LINE:COL, MLC_EPARSE): not a mapping, a non-string key, an
 * alias listed twice, an alias that is also a canonical key.
 */
int mlc_tags__aliases_load(mlc_tags_aliases **out, const char *path);
int mlc_tags__aliases_parse(mlc_tags_aliases **out, const char *name, const char *data, size_t len);
void mlc_tags__aliases_free(mlc_tags_aliases *a);

/*
 * What to look for when asked for key: the candidate keys, in order of
 * preference. For a canonical key C (or any of its aliases) that is C,
 * then its aliases in file order, then "user:C" (AWS's prefix for user
 * tags) unless listed; when C itself is "user:K", K comes last instead.
 * Keys are trimmed and lower-cased.
 */
typedef struct mlc_tags_query mlc_tags_query;

int mlc_tags__query_new(mlc_tags_query **out, const mlc_tags_aliases *aliases, const char *key,
                        size_t len);
void mlc_tags__query_free(mlc_tags_query *q);
/* The canonical key (lower-cased, trimmed). */
const char *mlc_tags__query_canonical(const mlc_tags_query *q);
size_t mlc_tags__query_count(const mlc_tags_query *q);
/* Candidate i (lower-cased), its length in *len. */
const char *mlc_tags__query_key(const mlc_tags_query *q, size_t i, size_t *len);

/*
 * The value for q in set s: the first pair whose key equals the first
 * candidate that occurs; among duplicate keys the first one wins. 1 found,
 * 0 missing.
 */
int mlc_tags__find(mlc_span *out, const mlc_tags_set *s, const mlc_tags_query *q);

#endif
