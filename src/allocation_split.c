/* SPDX-License-Identifier: MIT */
/*
 * allocation_split.c - the exact arithmetic of allocation: a 128x128-bit
 * multiply with a 256-bit intermediate divided back to 128 bits, and the
 * largest-remainder split that hands out a pool to the last 10^-12 unit.
 * Why 256 bits: a pool (up to 10^36 units) times a proportional weight (a
 * direct cost, also up to 10^36 units) does not fit in __int128.
 *
 * It is not a bignum library: only what allocation and unit cost need.
 */
#include "allocation.h"
#include "util/sort.h"
#include "util/alloc.h"
#include "util/error.h"

#include <stdlib.h>

#define LO64(x) ((uint64_t)(x))
#define HI64(x) ((uint64_t)((x) >> 64))

/* The 256-bit product a*b as hi:lo. */
static void mul256(mlc_u128 *hi, mlc_u128 *lo, mlc_u128 a, mlc_u128 b)
{
	mlc_u128 ll = (mlc_u128)LO64(a) * LO64(b);
	mlc_u128 lh = (mlc_u128)LO64(a) * HI64(b);
	mlc_u128 hl = (mlc_u128)HI64(a) * LO64(b);
	mlc_u128 hh = (mlc_u128)HI64(a) * HI64(b);
	/* middle column: high half of ll plus the low halves of the cross terms */
	mlc_u128 mid = (mlc_u128)HI64(ll) + LO64(lh) + LO64(hl);
	*lo = ((mlc_u128)LO64(mid) << 64) | LO64(ll);
	*hi = hh + HI64(lh) + HI64(hl) + HI64(mid);
}

int mlc_alloc__muldiv(mlc_u128 *q, mlc_u128 *r, mlc_u128 a, mlc_u128 b, mlc_u128 c)
{
	mlc_u128 hi, lo, rem, quo = 0;
	int i;
	if (c == 0)
		return MLC_EINVAL;
	mul256(&hi, &lo, a, b);
	if (hi == 0) {
		*q = lo / c;
		*r = lo % c;
		return 0;
	}
	if (hi >= c)
		return MLC_ETOOLARGE;
	/* restoring division of hi:lo by c, one bit of lo at a time; rem < c
	 * throughout, and the bit shifted out of rem is kept as a carry */
	rem = hi;
	for (i = 127; i >= 0; i--) {
		int carry = (int)(rem >> 127);
		rem = (rem << 1) | ((lo >> i) & 1);
		quo <<= 1;
		if (carry || rem >= c) {
			rem -= c;
			quo |= 1;
		}
	}
	*q = quo;
	*r = rem;
	return 0;
}

/* |v| as an unsigned value, exact for every v (the most negative too). */
static mlc_u128 uabs(mlcu_money v)
{
	return v < 0 ? (mlc_u128)0 - (mlc_u128)v : (mlc_u128)v;
}

/* sign(total) * m, wrapping through unsigned so m = 2^127 stays defined. */
static mlcu_money with_sign(mlc_u128 m, int negative)
{
	return (mlcu_money)(negative ? (mlc_u128)0 - m : m);
}

void mlc_alloc__split_even(mlcu_money *out, mlcu_money total, size_t n)
{
	mlc_u128 t = uabs(total), q = t / n, left = t % n;
	size_t i;
	for (i = 0; i < n; i++)
		out[i] = with_sign(q + (i < left), total < 0);
}

typedef struct rank {
	mlc_u128 rem;
	size_t idx;
} rank;

/* largest remainder first; on a tie the lower index first */
static int by_remainder(const void *pa, const void *pb)
{
	const rank *a = pa, *b = pb;
	if (a->rem != b->rem)
		return a->rem > b->rem ? -1 : 1;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

int mlc_alloc__split(mlcu_money *out, mlcu_money total, const mlc_u128 *w, size_t n)
{
	mlc_u128 t = uabs(total), sum = 0, given = 0, left;
	rank *rk = NULL;
	size_t i;
	int rc = 0;
	for (i = 0; i < n; i++)
		if (__builtin_add_overflow(sum, w[i], &sum))
			return mlcu_error_set(MLC_ETOOLARGE, "allocation weights overflow");
	if (sum == 0)
		return mlcu_error_set(MLC_EINVAL, "allocation weights are all zero");
	if (!(rk = mlcu_malloc(n * sizeof(*rk))))
		return mlcu_error_oom();
	for (i = 0; i < n; i++) {
		mlc_u128 q;
		/* w[i] <= sum, so the quotient is at most t and always fits */
		if ((rc = mlc_alloc__muldiv(&q, &rk[i].rem, t, w[i], sum)) != 0)
			goto done;
		rk[i].idx = i;
		out[i] = (mlcu_money)q; /* unsigned for now; signed below */
		given += q;
	}
	/* Σ floors is within n units of t: those units go to the largest remainders */
	left = t - given;
	mlcu_qsort(rk, n, sizeof(*rk), by_remainder);
	for (i = 0; i < n && (mlc_u128)i < left; i++)
		out[rk[i].idx] = (mlcu_money)((mlc_u128)out[rk[i].idx] + 1);
	for (i = 0; i < n; i++)
		out[i] = with_sign((mlc_u128)out[i], total < 0);
done:
	mlcu_free(rk);
	return rc;
}

const char *mlc_alloc__split_name(mlc_alloc_split s)
{
	switch (s) {
	case MLC_ALLOC_EVEN:
		return "even";
	case MLC_ALLOC_PROPORTIONAL:
		return "proportional";
	case MLC_ALLOC_USAGE:
		return "usage";
	}
	return "?";
}

const char *mlc_alloc__metric_name(mlc_alloc_metric m)
{
	static const char *const names[] = {"requests", "input_tokens", "output_tokens", "tokens"};
	return (unsigned)m < MLC_ALLOC_METRIC_COUNT ? names[m] : "?";
}
