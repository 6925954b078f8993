// Products with a sparse left operand. MNIST digits are ~81% zero pixels, so the first layer's
// forward product and weight gradient skip the zeros: ~5x fewer multiply-adds for the two
// largest products of a step, with the same sums in the same order (adding 0 * w changes nothing).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace aelab {

// A (rows, cols) matrix keeping only its nonzeros, both row by row (CSR, for S W) and column by
// column (CSC, for S^T dz), each in ascending order.
struct SparseRows {
  int rows = 0, cols = 0;
  std::vector<int> row_start; // rows + 1 offsets into col/value
  std::vector<int> col;
  std::vector<float> value;
  std::vector<int> col_start; // cols + 1 offsets into row/col_value
  std::vector<int> row;
  std::vector<float> col_value;
  std::vector<int> col_fill, scratch_col; // scratch for building the rows and columns
  std::vector<float> scratch_value;
  size_t nonzeros() const { return value.size(); }
};

// Rows of pixel bytes (n, pixels), scaled by 1/255 as images_to_float does. Reuses out's storage.
void sparse_rows_from_pixels(const uint8_t* const* images, int n, int pixels, SparseRows* out);

// y (rows, N) = S (rows, K) W (K, N) + bias, then ReLU if relu; W row-major.
void sparse_times_dense(const SparseRows& S, const float* W, int N, const float* bias, bool relu,
                        float* y);

// dW (K, N) = S^T (K, rows) dz (rows, N); overwrites dW.
void sparse_transposed_times_dense(const SparseRows& S, const float* dz, int N, float* dW);

} // namespace aelab
