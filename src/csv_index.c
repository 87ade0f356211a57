/* SPDX-License-Identifier: MIT */
/*
 * csv_index.c - stage 1 of the CSV scanner: for each 64-byte block, one
 * bitmask per interesting byte (quote, delimiter, newline), then the quote
 * state of every byte by a prefix XOR of the quote mask (the technique of
 * simdjson and simdcsv), which makes quoting branch-free: a delimiter or
 * newline counts only when an even number of quotes precede it. The same
 * masks validate RFC 4180 quoting: an opening quote must start a field,
 * and a closing quote must be followed by a delimiter, a line end or
 * another quote (a doubled quote).
 *
 * Three kernels compute the byte masks: AVX2 (runtime-detected, compiled
 * with a target attribute, carry-less multiply for the prefix XOR), SSE2
 * (the x86_64 baseline) and a portable 64-bit SWAR one. They differ only
 * in speed; the unit tests run all three on the same inputs.
 */
#include "csv_index.h"
#include "csv.h"

#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#define MLC_CSV_X86 1
#include <immintrin.h>
#endif

static inline uint64_t prefix_xor_shift(uint64_t x)
{
	x ^= x << 1;
	x ^= x << 2;
	x ^= x << 4;
	x ^= x << 8;
	x ^= x << 16;
	x ^= x << 32;
	return x;
}

/* CRs among the `bits` positions of the block (rare: only after a
 * closing quote that is not followed by a delimiter or newline). */
static uint64_t cr_bits(const char *p, uint64_t bits)
{
	uint64_t r = 0;
	while (bits) {
		int b = __builtin_ctzll(bits);
		if (p[b] == '\r')
			r |= 1ULL << b;
		bits &= bits - 1;
	}
	return r;
}

/*
 * Everything after the byte masks; px is prefix_xor(q). Inlined into each
 * kernel so that the AVX2 one stays a single function with its target.
 */
static inline __attribute__((always_inline)) void
finish_block(mlc_csv_mask *out, const char *p, uint64_t q, uint64_t px, uint64_t d, uint64_t n,
	     mlc_csv_ixstate *st)
{
	uint64_t inside = px ^ st->in_quote;
	uint64_t open = q & inside, close = q & ~inside;
	uint64_t ends = (d | n) & ~inside;
	uint64_t field_start = (ends << 1) | st->at_field_start;
	uint64_t after_close = (close << 1) | st->after_close;
	uint64_t pending = after_close & ~(d | n | open);
	uint64_t bad = open & ~(field_start | after_close), crc = 0;
	if (__builtin_expect(pending != 0, 0)) {
		crc = cr_bits(p, pending);
		bad |= pending & ~crc;
	}
	bad |= ((crc << 1) | st->after_close_cr) & ~n;
	st->in_quote = (uint64_t)((int64_t)inside >> 63);
	st->at_field_start = ends >> 63;
	st->after_close = close >> 63;
	st->after_close_cr = crc >> 63;
	out->fields = ends;
	out->recs = n & ~inside;
	out->nls = n;
	out->bad = bad;
}

/* ---- portable: SWAR on 64-bit words ---------------------------------- */

static inline uint64_t swar_eq(uint64_t w, uint64_t pattern)
{
	const uint64_t low7 = 0x7f7f7f7f7f7f7f7fULL;
	uint64_t x = w ^ pattern; /* zero bytes where equal */
	uint64_t t = ~(((x & low7) + low7) | x | low7);
	/* gather the high bit of each byte into 8 bits */
	return ((t >> 7) * 0x0102040810204080ULL) >> 56;
}

static void index_portable(mlc_csv_mask *out, const char *p, size_t nblocks, char delim,
			   mlc_csv_ixstate *st)
{
	const uint64_t ones = 0x0101010101010101ULL;
	const uint64_t pq = ones * (unsigned char)'"', pd = ones * (unsigned char)delim;
	const uint64_t pn = ones * (unsigned char)'\n';
	for (size_t b = 0; b < nblocks; b++, p += MLC_CSV_BLOCK) {
		uint64_t q = 0, d = 0, n = 0;
		for (int i = 0; i < 8; i++) {
			uint64_t w;
			memcpy(&w, p + 8 * i, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
			w = __builtin_bswap64(w);
#endif
			q |= swar_eq(w, pq) << (8 * i);
			d |= swar_eq(w, pd) << (8 * i);
			n |= swar_eq(w, pn) << (8 * i);
		}
		finish_block(out + b, p, q, prefix_xor_shift(q), d, n, st);
	}
}

#ifdef MLC_CSV_X86
/* ---- SSE2: the x86_64 baseline --------------------------------------- */

static void index_sse2(mlc_csv_mask *out, const char *p, size_t nblocks, char delim,
		       mlc_csv_ixstate *st)
{
	const __m128i vq = _mm_set1_epi8('"'), vd = _mm_set1_epi8(delim);
	const __m128i vn = _mm_set1_epi8('\n');
	for (size_t b = 0; b < nblocks; b++, p += MLC_CSV_BLOCK) {
		uint64_t q = 0, d = 0, n = 0;
		for (int i = 0; i < 4; i++) {
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * i));
			q |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, vq)) << (16 * i);
			d |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, vd)) << (16 * i);
			n |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, vn)) << (16 * i);
		}
		finish_block(out + b, p, q, prefix_xor_shift(q), d, n, st);
	}
}

/* ---- AVX2 + carry-less multiply, chosen at run time ------------------- */

__attribute__((target("avx2,pclmul"))) static void
index_avx2(mlc_csv_mask *out, const char *p, size_t nblocks, char delim, mlc_csv_ixstate *st)
{
	const __m256i vq = _mm256_set1_epi8('"'), vd = _mm256_set1_epi8(delim);
	const __m256i vn = _mm256_set1_epi8('\n');
	const __m128i all = _mm_set1_epi8((char)0xff);
	for (size_t b = 0; b < nblocks; b++, p += MLC_CSV_BLOCK) {
		__m256i lo = _mm256_loadu_si256((const __m256i *)(const void *)p);
		__m256i hi = _mm256_loadu_si256((const __m256i *)(const void *)(p + 32));
		uint64_t q = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(lo, vq)) |
			     (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(hi, vq)) << 32;
		uint64_t d = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(lo, vd)) |
			     (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(hi, vd)) << 32;
		uint64_t n = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(lo, vn)) |
			     (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(hi, vn)) << 32;
		uint64_t px = (uint64_t)_mm_cvtsi128_si64(
			_mm_clmulepi64_si128(_mm_set_epi64x(0, (long long)q), all, 0));
		finish_block(out + b, p, q, px, d, n, st);
	}
}

static int have_avx2(void)
{
	static int cached = -1;
	if (cached < 0) {
		__builtin_cpu_init();
		cached = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("pclmul");
	}
	return cached;
}
#endif

int mlc_csv__isa_resolve(int isa)
{
#ifdef MLC_CSV_X86
	if (isa == MLC_CSV_ISA_AUTO || isa == MLC_CSV_ISA_AVX2)
		return have_avx2() ? MLC_CSV_ISA_AVX2 : MLC_CSV_ISA_SSE2;
	if (isa == MLC_CSV_ISA_SSE2)
		return MLC_CSV_ISA_SSE2;
#endif
	return MLC_CSV_ISA_PORTABLE;
}

mlc_csv_index_fn mlc_csv__index_kernel(int isa)
{
	switch (mlc_csv__isa_resolve(isa)) {
#ifdef MLC_CSV_X86
	case MLC_CSV_ISA_AVX2:
		return index_avx2;
	case MLC_CSV_ISA_SSE2:
		return index_sse2;
#endif
	default:
		return index_portable;
	}
}

const char *mlc_csv__isa_name(int isa)
{
	switch (mlc_csv__isa_resolve(isa)) {
	case MLC_CSV_ISA_AVX2:
		return "avx2";
	case MLC_CSV_ISA_SSE2:
		return "sse2";
	default:
		return "portable";
	}
}

/* ---- helpers for chunked callers --------------------------------------- */

/*
 * Walk p[0..n) from quote state in_quote; with stop_early, return at the
 * first record end (*found = offset past it), else go to the end. Returns
 * the quote state where the walk stopped.
 */
static int walk_quotes(const char *p, size_t n, int in_quote, int stop_early, size_t *found,
		       int *have)
{
	enum { BATCH = 16 };
	mlc_csv_index_fn kernel = mlc_csv__index_kernel(MLC_CSV_ISA_AUTO);
	mlc_csv_ixstate st = {in_quote ? ~0ULL : 0, 1, 0, 0};
	mlc_csv_mask m[BATCH];
	char tail[MLC_CSV_BLOCK];
	size_t off = 0;
	*have = 0;
	while (off < n) {
		size_t nb = (n - off) / MLC_CSV_BLOCK, step;
		const char *src = p + off;
		uint64_t lim = ~0ULL;
		if (nb == 0) {
			memset(tail, 0, sizeof(tail));
			memcpy(tail, p + off, n - off);
			src = tail;
			nb = 1;
			lim = (1ULL << (n - off)) - 1;
		} else if (nb > BATCH) {
			nb = BATCH;
		}
		kernel(m, src, nb, ',', &st);
		for (size_t b = 0; b < nb && !*have; b++) {
			uint64_t r = m[b].recs & (b + 1 == nb ? lim : ~0ULL);
			if (r) {
				*have = 1;
				*found = off + b * MLC_CSV_BLOCK + (size_t)__builtin_ctzll(r) + 1;
			}
		}
		if (*have && stop_early)
			return 0; /* a record end is outside quotes */
		step = nb * MLC_CSV_BLOCK;
		off = step > n - off ? n : off + step;
	}
	return (int)(st.in_quote & 1);
}

int mlc_csv__find_boundary(size_t *out, int *in_quote_out, const char *p, size_t n, int in_quote)
{
	size_t found = 0;
	int have, q = walk_quotes(p, n, in_quote, 1, &found, &have);
	if (!have) {
		if (in_quote_out)
			*in_quote_out = q;
		return MLC_ENOTFOUND;
	}
	*out = found;
	return 0;
}

int mlc_csv__quote_parity(const char *p, size_t n)
{
	size_t ignored;
	int have;
	return walk_quotes(p, n, 0, 0, &ignored, &have);
}
