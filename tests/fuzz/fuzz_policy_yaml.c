/* SPDX-License-Identifier: MIT */
/*
 * fuzz_policy_yaml.c - the policy loader of `mlcost check`: any bytes must
 * load or fail cleanly with a positioned error. A policy that loads and
 * names no file (no budgets or registry rule: those would read whatever
 * path the input names) is checked without a store: the store rules must
 * be refused with MLC_EINVAL, the cost rule must give one skipped finding,
 * and the JUnit report of the findings must be written whole.
 */
#include "mlcost/policy.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int mentions(const uint8_t *data, size_t size, const char *word)
{
	size_t n = strlen(word);
	for (size_t i = 0; i + n <= size; i++)
		if (!memcmp(data + i, word, n))
			return 1;
	return 0;
}

static void check(const mlc_policy *p)
{
	mlc_policy_report *r = NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int rc = mlc_policy_check(&r, p, NULL, NULL);
	if (rc == MLC_EINVAL)
		return; /* required_tags without a store */
	if (rc != 0 || r->n != 1 || r->nskipped != 1 || r->findings[0].status != MLC_POLICY_SKIP)
		__builtin_trap();
	if ((f = open_memstream(&buf, &len)) != NULL) {
		if (mlc_policy_report_junit(r, "fuzz", f) != 0)
			__builtin_trap();
		fclose(f);
		if (!strstr(buf, "</testsuites>"))
			__builtin_trap();
		free(buf);
	}
	mlc_policy_report_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mlc_policy *p = NULL;
	if (mlc_policy_load_string(&p, "fuzz.yaml", "/nonexistent", (const char *)data, size) ==
	    0) {
		if (!mentions(data, size, "budgets") && !mentions(data, size, "registry"))
			check(p);
	} else if (!mlc_error_message()[0]) {
		__builtin_trap();
	}
	mlc_policy_free(p);
	return 0;
}
