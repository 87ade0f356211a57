/* SPDX-License-Identifier: MIT */
/*
 * fuzz_billing_format.c - format detection and the row mapper on arbitrary
 * text read as a naive CSV (lines split at '\n', fields at ','; the first
 * line is the header). Every dimension, tag, cost basis and the charge
 * start are read from every row, once with whole rows and once with only
 * the planned columns, and the two readings must agree.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "billing_format.h"

#define MAXF 512

/* Split one line into at most MAXF spans. */
static size_t split(mlc_span *out, const char *p, size_t len)
{
	size_t n = 0, start = 0;
	for (size_t i = 0; i <= len && n < MAXF; i++)
		if (i == len || p[i] == ',') {
			out[n].ptr = p + start;
			out[n].len = i - start;
			n++;
			start = i + 1;
		}
	return n;
}

static const char *const names[] = {"ServiceName",
                                    "RegionId",
                                    "ChargeCategory",
                                    "PricingCategory",
                                    "ChargeFrequency",
                                    "ServiceCategory",
                                    "ProviderName",
                                    "SubAccountId",
                                    "ResourceId",
                                    "ChargePeriodStart",
                                    "CommitmentDiscountCategory",
                                    "CommitmentDiscountId",
                                    "tag:team",
                                    "tag:user:model_id",
                                    "tag:aws:createdBy",
                                    "Tags",
                                    "x"};
#define NNAMES (sizeof(names) / sizeof(names[0]))

/* Everything the mapper says about the current row, folded into a number. */
static uint64_t read_row(mlc_billfmt_row *r, mlc_billfmt_source *const *src)
{
	uint64_t h = 1469598103934665603ull;
	mlc_span v;
	mlcu_money m;
	int64_t t;
	for (size_t i = 0; i < NNAMES; i++) {
		int rc = src[i] ? mlc_billfmt__value(&v, r, src[i]) : 0;
		h = (h ^ (uint64_t)(rc + 8)) * 1099511628211ull;
		for (size_t k = 0; rc > 0 && k < v.len; k++)
			h = (h ^ (unsigned char)v.ptr[k]) * 1099511628211ull;
	}
	for (int b = 0; b < 4; b++) {
		int rc = mlc_billfmt__cost_value(&m, r, (mlc_billfmt_basis)b);
		h = (h ^ (uint64_t)(rc + 8) ^ (uint64_t)(rc == 0 ? (uint64_t)m : 0)) *
		    1099511628211ull;
	}
	if (mlc_billfmt__charge_start(&t, r) == 0)
		h = (h ^ (uint64_t)t) * 1099511628211ull;
	return h;
}

static void run(mlc_billfmt *f, const char *text, size_t size, const char *body)
{
	static mlc_tags_cache *cache; /* kept across inputs, as a thread keeps it across files */
	mlc_billfmt_source *src[NNAMES] = {0};
	mlc_billfmt_row *r = NULL;
	static mlc_span all[MAXF], sel[MAXF];
	const uint32_t *cols;
	const unsigned *flags;
	size_t ncols;
	for (size_t i = 0; i < NNAMES; i++)
		(void)mlc_billfmt__resolve(&src[i], f, names[i], NULL);
	for (int b = 0; b < 4; b++)
		(void)mlc_billfmt__need_cost(f, (mlc_billfmt_basis)b);
	(void)mlc_billfmt__need_time(f);
	if (!cache && mlc_tags__cache_new(&cache, 1) != 0)
		goto done;
	if (mlc_billfmt__columns(f, &cols, &flags, &ncols) != 0 ||
	    mlc_billfmt__row_new(&r, cache) != 0)
		goto done;
	for (const char *p = body; p < text + size;) {
		const char *nl = memchr(p, '\n', (size_t)(text + size - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(text + size - p);
		size_t n = split(all, p, len), k = 0;
		uint64_t whole, planned;
		for (size_t i = 0; i < ncols && cols[i] < n; i++)
			sel[k++] = all[cols[i]];
		mlc_billfmt__row_set(r, f, all, n, 2, MLC_BILLFMT_ROW_ALL);
		whole = read_row(r, src);
		mlc_billfmt__row_set(r, f, sel, k, 2, 0);
		planned = read_row(r, src);
		if (whole != planned)
			abort();
		mlc_billfmt__row_set(r, f, sel, k, 2, MLC_BILLFMT_ROW_JSON_RAW);
		(void)read_row(r, src);
		p += len + 1;
	}
done:
	mlc_billfmt__row_free(r);
	for (size_t i = 0; i < NNAMES; i++)
		mlc_billfmt__source_free(src[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static mlc_span header[MAXF];
	const char *text = (const char *)data;
	const char *nl = memchr(text, '\n', size);
	size_t hlen = nl ? (size_t)(nl - text) : size;
	mlc_billfmt *f = NULL;
	if (mlc_billfmt__detect(&f, "fuzz.csv", header, split(header, text, hlen)) == 0)
		run(f, text, size, nl ? nl + 1 : text + size);
	mlc_billfmt__free(f);
	return 0;
}
