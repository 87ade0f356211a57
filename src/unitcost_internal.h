/* SPDX-License-Identifier: MIT */
/*
 * unitcost_internal.h - the working state of one unit-cost computation,
 * shared by unitcost.c (inputs, driver), unitcost_amortize.c (training
 * windows) and unitcost_rows.c (the report tables). Nothing else sees it.
 */
#ifndef MLC_UNITCOST_INTERNAL_H
#define MLC_UNITCOST_INTERNAL_H

#include "allocation_keymap.h"
#include "unitcost.h"

/* A (period, tag, model) cell: tag 0 sums every phase; tag k > 0 is phase k-1. */
typedef struct uc_cell {
	mlcu_money cost, training;
	uint64_t requests, input_tokens, output_tokens;
	int has_cost;
} uc_cell;

/* A training cost to amortize, keyed (period, phase id, model). */
typedef struct uc_train {
	mlcu_money cost;
} uc_train;

typedef struct uc_state {
	const mlc_unitcost_options *o;
	const mlc_usage *usage;
	mlc_keymap *cells;
	mlc_keymap *phases; /* (0, 0, phase) -> nothing; the index is the phase id */
	mlc_keymap *train;
	mlcu_money cost_in;
	int64_t usage_end;
} uc_state;

/* The report and what it owns; pub first so the public pointer frees it. */
typedef struct uc_report {
	mlc_unitcost_report pub;
	mlc_unitcost_row *rows, *phase_rows, *models, *model_phases;
	mlc_unitcost_training *training;
	mlc_keymap *cells, *phases, *train; /* own the strings the tables point to */
} uc_report;

/* Add money to a cell of st->cells, creating it; marks has_cost. */
int mlc_unitcost__charge(uc_state *st, int64_t period, uint32_t tag, const char *model, size_t len,
                         mlcu_money cost, mlcu_money training);

/* Spread every training cost over its window (fills rep->training). */
int mlc_unitcost__amortize(uc_report *rep, uc_state *st);

/* The four row tables and the totals, from the cells. */
int mlc_unitcost__build_rows(uc_report *rep, const uc_state *st);

/* Start of the bucket after the one starting at t. */
int64_t mlc_unitcost__bucket_next(int64_t t, mlcu_bucket b);

#endif
