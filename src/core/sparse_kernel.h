// The sparse-times-dense products' inner loops (sparse.cpp), written once over xsimd and
// compiled once per instruction set: sparse.cpp for the build's baseline, sparse_kernel_avx512.cpp
// with AVX-512's flags (chosen at run time where the CPU has it: a whole 128-unit row of W in
// eight registers, one pass over the nonzeros instead of two). Every element is the same chain of
// fused multiply-adds in the same order at any width, so both give the same bits. As in
// gemm_kernel.h, everything sits in an anonymous namespace and nothing comes from the standard
// library, so that no AVX-512 code can be merged into code that runs on other CPUs.
#pragma once
#include <stddef.h>
#include <xsimd/xsimd.hpp>

namespace aelab {
namespace sparse_detail {

// A SparseRows (sparse.h) as plain pointers, for the kernels.
struct SparseView {
  int rows, cols;
  const int* row_count;
  const int* col;
  const float* value;
};

struct SparseKernel {
  const char* name;
  // Rows [r0, r1) of y (rows, N) = S W + bias, then ReLU if relu.
  void (*times_dense)(const SparseView& S, int r0, int r1, const float* W, int N, const float* bias,
                      bool relu, float* y);
  // Rows [k0, k1) of dW (cols, N) = S^T dz.
  void (*transposed_times_dense)(const SparseView& S, int k0, int k1, const float* dz, int N, float* dW);
};

extern const SparseKernel kAvx512SparseKernel; // sparse_kernel_avx512.cpp, in native builds

} // namespace sparse_detail
} // namespace aelab

namespace {

constexpr int kSparseVectors = 8; // accumulators per block of columns

// A scalar multiply-add rounded as the batches' fma (fused where the ISA has FMA, a separate
// multiply and add in WebAssembly), so the last columns match the rest.
template <class A> inline float sparse_madd(float a, float b, float c) {
  using batch = xsimd::batch<float, A>;
  return xsimd::fma(batch(a), batch(b), batch(c)).get(0);
}

// Both products go through W (or dW) a block of kSparsePixelBlock rows at a time, so that the
// block stays in L1 while every picture's nonzeros in it are added (W is 784 x 128 floats,
// 400 KB: a row of it per nonzero from L2 was the products' bound). Each picture keeps a cursor
// into its nonzeros, up to kSparseCursorRows pictures at a time. Blocking changes no sum's order:
// a sum over the pixels still runs in ascending pixel order, one over the pictures in ascending
// picture order, carried between blocks in memory at float precision as it was in registers.
constexpr int kSparsePixelBlock = 64, kSparseCursorRows = 256;

// The first of a row's nonzeros whose column is at least k (the columns ascend).
inline int sparse_first_at(const int* cols, int count, int k) {
  int lo = 0, hi = count;
  while (lo < hi) {
    const int mid = (lo + hi) / 2;
    if (cols[mid] < k)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

template <class A>
void sparse_times_dense_rows(const aelab::sparse_detail::SparseView& S, int r0, int r1, const float* W, int N,
                             const float* bias, bool relu, float* y) {
  // row r of y: bias + sum over the row's nonzeros (k, v), k ascending, of v * W[k, :]
  using batch = xsimd::batch<float, A>;
  constexpr int V = int(batch::size), kBlock = kSparseVectors * V;
  int j0 = 0;
  for (; j0 + kBlock <= N; j0 += kBlock) {
    for (int c0 = r0; c0 < r1; c0 += kSparseCursorRows) {
      const int c1 = r1 < c0 + kSparseCursorRows ? r1 : c0 + kSparseCursorRows;
      int cursor[kSparseCursorRows];
      for (int r = c0; r < c1; r++) {
        cursor[r - c0] = 0;
        for (int v = 0; v < kSparseVectors; v++)
          (bias ? batch::load_unaligned(bias + j0 + v * V) : batch(0.0f))
              .store_unaligned(y + size_t(r) * N + j0 + v * V);
      }
      for (int k_end = kSparsePixelBlock;; k_end += kSparsePixelBlock) {
        for (int r = c0; r < c1; r++) {
          const int* cols = S.col + size_t(r) * S.cols;
          const int count = S.row_count[r];
          int e = cursor[r - c0];
          if (e == count || cols[e] >= k_end) continue;
          const float* values = S.value + size_t(r) * S.cols;
          float* out = y + size_t(r) * N + j0;
          batch acc[kSparseVectors];
          for (int v = 0; v < kSparseVectors; v++) acc[v] = batch::load_unaligned(out + v * V);
          do {
            const batch x(values[e]);
            const float* w = W + size_t(cols[e]) * N + j0;
            for (int v = 0; v < kSparseVectors; v++)
              acc[v] = xsimd::fma(x, batch::load_unaligned(w + v * V), acc[v]);
          } while (++e < count && cols[e] < k_end);
          for (int v = 0; v < kSparseVectors; v++) acc[v].store_unaligned(out + v * V);
          cursor[r - c0] = e;
        }
        if (k_end >= S.cols) break;
      }
      if (relu)
        for (int r = c0; r < c1; r++)
          for (int v = 0; v < kSparseVectors; v++) {
            float* out = y + size_t(r) * N + j0 + v * V;
            xsimd::max(batch::load_unaligned(out), batch(0.0f)).store_unaligned(out);
          }
    }
  }
  if (j0 == N) return;
  for (int r = r0; r < r1; r++) { // the last columns, one at a time
    const int begin = r * S.cols, end = begin + S.row_count[r];
    float* out = y + size_t(r) * N;
    for (int j = j0; j < N; j++) {
      float s = bias ? bias[j] : 0.0f;
      for (int e = begin; e < end; e++) s = sparse_madd<A>(S.value[e], W[size_t(S.col[e]) * N + j], s);
      out[j] = relu && !(s > 0.0f) ? 0.0f : s;
    }
  }
}

template <class A>
void sparse_transposed_times_dense_rows(const aelab::sparse_detail::SparseView& S, int k0, int k1,
                                        const float* dz, int N, float* dW) {
  // dW[k, :] = sum over the rows r with a nonzero v in column k, r ascending, of v * dz[r, :]: the
  // rows in order, each row's slice of dz held in registers while it is added into the rows of dW
  // its nonzeros name (so no copy of S by column is needed).
  using batch = xsimd::batch<float, A>;
  constexpr int V = int(batch::size), kBlock = kSparseVectors * V;
  if (k0 >= k1) return; // an empty run (more tasks than runs of pixels)
  for (int k = k0; k < k1; k++)
    for (int j = 0; j < N; j++) dW[size_t(k) * N + j] = 0.0f;
  int j0 = 0;
  for (; j0 + kBlock <= N; j0 += kBlock) {
    for (int c0 = 0; c0 < S.rows; c0 += kSparseCursorRows) {
      const int c1 = S.rows < c0 + kSparseCursorRows ? S.rows : c0 + kSparseCursorRows;
      int cursor[kSparseCursorRows];
      for (int r = c0; r < c1; r++)
        cursor[r - c0] = k0 > 0 ? sparse_first_at(S.col + size_t(r) * S.cols, S.row_count[r], k0) : 0;
      for (int k_end = k0 + kSparsePixelBlock;; k_end += kSparsePixelBlock) {
        const int limit = k_end < k1 ? k_end : k1;
        for (int r = c0; r < c1; r++) {
          const int* cols = S.col + size_t(r) * S.cols;
          const int count = S.row_count[r];
          int e = cursor[r - c0];
          if (e == count || cols[e] >= limit) continue;
          const float* values = S.value + size_t(r) * S.cols;
          batch d[kSparseVectors];
          for (int v = 0; v < kSparseVectors; v++)
            d[v] = batch::load_unaligned(dz + size_t(r) * N + j0 + v * V);
          do {
            const batch x(values[e]);
            float* w = dW + size_t(cols[e]) * N + j0;
            for (int v = 0; v < kSparseVectors; v++)
              xsimd::fma(x, d[v], batch::load_unaligned(w + v * V)).store_unaligned(w + v * V);
          } while (++e < count && cols[e] < limit);
          cursor[r - c0] = e;
        }
        if (k_end >= k1) break;
      }
    }
  }
  if (j0 == N) return;
  for (int r = 0; r < S.rows; r++) { // the last columns, one at a time
    const int* cols = S.col + size_t(r) * S.cols;
    const float* values = S.value + size_t(r) * S.cols;
    const int count = S.row_count[r];
    const int begin = k0 > 0 ? sparse_first_at(cols, count, k0) : 0;
    const int end = k1 < S.cols ? sparse_first_at(cols, count, k1) : count;
    for (int e = begin; e < end; e++) {
      float* w = dW + size_t(cols[e]) * N;
      for (int j = j0; j < N; j++) w[j] = sparse_madd<A>(values[e], dz[size_t(r) * N + j], w[j]);
    }
  }
}

template <class A> aelab::sparse_detail::SparseKernel make_sparse_kernel(const char* name) {
  return {name, &sparse_times_dense_rows<A>, &sparse_transposed_times_dense_rows<A>};
}

} // namespace
