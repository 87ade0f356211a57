/* SPDX-License-Identifier: MIT */
/*
 * bills_run.c - mlc_bills_aggregate: the files of one run, one after the
 * other; per file the header (format detection and plan), then the rows,
 * in parallel when it pays, and the verification that makes parallel
 * reading exact.
 *
 * Parallel reading (docs/attribute.md, docs/internals-csv.md): a large
 * plain file is cut into one chunk per thread at guessed record
 * boundaries (the first line end after each cut, assuming it is not in
 * quotes). Every chunk is read by its own thread with its own reader,
 * scanner, row reader, tags cache and aggregate, and reads until the first
 * record at or past the next chunk's start. Afterwards the chunks are
 * chained from the start of the file: a chunk whose predecessor stopped
 * exactly at its first record was guessed right and is merged, with its
 * line numbers rebased; when a record straddled a guessed start, the
 * predecessor read on through that chunk itself and the chunk's work is
 * dropped. So quoted newlines at a cut cost time, never correctness, and
 * the result (exact sums, merged by value text, sorted) is the same for
 * any number of threads. Compressed files and stdin are read by one parse
 * thread while the reader inflates or reads on another.
 */
#include "bills_internal.h"
#include "csv.h"
#include "io/reader.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* smaller parts are not worth a thread; a variable so tests can cut small files */
uint64_t mlc_bills__min_chunk = (uint64_t)16 << 20;
#define PROBE     ((size_t)64 << 10)
#define PROBE_MAX ((uint64_t)16 << 20) /* a record is at most max_row bytes */

typedef struct job {
	bills_chunk *c;
	mlc_csv *s;
	mlc_reader *r;
	pthread_t th;
	int started;
	int done; /* atomic */
} job;

typedef struct run {
	bills_cfg cfg;
	bills_agg *total;
	uint64_t rows_read, rows_skipped;
	char **errors;
	size_t nerrors;
	mlc_bills_file *files;
	size_t nfiles, file;
	/* progress */
	double t0, last;
	uint64_t bytes_before, bytes_total;
	job *jobs;
	size_t njobs;
} run;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void tick(void *ctx)
{
	run *R = ctx;
	mlc_bills_progress p;
	double t = now();
	if (!R->cfg.progress || t - R->last < R->cfg.progress_interval)
		return;
	R->last = t;
	memset(&p, 0, sizeof(p));
	p.bytes_done = R->bytes_before;
	p.rows = R->rows_read;
	for (size_t k = 0; k < R->njobs; k++) {
		if (R->jobs[k].r)
			p.bytes_done += mlc_io__input_pos(R->jobs[k].r);
		p.rows += __atomic_load_n(&R->jobs[k].c->rows_progress, __ATOMIC_RELAXED);
	}
	p.bytes_total = R->bytes_total;
	p.seconds = t - R->t0;
	p.file = R->file;
	p.nfiles = R->nfiles;
	R->cfg.progress(&p, R->cfg.progress_ctx);
}

/* Materialise the plan's columns; JSON ones raw (the tags cache unescapes). */
static int select_cols(mlc_csv *s, const bills_plan *p)
{
	unsigned flags[256] = {0}, *fl = flags;
	int rc;
	if (p->nsel > 256 && !(fl = mlcu_malloc(p->nsel * sizeof(unsigned))))
		return mlcu_error_oom();
	for (size_t i = 0; i < p->nsel; i++)
		fl[i] = (p->flags[i] & MLC_BILLFMT_COL_JSON) ? MLC_CSV_COL_RAW : 0;
	rc = mlc_csv__select(s, p->cols, fl, p->nsel);
	if (fl != flags)
		mlcu_free(fl);
	return rc;
}

/* A scanner for chunk c (k > 0) reading from its start. */
static int chunk_scanner(mlc_csv **out, const bills_chunk *c)
{
	mlc_csv_options o = MLC_CSV_OPTIONS_INIT;
	int rc;
	o.name = c->plan->file;
	o.first_offset = c->start;
	o.skip_bom = 0;
	if ((rc = mlc_csv__new(out, &o)) < 0)
		return rc;
	return select_cols(*out, c->plan);
}

static void *chunk_main(void *arg)
{
	job *j = arg;
	mlc_bills__scan(j->c, j->s, j->r, NULL, NULL);
	__atomic_store_n(&j->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* Guessed record starts after from in [from, size): at most n - 1 of them. */
static size_t guess_starts(uint64_t *starts, size_t n, const char *path, uint64_t from,
                           uint64_t size)
{
	char *buf = mlcu_malloc(PROBE);
	size_t cnt = 0;
	int fd = open(path, O_RDONLY);
	for (size_t k = 1; k < n && buf && fd >= 0; k++) {
		uint64_t m = from + (size - from) / n * k, pos = m;
		int inq = 0, found = 0;
		size_t b = 0;
		while (!found && pos < size && pos - m < PROBE_MAX) {
			ssize_t got = pread(fd, buf, PROBE, (off_t)pos);
			if (got <= 0)
				break;
			if (mlc_csv__find_boundary(&b, &inq, buf, (size_t)got, inq) == 0)
				found = 1;
			else
				pos += (uint64_t)got;
		}
		if (found && pos + b < size && (cnt == 0 || pos + b > starts[cnt - 1]))
			starts[cnt++] = pos + b;
	}
	if (fd >= 0)
		close(fd);
	mlcu_free(buf);
	mlc_error_clear();
	return cnt;
}

/* Rebased text of a chunk message (line relative to a chunk starting at base). */
static int msg_text(char **out, const bills_msg *m, const char *file, uint64_t base)
{
	mlcu_buf b;
	mlcu_buf_init(&b, 1u << 16);
	if (m->line)
		mlcu_buf_printf(&b, "%s:%llu: %s", file, (unsigned long long)(base + m->line - 1),
		                m->text ? m->text : "");
	else
		mlcu_buf_puts(&b, m->text ? m->text : "");
	*out = mlcu_buf_detach(&b);
	return *out ? 0 : mlcu_error_oom();
}

static int keep_errors(run *R, const bills_chunk *c, const char *file, uint64_t base)
{
	for (size_t i = 0; i < c->nkept && R->nerrors < R->cfg.max_errors; i++) {
		char **e = R->errors;
		if (!e && !(e = mlcu_calloc(R->cfg.max_errors, sizeof(char *))))
			return mlcu_error_oom();
		R->errors = e;
		if (msg_text(&e[R->nerrors], &c->kept[i], file, base) < 0)
			return MLC_ENOMEM;
		R->nerrors++;
	}
	return 0;
}

/* Walk the chunks from the start of the file, merging the verified ones. */
static int chain(run *R, bills_chunk *ch, size_t n, mlc_bills_file *f)
{
	uint64_t base = 1;
	size_t i = 0;
	char *text;
	int rc;
	for (;;) {
		bills_chunk *c = &ch[i], *nx;
		f->chunks++;
		f->rows_read += c->rows_read;
		f->rows_skipped += c->rows_skipped;
		if ((rc = keep_errors(R, c, f->name, base)) < 0)
			return rc;
		if (c->rc < 0) {
			if (msg_text(&text, &c->fatal, f->name, base) < 0)
				return MLC_ENOMEM;
			mlcu_error_set(c->rc, "%s", text);
			mlcu_free(text);
			return c->rc;
		}
		if (i > 0 && (rc = mlc_bills__merge(R->total, c->agg)) < 0)
			return mlcu_error_prefix("%s: ", f->name);
		if (c->end >= c->nstops)
			return 0;
		nx = &ch[i + 1 + c->end];
		if (!nx->has_first || nx->first_offset != c->end_offset || i + 1 + c->end >= n)
			return mlcu_error_set(MLC_ERROR,
			                      "%s: parallel chunks disagree at byte %llu", f->name,
			                      (unsigned long long)c->end_offset);
		base = base + c->end_line - nx->first_line;
		i += 1 + c->end;
	}
}

/* Open one input; *split when it is a plain regular file worth cutting. */
static int open_input(mlc_reader **r, int *split, uint64_t *size, const run *R, const char *path,
                      const void *mem, size_t memlen)
{
	mlc_reader_options ro = MLC_READER_OPTIONS_INIT;
	struct stat st;
	int rc;
	*split = 0;
	*size = 0;
	if (mem) {
		/* bodies and fuzz inputs are small: 64 KiB blocks keep setup cheap */
		ro.thread = MLC_IO_THREAD_OFF;
		ro.block_size = (size_t)64 << 10;
		*size = memlen;
		return mlc_io__open_mem(r, mem, memlen, path, &ro);
	}
	if (strcmp(path, "-") != 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
		*size = (uint64_t)st.st_size;
		if (R->cfg.threads > 1 && *size >= 2 * mlc_bills__min_chunk) {
			ro.thread = MLC_IO_THREAD_OFF;
			rc = mlc_io__open_range(r, path, 0, *size, &ro);
			if (rc == 0) {
				*split = 1;
				return 0;
			}
			if (rc != MLC_EINVAL) /* compressed: read it whole below */
				return rc;
			mlc_error_clear();
			ro.thread = MLC_IO_THREAD_AUTO;
		}
	}
	if ((rc = mlc_io__open(r, path, &ro)) == MLC_ENOTFOUND) {
		/* a missing file is a runtime error (exit 1), not bad data */
		char msg[512];
		snprintf(msg, sizeof(msg), "%s", mlc_error_message());
		rc = mlcu_error_set(MLC_EIO, "%s", msg);
	}
	return rc;
}

static int read_header(mlc_csv_row *row, mlc_csv *s, mlc_reader *r, const char *path)
{
	const char *p;
	size_t n;
	int rc;
	for (;;) {
		rc = mlc_csv__next(s, row);
		if (rc == MLC_CSV_NEED_INPUT) {
			if ((rc = mlc_io__next(r, &p, &n)) < 0 ||
			    (rc = mlc_csv__feed(s, p, n, n == 0)) < 0)
				return rc;
			continue;
		}
		if (rc == MLC_CSV_END)
			return mlcu_error_set(MLC_EPARSE, "%s:1: empty file (no header)", path);
		return rc < 0 ? rc : 0;
	}
}

static int make_plan(bills_plan **plan, const run *R, const char *path, const mlc_csv_row *row)
{
	mlc_span *h = mlcu_calloc(row->nfields ? row->nfields : 1, sizeof(mlc_span));
	int rc;
	if (!h)
		return mlcu_error_oom();
	for (size_t i = 0; i < row->nfields; i++) {
		h[i].ptr = row->fields[i].ptr;
		h[i].len = row->fields[i].len;
	}
	rc = mlc_bills__plan_new(plan, &R->cfg, path, h, row->nfields);
	mlcu_free(h);
	return rc;
}

/* Set up chunks 1..n-1 (chunk 0 is the caller's): aggregates, readers, scanners. */
static int setup_chunks(run *R, bills_chunk *ch, const uint64_t *starts, size_t n,
                        const bills_plan *plan, uint64_t size)
{
	mlc_reader_options ro = MLC_READER_OPTIONS_INIT;
	int rc;
	ro.thread = MLC_IO_THREAD_OFF;
	for (size_t k = 0; k < n; k++) {
		ch[k].cfg = &R->cfg;
		ch[k].plan = plan;
		ch[k].start = k ? starts[k - 1] : 0;
		ch[k].stops = starts + k;
		ch[k].nstops = n - 1 - k;
		R->jobs[k].c = &ch[k];
		if (k == 0)
			continue;
		if ((rc = mlc_bills__agg_new(&ch[k].agg, R->cfg.nby, R->cfg.nbases,
		                             R->cfg.max_groups, R->cfg.max_values)) < 0 ||
		    (rc = mlc_io__open_range(&R->jobs[k].r, plan->file, ch[k].start,
		                             size - ch[k].start, &ro)) < 0 ||
		    (rc = chunk_scanner(&R->jobs[k].s, &ch[k])) < 0)
			return rc;
	}
	return 0;
}

/* Run the chunks: 1..n-1 on threads, 0 here; wait for all. */
static void run_chunks(run *R, size_t n)
{
	job *jobs = R->jobs;
	for (size_t k = 1; k < n; k++)
		jobs[k].started = pthread_create(&jobs[k].th, NULL, chunk_main, &jobs[k]) == 0;
	mlc_bills__scan(jobs[0].c, jobs[0].s, jobs[0].r, R->cfg.progress ? tick : NULL, R);
	for (size_t k = 1; k < n; k++) {
		if (!jobs[k].started) {
			mlc_bills__scan(jobs[k].c, jobs[k].s, jobs[k].r, NULL, NULL);
			continue;
		}
		while (R->cfg.progress && !__atomic_load_n(&jobs[k].done, __ATOMIC_ACQUIRE)) {
			struct timespec ts = {0, 10 * 1000 * 1000};
			nanosleep(&ts, NULL);
			tick(R);
		}
		pthread_join(jobs[k].th, NULL);
	}
}

static void free_chunks(run *R, bills_chunk *ch, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		mlc_csv__free(R->jobs[k].s);
		mlc_io__close(R->jobs[k].r);
		if (k)
			mlc_bills__agg_free(ch[k].agg);
		mlc_bills__chunk_clear(&ch[k]);
	}
	R->jobs = NULL;
	R->njobs = 0;
}

/* The number of chunks for a file of size bytes whose header ends at hdr. */
static size_t nchunks_for(const run *R, uint64_t size, uint64_t hdr)
{
	uint64_t body = size > hdr ? size - hdr : 0,
	         n = body / (mlc_bills__min_chunk ? mlc_bills__min_chunk : 1);
	if (n > R->cfg.threads)
		n = R->cfg.threads;
	return n < 2 ? 1 : (size_t)n;
}

/* Chunk 0's scanner, the header, the plan, the format's name. */
static int start_file(bills_plan **plan, mlc_csv_row *hdr, run *R, mlc_bills_file *f)
{
	mlc_csv_options o = MLC_CSV_OPTIONS_INIT;
	job *j0 = &R->jobs[0];
	int rc;
	o.name = f->name;
	if ((rc = mlc_csv__new(&j0->s, &o)) < 0 ||
	    (rc = read_header(hdr, j0->s, j0->r, f->name)) < 0 ||
	    (rc = make_plan(plan, R, f->name, hdr)) < 0)
		return rc;
	if (!(f->format = mlcu_strdup(mlc_billfmt__name((*plan)->fmt))))
		return mlcu_error_oom();
	return select_cols(j0->s, *plan);
}

static int run_file(run *R, mlc_bills_file *f, const void *mem, size_t memlen)
{
	bills_chunk ch[MLC_BILLS_MAX_THREADS];
	job jobs[MLC_BILLS_MAX_THREADS];
	uint64_t starts[MLC_BILLS_MAX_THREADS], size;
	bills_plan *plan = NULL;
	mlc_csv_row hdr;
	size_t n = 1;
	int rc, split;
	memset(ch, 0, sizeof(ch));
	memset(jobs, 0, sizeof(jobs));
	R->jobs = jobs;
	R->njobs = 1;
	ch[0].agg = R->total;
	jobs[0].c = &ch[0];
	if ((rc = open_input(&jobs[0].r, &split, &size, R, f->name, mem, memlen)) < 0 ||
	    (rc = start_file(&plan, &hdr, R, f)) < 0)
		goto done;
	ch[0].plan = plan;
	if (split && (n = nchunks_for(R, size, hdr.offset + hdr.bytes)) > 1)
		n = 1 + guess_starts(starts, n, f->name, hdr.offset + hdr.bytes, size);
	R->njobs = n;
	if ((rc = setup_chunks(R, ch, starts, n, plan, size)) < 0)
		goto done;
	run_chunks(R, n);
	rc = chain(R, ch, n, f);
done:
	R->rows_read += f->rows_read;
	R->rows_skipped += f->rows_skipped;
	R->bytes_before += size;
	free_chunks(R, ch, n);
	mlc_bills__plan_free(plan, &R->cfg);
	return rc;
}

/* Rows in several currencies cannot be summed unless they are grouped apart. */
static int check_currency(const run *R)
{
	const bills_agg *a = R->total;
	mlcu_buf b;
	int rc;
	if (a->ncur < 2 || R->cfg.currency_grouped)
		return 0;
	mlcu_buf_init(&b, 4096);
	for (size_t i = 0; i < a->ncur; i++)
		mlcu_buf_printf(&b, "%s%s (%s)", i ? ", " : "", a->cur[i], a->cur_file[i]);
	rc = mlcu_error_set(MLC_EPARSE,
	                    "rows are billed in several currencies: %s; group by "
	                    "BillingCurrency or filter with --where BillingCurrency=%s",
	                    b.ptr ? b.ptr : "", a->cur[0]);
	mlcu_buf_free(&b);
	return rc;
}

static uint64_t total_bytes(const char *const *files, size_t nfiles, const void *mem, size_t memlen)
{
	uint64_t t = 0;
	struct stat st;
	if (mem)
		return memlen;
	for (size_t i = 0; i < nfiles; i++) {
		if (!strcmp(files[i], "-") || stat(files[i], &st) != 0 || !S_ISREG(st.st_mode))
			return 0; /* unknown: no ETA */
		t += (uint64_t)st.st_size;
	}
	return t;
}

static void run_free(run *R)
{
	for (size_t i = 0; i < R->nerrors; i++)
		mlcu_free(R->errors[i]);
	mlcu_free(R->errors);
	for (size_t i = 0; R->files && i < R->nfiles; i++) {
		mlcu_free((char *)R->files[i].name);
		mlcu_free((char *)R->files[i].format);
	}
	mlcu_free(R->files);
	mlc_bills__agg_free(R->total);
	mlc_bills__cfg_free(&R->cfg);
}

static int aggregate(mlc_bills_result **out, const char *const *files, size_t nfiles,
                     const void *mem, size_t memlen, const mlc_bills_options *opts)
{
	run R;
	int rc;
	*out = NULL;
	memset(&R, 0, sizeof(R));
	if (!files || !nfiles)
		return mlcu_error_set(MLC_EINVAL, "no input files");
	if ((rc = mlc_bills__cfg_init(&R.cfg, opts)) < 0)
		return rc;
	if (mem)
		R.cfg.threads = 1;
	R.nfiles = nfiles;
	if ((rc = mlc_bills__agg_new(&R.total, R.cfg.nby, R.cfg.nbases, R.cfg.max_groups,
	                             R.cfg.max_values)) < 0 ||
	    !(R.files = mlcu_calloc(nfiles, sizeof(*R.files)))) {
		rc = rc < 0 ? rc : mlcu_error_oom();
		goto done;
	}
	R.bytes_total = total_bytes(files, nfiles, mem, memlen);
	R.t0 = R.last = now();
	for (R.file = 0; R.file < nfiles; R.file++) {
		mlc_bills_file *f = &R.files[R.file];
		if (!files[R.file] || !(f->name = mlcu_strdup(files[R.file]))) {
			rc = files[R.file] ? mlcu_error_oom()
			                   : mlcu_error_set(MLC_EINVAL, "NULL file");
			goto done;
		}
		if ((rc = run_file(&R, f, mem, memlen)) < 0)
			goto done;
	}
	if ((rc = check_currency(&R)) < 0)
		goto done;
	rc = mlc_bills__result_build(out, R.total, &R.cfg, R.rows_read, R.rows_skipped, R.errors,
	                             R.nerrors, R.files, R.nfiles);
	if (rc == 0) { /* the result owns them now */
		R.total = NULL;
		R.errors = NULL;
		R.nerrors = 0;
		R.files = NULL;
	}
done:
	run_free(&R);
	return rc;
}

int mlc_bills_aggregate(mlc_bills_result **out, const char *const *files, size_t nfiles,
                        const mlc_bills_options *opts)
{
	if (!out)
		return mlcu_error_set(MLC_EINVAL, "mlc_bills_aggregate: out is NULL");
	return aggregate(out, files, nfiles, NULL, 0, opts);
}

int mlc_bills_aggregate_mem(mlc_bills_result **out, const void *data, size_t len, const char *name,
                            const mlc_bills_options *opts)
{
	const char *files[1];
	static const char empty[1] = "";
	files[0] = name ? name : "<memory>";
	if (!out)
		return mlcu_error_set(MLC_EINVAL, "mlc_bills_aggregate_mem: out is NULL");
	/* an empty buffer is an input all the same (it fails as "no header") */
	return aggregate(out, files, 1, data ? data : empty, data ? len : 0, opts);
}
