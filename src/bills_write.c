/* SPDX-License-Identifier: MIT */
/*
 * bills_write.c - the machine formats of an attribution result (SPEC §4):
 * CSV (header of the dimensions as given, then bucket, then cost,rows) and
 * JSON ({"cost_basis","currency","rows_read","total","groups":[...]}),
 * amounts exact, written straight to a stream so that a million groups
 * need no buffer. Also the grouped (thousands-separated) amount text that
 * tables use.
 *
 * What it is not: the table renderer (the CLI's, cli/table.h), nor a
 * general JSON writer: strings are escaped for JSON and invalid UTF-8
 * bytes become U+FFFD so that the output always parses.
 */
#include "bills_internal.h"
#include "util/error.h"

#include <string.h>

size_t mlc_amount_format_grouped(char *out, size_t cap, mlc_amount a, int decimals)
{
	char digits[MLCU_MONEY_FMT_MAX], grouped[MLCU_MONEY_FMT_MAX + 16];
	const char *d = digits;
	size_t len, intlen, j = 0;
	if (decimals < 0)
		decimals = 0;
	mlcu_money_format_fixed(digits, sizeof(digits), mlc_bills__money(a),
	                        decimals > 12 ? 12 : decimals);
	if (*d == '-')
		grouped[j++] = *d++;
	len = strlen(d);
	intlen = strcspn(d, ".");
	for (size_t i = 0; i < len; i++) {
		if (i > 0 && i < intlen && (intlen - i) % 3 == 0)
			grouped[j++] = ',';
		grouped[j++] = d[i];
	}
	grouped[j] = '\0';
	if (cap) {
		size_t n = j < cap - 1 ? j : cap - 1;
		memcpy(out, grouped, n);
		out[n] = '\0';
	}
	return j;
}

static void human_bytes(char *out, size_t n, double b)
{
	static const char *const unit[] = {"B", "kB", "MB", "GB", "TB"};
	int u = 0;
	while (b >= 1000 && u < 4)
		b /= 1000, u++;
	snprintf(out, n, u ? "%.1f %s" : "%.0f %s", b, unit[u]);
}

size_t mlc_bills_progress_text(char *out, size_t cap, const mlc_bills_progress *p)
{
	char done[32], total[32], eta[32] = "";
	double rate = p->seconds > 0 ? (double)p->rows / p->seconds : 0;
	int n;
	human_bytes(done, sizeof(done), (double)p->bytes_done);
	if (!p->bytes_total) {
		n = snprintf(out, cap, "%s  %.0f rows/s", done, rate);
		return n < 0 ? 0 : (size_t)n;
	}
	if (p->bytes_done && p->bytes_done < p->bytes_total) {
		double left =
		    p->seconds * (double)(p->bytes_total - p->bytes_done) / (double)p->bytes_done;
		snprintf(eta, sizeof(eta), "  ETA %d:%02d", (int)left / 60, (int)left % 60);
	}
	human_bytes(total, sizeof(total), (double)p->bytes_total);
	n = snprintf(out, cap, "%s / %s (%.0f%%)  %.0f rows/s%s", done, total,
	             100.0 * (double)p->bytes_done / (double)p->bytes_total, rate, eta);
	return n < 0 ? 0 : (size_t)n;
}

static void put_amount(FILE *f, mlc_amount a)
{
	char buf[MLC_AMOUNT_FMT_MAX];
	mlc_amount_format(buf, sizeof(buf), a, -1);
	fputs(buf, f);
}

void mlc_bills__put_csv(FILE *f, const char *s, size_t n)
{
	int quote = 0;
	for (size_t i = 0; i < n && !quote; i++)
		quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
	if (!quote) {
		fwrite(s, 1, n, f);
		return;
	}
	fputc('"', f);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			fputc('"', f);
		fputc(s[i], f);
	}
	fputc('"', f);
}

/* Length of the valid UTF-8 sequence at s[0..n), or 0 when invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t need = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : 2;
	uint32_t cp;
	if (s[0] < 0xC2 || s[0] > 0xF4 || n < need)
		return 0;
	for (size_t i = 1; i < need; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	cp = need == 2 ? (uint32_t)(s[0] & 0x1F) << 6 | (s[1] & 0x3F)
	     : need == 3
	         ? (uint32_t)(s[0] & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 | (s[2] & 0x3F)
	         : (uint32_t)(s[0] & 0x07) << 18 | (uint32_t)(s[1] & 0x3F) << 12 |
	               (uint32_t)(s[2] & 0x3F) << 6 | (s[3] & 0x3F);
	if ((need == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
	    (need == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
		return 0;
	return need;
}

void mlc_bills__put_json(FILE *f, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	fputc('"', f);
	for (size_t i = 0; i < n;) {
		unsigned char c = p[i];
		size_t k;
		if (c == '"' || c == '\\') {
			fputc('\\', f);
			fputc(c, f);
			i++;
		} else if (c < 0x20) {
			fprintf(f,
			        c == '\n'   ? "\\n"
			        : c == '\t' ? "\\t"
			        : c == '\r' ? "\\r"
			                    : "\\u%04x",
			        c);
			i++;
		} else if (c < 0x80) {
			fputc(c, f);
			i++;
		} else if ((k = utf8_len(p + i, n - i)) != 0) {
			fwrite(p + i, 1, k, f);
			i += k;
		} else {
			fputs("\\ufffd", f);
			i++;
		}
	}
	fputc('"', f);
}

static void put_bucket(FILE *f, const mlc_bills_result *r, int64_t t)
{
	char b[48];
	mlc_time_bucket_label(b, sizeof(b), t, r->bucket);
	fputs(b, f);
}

static void write_csv(const mlc_bills_result *r, FILE *f)
{
	for (size_t d = 0; d < r->nby; d++) {
		mlc_bills__put_csv(f, r->by[d], strlen(r->by[d]));
		fputc(',', f);
	}
	if (r->bucket != MLC_BUCKET_NONE)
		fputs("bucket,", f);
	for (size_t b = 0; b < r->nbases; b++)
		fprintf(f, "%s,", r->nbases > 1 ? mlc_cost_basis_name(r->bases[b]) : "cost");
	fputs("rows\n", f);
	for (size_t g = 0; g < r->ngroups; g++) {
		const mlc_bills_group *G = &r->groups[g];
		for (size_t d = 0; d < r->nby; d++) {
			if (G->values[d])
				mlc_bills__put_csv(f, G->values[d], G->lens[d]);
			fputc(',', f);
		}
		if (r->bucket != MLC_BUCKET_NONE) {
			put_bucket(f, r, G->bucket);
			fputc(',', f);
		}
		for (size_t b = 0; b < r->nbases; b++) {
			put_amount(f, G->cost[b]);
			fputc(',', f);
		}
		fprintf(f, "%llu\n", (unsigned long long)G->rows);
	}
}

/* "cost":C or "billed":B,"effective":E */
static void json_costs(FILE *f, const mlc_bills_result *r, const mlc_amount *cost)
{
	for (size_t b = 0; b < r->nbases; b++) {
		fprintf(f, "%s\"%s\":", b ? "," : "",
		        r->nbases > 1 ? mlc_cost_basis_name(r->bases[b]) : "cost");
		put_amount(f, cost[b]);
	}
}

static void json_head(const mlc_bills_result *r, FILE *f)
{
	fputs("{\"cost_basis\":", f);
	if (r->nbases == 1) {
		fprintf(f, "\"%s\"", mlc_cost_basis_name(r->bases[0]));
	} else {
		fputc('[', f);
		for (size_t b = 0; b < r->nbases; b++)
			fprintf(f, "%s\"%s\"", b ? "," : "", mlc_cost_basis_name(r->bases[b]));
		fputc(']', f);
	}
	fputs(",\"currency\":", f);
	if (r->currency)
		mlc_bills__put_json(f, r->currency, strlen(r->currency));
	else
		fputs("null", f);
	fprintf(f, ",\"rows_read\":%llu,\"rows_skipped\":%llu,\"total\":",
	        (unsigned long long)r->rows_read, (unsigned long long)r->rows_skipped);
	if (r->nbases == 1) {
		put_amount(f, r->total[0]);
	} else {
		fputc('{', f);
		json_costs(f, r, r->total);
		fputc('}', f);
	}
	fputs(",\"groups\":[", f);
}

static void write_json(const mlc_bills_result *r, FILE *f)
{
	json_head(r, f);
	for (size_t g = 0; g < r->ngroups; g++) {
		const mlc_bills_group *G = &r->groups[g];
		fputs(g ? ",\n{" : "\n{", f);
		for (size_t d = 0; d < r->nby; d++) {
			mlc_bills__put_json(f, r->by[d], strlen(r->by[d]));
			fputc(':', f);
			if (G->values[d])
				mlc_bills__put_json(f, G->values[d], G->lens[d]);
			else
				fputs("null", f);
			fputc(',', f);
		}
		if (r->bucket != MLC_BUCKET_NONE) {
			fputs("\"bucket\":\"", f);
			put_bucket(f, r, G->bucket);
			fputs("\",", f);
		}
		json_costs(f, r, G->cost);
		fprintf(f, ",\"rows\":%llu}", (unsigned long long)G->rows);
	}
	fputs("]}\n", f);
}

int mlc_bills_write(const mlc_bills_result *r, mlc_bills_format format, FILE *f)
{
	if (!r || !f)
		return mlcu_error_set(MLC_EINVAL, "mlc_bills_write: NULL argument");
	if (format == MLC_BILLS_JSON)
		write_json(r, f);
	else if (format == MLC_BILLS_CSV)
		write_csv(r, f);
	else
		return mlcu_error_set(MLC_EINVAL, "unknown output format %d", (int)format);
	if (fflush(f) != 0 || ferror(f))
		return mlcu_error_set(MLC_EIO, "writing the result failed");
	return 0;
}
