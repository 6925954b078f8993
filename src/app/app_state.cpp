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

bool app_would_discard(const App& app, Discard action) {
  const Snapshot& run = app.lab.latest;
  if (action == Discard::shape) return true; // always asked ("Build this model...")
  const bool reset = action == Discard::reset || action == Discard::fresh;
  return run.steps > 0 || (reset && run.epochs_before > 0);
}

std::string app_ask(App& app, const PendingDiscard& p) {
  if (!app_would_discard(app, p.action)) return app_do(app, p);
  app.question = p;
  return "";
}

std::string app_do(App& app, const PendingDiscard& p) {
  Lab& lab = app.lab;
  std::string error;
  switch (p.action) {
  case Discard::none:
  case Discard::count:
    break;
  case Discard::reset:
  case Discard::fresh:
    error = app_reset(app, lab.model->shape);
    if (error.empty() && p.action == Discard::fresh) lab_start(lab);
    break;
  case Discard::shipped:
    error = lab_back_to_shipped(lab);
    app.shape_edit.editing = false;
    app_message(app, error.empty() ? "shipped model loaded" : error, !error.empty());
    return error;
  case Discard::load:
    error =
        app.platform.load_model ? app.platform.load_model(app.model_path) : "loading is not available here";
    break;
  case Discard::dataset:
    error = app_set_dataset(app, p.dataset);
    break;
  case Discard::shape:
    error = app_reset(app, p.shape);
    break;
  case Discard::lesson:
    app_apply_lesson(app, p.lesson);
    break;
  }
  if (error.empty() && p.lesson_model >= 0) app.lesson.model = p.lesson_model;
  if (!error.empty()) app_message(app, error, true);
  return error;
}

void app_working(App& app, Work work) { app.working |= 1u << int(work); }

void app_lab_work(App& app) {
  const Lab& lab = app.lab;
  if (!lab_settled(lab)) app_working(app, Work::run);
  for (const DataSlot* slot : {&lab.test, &lab.train, &lab.other})
    if (slot->status == DataStatus::loading) app_working(app, Work::data);
  if (lab.save_seq != 0) app_working(app, Work::save);
  if (!app.model_file_loading.empty()) app_working(app, Work::data);
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

std::vector<double> nice_ticks(double lo, double hi, int count) {
  std::vector<double> ticks;
  if (!(hi > lo) || count < 1) return ticks;
  const double raw = (hi - lo) / count, power = std::pow(10.0, std::floor(std::log10(raw)));
  const double step = raw / power < 1.5   ? power
                      : raw / power < 3.5 ? 2 * power
                      : raw / power < 7.5 ? 5 * power
                                          : 10 * power;
  for (double t = std::ceil(lo / step) * step; t <= hi + 1e-9 * step; t += step) ticks.push_back(t);
  return ticks;
}

std::vector<double> log_ticks(double lo, double hi, int count) {
  std::vector<double> ticks;
  if (!(lo > 0) || !(hi > lo)) return ticks;
  for (double decade = std::pow(10.0, std::floor(std::log10(lo))); decade <= hi; decade *= 10)
    for (double m : {1.0, 2.0, 5.0})
      if (m * decade >= lo * (1 - 1e-9) && m * decade <= hi * (1 + 1e-9)) ticks.push_back(m * decade);
  if (int(ticks.size()) > count) { // many decades: their 1s only
    std::vector<double> ones;
    for (double t : ticks)
      if (std::fabs(std::log10(t) - std::round(std::log10(t))) < 1e-9) ones.push_back(t);
    if (ones.size() >= 2) ticks = ones;
  }
  return ticks.size() >= 2 ? ticks : nice_ticks(lo, hi, count); // within a decade: linear steps
}

LossPlotData loss_plot_data(const Lab& lab) {
  LossPlotData d;
  const int batch = std::max(1, lab_config(lab).batch_size);
  const int64_t train_count = lab.latest.train_count;
  const double per_epoch = train_count > 0 ? double((train_count + batch - 1) / batch) : 0;
  d.epochs = per_epoch > 0;
  for (const CurvePoint& c : lab.latest.curves.train)
    d.train.push_back({float(d.epochs ? c.x / per_epoch : c.x), c.y});
  int64_t epoch_start = 0; // the step the point's epoch began at
  int epoch_of_start = 0;
  for (const TimelinePoint& p : lab.latest.timeline) {
    if (p.epoch != epoch_of_start) epoch_start = p.step, epoch_of_start = p.epoch;
    float x = float(p.step);
    if (d.epochs) { // its epoch plus the fraction of the next one
      x = float(p.epoch);
      if (p.step > epoch_start) x += std::min(0.99f, float(double(p.step - epoch_start) / per_epoch));
    }
    d.dots.push_back({x, p.val_loss});
  }
  if (!d.epochs) return d;
  for (const CurvePoint& c : lab.latest.curves.val_recon) d.recon.push_back({c.x, c.y});
  for (const CurvePoint& c : lab.latest.curves.val_kl) d.kl.push_back({c.x, c.y});
  // validation: each epoch's point, and every snapshot's pass between them (the timeline may have
  // thinned its snapshots; the epochs' points stay)
  d.val = d.dots;
  for (const CurvePoint& c : lab.latest.curves.val) d.val.push_back({c.x, c.y});
  std::stable_sort(d.val.begin(), d.val.end(),
                   [](const LossPoint& a, const LossPoint& b) { return a.x < b.x; });
  d.val.erase(
      std::unique(d.val.begin(), d.val.end(),
                  [](const LossPoint& a, const LossPoint& b) { return std::fabs(a.x - b.x) < 1e-4f; }),
      d.val.end());
  return d;
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
