// Dense layer kernels: the GEMM does the products, xtensor expressions do the element-wise parts.
#include "core/layers.h"

#include <array>
#include <xtensor/xadapt.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xnoalias.hpp>
#include <xtensor/xreducer.hpp>

#include "core/gemm.h"

namespace aelab {

namespace {
// Pointers go to adapt as prvalues so the adaptors hold them by value (not a dangling reference).
template <class T>
auto view2(T* p, int rows, int cols) {
  return xt::adapt(static_cast<T*>(p), size_t(rows) * size_t(cols), xt::no_ownership(),
                   std::array<size_t, 2>{size_t(rows), size_t(cols)});
}
template <class T>
auto view1(T* p, size_t n) {
  return xt::adapt(static_cast<T*>(p), n, xt::no_ownership(), std::array<size_t, 1>{n});
}
} // namespace

void dense_forward(const DenseLayer& L, const float* W, const float* b, const float* x, int batch,
                   float* y) {
  GemmEpilogue ep;
  ep.bias = b;
  ep.relu = L.activation == Activation::relu;
  gemm(Trans::no, Trans::no, batch, L.out, L.in, x, L.in, W, L.out, y, L.out, ep);
}

void dense_backward(const DenseLayer& L, const float* W, const float* x, const float* y, float* dy,
                    int batch, float* dW, float* db, float* dx) {
  auto dz = view2(dy, batch, L.out);
  if (L.activation == Activation::relu) {
    // forward was y = relu(z), so dz = dy * (y > 0)
    auto yv = view2(y, batch, L.out);
    dz = xt::where(yv > 0.0f, dz, 0.0f);
  }
  // forward was y = x W + b: dW = x^T dz, db = sum_rows(dz), dx = dz W^T
  gemm(Trans::yes, Trans::no, L.in, L.out, batch, x, L.in, dy, L.out, dW, L.out);
  auto dbv = view1(db, size_t(L.out));
  xt::noalias(dbv) = xt::sum(dz, {0});
  if (dx) gemm(Trans::no, Trans::yes, batch, L.in, L.out, dy, L.out, W, L.out, dx, L.in);
}

void sigmoid_inplace(float* z, size_t n) {
  auto v = view1(z, n);
  v = 1.0f / (1.0f + xt::exp(-v));
}

} // namespace aelab
