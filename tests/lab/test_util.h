// Helpers shared by the lab tests: random digit sets and commands.
#pragma once
#include <memory>

#include "core/rng.h"
#include "lab/lab.h"
#include "lab/run.h"

namespace aelab {

// count 28x28 "digits" (80% zero pixels, random labels), the same for a seed in every build.
inline std::shared_ptr<const Dataset> random_digits(int count, uint64_t seed) {
  auto d = std::make_shared<Dataset>();
  d->count = count, d->rows = kDigitSide, d->cols = kDigitSide;
  d->images.resize(size_t(count) * kPixels);
  d->labels.resize(size_t(count));
  Rng rng(seed);
  for (auto& p : d->images) p = rng.uniform() < 0.8 ? 0 : uint8_t(rng.below(256));
  for (auto& l : d->labels) l = uint8_t(rng.below(10));
  return d;
}

inline Command make(Command::Kind kind) {
  Command c;
  c.kind = kind;
  return c;
}

} // namespace aelab
