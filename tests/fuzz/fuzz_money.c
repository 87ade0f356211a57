/* SPDX-License-Identifier: MIT */
/*
 * fuzz_money.c - libFuzzer target for util/money. Whatever parses must
 * print back to text that parses to the same value; the fast path must
 * agree with the exact slow path (forced by appending "e0"); display
 * rounding must agree with mlcu_money_round; v + (-v) must be 0.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/money.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[MLCU_MONEY_FMT_MAX], forced[80];
	/* 10^24 units, 10^36 scaled: the parse limit */
	const mlcu_money limit = (mlcu_money)1000000000000000000LL * 1000000000000000000LL;
	mlcu_money v, w, acc;
	const char *s = (const char *)data;
	if (mlcu_money_parse(&v, s, size) != 0)
		return 0;
	mlcu_money_format(text, sizeof(text), v);
	if (mlcu_money_parse(&w, text, strlen(text)) != 0 || w != v)
		abort();
	if (size < 70 && !memchr(s, 'e', size) && !memchr(s, 'E', size)) {
		memcpy(forced, s, size);
		memcpy(forced + size, "e0", 2);
		if (mlcu_money_parse(&w, forced, size + 2) != 0 || w != v)
			abort();
	}
	for (int d = 0; d <= MLCU_MONEY_DIGITS; d += 3) {
		mlcu_money r = mlcu_money_round(v, d);
		int rc;
		mlcu_money_format_fixed(text, sizeof(text), v, d);
		rc = mlcu_money_parse(&w, text, strlen(text));
		/* rounding up may reach 10^24 units, which parse refuses */
		if (rc == MLC_ETOOLARGE && (r >= limit || r <= -limit))
			continue;
		if (rc != 0 || w != r)
			abort();
	}
	acc = v;
	if (mlcu_money_add(&acc, -v) != 0 || acc != 0)
		abort();
	return 0;
}
