/* SPDX-License-Identifier: MIT */
/*
 * billing_format_cost.c - the cost of a row under each basis, and its
 * charge period start (see billing_format.h).
 *
 * FOCUS carries each basis as a column. CUR carries the billed (unblended)
 * cost and the pieces AWS's amortized view is built from; SPEC §4 fixes
 * which piece each line item type takes, so that the upfront and recurring
 * fees of reservations and Savings Plans are spread over the usage they
 * cover and nothing counts twice. A rule returns the columns to add rather
 * than a number, so any money type (and any scanner) can consume it;
 * mlc_billfmt__cost_value sums them exactly with util/money.h.
 */
#include "billing_format_internal.h"
#include "util/error.h"
#include "util/time.h"

#include <string.h>

static const char *const basis_names[] = {"billed", "effective", "list", "contracted"};

int mlc_billfmt__basis_parse(mlc_billfmt_basis *out, const char *s)
{
	for (int i = 0; i < 4; i++)
		if (strcmp(s, basis_names[i]) == 0) {
			*out = (mlc_billfmt_basis)i;
			return 0;
		}
	return -1;
}

const char *mlc_billfmt__basis_name(mlc_billfmt_basis b)
{
	return (unsigned)b < 4 ? basis_names[b] : "?";
}

static const int focus_role[] = {BF_BILLED_COST, BF_EFFECTIVE_COST, BF_LIST_COST,
                                 BF_CONTRACTED_COST};

static int frozen(const mlc_billfmt *f, const char *what)
{
	return mlcu_error_set(MLC_EINVAL, "%s: %s declared after the column plan was fixed",
	                      f->file, what);
}

int mlc_billfmt__need_cost(mlc_billfmt *f, mlc_billfmt_basis b)
{
	static const int effective[] = {
	    BF_UNBLENDED,           BF_LINE_ITEM_TYPE,      BF_RI_EFFECTIVE,
	    BF_SP_EFFECTIVE,        BF_SP_TOTAL_COMMITMENT, BF_SP_USED_COMMITMENT,
	    BF_RI_UNUSED_AMORTIZED, BF_RI_UNUSED_RECURRING, BF_RI_ARN};
	int role;
	if ((unsigned)b > MLC_BILLFMT_CONTRACTED)
		return mlcu_error_set(MLC_EINVAL, "unknown cost basis %d", (int)b);
	if (f->frozen)
		return frozen(f, "a cost basis");
	if (f->kind == MLC_BILLFMT_FOCUS)
		role = focus_role[b];
	else if (b == MLC_BILLFMT_LIST)
		role = BF_PUBLIC_ON_DEMAND;
	else if (b == MLC_BILLFMT_CONTRACTED && f->role[BF_NET_UNBLENDED] >= 0)
		role = BF_NET_UNBLENDED;
	else
		role = BF_UNBLENDED;
	if (f->role[role] < 0)
		return mlcu_error_set(MLC_EPARSE,
		                      "%s:1: cost basis '%s' needs column '%s', which this %s file "
		                      "lacks",
		                      f->file, basis_names[b], mlc_billfmt__role_name(f, role),
		                      f->name);
	mlc_billfmt__mark(f, f->role[role]);
	if (f->kind != MLC_BILLFMT_FOCUS && b == MLC_BILLFMT_EFFECTIVE)
		for (size_t i = 0; i < sizeof(effective) / sizeof(effective[0]); i++)
			mlc_billfmt__mark(f, f->role[effective[i]]);
	return 0;
}

int mlc_billfmt__need_time(mlc_billfmt *f)
{
	if (f->frozen)
		return frozen(f, "time");
	if (f->kind == MLC_BILLFMT_FOCUS) {
		mlc_billfmt__mark(f, f->role[BF_CHARGE_PERIOD_START]);
		return 0;
	}
	if (f->role[BF_USAGE_START] < 0 && f->role[BF_TIME_INTERVAL] < 0)
		return mlcu_error_set(MLC_EPARSE, "%s:1: %s header has neither '%s' nor '%s'",
		                      f->file, f->name, mlc_billfmt__role_name(f, BF_USAGE_START),
		                      mlc_billfmt__role_name(f, BF_TIME_INTERVAL));
	mlc_billfmt__mark(f, f->role[BF_USAGE_START]);
	mlc_billfmt__mark(f, f->role[BF_TIME_INTERVAL]);
	return 0;
}

static const char *lit_name(enum bf_lit lit)
{
	switch (lit) {
	case BF_LIT_DISCOUNTED_USAGE:
		return "DiscountedUsage";
	case BF_LIT_SP_COVERED_USAGE:
		return "SavingsPlanCoveredUsage";
	case BF_LIT_SP_RECURRING_FEE:
		return "SavingsPlanRecurringFee";
	case BF_LIT_RI_FEE:
		return "RIFee";
	default:
		return "line item";
	}
}

/*
 * Add the role's column as a term. required: a missing value is an error;
 * otherwise it is dropped (0). why names the rule for the message.
 */
static int term(mlc_billfmt_cost *c, mlc_billfmt_row *r, int role, int sign, int required,
                const char *why)
{
	const mlc_billfmt *f = r->f;
	mlc_billfmt_term *t = &c->term[c->n];
	int col = f->role[role];
	if (mlc_billfmt__field(&t->text, r, col)) {
		t->sign = sign;
		t->column = f->cols[col];
		c->n++;
		return 0;
	}
	if (!required)
		return 0;
	if (col < 0)
		return mlcu_error_set(MLC_EPARSE,
		                      "%s:%llu: column '%s' is absent from the header, needed for "
		                      "the effective cost of a %s line",
		                      f->file, (unsigned long long)r->line,
		                      mlc_billfmt__role_name(f, role), why);
	if (why)
		return mlcu_error_set(
		    MLC_EPARSE,
		    "%s:%llu: column '%s': missing, needed for the effective cost "
		    "of a %s line",
		    f->file, (unsigned long long)r->line, f->cols[col], why);
	return mlcu_error_set(MLC_EPARSE, "%s:%llu: column '%s': missing value", f->file,
	                      (unsigned long long)r->line, f->cols[col]);
}

/* AWS's amortized view (SPEC §4). */
static int cur_effective(mlc_billfmt_cost *c, mlc_billfmt_row *r)
{
	enum bf_lit lit = mlc_billfmt__lit(r);
	const char *why = lit_name(lit);
	mlc_span arn;
	int rc;
	switch (lit) {
	case BF_LIT_DISCOUNTED_USAGE:
		c->rule = "DiscountedUsage: reservation EffectiveCost";
		return term(c, r, BF_RI_EFFECTIVE, 1, 1, why);
	case BF_LIT_SP_COVERED_USAGE:
		c->rule = "SavingsPlanCoveredUsage: SavingsPlanEffectiveCost";
		return term(c, r, BF_SP_EFFECTIVE, 1, 1, why);
	case BF_LIT_SP_RECURRING_FEE:
		c->rule = "SavingsPlanRecurringFee: TotalCommitmentToDate - UsedCommitment";
		if ((rc = term(c, r, BF_SP_TOTAL_COMMITMENT, 1, 1, why)) < 0)
			return rc;
		return term(c, r, BF_SP_USED_COMMITMENT, -1, 1, why);
	case BF_LIT_RI_FEE:
		c->rule = "RIFee: UnusedAmortizedUpfrontFeeForBillingPeriod + UnusedRecurringFee";
		if ((rc = term(c, r, BF_RI_UNUSED_AMORTIZED, 1, 1, why)) < 0)
			return rc;
		return term(c, r, BF_RI_UNUSED_RECURRING, 1, 1, why);
	case BF_LIT_SP_NEGATION:
		c->rule = "SavingsPlanNegation: 0";
		return 0;
	case BF_LIT_SP_UPFRONT_FEE:
		c->rule = "SavingsPlanUpfrontFee: 0";
		return 0;
	case BF_LIT_FEE:
		/* the upfront fee of a reservation is amortized into its usage */
		if (mlc_billfmt__field(&arn, r, r->f->role[BF_RI_ARN])) {
			c->rule = "Fee of a reservation (upfront): 0";
			return 0;
		}
		break;
	default:
		break;
	}
	c->rule = "UnblendedCost";
	return term(c, r, BF_UNBLENDED, 1, 1, NULL);
}

int mlc_billfmt__cost(mlc_billfmt_cost *out, mlc_billfmt_row *r, mlc_billfmt_basis b)
{
	const mlc_billfmt *f = r->f;
	memset(out, 0, sizeof(*out));
	if (f->kind == MLC_BILLFMT_FOCUS) {
		static const char *const focus_rule[] = {"BilledCost", "EffectiveCost", "ListCost",
							 "ContractedCost"};
		out->rule = focus_rule[b];
		return term(out, r, focus_role[b], 1, 1, NULL);
	}
	switch (b) {
	case MLC_BILLFMT_BILLED:
		out->rule = "UnblendedCost";
		return term(out, r, BF_UNBLENDED, 1, 1, NULL);
	case MLC_BILLFMT_EFFECTIVE:
		return cur_effective(out, r);
	case MLC_BILLFMT_LIST:
		/* AWS leaves it empty where there is no public price (credits, fees) */
		out->rule = "publicOnDemandCost";
		return term(out, r, BF_PUBLIC_ON_DEMAND, 1, 0, NULL);
	case MLC_BILLFMT_CONTRACTED:
		if (f->role[BF_NET_UNBLENDED] >= 0) {
			out->rule = "NetUnblendedCost";
			return term(out, r, BF_NET_UNBLENDED, 1, 1, NULL);
		}
		out->rule = "UnblendedCost";
		return term(out, r, BF_UNBLENDED, 1, 1, NULL);
	}
	return mlcu_error_set(MLC_EINVAL, "unknown cost basis %d", (int)b);
}

int mlc_billfmt__cost_value(mlcu_money *out, mlc_billfmt_row *r, mlc_billfmt_basis b)
{
	mlc_billfmt_cost c;
	mlcu_money sum = 0;
	int rc = mlc_billfmt__cost(&c, r, b);
	*out = 0;
	if (rc < 0)
		return rc;
	for (unsigned i = 0; i < c.n; i++) {
		const mlc_billfmt_term *t = &c.term[i];
		mlcu_money v;
		rc = mlcu_money_parse(&v, t->text.ptr, t->text.len);
		if (rc == 0 && mlcu_money_add(&sum, t->sign < 0 ? -v : v) < 0)
			rc = MLC_ETOOLARGE;
		if (rc < 0)
			return mlcu_error_set(
			    rc, "%s:%llu: column '%s': %s ('%.*s')", r->f->file,
			    (unsigned long long)r->line, t->column,
			    rc == MLC_ETOOLARGE ? "amount too large" : "not a number",
			    (int)(t->text.len > 40 ? 40 : t->text.len), t->text.ptr);
	}
	*out = sum;
	return 0;
}

static int bad_time(const mlc_billfmt_row *r, int col, const mlc_span *v)
{
	return mlcu_error_set(MLC_EPARSE, "%s:%llu: column '%s': not a timestamp ('%.*s')",
	                      r->f->file, (unsigned long long)r->line, r->f->cols[col],
	                      (int)(v->len > 40 ? 40 : v->len), v->ptr);
}

int mlc_billfmt__charge_start(int64_t *out, mlc_billfmt_row *r)
{
	const mlc_billfmt *f = r->f;
	int start = f->kind == MLC_BILLFMT_FOCUS ? f->role[BF_CHARGE_PERIOD_START]
	                                         : f->role[BF_USAGE_START];
	mlc_span v;
	int64_t end;
	if (mlc_billfmt__field(&v, r, start)) {
		/* hourly bills repeat the same start on thousands of rows in a row */
		if (v.len == r->tlen && memcmp(v.ptr, r->tbuf, v.len) == 0) {
			*out = r->tval;
			return 0;
		}
		if (mlcu_time_parse(out, v.ptr, v.len) != 0)
			return bad_time(r, start, &v);
		if (v.len <= sizeof(r->tbuf)) {
			memcpy(r->tbuf, v.ptr, v.len);
			r->tlen = v.len;
			r->tval = *out;
		}
		return 0;
	}
	if (f->kind != MLC_BILLFMT_FOCUS && mlc_billfmt__field(&v, r, f->role[BF_TIME_INTERVAL])) {
		if (mlcu_time_parse_interval(out, &end, v.ptr, v.len) == 0)
			return 0;
		return bad_time(r, f->role[BF_TIME_INTERVAL], &v);
	}
	return mlcu_error_set(
	    MLC_EPARSE, "%s:%llu: column '%s': missing value", f->file, (unsigned long long)r->line,
	    start >= 0 ? f->cols[start] : mlc_billfmt__role_name(f, BF_TIME_INTERVAL));
}
