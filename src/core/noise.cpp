// Input corruption (noise.h).
#include "core/noise.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "core/pixels.h"
#include "core/rng.h"
#include "core/threads.h"

namespace aelab {
namespace {

const char* const kNoiseNames[] = {"none", "gaussian", "mask", "saltpepper"};

std::string number_text(float v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", double(v));
  return buf;
}

// One picture: each pixel draws from rng in order, so a row's result depends only on its seed.
void corrupt_row(const Noise& noise, const uint8_t* in, int pixels, Rng rng, uint8_t* out) {
  const float p = noise.amount;
  switch (noise.kind) {
  case NoiseKind::none:
    for (int j = 0; j < pixels; j++) out[j] = in[j];
    break;
  case NoiseKind::mask:
    for (int j = 0; j < pixels; j++) out[j] = rng.uniform() < p ? 0 : in[j];
    break;
  case NoiseKind::saltpepper:
    for (int j = 0; j < pixels; j++) {
      const float u = rng.uniform();
      out[j] = u < p ? (u < 0.5f * p ? 0 : 255) : in[j];
    }
    break;
  case NoiseKind::gaussian:
    for (int j = 0; j < pixels; j += 2) {                        // Box-Muller: two normals from two uniforms
      const float u1 = 1.0f - rng.uniform(), u2 = rng.uniform(); // u1 in (0, 1]: log is finite
      const float r = std::sqrt(-2.0f * std::log(u1)), a = 6.2831853f * u2;
      out[j] = unit_to_pixel(pixel_to_unit(in[j]) + p * r * std::cos(a));
      if (j + 1 < pixels) out[j + 1] = unit_to_pixel(pixel_to_unit(in[j + 1]) + p * r * std::sin(a));
    }
    break;
  }
}

} // namespace

std::string check_noise(const Noise& noise) {
  if (int(noise.kind) > int(NoiseKind::saltpepper)) return "noise: unknown kind";
  if (noise.kind != NoiseKind::none && !(noise.amount >= 0 && noise.amount <= 1))
    return "noise " + noise_text(noise) + ": expected an amount from 0 to 1";
  return "";
}

std::string parse_noise(const std::string& text, Noise* out) {
  const std::string expected = "noise '" + text +
                               "': expected none, gaussian:SIGMA, mask:P or saltpepper:P with the "
                               "amount a number from 0 to 1 (e.g. mask:0.3)";
  const size_t colon = text.find(':');
  const std::string kind = text.substr(0, colon);
  Noise n;
  int k = -1;
  for (int i = 0; i < 4; i++)
    if (kind == kNoiseNames[i]) k = i;
  if (k < 0) return expected;
  n.kind = NoiseKind(k);
  if (n.kind == NoiseKind::none) {
    if (colon != std::string::npos) return expected;
    *out = n;
    return "";
  }
  if (colon == std::string::npos || colon + 1 == text.size()) return expected;
  char* end = nullptr;
  const double v = std::strtod(text.c_str() + colon + 1, &end);
  if (*end != '\0' || !(v >= 0 && v <= 1)) return expected;
  n.amount = float(v);
  *out = n;
  return "";
}

std::string noise_text(const Noise& noise) {
  if (noise.kind == NoiseKind::none || int(noise.kind) > 3) return "none";
  return std::string(kNoiseNames[int(noise.kind)]) + ":" + number_text(noise.amount);
}

void corrupt_images(const Noise& noise, const uint8_t* const* images, int n, int pixels, uint64_t seed,
                    uint8_t* out) {
  parallel_chunks(size_t(n), 16, [&](size_t r0, size_t r1) {
    for (size_t i = r0; i < r1; i++) {
      Rng rng(seed ^ (0xD1B54A32D192ED03ull * (i + 1)));
      rng.next_u64(); // mix the row's seed once before the first pixel
      corrupt_row(noise, images[i], pixels, rng, out + i * size_t(pixels));
    }
  });
}

Dataset corrupt_dataset(const Dataset& data, const Noise& noise, uint64_t seed) {
  Dataset out = data;
  std::vector<const uint8_t*> rows(size_t(data.count));
  for (int i = 0; i < data.count; i++) rows[size_t(i)] = data.image(i);
  corrupt_images(noise, rows.data(), data.count, data.pixels(), seed, out.images.data());
  return out;
}

} // namespace aelab
