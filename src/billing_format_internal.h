/* SPDX-License-Identifier: MIT */
/*
 * billing_format_internal.h - what the billing_format*.c files share: the
 * detected format, the per-thread row reader, the roles of the columns the
 * cost and time rules read, and AWS line item types. Not for other modules;
 * they use billing_format.h.
 */
#ifndef MLC_BILLING_FORMAT_INTERNAL_H
#define MLC_BILLING_FORMAT_INTERNAL_H

#include "billing_format.h"

/* Columns the cost and time rules read, located once per header. */
enum bf_role {
	/* FOCUS */
	BF_BILLED_COST,
	BF_EFFECTIVE_COST,
	BF_LIST_COST,
	BF_CONTRACTED_COST,
	BF_CHARGE_PERIOD_START,
	/* CUR (legacy and snake_case) */
	BF_UNBLENDED,
	BF_NET_UNBLENDED,
	BF_LINE_ITEM_TYPE,
	BF_RI_EFFECTIVE,
	BF_SP_EFFECTIVE,
	BF_SP_TOTAL_COMMITMENT,
	BF_SP_USED_COMMITMENT,
	BF_RI_UNUSED_AMORTIZED,
	BF_RI_UNUSED_RECURRING,
	BF_RI_ARN,
	BF_SP_ARN,
	BF_PUBLIC_ON_DEMAND,
	BF_USAGE_START,
	BF_TIME_INTERVAL,
	BF_PRICING_TERM,
	BF_USAGE_TYPE,
	BF_PRODUCT_CODE,
	BF_ROLE_COUNT
};

/* A tag held in a column of its own (CUR legacy, Athena CUR). */
typedef struct bf_tagcol {
	char *key; /* tag key, lower-cased: "team", "aws:createdby" */
	size_t len;
	int col;
} bf_tagcol;

struct mlc_billfmt {
	char *file;
	mlc_billfmt_kind kind;
	int focus_minor;
	char name[32];
	size_t ncols;
	char **cols;         /* header names, trimmed, BOM removed */
	unsigned char *need; /* per column: read by a declared source, cost or time */
	int32_t *slot;       /* per column: position among the selected, or -1 */
	uint32_t *sel;
	unsigned *sel_flags;
	size_t nsel;
	int frozen;
	int role[BF_ROLE_COUNT]; /* column index, -1 when absent */
	int json_tags;           /* FOCUS Tags / CUR 2.0 resource_tags, or -1 */
	unsigned json_tags_flags;
	int product_map; /* CUR 2.0 `product` map column, or -1 */
	bf_tagcol *tagcols;
	size_t ntagcols;
};

struct mlc_billfmt_row {
	const mlc_billfmt *f;
	const mlc_span *fields;
	size_t nfields;
	uint64_t line;
	unsigned flags;
	mlc_tags_cache *tags, *aux;
	int own_tags;
	int tags_state, aux_state; /* 0 not parsed yet, 1 parsed, <0 the error */
	const mlc_tags_set *tags_set, *aux_set;
	int lit; /* bf_lit of the row, -1 before it is read */
	char tbuf[40]; /* the last charge start text parsed, and its value */
	size_t tlen;
	int64_t tval;
};

/* AWS lineItem/LineItemType values the rules tell apart. */
enum bf_lit {
	BF_LIT_MISSING,
	BF_LIT_OTHER,
	BF_LIT_USAGE,
	BF_LIT_DISCOUNTED_USAGE,
	BF_LIT_SP_COVERED_USAGE,
	BF_LIT_SP_NEGATION,
	BF_LIT_SP_RECURRING_FEE,
	BF_LIT_SP_UPFRONT_FEE,
	BF_LIT_RI_FEE,
	BF_LIT_FEE,
	BF_LIT_TAX,
	BF_LIT_CREDIT,
	BF_LIT_REFUND,
	BF_LIT_DISCOUNT
};

/* Derived AWS values (billing_format_aws.c). */
enum bf_derive {
	BF_DERIVE_NONE,
	BF_DERIVE_CHARGE_CATEGORY,
	BF_DERIVE_CHARGE_FREQUENCY,
	BF_DERIVE_PRICING_CATEGORY,
	BF_DERIVE_SERVICE_CATEGORY,
	BF_DERIVE_COMMITMENT_CATEGORY
};

/* Is the text missing: empty or the NULL token (any case)? */
int mlc_billfmt__is_missing(const char *s, size_t len);

/* Header column i of the current row, trimmed; 0 when missing. */
int mlc_billfmt__field(mlc_span *out, const mlc_billfmt_row *r, int col);

/* Header name of column col, or "?" */
const char *mlc_billfmt__colname(const mlc_billfmt *f, int col);

/* The header name of a role's column (its usual spelling when absent). */
const char *mlc_billfmt__role_name(const mlc_billfmt *f, int role);

/* Mark column col (>= 0) as needed; no-op for -1. */
void mlc_billfmt__mark(mlc_billfmt *f, int col);

/* The row's line item type (memoised per row). */
enum bf_lit mlc_billfmt__lit(mlc_billfmt_row *r);

/* A derived AWS value for the current row; 1 present, 0 missing. */
int mlc_billfmt__derive(mlc_span *out, mlc_billfmt_row *r, enum bf_derive d);

/* Columns a derived value reads, to mark them needed. */
void mlc_billfmt__derive_mark(mlc_billfmt *f, enum bf_derive d);

/* FOCUS ServiceCategory of an AWS product code ("AmazonEC2" -> "Compute"). */
const char *mlc_billfmt__aws_category(const char *code, size_t len);

/* Parsed tags of the current row's JSON tags column (memoised per row);
 * NULL with *rc = 0 when the row has none. */
const mlc_tags_set *mlc_billfmt__row_tags(mlc_billfmt_row *r, int *rc);

#endif
