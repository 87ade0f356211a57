/* SPDX-License-Identifier: MIT */
/*
 * fuzz_wal.c - libFuzzer target for the write-ahead log's recovery: the
 * input is the content of a segment file as a crash or a bad disk could
 * leave it. Recovery must not crash, must pass only records that scan
 * good, and must leave the file cut to a prefix that scans good to its
 * end, or to one followed by zeros only (a zero-filled segment's unused end); every payload it
 * passes goes through the event decoder, and an event that decodes must encode back to the same
 * bytes.
 *
 * The scan and decoder see every input; the whole recovery (a file, a
 * log opened on it) one in eight, as it is a hundred times slower.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine_internal.h"

static char dir[64];
static char seg[128];

static int check(uint64_t seq, const unsigned char *p, size_t len, void *ctx)
{
	unsigned char again[MLCD_EVENT_PAYLOAD_MAX];
	mlcd_event ev;
	(void)seq, (void)ctx;
	if (mlcd__event_decode(&ev, p, len) == 0 &&
	    (mlcd__event_encode(again, &ev) != len || memcmp(again, p, len) != 0))
		abort();
	return 0;
}

/* The file after recovery scans good up to where only zeros follow (the unused end of a
 * zero-filled segment, which recovery keeps). */
static void check_file(void)
{
	static unsigned char buf[1 << 20];
	size_t n, good = 0;
	uint64_t last = 0;
	int fd = open(seg, O_RDONLY);
	if (fd < 0)
		abort();
	n = (size_t)read(fd, buf, sizeof(buf));
	close(fd);
	mlcd_wal_scan(&good, &last, NULL, buf, n, 0, NULL, NULL);
	for (size_t i = good; i < n; i++)
		if (buf[i])
			abort();
}

static void cleanup(void)
{
	char lock[128];
	snprintf(lock, sizeof(lock), "%s/LOCK", dir);
	unlink(seg);
	unlink(lock);
	rmdir(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mlcd_wal_options o;
	mlcd_wal *w = NULL;
	size_t good = 0;
	uint64_t last = 0;
	int fd;
	/* the pure scan first, straight on the bytes */
	mlcd_wal_scan(&good, &last, NULL, data, size, 0, check, NULL);
	if (good > size)
		abort();
	/* recovery syncs the file it cuts and starts a thread: slow, so one
	 * input in eight (by length, the same for a given input) takes it */
	if (size % 8 != 0)
		return 0;
	if (!*dir) {
		snprintf(dir, sizeof(dir), "/tmp/mlc_fuzz_wal_XXXXXX");
		if (!mkdtemp(dir))
			abort();
		snprintf(seg, sizeof(seg), "%s/wal-0000000000000001.log", dir);
		atexit(cleanup);
	}
	/* then recovery of a log holding those bytes as its only segment */
	if ((fd = open(seg, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0)
		abort();
	if (size && write(fd, data, size) != (ssize_t)size)
		abort();
	close(fd);
	memset(&o, 0, sizeof(o));
	o.dir = dir;
	if (mlcd_wal_open(&w, &o, check, NULL, NULL) == 0) {
		mlcd_wal_close(w);
		check_file();
	}
	return 0;
}
