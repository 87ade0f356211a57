/* SPDX-License-Identifier: MIT */
/*
 * pricing_load.c - getting sources into a catalog: "builtin:NAME", files
 * (read whole, up to MLC_PRICING__MAX_FILE) and buffers, with the format
 * told from the content; and `validate`, which reads a source into a
 * scratch catalog while collecting every finding instead of stopping.
 *
 * The readers of each format live in their own files; this one only
 * dispatches, reports data errors with their position, and keeps findings.
 */
#include "pricing_internal.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUILTIN_PREFIX "builtin:"

/* ---- findings ---- */

int mlc_pricing__findings_add(mlc_catalog_findings *f, unsigned line, const char *fmt, ...)
{
	mlcu_buf b;
	va_list ap;
	int rc;
	if (f->count >= MLC_PRICING__MAX_FINDINGS) {
		f->dropped++;
		return 0;
	}
	if (f->count == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 16;
		char **m = mlcu_reallocarray(f->msgs, cap, sizeof(*m));
		unsigned *l;
		if (m == NULL)
			return mlcu_error_oom();
		f->msgs = m;
		l = mlcu_reallocarray(f->lines, cap, sizeof(*l));
		if (l == NULL)
			return mlcu_error_oom();
		f->lines = l;
		f->cap = cap;
	}
	mlcu_buf_init(&b, MLCU_ERROR_MAX);
	va_start(ap, fmt);
	rc = mlcu_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (rc == MLC_ETOOLARGE)
		rc = 0; /* a long message is cut, like an error message */
	if (rc || b.ptr == NULL) {
		mlcu_buf_free(&b);
		return rc ? rc : mlcu_error_oom();
	}
	f->lines[f->count] = line;
	f->msgs[f->count++] = mlcu_buf_detach(&b);
	return 0;
}

int mlc_pricing__bad(mlc_pricing__ctx *ctx, unsigned line, const char *column, const char *fmt,
		     ...)
{
	char msg[MLCU_ERROR_MAX], where[MLCU_ERROR_MAX / 2];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line)
		snprintf(where, sizeof(where), "%s:%u", ctx->name, line);
	else
		snprintf(where, sizeof(where), "%s", ctx->name);
	if (ctx->findings) {
		if (column)
			return mlc_pricing__findings_add(ctx->findings, line, "%s: column '%s': %s",
							 where, column, msg);
		return mlc_pricing__findings_add(ctx->findings, line, "%s: %s", where, msg);
	}
	if (column)
		return mlcu_error_set(MLC_EPARSE, "%s: column '%s': %s", where, column, msg);
	return mlcu_error_set(MLC_EPARSE, "%s: %s", where, msg);
}

size_t mlc_catalog_findings_count(const mlc_catalog_findings *f)
{
	return f ? f->count : 0;
}

size_t mlc_catalog_findings_dropped(const mlc_catalog_findings *f)
{
	return f ? f->dropped : 0;
}

const char *mlc_catalog_finding(const mlc_catalog_findings *f, size_t i)
{
	return f && i < f->count ? f->msgs[i] : NULL;
}

void mlc_catalog_findings_free(mlc_catalog_findings *f)
{
	size_t i;
	if (f == NULL)
		return;
	for (i = 0; i < f->count; i++)
		mlcu_free(f->msgs[i]);
	mlcu_free(f->msgs);
	mlcu_free(f->lines);
	mlcu_free(f);
}

/* Stable sort by line (insertion sort: findings come nearly in order). */
static void sort_findings(mlc_catalog_findings *f)
{
	size_t i, j;
	for (i = 1; i < f->count; i++) {
		unsigned l = f->lines[i];
		char *m = f->msgs[i];
		for (j = i; j > 0 && f->lines[j - 1] > l; j--) {
			f->lines[j] = f->lines[j - 1];
			f->msgs[j] = f->msgs[j - 1];
		}
		f->lines[j] = l;
		f->msgs[j] = m;
	}
}

/* ---- reading ---- */

static int read_file(char **out, size_t *len, const char *path)
{
	FILE *f = NULL;
	mlcu_buf b;
	char chunk[65536];
	size_t n;
	int rc = 0;
	*out = NULL;
	*len = 0;
	mlcu_buf_init(&b, MLC_PRICING__MAX_FILE);
	f = fopen(path, "rb");
	if (f == NULL) {
		rc = mlcu_error_set(MLC_EIO, "%s: cannot open: %s", path, strerror(errno));
		goto done;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		rc = mlcu_buf_append(&b, chunk, n);
		if (rc == MLC_ETOOLARGE)
			rc = mlcu_error_set(MLC_ETOOLARGE, "%s: larger than the %u MiB catalog limit",
					    path, MLC_PRICING__MAX_FILE / (1024 * 1024));
		if (rc)
			goto done;
	}
	if (ferror(f)) {
		rc = mlcu_error_set(MLC_EIO, "%s: read error", path);
		goto done;
	}
	*len = b.len;
	*out = b.len ? mlcu_buf_detach(&b) : NULL;
done:
	if (f)
		fclose(f);
	mlcu_buf_free(&b);
	return rc;
}

static const char *detect(const char *data, size_t len)
{
	size_t i = 0;
	if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
		i = 3;
	while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
		i++;
	if (i < len && data[i] == '{')
		return "litellm-json";
	/* SkyPilot's header names its columns in CamelCase, starting with these */
	for (; i < len && data[i] != '\n'; i++)
		if (len - i >= 12 && !memcmp(data + i, "InstanceType", 12))
			return "skypilot-csv";
	return "catalog-csv";
}

static int read_source(mlc_pricing__ctx *ctx, const char *format, const char *data, size_t len)
{
	if (!strcmp(format, "litellm-json"))
		return mlc_pricing__read_litellm_json(ctx, data, len);
	if (!strcmp(format, "skypilot-csv"))
		return mlc_pricing__read_skypilot_csv(ctx, data, len);
	return mlc_pricing__read_catalog_csv(ctx, data, len);
}

int mlc_catalog_load_buffer(mlc_catalog *cat, const char *name, const char *data, size_t len)
{
	mlc_pricing__ctx ctx;
	const char *format;
	int rc;
	if (cat == NULL || name == NULL || (data == NULL && len))
		return mlcu_error_set(MLC_EINVAL, "no catalog, name or data");
	if (len > MLC_PRICING__MAX_FILE)
		return mlcu_error_set(MLC_ETOOLARGE, "%s: larger than the %u MiB catalog limit", name,
				      MLC_PRICING__MAX_FILE / (1024 * 1024));
	format = detect(data ? data : "", len);
	rc = mlc_pricing__begin(&ctx, cat, name, format);
	if (rc)
		return rc;
	rc = read_source(&ctx, format, data ? data : "", len);
	return mlc_pricing__commit(&ctx, rc);
}

int mlc_catalog_load(mlc_catalog *cat, const char *source)
{
	mlc_pricing__ctx ctx;
	char *data = NULL;
	size_t len;
	int rc;
	if (cat == NULL || source == NULL)
		return mlcu_error_set(MLC_EINVAL, "no catalog or source");
	if (!strncmp(source, BUILTIN_PREFIX, strlen(BUILTIN_PREFIX))) {
		rc = mlc_pricing__begin(&ctx, cat, source, "builtin");
		if (rc)
			return rc;
		rc = mlc_pricing__read_builtin(&ctx, source + strlen(BUILTIN_PREFIX));
		return mlc_pricing__commit(&ctx, rc);
	}
	rc = read_file(&data, &len, source);
	if (rc == 0)
		rc = mlc_catalog_load_buffer(cat, source, data, len);
	mlcu_free(data);
	return rc;
}

/* ---- validate ---- */

/* Read one source into a scratch catalog, collecting findings. */
static int validate_into(mlc_catalog_findings *f, const char *name, const char *data, size_t len,
			 int builtin)
{
	mlc_catalog *cat = NULL;
	mlc_pricing__ctx ctx;
	const char *format = builtin ? "builtin" : detect(data, len);
	int rc = mlc_catalog_new(&cat);
	if (rc)
		return rc;
	rc = mlc_pricing__begin(&ctx, cat, name, format);
	if (rc)
		goto done;
	ctx.findings = f;
	if (builtin)
		rc = mlc_pricing__read_builtin(&ctx, name + strlen(BUILTIN_PREFIX));
	else
		rc = read_source(&ctx, format, data, len);
	/* a structural error ends the reading; it is one more finding */
	if (rc == MLC_EPARSE || rc == MLC_ETOOLARGE)
		rc = mlc_pricing__findings_add(f, (unsigned)-1, "%s", mlc_error_message());
	if (rc == 0)
		rc = mlc_pricing__check_rows(&ctx, ctx.first_row);
	rc = mlc_pricing__commit(&ctx, rc);
done:
	mlc_catalog_free(cat);
	return rc;
}

static int validate_common(mlc_catalog_findings **out, const char *name, const char *data,
			   size_t len, int builtin)
{
	mlc_catalog_findings *f;
	int rc;
	*out = NULL;
	f = mlcu_calloc(1, sizeof(*f));
	if (f == NULL)
		return mlcu_error_oom();
	rc = validate_into(f, name, data ? data : "", len, builtin);
	if (rc) {
		mlc_catalog_findings_free(f);
		return rc;
	}
	sort_findings(f);
	*out = f;
	return 0;
}

int mlc_catalog_validate_buffer(mlc_catalog_findings **out, const char *name, const char *data,
				size_t len)
{
	if (out == NULL || name == NULL || (data == NULL && len))
		return mlcu_error_set(MLC_EINVAL, "no output, name or data");
	return validate_common(out, name, data, len, 0);
}

int mlc_catalog_validate(mlc_catalog_findings **out, const char *source)
{
	char *data = NULL;
	size_t len = 0;
	int rc;
	if (out == NULL || source == NULL)
		return mlcu_error_set(MLC_EINVAL, "no output or source");
	*out = NULL;
	if (!strncmp(source, BUILTIN_PREFIX, strlen(BUILTIN_PREFIX)))
		return validate_common(out, source, NULL, 0, 1);
	rc = read_file(&data, &len, source);
	if (rc == MLC_ETOOLARGE) {
		mlc_catalog_findings *f = mlcu_calloc(1, sizeof(*f));
		if (f == NULL)
			return mlcu_error_oom();
		rc = mlc_pricing__findings_add(f, 0, "%s", mlc_error_message());
		if (rc)
			mlc_catalog_findings_free(f);
		else
			*out = f;
		return rc;
	}
	if (rc == 0)
		rc = validate_common(out, source, data, len, 0);
	mlcu_free(data);
	return rc;
}
