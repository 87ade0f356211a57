/* SPDX-License-Identifier: MIT */
/*
 * store/sqlite_sql.c - all the SQL the SQLite back-end speaks: the schema
 * migrations, the fixed statements, and the exact sum of money text
 * (mlc_sum) that SQLite lacks, registered on every connection.
 *
 * Money is TEXT holding the exact decimal: SQLite's REAL would round and
 * its INTEGER overflows at 9.2e18, which at 10^-12 units is only 9.2
 * million. Never sum it with SQL's sum() (that goes through REAL); use
 * mlc_sum(), or mlcost.
 */
#include "store/sqlite_internal.h"
#include "util/money.h"

#include <string.h>

static const char *const migrations[] = {
    /* 1: ingests and their files, slices, hourly cost records */
    "CREATE TABLE ingests ("
    " id INTEGER PRIMARY KEY,"
    " started_at INTEGER NOT NULL,"
    " finished_at INTEGER,"
    " status TEXT NOT NULL);"
    "CREATE TABLE ingest_files ("
    " ingest_id INTEGER NOT NULL REFERENCES ingests(id),"
    " seq INTEGER NOT NULL,"
    " path TEXT NOT NULL,"
    " sha256 TEXT NOT NULL,"
    " format TEXT,"
    " row_count INTEGER NOT NULL,"
    " total_billed TEXT NOT NULL, total_effective TEXT NOT NULL,"
    " total_list TEXT NOT NULL, total_contracted TEXT NOT NULL,"
    " PRIMARY KEY (ingest_id, seq));"
    "CREATE INDEX ingest_files_sha256 ON ingest_files(sha256);"
    "CREATE TABLE slices ("
    " id INTEGER PRIMARY KEY,"
    " provider TEXT NOT NULL,"
    " billing_account TEXT NOT NULL,"
    " period_start INTEGER NOT NULL,"
    " period_end INTEGER NOT NULL,"
    " currency TEXT,"
    " ingest_id INTEGER REFERENCES ingests(id),"
    " replaced_at INTEGER NOT NULL,"
    " record_count INTEGER NOT NULL DEFAULT 0,"
    " row_count INTEGER NOT NULL DEFAULT 0,"
    " total_billed TEXT NOT NULL DEFAULT '0', total_effective TEXT NOT NULL DEFAULT '0',"
    " total_list TEXT NOT NULL DEFAULT '0', total_contracted TEXT NOT NULL DEFAULT '0',"
    " UNIQUE (provider, billing_account, period_start, period_end));"
    "CREATE TABLE costs ("
    " slice_id INTEGER NOT NULL REFERENCES slices(id),"
    " hour_start INTEGER NOT NULL,"
    " sub_account TEXT, service TEXT, region TEXT,"
    " charge_category TEXT, pricing_category TEXT,"
    " tags TEXT NOT NULL DEFAULT '{}',"
    " cost_billed TEXT NOT NULL, cost_effective TEXT NOT NULL,"
    " cost_list TEXT NOT NULL, cost_contracted TEXT NOT NULL,"
    " row_count INTEGER NOT NULL);"
    "CREATE INDEX costs_slice ON costs(slice_id);"
    "CREATE INDEX costs_hour ON costs(hour_start);",
    /* 2: metered events (mlcost serve), their hourly totals, each replica's
     * stored log position. Missing dimensions are '' in meter_hourly so that
     * its key is unique (NULLs are all distinct in a UNIQUE key). IF NOT
     * EXISTS: a test reset that drops only the version 1 tables re-migrates. */
    "CREATE TABLE IF NOT EXISTS meter_events ("
    " id TEXT PRIMARY KEY,"
    " event_time INTEGER NOT NULL,"
    " model TEXT, version TEXT, team TEXT, endpoint TEXT,"
    " requests INTEGER NOT NULL, input_tokens INTEGER NOT NULL,"
    " output_tokens INTEGER NOT NULL,"
    " cost TEXT NOT NULL,"
    " received INTEGER NOT NULL,"
    " replica TEXT NOT NULL) WITHOUT ROWID;"
    "CREATE INDEX IF NOT EXISTS meter_events_received ON meter_events(received);"
    "CREATE TABLE IF NOT EXISTS meter_hourly ("
    " model TEXT NOT NULL, version TEXT NOT NULL, team TEXT NOT NULL, endpoint TEXT NOT NULL,"
    " hour_start INTEGER NOT NULL,"
    " cost TEXT NOT NULL,"
    " requests INTEGER NOT NULL, events INTEGER NOT NULL,"
    " input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL,"
    " change_seq INTEGER NOT NULL,"
    " PRIMARY KEY (model, version, team, endpoint, hour_start));"
    "CREATE INDEX IF NOT EXISTS meter_hourly_change ON meter_hourly(change_seq);"
    "CREATE INDEX IF NOT EXISTS meter_hourly_hour ON meter_hourly(hour_start);"
    "CREATE TABLE IF NOT EXISTS meter_replicas ("
    " replica TEXT PRIMARY KEY,"
    " log_seq INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL);",
};

const char mlc_store__sqlite_insert[] =
    "INSERT INTO costs (slice_id, hour_start, sub_account, service, region, charge_category,"
    " pricing_category, tags, cost_billed, cost_effective, cost_list, cost_contracted, row_count)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";

/* Parameters: the staged columns (MLC_STORE__M_*), ?1 to ?12. */
const char mlc_store__sqlite_meter_insert[] =
    "INSERT INTO meter_events (id, event_time, model, version, team, endpoint, requests,"
    " input_tokens, output_tokens, cost, received, replica)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) ON CONFLICT (id) DO NOTHING";
/* the same parameters, for an event the insert above did store */
const char mlc_store__sqlite_meter_new[] =
    "INSERT INTO temp.meter_new (model, version, team, endpoint, hour_start, cost, requests,"
    " input_tokens, output_tokens) VALUES (coalesce(?3, ''), coalesce(?4, ''),"
    " coalesce(?5, ''), coalesce(?6, ''), CAST(?2 AS INTEGER) - CAST(?2 AS INTEGER) % 3600,"
    " ?10, ?7, ?8, ?9)";

#define METER_HOUR_COLS                                                                            \
	"model, version, team, endpoint, hour_start, cost, requests, events, input_tokens,"        \
	" output_tokens, change_seq"

const mlc_store__dialect mlc_store__sqlite_dialect = {
    .param = '?',
    .tag_fmt = "json_extract(c.tags, ?%u)",
    .tag_param_is_path = 1,
    .sum_fmt = "mlc_sum(%s)",
    .migrations = migrations,
    .nmigrations = (int)(sizeof(migrations) / sizeof(migrations[0])),
    .version_table = "CREATE TABLE IF NOT EXISTS schema_version ("
                     " version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)",
    .version_exists = "SELECT count(*) FROM sqlite_master"
                      " WHERE type = 'table' AND name = 'schema_version'",
    .version_get = "SELECT coalesce(max(version), 0) FROM schema_version",
    .version_add = "INSERT INTO schema_version (version, applied_at) VALUES (?1, ?2)",
    .slice_upsert =
        "INSERT INTO slices (provider, billing_account, period_start, period_end, currency,"
        " ingest_id, replaced_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
        " ON CONFLICT (provider, billing_account, period_start, period_end) DO UPDATE SET"
        " currency = excluded.currency, ingest_id = excluded.ingest_id,"
        " replaced_at = excluded.replaced_at RETURNING id",
    .slice_clear = "DELETE FROM costs WHERE slice_id = ?1",
    .slice_totals = "UPDATE slices SET record_count = ?2, row_count = ?3, total_billed = ?4,"
                    " total_effective = ?5, total_list = ?6, total_contracted = ?7 WHERE id = ?1",
    .ingest_add = "INSERT INTO ingests (started_at, status) VALUES (?1, 'running') RETURNING id",
    .ingest_file = "INSERT INTO ingest_files (ingest_id, seq, path, sha256, format, row_count,"
                   " total_billed, total_effective, total_list, total_contracted)"
                   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    .ingest_finish = "UPDATE ingests SET status = ?2, finished_at = ?3 WHERE id = ?1 RETURNING id",
    .list_ingests = "SELECT i.id, i.started_at, i.finished_at, i.status,"
                    " (SELECT count(*) FROM slices s WHERE s.ingest_id = i.id)"
                    " FROM ingests i ORDER BY i.id DESC LIMIT ?1",
    .list_files = "SELECT ingest_id, path, sha256, format, row_count, total_billed,"
                  " total_effective, total_list, total_contracted FROM ingest_files"
                  " WHERE ingest_id >= ?1 ORDER BY ingest_id DESC, seq",
    .list_slices = "SELECT id, provider, billing_account, period_start, period_end, currency,"
                   " ingest_id, replaced_at, record_count, row_count, total_billed,"
                   " total_effective, total_list, total_contracted FROM slices",
    .meter_begin = "CREATE TEMP TABLE IF NOT EXISTS meter_new ("
                   " model TEXT, version TEXT, team TEXT, endpoint TEXT, hour_start INTEGER,"
                   " cost TEXT, requests INTEGER, input_tokens INTEGER, output_tokens INTEGER);"
                   "DELETE FROM temp.meter_new",
    .meter_lock = NULL, /* BEGIN IMMEDIATE holds the write lock */
    .meter_next_change = "SELECT coalesce(max(change_seq), 0) + 1 FROM meter_hourly",
    .meter_count = "SELECT count(*) FROM temp.meter_new",
    .meter_merge =
        "INSERT INTO meter_hourly (" METER_HOUR_COLS ")"
        " SELECT model, version, team, endpoint, hour_start, mlc_sum(cost), sum(requests),"
        " count(*), sum(input_tokens), sum(output_tokens), CAST(?1 AS INTEGER)"
        " FROM temp.meter_new WHERE true GROUP BY model, version, team, endpoint, hour_start"
        " ON CONFLICT (model, version, team, endpoint, hour_start) DO UPDATE SET"
        " cost = mlc_add(cost, excluded.cost), requests = requests + excluded.requests,"
        " events = events + excluded.events,"
        " input_tokens = input_tokens + excluded.input_tokens,"
        " output_tokens = output_tokens + excluded.output_tokens,"
        " change_seq = excluded.change_seq",
    .meter_mark = "INSERT INTO meter_replicas (replica, log_seq, updated_at) VALUES (?1, ?2, ?3)"
                  " ON CONFLICT (replica) DO UPDATE SET"
                  " log_seq = max(log_seq, excluded.log_seq), updated_at = excluded.updated_at",
    .meter_log_seq = "SELECT coalesce(max(log_seq), 0) FROM meter_replicas WHERE replica = ?1",
    .meter_since = "SELECT " METER_HOUR_COLS " FROM meter_hourly WHERE change_seq > ?1"
                   " ORDER BY change_seq",
    .meter_range = "SELECT " METER_HOUR_COLS " FROM meter_hourly"
                   " WHERE hour_start >= ?1 AND hour_start < ?2 ORDER BY hour_start",
    .meter_ids = "SELECT id, received FROM meter_events WHERE received >= ?1"
                 " ORDER BY received DESC LIMIT ?2",
};

/* ---- mlc_sum(text): the exact sum of decimal text ---------------------------------------- */

/* bytes, not an __int128: SQLite's aggregate context is only 8-byte aligned */
typedef struct sum_state {
	unsigned char sum[sizeof(mlcu_money)];
} sum_state;

static void sum_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	sum_state *st = sqlite3_aggregate_context(ctx, sizeof(*st));
	const unsigned char *text;
	mlcu_money v, sum;
	(void)argc;
	if (!st) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
		return;
	text = sqlite3_value_text(argv[0]);
	if (!text || mlcu_money_parse(&v, (const char *)text, strlen((const char *)text)) < 0)
		sqlite3_result_error(ctx, "mlc_sum: not an exact decimal amount", -1);
	else {
		memcpy(&sum, st->sum, sizeof(sum));
		if (mlcu_money_add(&sum, v) < 0)
			sqlite3_result_error(ctx, "mlc_sum: sum overflows", -1);
		memcpy(st->sum, &sum, sizeof(sum));
	}
}

static void sum_final(sqlite3_context *ctx)
{
	sum_state *st = sqlite3_aggregate_context(ctx, 0);
	char out[MLCU_MONEY_FMT_MAX];
	mlcu_money sum = 0;
	if (st)
		memcpy(&sum, st->sum, sizeof(sum));
	mlcu_money_format(out, sizeof(out), sum);
	sqlite3_result_text(ctx, out, -1, SQLITE_TRANSIENT);
}

/* mlc_add(a, b): the exact sum of two amounts as text (meter_hourly's upsert) */
static void add_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	char out[MLCU_MONEY_FMT_MAX];
	mlcu_money sum = 0;
	for (int i = 0; i < argc; i++) {
		const unsigned char *text = sqlite3_value_text(argv[i]);
		mlcu_money v;
		if (sqlite3_value_type(argv[i]) == SQLITE_NULL)
			continue;
		if (!text ||
		    mlcu_money_parse(&v, (const char *)text, strlen((const char *)text)) < 0) {
			sqlite3_result_error(ctx, "mlc_add: not an exact decimal amount", -1);
			return;
		}
		if (mlcu_money_add(&sum, v) < 0) {
			sqlite3_result_error(ctx, "mlc_add: sum overflows", -1);
			return;
		}
	}
	mlcu_money_format(out, sizeof(out), sum);
	sqlite3_result_text(ctx, out, -1, SQLITE_TRANSIENT);
}

int mlc_store__sqlite_functions(sqlite3 *db)
{
	int rc = sqlite3_create_function(db, "mlc_sum", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
	                                 NULL, sum_step, sum_final);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function(db, "mlc_add", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
		                             NULL, add_fn, NULL, NULL);
	return rc;
}
