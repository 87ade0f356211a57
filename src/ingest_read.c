/* SPDX-License-Identifier: MIT */
/*
 * ingest_read.c - one billing file read for the ledger: the attribution
 * engine groups its rows by hour and the ledger's dimensions under all
 * four cost bases. Billed and effective cost are what invoices and
 * budgets are made of and must be there; list and contracted cost only
 * feed savings analysis, and real exports lack them now and then (the
 * FOCUS sample has Oracle rows with no ContractedCost; FOCUS 1.0 examples
 * have no ListCost column). Such a file is read again without the basis
 * it cannot give, and that basis alone is read once more, leniently: a
 * row without it counts 0 under it (all rows, when the column is absent),
 * and the report says why and how many rows - rather than failing the
 * ingest or skipping whole rows and losing their billed cost.
 *
 * What it is not: the slicing of the groups (ingest_slices.c).
 */
#include "ingest.h"
#include "util/alloc.h"
#include "util/error.h"

#include <string.h>

#define NSETS 4

/* The cost bases of each attempt, in order: all, no contracted, no list, neither. */
static const mlc_cost_basis sets[NSETS][MLC_COST_BASIS_COUNT] = {
    {MLC_COST_BILLED, MLC_COST_EFFECTIVE, MLC_COST_LIST, MLC_COST_CONTRACTED},
    {MLC_COST_BILLED, MLC_COST_EFFECTIVE, MLC_COST_LIST},
    {MLC_COST_BILLED, MLC_COST_EFFECTIVE, MLC_COST_CONTRACTED},
    {MLC_COST_BILLED, MLC_COST_EFFECTIVE}};
static const size_t nset[NSETS] = {4, 3, 3, 2};

static int attempt(mlc_bills_result **out, const char *path, const ledger_read_cfg *c,
                   const mlc_cost_basis *bases, size_t nbases, int lenient)
{
	mlc_bills_options o = MLC_BILLS_OPTIONS_INIT;
	const char *files[1] = {path};
	o.by = c->by;
	o.nby = c->nby;
	o.bucket = MLC_BUCKET_HOUR;
	o.bases = bases;
	o.nbases = nbases;
	o.aliases = c->aliases;
	o.lenient = lenient;
	o.threads = c->threads;
	o.max_groups = c->max_groups;
	o.progress = c->progress;
	o.progress_ctx = c->progress_ctx;
	return mlc_bills_aggregate(out, files, 1, &o);
}

void mlc_ledger__file_drop_groups(ledger_file *f)
{
	for (size_t i = 0; i < LEDGER_MAX_PARTS; i++) {
		mlc_bills_result_free(f->part[i].res);
		f->part[i].res = NULL;
	}
}

void mlc_ledger__file_clear(ledger_file *f)
{
	mlc_ledger__file_drop_groups(f);
	mlcu_free((char *)f->pub.file.path);
	mlcu_free((char *)f->pub.file.format);
	for (int b = 0; b < MLC_COST_BASIS_COUNT; b++)
		mlcu_free(f->why[b]);
	memset(f, 0, sizeof(*f));
}

static void add_part(ledger_file *f, mlc_bills_result *res, int count_rows)
{
	ledger_part *p = &f->part[f->nparts++];
	p->res = res;
	p->count_rows = count_rows;
	p->file = f;
	for (int b = 0; b < MLC_COST_BASIS_COUNT; b++)
		p->col[b] = -1;
	for (size_t i = 0; i < res->nbases; i++)
		p->col[res->bases[i]] = (int)i;
}

/* Basis b, which the main pass left out (why: its failure), on its own: rows that lack it
 * are skipped by a lenient pass, i.e. count 0; a file without its column gives 0 throughout. */
static int optional_pass(ledger_file *f, const char *path, const ledger_read_cfg *c,
                         mlc_cost_basis b, char **why)
{
	const mlc_bills_result *main = f->part[0].res;
	mlc_bills_result *res = NULL;
	int rc = attempt(&res, path, c, &b, 1, 1);
	f->why[b] = *why;
	*why = NULL;
	f->pub.missing[b] = f->why[b];
	if (rc == MLC_EPARSE) {
		f->pub.rows_missing[b] = main->rows_read - main->rows_skipped;
		return 0;
	}
	if (rc < 0)
		return rc;
	f->pub.rows_missing[b] =
	    res->rows_skipped > main->rows_skipped ? res->rows_skipped - main->rows_skipped : 0;
	add_part(f, res, 0);
	return 0;
}

/* Fill the public side: format, rows, totals per basis over the parts. */
static int describe(ledger_file *f, const char *path)
{
	const mlc_bills_result *r = f->part[0].res;
	if (!(f->pub.file.path = mlcu_strdup(path)))
		return mlcu_error_oom();
	if (r->nfiles && r->files[0].format && !(f->pub.file.format = mlcu_strdup(r->files[0].format)))
		return mlcu_error_oom();
	f->pub.file.sha256 = f->sha256;
	f->pub.file.rows = r->rows_read;
	f->pub.rows_skipped = r->rows_skipped;
	for (int b = 0; b < MLC_COST_BASIS_COUNT; b++) {
		memset(&f->pub.file.total[b], 0, sizeof(mlc_amount));
		for (size_t i = 0; i < f->nparts; i++)
			if (f->part[i].col[b] >= 0 &&
			    mlc_amount_add(&f->pub.file.total[b], f->part[i].res->total[f->part[i].col[b]]))
				return mlcu_error_set(MLC_ETOOLARGE, "%s: the total overflows", path);
	}
	return 0;
}

int mlc_ledger__read_file(ledger_file *f, const char *path, const ledger_read_cfg *c)
{
	char *msg[NSETS] = {NULL, NULL, NULL, NULL};
	mlc_bills_result *res = NULL;
	size_t set;
	int rc = 0;
	for (set = 0; set < NSETS; set++) {
		if ((rc = attempt(&res, path, c, sets[set], nset[set], c->lenient)) == 0)
			break;
		/* only bad data may be a basis this file cannot give; the rest is final */
		if (rc != MLC_EPARSE)
			goto done;
		if (!(msg[set] = mlcu_strdup(mlc_error_message()))) {
			rc = mlcu_error_oom();
			goto done;
		}
	}
	if (rc < 0) {
		/* not even billed and effective: the last attempt's error is the real one */
		rc = mlcu_error_set(rc, "%s", msg[NSETS - 1]);
		goto done;
	}
	add_part(f, res, 1);
	/* attempt 1 succeeding means 0 failed for contracted; 2 means 1 failed for list;
	 * 3 means 1 failed for list and 2 for contracted */
	if (set >= 2 && (rc = optional_pass(f, path, c, MLC_COST_LIST, &msg[1])) < 0)
		goto done;
	if ((set == 1 || set == 3) &&
	    (rc = optional_pass(f, path, c, MLC_COST_CONTRACTED, &msg[set == 1 ? 0 : 2])) < 0)
		goto done;
	rc = describe(f, path);
done:
	for (size_t i = 0; i < NSETS; i++)
		mlcu_free(msg[i]);
	return rc;
}
