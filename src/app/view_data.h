// What the views (view_*.cpp) and the page's API (view_data.cpp) share, with no ImGui: keys for
// the figures' caches, the map of the model shown, the interpolation's ends, the axis names.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "app/app.h"

namespace aelab {

// Hashes for the figures' cache keys.
uint64_t mix(uint64_t h, uint64_t v);
uint64_t mix_floats(uint64_t h, const float* v, size_t n);
// "PC1 (30% of variance)" or "z[0]": what an axis of the map's plane is.
std::string axis_label(const LatentPlane& plane, int axis);
// The map of the model shown, brought up to date within this frame's budget (or at once when
// `now`); null before the first one.
const LatentMap* current_map(App& app, bool now = false);
// The code and the pixels of an interpolation end ("" or why there is none), and its name.
std::string endpoint_code(App& app, const Endpoint& e, std::vector<float>* code, std::vector<float>* pixels);
std::string endpoint_name(const Endpoint& e);
// Whether figure f is to be redrawn for `key`: at once when the run is idle or the figure's shape
// changed, at most every kRefreshWhileTrainingMs while the run trains.
bool stale(App& app, Figure* f, uint64_t key, uint64_t shape);
// The decoded plane as a figure: the decoder over an n x n grid of the map's plane.
void update_plane_figure(App& app, const LatentMap& map, int n, Figure* f);
// The Generate view's samples: n decodings of codes drawn with `seed` from the map's Gaussian
// (a VAE's prior, the plain model's fitted one); false before the map is there.
bool generate_samples(App& app, int n, uint64_t seed, Matrix* images);
// The picture at a point of the map's plane (the Generate view's pick).
void generate_pick(App& app, float x, float y);
// The AE against VAE view as one picture (Save PNG): the two maps over the two planes.
RgbImage compare_figure(App& app);
// The range unit u takes over the test set (from the map), else 0 to twice the input's value.
void unit_range(App& app, int u, float* low, float* high);
// The share of the sorted losses below `value` (ties count half), in percent; and the q-quantile.
float percentile_in(const std::vector<float>& sorted, float value);
float quantile(const std::vector<float>& sorted, double q);

} // namespace aelab
