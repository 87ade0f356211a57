/* SPDX-License-Identifier: MIT */
/*
 * wal_read.c - reading the log's durable records back while it is being
 * written (the compactor moves them into the store), and deleting the
 * segments whose records are all stored.
 *
 * Reads go through pread() in chunks and never past a segment's durable
 * size, so a write in progress is never seen half done. The reader keeps
 * its position (segment, offset, last seq), so reading on from where the
 * last read stopped does not scan the segment from its start again.
 *
 * What it is not: recovery at open (wal.c), which may cut records; here a
 * bad record inside the durable part is an I/O error (the disk changed
 * under us), never silently skipped.
 */
#include "engine_internal.h"
#include "wal_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK (1u << 20) /* bytes per pread; more than one record at most */

typedef struct read_ctx {
	mlcd_wal_record_fn fn;
	void *ctx;
	uint64_t after; /* pass records above this */
	size_t max, n;  /* records passed, at most max (0: no limit) */
	uint64_t last;  /* last seq passed */
} read_ctx;

enum { STOP_FULL = 1 }; /* the callback's "max reached" */

static int pass(uint64_t seq, const unsigned char *p, size_t len, void *vctx)
{
	read_ctx *r = vctx;
	int rc;
	if (seq <= r->after)
		return 0;
	if (r->max && r->n == r->max)
		return STOP_FULL; /* before this record: the scan stops at its offset */
	if ((rc = r->fn(seq, p, len, r->ctx)) != 0)
		return rc;
	r->n++;
	r->last = seq;
	return 0;
}

/* Read segment `first` from off (last seq before it: floor) up to size,
 * leaving the reader's position after the last record looked at. */
static int read_segment(mlcd_wal *w, read_ctx *r, uint64_t first, uint64_t off, uint64_t floor,
                        uint64_t size)
{
	int fd = mlcd_wal__open_segment(w, first, O_RDONLY), rc = 0;
	if (fd < 0)
		return mlcd__error_set(MLC_EIO, "%s: open segment: %s", w->o.dir, strerror(errno));
	while (off < size && rc == 0) {
		size_t want = size - off > CHUNK ? CHUNK : (size_t)(size - off), good = 0;
		ssize_t got = pread(fd, w->rd_buf, want, (off_t)off);
		int incomplete = 0;
		if (got != (ssize_t)want) {
			rc = mlcd__error_set(MLC_EIO, "%s: read segment: %s", w->o.dir,
			                     got < 0 ? strerror(errno) : "short read");
			break;
		}
		rc = mlcd_wal_scan(&good, &floor, &incomplete, w->rd_buf, want, floor, pass, r);
		off += good;
		w->rd_seg = first, w->rd_off = off, w->rd_last = floor;
		/* durable sizes end on record boundaries and a chunk holds a whole
		 * record: anything else is damage */
		if (rc == 0 && good < want && (!incomplete || good == 0))
			rc = mlcd__error_set(MLC_EIO, "%s: a bad record in the durable log",
			                     w->o.dir);
	}
	close(fd);
	return rc;
}

int mlcd_wal_read(uint64_t *out_last, mlcd_wal *w, uint64_t after_seq, size_t max,
                  mlcd_wal_record_fn fn, void *ctx)
{
	read_ctx r = {fn, ctx, after_seq, max, 0, after_seq};
	wal_segment *segs = NULL;
	size_t nsegs, i = 0;
	int rc = 0;
	pthread_mutex_lock(&w->rd_mu);
	if (!w->rd_buf && !(w->rd_buf = malloc(CHUNK))) {
		pthread_mutex_unlock(&w->rd_mu);
		return mlcd__error_set(MLC_ENOMEM, "out of memory");
	}
	pthread_mutex_lock(&w->mu);
	nsegs = w->nsegs;
	if ((segs = malloc((nsegs ? nsegs : 1) * sizeof(*segs))))
		memcpy(segs, w->segs, nsegs * sizeof(*segs));
	pthread_mutex_unlock(&w->mu);
	if (!segs) {
		rc = mlcd__error_set(MLC_ENOMEM, "out of memory");
		goto done;
	}
	/* the last segment that can hold after_seq + 1 */
	while (i + 1 < nsegs && segs[i + 1].first <= after_seq + 1)
		i++;
	for (; i < nsegs && rc == 0 && !(max && r.n == max); i++) {
		uint64_t off = 0, floor = 0;
		if (w->rd_seg == segs[i].first && w->rd_last <= after_seq &&
		    w->rd_off <= segs[i].size)
			off = w->rd_off, floor = w->rd_last; /* go on from the last read */
		rc = read_segment(w, &r, segs[i].first, off, floor, segs[i].size);
		if (rc == STOP_FULL)
			rc = 0;
	}
done:
	*out_last = r.last;
	free(segs);
	pthread_mutex_unlock(&w->rd_mu);
	return rc;
}

int mlcd_wal_trim(mlcd_wal *w, uint64_t seq)
{
	char name[WAL_NAME_MAX];
	int rc = 0;
	pthread_mutex_lock(&w->mu);
	/* segment 0's records all precede segment 1's first */
	while (w->nsegs > 1 && w->segs[1].first - 1 <= seq) {
		mlcd_wal__name(name, sizeof(name), w->segs[0].first);
		if (unlinkat(w->dirfd, name, 0) != 0 && errno != ENOENT) {
			rc = mlcd__error_set(MLC_EIO, "%s: delete %s: %s", w->o.dir, name,
			                     strerror(errno));
			break;
		}
		memmove(w->segs, w->segs + 1, (w->nsegs - 1) * sizeof(*w->segs));
		w->nsegs--;
	}
	pthread_mutex_unlock(&w->mu);
	return rc;
}
