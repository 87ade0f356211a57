/* SPDX-License-Identifier: MIT */
/*
 * io/reader.h - input for the bill scanners: a file, stdin ("-"), a byte
 * range of a file, or memory, plain or compressed (gzip through ISA-L
 * igzip with zlib as the fallback, zstd), the compression found from the
 * magic bytes. Bytes come out in blocks that the reader owns, so the CSV
 * scanner can work on them in place; with a thread, the next blocks are
 * read or inflated on another core while the caller parses the current one.
 *
 * What it is not: a CSV parser, a seeking or random-access reader, or a
 * general archive library (no zip, xz, bzip2: those are named in the
 * error). Memory is bounded: nblocks * block_size plus the decoder state
 * (zstd windows are capped at 128 MiB, the zstd default).
 */
#ifndef MLC_IO_READER_H
#define MLC_IO_READER_H

#include <stddef.h>
#include <stdint.h>

#include "mlcost/common.h"

typedef struct mlc_reader mlc_reader;

enum mlc_io_format { MLC_IO_PLAIN = 0, MLC_IO_GZIP, MLC_IO_ZSTD };

enum mlc_io_thread {
	MLC_IO_THREAD_AUTO = 0, /* compressed input, or plain with 2+ CPUs: a thread */
	MLC_IO_THREAD_OFF,
	MLC_IO_THREAD_ON
};

typedef struct mlc_reader_options {
	unsigned version;
	size_t block_size; /* bytes per block (default 1 MiB; 4 KiB .. 256 MiB) */
	unsigned nblocks;  /* blocks in the ring with a thread (default 4, at least 2) */
	int thread;        /* enum mlc_io_thread; OFF when the caller runs its own
			    * parallel readers (one per chunk) */
	int use_mmap;      /* plain regular files: map windows instead of read() */
	int zlib_only;     /* inflate gzip with zlib instead of ISA-L (tests) */
} mlc_reader_options;

#define MLC_READER_OPTIONS_VERSION 1
#define MLC_READER_OPTIONS_INIT                                                                    \
	{                                                                                          \
		MLC_READER_OPTIONS_VERSION, (size_t)1 << 20, 4, MLC_IO_THREAD_AUTO, 0, 0           \
	}

/*
 * Open path for reading; "-" is stdin. The format comes from the first
 * bytes; a name ending in .gz/.zst whose bytes are not that format is an
 * error, as is xz, bzip2 or zip data. opts may be NULL. MLC_ENOTFOUND when
 * the file does not exist, MLC_EIO for other open failures.
 */
int mlc_io__open(mlc_reader **out, const char *path, const mlc_reader_options *opts);

/* Read from an open descriptor (not closed by the reader); name is for
 * messages and copied. */
int mlc_io__open_fd(mlc_reader **out, int fd, const char *name, const mlc_reader_options *opts);

/* Read bytes from memory (borrowed until close), e.g. an HTTP body. */
int mlc_io__open_mem(mlc_reader **out, const void *data, size_t len, const char *name,
		     const mlc_reader_options *opts);

/*
 * Bytes [offset, offset+length) of a plain file, for a caller that parses
 * one file on several threads (docs/internals-csv.md). The range ends early
 * at the end of the file. MLC_EINVAL when the file is compressed.
 */
int mlc_io__open_range(mlc_reader **out, const char *path, uint64_t offset, uint64_t length,
		       const mlc_reader_options *opts);

/*
 * The next block of decompressed bytes: *out_ptr and *out_len; *out_len
 * is 0 only at the end of the input. The block is the reader's and stays
 * valid until the next call to mlc_io__next or mlc_io__close. Errors (the
 * message names the input): MLC_EIO (read failed), MLC_EPARSE (corrupt or
 * truncated compressed data), MLC_ENOMEM.
 */
int mlc_io__next(mlc_reader *r, const char **out_ptr, size_t *out_len);

/* Copying convenience over mlc_io__next: up to cap bytes into out, *out_n == 0 at
 * the end. Do not mix with mlc_io__next on one reader. */
int mlc_io__read(mlc_reader *r, void *out, size_t cap, size_t *out_n);

/* enum mlc_io_format of the input. */
int mlc_io__format(const mlc_reader *r);

/* The input's name as given ("<stdin>" for "-"). Borrowed. */
const char *mlc_io__name(const mlc_reader *r);

/* Size of the input in bytes (compressed size for compressed input) when
 * known (a regular file, memory), else 0; and how much of it has been read
 * so far. Together they give progress and an ETA. */
uint64_t mlc_io__input_size(const mlc_reader *r);
uint64_t mlc_io__input_pos(const mlc_reader *r);

/* Stops the thread if any and frees everything. NULL is fine. */
void mlc_io__close(mlc_reader *r);

#endif
