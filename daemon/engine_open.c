/* SPDX-License-Identifier: MIT */
/*
 * engine_open.c - starting and stopping the engine, and crash recovery.
 *
 * Open, in this order: the store (migrated) -> this replica's name and
 * stored log position -> the store's hourly totals -> the ids received in
 * the dedup window -> the log, each record replayed (the ones after the
 * stored position count as pending again; all of them are remembered as
 * seen) -> the background thread. Close: stop the thread, store what is
 * logged, close the log and the store.
 *
 * What it is not: append and queries (engine.c), compaction (compact.c).
 */
#include "engine_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_WINDOW   (7 * 86400)
#define DEFAULT_MAX_IDS  1000000
#define CLOSE_COMPACT_MS 3000

/* ---- the replica name ------------------------------------------------------------------ */

static int read_replica(mlcd_engine *e, const char *path)
{
	FILE *f = fopen(path, "r");
	size_t n;
	if (!f)
		return errno == ENOENT ? 1
		                       : mlcd__error_set(MLC_EIO, "%s: %s", path, strerror(errno));
	n = fread(e->replica, 1, sizeof(e->replica) - 1, f);
	fclose(f);
	e->replica[n] = '\0';
	e->replica[strcspn(e->replica, "\r\n")] = '\0';
	return e->replica[0] ? 0 : mlcd__error_set(MLC_EIO, "%s: empty", path);
}

/* Write the name to path atomically: a temporary file, synced, renamed. */
static int write_replica(mlcd_engine *e, const char *dir, const char *path)
{
	char tmp[4200], host[64] = "mlcost";
	int fd, dfd, rc = 0;
	gethostname(host, sizeof(host) - 1);
	host[strcspn(host, ". ")] = '\0';
	snprintf(e->replica, sizeof(e->replica), "%s-%016" PRIx64, host, mlcd_random_seed());
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
		return mlcd__error_set(MLC_EIO, "%s: %s", tmp, strerror(errno));
	if (dprintf(fd, "%s\n", e->replica) < 0 || fsync(fd) != 0)
		rc = mlcd__error_set(MLC_EIO, "%s: %s", tmp, strerror(errno));
	close(fd);
	if (rc == 0 && rename(tmp, path) != 0)
		rc = mlcd__error_set(MLC_EIO, "%s: %s", path, strerror(errno));
	if (rc == 0 && (dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return rc;
}

static int replica_name(mlcd_engine *e)
{
	char path[4096];
	int rc;
	if (e->cfg.replica) {
		if (!*e->cfg.replica || strlen(e->cfg.replica) >= sizeof(e->replica))
			return mlcd__error_set(MLC_EINVAL, "replica name empty or too long");
		snprintf(e->replica, sizeof(e->replica), "%s", e->cfg.replica);
		return 0;
	}
	if (mkdir(e->cfg.wal_dir, 0755) != 0 && errno != EEXIST)
		return mlcd__error_set(MLC_EIO, "%s: %s", e->cfg.wal_dir, strerror(errno));
	snprintf(path, sizeof(path), "%s/REPLICA", e->cfg.wal_dir);
	if ((rc = read_replica(e, path)) <= 0)
		return rc;
	return write_replica(e, e->cfg.wal_dir, path);
}

/* ---- recovery -------------------------------------------------------------------------- */

typedef struct id_list {
	char **id;
	int64_t *received;
	size_t n, cap;
} id_list;

static int keep_id(const char *id, int64_t received, void *ctx)
{
	id_list *l = ctx;
	if (l->n == l->cap) {
		size_t c = l->cap ? 2 * l->cap : 1024;
		char **p = realloc(l->id, c * sizeof(*p));
		int64_t *r = p ? realloc(l->received, c * sizeof(*r)) : NULL;
		if (p)
			l->id = p;
		if (!p || !r)
			return mlcd__error_set(MLC_ENOMEM, "out of memory");
		l->received = r, l->cap = c;
	}
	if (!(l->id[l->n] = strdup(id)))
		return mlcd__error_set(MLC_ENOMEM, "out of memory");
	l->received[l->n++] = received;
	return 0;
}

/* The ids the store received in the window, oldest first into the set. */
static int load_ids(mlcd_engine *e)
{
	id_list l = {NULL, NULL, 0, 0};
	int64_t since = (int64_t)time(NULL) - (int64_t)e->cfg.dedup_window_s;
	int rc = mlc_store_meter_ids_since(e->store, since, e->cfg.dedup_max_ids, keep_id, &l);
	if (rc != 0 && mlc_error_code() == rc)
		rc = mlcd__error_from_lib(rc, "reading recent ids");
	for (size_t i = l.n; i-- > 0;) {
		if (rc == 0)
			mlcd_dedup_check_add(e->dedup, mlcd_dedup_hash(e->dedup, l.id[i]),
			                     l.received[i]);
		free(l.id[i]);
	}
	free(l.id);
	free(l.received);
	return rc;
}

static int replay(uint64_t seq, const unsigned char *p, size_t len, void *ctx)
{
	mlcd_engine *e = ctx;
	mlcd_event ev;
	if (mlcd__event_decode(&ev, p, len) != 0) {
		e->n_bad_records++;
		return 0;
	}
	mlcd_dedup_check_add(e->dedup, mlcd_dedup_hash(e->dedup, ev.ev.id), ev.received);
	if (seq <= e->compacted_seq)
		return 0; /* already in the store, counted in its totals */
	e->n_recovered++;
	return mlcd_index_pending(e->index, &ev, 1);
}

static int open_log(mlcd_engine *e)
{
	mlcd_wal_options wo;
	mlcd_wal_recovery rep;
	int rc;
	memset(&wo, 0, sizeof(wo));
	wo.dir = e->cfg.wal_dir;
	wo.segment_bytes = e->cfg.wal_segment_bytes;
	wo.fsync = e->cfg.fsync;
	wo.preallocate = e->cfg.wal_preallocate;
	wo.group_commit_us = e->cfg.group_commit_us;
	wo.min_seq = e->compacted_seq;
	rc = mlcd_wal_open(&e->wal, &wo, replay, e, &rep);
	e->n_cut_bytes = rep.cut_bytes;
	e->compacted_seq_pub = e->compacted_seq;
	return rc;
}

/* ---- open and close -------------------------------------------------------------------- */

static void defaults(mlcd_engine_config *c)
{
	if (!c->compact_interval_ms)
		c->compact_interval_ms = 250;
	if (!c->refresh_interval_ms)
		c->refresh_interval_ms = 250;
	if (!c->dedup_window_s)
		c->dedup_window_s = DEFAULT_WINDOW;
	if (!c->dedup_max_ids)
		c->dedup_max_ids = DEFAULT_MAX_IDS;
	if (!c->memory_days)
		c->memory_days = 400;
}

static int open_store(mlcd_engine *e)
{
	int rc = mlc_store_open(&e->store, e->cfg.store_url, NULL);
	if (rc != 0)
		return mlcd__error_from_lib(rc, "store");
	if ((rc = mlc_store_meter_log_seq(&e->compacted_seq, e->store, e->replica)) != 0)
		return mlcd__error_from_lib(rc, "store");
	return 0;
}

static int start(mlcd_engine *e)
{
	int rc;
	if ((rc = replica_name(e)) != 0 || (rc = open_store(e)) != 0 ||
	    (rc = mlcd_index_new(&e->index, e->cfg.max_cells)) != 0 ||
	    (rc = mlcd_dedup_new(&e->dedup, e->cfg.dedup_max_ids,
	                         (int64_t)e->cfg.dedup_window_s)) != 0)
		return rc;
	mlcd__move_horizon(e, (int64_t)time(NULL));
	/* the store's totals first, then the log's pending events on top */
	if ((rc = mlcd__refresh_locked(e)) != 0 || (rc = load_ids(e)) != 0 ||
	    (rc = open_log(e)) != 0)
		return rc;
	e->n_ids = mlcd_dedup_count(e->dedup);
	return mlcd__bg_start(e);
}

int mlcd_engine_open(mlcd_engine **out, const mlcd_engine_config *cfg)
{
	mlcd_engine *e;
	int rc;
	*out = NULL;
	if (!cfg || !cfg->wal_dir || !*cfg->wal_dir)
		return mlcd__error_set(MLC_EINVAL, "engine: no wal_dir");
	if (!(e = calloc(1, sizeof(*e))))
		return mlcd__error_set(MLC_ENOMEM, "out of memory");
	e->cfg = *cfg;
	defaults(&e->cfg);
	pthread_mutex_init(&e->append_mu, NULL);
	pthread_mutex_init(&e->store_mu, NULL);
	pthread_mutex_init(&e->stats_mu, NULL);
	pthread_mutex_init(&e->bg_mu, NULL);
	if ((rc = start(e)) != 0) {
		char msg[1024];
		snprintf(msg, sizeof(msg), "%s", mlcd_engine_error());
		mlcd_engine_close(e);
		return mlcd__error_set(rc, "%s", msg);
	}
	*out = e;
	return 0;
}

void mlcd_engine_close(mlcd_engine *e)
{
	if (!e)
		return;
	mlcd__bg_stop(e);
	/* bounded, so a stop is prompt after a burst: what is left stays in the
	 * log and is replayed and stored after the restart */
	if (e->wal && e->index)
		mlcd__compact_for(e, CLOSE_COMPACT_MS);
	mlcd_wal_close(e->wal);
	mlc_store_close(e->store);
	mlcd__stash_free(&e->stash);
	mlcd_index_free(e->index);
	mlcd_dedup_free(e->dedup);
	pthread_mutex_destroy(&e->append_mu);
	pthread_mutex_destroy(&e->store_mu);
	pthread_mutex_destroy(&e->stats_mu);
	pthread_mutex_destroy(&e->bg_mu);
	free(e);
}
