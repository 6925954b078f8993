// The fused loss pass, written once over xsimd and compiled once per instruction set: loss.cpp
// for the build's baseline, loss_kernel_avx512.cpp with AVX-512's flags (chosen at run time
// where the CPU has it: twice the lanes, half the instructions, about twice as fast). As in
// gemm_kernel.h, everything sits in an anonymous namespace and nothing comes from the standard
// library, so that no AVX-512 code can be merged into code that runs on other CPUs.
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <xsimd/xsimd.hpp>

#include "core/loss.h"

namespace aelab {
namespace loss_detail {

// Sum over n values of the per-element loss; with dlogits, also the gradient times inv_n stored
// there. The targets are floats or pixel bytes (byte / 255, correctly rounded, exactly as
// pixel_to_unit). Partial sums are float over blocks of 1024 values, then double.
struct LossKernel {
  const char* name;
  double (*floats)(LossKind kind, const float* logits, const float* targets, size_t n, float inv_n,
                   float* dlogits);
  double (*bytes)(LossKind kind, const float* logits, const uint8_t* targets, size_t n, float inv_n,
                  float* dlogits);
};

extern const LossKernel kAvx512LossKernel; // loss_kernel_avx512.cpp, in native builds

} // namespace loss_detail
} // namespace aelab

namespace {

// Keras clips p to [eps, 1 - eps] with eps = 1e-7; sigmoid is monotone, so that is z clamped to
// +-logit(1 - eps).
constexpr float kLogitClip = 16.118095651f; // log((1 - 1e-7) / 1e-7)
constexpr float kMinE = 0x1.ad7f3p-24f;     // exp(-kLogitClip) rounded to float

// log(1 + e) for e in [0, 1], as 2 atanh(s) with s = e / (2 + e) in [0, 1/3]: the odd series to
// s^13 leaves out under s^15 / 15 < 1.4e-8 of the result (float's rounding is 6e-8). No
// exponent to take apart, no special cases: a third of the work of a general log.
template <class batch> inline batch log1p_unit(const batch& e) {
  const batch s = e / (batch(2.0f) + e), s2 = s * s;
  batch poly(1.0f / 13);
  poly = xsimd::fma(poly, s2, batch(1.0f / 11));
  poly = xsimd::fma(poly, s2, batch(1.0f / 9));
  poly = xsimd::fma(poly, s2, batch(1.0f / 7));
  poly = xsimd::fma(poly, s2, batch(1.0f / 5));
  poly = xsimd::fma(poly, s2, batch(1.0f / 3));
  poly = xsimd::fma(poly, s2, batch(1.0f));
  return batch(2.0f) * s * poly;
}

// Targets as float lanes: as they are, or pixel bytes widened. A byte's value is the product with
// 1/255 corrected by one fused multiply-add, which is byte / 255 correctly rounded for every byte
// (pixels.h; tests/core/test_dataset.cpp checks all 256); without FMA, the division itself.
template <class A> inline xsimd::batch<float, A> load_targets(const float* y) {
  return xsimd::batch<float, A>::load_unaligned(y);
}
template <class A> inline xsimd::batch<float, A> load_targets(const uint8_t* y) {
  using batch = xsimd::batch<float, A>;
#if defined(__AVX512F__)
  if constexpr (batch::size == 16) {
    const __m512 x = _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i*)y)));
    const __m512 r = _mm512_set1_ps(1.0f / 255.0f), q = _mm512_mul_ps(x, r);
    return batch(_mm512_fmadd_ps(_mm512_fnmadd_ps(q, _mm512_set1_ps(255.0f), x), r, q));
  }
#endif
#if defined(__AVX2__) && defined(__FMA__)
  if constexpr (batch::size == 8) {
    const __m256 x = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i*)y)));
    const __m256 r = _mm256_set1_ps(1.0f / 255.0f), q = _mm256_mul_ps(x, r);
    return batch(_mm256_fmadd_ps(_mm256_fnmadd_ps(q, _mm256_set1_ps(255.0f), x), r, q));
  }
#endif
#if defined(__wasm_simd128__)
  if constexpr (batch::size == 4) { // 4 bytes widened in lanes, then divided (no FMA in simd128)
    const v128_t words = wasm_u32x4_extend_low_u16x8(wasm_u16x8_extend_low_u8x16(wasm_v128_load32_zero(y)));
    return batch(wasm_f32x4_div(wasm_f32x4_convert_i32x4(words), wasm_f32x4_splat(255.0f)));
  }
#endif
  alignas(64) float lanes[batch::size];
  for (size_t i = 0; i < batch::size; i++) lanes[i] = float(y[i]) / 255.0f;
  return batch::load_aligned(lanes);
}
inline float target_at(const float* y) { return *y; }
inline float target_at(const uint8_t* y) { return float(*y) / 255.0f; }

// Per element, with e = exp(-|z|):
//   p = sigmoid(z) = (z >= 0 ? 1 : e) / (1 + e)
//   BCE of the clipped p = max(zc, 0) - zc y + log(1 + exp(-|zc|)), zc = clamp(z), and
//   exp(-|zc|) = max(e, exp(-clip))
//   BCE gradient (logits form, as TF-Keras) = (p - y) / n
//   MSE = (p - y)^2, gradient 2 (p - y) p (1 - p) / n
template <class A, bool WITH_GRAD, aelab::LossKind KIND, class T>
double fused(const float* logits, const T* targets, size_t n, float inv_n, float* dlogits) {
  using batch = xsimd::batch<float, A>;
  constexpr size_t W = batch::size;
  constexpr size_t kChunk = 1024; // float partial sums per chunk, then added in double
  const batch min_e(kMinE);
  double total = 0;
  // One W-lane step: the loss of each lane into acc, the gradient stored.
  auto step = [&](const batch& z, const batch& y, batch& acc, float* d) {
    const batch e = xsimd::exp(-xsimd::abs(z));
    const batch p = xsimd::select(z >= batch(0.0f), batch(1.0f), e) / (batch(1.0f) + e);
    if (KIND == aelab::LossKind::bce) {
      const batch zc = xsimd::clip(z, batch(-kLogitClip), batch(kLogitClip));
      acc += xsimd::max(zc, batch(0.0f)) - zc * y + log1p_unit(xsimd::max(e, min_e));
      if (WITH_GRAD) ((p - y) * batch(inv_n)).store_unaligned(d);
    } else {
      const batch diff = p - y;
      acc += diff * diff;
      if (WITH_GRAD) (batch(2.0f * inv_n) * diff * p * (batch(1.0f) - p)).store_unaligned(d);
    }
  };
  const size_t n_vectors = n / W * W;
  size_t i = 0;
  while (i < n_vectors) {
    const size_t chunk_end = n_vectors < i + kChunk ? n_vectors : i + kChunk;
    batch acc(0.0f);
#if defined(__clang__) // WebAssembly: 4 values per iteration, and V8 checks for interrupts in each
#pragma clang loop unroll_count(4)
#endif
    for (; i < chunk_end; i += W)
      step(batch::load_unaligned(logits + i), load_targets<A>(targets + i), acc,
           WITH_GRAD ? dlogits + i : nullptr);
    total += double(xsimd::reduce_add(acc));
  }
  if (i < n) { // the last n % W values through the same lanes, so they round as the rest do
    alignas(64) float z[W] = {}, y[W] = {}, d[W] = {};
    for (size_t k = i; k < n; k++) z[k - i] = logits[k], y[k - i] = target_at(targets + k);
    batch acc(0.0f);
    step(batch::load_aligned(z), batch::load_aligned(y), acc, d);
    acc.store_aligned(z);
    for (size_t k = 0; k < n - i; k++) total += double(z[k]);
    if (WITH_GRAD)
      for (size_t k = i; k < n; k++) dlogits[k] = d[k - i];
  }
  return total;
}

template <class A, class T>
double fused_any(aelab::LossKind kind, const float* logits, const T* targets, size_t n, float inv_n,
                 float* dlogits) {
  using aelab::LossKind;
  if (dlogits)
    return kind == LossKind::bce ? fused<A, true, LossKind::bce>(logits, targets, n, inv_n, dlogits)
                                 : fused<A, true, LossKind::mse>(logits, targets, n, inv_n, dlogits);
  return kind == LossKind::bce ? fused<A, false, LossKind::bce>(logits, targets, n, inv_n, nullptr)
                               : fused<A, false, LossKind::mse>(logits, targets, n, inv_n, nullptr);
}

template <class A> aelab::loss_detail::LossKernel make_loss_kernel(const char* name) {
  return {name, &fused_any<A, float>, &fused_any<A, uint8_t>};
}

} // namespace
