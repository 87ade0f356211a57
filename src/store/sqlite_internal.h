/* SPDX-License-Identifier: MIT */
/*
 * store/sqlite_internal.h - what sqlite.c takes from sqlite_sql.c: the
 * dialect, the insert statement, and the SQL functions to register.
 */
#ifndef MLC_STORE_SQLITE_INTERNAL_H
#define MLC_STORE_SQLITE_INTERNAL_H

#include <sqlite3.h>

#include "store/store_internal.h"

extern const mlc_store__dialect mlc_store__sqlite_dialect;
extern const char mlc_store__sqlite_insert[];
extern const char mlc_store__sqlite_meter_insert[];
extern const char mlc_store__sqlite_meter_new[];

/* Register mlc_sum() and mlc_add() on db; an SQLite result code. */
int mlc_store__sqlite_functions(sqlite3 *db);

#endif
