/* SPDX-License-Identifier: MIT */
/*
 * unitcost_math.c - the small exact pieces of unit cost: the half-even
 * decimal division behind "cost per request", retrain cadences (from text
 * or from a profile's runs per month, and which one a model has), and the
 * next bucket start.
 */
#include "allocation.h"
#include "unitcost.h"
#include "unitcost_internal.h"
#include "util/error.h"

#include <math.h>
#include <string.h>

#define MAX_CADENCE MLC_UNITCOST_MAX_CADENCE

int mlc_unitcost__ratio(mlcu_money *out, mlcu_money amount, uint64_t scale, uint64_t count)
{
	mlc_u128 a = amount < 0 ? (mlc_u128)0 - (mlc_u128)amount : (mlc_u128)amount, q, r;
	const mlc_u128 limit = ((mlc_u128)1 << 127) - 1;
	int rc;
	if (count == 0)
		return MLC_EINVAL;
	if ((rc = mlc_alloc__muldiv(&q, &r, a, scale, count)) != 0)
		return rc;
	/* round half to even at the 10^-12 unit */
	if (2 * r > count || (2 * r == count && (q & 1)))
		q++;
	if (q > limit)
		return MLC_ETOOLARGE;
	*out = amount < 0 ? -(mlcu_money)q : (mlcu_money)q;
	return 0;
}

int mlc_unitcost__parse_cadence(int64_t *out, const char *s)
{
	int64_t v = 0, unit;
	size_t i = 0, n = strlen(s);
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
		v = v * 10 + (s[i] - '0');
		if (v > MAX_CADENCE)
			goto bad;
	}
	if (i == 0 || v == 0 || i + 1 != n)
		goto bad;
	switch (s[i]) {
	case 's':
		unit = 1;
		break;
	case 'm':
		unit = 60;
		break;
	case 'h':
		unit = 3600;
		break;
	case 'd':
		unit = 86400;
		break;
	case 'w':
		unit = 7 * 86400;
		break;
	default:
		goto bad;
	}
	if (v > MAX_CADENCE / unit)
		goto bad;
	*out = v * unit;
	return 0;
bad:
	return mlcu_error_set(MLC_EPARSE,
	                      "bad cadence '%.40s': expected a whole number and a unit, e.g. 30d, "
	                      "12h, 2w (at most 100 years)",
	                      s);
}

int mlc_unitcost__cadence_from_runs(int64_t *out, double runs_per_month, double days_per_month)
{
	double secs;
	if (!(runs_per_month > 0) || !isfinite(runs_per_month))
		return mlcu_error_set(MLC_EINVAL, "runs_per_month must be positive to amortize "
		                                  "training");
	if (!(days_per_month > 0) || !isfinite(days_per_month))
		days_per_month = 30.0;
	secs = round(days_per_month * 86400.0 / runs_per_month);
	if (secs < 1 || secs > (double)MAX_CADENCE)
		return mlcu_error_set(MLC_EINVAL, "runs_per_month gives a cadence outside 1 s .. "
		                                  "100 years");
	*out = (int64_t)secs;
	return 0;
}

int64_t mlc_unitcost__cadence_of(const mlc_unitcost_options *o, const char *model, size_t len)
{
	if (o->retrain_every > 0)
		return o->retrain_every;
	if (!model)
		return 0;
	/* a profile lists a few models: a scan, done once per training group */
	for (size_t i = 0; i < o->ncadences; i++)
		if (o->cadences[i].len == len && !memcmp(o->cadences[i].model, model, len))
			return o->cadences[i].seconds;
	return 0;
}

int64_t mlc_unitcost__bucket_next(int64_t t, mlcu_bucket b)
{
	int64_t y;
	unsigned m, d;
	switch (b) {
	case MLCU_BUCKET_HOUR:
		return t + 3600;
	case MLCU_BUCKET_DAY:
		return t + 86400;
	case MLCU_BUCKET_MONTH:
		mlcu_civil_from_days(t / 86400, &y, &m, &d);
		return mlcu_days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) * 86400;
	default:
		return t;
	}
}
