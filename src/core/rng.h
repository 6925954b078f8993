// A small seeded random generator (splitmix64), identical in every build, so a seed gives the
// same weights and the same batch order natively and in WebAssembly (std:: distributions and
// std::shuffle differ between libstdc++ and libc++).
#pragma once
#include <cstdint>

namespace aelab {

struct Rng {
  uint64_t state;
  explicit Rng(uint64_t seed) : state(seed) {}

  uint64_t next_u64() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // uniform in [0, 1) with 24 random bits: exact in float32
  float uniform() { return float(next_u64() >> 40) * (1.0f / 16777216.0f); }
  // uniform integer in [0, n), without modulo bias
  uint32_t below(uint32_t n) {
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t r;
    do {
      r = next_u64();
    } while (r >= limit);
    return uint32_t(r % n);
  }
};

} // namespace aelab
