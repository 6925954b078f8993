// Every GEMM kernel this build can run, against the plain triple loop, on odd shapes, all four
// transpose combinations, the fused epilogue and 1 and N threads.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/gemm.h"
#include "core/rng.h"
#include "core/threads.h"
#include "test_util.h"

using namespace aelab;

namespace {

struct Shape {
  int M, N, K;
};

// Runs one case with the selected kernel and the reference; returns the max abs difference
// relative to sqrt(K) (the scale of a sum of K products of values in [-1, 1]).
double max_error(Trans ta, Trans tb, Shape s, const GemmEpilogue& ep_in) {
  const int lda = (ta == Trans::no ? s.K : s.M) + 3, ldb = (tb == Trans::no ? s.N : s.K) + 1;
  const int ldc = s.N + 2;
  auto A = random_values(size_t(ta == Trans::no ? s.M : s.K) * lda, 1);
  auto B = random_values(size_t(tb == Trans::no ? s.K : s.N) * ldb, 2);
  auto bias = random_values(size_t(s.N), 3);
  auto C = random_values(size_t(s.M) * ldc, 4), C_ref = C;
  GemmEpilogue ep = ep_in;
  if (ep_in.bias) ep.bias = bias.data();
  gemm(ta, tb, s.M, s.N, s.K, A.data(), lda, B.data(), ldb, C.data(), ldc, ep);
  gemm_reference(ta, tb, s.M, s.N, s.K, A.data(), lda, B.data(), ldb, C_ref.data(), ldc, ep);
  double worst = 0;
  for (int i = 0; i < s.M; i++)
    for (int j = 0; j < ldc; j++) {
      const size_t at = size_t(i) * ldc + j;
      if (j >= s.N) { // padding between rows must be untouched
        EXPECT_EQ(C[at], C_ref[at]) << "wrote outside the matrix at row " << i << " col " << j;
        continue;
      }
      worst = std::max(worst, double(std::fabs(C[at] - C_ref[at])));
    }
  return worst / std::sqrt(double(std::max(s.K, 1)));
}

const Shape kShapes[] = {{1, 1, 1},      {3, 5, 7},       {1, 33, 17},     {13, 1, 300}, {257, 785, 31},
                         {31, 130, 785}, {256, 128, 784}, {784, 128, 256}, {64, 17, 0}};

} // namespace

TEST(Gemm, EveryKernelMatchesReferenceOnOddShapes) {
  const auto kernels = gemm_kernels_available();
  ASSERT_FALSE(kernels.empty());
  const std::string original = gemm_kernel_selected();
  for (const auto& name : kernels) {
    ASSERT_TRUE(gemm_select_kernel(name));
    for (Trans ta : {Trans::no, Trans::yes})
      for (Trans tb : {Trans::no, Trans::yes})
        for (const Shape& s : kShapes) {
          double err = max_error(ta, tb, s, {});
          EXPECT_LT(err, 2e-6) << name << " M=" << s.M << " N=" << s.N << " K=" << s.K << " ta=" << int(ta)
                               << " tb=" << int(tb);
        }
    std::printf("  gemm kernel %-14s checked on %zu shapes x 4 transposes\n", name.c_str(),
                sizeof(kShapes) / sizeof(kShapes[0]));
  }
  gemm_select_kernel(original);
}

TEST(Gemm, FusedBiasReluAndAccumulateMatchReference) {
  for (const auto& name : gemm_kernels_available()) {
    ASSERT_TRUE(gemm_select_kernel(name));
    GemmEpilogue ep;
    ep.bias = reinterpret_cast<const float*>(1); // replaced by real values inside max_error
    ep.relu = true;
    EXPECT_LT(max_error(Trans::no, Trans::no, {37, 45, 600}, ep), 2e-6) << name;
    ep.accumulate = true;
    EXPECT_LT(max_error(Trans::yes, Trans::no, {19, 70, 300}, ep), 2e-6) << name;
    ep.bias = nullptr;
    ep.relu = false;
    EXPECT_LT(max_error(Trans::no, Trans::yes, {50, 9, 513}, ep), 2e-6) << name;
  }
  gemm_select_kernel(gemm_kernels_available().front());
}

TEST(Gemm, ResultIsIdenticalForAnyThreadCount) {
  const Shape s{300, 200, 500};
  auto A = random_values(size_t(s.M) * s.K, 5), B = random_values(size_t(s.K) * s.N, 6);
  std::vector<float> C1(size_t(s.M) * s.N), CN(C1.size());
  set_thread_count(1);
  gemm(Trans::no, Trans::no, s.M, s.N, s.K, A.data(), s.K, B.data(), s.N, C1.data(), s.N);
  set_thread_count(thread_count_max());
  gemm(Trans::no, Trans::no, s.M, s.N, s.K, A.data(), s.K, B.data(), s.N, CN.data(), s.N);
  set_thread_count(1);
  EXPECT_EQ(C1, CN) << "threads: " << thread_count_max();
}

TEST(Gemm, KernelListNamesTheBestKernelFirst) {
  auto kernels = gemm_kernels_available();
  ASSERT_FALSE(kernels.empty());
#ifdef __EMSCRIPTEN__
  EXPECT_EQ(kernels.front(), "wasm-simd128");
#else
  EXPECT_EQ(kernels.back(), "sse2"); // every x86-64 has it
  EXPECT_FALSE(gemm_select_kernel("no-such-kernel"));
#endif
}
