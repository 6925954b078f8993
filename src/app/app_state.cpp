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

void app_working(App& app, Work work) { app.working |= 1u << int(work); }

void app_lab_work(App& app) {
  const Lab& lab = app.lab;
  if (!lab_settled(lab)) app_working(app, Work::run);
  for (const DataSlot* slot : {&lab.test, &lab.train, &lab.other})
    if (slot->status == DataStatus::loading) app_working(app, Work::data);
  if (lab.save_seq != 0) app_working(app, Work::save);
  if (!app.message.text.empty() && now_ms() < app.message.until_ms) app_working(app, Work::message);
  if (app.views.select) app_working(app, Work::select);
}

bool app_animating(const App& app) { return app.working != 0; }

const char* samples_noun(const Lab& lab) { return lab.dataset == DatasetKind::mnist ? "digits" : "pictures"; }

std::string samples_text(const Lab& lab, DataTarget target) {
  const bool train = target == DataTarget::train;
  int count = train ? lab.train.count : lab.test.count;
  if (count <= 0 && train) count = lab.latest.train_count;
  if (count <= 0) count = train ? 60000 : 10000; // MNIST's and Fashion-MNIST's sizes
  std::string digits = std::to_string(count), grouped;
  for (size_t i = 0; i < digits.size(); i++) {
    if (i > 0 && (digits.size() - i) % 3 == 0) grouped += ',';
    grouped += digits[i];
  }
  return grouped + (train ? " training " : " test ") + samples_noun(lab);
}

std::string progress_text(const Lab& lab, bool short_text) {
  const Snapshot& run = lab.latest;
  const int epochs = lab_config(lab).epochs;
  const bool done = lab_epoch(lab) >= epochs;
  const int epoch = done ? epochs : lab_epoch(lab) + 1;
  char text[96];
  if (done)
    std::snprintf(text, sizeof text, "%sepoch %d of %d, done%s", short_text ? "" : "this run: ", epoch,
                  epochs, short_text ? "" : (", step " + std::to_string(run.steps)).c_str());
  else if (short_text)
    std::snprintf(text, sizeof text, "epoch %d of %d, %.0f%%", epoch, epochs, 100.0f * run.epoch_fraction);
  else
    std::snprintf(text, sizeof text, "this run: epoch %d of %d, %.0f%%, step %lld", epoch, epochs,
                  100.0f * run.epoch_fraction, (long long)run.steps);
  return text;
}

std::string label_text(const Lab& lab, int label) {
  std::string out = "label " + std::to_string(label);
  if (lab.dataset == DatasetKind::fashion) out += std::string(", ") + class_name(lab.dataset, label);
  return out;
}

} // namespace aelab
