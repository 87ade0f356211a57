/* SPDX-License-Identifier: MIT */
/*
 * io/reader.c - opening an input, recognising its format from the magic
 * bytes, and handing out blocks: straight from the decoder on the caller's
 * thread, from the read-ahead ring (io/ring.c), or as windows of a memory
 * map for plain files when asked. The decoders are io/gzip.c and
 * io/zstd.c; the byte source is io/source.c.
 */
#include "io/io_internal.h"
#include "util/alloc.h"
#include "util/error.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

struct mlc_reader {
	char *name;
	mlc_reader_options opt;
	mlc_io_src src;
	int format;
	mlc_io_decoder dec;
	mlc_io_ring *ring;
	char *block; /* the block of the synchronous mode */
	/* map mode: windows of the file [map_pos, map_end) */
	int mapped;
	void *map;
	size_t map_len;
	uint64_t map_pos, map_end;
	/* mlc_io__read: the rest of the current block */
	const char *rd_ptr;
	size_t rd_len;
};

static int plain_fill(void *ctx, mlc_io_src *src, char *out, size_t cap, size_t *n)
{
	(void)ctx;
	return mlc_io__src_read(src, out, cap, n);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* The format from the first bytes; errors for a name that promises another
 * format and for compressions we do not read. */
static int sniff(mlc_reader *r)
{
	const unsigned char *b = r->src.buf + r->src.pos;
	size_t n = r->src.len - r->src.pos;
	const char *nm = r->name, *other = NULL;
	int gz_name = ends_with(nm, ".gz") || ends_with(nm, ".gzip");
	int zst_name = ends_with(nm, ".zst") || ends_with(nm, ".zstd");
	r->format = MLC_IO_PLAIN;
	if (n >= 2 && b[0] == 0x1f && b[1] == 0x8b)
		r->format = MLC_IO_GZIP;
	else if (n >= 4 && ((b[0] == 0x28 && b[1] == 0xb5 && b[2] == 0x2f && b[3] == 0xfd) ||
			    ((b[0] & 0xf0) == 0x50 && b[1] == 0x2a && b[2] == 0x4d && b[3] == 0x18)))
		r->format = MLC_IO_ZSTD;
	else if (n >= 6 && memcmp(b, "\xfd" "7zXZ\0", 6) == 0)
		other = "xz";
	else if (n >= 3 && memcmp(b, "BZh", 3) == 0)
		other = "bzip2";
	else if (n >= 4 && memcmp(b, "PK\x03\x04", 4) == 0)
		other = "zip";
	if (other)
		return mlcu_error_set(MLC_EPARSE, "%s: %s compressed data is not supported; "
				      "decompress it, or recompress with gzip or zstd", nm, other);
	if (gz_name && r->format != MLC_IO_GZIP)
		return mlcu_error_set(MLC_EPARSE, "%s: not gzip data (the name ends in .gz)", nm);
	if (zst_name && r->format != MLC_IO_ZSTD)
		return mlcu_error_set(MLC_EPARSE, "%s: not zstd data (the name ends in .zst)", nm);
	return 0;
}

static void normalise(mlc_reader_options *o)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t pg = page > 0 ? (size_t)page : 4096;
	if (o->block_size < ((size_t)4 << 10))
		o->block_size = (size_t)4 << 10;
	if (o->block_size > ((size_t)256 << 20))
		o->block_size = (size_t)256 << 20;
	o->block_size = (o->block_size + pg - 1) / pg * pg;
	if (o->nblocks < 2)
		o->nblocks = 2;
	if (o->nblocks > 64)
		o->nblocks = 64;
}

/* After the source is set up: sniff, pick a decoder, maybe start the ring. */
static int setup(mlc_reader *r, int can_map)
{
	int rc, threaded;
	if ((rc = mlc_io__src_peek(&r->src, 6)) != 0 || (rc = sniff(r)) != 0)
		return rc;
	if (r->format == MLC_IO_GZIP)
		rc = mlc_io__gzip_new(&r->dec, r->name, r->opt.zlib_only);
	else if (r->format == MLC_IO_ZSTD)
		rc = mlc_io__zstd_new(&r->dec, r->name);
	else
		r->dec.fill = plain_fill;
	if (rc)
		return rc;
	if (r->format == MLC_IO_PLAIN && r->opt.use_mmap && can_map) {
		/* the windows start again at the beginning; the peeked bytes
		 * are not handed out, so they do not count */
		r->mapped = 1;
		r->src.consumed = 0;
		return 0;
	}
	/* AUTO: decompression always pays on its own core; a plain read()
	 * pays too when a second CPU is there (docs/internals-csv.md) */
	threaded = r->opt.thread == MLC_IO_THREAD_ON ||
		   (r->opt.thread == MLC_IO_THREAD_AUTO &&
		    (r->format != MLC_IO_PLAIN || sysconf(_SC_NPROCESSORS_ONLN) >= 2));
	if (threaded)
		return mlc_io__ring_start(&r->ring, &r->dec, &r->src, r->opt.block_size,
					  r->opt.nblocks);
	r->block = mlcu_malloc(r->opt.block_size);
	return r->block ? 0 : mlcu_error_oom();
}

static int reader_new(mlc_reader **out, const char *name, const mlc_reader_options *opts)
{
	mlc_reader_options def = MLC_READER_OPTIONS_INIT;
	mlc_reader *r;
	*out = NULL;
	if (opts && opts->version != MLC_READER_OPTIONS_VERSION)
		return mlcu_error_set(MLC_EINVAL, "reader: unknown options version %u",
				      opts->version);
	r = mlcu_calloc(1, sizeof(*r));
	if (!r)
		return mlcu_error_oom();
	r->opt = opts ? *opts : def;
	normalise(&r->opt);
	r->src.fd = -1;
	r->src.left = UINT64_MAX;
	r->name = mlcu_strdup(name);
	r->src.buf = mlcu_malloc(MLC_IO_INBUF);
	*out = r;
	if (!r->name || !r->src.buf)
		return mlcu_error_oom();
	r->src.name = r->name;
	return 0;
}

static int finish_open(mlc_reader **out, mlc_reader *r, int rc, int can_map)
{
	if (rc == 0)
		rc = setup(r, can_map);
	if (rc) {
		mlc_io__close(r);
		*out = NULL;
		return rc;
	}
	*out = r;
	return 0;
}

static int open_path(int *fd, uint64_t *size, int *regular, const char *path)
{
	struct stat st;
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0)
		return mlcu_error_set(errno == ENOENT ? MLC_ENOTFOUND : MLC_EIO, "%s: %s", path,
				      strerror(errno));
	*regular = fstat(*fd, &st) == 0 && S_ISREG(st.st_mode);
	*size = *regular ? (uint64_t)st.st_size : 0;
	if (!*regular && fstat(*fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(*fd);
		*fd = -1;
		return mlcu_error_set(MLC_EIO, "%s: is a directory", path);
	}
	return 0;
}

int mlc_io__open(mlc_reader **out, const char *path, const mlc_reader_options *opts)
{
	mlc_reader *r = NULL;
	int rc, regular = 0;
	if (strcmp(path, "-") == 0)
		return mlc_io__open_fd(out, 0, "<stdin>", opts);
	if ((rc = reader_new(&r, path, opts)) == 0 &&
	    (rc = open_path(&r->src.fd, &r->src.size, &regular, path)) == 0)
		r->src.own_fd = 1;
	if (rc == 0 && regular)
		r->map_end = r->src.size;
	return finish_open(out, r, rc, regular);
}

int mlc_io__open_fd(mlc_reader **out, int fd, const char *name, const mlc_reader_options *opts)
{
	mlc_reader *r = NULL;
	int rc = reader_new(&r, name, opts);
	if (rc == 0)
		r->src.fd = fd;
	return finish_open(out, r, rc, 0);
}

int mlc_io__open_mem(mlc_reader **out, const void *data, size_t len, const char *name,
		     const mlc_reader_options *opts)
{
	mlc_reader *r = NULL;
	int rc = reader_new(&r, name, opts);
	if (rc == 0) {
		r->src.mem = data;
		r->src.mem_len = len;
		r->src.size = len;
	}
	return finish_open(out, r, rc, 0);
}

int mlc_io__open_range(mlc_reader **out, const char *path, uint64_t offset, uint64_t length,
		       const mlc_reader_options *opts)
{
	mlc_reader *r = NULL;
	int rc, regular = 0;
	if ((rc = reader_new(&r, path, opts)) == 0 &&
	    (rc = open_path(&r->src.fd, &r->src.size, &regular, path)) == 0) {
		r->src.own_fd = 1;
		if (!regular)
			rc = mlcu_error_set(MLC_EINVAL, "%s: ranges need a regular file", path);
		offset = offset < r->src.size ? offset : r->src.size;
		length = length < r->src.size - offset ? length : r->src.size - offset;
		r->src.ranged = 1;
		r->src.offset = offset;
		r->src.left = length;
		r->src.size = length;
		r->map_pos = offset;
		r->map_end = offset + length;
	}
	if (rc == 0 && (rc = setup(r, regular)) == 0 && r->format != MLC_IO_PLAIN)
		rc = mlcu_error_set(MLC_EINVAL, "%s: ranges need an uncompressed file", path);
	if (rc) {
		mlc_io__close(r);
		*out = NULL;
		return rc;
	}
	*out = r;
	return 0;
}

/* Map mode: the next window of the file, the previous one unmapped. */
static int next_window(mlc_reader *r, const char **out_ptr, size_t *out_len)
{
	long page = sysconf(_SC_PAGESIZE);
	uint64_t pg = page > 0 ? (uint64_t)page : 4096, start;
	size_t skip, want;
	if (r->map)
		munmap(r->map, r->map_len);
	r->map = NULL;
	*out_ptr = "";
	*out_len = 0;
	if (r->map_pos >= r->map_end)
		return 0;
	start = r->map_pos / pg * pg;
	skip = (size_t)(r->map_pos - start);
	want = r->map_end - r->map_pos < r->opt.block_size ? (size_t)(r->map_end - r->map_pos)
							    : r->opt.block_size;
	r->map_len = skip + want;
	r->map = mmap(NULL, r->map_len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, r->src.fd,
		      (off_t)start);
	if (r->map == MAP_FAILED) {
		r->map = NULL;
		return mlcu_error_set(MLC_EIO, "%s: cannot map: %s", r->name, strerror(errno));
	}
	*out_ptr = (const char *)r->map + skip;
	*out_len = want;
	r->map_pos += want;
	__atomic_add_fetch(&r->src.consumed, (uint64_t)want, __ATOMIC_RELAXED);
	return 0;
}

int mlc_io__next(mlc_reader *r, const char **out_ptr, size_t *out_len)
{
	size_t n = 0;
	int rc;
	if (r->mapped)
		return next_window(r, out_ptr, out_len);
	if (r->ring)
		return mlc_io__ring_next(r->ring, out_ptr, out_len);
	if ((rc = r->dec.fill(r->dec.ctx, &r->src, r->block, r->opt.block_size, &n)) != 0)
		return rc;
	*out_ptr = r->block;
	*out_len = n;
	return 0;
}

int mlc_io__read(mlc_reader *r, void *out, size_t cap, size_t *out_n)
{
	size_t k;
	int rc;
	*out_n = 0;
	if (r->rd_len == 0 && cap > 0) {
		if ((rc = mlc_io__next(r, &r->rd_ptr, &r->rd_len)) != 0)
			return rc;
	}
	k = r->rd_len < cap ? r->rd_len : cap;
	if (k)
		memcpy(out, r->rd_ptr, k);
	r->rd_ptr += k;
	r->rd_len -= k;
	*out_n = k;
	return 0;
}

int mlc_io__format(const mlc_reader *r)
{
	return r->format;
}

const char *mlc_io__name(const mlc_reader *r)
{
	return r->name;
}

uint64_t mlc_io__input_size(const mlc_reader *r)
{
	return r->src.size;
}

uint64_t mlc_io__input_pos(const mlc_reader *r)
{
	return __atomic_load_n(&r->src.consumed, __ATOMIC_RELAXED);
}

void mlc_io__close(mlc_reader *r)
{
	if (!r)
		return;
	mlc_io__ring_stop(r->ring);
	if (r->dec.free)
		r->dec.free(r->dec.ctx);
	if (r->map)
		munmap(r->map, r->map_len);
	if (r->src.own_fd && r->src.fd >= 0)
		close(r->src.fd);
	mlcu_free(r->src.buf);
	mlcu_free(r->block);
	mlcu_free(r->name);
	mlcu_free(r);
}
