/* SPDX-License-Identifier: MIT */
/*
 * allocate_api_write.c - mlc_allocate_write: the allocation result as CSV
 * (one row per target and period, one column per pool) or JSON (targets,
 * pools with their shares, conservation), with every digit of every
 * amount. Also the small output helpers the unit-cost writer shares.
 *
 * What it is not: the text table, which the CLI prints rounded to cents.
 */
#include "allocate_api.h"

#include <string.h>

#include "util/error.h"

void mlc_allocate__put_amount(FILE *f, mlc_amount a)
{
	char buf[MLC_AMOUNT_FMT_MAX];
	mlc_amount_format(buf, sizeof(buf), a, -1);
	fputs(buf, f);
}

void mlc_allocate__put_period(FILE *f, int64_t t, mlc_time_bucket b, int json)
{
	char buf[32];
	mlc_time_bucket_label(buf, sizeof(buf), t, b);
	if (json)
		fprintf(f, "\"%s\"", buf);
	else
		fputs(buf, f);
}

static void put_str(FILE *f, const char *s, int json)
{
	if (json && !s)
		fputs("null", f);
	else if (json)
		mlc_bills__put_json(f, s, strlen(s));
	else if (s)
		mlc_bills__put_csv(f, s, strlen(s));
}

static void write_csv(const mlc_allocate_result *r, FILE *f)
{
	int bucketed = r->bucket != MLC_BUCKET_NONE;
	fputs("target", f);
	if (bucketed)
		fputs(",bucket", f);
	fputs(",direct", f);
	for (size_t p = 0; p < r->npool_names; p++) {
		fputc(',', f);
		put_str(f, r->pool_names[p], 0);
	}
	fputs(",received,total,rows\n", f);
	for (size_t i = 0; i < r->ntargets; i++) {
		const mlc_allocate_target *t = &r->targets[i];
		put_str(f, t->value, 0);
		if (bucketed) {
			fputc(',', f);
			mlc_allocate__put_period(f, t->period, r->bucket, 0);
		}
		fputc(',', f);
		mlc_allocate__put_amount(f, t->direct);
		for (size_t p = 0; p < r->npool_names; p++) {
			fputc(',', f);
			mlc_allocate__put_amount(f, t->from_pool[p]);
		}
		fputc(',', f);
		mlc_allocate__put_amount(f, t->received);
		fputc(',', f);
		mlc_allocate__put_amount(f, t->total);
		fprintf(f, ",%llu\n", (unsigned long long)t->rows);
	}
}

static void json_target(const mlc_allocate_result *r, const mlc_allocate_target *t, FILE *f)
{
	fputs("{\"target\":", f);
	put_str(f, t->value, 1);
	if (r->bucket != MLC_BUCKET_NONE) {
		fputs(",\"bucket\":", f);
		mlc_allocate__put_period(f, t->period, r->bucket, 1);
	}
	fputs(",\"direct\":", f);
	mlc_allocate__put_amount(f, t->direct);
	fputs(",\"received\":{", f);
	for (size_t p = 0; p < r->npool_names; p++) {
		fputs(p ? "," : "", f);
		put_str(f, r->pool_names[p], 1);
		fputc(':', f);
		mlc_allocate__put_amount(f, t->from_pool[p]);
	}
	fputs("},\"received_total\":", f);
	mlc_allocate__put_amount(f, t->received);
	fputs(",\"total\":", f);
	mlc_allocate__put_amount(f, t->total);
	fprintf(f, ",\"rows\":%llu}", (unsigned long long)t->rows);
}

static void json_pool(const mlc_allocate_result *r, const mlc_allocate_pool *p, FILE *f)
{
	fputs("{\"pool\":", f);
	put_str(f, r->pool_names[p->pool], 1);
	if (r->bucket != MLC_BUCKET_NONE) {
		fputs(",\"bucket\":", f);
		mlc_allocate__put_period(f, p->period, r->bucket, 1);
	}
	fprintf(f, ",\"split\":\"%s\",\"total\":", p->split);
	mlc_allocate__put_amount(f, p->total);
	fputs(",\"allocated\":", f);
	mlc_allocate__put_amount(f, p->allocated);
	fputs(",\"unallocated\":", f);
	mlc_allocate__put_amount(f, p->unallocated);
	fprintf(f, ",\"rows\":%llu,\"note\":", (unsigned long long)p->rows);
	put_str(f, p->note, 1);
	fputs(",\"shares\":[", f);
	for (size_t i = 0; i < p->nshares; i++) {
		fputs(i ? ",{\"target\":" : "{\"target\":", f);
		put_str(f, p->shares[i].target, 1);
		fputs(",\"amount\":", f);
		mlc_allocate__put_amount(f, p->shares[i].amount);
		fputc('}', f);
	}
	fputs("]}", f);
}

static void write_json(const mlc_allocate_result *r, FILE *f)
{
	fprintf(f, "{\"cost_basis\":\"%s\",\"currency\":", mlc_cost_basis_name(r->basis));
	put_str(f, r->currency, 1);
	fputs(",\"targets_by\":", f);
	put_str(f, r->target_dim, 1);
	fprintf(f, ",\"rows_read\":%llu,\"rows_skipped\":%llu,\"targets\":[",
	        (unsigned long long)r->rows_read, (unsigned long long)r->rows_skipped);
	for (size_t i = 0; i < r->ntargets; i++) {
		fputs(i ? "," : "", f);
		json_target(r, &r->targets[i], f);
	}
	fputs("],\"pools\":[", f);
	for (size_t i = 0; i < r->npools; i++) {
		fputs(i ? "," : "", f);
		json_pool(r, &r->pools[i], f);
	}
	fputs("],\"conservation\":{\"before\":", f);
	mlc_allocate__put_amount(f, r->before);
	fputs(",\"after\":", f);
	mlc_allocate__put_amount(f, r->after);
	fputs(",\"difference\":", f);
	mlc_allocate__put_amount(f, r->difference);
	fputs("}}\n", f);
}

int mlc_allocate_write(const mlc_allocate_result *r, mlc_bills_format format, FILE *f)
{
	if (format == MLC_BILLS_JSON)
		write_json(r, f);
	else
		write_csv(r, f);
	if (fflush(f) != 0 || ferror(f))
		return mlcu_error_set(MLC_EIO, "cannot write the allocation report");
	return 0;
}
