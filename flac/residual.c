// The LPC residual of libFLAC's encoder, sixteen samples at a time.
//
// An LPC subframe's residual is, for every sample i of the block (RFC 9639
// §9.2.6, "Linear predictor subframe"):
//
//	residual[i] = data[i] - ((Σ_{j<order} qlp[j] · data[i-1-j]) >> shift)
//
// with the sum in 64 bits and an arithmetic shift. libFLAC 1.4 computes it
// with FLAC__lpc_compute_residual_from_qlp_coefficients_limit_residual
// whenever its bound on the residual passes 32 bits, and that function
// refuses the subframe, returning false, as soon as one residual is
// INT32_MIN or does not fit 32 bits. The bound is the sample width plus
// the size of the coefficients: 24-bit audio whose spectrum ends far below
// the Nyquist frequency (a 44.1 or 48 kHz master upsampled to 96 kHz, a
// low-passed or synthesized signal) gets large coefficients and takes this
// path for most subframes, and the function has only a scalar loop: in a
// `flac -8` encode of such a 96 kHz track it takes about two thirds of the
// time. Full-band audio with a noise floor rarely takes it.
//
// The package links libFLAC statically, with the linker's --wrap of that
// one function (encoder.go), so the encoder's calls come here. This file
// runs the same integer computation with AVX2 when the CPU has it: each
// product is the exact 64-bit product of two 32-bit integers and no sum
// can overflow (below), so every residual is exactly libFLAC's, whatever
// the order of the additions. When one is refused, libFLAC's function
// computes the block again, so the return value and the residuals before
// the refused one are libFLAC's (libFLAC's encoder discards the rest).
// Without AVX2, or with arguments beyond what the fast path takes,
// libFLAC's own function runs (__real_...).
//
// flac/residual_test.go compares the two functions and the definition on
// random input and at the edges of the range; flac/interop_test.go
// compares the encoded audio frames with `flac -8`'s.

#include <stdint.h>
#include "flac.h"

int __real_FLAC__lpc_compute_residual_from_qlp_coefficients_limit_residual(
	const int32_t *data, uint32_t data_len, const int32_t *qlp_coeff, uint32_t order,
	int lp_quantization, int32_t *residual);

unsigned long long lathe_flac_residual_calls;

#if defined(__x86_64__)
#include <immintrin.h>

// store8 finishes eight residuals from the sums of their even and odd
// samples: it stores them at r and returns the lanes that are refused.
__attribute__((target("avx2"))) static inline __m256i store8(__m256i even, __m256i odd,
		__m128i sh, __m256i lo, __m256i hi, __m256i c32, int32_t *r) {
	even = _mm256_srl_epi64(even, sh);
	odd = _mm256_srl_epi64(odd, sh);
	__m256i t = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xaa);
	_mm256_storeu_si256((__m256i *)r, _mm256_sub_epi32(c32, t));
	return _mm256_or_si256(
		_mm256_or_si256(_mm256_cmpgt_epi64(even, hi), _mm256_cmpgt_epi64(lo, even)),
		_mm256_or_si256(_mm256_cmpgt_epi64(odd, hi), _mm256_cmpgt_epi64(lo, odd)));
}

// residual_avx2 computes sixteen residuals per step, in four registers of
// four 64-bit lanes: the even samples i, i+2, i+4, i+6 in one and the odd
// ones in the next, for i and i+8. vpmuldq multiplies the low, signed
// half of each lane, so a load of eight data words at data+i-1-j gives the
// even samples their term j and a load one word later the odd ones.
// Two identities keep the rest short:
//
//   - data[i] - (sum >> s) = -((sum - data[i]·2^s) >> s): the sample
//     itself is one more term, with the coefficient -2^s;
//   - for |v| < 2^62, v >> s (arithmetic) = ((v + 2^62) >> s, logical)
//     - 2^(62-s): AVX2 has no arithmetic shift of 64-bit lanes, and 2^62
//     is the sums' starting value.
//
// So each residual is C - t, with t = (2^62 + Σ terms) >> s (logical) and
// C = 2^(62-s), and it is refused unless C - INT32_MAX ≤ t ≤ C + INT32_MAX.
// Its low 32 bits are C - t in 32-bit arithmetic. The refusals are
// collected over the block; with one, libFLAC's function computes the
// block again, and otherwise the last samples (fewer than 17). The fast
// path takes s ≤ 24 and |qlp| < 2^24, where
// |Σ terms| ≤ 32·2^24·2^31 + 2^31·2^24 < 2^61.
__attribute__((target("avx2"))) static int residual_avx2(const int32_t *data, int n,
		const int32_t *qlp, int order, int shift, int32_t *residual) {
	__m256i c[33];
	c[0] = _mm256_set1_epi64x(-((int64_t)1 << shift));
	for (int j = 0; j < order; j++) {
		c[j + 1] = _mm256_set1_epi64x(qlp[j]);
	}
	const int64_t bias = (int64_t)1 << 62, C = bias >> shift;
	const __m256i start = _mm256_set1_epi64x(bias);
	const __m256i lo = _mm256_set1_epi64x(C - INT32_MAX);
	const __m256i hi = _mm256_set1_epi64x(C + INT32_MAX);
	const __m256i c32 = _mm256_set1_epi32((int32_t)(uint32_t)C);
	const __m128i sh = _mm_cvtsi32_si128(shift);
	__m256i bad = _mm256_setzero_si256();
	int i = 0;
	for (; i + 16 < n; i += 16) { // the odd loads read data[i+16]
		__m256i e0 = start, o0 = start, e1 = start, o1 = start;
		const int32_t *d = data + i;
		for (int j = 0; j <= order; j++, d--) {
			__m256i cj = c[j];
			e0 = _mm256_add_epi64(e0, _mm256_mul_epi32(_mm256_loadu_si256((const __m256i *)d), cj));
			o0 = _mm256_add_epi64(o0, _mm256_mul_epi32(_mm256_loadu_si256((const __m256i *)(d + 1)), cj));
			e1 = _mm256_add_epi64(e1, _mm256_mul_epi32(_mm256_loadu_si256((const __m256i *)(d + 8)), cj));
			o1 = _mm256_add_epi64(o1, _mm256_mul_epi32(_mm256_loadu_si256((const __m256i *)(d + 9)), cj));
		}
		bad = _mm256_or_si256(bad, store8(e0, o0, sh, lo, hi, c32, residual + i));
		bad = _mm256_or_si256(bad, store8(e1, o1, sh, lo, hi, c32, residual + i + 8));
	}
	if (!_mm256_testz_si256(bad, bad)) {
		i = 0;
	}
	return __real_FLAC__lpc_compute_residual_from_qlp_coefficients_limit_residual(
		data + i, (uint32_t)(n - i), qlp, (uint32_t)order, shift, residual + i);
}

// fast says whether residual_avx2 takes these coefficients and shift.
static int fast(const int32_t *qlp, uint32_t order, int shift) {
	if (order < 1 || order > 32 || shift < 0 || shift > 24) {
		return 0;
	}
	for (uint32_t j = 0; j < order; j++) {
		if (qlp[j] <= -(1 << 24) || qlp[j] >= 1 << 24) {
			return 0;
		}
	}
	return 1;
}

static int have_avx2;

__attribute__((constructor)) static void init_avx2(void) {
	__builtin_cpu_init();
	have_avx2 = __builtin_cpu_supports("avx2") != 0;
}
#endif

int __wrap_FLAC__lpc_compute_residual_from_qlp_coefficients_limit_residual(
		const int32_t *data, uint32_t data_len, const int32_t *qlp_coeff, uint32_t order,
		int lp_quantization, int32_t *residual) {
	__atomic_fetch_add(&lathe_flac_residual_calls, 1, __ATOMIC_RELAXED);
#if defined(__x86_64__)
	if (have_avx2 && fast(qlp_coeff, order, lp_quantization) && data_len <= INT32_MAX) {
		return residual_avx2(data, (int)data_len, qlp_coeff, (int)order, lp_quantization, residual);
	}
#endif
	return __real_FLAC__lpc_compute_residual_from_qlp_coefficients_limit_residual(
		data, data_len, qlp_coeff, order, lp_quantization, residual);
}

// lathe_flac_residual runs libFLAC's function (lib) or this file's, for
// the tests and benchmarks (residual.go).
int lathe_flac_residual(int lib, const int32_t *data, uint32_t data_len, const int32_t *qlp_coeff,
		uint32_t order, int lp_quantization, int32_t *residual) {
	if (lib) {
		return __real_FLAC__lpc_compute_residual_from_qlp_coefficients_limit_residual(
			data, data_len, qlp_coeff, order, lp_quantization, residual);
	}
	return __wrap_FLAC__lpc_compute_residual_from_qlp_coefficients_limit_residual(
		data, data_len, qlp_coeff, order, lp_quantization, residual);
}
