/* SPDX-License-Identifier: MIT */
/*
 * unit_api_write.c - mlc_unit_write: the unit-cost result as CSV (per
 * period rows, then per model rows with period "all") or JSON (every table
 * of the report and the balance cost_in = cost_charged + unamortized),
 * with every digit of every amount. A row without usage has no
 * per-request figure: empty in CSV, null in JSON, never 0.
 *
 * What it is not: the text table, which the CLI prints.
 */
#include "allocate_api.h"

#include <string.h>

#include "util/error.h"

static void put_str(FILE *f, const char *s, int json)
{
	if (json && !s)
		fputs("null", f);
	else if (json)
		mlc_bills__put_json(f, s, strlen(s));
	else if (s)
		mlc_bills__put_csv(f, s, strlen(s));
}

static const char *flag_name(unsigned flags)
{
	if (flags & MLC_UNIT_NO_USAGE)
		return "no_usage";
	if (flags & MLC_UNIT_NO_COST)
		return "no_cost";
	return "";
}

static void csv_row(const mlc_unit_result *r, const mlc_unit_row *w, int all, FILE *f)
{
	put_str(f, w->model, 0);
	if (r->by_phase) {
		fputc(',', f);
		put_str(f, w->phase, 0);
	}
	fputc(',', f);
	if (all)
		fputs("all", f);
	else
		mlc_allocate__put_period(f, w->period, r->bucket, 0);
	fputc(',', f);
	mlc_allocate__put_amount(f, w->cost);
	fputc(',', f);
	mlc_allocate__put_amount(f, w->training);
	fprintf(f, ",%llu,", (unsigned long long)w->requests);
	if (!(w->flags & MLC_UNIT_NO_USAGE)) {
		mlc_allocate__put_amount(f, w->per_request);
		fputc(',', f);
		mlc_allocate__put_amount(f, w->per_1k);
	} else {
		fputc(',', f);
	}
	fprintf(f, ",%s\n", flag_name(w->flags));
}

static void write_csv(const mlc_unit_result *r, FILE *f)
{
	const mlc_unit_row *per = r->by_phase ? r->phase_rows : r->rows;
	const mlc_unit_row *all = r->by_phase ? r->model_phases : r->models;
	size_t nper = r->by_phase ? r->nphase_rows : r->nrows;
	size_t nall = r->by_phase ? r->nmodel_phases : r->nmodels;
	fprintf(f, "model,%speriod,cost,training,requests,per_request,per_1k,flags\n",
	        r->by_phase ? "phase," : "");
	for (size_t i = 0; i < nper; i++)
		csv_row(r, &per[i], 0, f);
	for (size_t i = 0; i < nall; i++)
		csv_row(r, &all[i], 1, f);
}

static void json_row(const mlc_unit_result *r, const mlc_unit_row *w, int all, FILE *f)
{
	fputs("{\"model\":", f);
	put_str(f, w->model, 1);
	if (r->by_phase) {
		fputs(",\"phase\":", f);
		put_str(f, w->phase, 1);
	}
	if (!all) {
		fputs(",\"period\":", f);
		mlc_allocate__put_period(f, w->period, r->bucket, 1);
	}
	fputs(",\"cost\":", f);
	mlc_allocate__put_amount(f, w->cost);
	fputs(",\"training\":", f);
	mlc_allocate__put_amount(f, w->training);
	fprintf(f, ",\"requests\":%llu,\"input_tokens\":%llu,\"output_tokens\":%llu",
	        (unsigned long long)w->requests, (unsigned long long)w->input_tokens,
	        (unsigned long long)w->output_tokens);
	if (w->flags & MLC_UNIT_NO_USAGE) {
		fputs(",\"per_request\":null,\"per_1k\":null", f);
	} else {
		fputs(",\"per_request\":", f);
		mlc_allocate__put_amount(f, w->per_request);
		fputs(",\"per_1k\":", f);
		mlc_allocate__put_amount(f, w->per_1k);
	}
	fprintf(f, ",\"no_usage\":%s,\"no_cost\":%s}",
	        w->flags & MLC_UNIT_NO_USAGE ? "true" : "false",
	        w->flags & MLC_UNIT_NO_COST ? "true" : "false");
}

static void json_rows(const mlc_unit_result *r, const char *name, const mlc_unit_row *w, size_t n,
                      int all, FILE *f)
{
	fprintf(f, ",\"%s\":[", name);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? "," : "", f);
		json_row(r, &w[i], all, f);
	}
	fputc(']', f);
}

static void json_training(const mlc_unit_result *r, FILE *f)
{
	fputs(",\"training\":[", f);
	for (size_t i = 0; i < r->ntraining; i++) {
		const mlc_unit_training *t = &r->training[i];
		fputs(i ? ",{\"model\":" : "{\"model\":", f);
		put_str(f, t->model, 1);
		fputs(",\"period\":", f);
		mlc_allocate__put_period(f, t->period, r->bucket, 1);
		fputs(",\"window_end\":", f);
		mlc_allocate__put_period(f, t->window_end, r->bucket, 1);
		fputs(",\"cost\":", f);
		mlc_allocate__put_amount(f, t->cost);
		fputs(",\"amortized\":", f);
		mlc_allocate__put_amount(f, t->amortized);
		fputs(",\"unamortized\":", f);
		mlc_allocate__put_amount(f, t->unamortized);
		fprintf(f, ",\"requests\":%llu}", (unsigned long long)t->requests);
	}
	fputc(']', f);
}

static void write_json(const mlc_unit_result *r, FILE *f)
{
	static const char *const bucket_names[] = {"none", "hour", "day", "month"};
	fprintf(f, "{\"cost_basis\":\"%s\",\"currency\":", mlc_cost_basis_name(r->basis));
	put_str(f, r->currency, 1);
	fprintf(f, ",\"bucket\":\"%s\",\"retrain_every_seconds\":%lld",
	        bucket_names[(unsigned)r->bucket & 3u], (long long)r->retrain_every);
	if (r->ncadences) { /* per-model cadences (a profile's) */
		fputs(",\"retrain_cadences\":[", f);
		for (size_t i = 0; i < r->ncadences; i++) {
			fputs(i ? ",{\"model\":" : "{\"model\":", f);
			put_str(f, r->cadences[i].model, 1);
			fprintf(f, ",\"seconds\":%lld}", (long long)r->cadences[i].seconds);
		}
		fputc(']', f);
	}
	json_rows(r, "rows", r->rows, r->nrows, 0, f);
	if (r->by_phase)
		json_rows(r, "phase_rows", r->phase_rows, r->nphase_rows, 0, f);
	json_rows(r, "models", r->models, r->nmodels, 1, f);
	if (r->by_phase)
		json_rows(r, "model_phases", r->model_phases, r->nmodel_phases, 1, f);
	json_training(r, f);
	fputs(",\"cost_in\":", f);
	mlc_allocate__put_amount(f, r->cost_in);
	fputs(",\"cost_charged\":", f);
	mlc_allocate__put_amount(f, r->cost_charged);
	fputs(",\"unamortized\":", f);
	mlc_allocate__put_amount(f, r->unamortized);
	fprintf(f, ",\"requests\":%llu}\n", (unsigned long long)r->requests);
}

int mlc_unit_write(const mlc_unit_result *r, mlc_bills_format format, FILE *f)
{
	if (format == MLC_BILLS_JSON)
		write_json(r, f);
	else
		write_csv(r, f);
	if (fflush(f) != 0 || ferror(f))
		return mlcu_error_set(MLC_EIO, "cannot write the unit-cost report");
	return 0;
}
