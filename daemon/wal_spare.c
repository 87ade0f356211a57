/* SPDX-License-Identifier: MIT */
/*
 * wal_spare.c - the log's next segment, prepared ahead of time. A thread
 * writes wal-spare.tmp full of zeros (the segment size, synced every 8 MiB
 * so the disk never gets the whole segment in one burst between two of
 * the log's syncs), fdatasyncs it and renames it wal-spare.log: only a
 * whole, synced spare ever has that name. At a roll the writer renames it
 * to the new segment's name, syncs the directory and asks for the next.
 * Records written into it overwrite zeros, so the log's fdatasync has no
 * file size to write (wal.h).
 *
 * A failure to prepare one (a full disk) is remembered and not retried:
 * the log then grows its segments as it writes them, as without
 * preallocation. What it is not: the writer or recovery (wal.c).
 */
#include "engine_internal.h"
#include "wal_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SPARE_TMP  "wal-spare.tmp"
#define SPARE      "wal-spare.log"
#define ZERO_CHUNK (1u << 20)
#define SYNC_EVERY (8ull << 20)

static const unsigned char zeros[ZERO_CHUNK];

int mlcd_wal__spare_is_ready(mlcd_wal *w)
{
	return __atomic_load_n(&w->spare_ready, __ATOMIC_ACQUIRE);
}

static int stop_asked(mlcd_wal *w)
{
	int s;
	pthread_mutex_lock(&w->spare_mu);
	s = w->spare_stop;
	pthread_mutex_unlock(&w->spare_mu);
	return s;
}

/* Write the spare: 0 done, 1 stopped half way (the .tmp is removed at the next start), -1
 * failed. */
static int prepare(mlcd_wal *w)
{
	int fd = openat(w->dirfd, SPARE_TMP, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	uint64_t done = 0, synced = 0, size = w->o.segment_bytes;
	if (fd < 0)
		return -1;
	while (done < size) {
		size_t n = size - done < ZERO_CHUNK ? (size_t)(size - done) : ZERO_CHUNK;
		ssize_t k = write(fd, zeros, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			goto fail;
		done += (uint64_t)k;
		if (done - synced >= SYNC_EVERY) {
			if (fdatasync(fd) != 0)
				goto fail;
			synced = done;
			if (stop_asked(w)) {
				close(fd);
				return 1;
			}
		}
	}
	if (fdatasync(fd) != 0)
		goto fail;
	close(fd);
	return renameat(w->dirfd, SPARE_TMP, w->dirfd, SPARE) == 0 ? 0 : -1;
fail:
	close(fd);
	unlinkat(w->dirfd, SPARE_TMP, 0);
	return -1;
}

static void *spare_main(void *arg)
{
	mlcd_wal *w = arg;
	pthread_mutex_lock(&w->spare_mu);
	for (;;) {
		int rc;
		while (!w->spare_stop && (w->spare_ready || w->spare_failed))
			pthread_cond_wait(&w->spare_cv, &w->spare_mu);
		if (w->spare_stop)
			break;
		pthread_mutex_unlock(&w->spare_mu);
		rc = prepare(w);
		pthread_mutex_lock(&w->spare_mu);
		if (rc == 0)
			__atomic_store_n(&w->spare_ready, 1, __ATOMIC_RELEASE);
		else if (rc < 0)
			w->spare_failed = 1;
	}
	pthread_mutex_unlock(&w->spare_mu);
	return NULL;
}

int mlcd_wal__spare_start(mlcd_wal *w)
{
	struct stat st;
	/* a spare half written when the server stopped is of no use */
	unlinkat(w->dirfd, SPARE_TMP, 0);
	if (!w->o.preallocate || !w->o.fsync) {
		unlinkat(w->dirfd, SPARE, 0); /* left by a run with preallocation: disk back */
		return 0;
	}
	if (fstatat(w->dirfd, SPARE, &st, 0) == 0) {
		if ((uint64_t)st.st_size == w->o.segment_bytes)
			w->spare_ready = 1; /* finished by an earlier run: whole and synced */
		else if (unlinkat(w->dirfd, SPARE, 0) != 0)
			return mlcd__error_set(MLC_EIO, "%s: remove %s: %s", w->o.dir, SPARE,
			                       strerror(errno));
	}
	if (pthread_create(&w->spare_thread, NULL, spare_main, w) != 0)
		return mlcd__error_set(MLC_ERROR, "cannot start the log's spare thread");
	w->spare_started = 1;
	return 0;
}

void mlcd_wal__spare_stop(mlcd_wal *w)
{
	if (!w->spare_started)
		return;
	pthread_mutex_lock(&w->spare_mu);
	w->spare_stop = 1;
	pthread_cond_signal(&w->spare_cv);
	pthread_mutex_unlock(&w->spare_mu);
	pthread_join(w->spare_thread, NULL);
	w->spare_started = 0;
}

int mlcd_wal__spare_take(int *out_fd, mlcd_wal *w, uint64_t first)
{
	char name[WAL_NAME_MAX];
	int fd;
	*out_fd = -1;
	if (!mlcd_wal__spare_is_ready(w))
		return 0;
	mlcd_wal__name(name, sizeof(name), first);
	pthread_mutex_lock(&w->spare_mu);
	__atomic_store_n(&w->spare_ready, 0, __ATOMIC_RELEASE);
	if (renameat(w->dirfd, SPARE, w->dirfd, name) != 0) {
		/* nothing renamed: the roll creates an empty segment instead */
		w->spare_failed = 1;
		pthread_mutex_unlock(&w->spare_mu);
		return 0;
	}
	w->n_preallocated++;
	pthread_cond_signal(&w->spare_cv); /* the next one */
	pthread_mutex_unlock(&w->spare_mu);
	/* the new name must be durable before records in it count */
	fd = openat(w->dirfd, name, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || fsync(w->dirfd) != 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return mlcd__error_set(MLC_EIO, "%s: roll into the spare segment: %s", w->o.dir,
		                       strerror(e));
	}
	*out_fd = fd;
	return 1;
}
