// The latent map as the lab keeps it: built from the model the UI shows, a slice of the test set
// at a time within a per-frame budget (10,000 codes take ~100 ms in WebAssembly, too long for one
// frame), and rebuilt as the model changes: while training, a second after the last build
// finished. The finished map stays on screen while the next one is built.
#pragma once
#include <memory>
#include <vector>

#include "core/explore.h"
#include "core/generate.h"
#include "core/loss.h"
#include "lab/lab.h"

namespace aelab {

struct MapState {
  std::shared_ptr<const LatentMap> map; // the newest complete map, null before the first
  // The Gaussian the Generate view draws codes from (generate.h), made with `map`: a VAE's prior,
  // or the plain model's test codes' mean and covariance.
  std::shared_ptr<const CodeGaussian> gaussian;
  uint64_t version = ~0ull; // the model version `map` shows
  double built_ms = -1e300; // when the build of `map` finished
  double compute_ms = 0;    // compute time of the last complete build, all slices
  int builds = 0;           // complete builds so far
  // the build in progress
  std::shared_ptr<const Autoencoder> model;
  std::shared_ptr<const Dataset> data; // the test set it maps
  uint64_t building_version = 0;
  int next = -1; // next test digit to encode, -1: no build runs
  Matrix codes;
  PcaMoments moments; // the codes' covariance, summed slice by slice
  double started_ms = 0, spent_ms = 0;
};

constexpr double kMapRefreshMs = 1000;

// The anomaly view's scores: each test picture's reconstruction loss under the model shown,
// computed a slice at a time like the map, and sorted for percentiles. The same for the other
// data set's test pictures (target other), which the view compares with.
struct ScoresState {
  DataTarget target = DataTarget::test;
  std::shared_ptr<const std::vector<float>> losses; // by test index; null before the first
  std::shared_ptr<const std::vector<float>> sorted; // the same, ascending
  uint64_t version = ~0ull;                         // the model version they score
  double built_ms = -1e300;
  int builds = 0;
  // the pass in progress
  std::shared_ptr<const Autoencoder> model;
  std::shared_ptr<const Dataset> data;
  uint64_t building_version = 0;
  LossKind loss = LossKind::bce;
  int next = -1;
  std::vector<float> partial;
};
// Returns true while the scores are unfinished: a pass runs or one is due.
bool scores_update(ScoresState& state, const Lab& lab, double budget_ms);
// Completes the scores of the model shown now; false without the pictures to score.
bool scores_finish(ScoresState& state, const Lab& lab);

// Starts or continues a build for at most about budget_ms (at least one slice). A new build
// starts when the model shown differs from the map's and the last build ended kMapRefreshMs ago
// (at once when nothing is training: a load, a reset, a scrub). Needs the test set in the UI.
void map_update(MapState& state, const Lab& lab, double budget_ms);
// Completes the map of the model shown now, however long it takes (the API's synchronous calls).
// Returns false if there is no test set.
bool map_finish(MapState& state, const Lab& lab);
// True while a build runs or one is due.
bool map_busy(const MapState& state, const Lab& lab);

} // namespace aelab
