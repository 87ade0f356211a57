// SPDX-License-Identifier: MIT
// The public header compiles as C++ and links against the shared library.
#include <mlcost.h>

extern "C" int header_test_cxx(void);
extern "C" int header_test_cxx(void)
{
	mlc_catalog *cat = nullptr;
	if (mlc_catalog_new(&cat) != MLC_OK)
		return 0;
	mlc_catalog_free(cat);
	return 1;
}
