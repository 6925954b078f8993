// Building the latent map in slices (see views.h).
#include "lab/views.h"

#include <algorithm>

#include "core/train.h"

namespace aelab {
namespace {

// Digits encoded per slice: 64 (~1 ms in WebAssembly) for the default 32-unit code, fewer for
// wider codes, whose covariance costs latent^2 per digit.
int slice_size(int latent) { return std::max(4, std::min(64, 64 * 32 * 32 / std::max(1, latent * latent))); }

void start_build(MapState& s, const Lab& lab, double now) {
  const int latent = lab.model->shape.latent_dim;
  s.model = lab.model;
  s.data = lab.test.data;
  s.building_version = lab_view_version(lab);
  s.next = 0;
  s.codes = Matrix({size_t(s.data->count), size_t(latent)});
  s.moments = pca_moments(latent);
  s.started_ms = now, s.spent_ms = 0;
}

// Encodes one slice and adds it to the covariance; finishes the map after the last.
void build_slice(MapState& s) {
  const double t0 = now_ms();
  const Dataset& test = *s.data;
  const int latent = s.model->shape.latent_dim;
  const int n = std::min(slice_size(latent), test.count - s.next);
  Matrix z = encode_dataset(*s.model, test, s.next, n);
  std::copy(z.begin(), z.end(), s.codes.data() + size_t(s.next) * size_t(latent));
  if (latent != 2) pca_accumulate(s.moments, z.data(), n);
  s.next += n;
  if (s.next >= test.count) {
    const Pca fit = latent != 2 ? pca_from_moments(s.moments, std::min(2, latent)) : Pca{};
    s.map = std::make_shared<const LatentMap>(
        map_codes(s.codes, test.labels.data(), latent != 2 ? &fit : nullptr));
    s.gaussian = std::make_shared<const CodeGaussian>(sampling_gaussian(*s.model, s.codes));
    s.version = s.building_version;
    s.built_ms = now_ms();
    s.next = -1;
    s.model = nullptr;
    s.data = nullptr;
    s.builds++;
    s.spent_ms += now_ms() - t0;
    s.compute_ms = s.spent_ms;
    return;
  }
  s.spent_ms += now_ms() - t0;
}

bool due(const MapState& s, const Lab& lab, double now) {
  if (s.version == lab_view_version(lab)) return false;
  if (s.next >= 0 && s.building_version == lab_view_version(lab)) return false; // being built
  return !lab_training(lab) || now - s.built_ms >= kMapRefreshMs || !s.map;
}

} // namespace

void map_update(MapState& s, const Lab& lab, double budget_ms) {
  if (!lab_test_set_ready(lab)) return;
  const double now = now_ms();
  // a build of an older model is abandoned for a newer one only when nothing trains (a scrub, a
  // load): while training, finishing it gives a map a second old rather than none
  if (due(s, lab, now) && (s.next < 0 || !lab_training(lab))) start_build(s, lab, now);
  if (s.next < 0) return;
  const double start = now_ms();
  do build_slice(s);
  while (s.next >= 0 && now_ms() - start < budget_ms);
}

bool map_finish(MapState& s, const Lab& lab) {
  if (!lab_test_set_ready(lab)) return false;
  if (s.version == lab_view_version(lab)) return true;
  if (s.next < 0 || s.building_version != lab_view_version(lab)) start_build(s, lab, now_ms());
  while (s.next >= 0) build_slice(s);
  return true;
}

bool map_busy(const MapState& s, const Lab& lab) {
  return lab_test_set_ready(lab) && (s.next >= 0 || s.version != lab_view_version(lab));
}

// ---- anomaly scores

namespace {

constexpr int kScoreSlice = 250; // pictures per slice: ~2 ms in WebAssembly

bool scores_due(const ScoresState& s, const Lab& lab, double now) {
  if (s.version == lab_view_version(lab)) return false;
  if (s.next >= 0 && s.building_version == lab_view_version(lab)) return false;
  return !lab_training(lab) || now - s.built_ms >= kMapRefreshMs || !s.losses;
}

// The pictures `s` scores, if they are there: the test set, or the other data set's.
const std::shared_ptr<const Dataset>* scored_data(const ScoresState& s, const Lab& lab) {
  if (s.target == DataTarget::test) return lab_test_set_ready(lab) ? &lab.test.data : nullptr;
  const DataSlot& o = lab.other;
  return o.status == DataStatus::ready && o.data && o.data->count > 0 && o.data->pixels() == kPixels
             ? &o.data
             : nullptr;
}

void scores_start(ScoresState& s, const Lab& lab) {
  s.model = lab.model;
  s.data = *scored_data(s, lab);
  s.building_version = lab_view_version(lab);
  s.loss = lab_config(lab).loss;
  s.next = 0;
  s.partial.assign(size_t(s.data->count), 0.0f);
}

void scores_slice(ScoresState& s) {
  const int n = std::min(kScoreSlice, s.data->count - s.next);
  sample_losses(*s.model, *s.data, s.next, n, s.loss, s.partial.data() + s.next);
  s.next += n;
  if (s.next < s.data->count) return;
  auto sorted = std::make_shared<std::vector<float>>(s.partial);
  std::sort(sorted->begin(), sorted->end());
  s.losses = std::make_shared<const std::vector<float>>(std::move(s.partial));
  s.sorted = std::move(sorted);
  s.version = s.building_version;
  s.built_ms = now_ms();
  s.builds++;
  s.next = -1;
  s.model = nullptr;
  s.data = nullptr;
}

} // namespace

bool scores_update(ScoresState& s, const Lab& lab, double budget_ms) {
  if (!scored_data(s, lab)) return false;
  if (scores_due(s, lab, now_ms()) && (s.next < 0 || !lab_training(lab))) scores_start(s, lab);
  const double start = now_ms();
  while (s.next >= 0 && (s.next == 0 || now_ms() - start < budget_ms)) scores_slice(s);
  return s.next >= 0 || s.version != lab_view_version(lab);
}

bool scores_finish(ScoresState& s, const Lab& lab) {
  if (!scored_data(s, lab)) return false;
  if (s.version == lab_view_version(lab)) return true;
  if (s.next < 0 || s.building_version != lab_view_version(lab)) scores_start(s, lab);
  while (s.next >= 0) scores_slice(s);
  return true;
}

} // namespace aelab
