/* SPDX-License-Identifier: MIT */
/*
 * csv_scan_bench.c - throughput of the CSV scanner and the readers on one
 * file, side by side with `cat FILE >/dev/null` and a read()+memchr newline
 * count (../shared/bench/peers/count_nl.c) in the same run, round robin,
 * medians. Not a test: numbers depend on the machine; compare ratios taken
 * in one run. Build and usage: bench/README-csv.md.
 */
#include "csv.h"
#include "io/reader.h"
#include "util/money.h"

#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define MAXCOLS  64
#define MAXCASES 24

typedef struct bcase {
	char label[64];
	int kind; /* 0 external command, 1 scan */
	const char *argv[4];
	int isa, mode, money, raw_tags;
	const char *path; /* input of a scan case (default: the CSV file) */
	double size;      /* bytes of CSV the case produces, for MB/s */
	double secs[64];  /* wall clock */
	double cpu[64];   /* user + system CPU of the process (all threads) or child */
} bcase;

static const char *file, *colnames = "BilledCost,EffectiveCost,ChargePeriodStart,ServiceName,"
                                     "SubAccountId,Tags";
static size_t block_size = (size_t)1 << 20;
static uint64_t rows_seen, bytes_seen;
static char money_total[MLCU_MONEY_FMT_MAX];

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static double tv(struct timeval t)
{
	return (double)t.tv_sec + (double)t.tv_usec * 1e-6;
}

static double cpu_self(void)
{
	struct rusage u;
	getrusage(RUSAGE_SELF, &u);
	return tv(u.ru_utime) + tv(u.ru_stime);
}

static double run_cmd(const char *const *argv, double *cpu)
{
	posix_spawn_file_actions_t fa;
	struct rusage ru;
	pid_t pid;
	int st;
	double t0 = now();
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", 1 /* O_WRONLY */, 0);
	if (posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *)argv, environ) != 0) {
		fprintf(stderr, "cannot run %s\n", argv[0]);
		exit(1);
	}
	wait4(pid, &st, 0, &ru);
	*cpu = tv(ru.ru_utime) + tv(ru.ru_stime);
	posix_spawn_file_actions_destroy(&fa);
	return now() - t0;
}

/* Column indexes of the names in colnames, from the header row. */
static size_t resolve(uint32_t *cols, unsigned *flags, int raw_tags, const mlc_csv_row *hdr)
{
	char buf[1024], *save = NULL, *tok;
	size_t n = 0;
	snprintf(buf, sizeof(buf), "%s", colnames);
	for (tok = strtok_r(buf, ",", &save); tok && n < MAXCOLS;
	     tok = strtok_r(NULL, ",", &save)) {
		size_t i;
		for (i = 0; i < hdr->nfields; i++)
			if (hdr->fields[i].len == strlen(tok) &&
			    memcmp(hdr->fields[i].ptr, tok, hdr->fields[i].len) == 0)
				break;
		if (i == hdr->nfields) {
			fprintf(stderr, "no column %s\n", tok);
			exit(1);
		}
		flags[n] = raw_tags && strcmp(tok, "Tags") == 0 ? MLC_CSV_COL_RAW : 0;
		cols[n++] = (uint32_t)i;
	}
	return n;
}

static void die(const char *what)
{
	fprintf(stderr, "%s: %s\n", what, mlc_error_message());
	exit(1);
}

static double run_scan(const bcase *c, double *cpu)
{
	mlc_reader_options ro = MLC_READER_OPTIONS_INIT;
	mlc_csv_options co = MLC_CSV_OPTIONS_INIT;
	mlc_reader *r;
	mlc_csv *s;
	mlc_csv_row row;
	uint32_t cols[MAXCOLS];
	unsigned flags[MAXCOLS];
	uint64_t rows = 0, sum = 0;
	mlcu_money total = 0;
	int rc, header = 1;
	double t0 = now(), c0 = cpu_self();
	ro.block_size = block_size;
	/* mode: 0 read(), 1 read-ahead/inflate thread, 2 mmap, 3 no thread */
	ro.thread = c->mode == 1 ? MLC_IO_THREAD_ON : MLC_IO_THREAD_OFF;
	ro.use_mmap = c->mode == 2;
	co.isa = c->isa;
	co.name = file;
	if (mlc_io__open(&r, c->path, &ro) || mlc_csv__new(&s, &co))
		die(c->path);
	for (;;) {
		rc = mlc_csv__next(s, &row);
		if (rc == MLC_CSV_NEED_INPUT) {
			const char *p;
			size_t n;
			if (mlc_io__next(r, &p, &n) || mlc_csv__feed(s, p, n, n == 0))
				die(file);
			continue;
		}
		if (rc == MLC_CSV_END)
			break;
		if (rc < 0)
			die(file);
		if (header) {
			size_t nc = resolve(cols, flags, c->raw_tags, &row);
			header = 0;
			if (mlc_csv__select(s, cols, flags, nc))
				die("select");
			continue;
		}
		rows++;
		for (size_t i = 0; i < row.nfields; i++)
			sum += row.fields[i].len;
		if (c->money) {
			mlcu_money v;
			for (size_t i = 0; i < 2 && i < row.nfields; i++)
				if (mlcu_money_parse(&v, row.fields[i].ptr, row.fields[i].len) == 0)
					mlcu_money_add(&total, v);
		}
	}
	rows_seen = rows;
	bytes_seen = sum;
	if (c->money)
		mlcu_money_format(money_total, sizeof(money_total), total);
	mlc_csv__free(s);
	mlc_io__close(r);
	*cpu = cpu_self() - c0;
	return now() - t0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void add_scan(bcase *cs, int *n, const char *label, int isa, int mode, int money,
                     int raw_tags)
{
	bcase *c = &cs[(*n)++];
	memset(c, 0, sizeof(*c));
	snprintf(c->label, sizeof(c->label), "%s", label);
	c->kind = 1;
	c->isa = isa;
	c->mode = mode;
	c->money = money;
	c->raw_tags = raw_tags;
	c->path = file;
}

/* An external command over path: name, then up to two arguments. */
static void add_cmd(bcase *cs, int *n, const char *label, const char *cmd, const char *arg,
                    const char *path)
{
	bcase *c = &cs[(*n)++];
	memset(c, 0, sizeof(*c));
	snprintf(c->label, sizeof(c->label), "%s", label);
	c->argv[0] = cmd;
	c->argv[1] = arg ? arg : path;
	c->argv[2] = arg ? path : NULL;
}

static int on_path(const char *cmd)
{
	char buf[4096], *save = NULL, *dir;
	const char *path = getenv("PATH");
	snprintf(buf, sizeof(buf), "%s", path ? path : "/usr/bin:/bin");
	for (dir = strtok_r(buf, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		char full[4200];
		snprintf(full, sizeof(full), "%s/%s", dir, cmd);
		if (access(full, X_OK) == 0)
			return 1;
	}
	return 0;
}

static void add_compressed(bcase *cs, int *n, const char *path, int gz)
{
	if (!path)
		return;
	if (gz) {
		add_cmd(cs, n, "zcat", "gzip", "-dc", path);
		if (on_path("pigz"))
			add_cmd(cs, n, "pigz -dc", "pigz", "-dc", path);
	} else {
		add_cmd(cs, n, "zstd -dc", "zstd", "-dc", path);
	}
	add_scan(cs, n, gz ? "scan .gz, inflate thread" : "scan .zst, zstd thread",
	         MLC_CSV_ISA_AUTO, 1, 0, 0);
	cs[*n - 1].path = path;
	add_scan(cs, n, gz ? "scan .gz, one thread" : "scan .zst, one thread", MLC_CSV_ISA_AUTO, 3,
	         0, 0);
	cs[*n - 1].path = path;
}

int main(int argc, char **argv)
{
	bcase cs[MAXCASES];
	int n = 0, runs = 5, i, k;
	const char *count_nl = "./count_nl", *gz = NULL, *zst = NULL, *only = NULL;
	struct stat st;
	for (i = 1; i < argc - 1; i++) {
		if (strcmp(argv[i], "--runs") == 0)
			runs = atoi(argv[++i]);
		else if (strcmp(argv[i], "--cols") == 0)
			colnames = argv[++i];
		else if (strcmp(argv[i], "--block") == 0)
			block_size = (size_t)strtoull(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--count-nl") == 0)
			count_nl = argv[++i];
		else if (strcmp(argv[i], "--gz") == 0)
			gz = argv[++i];
		else if (strcmp(argv[i], "--zst") == 0)
			zst = argv[++i];
		else if (strcmp(argv[i], "--only") == 0)
			only = argv[++i];
	}
	if (argc < 2 || runs < 1 || runs > 64 || stat(argv[argc - 1], &st) != 0) {
		fprintf(
		    stderr,
		    "usage: csv_scan_bench [--runs N] [--cols A,B] [--block BYTES] "
		    "[--count-nl PATH] [--gz F.csv.gz] [--zst F.csv.zst] [--only TEXT] F.csv\n");
		return 2;
	}
	file = argv[argc - 1];
	add_cmd(cs, &n, "cat >/dev/null", "cat", NULL, file);
	add_cmd(cs, &n, "count_nl (read+memchr)", count_nl, NULL, file);
	add_scan(cs, &n, "scan avx2, read()", MLC_CSV_ISA_AVX2, 0, 0, 0);
	add_scan(cs, &n, "scan sse2, read()", MLC_CSV_ISA_SSE2, 0, 0, 0);
	add_scan(cs, &n, "scan portable, read()", MLC_CSV_ISA_PORTABLE, 0, 0, 0);
	add_scan(cs, &n, "scan auto, Tags raw", MLC_CSV_ISA_AUTO, 0, 0, 1);
	add_scan(cs, &n, "scan auto, read-ahead thread", MLC_CSV_ISA_AUTO, 1, 0, 0);
	add_scan(cs, &n, "scan auto, mmap windows", MLC_CSV_ISA_AUTO, 2, 0, 0);
	add_scan(cs, &n, "scan auto + 2 money parses/row", MLC_CSV_ISA_AUTO, 0, 1, 0);
	add_compressed(cs, &n, gz, 1);
	add_compressed(cs, &n, zst, 0);
	for (k = 0; k < runs; k++)
		for (i = 0; i < n; i++)
			if (!only || strstr(cs[i].label, only) || i == 0)
				cs[i].secs[k] = cs[i].kind ? run_scan(&cs[i], &cs[i].cpu[k])
				                           : run_cmd(cs[i].argv, &cs[i].cpu[k]);
	printf("file %s: %.1f MB, %llu rows, columns %s, block %zu, auto ISA %s, %d runs\n", file,
	       (double)st.st_size / 1e6, (unsigned long long)rows_seen, colnames, block_size,
	       mlc_csv__isa_name(MLC_CSV_ISA_AUTO), runs);
	printf("MB/s are of CSV bytes (decompressed for .gz/.zst cases); cpu = user+sys of all\n"
	       "threads; on a loaded machine cpu MB/s is the steadier figure\n");
	printf("%-32s %8s %8s %7s %8s %9s\n", "case", "wall s", "MB/s", "x cat", "cpu s",
	       "cpu MB/s");
	for (i = 0; i < n; i++) {
		qsort(cs[i].secs, (size_t)runs, sizeof(double), cmp_double);
		qsort(cs[i].cpu, (size_t)runs, sizeof(double), cmp_double);
	}
	for (i = 0; i < n; i++) {
		double med = cs[i].secs[runs / 2], cpu = cs[i].cpu[runs / 2];
		if (med == 0)
			continue; /* left out by --only */
		printf("%-32s %8.3f %8.0f %7.2f %8.3f %9.0f\n", cs[i].label, med,
		       (double)st.st_size / med / 1e6, med / cs[0].secs[runs / 2], cpu,
		       cpu > 0 ? (double)st.st_size / cpu / 1e6 : 0.0);
	}
	{
		struct rusage u;
		getrusage(RUSAGE_SELF, &u);
		printf("selected bytes %llu; sum of the first two columns %s; peak RSS of the "
		       "in-process cases %.1f MB\n",
		       (unsigned long long)bytes_seen, money_total, (double)u.ru_maxrss / 1024);
	}
	return 0;
}
