/* SPDX-License-Identifier: MIT */
/* The public header compiles alone under -std=c11 -pedantic -Werror, and the
 * utilities of mlcost/common.h are exported by the shared library. */
#include <mlcost.h>

int header_test_c(void);
int header_test_c(void)
{
	char hex[2 * MLC_SHA256_LEN + 1], text[MLC_TIME_FORMAT_MAX];
	int64_t t = 0;
	if (mlc_sha256_hex(hex, "abc", 3) != MLC_OK || hex[0] != 'b' || hex[1] != 'a')
		return 0;
	/* 86400 s after the epoch: the second day */
	if (mlc_time_parse(&t, "1970-01-02", 10) != MLC_OK || t != 86400 ||
	    mlc_time_format(text, sizeof(text), t) != 20 || text[9] != '2')
		return 0;
	return mlc_version()[0] != '\0';
}
