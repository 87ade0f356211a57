/* SPDX-License-Identifier: MIT */
/*
 * util/file.c - whole-file reads with a limit (see file.h).
 */
#include "util/file.h"
#include "mlcost/common.h"
#include "util/alloc.h"
#include "util/error.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int mlcu_read_file(char **out, size_t *out_len, const char *path, size_t max)
{
	FILE *fp;
	char *data = NULL, *grown;
	size_t len = 0, cap = 0, n;
	int rc = 0;

	*out = NULL;
	*out_len = 0;
	fp = fopen(path, "rb");
	if (!fp)
		return mlcu_error_set(MLC_EIO, "%s: %s", path, strerror(errno));
	do {
		if (len == cap) {
			if (cap > max) {
				rc = mlcu_error_set(MLC_ETOOLARGE, "%s: larger than %zu bytes", path,
						    max);
				goto done;
			}
			cap = cap ? cap * 2 : 8192;
			if (!(grown = mlcu_realloc(data, cap + 1))) {
				rc = mlcu_error_oom();
				goto done;
			}
			data = grown;
		}
		n = fread(data + len, 1, cap - len, fp);
		len += n;
	} while (n > 0);
	if (ferror(fp))
		rc = mlcu_error_set(MLC_EIO, "%s: read error", path);
	else if (len > max)
		rc = mlcu_error_set(MLC_ETOOLARGE, "%s: larger than %zu bytes", path, max);
done:
	fclose(fp);
	if (rc) {
		mlcu_free(data);
		return rc;
	}
	data[len] = '\0';
	*out = data;
	*out_len = len;
	return 0;
}
