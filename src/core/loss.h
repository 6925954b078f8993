// Reconstruction losses on the output layer's logits z, against targets y in [0, 1].
// BCE follows the Keras convention: p = sigmoid(z) clipped to [1e-7, 1 - 1e-7] for the value,
// computed stably from the logits (clipping p is clamping z to +-logit(1 - 1e-7)); its gradient
// is the logits form (p - y) / N that TF-Keras uses for a sigmoid output. MSE is on p = sigmoid(z).
// Both are means over all pixels and samples.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace aelab {

enum class LossKind : uint8_t { bce = 0, mse = 1 };

// Sum over the n values of the per-element loss (not yet divided by anything).
double loss_sum(LossKind kind, const float* logits, const float* targets, size_t n);

// Mean loss over n values, and the gradient dlogits = d(mean loss)/d(logits), in one pass.
double loss_and_grad(LossKind kind, const float* logits, const float* targets, size_t n, float* dlogits);

// The same, with the targets given as rows of pixel bytes (y = byte / 255, as images_to_float):
// training reads its batch straight from the data set. logits and dlogits are (rows, cols).
double loss_and_grad_bytes(LossKind kind, const float* logits, const uint8_t* const* target_rows, int rows,
                           int cols, float* dlogits);

// The pass's SIMD kernels this build has and this CPU can run ("avx512", "avx2",
// "wasm-simd128"), best first; the best is used. They give the same gradients bit for bit; loss
// sums differ in float rounding (more lanes, another order). For tests and the bench.
std::vector<std::string> loss_kernels_available();
std::string loss_kernel_selected();
bool loss_select_kernel(const std::string& name); // false if not available

} // namespace aelab
