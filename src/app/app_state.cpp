// The app's state without ImGui: starting it, its one-line messages, loading and resetting
// models, whether anything changes on its own (the platforms then keep drawing), the zoom, and
// labels as the lab shows them. With api.cpp, lesson.cpp and view_data.cpp it is the page's
// API, built without ImGui (aelab_page in cmake/app.cmake; tests/app links only that).
#include <algorithm>
#include <cmath>

#include "app/app.h"
#include "core/npz.h"

namespace aelab {

float app_zoom(float window_w, float window_h) {
  const float fit = std::min(window_w / 1280.0f, window_h / 800.0f);
  return std::clamp(std::floor(fit * 20.0f) / 20.0f, 1.0f, 3.0f); // in steps of 0.05
}

void app_init(App& app, const Platform& platform, std::unique_ptr<RunHost> host) {
  app.platform = platform;

  lab_init(app.lab, std::move(host));
}

void app_message(App& app, const std::string& text, bool error) {
  app.message.text = text;
  app.message.until_ms = now_ms() + (error ? 15000 : 5000);
}

std::string app_load_model_bytes(App& app, const uint8_t* bytes, size_t size, const std::string& name) {
  std::vector<uint8_t> converted; // an .npz (Keras or PyTorch layout) becomes a model file first
  std::string error;
  if (looks_like_npz(bytes, size)) {
    ModelFile file;
    error = import_npz(bytes, size, name, &file);
    if (error.empty()) converted = model_to_bytes(file), bytes = converted.data(), size = converted.size();
  }
  if (error.empty()) error = lab_load_model_bytes(app.lab, bytes, size, name);
  app.shape_edit.editing = false;
  app_message(app, error.empty() ? "loaded " + name : error, !error.empty());
  return error;
}

std::string app_reset(App& app, const ModelShape& shape) {
  std::string error = lab_reset(app.lab, shape);
  if (error.empty()) app.shape_edit.editing = false;
  return error;
}

bool app_animating(const App& app) {
  const Lab& lab = app.lab;
  const bool loading = lab.test.status == DataStatus::loading || lab.train.status == DataStatus::loading ||
                       lab.other.status == DataStatus::loading;
  const bool message_showing = !app.message.text.empty() && now_ms() < app.message.until_ms;
  const View view = app.views.view;
  const bool map_shown = view == View::map || view == View::grid || view == View::traverse;
  const bool map_building = map_shown && map_busy(app.views.map, lab);
  return !lab_settled(lab) || loading || message_showing || lab.save_seq != 0 || map_building ||
         app.views.select;
}

std::string label_text(const Lab& lab, int label) {
  std::string out = "label " + std::to_string(label);
  if (lab.dataset == DatasetKind::fashion) out += std::string(", ") + class_name(lab.dataset, label);
  return out;
}

} // namespace aelab
