/* SPDX-License-Identifier: MIT */
/*
 * wal.c - the log's life: open (lock the directory, recover every
 * segment, cut bad tails), the writer thread (group commit: write the
 * gathered records, fdatasync, wake the callers) and appending.
 *
 * Two buffers: callers copy records into one while the writer writes and
 * syncs the other, so a sync never blocks an append that has room, and
 * every caller that appended during a sync is covered by the next one.
 *
 * What it is not: reading records back after open (wal_read.c), the
 * record format's scan (wal_scan.c) or what a payload means.
 */
#include "engine_internal.h"
#include "wal_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_SEGMENT (64ull << 20)
#define DEFAULT_BUFFER  (16u << 20)

void mlcd_wal__name(char *out, size_t cap, uint64_t first)
{
	snprintf(out, cap, "wal-%016" PRIu64 ".log", first);
}

int mlcd_wal__open_segment(mlcd_wal *w, uint64_t first, int flags)
{
	char name[WAL_NAME_MAX];
	mlcd_wal__name(name, sizeof(name), first);
	return openat(w->dirfd, name, flags | O_CLOEXEC, 0644);
}

static int io_fail(const char *what, const char *dir)
{
	return mlcd__error_set(MLC_EIO, "%s: %s: %s", dir, what, strerror(errno));
}

static int add_segment(mlcd_wal *w, uint64_t first, uint64_t size)
{
	if (w->nsegs == w->capsegs) {
		size_t c = w->capsegs ? 2 * w->capsegs : 16;
		wal_segment *s = realloc(w->segs, c * sizeof(*s));
		if (!s)
			return mlcd__error_set(MLC_ENOMEM, "out of memory");
		w->segs = s, w->capsegs = c;
	}
	w->segs[w->nsegs++] = (wal_segment){first, size};
	return 0;
}

/* ---- recovery -------------------------------------------------------------------------- */

static int by_first(const void *a, const void *b)
{
	const wal_segment *x = a, *y = b;
	return x->first < y->first ? -1 : x->first > y->first;
}

/* The segments of the directory, sorted, sizes as found. */
static int list_segments(mlcd_wal *w)
{
	DIR *d = fdopendir(dup(w->dirfd));
	struct dirent *de;
	int rc = 0;
	if (!d)
		return io_fail("list", w->o.dir);
	while ((de = readdir(d)) && rc == 0) {
		unsigned long long first;
		char tail[8];
		struct stat st;
		if (sscanf(de->d_name, "wal-%16llu%7s", &first, tail) != 2 ||
		    strcmp(tail, ".log") != 0 || strlen(de->d_name) != 24)
			continue;
		if (fstatat(w->dirfd, de->d_name, &st, 0) != 0)
			rc = io_fail(de->d_name, w->o.dir);
		else
			rc = add_segment(w, first, (uint64_t)st.st_size);
	}
	closedir(d);
	if (w->nsegs > 1)
		qsort(w->segs, w->nsegs, sizeof(*w->segs), by_first);
	return rc;
}

static int all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

/* Scan one segment, cut what follows its first bad record. *zeroed: 1 when what follows the
 * records is all zeros (the unused end of a zero-filled segment), which is kept. */
static int recover_segment(mlcd_wal *w, wal_segment *s, uint64_t *last, mlcd_wal_record_fn fn,
                           void *ctx, mlcd_wal_recovery *rep, int *zeroed)
{
	int fd = mlcd_wal__open_segment(w, s->first, O_RDWR), rc = 0;
	void *map = NULL;
	size_t good = 0, mapped = (size_t)s->size;
	*zeroed = 0;
	if (fd < 0)
		return io_fail("open segment", w->o.dir);
	if (mapped > 0) {
		map = mmap(NULL, mapped, PROT_READ, MAP_PRIVATE, fd, 0);
		if (map == MAP_FAILED) {
			close(fd);
			return io_fail("map segment", w->o.dir);
		}
		rc = mlcd_wal_scan(&good, last, NULL, map, mapped, *last, fn, ctx);
		if (rc == 0 && good < mapped &&
		    all_zero((const unsigned char *)map + good, mapped - good)) {
			*zeroed = 1;
			s->size = good;
		}
		munmap(map, mapped);
	}
	if (rc == 0 && good < s->size) {
		rep->cut_bytes += s->size - good;
		rep->cut_segments++;
		if (ftruncate(fd, (off_t)good) != 0 || fdatasync(fd) != 0)
			rc = io_fail("cut a bad tail", w->o.dir);
		s->size = good;
	}
	close(fd);
	return rc;
}

typedef struct count_ctx {
	mlcd_wal_record_fn fn;
	void *ctx;
	uint64_t n;
} count_ctx;

static int count_record(uint64_t seq, const unsigned char *p, size_t len, void *vctx)
{
	count_ctx *c = vctx;
	c->n++;
	return c->fn ? c->fn(seq, p, len, c->ctx) : 0;
}

static int recover(mlcd_wal *w, mlcd_wal_record_fn fn, void *ctx, mlcd_wal_recovery *rep)
{
	count_ctx cc = {fn, ctx, 0};
	uint64_t last = 0;
	int rc = list_segments(w), zeroed = 0;
	for (size_t i = 0; i < w->nsegs && rc == 0; i++)
		rc = recover_segment(w, &w->segs[i], &last, count_record, &cc, rep, &zeroed);
	if (rc != 0)
		return rc;
	rep->records = cc.n;
	rep->segments = w->nsegs;
	rep->last_seq = last;
	w->next_seq = (last > w->o.min_seq ? last : w->o.min_seq) + 1;
	w->appended = w->durable = w->next_seq - 1;
	if (w->nsegs == 0) {
		w->fd = mlcd_wal__open_segment(w, w->next_seq, O_WRONLY | O_CREAT | O_EXCL);
		if (w->fd < 0 || fsync(w->dirfd) != 0)
			return io_fail("create segment", w->o.dir);
		return add_segment(w, w->next_seq, 0);
	}
	/* writes go on at the end of the records: inside the file when it was zero-filled */
	w->fd = mlcd_wal__open_segment(w, w->segs[w->nsegs - 1].first, O_WRONLY);
	if (w->fd < 0 || lseek(w->fd, (off_t)w->segs[w->nsegs - 1].size, SEEK_SET) < 0)
		return io_fail("open segment", w->o.dir);
	w->cur_zeroed = zeroed; /* of the last segment */
	return 0;
}

/* ---- the writer ------------------------------------------------------------------------ */

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A new segment named first (the spare when one is ready); the old one was synced with its
 * last write. */
static int roll(mlcd_wal *w, uint64_t first)
{
	int fd = -1, rc = mlcd_wal__spare_take(&fd, w, first);
	if (rc < 0)
		return rc;
	w->cur_zeroed = rc == 1;
	if (rc == 0) {
		fd = mlcd_wal__open_segment(w, first, O_WRONLY | O_CREAT | O_EXCL);
		/* the directory entry must be durable before records in it count */
		if (fd < 0 || fsync(w->dirfd) != 0) {
			if (fd >= 0)
				close(fd);
			return io_fail("create segment", w->o.dir);
		}
	}
	pthread_mutex_lock(&w->mu);
	rc = add_segment(w, first, 0);
	pthread_mutex_unlock(&w->mu);
	if (rc != 0) {
		close(fd);
		return rc;
	}
	close(w->fd);
	w->fd = fd;
	return 0;
}

/* Write p[0..n) (records first..) to the log and sync it. */
static int write_out(mlcd_wal *w, const unsigned char *p, size_t n, uint64_t first)
{
	uint64_t size;
	double t0;
	int rc;
	pthread_mutex_lock(&w->mu);
	size = w->segs[w->nsegs - 1].size;
	pthread_mutex_unlock(&w->mu);
	/* a segment that grows as it is written is left as soon as a zero-filled one is ready */
	if (size > 0 &&
	    (size + n > w->o.segment_bytes || (!w->cur_zeroed && mlcd_wal__spare_is_ready(w))) &&
	    (rc = roll(w, first)) != 0)
		return rc;
	while (n > 0) {
		ssize_t k = write(w->fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return io_fail("write", w->o.dir);
		p += k, n -= (size_t)k;
	}
	if (!w->o.fsync)
		return 0;
	t0 = now_s();
	if (fdatasync(w->fd) != 0)
		return io_fail("fdatasync", w->o.dir);
	pthread_mutex_lock(&w->mu);
	w->n_syncs++;
	w->sync_seconds += now_s() - t0;
	pthread_mutex_unlock(&w->mu);
	return 0;
}

/* Take out the waiters whose records are durable (all of them when the log
 * failed); mu held. They are told after mu is released (fire). */
static mlcd_wal_waiter *take_waiters(mlcd_wal *w)
{
	mlcd_wal_waiter *head = w->wait_head, *t = NULL;
	for (mlcd_wal_waiter *x = head; x && (w->failed || x->seq <= w->durable); x = x->next)
		t = x;
	if (!t)
		return NULL;
	w->wait_head = t->next;
	if (!w->wait_head)
		w->wait_tail = NULL;
	t->next = NULL;
	return head;
}

/* Tell taken waiters, without mu: their callbacks take other locks and may
 * free the node. */
static void fire(mlcd_wal_waiter *x, int rc)
{
	while (x) {
		mlcd_wal_waiter *next = x->next;
		x->fn(x, rc);
		x = next;
	}
}

static void *writer_main(void *arg)
{
	mlcd_wal *w = arg;
	pthread_mutex_lock(&w->mu);
	for (;;) {
		mlcd_wal_waiter *ready;
		unsigned char *p;
		size_t n;
		uint64_t first, last;
		int rc, b;
		while (w->fill == 0 && !w->stop)
			pthread_cond_wait(&w->work, &w->mu);
		if (w->fill == 0)
			break;
		if (w->o.group_commit_us && !w->stop && !w->failed) {
			pthread_mutex_unlock(&w->mu);
			usleep(w->o.group_commit_us);
			pthread_mutex_lock(&w->mu);
		}
		b = w->cur, p = w->buf[b], n = w->fill;
		first = w->pending_first, last = w->appended;
		w->cur ^= 1, w->fill = 0;
		pthread_cond_broadcast(&w->room);
		pthread_mutex_unlock(&w->mu);
		rc = w->failed ? MLC_EIO : write_out(w, p, n, first);
		pthread_mutex_lock(&w->mu);
		if (rc != 0) {
			w->failed = 1;
		} else {
			w->segs[w->nsegs - 1].size += n;
			w->durable = last;
			w->n_bytes += n;
		}
		pthread_cond_broadcast(&w->done);
		if ((ready = take_waiters(w)) != NULL) {
			int failed = w->failed;
			pthread_mutex_unlock(&w->mu);
			fire(ready, failed ? MLC_EIO : 0);
			pthread_mutex_lock(&w->mu);
		}
	}
	/* nothing is left unwritten, so every waiter was told; this is only a guard */
	w->failed |= w->wait_head != NULL;
	{
		mlcd_wal_waiter *rest = take_waiters(w);
		pthread_mutex_unlock(&w->mu);
		fire(rest, MLC_EIO);
	}
	return NULL;
}

/* ---- open, append, close --------------------------------------------------------------- */

static int open_dir(mlcd_wal *w)
{
	if (mkdir(w->o.dir, 0755) != 0 && errno != EEXIST)
		return io_fail("create the log directory", w->o.dir);
	if ((w->dirfd = open(w->o.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return io_fail("open the log directory", w->o.dir);
	w->lockfd = openat(w->dirfd, "LOCK", O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (w->lockfd < 0)
		return io_fail("LOCK", w->o.dir);
	/* two servers appending to one log would interleave records */
	if (flock(w->lockfd, LOCK_EX | LOCK_NB) != 0)
		return mlcd__error_set(MLC_EIO, "%s: the log is in use by another server",
		                       w->o.dir);
	return 0;
}

static int init_sync(mlcd_wal *w)
{
	if (pthread_mutex_init(&w->mu, NULL) != 0)
		return mlcd__error_set(MLC_ERROR, "mutex");
	pthread_mutex_init(&w->rd_mu, NULL);
	pthread_cond_init(&w->work, NULL);
	pthread_cond_init(&w->done, NULL);
	pthread_cond_init(&w->room, NULL);
	pthread_mutex_init(&w->spare_mu, NULL);
	pthread_cond_init(&w->spare_cv, NULL);
	return 0;
}

int mlcd_wal_open(mlcd_wal **out, const mlcd_wal_options *o, mlcd_wal_record_fn fn, void *ctx,
                  mlcd_wal_recovery *rep)
{
	mlcd_wal_recovery ignore;
	mlcd_wal *w = calloc(1, sizeof(*w));
	int rc;
	*out = NULL;
	if (!rep)
		rep = &ignore;
	memset(rep, 0, sizeof(*rep));
	if (!w)
		return mlcd__error_set(MLC_ENOMEM, "out of memory");
	w->o = *o;
	w->dirfd = w->lockfd = w->fd = -1;
	if (!w->o.segment_bytes)
		w->o.segment_bytes = DEFAULT_SEGMENT;
	if (!w->o.buffer_bytes)
		w->o.buffer_bytes = DEFAULT_BUFFER;
	if (w->o.buffer_bytes < MLCD_WAL_HEADER + MLCD_WAL_MAX_RECORD)
		w->o.buffer_bytes = MLCD_WAL_HEADER + MLCD_WAL_MAX_RECORD;
	if ((rc = init_sync(w)) != 0) {
		free(w);
		return rc;
	}
	w->started = 0;
	if (!o->dir)
		rc = mlcd__error_set(MLC_EINVAL, "no log directory");
	else if ((rc = open_dir(w)) == 0 && (rc = recover(w, fn, ctx, rep)) == 0 &&
	         (rc = mlcd_wal__spare_start(w)) == 0) {
		if (pthread_create(&w->thread, NULL, writer_main, w) != 0)
			rc = mlcd__error_set(MLC_ERROR, "cannot start the log writer");
		else
			w->started = 1;
	}
	if (rc != 0) {
		mlcd_wal_close(w);
		return rc;
	}
	*out = w;
	return 0;
}

void mlcd_wal_close(mlcd_wal *w)
{
	if (!w)
		return;
	if (w->started) {
		pthread_mutex_lock(&w->mu);
		w->stop = 1;
		pthread_cond_broadcast(&w->work);
		pthread_mutex_unlock(&w->mu);
		pthread_join(w->thread, NULL);
	}
	mlcd_wal__spare_stop(w);
	if (w->fd >= 0)
		close(w->fd);
	if (w->lockfd >= 0)
		close(w->lockfd); /* releases the flock */
	if (w->dirfd >= 0)
		close(w->dirfd);
	pthread_mutex_destroy(&w->mu);
	pthread_mutex_destroy(&w->rd_mu);
	pthread_cond_destroy(&w->work);
	pthread_cond_destroy(&w->done);
	pthread_cond_destroy(&w->room);
	pthread_mutex_destroy(&w->spare_mu);
	pthread_cond_destroy(&w->spare_cv);
	free(w->buf[0]);
	free(w->buf[1]);
	free(w->rd_buf);
	free(w->segs);
	free(w);
}

/* Room for need more bytes in buf[cur], growing it up to buffer_bytes; mu held. */
static int reserve(mlcd_wal *w, size_t need)
{
	int b;
	while (!w->failed && w->fill > 0 && w->fill + need > w->o.buffer_bytes)
		pthread_cond_wait(&w->room, &w->mu);
	if (w->failed)
		return mlcd__error_set(MLC_EIO, "%s: the log failed earlier", w->o.dir);
	b = w->cur;
	if (w->fill + need > w->cap[b]) {
		size_t c = w->cap[b] ? w->cap[b] : 64 * 1024;
		unsigned char *p;
		while (c < w->fill + need)
			c *= 2;
		if (!(p = realloc(w->buf[b], c)))
			return mlcd__error_set(MLC_ENOMEM, "out of memory");
		w->buf[b] = p, w->cap[b] = c;
	}
	return 0;
}

static void put_record(unsigned char *d, uint64_t seq, const unsigned char *p, uint32_t n)
{
	for (int i = 0; i < 4; i++)
		d[i] = (unsigned char)(n >> (8 * i));
	for (int i = 0; i < 8; i++)
		d[8 + i] = (unsigned char)(seq >> (8 * i));
	memcpy(d + MLCD_WAL_HEADER, p, n);
	uint32_t crc = mlcd_crc32c(0, d + 8, 8 + (size_t)n);
	for (int i = 0; i < 4; i++)
		d[4 + i] = (unsigned char)(crc >> (8 * i));
}

/* Copy the records into buf[cur]; mu held. */
static int append_locked(mlcd_wal *w, const unsigned char *const *p, const uint32_t *len, size_t n)
{
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		if ((rc = reserve(w, MLCD_WAL_HEADER + len[i])) != 0)
			break;
		if (w->fill == 0)
			w->pending_first = w->next_seq;
		put_record(w->buf[w->cur] + w->fill, w->next_seq, p[i], len[i]);
		w->fill += MLCD_WAL_HEADER + len[i];
		w->appended = w->next_seq++;
		w->n_records++;
	}
	return rc;
}

static int check_lengths(const uint32_t *len, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (len[i] > MLCD_WAL_MAX_RECORD)
			return mlcd__error_set(MLC_ETOOLARGE, "log record of %u bytes", len[i]);
	return 0;
}

int mlcd_wal_append(uint64_t *out_last, mlcd_wal *w, const unsigned char *const *p,
                    const uint32_t *len, size_t n)
{
	int rc = check_lengths(len, n);
	if (rc != 0)
		return rc;
	pthread_mutex_lock(&w->mu);
	rc = append_locked(w, p, len, n);
	*out_last = w->appended;
	pthread_cond_signal(&w->work);
	pthread_mutex_unlock(&w->mu);
	return rc;
}

int mlcd_wal_append_notify(uint64_t *out_last, mlcd_wal *w, const unsigned char *const *p,
                           const uint32_t *len, size_t n, mlcd_wal_waiter *wt)
{
	int rc = check_lengths(len, n);
	if (rc != 0)
		return rc;
	pthread_mutex_lock(&w->mu);
	/* a failed log takes no waiter: its writer may have told them all already */
	if (w->failed)
		rc = mlcd__error_set(MLC_EIO, "%s: the log failed earlier", w->o.dir);
	else
		rc = append_locked(w, p, len, n);
	*out_last = w->appended;
	if (rc == 0 && n == 0 && w->durable >= w->appended) {
		rc = 1;
	} else if (rc == 0) {
		/* queued under the same lock as the seqs were given: the list stays in seq order */
		wt->seq = w->appended, wt->next = NULL;
		if (w->wait_tail)
			w->wait_tail->next = wt;
		else
			w->wait_head = wt;
		w->wait_tail = wt;
	}
	pthread_cond_signal(&w->work);
	pthread_mutex_unlock(&w->mu);
	return rc;
}

int mlcd_wal_wait(mlcd_wal *w, uint64_t seq)
{
	int rc = 0;
	pthread_mutex_lock(&w->mu);
	while (w->durable < seq && !w->failed)
		pthread_cond_wait(&w->done, &w->mu);
	if (w->durable < seq)
		rc = mlcd__error_set(MLC_EIO, "%s: writing the log failed", w->o.dir);
	pthread_mutex_unlock(&w->mu);
	return rc;
}

uint64_t mlcd_wal_last_seq(mlcd_wal *w)
{
	uint64_t v;
	pthread_mutex_lock(&w->mu);
	v = w->appended;
	pthread_mutex_unlock(&w->mu);
	return v;
}

void mlcd_wal_get_stats(mlcd_wal_stats *out, mlcd_wal *w)
{
	pthread_mutex_lock(&w->mu);
	out->bytes = w->n_bytes;
	out->records = w->n_records;
	out->syncs = w->n_syncs;
	out->segments = w->nsegs;
	out->sync_seconds = w->sync_seconds;
	out->durable_seq = w->durable;
	out->last_seq = w->appended;
	out->failed = w->failed;
	pthread_mutex_unlock(&w->mu);
	pthread_mutex_lock(&w->spare_mu);
	out->preallocated = w->n_preallocated;
	out->spare_ready = w->spare_ready;
	out->spare_failed = w->spare_failed;
	pthread_mutex_unlock(&w->spare_mu);
}
