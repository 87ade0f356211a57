/* SPDX-License-Identifier: MIT */
/*
 * fuzz_variants_yaml.c - the variants file of `mlcost frontier`: any bytes
 * must load or fail cleanly. Catalog files are refused (only builtin:
 * sources load) so the input cannot make the fuzzer open paths. A loaded
 * result is rendered both ways.
 */
#include "frontier.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mlc_frontier *f = NULL;
	char *text = NULL;
	if (mlc_frontier__load(&f, "fuzz.yaml", (const char *)data, size,
	                       MLC_FRONTIER__BUILTIN_ONLY) == 0) {
		if (mlc_frontier_render(&text, f, MLC_WHATIF_JSON) == 0)
			mlc_whatif_text_free(text);
		if (mlc_frontier_render(&text, f, MLC_WHATIF_CSV) == 0)
			mlc_whatif_text_free(text);
	}
	mlc_frontier_free(f);
	return 0;
}
