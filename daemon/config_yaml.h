/* SPDX-License-Identifier: MIT */
/*
 * config_yaml.h - the little YAML access the config loader needs, on
 * libfyaml directly (the library's YAML helpers are internal to it):
 * loading with diagnostics collected instead of printed, node positions,
 * positioned errors, and the text guards that keep libfyaml 0.7.12 away
 * from inputs it mishandles.
 *
 * Why not a public loader of the library: its public API holds no libfyaml
 * type (the shared library links libfyaml privately, and programs on it
 * need not have it), and a config's rules are not a profile's anyway: no
 * tab anywhere (not even in quotes), an empty file is all defaults (not an
 * error), 1 MiB at most (not 16). docs/serve-internals.md, "Decisions".
 *
 * What it is not: a schema engine; config.c walks the mapping itself.
 */
#ifndef MLCD_CONFIG_YAML_H
#define MLCD_CONFIG_YAML_H

#include <libfyaml.h>
#include <stddef.h>

#define MLCD_CONFIG_MAX_BYTES (1u << 20) /* a config file larger than 1 MiB is refused */

typedef struct mlcd_yaml {
	struct fy_document *doc; /* NULL for a document of only blanks and comments */
	char *name;
	char *text; /* libfyaml points into it: lives as long as doc */
} mlcd_yaml;

/* Parse text (copied). Errors: MLC_EPARSE "NAME:LINE:COL: message", MLC_ENOMEM. */
int mlcd_yaml_load(mlcd_yaml *y, const char *name, const char *text, size_t len);
void mlcd_yaml_clear(mlcd_yaml *y);

/* The root node, or NULL for an empty document. */
struct fy_node *mlcd_yaml_root(const mlcd_yaml *y);

/* 1-based position of a node (of its first scalar for a collection); 0 when unknown. */
void mlcd_yaml_pos(struct fy_node *n, int *line, int *col);

/* MLC_EPARSE with "NAME:LINE:COL: message" at node n. */
int mlcd_yaml_error(const mlcd_yaml *y, struct fy_node *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Absent, `~`, `null` or an empty plain scalar. */
int mlcd_yaml_is_null(struct fy_node *n);

/* The text of a scalar (borrowed from the document); an error for a collection. */
int mlcd_yaml_scalar(const mlcd_yaml *y, struct fy_node *n, const char *what, const char **out);

/* The text of a mapping key; an error unless it is a scalar. */
int mlcd_yaml_key(const mlcd_yaml *y, struct fy_node *k, const char **out);

/* Edit distance of a and b (case-insensitive), or cap when it is cap or more. */
size_t mlcd_yaml_edit_distance(const char *a, const char *b, size_t cap);

#endif
