/* SPDX-License-Identifier: MIT */
/*
 * wal.h - the write-ahead log of `mlcost serve`: numbered records in
 * segment files, appended with group commit and read back in order.
 *
 * A segment is wal-<first seq, 16 digits>.log in the log directory; a
 * record is
 *
 *   u32 length of the payload | u32 CRC-32C of (seq, payload) | u64 seq | payload
 *
 * little-endian, seq strictly increasing within the log. Appending copies
 * records into a memory buffer under a mutex and gives them their seq; one
 * writer thread writes the buffer, fdatasync()s it and then wakes every
 * caller whose records are durable, so one sync covers all the callers
 * that were waiting at that moment (group commit). A segment rolls when
 * the next write would take it past the segment size.
 * With `preallocate`, a thread keeps the next segment ready ahead of time,
 * zero-filled and synced (wal-spare.log; wal_spare.c), and a roll renames
 * it into place: records then overwrite zeros inside the file instead of
 * growing it, so an fdatasync writes the data alone, without the inode's
 * new size (one disk write per sync instead of two; on a busy disk about
 * twice as many syncs a second, bench/README-serve.md). A segment that was
 * not zero-filled (the first one, or one opened when no spare was ready)
 * is left for the spare as soon as one is ready. Zeros after the last
 * record of a segment are its unused end, not a bad tail.
 *
 * Opening recovers: every segment is read in order, each record checked
 * (length, CRC, seq order); at the first bad record the rest of that
 * segment is cut off (the file truncated there: a torn write of a crash)
 * and counted. The payload is opaque here.
 *
 * What it is not: the event encoding (wal_event.c) or what the records
 * mean (engine.c).
 */
#ifndef MLCD_WAL_H
#define MLCD_WAL_H

#include <stddef.h>
#include <stdint.h>

#define MLCD_WAL_HEADER     16
#define MLCD_WAL_MAX_RECORD (64u * 1024u) /* payload bytes of one record at most */

typedef struct mlcd_wal mlcd_wal;

typedef struct mlcd_wal_options {
	const char *dir;          /**< created when missing */
	uint64_t segment_bytes;   /**< roll past this; 0 = 64 MiB */
	int fsync;                /**< fdatasync before a record counts as durable */
	unsigned group_commit_us; /**< the writer waits this long to gather more; 0 none */
	size_t buffer_bytes;      /**< appends wait when this much is unwritten; 0 = 16 MiB */
	uint64_t min_seq;         /**< the first seq given is above this (a stored position) */
	int preallocate;          /**< zero-fill segments ahead (with fsync only: see above) */
} mlcd_wal_options;

/** What recovery found. */
typedef struct mlcd_wal_recovery {
	uint64_t records, segments;
	uint64_t cut_bytes;    /**< bytes cut off after bad records */
	uint64_t cut_segments; /**< segments that had a bad tail */
	uint64_t last_seq;     /**< the last good record's seq (0: none) */
} mlcd_wal_recovery;

typedef struct mlcd_wal_stats {
	uint64_t bytes, records, syncs, segments;
	double sync_seconds; /**< time spent in fdatasync */
	uint64_t durable_seq, last_seq;
	int failed;            /**< a write or sync failed: every append fails from then on */
	uint64_t preallocated; /**< segments written into zero-filled (a spare taken) */
	int spare_ready;       /**< a zero-filled spare is waiting for the next roll */
	int spare_failed;      /**< preparing a spare failed: segments grow as they are written */
} mlcd_wal_stats;

/** Called for each good record in order; non-zero stops and is returned. */
typedef int (*mlcd_wal_record_fn)(uint64_t seq, const unsigned char *payload, size_t len,
                                  void *ctx);

/**
 * Scan buf for records: fn gets each good one, in order. A record is good
 * when it is complete, its length at most MLCD_WAL_MAX_RECORD, its CRC
 * right and its seq above the previous one (the first above floor_seq).
 * *out_good is the length of the good prefix, *out_last the last good seq
 * (floor_seq when none) and *out_short (may be NULL) 1 when the scan
 * stopped at an incomplete record at the end of buf rather than at a bad
 * one. Pure: no I/O; any bytes are safe.
 */
int mlcd_wal_scan(size_t *out_good, uint64_t *out_last, int *out_short, const unsigned char *buf,
                  size_t len, uint64_t floor_seq, mlcd_wal_record_fn fn, void *ctx);

/** CRC-32C (Castagnoli) of p[0..n) continuing from crc (0 to start). */
uint32_t mlcd_crc32c(uint32_t crc, const void *p, size_t n);

/**
 * Open the log: recover (fn gets every good record, in order; rep may be
 * NULL), cut bad tails, start the writer thread. MLC_EIO (directory,
 * files), MLC_ENOMEM, or fn's non-zero return.
 */
int mlcd_wal_open(mlcd_wal **out, const mlcd_wal_options *o, mlcd_wal_record_fn fn, void *ctx,
                  mlcd_wal_recovery *rep);

/** Write out what is buffered, stop the writer, close. NULL ok. */
void mlcd_wal_close(mlcd_wal *w);

/**
 * Copy n records into the log (payload i is p[i], len[i] bytes, at most
 * MLCD_WAL_MAX_RECORD), numbered consecutively; *out_last is the last
 * one's seq. Waits for room when the buffer is full. MLC_EIO when the log
 * has failed, MLC_ETOOLARGE for a payload too large.
 */
int mlcd_wal_append(uint64_t *out_last, mlcd_wal *w, const unsigned char *const *p,
                    const uint32_t *len, size_t n);

/**
 * A caller's request to be told when records are durable: the log keeps
 * it (no allocation) from mlcd_wal_append_notify until fn is called, once,
 * from the writer thread (rc 0, or MLC_EIO when the log failed), without
 * the log's lock held; fn may free the node.
 */
typedef struct mlcd_wal_waiter {
	struct mlcd_wal_waiter *next; /* the log's */
	uint64_t seq;                 /* the log's: durable up to here */
	void (*fn)(struct mlcd_wal_waiter *wt, int rc);
} mlcd_wal_waiter;

/**
 * mlcd_wal_append, then wt->fn once every record up to the last one is
 * durable; with n == 0, once every record appended so far is. Returns 0
 * when wt is queued; 1 when there was nothing to wait for (n == 0, all
 * durable): wt is not queued and fn not called; otherwise an error as
 * mlcd_wal_append, and wt is not queued.
 */
int mlcd_wal_append_notify(uint64_t *out_last, mlcd_wal *w, const unsigned char *const *p,
                           const uint32_t *len, size_t n, mlcd_wal_waiter *wt);

/** Wait until every record up to seq is durable: 0, or MLC_EIO if the log failed. */
int mlcd_wal_wait(mlcd_wal *w, uint64_t seq);

/** The seq of the last record appended (0: none yet). */
uint64_t mlcd_wal_last_seq(mlcd_wal *w);

/**
 * Read the durable records with seq above after_seq, in order, at most
 * max of them (0: all durable now). fn as in recovery. *out_last is the
 * last seq passed (after_seq when none).
 */
int mlcd_wal_read(uint64_t *out_last, mlcd_wal *w, uint64_t after_seq, size_t max,
                  mlcd_wal_record_fn fn, void *ctx);

/** Delete the segments whose records all have seq <= seq (never the one written). */
int mlcd_wal_trim(mlcd_wal *w, uint64_t seq);

void mlcd_wal_get_stats(mlcd_wal_stats *out, mlcd_wal *w);

#endif
