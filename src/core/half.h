// IEEE 754 binary16 (float16) from and to float32, portable (no F16C, so the same in WebAssembly):
// the weights of the half-precision model file the page downloads first (model_file.h). Rounding
// is to the nearest float16, ties to even, as NumPy's astype(np.float16) does.
#pragma once
#include <cstdint>
#include <cstring>

namespace aelab {

inline uint16_t float_to_half(float value) {
  uint32_t x;
  std::memcpy(&x, &value, 4);
  const uint32_t sign = (x >> 16) & 0x8000u, abs = x & 0x7FFFFFFFu;
  if (abs >= 0x7F800000u) return uint16_t(sign | 0x7C00u | (abs > 0x7F800000u ? 0x200u : 0)); // inf, NaN
  if (abs >= 0x477FF000u) return uint16_t(sign | 0x7C00u); // rounds past 65504: infinite
  if (abs < 0x38800000u) {                                 // below 2^-14: a subnormal float16, or zero
    if (abs < 0x33000000u) return uint16_t(sign);          // at most half the smallest subnormal
    const uint32_t mantissa = (abs & 0x7FFFFFu) | 0x800000u, shift = 126 - (abs >> 23);
    uint32_t h = mantissa >> shift;
    const uint32_t rest = mantissa & ((1u << shift) - 1), halfway = 1u << (shift - 1);
    if (rest > halfway || (rest == halfway && (h & 1u))) h++; // 0x400 is the smallest normal
    return uint16_t(sign | h);
  }
  uint32_t h = (abs - 0x38000000u) >> 13; // exponent rebiased from 127 to 15, 10 mantissa bits
  const uint32_t rest = abs & 0x1FFFu;
  if (rest > 0x1000u || (rest == 0x1000u && (h & 1u))) h++; // a carry moves into the exponent
  return uint16_t(sign | h);
}

inline float half_to_float(uint16_t h) {
  const uint32_t sign = uint32_t(h & 0x8000u) << 16;
  uint32_t exponent = (h >> 10) & 0x1Fu, mantissa = h & 0x3FFu, x;
  if (exponent == 0 && mantissa == 0) {
    x = sign;
  } else if (exponent == 0) { // subnormal: mantissa * 2^-24, normalised
    exponent = 113;
    while (!(mantissa & 0x400u)) mantissa <<= 1, exponent--;
    x = sign | (exponent << 23) | ((mantissa & 0x3FFu) << 13);
  } else if (exponent == 31) {
    x = sign | 0x7F800000u | (mantissa << 13);
  } else {
    x = sign | ((exponent + 112) << 23) | (mantissa << 13);
  }
  float value;
  std::memcpy(&value, &x, 4);
  return value;
}

} // namespace aelab
