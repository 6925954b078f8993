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
//
// No subnormal value is made (issue 26). A weight whose gradient is always 0 (a pixel that is 0
// in every picture) has its moment shrink by b1 (or the momentum) each step, through the
// subnormal range for ~150 steps: on Intel each such value costs a microcode assist (issue 26
// measured ~20% of an epoch), and WebAssembly cannot set flush-to-zero. So moments under
// kTinyMoment become 0, and gradients under kTinyGradient count as 0: their squares (under
// kTinyMoment) would only feed v values that are flushed, and under ~2^-58 the square times
// 1 - b2 is itself subnormal. A flushed moment's share of a step is under lr * 2^-100 / eps, and
// a flushed gradient's under ~3e-10 lr: nothing, except to a weight that is exactly 0. The losses
// of test_fp_env's seeded runs did not change in their last digit.
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

constexpr float kTinyMoment = 0x1p-100f;  // 7.9e-31: b1 times it stays normal for b1 > 2^-26
constexpr float kTinyGradient = 0x1p-50f; // 8.9e-16: its square is kTinyMoment

// x, with the lanes whose magnitude is under `tiny` made 0
template <class batch> inline batch flush_tiny(const batch& x, const batch& tiny) {
  return xsimd::select(xsimd::abs(x) < tiny, batch(0.0f), x);
}

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
  const batch tiny_m(kTinyMoment), tiny_g(kTinyGradient);
  for_lanes<batch>(w, g, m, v, begin, end, [&](batch& wb, const batch& g_in, batch& mb, batch& vb) {
    const batch gb = flush_tiny(g_in, tiny_g);
    mb = flush_tiny(b1 * mb + one_b1 * gb, tiny_m);
    vb = flush_tiny(b2 * vb + one_b2 * gb * gb, tiny_m);
    wb -= lr * mb / (xsimd::sqrt(vb) + eps);
  });
}

template <class A>
void sgd(float* w, const float* g, float* m, size_t begin, size_t end, float momentum, float learning_rate) {
  using batch = xsimd::batch<float, A>;
  const batch mu(momentum), lr(learning_rate), tiny_m(kTinyMoment), tiny_g(kTinyGradient);
  for_lanes<batch>(w, g, m, nullptr, begin, end, [&](batch& wb, const batch& gb, batch& mb, batch&) {
    mb = flush_tiny(mu * mb - lr * flush_tiny(gb, tiny_g), tiny_m);
    wb += mb;
  });
}

template <class A> aelab::optim_detail::OptimKernel make_optim_kernel(const char* name) {
  return {name, &adam<A>, &sgd<A>};
}

} // namespace
