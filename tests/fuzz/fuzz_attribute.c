/* SPDX-License-Identifier: MIT */
/*
 * fuzz_attribute.c - the whole attribution path on a bill in memory:
 * decompression by magic bytes, format detection from the header, CSV
 * scanning, the format's row mapping (costs, tags, time), filters,
 * interning, grouping and exact sums, sorting, and both output formats.
 * The first input byte picks the options (dimensions, bucket, bases,
 * filters, lenient, small caps) so that every path is reached; the rest is
 * the bill. Any input must return cleanly: a result whose total equals the
 * sum of its groups, or an error with a message.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <mlcost.h>
#include <mlcost/bills.h>

static void check_total(const mlc_bills_result *r)
{
	for (size_t b = 0; b < r->nbases; b++) {
		mlc_amount sum = {0, 0};
		uint64_t rows = 0;
		for (size_t g = 0; g < r->ngroups; g++) {
			if (mlc_amount_add(&sum, r->groups[g].cost[b]) != 0)
				__builtin_trap();
			rows += r->groups[g].rows;
		}
		if (mlc_amount_cmp(sum, r->total[b]) != 0 || rows != r->rows_matched)
			__builtin_trap();
	}
	if (r->rows_matched + r->rows_skipped > r->rows_read)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const dims[][3] = {{"tag:team", "ServiceName", "tag:model_id"},
	                                      {"ChargeCategory", "ResourceId", "RegionId"}};
	static const char *const where[] = {"tag:team=x", "ServiceName!=b", "tag:model_id="};
	static const mlc_cost_basis bases[] = {MLC_COST_BILLED, MLC_COST_EFFECTIVE};
	static FILE *sink;
	mlc_bills_options o = MLC_BILLS_OPTIONS_INIT;
	mlc_bills_result *r = NULL;
	unsigned sel;
	if (size < 1)
		return 0;
	if (!sink && !(sink = fopen("/dev/null", "w")))
		return 0;
	sel = data[0];
	o.by = dims[sel & 1];
	o.nby = 1 + (sel >> 1) % 3;
	o.bucket = (mlc_time_bucket)((sel >> 3) & 3);
	o.bases = bases;
	o.nbases = (sel & 32) ? 2 : 1;
	o.where = where;
	o.nwhere = (sel & 64) ? 3 : 0;
	o.lenient = (sel & 128) != 0;
	o.max_groups = (sel & 4) ? 3 : 0;
	o.threads = 1;
	if (mlc_bills_aggregate_mem(&r, data + 1, size - 1, "fuzz.csv", &o) == 0) {
		check_total(r);
		mlc_bills_sort(r, r->nbases - 1);
		mlc_bills_write(r, MLC_BILLS_CSV, sink);
		mlc_bills_write(r, MLC_BILLS_JSON, sink);
		mlc_bills_result_free(r);
	} else if (!mlc_error_message()[0]) {
		__builtin_trap(); /* every failure says why */
	}
	return 0;
}
