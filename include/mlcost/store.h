/* SPDX-License-Identifier: MIT */
/*
 * mlcost/store.h - the cost ledger (SPEC §6): aggregated billing cost per
 * hour and dimensions, kept in SQLite (a file, the default ./mlcost.db) or
 * PostgreSQL (postgres://...), behind one interface.
 *
 * Data arrives in slices: everything one provider billed one billing
 * account for one billing period. A slice is replaced as a whole, in one
 * transaction, so ingesting the same export twice changes nothing, a
 * restated export replaces what was there, and a crash mid-ingest leaves
 * the previous slice intact. Concurrent writers of one slice are
 * serialized (the last to commit wins); writers of different slices do
 * not wait for each other on PostgreSQL.
 *
 * Money is exact (mlc_amount, 10^-12 units): NUMERIC(38,12) in PostgreSQL,
 * exact decimal text in SQLite, summed exactly on both.
 *
 * What it is not: a bill reader (see bills.h), a forecaster or a report
 * writer. A store handle is used by one thread at a time.
 */
#ifndef MLCOST_STORE_H
#define MLCOST_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "bills.h"
#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mlc_store mlc_store;

/** The schema version this library writes and understands. */
#define MLC_STORE_SCHEMA_VERSION 2
/** The default store when none is given. */
#define MLC_STORE_DEFAULT "mlcost.db"

/** Progress of a slice replacement: records written so far, of total. */
typedef void (*mlc_store_progress_fn)(uint64_t done, uint64_t total, void *ctx);

typedef struct mlc_store_options {
	unsigned version;
	/** Apply pending schema migrations when opening (default 1). With 0, a
	 * store whose schema is older than MLC_STORE_SCHEMA_VERSION fails to
	 * open with MLC_EINVAL ("migrate the store first"). */
	int auto_migrate;
	unsigned busy_timeout_ms;       /**< SQLite: wait this long for a lock; 0 = 30000 */
	size_t batch_rows;              /**< records per insert batch; 0 = 1000 */
	mlc_store_progress_fn progress; /**< called after each batch; NULL for none */
	void *progress_ctx;
	/** SQLite: fail with MLC_EIO instead of creating a missing file
	 * (commands that only read the ledger; default 0). */
	int must_exist;
} mlc_store_options;

#define MLC_STORE_OPTIONS_VERSION 1
#define MLC_STORE_OPTIONS_INIT                                                                     \
	{                                                                                          \
		MLC_STORE_OPTIONS_VERSION, 1, 0, 0, NULL, NULL, 0                                  \
	}

/**
 * Open a store. url: NULL or "" for MLC_STORE_DEFAULT; "postgres://..." or
 * "postgresql://..." (any libpq URI) for PostgreSQL; "sqlite:PATH" or any
 * other text for an SQLite file (created when missing; WAL mode). opts may
 * be NULL. Fails with MLC_EIO (cannot open or connect), MLC_EINVAL (schema
 * newer than this library, or older with auto_migrate off) or MLC_ERROR.
 */
MLC_EXTERN int mlc_store_open(mlc_store **out, const char *url, const mlc_store_options *opts);

/** Close the store (a transaction still open is rolled back). NULL is fine. */
MLC_EXTERN void mlc_store_close(mlc_store *s);

/** "sqlite" or "postgres". */
MLC_EXTERN const char *mlc_store_backend(const mlc_store *s);

/**
 * Apply the pending schema migrations, each in a transaction, and give the
 * resulting version (out may be NULL). Idempotent; safe against other
 * processes migrating at the same time.
 */
MLC_EXTERN int mlc_store_migrate(mlc_store *s, int *out_version);

/** The schema version recorded in the store (0 when empty). */
MLC_EXTERN int mlc_store_schema_version(int *out, mlc_store *s);

/** Explicit transactions; calls made inside one join it. No nesting. */
MLC_EXTERN int mlc_store_begin(mlc_store *s);
MLC_EXTERN int mlc_store_commit(mlc_store *s);
MLC_EXTERN int mlc_store_rollback(mlc_store *s);

/* ---- ingest ---------------------------------------------------------------------------- */

/** The key of a slice: what one provider billed one account for one period. */
typedef struct mlc_store_slice {
	const char *provider;        /**< ProviderName; not NULL */
	const char *billing_account; /**< BillingAccountId; not NULL ("" when the bill has none) */
	int64_t period_start;        /**< billing period [start, end), UTC seconds */
	int64_t period_end;
	const char *currency; /**< BillingCurrency of the slice, or NULL */
} mlc_store_slice;

/**
 * One aggregated record: the cost of one hour and one combination of
 * dimensions. NULL text means missing. On write, provider, billing_account
 * and currency are ignored (they are the slice's); on read they are set.
 */
typedef struct mlc_store_record {
	int64_t hour; /**< start of the hour, UTC seconds (a multiple of 3600) */
	const char *provider, *billing_account, *currency;
	const char *sub_account, *service, *region, *charge_category, *pricing_category;
	/** Tags: keys (compared case-insensitively, stored lower case) and
	 * values; a NULL value is a missing tag and is not stored. On read,
	 * the tags present, keys sorted. At most 64; no '"' or '\' in keys. */
	size_t ntags;
	const char *const *tag_keys;
	const char *const *tag_values;
	mlc_amount cost[MLC_COST_BASIS_COUNT]; /**< indexed by mlc_cost_basis */
	uint64_t rows;                         /**< billing rows aggregated into it */
} mlc_store_record;

/** A source file of an ingest, for reconciliation with the invoice. */
typedef struct mlc_store_file {
	const char *path;
	const char *sha256; /**< 64 lower-case hex digits */
	const char *format; /**< "FOCUS 1.2", "AWS CUR 2.0", ...; may be NULL */
	uint64_t rows;      /**< data rows read */
	mlc_amount total[MLC_COST_BASIS_COUNT];
} mlc_store_file;

/** SHA-256 of a file's bytes as 64 hex digits into out (65 bytes). MLC_EIO. */
MLC_EXTERN int mlc_store_file_sha256(char *out, const char *path);

/**
 * Record the start of an ingest of these files and give its id. Runs in
 * its own transaction unless one is open. The ingest stays "running"
 * until mlc_store_ingest_finish, so a crashed ingest is visible as such.
 */
MLC_EXTERN int mlc_store_ingest_start(int64_t *out_id, mlc_store *s, const mlc_store_file *files,
                                      size_t nfiles);

/** Mark an ingest "done" (ok != 0) or "failed". */
MLC_EXTERN int mlc_store_ingest_finish(mlc_store *s, int64_t ingest_id, int ok);

/**
 * Replace a slice: delete every record the store has for it and insert
 * these, in one transaction (its own unless one is open), recording the
 * slice's record count, row count and totals and the ingest (0 for none)
 * that wrote it. On PostgreSQL a transaction-level advisory lock on the
 * slice key serializes writers of the same slice. Fails with MLC_EINVAL
 * (bad slice or record: hour not on the hour, bad tag key), MLC_ETOOLARGE
 * (totals overflow) or MLC_ERROR (database), after rolling back its own
 * transaction; inside an explicit one, the caller rolls back.
 */
MLC_EXTERN int mlc_store_replace_slice(mlc_store *s, int64_t ingest_id,
                                       const mlc_store_slice *slice,
                                       const mlc_store_record *records, size_t n);

/* ---- queries --------------------------------------------------------------------------- */

#define MLC_STORE_MAX_WHERE 64
#define MLC_STORE_MAX_BY    8

/**
 * What to read. Times are ISO 8601 / RFC 3339 text or a date (midnight
 * UTC), a half-open range [from, to) of the record hour; NULL for none.
 * where: "KEY=VALUE" or "KEY!=VALUE" (an empty VALUE means missing); KEY
 * is ProviderName, BillingAccountId, BillingCurrency, SubAccountId,
 * ServiceName, RegionId, ChargeCategory, PricingCategory (any case) or
 * tag:KEY. Repeats of one KEY=VALUE key are alternatives, different keys
 * must all hold (as in bills.h). by/basis are for mlc_store_daily.
 */
typedef struct mlc_store_query {
	unsigned version;
	const char *from, *to;
	const char *const *where;
	size_t nwhere;
	const char *const *by; /**< dimensions, keys as in where */
	size_t nby;
	mlc_cost_basis basis;
} mlc_store_query;

#define MLC_STORE_QUERY_VERSION 1
#define MLC_STORE_QUERY_INIT                                                                       \
	{                                                                                          \
		MLC_STORE_QUERY_VERSION, NULL, NULL, NULL, 0, NULL, 0, MLC_COST_EFFECTIVE          \
	}

/** Called for each record; the record is borrowed for the call. Return 0
 * to go on; anything else stops the scan and is returned by it. */
typedef int (*mlc_store_record_fn)(const mlc_store_record *r, void *ctx);

/** Every stored record matching q (by/basis unused), in hour order. */
MLC_EXTERN int mlc_store_scan(mlc_store *s, const mlc_store_query *q, mlc_store_record_fn fn,
                              void *ctx);

/** The daily cost of one group over the result's days. */
typedef struct mlc_store_series {
	const char *const *values; /**< nby values; NULL = missing */
	const mlc_amount *cost;    /**< ndays sums, zero where nothing was billed */
	uint64_t rows;
	size_t first, last; /**< first and last day index with records */
} mlc_store_series;

typedef struct mlc_store_daily {
	size_t nby;
	mlc_cost_basis basis;
	const char *currency; /**< NULL when the store holds none */
	int64_t day0;         /**< UTC midnight of day index 0 */
	size_t ndays;         /**< [from, to) when given, else first to last day with data */
	const mlc_store_series *series; /**< sorted by values (missing first, then bytewise) */
	size_t nseries;
	const mlc_amount *total; /**< per day, the sum over the series */
} mlc_store_daily;

/**
 * Daily cost per group of q->by under q->basis, over the records matching
 * q. Several currencies fail with MLC_EPARSE unless BillingCurrency is in
 * by. MLC_ETOOLARGE past 1,000,000 series or 2^24 series-days.
 */
MLC_EXTERN int mlc_store_daily_series(mlc_store_daily **out, mlc_store *s,
                                      const mlc_store_query *q);
MLC_EXTERN void mlc_store_daily_free(mlc_store_daily *d);

/** One ingest as recorded, with its files. */
typedef struct mlc_store_ingest {
	int64_t id;
	int64_t started_at, finished_at; /**< UTC seconds; finished 0 while running */
	const char *status;              /**< "running", "done" or "failed" */
	const mlc_store_file *files;
	size_t nfiles;
	size_t nslices; /**< slices whose current content this ingest wrote */
} mlc_store_ingest;

typedef struct mlc_store_slice_info {
	mlc_store_slice key;
	int64_t id;
	int64_t ingest_id; /**< 0 when none was given */
	int64_t replaced_at;
	uint64_t records, rows;
	mlc_amount total[MLC_COST_BASIS_COUNT];
} mlc_store_slice_info;

typedef struct mlc_store_listing {
	const mlc_store_ingest *ingests; /**< newest first */
	size_t ningests;
	const mlc_store_slice_info *slices; /**< by provider, account, period */
	size_t nslices;
} mlc_store_listing;

/** The last `limit` ingests (0 = all) and every slice. */
MLC_EXTERN int mlc_store_list(mlc_store_listing **out, mlc_store *s, size_t limit);
MLC_EXTERN void mlc_store_listing_free(mlc_store_listing *l);

/* ---- metered events (`mlcost serve`, SPEC §8) ------------------------------------------ */

/*
 * The metering server keeps every event it acknowledged in meter_events
 * (unique by id: the store decides what was already counted) and their
 * hourly totals per model, version, team and endpoint in meter_hourly.
 * Each write of meter_hourly stamps the rows it changed with a change
 * number greater than any before it, so that a server sharing the store
 * re-reads only what changed (mlc_store_meter_hourly_since). Each server
 * ("replica") also records the last sequence number of its own log that is
 * in the store, in the same transaction as the events.
 */

/** Longest id and dimension text the store takes, in bytes. */
#define MLC_STORE_METER_MAX_TEXT 1024

/** One priced event as the metering server stores it. */
typedef struct mlc_store_meter_event {
	const char *id;   /**< idempotency key; not NULL nor empty */
	int64_t time;     /**< event time, UTC seconds (>= 0) */
	int64_t received; /**< when the server accepted it, UTC seconds */
	/** dimensions; NULL or "" is missing (the two are one value) */
	const char *model, *version, *team, *endpoint;
	uint64_t requests, input_tokens, output_tokens; /**< each below 2^63 */
	mlc_amount cost;
} mlc_store_meter_event;

/**
 * Store events: in one transaction (its own unless one is open), insert
 * each event whose id the store does not have yet (an id already there, or
 * twice in evs, is kept once: the first one stored wins), add the inserted
 * ones to meter_hourly under a new change number, and record log_seq as
 * the replica's last stored log sequence (when log_seq is larger than the
 * one recorded). *out_inserted (may be NULL) is the number inserted.
 * Writers are serialized (PostgreSQL: an advisory lock), so change numbers
 * are visible in the order they were given. MLC_EINVAL for a bad event
 * (no id, text longer than MLC_STORE_METER_MAX_TEXT, negative time,
 * counter >= 2^63), MLC_ERROR (database).
 */
MLC_EXTERN int mlc_store_meter_put(uint64_t *out_inserted, mlc_store *s, const char *replica,
                                   uint64_t log_seq, const mlc_store_meter_event *evs, size_t n);

/** The replica's last stored log sequence (0 when it never stored any). */
MLC_EXTERN int mlc_store_meter_log_seq(uint64_t *out, mlc_store *s, const char *replica);

/** One row of meter_hourly. */
typedef struct mlc_store_meter_hour {
	const char *model, *version, *team, *endpoint; /**< NULL = missing */
	int64_t hour;                                  /**< start of the hour, UTC seconds */
	mlc_amount cost;
	uint64_t requests, events, input_tokens, output_tokens;
	int64_t change; /**< change number of the last write of the row */
} mlc_store_meter_hour;

/** Called for each row, borrowed for the call; non-zero stops the read. */
typedef int (*mlc_store_meter_hour_fn)(const mlc_store_meter_hour *h, void *ctx);

/** Every meter_hourly row whose change number is above `change` (0: all),
 * in change order. */
MLC_EXTERN int mlc_store_meter_hourly_since(mlc_store *s, int64_t change,
                                            mlc_store_meter_hour_fn fn, void *ctx);

/** Every meter_hourly row with hour in [from, to) (to 0: no end), by hour. */
MLC_EXTERN int mlc_store_meter_hourly_range(mlc_store *s, int64_t from, int64_t to,
                                            mlc_store_meter_hour_fn fn, void *ctx);

/** Called for each id, borrowed for the call; non-zero stops the read. */
typedef int (*mlc_store_meter_id_fn)(const char *id, int64_t received, void *ctx);

/** Ids of the events received at or after `received`, newest first, at
 * most `limit` of them (0: all). */
MLC_EXTERN int mlc_store_meter_ids_since(mlc_store *s, int64_t received, size_t limit,
                                         mlc_store_meter_id_fn fn, void *ctx);

#ifdef __cplusplus
}
#endif

#endif
