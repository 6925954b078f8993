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

namespace {

// Writes row p's nonzeros (column, value) at col/value and returns how many there were.
int compact_row(const uint8_t* p, int pixels, int* col, float* value) {
  int count = 0, k = 0;
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
  return count;
}

constexpr size_t kRowsPerTask = 32, kColumnsPerTask = 112;

} // namespace

void sparse_rows_from_pixels(const uint8_t* const* images, int n, int pixels, SparseRows* out) {
  out->rows = n;
  out->cols = pixels;
  // 1. each row compacts into its own slot of a scratch area (rows in parallel)
  out->scratch_col.resize(size_t(n) * pixels);
  out->scratch_value.resize(size_t(n) * pixels);
  out->row_start.resize(size_t(n) + 1);
  parallel_chunks(size_t(n), kRowsPerTask, [&](size_t r0, size_t r1) {
    for (size_t r = r0; r < r1; r++)
      out->row_start[r + 1] = compact_row(images[r], pixels, out->scratch_col.data() + r * pixels,
                                          out->scratch_value.data() + r * pixels);
  });
  out->row_start[0] = 0;
  for (int r = 0; r < n; r++) out->row_start[size_t(r) + 1] += out->row_start[size_t(r)];
  const int count = out->row_start[size_t(n)];
  out->col.resize(size_t(count));
  out->value.resize(size_t(count));
  parallel_chunks(size_t(n), kRowsPerTask, [&](size_t r0, size_t r1) {
    for (size_t r = r0; r < r1; r++) {
      const size_t at = size_t(out->row_start[r]), len = size_t(out->row_start[r + 1]) - at;
      std::memcpy(out->col.data() + at, out->scratch_col.data() + r * pixels, len * sizeof(int));
      std::memcpy(out->value.data() + at, out->scratch_value.data() + r * pixels, len * sizeof(float));
    }
  });

  // 2. the same nonzeros by column, rows ascending within each column. Each task owns a range
  // of columns and finds its entries in every row by binary search (a row's columns are sorted).
  out->col_start.assign(size_t(pixels) + 1, 0);
  auto for_each_in_columns = [&](size_t k0, size_t k1, auto&& fn) {
    for (int r = 0; r < n; r++) {
      const int* begin = out->col.data() + out->row_start[size_t(r)];
      const int* end = out->col.data() + out->row_start[size_t(r) + 1];
      for (const int* c = std::lower_bound(begin, end, int(k0)); c != end && *c < int(k1); c++)
        fn(r, int(c - out->col.data()));
    }
  };
  parallel_chunks(size_t(pixels), kColumnsPerTask, [&](size_t k0, size_t k1) {
    for_each_in_columns(k0, k1, [&](int, int e) { out->col_start[size_t(out->col[size_t(e)]) + 1]++; });
  });
  for (int k = 0; k < pixels; k++) out->col_start[size_t(k) + 1] += out->col_start[size_t(k)];
  out->row.resize(size_t(count));
  out->col_value.resize(size_t(count));
  out->col_fill.assign(out->col_start.begin(), out->col_start.end() - 1);
  parallel_chunks(size_t(pixels), kColumnsPerTask, [&](size_t k0, size_t k1) {
    for_each_in_columns(k0, k1, [&](int r, int e) {
      const int at = out->col_fill[size_t(out->col[size_t(e)])]++;
      out->row[size_t(at)] = r;
      out->col_value[size_t(at)] = out->value[size_t(e)];
    });
  });
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
