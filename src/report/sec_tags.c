/* SPDX-License-Identifier: MIT */
/*
 * sec_tags.c - tag coverage (mlc_tag_coverage): the share of cost carrying
 * each required key and all of them, against the policy's target, and the
 * resources with the most untagged cost and the keys they lack. Tables
 * follow `mlcost tags --format json` (keys then "(all)"; untagged
 * resources largest first).
 */
#include "report/chart.h"
#include "report/section.h"

#include "util/alloc.h"
#include "util/error.h"

#include <stdio.h>
#include <string.h>

static int coverage_row(mlc_rtable *t, const mlc_tag_coverage_key *k)
{
	mlc_cell *r = mlc_rtable__row(t);
	if (!r)
		return mlc_error_code();
	mlc_cell__text(&r[0], k->key, NULL);
	mlc_cell__amount(&r[1], k->cost);
	mlc_cell__num(&r[2], k->cost_pct);
	mlc_cell__num(&r[3], (double)k->rows);
	mlc_cell__num(&r[4], k->rows_pct);
	return 0;
}

static int coverage_chart(mlc_section *sec, const mlc_report_model *m, const mlc_tag_coverage *c)
{
	const char **labels = mlcu_calloc(c->nkeys + 1, sizeof(char *));
	double *vals = mlcu_calloc(c->nkeys + 1, sizeof(double));
	unsigned *colors = mlcu_calloc(c->nkeys + 1, sizeof(unsigned));
	char target[MLC_RFMT_MAX * 2], pct[MLC_RFMT_MAX];
	mlc_hbars_spec h;
	mlc_svg s;
	int rc;
	if (!labels || !vals || !colors) {
		rc = mlcu_error_oom();
		goto done;
	}
	for (size_t i = 0; i <= c->nkeys; i++) {
		const mlc_tag_coverage_key *k = i < c->nkeys ? &c->keys[i] : &c->all;
		labels[i] = i < c->nkeys ? k->key : "all keys together";
		vals[i] = k->cost_pct;
		colors[i] =
		    m->d->min_coverage_pct > 0 && k->cost_pct < m->d->min_coverage_pct ? 6 : 3;
	}
	memset(&h, 0, sizeof(h));
	h.c = (mlc_chart){"chart-tag-coverage",
	                  "Share of cost carrying each required tag",
	                  sec->lead,
	                  m->currency,
	                  0,
	                  0,
	                  0};
	h.vk = MLC_VK_PCT;
	h.n = c->nkeys + 1;
	h.labels = labels;
	h.values = vals;
	h.colors = colors;
	h.max = 100;
	h.mark = "key";
	if (m->d->min_coverage_pct > 0) {
		mlc_rfmt__pct(pct, sizeof(pct), m->d->min_coverage_pct);
		snprintf(target, sizeof(target), "target %s", pct);
		h.target = (mlc_refline){1, m->d->min_coverage_pct, target};
	}
	mlc_svg__init(&s, &sec->svg);
	if (!(rc = mlc_chart__hbars(&s, &h)))
		mlc_report__marks(sec, &s);
done:
	mlcu_free(labels);
	mlcu_free(vals);
	mlcu_free(colors);
	return rc;
}

static int coverage(mlc_report_model *m, const mlc_tag_coverage *c)
{
	static const char *const cols[] = {"key", "cost|m", "cost_pct|p", "rows|c", "rows_pct|p"};
	char all[MLC_RFMT_MAX], tot[MLC_RFMT_MAX], un[MLC_RFMT_MAX];
	mlc_section *sec = mlc_report__section(m, "tag-coverage", "Tag coverage", "hbars");
	int rc;
	if (!sec)
		return mlc_error_code();
	mlc_rfmt__pct(all, sizeof(all), c->all.cost_pct);
	mlc_rfmt__money(tot, sizeof(tot), mlc_amount_to_double(c->total), m->currency);
	mlc_rfmt__money(un, sizeof(un),
	                mlc_amount_to_double(c->total) - mlc_amount_to_double(c->all.cost),
	                m->currency);
	if ((rc = mlc_report__lead(sec,
	                           "%s of the %s of cost carries every required tag; %s cannot be "
	                           "attributed to a model, team and phase.",
	                           all, tot, un)) ||
	    (rc = coverage_chart(sec, m, c)) ||
	    (rc = mlc_rtable__init(&sec->table, m->currency, cols, 5)))
		return rc;
	for (size_t i = 0; !rc && i < c->nkeys; i++)
		rc = coverage_row(&sec->table, &c->keys[i]);
	return rc ? rc : coverage_row(&sec->table, &c->all);
}

/* "model_id, team" of the keys missing on a resource's rows */
static const char *missing_keys(mlc_rtable *t, const mlc_tag_coverage *c, uint32_t bits)
{
	char buf[512];
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < c->nkeys && used + 1 < sizeof(buf); i++)
		if (bits & (1u << i)) {
			int k = snprintf(buf + used, sizeof(buf) - used, "%s%s", used ? ", " : "",
			                 c->keys[i].key);
			used += k > 0 ? (size_t)k : 0;
		}
	return mlc_rtable__str(t, buf);
}

static int untagged_chart(mlc_section *sec, const mlc_report_model *m, const mlc_tag_coverage *c,
                          size_t n)
{
	const char **labels = mlcu_calloc(n, sizeof(char *)),
	           **notes = mlcu_calloc(n, sizeof(char *));
	double *vals = mlcu_calloc(n, sizeof(double));
	unsigned *colors = mlcu_calloc(n, sizeof(unsigned));
	mlc_hbars_spec h;
	mlc_svg s;
	int rc = 0;
	if (!labels || !notes || !vals || !colors) {
		rc = mlcu_error_oom();
		goto done;
	}
	for (size_t i = 0; i < n && !rc; i++) {
		const mlc_untagged_resource *u = &c->untagged[i];
		labels[i] = u->resource_id ? u->resource_id
		            : u->service   ? u->service
		                           : "(no resource)";
		vals[i] = mlc_amount_to_double(u->cost);
		colors[i] = 6;
		if (!(notes[i] = mlc_rtable__strf(&sec->table, "missing %s",
		                                  sec->table.cells[i * 5 + 2].text)))
			rc = mlc_error_code();
	}
	memset(&h, 0, sizeof(h));
	h.c = (mlc_chart){
	    "chart-untagged", "Top resources with untagged cost", sec->lead, m->currency, 0, 0, 0};
	h.vk = MLC_VK_MONEY;
	h.n = n;
	h.labels = labels;
	h.values = vals;
	h.colors = colors;
	h.notes = notes;
	h.mark = "resource";
	mlc_svg__init(&s, &sec->svg);
	if (!rc && !(rc = mlc_chart__hbars(&s, &h)))
		mlc_report__marks(sec, &s);
done:
	mlcu_free(labels);
	mlcu_free(notes);
	mlcu_free(vals);
	mlcu_free(colors);
	return rc;
}

static int untagged(mlc_report_model *m, const mlc_tag_coverage *c)
{
	static const char *const cols[] = {"resource_id", "service", "missing", "cost|m", "rows|c"};
	size_t top = m->d->coverage_top ? m->d->coverage_top : MLC_REPORT_DEFAULT_TOP;
	size_t n = c->nuntagged < top ? c->nuntagged : top;
	mlc_section *sec;
	int rc;
	if (!n)
		return 0;
	if (!(sec = mlc_report__section(m, "untagged", "Who owns this? Top untagged resources",
	                                "hbars")))
		return mlc_error_code();
	if ((rc = mlc_report__lead(
	         sec,
	         "The %zu resource%s with the most cost on rows lacking a required "
	         "tag: tag these first.",
	         n, n == 1 ? "" : "s")) ||
	    (rc = mlc_rtable__init(&sec->table, m->currency, cols, 5)))
		return rc;
	for (size_t i = 0; i < n; i++) {
		const mlc_untagged_resource *u = &c->untagged[i];
		mlc_cell *r = mlc_rtable__row(&sec->table);
		const char *miss;
		if (!r || !(miss = missing_keys(&sec->table, c, u->missing)))
			return mlc_error_code();
		mlc_cell__text(&r[0], u->resource_id, "(none)");
		mlc_cell__text(&r[1], u->service, "(none)");
		mlc_cell__text(&r[2], miss, NULL);
		mlc_cell__amount(&r[3], u->cost);
		mlc_cell__num(&r[4], (double)u->rows);
	}
	return untagged_chart(sec, m, c, n);
}

int mlc_report__sec_tags(mlc_report_model *m)
{
	const mlc_tag_coverage *c = m->d->coverage;
	int rc;
	if (!c || !c->nkeys) {
		mlc_report__omit(m, "tag-coverage", "Tag coverage", "--bills FILE or --store URL");
		return 0;
	}
	if ((rc = coverage(m, c)))
		return rc;
	return untagged(m, c);
}
