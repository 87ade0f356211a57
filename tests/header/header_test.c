/* SPDX-License-Identifier: MIT */
/* The public header compiles alone under -std=c11 -pedantic -Werror. */
#include <mlcost.h>

int header_test_c(void);
int header_test_c(void)
{
	return mlc_version()[0] != '\0';
}
