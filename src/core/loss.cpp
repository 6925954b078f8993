// Reconstruction losses computed from the logits, as xtensor expressions (vectorised by xsimd).
#include "core/loss.h"

#include <array>
#include <cmath>
#include <xtensor/xadapt.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xnoalias.hpp>
#include <xtensor/xreducer.hpp>

namespace aelab {

namespace {

// Keras clips p to [eps, 1 - eps] with eps = 1e-7; sigmoid is monotone, so that is z clamped to
// +-logit(1 - eps).
constexpr float kLogitClip = 16.118095651f; // log((1 - 1e-7) / 1e-7)

// The pointer is passed to adapt as a prvalue so the adaptor holds it by value, not a reference
// to this function's parameter.
template <class T>
auto view(T* p, size_t n) {
  return xt::adapt(static_cast<T*>(p), n, xt::no_ownership(), std::array<size_t, 1>{n});
}

template <class Z, class Y>
auto bce_elements(const Z& z, const Y& y) {
  // -(y log p + (1 - y) log(1 - p)) with p = sigmoid(zc) is max(zc, 0) - zc y + log(1 + e^-|zc|)
  // (every sub-expression is a temporary, so the returned expression owns it)
  return xt::maximum(xt::clip(z, -kLogitClip, kLogitClip), 0.0f) - xt::clip(z, -kLogitClip, kLogitClip) * y +
         xt::log1p(xt::exp(-xt::abs(xt::clip(z, -kLogitClip, kLogitClip))));
}

template <class Z>
auto sigmoid(const Z& z) {
  return 1.0f / (1.0f + xt::exp(-z));
}

} // namespace

double loss_sum(LossKind kind, const float* logits, const float* targets, size_t n) {
  auto z = view(logits, n);
  auto y = view(targets, n);
  if (kind == LossKind::bce) return xt::sum(bce_elements(z, y))();
  return xt::sum(xt::square(sigmoid(z) - y))();
}

double loss_and_grad(LossKind kind, const float* logits, const float* targets, size_t n,
                     float* dlogits) {
  auto z = view(logits, n);
  auto y = view(targets, n);
  auto dz = view(dlogits, n);
  const float inv_n = 1.0f / float(n);
  if (kind == LossKind::bce) {
    xt::noalias(dz) = (sigmoid(z) - y) * inv_n; // d/dz of the mean BCE of sigmoid(z)
  } else {
    // forward was l = (p - y)^2 with p = sigmoid(z), so dl/dz = 2 (p - y) p (1 - p)
    xt::noalias(dz) = sigmoid(z);
    xt::noalias(dz) = 2.0f * inv_n * (dz - y) * dz * (1.0f - dz);
  }
  return loss_sum(kind, logits, targets, n) / double(n);
}

} // namespace aelab
