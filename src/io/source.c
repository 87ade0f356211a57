/* SPDX-License-Identifier: MIT */
/*
 * io/source.c - the raw byte source under every reader: read() or pread()
 * on a descriptor, or a memory buffer, with a look-ahead buffer that the
 * format sniffing and the decoders read from. Plain input bypasses the
 * buffer and is read straight into the caller's block. Counts consumed
 * bytes for progress reports.
 */
#include "io/io_internal.h"
#include "util/error.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

static void count(mlc_io_src *src, size_t n)
{
	__atomic_add_fetch(&src->consumed, (uint64_t)n, __ATOMIC_RELAXED);
}

/* One read of at most cap bytes from the underlying input. */
static int raw_read(mlc_io_src *src, void *dst, size_t cap, size_t *n)
{
	ssize_t r;
	*n = 0;
	if (src->eof || cap == 0)
		return 0;
	if (src->fd < 0) {
		size_t left = src->mem_len - src->mem_pos;
		*n = cap < left ? cap : left;
		memcpy(dst, src->mem + src->mem_pos, *n);
		src->mem_pos += *n;
	} else {
		if (src->ranged && cap > src->left)
			cap = (size_t)src->left;
		do {
			r = src->ranged ? pread(src->fd, dst, cap, (off_t)src->offset)
					: read(src->fd, dst, cap);
		} while (r < 0 && errno == EINTR);
		if (r < 0)
			return mlcu_error_set(MLC_EIO, "%s: read error: %s", src->name,
					      strerror(errno));
		*n = (size_t)r;
		if (src->ranged) {
			src->offset += (uint64_t)r;
			src->left -= (uint64_t)r;
		}
	}
	if (*n == 0)
		src->eof = 1;
	count(src, *n);
	return 0;
}

int mlc_io__src_fill(mlc_io_src *src)
{
	size_t n;
	int rc;
	if (src->pos < src->len)
		return 0;
	src->pos = src->len = 0;
	if ((rc = raw_read(src, src->buf, MLC_IO_INBUF, &n)) != 0)
		return rc;
	src->len = n;
	return 0;
}

int mlc_io__src_peek(mlc_io_src *src, size_t want)
{
	size_t n;
	int rc;
	if (want > MLC_IO_INBUF)
		want = MLC_IO_INBUF;
	if (src->pos > 0) {
		memmove(src->buf, src->buf + src->pos, src->len - src->pos);
		src->len -= src->pos;
		src->pos = 0;
	}
	while (src->len < want && !src->eof) {
		if ((rc = raw_read(src, src->buf + src->len, MLC_IO_INBUF - src->len, &n)) != 0)
			return rc;
		src->len += n;
	}
	return 0;
}

int mlc_io__src_read(mlc_io_src *src, void *dst, size_t cap, size_t *n)
{
	size_t have = src->len - src->pos, got = 0, k;
	int rc;
	*n = 0;
	if (have > 0) {
		k = have < cap ? have : cap;
		memcpy(dst, src->buf + src->pos, k);
		src->pos += k;
		*n = k;
		return 0;
	}
	/* fill the whole block when the input allows: fewer, larger blocks
	 * mean fewer records cut at block edges */
	while (got < cap && !src->eof) {
		if ((rc = raw_read(src, (char *)dst + got, cap - got, &k)) != 0)
			return rc;
		got += k;
	}
	*n = got;
	return 0;
}
