// Dense layer kernels: the GEMM (or the sparse products, for the pixels) does the products; the
// element-wise parts are xtensor expressions or plain loops the compiler vectorises.
#include "core/layers.h"

#include <array>
#include <vector>
#include <xtensor/xadapt.hpp>
#include <xtensor/xmath.hpp>

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
  // dW = x^T dz, dx = dz W^T
  if (x.sparse)
    sparse_transposed_times_dense(*x.sparse, dy, L.out, dW);
  else
    gemm(Trans::yes, Trans::no, L.in, L.out, batch, x.dense, L.in, dy, L.out, dW, L.out, {}, precision);
  if (dx) gemm(Trans::no, Trans::yes, batch, L.in, L.out, dy, L.out, W, L.out, dx, L.in, {}, precision);
}

void sigmoid_inplace(float* z, size_t n) {
  // the pointer goes to adapt as a prvalue, so the adaptor holds it by value
  auto v = xt::adapt(static_cast<float*>(z), n, xt::no_ownership(), std::array<size_t, 1>{n});
  v = 1.0f / (1.0f + xt::exp(-v));
}

} // namespace aelab
