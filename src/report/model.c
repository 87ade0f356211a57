/* SPDX-License-Identifier: MIT */
/*
 * model.c - the report model (section.h): the sections in page order, each
 * built by its sec_*.c from the data, the sections left out with what
 * would add them, the summary; helpers the builders share (phase colours,
 * cost limits). It writes no HTML or JSON (page.c, json.c do).
 */
#include "report/section.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/str.h"

#include <stdarg.h>
#include <stdio.h>
#include <stddef.h>
#include <string.h>

mlc_section *mlc_report__section(mlc_report_model *m, const char *id, const char *title,
                                 const char *chart)
{
	mlc_section *s;
	if (m->nsections == MLC_REPORT_MAX_SECTIONS) {
		mlcu_error_set(MLC_ETOOLARGE, "report: more than %d sections",
		               MLC_REPORT_MAX_SECTIONS);
		return NULL;
	}
	s = &m->sections[m->nsections++];
	memset(s, 0, sizeof(*s));
	s->id = id;
	s->title = title;
	s->chart = chart;
	mlcu_buf_init(&s->svg, MLC_REPORT_MAX_BYTES);
	return s;
}

void mlc_report__omit(mlc_report_model *m, const char *id, const char *title, const char *needs)
{
	if (m->nomitted < MLC_REPORT_MAX_SECTIONS)
		m->omitted[m->nomitted++] = (mlc_omitted){id, title, needs};
}

static int set_text(char **dst, const char *fmt, va_list ap)
{
	char buf[2048];
	vsnprintf(buf, sizeof(buf), fmt, ap);
	mlcu_free(*dst);
	if (!(*dst = mlcu_strdup(buf)))
		return mlcu_error_oom();
	return 0;
}

int mlc_report__lead(mlc_section *s, const char *fmt, ...)
{
	va_list ap;
	int rc;
	va_start(ap, fmt);
	rc = set_text(&s->lead, fmt, ap);
	va_end(ap);
	return rc;
}

int mlc_report__note(mlc_section *s, const char *fmt, ...)
{
	va_list ap;
	int rc;
	va_start(ap, fmt);
	rc = set_text(&s->note, fmt, ap);
	va_end(ap);
	return rc;
}

void mlc_report__marks(mlc_section *sec, const mlc_svg *s)
{
	for (size_t i = 0; i < s->nkinds; i++) {
		size_t k;
		for (k = 0; k < sec->nkinds && strcmp(sec->kinds[k], s->kinds[i]); k++)
			;
		if (k == sec->nkinds) {
			if (sec->nkinds == MLC_SVG_MAX_KINDS)
				continue;
			sec->kinds[sec->nkinds++] = s->kinds[i];
			sec->counts[k] = 0;
		}
		sec->counts[k] += s->counts[i];
	}
	sec->ncharts++;
}

unsigned mlc_report__phase_color(const char *phase, size_t fallback)
{
	static const char *const phases[] = {"training", "inference", "feature_pipeline",
	                                     "storage",  "transfer",  "monitoring",
	                                     "tooling",  "people"};
	char norm[64];
	size_t i;
	if (!phase)
		return 8;
	for (i = 0; phase[i] && i + 1 < sizeof(norm); i++)
		norm[i] = phase[i] == '-' || phase[i] == ' ' ? '_' : phase[i];
	norm[i] = '\0';
	for (i = 0; i < sizeof(phases) / sizeof(phases[0]); i++)
		if (mlcu_streq_nocase(norm, phases[i]))
			return (unsigned)i + 1;
	return (unsigned)(fallback % 7) + 1;
}

int mlc_report__limit(double *out, const mlc_report_data *d, const char *model)
{
	int found = 0;
	*out = 0;
	for (size_t i = 0; i < d->nlimits; i++) {
		const mlc_report_limit *l = &d->limits[i];
		if (model && l->model && !strcmp(l->model, model)) {
			*out = l->max_cost_per_1k;
			return 1;
		}
		if (!l->model && !found) {
			*out = l->max_cost_per_1k;
			found = 1;
		}
	}
	return found;
}

/* the currency the page speaks: the data's first, else USD */
static const char *currency(const mlc_report_data *d)
{
	if (d->currency)
		return d->currency;
	if (d->estimate && d->estimate->currency)
		return d->estimate->currency;
	if (d->by_model && d->by_model->currency)
		return d->by_model->currency;
	if (d->coverage && d->coverage->currency)
		return d->coverage->currency;
	if (d->unit && d->unit->currency)
		return d->unit->currency;
	if (d->compare && d->compare->currency)
		return d->compare->currency;
	if (d->frontier && d->frontier->options.currency)
		return d->frontier->options.currency;
	return "USD";
}

static int check(const mlc_report_data *d)
{
	if (!d || d->version < 1 || d->version > MLC_REPORT_DATA_VERSION)
		return mlcu_error_set(MLC_EINVAL, "report: data version %u, expected 1 to %d",
		                      d ? d->version : 0, MLC_REPORT_DATA_VERSION);
	if (d->version >= 2 && d->nmeter && !d->meter)
		return mlcu_error_set(MLC_EINVAL, "report: a count without its array");
	if (d->version >= 2 && d->nmeter > MLC_REPORT_MAX_METER_ROWS)
		return mlcu_error_set(MLC_ETOOLARGE, "report: more than %d rows of metered cost",
		                      MLC_REPORT_MAX_METER_ROWS);
	if ((d->nbudgets && !d->budgets) || (d->nlimits && !d->limits) ||
	    (d->nsources && !d->sources) || (d->nnotes && !d->notes))
		return mlcu_error_set(MLC_EINVAL, "report: a count without its array");
	if (d->nbudgets > MLC_REPORT_MAX_ITEMS || d->nlimits > MLC_REPORT_MAX_ITEMS ||
	    d->nsources > MLC_REPORT_MAX_ITEMS || d->nnotes > MLC_REPORT_MAX_ITEMS)
		return mlcu_error_set(MLC_ETOOLARGE,
		                      "report: more than %d budgets, limits, "
		                      "sources or notes",
		                      MLC_REPORT_MAX_ITEMS);
	if (d->by_model && d->by_model->nby != 2)
		return mlcu_error_set(MLC_EINVAL,
		                      "report: cost by model must be grouped by "
		                      "model and phase (2 dimensions, not %zu)",
		                      d->by_model->nby);
	if (d->daily_exact && !d->daily)
		return mlcu_error_set(MLC_EINVAL, "report: daily amounts without the daily series");
	return 0;
}

int mlc_report__model(mlc_report_model *m, const mlc_report_data *d)
{
	int rc;
	memset(m, 0, sizeof(*m));
	if ((rc = check(d)))
		return rc;
	if (d->version == 1) { /* a struct without the fields version 2 added: read as empty */
		memcpy(&m->v1, d, offsetof(mlc_report_data, meter));
		m->v1.version = MLC_REPORT_DATA_VERSION;
		d = &m->v1;
	}
	m->d = d;
	m->currency = currency(d);
	mlc_report__summary(&m->summary, d, m->currency);
	if ((rc = mlc_report__sec_estimate(m)) || (rc = mlc_report__sec_meter(m)) ||
	    (rc = mlc_report__sec_daily(m)) || (rc = mlc_report__sec_bills(m)) ||
	    (rc = mlc_report__sec_unit(m)) || (rc = mlc_report__sec_budgets(m)) ||
	    (rc = mlc_report__sec_tags(m)) || (rc = mlc_report__sec_whatif(m)) ||
	    (rc = mlc_report__sec_frontier(m)))
		mlc_report__model_free(m);
	return rc;
}

void mlc_report__model_free(mlc_report_model *m)
{
	for (size_t i = 0; i < m->nsections; i++) {
		mlc_section *s = &m->sections[i];
		mlcu_free(s->lead);
		mlcu_free(s->note);
		mlcu_buf_free(&s->svg);
		mlc_rtable__free(&s->table);
	}
	m->nsections = 0;
}
