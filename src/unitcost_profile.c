/* SPDX-License-Identifier: MIT */
/*
 * unitcost_profile.c - retrain cadences from a cost profile
 * (mlc_unit_profile_cadences, include/mlcost/unit.h): `mlcost unit
 * --profile` amortizes each model's training over the requests served until
 * its next retrain, and the profile already says how often each model
 * retrains (training.runs_per_month, SPEC §2).
 *
 * What it is not: a profile reader (profile*.c) or the amortization
 * (unitcost_amortize.c); a model left out here is simply not amortized.
 */
#include "mlcost/unit.h"

#include "unitcost.h"
#include "util/alloc.h"
#include "util/error.h"

int mlc_unit_profile_cadences(mlc_unit_cadence **out, size_t *nout, const mlc_profile *p)
{
	size_t n = p ? mlc_profile_model_count(p) : 0, k = 0;
	double days = p ? mlc_profile_days_per_month(p) : 0;
	mlc_unit_cadence *c = NULL;
	int rc = 0;
	*out = NULL;
	*nout = 0;
	if (!p)
		return mlcu_error_set(MLC_EINVAL, "unit: no profile");
	if (n && !(c = mlcu_calloc(n, sizeof(*c))))
		return mlcu_error_oom();
	for (size_t i = 0; i < n; i++) {
		const mlc_model_profile *m = mlc_profile_model(p, i);
		int64_t secs;
		/* no training, or it does not recur: nothing to spread it over */
		if (!(m->training.runs_per_month > 0))
			continue;
		if ((rc = mlc_unitcost__cadence_from_runs(&secs, m->training.runs_per_month,
		                                          days)) != 0) {
			mlcu_error_prefix("model '%s': training.", m->name);
			goto done;
		}
		c[k].model = m->name;
		c[k++].seconds = secs;
	}
done:
	if (rc || k == 0) {
		mlcu_free(c);
		return rc;
	}
	*out = c;
	*nout = k;
	return 0;
}

void mlc_unit_cadences_free(mlc_unit_cadence *c)
{
	mlcu_free(c);
}
