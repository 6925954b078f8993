// Adam (Keras form) and SGD with momentum over the flat parameter vector: one xsimd pass
// (optim_kernel.h) that reads each gradient and moment once and writes each moment and weight
// once. (As three xtensor assignments it was three passes over ~1 MB per step.)
#include "core/optim.h"

#include "core/limits.h"

#include <cmath>

#include <vector>

#include "core/optim_kernel.h"
#include "core/simd_choice.h"
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

using optim_detail::OptimKernel;
const OptimKernel kBaselineOptimKernel = make_optim_kernel<xsimd::default_arch>(kBaselineSimd);

SimdChoice<OptimKernel>& choice() {
#if defined(__EMSCRIPTEN__)
  static SimdChoice<OptimKernel> c(&kBaselineOptimKernel, nullptr);
#else
  static SimdChoice<OptimKernel> c(&kBaselineOptimKernel, &optim_detail::kAvx512OptimKernel);
#endif
  return c;
}
} // namespace

std::vector<std::string> optim_kernels_available() { return choice().names(); }

bool optim_select_kernel(const std::string& name) { return choice().select(name); }

void optimizer_step(const OptimizerConfig& c, OptimizerState& s, Vector& params, const Vector& grads) {
  s.step++;
  const double t = double(s.step);
  const float lr_t = float(c.learning_rate * std::sqrt(1.0 - std::pow(double(c.beta2), t)) /
                           (1.0 - std::pow(double(c.beta1), t)));
  float* w = params.data();
  const float* g = grads.data();
  float* m = s.m.data();
  float* v = c.kind == OptimizerKind::adam ? s.v.data() : nullptr;
  const OptimKernel& k = choice().selected();
  parallel_chunks(params.size(), kChunk, [&](size_t b, size_t e) {
    if (c.kind == OptimizerKind::adam)
      k.adam(w, g, m, v, b, e, c.beta1, c.beta2, lr_t, c.epsilon);
    else
      k.sgd(w, g, m, b, e, c.momentum, c.learning_rate);
  });
}

} // namespace aelab
