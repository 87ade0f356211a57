/* SPDX-License-Identifier: MIT */
/*
 * json.c - the report's data model as JSON (`mlcost report --format json`):
 * the summary, each section with its mark counts per kind and its table
 * (the very numbers the HTML tables carry), the sections left out, notes
 * and inputs. Tests read it to check the page; nothing here is drawn.
 */
#include "report/section.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/str.h"

#include <math.h>
#include <string.h>

typedef struct jw {
	mlcu_buf *b;
	int rc;
} jw;

static void raw(jw *w, const char *s)
{
	if (!w->rc)
		w->rc = mlcu_buf_puts(w->b, s);
}

static void str(jw *w, const char *s)
{
	if (w->rc)
		return;
	w->rc = s ? mlc_report__json_str(w->b, s) : mlcu_buf_puts(w->b, "null");
}

static void key(jw *w, const char *k, int first)
{
	raw(w, first ? "\"" : ",\"");
	raw(w, k);
	raw(w, "\":");
}

static void num(jw *w, const char *k, int has, double v)
{
	char t[40];
	key(w, k, 0);
	if (!has || !isfinite(v)) {
		raw(w, "null");
		return;
	}
	mlcu_fmt_double(t, sizeof(t), v);
	raw(w, t);
}

static void summary(jw *w, const mlc_summary *s)
{
	raw(w, ",\n\"summary\":{");
	key(w, "status", 1);
	str(w, s->status);
	key(w, "verdict", 0);
	str(w, s->verdict);
	key(w, "detail", 0);
	str(w, s->detail);
	num(w, "monthly_cost", s->has_monthly, s->monthly);
	key(w, "monthly_basis", 0);
	str(w, s->has_monthly ? s->monthly_basis : NULL);
	num(w, "month_total", s->has_month, s->month_total);
	num(w, "month_actual", s->has_month, s->month_actual);
	key(w, "month_end", 0);
	if (s->has_month) {
		char day[16];
		mlc_series_day_format(day, sizeof(day), s->month_end);
		str(w, day);
	} else {
		raw(w, "null");
	}
	num(w, "cost_per_1k", s->has_per_1k, s->per_1k);
	key(w, "cost_per_1k_basis", 0);
	str(w, s->has_per_1k ? s->per_1k_basis : NULL);
	num(w, "revenue_per_1k", s->has_revenue, s->revenue_per_1k);
	num(w, "gross_margin_pct", s->has_revenue, s->margin_pct);
	num(w, "efficiency_index", s->has_index, s->index);
	key(w, "efficiency_band", 0);
	str(w, s->has_index ? s->band : NULL);
	num(w, "max_cost_per_1k", s->has_limit, s->limit);
	raw(w, "}");
}

static void section(jw *w, const mlc_section *s, int first)
{
	char n[32];
	raw(w, first ? "\n{" : ",\n{");
	key(w, "id", 1);
	str(w, s->id);
	key(w, "title", 0);
	str(w, s->title);
	key(w, "lead", 0);
	str(w, s->lead);
	key(w, "note", 0);
	str(w, s->note);
	key(w, "chart", 0);
	str(w, s->chart);
	key(w, "charts", 0);
	snprintf(n, sizeof(n), "%zu", s->ncharts);
	raw(w, n);
	key(w, "marks", 0);
	raw(w, "{");
	for (size_t i = 0; i < s->nkinds; i++) {
		key(w, s->kinds[i], i == 0);
		snprintf(n, sizeof(n), "%zu", s->counts[i]);
		raw(w, n);
	}
	raw(w, "}");
	key(w, "table", 0);
	if (!w->rc)
		w->rc = mlc_rtable__json(w->b, &s->table);
	raw(w, "}");
}

static void list(jw *w, const char *k, const char *const *items, size_t n)
{
	key(w, k, 0);
	raw(w, "[");
	for (size_t i = 0; i < n; i++) {
		raw(w, i ? "," : "");
		str(w, items[i]);
	}
	raw(w, "]");
}

static void document(jw *w, const mlc_report_model *m)
{
	char day[16];
	raw(w, "{");
	key(w, "title", 1);
	str(w, m->d->title ? m->d->title : "ML cost report");
	key(w, "as_of", 0);
	if (m->d->has_as_of) {
		mlc_series_day_format(day, sizeof(day), m->d->as_of);
		str(w, day);
	} else {
		raw(w, "null");
	}
	key(w, "currency", 0);
	str(w, m->currency);
	key(w, "generator", 0);
	str(w, "mlcost " MLC_VERSION_STRING);
	summary(w, &m->summary);
	raw(w, ",\n\"sections\":[");
	for (size_t i = 0; i < m->nsections; i++)
		section(w, &m->sections[i], i == 0);
	raw(w, "],\n\"omitted\":[");
	for (size_t i = 0; i < m->nomitted; i++) {
		raw(w, i ? ",\n{" : "\n{");
		key(w, "id", 1);
		str(w, m->omitted[i].id);
		key(w, "title", 0);
		str(w, m->omitted[i].title);
		key(w, "needs", 0);
		str(w, m->omitted[i].needs);
		raw(w, "}");
	}
	raw(w, "]");
	list(w, "notes", m->d->notes, m->d->nnotes);
	list(w, "sources", m->d->sources, m->d->nsources);
	raw(w, "}\n");
}

MLC_EXTERN int mlc_report_render_json(char **out, size_t *out_len, const mlc_report_data *d)
{
	mlc_report_model *m = mlcu_malloc(sizeof(*m));
	mlcu_buf b;
	jw w = {&b, 0};
	int rc;
	*out = NULL;
	mlcu_buf_init(&b, MLC_REPORT_MAX_BYTES);
	if (!m)
		return mlcu_error_oom();
	if ((rc = mlc_report__model(m, d)))
		goto done;
	document(&w, m);
	mlc_report__model_free(m);
	if ((rc = w.rc))
		goto done;
	if (out_len)
		*out_len = b.len;
	*out = mlcu_buf_detach(&b);
done:
	mlcu_buf_free(&b);
	mlcu_free(m);
	return rc;
}
