/* SPDX-License-Identifier: MIT */
/*
 * wal_internal.h - the log's state, shared by wal.c (open, recovery, the
 * writer, append) and wal_read.c (reading durable records back, trimming).
 */
#ifndef MLCD_WAL_INTERNAL_H
#define MLCD_WAL_INTERNAL_H

#include <pthread.h>

#include "wal.h"

#define WAL_NAME_MAX 64 /* "wal-" 16 digits ".log" and room */

typedef struct wal_segment {
	uint64_t first; /* seq in its name: every record in it is >= first */
	uint64_t size;  /* bytes durable (written and synced) */
} wal_segment;

struct mlcd_wal {
	mlcd_wal_options o;
	int dirfd, lockfd, fd; /* fd: the segment being written (the last) */

	pthread_mutex_t mu;
	pthread_cond_t work; /* the writer waits for records */
	pthread_cond_t done; /* appenders wait for durability */
	pthread_cond_t room; /* appenders wait for buffer space */
	unsigned char *buf[2];
	size_t cap[2];
	int cur;                /* appends go to buf[cur] */
	size_t fill;            /* bytes in buf[cur] */
	uint64_t pending_first; /* seq of the first record in buf[cur] */
	uint64_t next_seq, appended, durable;
	mlcd_wal_waiter *wait_head, *wait_tail; /* in seq order: appended under mu */
	wal_segment *segs;                      /* in seq order; the last is being written */
	size_t nsegs, capsegs;
	int failed, stop, started;
	pthread_t thread;
	uint64_t n_bytes, n_records, n_syncs;
	double sync_seconds;

	/* the spare segment (wal_spare.c), under spare_mu; spare_ready also read atomically */
	pthread_mutex_t spare_mu;
	pthread_cond_t spare_cv;
	pthread_t spare_thread;
	int spare_started, spare_ready, spare_stop, spare_failed;
	int cur_zeroed; /* the segment being written was zero-filled ahead (the writer's) */
	uint64_t n_preallocated;

	/* the reader's position (compaction), under rd_mu */
	pthread_mutex_t rd_mu;
	unsigned char *rd_buf;
	uint64_t rd_seg, rd_off, rd_last; /* segment first, offset, last seq before it */
};

/* "DIR/wal-%016llu.log" of a segment into out. */
void mlcd_wal__name(char *out, size_t cap, uint64_t first);
/* Open the segment named by first for reading (relative to the directory). */
int mlcd_wal__open_segment(mlcd_wal *w, uint64_t first, int flags);

/* The spare (wal_spare.c). Start: keep a finished spare of the right size, remove anything
 * else, start the thread that prepares one (only with o.preallocate and o.fsync). Stop: join it. */
int mlcd_wal__spare_start(mlcd_wal *w);
void mlcd_wal__spare_stop(mlcd_wal *w);
/* 1 and *out_fd (open for writing at offset 0, named and durable as segment first) when a
 * spare was ready; 0 when none was (nothing done); MLC_EIO. The writer's, at a roll. */
int mlcd_wal__spare_take(int *out_fd, mlcd_wal *w, uint64_t first);
/* Is there a spare to roll to? (no lock) */
int mlcd_wal__spare_is_ready(mlcd_wal *w);

#endif
