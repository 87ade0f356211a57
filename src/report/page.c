/* SPDX-License-Identifier: MIT */
/*
 * page.c - the report as one self-contained HTML page (or its <main> for a
 * host page that refreshes it): header, the summary cards and verdict, a
 * contents line, each section (lead, charts, the table of exact numbers),
 * the sections left out and what would add them, the inputs. Inline CSS
 * and SVG only: no script, no external URL.
 */
#include "report/fmt.h"
#include "report/section.h"

#include "util/alloc.h"
#include "util/error.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define OPEN_ROWS 15 /* longer tables start folded */

typedef struct page {
	mlcu_buf *b;
	int rc;
} page;

static void put(page *p, const char *s)
{
	if (!p->rc)
		p->rc = mlcu_buf_puts(p->b, s);
}

static void esc(page *p, const char *s)
{
	if (!p->rc)
		p->rc = mlc_report__esc(p->b, s ? s : "");
}

static void card(page *p, const char *status, const char *label, const char *big, const char *sub)
{
	put(p, "<div class=\"card");
	if (status) {
		put(p, " ");
		put(p, status);
	}
	put(p, "\"><div class=\"label\">");
	esc(p, label);
	put(p, "</div><div class=\"big\">");
	esc(p, big);
	put(p, "</div><div class=\"sub\">");
	esc(p, sub);
	put(p, "</div></div>\n");
}

/* what a month costs: the estimate (or the bills'), and the bills' current month */
static void month_cards(page *p, const mlc_summary *s)
{
	char big[MLC_RFMT_MAX], sub[256], a[MLC_RFMT_MAX], day[MLC_RFMT_MAX];
	if (s->has_monthly) {
		/* whole dollars on the card (the tables keep the cents) */
		if (s->monthly >= 1000) {
			mlc_rfmt__fixed(a, sizeof(a), s->monthly, 0, 1);
			mlc_rfmt__with_currency(big, sizeof(big), 0, a, s->currency);
		} else {
			mlc_rfmt__money(big, sizeof(big), s->monthly, s->currency);
		}
		if (!strcmp(s->monthly_basis, "estimate")) {
			mlc_rfmt__money_short(a, sizeof(a), s->monthly_people, s->currency);
			snprintf(sub, sizeof(sub), "of which %s people", a);
		} else {
			snprintf(sub, sizeof(sub), "%s",
			         !strcmp(s->monthly_basis, "forecast")
			             ? "this month, actual + forecast"
			             : "the last 30 days, actual");
		}
		card(p, NULL,
		     !strcmp(s->monthly_basis, "estimate") ? "Monthly, estimate" : "Monthly cost",
		     big, sub);
	}
	if (s->has_month && strcmp(s->monthly_basis, "forecast")) {
		mlc_rfmt__fixed(a, sizeof(a), s->month_total, 0, 1);
		mlc_rfmt__with_currency(big, sizeof(big), 0, a, s->currency);
		mlc_rfmt__money_short(a, sizeof(a), s->month_actual, s->currency);
		mlc_rfmt__day(day, sizeof(day), s->month_end, 0);
		snprintf(sub, sizeof(sub), "bills: %s so far, forecast to %s", a, day);
		card(p, NULL, "This month", big, sub);
	}
}

/* what 1,000 predictions cost, and against what */
static void cards(page *p, const mlc_summary *s)
{
	char big[MLC_RFMT_MAX], sub[256], a[MLC_RFMT_MAX];
	month_cards(p, s);
	if (s->has_per_1k) {
		mlc_rfmt__unit_money(big, sizeof(big), s->per_1k, s->currency);
		card(p, s->has_revenue || s->has_limit ? s->status : NULL, "Cost per 1k", big,
		     !strcmp(s->per_1k_basis, "estimate")
		         ? "predictions, all-in: infrastructure and people"
		     : !strcmp(s->per_1k_basis, "metered")
		         ? "requests, from the metered events"
		         : "predictions, from the bills and the usage");
	}
	if (s->has_revenue) {
		mlc_rfmt__pct(big, sizeof(big), s->margin_pct);
		mlc_rfmt__unit_money(a, sizeof(a), s->revenue_per_1k, s->currency);
		if (s->nrevenue < s->nunit)
			snprintf(sub, sizeof(sub),
			         "revenue %s per 1,000; %zu of %zu models have revenue", a,
			         s->nrevenue, s->nunit);
		else
			snprintf(sub, sizeof(sub), "revenue %s per 1,000 predictions", a);
		card(p, s->status, "Gross margin", big, sub);
	} else if (s->has_limit) {
		mlc_rfmt__unit_money(big, sizeof(big), s->limit, s->currency);
		card(p, s->status, "Limit per 1,000", big, "from the policy");
	}
	if (s->has_index) {
		mlc_rfmt__sig(big, sizeof(big), s->index, 3);
		snprintf(sub, sizeof(sub), "MLOps cost efficiency index: %s",
		         s->band ? s->band : "");
		card(p,
		     s->band && (!strcmp(s->band, "mature") || !strcmp(s->band, "best-in-class"))
		         ? "good"
		     : s->band && !strcmp(s->band, "developing") ? "watch"
		                                                 : "bad",
		     "Efficiency", big, sub);
	}
}

static void summary(page *p, const mlc_report_model *m)
{
	const mlc_summary *s = &m->summary;
	static const char *const words[][2] = {
	    {"good", "good"}, {"watch", "watch"}, {"bad", "bad"}, {"unknown", "open"}};
	const char *word = "open";
	for (size_t i = 0; i < 4; i++)
		if (!strcmp(s->status, words[i][0]))
			word = words[i][1];
	put(p, "<section class=\"summary\" id=\"summary\" aria-label=\"Summary\">\n"
	       "<div class=\"cards\">\n");
	cards(p, s);
	put(p, "</div>\n<p class=\"verdict ");
	put(p, s->status);
	put(p, "\"><span class=\"badge\">");
	put(p, word);
	put(p, "</span>");
	esc(p, s->verdict);
	put(p, "</p>\n");
	if (s->detail[0]) {
		put(p, "<p class=\"detail\">");
		esc(p, s->detail);
		put(p, "</p>\n");
	}
	if (m->d->nnotes) {
		put(p, "<ul class=\"notes\">\n");
		for (size_t i = 0; i < m->d->nnotes; i++) {
			put(p, "<li>");
			esc(p, m->d->notes[i]);
			put(p, "</li>\n");
		}
		put(p, "</ul>\n");
	}
	put(p, "</section>\n");
}

static void toc(page *p, const mlc_report_model *m)
{
	if (m->nsections < 2)
		return;
	put(p, "<nav class=\"toc\" aria-label=\"Sections\">\n");
	for (size_t i = 0; i < m->nsections; i++) {
		put(p, "<a href=\"#");
		put(p, m->sections[i].id);
		put(p, "\">");
		esc(p, m->sections[i].title);
		put(p, "</a>\n");
	}
	put(p, "</nav>\n");
}

static void section(page *p, const mlc_section *s)
{
	char buf[128];
	put(p, "<section class=\"chart-section\" id=\"");
	put(p, s->id);
	put(p, "\" data-chart=\"");
	put(p, s->chart);
	put(p, "\">\n<h2>");
	esc(p, s->title);
	put(p, "</h2>\n<p class=\"lead\">");
	esc(p, s->lead);
	put(p, "</p>\n");
	if (s->ncharts || s->note) {
		put(p, s->multiples ? "<figure class=\"multiples\">\n" : "<figure>\n");
		if (s->svg.ptr)
			put(p, s->svg.ptr);
		if (s->note) {
			put(p, "<figcaption>");
			esc(p, s->note);
			put(p, "</figcaption>\n");
		}
		put(p, "</figure>\n");
	}
	if (s->table.ncols) {
		snprintf(buf, sizeof(buf), "<details class=\"numbers\"%s><summary>",
		         s->table.nrows <= OPEN_ROWS ? " open" : "");
		put(p, buf);
		snprintf(buf, sizeof(buf), "The exact numbers (%zu row%s)", s->table.nrows,
		         s->table.nrows == 1 ? "" : "s");
		esc(p, buf);
		put(p, "</summary>\n<div class=\"table-wrap\">\n");
		snprintf(buf, sizeof(buf), "table-%s", s->id);
		if (!p->rc)
			p->rc = mlc_rtable__html(p->b, &s->table, buf, NULL);
		put(p, "</div>\n</details>\n");
	}
	put(p, "</section>\n");
}

static void omitted(page *p, const mlc_report_model *m, int hints)
{
	if (!m->nomitted)
		return;
	put(p, "<section class=\"omitted\" id=\"omitted\">\n<h2>Not in this report</h2>\n<ul>\n");
	for (size_t i = 0; i < m->nomitted; i++) {
		put(p, "<li data-omitted=\"");
		put(p, m->omitted[i].id);
		put(p, "\">");
		esc(p, m->omitted[i].title);
		if (hints) {
			put(p, ": add <code>");
			esc(p, m->omitted[i].needs);
			put(p, "</code>");
		}
		put(p, "</li>\n");
	}
	put(p, "</ul>\n</section>\n");
}

static void header(page *p, const mlc_report_model *m, const char *title)
{
	char day[MLC_RFMT_MAX];
	put(p, "<header>\n<h1>");
	esc(p, title);
	put(p, "</h1>\n<p class=\"meta\">");
	if (m->d->has_as_of) {
		mlc_rfmt__day(day, sizeof(day), m->d->as_of, 1);
		put(p, "Data to ");
		esc(p, day);
		put(p, " \xc2\xb7 ");
	}
	esc(p, m->currency);
	put(p, " \xc2\xb7 money in the tables is exact, charts round it</p>\n</header>\n");
}

static void footer(page *p, const mlc_report_model *m)
{
	put(p, "<footer>\n<p>Made by mlcost " MLC_VERSION_STRING);
	if (m->d->generated) {
		put(p, " on ");
		esc(p, m->d->generated);
	}
	put(p, ".");
	if (m->d->nsources) {
		put(p, " Inputs: ");
		for (size_t i = 0; i < m->d->nsources; i++) {
			put(p, i ? ", <code>" : "<code>");
			esc(p, m->d->sources[i]);
			put(p, "</code>");
		}
		put(p, ".");
	}
	put(p, "</p>\n</footer>\n");
}

static void body(page *p, const mlc_report_model *m, const char *title, int hints, int list_omitted)
{
	put(p, "<main class=\"report\" id=\"mlcost-report\">\n");
	header(p, m, title);
	summary(p, m);
	toc(p, m);
	for (size_t i = 0; i < m->nsections; i++)
		section(p, &m->sections[i]);
	if (list_omitted)
		omitted(p, m, hints);
	footer(p, m);
	put(p, "</main>\n");
}

MLC_EXTERN int mlc_report_render_html(char **out, size_t *out_len, const mlc_report_data *d,
                                      const mlc_report_html_options *opts)
{
	mlc_report_html_options o = MLC_REPORT_HTML_OPTIONS_INIT;
	mlc_report_model *m = NULL;
	mlcu_buf b;
	page p = {&b, 0};
	const char *title = d && d->title ? d->title : "ML cost report";
	int rc;
	*out = NULL;
	if (opts && opts->version == 1) /* before list_omitted */
		memcpy(&o, opts, offsetof(mlc_report_html_options, list_omitted));
	else if (opts)
		o = *opts;
	mlcu_buf_init(&b, MLC_REPORT_MAX_BYTES);
	if (!(m = mlcu_malloc(sizeof(*m))))
		return mlcu_error_oom();
	if ((rc = mlc_report__model(m, d)))
		goto done;
	if (o.page == MLC_REPORT_PAGE_FULL) {
		put(&p,
		    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		    "<meta name=\"generator\" content=\"mlcost " MLC_VERSION_STRING "\">\n<title>");
		esc(&p, title);
		put(&p, "</title>\n<style>\n");
		put(&p, mlc_report_css());
		put(&p, "</style>\n</head>\n<body>\n");
	}
	body(&p, m, title, o.hints, o.list_omitted);
	if (o.page == MLC_REPORT_PAGE_FULL)
		put(&p, "</body>\n</html>\n");
	mlc_report__model_free(m);
	if ((rc = p.rc))
		goto done;
	if (out_len)
		*out_len = b.len;
	*out = mlcu_buf_detach(&b);
done:
	mlcu_buf_free(&b);
	mlcu_free(m);
	return rc;
}

MLC_EXTERN void mlc_report_text_free(char *text)
{
	mlcu_free(text);
}
