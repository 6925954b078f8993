// Products with a sparse left operand. MNIST digits are ~81% zero pixels, so the first layer's
// forward product and weight gradient skip the zeros: ~5x fewer multiply-adds for the two
// largest products of a step, with the same sums in the same order (adding 0 * w changes nothing).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace aelab {

// A (rows, cols) matrix keeping only its nonzeros, row by row, each row's columns ascending.
// Every row has a fixed slot as long as it could be, so no prefix sums are needed: row r's
// nonzeros are col/value[r * cols, + row_count[r]). Both products read the rows (S^T dz adds each
// row into the rows of dW its columns name), so no copy by column is built.
struct SparseRows {
  int rows = 0, cols = 0;
  std::vector<int> row_count, col;
  std::vector<float> value;
  // nonzeros in each run of kSparseGroup columns (the last run may be shorter), for cutting the
  // transposed product into tasks with equal work; task_groups is its per-task scratch
  static constexpr int kSparseGroup = 8;
  std::vector<int> group_count, task_groups;
  size_t nonzero_count = 0;
  size_t nonzeros() const { return nonzero_count; }
};

// Sizes out's storage for up to n rows of `pixels`, so that building them later allocates nothing.
void sparse_rows_reserve(SparseRows* out, int n, int pixels);

// Rows of pixel bytes (n, pixels), scaled by 1/255 as images_to_float does. Reuses out's storage
// (no allocation once it has held n x pixels).
void sparse_rows_from_pixels(const uint8_t* const* images, int n, int pixels, SparseRows* out);

// y (rows, N) = S (rows, K) W (K, N) + bias, then ReLU if relu; W row-major.
void sparse_times_dense(const SparseRows& S, const float* W, int N, const float* bias, bool relu, float* y);

// dW (K, N) = S^T (K, rows) dz (rows, N); overwrites dW.
void sparse_transposed_times_dense(const SparseRows& S, const float* dz, int N, float* dW);

// The products' kernels this build has and this CPU runs ("avx512", then the baseline: "avx2" or
// "wasm-simd128"), best first; every one gives the same bits (sparse_kernel.h). The best runs.
std::vector<std::string> sparse_kernels_available();
bool sparse_select_kernel(const std::string& name); // false if not available

} // namespace aelab
