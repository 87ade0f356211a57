/* SPDX-License-Identifier: MIT */
/*
 * forecast.c - mlc_forecast_run: pick and fit the model, forecast the
 * horizon with 80% and 95% intervals, project the month end and the
 * horizon total, and backtest the same procedure on the last 28 days
 * (docs/forecast.md). The fitting itself is in forecast_hw.c and
 * forecast_model.c; this file is the procedure around it.
 */
#include "forecast_internal.h"
#include "series_internal.h"
#include "util/alloc.h"
#include "util/error.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define NOTE_MAX 192

struct mlc_forecast {
	mlc_forecast_result r;
	mlc_forecast_day *days;
	char note[NOTE_MAX];
	char backtest_note[NOTE_MAX];
};

static const char *const model_names[] = {"auto", "holt-winters", "linear"};

int mlc_forecast_model_parse(mlc_forecast_model *out, const char *name)
{
	int i;
	for (i = 0; i < 3; i++)
		if (name && !strcmp(name, model_names[i])) {
			*out = (mlc_forecast_model)i;
			return 0;
		}
	return mlcu_error_set(MLC_EINVAL,
			      "unknown forecast model '%s' (auto, holt-winters, linear)",
			      name ? name : "");
}

const char *mlc_forecast_model_name(mlc_forecast_model m)
{
	return (unsigned)m < 3 ? model_names[m] : "?";
}

static int check_options(mlc_forecast_options *o, const mlc_forecast_options *in)
{
	mlc_forecast_options d = MLC_FORECAST_OPTIONS_INIT;
	*o = in ? *in : d;
	if (o->version != MLC_FORECAST_OPTIONS_VERSION)
		return mlcu_error_set(MLC_EINVAL, "forecast options: version %u, expected %u",
				      o->version, MLC_FORECAST_OPTIONS_VERSION);
	if ((unsigned)o->model > MLC_FORECAST_LINEAR)
		return mlcu_error_set(MLC_EINVAL, "forecast options: unknown model %d",
				      (int)o->model);
	if (o->horizon > MLC_SERIES_MAX_HORIZON)
		return mlcu_error_set(MLC_ETOOLARGE, "forecast horizon %u days: at most %u",
				      o->horizon, MLC_SERIES_MAX_HORIZON);
	if (o->backtest_days == 0)
		o->backtest_days = d.backtest_days;
	if (o->backtest_days > MLC_SERIES_MAX_HORIZON)
		return mlcu_error_set(MLC_ETOOLARGE, "backtest of %u days: at most %u",
				      o->backtest_days, MLC_SERIES_MAX_HORIZON);
	return 0;
}

static double floor_at(double v, int floor0)
{
	return floor0 && v < 0 ? 0 : v;
}

/* Daily forecasts h = 1..H after the fit, with intervals. */
static void fill_days(mlc_forecast_day *d, double *var, const mlc_fc_fit *f, size_t H,
                      int64_t first, int floor0)
{
	double q80 = mlc_series__quantile(0.80, f->dof), q95 = mlc_series__quantile(0.95, f->dof);
	size_t h;
	mlc_forecast__day_vars(f, H, var);
	for (h = 1; h <= H; h++) {
		double m = mlc_forecast__mean(f, h), sd = f->has_sigma ? sqrt(var[h - 1]) : 0;
		mlc_forecast_day *x = &d[h - 1];
		x->day = first + (int64_t)h - 1;
		x->mean = floor_at(m, floor0);
		x->lo80 = floor_at(m - q80 * sd, floor0);
		x->hi80 = floor_at(m + q80 * sd, floor0);
		x->lo95 = floor_at(m - q95 * sd, floor0);
		x->hi95 = floor_at(m + q95 * sd, floor0);
	}
}

/*
 * The sum over [from, to]: observed days of s (up to last) plus the
 * forecasts d (day last + h is d[h - 1]) of the others.
 */
static void project(mlc_forecast_total *t, const mlc_series *s, int64_t last,
                    const mlc_fc_fit *f, const mlc_forecast_day *d, int64_t from, int64_t to,
                    int floor0)
{
	double q80 = mlc_series__quantile(0.80, f->dof), q95 = mlc_series__quantile(0.95, f->dof);
	int64_t lo = from > s->first_day ? from : s->first_day, hi = to < last ? to : last, day;
	double sd = 0;
	memset(t, 0, sizeof(*t));
	t->from_day = from;
	t->to_day = to;
	if (hi >= lo)
		t->actual = mlc_series__sum(s->values + (lo - s->first_day), (size_t)(hi - lo + 1));
	if (hi >= from) /* days before the series began count as observed, at 0 */
		t->actual_days = (unsigned)(hi - from + 1);
	for (day = from > last + 1 ? from : last + 1; day <= to; day++) {
		t->forecast += d[day - last - 1].mean;
		t->forecast_days++;
	}
	if (t->forecast_days && f->has_sigma)
		sd = sqrt(mlc_forecast__sum_var(f, (size_t)(to - last - t->forecast_days + 1),
						(size_t)(to - last)));
	t->total = t->actual + t->forecast;
	t->lo80 = t->total - q80 * sd;
	t->hi80 = t->total + q80 * sd;
	t->lo95 = t->total - q95 * sd;
	t->hi95 = t->total + q95 * sd;
	if (floor0) {
		/* the unobserved days cannot cost less than nothing */
		t->lo80 = fmax(t->lo80, t->actual);
		t->lo95 = fmax(t->lo95, t->actual);
	}
}

/* The backtest: the same procedure without the last nb days, scored on them. */
static void backtest(mlc_forecast *fc, const double *y, size_t n, const mlc_forecast_options *o)
{
	mlc_forecast_result *r = &fc->r;
	size_t nb = o->backtest_days, ntrain, start, h;
	mlc_fc_fit f;
	char why[NOTE_MAX];
	double acc = 0;
	int floor0;
	r->backtest_days = nb;
	if (o->no_backtest) {
		snprintf(fc->backtest_note, NOTE_MAX, "not asked for");
		return;
	}
	if (n < nb + MLC_FORECAST_MIN_DAYS) {
		snprintf(fc->backtest_note, NOTE_MAX,
			 "needs at least %zu days of history (%zu held out + %d)",
			 nb + MLC_FORECAST_MIN_DAYS, nb, MLC_FORECAST_MIN_DAYS);
		return;
	}
	ntrain = n - nb;
	start = ntrain > MLC_FC_FIT_MAX ? ntrain - MLC_FC_FIT_MAX : 0;
	if (mlc_forecast__fit(&f, y + start, ntrain - start, o->model, why, sizeof(why)) != 0) {
		snprintf(fc->backtest_note, NOTE_MAX, "%s", mlc_error_message());
		mlc_error_clear();
		return;
	}
	floor0 = !o->allow_negative && !mlc_series__has_negative(y, ntrain);
	for (h = 1; h <= nb; h++) {
		double a = y[ntrain + h - 1], p = floor_at(mlc_forecast__mean(&f, h), floor0);
		if (a == 0)
			continue;
		acc += fabs(a - p) / fabs(a);
		r->backtest_scored++;
	}
	r->backtest_model = f.model;
	if (r->backtest_scored == 0) {
		snprintf(fc->backtest_note, NOTE_MAX, "the last %zu days cost nothing", nb);
		return;
	}
	r->has_backtest = 1;
	r->backtest_mape = 100 * acc / (double)r->backtest_scored;
}

static void fill_result(mlc_forecast_result *r, const mlc_fc_fit *f, const mlc_series *s,
                        size_t used)
{
	int k;
	r->model = f->model;
	r->last_day = s->first_day + (int64_t)s->n - 1;
	r->first_day = r->last_day - (int64_t)used + 1;
	r->history_days = used;
	r->alpha = f->alpha;
	r->beta = f->beta;
	r->gamma = f->gamma;
	r->has_trend = f->has_trend;
	r->level = f->level;
	r->trend = f->trend;
	for (k = 0; k < MLC_FC_M; k++)
		r->seasonal[k] = f->season[(f->n + (size_t)k) % MLC_FC_M];
	/* the line in days since first_day */
	r->intercept = f->intercept;
	r->slope = f->slope;
	r->sigma = f->sigma;
	r->has_intervals = f->has_sigma;
}

int mlc_forecast_run(mlc_forecast **out, const mlc_series *s, const mlc_forecast_options *opts)
{
	mlc_forecast_options o;
	mlc_forecast *fc = NULL;
	mlc_fc_fit f;
	double *var = NULL;
	int64_t last, mfirst, mlast;
	size_t used, start, ncalc;
	int rc, floor0;
	*out = NULL;
	if ((rc = check_options(&o, opts)) != 0 || (rc = mlc_series__check(s)) != 0)
		return rc;
	used = s->n > MLC_FC_FIT_MAX ? MLC_FC_FIT_MAX : s->n;
	start = s->n - used;
	if (!(fc = mlcu_calloc(1, sizeof(*fc)))) {
		rc = mlcu_error_oom();
		goto done;
	}
	if ((rc = mlc_forecast__fit(&f, s->values + start, used, o.model, fc->note, NOTE_MAX)) != 0)
		goto done;
	last = s->first_day + (int64_t)s->n - 1;
	mlc_series__period_bounds(last + 1, MLC_BUDGET_MONTH, &mfirst, &mlast);
	ncalc = (size_t)(mlast - last) > o.horizon ? (size_t)(mlast - last) : o.horizon;
	fc->days = mlcu_calloc(ncalc, sizeof(*fc->days));
	var = mlcu_calloc(ncalc, sizeof(*var));
	if (!fc->days || !var) {
		rc = mlcu_error_oom();
		goto done;
	}
	floor0 = !o.allow_negative && !mlc_series__has_negative(s->values, s->n);
	fill_days(fc->days, var, &f, ncalc, last + 1, floor0);
	fill_result(&fc->r, &f, s, used);
	fc->r.note = fc->note;
	fc->r.horizon = o.horizon;
	fc->r.days = fc->days;
	project(&fc->r.month_end, s, last, &f, fc->days, mfirst, mlast, floor0);
	project(&fc->r.horizon_total, s, last, &f, fc->days, last + 1, last + (int64_t)o.horizon,
		floor0);
	backtest(fc, s->values, s->n, &o);
	fc->r.backtest_note = fc->backtest_note;
	*out = fc;
	fc = NULL;
done:
	mlcu_free(var);
	mlc_forecast_free(fc);
	return rc;
}

void mlc_forecast_free(mlc_forecast *f)
{
	if (!f)
		return;
	mlcu_free(f->days);
	mlcu_free(f);
}

const mlc_forecast_result *mlc_forecast_get(const mlc_forecast *f)
{
	return f ? &f->r : NULL;
}
