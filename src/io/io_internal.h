/* SPDX-License-Identifier: MIT */
/*
 * io/io_internal.h - the pieces behind io/reader.h: the raw byte source
 * (a descriptor, a range of one, or memory, with a small look-ahead buffer
 * for the magic bytes and the decoders) and the decoder interface that the
 * plain, gzip and zstd decoders implement. Internal to src/io.
 */
#ifndef MLC_IO_INTERNAL_H
#define MLC_IO_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "io/reader.h"

#define MLC_IO_INBUF (256u << 10) /* compressed bytes read at a time */

typedef struct mlc_io_src {
	int fd;            /* -1 for memory */
	int own_fd;        /* close on free */
	const char *name;  /* borrowed from the reader */
	const unsigned char *mem;
	size_t mem_len, mem_pos;
	unsigned char *buf; /* look-ahead / compressed input */
	size_t pos, len;
	uint64_t size;      /* total input bytes when known, else 0 */
	uint64_t consumed;  /* bytes taken from the input (atomic) */
	uint64_t offset;    /* next file offset in range mode */
	uint64_t left;      /* bytes left in range mode, UINT64_MAX otherwise */
	int ranged;
	int eof;
} mlc_io_src;

/* Make buf hold unread bytes: 0 (check eof when pos == len), or MLC_EIO. */
int mlc_io__src_fill(mlc_io_src *src);
/* Copy up to cap bytes to dst, draining buf first: 0 with *n == 0 only
 * at the end of input. */
int mlc_io__src_read(mlc_io_src *src, void *dst, size_t cap, size_t *n);
/* Make at least want bytes visible in buf (fewer at the end of input). */
int mlc_io__src_peek(mlc_io_src *src, size_t want);

typedef struct mlc_io_decoder {
	/* Produce up to cap bytes into out: *n == 0 only at the end. */
	int (*fill)(void *ctx, mlc_io_src *src, char *out, size_t cap, size_t *n);
	void (*free)(void *ctx);
	void *ctx;
} mlc_io_decoder;

int mlc_io__gzip_new(mlc_io_decoder *out, const char *name, int zlib_only);
int mlc_io__zstd_new(mlc_io_decoder *out, const char *name);

/* The read-ahead thread: a ring of blocks filled by the decoder. */
typedef struct mlc_io_ring mlc_io_ring;
int mlc_io__ring_start(mlc_io_ring **out, mlc_io_decoder *dec, mlc_io_src *src, size_t block_size,
		       unsigned nblocks);
int mlc_io__ring_next(mlc_io_ring *ring, const char **out_ptr, size_t *out_len);
void mlc_io__ring_stop(mlc_io_ring *ring);

#endif
