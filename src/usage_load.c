/* SPDX-License-Identifier: MIT */
/*
 * usage_load.c - reads a usage CSV (usage.h, docs/unit-cost.md) through
 * the reader (file, stdin, gzip, zstd) and the streaming CSV scanner:
 * header by name, strict values, FILE:LINE: column 'X' errors, lenient
 * skipping. Only the five known columns are materialised.
 */
#include "csv.h"
#include "io/reader.h"
#include "usage.h"
#include "usage_internal.h"
#include "util/error.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

enum { C_DATE, C_MODEL, C_REQ, C_IN, C_OUT, NCOLS };
static const char *const col_names[NCOLS] = {"date", "model_id", "requests", "input_tokens",
                                             "output_tokens"};

typedef struct loader {
	mlc_usage *u;
	const char *name;
	int lenient;
	size_t nsel;     /* columns selected: 3, or 5 with token columns */
	int have[NCOLS]; /* the header has the column */
} loader;

static void trim(const char **s, size_t *len)
{
	while (*len && (**s == ' ' || **s == '\t'))
		(*s)++, (*len)--;
	while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
		(*len)--;
}

/* Empty or the bare token NULL (SPEC §1). */
static int missing(const char *s, size_t len)
{
	return len == 0 || (len == 4 && memcmp(s, "NULL", 4) == 0);
}

static int header(loader *L, mlc_csv *csv, const mlc_csv_row *row)
{
	uint32_t idx[NCOLS];
	size_t i, k;
	for (i = 0; i < row->nfields; i++) {
		const char *s = row->fields[i].ptr;
		size_t len = row->fields[i].len;
		trim(&s, &len);
		for (k = 0; k < NCOLS; k++) {
			if (strlen(col_names[k]) != len || strncasecmp(col_names[k], s, len) != 0)
				continue;
			if (L->have[k])
				return mlcu_error_set(MLC_EPARSE,
				                      "%s:%llu: column '%s' appears twice", L->name,
				                      (unsigned long long)row->line, col_names[k]);
			L->have[k] = 1;
			idx[k] = (uint32_t)i;
		}
	}
	for (k = 0; k < C_IN; k++)
		if (!L->have[k])
			return mlcu_error_set(MLC_EPARSE,
			                      "%s:%llu: missing column '%s' (a usage file needs "
			                      "date, model_id, requests)",
			                      L->name, (unsigned long long)row->line, col_names[k]);
	L->u->stats.has_tokens = L->have[C_IN] || L->have[C_OUT];
	/* select the columns present; an absent token column reads as zero */
	L->nsel = 3;
	for (k = C_IN; k < NCOLS; k++)
		if (L->have[k])
			idx[L->nsel++] = idx[k];
	return mlc_csv__select(csv, idx, NULL, L->nsel);
}

static int bad(const loader *L, const mlc_csv_row *row, int col, const char *what,
               const mlc_csv_span *f)
{
	size_t n = f ? f->len : 0;
	if (!f)
		return mlcu_error_set(MLC_EPARSE, "%s:%llu: column '%s': %s", L->name,
		                      (unsigned long long)row->line, col_names[col], what);
	return mlcu_error_set(MLC_EPARSE, "%s:%llu: column '%s': %s ('%.*s%s')", L->name,
	                      (unsigned long long)row->line, col_names[col], what,
	                      (int)(n > 64 ? 64 : n), f->ptr, n > 64 ? "..." : "");
}

/*
 * A count: digits, optionally followed by a point and zeros only (pandas
 * writes integer columns with gaps as floats, "12.0"). Blanks around are
 * fine. Missing is 0 unless required.
 */
static int count(uint64_t *out, const loader *L, const mlc_csv_row *row, const mlc_csv_span *f,
                 int col, int required)
{
	const char *s = f->ptr;
	size_t len = f->len, i = 0;
	uint64_t v = 0;
	*out = 0;
	if (f->flags & MLC_CSV_ABSENT)
		return bad(L, row, col, "missing (the row is short)", NULL);
	trim(&s, &len);
	if (missing(s, len))
		return required ? bad(L, row, col, "missing value", NULL) : 0;
	if (s[0] == '-')
		return bad(L, row, col, "negative count", f);
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
		if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, s[i] - '0', &v))
			return bad(L, row, col, "larger than 18446744073709551615", f);
	if (i == 0)
		return bad(L, row, col, "not a whole number", f);
	if (i < len && s[i] == '.')
		for (i++; i < len && s[i] == '0'; i++)
			;
	if (i != len)
		return bad(L, row, col, "not a whole number", f);
	*out = v;
	return 0;
}

/* One data row into the table; MLC_EPARSE/MLC_ETOOLARGE with FILE:LINE: column. */
static int data_row(loader *L, const mlc_csv_row *row)
{
	const mlc_csv_span *f = row->fields;
	uint64_t req, in = 0, out = 0;
	const char *m = f[C_MODEL].ptr;
	size_t ml = f[C_MODEL].len, k = 3;
	int64_t t;
	int rc;
	for (int c = C_DATE; c <= C_MODEL; c++)
		if (f[c].flags & MLC_CSV_ABSENT)
			return bad(L, row, c, "missing (the row is short)", NULL);
	{
		const char *d = f[C_DATE].ptr;
		size_t dl = f[C_DATE].len;
		trim(&d, &dl);
		if (missing(d, dl))
			return bad(L, row, C_DATE, "missing value", NULL);
		if (mlcu_time_parse(&t, d, dl) != 0)
			return bad(L, row, C_DATE, "not a date or timestamp", &f[C_DATE]);
	}
	trim(&m, &ml);
	if (missing(m, ml))
		return bad(L, row, C_MODEL, "missing value", NULL);
	if (ml > MLC_USAGE_MAX_MODEL)
		return bad(L, row, C_MODEL, "longer than 1024 bytes", NULL);
	if ((rc = count(&req, L, row, &f[C_REQ], C_REQ, 1)) != 0)
		return rc;
	if (L->have[C_IN] && (rc = count(&in, L, row, &f[k++], C_IN, 0)) != 0)
		return rc;
	if (L->have[C_OUT] && (rc = count(&out, L, row, &f[k++], C_OUT, 0)) != 0)
		return rc;
	if ((rc = mlc_usage__add(L->u, m, ml, t, req, in, out)) != 0)
		return mlcu_error_prefix("%s:%llu: ", L->name, (unsigned long long)row->line);
	return 0;
}

/* Header, then rows, pulling blocks from the reader as the scanner asks (or,
 * with rd NULL, scanning mem[0..memlen) in place). */
static int scan(loader *L, mlc_reader *rd, const char *mem, size_t memlen)
{
	mlc_csv_options o = MLC_CSV_OPTIONS_INIT;
	mlc_csv *csv = NULL;
	mlc_csv_row row;
	int rc, seen_header = 0;
	o.name = L->name;
	/* usage rows are short: small limits keep a scanner cheap to set up */
	o.max_field = 1u << 16;
	o.max_row = 1u << 20;
	o.max_fields = 1024;
	if ((rc = mlc_csv__new(&csv, &o)) != 0)
		return rc;
	if (!rd && (rc = mlc_csv__feed(csv, mem, memlen, 1)) != 0)
		goto done;
	for (;;) {
		const char *p;
		size_t n;
		rc = mlc_csv__next(csv, &row);
		if (rc == MLC_CSV_NEED_INPUT) {
			if (!rd) {
				rc = mlcu_error_set(
				    MLC_ERROR, "%s: scanner wants input past the end", L->name);
				goto done;
			}
			if ((rc = mlc_io__next(rd, &p, &n)) != 0 ||
			    (rc = mlc_csv__feed(csv, p, n, n == 0)) != 0)
				goto done;
			continue;
		}
		if (rc == MLC_CSV_END)
			break;
		if (rc < 0)
			goto done;
		if (!seen_header) {
			seen_header = 1;
			if ((rc = header(L, csv, &row)) != 0)
				goto done;
			continue;
		}
		L->u->stats.rows_read++;
		if ((rc = data_row(L, &row)) == 0)
			continue;
		/* lenient skips bad values; limits (sums past 2^64, too many keys) stay fatal */
		if (!L->lenient || rc != MLC_EPARSE ||
		    (rc = mlc_usage__note(L->u, mlc_error_message())) != 0)
			goto done;
	}
	rc = seen_header ? 0
	                 : mlcu_error_set(MLC_EPARSE,
	                                  "%s: empty file: expected a header "
	                                  "date,model_id,requests",
	                                  L->name);
done:
	mlc_csv__free(csv);
	return rc;
}

static int load(mlc_usage **out, mlc_reader *rd, const char *mem, size_t memlen, const char *name,
                const mlc_usage_options *opts)
{
	mlc_usage_options def = MLC_USAGE_OPTIONS_INIT;
	loader L;
	int rc;
	if (!opts)
		opts = &def;
	memset(&L, 0, sizeof(L));
	L.name = name;
	L.lenient = opts->lenient;
	if ((rc = mlc_usage__new(&L.u, opts->bucket, opts->max_keys)) != 0)
		return rc;
	if ((rc = scan(&L, rd, mem, memlen)) != 0 || (rc = mlc_usage__finish(L.u)) != 0) {
		mlc_usage__free(L.u);
		return rc;
	}
	*out = L.u;
	return 0;
}

int mlc_usage__load_file(mlc_usage **out, const char *path, const mlc_usage_options *opts)
{
	mlc_reader *rd = NULL;
	int rc;
	*out = NULL;
	if ((rc = mlc_io__open(&rd, path, NULL)) != 0)
		return rc;
	rc = load(out, rd, NULL, 0, mlc_io__name(rd), opts);
	mlc_io__close(rd);
	return rc;
}

int mlc_usage__load_mem(mlc_usage **out, const char *name, const void *data, size_t len,
                        const mlc_usage_options *opts)
{
	/* already in memory: the scanner reads it in place, no reader needed */
	*out = NULL;
	return load(out, NULL, data, len, name, opts);
}
