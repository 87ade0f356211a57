/* SPDX-License-Identifier: MIT */
#include <stdio.h>

int header_test_c(void);
int header_test_cxx(void);

int main(void)
{
	if (!header_test_c() || !header_test_cxx()) {
		fprintf(stderr, "header test failed\n");
		return 1;
	}
	return 0;
}
