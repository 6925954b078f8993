// Every GEMM kernel this build can run, against the plain triple loop, on odd shapes, all four
// transpose combinations, the fused epilogue and 1 and N threads.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/gemm.h"
#ifndef __EMSCRIPTEN__
#include "core/gemm_bf16_kernel.h"
#endif
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
  // by rows (tall, several k slices) and by columns (wide and short: layer 4's shapes)
  for (const Shape s : {Shape{300, 200, 500}, Shape{256, 784, 128}, Shape{128, 784, 600}}) {
    auto A = random_values(size_t(s.M) * s.K, 5), B = random_values(size_t(s.K) * s.N, 6);
    std::vector<float> C1(size_t(s.M) * s.N), CN(C1.size());
    set_thread_count(1);
    gemm(Trans::no, Trans::no, s.M, s.N, s.K, A.data(), s.K, B.data(), s.N, C1.data(), s.N);
    set_thread_count(thread_count_max());
    gemm(Trans::no, Trans::no, s.M, s.N, s.K, A.data(), s.K, B.data(), s.N, CN.data(), s.N);
    set_thread_count(1);
    EXPECT_EQ(C1, CN) << "threads: " << thread_count_max() << " M=" << s.M << " N=" << s.N << " K=" << s.K;
    std::vector<float> ref(C1.size());
    gemm_reference(Trans::no, Trans::no, s.M, s.N, s.K, A.data(), s.K, B.data(), s.N, ref.data(), s.N);
    for (size_t i = 0; i < ref.size(); i++) ASSERT_NEAR(CN[i], ref[i], 2e-6 * std::sqrt(double(s.K))) << i;
  }
}

TEST(Gemm, FmaKernelsGiveTheSameBitsSoTheFastestCanBeChosen) {
  // gemm_select_fastest_kernel picks avx512 or avx2 by timing: a run must not depend on it
  std::vector<std::string> fma;
  for (const auto& k : gemm_kernels_available())
    if (k == "avx512" || k == "avx2") fma.push_back(k);
  if (fma.size() < 2) GTEST_SKIP() << "fewer than two FMA kernels here";
  const Shape shapes[] = {{256, 784, 128}, {128, 784, 256}, {256, 128, 784}, {37, 45, 600}};
  for (Trans ta : {Trans::no, Trans::yes})
    for (Trans tb : {Trans::no, Trans::yes})
      for (const Shape& s : shapes) {
        const int lda = ta == Trans::no ? s.K : s.M, ldb = tb == Trans::no ? s.N : s.K;
        auto A = random_values(size_t(ta == Trans::no ? s.M : s.K) * lda, 7);
        auto B = random_values(size_t(tb == Trans::no ? s.K : s.N) * ldb, 8);
        auto bias = random_values(size_t(s.N), 9);
        GemmEpilogue ep;
        ep.bias = bias.data();
        ep.relu = true;
        std::vector<std::vector<float>> out;
        for (const auto& k : fma) {
          ASSERT_TRUE(gemm_select_kernel(k));
          out.emplace_back(size_t(s.M) * s.N);
          gemm(ta, tb, s.M, s.N, s.K, A.data(), lda, B.data(), ldb, out.back().data(), s.N, ep);
        }
        EXPECT_EQ(out[0], out[1]) << "M=" << s.M << " N=" << s.N << " K=" << s.K;
      }
  const std::string fastest = gemm_select_fastest_kernel();
  EXPECT_TRUE(fastest == "avx512" || fastest == "avx2") << fastest;
  EXPECT_EQ(gemm_kernel_selected(), fastest);
  gemm_select_kernel(gemm_kernels_available().front());
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

// ---- bfloat16 products (issue 13) ----------------------------------------------------------

namespace {

// fp32 -> bf16 -> fp32, rounding to nearest, ties to even (finite values): the 16 low bits go.
float round_to_bf16(float x) {
  uint32_t bits;
  std::memcpy(&bits, &x, 4);
  bits = (bits + 0x7FFFu + ((bits >> 16) & 1u)) & 0xFFFF0000u;
  std::memcpy(&x, &bits, 4);
  return x;
}

// One bf16 product against the double-precision reference, element by element. Each input is
// rounded to 8 significant bits (relative error u = 2^-8 at most), so a product is off by at
// most (2u + u^2) of |a b|; the fp32 sums add at most (K + 2) 2^-24 of the magnitudes summed.
// `rounded`: the inputs are bf16 values already, so only the fp32 sums can be off.
// Returns the worst error as a fraction of its bound (must be <= 1).
double bf16_error_vs_bound(Trans ta, Trans tb, Shape s, const GemmEpilogue& ep_in, bool rounded) {
  const int lda = (ta == Trans::no ? s.K : s.M) + 3, ldb = (tb == Trans::no ? s.N : s.K) + 1;
  const int ldc = s.N + 2;
  auto A = random_values(size_t(ta == Trans::no ? s.M : s.K) * lda, 11);
  auto B = random_values(size_t(tb == Trans::no ? s.K : s.N) * ldb, 12);
  if (rounded) {
    for (auto& v : A) v = round_to_bf16(v);
    for (auto& v : B) v = round_to_bf16(v);
  }
  auto bias = random_values(size_t(s.N), 13);
  auto C = random_values(size_t(s.M) * ldc, 14), C_ref = C, C0 = C;
  GemmEpilogue ep = ep_in;
  if (ep_in.bias) ep.bias = bias.data();
  gemm(ta, tb, s.M, s.N, s.K, A.data(), lda, B.data(), ldb, C.data(), ldc, ep, Precision::bf16);
  gemm_reference(ta, tb, s.M, s.N, s.K, A.data(), lda, B.data(), ldb, C_ref.data(), ldc, ep);
  const double u = std::ldexp(1.0, -8), fp32_sum = (s.K + 2) * std::ldexp(1.0, -24);
  double worst = 0;
  for (int i = 0; i < s.M; i++)
    for (int j = 0; j < ldc; j++) {
      const size_t at = size_t(i) * ldc + j;
      if (j >= s.N) {
        EXPECT_EQ(C[at], C_ref[at]) << "wrote outside the matrix at row " << i << " col " << j;
        continue;
      }
      double products = 0; // sum of |a b|
      for (int k = 0; k < s.K; k++) {
        const float a = ta == Trans::no ? A[size_t(i) * lda + k] : A[size_t(k) * lda + i];
        const float b = tb == Trans::no ? B[size_t(k) * ldb + j] : B[size_t(j) * ldb + k];
        products += std::fabs(double(a) * double(b));
      }
      const double others = (ep.accumulate ? std::fabs(C0[at]) : 0.0) + (ep.bias ? std::fabs(bias[j]) : 0.0);
      const double bound =
          (rounded ? 0.0 : (2 * u + u * u) * products) + fp32_sum * (products + others) + 1e-30;
      worst = std::max(worst, std::fabs(double(C[at]) - double(C_ref[at])) / bound);
    }
  return worst;
}

bool bf16_here() {
  const std::string problem = precision_problem(Precision::bf16);
  if (!problem.empty()) std::printf("  skipped: %s\n", problem.c_str());
  return problem.empty();
}

// The AMX tile with its instructions emulated (amx_emulated.cpp), as one more bf16 kernel: the
// AMX kernel's layout, tails and epilogue, and the driver's rows of A^T for it, checked here.
void add_emulated_amx() {
#ifndef __EMSCRIPTEN__
  static bool added = [] {
    static const gemm_detail::Bf16Kernel k =
        gemm_detail::amx_kernel("amx-emulated", &gemm_detail::amx_emulated_bf16_run);
    gemm_detail::bf16_add_kernel(&k);
    return true;
  }();
  (void)added;
#endif
}

// Runs check() with each bf16 kernel this CPU has selected in turn ("amx" only on CPUs with AMX
// tiles; "amx-emulated" everywhere), then selects the one selected before again.
template <class F> void for_each_bf16_kernel(F check) {
  add_emulated_amx();
  const std::string before = bf16_kernel_selected();
  const std::vector<std::string> kernels = bf16_kernels_available();
  for (const std::string& k : kernels) {
    ASSERT_TRUE(bf16_select_kernel(k)) << k;
    SCOPED_TRACE("bf16 kernel " + k);
    check();
  }
  bf16_select_kernel(before);
}

} // namespace

TEST(GemmBf16, MatchesReferenceWithinBf16RoundingOnEveryShape) {
  if (!bf16_here()) GTEST_SKIP() << precision_problem(Precision::bf16);
  for_each_bf16_kernel([&] {
    for (int threads : {1, thread_count_max()}) {
      set_thread_count(threads);
      for (Trans ta : {Trans::no, Trans::yes})
        for (Trans tb : {Trans::no, Trans::yes})
          for (const Shape& s : kShapes)
            for (bool rounded : {false, true}) {
              const double err = bf16_error_vs_bound(ta, tb, s, {}, rounded);
              EXPECT_LE(err, 1.0) << "M=" << s.M << " N=" << s.N << " K=" << s.K << " ta=" << int(ta)
                                  << " tb=" << int(tb) << " inputs already bf16: " << rounded
                                  << " threads: " << threads;
            }
    }
    set_thread_count(1);
  });
}

TEST(GemmBf16, FusedBiasReluAndAccumulateWithinBound) {
  if (!bf16_here()) GTEST_SKIP() << precision_problem(Precision::bf16);
  for_each_bf16_kernel([&] {
    GemmEpilogue ep;
    ep.bias = reinterpret_cast<const float*>(1); // replaced by real values inside
    ep.relu = true;
    EXPECT_LE(bf16_error_vs_bound(Trans::no, Trans::no, {37, 45, 600}, ep, false), 1.0);
    ep.accumulate = true;
    EXPECT_LE(bf16_error_vs_bound(Trans::yes, Trans::no, {19, 70, 1100}, ep, false), 1.0); // 3 k slices
    ep.bias = nullptr;
    ep.relu = false;
    EXPECT_LE(bf16_error_vs_bound(Trans::no, Trans::yes, {50, 9, 513}, ep, true), 1.0);
  });
}

TEST(GemmBf16, RoundsInputsToNearestEven) {
  if (!bf16_here()) GTEST_SKIP() << precision_problem(Precision::bf16);
  for_each_bf16_kernel([&] {
    // a single product a * 1: what a became. bf16 keeps 7 bits after the point of 1.x.
    struct Case {
      float in, out;
    } cases[] = {
        {1.0f + 3 * std::ldexp(1.0f, -9), 1.0f + std::ldexp(1.0f, -7)}, // above half: up (truncation: 1)
        {1.0f + std::ldexp(1.0f, -8), 1.0f},                            // tie, 1.0000000 is even: down
        {1.0f + 3 * std::ldexp(1.0f, -8), 1.0f + std::ldexp(1.0f, -6)}, // tie, 1.0000001 is odd: up
        {-(1.0f + 3 * std::ldexp(1.0f, -9)), -(1.0f + std::ldexp(1.0f, -7))},
        {0.1f, 0.10009765625f},
    };
    for (const Case& c : cases) {
      const float one = 1.0f;
      float out = -7;
      gemm(Trans::no, Trans::no, 1, 1, 1, &c.in, 1, &one, 1, &out, 1, {}, Precision::bf16);
      EXPECT_EQ(out, c.out) << "bf16 of " << c.in;
      EXPECT_EQ(round_to_bf16(c.in), c.out) << "the test's own rounding of " << c.in;
    }
  });
}

TEST(GemmBf16, ResultIsIdenticalForAnyThreadCount) {
  // by rows (tall) and by columns (wide and short, one and two k slices), A read as is or transposed
  if (!bf16_here()) GTEST_SKIP() << precision_problem(Precision::bf16);
  for_each_bf16_kernel([&] {
    for (const Shape s :
         {Shape{300, 200, 800}, Shape{256, 784, 128}, Shape{128, 784, 600}, Shape{37, 300, 33}})
      for (Trans ta : {Trans::no, Trans::yes}) {
        const int lda = ta == Trans::no ? s.K : s.M;
        auto A = random_values(size_t(s.M) * s.K, 5), B = random_values(size_t(s.K) * s.N, 6);
        auto bias = random_values(size_t(s.N), 7);
        GemmEpilogue ep;
        ep.bias = bias.data();
        std::vector<float> C1(size_t(s.M) * s.N), CN(C1.size());
        set_thread_count(1);
        gemm(ta, Trans::no, s.M, s.N, s.K, A.data(), lda, B.data(), s.N, C1.data(), s.N, ep, Precision::bf16);
        set_thread_count(thread_count_max());
        gemm(ta, Trans::no, s.M, s.N, s.K, A.data(), lda, B.data(), s.N, CN.data(), s.N, ep, Precision::bf16);
        set_thread_count(1);
        EXPECT_EQ(C1, CN) << "threads: " << thread_count_max() << " M=" << s.M << " N=" << s.N << " K=" << s.K
                          << " ta=" << int(ta);
      }
    // and within the bf16 bound at the thread count training uses
    set_thread_count(thread_count_max());
    for (Trans ta : {Trans::no, Trans::yes})
      for (const Shape s : {Shape{256, 784, 128}, Shape{128, 784, 600}})
        EXPECT_LE(bf16_error_vs_bound(ta, Trans::no, s, {}, false), 1.0) << "M=" << s.M << " N=" << s.N;
    set_thread_count(1);
  });
}

// AMX (issue 26) where the CPU reports it: Linux must grant the tile state and the kernel must
// agree with avx512-bf16, else bf16_time_products() drops it. CPUs without AMX skip, saying so.
TEST(GemmBf16, AmxIsUsedWhereTheCpuHasIt) {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string text((std::istreambuf_iterator<char>(cpuinfo)), std::istreambuf_iterator<char>());
  const bool amx = text.find(" amx_bf16") != std::string::npos && text.find(" amx_tile") != std::string::npos;
  if (!amx || !bf16_here())
    GTEST_SKIP() << "this CPU has no AMX tiles (amx_bf16, amx_tile): Intel Sapphire Rapids and later have";
  std::vector<std::string> kernels = bf16_kernels_available();
  ASSERT_FALSE(kernels.empty());
  EXPECT_EQ(kernels.front(), "amx")
      << "the CPU has AMX, but the amx kernel is not offered: Linux did not grant the tile state?";
  const std::string found = bf16_time_products();
  std::printf("  %s\n", found.c_str());
  EXPECT_EQ(found.find("not used"), std::string::npos) << found;
  kernels = bf16_kernels_available();
  EXPECT_EQ(kernels.front(), "amx") << found;
  bf16_select_kernel(kernels.front());
}

// The start-up timing: it names the kernel it chose and the times, and precision_note says "not
// faster" exactly when the bf16 time is not under 0.9 of fp32's.
TEST(GemmBf16, TheStartUpTimingChoosesAKernelAndSaysWhetherBf16IsFaster) {
  if (!bf16_here()) GTEST_SKIP() << precision_problem(Precision::bf16);
  add_emulated_amx(); // checked against avx512-bf16 too, and timed (never the fastest)
  const std::string found = bf16_time_products();
  std::printf("  %s\n", found.c_str());
  EXPECT_EQ(found.find("not used"), std::string::npos) << found;
  double bf16_ms = 0, fp32_ms = 0;
  char name[32] = {};
  const size_t at = found.find("a step's products take");
  ASSERT_NE(at, std::string::npos) << found;
  ASSERT_EQ(std::sscanf(found.c_str() + at,
                        "a step's products take %lf ms at bf16 (%31[^)]) and %lf ms at fp32", &bf16_ms, name,
                        &fp32_ms),
            3)
      << found;
  EXPECT_EQ(bf16_kernel_selected(), name);
  EXPECT_GT(bf16_ms, 0);
  EXPECT_GT(fp32_ms, 0);
  const std::string note = precision_note(Precision::bf16);
  if (bf16_ms < 0.9 * fp32_ms)
    EXPECT_EQ(note, "");
  else
    EXPECT_EQ(note.rfind("not faster on this CPU", 0), 0u) << note;
  EXPECT_EQ(precision_note(Precision::fp32), "");
}

TEST(GemmBf16, PrecisionNamesRoundTrip) {
  Precision p = Precision::bf16;
  EXPECT_TRUE(parse_precision("fp32", &p));
  EXPECT_EQ(p, Precision::fp32);
  EXPECT_TRUE(parse_precision("bf16", &p));
  EXPECT_EQ(p, Precision::bf16);
  EXPECT_STREQ(precision_name(p), "bf16");
  EXPECT_FALSE(parse_precision("fp16", &p));
  EXPECT_EQ(precision_problem(Precision::fp32), "");
#ifdef __EMSCRIPTEN__
  EXPECT_NE(precision_problem(Precision::bf16), ""); // WebAssembly has no bf16 dot product
#endif
}
