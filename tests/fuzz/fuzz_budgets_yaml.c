/* SPDX-License-Identifier: MIT */
/*
 * fuzz_budgets_yaml.c - the budgets file loader: any bytes must load or
 * fail cleanly with a positioned error. Every budget that loads is read
 * back whole (so ASan sees any bad pointer) and its status is computed on
 * a fixed series of 1.0 a day from 2024-01-01 to 2024-02-09, where the
 * actual of the period must equal its elapsed days, the forecast must not
 * fall below the actual, and the alerts must come back in ascending order:
 * a difference traps.
 */
#include "mlcost/series.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define JAN_1_2024 19723
#define DAYS 40

static size_t touch(const mlc_budget *b)
{
	size_t i, j, n = strlen(b->name) + strlen(b->description) + strlen(b->currency);
	for (i = 0; i < b->nfilters; i++) {
		n += strlen(b->filters[i].key);
		for (j = 0; j < b->filters[i].nvalues; j++)
			n += strlen(b->filters[i].values[j]);
	}
	return n;
}

static void check(const mlc_budget *b, const mlc_series *s)
{
	mlc_budget_status st;
	size_t i;
	if (touch(b) == (size_t)-1 || mlc_budget_status_compute(&st, b, s, NULL) != 0)
		__builtin_trap();
	if (fabs(st.actual - (double)st.days_elapsed) > 1e-9 ||
	    st.forecast_at_end < st.actual - 1e-9 || st.nalerts != b->nalerts ||
	    st.variance_flagged != (fabs(st.variance) > MLC_BUDGET_VARIANCE_FLAG))
		__builtin_trap();
	for (i = 1; i < st.nalerts; i++)
		if (!(st.alerts[i - 1].pct < st.alerts[i].pct))
			__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static double y[DAYS];
	mlc_series s = {JAN_1_2024, DAYS, y};
	mlc_budgets *b = NULL;
	size_t i;
	for (i = 0; i < DAYS; i++)
		y[i] = 1;
	if (mlc_budgets_load_string(&b, "fuzz.yaml", (const char *)data, size) == 0) {
		for (i = 0; i < mlc_budgets_count(b) && i < 8; i++)
			check(mlc_budgets_get(b, i), &s);
		if (mlc_budgets_count(b) && !mlc_budgets_find(b, mlc_budgets_get(b, 0)->name))
			__builtin_trap();
	} else if (!mlc_error_message()[0]) {
		__builtin_trap();
	}
	mlc_budgets_free(b);
	return 0;
}
