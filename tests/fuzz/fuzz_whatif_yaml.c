/* SPDX-License-Identifier: MIT */
/*
 * fuzz_whatif_yaml.c - a model's `whatif:` section: the input is the
 * section itself (its mapping at the document root). Any bytes must parse
 * or fail cleanly with a positioned error; parsed parameters then drive
 * the pure what-if arithmetic (sizing, the crossover scan, autoscaling,
 * batching) so bad values that slip past the parser show up here.
 */
#include "whatif.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void exercise(const mlc_whatif_params *p)
{
	static const char *const names[3] = {"serverless", "managed_endpoint", "kubernetes"};
	mlc_cost_shape sh[3] = {{0}};
	mlc_volume_range ranges[16];
	double rps[168], rep[168];
	mlc_autoscale a;
	mlc_batch_in in = {0};
	mlc_batch_row row;
	int avail[3] = {1, 1, 1}, trunc;
	size_t n, i;
	double to, cap = p->capacity.given ? p->capacity.v : 1;
	sh[0].slope =
	    p->sl_price_1m.v / 1e6 + p->sl_memory_gb.v * p->sl_seconds.v * p->sl_price_gb_s.v;
	sh[1].step_cost = 730 * (1 + p->managed.premium_pct.v / 100);
	sh[1].step_width = cap * 730 * 3600 / p->peak_to_average.v;
	sh[1].min_steps = p->managed.min.v;
	sh[2].step_cost = 730;
	sh[2].step_width = cap * p->k8s.replicas_per_node.v * 730 * 3600 / p->peak_to_average.v;
	sh[2].min_steps = p->k8s.min.v;
	sh[2].fixed = p->k8s.cluster_usd.v;
	/* a bounded scan: at most 1000 steps of the narrowest fleet */
	mlc_whatif__crossovers(ranges, 16, &n, &trunc, &to, sh, names, avail, 3,
	                       sh[1].step_width * 1000);
	if (p->has_autoscaling &&
	    mlc_whatif__hourly_rps(rps, p->hourly, p->nhours, p->load_relative, 10) == 0)
		mlc_whatif__autoscale(&a, rep, rps, p->nhours, cap, p->as_target_util.v,
		                      p->as_min.v, p->as_max.v, 1, 730);
	if (p->has_batching) {
		in.fixed_ms = p->fixed_ms.v;
		in.per_item_ms = p->per_item_ms.v;
		in.concurrency = p->concurrency.v;
		in.min_replicas = p->b_min.v;
		in.design_rps = in.avg_rps = 10;
		in.latency_slo_ms = p->slo_ms.v;
		in.price_per_hour = 1;
		in.hours_per_month = 730;
		for (i = 0; i < p->nsizes; i++)
			mlc_whatif__batch_row(&row, &in, p->sizes[i]);
	}
	(void)mlc_whatif__cached_count(4, p->hit_ratio.v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mlc_yaml *y = NULL;
	mlc_whatif_params p;
	if (mlc_yaml__load_string(&y, "fuzz.yaml", (const char *)data, size) == 0 &&
	    mlc_whatif__parse(&p, y, mlc_yaml__root(y)) == 0)
		exercise(&p);
	mlc_yaml__free(y);
	return 0;
}
