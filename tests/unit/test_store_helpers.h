/* SPDX-License-Identifier: MIT */
/*
 * test_store_helpers.h - what the store tests share: a fresh store per test
 * on either back-end (an SQLite file in a temporary directory, or the
 * PostgreSQL database named by MLC_TEST_PG_URL, emptied first), records
 * made from simple rules whose totals the tests compute by hand, and
 * reading a slice's content back through the public API.
 */
#ifndef TEST_STORE_HELPERS_H
#define TEST_STORE_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "mlcost/store.h"
#include "store/store_internal.h"

#define T_DAY     86400
#define T_SEP2024 1725148800 /* 2024-09-01T00:00:00Z = 19967 days * 86400 */
#define T_OCT2024 1727740800 /* 2024-10-01T00:00:00Z = T_SEP2024 + 30 days */

typedef struct fixture {
	char url[512]; /* what mlc_store_open gets */
	char dir[64];  /* SQLite: the temporary directory */
	int pg;
	mlc_store *s;
} fixture;

static inline mlc_amount amt(const char *text)
{
	mlc_amount a;
	assert_int_equal(mlc_amount_parse(&a, text, strlen(text)), 0);
	return a;
}

static inline void assert_amount(mlc_amount a, const char *text)
{
	char buf[MLC_AMOUNT_FMT_MAX];
	mlc_amount_format(buf, sizeof(buf), a, -1);
	assert_string_equal(buf, text);
}

static inline void quiet_notice(void *arg, const char *message)
{
	(void)arg, (void)message;
}

/* Empty the PostgreSQL database of the store's tables. */
static inline void pg_reset(const char *url)
{
	/* libpq directly: a store may refuse to open (a test left it at a newer schema) */
	PGconn *c = PQconnectdb(url);
	PGresult *res;
	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("%s: %s", url, PQerrorMessage(c));
	PQsetNoticeProcessor(c, quiet_notice, NULL);
	res = PQexec(c, "DROP TABLE IF EXISTS costs, slices, ingest_files, ingests,"
	                " schema_version CASCADE");
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		fail_msg("reset: %s", PQerrorMessage(c));
	PQclear(res);
	PQfinish(c);
}

static inline int fixture_setup(void **state, int pg)
{
	fixture *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	f->pg = pg;
	if (pg) {
		snprintf(f->url, sizeof(f->url), "%s", getenv("MLC_TEST_PG_URL"));
		pg_reset(f->url);
	} else {
		snprintf(f->dir, sizeof(f->dir), "/tmp/mlc_store_XXXXXX");
		assert_non_null(mkdtemp(f->dir));
		snprintf(f->url, sizeof(f->url), "%s/test.db", f->dir);
	}
	if (mlc_store_open(&f->s, f->url, NULL) != 0)
		fail_msg("open %s: %s", f->url, mlc_error_message());
	*state = f;
	return 0;
}

static inline int setup_sqlite(void **state)
{
	return fixture_setup(state, 0);
}

static inline int setup_pg(void **state)
{
	return fixture_setup(state, 1);
}

static inline int teardown(void **state)
{
	fixture *f = *state;
	char cmd[128];
	mlc_store_close(f->s);
	if (!f->pg) {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
		assert_int_equal(system(cmd), 0);
	}
	free(f);
	return 0;
}

static inline mlc_store_slice slice_of(const char *provider, const char *account, int64_t start,
                                       int64_t end)
{
	mlc_store_slice k = {provider, account, start, end, "USD"};
	return k;
}

/*
 * n records starting at `start`, one per hour; record i costs `unit` in
 * every basis times (i % 3 + 1) and counts i % 5 + 1 rows, service
 * "svc<i % 4>", tag team "t<i % 2>". So over n = 12k records: cost =
 * unit * 4k * (1 + 2 + 3) = 24k * unit and rows = (12k / 5 blocks)...
 * the tests compute what they need from these rules.
 */
typedef struct recset {
	mlc_store_record *r;
	char (*service)[16];
	char (*team)[16];
	const char **keys;
	const char **values;
	size_t n;
} recset;

static inline void recset_make(recset *rs, size_t n, int64_t start, const char *unit)
{
	static const char *const keys[1] = {"Team"};
	mlc_amount u = amt(unit);
	rs->n = n;
	rs->r = calloc(n ? n : 1, sizeof(*rs->r));
	rs->service = calloc(n ? n : 1, sizeof(*rs->service));
	rs->team = calloc(n ? n : 1, sizeof(*rs->team));
	rs->values = calloc(n ? n : 1, sizeof(*rs->values));
	rs->keys = (const char **)keys;
	for (size_t i = 0; i < n; i++) {
		mlc_store_record *r = &rs->r[i];
		snprintf(rs->service[i], 16, "svc%zu", i % 4);
		snprintf(rs->team[i], 16, "t%zu", i % 2);
		rs->values[i] = rs->team[i];
		r->hour = start + (int64_t)i * 3600;
		r->service = rs->service[i];
		r->region = "us-east-1";
		r->charge_category = "Usage";
		r->ntags = 1;
		r->tag_keys = keys;
		r->tag_values = &rs->values[i];
		for (int b = 0; b < MLC_COST_BASIS_COUNT; b++) {
			r->cost[b].hi = 0, r->cost[b].lo = 0;
			for (size_t k = 0; k <= i % 3; k++)
				assert_int_equal(mlc_amount_add(&r->cost[b], u), 0);
		}
		r->rows = i % 5 + 1;
	}
}

static inline void recset_free(recset *rs)
{
	free(rs->r);
	free(rs->service);
	free(rs->team);
	free(rs->values);
}

/* What a scan of one provider sees: record count, effective sum, rows. */
typedef struct seen {
	size_t n;
	mlc_amount effective;
	uint64_t rows;
} seen;

static inline int seen_add(const mlc_store_record *r, void *ctx)
{
	seen *s = ctx;
	s->n++;
	s->rows += r->rows;
	return mlc_amount_add(&s->effective, r->cost[MLC_COST_EFFECTIVE]);
}

static inline seen scan_provider(mlc_store *s, const char *provider)
{
	mlc_store_query q = MLC_STORE_QUERY_INIT;
	char where[128];
	const char *w[1] = {where};
	seen out;
	memset(&out, 0, sizeof(out));
	snprintf(where, sizeof(where), "ProviderName=%s", provider);
	q.where = w;
	q.nwhere = 1;
	if (mlc_store_scan(s, &q, seen_add, &out) != 0)
		fail_msg("scan: %s", mlc_error_message());
	return out;
}

#endif
