// Reconstruction losses computed from the logits in one fused xsimd pass: one exp and one log per
// pixel give the loss and its gradient together. (As an xtensor expression this was the slowest
// part of a step: clip and log1p have no SIMD path there, so the whole expression went scalar.)
#include "core/loss.h"
#include "core/pixels.h"

#include <algorithm>
#include <cmath>
#include <xsimd/xsimd.hpp>
#if defined(__AVX2__)
#include <immintrin.h>
#endif

#include "core/threads.h"

namespace aelab {

namespace {

// Keras clips p to [eps, 1 - eps] with eps = 1e-7; sigmoid is monotone, so that is z clamped to
// +-logit(1 - eps).
constexpr float kLogitClip = 16.118095651f; // log((1 - 1e-7) / 1e-7)

// log(1 + e) for e in [0, 1], as 2 atanh(s) with s = e / (2 + e) in [0, 1/3]: the odd series to
// s^13 leaves out under s^15 / 15 < 1.4e-8 of the result (float's rounding is 6e-8). No
// exponent to take apart, no special cases: a third of the work of a general log.
template <class batch> inline batch log1p_unit(const batch& e) {
  const batch s = e / (batch(2.0f) + e), s2 = s * s;
  batch poly(1.0f / 13);
  for (float c : {1.0f / 11, 1.0f / 9, 1.0f / 7, 1.0f / 5, 1.0f / 3, 1.0f})
    poly = xsimd::fma(poly, s2, batch(c));
  return batch(2.0f) * s * poly;
}

// Per element, with e = exp(-|z|):
//   p = sigmoid(z) = (z >= 0 ? 1 : e) / (1 + e)
//   BCE of the clipped p = max(zc, 0) - zc y + log(1 + exp(-|zc|)), zc = clamp(z), and
//   exp(-|zc|) = max(e, exp(-clip))
//   BCE gradient (logits form, as TF-Keras) = (p - y) / n
//   MSE = (p - y)^2, gradient 2 (p - y) p (1 - p) / n
using batch = xsimd::batch<float>;

// Targets as floats: as they are, or pixel bytes (byte / 255, correctly rounded, exactly as
// pixel_to_unit), widened where they are used.
inline batch load_targets(const float* y) { return batch::load_unaligned(y); }
inline float target_at(const float* y) { return *y; }
inline float target_at(const uint8_t* y) { return pixel_to_unit(*y); }
inline batch load_targets(const uint8_t* y) {
#if defined(__AVX2__) && defined(__FMA__)
  static_assert(batch::size == 8, "the AVX2 widening loads 8 bytes");
  return batch(pixels_to_unit8(y));
#else
  alignas(64) float lanes[batch::size];
  for (size_t i = 0; i < batch::size; i++) lanes[i] = pixel_to_unit(y[i]);
  return batch::load_aligned(lanes);
#endif
}

template <bool WITH_GRAD, LossKind KIND, class T>
double fused(const float* logits, const T* targets, size_t n, float inv_n, float* dlogits) {
  constexpr size_t W = batch::size;
  constexpr size_t kChunk = 1024; // float partial sums per chunk, then added in double
  const float min_e = std::exp(-kLogitClip);
  double total = 0;
  // One W-lane step: the loss of each lane into acc, the gradient stored.
  auto step = [&](const batch& z, const batch& y, batch& acc, float* d) {
    const batch e = xsimd::exp(-xsimd::abs(z));
    const batch p = xsimd::select(z >= batch(0.0f), batch(1.0f), e) / (batch(1.0f) + e);
    if (KIND == LossKind::bce) {
      const batch zc = xsimd::clip(z, batch(-kLogitClip), batch(kLogitClip));
      acc += xsimd::max(zc, batch(0.0f)) - zc * y + log1p_unit(xsimd::max(e, batch(min_e)));
      if (WITH_GRAD) ((p - y) * inv_n).store_unaligned(d);
    } else {
      const batch diff = p - y;
      acc += diff * diff;
      if (WITH_GRAD) (batch(2.0f * inv_n) * diff * p * (batch(1.0f) - p)).store_unaligned(d);
    }
  };
  const size_t n_vectors = n / W * W;
  alignas(64) float scratch[W] = {};
  size_t i = 0;
  while (i < n_vectors) {
    const size_t chunk_end = std::min(n_vectors, i + kChunk);
    batch acc(0.0f);
    for (; i < chunk_end; i += W)
      step(batch::load_unaligned(logits + i), load_targets(targets + i), acc,
           WITH_GRAD ? dlogits + i : nullptr);
    total += double(xsimd::reduce_add(acc));
  }
  if (i < n) { // the last n % W values through the same lanes, so they round as the rest do
    alignas(64) float z[W] = {}, y[W] = {};
    std::copy(logits + i, logits + n, z);
    for (size_t k = i; k < n; k++) y[k - i] = target_at(targets + k);
    batch acc(0.0f);
    step(batch::load_aligned(z), batch::load_aligned(y), acc, scratch);
    acc.store_aligned(z);
    for (size_t k = 0; k < n - i; k++) total += double(z[k]);
    if (WITH_GRAD) std::copy(scratch, scratch + (n - i), dlogits + i);
  }
  return total;
}

template <bool WITH_GRAD, class T>
double fused_any(LossKind kind, const float* logits, const T* targets, size_t n, float inv_n,
                 float* dlogits) {
  return kind == LossKind::bce ? fused<WITH_GRAD, LossKind::bce>(logits, targets, n, inv_n, dlogits)
                               : fused<WITH_GRAD, LossKind::mse>(logits, targets, n, inv_n, dlogits);
}

// Splits the pass into chunks run in parallel; the chunks' sums are added in order, and the cuts
// depend only on n, so the total is the same for any thread count.
template <bool WITH_GRAD>
double fused_parallel(LossKind kind, const float* logits, const float* targets, size_t n, float* dlogits) {
  constexpr size_t kMaxChunks = 64;
  const size_t chunk = std::max<size_t>(16384, (n + kMaxChunks - 1) / kMaxChunks);
  double partial[kMaxChunks] = {};
  const float scale = 1.0f / float(n);
  parallel_chunks(n, chunk, [&](size_t b, size_t e) {
    float* d = WITH_GRAD ? dlogits + b : nullptr;
    partial[b / chunk] = fused_any<WITH_GRAD>(kind, logits + b, targets + b, e - b, scale, d);
  });
  double total = 0;
  for (size_t c = 0; c * chunk < n; c++) total += partial[c];
  return total;
}

} // namespace

double loss_and_grad_bytes(LossKind kind, const float* logits, const uint8_t* const* target_rows, int rows,
                           int cols, float* dlogits) {
  // Rows in chunks run in parallel, as above: at most 64 chunks, cut by the row count only.
  constexpr int kMaxChunks = 64, kBlock = 1024; // the sums in blocks, as the float path's chunks
  const int chunk = std::max(16, (rows + kMaxChunks - 1) / kMaxChunks);
  const size_t n = size_t(rows) * size_t(cols);
  const float scale = 1.0f / float(n);
  double partial[kMaxChunks] = {};
  parallel_chunks(size_t(rows), size_t(chunk), [&](size_t r0, size_t r1) {
    double sum = 0;
    for (size_t r = r0; r < r1; r++) {
      const uint8_t* bytes = target_rows[r];
      for (int c0 = 0; c0 < cols; c0 += kBlock) {
        const int len = std::min(kBlock, cols - c0);
        const size_t at = r * size_t(cols) + size_t(c0);
        sum += fused_any<true>(kind, logits + at, bytes + c0, size_t(len), scale, dlogits + at);
      }
    }
    partial[r0 / size_t(chunk)] = sum;
  });
  double total = 0;
  for (int c = 0; c * chunk < rows; c++) total += partial[c];
  return total / double(n);
}

double loss_sum(LossKind kind, const float* logits, const float* targets, size_t n) {
  return fused_parallel<false>(kind, logits, targets, n, nullptr);
}

double loss_and_grad(LossKind kind, const float* logits, const float* targets, size_t n, float* dlogits) {
  return fused_parallel<true>(kind, logits, targets, n, dlogits) / double(n);
}

} // namespace aelab
