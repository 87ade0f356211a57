/* SPDX-License-Identifier: MIT */
/*
 * util/sha256.h - SHA-256 (FIPS 180-4), incremental, libc only. Used to
 * fingerprint ingested billing files so a re-ingest of the same bytes can
 * be recognised and every slice in the store traced to its source. Not a
 * general crypto library: no HMAC, no constant-time guarantees needed.
 */
#ifndef MLCU_SHA256_H
#define MLCU_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define MLCU_SHA256_LEN     32
#define MLCU_SHA256_HEX_LEN 64 /* without the NUL */

typedef struct mlcu_sha256 {
	uint32_t h[8];
	uint64_t nbytes;
	unsigned char block[64];
	size_t used;
} mlcu_sha256;

void mlcu_sha256_init(mlcu_sha256 *c);
void mlcu_sha256_update(mlcu_sha256 *c, const void *data, size_t len);
void mlcu_sha256_final(unsigned char out[MLCU_SHA256_LEN], mlcu_sha256 *c);
/* Lower-case hex of a digest into out[65] (NUL-terminated). */
void mlcu_sha256_hex(char out[MLCU_SHA256_HEX_LEN + 1], const unsigned char d[MLCU_SHA256_LEN]);

#endif
