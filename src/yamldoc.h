/* SPDX-License-Identifier: MIT */
/*
 * yamldoc.h - typed, position-aware access to YAML documents (libfyaml)
 * for profiles, variants, budgets and policies. Every error it reports reads
 * "FILE:LINE:COL: message" (1-based) and carries MLC_EPARSE.
 *
 * It is not a schema engine: callers walk their mapping, list the fields
 * they accept (mlc_yaml__check_keys) and read each value with a typed getter.
 */
#ifndef MLC_YAMLDOC_H
#define MLC_YAMLDOC_H

#include <libfyaml.h>
#include <stddef.h>

typedef struct mlc_yaml mlc_yaml;

#define MLC_YAML_MAX_BYTES (16u << 20) /* profiles larger than 16 MiB are refused */

int mlc_yaml__load_file(mlc_yaml **out, const char *path);
int mlc_yaml__load_string(mlc_yaml **out, const char *name, const char *data, size_t len);
void mlc_yaml__free(mlc_yaml *y);

/* The document's root node, or NULL for an empty document. */
struct fy_node *mlc_yaml__root(const mlc_yaml *y);
const char *mlc_yaml__name(const mlc_yaml *y);

/* 1-based line and column of a node (of its first scalar when a collection). */
void mlc_yaml__pos(struct fy_node *n, int *line, int *col);

/* Set an MLC_EPARSE error "NAME:LINE:COL: message" at node n; returns MLC_EPARSE. */
int mlc_yaml__error(const mlc_yaml *y, struct fy_node *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A value that is absent, `~`, `null` or empty counts as not given. */
int mlc_yaml__is_null(struct fy_node *n);

/* Error unless n is a mapping / a sequence; what names the thing for the message. */
int mlc_yaml__expect_map(const mlc_yaml *y, struct fy_node *n, const char *what);
int mlc_yaml__expect_seq(const mlc_yaml *y, struct fy_node *n, const char *what);

/*
 * Error on the first key of map not in allowed (NULL-terminated), naming
 * the nearest allowed key when one is close. Also rejects duplicate keys.
 */
int mlc_yaml__check_keys(const mlc_yaml *y, struct fy_node *map, const char *const *allowed);

/* The value under key, or NULL when absent or null. */
struct fy_node *mlc_yaml__get(struct fy_node *map, const char *key);

/* The key node of map under key (for error positions), or NULL. */
struct fy_node *mlc_yaml__key_node(struct fy_node *map, const char *key);

/* A number (with `_` separators allowed); error otherwise. */
int mlc_yaml__number(const mlc_yaml *y, struct fy_node *n, double *out);
/* A string scalar (borrowed, valid while y lives); error for collections. */
int mlc_yaml__string(const mlc_yaml *y, struct fy_node *n, const char **out);
/* true/false/yes/no; error otherwise. */
int mlc_yaml__bool(const mlc_yaml *y, struct fy_node *n, int *out);

/*
 * Optional fields of a mapping: leave *out untouched when the key is absent
 * or null, set *present (may be NULL) to 1 when it was given.
 */
int mlc_yaml__opt_number(const mlc_yaml *y, struct fy_node *map, const char *key, double *out,
			 int *present);
int mlc_yaml__opt_string(const mlc_yaml *y, struct fy_node *map, const char *key,
			 const char **out);
int mlc_yaml__opt_bool(const mlc_yaml *y, struct fy_node *map, const char *key, int *out);

/* Range checks that report at the value's position. */
int mlc_yaml__opt_number_min(const mlc_yaml *y, struct fy_node *map, const char *key,
			     double *out, double min, int *present);

#endif
