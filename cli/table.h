/* SPDX-License-Identifier: MIT */
/*
 * table.h - aligned text tables, number formatting and the progress line
 * for terminal output. Only for display: machine formats (json, csv) print
 * full precision.
 */
#ifndef MLC_CLI_TABLE_H
#define MLC_CLI_TABLE_H

#include <stddef.h>
#include <stdio.h>

#include <mlcost/bills.h>

typedef struct cli_table cli_table;

/* align: one char per column, 'l' or 'r'. Returns NULL on allocation failure. */
cli_table *cli_table_new(size_t ncols, const char *const *headers, const char *align);
/* Copy one row of ncols cells (NULL cell prints empty). 0 or -1 (no memory). */
int cli_table_add(cli_table *t, const char *const *cells);
/* A horizontal rule before the next row (e.g. before totals). */
int cli_table_rule(cli_table *t);
void cli_table_print(const cli_table *t, FILE *f);
void cli_table_free(cli_table *t);

/* "8,457.33" (2 decimals, thousands separators, "-" sign). */
void cli_fmt_money(char *out, size_t n, double v);
/* Money with enough digits for small unit costs: "0.00011746" (4 significant). */
void cli_fmt_unit_money(char *out, size_t n, double v);
/* Shortest round-trip decimal ("6853.824"). */
void cli_fmt_exact(char *out, size_t n, double v);
/* "12.5%" with one decimal. */
void cli_fmt_pct(char *out, size_t n, double pct);

/*
 * The progress line of a bill scan ("1.2 GB / 2.0 GB (61%)  2345678 rows/s
 * ETA 0:03"), redrawn in place on stderr. cli_progress_fn() is the callback
 * for mlc_bills_options.progress (and the unit, allocate and ledger
 * options): cli_progress_show when stderr is a terminal, NULL otherwise, so
 * files and pipes never get it. cli_progress_clear erases a line drawn, so
 * what follows (errors, warnings) starts clean.
 */
void cli_progress_show(const mlc_bills_progress *p, void *ctx);
/* Draw any other progress text the same way (cleared by cli_progress_clear). */
void cli_progress_line(const char *line);
mlc_bills_progress_fn cli_progress_fn(void);
void cli_progress_clear(void);

#endif
