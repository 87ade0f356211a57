/* SPDX-License-Identifier: MIT */
/*
 * fuzz_catalog_csv.c - mlcost catalog CSV through mlc_catalog_load_buffer
 * and mlc_catalog_validate_buffer: any input must load or fail with a
 * message, never crash or leak; what loads must answer lookups.
 */
#include <stdint.h>
#include <string.h>

#include "mlcost.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void exercise(const mlc_catalog *cat)
{
	size_t i, n = mlc_catalog_count(cat);
	for (i = 0; i < n && i < 8; i++) {
		const mlc_price_entry *e = mlc_catalog_entry(cat, i), *f;
		mlc_token_price tp;
		double p;
		int pm;
		if (mlc_catalog_find(&f, cat, e->resource) != 0)
			__builtin_trap(); /* every loaded resource is found */
		for (pm = 0; pm < MLC_PRICING_COUNT; pm++)
			(void)mlc_catalog_hourly_price(&p, cat, e->resource, (mlc_pricing_model)pm);
		(void)mlc_catalog_token_price(&tp, cat, e->resource);
	}
	{
		const mlc_price_entry *f;
		(void)mlc_catalog_find(&f, cat, "no-such-resource.xlarge");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mlc_catalog *cat = NULL;
	mlc_catalog_findings *fnd = NULL;
	if (mlc_catalog_new(&cat) != 0)
		return 0;
	if (mlc_catalog_load_buffer(cat, "fuzz.csv", (const char *)data, size) == 0)
		exercise(cat);
	else if (mlc_catalog_count(cat) != 0 || mlc_error_message()[0] == '\0')
		__builtin_trap(); /* a failed load adds nothing and says why */
	mlc_catalog_free(cat);
	if (mlc_catalog_validate_buffer(&fnd, "fuzz.csv", (const char *)data, size) == 0) {
		size_t i;
		for (i = 0; i < mlc_catalog_findings_count(fnd); i++)
			if (strncmp(mlc_catalog_finding(fnd, i), "fuzz.csv", 8) != 0)
				__builtin_trap(); /* every finding names its place */
	}
	mlc_catalog_findings_free(fnd);
	return 0;
}
