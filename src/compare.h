/* SPDX-License-Identifier: MIT */
/*
 * compare.h - what the parts of the compare module share: the result
 * object under construction and the helpers that append scenarios,
 * assumptions and owned strings to it. compare.c runs the pricing and
 * caching what-ifs, compare_fleet.c the ones that re-size the inference
 * fleet, compare_render.c writes JSON and CSV. Not a public API.
 */
#ifndef MLC_COMPARE_H
#define MLC_COMPARE_H

#include "mlcost/costmodel.h"
#include "mlcost/whatif.h"
#include "whatif.h"

#include <stddef.h>

#define MLC_COMPARE_MAX_ITEMS 256 /* scenarios, assumptions: far above what one model makes */

struct mlc_compare {
	mlc_compare_result res;
	/* while building */
	const mlc_profile *p;
	const mlc_model_profile *m;
	const mlc_yaml *y;
	struct fy_node *at; /* the model's `whatif:` (else the model) for errors, or NULL */
	mlc_whatif_params prm;
	mlc_model_estimate base;
	double hours;    /* inference hours per month */
	double capacity; /* per replica, 0 when unknown */
	int rc;          /* first allocation failure */
	/* owned */
	mlc_scenario *sc;
	size_t nsc;
	mlc_assumption *as;
	size_t nas;
	mlc_arch_option arch[3];
	mlc_volume_range *ranges;
	mlc_batch_row *batch;
	double *hourly_rps, *hourly_replicas;
	char **strs;
	size_t nstrs, capstrs;
};

/* A formatted string owned by c; "" (and c->rc set) when memory runs out. */
const char *mlc_compare__str(mlc_compare *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* "1 replica", "3 replicas": n and noun, plural unless n is 1 (owned by c). */
const char *mlc_compare__count(mlc_compare *c, double n, const char *noun);
/* Record a parameter: key, value as text, "profile" / "default" / "derived". */
void mlc_compare__assume(mlc_compare *c, const char *key, const char *value, const char *origin);
void mlc_compare__assume_num(mlc_compare *c, const char *key, const mlc_wnum *n);
/* Append an unavailable scenario (fill it before the next append); NULL on failure. */
mlc_scenario *mlc_compare__scenario(mlc_compare *c, const char *section, const char *name);
/* Mark s computed: what it changes costs phase_cost, the model then costs total. */
void mlc_compare__result(mlc_compare *c, mlc_scenario *s, double phase_cost, double total);

/*
 * Hourly price of instance under pm from the profile's catalog. *offered is
 * 0 (and rc 0) when the catalog has the instance but not that price; an
 * unknown instance is an error at node (or without position when NULL).
 */
int mlc_compare__price(double *out, int *offered, mlc_compare *c, const char *instance,
                       mlc_pricing_model pm, struct fy_node *node);

int mlc_compare__architecture(mlc_compare *c);
int mlc_compare__autoscaling(mlc_compare *c);
int mlc_compare__batching(mlc_compare *c);

#endif
