/* SPDX-License-Identifier: MIT */
/*
 * io/gzip.c - gzip decoding for the readers: ISA-L's igzip (several times
 * zlib's inflate speed) with zlib as the fallback when the ISA-L state
 * cannot be set up, or on request. Handles multi-member files (pigz,
 * `cat a.gz b.gz`, AWS exports split in members), ignores zero padding
 * after the last member, and reports truncated or corrupt data and CRC
 * mismatches with the input's name. Not an encoder.
 */
#include "io/io_internal.h"
#include "util/alloc.h"
#include "util/error.h"

#include <isa-l/igzip_lib.h>
#include <string.h>
#include <zlib.h>

typedef struct gz {
	struct inflate_state *isal; /* NULL: zlib */
	z_stream z;
	int z_ready;
	int in_member; /* between a member's header and its trailer */
	const char *name;
} gz;

static int corrupt(gz *g, const char *what)
{
	return mlcu_error_set(MLC_EPARSE, "%s: corrupt gzip data (%s)", g->name, what);
}

static const char *isal_what(int ret)
{
	switch (ret) {
	case ISAL_INCORRECT_CHECKSUM:
		return "checksum mismatch";
	case ISAL_INVALID_WRAPPER:
		return "bad gzip header";
	case ISAL_INVALID_SYMBOL:
		return "invalid symbol";
	case ISAL_INVALID_LOOKBACK:
		return "invalid distance";
	default:
		return "invalid deflate block";
	}
}

/* Between members: the next byte must start another member, or the rest
 * must be zero padding. Returns 1 for a member, 0 at the clean end. */
static int next_member(gz *g, mlc_io_src *src)
{
	int rc;
	for (;;) {
		if ((rc = mlc_io__src_peek(src, 2)) != 0)
			return rc;
		if (src->pos == src->len)
			return 0;
		if (src->buf[src->pos] == 0x1f)
			return 1;
		while (src->pos < src->len && src->buf[src->pos] == 0)
			src->pos++;
		if (src->pos < src->len)
			return corrupt(g, "garbage after the end of the data");
	}
}

static int step_isal(gz *g, mlc_io_src *src, char *out, size_t cap, size_t *n)
{
	struct inflate_state *st = g->isal;
	int ret;
	if (!g->in_member) {
		isal_inflate_reset(st);
		st->crc_flag = ISAL_GZIP;
		g->in_member = 1;
	}
	st->next_in = src->buf + src->pos;
	st->avail_in = (uint32_t)(src->len - src->pos);
	st->next_out = (uint8_t *)out;
	st->avail_out = (uint32_t)(cap > UINT32_MAX ? UINT32_MAX : cap);
	ret = isal_inflate(st);
	src->pos = src->len - st->avail_in;
	*n = (size_t)((char *)st->next_out - out);
	if (ret != ISAL_DECOMP_OK)
		return corrupt(g, isal_what(ret));
	if (st->block_state == ISAL_BLOCK_FINISH)
		g->in_member = 0;
	return 0;
}

static int step_zlib(gz *g, mlc_io_src *src, char *out, size_t cap, size_t *n)
{
	int ret;
	if (!g->in_member) {
		if (inflateReset(&g->z) != Z_OK)
			return corrupt(g, "zlib reset failed");
		g->in_member = 1;
	}
	g->z.next_in = src->buf + src->pos;
	g->z.avail_in = (uInt)(src->len - src->pos);
	g->z.next_out = (Bytef *)out;
	g->z.avail_out = (uInt)(cap > UINT32_MAX ? UINT32_MAX : cap);
	ret = inflate(&g->z, Z_NO_FLUSH);
	src->pos = src->len - g->z.avail_in;
	*n = (size_t)((char *)g->z.next_out - out);
	if (ret == Z_STREAM_END)
		g->in_member = 0;
	else if (ret != Z_OK && ret != Z_BUF_ERROR)
		return corrupt(g, g->z.msg ? g->z.msg : "inflate failed");
	return 0;
}

static int gz_fill(void *ctx, mlc_io_src *src, char *out, size_t cap, size_t *n)
{
	gz *g = ctx;
	size_t got = 0, k = 0;
	int rc, stalled = 0;
	while (got < cap) {
		if ((rc = mlc_io__src_fill(src)) != 0)
			return rc;
		if (!g->in_member) {
			if ((rc = next_member(g, src)) < 0)
				return rc;
			if (rc == 0)
				break;
		}
		if (src->pos == src->len && src->eof && stalled)
			return mlcu_error_set(MLC_EPARSE, "%s: truncated gzip data", g->name);
		rc = g->isal ? step_isal(g, src, out + got, cap - got, &k)
			     : step_zlib(g, src, out + got, cap - got, &k);
		if (rc)
			return rc;
		got += k;
		/* no output and no input left: the next round decides truncation */
		stalled = k == 0 && src->pos == src->len;
	}
	*n = got;
	return 0;
}

static void gz_free(void *ctx)
{
	gz *g = ctx;
	if (!g)
		return;
	if (g->z_ready)
		inflateEnd(&g->z);
	mlcu_free(g->isal);
	mlcu_free(g);
}

int mlc_io__gzip_new(mlc_io_decoder *out, const char *name, int zlib_only)
{
	gz *g = mlcu_calloc(1, sizeof(*g));
	if (!g)
		return mlcu_error_oom();
	g->name = name;
	if (!zlib_only) {
		g->isal = mlcu_malloc(sizeof(*g->isal));
		if (g->isal)
			isal_inflate_init(g->isal);
	}
	if (!g->isal) {
		/* 16 + 15: gzip wrapper, 32 KiB window */
		if (inflateInit2(&g->z, 16 + MAX_WBITS) != Z_OK) {
			gz_free(g);
			return mlcu_error_set(MLC_ENOMEM, "%s: cannot set up gzip decoding", name);
		}
		g->z_ready = 1;
	}
	out->fill = gz_fill;
	out->free = gz_free;
	out->ctx = g;
	return 0;
}
