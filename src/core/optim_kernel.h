// The optimizers' update pass, written once over xsimd and compiled once per instruction set:
// optim.cpp for the build's baseline, optim_kernel_avx512.cpp with AVX-512's flags (chosen at run
// time where the CPU has it: Adam's square root and division per weight bound the pass, and
// twice the lanes take ~30% off it). As in gemm_kernel.h, everything sits in an anonymous
// namespace and nothing comes from the standard library, so that no AVX-512 code can be merged
// into code that runs on other CPUs.
#pragma once
#include <stddef.h>
#include <xsimd/xsimd.hpp>

namespace aelab {
namespace optim_detail {

// Adam over [begin, end): m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; w -= lr_t m / (sqrt(v)
// + eps). SGD with momentum: m = momentum m - lr g; w += m.
struct OptimKernel {
  const char* name;
  void (*adam)(float* w, const float* g, float* m, float* v, size_t begin, size_t end, float beta1,
               float beta2, float lr_t, float epsilon);
  void (*sgd)(float* w, const float* g, float* m, size_t begin, size_t end, float momentum, float lr);
};

extern const OptimKernel kAvx512OptimKernel; // optim_kernel_avx512.cpp, in native builds

} // namespace optim_detail
} // namespace aelab

namespace {

// Runs update(w, g, m, v) on the lanes of batch, a vector at a time, over [begin, end); the last
// values go through the same lanes (padded), so every parameter is rounded alike.
template <class batch, class F>
inline void for_lanes(float* w, const float* g, float* m, float* v, size_t begin, size_t end, F update) {
  constexpr size_t W = batch::size;
  size_t i = begin;
  for (; i + W <= end; i += W) {
    batch wb = batch::load_unaligned(w + i), mb = batch::load_unaligned(m + i);
    batch vb = v ? batch::load_unaligned(v + i) : batch(0.0f);
    update(wb, batch::load_unaligned(g + i), mb, vb);
    wb.store_unaligned(w + i);
    mb.store_unaligned(m + i);
    if (v) vb.store_unaligned(v + i);
  }
  if (i == end) return;
  alignas(64) float lanes[4][W] = {};
  const size_t k = end - i;
  for (size_t j = 0; j < k; j++) {
    lanes[0][j] = w[i + j], lanes[1][j] = g[i + j], lanes[2][j] = m[i + j];
    if (v) lanes[3][j] = v[i + j];
  }
  batch wb = batch::load_aligned(lanes[0]), mb = batch::load_aligned(lanes[2]),
        vb = batch::load_aligned(lanes[3]);
  update(wb, batch::load_aligned(lanes[1]), mb, vb);
  wb.store_aligned(lanes[0]);
  mb.store_aligned(lanes[2]);
  vb.store_aligned(lanes[3]);
  for (size_t j = 0; j < k; j++) {
    w[i + j] = lanes[0][j], m[i + j] = lanes[2][j];
    if (v) v[i + j] = lanes[3][j];
  }
}

template <class A>
void adam(float* w, const float* g, float* m, float* v, size_t begin, size_t end, float beta1, float beta2,
          float lr_t, float epsilon) {
  using batch = xsimd::batch<float, A>;
  const batch b1(beta1), b2(beta2), one_b1(1.0f - beta1), one_b2(1.0f - beta2), lr(lr_t), eps(epsilon);
  for_lanes<batch>(w, g, m, v, begin, end, [&](batch& wb, const batch& gb, batch& mb, batch& vb) {
    mb = b1 * mb + one_b1 * gb;
    vb = b2 * vb + one_b2 * gb * gb;
    wb -= lr * mb / (xsimd::sqrt(vb) + eps);
  });
}

template <class A>
void sgd(float* w, const float* g, float* m, size_t begin, size_t end, float momentum, float learning_rate) {
  using batch = xsimd::batch<float, A>;
  const batch mu(momentum), lr(learning_rate);
  for_lanes<batch>(w, g, m, nullptr, begin, end, [&](batch& wb, const batch& gb, batch& mb, batch&) {
    mb = mu * mb - lr * gb;
    wb += mb;
  });
}

template <class A> aelab::optim_detail::OptimKernel make_optim_kernel(const char* name) {
  return {name, &adam<A>, &sgd<A>};
}

} // namespace
