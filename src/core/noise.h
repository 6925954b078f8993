// Input corruption for denoising autoencoders: the network sees a corrupted picture and is
// trained to give back the clean one (the loss's targets stay clean).
//
//   none            the picture as it is
//   gaussian:SIGMA  each pixel plus SIGMA * N(0, 1), clipped to [0, 1]   (SIGMA 0 to 1)
//   mask:P          each pixel zeroed with probability P                 (P 0 to 1)
//   saltpepper:P    each pixel, with probability P, set to 0 or 1, half each
//
// A corrupted picture is stored as pixel bytes like every picture (pixels.h), so training keeps
// its sparse first layer. Row i of a call draws from its own generator, seeded from the call's
// seed and i, so the result does not depend on how the rows are shared among threads.
#pragma once
#include <cstdint>
#include <string>

#include "core/dataset.h"

namespace aelab {

enum class NoiseKind : uint8_t { none, gaussian, mask, saltpepper };

struct Noise {
  NoiseKind kind = NoiseKind::none;
  float amount = 0; // gaussian: sigma; mask, saltpepper: the probability
  bool operator==(const Noise& o) const { return kind == o.kind && amount == o.amount; }
};

// "none", "gaussian:0.3", "mask:0.3", "saltpepper:0.1" -> *out; "" or one line naming the text
// and what was expected.
std::string parse_noise(const std::string& text, Noise* out);
std::string noise_text(const Noise& noise);  // the inverse: "mask:0.3"
std::string check_noise(const Noise& noise); // "" if the kind is known and the amount 0 to 1

// Corrupts n pictures of `pixels` bytes (images[i]) into out (n * pixels bytes).
void corrupt_images(const Noise& noise, const uint8_t* const* images, int n, int pixels, uint64_t seed,
                    uint8_t* out);
// A copy of `data` with every picture corrupted (the same labels): what `aelab eval --noise`
// feeds the network.
Dataset corrupt_dataset(const Dataset& data, const Noise& noise, uint64_t seed);

} // namespace aelab
