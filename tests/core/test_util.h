// Helpers shared by the core tests.
#pragma once
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

} // namespace aelab
