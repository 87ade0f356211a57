/* SPDX-License-Identifier: MIT */
/*
 * usage_internal.h - the inside of a usage table, shared by usage.c (the
 * table) and usage_load.c (the CSV reader) only.
 */
#ifndef MLC_USAGE_INTERNAL_H
#define MLC_USAGE_INTERNAL_H

#include "allocation_keymap.h"
#include "usage.h"

typedef struct usage_cell {
	uint64_t requests, input_tokens, output_tokens, rows;
} usage_cell;

struct mlc_usage {
	mlcu_bucket bucket;
	mlc_keymap *km;           /* (period, 0, model) -> usage_cell */
	mlc_usage_entry *entries; /* sorted, built by mlc_usage__finish */
	size_t nentries;
	mlc_usage_stats stats;
	char *msgs[MLC_USAGE_MAX_MESSAGES]; /* owned texts of stats.messages */
};

/* Keep a lenient-mode message (the current error text) if there is room. */
int mlc_usage__note(mlc_usage *u, const char *msg);

#endif
