/* SPDX-License-Identifier: MIT */
/*
 * util/file.h - read a whole (small) file into memory, with a size limit.
 * For configuration-sized inputs (profiles, catalogs, policies); bills are
 * streamed, never slurped.
 */
#ifndef MLCU_FILE_H
#define MLCU_FILE_H

#include <stddef.h>

/*
 * Read path into a NUL-terminated buffer (free with mlcu_free). Files larger
 * than max bytes fail with MLC_ETOOLARGE; a missing or unreadable file with
 * MLC_EIO "PATH: reason".
 */
int mlcu_read_file(char **out, size_t *out_len, const char *path, size_t max);

#endif
