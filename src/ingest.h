/* SPDX-License-Identifier: MIT */
/*
 * ingest.h - what the files of `mlcost ingest` share (the public API is
 * include/mlcost/ledger.h): the engine's dimensions for the ledger, one
 * input file read into hourly groups, and the plan that sorts the groups
 * of all files into slices and merges them into store records.
 *
 * Files: ingest.c (options, tag keys, the run, the report), ingest_read.c
 * (one file through the engine, dropping the optional cost bases it
 * cannot give), ingest_slices.c (slices and records), ingest_write.c
 * (JSON). Reading back: store_bills.c. Design: docs/ingest.md.
 */
#ifndef MLC_INGEST_H
#define MLC_INGEST_H

#include <stddef.h>
#include <stdint.h>

#include "mlcost/ledger.h"

/* The engine's dimensions for the ledger, in this order, then the tags. */
enum {
	LEDGER_D_PROVIDER,
	LEDGER_D_ACCOUNT,
	LEDGER_D_PERIOD_START,
	LEDGER_D_PERIOD_END,
	LEDGER_D_CURRENCY,
	LEDGER_D_SUB_ACCOUNT,
	LEDGER_D_SERVICE,
	LEDGER_D_REGION,
	LEDGER_D_CHARGE,
	LEDGER_D_PRICING,
	LEDGER_D_TAGS /* first tag */
};

/* What every file is read with. */
typedef struct ledger_read_cfg {
	const char *by[MLC_BILLS_MAX_DIMS]; /* the ten dimensions, then "tag:KEY" */
	size_t nby;
	const char *aliases;
	int lenient;
	unsigned threads;
	size_t max_groups;
	mlc_bills_progress_fn progress;
	void *progress_ctx;
} ledger_read_cfg;

struct ledger_file;

/* One aggregation of a file: its hourly groups and which basis each cost column is. */
typedef struct ledger_part {
	mlc_bills_result *res;
	int col[MLC_COST_BASIS_COUNT]; /* column of basis b in res->groups[].cost, or -1 */
	int count_rows;                /* 0 for a pass over one optional basis */
	const struct ledger_file *file;
} ledger_part;

#define LEDGER_MAX_PARTS 3 /* all bases it can give, then list and contracted alone */

/* One input file, read. */
typedef struct ledger_file {
	mlc_ledger_file pub; /* path, sha256, format, rows, totals, missing */
	char sha256[65];
	ledger_part part[LEDGER_MAX_PARTS];
	size_t nparts;
	char *why[MLC_COST_BASIS_COUNT]; /* owned text of pub.missing[b] */
} ledger_file;

/* Read path into f (already holding its checksum). */
int mlc_ledger__read_file(ledger_file *f, const char *path, const ledger_read_cfg *c);
/* Free the groups (once written), keeping the description. */
void mlc_ledger__file_drop_groups(ledger_file *f);
void mlc_ledger__file_clear(ledger_file *f);

/* A group of one part with its slice's billing period. */
typedef struct ledger_ent {
	const mlc_bills_group *g;
	const ledger_part *part;
	int64_t ps, pe;
	size_t nby; /* dimensions of g (qsort's comparison has no context) */
} ledger_ent;

/* The groups of all files sorted by slice, then hour, then dimensions. */
typedef struct ledger_plan {
	ledger_ent *ents;
	size_t nents;
	size_t *start; /* slice i is ents[start[i] .. start[i + 1]) */
	const char **currency; /* slice i's BillingCurrency, or NULL */
	size_t nslices;
	size_t ntags;
	/* one slice's records, rebuilt by mlc_ledger__records */
	mlc_store_record *rec;
	const char **tagvals; /* ntags per record */
	size_t cap;
} ledger_plan;

/* Sort the groups of every file's parts into slices. MLC_EPARSE for a bad
 * billing period or two currencies in one slice. */
int mlc_ledger__plan(ledger_plan *p, ledger_file *files, size_t nfiles, size_t ntags);
void mlc_ledger__plan_free(ledger_plan *p);

/* The key of slice i (strings borrowed from the groups; "" for a missing
 * provider or account) and its records, merged, in p->rec (tag keys are
 * `keys`). MLC_ETOOLARGE when a sum overflows. */
int mlc_ledger__records(mlc_store_slice *key, size_t *nrec, ledger_plan *p, size_t i,
                        const char *const *keys);

#endif
