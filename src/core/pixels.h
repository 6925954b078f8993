// The one place that converts pixels: a byte 0-255 is the value byte / 255 in [0, 1] (MNIST's
// preprocessing, bit-identical wherever it is done), and a value goes back to the nearest byte
// after clamping to [0, 1] (NaN becomes 0).
#pragma once
#include <cmath>
#include <cstdint>

namespace aelab {

inline float pixel_to_unit(uint8_t byte) { return float(byte) / 255.0f; }

inline uint8_t unit_to_pixel(float value) {
  if (!(value > 0.0f)) return 0; // also NaN
  if (value >= 1.0f) return 255;
  return uint8_t(std::lround(value * 255.0f));
}

} // namespace aelab
