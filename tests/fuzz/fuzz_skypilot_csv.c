/* SPDX-License-Identifier: MIT */
/*
 * fuzz_skypilot_csv.c - SkyPilot catalog CSV through mlc_catalog_load_buffer
 * and mlc_catalog_validate_buffer. Inputs that do not start with a SkyPilot
 * header get one, so the fuzzer spends its time in the rows.
 */
#include <stdint.h>
#include <stdlib.h>
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

static const char header[] = "InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,"
			     "GpuInfo,Price,SpotPrice,Region,AvailabilityZone\n";

static void run(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf;
	if (size >= 12 && !memcmp(data, "InstanceType", 12)) {
		run(data, size);
		return 0;
	}
	buf = malloc(sizeof(header) - 1 + size);
	if (buf == NULL)
		return 0;
	memcpy(buf, header, sizeof(header) - 1);
	if (size)
		memcpy(buf + sizeof(header) - 1, data, size);
	run(buf, sizeof(header) - 1 + size);
	free(buf);
	return 0;
}

static void run(const uint8_t *data, size_t size)
{
	mlc_catalog *cat = NULL;
	mlc_catalog_findings *fnd = NULL;
	if (mlc_catalog_new(&cat) != 0)
		return;
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
}
