// Reconstruction losses computed from the logits in one fused xsimd pass: one exp and one log per
// pixel give the loss and its gradient together. (As an xtensor expression this was the slowest
// part of a step: clip and log1p have no SIMD path there, so the whole expression went scalar.)
#include "core/loss.h"

#include <algorithm>
#include <cmath>
#include <xsimd/xsimd.hpp>

#include "core/threads.h"

namespace aelab {

namespace {

// Keras clips p to [eps, 1 - eps] with eps = 1e-7; sigmoid is monotone, so that is z clamped to
// +-logit(1 - eps).
constexpr float kLogitClip = 16.118095651f; // log((1 - 1e-7) / 1e-7)

// Per element, with e = exp(-|z|):
//   p = sigmoid(z) = (z >= 0 ? 1 : e) / (1 + e)
//   BCE of the clipped p = max(zc, 0) - zc y + log(1 + exp(-|zc|)), zc = clamp(z), and
//   exp(-|zc|) = max(e, exp(-clip))
//   BCE gradient (logits form, as TF-Keras) = (p - y) / n
//   MSE = (p - y)^2, gradient 2 (p - y) p (1 - p) / n
template <bool WITH_GRAD, LossKind KIND>
double fused(const float* logits, const float* targets, size_t n, float inv_n, float* dlogits) {
  using batch = xsimd::batch<float>;
  constexpr size_t W = batch::size;
  constexpr size_t kChunk = 1024; // float partial sums per chunk, then added in double
  const float min_e = std::exp(-kLogitClip);
  double total = 0;
  const size_t n_vectors = n / W * W;
  size_t i = 0;
  while (i < n_vectors) {
    const size_t chunk_end = std::min(n_vectors, i + kChunk);
    batch acc(0.0f);
    for (; i < chunk_end; i += W) {
      const batch z = batch::load_unaligned(logits + i), y = batch::load_unaligned(targets + i);
      const batch e = xsimd::exp(-xsimd::abs(z));
      const batch p = xsimd::select(z >= batch(0.0f), batch(1.0f), e) / (batch(1.0f) + e);
      if (KIND == LossKind::bce) {
        const batch zc = xsimd::clip(z, batch(-kLogitClip), batch(kLogitClip));
        acc += xsimd::max(zc, batch(0.0f)) - zc * y + xsimd::log(batch(1.0f) + xsimd::max(e, batch(min_e)));
        if (WITH_GRAD) ((p - y) * inv_n).store_unaligned(dlogits + i);
      } else {
        const batch d = p - y;
        acc += d * d;
        if (WITH_GRAD) (batch(2.0f * inv_n) * d * p * (batch(1.0f) - p)).store_unaligned(dlogits + i);
      }
    }
    total += double(xsimd::reduce_add(acc));
  }
  for (; i < n; i++) { // the tail, same formulas
    const float z = logits[i], y = targets[i];
    const float e = std::exp(-std::fabs(z));
    const float p = (z >= 0.0f ? 1.0f : e) / (1.0f + e);
    if (KIND == LossKind::bce) {
      const float zc = std::fmin(std::fmax(z, -kLogitClip), kLogitClip);
      total += std::fmax(zc, 0.0f) - zc * y + std::log(1.0f + std::fmax(e, min_e));
      if (WITH_GRAD) dlogits[i] = (p - y) * inv_n;
    } else {
      total += (p - y) * (p - y);
      if (WITH_GRAD) dlogits[i] = 2.0f * inv_n * (p - y) * p * (1.0f - p);
    }
  }
  return total;
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
    partial[b / chunk] = kind == LossKind::bce
                             ? fused<WITH_GRAD, LossKind::bce>(logits + b, targets + b, e - b, scale, d)
                             : fused<WITH_GRAD, LossKind::mse>(logits + b, targets + b, e - b, scale, d);
  });
  double total = 0;
  for (size_t c = 0; c * chunk < n; c++) total += partial[c];
  return total;
}

} // namespace

double loss_sum(LossKind kind, const float* logits, const float* targets, size_t n) {
  return fused_parallel<false>(kind, logits, targets, n, nullptr);
}

double loss_and_grad(LossKind kind, const float* logits, const float* targets, size_t n,
                     float* dlogits) {
  return fused_parallel<true>(kind, logits, targets, n, dlogits) / double(n);
}

} // namespace aelab
