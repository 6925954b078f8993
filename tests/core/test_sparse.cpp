// The sparse products used for the first layer against the plain reference GEMM and against the
// dense GEMM they replace: same sums in the same order, so the results are identical.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "core/gemm.h"
#include "core/layers.h"
#include "core/rng.h"
#include "core/sparse.h"
#include "core/sparse_kernel.h"
#include "core/threads.h"
#include "test_util.h"

using namespace aelab;

namespace {

// n rows of `pixels` bytes, about `density` of them nonzero.
std::vector<uint8_t> sparse_pixels(int n, int pixels, double density, uint64_t seed) {
  Rng rng(seed);
  std::vector<uint8_t> p(size_t(n) * pixels);
  for (auto& v : p) v = rng.uniform() < density ? uint8_t(1 + rng.below(255)) : 0;
  return p;
}

struct Case {
  int n, K, N;
};

} // namespace

// On every sparse kernel (the AVX-512 one where the CPU has it, and the baseline), each the
// dense GEMM's bits.
TEST(Sparse, ProductsMatchTheDenseGemmExactlyAndTheReference) {
  for (const std::string& kernel : sparse_kernels_available())
    for (Case c : {Case{1, 1, 1}, Case{3, 7, 5}, Case{37, 784, 128}, Case{256, 784, 128}, Case{5, 30, 131},
                   Case{300, 200, 131}, Case{9, 50, 300}}) {
      ASSERT_TRUE(sparse_select_kernel(kernel));
      SCOPED_TRACE("sparse kernel " + kernel);
      for (int threads : {1, thread_count_max()}) {
        set_thread_count(threads);
        auto pixels = sparse_pixels(c.n, c.K, 0.2, uint64_t(c.n + c.K));
        std::vector<const uint8_t*> rows(size_t(c.n));
        for (int r = 0; r < c.n; r++) rows[size_t(r)] = pixels.data() + size_t(r) * c.K;
        SparseRows S;
        sparse_rows_from_pixels(rows.data(), c.n, c.K, &S);
        std::vector<float> x(pixels.size());
        for (size_t i = 0; i < x.size(); i++) x[i] = float(pixels[i]) / 255.0f;
        auto W = random_values(size_t(c.K) * c.N, 1), bias = random_values(size_t(c.N), 2);
        auto dz = random_values(size_t(c.n) * c.N, 3);

        std::vector<float> y(size_t(c.n) * c.N), y_dense(y.size()), y_ref(y.size());
        GemmEpilogue ep;
        ep.bias = bias.data();
        ep.relu = true;
        sparse_times_dense(S, W.data(), c.N, bias.data(), true, y.data());
        gemm(Trans::no, Trans::no, c.n, c.N, c.K, x.data(), c.K, W.data(), c.N, y_dense.data(), c.N, ep);
        gemm_reference(Trans::no, Trans::no, c.n, c.N, c.K, x.data(), c.K, W.data(), c.N, y_ref.data(), c.N,
                       ep);
        EXPECT_EQ(y, y_dense) << "forward n=" << c.n << " K=" << c.K << " N=" << c.N;
        for (size_t i = 0; i < y.size(); i++) ASSERT_NEAR(y[i], y_ref[i], 1e-4) << i;

        std::vector<float> dW(size_t(c.K) * c.N, 7.0f), dW_dense(dW.size()), dW_ref(dW.size());
        sparse_transposed_times_dense(S, dz.data(), c.N, dW.data());
        gemm(Trans::yes, Trans::no, c.K, c.N, c.n, x.data(), c.K, dz.data(), c.N, dW_dense.data(), c.N);
        gemm_reference(Trans::yes, Trans::no, c.K, c.N, c.n, x.data(), c.K, dz.data(), c.N, dW_ref.data(),
                       c.N);
        EXPECT_EQ(dW, dW_dense) << "weight gradient n=" << c.n << " K=" << c.K << " N=" << c.N;
        for (size_t i = 0; i < dW.size(); i++) ASSERT_NEAR(dW[i], dW_ref[i], 1e-4) << i;
      }
    }
  set_thread_count(1);
  sparse_select_kernel(sparse_kernels_available().front());
}

// The kernels themselves, given any split of the work into tasks: runs of rows for the forward
// product, runs of pixels for the weight gradient (not at multiples of 8 or of the 64-pixel block,
// empty runs included), more than the 256 pictures a kernel keeps cursors for at once, a width
// with a tail; with and without bias and ReLU. Every split gives the whole run's bits, and those
// are the dense GEMM's. (The library cuts tasks only where threads run, so a one-core machine and
// WebAssembly meet these splits only here.)
TEST(Sparse, AnySplitOfTheWorkGivesTheSameBitsAsTheDenseGemm) {
  using sparse_detail::SparseKernel;
  std::vector<SparseKernel> kernels = {make_sparse_kernel<xsimd::default_arch>("baseline")};
#if !defined(__EMSCRIPTEN__)
  if (xsimd::available_architectures().avx512f) kernels.push_back(sparse_detail::kAvx512SparseKernel);
#endif
  const int n = 300, K = 203, N = 131;
  auto pixels = sparse_pixels(n, K, 0.25, 11);
  std::vector<const uint8_t*> rows(static_cast<size_t>(n));
  for (int r = 0; r < n; r++) rows[size_t(r)] = pixels.data() + size_t(r) * K;
  SparseRows S;
  sparse_rows_from_pixels(rows.data(), n, K, &S);
  const sparse_detail::SparseView v{S.rows, S.cols, S.row_count.data(), S.col.data(), S.value.data()};
  std::vector<float> x(pixels.size());
  for (size_t i = 0; i < x.size(); i++) x[i] = float(pixels[i]) / 255.0f;
  const auto W = random_values(size_t(K) * N, 4), bias = random_values(size_t(N), 5),
             dz = random_values(size_t(n) * N, 6);
  for (const SparseKernel& k : kernels) {
    SCOPED_TRACE(std::string("sparse kernel ") + k.name);
    for (bool with_bias : {true, false})
      for (bool relu : {true, false}) {
        const float* b = with_bias ? bias.data() : nullptr;
        std::vector<float> whole(size_t(n) * N), split(whole.size(), 7.0f), dense(whole.size());
        k.times_dense(v, 0, n, W.data(), N, b, relu, whole.data());
        const int row_cuts[] = {0, 1, 7, 7, 256, 257, 300};
        for (int t = 0; t + 1 < 7; t++)
          k.times_dense(v, row_cuts[t], row_cuts[t + 1], W.data(), N, b, relu, split.data());
        GemmEpilogue ep;
        ep.bias = b;
        ep.relu = relu;
        gemm(Trans::no, Trans::no, n, N, K, x.data(), K, W.data(), N, dense.data(), N, ep);
        EXPECT_EQ(split, whole) << "forward, bias " << with_bias << ", relu " << relu;
        EXPECT_EQ(whole, dense) << "forward, bias " << with_bias << ", relu " << relu;
      }
    std::vector<float> whole(size_t(K) * N), split(whole.size(), 7.0f), dense(whole.size());
    k.transposed_times_dense(v, 0, K, dz.data(), N, whole.data());
    const int pixel_cuts[] = {0, 3, 3, 64, 70, 131, 200, 203};
    for (int t = 0; t + 1 < 8; t++)
      k.transposed_times_dense(v, pixel_cuts[t], pixel_cuts[t + 1], dz.data(), N, split.data());
    gemm(Trans::yes, Trans::no, K, N, n, x.data(), K, dz.data(), N, dense.data(), N);
    EXPECT_EQ(split, whole) << "weight gradient";
    EXPECT_EQ(whole, dense) << "weight gradient";
  }
}

TEST(Sparse, RowsKeepOnlyNonzeroPixelsScaledLikeImagesToFloat) {
  const uint8_t a[4] = {0, 255, 0, 51}, b[4] = {0, 0, 0, 0};
  const uint8_t* rows[2] = {a, b};
  SparseRows S;
  sparse_rows_from_pixels(rows, 2, 4, &S);
  EXPECT_EQ(S.nonzeros(), 2u);
  EXPECT_EQ(S.row_count, (std::vector<int>{2, 0}));
  EXPECT_EQ(std::vector<int>(S.col.begin(), S.col.begin() + 2), (std::vector<int>{1, 3}));
  EXPECT_EQ(std::vector<float>(S.value.begin(), S.value.begin() + 2),
            (std::vector<float>{1.0f, 51 / 255.0f}));
  EXPECT_EQ(S.group_count, (std::vector<int>{2})); // one run of up to 8 pixels
}

// Each row's nonzeros against a plain loop, for every byte value, densities from empty to full,
// and widths with a tail after the last 8 pixels (the vector paths take 8 at a time).
TEST(Sparse, RowsMatchAPlainLoopForEveryByteDensityAndWidth) {
  for (int pixels : {1, 7, 8, 9, 23, 784}) {
    for (double density : {0.0, 0.05, 0.2, 0.6, 1.0}) {
      const int n = 40;
      auto p = sparse_pixels(n, pixels, density, uint64_t(pixels * 100 + int(density * 10)));
      for (size_t i = 0; i < 256 && i < p.size(); i++) p[i] = uint8_t(i); // every byte at least once
      std::vector<const uint8_t*> rows(static_cast<size_t>(n));
      for (int r = 0; r < n; r++) rows[size_t(r)] = p.data() + size_t(r) * pixels;
      SparseRows S;
      sparse_rows_from_pixels(rows.data(), n, pixels, &S);
      size_t total = 0;
      std::vector<int> groups(size_t((pixels + SparseRows::kSparseGroup - 1) / SparseRows::kSparseGroup));
      for (int r = 0; r < n; r++) {
        std::vector<int> col;
        std::vector<float> value;
        for (int k = 0; k < pixels; k++)
          if (rows[size_t(r)][k]) col.push_back(k), value.push_back(float(rows[size_t(r)][k]) / 255.0f);
        total += col.size();
        for (int k : col) groups[size_t(k / SparseRows::kSparseGroup)]++;
        const size_t at = size_t(r) * size_t(pixels);
        ASSERT_EQ(S.row_count[size_t(r)], int(col.size())) << "pixels " << pixels << " row " << r;
        EXPECT_EQ(std::vector<int>(S.col.begin() + long(at), S.col.begin() + long(at + col.size())), col)
            << "pixels " << pixels << " density " << density << " row " << r;
        EXPECT_EQ(std::vector<float>(S.value.begin() + long(at), S.value.begin() + long(at + col.size())),
                  value)
            << "pixels " << pixels << " density " << density << " row " << r;
      }
      EXPECT_EQ(S.nonzeros(), total);
      EXPECT_EQ(S.group_count, groups) << "pixels " << pixels << " density " << density;
    }
  }
}
