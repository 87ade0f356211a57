/* SPDX-License-Identifier: MIT */
/*
 * billing_format_aws.c - FOCUS values AWS's CUR does not carry as columns
 * but implies: ChargeCategory, ChargeFrequency and PricingCategory from the
 * line item type and pricing term, ServiceCategory from the product code,
 * CommitmentDiscountCategory from which commitment the line belongs to.
 * The choices follow the FinOps Foundation's FOCUS converter for AWS, moved
 * to FOCUS 1.0+ values (Credit, Standard/Committed/Dynamic); where we depart
 * docs/billing-formats.md says why.
 */
#include "billing_format_internal.h"

#include <string.h>
#include <strings.h>

static const struct {
	const char *name;
	enum bf_lit lit;
} lit_names[] = {
    {"Usage", BF_LIT_USAGE},
    {"DiscountedUsage", BF_LIT_DISCOUNTED_USAGE},
    {"SavingsPlanCoveredUsage", BF_LIT_SP_COVERED_USAGE},
    {"SavingsPlanNegation", BF_LIT_SP_NEGATION},
    {"SavingsPlanRecurringFee", BF_LIT_SP_RECURRING_FEE},
    {"SavingsPlanUpfrontFee", BF_LIT_SP_UPFRONT_FEE},
    {"RIFee", BF_LIT_RI_FEE},
    {"Fee", BF_LIT_FEE},
    {"Tax", BF_LIT_TAX},
    {"Credit", BF_LIT_CREDIT},
    {"Refund", BF_LIT_REFUND},
    {"BundledDiscount", BF_LIT_DISCOUNT},
    {"Discount", BF_LIT_DISCOUNT},
    {"EdpDiscount", BF_LIT_DISCOUNT},
    {"PrivateRateDiscount", BF_LIT_DISCOUNT},
    {"DistributorDiscount", BF_LIT_DISCOUNT},
    {"SppDiscount", BF_LIT_DISCOUNT},
};

enum bf_lit mlc_billfmt__lit(mlc_billfmt_row *r)
{
	mlc_span t;
	if (r->lit >= 0)
		return (enum bf_lit)r->lit;
	r->lit = BF_LIT_MISSING;
	if (mlc_billfmt__field(&t, r, r->f->role[BF_LINE_ITEM_TYPE])) {
		r->lit = BF_LIT_OTHER;
		for (size_t i = 0; i < sizeof(lit_names) / sizeof(lit_names[0]); i++)
			if (strlen(lit_names[i].name) == t.len &&
			    strncasecmp(lit_names[i].name, t.ptr, t.len) == 0) {
				r->lit = lit_names[i].lit;
				break;
			}
	}
	return (enum bf_lit)r->lit;
}

static int put(mlc_span *out, const char *s)
{
	out->ptr = s;
	out->len = strlen(s);
	return 1;
}

static int charge_category(mlc_span *out, enum bf_lit lit)
{
	switch (lit) {
	case BF_LIT_MISSING:
		return 0;
	case BF_LIT_USAGE:
	case BF_LIT_DISCOUNTED_USAGE:
	case BF_LIT_SP_COVERED_USAGE:
	case BF_LIT_SP_NEGATION:
	case BF_LIT_DISCOUNT:
		return put(out, "Usage");
	case BF_LIT_FEE:
	case BF_LIT_RI_FEE:
	case BF_LIT_SP_RECURRING_FEE:
	case BF_LIT_SP_UPFRONT_FEE:
		return put(out, "Purchase");
	case BF_LIT_TAX:
		return put(out, "Tax");
	case BF_LIT_CREDIT:
	case BF_LIT_REFUND:
		return put(out, "Credit");
	default:
		return put(out, "Adjustment");
	}
}

static int charge_frequency(mlc_span *out, enum bf_lit lit)
{
	switch (lit) {
	case BF_LIT_MISSING:
		return 0;
	case BF_LIT_RI_FEE:
	case BF_LIT_SP_RECURRING_FEE:
		return put(out, "Recurring");
	case BF_LIT_FEE:
	case BF_LIT_SP_UPFRONT_FEE:
	case BF_LIT_TAX:
	case BF_LIT_CREDIT:
	case BF_LIT_REFUND:
	case BF_LIT_OTHER:
		return put(out, "One-Time");
	default:
		return put(out, "Usage-Based");
	}
}

static int contains(mlc_span s, const char *needle)
{
	size_t n = strlen(needle);
	for (size_t i = 0; i + n <= s.len; i++)
		if (memcmp(s.ptr + i, needle, n) == 0)
			return 1;
	return 0;
}

/*
 * Covered usage is Committed whatever pricing/term says (AWS writes
 * OnDemand on SavingsPlanCoveredUsage). A commitment purchase is Standard
 * (FOCUS 1.1: never Committed). Tax, credits and refunds have none.
 */
static int pricing_category(mlc_span *out, mlc_billfmt_row *r, enum bf_lit lit)
{
	mlc_span term, type;
	switch (lit) {
	case BF_LIT_MISSING:
	case BF_LIT_TAX:
	case BF_LIT_CREDIT:
	case BF_LIT_REFUND:
	case BF_LIT_OTHER:
		return 0;
	case BF_LIT_DISCOUNTED_USAGE:
	case BF_LIT_SP_COVERED_USAGE:
	case BF_LIT_SP_NEGATION:
		return put(out, "Committed");
	case BF_LIT_FEE:
	case BF_LIT_RI_FEE:
	case BF_LIT_SP_RECURRING_FEE:
	case BF_LIT_SP_UPFRONT_FEE:
		return put(out, "Standard");
	default:
		break;
	}
	if (mlc_billfmt__field(&term, r, r->f->role[BF_PRICING_TERM])) {
		if (term.len == 8 && strncasecmp(term.ptr, "Reserved", 8) == 0)
			return put(out, "Committed");
		if (term.len == 4 && strncasecmp(term.ptr, "Spot", 4) == 0)
			return put(out, "Dynamic");
	}
	if (mlc_billfmt__field(&type, r, r->f->role[BF_USAGE_TYPE]) && contains(type, "SpotUsage"))
		return put(out, "Dynamic");
	return put(out, "Standard");
}

int mlc_billfmt__derive(mlc_span *out, mlc_billfmt_row *r, enum bf_derive d)
{
	mlc_span v;
	switch (d) {
	case BF_DERIVE_CHARGE_CATEGORY:
		return charge_category(out, mlc_billfmt__lit(r));
	case BF_DERIVE_CHARGE_FREQUENCY:
		return charge_frequency(out, mlc_billfmt__lit(r));
	case BF_DERIVE_PRICING_CATEGORY:
		return pricing_category(out, r, mlc_billfmt__lit(r));
	case BF_DERIVE_SERVICE_CATEGORY:
		if (!mlc_billfmt__field(&v, r, r->f->role[BF_PRODUCT_CODE]))
			return 0;
		return put(out, mlc_billfmt__aws_category(v.ptr, v.len));
	case BF_DERIVE_COMMITMENT_CATEGORY:
		/* reservations discount usage, Savings Plans discount spend */
		if (mlc_billfmt__field(&v, r, r->f->role[BF_RI_ARN]))
			return put(out, "Usage");
		if (mlc_billfmt__field(&v, r, r->f->role[BF_SP_ARN]))
			return put(out, "Spend");
		return 0;
	default:
		return 0;
	}
}

void mlc_billfmt__derive_mark(mlc_billfmt *f, enum bf_derive d)
{
	switch (d) {
	case BF_DERIVE_PRICING_CATEGORY:
		mlc_billfmt__mark(f, f->role[BF_PRICING_TERM]);
		mlc_billfmt__mark(f, f->role[BF_USAGE_TYPE]);
		/* fall through */
	case BF_DERIVE_CHARGE_CATEGORY:
	case BF_DERIVE_CHARGE_FREQUENCY:
		mlc_billfmt__mark(f, f->role[BF_LINE_ITEM_TYPE]);
		break;
	case BF_DERIVE_SERVICE_CATEGORY:
		mlc_billfmt__mark(f, f->role[BF_PRODUCT_CODE]);
		break;
	case BF_DERIVE_COMMITMENT_CATEGORY:
		mlc_billfmt__mark(f, f->role[BF_RI_ARN]);
		mlc_billfmt__mark(f, f->role[BF_SP_ARN]);
		break;
	default:
		break;
	}
}
