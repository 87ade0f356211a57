/* SPDX-License-Identifier: MIT */
/*
 * Crash and concurrency tests of the store, on SQLite and (with
 * MLC_TEST_PG_URL) PostgreSQL, with real processes:
 * - a child replacing a slice is killed with SIGKILL after it has written
 *   half of the new records (it says so through a pipe, from the progress
 *   callback, inside the open transaction): the previous slice is intact
 *   and the next replacement goes through;
 * - two processes replace different slices at once: both land;
 * - two processes replace the same slice over and over while the parent
 *   reads it: every read sees exactly one writer's complete set, never a
 *   mix or a double count, and the last commit wins.
 */
#include "test_store_helpers.h"

#include <errno.h>
#include <signal.h>
#include <sys/wait.h>

/* Set A: 1200 records at 0.01 -> 400 * 6 * 0.01 = 24; rows 240 * 15 = 3600.
 * Set B: 900 records at 0.5 -> 300 * 6 * 0.5 = 900; rows 180 * 15 = 2700. */
#define A_N   1200
#define A_SUM "24"
#define B_N   900
#define B_SUM "900"

static int signal_fd = -1;

static void half_done_then_wait(uint64_t done, uint64_t total, void *ctx)
{
	(void)ctx;
	if (done * 2 < total)
		return;
	/* tell the parent we are mid-transaction, then wait to be killed */
	if (write(signal_fd, "h", 1) != 1)
		_exit(3);
	for (;;)
		pause();
}

static mlc_store *open_store(const char *url, const mlc_store_options *o)
{
	mlc_store *s = NULL;
	if (mlc_store_open(&s, url, o) != 0)
		fail_msg("open %s: %s", url, mlc_error_message());
	return s;
}

static void kill_mid_ingest_keeps_previous_slice(void **state)
{
	fixture *f = *state;
	mlc_store_slice k = slice_of("crash", "111", T_SEP2024, T_OCT2024);
	recset a, b;
	int fds[2], status;
	char c;
	pid_t pid;
	seen s;
	recset_make(&a, A_N, T_SEP2024, "0.01");
	recset_make(&b, B_N, T_SEP2024, "0.5");
	assert_int_equal(mlc_store_replace_slice(f->s, 0, &k, a.r, a.n), 0);
	mlc_store_close(f->s); /* nothing shared across fork */
	f->s = NULL;
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		mlc_store_options o = MLC_STORE_OPTIONS_INIT;
		mlc_store *cs = NULL;
		close(fds[0]);
		signal_fd = fds[1];
		o.batch_rows = 100;
		o.progress = half_done_then_wait;
		if (mlc_store_open(&cs, f->url, &o) != 0)
			_exit(2);
		mlc_store_replace_slice(cs, 0, &k, b.r, b.n);
		_exit(4); /* not reached: the callback waits to be killed */
	}
	close(fds[1]);
	assert_int_equal(read(fds[0], &c, 1), 1);
	assert_int_equal(kill(pid, SIGKILL), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	close(fds[0]);

	f->s = open_store(f->url, NULL);
	s = scan_provider(f->s, "crash");
	assert_int_equal(s.n, A_N);
	assert_amount(s.effective, A_SUM);
	assert_int_equal(s.rows, 3600);
	/* the killed writer holds no lock: the next replacement goes through */
	assert_int_equal(mlc_store_replace_slice(f->s, 0, &k, b.r, b.n), 0);
	s = scan_provider(f->s, "crash");
	assert_int_equal(s.n, B_N);
	assert_amount(s.effective, B_SUM);
	recset_free(&a), recset_free(&b);
}

/* A writer process: replace slice k with rs `times` times, exit 0 on success. */
static pid_t spawn_writer(const char *url, mlc_store_slice k, const recset *rs, int times)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	{
		mlc_store_options o = MLC_STORE_OPTIONS_INIT;
		mlc_store *s = NULL;
		o.batch_rows = 200;
		if (mlc_store_open(&s, url, &o) != 0) {
			fprintf(stderr, "writer: %s\n", mlc_error_message());
			_exit(2);
		}
		for (int i = 0; i < times; i++)
			if (mlc_store_replace_slice(s, 0, &k, rs->r, rs->n) != 0) {
				fprintf(stderr, "writer: %s\n", mlc_error_message());
				_exit(1);
			}
		mlc_store_close(s);
		_exit(0);
	}
}

static int exited_ok(pid_t pid)
{
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 0;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void different_slices_both_land(void **state)
{
	fixture *f = *state;
	mlc_store_slice sep = slice_of("conc", "111", T_SEP2024, T_OCT2024);
	mlc_store_slice oct = slice_of("conc", "111", T_OCT2024, T_OCT2024 + 31 * T_DAY);
	recset a, b;
	pid_t p1, p2;
	seen s;
	recset_make(&a, A_N, T_SEP2024, "0.01");
	recset_make(&b, B_N, T_OCT2024, "0.5");
	mlc_store_close(f->s);
	f->s = NULL;
	p1 = spawn_writer(f->url, sep, &a, 5);
	p2 = spawn_writer(f->url, oct, &b, 5);
	assert_true(exited_ok(p1));
	assert_true(exited_ok(p2));
	f->s = open_store(f->url, NULL);
	s = scan_provider(f->s, "conc");
	assert_int_equal(s.n, A_N + B_N);
	assert_amount(s.effective, "924"); /* 24 + 900 */
	assert_int_equal(s.rows, 3600 + 2700);
	recset_free(&a), recset_free(&b);
}

static void same_slice_never_mixes(void **state)
{
	fixture *f = *state;
	mlc_store_slice k = slice_of("conc", "111", T_SEP2024, T_OCT2024);
	mlc_store_listing *l = NULL;
	recset a, b;
	pid_t pids[2];
	int status[2], done[2] = {0, 0}, reads = 0;
	seen s;
	char buf[MLC_AMOUNT_FMT_MAX];
	recset_make(&a, A_N, T_SEP2024, "0.01");
	recset_make(&b, B_N, T_SEP2024, "0.5");
	assert_int_equal(mlc_store_replace_slice(f->s, 0, &k, a.r, a.n), 0);
	pids[0] = spawn_writer(f->url, k, &a, 15);
	pids[1] = spawn_writer(f->url, k, &b, 15);
	/* read while they write: each read is one writer's whole set */
	while (!done[0] || !done[1]) {
		s = scan_provider(f->s, "conc");
		mlc_amount_format(buf, sizeof(buf), s.effective, -1);
		if (!((s.n == A_N && strcmp(buf, A_SUM) == 0 && s.rows == 3600) ||
		      (s.n == B_N && strcmp(buf, B_SUM) == 0 && s.rows == 2700)))
			fail_msg("read %d saw a mix: %zu records, %s, %" PRIu64 " rows", reads, s.n,
			         buf, s.rows);
		reads++;
		for (int i = 0; i < 2; i++)
			if (!done[i] && waitpid(pids[i], &status[i], WNOHANG) == pids[i])
				done[i] = 1;
	}
	assert_true(reads > 1);
	for (int i = 0; i < 2; i++)
		assert_true(WIFEXITED(status[i]) && WEXITSTATUS(status[i]) == 0);
	s = scan_provider(f->s, "conc");
	assert_int_equal(mlc_store_list(&l, f->s, 0), 0);
	assert_int_equal(l->nslices, 1);
	/* the slice's recorded totals are those of the records it holds */
	assert_int_equal(l->slices[0].records, s.n);
	assert_int_equal(mlc_amount_cmp(l->slices[0].total[MLC_COST_EFFECTIVE], s.effective), 0);
	assert_true(s.n == A_N || s.n == B_N);
	mlc_store_listing_free(l);
	recset_free(&a), recset_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(kill_mid_ingest_keeps_previous_slice),
	    cmocka_unit_test(different_slices_both_land),
	    cmocka_unit_test(same_slice_never_mixes),
	};
	struct CMUnitTest sq[3], pg[3];
	int failed;
	for (size_t i = 0; i < 3; i++) {
		sq[i] = pg[i] = tests[i];
		sq[i].setup_func = setup_sqlite, pg[i].setup_func = setup_pg;
		sq[i].teardown_func = pg[i].teardown_func = teardown;
	}
	failed = _cmocka_run_group_tests("store_crash/sqlite", sq, 3, NULL, NULL);
	if (getenv("MLC_TEST_PG_URL") && *getenv("MLC_TEST_PG_URL"))
		failed += _cmocka_run_group_tests("store_crash/postgres", pg, 3, NULL, NULL);
	else
		printf("store_crash/postgres: not run here (MLC_TEST_PG_URL unset); "
		       "tests/store/run_pg_tests.sh runs it\n");
	return failed;
}
