/* SPDX-License-Identifier: MIT */
/*
 * wal_scan.c - the log's record format, read side: CRC-32C and the scan
 * that walks a segment's bytes, checking each record's length, checksum
 * and sequence, and stops at the first one that is incomplete or bad.
 * Recovery, the compactor and the fuzz target all go through the scan, so
 * what a crash or a bad disk leaves behind is read by one tested path.
 *
 * What it is not: file handling (wal.c, wal_read.c).
 */
#include "wal.h"

#include <pthread.h>
#include <string.h>

/* ---- CRC-32C, slicing by 8 ------------------------------------------------------------- */

static uint32_t crc_table[8][256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0x82F63B78u : c >> 1; /* Castagnoli, reflected */
		crc_table[0][i] = c;
	}
	for (uint32_t i = 0; i < 256; i++)
		for (int t = 1; t < 8; t++)
			crc_table[t][i] =
			    (crc_table[t - 1][i] >> 8) ^ crc_table[0][crc_table[t - 1][i] & 0xff];
}

uint32_t mlcd_crc32c(uint32_t crc, const void *data, size_t n)
{
	const unsigned char *p = data;
	pthread_once(&crc_once, crc_init);
	crc = ~crc;
	for (; n >= 8; n -= 8, p += 8) {
		uint32_t lo = crc ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		                     (uint32_t)p[3] << 24);
		crc = crc_table[7][lo & 0xff] ^ crc_table[6][(lo >> 8) & 0xff] ^
		      crc_table[5][(lo >> 16) & 0xff] ^ crc_table[4][lo >> 24] ^
		      crc_table[3][p[4]] ^ crc_table[2][p[5]] ^ crc_table[1][p[6]] ^
		      crc_table[0][p[7]];
	}
	while (n--)
		crc = (crc >> 8) ^ crc_table[0][(crc ^ *p++) & 0xff];
	return ~crc;
}

/* ---- the scan -------------------------------------------------------------------------- */

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const unsigned char *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

int mlcd_wal_scan(size_t *out_good, uint64_t *out_last, int *out_short, const unsigned char *buf,
                  size_t len, uint64_t floor_seq, mlcd_wal_record_fn fn, void *ctx)
{
	size_t off = 0;
	uint64_t last = floor_seq;
	int rc = 0, incomplete = 0;
	while (off < len) {
		size_t left = len - off;
		uint32_t n, crc;
		uint64_t seq;
		if (left < MLCD_WAL_HEADER) {
			incomplete = 1;
			break;
		}
		n = get32(buf + off);
		crc = get32(buf + off + 4);
		seq = get64(buf + off + 8);
		if (n > MLCD_WAL_MAX_RECORD)
			break;
		if (left - MLCD_WAL_HEADER < n) {
			incomplete = 1;
			break;
		}
		/* the checksum covers seq and payload: a record moved or renumbered fails */
		if (mlcd_crc32c(0, buf + off + 8, 8 + (size_t)n) != crc || seq <= last)
			break;
		if (fn && (rc = fn(seq, buf + off + MLCD_WAL_HEADER, n, ctx)) != 0)
			break;
		last = seq;
		off += MLCD_WAL_HEADER + (size_t)n;
	}
	*out_good = off;
	*out_last = last;
	if (out_short)
		*out_short = incomplete;
	return rc;
}
