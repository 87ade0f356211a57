/* SPDX-License-Identifier: MIT */
/*
 * config_internal.h - the settings table and the per-type value readers
 * shared by config.c (loading), config_value.c (scalars, lists, printing)
 * and config_tokens.c (the tokens list). Not used outside config*.c.
 */
#ifndef MLCD_CONFIG_INTERNAL_H
#define MLCD_CONFIG_INTERNAL_H

#include "config.h"
#include "config_yaml.h"

#include <stddef.h>

typedef enum mlcd_cfg_type {
	MLCD_CFG_LISTEN, /* "HOST:PORT" */
	MLCD_CFG_UINT,   /* unsigned, `_` separators */
	MLCD_CFG_BYTES,  /* uint64 with an optional KiB/MiB/GiB suffix */
	MLCD_CFG_DOUBLE, /* finite number */
	MLCD_CFG_BOOL,   /* true/false */
	MLCD_CFG_PATH,   /* a file, a store URL, or nothing when the default is NULL */
	MLCD_CFG_NAME,   /* a name used as written (A-Z a-z 0-9 . _ - @ :), or nothing */
	MLCD_CFG_PATHS,  /* a list of catalog sources */
	MLCD_CFG_TOKENS  /* the bearer tokens */
} mlcd_cfg_type;

typedef struct mlcd_setting {
	const char *name;
	mlcd_cfg_type type;
	size_t off;      /* offset of the field in mlcd_config */
	const char *def; /* default as text (lists: comma separated); NULL: none */
	double min, max; /* bounds of numbers */
	const char *doc;
} mlcd_setting;

extern const mlcd_setting mlcd_settings[];
extern const size_t mlcd_nsettings;

/* Name of a type for messages and the docs ("integer", "bytes", ...). */
const char *mlcd_config__type_name(mlcd_cfg_type t);

/*
 * Set a scalar setting from text. dir resolves relative paths (NULL: none).
 * On a bad value returns MLC_EPARSE with the reason in why (no position:
 * the caller adds it). MLC_ENOMEM otherwise.
 */
int mlcd_config__set_text(mlcd_config *c, const mlcd_setting *s, const char *text, const char *dir,
                          char *why, size_t whycap);

/* Set a setting from its YAML node (scalars, lists, tokens), positioned errors. */
int mlcd_config__set_node(mlcd_config *c, const mlcd_setting *s, const mlcd_yaml *y,
                          struct fy_node *v, const char *dir);

/* Read the tokens list (config_tokens.c). */
int mlcd_config__tokens(mlcd_config *c, const mlcd_yaml *y, struct fy_node *v);
void mlcd_config__tokens_free(mlcd_config *c);
/* Give tokens without their own rate the global one; check names and hashes are unique. */
int mlcd_config__tokens_finish(mlcd_config *c, const mlcd_yaml *y);
void mlcd_config__tokens_print(FILE *f, const mlcd_config *c);

/* Print a value of a setting as YAML (after "name: "). */
void mlcd_config__print_value(FILE *f, const mlcd_config *c, const mlcd_setting *s);

/* A double as the shortest of %.15g / %.17g that reads back the same. */
void mlcd_config__fmt_double(char *out, size_t cap, double d);

/* A string as a YAML double-quoted scalar. */
void mlcd_config__print_quoted(FILE *f, const char *s);

/* Parse a scope name; 0 when unknown. */
unsigned mlcd_config__scope(const char *name);

char *mlcd_config__strdup(const char *s);
void mlcd_config__free_list(char **v, size_t n);

#endif
