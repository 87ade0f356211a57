/* SPDX-License-Identifier: MIT */
/*
 * section.h - the report's model between the data and the page: sections,
 * each a lead sentence, one or more SVG charts and the table of the exact
 * numbers behind them, plus the summary and the sections left out (with
 * the input that would add them). The HTML page and the JSON data model
 * are two writings of this one model, so their numbers cannot differ.
 *
 * Tables hold typed cells: money as a double (estimates) or an exact
 * amount (bills), shares, counts, days, text. A cell prints twice: for
 * people ("$8,457.33") and for machines (the shortest round-trip double or
 * the exact decimal, in data-value attributes and in the JSON).
 */
#ifndef MLC_REPORT_SECTION_H
#define MLC_REPORT_SECTION_H

#include "mlcost/report.h"
#include "report/svg.h"
#include "util/buf.h"

#include <stddef.h>

#define MLC_RTABLE_MAX_COLS     16
#define MLC_RTABLE_MAX_ROWS     100000
#define MLC_REPORT_MAX_SECTIONS 32

typedef enum mlc_col_kind {
	MLC_COL_TEXT = 0,
	MLC_COL_MONEY,  /* money to the cent */
	MLC_COL_UNIT,   /* small money: per request, per 1,000 */
	MLC_COL_PCT,    /* a percentage, 0..100 */
	MLC_COL_COUNT,  /* an integer count */
	MLC_COL_NUMBER, /* any other number */
	MLC_COL_DAY     /* a day, "2024-09-03" */
} mlc_col_kind;

typedef struct mlc_cell {
	int null;  /* no value: JSON null, shown as disp or "–" */
	int exact; /* the value is a (bill money), not v */
	double v;
	mlc_amount a;
	int64_t day;
	const char *text; /* TEXT: borrowed from the data or the table's strings */
	const char *disp; /* shown instead of the value (e.g. "(untagged)" for null), or NULL */
} mlc_cell;

/* A string the table keeps (synthesised labels). */
typedef struct mlc_rstr {
	struct mlc_rstr *next;
	char text[];
} mlc_rstr;

typedef struct mlc_rtable {
	size_t ncols;
	const char *names[MLC_RTABLE_MAX_COLS];
	mlc_col_kind kinds[MLC_RTABLE_MAX_COLS];
	size_t nrows, cap;
	mlc_cell *cells; /* nrows × ncols */
	mlc_rstr *strs;
	const char *cur; /* currency code for money cells */
} mlc_rtable;

/* Columns as "name|k", k one letter: t(ext) m(oney) u(nit money) p(ct) c(ount)
 * n(umber) d(ay); a name without "|k" is text. */
int mlc_rtable__init(mlc_rtable *t, const char *cur, const char *const *cols, size_t ncols);
void mlc_rtable__free(mlc_rtable *t);
/* A new row of zeroed cells; NULL (with the error set) when out of memory or rows. */
mlc_cell *mlc_rtable__row(mlc_rtable *t);
/* A copy of text kept as long as the table (NULL when out of memory). */
const char *mlc_rtable__str(mlc_rtable *t, const char *text);
/* printf into a kept string */
const char *mlc_rtable__strf(mlc_rtable *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Cell setters (no allocation) */
void mlc_cell__num(mlc_cell *c, double v);
void mlc_cell__amount(mlc_cell *c, mlc_amount a);
void mlc_cell__text(mlc_cell *c, const char *text, const char *if_null);
void mlc_cell__day(mlc_cell *c, int64_t day);

/* <table> of t (id for the element) / its JSON {"columns":[...],"rows":[...]} */
int mlc_rtable__html(mlcu_buf *b, const mlc_rtable *t, const char *id, const char *caption);
int mlc_rtable__json(mlcu_buf *b, const mlc_rtable *t);
/* The people's text of a cell and the machine's (empty for text and null). */
void mlc_cell__display(char *out, size_t cap, const mlc_rtable *t, size_t col, const mlc_cell *c);
void mlc_cell__machine(char *out, size_t cap, const mlc_rtable *t, size_t col, const mlc_cell *c);

/* HTML/XML escaping into b */
int mlc_report__esc(mlcu_buf *b, const char *text);
/* a JSON string into b, quotes included */
int mlc_report__json_str(mlcu_buf *b, const char *text);

/* ---- sections ------------------------------------------------------------------------------ */

typedef struct mlc_section {
	const char *id;    /* "cost-by-phase": anchor, chart ids, table id */
	const char *title; /* its heading */
	const char *chart; /* chart type, "bars", "daily", ... */
	char *lead;        /* plain text under the heading (escaped on output) */
	char *note;        /* plain text under the chart, or NULL */
	mlcu_buf svg;      /* one or more <svg> */
	size_t ncharts;
	size_t nkinds;
	const char *kinds[MLC_SVG_MAX_KINDS];
	size_t counts[MLC_SVG_MAX_KINDS];
	mlc_rtable table;
	int multiples; /* several small charts side by side */
} mlc_section;

typedef struct mlc_omitted {
	const char *id, *title, *needs;
} mlc_omitted;

/* "Is that good or bad?": the headline numbers and their verdicts. */
typedef struct mlc_summary {
	const char *currency;
	int has_monthly;
	double monthly;            /* a month's cost: the estimate's total, or the bills' month */
	const char *monthly_basis; /* "estimate" or "forecast" or "actual" */
	double monthly_people;     /* estimate: of which people */
	int has_month;             /* the bills' current month: actual so far + forecast */
	double month_total, month_actual;
	int64_t month_end;
	int has_per_1k;
	double per_1k;            /* all-in cost per 1,000 predictions */
	const char *per_1k_basis; /* "estimate" or "bills" */
	int has_revenue;
	double revenue_per_1k, margin_pct;
	double revenue_cost_per_1k; /* all-in cost per 1k of the models with revenue */
	size_t nunit, nrevenue;     /* estimate: models with requests, and of them with revenue */
	int has_index;
	double index;
	const char *band;
	int has_limit;
	double limit;       /* the default max cost per 1k */
	const char *status; /* "good", "watch" or "bad" */
	char verdict[512];
	char detail[512];
} mlc_summary;

typedef struct mlc_report_model {
	const mlc_report_data *d;
	mlc_report_data v1; /* a version 1 caller's data, widened (d points here then) */
	const char *currency;
	mlc_summary summary;
	size_t nsections;
	mlc_section sections[MLC_REPORT_MAX_SECTIONS];
	size_t nomitted;
	mlc_omitted omitted[MLC_REPORT_MAX_SECTIONS];
} mlc_report_model;

/* Build every section of d (sections with no data become omitted entries). */
int mlc_report__model(mlc_report_model *m, const mlc_report_data *d);
void mlc_report__model_free(mlc_report_model *m);

/* A new section (title, id and chart are static strings); NULL when full. */
mlc_section *mlc_report__section(mlc_report_model *m, const char *id, const char *title,
                                 const char *chart);
/* Record a section left out and what would add it. */
void mlc_report__omit(mlc_report_model *m, const char *id, const char *title, const char *needs);
/* Set a section's lead / note (printf; copies). */
int mlc_report__lead(mlc_section *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int mlc_report__note(mlc_section *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Take the mark counts of a finished svg writer into the section. */
void mlc_report__marks(mlc_section *sec, const mlc_svg *s);

/* the section builders (sec_*.c) */
int mlc_report__sec_estimate(mlc_report_model *m);
int mlc_report__sec_bills(mlc_report_model *m);
int mlc_report__sec_daily(mlc_report_model *m);
int mlc_report__sec_unit(mlc_report_model *m);
int mlc_report__sec_budgets(mlc_report_model *m);
int mlc_report__sec_tags(mlc_report_model *m);
int mlc_report__sec_whatif(mlc_report_model *m);
int mlc_report__sec_frontier(mlc_report_model *m);
/* metered cost per model and day, and per 1,000 requests (sec_meter.c) */
int mlc_report__sec_meter(mlc_report_model *m);
void mlc_report__summary(mlc_summary *out, const mlc_report_data *d, const char *currency);

/* The limit on cost per 1k for model (its own, else the default); 0 when none. */
int mlc_report__limit(double *out, const mlc_report_data *d, const char *model);

/* A phase's palette colour (training 1, inference 2, ... people 8), stable across charts. */
unsigned mlc_report__phase_color(const char *phase, size_t fallback);

#endif
