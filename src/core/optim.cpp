// Adam (Keras form) and SGD with momentum over the flat parameter vector, as xtensor expressions.
#include "core/optim.h"

#include <cmath>

#include <array>

#include <xtensor/xadapt.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xnoalias.hpp>

#include "core/threads.h"

namespace aelab {

std::string check_optimizer_config(const OptimizerConfig& c) {
  auto bad = [](const char* what, float v, const char* expected) {
    return std::string(what) + " = " + std::to_string(v) + ": expected " + expected;
  };
  if (!(c.learning_rate > 0.0f && c.learning_rate <= 10.0f))
    return bad("learning rate", c.learning_rate, "a number in (0, 10]");
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

// [begin, end) of a vector as an xtensor expression (the pointer passed by value, see loss.cpp)
template <class T>
auto range(T* data, size_t begin, size_t end) {
  return xt::adapt(static_cast<T*>(data + begin), end - begin, xt::no_ownership(),
                   std::array<size_t, 1>{end - begin});
}
} // namespace

void optimizer_step(const OptimizerConfig& c, OptimizerState& s, Vector& params, const Vector& grads) {
  s.step++;
  const double t = double(s.step);
  const float lr_t = float(c.learning_rate * std::sqrt(1.0 - std::pow(double(c.beta2), t)) /
                           (1.0 - std::pow(double(c.beta1), t)));
  parallel_chunks(params.size(), kChunk, [&](size_t b, size_t e) {
    auto w = range(params.data(), b, e);
    auto g = range(grads.data(), b, e);
    auto m = range(s.m.data(), b, e);
    if (c.kind == OptimizerKind::adam) {
      auto v = range(s.v.data(), b, e);
      xt::noalias(m) = c.beta1 * m + (1.0f - c.beta1) * g;
      xt::noalias(v) = c.beta2 * v + (1.0f - c.beta2) * g * g;
      xt::noalias(w) -= lr_t * m / (xt::sqrt(v) + c.epsilon);
    } else {
      xt::noalias(m) = c.momentum * m - c.learning_rate * g;
      xt::noalias(w) += m;
    }
  });
}

} // namespace aelab
