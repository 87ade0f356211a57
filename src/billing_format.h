/* SPDX-License-Identifier: MIT */
/*
 * billing_format.h - which bill a CSV header belongs to, and how each of
 * its rows reads in FOCUS terms: dimensions (ServiceName, RegionId,
 * tag:team, ...), the charge period start, and the cost under each basis
 * (billed, effective = amortized, list, contracted) with AWS's amortization
 * rules for CUR (SPEC §4).
 *
 * Formats: FOCUS 1.0-1.2; AWS CUR legacy (`lineItem/UnblendedCost`,
 * `resourceTags/user:team`); AWS CUR 2.0 (`line_item_unblended_cost`,
 * `resource_tags` JSON map); the Athena snake_case CUR
 * (`resource_tags_user_team` columns). Azure and GCP native exports are
 * recognised only to be refused with a clear message.
 *
 * What it is not: a CSV scanner (rows arrive as arrays of spans from any
 * scanner), an aggregator, or a money type (costs come back as the text of
 * the columns to add or subtract, plus a helper that sums them exactly with
 * util/money.h).
 *
 * Use: detect once per file from the header; resolve every dimension the
 * caller wants (mlc_billfmt__resolve) and declare the cost basis and time
 * needs; ask which columns to materialise (mlc_billfmt__columns); then per
 * row mlc_billfmt__row_set and the getters. A format and its sources are
 * read-only after mlc_billfmt__columns and may be shared by threads; each
 * thread has its own mlc_billfmt_row.
 */
#ifndef MLC_BILLING_FORMAT_H
#define MLC_BILLING_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "mlcost/common.h"
#include "tags.h"
#include "util/money.h"

typedef enum mlc_billfmt_kind {
	MLC_BILLFMT_FOCUS = 1,
	MLC_BILLFMT_CUR_LEGACY,
	MLC_BILLFMT_CUR2,
	MLC_BILLFMT_CUR_ATHENA
} mlc_billfmt_kind;

typedef struct mlc_billfmt mlc_billfmt;

/*
 * Detect the format of a header row (cells as the scanner returns them; a
 * UTF-8 BOM and surrounding blanks on a cell are ignored). file names the
 * input in messages. Errors, all "FILE:1: ...":
 *   MLC_EPARSE "unknown billing format (header starts with 'a,b,c,...');
 *              expected FOCUS (BilledCost, ChargePeriodStart, ...), ..."
 *   MLC_EPARSE "unsupported billing format: Azure cost details export ..."
 *   MLC_EPARSE "AWS CUR legacy header lacks 'lineItem/LineItemType'"
 */
int mlc_billfmt__detect(mlc_billfmt **out, const char *file, const mlc_span *header, size_t ncols);
void mlc_billfmt__free(mlc_billfmt *f);

mlc_billfmt_kind mlc_billfmt__kind(const mlc_billfmt *f);
/* "FOCUS 1.2", "AWS CUR legacy", "AWS CUR 2.0", "AWS CUR (Athena)" */
const char *mlc_billfmt__name(const mlc_billfmt *f);
/* FOCUS minor version guessed from the columns present (0, 1, 2); -1 for CUR. */
int mlc_billfmt__focus_minor(const mlc_billfmt *f);
const char *mlc_billfmt__file(const mlc_billfmt *f);
size_t mlc_billfmt__ncols(const mlc_billfmt *f);
/* Header column named name (ASCII case-insensitive), or -1. */
int mlc_billfmt__column(const mlc_billfmt *f, const char *name);

/* ---- canonical dimensions (FOCUS column names) ------------------------------------ */

typedef enum mlc_billfmt_dim {
	MLC_BILLFMT_DIM_AVAILABILITY_ZONE,
	MLC_BILLFMT_DIM_BILLING_ACCOUNT_ID,
	MLC_BILLFMT_DIM_BILLING_ACCOUNT_NAME,
	MLC_BILLFMT_DIM_BILLING_ACCOUNT_TYPE,
	MLC_BILLFMT_DIM_BILLING_CURRENCY,
	MLC_BILLFMT_DIM_BILLING_PERIOD_END,
	MLC_BILLFMT_DIM_BILLING_PERIOD_START,
	MLC_BILLFMT_DIM_CAPACITY_RESERVATION_ID,
	MLC_BILLFMT_DIM_CAPACITY_RESERVATION_STATUS,
	MLC_BILLFMT_DIM_CHARGE_CATEGORY,
	MLC_BILLFMT_DIM_CHARGE_CLASS,
	MLC_BILLFMT_DIM_CHARGE_DESCRIPTION,
	MLC_BILLFMT_DIM_CHARGE_FREQUENCY,
	MLC_BILLFMT_DIM_CHARGE_PERIOD_END,
	MLC_BILLFMT_DIM_CHARGE_PERIOD_START,
	MLC_BILLFMT_DIM_COMMITMENT_DISCOUNT_CATEGORY,
	MLC_BILLFMT_DIM_COMMITMENT_DISCOUNT_ID,
	MLC_BILLFMT_DIM_COMMITMENT_DISCOUNT_NAME,
	MLC_BILLFMT_DIM_COMMITMENT_DISCOUNT_STATUS,
	MLC_BILLFMT_DIM_COMMITMENT_DISCOUNT_TYPE,
	MLC_BILLFMT_DIM_COMMITMENT_DISCOUNT_UNIT,
	MLC_BILLFMT_DIM_CONSUMED_UNIT,
	MLC_BILLFMT_DIM_INVOICE_ID,
	MLC_BILLFMT_DIM_INVOICE_ISSUER_NAME,
	MLC_BILLFMT_DIM_PRICING_CATEGORY,
	MLC_BILLFMT_DIM_PRICING_CURRENCY,
	MLC_BILLFMT_DIM_PRICING_UNIT,
	MLC_BILLFMT_DIM_PROVIDER_NAME,
	MLC_BILLFMT_DIM_PUBLISHER_NAME,
	MLC_BILLFMT_DIM_REGION_ID,
	MLC_BILLFMT_DIM_REGION_NAME,
	MLC_BILLFMT_DIM_RESOURCE_ID,
	MLC_BILLFMT_DIM_RESOURCE_NAME,
	MLC_BILLFMT_DIM_RESOURCE_TYPE,
	MLC_BILLFMT_DIM_SERVICE_CATEGORY,
	MLC_BILLFMT_DIM_SERVICE_NAME,
	MLC_BILLFMT_DIM_SERVICE_SUBCATEGORY,
	MLC_BILLFMT_DIM_SKU_ID,
	MLC_BILLFMT_DIM_SKU_METER,
	MLC_BILLFMT_DIM_SKU_PRICE_ID,
	MLC_BILLFMT_DIM_SUB_ACCOUNT_ID,
	MLC_BILLFMT_DIM_SUB_ACCOUNT_NAME,
	MLC_BILLFMT_DIM_SUB_ACCOUNT_TYPE,
	MLC_BILLFMT_DIM_COUNT
} mlc_billfmt_dim;

/* The FOCUS column name of d ("ServiceName"). */
const char *mlc_billfmt__dim_name(mlc_billfmt_dim d);
/* d for a FOCUS column name (ASCII case-insensitive); 0 or MLC_ENOTFOUND (no message). */
int mlc_billfmt__dim_from_name(mlc_billfmt_dim *out, const char *name, size_t len);

/* ---- sources: where a dimension's value comes from in one format ------------------ */

typedef struct mlc_billfmt_source mlc_billfmt_source;

/*
 * Resolve a dimension as the user wrote it, for format f:
 *   "tag:KEY"      a tag (aliases may be NULL); never an error, a row
 *                  without the tag has it missing;
 *   a FOCUS column name (ServiceName, RegionId, ...; any case): the
 *                  format's mapping. MLC_ENOTFOUND "FILE:1: column 'X' not
 *                  available in AWS CUR legacy" when the format has none;
 *                  a mapped column absent from this header gives missing
 *                  values (mlc_billfmt__source_present says so);
 *   any header column name (e.g. lineItem/UsageType, x_Custom): that column.
 * Anything else is MLC_ENOTFOUND "FILE:1: unknown column 'X' ... (did you
 * mean 'Y'?)". Marks the columns the source reads as needed.
 */
int mlc_billfmt__resolve(mlc_billfmt_source **out, mlc_billfmt *f, const char *name,
                         const mlc_tags_aliases *aliases);
void mlc_billfmt__source_free(mlc_billfmt_source *s);
/* 1 when the source reads at least one column this file has (or a constant). */
int mlc_billfmt__source_present(const mlc_billfmt_source *s);
int mlc_billfmt__source_is_tag(const mlc_billfmt_source *s);

/* ---- cost bases ---------------------------------------------------------------------- */

typedef enum mlc_billfmt_basis {
	MLC_BILLFMT_BILLED,
	MLC_BILLFMT_EFFECTIVE,
	MLC_BILLFMT_LIST,
	MLC_BILLFMT_CONTRACTED
} mlc_billfmt_basis;

/* "billed", "effective", "list", "contracted"; 0 or -1. */
int mlc_billfmt__basis_parse(mlc_billfmt_basis *out, const char *s);
const char *mlc_billfmt__basis_name(mlc_billfmt_basis b);

/*
 * Declare that rows will be costed under basis b: marks its columns as
 * needed. MLC_EPARSE "FILE:1: cost basis 'list' needs column 'ListCost',
 * which this FOCUS 1.0 file lacks" when the header cannot give it.
 */
int mlc_billfmt__need_cost(mlc_billfmt *f, mlc_billfmt_basis b);
/* Declare that rows will be timed (mlc_billfmt__charge_start). */
int mlc_billfmt__need_time(mlc_billfmt *f);

/* Column carries JSON (Tags, resource_tags, product map): see MLC_BILLFMT_ROW_JSON_RAW. */
#define MLC_BILLFMT_COL_JSON 1u

/*
 * The header columns to materialise, ascending, and a flag per column
 * (MLC_BILLFMT_COL_JSON or 0). Freezes f: rows passed to row_set without
 * MLC_BILLFMT_ROW_ALL must hold exactly these columns in this order.
 * Pointers are borrowed from f.
 */
int mlc_billfmt__columns(mlc_billfmt *f, const uint32_t **cols, const unsigned **flags, size_t *n);

/* ---- rows ------------------------------------------------------------------------------- */

typedef struct mlc_billfmt_row mlc_billfmt_row;

/* A per-thread row reader; cache may be NULL (the reader makes its own). */
int mlc_billfmt__row_new(mlc_billfmt_row **out, mlc_tags_cache *cache);
void mlc_billfmt__row_free(mlc_billfmt_row *r);

#define MLC_BILLFMT_ROW_ALL      1u /* fields are every header column, in header order */
#define MLC_BILLFMT_ROW_JSON_RAW 2u /* JSON columns hold raw CSV text ("" for ") */

/*
 * Point r at the next row of f: fields (borrowed until the next row_set)
 * are the columns from mlc_billfmt__columns, or all columns with
 * MLC_BILLFMT_ROW_ALL; a short row may have fewer (the rest are missing).
 * line is the row's 1-based line, for messages.
 */
void mlc_billfmt__row_set(mlc_billfmt_row *r, const mlc_billfmt *f, const mlc_span *fields,
                          size_t nfields, uint64_t line, unsigned flags);

/*
 * The value of s in the current row: 1 present (*out trimmed, borrowed
 * until the next row_set), 0 missing (empty, NULL/null, tag absent), or
 * <0: MLC_EPARSE "FILE:LINE: column 'Tags': byte N: ..." for a malformed
 * tags string.
 */
int mlc_billfmt__value(mlc_span *out, mlc_billfmt_row *r, const mlc_billfmt_source *s);

/*
 * The cost of the current row under basis b (declared with need_cost) as a
 * recipe: the sum of sign * the number in each term's text. n == 0 means 0
 * by rule (e.g. SavingsPlanNegation under effective). A term whose column
 * is missing in the row is dropped when the rule allows (the value is 0 by
 * AWS's convention), else it is an error:
 *   MLC_EPARSE "FILE:LINE: column 'BilledCost': missing value"
 *   MLC_EPARSE "FILE:LINE: column 'reservation/EffectiveCost': missing,
 *              needed for the effective cost of a DiscountedUsage line"
 */
#define MLC_BILLFMT_MAX_TERMS 2

typedef struct mlc_billfmt_term {
	mlc_span text;      /* the column's text, trimmed */
	int sign;           /* +1 or -1 */
	const char *column; /* its header name, for messages */
} mlc_billfmt_term;

typedef struct mlc_billfmt_cost {
	unsigned n;
	mlc_billfmt_term term[MLC_BILLFMT_MAX_TERMS];
	const char
	    *rule; /* e.g. "SavingsPlanRecurringFee: TotalCommitmentToDate - UsedCommitment" */
} mlc_billfmt_cost;

int mlc_billfmt__cost(mlc_billfmt_cost *out, mlc_billfmt_row *r, mlc_billfmt_basis b);

/*
 * The same, summed exactly: MLC_EPARSE "FILE:LINE: column 'X': not a
 * number ('abc')", MLC_ETOOLARGE for an amount beyond util/money.h.
 */
int mlc_billfmt__cost_value(mlcu_money *out, mlc_billfmt_row *r, mlc_billfmt_basis b);

/*
 * Start of the charge period, seconds since the epoch (UTC), declared with
 * need_time. FOCUS ChargePeriodStart; CUR lineItem/UsageStartDate, else
 * the start of identity/TimeInterval. MLC_EPARSE "FILE:LINE: column
 * 'ChargePeriodStart': missing value" or "...: not a timestamp ('x')".
 */
int mlc_billfmt__charge_start(int64_t *out, mlc_billfmt_row *r);

#endif
