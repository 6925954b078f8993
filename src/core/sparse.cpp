// Sparse-times-dense products on xsimd batches. Each output row (or each slice of columns) is an
// independent task, and every sum runs over the nonzeros in ascending order, so results do not
// depend on the thread count.
#include "core/sparse.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <xsimd/xsimd.hpp>

#include "core/threads.h"

namespace aelab {

namespace {
using batch = xsimd::batch<float>;
constexpr int W = int(batch::size);
constexpr int kVectors = 8;               // accumulators per column block
constexpr int kBlock = kVectors * W;      // columns kept in registers at once
constexpr double kParallelWork = 2e5;     // fewer multiply-adds than this run on one thread

// A scalar multiply-add rounded exactly as xsimd::fma on this build's batches (fused where the
// ISA has FMA, separate multiply and add in WebAssembly), so the last columns match the rest and
// the GEMM kernels.
inline float madd(float a, float b, float c) { return xsimd::fma(batch(a), batch(b), batch(c)).get(0); }

void run(int tasks, double work, const std::function<void(int, int)>& task) {
  if (work < kParallelWork || thread_count() == 1) {
    for (int i = 0; i < tasks; i++) task(i, 0);
  } else {
    parallel_for(tasks, task);
  }
}
} // namespace

void sparse_rows_from_pixels(const uint8_t* const* images, int n, int pixels, SparseRows* out) {
  out->rows = n;
  out->cols = pixels;
  out->row_start.resize(size_t(n) + 1);
  out->col.resize(size_t(n) * pixels); // room for every pixel; shrunk to the nonzeros below
  out->value.resize(size_t(n) * pixels);
  int* col = out->col.data();
  float* value = out->value.data();
  int count = 0;
  for (int r = 0; r < n; r++) {
    out->row_start[size_t(r)] = count;
    const uint8_t* p = images[r];
    int k = 0;
    for (; k + 8 <= pixels; k += 8) { // skip 8 zero pixels at once: most of a digit is background
      uint64_t eight;
      std::memcpy(&eight, p + k, 8);
      if (!eight) continue;
      for (int i = k; i < k + 8; i++) { // branch-free compaction: write always, advance on nonzero
        col[count] = i;
        value[count] = float(p[i]) / 255.0f; // exactly as images_to_float
        count += p[i] != 0;
      }
    }
    for (; k < pixels; k++) {
      col[count] = k;
      value[count] = float(p[k]) / 255.0f;
      count += p[k] != 0;
    }
  }
  out->row_start[size_t(n)] = count;
  out->col.resize(size_t(count));
  out->value.resize(size_t(count));

  // the same nonzeros by column (a counting sort, which keeps the rows ascending)
  out->col_start.assign(size_t(pixels) + 1, 0);
  for (int e = 0; e < count; e++) out->col_start[size_t(col[e]) + 1]++;
  for (int k = 0; k < pixels; k++) out->col_start[size_t(k) + 1] += out->col_start[size_t(k)];
  out->row.resize(size_t(count));
  out->col_value.resize(size_t(count));
  std::vector<int>& next = out->col_fill;
  next.assign(out->col_start.begin(), out->col_start.end() - 1);
  for (int r = 0; r < n; r++)
    for (int e = out->row_start[size_t(r)]; e < out->row_start[size_t(r) + 1]; e++) {
      const int at = next[size_t(col[e])]++;
      out->row[size_t(at)] = r;
      out->col_value[size_t(at)] = value[e];
    }
}

void sparse_times_dense(const SparseRows& S, const float* Wt, int N, const float* bias, bool relu,
                        float* y) {
  // row r of y: bias + sum over the row's nonzeros (k, v) of v * W[k, :], kBlock columns at a time
  const double work = double(S.nonzeros()) * N;
  run(S.rows, work, [&](int r, int) {
    const int begin = S.row_start[size_t(r)], end = S.row_start[size_t(r) + 1];
    float* out = y + size_t(r) * N;
    int j0 = 0;
    for (; j0 + kBlock <= N; j0 += kBlock) {
      batch acc[kVectors];
      for (int v = 0; v < kVectors; v++) acc[v] = bias ? batch::load_unaligned(bias + j0 + v * W) : batch(0.0f);
      for (int e = begin; e < end; e++) {
        const batch x(S.value[size_t(e)]);
        const float* w = Wt + size_t(S.col[size_t(e)]) * N + j0;
        for (int v = 0; v < kVectors; v++) acc[v] = xsimd::fma(x, batch::load_unaligned(w + v * W), acc[v]);
      }
      for (int v = 0; v < kVectors; v++) {
        if (relu) acc[v] = xsimd::max(acc[v], batch(0.0f));
        acc[v].store_unaligned(out + j0 + v * W);
      }
    }
    for (int j = j0; j < N; j++) { // the last columns, one at a time
      float s = bias ? bias[j] : 0.0f;
      for (int e = begin; e < end; e++) s = madd(S.value[size_t(e)], Wt[size_t(S.col[size_t(e)]) * N + j], s);
      out[j] = relu ? std::max(s, 0.0f) : s;
    }
  });
}

void sparse_transposed_times_dense(const SparseRows& S, const float* dz, int N, float* dW) {
  // dW[k, :] = sum over column k's nonzeros (r, v), r ascending, of v * dz[r, :], kept in
  // registers kBlock columns at a time; pixels are the tasks
  const double work = double(S.nonzeros()) * N;
  run(S.cols, work, [&](int k, int) {
    const int begin = S.col_start[size_t(k)], end = S.col_start[size_t(k) + 1];
    float* out = dW + size_t(k) * N;
    int j0 = 0;
    for (; j0 + kBlock <= N; j0 += kBlock) {
      batch acc[kVectors];
      for (int v = 0; v < kVectors; v++) acc[v] = batch(0.0f);
      for (int e = begin; e < end; e++) {
        const batch x(S.col_value[size_t(e)]);
        const float* d = dz + size_t(S.row[size_t(e)]) * N + j0;
        for (int v = 0; v < kVectors; v++) acc[v] = xsimd::fma(x, batch::load_unaligned(d + v * W), acc[v]);
      }
      for (int v = 0; v < kVectors; v++) acc[v].store_unaligned(out + j0 + v * W);
    }
    for (int j = j0; j < N; j++) {
      float s = 0.0f;
      for (int e = begin; e < end; e++) s = madd(S.col_value[size_t(e)], dz[size_t(S.row[size_t(e)]) * N + j], s);
      out[j] = s;
    }
  });
}

} // namespace aelab
