/* SPDX-License-Identifier: MIT */
/*
 * fuzz_usage_csv.c - the usage CSV loader: any bytes must load or fail
 * cleanly. The first byte picks the options (bucket, lenient), the rest is
 * the file. A table that loads is joined with costs derived from it (some
 * of them training, amortized over a short cadence), and the unit-cost
 * report must account for every unit of cost: a mismatch traps.
 */
#include "unitcost.h"
#include "usage.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void join(const mlc_usage *u, mlcu_bucket b)
{
	const mlc_usage_entry *e = mlc_usage__entries(u);
	mlc_unitcost_options o = MLC_UNITCOST_OPTIONS_INIT;
	mlc_unitcost_input in[64];
	mlc_unitcost_report *r = NULL;
	mlcu_money sum = 0;
	size_t i, n = mlc_usage__count(u) < 64 ? mlc_usage__count(u) : 64;
	o.bucket = b;
	o.by_phase = 1;
	o.retrain_every = b == MLCU_BUCKET_NONE ? 0 : 2 * 86400;
	for (i = 0; i < n; i++) {
		in[i].model.ptr = i % 5 ? e[i].model : NULL;
		in[i].model.len = e[i].model_len;
		in[i].period = e[i].period;
		in[i].phase.ptr = i % 2 ? "training" : "inference";
		in[i].phase.len = i % 2 ? 8 : 9;
		in[i].cost = (mlcu_money)(e[i].requests % 1000003) - 7;
		sum += in[i].cost;
	}
	if (mlc_unitcost__compute(&r, in, n, u, &o) == 0 &&
	    (r->cost_in != sum || r->cost_charged + r->unamortized != sum))
		__builtin_trap();
	mlc_unitcost__report_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const mlcu_bucket buckets[4] = {MLCU_BUCKET_DAY, MLCU_BUCKET_HOUR, MLCU_BUCKET_MONTH,
	                                       MLCU_BUCKET_NONE};
	mlc_usage_options o = MLC_USAGE_OPTIONS_INIT;
	mlc_usage *u = NULL;
	if (size < 1)
		return 0;
	o.bucket = buckets[data[0] & 3];
	o.lenient = (data[0] >> 2) & 1;
	o.max_keys = 4096;
	if (mlc_usage__load_mem(&u, "fuzz.csv", data + 1, size - 1, &o) == 0)
		join(u, o.bucket);
	mlc_usage__free(u);
	return 0;
}
