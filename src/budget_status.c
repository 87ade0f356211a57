/* SPDX-License-Identifier: MIT */
/*
 * budget_status.c - where a budget stands in its period (SPEC §7,
 * docs/budgets.md): the actual cost of the elapsed days, the forecast at
 * period end (actual + forecast of the remaining days, by the forecast
 * module's models fitted on the history up to as_of), the thresholds
 * crossed, and the variance (forecast at end − amount) / amount, flagged
 * beyond ±10%. What it is not: a query of the bill; the caller passes the
 * daily cost of the budget's scope.
 */
#include "forecast_internal.h"
#include "series_internal.h"
#include "util/alloc.h"
#include "util/error.h"

#include <math.h>
#include <string.h>

static int check_budget(const mlc_budget *b)
{
	if (!b || !b->name)
		return mlcu_error_set(MLC_EINVAL, "budget status: no budget");
	if (!(b->amount > 0) || !isfinite(b->amount))
		return mlcu_error_set(MLC_EINVAL, "budget '%s': amount must be above 0", b->name);
	if (b->nalerts > MLC_BUDGET_MAX_ALERTS || (b->nalerts && !b->alerts))
		return mlcu_error_set(MLC_EINVAL, "budget '%s': at most %d alerts", b->name,
				      MLC_BUDGET_MAX_ALERTS);
	if ((unsigned)b->period > MLC_BUDGET_YEAR)
		return mlcu_error_set(MLC_EINVAL, "budget '%s': unknown period", b->name);
	return 0;
}

/* Sum of the series' days in [from, to] (days outside the series cost 0). */
static double range_sum(const mlc_series *s, int64_t from, int64_t to)
{
	int64_t last = s->first_day + (int64_t)s->n - 1;
	if (from < s->first_day)
		from = s->first_day;
	if (to > last)
		to = last;
	return to < from ? 0 : mlc_series__sum(s->values + (from - s->first_day),
						  (size_t)(to - from + 1));
}

/*
 * The history up to as_of, dense from the series' first day (days after the
 * series cost 0), at most the last MLC_FC_FIT_MAX days: a copy in *buf.
 */
static int history(double **buf, size_t *n, const mlc_series *s, int64_t as_of)
{
	int64_t from, d;
	*buf = NULL;
	*n = 0;
	if (s->n == 0 || as_of < s->first_day)
		return 0;
	from = as_of - s->first_day + 1 > MLC_FC_FIT_MAX ? as_of - MLC_FC_FIT_MAX + 1
							 : s->first_day;
	*n = (size_t)(as_of - from + 1);
	if (!(*buf = mlcu_calloc(*n, sizeof(double))))
		return mlcu_error_oom();
	for (d = from; d <= as_of && d < s->first_day + (int64_t)s->n; d++)
		(*buf)[d - from] = s->values[d - s->first_day];
	return 0;
}

/* Forecast of the days as_of + a .. as_of + b into st (method, rest, interval). */
static int forecast_rest(mlc_budget_status *st, const mlc_series *s, size_t a, size_t b)
{
	double *y = NULL, q80, sd = 0, rest = 0;
	size_t n, h;
	mlc_fc_fit f;
	char why[160];
	int rc, floor0;
	if ((rc = history(&y, &n, s, st->as_of)) != 0)
		return rc;
	if (n < MLC_FORECAST_MIN_DAYS) {
		/* one day of history: its cost per remaining day; none: nothing to go on */
		st->method = n ? "run-rate" : "no-history";
		st->forecast_rest = n ? y[0] * (double)(b - a + 1) : 0;
		st->forecast_lo80 = st->forecast_hi80 = st->actual + st->forecast_rest;
		goto done;
	}
	if ((rc = mlc_forecast__fit(&f, y, n, MLC_FORECAST_AUTO, why, sizeof(why))) != 0)
		goto done;
	floor0 = !mlc_series__has_negative(y, n);
	for (h = a; h <= b; h++) {
		double m = mlc_forecast__mean(&f, h);
		rest += floor0 && m < 0 ? 0 : m;
	}
	st->method = mlc_forecast_model_name(f.model);
	st->forecast_rest = rest;
	if (f.has_sigma)
		sd = sqrt(mlc_forecast__sum_var(&f, a, b));
	q80 = mlc_series__quantile(0.80, f.dof);
	st->forecast_lo80 = st->actual + rest - q80 * sd;
	st->forecast_hi80 = st->actual + rest + q80 * sd;
	if (floor0 && st->forecast_lo80 < st->actual)
		st->forecast_lo80 = st->actual;
done:
	mlcu_free(y);
	return rc;
}

static void thresholds(mlc_budget_status *st, const mlc_budget *b)
{
	size_t i;
	st->nalerts = b->nalerts;
	for (i = 0; i < b->nalerts; i++) {
		mlc_budget_alert *al = &st->alerts[i];
		al->pct = b->alerts[i];
		al->at = b->amount * al->pct / 100;
		al->by_actual = st->actual >= al->at;
		al->by_forecast = b->forecast && st->forecast_at_end >= al->at;
		st->crossed += al->by_actual || al->by_forecast;
	}
}

static int check_opts(mlc_budget_status_options *o, const mlc_budget_status_options *in,
                      const mlc_series *s)
{
	mlc_budget_status_options d = MLC_BUDGET_STATUS_OPTIONS_INIT;
	*o = in ? *in : d;
	if (o->version != MLC_BUDGET_STATUS_OPTIONS_VERSION)
		return mlcu_error_set(MLC_EINVAL, "budget status options: version %u, expected %u",
				      o->version, MLC_BUDGET_STATUS_OPTIONS_VERSION);
	if (!o->has_as_of) {
		if (s->n == 0)
			return mlcu_error_set(MLC_EINVAL,
					      "budget status: no cost data and no as-of day");
		o->as_of = s->first_day + (int64_t)s->n - 1;
	}
	if (!o->has_day)
		o->day = o->as_of + 1;
	if (o->as_of < -(INT64_C(1) << 40) || o->as_of > (INT64_C(1) << 40) ||
	    o->day < -(INT64_C(1) << 40) || o->day > (INT64_C(1) << 40))
		return mlcu_error_set(MLC_EINVAL, "budget status: day out of range");
	return 0;
}

int mlc_budget_status_compute(mlc_budget_status *out, const mlc_budget *b, const mlc_series *s,
                              const mlc_budget_status_options *opts)
{
	mlc_budget_status_options o;
	mlc_budget_status *st = out;
	int64_t first_rest;
	int rc;
	memset(out, 0, sizeof(*out));
	if ((rc = check_budget(b)) != 0 || (rc = mlc_series__check(s)) != 0 ||
	    (rc = check_opts(&o, opts, s)) != 0)
		return rc;
	st->name = b->name;
	st->amount = b->amount;
	st->period = b->period;
	st->as_of = o.as_of;
	mlc_series__period_bounds(o.day, b->period, &st->period_start, &st->period_end);
	st->days_total = (unsigned)(st->period_end - st->period_start + 1);
	if (o.as_of >= st->period_start)
		st->days_elapsed = (unsigned)((o.as_of < st->period_end ? o.as_of : st->period_end) -
					      st->period_start + 1);
	st->actual = range_sum(s, st->period_start, o.as_of < st->period_end ? o.as_of
									    : st->period_end);
	first_rest = o.as_of + 1 > st->period_start ? o.as_of + 1 : st->period_start;
	if (first_rest > st->period_end) {
		st->method = "complete";
		st->forecast_lo80 = st->forecast_hi80 = st->actual;
	} else if (st->period_end - o.as_of > MLC_SERIES_MAX_HORIZON) {
		return mlcu_error_set(MLC_EINVAL,
				      "budget '%s': the period ends more than %d days after the "
				      "as-of day",
				      b->name, MLC_SERIES_MAX_HORIZON);
	} else if ((rc = forecast_rest(st, s, (size_t)(first_rest - o.as_of),
				       (size_t)(st->period_end - o.as_of))) != 0) {
		return rc;
	}
	st->forecast_at_end = st->actual + st->forecast_rest;
	st->used_pct = 100 * st->actual / b->amount;
	st->forecast_pct = 100 * st->forecast_at_end / b->amount;
	st->variance = (st->forecast_at_end - b->amount) / b->amount;
	st->variance_flagged = fabs(st->variance) > MLC_BUDGET_VARIANCE_FLAG;
	st->exceeded_actual = st->actual > b->amount;
	st->exceeded_forecast = st->forecast_at_end > b->amount;
	thresholds(st, b);
	return 0;
}
