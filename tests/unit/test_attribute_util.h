/* SPDX-License-Identifier: MIT */
/*
 * test_attribute_util.h - helpers for the attribution engine's tests: run
 * mlc_bills_aggregate_mem on a bill held in a string with options written
 * as the CLI takes them ("tag:a,ServiceName", "billed,effective", "day"),
 * render the result with mlc_bills_write into memory, and compare.
 * Include after cmocka.h.
 */
#ifndef TEST_ATTRIBUTE_UTIL_H
#define TEST_ATTRIBUTE_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mlcost.h>
#include <mlcost/bills.h>

typedef struct topts {
	mlc_bills_options o;
	char buf[512];
	const char *by[MLC_BILLS_MAX_DIMS];
	mlc_cost_basis bases[MLC_COST_BASIS_COUNT];
} topts;

/* Split "a,b" at commas into out (pointers into buf). */
static inline size_t tsplit(const char **out, size_t cap, char *buf, const char *text)
{
	size_t n = 0;
	char *save = NULL, *tok;
	strcpy(buf, text);
	for (tok = strtok_r(buf, ",", &save); tok && n < cap; tok = strtok_r(NULL, ",", &save))
		out[n++] = tok;
	return n;
}

static inline void topts_init(topts *t, const char *by, const char *cost, const char *bucket)
{
	const char *names[MLC_COST_BASIS_COUNT];
	char cbuf[128];
	size_t n;
	mlc_bills_options init = MLC_BILLS_OPTIONS_INIT;
	t->o = init;
	if (by) {
		t->o.nby = tsplit(t->by, MLC_BILLS_MAX_DIMS, t->buf, by);
		t->o.by = t->by;
	}
	if (cost) {
		n = tsplit(names, MLC_COST_BASIS_COUNT, cbuf, cost);
		for (size_t i = 0; i < n; i++)
			assert_int_equal(mlc_cost_basis_parse(&t->bases[i], names[i]), 0);
		t->o.bases = t->bases;
		t->o.nbases = n;
	}
	if (bucket)
		assert_int_equal(mlc_time_bucket_parse(&t->o.bucket, bucket), 0);
}

/* The result written in format f, as a malloc'd string. */
static inline char *trender(const mlc_bills_result *r, mlc_bills_format f)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	assert_non_null(m);
	assert_int_equal(mlc_bills_write(r, f, m), 0);
	fclose(m);
	return text;
}

static inline void expect_out(const char *bill, const char *by, const char *cost,
                              const char *bucket, int lenient, mlc_bills_format f, const char *want)
{
	topts t;
	mlc_bills_result *r = NULL;
	char *got;
	int rc;
	topts_init(&t, by, cost, bucket);
	t.o.lenient = lenient;
	rc = mlc_bills_aggregate_mem(&r, bill, strlen(bill), "t.csv", &t.o);
	if (rc != 0)
		fail_msg("aggregate failed: %s", mlc_error_message());
	got = trender(r, f);
	assert_string_equal(got, want);
	free(got);
	mlc_bills_result_free(r);
}

static inline void expect_csv(const char *bill, const char *by, const char *cost,
                              const char *bucket, int lenient, const char *want)
{
	expect_out(bill, by, cost, bucket, lenient, MLC_BILLS_CSV, want);
}

static inline void expect_json(const char *bill, const char *by, const char *cost,
                               const char *bucket, const char *want)
{
	expect_out(bill, by, cost, bucket, 0, MLC_BILLS_JSON, want);
}

static inline void assert_amount(mlc_amount a, const char *want)
{
	char buf[MLC_AMOUNT_FMT_MAX];
	mlc_amount_format(buf, sizeof(buf), a, -1);
	assert_string_equal(buf, want);
}

/* Effective total and matched rows after filters (where is NULL-terminated). */
static inline void expect_where(const char *bill, const char *const *where, const char *from,
                                const char *to, const char *total, uint64_t rows)
{
	topts t;
	mlc_bills_result *r = NULL;
	topts_init(&t, NULL, NULL, NULL);
	for (t.o.nwhere = 0; where && where[t.o.nwhere]; t.o.nwhere++)
		;
	t.o.where = where;
	t.o.from = from;
	t.o.to = to;
	if (mlc_bills_aggregate_mem(&r, bill, strlen(bill), "t.csv", &t.o) != 0)
		fail_msg("aggregate failed: %s", mlc_error_message());
	assert_amount(r->total[0], total);
	assert_int_equal(r->rows_matched, rows);
	mlc_bills_result_free(r);
}

/* The error of an aggregation that must fail: its code and message. */
static inline void expect_error(const char *bill, const char *by, const char *cost, int want_rc,
                                const char *want_msg)
{
	topts t;
	mlc_bills_result *r = NULL;
	topts_init(&t, by, cost, NULL);
	assert_int_equal(mlc_bills_aggregate_mem(&r, bill, strlen(bill), "t.csv", &t.o), want_rc);
	assert_null(r);
	assert_string_equal(mlc_error_message(), want_msg);
}

#endif
