/* SPDX-License-Identifier: MIT */
/*
 * estimate.h - what the cost engines (estimate, compare, frontier) share
 * about the numbers they hand out: every computed value must be finite
 * and at most MLC_ESTIMATE__MAX_MAGNITUDE in size. Inputs are checked one
 * by one where they are read, but products and quotients of valid inputs
 * (a count of 1e300, a throughput of 1e-300 requests/s) can still overflow
 * or reach sizes no budget has; such a result is refused as bad input
 * rather than printed as inf, NaN or a 300-digit table cell.
 *
 * Not a public API.
 */
#ifndef MLC_ESTIMATE_H
#define MLC_ESTIMATE_H

#include <stddef.h>

/* A thousand trillion (a month, a request, a percent): far above any real
 * ML budget, far below where doubles lose whole units or tables overflow. */
#define MLC_ESTIMATE__MAX_MAGNITUDE 1e15

/* One named result, for the message that names the first one out of range. */
typedef struct mlc_estimate__value {
	const char *name;
	double v;
} mlc_estimate__value;

/* 1 when v is finite and |v| <= MLC_ESTIMATE__MAX_MAGNITUDE. */
int mlc_estimate__in_range(double v);

/*
 * The first of vals[0..n) out of range, or NULL when all are in range.
 * Its message text ("'cost_per_request' = 1.2e+20 is out of range ...") is
 * written to msg (n bytes) for the caller to place.
 */
const mlc_estimate__value *mlc_estimate__first_out_of_range(const mlc_estimate__value *vals,
                                                            size_t n, char *msg, size_t msgn);

#endif
