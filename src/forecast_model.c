/* SPDX-License-Identifier: MIT */
/*
 * forecast_model.c - the least-squares line, model selection, and what a
 * fitted model predicts: the mean h days ahead and the variance of the
 * error of a sum of daily forecasts (one day being a sum of one).
 *
 * Holt-Winters variance (Hyndman et al. 2008, ETS(A,A,A), class 1): the
 * h-step error is e_h = Σ_{k=1..h} ψ_{h−k} ε_k with ψ_0 = 1 and
 * ψ_j = α + αβ j + γ [j mod 7 = 0], so a sum of the days a..b has
 * variance σ² Σ_{k=1..b} (Ψ(b−k) − Ψ(max(a,k)−k−1))², Ψ the prefix sums
 * of ψ (closed form below). Linear: the classic prediction variance of
 * ordinary least squares, σ² (L + L²/n + S²/Sxx) for a sum of L days whose
 * distances to the mean time add up to S.
 */
#include "forecast_internal.h"
#include "series_internal.h"
#include "util/error.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void mlc_forecast__linear_fit(mlc_fc_fit *out, const double *y, size_t n)
{
	double xbar = ((double)n - 1) / 2, ybar = mlc_series__sum(y, n) / (double)n;
	double sxy = 0, sxx = 0, sse = 0;
	size_t t;
	memset(out, 0, sizeof(*out));
	for (t = 0; t < n; t++) {
		double dx = (double)t - xbar;
		sxy += dx * (y[t] - ybar);
		sxx += dx * dx;
	}
	out->model = MLC_FORECAST_LINEAR;
	out->n = n;
	out->slope = sxx > 0 ? sxy / sxx : 0;
	out->intercept = ybar - out->slope * xbar;
	out->xbar = xbar;
	out->sxx = sxx;
	for (t = 0; t < n; t++) {
		double e = y[t] - (out->intercept + out->slope * (double)t);
		sse += e * e;
	}
	out->sse = sse;
	out->has_sigma = n > 2;
	out->dof = n > 2 ? (unsigned)(n - 2) : 0;
	out->sigma = n > 2 ? sqrt(sse / (double)(n - 2)) : 0;
}

double mlc_forecast__mean(const mlc_fc_fit *f, size_t h)
{
	size_t t = f->n - 1 + h;
	if (f->model == MLC_FORECAST_LINEAR)
		return f->intercept + f->slope * (double)t;
	return f->level + (double)h * f->trend + f->season[t % MLC_FC_M];
}

/* Ψ(j) = Σ_{i=0..j} ψ_i; Ψ(-1) = 0 */
static double psi_prefix(const mlc_fc_fit *f, long j)
{
	double dj = (double)j;
	if (j < 0)
		return 0;
	return 1 + f->alpha * dj + f->alpha * f->beta * dj * (dj + 1) / 2 +
	       f->gamma * (double)(j / MLC_FC_M);
}

double mlc_forecast__sum_var(const mlc_fc_fit *f, size_t a, size_t b)
{
	double s2 = f->sigma * f->sigma, acc = 0;
	size_t k;
	if (f->model == MLC_FORECAST_LINEAR) {
		double L = (double)(b - a + 1), n = (double)f->n;
		/* Σ_{h=a..b} (n − 1 + h − xbar) */
		double S = L * ((n - 1) - f->xbar) + (double)(a + b) * L / 2;
		return s2 * (L + L * L / n + (f->sxx > 0 ? S * S / f->sxx : 0));
	}
	for (k = 1; k <= b; k++) {
		size_t lo = a > k ? a : k;
		double w = psi_prefix(f, (long)(b - k)) - psi_prefix(f, (long)(lo - k) - 1);
		acc += w * w;
	}
	return s2 * acc;
}

void mlc_forecast__day_vars(const mlc_fc_fit *f, size_t H, double *var)
{
	double s2 = f->sigma * f->sigma, acc = 0;
	size_t h;
	for (h = 1; h <= H; h++) {
		if (f->model == MLC_FORECAST_LINEAR) {
			var[h - 1] = mlc_forecast__sum_var(f, h, h);
			continue;
		}
		/* Σ_{j=0..h-1} ψ_j², one term more each day */
		double psi = psi_prefix(f, (long)h - 1) - psi_prefix(f, (long)h - 2);
		acc += psi * psi;
		var[h - 1] = s2 * acc;
	}
}

int mlc_forecast__fit(mlc_fc_fit *out, const double *y, size_t n, mlc_forecast_model m,
                      char *why, size_t whycap)
{
	if (n < MLC_FORECAST_MIN_DAYS)
		return mlcu_error_set(MLC_EINVAL,
				      "%zu day%s of history: a forecast needs at least %d days", n,
				      n == 1 ? "" : "s", MLC_FORECAST_MIN_DAYS);
	if (m == MLC_FORECAST_AUTO)
		m = n >= MLC_FORECAST_MIN_HW ? MLC_FORECAST_HOLT_WINTERS : MLC_FORECAST_LINEAR;
	if (m == MLC_FORECAST_HOLT_WINTERS && n < MLC_FORECAST_MIN_HW_FORCED)
		return mlcu_error_set(MLC_EINVAL,
				      "%zu days of history: Holt-Winters needs at least %d "
				      "(two weeks)",
				      n, MLC_FORECAST_MIN_HW_FORCED);
	if (m == MLC_FORECAST_HOLT_WINTERS) {
		int rc = mlc_forecast__hw_fit(out, y, n);
		snprintf(why, whycap, "%zu days of history: Holt-Winters, weekly season, %s", n,
			 out->has_trend ? "additive trend" : "no trend (lower AICc)");
		return rc;
	}
	if (n < MLC_FORECAST_MIN_HW)
		snprintf(why, whycap,
			 "%zu days of history (Holt-Winters needs %d): linear trend", n,
			 MLC_FORECAST_MIN_HW);
	else
		snprintf(why, whycap, "%zu days of history: linear trend", n);
	mlc_forecast__linear_fit(out, y, n);
	return 0;
}
