/* SPDX-License-Identifier: MIT */
/*
 * svg.c - the report's SVG writer (svg.h): elements into a bounded buffer,
 * XML escaping, locale-free fixed-point coordinates, mark counting. It
 * knows nothing of charts; chart_*.c decide what to draw.
 */
#include "report/svg.h"

#include "mlcost/common.h"
#include "util/error.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void mlc_svg__init(mlc_svg *s, mlcu_buf *b)
{
	memset(s, 0, sizeof(*s));
	s->b = b;
}

/*
 * Integer arithmetic, not printf("%.2f"): the decimal point must not follow
 * LC_NUMERIC, and "-0" must never appear (stable bytes for golden tests).
 */
void mlc_svg__num(char *out, double v)
{
	long long c, whole, frac;
	int neg;
	if (!isfinite(v))
		v = 0;
	if (v > 1e12)
		v = 1e12;
	if (v < -1e12)
		v = -1e12;
	c = llround(v * 100.0);
	neg = c < 0;
	if (neg)
		c = -c;
	whole = c / 100;
	frac = c % 100;
	if (!frac)
		snprintf(out, MLC_SVG_NUM_MAX, "%s%lld", neg ? "-" : "", whole);
	else if (frac % 10 == 0)
		snprintf(out, MLC_SVG_NUM_MAX, "%s%lld.%lld", neg ? "-" : "", whole, frac / 10);
	else
		snprintf(out, MLC_SVG_NUM_MAX, "%s%lld.%02lld", neg ? "-" : "", whole, frac);
}

void mlc_svg__raw(mlc_svg *s, const char *text)
{
	if (!s->rc)
		s->rc = mlcu_buf_puts(s->b, text);
}

void mlc_svg__printf(mlc_svg *s, const char *fmt, ...)
{
	va_list ap;
	if (s->rc)
		return;
	va_start(ap, fmt);
	s->rc = mlcu_buf_vprintf(s->b, fmt, ap);
	va_end(ap);
}

void mlc_svg__esc(mlc_svg *s, const char *text)
{
	const char *p = text, *run = text;
	for (; !s->rc && p && *p; p++) {
		const char *rep = NULL;
		unsigned char c = (unsigned char)*p;
		switch (c) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		default:
			/* control characters are not allowed in XML 1.0: drop them */
			if (c < 0x20 && c != '\t' && c != '\n')
				rep = "";
		}
		if (!rep)
			continue;
		s->rc = mlcu_buf_append(s->b, run, (size_t)(p - run));
		if (!s->rc)
			s->rc = mlcu_buf_puts(s->b, rep);
		run = p + 1;
	}
	if (!s->rc && p)
		s->rc = mlcu_buf_append(s->b, run, (size_t)(p - run));
}

void mlc_svg__mark(mlc_svg *s, const char *kind)
{
	size_t i;
	for (i = 0; i < s->nkinds && strcmp(s->kinds[i], kind); i++)
		;
	if (i == s->nkinds) {
		if (s->nkinds == MLC_SVG_MAX_KINDS) {
			if (!s->rc)
				s->rc = mlcu_error_set(MLC_EINVAL, "svg: more than %d mark kinds",
				                       MLC_SVG_MAX_KINDS);
			return;
		}
		s->kinds[s->nkinds++] = kind;
	}
	s->counts[i]++;
	mlc_svg__printf(s, " data-mark=\"%s\"", kind);
}

size_t mlc_svg__count(const mlc_svg *s, const char *kind)
{
	for (size_t i = 0; i < s->nkinds; i++)
		if (!strcmp(s->kinds[i], kind))
			return s->counts[i];
	return 0;
}

void mlc_svg__begin(mlc_svg *s, const char *id, double w, double h, const char *title,
                    const char *desc)
{
	char a[MLC_SVG_NUM_MAX], b[MLC_SVG_NUM_MAX];
	mlc_svg__num(a, w);
	mlc_svg__num(b, h);
	/* no xmlns: inline SVG in HTML needs none, and the page names no URL at all */
	mlc_svg__printf(s,
	                "<svg class=\"chart\" id=\"%s\" viewBox=\"0 0 %s %s\" role=\"img\" "
	                "aria-labelledby=\"%s-t %s-d\">\n<title id=\"%s-t\">",
	                id, a, b, id, id, id);
	mlc_svg__esc(s, title);
	mlc_svg__printf(s, "</title>\n<desc id=\"%s-d\">", id);
	mlc_svg__esc(s, desc);
	mlc_svg__raw(s, "</desc>\n");
}

void mlc_svg__end(mlc_svg *s)
{
	mlc_svg__raw(s, "</svg>\n");
}

/* ` class="cls"` and the mark, then either "/>" or ">" <title>tip</title> "</name>" */
static void attrs_close(mlc_svg *s, const char *name, const char *cls, const char *mark,
                        const char *tip)
{
	if (cls)
		mlc_svg__printf(s, " class=\"%s\"", cls);
	if (mark)
		mlc_svg__mark(s, mark);
	if (!tip) {
		mlc_svg__raw(s, "/>\n");
		return;
	}
	mlc_svg__raw(s, "><title>");
	mlc_svg__esc(s, tip);
	mlc_svg__printf(s, "</title></%s>\n", name);
}

void mlc_svg__rect(mlc_svg *s, double x, double y, double w, double h, const char *cls,
                   const char *mark, const char *tip)
{
	char a[MLC_SVG_NUM_MAX], b[MLC_SVG_NUM_MAX], c[MLC_SVG_NUM_MAX], d[MLC_SVG_NUM_MAX];
	if (w < 0) {
		x += w;
		w = -w;
	}
	if (h < 0) {
		y += h;
		h = -h;
	}
	mlc_svg__num(a, x);
	mlc_svg__num(b, y);
	mlc_svg__num(c, w);
	mlc_svg__num(d, h);
	mlc_svg__printf(s, "<rect x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\"", a, b, c, d);
	attrs_close(s, "rect", cls, mark, tip);
}

void mlc_svg__circle(mlc_svg *s, double cx, double cy, double r, const char *cls, const char *mark,
                     const char *tip)
{
	char a[MLC_SVG_NUM_MAX], b[MLC_SVG_NUM_MAX], c[MLC_SVG_NUM_MAX];
	mlc_svg__num(a, cx);
	mlc_svg__num(b, cy);
	mlc_svg__num(c, r);
	mlc_svg__printf(s, "<circle cx=\"%s\" cy=\"%s\" r=\"%s\"", a, b, c);
	attrs_close(s, "circle", cls, mark, tip);
}

void mlc_svg__line(mlc_svg *s, double x1, double y1, double x2, double y2, const char *cls)
{
	char a[MLC_SVG_NUM_MAX], b[MLC_SVG_NUM_MAX], c[MLC_SVG_NUM_MAX], d[MLC_SVG_NUM_MAX];
	mlc_svg__num(a, x1);
	mlc_svg__num(b, y1);
	mlc_svg__num(c, x2);
	mlc_svg__num(d, y2);
	mlc_svg__printf(s, "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\"", a, b, c, d);
	attrs_close(s, "line", cls, NULL, NULL);
}

void mlc_svg__text(mlc_svg *s, double x, double y, const char *cls, const char *anchor,
                   const char *text, const char *tip)
{
	char a[MLC_SVG_NUM_MAX], b[MLC_SVG_NUM_MAX];
	mlc_svg__num(a, x);
	mlc_svg__num(b, y);
	mlc_svg__printf(s, "<text x=\"%s\" y=\"%s\"", a, b);
	if (cls)
		mlc_svg__printf(s, " class=\"%s\"", cls);
	if (anchor && strcmp(anchor, "start"))
		mlc_svg__printf(s, " text-anchor=\"%s\"", anchor);
	mlc_svg__raw(s, ">");
	if (tip) {
		mlc_svg__raw(s, "<title>");
		mlc_svg__esc(s, tip);
		mlc_svg__raw(s, "</title>");
	}
	mlc_svg__esc(s, text);
	mlc_svg__raw(s, "</text>\n");
}

void mlc_svg__text2(mlc_svg *s, double x, double y, const char *cls, const char *text,
                    const char *cls2, const char *more)
{
	char a[MLC_SVG_NUM_MAX], b[MLC_SVG_NUM_MAX];
	mlc_svg__num(a, x);
	mlc_svg__num(b, y);
	mlc_svg__printf(s, "<text x=\"%s\" y=\"%s\" class=\"%s\">", a, b, cls);
	mlc_svg__esc(s, text);
	mlc_svg__printf(s, "<tspan class=\"%s\">", cls2);
	mlc_svg__esc(s, more);
	mlc_svg__raw(s, "</tspan></text>\n");
}

void mlc_svg__path_begin(mlc_svg *s)
{
	mlc_svg__raw(s, "<path d=\"");
}

void mlc_svg__path_point(mlc_svg *s, double x, double y, int first)
{
	char a[MLC_SVG_NUM_MAX], b[MLC_SVG_NUM_MAX];
	mlc_svg__num(a, x);
	mlc_svg__num(b, y);
	mlc_svg__printf(s, "%s%s %s", first ? "M" : " L", a, b);
}

void mlc_svg__path_close(mlc_svg *s)
{
	mlc_svg__raw(s, " Z");
}

void mlc_svg__path_end(mlc_svg *s, const char *cls, const char *mark, const char *tip)
{
	mlc_svg__raw(s, "\"");
	attrs_close(s, "path", cls, mark, tip);
}

void mlc_svg__group(mlc_svg *s, const char *cls)
{
	mlc_svg__printf(s, "<g class=\"%s\">\n", cls);
}

void mlc_svg__group_end(mlc_svg *s)
{
	mlc_svg__raw(s, "</g>\n");
}
