/* SPDX-License-Identifier: MIT */
/*
 * profile.h - what the parts of the profile module share: the loaded
 * profile itself, its limits, and the model-section reader that
 * profile.c calls for each entry of `models:`.
 *
 * Not a public API: other modules read profiles through
 * include/mlcost/costmodel.h and src/profile_internal.h.
 */
#ifndef MLC_PROFILE_H
#define MLC_PROFILE_H

#include "mlcost/costmodel.h"
#include "yamldoc.h"

/* Limits on what one profile may hold; hostile input fails with ETOOLARGE. */
#define MLC_PROFILE__MAX_MODELS        10000 /* entries of `models:` */
#define MLC_PROFILE__MAX_CATALOGS      32    /* entries of `catalog:` */
#define MLC_PROFILE__MAX_PATH          4096  /* bytes of a resolved catalog path */
#define MLC_PROFILE__MAX_STORAGE_ITEMS 1000  /* named entries of one storage.gb */

#define MLC_PROFILE__DEFAULT_CATALOG         "builtin:seed"
#define MLC_PROFILE__DEFAULT_HOURS_PER_MONTH 730.0
#define MLC_PROFILE__DEFAULT_DAYS_PER_MONTH  30.0
#define MLC_PROFILE__DEFAULT_HOURS_PER_YEAR  8760.0

/* Load flags. BUILTIN_ONLY refuses catalog files (fuzzing must not open
 * whatever path the input names). */
enum { MLC_PROFILE__BUILTIN_ONLY = 1u };

struct mlc_profile {
	mlc_yaml *yaml; /* owns every string the models borrow */
	mlc_catalog *catalog;
	const char *currency;
	double hours_per_month;
	double days_per_month;
	double fte_cost_per_year; /* organisation default; < 0 when not given */
	double hours_per_year;    /* organisation default */
	size_t nmodels;
	size_t cap_models; /* entries allocated in models */
	mlc_model_profile *models;
	struct fy_node **nodes; /* mapping node of each model */
};

/* Load from memory with flags; mlc_profile_load_string is flags 0. */
int mlc_profile__load(mlc_profile **out, const char *name, const char *yaml, size_t len,
                      unsigned flags);


/*
 * Read one entry of `models:` (node) into *m, with the organisation
 * defaults of p applied. Instances and LLM models are looked up in
 * p->catalog so that an unknown name is reported at its position.
 */
int mlc_profile__read_model(mlc_profile *p, struct fy_node *node, mlc_model_profile *m);

#endif
