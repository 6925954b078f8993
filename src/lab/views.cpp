// Building the latent map in slices (see views.h).
#include "lab/views.h"

#include <algorithm>

namespace aelab {
namespace {

constexpr int kMapSlice = 64; // digits encoded per slice (~1 ms in WebAssembly)

void start_build(MapState& s, const Lab& lab, double now) {
  s.model = lab.model;
  s.building_version = lab.model_version;
  s.next = 0;
  s.codes = Matrix({size_t(lab.test.data->count), size_t(lab.model->shape.latent_dim)});
  s.started_ms = now, s.spent_ms = 0;
}

// Encodes one slice; finishes the map after the last.
void build_slice(MapState& s, const Dataset& test) {
  const double t0 = now_ms();
  const int n = std::min(kMapSlice, test.count - s.next);
  Matrix z = encode_dataset(*s.model, test, s.next, n);
  std::copy(z.begin(), z.end(), s.codes.data() + size_t(s.next) * s.codes.shape(1));
  s.next += n;
  if (s.next >= test.count) {
    s.map = std::make_shared<const LatentMap>(map_codes(s.codes, test.labels.data()));
    s.version = s.building_version;
    s.built_ms = now_ms();
    s.next = -1;
    s.model = nullptr;
    s.builds++;
    s.spent_ms += now_ms() - t0;
    s.compute_ms = s.spent_ms;
    return;
  }
  s.spent_ms += now_ms() - t0;
}

bool have_test_set(const Lab& lab) {
  return lab.test.data && lab.test.data->count > 0 && lab.test.data->pixels() == kPixels;
}

bool due(const MapState& s, const Lab& lab, double now) {
  if (s.version == lab.model_version) return false;
  if (s.next >= 0 && s.building_version == lab.model_version) return false; // being built
  return !lab_training(lab) || now - s.built_ms >= kMapRefreshMs || !s.map;
}

} // namespace

void map_update(MapState& s, const Lab& lab, double budget_ms) {
  if (!have_test_set(lab)) return;
  const double now = now_ms();
  // a build of an older model is abandoned for a newer one only when nothing trains (a scrub, a
  // load): while training, finishing it gives a map a second old rather than none
  if (due(s, lab, now) && (s.next < 0 || !lab_training(lab))) start_build(s, lab, now);
  if (s.next < 0) return;
  const double start = now_ms();
  do build_slice(s, *lab.test.data);
  while (s.next >= 0 && now_ms() - start < budget_ms);
}

bool map_finish(MapState& s, const Lab& lab) {
  if (!have_test_set(lab)) return false;
  if (s.version == lab.model_version) return true;
  if (s.next < 0 || s.building_version != lab.model_version) start_build(s, lab, now_ms());
  while (s.next >= 0) build_slice(s, *lab.test.data);
  return true;
}

bool map_busy(const MapState& s, const Lab& lab) {
  return have_test_set(lab) && (s.next >= 0 || s.version != lab.model_version);
}

} // namespace aelab
