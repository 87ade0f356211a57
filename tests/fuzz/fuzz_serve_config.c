/* SPDX-License-Identifier: MIT */
/*
 * fuzz_serve_config.c - the serve.yaml loader: any bytes must load or fail
 * cleanly with a positioned message. A config that loads is printed
 * (--print-config), the print must load again and print the same text: a
 * difference, or a failure without a message, traps.
 */
#include "config.h"
#include "serve_error.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void print(char **out, size_t *len, const mlcd_config *c)
{
	FILE *f = open_memstream(out, len);
	if (!f)
		__builtin_trap();
	mlcd_config_print(f, c);
	fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mlcd_config *c = NULL, *d = NULL;
	char *a = NULL, *b = NULL;
	size_t na = 0, nb = 0;
	if (mlcd_config_load_string(&c, "fuzz.yaml", "/etc/mlcost", (const char *)data, size) !=
	    0) {
		if (!mlcd_error_message()[0])
			__builtin_trap();
		return 0;
	}
	print(&a, &na, c);
	/* the printed paths are resolved already: read them back without a directory */
	if (mlcd_config_load_string(&d, "printed.yaml", NULL, a, na) != 0)
		__builtin_trap();
	print(&b, &nb, d);
	/* the first line names the file; the rest must be the same */
	if (strcmp(strchr(a, '\n'), strchr(b, '\n')))
		__builtin_trap();
	free(a);
	free(b);
	mlcd_config_free(c);
	mlcd_config_free(d);
	return 0;
}
