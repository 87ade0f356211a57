/* SPDX-License-Identifier: MIT */
/*
 * series_stats.c - the statistics the series modules need: a compensated
 * sum, the median, and the multipliers of prediction intervals (normal and
 * Student t quantiles, computed, not tabulated, so every level and every
 * number of degrees of freedom is exact to double precision).
 */
#include "series_internal.h"
#include "util/sort.h"

#include <math.h>
#include <stdlib.h>

double mlc_series__sum(const double *v, size_t n)
{
	double s = 0, c = 0;
	size_t i;
	for (i = 0; i < n; i++) {
		double t = s + v[i];
		c += fabs(s) >= fabs(v[i]) ? (s - t) + v[i] : (v[i] - t) + s;
		s = t;
	}
	return s + c;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

double mlc_series__median(double *v, size_t n)
{
	if (n == 0)
		return 0;
	mlcu_qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Acklam's rational approximation of the standard normal quantile, then
 * one Halley step on erfc, which brings it to full double precision. */
static double normal_quantile(double p)
{
	static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
				   -2.759285104469687e+02, 1.383577518672690e+02,
				   -3.066479806614716e+01, 2.506628277459239e+00};
	static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
				   -1.556989798598866e+02, 6.680131188771972e+01,
				   -1.328068155288572e+01};
	static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
				   -2.400758277161838e+00, -2.549732539343734e+00,
				   4.374664141464968e+00,  2.938163982698783e+00};
	static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
				   2.445134137142996e+00, 3.754408661907416e+00};
	double q, r, x, e, u;
	if (p < 0.02425) {
		q = sqrt(-2 * log(p));
		x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
		    ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
	} else if (p > 1 - 0.02425) {
		q = sqrt(-2 * log(1 - p));
		x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
		    ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
	} else {
		q = p - 0.5;
		r = q * q;
		x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
		    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
	}
	e = 0.5 * erfc(-x / sqrt(2)) - p;
	u = e * sqrt(2 * M_PI) * exp(x * x / 2);
	return x - u / (1 + x * u / 2);
}

double mlc_series__t_central(double t, unsigned dof)
{
	double th = atan(t / sqrt((double)dof)), c2 = cos(th) * cos(th), term, sum;
	unsigned j;
	if (dof == 1)
		return 2 * th / M_PI;
	if (dof % 2) {
		/* A&S 26.7.3: powers cos^1 .. cos^(dof-2), ratios 2/3, 4/5, ... */
		term = cos(th);
		sum = term;
		for (j = 1; 2 * j + 1 <= dof - 2; j++) {
			term *= c2 * (2.0 * j) / (2.0 * j + 1);
			sum += term;
		}
		return 2 / M_PI * (th + sin(th) * sum);
	}
	/* A&S 26.7.4: powers cos^0 .. cos^(dof-2), ratios 1/2, 3/4, ... */
	term = 1;
	sum = 1;
	for (j = 0; 2 * j + 2 <= dof - 2; j++) {
		term *= c2 * (2.0 * j + 1) / (2.0 * j + 2);
		sum += term;
	}
	return sin(th) * sum;
}

/* Cornish-Fisher expansion of the t quantile around the normal one; its
 * error falls as dof^-4, below 1e-9 from 200 degrees of freedom. */
static double t_expansion(double z, double v)
{
	double z2 = z * z, z3 = z2 * z, z5 = z3 * z2, z7 = z5 * z2;
	return z + (z3 + z) / (4 * v) + (5 * z5 + 16 * z3 + 3 * z) / (96 * v * v) +
	       (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * v * v * v);
}

double mlc_series__quantile(double level, unsigned dof)
{
	double z = normal_quantile((1 + level) / 2), lo, hi, mid;
	int i;
	if (dof == 0)
		return z;
	if (dof > 200)
		return t_expansion(z, dof);
	/* bisection: the central probability grows with t; the t quantile is above z */
	lo = z;
	hi = 2 * z;
	while (mlc_series__t_central(hi, dof) < level && hi < 1e12)
		lo = hi, hi *= 2;
	for (i = 0; i < 200 && hi - lo > 1e-13 * hi; i++) {
		mid = (lo + hi) / 2;
		if (mlc_series__t_central(mid, dof) < level)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}
