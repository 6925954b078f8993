// The Generate and AE vs VAE tabs' data, with no ImGui (view_generate.cpp and view_compare.cpp
// draw it): samples from the map's Gaussian, the picked point, aelab.sample, the comparison's
// trained models as they arrive, and its picture for Save PNG.
#include <algorithm>
#include <cmath>

#include "app/app.h"
#include "app/view_data.h"
#include "core/generate.h"
#include "core/model_file.h"
#include "lab/json.h"

namespace aelab {

const char* const kCompareFiles[2] = {"compare-ae.aelab", "compare-vae.aelab"};

bool generate_samples(App& app, int n, uint64_t seed, Matrix* images) {
  if (!current_map(app) || !app.views.map.gaussian) return false;
  const CodeGaussian& g = *app.views.map.gaussian;
  if (g.dim != app.lab.model->shape.latent_dim) return false; // the map of another shape, being rebuilt
  *images = decode(*app.lab.model, sample_codes(g, n, seed));
  return true;
}

void generate_pick(App& app, float x, float y) {
  GenerateState& g = app.views.generate;
  g.has_point = true, g.x = x, g.y = y; // decoded when the view next draws, with the model shown then
}

std::string app_sample_json(App& app, int n, double seed) {
  if (n < 1 || n > 1000)
    return "{\"error\":\"sample(" + std::to_string(n) + "): expected n from 1 to 1000\"}";
  if (!(seed >= 0 && seed <= 9007199254740991.0 && std::floor(seed) == seed))
    return "{\"error\":\"sample: seed " + number_text(seed, false) +
           ": expected a whole number from 0 to 2^53 - 1\"}";
  if (!lab_test_set_ready(app.lab) && app.lab.model->shape.kind == ModelKind::ae)
    return "{\"error\":\"the plain autoencoder's samples need its test codes: the test set is not loaded "
           "yet\"}";
  current_map(app, true);
  Matrix images;
  if (!generate_samples(app, n, uint64_t(seed), &images))
    return "{\"error\":\"the latent map needs the test set, which is not loaded yet\"}";
  std::string out = "{\"from\":\"";
  out += app.lab.model->shape.kind == ModelKind::vae ? "prior" : "fitted";
  out += "\",\"images\":[";
  for (int i = 0; i < n; i++) out += (i ? "," : "") + json_numbers(&images(size_t(i), 0), images.shape(1), 5);
  return out + "]}";
}

std::string app_feature_maps_json(App& app) {
  const Autoencoder& m = *app.lab.model;
  if (!is_conv(m.shape))
    return std::string("{\"error\":\"the model is a dense ") + model_kind_name(m.shape.kind) +
           ", which has no feature maps: set kind 'conv'\"}";
  const Input& in = app.lab.input;
  const auto layer = [](const char* name, ImageShape s, const float* values) {
    return std::string("{\"name\":\"") + name + "\",\"shape\":[" + std::to_string(s.h) + "," +
           std::to_string(s.w) + "," + std::to_string(s.c) +
           "],\"values\":" + json_numbers(values, size_t(s.size()), 5) + "}";
  };
  std::string out = "[" + layer("input", ImageShape{kDigitSide, kDigitSide, 1}, in.pixels);
  for (int s = 0; s < kConvStages && size_t(s) < in.features.size(); s++)
    out += "," + layer(conv_stage_name(s), m.stages[s].out, in.features[size_t(s)].data());
  return out + "]";
}

void app_compare_asset(App& app, const std::string& name, const uint8_t* bytes, size_t size,
                       const std::string& error) {
  for (int i = 0; i < 2; i++) {
    if (name != kCompareFiles[i]) continue;
    CompareSide& s = app.views.compare.side[i];
    ModelFile file;
    std::string e = error.empty() ? model_from_bytes(bytes, size, name, &file) : name + ": " + error;
    if (e.empty() && (file.model.shape.kind != s.kind || file.model.shape.latent_dim != 2))
      e = name + ": expected a latent-2 " + (s.kind == ModelKind::vae ? "VAE" : "plain autoencoder");
    if (e.empty()) {
      s.shipped = std::make_shared<const Autoencoder>(std::move(file.model));
      s.status.clear();
    } else {
      s.status = e;
    }
  }
}

RgbImage compare_figure(App& app) {
  const CompareState& c = app.views.compare;
  const RgbImage& a = c.side[0].map_figure.image;
  const RgbImage& b = c.side[1].map_figure.image;
  if (a.width <= 0 || b.width <= 0 || a.height != b.height) return RgbImage{};
  RgbImage out;
  const int gap = 8;
  out.width = a.width + gap + b.width, out.height = a.height;
  out.rgb.assign(size_t(out.width) * out.height * 3, 0);
  for (int y = 0; y < out.height; y++) {
    std::copy_n(&a.rgb[size_t(y) * a.width * 3], a.width * 3, &out.rgb[size_t(y) * out.width * 3]);
    std::copy_n(&b.rgb[size_t(y) * b.width * 3], b.width * 3,
                &out.rgb[(size_t(y) * out.width + a.width + gap) * 3]);
  }
  return out;
}

} // namespace aelab
