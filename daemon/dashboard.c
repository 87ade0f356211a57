/* SPDX-License-Identifier: MIT */
/*
 * dashboard.c - the data of the live dashboard: from the engine's
 * in-memory totals (for the teams the token may see), the cost per model
 * and day of the last MLCD_DASHBOARD_DAYS days, the daily cost of the
 * last MLCD_DASHBOARD_HISTORY days with a forecast once
 * MLCD_DASHBOARD_FORECAST_MIN days exist, and each budget the token may
 * see with its status over its current period; rendered as the report's
 * <main> fragment. Today (UTC) counts as far as it has gone.
 *
 * What it is not: HTTP (http_dashboard.c) or a renderer (the report
 * library draws every chart and table).
 */
#include "dashboard.h"
#include "serve_error.h"
#include "serve_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY 86400

typedef struct dash {
	mlcd_server *s;
	const mlcd_token *t;
	double now;
	int64_t today, horizon; /* a day; the engine's first hour in memory */
	mlcd_cost_rows *model_rows;
	mlc_report_meter_row *meter;
	mlcd_cost_rows *daily_rows;
	mlc_series daily;
	mlc_amount *daily_exact;
	mlc_forecast *fc;
	mlcd_live *live;
	size_t nb, nbcap; /* budgets shown, and room for them */
	mlc_series *bseries;
	mlc_budget_status *bstatus;
	mlc_report_budget *rb;
	char teams[512], source[128], generated[40];
} dash;

/* Day totals from from_day to today: by model, or only what budget bi (>= 0) counts. */
static int query(mlcd_cost_rows **out, dash *d, int by_model, int64_t from_day,
                 const mlcd_budget_set *bs, long bi)
{
	mlcd_cost_query q;
	int rc;
	memset(&q, 0, sizeof(q));
	q.by[MLCD_DIM_MODEL] = by_model;
	q.bucket = MLCD_BUCKET_DAY;
	q.from = from_day * DAY > d->horizon ? from_day * DAY : d->horizon;
	q.to = (d->today + 1) * DAY;
	if (bi >= 0) {
		for (int k = 0; k < MLCD_DIM_COUNT; k++)
			q.only[k] = mlcd_budget_values(bs, (size_t)bi, (mlcd_dim)k, &q.nonly[k]);
	} else if (d->t && d->t->teams) { /* the engine filters, never after the fact */
		q.only[MLCD_DIM_TEAM] = (const char *const *)d->t->teams;
		q.nonly[MLCD_DIM_TEAM] = d->t->nteams;
	}
	if ((rc = mlcd_engine_costs(out, d->s->engine, &q)))
		return mlcd_error_set(rc, "dashboard: %s", mlcd_engine_error());
	return 0;
}

/* Dense days [first, today] of day rows (first = MLC_SERIES_AUTO: the first row's). */
static int series_of(mlc_series *out, const mlcd_cost_rows *r, int64_t first, int64_t today)
{
	mlc_series_point *p = calloc(r->n + 1, sizeof(*p));
	int rc;
	if (!p)
		return mlcd_error_set(MLC_ENOMEM, "dashboard: out of memory");
	for (size_t i = 0; i < r->n; i++)
		p[i] = (mlc_series_point){r->rows[i].bucket / DAY,
		                          mlc_amount_to_double(r->rows[i].cost)};
	rc = mlc_series_from_points(out, p, r->n, first, today);
	free(p);
	return rc ? mlcd_error_lib(rc) : 0;
}

static int meter_rows(dash *d)
{
	int rc = query(&d->model_rows, d, 1, d->today - (MLCD_DASHBOARD_DAYS - 1), NULL, -1);
	if (rc)
		return rc;
	if (!(d->meter = calloc(d->model_rows->n + 1, sizeof(*d->meter))))
		return mlcd_error_set(MLC_ENOMEM, "dashboard: out of memory");
	for (size_t i = 0; i < d->model_rows->n; i++) {
		const mlcd_cost_row *r = &d->model_rows->rows[i];
		d->meter[i] = (mlc_report_meter_row){r->key[MLCD_DIM_MODEL], r->bucket / DAY,
		                                     r->cost, r->requests, r->events};
	}
	return 0;
}

static int daily_trend(dash *d)
{
	mlc_forecast_options fo = MLC_FORECAST_OPTIONS_INIT;
	const mlcd_cost_rows *r;
	int rc = query(&d->daily_rows, d, 0, d->today - (MLCD_DASHBOARD_HISTORY - 1), NULL, -1);
	if (rc || !(r = d->daily_rows)->n)
		return rc;
	if ((rc = series_of(&d->daily, r, MLC_SERIES_AUTO, d->today)))
		return rc;
	if (!(d->daily_exact = calloc(d->daily.n, sizeof(mlc_amount))))
		return mlcd_error_set(MLC_ENOMEM, "dashboard: out of memory");
	for (size_t i = 0; i < r->n; i++)
		d->daily_exact[r->rows[i].bucket / DAY - d->daily.first_day] = r->rows[i].cost;
	if (d->daily.n < MLCD_DASHBOARD_FORECAST_MIN)
		return 0;
	fo.horizon = MLC_REPORT_DEFAULT_HORIZON;
	fo.no_backtest = 1; /* a refit on every refresh buys the dashboard nothing */
	return (rc = mlc_forecast_run(&d->fc, &d->daily, &fo)) ? mlcd_error_lib(rc) : 0;
}

/* Budget i's status over its period holding now, as `mlcost budget status` computes it. */
static int one_budget(dash *d, const mlcd_budget_set *bs, size_t i)
{
	mlc_budget_status_options o = MLC_BUDGET_STATUS_OPTIONS_INIT;
	const mlc_budget *b = mlcd_budget_set_get(bs, i);
	mlcd_cost_rows *rows = NULL;
	int64_t start, end;
	size_t k = d->nb;
	int rc;
	mlcd_budget_period(&start, &end, b->period, (int64_t)d->now);
	if ((rc = query(&rows, d, 0, start / DAY, bs, (long)i)))
		return rc;
	rc = series_of(&d->bseries[k], rows, start / DAY, d->today);
	mlcd_cost_rows_free(rows);
	if (rc)
		return rc;
	o.has_as_of = 1, o.as_of = d->today;
	o.has_day = 1, o.day = d->today; /* the period holding today, also on its last day */
	if ((rc = mlc_budget_status_compute(&d->bstatus[k], b, &d->bseries[k], &o)))
		return mlcd_error_lib(rc);
	d->rb[k] = (mlc_report_budget){b, &d->bstatus[k], d->bseries[k].values};
	d->nb++;
	return 0;
}

static int budgets(dash *d)
{
	const mlcd_budget_set *bs = d->live->budgets;
	size_t n = bs ? mlcd_budget_set_count(bs) : 0;
	int rc = 0;
	if (!n)
		return 0;
	if (n > MLC_REPORT_MAX_ITEMS)
		n = MLC_REPORT_MAX_ITEMS;
	d->bseries = calloc(n, sizeof(*d->bseries));
	d->bstatus = calloc(n, sizeof(*d->bstatus));
	d->rb = calloc(n, sizeof(*d->rb));
	d->nbcap = n;
	if (!d->bseries || !d->bstatus || !d->rb)
		return mlcd_error_set(MLC_ENOMEM, "dashboard: out of memory");
	for (size_t i = 0; !rc && i < n; i++)
		if (mlcd_budget_visible(bs, i, d->t))
			rc = one_budget(d, bs, i);
	return rc;
}

static void words(dash *d)
{
	char h[40];
	size_t used = 0;
	mlc_time_format(d->generated, sizeof(d->generated), (int64_t)d->now);
	mlc_time_format(h, sizeof(h), d->horizon);
	snprintf(d->source, sizeof(d->source), "the metered events held in memory (from %s)", h);
	d->teams[0] = '\0';
	for (size_t i = 0; d->t && d->t->teams && i < d->t->nteams && used < sizeof(d->teams);
	     i++) {
		int k = snprintf(d->teams + used, sizeof(d->teams) - used, "%s%s",
		                 i ? ", " : "The teams of this token only: ", d->t->teams[i]);
		used += k > 0 ? (size_t)k : 0;
	}
}

static int render(char **out, size_t *out_len, dash *d)
{
	mlc_report_data rd = MLC_REPORT_DATA_INIT;
	mlc_report_html_options o = MLC_REPORT_HTML_OPTIONS_INIT;
	const char *notes[1], *sources[1];
	words(d);
	rd.title = "mlcost serve: live costs";
	rd.currency = "USD";
	rd.has_as_of = 1, rd.as_of = d->today;
	rd.generated = d->generated;
	rd.meter = d->meter, rd.nmeter = d->model_rows->n;
	if (d->daily.n) {
		rd.daily = &d->daily, rd.daily_exact = d->daily_exact;
		rd.forecast = d->fc ? mlc_forecast_get(d->fc) : NULL;
	}
	rd.budgets = d->rb, rd.nbudgets = d->nb;
	sources[0] = d->source;
	rd.sources = sources, rd.nsources = 1;
	if (d->teams[0]) {
		notes[0] = d->teams;
		rd.notes = notes, rd.nnotes = 1;
	}
	o.page = MLC_REPORT_PAGE_FRAGMENT;
	o.hints = 0, o.list_omitted = 0;
	return mlc_report_render_html(out, out_len, &rd, &o);
}

int mlcd_dashboard_fragment(char **out, size_t *out_len, mlcd_server *s, const mlcd_token *t,
                            double now)
{
	dash d;
	int rc;
	memset(&d, 0, sizeof(d));
	*out = NULL;
	d.s = s, d.t = t, d.now = now;
	d.today = (int64_t)floor(now / DAY);
	d.horizon = mlcd_engine_horizon(s->engine);
	d.live = mlcd_live_acquire(s); /* the budgets stay while they are drawn */
	if (!(rc = meter_rows(&d)) && !(rc = daily_trend(&d)) && !(rc = budgets(&d)))
		rc = (rc = render(out, out_len, &d)) ? mlcd_error_lib(rc) : 0;
	for (size_t i = 0; d.bseries && i < d.nbcap; i++)
		mlc_series_clear(&d.bseries[i]);
	free(d.bseries), free(d.bstatus), free(d.rb);
	mlcd_live_release(d.live);
	mlc_forecast_free(d.fc);
	free(d.daily_exact);
	mlc_series_clear(&d.daily);
	mlcd_cost_rows_free(d.daily_rows);
	free(d.meter);
	mlcd_cost_rows_free(d.model_rows);
	return rc;
}
