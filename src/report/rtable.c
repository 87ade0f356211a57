/* SPDX-License-Identifier: MIT */
/*
 * rtable.c - the tables of exact numbers under the report's charts
 * (section.h): typed cells, written as an HTML <table> (people's text in
 * the cell, the machine's in data-value) and as JSON (the same machine
 * text). Bill money stays exact (mlc_amount); estimates are doubles
 * printed in shortest round-trip form, as the other commands' JSON does.
 */
#include "report/fmt.h"
#include "report/section.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/str.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int mlc_rtable__init(mlc_rtable *t, const char *cur, const char *const *cols, size_t ncols)
{
	static const char kinds[] = "tmupcnd";
	memset(t, 0, sizeof(*t));
	t->cur = cur;
	if (ncols > MLC_RTABLE_MAX_COLS)
		return mlcu_error_set(MLC_EINVAL, "report: a table of more than %d columns",
		                      MLC_RTABLE_MAX_COLS);
	for (size_t i = 0; i < ncols; i++) {
		const char *bar = strrchr(cols[i], '|');
		const char *k = bar && bar[1] && !bar[2] ? strchr(kinds, bar[1]) : NULL;
		t->names[i] = cols[i];
		t->kinds[i] = k ? (mlc_col_kind)(k - kinds) : MLC_COL_TEXT;
	}
	t->ncols = ncols;
	return 0;
}

void mlc_rtable__free(mlc_rtable *t)
{
	while (t->strs) {
		mlc_rstr *n = t->strs->next;
		mlcu_free(t->strs);
		t->strs = n;
	}
	mlcu_free(t->cells);
	memset(t, 0, sizeof(*t));
}

mlc_cell *mlc_rtable__row(mlc_rtable *t)
{
	mlc_cell *row;
	if (t->nrows == MLC_RTABLE_MAX_ROWS) {
		mlcu_error_set(MLC_ETOOLARGE, "report: a table of more than %d rows",
		               MLC_RTABLE_MAX_ROWS);
		return NULL;
	}
	if (t->nrows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		mlc_cell *c = mlcu_reallocarray(t->cells, cap * t->ncols, sizeof(mlc_cell));
		if (!c) {
			mlcu_error_oom();
			return NULL;
		}
		t->cells = c;
		t->cap = cap;
	}
	row = t->cells + t->nrows++ * t->ncols;
	memset(row, 0, t->ncols * sizeof(mlc_cell));
	return row;
}

const char *mlc_rtable__str(mlc_rtable *t, const char *text)
{
	size_t n = strlen(text);
	mlc_rstr *s = mlcu_malloc(sizeof(*s) + n + 1);
	if (!s) {
		mlcu_error_oom();
		return NULL;
	}
	memcpy(s->text, text, n + 1);
	s->next = t->strs;
	t->strs = s;
	return s->text;
}

const char *mlc_rtable__strf(mlc_rtable *t, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return mlc_rtable__str(t, buf);
}

void mlc_cell__num(mlc_cell *c, double v)
{
	c->v = v;
	c->null = !isfinite(v);
}

void mlc_cell__amount(mlc_cell *c, mlc_amount a)
{
	c->a = a;
	c->exact = 1;
	c->v = mlc_amount_to_double(a);
}

void mlc_cell__text(mlc_cell *c, const char *text, const char *if_null)
{
	c->text = text;
	c->null = text == NULL;
	c->disp = text ? NULL : if_null;
}

void mlc_cell__day(mlc_cell *c, int64_t day)
{
	c->day = day;
}

static void money_exact(char *out, size_t cap, mlc_amount a, const char *cur)
{
	char d[MLC_AMOUNT_FMT_MAX + 16];
	mlc_amount_format_grouped(d, sizeof(d), a, 2);
	if (d[0] == '-')
		mlc_rfmt__with_currency(out, cap, 1, d + 1, cur);
	else
		mlc_rfmt__with_currency(out, cap, 0, d, cur);
}

void mlc_cell__display(char *out, size_t cap, const mlc_rtable *t, size_t col, const mlc_cell *c)
{
	if (c->null) {
		snprintf(out, cap, "%s", c->disp ? c->disp : "\xe2\x80\x93");
		return;
	}
	if (c->disp) {
		snprintf(out, cap, "%s", c->disp);
		return;
	}
	switch (t->kinds[col]) {
	case MLC_COL_TEXT:
		snprintf(out, cap, "%s", c->text ? c->text : "");
		break;
	case MLC_COL_MONEY:
		if (c->exact)
			money_exact(out, cap, c->a, t->cur);
		else
			mlc_rfmt__money(out, cap, c->v, t->cur);
		break;
	case MLC_COL_UNIT:
		mlc_rfmt__unit_money(out, cap, c->v, t->cur);
		break;
	case MLC_COL_PCT:
		mlc_rfmt__pct(out, cap, c->v);
		break;
	case MLC_COL_COUNT:
		mlc_rfmt__count(out, cap, c->v);
		break;
	case MLC_COL_NUMBER:
		mlc_rfmt__number(out, cap, c->v);
		break;
	case MLC_COL_DAY:
		mlc_series_day_format(out, cap, c->day);
		break;
	}
}

void mlc_cell__machine(char *out, size_t cap, const mlc_rtable *t, size_t col, const mlc_cell *c)
{
	out[0] = '\0';
	if (c->null || t->kinds[col] == MLC_COL_TEXT)
		return;
	if (t->kinds[col] == MLC_COL_DAY)
		mlc_series_day_format(out, cap, c->day);
	else if (c->exact)
		mlc_amount_format(out, cap, c->a, -1);
	else
		mlcu_fmt_double(out, cap, c->v);
}

int mlc_report__esc(mlcu_buf *b, const char *text)
{
	mlc_svg s;
	mlc_svg__init(&s, b);
	mlc_svg__esc(&s, text);
	return s.rc;
}

int mlc_report__json_str(mlcu_buf *b, const char *text)
{
	int rc = mlcu_buf_putc(b, '"');
	for (const unsigned char *p = (const unsigned char *)text; !rc && *p; p++) {
		if (*p == '"' || *p == '\\')
			rc = mlcu_buf_printf(b, "\\%c", *p);
		else if (*p < 0x20)
			rc = mlcu_buf_printf(b, "\\u%04x", *p);
		else
			rc = mlcu_buf_putc(b, (char)*p);
	}
	return rc ? rc : mlcu_buf_putc(b, '"');
}

/* the name of a column without its "|k" kind */
static size_t name_len(const char *spec)
{
	const char *bar = strrchr(spec, '|');
	return bar && bar[1] && !bar[2] ? (size_t)(bar - spec) : strlen(spec);
}

static int html_head(mlcu_buf *b, const mlc_rtable *t, const char *id, const char *caption)
{
	int rc = mlcu_buf_printf(b, "<table class=\"data\" id=\"%s\">", id);
	if (!rc && caption) {
		rc = mlcu_buf_puts(b, "<caption>");
		rc = rc ? rc : mlc_report__esc(b, caption);
		rc = rc ? rc : mlcu_buf_puts(b, "</caption>");
	}
	rc = rc ? rc : mlcu_buf_puts(b, "\n<thead><tr>");
	for (size_t i = 0; !rc && i < t->ncols; i++) {
		size_t n = name_len(t->names[i]);
		char name[128];
		snprintf(name, sizeof(name), "%.*s", (int)n, t->names[i]);
		rc = mlcu_buf_printf(b, "<th scope=\"col\"%s>",
		                     t->kinds[i] == MLC_COL_TEXT || t->kinds[i] == MLC_COL_DAY
		                         ? ""
		                         : " class=\"num\"");
		rc = rc ? rc : mlc_report__esc(b, name);
		rc = rc ? rc : mlcu_buf_puts(b, "</th>");
	}
	return rc ? rc : mlcu_buf_puts(b, "</tr></thead>\n<tbody>\n");
}

int mlc_rtable__html(mlcu_buf *b, const mlc_rtable *t, const char *id, const char *caption)
{
	char disp[256], mach[MLC_AMOUNT_FMT_MAX + 16];
	int rc = html_head(b, t, id, caption);
	for (size_t r = 0; !rc && r < t->nrows; r++) {
		rc = mlcu_buf_puts(b, "<tr>");
		for (size_t i = 0; !rc && i < t->ncols; i++) {
			const mlc_cell *c = &t->cells[r * t->ncols + i];
			int num = t->kinds[i] != MLC_COL_TEXT && t->kinds[i] != MLC_COL_DAY;
			mlc_cell__display(disp, sizeof(disp), t, i, c);
			mlc_cell__machine(mach, sizeof(mach), t, i, c);
			rc = mlcu_buf_printf(b, "<td%s", num ? " class=\"num\"" : "");
			if (!rc && c->null)
				rc = mlcu_buf_puts(b, " data-null=\"1\"");
			else if (!rc && mach[0])
				rc = mlcu_buf_printf(b, " data-value=\"%s\"", mach);
			rc = rc ? rc : mlcu_buf_putc(b, '>');
			rc = rc ? rc : mlc_report__esc(b, disp);
			rc = rc ? rc : mlcu_buf_puts(b, "</td>");
		}
		rc = rc ? rc : mlcu_buf_puts(b, "</tr>\n");
	}
	return rc ? rc : mlcu_buf_puts(b, "</tbody></table>\n");
}

int mlc_rtable__json(mlcu_buf *b, const mlc_rtable *t)
{
	char mach[MLC_AMOUNT_FMT_MAX + 16], name[128];
	int rc = mlcu_buf_puts(b, "{\"columns\":[");
	static const char *const kind_names[] = {"text",  "money",  "unit_money", "pct",
	                                         "count", "number", "day"};
	for (size_t i = 0; !rc && i < t->ncols; i++) {
		snprintf(name, sizeof(name), "%.*s", (int)name_len(t->names[i]), t->names[i]);
		rc = mlcu_buf_printf(b, "%s{\"name\":", i ? "," : "");
		rc = rc ? rc : mlc_report__json_str(b, name);
		rc = rc ? rc : mlcu_buf_printf(b, ",\"kind\":\"%s\"}", kind_names[t->kinds[i]]);
	}
	rc = rc ? rc : mlcu_buf_puts(b, "],\"rows\":[");
	for (size_t r = 0; !rc && r < t->nrows; r++) {
		rc = mlcu_buf_puts(b, r ? ",\n[" : "\n[");
		for (size_t i = 0; !rc && i < t->ncols; i++) {
			const mlc_cell *c = &t->cells[r * t->ncols + i];
			rc = i ? mlcu_buf_putc(b, ',') : 0;
			mlc_cell__machine(mach, sizeof(mach), t, i, c);
			if (rc)
				break;
			if (c->null)
				rc = mlcu_buf_puts(b, "null");
			else if (t->kinds[i] == MLC_COL_TEXT)
				rc = mlc_report__json_str(b, c->text ? c->text : "");
			else if (t->kinds[i] == MLC_COL_DAY)
				rc = mlc_report__json_str(b, mach);
			else
				rc = mlcu_buf_puts(b, mach);
		}
		rc = rc ? rc : mlcu_buf_putc(b, ']');
	}
	return rc ? rc : mlcu_buf_puts(b, "]}");
}
