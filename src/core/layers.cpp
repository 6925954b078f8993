// Dense layer kernels: the GEMM (or the sparse products, for the pixels) does the products; the
// element-wise parts are xtensor expressions or plain loops the compiler vectorises.
#include "core/layers.h"

#include <algorithm>
#include <array>
#include <vector>
#include <xsimd/xsimd.hpp>

#include "core/gemm.h"
#include "core/threads.h"

namespace aelab {

void dense_forward(const DenseLayer& L, const float* W, const float* b, LayerInput x, int batch, float* y,
                   Precision precision) {
  const bool relu = L.activation == Activation::relu;
  if (x.sparse) {
    sparse_times_dense(*x.sparse, W, L.out, b, relu, y);
    return;
  }
  GemmEpilogue ep;
  ep.bias = b;
  ep.relu = relu;
  gemm(Trans::no, Trans::no, batch, L.out, L.in, x.dense, L.in, W, L.out, y, L.out, ep, precision);
}

void dense_backward(const DenseLayer& L, const float* W, LayerInput x, const float* y, float* dy, int batch,
                    float* dW, float* db, float* dx, Precision precision) {
  // forward was y = relu(z): dz = dy * (y > 0); and z = x W + b: db = sum over rows of dz.
  // One pass over dy for both, rows in order (a plain loop: xtensor's axis-0 sum is strided);
  // blocks of columns are the parallel tasks.
  const bool relu = L.activation == Activation::relu;
  parallel_chunks(size_t(L.out), 128, [&](size_t j0, size_t j1) {
    for (size_t j = j0; j < j1; j++) db[j] = 0.0f;
    for (int r = 0; r < batch; r++) {
      float* dz = dy + size_t(r) * L.out;
      const float* yr = y + size_t(r) * L.out;
      if (relu)
        for (size_t j = j0; j < j1; j++) dz[j] = yr[j] > 0.0f ? dz[j] : 0.0f;
      for (size_t j = j0; j < j1; j++) db[j] += dz[j];
    }
  });
  // dW = x^T dz, dx = dz W^T. Where both are small (the code's layers: 128 x 32 at batch 256),
  // each runs on one thread (kGemmParallelFlops) while the others would wait: then they run side
  // by side, a task each, each computed as it would be alone.
  auto weight_gradient = [&] {
    if (x.sparse)
      sparse_transposed_times_dense(*x.sparse, dy, L.out, dW);
    else
      gemm(Trans::yes, Trans::no, L.in, L.out, batch, x.dense, L.in, dy, L.out, dW, L.out, {}, precision);
  };
  auto input_gradient = [&] {
    if (dx) gemm(Trans::no, Trans::yes, batch, L.in, L.out, dy, L.out, W, L.out, dx, L.in, {}, precision);
  };
  if (dx && !x.sparse && 2.0 * batch * L.in * L.out < kGemmParallelFlops && thread_count() > 1) {
    parallel_for(2, [&](int task, int) { task == 0 ? weight_gradient() : input_gradient(); });
  } else {
    weight_gradient();
    input_gradient();
  }
}

void sigmoid_inplace(float* z, size_t n) {
  // Whole SIMD batches with unaligned loads, the tail padded into one: every value goes through
  // the same exp wherever the buffer lies (an xtensor assignment took a scalar exp for an
  // unaligned head, so a picture's last bit depended on its buffer's address).
  using batch = xsimd::batch<float>;
  constexpr size_t W = batch::size;
  const auto sigmoid = [](batch v) { return batch(1.0f) / (batch(1.0f) + xsimd::exp(-v)); };
  size_t i = 0;
  for (; i + W <= n; i += W) sigmoid(batch::load_unaligned(z + i)).store_unaligned(z + i);
  if (i == n) return;
  alignas(64) float tail[W] = {};
  std::copy(z + i, z + n, tail);
  sigmoid(batch::load_aligned(tail)).store_aligned(tail);
  std::copy(tail, tail + (n - i), z + i);
}

} // namespace aelab
