/* SPDX-License-Identifier: MIT */
/*
 * billing_format_detect.c - which bill a header belongs to (see
 * billing_format.h). Detection looks only at column names: FOCUS by two of
 * its mandatory columns (BilledCost, ChargePeriodStart), CUR by its
 * category prefixes (`lineItem/`, snake_case `line_item_`), the FOCUS
 * version by the columns each version added. Native Azure and GCP exports
 * are named in the error so the user knows to export FOCUS instead, rather
 * than reading "unknown format".
 */
#include "billing_format_internal.h"
#include "util/alloc.h"
#include "util/error.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Header names of each role: FOCUS, CUR legacy, CUR snake_case (alternatives by '|'). */
static const struct {
	const char *focus, *legacy, *snake;
} role_names[BF_ROLE_COUNT] = {
    [BF_BILLED_COST] = {"BilledCost", NULL, NULL},
    [BF_EFFECTIVE_COST] = {"EffectiveCost", NULL, NULL},
    [BF_LIST_COST] = {"ListCost", NULL, NULL},
    [BF_CONTRACTED_COST] = {"ContractedCost", NULL, NULL},
    [BF_CHARGE_PERIOD_START] = {"ChargePeriodStart", NULL, NULL},
    [BF_UNBLENDED] = {NULL, "lineItem/UnblendedCost", "line_item_unblended_cost"},
    [BF_NET_UNBLENDED] = {NULL, "lineItem/NetUnblendedCost", "line_item_net_unblended_cost"},
    [BF_LINE_ITEM_TYPE] = {NULL, "lineItem/LineItemType", "line_item_line_item_type"},
    [BF_RI_EFFECTIVE] = {NULL, "reservation/EffectiveCost", "reservation_effective_cost"},
    [BF_SP_EFFECTIVE] = {NULL, "savingsPlan/SavingsPlanEffectiveCost",
                         "savings_plan_savings_plan_effective_cost"},
    [BF_SP_TOTAL_COMMITMENT] = {NULL, "savingsPlan/TotalCommitmentToDate",
                                "savings_plan_total_commitment_to_date"},
    [BF_SP_USED_COMMITMENT] = {NULL, "savingsPlan/UsedCommitment", "savings_plan_used_commitment"},
    [BF_RI_UNUSED_AMORTIZED] = {NULL, "reservation/UnusedAmortizedUpfrontFeeForBillingPeriod",
                                "reservation_unused_amortized_upfront_fee_for_billing_period"},
    [BF_RI_UNUSED_RECURRING] = {NULL, "reservation/UnusedRecurringFee",
                                "reservation_unused_recurring_fee"},
    [BF_RI_ARN] = {NULL, "reservation/ReservationARN",
                   "reservation_reservation_a_r_n|reservation_reservation_arn"},
    [BF_SP_ARN] = {NULL, "savingsPlan/SavingsPlanARN",
                   "savings_plan_savings_plan_a_r_n|savings_plan_savings_plan_arn"},
    [BF_PUBLIC_ON_DEMAND] = {NULL, "pricing/publicOnDemandCost", "pricing_public_on_demand_cost"},
    [BF_USAGE_START] = {NULL, "lineItem/UsageStartDate", "line_item_usage_start_date"},
    [BF_TIME_INTERVAL] = {NULL, "identity/TimeInterval", "identity_time_interval"},
    [BF_PRICING_TERM] = {NULL, "pricing/term", "pricing_term"},
    [BF_USAGE_TYPE] = {NULL, "lineItem/UsageType", "line_item_usage_type"},
    [BF_PRODUCT_CODE] = {NULL, "lineItem/ProductCode", "line_item_product_code"},
};

/* First of the '|'-separated alternatives present in the header. */
static int column_alt(const mlc_billfmt *f, const char *alts)
{
	char one[96];
	while (alts && *alts) {
		const char *bar = strchr(alts, '|');
		size_t n = bar ? (size_t)(bar - alts) : strlen(alts);
		int c;
		if (n >= sizeof(one))
			n = sizeof(one) - 1;
		memcpy(one, alts, n);
		one[n] = '\0';
		if ((c = mlc_billfmt__column(f, one)) >= 0)
			return c;
		alts = bar ? bar + 1 : NULL;
	}
	return -1;
}

/* Copy the header names, without BOM and surrounding blanks. */
static int copy_header(mlc_billfmt *f, const mlc_span *header, size_t ncols)
{
	f->cols = mlcu_calloc(ncols ? ncols : 1, sizeof(char *));
	f->need = mlcu_calloc(ncols ? ncols : 1, 1);
	if (!f->cols || !f->need)
		return mlcu_error_oom();
	f->ncols = ncols;
	for (size_t i = 0; i < ncols; i++) {
		const char *p = header[i].ptr ? header[i].ptr : "";
		size_t n = header[i].ptr ? header[i].len : 0;
		if (i == 0 && n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
			p += 3, n -= 3;
		while (n && (*p == ' ' || *p == '\t'))
			p++, n--;
		while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
			n--;
		if (!(f->cols[i] = mlcu_strndup(p, n)))
			return mlcu_error_oom();
	}
	return 0;
}

const char *mlc_billfmt__role_name(const mlc_billfmt *f, int role)
{
	const char *n = f->kind == MLC_BILLFMT_FOCUS        ? role_names[role].focus
	                : f->kind == MLC_BILLFMT_CUR_LEGACY ? role_names[role].legacy
	                                                    : role_names[role].snake;
	static _Thread_local char first[96];
	const char *bar;
	if (f->role[role] >= 0)
		return f->cols[f->role[role]];
	if (!n)
		return "?";
	/* the first spelling of alternatives */
	bar = strchr(n, '|');
	if (!bar)
		return n;
	snprintf(first, sizeof(first), "%.*s", (int)(bar - n), n);
	return first;
}

static int has(const mlc_billfmt *f, const char *name)
{
	return mlc_billfmt__column(f, name) >= 0;
}

static int has_prefix(const mlc_billfmt *f, const char *prefix)
{
	size_t n = strlen(prefix);
	for (size_t i = 0; i < f->ncols; i++)
		if (strncasecmp(f->cols[i], prefix, n) == 0)
			return 1;
	return 0;
}

static int any_of(const mlc_billfmt *f, const char *const *names)
{
	for (; *names; names++)
		if (has(f, *names))
			return 1;
	return 0;
}

/* FOCUS minor version: the newest version whose added columns appear. */
static int focus_minor(const mlc_billfmt *f)
{
	static const char *const v12[] = {"BillingAccountType",
	                                  "SubAccountType",
	                                  "InvoiceId",
	                                  "PricingCurrency",
	                                  "PricingCurrencyContractedUnitPrice",
	                                  "PricingCurrencyEffectiveCost",
	                                  "PricingCurrencyListUnitPrice",
	                                  NULL};
	static const char *const v11[] = {"CapacityReservationId",
	                                  "CapacityReservationStatus",
	                                  "CommitmentDiscountQuantity",
	                                  "CommitmentDiscountUnit",
	                                  "ServiceSubcategory",
	                                  "SkuMeter",
	                                  "SkuPriceDetails",
	                                  NULL};
	if (any_of(f, v12))
		return 2;
	return any_of(f, v11) ? 1 : 0;
}

/* "a,b,c,d,..." for messages. */
static void preview(const mlc_billfmt *f, char *out, size_t cap)
{
	size_t o = 0;
	out[0] = '\0';
	for (size_t i = 0; i < f->ncols && i < 4 && o + 1 < cap; i++) {
		int n = snprintf(out + o, cap - o, "%s%.40s", i ? "," : "", f->cols[i]);
		if (n < 0)
			break;
		o += (size_t)n;
	}
	if (f->ncols > 4 && o + 5 < cap)
		strcat(out, ",...");
}

static int unsupported(const mlc_billfmt *f)
{
	static const char *const azure[] = {
	    "MeterCategory",         "SubscriptionGuid", "PreTaxCost",     "CostInBillingCurrency",
	    "costInBillingCurrency", "ResourceGroup",    "subscriptionid", NULL};
	static const char *const gcp[] = {"service.description", "sku.description",
	                                  "usage_start_time", NULL};
	if (any_of(f, azure))
		return mlcu_error_set(MLC_EPARSE,
		                      "%s:1: unsupported billing format: Azure cost export (not "
		                      "FOCUS); export the FOCUS cost dataset from Cost Management "
		                      "instead",
		                      f->file);
	if (any_of(f, gcp))
		return mlcu_error_set(MLC_EPARSE,
		                      "%s:1: unsupported billing format: Google Cloud billing "
		                      "export (not FOCUS); export the FOCUS view from BigQuery "
		                      "instead",
		                      f->file);
	return 0;
}

static int unknown(const mlc_billfmt *f)
{
	char head[200];
	int rc = unsupported(f);
	if (rc < 0)
		return rc;
	preview(f, head, sizeof(head));
	return mlcu_error_set(MLC_EPARSE,
	                      "%s:1: unknown billing format (header starts with '%s'); expected "
	                      "FOCUS 1.0-1.2 (BilledCost, ChargePeriodStart, ...), AWS CUR legacy "
	                      "(lineItem/UnblendedCost, ...) or AWS CUR 2.0 "
	                      "(line_item_unblended_cost, ...)",
	                      f->file, head);
}

static int add_tagcol(mlc_billfmt *f, const char *key, const char *prefix, int col)
{
	size_t plen = prefix ? strlen(prefix) : 0, klen = strlen(key);
	bf_tagcol *grown;
	char *k;
	if (klen == 0)
		return 0;
	grown = mlcu_reallocarray(f->tagcols, f->ntagcols + 1, sizeof(bf_tagcol));
	if (!grown)
		return mlcu_error_oom();
	f->tagcols = grown;
	if (!(k = mlcu_malloc(plen + klen + 1)))
		return mlcu_error_oom();
	if (plen)
		memcpy(k, prefix, plen);
	memcpy(k + plen, key, klen + 1);
	for (char *p = k; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p + 32);
	f->tagcols[f->ntagcols].key = k;
	f->tagcols[f->ntagcols].len = plen + klen;
	f->tagcols[f->ntagcols].col = col;
	f->ntagcols++;
	return 0;
}

/*
 * Tag columns: legacy `resourceTags/user:team` is the user tag team,
 * `resourceTags/aws:createdBy` the AWS tag aws:createdBy; Athena
 * `resource_tags_user_team` is team, `resource_tags_aws_created_by` is
 * aws:created_by (snake_case lost the original spelling).
 */
static int find_tag_columns(mlc_billfmt *f)
{
	int rc = 0;
	for (size_t i = 0; i < f->ncols && rc == 0; i++) {
		const char *c = f->cols[i];
		if (f->kind == MLC_BILLFMT_CUR_LEGACY && strncasecmp(c, "resourceTags/", 13) == 0) {
			c += 13;
			if (strncasecmp(c, "user:", 5) == 0)
				c += 5;
			rc = add_tagcol(f, c, NULL, (int)i);
		} else if (f->kind != MLC_BILLFMT_CUR_LEGACY &&
		           strncasecmp(c, "resource_tags_", 14) == 0) {
			c += 14;
			if (strncasecmp(c, "user_", 5) == 0)
				rc = add_tagcol(f, c + 5, NULL, (int)i);
			else if (strncasecmp(c, "aws_", 4) == 0)
				rc = add_tagcol(f, c + 4, "aws:", (int)i);
			else
				rc = add_tagcol(f, c, NULL, (int)i);
		}
	}
	return rc;
}

static int require(const mlc_billfmt *f, enum bf_role role)
{
	const char *name =
	    f->kind == MLC_BILLFMT_CUR_LEGACY ? role_names[role].legacy : role_names[role].snake;
	if (f->role[role] >= 0)
		return 0;
	return mlcu_error_set(MLC_EPARSE, "%s:1: %s header lacks '%s'", f->file, f->name, name);
}

/* Classify by column names; 0 and f->kind set, or an error. */
static int classify(mlc_billfmt *f)
{
	if (has(f, "BilledCost") && has(f, "ChargePeriodStart")) {
		f->kind = MLC_BILLFMT_FOCUS;
		f->focus_minor = focus_minor(f);
		snprintf(f->name, sizeof(f->name), "FOCUS 1.%d", f->focus_minor);
		return 0;
	}
	if (has_prefix(f, "lineItem/") || has_prefix(f, "identity/LineItemId")) {
		f->kind = MLC_BILLFMT_CUR_LEGACY;
		snprintf(f->name, sizeof(f->name), "AWS CUR legacy");
		return 0;
	}
	if (has_prefix(f, "line_item_") || has(f, "identity_line_item_id")) {
		int cur2 = has(f, "resource_tags") || has(f, "product");
		f->kind = cur2 ? MLC_BILLFMT_CUR2 : MLC_BILLFMT_CUR_ATHENA;
		snprintf(f->name, sizeof(f->name), "%s", cur2 ? "AWS CUR 2.0" : "AWS CUR (Athena)");
		return 0;
	}
	return unknown(f);
}

static void locate_roles(mlc_billfmt *f)
{
	for (int r = 0; r < BF_ROLE_COUNT; r++) {
		const char *names = f->kind == MLC_BILLFMT_FOCUS        ? role_names[r].focus
		                    : f->kind == MLC_BILLFMT_CUR_LEGACY ? role_names[r].legacy
		                                                        : role_names[r].snake;
		f->role[r] = names ? column_alt(f, names) : -1;
	}
	f->json_tags = -1;
	f->product_map = -1;
	if (f->kind == MLC_BILLFMT_FOCUS) {
		f->json_tags = mlc_billfmt__column(f, "Tags");
	} else if (f->kind == MLC_BILLFMT_CUR2) {
		f->json_tags = mlc_billfmt__column(f, "resource_tags");
		f->json_tags_flags = MLC_TAGS_CUR2_KEYS;
		f->product_map = mlc_billfmt__column(f, "product");
	}
}

int mlc_billfmt__detect(mlc_billfmt **out, const char *file, const mlc_span *header, size_t ncols)
{
	mlc_billfmt *f = mlcu_calloc(1, sizeof(*f));
	int rc;
	*out = NULL;
	if (!f)
		return mlcu_error_oom();
	if (!(f->file = mlcu_strdup(file ? file : "<input>"))) {
		rc = mlcu_error_oom();
		goto done;
	}
	if ((rc = copy_header(f, header, ncols)) < 0 || (rc = classify(f)) < 0)
		goto done;
	locate_roles(f);
	if (f->kind != MLC_BILLFMT_FOCUS) {
		if ((rc = require(f, BF_UNBLENDED)) < 0 ||
		    (rc = require(f, BF_LINE_ITEM_TYPE)) < 0 || (rc = find_tag_columns(f)) < 0)
			goto done;
	}
	*out = f;
	f = NULL;
done:
	mlc_billfmt__free(f);
	return rc;
}
