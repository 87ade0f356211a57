/* SPDX-License-Identifier: MIT */
/*
 * meter_price.c - mlc_event_price: the exact cost of one metered event
 * from a pricing catalog, in 10^-12 USD (mlc_amount).
 *
 * Catalog prices are doubles; each is read as the decimal of 12
 * significant digits nearest to it (0.526 stays 0.526, a spot price
 * computed as 0.526 * 0.7 = 0.36819999999999997 is 0.3682). A quantity
 * (seconds) is read as the shortest decimal that gives back its double,
 * which is the text the client sent. Both decimals are multiplied exactly
 * in 128 bits and divided once (by 3600, and by the GPU count), rounding
 * half-even at 10^-12. The method and worked examples: docs/events.md.
 * Not here: which catalog is in force (the server's), parsing events.
 */
#include "meter_internal.h"
#include "util/error.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef __int128 i128;

/* value = m x 10^e, m >= 0 */
typedef struct dec {
	i128 m;
	int e;
} dec;

/* 10^36 units of 10^-12 USD: the 10^24 USD limit of an mlc_amount */
#define LIMIT ((i128)1000000000000000000LL * 1000000000000000000LL)

static const double exact_pow10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                       1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/*
 * The fast path of both conversions below: the decimal m / 10^k with the
 * fewest fraction digits k and m < limit (10^digits) that reads back as v.
 * Such a decimal is unique (decimals of at most 15 digits map to distinct
 * doubles) and so is the one printf would find. 0, or -1 to take printf.
 */
static int dec_fast(dec *out, double v, double limit)
{
	int k;
	for (k = 0; k <= 22; k++) {
		double x = v * exact_pow10[k];
		uint64_t m;
		if (x >= limit)
			return -1;
		m = (uint64_t)(x + 0.5);
		/* m < 2^53 and 10^k exact: one correctly rounded division */
		if ((double)m / exact_pow10[k] == v) {
			out->m = m;
			out->e = -k;
			return 0;
		}
	}
	return -1;
}

/* The decimal of v (finite, >= 0) with `digits` significant digits. */
static void dec_digits(dec *out, double v, int digits)
{
	char b[64];
	int n, k, exp = 0, neg = 0, frac = -1;
	if (dec_fast(out, v, exact_pow10[digits]) == 0)
		return;
	n = snprintf(b, sizeof(b), "%.*e", digits - 1, v);
	out->m = 0;
	out->e = 0;
	/* "d.ddde[+-]xx", the point being the locale's: any non-digit before 'e' */
	for (k = 0; k < n && b[k] != 'e'; k++) {
		if (b[k] >= '0' && b[k] <= '9') {
			out->m = out->m * 10 + (b[k] - '0');
			frac += frac >= 0;
		} else if (frac < 0) {
			frac = 0;
		}
	}
	if (k < n && b[++k] == '-')
		neg = 1;
	for (k++; k < n; k++)
		exp = exp * 10 + (b[k] - '0');
	out->e = (neg ? -exp : exp) - (frac > 0 ? frac : 0);
	while (out->m != 0 && out->m % 10 == 0) {
		out->m /= 10;
		out->e++;
	}
}

/* The shortest decimal (15 to 17 digits) that reads back as v. */
static void dec_shortest(dec *out, double v)
{
	char b[48];
	int d;
	if (dec_fast(out, v, 1e15) == 0)
		return;
	for (d = 15; d < 17; d++) {
		snprintf(b, sizeof(b), "%.*e", d - 1, v);
		if (strtod(b, NULL) == v)
			break;
	}
	dec_digits(out, v, d);
}

/* *acc += round_half_even(a.m * b.m * 10^(a.e + b.e + 12) / div); ETOOLARGE past 10^36. */
static int add_product(i128 *acc, dec a, dec b, i128 div)
{
	i128 num, q, r;
	int k;
	if (a.m == 0 || b.m == 0)
		return 0;
	if (__builtin_mul_overflow(a.m, b.m, &num))
		return MLC_ETOOLARGE;
	for (k = a.e + b.e + 12; k > 0; k--)
		if (__builtin_mul_overflow(num, (i128)10, &num))
			return MLC_ETOOLARGE;
	for (; k < 0; k++) {
		/* num < 2 x 10^31 (digits of a quantity times 12 of a price): once
		 * div passes 10^37 the quotient rounds to 0 */
		if (__builtin_mul_overflow(div, (i128)10, &div))
			return 0;
	}
	q = num / div;
	r = num % div;
	if (2 * r > div || (2 * r == div && (q & 1)))
		q++;
	if (q >= LIMIT || (*acc += q) >= LIMIT)
		return MLC_ETOOLARGE;
	return 0;
}

/* A catalog price must be a finite non-negative number. */
static int price_dec(dec *out, double price, const char *what, const char *name)
{
	if (!isfinite(price) || price < 0)
		return mlcu_error_set(MLC_EPARSE, "%s '%s': price %g is not a usable price", what,
		                      name, price);
	dec_digits(out, price, 12);
	return 0;
}

static int compute_cost(i128 *acc, const mlc_event *ev, const mlc_catalog *cat)
{
	const mlc_price_entry *e;
	double hourly;
	dec price, secs;
	int rc;
	if (mlc_catalog_find(&e, cat, ev->instance) != 0)
		return mlcu_error_prefix("field 'instance': ");
	/* one lookup on the hot path; the catalog words the message otherwise */
	if (e->unit != MLC_UNIT_HOUR || !e->offered[ev->pricing]) {
		rc = mlc_catalog_hourly_price(&hourly, cat, ev->instance, ev->pricing);
		return rc ? mlcu_error_prefix("field 'instance': ") : MLC_EPARSE;
	}
	hourly = e->price[ev->pricing];
	if ((rc = price_dec(&price, hourly, "instance", ev->instance)) != 0)
		return rc;
	if (ev->compute_seconds > 0) {
		dec_shortest(&secs, ev->compute_seconds);
		return add_product(acc, secs, price, 3600);
	}
	if (ev->gpu_seconds > 0) {
		if (e->gpus < 1)
			return mlcu_error_set(
			    MLC_EPARSE,
			    "field 'gpu_seconds': instance '%s' has no GPUs in the "
			    "catalog (send compute_seconds)",
			    ev->instance);
		dec_shortest(&secs, ev->gpu_seconds);
		return add_product(acc, secs, price, (i128)3600 * e->gpus);
	}
	return 0;
}

static int token_cost(i128 *acc, const mlc_event *ev, const mlc_catalog *cat)
{
	mlc_token_price tp;
	dec in, out, cached, n;
	int rc;
	if (mlc_catalog_token_price(&tp, cat, ev->llm_model) != 0)
		return mlcu_error_prefix("field 'llm_model': ");
	if ((rc = price_dec(&in, tp.input, "LLM", ev->llm_model)) != 0 ||
	    (rc = price_dec(&out, tp.output, "LLM", ev->llm_model)) != 0 ||
	    (rc = price_dec(&cached, tp.has_cached_input ? tp.cached_input : tp.input, "LLM",
	                    ev->llm_model)) != 0)
		return rc;
	n.e = 0;
	n.m = ev->input_tokens;
	if ((rc = add_product(acc, n, in, 1)) != 0)
		return rc;
	n.m = ev->cached_input_tokens;
	if ((rc = add_product(acc, n, cached, 1)) != 0)
		return rc;
	n.m = ev->output_tokens;
	return add_product(acc, n, out, 1);
}

int mlc_event_price(mlc_amount *out, const mlc_event *ev, const mlc_catalog *cat)
{
	i128 acc = 0;
	int rc;
	out->hi = 0;
	out->lo = 0;
	if (ev == NULL)
		return mlcu_error_set(MLC_EINVAL, "mlc_event_price: no event");
	if ((rc = mlc_event_check(ev)) != 0)
		return rc;
	if (ev->has_cost_usd) {
		*out = ev->cost_usd;
		return 0;
	}
	if (cat == NULL && (ev->instance || ev->llm_model))
		return mlcu_error_set(MLC_EINVAL, "mlc_event_price: no catalog");
	if (ev->instance && (rc = compute_cost(&acc, ev, cat)) != 0)
		goto done;
	if (ev->llm_model && (rc = token_cost(&acc, ev, cat)) != 0)
		goto done;
	out->hi = (int64_t)(acc >> 64);
	out->lo = (uint64_t)acc;
done:
	if (rc == MLC_ETOOLARGE)
		mlcu_error_set(rc, "the event's cost is beyond 10^24 USD");
	return rc;
}
