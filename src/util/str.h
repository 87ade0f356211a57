/* SPDX-License-Identifier: MIT */
/*
 * util/str.h - small string helpers: strict number parsing, shortest
 * round-trip formatting of doubles, edit distance for "did you mean".
 */
#ifndef MLCU_STR_H
#define MLCU_STR_H

#include <stddef.h>

/*
 * Parse a whole string as a finite double. Accepts `_` between digits
 * (1_000_000) when allow_underscore is set. Returns 0, or -1 when the
 * text is not exactly one number.
 */
int mlcu_parse_double(double *out, const char *s, size_t len, int allow_underscore);

/* Shortest text that reads back as the same double ("6853.824", "1e-07"). */
void mlcu_fmt_double(char *out, size_t outlen, double v);

/* Levenshtein distance, capped at cap (returns cap when larger). */
size_t mlcu_edit_distance(const char *a, const char *b, size_t cap);

/* Case-insensitive ASCII equality of two strings. */
int mlcu_streq_nocase(const char *a, const char *b);

#endif
