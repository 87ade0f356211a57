/* SPDX-License-Identifier: MIT */
/*
 * billing_format_map.c - FOCUS dimensions and where each format keeps them
 * (see billing_format.h). FOCUS files name their columns after the
 * dimensions; for CUR each dimension is a chain of columns tried in order
 * (the first with a value wins), a derivation from the line item type, or a
 * constant. The table below is the column map documented in
 * docs/billing-formats.md; keep the two in step.
 */
#include "billing_format_internal.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/str.h"

#include <string.h>
#include <strings.h>

#define MAX_STEPS 4

/*
 * Per dimension: its FOCUS name; the CUR legacy and CUR snake_case chains
 * ('|' between columns; "@col.key" is a key of a CUR 2.0 map column); or a
 * derivation or constant for both CUR families. NULL chain and no
 * derivation: not available in CUR.
 */
static const struct dim_def {
	const char *name, *legacy, *snake;
	enum bf_derive derive;
	const char *constant;
} dims[MLC_BILLFMT_DIM_COUNT] = {
    [MLC_BILLFMT_DIM_AVAILABILITY_ZONE] = {"AvailabilityZone", "lineItem/AvailabilityZone",
                                           "line_item_availability_zone", 0, NULL},
    [MLC_BILLFMT_DIM_BILLING_ACCOUNT_ID] = {"BillingAccountId", "bill/PayerAccountId",
                                            "bill_payer_account_id", 0, NULL},
    [MLC_BILLFMT_DIM_BILLING_ACCOUNT_NAME] = {"BillingAccountName", NULL, "bill_payer_account_name",
                                              0, NULL},
    [MLC_BILLFMT_DIM_BILLING_ACCOUNT_TYPE] = {"BillingAccountType", NULL, NULL, 0, NULL},
    [MLC_BILLFMT_DIM_BILLING_CURRENCY] = {"BillingCurrency", "lineItem/CurrencyCode",
                                          "line_item_currency_code", 0, NULL},
    [MLC_BILLFMT_DIM_BILLING_PERIOD_END] = {"BillingPeriodEnd", "bill/BillingPeriodEndDate",
                                            "bill_billing_period_end_date", 0, NULL},
    [MLC_BILLFMT_DIM_BILLING_PERIOD_START] = {"BillingPeriodStart", "bill/BillingPeriodStartDate",
                                              "bill_billing_period_start_date", 0, NULL},
    [MLC_BILLFMT_DIM_CAPACITY_RESERVATION_ID] = {"CapacityReservationId", NULL, NULL, 0, NULL},
    [MLC_BILLFMT_DIM_CAPACITY_RESERVATION_STATUS] = {"CapacityReservationStatus", NULL, NULL, 0,
                                                     NULL},
    [MLC_BILLFMT_DIM_CHARGE_CATEGORY] = {"ChargeCategory", NULL, NULL, BF_DERIVE_CHARGE_CATEGORY,
                                         NULL},
    [MLC_BILLFMT_DIM_CHARGE_CLASS] = {"ChargeClass", NULL, NULL, 0, NULL},
    [MLC_BILLFMT_DIM_CHARGE_DESCRIPTION] = {"ChargeDescription", "lineItem/LineItemDescription",
                                            "line_item_line_item_description", 0, NULL},
    [MLC_BILLFMT_DIM_CHARGE_FREQUENCY] = {"ChargeFrequency", NULL, NULL, BF_DERIVE_CHARGE_FREQUENCY,
                                          NULL},
    [MLC_BILLFMT_DIM_CHARGE_PERIOD_END] = {"ChargePeriodEnd", "lineItem/UsageEndDate",
                                           "line_item_usage_end_date", 0, NULL},
    [MLC_BILLFMT_DIM_CHARGE_PERIOD_START] = {"ChargePeriodStart", "lineItem/UsageStartDate",
                                             "line_item_usage_start_date", 0, NULL},
    [MLC_BILLFMT_DIM_COMMITMENT_DISCOUNT_CATEGORY] = {"CommitmentDiscountCategory", NULL, NULL,
                                                      BF_DERIVE_COMMITMENT_CATEGORY, NULL},
    [MLC_BILLFMT_DIM_COMMITMENT_DISCOUNT_ID] =
        {"CommitmentDiscountId", "reservation/ReservationARN|savingsPlan/SavingsPlanARN",
         "reservation_reservation_a_r_n|reservation_reservation_arn|"
         "savings_plan_savings_plan_a_r_n|savings_plan_savings_plan_arn",
         0, NULL},
    [MLC_BILLFMT_DIM_COMMITMENT_DISCOUNT_NAME] = {"CommitmentDiscountName", NULL, NULL, 0, NULL},
    [MLC_BILLFMT_DIM_COMMITMENT_DISCOUNT_STATUS] = {"CommitmentDiscountStatus", NULL, NULL, 0,
                                                    NULL},
    [MLC_BILLFMT_DIM_COMMITMENT_DISCOUNT_TYPE] = {"CommitmentDiscountType", NULL, NULL, 0, NULL},
    [MLC_BILLFMT_DIM_COMMITMENT_DISCOUNT_UNIT] = {"CommitmentDiscountUnit", NULL, NULL, 0, NULL},
    [MLC_BILLFMT_DIM_CONSUMED_UNIT] = {"ConsumedUnit", "pricing/unit", "pricing_unit", 0, NULL},
    [MLC_BILLFMT_DIM_INVOICE_ID] = {"InvoiceId", "bill/InvoiceId", "bill_invoice_id", 0, NULL},
    [MLC_BILLFMT_DIM_INVOICE_ISSUER_NAME] = {"InvoiceIssuerName", "bill/InvoicingEntity",
                                             "bill_invoicing_entity", 0, NULL},
    [MLC_BILLFMT_DIM_PRICING_CATEGORY] = {"PricingCategory", NULL, NULL, BF_DERIVE_PRICING_CATEGORY,
                                          NULL},
    [MLC_BILLFMT_DIM_PRICING_CURRENCY] = {"PricingCurrency", "pricing/currency", "pricing_currency",
                                          0, NULL},
    [MLC_BILLFMT_DIM_PRICING_UNIT] = {"PricingUnit", "pricing/unit", "pricing_unit", 0, NULL},
    [MLC_BILLFMT_DIM_PROVIDER_NAME] = {"ProviderName", NULL, NULL, 0, "AWS"},
    [MLC_BILLFMT_DIM_PUBLISHER_NAME] = {"PublisherName", "lineItem/LegalEntity",
                                        "line_item_legal_entity", 0, NULL},
    [MLC_BILLFMT_DIM_REGION_ID] = {"RegionId", "product/region|product/regionCode",
                                   "product_region_code|product_region|@product.region", 0, NULL},
    [MLC_BILLFMT_DIM_REGION_NAME] = {"RegionName", "product/location",
                                     "product_location|@product.location", 0, NULL},
    [MLC_BILLFMT_DIM_RESOURCE_ID] = {"ResourceId", "lineItem/ResourceId", "line_item_resource_id",
                                     0, NULL},
    [MLC_BILLFMT_DIM_RESOURCE_NAME] = {"ResourceName", NULL, NULL, 0, NULL},
    [MLC_BILLFMT_DIM_RESOURCE_TYPE] = {"ResourceType", NULL, NULL, 0, NULL},
    [MLC_BILLFMT_DIM_SERVICE_CATEGORY] = {"ServiceCategory", NULL, NULL, BF_DERIVE_SERVICE_CATEGORY,
                                          NULL},
    [MLC_BILLFMT_DIM_SERVICE_NAME] = {"ServiceName", "product/ProductName|lineItem/ProductCode",
                                      "product_product_name|@product.product_name|"
                                      "line_item_product_code",
                                      0, NULL},
    [MLC_BILLFMT_DIM_SERVICE_SUBCATEGORY] = {"ServiceSubcategory", NULL, NULL, 0, NULL},
    [MLC_BILLFMT_DIM_SKU_ID] = {"SkuId", "product/sku", "product_sku", 0, NULL},
    [MLC_BILLFMT_DIM_SKU_METER] = {"SkuMeter", NULL, NULL, 0, NULL},
    [MLC_BILLFMT_DIM_SKU_PRICE_ID] = {"SkuPriceId", "pricing/RateCode", "pricing_rate_code", 0,
                                      NULL},
    [MLC_BILLFMT_DIM_SUB_ACCOUNT_ID] = {"SubAccountId", "lineItem/UsageAccountId",
                                        "line_item_usage_account_id", 0, NULL},
    [MLC_BILLFMT_DIM_SUB_ACCOUNT_NAME] = {"SubAccountName", NULL, "line_item_usage_account_name", 0,
                                          NULL},
    [MLC_BILLFMT_DIM_SUB_ACCOUNT_TYPE] = {"SubAccountType", NULL, NULL, 0, NULL},
};

enum src_kind { SRC_CHAIN, SRC_CONST, SRC_DERIVED, SRC_TAG };

typedef struct step {
	int col;
	const char *mapkey; /* a key of the map in col, or NULL for the column itself */
	size_t mklen;
} step;

struct mlc_billfmt_source {
	enum src_kind kind;
	int present;
	size_t nsteps;
	step steps[MAX_STEPS];
	const char *constant;
	enum bf_derive derive;
	mlc_tags_query *q;
	int *tagcols; /* tag columns in candidate order */
	size_t ntagcols;
	int json; /* the format has a JSON tags column */
};

const char *mlc_billfmt__dim_name(mlc_billfmt_dim d)
{
	return (unsigned)d < MLC_BILLFMT_DIM_COUNT ? dims[d].name : "?";
}

int mlc_billfmt__dim_from_name(mlc_billfmt_dim *out, const char *name, size_t len)
{
	for (int d = 0; d < MLC_BILLFMT_DIM_COUNT; d++)
		if (strlen(dims[d].name) == len && strncasecmp(dims[d].name, name, len) == 0) {
			*out = (mlc_billfmt_dim)d;
			return 0;
		}
	return MLC_ENOTFOUND;
}

void mlc_billfmt__source_free(mlc_billfmt_source *s)
{
	if (!s)
		return;
	mlc_tags__query_free(s->q);
	mlcu_free(s->tagcols);
	mlcu_free(s);
}

int mlc_billfmt__source_present(const mlc_billfmt_source *s)
{
	return s->present;
}

int mlc_billfmt__source_is_tag(const mlc_billfmt_source *s)
{
	return s->kind == SRC_TAG;
}

/* Parse a '|' chain into steps for f, marking its columns. */
static void chain(mlc_billfmt_source *s, mlc_billfmt *f, const char *spec)
{
	char one[96];
	while (spec && *spec && s->nsteps < MAX_STEPS) {
		const char *bar = strchr(spec, '|');
		size_t n = bar ? (size_t)(bar - spec) : strlen(spec);
		step *st = &s->steps[s->nsteps];
		if (n >= sizeof(one))
			n = sizeof(one) - 1;
		memcpy(one, spec, n);
		one[n] = '\0';
		st->mapkey = NULL;
		if (one[0] == '@') {
			const char *dot = strchr(spec, '.');
			st->col = f->product_map;
			st->mapkey = dot + 1;
			st->mklen = n - (size_t)(dot + 1 - spec);
		} else {
			st->col = mlc_billfmt__column(f, one);
		}
		if (st->col >= 0) {
			mlc_billfmt__mark(f, st->col);
			s->present = 1;
			s->nsteps++;
		}
		spec = bar ? bar + 1 : NULL;
	}
}

static int tag_source(mlc_billfmt_source *s, mlc_billfmt *f, const char *key,
                      const mlc_tags_aliases *aliases)
{
	size_t nq;
	int rc = mlc_tags__query_new(&s->q, aliases, key, strlen(key));
	if (rc < 0)
		return rc == MLC_EINVAL ? mlcu_error_set(rc, "%s:1: 'tag:' needs a key", f->file)
		                        : rc;
	s->kind = SRC_TAG;
	s->json = f->json_tags >= 0;
	mlc_billfmt__mark(f, f->json_tags);
	nq = mlc_tags__query_count(s->q);
	if (f->ntagcols && !(s->tagcols = mlcu_calloc(f->ntagcols * nq, sizeof(int))))
		return mlcu_error_oom();
	for (size_t i = 0; i < nq; i++) {
		size_t len;
		const char *k = mlc_tags__query_key(s->q, i, &len);
		for (size_t j = 0; j < f->ntagcols; j++)
			if (f->tagcols[j].len == len && memcmp(f->tagcols[j].key, k, len) == 0) {
				s->tagcols[s->ntagcols++] = f->tagcols[j].col;
				mlc_billfmt__mark(f, f->tagcols[j].col);
			}
	}
	s->present = s->json || s->ntagcols > 0;
	return 0;
}

static int dim_source(mlc_billfmt_source *s, mlc_billfmt *f, mlc_billfmt_dim d)
{
	const struct dim_def *def = &dims[d];
	const char *spec;
	s->kind = SRC_CHAIN;
	if (f->kind == MLC_BILLFMT_FOCUS) {
		chain(s, f, def->name);
		return 0;
	}
	if (def->constant) {
		s->kind = SRC_CONST;
		s->constant = def->constant;
		s->present = 1;
		return 0;
	}
	if (def->derive) {
		s->kind = SRC_DERIVED;
		s->derive = def->derive;
		s->present = 1;
		mlc_billfmt__derive_mark(f, def->derive);
		return 0;
	}
	spec = f->kind == MLC_BILLFMT_CUR_LEGACY ? def->legacy : def->snake;
	if (!spec)
		return mlcu_error_set(MLC_ENOTFOUND, "%s:1: column '%s' not available in %s",
		                      f->file, def->name, f->name);
	chain(s, f, spec);
	return 0;
}

/* The FOCUS name or header column nearest to name, or NULL. */
static const char *nearest(const mlc_billfmt *f, const char *name)
{
	const char *best = NULL;
	size_t best_d = 4;
	for (int d = 0; d < MLC_BILLFMT_DIM_COUNT; d++) {
		size_t e = mlcu_edit_distance(name, dims[d].name, best_d);
		if (e < best_d)
			best_d = e, best = dims[d].name;
	}
	for (size_t i = 0; i < f->ncols; i++) {
		size_t e = mlcu_edit_distance(name, f->cols[i], best_d);
		if (e < best_d)
			best_d = e, best = f->cols[i];
	}
	return best;
}

int mlc_billfmt__resolve(mlc_billfmt_source **out, mlc_billfmt *f, const char *name,
                         const mlc_tags_aliases *aliases)
{
	mlc_billfmt_source *s;
	mlc_billfmt_dim d;
	const char *near;
	int col, rc = 0;
	*out = NULL;
	if (f->frozen)
		return mlcu_error_set(MLC_EINVAL,
		                      "%s: dimension '%s' resolved after the column "
		                      "plan was fixed",
		                      f->file, name);
	if (!(s = mlcu_calloc(1, sizeof(*s))))
		return mlcu_error_oom();
	if (strncasecmp(name, "tag:", 4) == 0) {
		rc = tag_source(s, f, name + 4, aliases);
	} else if (mlc_billfmt__dim_from_name(&d, name, strlen(name)) == 0) {
		rc = dim_source(s, f, d);
	} else if ((col = mlc_billfmt__column(f, name)) >= 0) {
		s->kind = SRC_CHAIN;
		s->steps[0].col = col;
		s->nsteps = 1;
		s->present = 1;
		mlc_billfmt__mark(f, col);
	} else if ((near = nearest(f, name)) != NULL) {
		rc = mlcu_error_set(MLC_ENOTFOUND,
		                    "%s:1: unknown column '%s': not a FOCUS column and not in the "
		                    "header of this %s file (did you mean '%s'?)",
		                    f->file, name, f->name, near);
	} else {
		rc = mlcu_error_set(MLC_ENOTFOUND,
		                    "%s:1: unknown column '%s': not a FOCUS column and not in the "
		                    "header of this %s file",
		                    f->file, name, f->name);
	}
	if (rc < 0) {
		mlc_billfmt__source_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

/* key in the parsed map of column col (CUR 2.0 `product`). */
static int map_value(mlc_span *out, mlc_billfmt_row *r, const step *st)
{
	const mlc_tags_set *set;
	mlc_span text;
	unsigned flags = (r->flags & MLC_BILLFMT_ROW_JSON_RAW) ? MLC_TAGS_CSV_RAW : 0;
	int rc;
	if (r->aux_state == 0) {
		r->aux_state = 1;
		if (!mlc_billfmt__field(&text, r, st->col))
			return 0;
		if (!r->aux && (rc = mlc_tags__cache_new(&r->aux, (size_t)8 << 20)) < 0)
			return rc;
		rc = mlc_tags__intern(&r->aux_set, r->aux, text.ptr, text.len, flags);
		if (rc < 0) {
			r->aux_state = rc;
			return mlcu_error_prefix("%s:%llu: column '%s': ", r->f->file,
			                         (unsigned long long)r->line,
			                         mlc_billfmt__colname(r->f, st->col));
		}
	}
	if (r->aux_state < 0)
		return r->aux_state;
	if (!(set = r->aux_set))
		return 0;
	for (uint32_t i = 0; i < set->npairs; i++)
		if (set->pairs[i].key.len == st->mklen &&
		    mlc_tags__key_equal(set->pairs[i].key.ptr, st->mapkey, st->mklen)) {
			*out = set->pairs[i].value;
			return 1;
		}
	return 0;
}

static int tag_value(mlc_span *out, mlc_billfmt_row *r, const mlc_billfmt_source *s)
{
	int rc;
	if (s->json) {
		const mlc_tags_set *set = mlc_billfmt__row_tags(r, &rc);
		if (rc < 0)
			return rc;
		if (set && mlc_tags__find(out, set, s->q))
			return 1;
	}
	for (size_t i = 0; i < s->ntagcols; i++)
		if (mlc_billfmt__field(out, r, s->tagcols[i]))
			return 1;
	return 0;
}

int mlc_billfmt__value(mlc_span *out, mlc_billfmt_row *r, const mlc_billfmt_source *s)
{
	int rc;
	switch (s->kind) {
	case SRC_CONST:
		out->ptr = s->constant;
		out->len = strlen(s->constant);
		return 1;
	case SRC_DERIVED:
		return mlc_billfmt__derive(out, r, s->derive);
	case SRC_TAG:
		return tag_value(out, r, s);
	case SRC_CHAIN:
		for (size_t i = 0; i < s->nsteps; i++) {
			const step *st = &s->steps[i];
			rc = st->mapkey ? map_value(out, r, st)
			                : mlc_billfmt__field(out, r, st->col);
			if (rc != 0)
				return rc;
		}
		return 0;
	}
	return 0;
}
