/* SPDX-License-Identifier: MIT */
/*
 * series_internal.h - what the forecast, anomaly and budget modules share:
 * checks of a series, calendar periods in days, and the few statistics
 * they need (median, compensated sums, normal and Student t quantiles).
 * Not a statistics library: only what those modules use.
 */
#ifndef MLC_SERIES_INTERNAL_H
#define MLC_SERIES_INTERNAL_H

#include "mlcost/series.h"

#include <stddef.h>
#include <stdint.h>

/* MLC_EINVAL unless s is usable: values present when n > 0, finite, n within limits. */
int mlc_series__check(const mlc_series *s);

/* 1 when some value of v[0..n) is negative (a credit day). */
int mlc_series__has_negative(const double *v, size_t n);

/* First and last day (inclusive) of the calendar month / quarter / year holding day. */
void mlc_series__period_bounds(int64_t day, mlc_budget_period p, int64_t *first, int64_t *last);

/* Sum of v[0..n) with Neumaier's compensation (daily costs span many magnitudes). */
double mlc_series__sum(const double *v, size_t n);

/* The median of v[0..n) (0 for n = 0). Sorts v in place. */
double mlc_series__median(double *v, size_t n);

/*
 * The multiplier q of a central prediction interval mean ± q × sd at level
 * (0 < level < 1): the normal quantile when dof is 0, Student t with dof
 * degrees of freedom otherwise.
 */
double mlc_series__quantile(double level, unsigned dof);

/* Central probability P(|T| <= t) of Student t with dof >= 1 (A&S 26.7.3-4). */
double mlc_series__t_central(double t, unsigned dof);

#endif
