// Optimizers over the model's flat parameter buffer: Adam exactly as Keras computes it, and SGD
// with momentum. The state (moments, step count) is saved with the model so training resumes.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/tensor.h"

namespace aelab {

enum class OptimizerKind : uint8_t { adam = 0, sgd = 1 };

struct OptimizerConfig {
  OptimizerKind kind = OptimizerKind::adam;
  float learning_rate = 1e-3f;
  float beta1 = 0.9f, beta2 = 0.999f, epsilon = 1e-7f; // Adam (Keras defaults)
  float momentum = 0.9f;                               // SGD
};

struct OptimizerState {
  uint64_t step = 0; // number of updates applied (Adam's t after the update)
  Vector m, v;       // Adam: first and second moments; SGD: m is the velocity, v is empty
};

// "" if usable, else a message naming the bad value (NaN, negative or absurd rates...).
std::string check_optimizer_config(const OptimizerConfig& config);

// Sizes (and zeroes) the state for `n` parameters.
void reset_optimizer(OptimizerState& state, const OptimizerConfig& config, size_t n);

// One update: params -= step(grads). Adam, Keras form:
//   t += 1; m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2
//   lr_t = lr sqrt(1 - b2^t) / (1 - b1^t); w -= lr_t m / (sqrt(v) + eps)
// SGD with momentum (Keras form): m = momentum m - lr g; w += m
void optimizer_step(const OptimizerConfig& config, OptimizerState& state, Vector& params,
                    const Vector& grads);

// The update pass's SIMD kernels this build has and this CPU can run ("avx512", "avx2",
// "wasm-simd128"), best first; the best is used. They give the same results bit for bit.
std::vector<std::string> optim_kernels_available();
bool optim_select_kernel(const std::string& name); // false if not available

} // namespace aelab
