/* SPDX-License-Identifier: MIT */
/*
 * io/zstd.c - zstd decoding for the readers with ZSTD_decompressStream:
 * multi-frame files and skippable frames pass through, a frame cut short
 * at the end of input is "truncated", anything zstd rejects is reported
 * with its reason and the input's name. The window is capped at 2^27 bytes
 * (zstd's default) so a hostile frame cannot demand gigabytes.
 */
#include "io/io_internal.h"
#include "util/alloc.h"
#include "util/error.h"

#include <zstd.h>

typedef struct zs {
	ZSTD_DStream *ds;
	size_t last; /* last return of ZSTD_decompressStream: 0 = frame complete */
	const char *name;
} zs;

static int zs_fill(void *ctx, mlc_io_src *src, char *out, size_t cap, size_t *n)
{
	zs *z = ctx;
	ZSTD_outBuffer ob = {out, cap, 0};
	int rc;
	while (ob.pos < ob.size) {
		ZSTD_inBuffer ib;
		size_t before = ob.pos;
		if ((rc = mlc_io__src_fill(src)) != 0)
			return rc;
		ib.src = src->buf + src->pos;
		ib.size = src->len - src->pos;
		ib.pos = 0;
		if (ib.size == 0 && src->eof) {
			if (z->last == 0)
				break;
			/* zstd may still hold decoded bytes; flush them first */
			z->last = ZSTD_decompressStream(z->ds, &ob, &ib);
			if (ZSTD_isError(z->last))
				return mlcu_error_set(MLC_EPARSE, "%s: corrupt zstd data (%s)", z->name,
						      ZSTD_getErrorName(z->last));
			if (ob.pos == before && z->last != 0)
				return mlcu_error_set(MLC_EPARSE, "%s: truncated zstd data", z->name);
			continue;
		}
		z->last = ZSTD_decompressStream(z->ds, &ob, &ib);
		src->pos += ib.pos;
		if (ZSTD_isError(z->last))
			return mlcu_error_set(MLC_EPARSE, "%s: corrupt zstd data (%s)", z->name,
					      ZSTD_getErrorName(z->last));
	}
	*n = ob.pos;
	return 0;
}

static void zs_free(void *ctx)
{
	zs *z = ctx;
	if (!z)
		return;
	ZSTD_freeDStream(z->ds);
	mlcu_free(z);
}

int mlc_io__zstd_new(mlc_io_decoder *out, const char *name)
{
	zs *z = mlcu_calloc(1, sizeof(*z));
	if (!z)
		return mlcu_error_oom();
	z->name = name;
	z->ds = ZSTD_createDStream();
	if (!z->ds || ZSTD_isError(ZSTD_initDStream(z->ds)) ||
	    ZSTD_isError(ZSTD_DCtx_setParameter(z->ds, ZSTD_d_windowLogMax, 27))) {
		zs_free(z);
		return mlcu_error_set(MLC_ENOMEM, "%s: cannot set up zstd decoding", name);
	}
	out->fill = zs_fill;
	out->free = zs_free;
	out->ctx = z;
	return 0;
}
