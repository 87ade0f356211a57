/* SPDX-License-Identifier: MIT */
/*
 * allocation_keymap.h - the keyed table behind shared-cost allocation, the
 * usage aggregation and the unit-cost join: (period, tag, string) -> a
 * fixed-size payload, with dense indexes in insertion order. The string
 * may be "missing" (NULL), which is a key of its own (the untagged row).
 *
 * What it is: open addressing on a 64-bit hash, strings copied once into
 * chunks that never move (so a key's text stays valid as the table grows),
 * a hard maximum on the number of keys (MLC_ETOOLARGE beyond it). What it
 * is not: a general hash map (no deletion, no iteration order but
 * insertion), nor thread-safe. Payload pointers are valid until the next
 * insertion (the payload array may move); key strings until the map is
 * freed.
 */
#ifndef MLC_ALLOCATION_KEYMAP_H
#define MLC_ALLOCATION_KEYMAP_H

#include <stddef.h>
#include <stdint.h>

#include "mlcost/common.h"

typedef struct mlc_keymap mlc_keymap;

/* A map whose entries carry payload_size bytes (zeroed on insertion), at
 * most max_keys keys. */
int mlc_alloc__km_new(mlc_keymap **out, size_t payload_size, size_t max_keys);
void mlc_alloc__km_free(mlc_keymap *m);

/*
 * Index of the key (period, tag, s[0..len)), inserted with a zeroed payload
 * when new (*created, may be NULL, says so). s == NULL is the missing
 * value. MLC_ENOMEM, or MLC_ETOOLARGE "more than N distinct keys" (message
 * set; callers prefix what the keys are).
 */
int mlc_alloc__km_get(size_t *out, int *created, mlc_keymap *m, int64_t period, uint32_t tag,
                      const char *s, size_t len);

/* Index of an existing key, or MLC_ENOTFOUND (no message). */
int mlc_alloc__km_find(size_t *out, const mlc_keymap *m, int64_t period, uint32_t tag,
                       const char *s, size_t len);

size_t mlc_alloc__km_count(const mlc_keymap *m);
void *mlc_alloc__km_payload(const mlc_keymap *m, size_t i);
/* The key's text (NUL-terminated, stable until the map is freed), NULL when missing. */
const char *mlc_alloc__km_str(const mlc_keymap *m, size_t i, size_t *len);
int64_t mlc_alloc__km_period(const mlc_keymap *m, size_t i);
uint32_t mlc_alloc__km_tag(const mlc_keymap *m, size_t i);

/*
 * Order of two optional strings as reports sort them: missing first, then
 * bytewise (memcmp, shorter first on a common prefix). <0, 0, >0.
 */
int mlc_alloc__strcmp(const char *a, size_t alen, const char *b, size_t blen);

#endif
