// The one place that converts pixels: a byte 0-255 is the value byte / 255 in [0, 1] (MNIST's
// preprocessing, bit-identical wherever it is done), and a value goes back to the nearest byte
// after clamping to [0, 1] (NaN becomes 0).
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#endif

namespace aelab {

inline float pixel_to_unit(uint8_t byte) { return float(byte) / 255.0f; }

#if defined(__AVX2__) && defined(__FMA__)
// Eight bytes as pixel_to_unit gives them, without a division: the product with 1/255, corrected
// by one fused multiply-add of its error, is byte / 255 correctly rounded for every byte
// (tests/core/test_dataset.cpp checks all 256).
inline __m256 pixels_to_unit8(const uint8_t* bytes) {
  long long eight;
  std::memcpy(&eight, bytes, 8);
  const __m256 x = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_cvtsi64_si128(eight)));
  const __m256 r = _mm256_set1_ps(1.0f / 255.0f);
  const __m256 q = _mm256_mul_ps(x, r);
  return _mm256_fmadd_ps(_mm256_fnmadd_ps(q, _mm256_set1_ps(255.0f), x), r, q);
}
#endif

// n bytes to floats, each as pixel_to_unit.
inline void pixels_to_unit(const uint8_t* bytes, size_t n, float* out) {
  size_t i = 0;
#if defined(__AVX2__) && defined(__FMA__)
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(out + i, pixels_to_unit8(bytes + i));
#endif
  for (; i < n; i++) out[i] = pixel_to_unit(bytes[i]);
}

inline uint8_t unit_to_pixel(float value) {
  if (!(value > 0.0f)) return 0; // also NaN
  if (value >= 1.0f) return 255;
  return uint8_t(std::lround(value * 255.0f));
}

} // namespace aelab
