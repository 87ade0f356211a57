/* SPDX-License-Identifier: MIT */
/*
 * table.c - aligned text tables, display number formats and the progress
 * line (see table.h).
 */
#include "table.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct cli_table {
	size_t ncols, nrows, cap;
	char **cells; /* nrows * ncols; a row of NULLs with rule[r] set is a rule */
	unsigned char *rule;
	char align[32];
};

static char *dup_text(const char *s)
{
	size_t n = strlen(s ? s : "");
	char *p = malloc(n + 1);
	if (p)
		memcpy(p, s ? s : "", n + 1);
	return p;
}

static int grow(cli_table *t)
{
	size_t cap;
	char **cells;
	unsigned char *rule;
	if (t->nrows < t->cap)
		return 0;
	cap = t->cap ? t->cap * 2 : 16;
	cells = realloc(t->cells, cap * t->ncols * sizeof(*cells));
	if (!cells)
		return -1;
	t->cells = cells;
	rule = realloc(t->rule, cap);
	if (!rule)
		return -1;
	t->rule = rule;
	t->cap = cap;
	return 0;
}

cli_table *cli_table_new(size_t ncols, const char *const *headers, const char *align)
{
	cli_table *t = calloc(1, sizeof(*t));
	if (!t || ncols == 0 || ncols >= sizeof(t->align)) {
		free(t);
		return NULL;
	}
	t->ncols = ncols;
	strncpy(t->align, align, sizeof(t->align) - 1);
	if (cli_table_add(t, headers) || cli_table_rule(t)) {
		cli_table_free(t);
		return NULL;
	}
	return t;
}

int cli_table_add(cli_table *t, const char *const *cells)
{
	size_t c;
	if (grow(t))
		return -1;
	for (c = 0; c < t->ncols; c++) {
		t->cells[t->nrows * t->ncols + c] = dup_text(cells[c]);
		if (!t->cells[t->nrows * t->ncols + c]) {
			while (c--)
				free(t->cells[t->nrows * t->ncols + c]);
			return -1;
		}
	}
	t->rule[t->nrows++] = 0;
	return 0;
}

int cli_table_rule(cli_table *t)
{
	size_t c;
	if (grow(t))
		return -1;
	for (c = 0; c < t->ncols; c++)
		t->cells[t->nrows * t->ncols + c] = NULL;
	t->rule[t->nrows++] = 1;
	return 0;
}

/* display width: count UTF-8 code points, not bytes */
static size_t width(const char *s)
{
	size_t w = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			w++;
	return w;
}

/* 1 when every cell of row r after column c is empty */
static int rest_empty(const cli_table *t, size_t r, size_t c)
{
	size_t k;
	for (k = c + 1; k < t->ncols; k++)
		if (*t->cells[r * t->ncols + k])
			return 0;
	return 1;
}

void cli_table_print(const cli_table *t, FILE *f)
{
	size_t r, c, k, w[32] = {0};
	for (r = 0; r < t->nrows; r++)
		for (c = 0; c < t->ncols; c++)
			if (!t->rule[r] && width(t->cells[r * t->ncols + c]) > w[c])
				w[c] = width(t->cells[r * t->ncols + c]);
	for (r = 0; r < t->nrows; r++) {
		for (c = 0; c < t->ncols; c++) {
			const char *s = t->cells[r * t->ncols + c];
			size_t pad;
			if (!t->rule[r] && !*s && rest_empty(t, r, c))
				break;
			if (c)
				fputs("  ", f);
			if (t->rule[r]) {
				for (k = 0; k < w[c]; k++)
					fputc('-', f);
				continue;
			}
			if (!t->rule[r] && rest_empty(t, r, c)) {
				/* nothing more on this line: no padding, no trailing blanks */
				if (t->align[c] == 'r')
					for (k = width(s); k < w[c]; k++)
						fputc(' ', f);
				fputs(s, f);
				break;
			}
			pad = w[c] - width(s);
			if (t->align[c] == 'r')
				for (k = 0; k < pad; k++)
					fputc(' ', f);
			fputs(s, f);
			if (t->align[c] != 'r' && c + 1 < t->ncols)
				for (k = 0; k < pad; k++)
					fputc(' ', f);
		}
		fputc('\n', f);
	}
}

void cli_table_free(cli_table *t)
{
	size_t i;
	if (!t)
		return;
	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t->rule);
	free(t);
}

void cli_fmt_money(char *out, size_t n, double v)
{
	char digits[64], grouped[96];
	size_t len, i, j = 0, intlen;
	int neg = v < 0;
	snprintf(digits, sizeof(digits), "%.2f", fabs(v));
	if (!strcmp(digits, "0.00"))
		neg = 0;
	len = strlen(digits);
	intlen = len - 3;
	for (i = 0; i < len && j + 2 < sizeof(grouped); i++) {
		if (i > 0 && i < intlen && (intlen - i) % 3 == 0)
			grouped[j++] = ',';
		grouped[j++] = digits[i];
	}
	grouped[j] = '\0';
	snprintf(out, n, "%s%s", neg ? "-" : "", grouped);
}

void cli_fmt_unit_money(char *out, size_t n, double v)
{
	if (fabs(v) >= 100)
		cli_fmt_money(out, n, v);
	else if (v == 0)
		snprintf(out, n, "0");
	else {
		/* 4 significant digits, never scientific notation */
		int decimals = 3 - (int)floor(log10(fabs(v)));
		if (decimals < 2)
			decimals = 2;
		if (decimals > 12)
			decimals = 12;
		snprintf(out, n, "%.*f", decimals, v);
	}
}

void cli_fmt_exact(char *out, size_t n, double v)
{
	int prec;
	if (v == 0) {
		snprintf(out, n, "0");
		return;
	}
	for (prec = 15; prec <= 17; prec++) {
		snprintf(out, n, "%.*g", prec, v);
		if (strtod(out, NULL) == v)
			return;
	}
}

void cli_fmt_pct(char *out, size_t n, double pct)
{
	snprintf(out, n, "%.1f%%", pct);
	if (!strcmp(out, "-0.0%"))
		snprintf(out, n, "0.0%%");
}

/* ---- progress ---------------------------------------------------------------------------- */

static int progress_shown; /* a line is on the terminal: clear it before anything else */

void cli_progress_line(const char *line)
{
	fprintf(stderr, "\r\033[K%s", line);
	fflush(stderr);
	progress_shown = 1;
}

void cli_progress_show(const mlc_bills_progress *p, void *ctx)
{
	char line[160];
	(void)ctx;
	mlc_bills_progress_text(line, sizeof(line), p);
	cli_progress_line(line);
}

mlc_bills_progress_fn cli_progress_fn(void)
{
	return isatty(STDERR_FILENO) ? cli_progress_show : NULL;
}

void cli_progress_clear(void)
{
	if (progress_shown)
		fputs("\r\033[K", stderr);
	progress_shown = 0;
}
