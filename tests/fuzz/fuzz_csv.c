/* SPDX-License-Identifier: MIT */
/*
 * fuzz_csv.c - libFuzzer target for the CSV scanner. The first byte picks
 * the delimiter and the SIMD kernels, the second seeds the piece sizes; the
 * rest is the CSV. The input is scanned whole with one kernel and again fed
 * in pieces with another: both must give the same records (field count,
 * line, offset, field bytes) and the same error; the same again with a
 * column selection (which skips the ends of records). A last pass with
 * tiny limits must merely not crash (which limit trips first may depend
 * on the feeding).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

#define MAX_PIECES 4096

typedef struct digest {
	uint64_t rows, hash;
	int rc;
	char msg[256];
} digest;

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ULL;
	return h;
}

static void add_row(digest *d, const mlc_csv_row *row, int all)
{
	uint64_t h = d->hash;
	if (all && row->nfields != row->ncols)
		abort(); /* every column is selected */
	h = mix(h, &row->ncols, sizeof(row->ncols));
	h = mix(h, &row->line, sizeof(row->line));
	h = mix(h, &row->offset, sizeof(row->offset));
	for (size_t i = 0; i < row->nfields; i++) {
		h = mix(h, &row->fields[i].len, sizeof(row->fields[i].len));
		h = mix(h, row->fields[i].ptr, row->fields[i].len);
	}
	d->hash = h;
	d->rows++;
}

/* Scan data, fed in pieces ending at cuts (or whole when ncuts == 0). */
static void scan(digest *d, const mlc_csv_options *o, const uint32_t *cols, size_t ncols,
		 const char *data, size_t n, const size_t *cuts, size_t ncuts)
{
	mlc_csv *s;
	mlc_csv_row row;
	size_t start = 0, k = 0;
	char *piece = NULL;
	memset(d, 0, sizeof(*d));
	if (mlc_csv__new(&s, o) != 0)
		abort();
	if (cols && mlc_csv__select(s, cols, NULL, ncols) != 0)
		abort();
	for (;;) {
		int rc = mlc_csv__next(s, &row);
		if (rc == MLC_CSV_ROW) {
			add_row(d, &row, cols == NULL);
			continue;
		}
		if (rc == MLC_CSV_NEED_INPUT) {
			size_t end = k < ncuts ? cuts[k++] : n;
			free(piece);
			/* each piece in its own allocation: reads past it are caught */
			piece = malloc(end - start ? end - start : 1);
			memcpy(piece, data + start, end - start);
			rc = mlc_csv__feed(s, piece, end - start, end == n);
			start = end;
			if (rc == 0)
				continue;
		}
		if (rc < 0) {
			d->rc = rc;
			strncpy(d->msg, mlc_error_message(), sizeof(d->msg) - 1);
		}
		break;
	}
	free(piece);
	mlc_csv__free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char delims[] = {',', ';', '\t', '|'};
	static size_t cuts[MAX_PIECES];
	const uint32_t cols[] = {3, 0, 1};
	mlc_csv_options o = MLC_CSV_OPTIONS_INIT;
	digest whole, pieces, limited;
	int isa_a, isa_b;
	uint64_t seed;
	size_t ncuts = 0, pos = 0, n;
	const char *csv;
	if (size < 2)
		return 0;
	o.delim = delims[data[0] & 3];
	seed = (uint64_t)data[1] * 0x9E3779B97F4A7C15ULL + 1;
	csv = (const char *)data + 2;
	n = size - 2;
	while (ncuts < MAX_PIECES) {
		seed ^= seed << 13;
		seed ^= seed >> 7;
		seed ^= seed << 17;
		pos += 1 + seed % (data[1] & 1 ? 97 : 7);
		if (pos >= n)
			break;
		cuts[ncuts++] = pos;
	}
	isa_a = 1 + ((data[0] >> 2) % 3);
	isa_b = 1 + ((data[0] >> 4) % 3);
	for (int sel = 0; sel < 2; sel++) {
		o.isa = isa_a;
		scan(&whole, &o, sel ? cols : NULL, 3, csv, n, NULL, 0);
		o.isa = isa_b;
		scan(&pieces, &o, sel ? cols : NULL, 3, csv, n, cuts, ncuts);
		if (whole.rows != pieces.rows || whole.hash != pieces.hash ||
		    whole.rc != pieces.rc || strcmp(whole.msg, pieces.msg) != 0)
			abort();
	}
	o.max_field = 16;
	o.max_row = 64;
	o.max_fields = 8;
	scan(&limited, &o, cols, 3, csv, n, cuts, ncuts);
	return 0;
}
