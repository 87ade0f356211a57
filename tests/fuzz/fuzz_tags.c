/* SPDX-License-Identifier: MIT */
/*
 * fuzz_tags.c - the tags span scanner, the interning cache and the alias
 * loader on arbitrary bytes. Besides "no crash, no leak", it checks the
 * scanner's contract: every span lies in the input or in scratch (which
 * never needs more than the input's length), and interning the same bytes
 * twice gives the same set.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tags.h"

#define CAP 256

static int inside(const char *p, size_t n, const char *base, size_t len)
{
	return p >= base && p + n <= base + len;
}

static void check_parse(const char *text, size_t size, unsigned flags)
{
	static mlc_tags_pair pairs[CAP];
	char *scratch = malloc(size + 1);
	size_t n = 0;
	if (!scratch)
		return;
	if (mlc_tags__parse(pairs, CAP, &n, scratch, text, size, flags) == 0) {
		if (n > CAP)
			abort();
		for (size_t i = 0; i < n; i++) {
			const mlc_span *v[2] = {&pairs[i].key, &pairs[i].value};
			for (int k = 0; k < 2; k++)
				if (!inside(v[k]->ptr, v[k]->len, text, size) &&
				    !inside(v[k]->ptr, v[k]->len, scratch, size))
					abort();
			if (pairs[i].key.len == 0 || pairs[i].value.len == 0)
				abort();
		}
	}
	free(scratch);
}

static void check_intern(mlc_tags_cache *c, const char *text, size_t size, unsigned flags)
{
	static mlc_tags_query *q;
	const mlc_tags_set *a = NULL, *b = NULL;
	mlc_span v;
	int ra, rb;
	if (!q && mlc_tags__query_new(&q, NULL, "model_id", 8) != 0)
		return;
	ra = mlc_tags__intern(&a, c, text, size, flags);
	if (a)
		(void)mlc_tags__find(&v, a, q);
	rb = mlc_tags__intern(&b, c, text, size, flags);
	/* the second lookup is a hit on the same set (or the same refusal) */
	if (ra != rb || a != b)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static mlc_tags_cache *cache;
	const char *text = (const char *)data;
	mlc_tags_aliases *al = NULL;
	mlc_tags_query *q = NULL;
	if (!cache && mlc_tags__cache_new(&cache, 1) != 0)
		return 0;
	check_parse(text, size, 0);
	check_parse(text, size, MLC_TAGS_CUR2_KEYS);
	check_intern(cache, text, size, 0);
	check_intern(cache, text, size, MLC_TAGS_CSV_RAW | MLC_TAGS_CUR2_KEYS);
	if (size < 4096 && mlc_tags__aliases_parse(&al, "fuzz.yaml", text, size) == 0) {
		if (mlc_tags__query_new(&q, al, "model_id", 8) == 0)
			mlc_tags__query_free(q);
		mlc_tags__aliases_free(al);
	}
	return 0;
}
