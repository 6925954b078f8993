// The bfloat16 GEMM kernel (12 x 32 tiles) and its packing, for CPUs with AVX512-BF16 (Intel
// Cooper Lake, Sapphire Rapids and later, AMD Zen 4 and later), compiled with those flags.
// Intrinsics only, everything in an anonymous namespace: see gemm_bf16_kernel.h.
// GCC 12 warns that _mm512_max_ps's internal "undefined" pass-through is uninitialised: a known
// false positive in its own header (as in gemm_kernel_avx512.cpp).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>

#include "core/gemm_bf16_kernel.h"

namespace {

constexpr int MR = 12, NR = 32; // 24 accumulators, 2 B vectors and a broadcast: 27 of 32 registers

inline __mmask16 first_lanes(int n) { // the first n of 16 lanes, n clamped to [0, 16]
  return n >= 16 ? __mmask16(0xFFFF) : n <= 0 ? __mmask16(0) : __mmask16((1u << n) - 1);
}

// 32 floats (lo: elements 0-15, hi: 16-31) as 32 bf16, i.e. 16 pairs in element order.
inline __m512i to_pairs(__m512 lo, __m512 hi) { return (__m512i)_mm512_cvtne2ps_pbh(hi, lo); }

void rows_to_pairs(const float* src, int ld, int rows, int k0, int kc, uint32_t* dst, int dst_ld) {
  const int kp = (kc + 1) / 2;
  for (int r = 0; r < rows; r++) {
    const float* s = src + long(r) * ld + k0;
    uint32_t* d = dst + long(r) * dst_ld;
    for (int k = 0; k < kc; k += 32) {
      const __m512 lo = _mm512_maskz_loadu_ps(first_lanes(kc - k), s + k);
      const __m512 hi = _mm512_maskz_loadu_ps(first_lanes(kc - k - 16), s + k + 16);
      _mm512_mask_storeu_epi32(d + k / 2, first_lanes(kp - k / 2), to_pairs(lo, hi));
    }
  }
}

void interleave_rows(const float* src, int ld, int k0, int kc, int col0, int valid_cols, int cols,
                     uint32_t* dst, int dst_ld) {
  // (x0[0], x1[0], x0[1], x1[1], ...): the first 8 and the last 8 columns of two rows
  const __m512i first = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  const __m512i last = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
  const int kp = (kc + 1) / 2;
  for (int q = 0; q < kp; q++) {
    const float* r0 = src + long(k0 + 2 * q) * ld + col0;
    const bool has_r1 = 2 * q + 1 < kc;
    const float* r1 = has_r1 ? r0 + ld : r0;
    uint32_t* d = dst + long(q) * dst_ld;
    for (int c = 0; c < cols; c += 16) {
      const __mmask16 m = first_lanes(valid_cols - c);
      const __m512 x0 = _mm512_maskz_loadu_ps(m, r0 + c);
      const __m512 x1 = has_r1 ? _mm512_maskz_loadu_ps(m, r1 + c) : _mm512_setzero_ps();
      const __m512i v = to_pairs(_mm512_permutex2var_ps(x0, first, x1), _mm512_permutex2var_ps(x0, last, x1));
      _mm512_mask_storeu_epi32(d + c, first_lanes(cols - c), v);
    }
  }
}

void transpose_pairs(const uint32_t* src, int src_ld, int kp, int valid_cols, int cols, uint32_t* dst,
                     int dst_ld) {
  // 16 columns at a time: lane j gathers pair q of src row j0 + j (rows past valid_cols: 0)
  const __m512i rows = _mm512_mullo_epi32(
      _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), _mm512_set1_epi32(src_ld));
  for (int j0 = 0; j0 < cols; j0 += 16) {
    const __mmask16 m = first_lanes(valid_cols - j0);
    const uint32_t* base = src + long(j0 < valid_cols ? j0 : 0) * src_ld;
    for (int q = 0; q < kp; q++)
      _mm512_storeu_si512(dst + long(q) * dst_ld + j0,
                          _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), m, rows, base + q, 4));
  }
}

template <bool A_ROWS> // A_ROWS: a row's pairs are contiguous (a_pair_stride == 1)
inline void full_tile(const aelab::gemm_detail::Bf16TileArgs& t, float* c, int ldc) {
  __m512 acc[MR][2];
#pragma GCC unroll 12
  for (int i = 0; i < MR; i++) {
    acc[i][0] = t.load_c ? _mm512_loadu_ps(c + i * ldc) : _mm512_setzero_ps();
    acc[i][1] = t.load_c ? _mm512_loadu_ps(c + i * ldc + 16) : _mm512_setzero_ps();
  }
  if (t.bias) {
    const __m512 b0 = _mm512_loadu_ps(t.bias), b1 = _mm512_loadu_ps(t.bias + 16);
#pragma GCC unroll 12
    for (int i = 0; i < MR; i++) {
      acc[i][0] = _mm512_add_ps(acc[i][0], b0);
      acc[i][1] = _mm512_add_ps(acc[i][1], b1);
    }
  }
  const uint32_t* a = t.a;
  const uint32_t* b = t.b;
  for (int q = 0; q < t.kp; q++, b += NR) {
    const __m512bh b0 = (__m512bh)_mm512_load_si512(b), b1 = (__m512bh)_mm512_load_si512(b + 16);
#pragma GCC unroll 12
    for (int i = 0; i < MR; i++) {
      const uint32_t pair = A_ROWS ? a[i * t.a_row_stride + q] : a[q * t.a_pair_stride + i];
      const __m512bh av = (__m512bh)_mm512_set1_epi32(int(pair));
      acc[i][0] = _mm512_dpbf16_ps(acc[i][0], av, b0);
      acc[i][1] = _mm512_dpbf16_ps(acc[i][1], av, b1);
    }
  }
#pragma GCC unroll 12
  for (int i = 0; i < MR; i++) {
    if (t.relu) {
      acc[i][0] = _mm512_max_ps(acc[i][0], _mm512_setzero_ps());
      acc[i][1] = _mm512_max_ps(acc[i][1], _mm512_setzero_ps());
    }
    _mm512_storeu_ps(c + i * ldc, acc[i][0]);
    _mm512_storeu_ps(c + i * ldc + 16, acc[i][1]);
  }
}

inline void tile(const aelab::gemm_detail::Bf16TileArgs& t, float* c, int ldc) {
  if (t.a_pair_stride == 1)
    full_tile<true>(t, c, ldc);
  else
    full_tile<false>(t, c, ldc);
}

void run(const aelab::gemm_detail::Bf16TileArgs& t) {
  if (t.m_valid == MR && t.n_valid == NR) {
    tile(t, t.c, t.ldc);
    return;
  }
  // Edge tile: through a full-size scratch tile.
  alignas(64) float scratch[MR * NR];
  for (int i = 0; i < MR; i++)
    for (int j = 0; j < NR; j++)
      scratch[i * NR + j] = (t.load_c && i < t.m_valid && j < t.n_valid) ? t.c[i * t.ldc + j] : 0.0f;
  tile(t, scratch, NR);
  for (int i = 0; i < t.m_valid; i++)
    for (int j = 0; j < t.n_valid; j++) t.c[i * t.ldc + j] = scratch[i * NR + j];
}

} // namespace

namespace aelab {
namespace gemm_detail {
const Bf16Kernel kAvx512Bf16Kernel = {"avx512-bf16",   MR, NR, &run, &rows_to_pairs, &interleave_rows,
                                      &transpose_pairs};
} // namespace gemm_detail
} // namespace aelab
