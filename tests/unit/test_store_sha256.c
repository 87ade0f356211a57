/* SPDX-License-Identifier: MIT */
/* Unit tests of SHA-256 (src/util/sha256.c) with the FIPS 180-2 / NIST
 * example vectors, split feeding, and mlc_store_file_sha256 on a file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mlcost/store.h"
#include "util/sha256.h"

static void hex_of(char *out, const void *data, size_t len, size_t step)
{
	unsigned char d[MLCU_SHA256_LEN];
	mlcu_sha256 c;
	mlcu_sha256_init(&c);
	for (size_t i = 0; i < len; i += step)
		mlcu_sha256_update(&c, (const char *)data + i, len - i < step ? len - i : step);
	mlcu_sha256_final(d, &c);
	mlcu_sha256_hex(out, d);
}

static void nist_vectors(void **state)
{
	static const struct {
		const char *msg, *hex;
	} v[] = {
	    {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
	    {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
	    {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
	    {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopq"
	     "klmnopqrlmnopqrsmnopqrstnopqrstu",
	     "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
	};
	char hex[65];
	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		for (size_t step = 1; step <= 128;
		     step *= 2) { /* any split gives the same digest */
			hex_of(hex, v[i].msg, strlen(v[i].msg), step);
			assert_string_equal(hex, v[i].hex);
		}
}

static void one_million_a(void **state)
{
	char *m = malloc(1000000), hex[65];
	(void)state;
	memset(m, 'a', 1000000);
	hex_of(hex, m, 1000000, 4096);
	assert_string_equal(hex,
	                    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(m);
}

static void file_checksum(void **state)
{
	char path[] = "/tmp/mlc_sha_XXXXXX", hex[65];
	int fd = mkstemp(path);
	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "abc", 3), 3);
	close(fd);
	assert_int_equal(mlc_store_file_sha256(hex, path), 0);
	assert_string_equal(hex,
	                    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	unlink(path);
	assert_int_equal(mlc_store_file_sha256(hex, path), MLC_EIO);
	assert_non_null(strstr(mlc_error_message(), path));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(nist_vectors),
	    cmocka_unit_test(one_million_a),
	    cmocka_unit_test(file_checksum),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
