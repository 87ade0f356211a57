/* SPDX-License-Identifier: MIT */
/*
 * svg.h - the report's SVG writer: elements appended to a bounded buffer,
 * text escaped for XML, coordinates in fixed two-decimal form without the
 * locale, and a count of the data marks written per kind (the tests count
 * `data-mark` attributes; the JSON data model reports the same counts).
 *
 * Styling is not here: elements carry classes, the page's stylesheet gives
 * them colours (light, dark and print). It is not a DOM: elements are
 * written in order and never revisited. The first failure sticks in
 * rc and makes later calls no-ops, so callers check once at the end.
 */
#ifndef MLC_REPORT_SVG_H
#define MLC_REPORT_SVG_H

#include "util/buf.h"

#include <stddef.h>

#define MLC_SVG_MAX_KINDS 8
#define MLC_SVG_NUM_MAX   32

typedef struct mlc_svg {
	mlcu_buf *b;
	int rc; /* first failure, 0 while all is well */
	size_t nkinds;
	const char *kinds[MLC_SVG_MAX_KINDS]; /* static strings */
	size_t counts[MLC_SVG_MAX_KINDS];
} mlc_svg;

void mlc_svg__init(mlc_svg *s, mlcu_buf *b);

/* v rounded to 0.01, trailing zeros dropped ("12.5", "-3", "0"); not-finite is 0. */
void mlc_svg__num(char *out, double v);

/* Append text as is / printf-style (for markup the caller wrote). */
void mlc_svg__raw(mlc_svg *s, const char *text);
void mlc_svg__printf(mlc_svg *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append text escaped for XML content and attributes (& < > " '). */
void mlc_svg__esc(mlc_svg *s, const char *text);

/* Count one mark of kind (a static string) and write ` data-mark="kind"`. */
void mlc_svg__mark(mlc_svg *s, const char *kind);

/* <svg viewBox="0 0 w h" role="img" aria-labelledby="ID-t ID-d"> with <title>, <desc>. */
void mlc_svg__begin(mlc_svg *s, const char *id, double w, double h, const char *title,
                    const char *desc);
void mlc_svg__end(mlc_svg *s);

/*
 * Elements. cls: class attribute (NULL for none); mark: data-mark kind or
 * NULL; tip: a <title> child (the tooltip with exact numbers) or NULL.
 */
void mlc_svg__rect(mlc_svg *s, double x, double y, double w, double h, const char *cls,
                   const char *mark, const char *tip);
void mlc_svg__circle(mlc_svg *s, double cx, double cy, double r, const char *cls, const char *mark,
                     const char *tip);
void mlc_svg__line(mlc_svg *s, double x1, double y1, double x2, double y2, const char *cls);
/* anchor: "start", "middle" or "end"; tip: the full text of a shortened label, or NULL */
void mlc_svg__text(mlc_svg *s, double x, double y, const char *cls, const char *anchor,
                   const char *text, const char *tip);

/* A text of two runs: text, then more in its own class (e.g. a muted note after a value). */
void mlc_svg__text2(mlc_svg *s, double x, double y, const char *cls, const char *text,
                    const char *cls2, const char *more);

/* A path or polyline: begin, points (M then L), end with the attributes. */
void mlc_svg__path_begin(mlc_svg *s);
void mlc_svg__path_point(mlc_svg *s, double x, double y, int first);
void mlc_svg__path_close(mlc_svg *s);
void mlc_svg__path_end(mlc_svg *s, const char *cls, const char *mark, const char *tip);

/* <g class="cls"> ... </g> */
void mlc_svg__group(mlc_svg *s, const char *cls);
void mlc_svg__group_end(mlc_svg *s);

/* Marks of kind written so far. */
size_t mlc_svg__count(const mlc_svg *s, const char *kind);

#endif
