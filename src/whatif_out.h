/* SPDX-License-Identifier: MIT */
/*
 * whatif_out.h - the JSON and CSV writers behind mlc_frontier_render() and
 * mlc_compare_render(): pretty-printed JSON with numbers in their shortest
 * round-trip form (full precision, SPEC §1) and RFC 4180 CSV fields.
 *
 * Not a general serializer: it writes forward only, into a bounded buffer,
 * and remembers the first failure so callers check once at the end.
 */
#ifndef MLC_WHATIF_OUT_H
#define MLC_WHATIF_OUT_H

#include "util/buf.h"

#include <stddef.h>

#define MLC_WHATIF_OUT_MAX    (64u << 20) /* a rendering larger than 64 MiB is refused */
#define MLC_WHATIF_JSON_DEPTH 16

typedef struct mlc_wout {
	mlcu_buf buf;
	int rc; /* first failure, 0 while all went well */
	int depth;
	int first[MLC_WHATIF_JSON_DEPTH + 1]; /* no member written yet at this depth */
	int row_started;                      /* CSV: a field was written on this row */
} mlc_wout;

void mlc_whatif__out_init(mlc_wout *w);
/* Hand the text to the caller (or fail with the first error); w is emptied. */
int mlc_whatif__out_finish(char **out, mlc_wout *w);

/* JSON. key is the member name inside an object, NULL inside an array. */
void mlc_whatif__jopen(mlc_wout *w, const char *key, char bracket); /* '{' or '[' */
void mlc_whatif__jclose(mlc_wout *w, char bracket);                 /* '}' or ']' */
void mlc_whatif__jstr(mlc_wout *w, const char *key, const char *s); /* NULL s: null */
void mlc_whatif__jnum(mlc_wout *w, const char *key, double v);      /* non-finite: null */
void mlc_whatif__jbool(mlc_wout *w, const char *key, int v);
void mlc_whatif__jnull(mlc_wout *w, const char *key);

/* CSV: fields of one row, then the end of the row. */
void mlc_whatif__cstr(mlc_wout *w, const char *s);
void mlc_whatif__cnum(mlc_wout *w, double v); /* non-finite: empty field */
void mlc_whatif__cend(mlc_wout *w);

#endif
