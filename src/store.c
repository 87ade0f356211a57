/* SPDX-License-Identifier: MIT */
/*
 * store.c - the store's front: choose the back-end from the URL, open,
 * close, transactions, schema migrations, and the small helpers the other
 * store files run statements through. Everything here goes through the
 * back-end's table of functions (store/store_internal.h), so it holds no
 * SQL of its own beyond what the dialects supply.
 *
 * What it is not: ingest (store_ingest.c) or queries (store_read.c).
 */
#include "store/store_internal.h"
#include "util/alloc.h"
#include "util/error.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* "postgres://user:secret@host/db" -> "postgres://user:***@host/db" for messages. */
static char *mask_password(const char *url)
{
	char *out = mlcu_malloc(strlen(url) + 8), *auth, *at, *colon, *slash;
	if (!out)
		return NULL;
	memcpy(out, url, strlen(url) + 1); /* room for ":***" over a shorter password */
	if (!(auth = strstr(out, "://")))
		return out;
	auth += 3;
	slash = strchr(auth, '/');
	at = strchr(auth, '@');
	if (!at || (slash && slash < at))
		return out;
	colon = memchr(auth, ':', (size_t)(at - auth));
	if (colon) {
		memmove(colon + 4, at, strlen(at) + 1);
		memcpy(colon, ":***", 4);
	}
	return out;
}

static int is_postgres(const char *url)
{
	return strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0;
}

static int check_version(mlc_store *s)
{
	int v = 0, rc = mlc_store_schema_version(&v, s);
	if (rc < 0)
		return rc;
	if (v > MLC_STORE_SCHEMA_VERSION)
		return mlcu_error_set(
		    MLC_EINVAL,
		    "%s: store schema version %d is newer than this mlcost knows (%d): "
		    "upgrade mlcost",
		    s->label, v, MLC_STORE_SCHEMA_VERSION);
	if (v < MLC_STORE_SCHEMA_VERSION)
		return mlcu_error_set(
		    MLC_EINVAL,
		    "%s: store schema version %d is older than this mlcost's (%d): "
		    "migrate the store first",
		    s->label, v, MLC_STORE_SCHEMA_VERSION);
	return 0;
}

int mlc_store_open(mlc_store **out, const char *url, const mlc_store_options *opts)
{
	mlc_store_options defaults = MLC_STORE_OPTIONS_INIT;
	mlc_store *s = NULL;
	const char *target;
	int rc;
	*out = NULL;
	if (opts && opts->version != MLC_STORE_OPTIONS_VERSION)
		return mlcu_error_set(MLC_EINVAL, "store: unknown options version %u",
		                      opts->version);
	if (!url || !*url)
		url = MLC_STORE_DEFAULT;
	if (!(s = mlcu_calloc(1, sizeof(*s))) || !(s->label = mask_password(url))) {
		rc = mlcu_error_oom();
		goto done;
	}
	s->opts = opts ? *opts : defaults;
	if (s->opts.batch_rows == 0)
		s->opts.batch_rows = 1000;
	if (s->opts.busy_timeout_ms == 0)
		s->opts.busy_timeout_ms = 30000;
	target = url;
	if (is_postgres(url)) {
		s->ops = &mlc_store__postgres_ops;
	} else {
		s->ops = &mlc_store__sqlite_ops;
		if (strncmp(url, "sqlite://", 9) == 0)
			target = url + 9;
		else if (strncmp(url, "sqlite:", 7) == 0)
			target = url + 7;
	}
	if ((rc = s->ops->open(&s->be, target, s->label, &s->opts)) < 0)
		goto done;
	rc = s->opts.auto_migrate ? mlc_store_migrate(s, NULL) : check_version(s);
done:
	if (rc < 0)
		mlc_store_close(s);
	else
		*out = s;
	return rc;
}

void mlc_store_close(mlc_store *s)
{
	if (!s)
		return;
	if (s->be) {
		if (s->in_tx)
			s->ops->rollback(s->be);
		s->ops->close(s->be);
	}
	mlcu_free(s->label);
	mlcu_free(s);
}

const char *mlc_store_backend(const mlc_store *s)
{
	return s->ops->name;
}

/* ---- statements ------------------------------------------------------------------------ */

static int ignore_row(void *ctx, const char *const *col, size_t ncol)
{
	(void)ctx, (void)col, (void)ncol;
	return 0;
}

int mlc_store__exec_params(mlc_store *s, const char *sql, const char *const *params, size_t np)
{
	return s->ops->query(s->be, sql, 1, params, np, ignore_row, NULL);
}

int mlc_store__exec(mlc_store *s, const char *sql)
{
	return s->ops->exec(s->be, sql);
}

typedef struct int_result {
	int found;
	int64_t v;
	int rc;
} int_result;

static int first_int(void *ctx, const char *const *col, size_t ncol)
{
	int_result *r = ctx;
	if (!r->found && ncol > 0) {
		r->found = 1;
		r->rc = mlc_store__int(&r->v, col[0], "result");
	}
	return 0;
}

int mlc_store__query_int(int64_t *out, mlc_store *s, const char *sql, const char *const *params,
                         size_t np)
{
	int_result r = {0, 0, 0};
	int rc = s->ops->query(s->be, sql, 1, params, np, first_int, &r);
	if (rc < 0)
		return rc;
	if (r.rc < 0)
		return r.rc;
	if (!r.found)
		return mlcu_error_set(MLC_ENOTFOUND, "%s: no row", s->label);
	*out = r.v;
	return 0;
}

/* ---- transactions ---------------------------------------------------------------------- */

int mlc_store_begin(mlc_store *s)
{
	int rc;
	if (s->in_tx)
		return mlcu_error_set(MLC_EINVAL, "%s: a transaction is already open", s->label);
	if ((rc = s->ops->begin(s->be)) == 0)
		s->in_tx = 1;
	return rc;
}

int mlc_store_commit(mlc_store *s)
{
	if (!s->in_tx)
		return mlcu_error_set(MLC_EINVAL, "%s: no transaction to commit", s->label);
	s->in_tx = 0;
	return s->ops->commit(s->be);
}

int mlc_store_rollback(mlc_store *s)
{
	if (!s->in_tx)
		return mlcu_error_set(MLC_EINVAL, "%s: no transaction to roll back", s->label);
	s->in_tx = 0;
	return s->ops->rollback(s->be);
}

/* ---- migrations ------------------------------------------------------------------------ */

int mlc_store_schema_version(int *out, mlc_store *s)
{
	const mlc_store__dialect *d = s->ops->sql;
	int64_t exists = 0, v = 0;
	int rc = mlc_store__query_int(&exists, s, d->version_exists, NULL, 0);
	if (rc == 0 && exists)
		rc = mlc_store__query_int(&v, s, d->version_get, NULL, 0);
	*out = (int)v;
	return rc;
}

static int apply(mlc_store *s, int *version)
{
	const mlc_store__dialect *d = s->ops->sql;
	char v[16], now[24];
	int cur, rc;
	/* the lock first: concurrent CREATE TABLE IF NOT EXISTS can fail on PostgreSQL */
	if ((rc = s->ops->lock_migrations(s->be)) < 0 ||
	    (rc = s->ops->exec(s->be, d->version_table)) < 0 ||
	    (rc = mlc_store_schema_version(&cur, s)) < 0)
		return rc;
	if (cur > d->nmigrations)
		return mlcu_error_set(
		    MLC_EINVAL,
		    "%s: store schema version %d is newer than this mlcost knows (%d): "
		    "upgrade mlcost",
		    s->label, cur, d->nmigrations);
	for (int m = cur + 1; m <= d->nmigrations; m++) {
		const char *params[2] = {v, now};
		snprintf(v, sizeof(v), "%d", m);
		snprintf(now, sizeof(now), "%" PRId64, (int64_t)time(NULL));
		if ((rc = s->ops->exec(s->be, d->migrations[m - 1])) < 0 ||
		    (rc = mlc_store__exec_params(s, d->version_add, params, 2)) < 0)
			return mlcu_error_prefix("migration to version %d: ", m);
		cur = m;
	}
	*version = cur;
	return 0;
}

int mlc_store_migrate(mlc_store *s, int *out_version)
{
	int version = 0, rc;
	if (s->in_tx)
		return mlcu_error_set(MLC_EINVAL, "%s: migrate inside a transaction", s->label);
	if ((rc = s->ops->begin(s->be)) < 0)
		return rc;
	if ((rc = apply(s, &version)) < 0) {
		char msg[1024];
		snprintf(msg, sizeof(msg), "%s", mlc_error_message());
		s->ops->rollback(s->be);
		return mlcu_error_set(rc, "%s", msg);
	}
	if ((rc = s->ops->commit(s->be)) < 0)
		return rc;
	if (out_version)
		*out_version = version;
	return 0;
}
