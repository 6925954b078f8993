// Helpers shared by the core tests.
#pragma once
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "core/rng.h"

namespace aelab {

// n values uniform in [lo, hi), the same for a seed in every build.
inline std::vector<float> random_values(size_t n, uint64_t seed, float lo = -1.0f, float hi = 1.0f) {
  Rng rng(seed);
  std::vector<float> v(n);
  for (auto& x : v) x = lo + (hi - lo) * rng.uniform();
  return v;
}

// Central difference of f at v[i] with step h (f reads v).
template <class F> double numeric_derivative(std::vector<double>& v, size_t i, double h, const F& f) {
  const double keep = v[i];
  v[i] = keep + h;
  const double up = f();
  v[i] = keep - h;
  const double down = f();
  v[i] = keep;
  return (up - down) / (2 * h);
}

// A folder of its own for the running test under GoogleTest's temp dir (real files: the WASM
// run uses NODERAWFS). Reused by later runs of the same test.
inline std::string make_test_dir() {
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string dir = ::testing::TempDir() + "aelab_" + info->test_suite_name() + "_" + info->name();
  mkdir(dir.c_str(), 0755);
  return dir;
}

// A whole file's bytes (empty if it cannot be opened).
inline std::vector<uint8_t> read_bytes(const std::string& path) {
  std::vector<uint8_t> out;
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return out;
  for (int c; (c = std::fgetc(f)) != EOF;) out.push_back(uint8_t(c));
  std::fclose(f);
  return out;
}

} // namespace aelab
