// The views' data, with no ImGui: what the views show and the page's API reads (the map, the
// decoded plane, interpolations, traversals, the first layer, the anomaly numbers), their
// pictures for "Save PNG", and the views by name. The view files draw it (view_*.cpp).
#include <algorithm>
#include <cstdio>
#include <cstring>

#include "app/app.h"
#include "app/view_data.h"
#include "core/anomaly.h"
#include "core/projector.h"
#include "lab/json.h"

namespace aelab {
namespace {

const char* const kViewNames[kViewCount] = {"map",     "grid",    "interpolate", "traverse", "weights",
                                            "gallery", "anomaly", "generate",    "compare",  "features"};

void write_images(JsonWriter& j, const char* key, const Matrix& images) {
  std::string out = "[";
  for (size_t i = 0; i < images.shape(0); i++) {
    if (i) out += ',';
    out += json_numbers(&images(i, 0), images.shape(1), 5);
  }
  j.json(key, out + "]");
}

// The plane's frame as [x0, x1, y0, y1].
void write_bounds(JsonWriter& j, const LatentPlane& plane) {
  const float bounds[4] = {plane.x0, plane.x1, plane.y0, plane.y1};
  j.json("bounds", json_numbers(bounds, 4));
}

std::string error_json(const std::string& error) {
  JsonWriter j;
  return j.string("error", error).finish();
}

} // namespace

const char* view_name(View view) { return kViewNames[int(view)]; }

bool view_from_name(const std::string& name, View* out) {
  for (int i = 0; i < kViewCount; i++)
    if (name == kViewNames[i]) return *out = View(i), true;
  return false;
}

uint64_t mix(uint64_t h, uint64_t v) {
  return (h ^ (v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2))) * 0x100000001B3ull;
}

uint64_t mix_floats(uint64_t h, const float* v, size_t n) {
  for (size_t i = 0; i < n; i++) {
    uint32_t bits;
    std::memcpy(&bits, &v[i], 4);
    h = mix(h, bits);
  }
  return h;
}

std::string axis_label(const LatentPlane& plane, int axis) {
  char text[64];
  if (plane.pca && axis >= plane.fit.count()) return "none (a 1-unit code has one axis)";
  if (!plane.pca)
    std::snprintf(text, sizeof text, "z[%d]", axis);
  else
    std::snprintf(text, sizeof text, "PC%d (%.0f%% of variance)", axis + 1, 100 * plane.fit.explained(axis));
  return text;
}

// The map of the model shown, brought up to date within this frame's budget (or at once when
// `now`); null before the first one.
const LatentMap* current_map(App& app, bool now) {
  ViewsState& v = app.views;
  const double t0 = now_ms();
  // the map's share of a frame: a twelfth of the frame time (so the frame rate drops by less
  // than that), 1 to 5 ms
  const double frame_ms = app.fps > 1 ? 1000.0 / app.fps : 16.7;
  if (now)
    map_finish(v.map, app.lab);
  else
    map_update(v.map, app.lab, std::max(1.0, std::min(5.0, frame_ms / 12)));
  if (map_busy(v.map, app.lab)) app_working(app, Work::map);
  v.map_frame_ms = now_ms() - t0;
  return v.map.map.get();
}

// The code and the pixels of an interpolation end ("" or why there is none).
std::string endpoint_code(App& app, const Endpoint& e, std::vector<float>* code, std::vector<float>* pixels) {
  Lab& lab = app.lab;
  const Autoencoder& model = *lab.model;
  if (e.kind == Endpoint::Kind::input) {
    *code = lab.input.code;
    pixels->assign(lab.input.pixels, lab.input.pixels + kPixels);
    return "";
  }
  if (e.kind == Endpoint::Kind::digit) {
    if (!lab_test_set_ready(lab)) return "the test set is not loaded yet";
    if (e.digit < 0 || e.digit >= lab.test.data->count)
      return "test digit " + std::to_string(e.digit) + ": expected 0 to " +
             std::to_string(lab.test.data->count - 1);
    Matrix x({1, size_t(kPixels)});
    images_to_float(*lab.test.data, e.digit, 1, x.data());
    Matrix z = encode(model, x);
    code->assign(z.begin(), z.end());
    pixels->assign(x.begin(), x.end());
    return "";
  }
  const LatentMap* map = app.views.map.map.get();
  if (!map) return "the map is not built yet";
  *code = plane_code(map->plane, model.shape.latent_dim, e.x, e.y);
  Matrix z({1, code->size()});
  std::copy(code->begin(), code->end(), z.begin());
  Matrix d = decode(model, z);
  pixels->assign(d.begin(), d.end());
  return "";
}

std::string endpoint_name(const Endpoint& e) {
  char text[64];
  if (e.kind == Endpoint::Kind::input) return "the drawing";
  if (e.kind == Endpoint::Kind::digit)
    std::snprintf(text, sizeof text, "test digit #%d", e.digit);
  else
    std::snprintf(text, sizeof text, "map point (%.2f, %.2f)", e.x, e.y);
  return text;
}

// Whether figure f is to be redrawn for `key`: at once when the run is idle or the figure's shape
// changed (a picture of another size must never be read with the new sizes), at most every
// kRefreshWhileTrainingMs while the run trains.
bool stale(App& app, Figure* f, uint64_t key, uint64_t shape) {
  const ModelShape& m = app.lab.model->shape;
  shape = mix(mix(mix(mix(shape, uint64_t(m.input_dim)), uint64_t(m.hidden_dim)), uint64_t(m.latent_dim)),
              uint64_t(m.kind));
  for (int f : m.filters) shape = mix(shape, uint64_t(f));
  if (f->key == key && f->shape == shape) return false;
  const double now = now_ms();
  if (f->shape == shape && lab_training(app.lab) && now - f->ms < kRefreshWhileTrainingMs) {
    app_working(app, Work::figure); // redrawn in a later frame
    return false;
  }
  f->ms = now;
  f->shape = shape;
  return true;
}

// The decoded plane as a figure: the decoder over an n x n grid of the map's plane.
void update_plane_figure(App& app, const LatentMap& map, int n, Figure* f) {
  const uint64_t key = mix(mix(lab_view_version(app.lab), uint64_t(app.views.map.builds)), uint64_t(n));
  if (!stale(app, f, key, uint64_t(n))) return;
  Matrix grid = decode_grid(*app.lab.model, map.plane, n);
  f->image = render_tiles(grid.data(), n * n, n, kDigitSide, kDigitSide, 1, 0);
  f->key = key;
}

// The range unit u takes over the test set (from the map), else 0 to twice the input's value.
std::vector<bool> dead_units(const App& app) {
  const LatentMap* map = app.views.map.map.get();
  if (!map || app.views.map.version != lab_view_version(app.lab)) return {};
  std::vector<bool> dead(map->plane.unit_high.size());
  if (app.lab.model->shape.kind == ModelKind::vae) return dead; // mu may be negative: no ReLU to die
  for (size_t u = 0; u < dead.size(); u++) dead[u] = map->plane.unit_high[u] <= 0;
  return dead;
}

float code_mean(const App& app) {
  const MapState& m = app.views.map;
  if (!m.gaussian || m.version != lab_view_version(app.lab) || app.lab.model->shape.kind != ModelKind::ae ||
      m.gaussian->mean.empty())
    return -1;
  double sum = 0;
  for (double v : m.gaussian->mean) sum += v;
  return float(sum / double(m.gaussian->mean.size()));
}

void unit_range(App& app, int u, float* low, float* high) {
  const LatentMap* map = app.views.map.map.get();
  if (map && u < int(map->plane.unit_low.size()) && app.views.map.version == lab_view_version(app.lab)) {
    *low = map->plane.unit_low[size_t(u)], *high = map->plane.unit_high[size_t(u)];
  } else {
    *low = 0, *high = std::max(1.0f, 2 * app.lab.input.code[size_t(u)]);
  }
  if (*high - *low < 1e-3f) *high = *low + 1; // a dead unit: show a unit-wide sweep anyway
}

// The share of the sorted losses below `value`, ties counting half, in percent.
float percentile_in(const std::vector<float>& sorted, float value) {
  if (sorted.empty()) return -1;
  const auto lo = std::lower_bound(sorted.begin(), sorted.end(), value);
  const auto hi = std::upper_bound(lo, sorted.end(), value);
  return float(100.0 * (double(lo - sorted.begin()) + 0.5 * double(hi - lo)) / double(sorted.size()));
}

float quantile(const std::vector<float>& sorted, double q) {
  if (sorted.empty()) return 0;
  return sorted[std::min(sorted.size() - 1, size_t(q * double(sorted.size())))];
}

// The AUC of the other data set's pictures against the test set's, computed once per pair of
// scoring passes of the same model.
void update_auc(ViewsState& v) {
  const ScoresState &mine = v.scores, &theirs = v.other_scores;
  if (!mine.losses || !theirs.losses || mine.version != theirs.version) return;
  if (v.auc_builds[0] == mine.builds && v.auc_builds[1] == theirs.builds) return;
  v.auc = roc_auc(*theirs.losses, *mine.losses);
  v.auc_builds[0] = mine.builds, v.auc_builds[1] = theirs.builds;
}

AnomalyNumbers anomaly_numbers(const App& app) {
  const ViewsState& v = app.views;
  AnomalyNumbers a;
  if (!v.scores.sorted) return a;
  const std::vector<float>& sorted = *v.scores.sorted;
  a.threshold = v.threshold >= 0 ? v.threshold : quantile(sorted, 0.99);
  a.share_above = 100.0f - percentile_in(sorted, a.threshold) -
                  0.5f * float(100.0 *
                               double(std::upper_bound(sorted.begin(), sorted.end(), a.threshold) -
                                      std::lower_bound(sorted.begin(), sorted.end(), a.threshold)) /
                               double(sorted.size()));
  const Input& in = app.lab.input;
  if (!in.empty) {
    a.input_loss = in.loss;
    a.percentile_of_input = percentile_in(sorted, in.loss);
    a.unusual = in.loss > a.threshold;
  }
  if (v.auc_builds[0] == v.scores.builds && v.auc_builds[1] == v.other_scores.builds &&
      v.other_scores.version == v.scores.version && v.scores.version == lab_view_version(app.lab))
    a.auc = v.auc;
  return a;
}

RgbImage app_view_figure(App& app, View view) {
  ViewsState& v = app.views;
  switch (view) {
  case View::map: {
    const LatentMap* map = lab_test_set_ready(app.lab) ? current_map(app, true) : nullptr;
    return map ? render_map_figure(*map, 512, v.thumbnails ? app.lab.test.data.get() : nullptr, 300)
               : RgbImage{};
  }
  case View::grid:
    return v.grid_figure.image;
  case View::interpolate:
    return v.line_figure.image;
  case View::traverse:
    return v.traverse_figure.image;
  case View::weights:
    return v.weights_figure.image;
  case View::gallery: { // the classic figure: the digits above their reconstructions
    const GalleryState& g = app.gallery;
    const int n = int(g.recon.size() / kPixels);
    if (n == 0 || !lab_test_set_ready(app.lab)) return RgbImage{};
    std::vector<float> images(size_t(2) * n * kPixels);
    images_to_float(*app.lab.test.data, g.first, n, images.data());
    std::copy(g.recon.begin(), g.recon.end(), images.begin() + size_t(n) * kPixels);
    return render_tiles(images.data(), 2 * n, n, kDigitSide, kDigitSide, 2, 2);
  }
  case View::anomaly: // a histogram drawn with ImGui: no picture of its own to save yet
    break;
  case View::generate:
    return v.generate.samples.image;
  case View::compare:
    return compare_figure(app);
  case View::features: // what the tab shows: every layer for the input
    if (is_conv(app.lab.model->shape)) return render_feature_maps(*app.lab.model, app.lab.input.pixels);
    break;
  }
  return RgbImage{};
}

std::string app_save_view(App& app) {
  const View view = app.views.view;
  const RgbImage image = app_view_figure(app, view);
  if (image.width <= 0) {
    const std::string error =
        std::string("the ") + view_name(view) + " view has nothing to save yet: show it first";
    app_message(app, error, true);
    return error;
  }
  const std::string name = std::string("aelab-") + view_name(view) + ".png";
  const std::string error = app.platform.save_figure ? app.platform.save_figure(encode_png_rgb(image), name)
                                                     : "saving is not available here";
  app_message(app, error.empty() ? (app.platform.web ? "downloaded " : "saved ") + name : error,
              !error.empty());
  return error;
}

std::string app_save_projector(App& app) {
  Lab& lab = app.lab;
  std::string error;
  std::vector<uint8_t> zip;
  if (!lab_test_set_ready(lab)) {
    error = "the Embedding Projector's files need the test set: it is not loaded yet";
  } else {
    const Dataset& test = *lab.test.data;
    const Matrix codes = encode_dataset(*lab.model, test, 0, test.count);
    zip = encode_zip(projector_files(
        codes, test, lab.dataset == DatasetKind::fashion ? kFashionClassNames : kDigitClassNames));
    error = app.platform.save_figure ? app.platform.save_figure(zip, "aelab-projector.zip")
                                     : "saving is not available here";
  }
  app_message(app,
              error.empty()
                  ? (app.platform.web ? "downloaded " : "saved ") + std::string("aelab-projector.zip")
                  : error,
              !error.empty());
  return error;
}

std::string app_view(App& app, const std::string& name) {
  View view;
  if (!view_from_name(name, &view))
    return "view '" + name +
           "': expected 'map', 'grid', 'interpolate', 'traverse', 'weights', 'gallery' or 'anomaly'";
  app.views.view = view;
  app.views.select = true;
  app.tab = Panel::views, app.tab_select = true; // the tabbed layouts show the views' panel
  return "";
}

bool app_map_now(App& app) { return current_map(app, true) != nullptr; }

std::string app_map_json(App& app) {
  const LatentMap* map = current_map(app, true);
  if (!map) return error_json("the map needs the test set, which is not loaded yet");
  JsonWriter j;
  j.string("method", map->plane.pca ? "pca" : "latent");
  if (map->plane.pca) {
    const float explained[2] = {float(map->plane.fit.explained(0)), float(map->plane.fit.explained(1))};
    j.json("explained", json_numbers(explained, 2));
  } else {
    j.json("explained", "null");
  }
  std::string points = "[";
  char buf[64];
  for (int i = 0; i < map->count(); i++) {
    std::snprintf(buf, sizeof buf, "%s[%.6g,%.6g,%d]", i ? "," : "", double(map->xy[size_t(2) * i]),
                  double(map->xy[size_t(2) * i + 1]), map->labels[size_t(i)]);
    points += buf;
  }
  j.json("points", points + "]");
  float input[2] = {0, 0};
  if (!app.lab.input.code.empty() && app.lab.input.code.size() == map->plane.unit_low.size())
    plane_position(map->plane, app.lab.input.code.data(), &input[0], &input[1]);
  j.json("input", json_numbers(input, 2));
  write_bounds(j, map->plane);
  j.string("x", axis_label(map->plane, 0)).string("y", axis_label(map->plane, 1));
  return j.finish();
}

std::string app_decode_grid_json(App& app, int n) {
  if (n < 2 || n > 40) return error_json("decodeGrid(" + std::to_string(n) + "): expected n from 2 to 40");
  const LatentMap* map = current_map(app, true);
  if (!map) return error_json("the map needs the test set, which is not loaded yet");
  Matrix grid = decode_grid(*app.lab.model, map->plane, n);
  JsonWriter j;
  j.number("n", n);
  write_bounds(j, map->plane); // x0, x1, y0, y1: row 0 is y1, column 0 is x0
  write_images(j, "images", grid);
  return j.finish();
}

std::string app_interpolate_json(App& app, int a, int b, int k) {
  if (k < 2 || k > 100)
    return error_json("interpolate(a, b, " + std::to_string(k) + "): expected k from 2 to 100");
  std::vector<float> a_code, b_code, a_px, b_px;
  const Endpoint ea = a < 0 ? Endpoint{} : Endpoint{Endpoint::Kind::digit, a, 0, 0};
  const Endpoint eb = b < 0 ? Endpoint{} : Endpoint{Endpoint::Kind::digit, b, 0, 0};
  std::string error = endpoint_code(app, ea, &a_code, &a_px);
  if (error.empty()) error = endpoint_code(app, eb, &b_code, &b_px);
  if (!error.empty()) return error_json(error);
  JsonWriter j;
  write_images(j, "images", interpolate_codes(*app.lab.model, a_code.data(), b_code.data(), k));
  write_images(j, "crossfade", crossfade(a_px.data(), b_px.data(), kPixels, k));
  return j.finish();
}

std::string app_traverse_json(App& app, int unit, int k) {
  const int latent = app.lab.model->shape.latent_dim;
  if (unit < 0 || unit >= latent)
    return error_json("traverse(" + std::to_string(unit) + "): expected a unit from 0 to " +
                      std::to_string(latent - 1));
  if (k < 2 || k > 100)
    return error_json("traverse(unit, " + std::to_string(k) + "): expected k from 2 to 100");
  if (lab_test_set_ready(app.lab)) current_map(app, true);
  float low, high;
  unit_range(app, unit, &low, &high);
  const std::vector<float> values = sweep(low, high, k);
  JsonWriter j;
  j.json("values", json_numbers(values.data(), values.size()));
  write_images(j, "images", traverse_unit(*app.lab.model, app.lab.input.code.data(), unit, values));
  return j.finish();
}

std::string app_first_layer_json(App& app) {
  JsonWriter j;
  write_images(j, "weights", first_layer_weights(*app.lab.model));
  return j.finish();
}

std::string app_timeline_json(const App& app) {
  const Lab& lab = app.lab;
  std::string points = "[";
  char buf[128];
  for (size_t i = 0; i < lab.latest.timeline.size(); i++) {
    const TimelinePoint& p = lab.latest.timeline[i];
    std::snprintf(buf, sizeof buf, "%s{\"step\":%lld,\"epoch\":%d,\"valLoss\":%.9g}", i ? "," : "",
                  (long long)p.step, p.epoch, double(p.val_loss));
    points += buf;
  }
  JsonWriter j;
  j.json("points", points + "]");
  j.number("shown", lab_scrub_index(lab));
  j.number("bytes", double(timeline_bytes(lab.latest.timeline)))
      .number("budgetBytes", double(kTimelineBudgetBytes));
  return j.finish();
}

} // namespace aelab
