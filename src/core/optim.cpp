// Adam (Keras form) and SGD with momentum over the flat parameter vector: one xsimd pass that
// reads each gradient and moment once and writes each moment and weight once. (As three xtensor
// assignments it was three passes over ~1 MB per step.)
#include "core/optim.h"

#include "core/limits.h"

#include <cmath>

#include <algorithm>
#include <xsimd/xsimd.hpp>

#include "core/threads.h"

namespace aelab {

std::string check_optimizer_config(const OptimizerConfig& c) {
  auto bad = [](const char* what, float v, const char* expected) {
    return std::string(what) + " = " + std::to_string(v) + ": expected " + expected;
  };
  if (std::string e = check_limit(kLearningRateLimit, c.learning_rate); !e.empty()) return e;
  if (c.kind == OptimizerKind::adam) {
    if (!(c.beta1 >= 0.0f && c.beta1 < 1.0f)) return bad("beta1", c.beta1, "a number in [0, 1)");
    if (!(c.beta2 >= 0.0f && c.beta2 < 1.0f)) return bad("beta2", c.beta2, "a number in [0, 1)");
    if (!(c.epsilon > 0.0f && c.epsilon < 1.0f)) return bad("epsilon", c.epsilon, "a number in (0, 1)");
  } else if (!(c.momentum >= 0.0f && c.momentum < 1.0f)) {
    return bad("momentum", c.momentum, "a number in [0, 1)");
  }
  return "";
}

void reset_optimizer(OptimizerState& s, const OptimizerConfig& c, size_t n) {
  s.step = 0;
  s.m = xt::zeros<float>({n});
  s.v = c.kind == OptimizerKind::adam ? Vector(xt::zeros<float>({n})) : Vector();
}

namespace {
constexpr size_t kChunk = 32768; // parameters per task
using batch = xsimd::batch<float>;
constexpr size_t W = batch::size;

// Runs update(w, g, m, v) on W lanes at a time over [begin, end); the last values go through the
// same lanes (padded), so every parameter is rounded alike.
template <class F>
void for_lanes(float* w, const float* g, float* m, float* v, size_t begin, size_t end, F update) {
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
  std::copy(w + i, w + end, lanes[0]);
  std::copy(g + i, g + end, lanes[1]);
  std::copy(m + i, m + end, lanes[2]);
  if (v) std::copy(v + i, v + end, lanes[3]);
  batch wb = batch::load_aligned(lanes[0]), mb = batch::load_aligned(lanes[2]),
        vb = batch::load_aligned(lanes[3]);
  update(wb, batch::load_aligned(lanes[1]), mb, vb);
  wb.store_aligned(lanes[0]);
  mb.store_aligned(lanes[2]);
  vb.store_aligned(lanes[3]);
  std::copy(lanes[0], lanes[0] + k, w + i);
  std::copy(lanes[2], lanes[2] + k, m + i);
  if (v) std::copy(lanes[3], lanes[3] + k, v + i);
}
} // namespace

void optimizer_step(const OptimizerConfig& c, OptimizerState& s, Vector& params, const Vector& grads) {
  s.step++;
  const double t = double(s.step);
  const float lr_t = float(c.learning_rate * std::sqrt(1.0 - std::pow(double(c.beta2), t)) /
                           (1.0 - std::pow(double(c.beta1), t)));
  float* w = params.data();
  const float* g = grads.data();
  float* m = s.m.data();
  float* v = c.kind == OptimizerKind::adam ? s.v.data() : nullptr;
  parallel_chunks(params.size(), kChunk, [&](size_t b, size_t e) {
    if (c.kind == OptimizerKind::adam) {
      const batch b1(c.beta1), b2(c.beta2), one_b1(1.0f - c.beta1), one_b2(1.0f - c.beta2);
      const batch lr(lr_t), eps(c.epsilon);
      for_lanes(w, g, m, v, b, e, [&](batch& wb, const batch& gb, batch& mb, batch& vb) {
        mb = b1 * mb + one_b1 * gb;
        vb = b2 * vb + one_b2 * gb * gb;
        wb -= lr * mb / (xsimd::sqrt(vb) + eps);
      });
    } else {
      const batch momentum(c.momentum), lr(c.learning_rate);
      for_lanes(w, g, m, nullptr, b, e, [&](batch& wb, const batch& gb, batch& mb, batch&) {
        mb = momentum * mb - lr * gb;
        wb += mb;
      });
    }
  });
}

} // namespace aelab
