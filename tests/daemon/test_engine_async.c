/* SPDX-License-Identifier: MIT */
/*
 * test_engine_async.c - the asynchronous append (mlcd_engine_append_async),
 * which the HTTP ingest uses: many appends from several threads at once,
 * none waiting, each told exactly once and only after its events are in
 * the log file and a sync has run since it was made; duplicates in a call
 * and across calls; the "nothing to wait for" case answered on the calling
 * thread; a refused call never told. The callbacks run on the log's writer
 * thread, so they only record what they saw; the checks are made here.
 */
#include "test_engine_helpers.h"

#include <dirent.h>
#include <stdatomic.h>

#define THREADS 4
#define CALLS   100 /* per thread */

typedef struct call {
	char id[32];
	unsigned char st[2];
	atomic_int ndone;
	int rc;
	int on_disk;     /* the id was in a log segment when done ran */
	int synced;      /* a sync finished between the call and done */
	uint64_t syncs0; /* wal_syncs before the call */
	const fx *f;
	mlcd_engine *e;
} call;

/* 1 when some segment of dir holds the bytes of s. */
static int log_has(const char *dir, const char *s)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t k = strlen(s);
	int found = 0;
	if (!d)
		return 0;
	while (!found && (de = readdir(d))) {
		char path[512], buf[1 << 16];
		size_t n;
		FILE *fp;
		if (strncmp(de->d_name, "wal-", 4) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (!(fp = fopen(path, "rb")))
			continue;
		n = fread(buf, 1, sizeof(buf), fp);
		fclose(fp);
		for (size_t i = 0; !found && i + k <= n; i++)
			found = memcmp(buf + i, s, k) == 0;
	}
	closedir(d);
	return found;
}

static void on_done(void *ctx, int rc)
{
	call *c = ctx;
	mlcd_engine_stats st;
	mlcd_engine_get_stats(&st, c->e);
	c->rc = rc;
	c->on_disk = log_has(c->f->wal[0], c->id);
	c->synced = st.wal_syncs > c->syncs0;
	atomic_fetch_add(&c->ndone, 1);
}

typedef struct worker {
	call *calls;
	int failed;
} worker;

static void *run_worker(void *arg)
{
	worker *w = arg;
	for (int i = 0; i < CALLS; i++) {
		call *c = &w->calls[i];
		mlcd_engine_stats st;
		/* the id twice: the second is a duplicate in the same call */
		mlcd_event ev[2] = {mk(c->id, H0 + 60 * i, "m1", "t1", "0.01", 1),
		                    mk(c->id, H0 + 60 * i, "m1", "t1", "0.01", 1)};
		mlcd_engine_get_stats(&st, c->e);
		c->syncs0 = st.wal_syncs;
		if (mlcd_engine_append_async(c->e, ev, 2, c->st, on_done, c) != 0)
			w->failed++;
	}
	return NULL;
}

static int all_done(call *calls, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (atomic_load(&calls[i].ndone) == 0)
			return 0;
	return 1;
}

static void concurrent_async_appends_are_each_told_once_after_the_sync(void **state)
{
	fx *f = *state;
	static call calls[THREADS * CALLS];
	worker w[THREADS];
	pthread_t t[THREADS];
	mlcd_engine_stats st;
	struct timespec tick = {0, 5 * 1000 * 1000};
	f->e = open_engine(f, 0);
	memset(calls, 0, sizeof(calls));
	for (size_t i = 0; i < THREADS * CALLS; i++) {
		snprintf(calls[i].id, sizeof(calls[i].id), "async-%04zu", i);
		calls[i].f = f, calls[i].e = f->e;
	}
	for (int k = 0; k < THREADS; k++) {
		w[k] = (worker){&calls[k * CALLS], 0};
		assert_int_equal(pthread_create(&t[k], NULL, run_worker, &w[k]), 0);
	}
	for (int k = 0; k < THREADS; k++) {
		pthread_join(t[k], NULL);
		assert_int_equal(w[k].failed, 0);
	}
	for (int i = 0; i < 2000 && !all_done(calls, THREADS * CALLS); i++)
		nanosleep(&tick, NULL);
	nanosleep(&tick, NULL); /* a second call of done would come by now */
	for (size_t i = 0; i < THREADS * CALLS; i++) {
		const call *c = &calls[i];
		if (atomic_load(&c->ndone) != 1 || c->rc != 0 || !c->on_disk || !c->synced)
			fail_msg("call %zu: done %d times, rc %d, on disk %d, synced %d", i,
			         atomic_load(&c->ndone), c->rc, c->on_disk, c->synced);
		assert_int_equal(c->st[0], MLCD_ACCEPTED);
		assert_int_equal(c->st[1], MLCD_DUPLICATE);
	}
	mlcd_engine_get_stats(&st, f->e);
	assert_int_equal(st.events_accepted, THREADS * CALLS);
	assert_int_equal(st.events_duplicate, THREADS * CALLS);
	/* fewer syncs than calls: the calls of one moment share a sync (at most one
	 * sync per call, and the 400 calls were made without waiting) */
	assert_true(st.wal_syncs <= THREADS * CALLS);
	/* 400 accepted events of 0.01 each: 4 */
	assert_spend(f->e, MLCD_DIM_MODEL, "m1", 0, 0, "4");
}

static void a_call_with_nothing_to_wait_for_is_told_before_it_returns(void **state)
{
	fx *f = *state;
	call c;
	mlcd_event ev = mk("x1", H0, "m1", "t1", "1", 1);
	f->e = open_engine(f, 0);
	append_ok(f->e, &ev, 1, "a");
	memset(&c, 0, sizeof(c));
	snprintf(c.id, sizeof(c.id), "x1");
	c.f = f, c.e = f->e;
	c.syncs0 = 0;
	/* x1 is durable already: only a duplicate, nothing to sync */
	assert_int_equal(mlcd_engine_append_async(f->e, &ev, 1, c.st, on_done, &c), 0);
	assert_int_equal(atomic_load(&c.ndone), 1);
	assert_int_equal(c.rc, 0);
	assert_int_equal(c.st[0], MLCD_DUPLICATE);
}

static void a_refused_call_is_never_told(void **state)
{
	fx *f = *state;
	call c;
	mlcd_event ev = mk("", H0, "m1", "t1", "1", 1); /* no id */
	struct timespec tick = {0, 50 * 1000 * 1000};
	f->e = open_engine(f, 0);
	memset(&c, 0, sizeof(c));
	c.f = f, c.e = f->e;
	assert_int_equal(mlcd_engine_append_async(f->e, &ev, 1, c.st, on_done, &c), MLC_EINVAL);
	nanosleep(&tick, NULL);
	assert_int_equal(atomic_load(&c.ndone), 0);
	assert_spend(f->e, MLCD_DIM_MODEL, NULL, 0, 0, "0");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(concurrent_async_appends_are_each_told_once_after_the_sync),
	    cmocka_unit_test(a_call_with_nothing_to_wait_for_is_told_before_it_returns),
	    cmocka_unit_test(a_refused_call_is_never_told),
	};
	return run_both("engine_async", tests, sizeof(tests) / sizeof(tests[0]));
}
