/* SPDX-License-Identifier: MIT */
/*
 * frontier.h - what the parts of the frontier module share: the result
 * object, and the evaluation step that needs only prices (so tests can
 * drive it without a catalog). Not a public API: see mlcost/whatif.h.
 */
#ifndef MLC_FRONTIER_H
#define MLC_FRONTIER_H

#include "mlcost/whatif.h"

#include <stddef.h>

struct mlc_frontier {
	mlc_frontier_result res;
	mlc_variant *variants; /* strings below are owned copies */
	size_t *by_cost;
	char *catalog;
	char *currency;
	char *verdict;
	long bad; /* the variant whose result is out of range when evaluate fails, else -1 */
};

/* Validate opts and copy n variants (inputs only). EINVAL names what is wrong. */
int mlc_frontier__new(mlc_frontier **out, const mlc_frontier_options *opts,
                      const mlc_variant *variants, size_t n);
/* Record the catalog sources for the report. */
int mlc_frontier__set_catalog(mlc_frontier *f, const char *catalog);
/* With every price_per_hour set: size, cost, rank, frontier, pick. A variant
 * whose instances or cost are out of range (estimate.h) is MLC_EPARSE, and
 * f->bad names it so a loader can point at it. */
int mlc_frontier__evaluate(mlc_frontier *f);

/* Load flags. BUILTIN_ONLY refuses catalog files (for the fuzzer). */
enum { MLC_FRONTIER__BUILTIN_ONLY = 1u };
int mlc_frontier__load(mlc_frontier **out, const char *name, const char *yaml, size_t len,
                       unsigned flags);

#endif
