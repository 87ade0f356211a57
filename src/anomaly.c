/* SPDX-License-Identifier: MIT */
/*
 * anomaly.c - days whose cost departs from the seasonal baseline (SPEC §7,
 * docs/anomalies.md). The baseline of a day is the median cost of the same
 * weekday over the previous weeks (or the one-step Holt-Winters forecast);
 * the residual is actual − baseline; its robust z-score is
 * 0.6745 (r − median r) / MAD (Iglewicz and Hoaglin), and a day is flagged
 * when |z| passes the threshold and the impact passes the money and
 * percent floors. What it is not: a change-point detector; a lasting step
 * is flagged until the baseline has caught up with it.
 */
#include "forecast_internal.h"
#include "series_internal.h"
#include "util/alloc.h"
#include "util/error.h"

#include <math.h>
#include <string.h>

#define MAX_WEEKS 520
/* 0.6745 = Φ⁻¹(0.75): MAD / 0.6745 estimates σ of normal residuals; with
 * MAD = 0, the mean absolute deviation × √(π/2) = 1.2533 does (IBM's rule) */
#define MAD_K 0.6745
#define MEANAD_K 1.253314

struct mlc_anomaly {
	mlc_anomaly_result r;
	mlc_anomaly_day *days;
	size_t *flagged;
};

static const char *const baseline_names[] = {"weekday-median", "holt-winters"};
static const char *const direction_names[] = {"both", "up", "down"};

int mlc_anomaly_baseline_parse(mlc_anomaly_baseline *out, const char *name)
{
	int i;
	for (i = 0; i < 2; i++)
		if (name && !strcmp(name, baseline_names[i])) {
			*out = (mlc_anomaly_baseline)i;
			return 0;
		}
	return mlcu_error_set(MLC_EINVAL,
			      "unknown anomaly baseline '%s' (weekday-median, holt-winters)",
			      name ? name : "");
}

const char *mlc_anomaly_baseline_name(mlc_anomaly_baseline b)
{
	return (unsigned)b < 2 ? baseline_names[b] : "?";
}

int mlc_anomaly_direction_parse(mlc_anomaly_direction *out, const char *name)
{
	int i;
	for (i = 0; i < 3; i++)
		if (name && !strcmp(name, direction_names[i])) {
			*out = (mlc_anomaly_direction)i;
			return 0;
		}
	return mlcu_error_set(MLC_EINVAL, "unknown direction '%s' (both, up, down)",
			      name ? name : "");
}

static int check_options(mlc_anomaly_options *o, const mlc_anomaly_options *in)
{
	mlc_anomaly_options d = MLC_ANOMALY_OPTIONS_INIT;
	*o = in ? *in : d;
	if (o->version != MLC_ANOMALY_OPTIONS_VERSION)
		return mlcu_error_set(MLC_EINVAL, "anomaly options: version %u, expected %u",
				      o->version, MLC_ANOMALY_OPTIONS_VERSION);
	if ((unsigned)o->baseline > MLC_ANOMALY_HOLT_WINTERS ||
	    (unsigned)o->direction > MLC_ANOMALY_DOWN)
		return mlcu_error_set(MLC_EINVAL, "anomaly options: unknown baseline or direction");
	if (o->weeks < 1 || o->weeks > MAX_WEEKS)
		return mlcu_error_set(MLC_EINVAL, "anomaly options: weeks %u, expected 1..%d",
				      o->weeks, MAX_WEEKS);
	if (o->min_weeks < 1 || o->min_weeks > o->weeks)
		return mlcu_error_set(MLC_EINVAL,
				      "anomaly options: min_weeks %u, expected 1..weeks (%u)",
				      o->min_weeks, o->weeks);
	if (!(o->threshold > 0) || !isfinite(o->threshold))
		return mlcu_error_set(MLC_EINVAL, "anomaly threshold must be a number above 0");
	if (!(o->min_impact >= 0) || !isfinite(o->min_impact) || !(o->min_pct >= 0) ||
	    !isfinite(o->min_pct))
		return mlcu_error_set(MLC_EINVAL, "anomaly min_impact and min_pct must be >= 0");
	return 0;
}

/* Median of the same weekday over the previous weeks; scored from min_weeks of them. */
static void weekday_baseline(mlc_anomaly_day *d, const double *y, size_t n,
                             const mlc_anomaly_options *o)
{
	double w[MAX_WEEKS];
	size_t t, k, count;
	for (t = 0; t < n; t++) {
		count = t / 7 < o->weeks ? t / 7 : o->weeks;
		if (count < o->min_weeks)
			continue;
		for (k = 1; k <= count; k++)
			w[k - 1] = y[t - 7 * k];
		d[t].scored = 1;
		d[t].baseline = mlc_series__median(w, count);
	}
}

/* One-step Holt-Winters forecasts, fitted on (at most the last three years of) the series. */
static int hw_baseline(mlc_anomaly_day *d, const double *y, size_t n,
                       const mlc_anomaly_options *o)
{
	size_t start = n > MLC_FC_FIT_MAX ? n - MLC_FC_FIT_MAX : 0, t;
	double *pred;
	mlc_fc_fit f;
	int rc;
	if (n - start < MLC_FORECAST_MIN_HW)
		return 0; /* too short: nothing scored, as with a short weekday window */
	if (!(pred = mlcu_calloc(n - start, sizeof(*pred))))
		return mlcu_error_oom();
	if ((rc = mlc_forecast__hw_fit(&f, y + start, n - start)) == 0) {
		mlc_forecast__hw_onestep(pred, &f, y + start, n - start);
		for (t = start + 7 * (size_t)o->min_weeks; t < n; t++) {
			d[t].scored = 1;
			d[t].baseline = pred[t - start];
		}
	}
	mlcu_free(pred);
	return rc;
}

/* Median, MAD and mean absolute deviation of the scored residuals; the scale of z. */
static int residual_scale(mlc_anomaly_result *r, mlc_anomaly_day *d, size_t n)
{
	double *v = NULL, sum = 0;
	size_t t, k = 0;
	if (r->nscored == 0)
		return 0;
	if (!(v = mlcu_calloc(r->nscored, sizeof(*v))))
		return mlcu_error_oom();
	for (t = 0; t < n; t++)
		if (d[t].scored)
			v[k++] = d[t].impact;
	r->residual_median = mlc_series__median(v, k);
	for (t = 0; t < k; t++) {
		v[t] = fabs(v[t] - r->residual_median);
		sum += v[t];
	}
	r->mad = mlc_series__median(v, k);
	r->meanad = sum / (double)k;
	r->scale = r->mad > 0 ? MLC_ANOMALY_SCALE_MAD
			      : r->meanad > 0 ? MLC_ANOMALY_SCALE_MEANAD : MLC_ANOMALY_SCALE_NONE;
	mlcu_free(v);
	return 0;
}

static int passes(const mlc_anomaly_day *x, const mlc_anomaly_options *o)
{
	if (!(fabs(x->z) > o->threshold) || fabs(x->impact) < o->min_impact)
		return 0;
	if (x->pct_defined && fabs(x->pct) < o->min_pct)
		return 0;
	if (o->direction == MLC_ANOMALY_UP)
		return x->z > 0 && x->impact > 0;
	if (o->direction == MLC_ANOMALY_DOWN)
		return x->z < 0 && x->impact < 0;
	return 1;
}

static void score(mlc_anomaly *a, const mlc_anomaly_options *o)
{
	mlc_anomaly_result *r = &a->r;
	size_t t;
	for (t = 0; t < r->ndays; t++) {
		mlc_anomaly_day *x = &a->days[t];
		double dev = x->impact - r->residual_median;
		if (!x->scored)
			continue;
		if (r->scale == MLC_ANOMALY_SCALE_MAD)
			x->z = MAD_K * dev / r->mad;
		else if (r->scale == MLC_ANOMALY_SCALE_MEANAD)
			x->z = dev / (MEANAD_K * r->meanad);
		if ((x->flagged = passes(x, o)) != 0) {
			a->flagged[r->nflagged++] = t;
			r->flagged_impact += x->impact;
		}
	}
}

int mlc_anomaly_detect(mlc_anomaly **out, const mlc_series *s, const mlc_anomaly_options *opts)
{
	mlc_anomaly_options o;
	mlc_anomaly *a = NULL;
	size_t t, n;
	int rc;
	*out = NULL;
	if ((rc = check_options(&o, opts)) != 0 || (rc = mlc_series__check(s)) != 0)
		return rc;
	n = s->n;
	if (!(a = mlcu_calloc(1, sizeof(*a))) || !(a->days = mlcu_calloc(n + 1, sizeof(*a->days))) ||
	    !(a->flagged = mlcu_calloc(n + 1, sizeof(*a->flagged)))) {
		rc = mlcu_error_oom();
		goto done;
	}
	for (t = 0; t < n; t++) {
		a->days[t].day = s->first_day + (int64_t)t;
		a->days[t].actual = s->values[t];
	}
	if (o.baseline == MLC_ANOMALY_WEEKDAY_MEDIAN)
		weekday_baseline(a->days, s->values, n, &o);
	else if ((rc = hw_baseline(a->days, s->values, n, &o)) != 0)
		goto done;
	for (t = 0; t < n; t++) {
		mlc_anomaly_day *x = &a->days[t];
		if (!x->scored)
			continue;
		a->r.nscored++;
		x->impact = x->actual - x->baseline;
		if ((x->pct_defined = x->baseline != 0) != 0)
			x->pct = 100 * x->impact / fabs(x->baseline);
	}
	if ((rc = residual_scale(&a->r, a->days, n)) != 0)
		goto done;
	a->r.options = o;
	a->r.ndays = n;
	a->r.days = a->days;
	a->r.flagged = a->flagged;
	score(a, &o);
	*out = a;
	a = NULL;
done:
	mlc_anomaly_free(a);
	return rc;
}

void mlc_anomaly_free(mlc_anomaly *a)
{
	if (!a)
		return;
	mlcu_free(a->days);
	mlcu_free(a->flagged);
	mlcu_free(a);
}

const mlc_anomaly_result *mlc_anomaly_get(const mlc_anomaly *a)
{
	return a ? &a->r : NULL;
}
