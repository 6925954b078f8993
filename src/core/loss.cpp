// Reconstruction losses computed from the logits in one fused xsimd pass: one exp and one log per
// pixel give the loss and its gradient together. (As an xtensor expression this was the slowest
// part of a step: clip and log1p have no SIMD path there, so the whole expression went scalar.)
#include "core/loss.h"

#include <algorithm>
#include <string>
#include <type_traits>
#include <vector>

#include "core/loss_kernel.h"
#include "core/simd_choice.h"
#include "core/threads.h"

namespace aelab {

namespace {

using loss_detail::LossKernel;
const LossKernel kBaselineLossKernel = make_loss_kernel<xsimd::default_arch>(kBaselineSimd);

SimdChoice<LossKernel>& choice() {
#if defined(__EMSCRIPTEN__)
  static SimdChoice<LossKernel> c(&kBaselineLossKernel, nullptr);
#else
  static SimdChoice<LossKernel> c(&kBaselineLossKernel, &loss_detail::kAvx512LossKernel);
#endif
  return c;
}

template <bool WITH_GRAD, class T>
double run_kernel(LossKind kind, const float* logits, const T* targets, size_t n, float inv_n,
                  float* dlogits) {
  const LossKernel& k = choice().selected();
  if constexpr (std::is_same_v<T, uint8_t>)
    return k.bytes(kind, logits, targets, n, inv_n, WITH_GRAD ? dlogits : nullptr);
  else
    return k.floats(kind, logits, targets, n, inv_n, WITH_GRAD ? dlogits : nullptr);
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
    partial[b / chunk] = run_kernel<WITH_GRAD>(kind, logits + b, targets + b, e - b, scale, d);
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
        sum += run_kernel<true>(kind, logits + at, bytes + c0, size_t(len), scale, dlogits + at);
      }
    }
    partial[r0 / size_t(chunk)] = sum;
  });
  double total = 0;
  for (int c = 0; c * chunk < rows; c++) total += partial[c];
  return total / double(n);
}

std::vector<std::string> loss_kernels_available() { return choice().names(); }

std::string loss_kernel_selected() { return choice().selected().name; }

bool loss_select_kernel(const std::string& name) { return choice().select(name); }

double loss_sum(LossKind kind, const float* logits, const float* targets, size_t n) {
  return fused_parallel<false>(kind, logits, targets, n, nullptr);
}

double loss_and_grad(LossKind kind, const float* logits, const float* targets, size_t n, float* dlogits) {
  return fused_parallel<true>(kind, logits, targets, n, dlogits) / double(n);
}

} // namespace aelab
