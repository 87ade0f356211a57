/* SPDX-License-Identifier: MIT */
/*
 * fuzz_profile_yaml.c - the cost-profile loader (mlc_profile_load_string's
 * path) on arbitrary bytes, and, when a profile loads, the estimate and its
 * JSON. Catalog files are refused (MLC_PROFILE__BUILTIN_ONLY) so the input
 * cannot make the target open paths of its choosing.
 */
#include "profile.h"

#include <mlcost.h>

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mlc_profile *p = NULL;
	mlc_estimate *e = NULL;
	char *json = NULL;
	if (mlc_profile__load(&p, "fuzz.yaml", (const char *)data, size,
	                      MLC_PROFILE__BUILTIN_ONLY) != 0) {
		if (p || mlc_error_message()[0] == '\0')
			__builtin_trap(); /* a failed load returns nothing and says why */
		return 0;
	}
	if (mlc_estimate_profile(&e, p, NULL) == 0 && mlc_estimate_json(&json, e) == 0 &&
	    strlen(json) == 0)
		__builtin_trap(); /* a document is never empty */
	mlc_estimate_json_free(json);
	mlc_estimate_free(e);
	mlc_profile_free(p);
	return 0;
}
