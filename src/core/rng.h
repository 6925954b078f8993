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
  // uniform integer in [0, n) from exactly one draw: r % n, whose bias is below n / 2^64 (under
  // 2^-32 for any n that fits in 32 bits). One draw per call is what lets skip() below jump over
  // whole shuffles.
  uint32_t below(uint32_t n) { return uint32_t(next_u64() % n); }
  // The state after `draws` calls of next_u64(), in O(1): splitmix64's state is a counter.
  void skip(uint64_t draws) { state += draws * 0x9E3779B97F4A7C15ull; }
};

} // namespace aelab
