/* SPDX-License-Identifier: MIT */
/*
 * estimate_json.h - the JSON writer of the estimate reports and the small
 * builder helpers used to assemble jansson trees for it. Doubles are
 * written in shortest round-trip form, non-finite ones as null.
 *
 * Not a public API; mlc_estimate_json (costmodel.h) is.
 */
#ifndef MLC_ESTIMATE_JSON_H
#define MLC_ESTIMATE_JSON_H

#include <jansson.h>

/* A tree being built: any failed allocation sets failed, checked once at the end. */
typedef struct mlc_estimate__jb {
	int failed;
} mlc_estimate__jb;

/* Write root indented by two spaces, newline-terminated; *out is mlcu_free'd. */
int mlc_estimate__dump_json(char **out, json_t *root);

json_t *mlc_estimate__object(mlc_estimate__jb *jb);
json_t *mlc_estimate__real(double v);
/* Set obj[key] = v (stealing v); a NULL v or obj marks the builder failed. */
void mlc_estimate__set(mlc_estimate__jb *jb, json_t *obj, const char *key, json_t *v);
void mlc_estimate__set_real(mlc_estimate__jb *jb, json_t *obj, const char *key, double v);
/* A string, or null when s is NULL. */
void mlc_estimate__set_str(mlc_estimate__jb *jb, json_t *obj, const char *key, const char *s);

#endif
