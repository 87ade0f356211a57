/* SPDX-License-Identifier: MIT */
/*
 * csv_index.h - stage 1 of the CSV scanner: turn 64-byte blocks of input
 * into bitmasks (field ends, record ends, all newlines, quoting errors),
 * with SIMD kernels chosen once per scanner. Stage 2 (csv.c) walks the bits.
 * Internal to csv*.c; not a general byte-search library.
 */
#ifndef MLC_CSV_INDEX_H
#define MLC_CSV_INDEX_H

#include <stddef.h>
#include <stdint.h>

#define MLC_CSV_BLOCK 64

/* The masks of one 64-byte block; bit i is byte i. */
typedef struct mlc_csv_mask {
	uint64_t fields; /* delimiters and newlines outside quotes: a field ends */
	uint64_t recs;   /* newlines outside quotes: a record ends */
	uint64_t nls;    /* every newline, quoted or not, for line numbers */
	uint64_t bad;    /* a misplaced quote, or text after a closing quote */
} mlc_csv_mask;

/* What one block passes to the next. Start a record-aligned region with
 * in_quote = 0, at_field_start = 1, the rest 0. */
typedef struct mlc_csv_ixstate {
	uint64_t in_quote;       /* all ones when the previous byte was inside quotes */
	uint64_t at_field_start; /* 1 when the previous byte ended a field */
	uint64_t after_close;    /* 1 when the previous byte was a closing quote */
	uint64_t after_close_cr; /* 1 when it was a CR right after a closing quote */
} mlc_csv_ixstate;

/* Index nblocks full blocks at p into out[0..nblocks). */
typedef void (*mlc_csv_index_fn)(mlc_csv_mask *out, const char *p, size_t nblocks, char delim,
				 mlc_csv_ixstate *st);

/* The kernel for an enum mlc_csv_isa value (AUTO: the best available). */
mlc_csv_index_fn mlc_csv__index_kernel(int isa);

/* The ISA actually used for the given request. */
int mlc_csv__isa_resolve(int isa);

#endif
