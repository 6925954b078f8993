// Optimizer steps against values computed by hand (in double, from the formulas in optim.h).
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "core/optim.h"

using namespace aelab;

TEST(Optim, AdamSteps_MatchHandComputedKerasUpdates) {
  // step 1: m = 0.1 g, v = 0.001 g^2, lr_t = 1e-3 sqrt(1 - 0.999) / (1 - 0.9) = 3.16228e-4,
  //         w -= lr_t m / (sqrt(v) + 1e-7): 1 -> 0.999000032, -2 -> -1.999000016, 0.5 unchanged (g = 0)
  // step 2: lr_t = 1e-3 sqrt(1 - 0.999^2) / (1 - 0.9^2) = 2.35317e-4
  OptimizerConfig c;
  OptimizerState s;
  reset_optimizer(s, c, 3);
  Vector w = {1.0f, -2.0f, 0.5f};
  optimizer_step(c, s, w, Vector{0.1f, -0.2f, 0.0f});
  EXPECT_NEAR(w(0), 0.999000032, 1e-7);
  EXPECT_NEAR(w(1), -1.999000016, 1e-7);
  EXPECT_EQ(w(2), 0.5f);
  optimizer_step(c, s, w, Vector{-0.3f, 0.05f, 1.0f});
  EXPECT_NEAR(w(0), 0.999494217, 1e-7);
  EXPECT_NEAR(w(1), -1.998530555, 1e-7);
  EXPECT_NEAR(w(2), 0.499255866, 1e-7);
  EXPECT_EQ(s.step, 2u);
}

TEST(Optim, SgdMomentumSteps_MatchHandComputedValues) {
  // m = 0.9 m - 0.1 g; w += m.  step 1: m = (-0.1, 0.2), w = (0.9, 2.2)
  // step 2: m = 0.9 (-0.1, 0.2) - 0.1 (1, -2) = (-0.19, 0.38), w = (0.71, 2.58)
  OptimizerConfig c;
  c.kind = OptimizerKind::sgd;
  c.learning_rate = 0.1f;
  OptimizerState s;
  reset_optimizer(s, c, 2);
  Vector w = {1.0f, 2.0f};
  optimizer_step(c, s, w, Vector{1.0f, -2.0f});
  EXPECT_NEAR(w(0), 0.9, 1e-6);
  EXPECT_NEAR(w(1), 2.2, 1e-6);
  optimizer_step(c, s, w, Vector{1.0f, -2.0f});
  EXPECT_NEAR(w(0), 0.71, 1e-6);
  EXPECT_NEAR(w(1), 2.58, 1e-6);
}

TEST(Optim, LongVectors_MatchADoubleLoop) {
  // the SIMD lanes and the padded last lanes against the formulas in double, several steps, with
  // each update kernel this CPU has (avx512 and avx2 here)
  for (const std::string& kernel : optim_kernels_available())
    for (OptimizerKind kind : {OptimizerKind::adam, OptimizerKind::sgd}) {
      SCOPED_TRACE("kernel " + kernel);
      ASSERT_TRUE(optim_select_kernel(kernel));
      OptimizerConfig c;
      c.kind = kind;
      const size_t n = 1000 + 3; // not a multiple of any SIMD width
      OptimizerState s;
      reset_optimizer(s, c, n);
      Vector w = xt::zeros<float>({n});
      std::vector<double> wd(n), md(n), vd(n);
      for (size_t i = 0; i < n; i++) w(i) = float(wd[i] = std::sin(double(i)));
      for (int step = 1; step <= 3; step++) {
        Vector g = xt::zeros<float>({n});
        for (size_t i = 0; i < n; i++) g(i) = float(std::cos(double(i * step)) * 0.01);
        optimizer_step(c, s, w, g);
        const double lr_t = 1e-3 * std::sqrt(1.0 - std::pow(0.999, step)) / (1.0 - std::pow(0.9, step));
        for (size_t i = 0; i < n; i++) {
          const double gi = double(g(i));
          if (kind == OptimizerKind::adam) {
            md[i] = 0.9 * md[i] + 0.1 * gi;
            vd[i] = 0.999 * vd[i] + 0.001 * gi * gi;
            wd[i] -= lr_t * md[i] / (std::sqrt(vd[i]) + 1e-7);
          } else {
            md[i] = 0.9 * md[i] - 1e-3 * gi;
            wd[i] += md[i];
          }
        }
      }
      for (size_t i = 0; i < n; i++) ASSERT_NEAR(w(i), wd[i], 2e-6) << "parameter " << i;
    }
  optim_select_kernel(optim_kernels_available().front());
}

TEST(Optim, EveryKernelGivesTheSameUpdatesBitForBit) {
  // the AVX-512 pass is chosen by the CPU alone: a run must not depend on it. Lengths with every
  // tail under 16 lanes; gradients over many magnitudes
  const std::vector<std::string> kernels = optim_kernels_available();
  if (kernels.size() < 2) GTEST_SKIP() << "one update kernel on this CPU: " << kernels.front();
  for (OptimizerKind kind : {OptimizerKind::adam, OptimizerKind::sgd})
    for (size_t n : {size_t(1), size_t(15), size_t(17), size_t(70000)}) {
      std::vector<Vector> results;
      for (const std::string& kernel : kernels) {
        ASSERT_TRUE(optim_select_kernel(kernel));
        OptimizerConfig c;
        c.kind = kind;
        OptimizerState s;
        reset_optimizer(s, c, n);
        Vector w = xt::zeros<float>({n});
        for (size_t i = 0; i < n; i++) w(i) = float(std::sin(double(i)));
        for (int step = 1; step <= 4; step++) {
          Vector g = xt::zeros<float>({n});
          for (size_t i = 0; i < n; i++)
            g(i) = float(std::cos(double(i * step)) * std::pow(10.0, -double(i % 9)));
          optimizer_step(c, s, w, g);
        }
        results.push_back(w);
        results.push_back(s.m);
        if (kind == OptimizerKind::adam) results.push_back(s.v);
      }
      const size_t per_kernel = results.size() / kernels.size();
      for (size_t k = 1; k < kernels.size(); k++)
        for (size_t j = 0; j < per_kernel; j++)
          for (size_t i = 0; i < n; i++)
            ASSERT_EQ(results[k * per_kernel + j](i), results[j](i))
                << kernels[k] << " against " << kernels[0] << ", n " << n << ", array " << j << ", index "
                << i;
    }
  optim_select_kernel(kernels.front());
}

TEST(Optim, AbsurdHyperparameters_AreRejectedWithTheirName) {
  OptimizerConfig c;
  c.learning_rate = std::nanf(""); // named as the user types it (--lr, aelab.set({lr}))
  EXPECT_EQ(check_optimizer_config(c), "lr = nan: expected a number from 1e-07 to 10");
  c.learning_rate = -1.0f;
  EXPECT_EQ(check_optimizer_config(c), "lr = -1: expected a number from 1e-07 to 10");
  c.learning_rate = 1e-3f;
  c.beta2 = 1.0f;
  EXPECT_NE(check_optimizer_config(c).find("beta2"), std::string::npos);
  c.beta2 = 0.999f;
  EXPECT_EQ(check_optimizer_config(c), "");
}

// No subnormal value is made (issue 26; optim_kernel.h): a moment that decays with zero
// gradients reaches exactly 0 without passing through the subnormal range, a gradient under
// 2^-50 counts as 0, and one above it moves the moments as before. On every kernel.
TEST(Optim, MomentsDecayToZeroWithoutSubnormals) {
  for (const std::string& kernel : optim_kernels_available()) {
    ASSERT_TRUE(optim_select_kernel(kernel));
    for (OptimizerKind kind : {OptimizerKind::adam, OptimizerKind::sgd}) {
      OptimizerConfig c;
      c.kind = kind;
      c.momentum = 0.9f;
      OptimizerState s;
      const size_t n = 19; // a whole vector and a tail
      reset_optimizer(s, c, n);
      Vector w = xt::ones<float>({n}), g = xt::zeros<float>({n});
      g(0) = 1.0f, g(1) = 1e-20f, g(2) = 1e-10f;
      g(3) = std::ldexp(1.0f, -44) * 0.75f; // Adam's v from it: (1 - b2) g^2, just over 2^-100
      optimizer_step(c, s, w, g);
      EXPECT_NE(s.m(0), 0.0f) << kernel;
      EXPECT_EQ(s.m(1), 0.0f) << kernel << ": a gradient of 1e-20 counts as 0";
      EXPECT_NE(s.m(2), 0.0f) << kernel << ": a gradient of 1e-10 is kept";
      const double first = std::fabs(double(s.m(0))); // Adam: 0.1; SGD: the learning rate, 0.001
      const double first_v = kind == OptimizerKind::adam ? double(s.v(3)) : 0;
      g = xt::zeros<float>({n});
      int zero_at = -1, v_zero_at = -1;
      for (int step = 2; step <= 1500; step++) {
        optimizer_step(c, s, w, g);
        for (size_t i = 0; i < n; i++) {
          ASSERT_NE(std::fpclassify(s.m(i)), FP_SUBNORMAL) << kernel << " step " << step << " m(" << i << ")";
          if (kind == OptimizerKind::adam)
            ASSERT_NE(std::fpclassify(s.v(i)), FP_SUBNORMAL)
                << kernel << " step " << step << " v(" << i << ")";
        }
        if (zero_at < 0 && s.m(0) == 0.0f) zero_at = step;
        if (kind == OptimizerKind::adam && v_zero_at < 0 && s.v(3) == 0.0f) v_zero_at = step;
      }
      // first * 0.9^(k - 1) falls under 2^-100 at step k (~640 for Adam, ~590 for SGD); without
      // the flush it would pass through the subnormal range for ~180 steps before reaching 0
      const double expected = 1 + std::log(std::ldexp(1.0, -100) / first) / std::log(0.9);
      EXPECT_NEAR(zero_at, expected, 2.0) << kernel << (kind == OptimizerKind::adam ? " adam" : " sgd");
      if (kind == OptimizerKind::adam) { // v shrinks by b2 = 0.999 a step: under 2^-100 after ~860
        ASSERT_GT(first_v, std::ldexp(1.0, -100)) << kernel;
        const double v_expected = 1 + std::log(std::ldexp(1.0, -100) / first_v) / std::log(0.999);
        EXPECT_NEAR(v_zero_at, v_expected, 2.0) << kernel << ": v from " << first_v;
      }
    }
  }
  optim_select_kernel(optim_kernels_available().front());
}
