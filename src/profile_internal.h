/* SPDX-License-Identifier: MIT */
/*
 * profile_internal.h - what other modules of libmlcost (compare) may read of
 * a loaded profile beyond the public API: the YAML document it came from and
 * each model's node, so a module can parse its own section (`whatif:`) with
 * positions in its errors.
 */
#ifndef MLC_PROFILE_INTERNAL_H
#define MLC_PROFILE_INTERNAL_H

#include "mlcost/costmodel.h"
#include "yamldoc.h"

const mlc_yaml *mlc_profile__yaml(const mlc_profile *p);
/* The mapping node of model i, or NULL for models built in code. */
struct fy_node *mlc_profile__model_node(const mlc_profile *p, size_t i);

#endif
