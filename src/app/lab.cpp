// The lab without its UI: model, data, a training run advanced in time slices, validation in
// slices, and the current input (canvas -> MNIST preprocessing -> model) with its latent code.
#include "app/lab.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>

#include "core/model_file.h"

namespace aelab {
namespace {

constexpr int kValidationSlice = 128; // test samples evaluated per slice (~3 ms in wasm)
constexpr float kLossSmoothing = 0.05f;

// Starts a validation pass over the whole test set; epoch-end passes (and the one before any
// training) are the points of the validation curve, others (at a pause) only update val_loss.
void start_validation(Lab& lab, bool epoch_point = true) {
  if (lab.test.status != DataStatus::ready || lab.test.data.count == 0) return;
  lab.val_next = 0;
  lab.val_epoch = lab.epochs_done;
  lab.val_at_epoch_end = epoch_point;
  lab.val_pass_step = lab.steps;
  lab.val_losses.assign(size_t(lab.test.data.count), 0.0f);
}

// Forget the training run: curves, optimizer, epochs. The weights are whatever lab.model holds.
void restart_training_state(Lab& lab) {
  lab.training = false;
  lab.trainer_ready = false;
  lab.epoch_open = false;
  lab.steps = 0;
  lab.epochs_done = 0;
  lab.smoothed_loss = 0;
  lab.train_curve.clear();
  lab.val_curve.clear();
  lab.epoch_train_curve.clear();
  lab.samples_per_s = lab.compute_samples_per_s = 0;
  lab.window_start_ms = -1;
  lab.batch_ms = 0;
  lab.val_next = -1;
  lab.val_loss = -1;
  lab.val_loss_epoch = -1;
  lab.val_loss_step = -1;
  lab.code_edited = false;
  lab_mark_model_changed(lab);
  start_validation(lab);
}

void ensure_trainer(Lab& lab) {
  if (lab.trainer_ready) return;
  trainer_init(lab.trainer, lab.model, lab.config);
  lab.trainer_ready = true;
  lab.epoch_open = false;
}

void validation_slice(Lab& lab) {
  const Dataset& test = lab.test.data;
  int n = std::min(kValidationSlice, test.count - lab.val_next);
  sample_losses(lab.model, test, lab.val_next, n, lab.config.loss, lab.val_losses.data() + lab.val_next);
  lab.val_next += n;
  if (lab.val_next < test.count) return;
  double sum = 0;
  for (float v : lab.val_losses) sum += v;
  lab.val_loss = float(sum / test.count);
  lab.val_loss_epoch = lab.val_epoch;
  lab.val_loss_step = lab.val_pass_step;
  if (lab.val_at_epoch_end) {
    if (!lab.val_curve.empty() && lab.val_curve.back().x == float(lab.val_epoch)) lab.val_curve.pop_back();
    lab.val_curve.push_back({float(lab.val_epoch), lab.val_loss});
  }
  lab.val_next = -1;
}

// One batch of the epoch in progress (opening and closing epochs as needed). Returns the
// number of samples trained. The gradients are computed through `around` when given (the
// training thread lets the UI have the lab meanwhile: lab_worker.cpp).
int train_batch(Lab& lab, const ComputeWrapper& around = {}) {
  ensure_trainer(lab);
  if (!lab.epoch_open) {
    begin_epoch(lab.trainer, lab.train.data.count);
    lab.epoch_open = true;
  }
  const int n = begin_batch(lab.trainer, lab.train.data);
  if (n == 0) return 0;
  float loss = 0;
  auto compute = [&] {
    loss = compute_gradients(lab.trainer, lab.model, lab.train.data, batch_indices(lab.trainer), n);
  };
  if (around) around(compute);
  else compute();
  finish_batch(lab.trainer, lab.model, n, loss);
  lab.steps++;
  lab.smoothed_loss = lab.steps == 1 ? loss : lab.smoothed_loss + kLossSmoothing * (loss - lab.smoothed_loss);
  lab.train_curve.push_back({float(lab.steps), lab.smoothed_loss});
  if (lab.trainer.cursor >= int(lab.trainer.order.size())) {
    lab.epoch_train_curve.push_back({float(lab.epochs_done + 1), float(epoch_train_loss(lab.trainer))});
    end_epoch(lab.trainer);
    lab.epoch_open = false;
    lab.epochs_done++;
    start_validation(lab);
    if (lab_done(lab)) {
      lab.training = false;
      lab.status = "finished " + std::to_string(lab.epochs_done) + " epochs";
    }
  }
  lab_mark_model_changed(lab);
  return n;
}

// Where a batch may be in progress on the training thread, waits for it to finish: called first
// by everything that changes the model, the trainer or the training set.
void wait_for_batch(Lab& lab) {
  if (lab.wait_for_batch) lab.wait_for_batch();
}

uint8_t to_byte(float v) { return uint8_t(std::lround(std::min(1.0f, std::max(0.0f, v)) * 255.0f)); }

} // namespace

double lab_now_ms() {
  using namespace std::chrono;
  return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}

const char* loss_name(LossKind kind) { return kind == LossKind::bce ? "BCE" : "MSE"; }
const char* optimizer_name(OptimizerKind kind) { return kind == OptimizerKind::adam ? "Adam" : "SGD"; }

void lab_init(Lab& lab) {
  lab.config = TrainConfig{};
  lab.config.batch_size = 64; // a 256-sample batch takes longer than a frame's budget in wasm
  lab.config.epochs = 20;
  lab.config.seed = kDefaultSeed;
  lab.canvas.assign(size_t(kCanvasSide) * kCanvasSide, 0.0f);
  lab_reset(lab, ModelShape{});
  lab.model_notice = "No trained model loaded: random weights (seed " + std::to_string(kDefaultSeed) + ").";
}

// ---- model

std::string lab_load_model_bytes(Lab& lab, const uint8_t* bytes, size_t size, const std::string& name) {
  wait_for_batch(lab);
  ModelFile file;
  std::string error = model_from_bytes(bytes, size, name, &file);
  if (!error.empty()) return error;
  lab.model = std::move(file.model);
  lab.epochs_before = file.epochs_trained;
  lab.model_name = name;
  lab.model_notice.clear();
  restart_training_state(lab);
  if (file.has_optimizer) { // resume exactly where the file's training stopped
    lab.config.optimizer.kind = file.optimizer_kind;
    ensure_trainer(lab);
    lab.trainer.optimizer = std::move(file.optimizer);
  }
  lab.code.clear();
  lab.status = "loaded " + name;
  return "";
}

std::vector<uint8_t> lab_model_bytes(const Lab& lab) {
  ModelFile file;
  file.model = lab.model;
  file.epochs_trained = lab.epochs_before + uint32_t(lab.epochs_done);
  if (lab.trainer_ready && lab.trainer.optimizer.step > 0) {
    file.has_optimizer = true;
    file.optimizer_kind = lab.config.optimizer.kind;
    file.optimizer = lab.trainer.optimizer;
  }
  return model_to_bytes(file);
}

std::string lab_set_shipped_model(Lab& lab, std::vector<uint8_t> bytes, const std::string& name) {
  std::string error = lab_load_model_bytes(lab, bytes.data(), bytes.size(), name);
  if (!error.empty()) {
    lab.model_notice = error + " - using random weights.";
    return error;
  }
  lab.shipped_model = std::move(bytes);
  return "";
}

std::string lab_back_to_shipped(Lab& lab) {
  if (lab.shipped_model.empty()) return "no shipped model was loaded";
  std::vector<uint8_t> bytes = lab.shipped_model;
  return lab_load_model_bytes(lab, bytes.data(), bytes.size(), "shipped model");
}

void lab_reset(Lab& lab, const ModelShape& shape) {
  wait_for_batch(lab);
  lab.model = make_autoencoder(shape);
  init_glorot_uniform(lab.model, lab.config.seed);
  lab.epochs_before = 0;
  lab.model_name = "random weights (seed " + std::to_string(lab.config.seed) + ")";
  lab.model_notice.clear();
  lab.code.clear();
  restart_training_state(lab);
  lab.status = "new random weights";
}

// ---- data

void lab_set_dataset(Lab& lab, bool train, Dataset data) {
  wait_for_batch(lab);
  DataSlot& slot = train ? lab.train : lab.test;
  slot.data = std::move(data);
  slot.status = DataStatus::ready;
  slot.progress = 1;
  slot.error.clear();
  if (train) {
    lab.epoch_open = false; // the epoch's order is for the old set
  } else {
    start_validation(lab);
    lab.input_dirty = true;
  }
}

void lab_set_data_failed(Lab& lab, bool train, const std::string& error) {
  DataSlot& slot = train ? lab.train : lab.test;
  slot.status = DataStatus::failed;
  slot.error = error;
  lab.status = error;
}

// ---- training

std::string lab_set_config(Lab& lab, const TrainConfig& config) {
  wait_for_batch(lab);
  std::string error = check_train_config(config);
  if (!error.empty()) return error;
  bool new_trainer = config.batch_size != lab.config.batch_size || config.loss != lab.config.loss ||
                     config.optimizer.kind != lab.config.optimizer.kind;
  if (config.loss != lab.config.loss) { // the curves so far are in the other loss's units
    lab.train_curve.clear();
    lab.val_curve.clear();
    lab.epoch_train_curve.clear();
    lab.input_dirty = true;
    start_validation(lab);
  }
  lab.config = config;
  if (new_trainer) {
    lab.batch_ms = 0;
    lab.trainer_ready = false;
    lab.epoch_open = false;
  } else if (lab.trainer_ready) {
    lab.trainer.config = config; // learning rate, momentum, epochs: take effect at the next batch
  }
  return "";
}

bool lab_done(const Lab& lab) { return lab.epochs_done >= lab.config.epochs; }

void lab_start(Lab& lab) {
  if (lab_done(lab)) {
    lab.status = "already trained " + std::to_string(lab.epochs_done) + " epochs: raise Epochs to go on";
    return;
  }
  lab.training = true;
  lab.status = lab.train.status == DataStatus::ready ? "training" : "training starts when the training set is loaded";
}

void lab_pause(Lab& lab) {
  wait_for_batch(lab);
  bool was_training = lab.training;
  lab.training = false;
  lab.window_start_ms = -1;
  lab.status = "paused";
  if (was_training && lab.steps != lab.val_loss_step && lab.val_next < 0) start_validation(lab, false);
}

bool lab_step(Lab& lab) {
  wait_for_batch(lab);
  if (lab.train.status != DataStatus::ready) return false;
  train_batch(lab);
  return true;
}

bool lab_has_work(const Lab& lab) {
  return lab.val_next >= 0 || (lab.training && lab.train.status == DataStatus::ready);
}

bool lab_work_unit(Lab& lab, const ComputeWrapper& around) {
  const double start = lab_now_ms();
  const bool can_train = lab.training && lab.train.status == DataStatus::ready;
  if (can_train && lab.status != "training") lab.status = "training";
  if (!can_train) lab.window_start_ms = -1;
  else if (lab.window_start_ms < 0) lab.window_start_ms = start, lab.window_samples = 0, lab.window_compute_ms = 0;

  auto average = [](double& avg, double sample) { avg = avg == 0 ? sample : avg + 0.1 * (sample - avg); };
  bool worked = true;
  if (lab.val_next >= 0) {
    validation_slice(lab);
    average(lab.slice_ms, lab_now_ms() - start);
  } else if (can_train) {
    lab.window_samples += train_batch(lab, around);
    const double took = lab_now_ms() - start;
    lab.window_compute_ms += took;
    average(lab.batch_ms, took);
  } else {
    worked = false;
  }

  const double now = lab_now_ms();
  if (can_train && now - lab.window_start_ms >= 1000) {
    lab.samples_per_s = float(lab.window_samples * 1000.0 / (now - lab.window_start_ms));
    if (lab.window_compute_ms > 0) lab.compute_samples_per_s = float(lab.window_samples * 1000.0 / lab.window_compute_ms);
    lab.window_start_ms = now, lab.window_samples = 0, lab.window_compute_ms = 0;
  }
  return worked;
}

void lab_work(Lab& lab, double budget_ms) {
  const double start = lab_now_ms();
  for (double used = 0;; used = lab_now_ms() - start) {
    const double usual = lab.val_next >= 0 ? lab.slice_ms : lab.batch_ms;
    if (used > 0 && used + usual > budget_ms) break;
    if (!lab_work_unit(lab)) break;
  }
}

int lab_epoch(const Lab& lab) { return lab.epochs_done; }

float lab_epoch_fraction(const Lab& lab) {
  if (!lab.trainer_ready || !lab.epoch_open || lab.trainer.order.empty()) return 0;
  return float(lab.trainer.cursor) / float(lab.trainer.order.size());
}

// ---- input

void lab_clear(Lab& lab) {
  std::fill(lab.canvas.begin(), lab.canvas.end(), 0.0f);
  lab.test_digit = -1;
  lab.direct_input = false;
  lab.code_edited = false;
  lab.input_dirty = true;
}

void lab_draw(Lab& lab, float x0, float y0, float x1, float y1) {
  if (lab.direct_input) { // drawing over a loaded digit: from now on it is a drawing
    lab.direct_input = false;
    lab.test_digit = -1;
  }
  draw_segment(lab.canvas.data(), kCanvasSide, kCanvasSide, x0, y0, x1, y1, lab.brush);
  lab.code_edited = false;
  lab.input_dirty = true;
}

void lab_set_strokes(Lab& lab, const std::vector<std::vector<float>>& strokes_xy) {
  lab_clear(lab);
  const float scale = float(kCanvasSide) / float(kDigitSide);
  for (const std::vector<float>& stroke : strokes_xy) {
    size_t points = stroke.size() / 2;
    const float* p = stroke.data();
    if (points == 1) lab_draw(lab, p[0] * scale, p[1] * scale, p[0] * scale, p[1] * scale);
    for (size_t i = 0; i + 1 < points; ++i)
      lab_draw(lab, p[2 * i] * scale, p[2 * i + 1] * scale, p[2 * i + 2] * scale, p[2 * i + 3] * scale);
  }
}

void lab_set_input_pixels(Lab& lab, const float* pixels) {
  lab_clear(lab);
  for (int i = 0; i < kPixels; ++i) lab.direct[i] = std::min(1.0f, std::max(0.0f, pixels[i]));
  // show it on the canvas, each pixel as a 4x4 block, so drawing can go on from it
  const int k = kCanvasSide / kDigitSide;
  for (int y = 0; y < kCanvasSide; ++y)
    for (int x = 0; x < kCanvasSide; ++x) lab.canvas[size_t(y) * kCanvasSide + x] = lab.direct[(y / k) * kDigitSide + x / k];
  lab.direct_input = true;
}

bool lab_load_test_digit(Lab& lab, int index) {
  if (lab.test.status != DataStatus::ready || index < 0 || index >= lab.test.data.count) return false;
  float pixels[kPixels];
  images_to_float(lab.test.data, index, 1, pixels);
  lab_set_input_pixels(lab, pixels);
  lab.test_digit = index;
  return true;
}

void lab_mark_model_changed(Lab& lab) {
  lab.input_dirty = true;
  lab.model_version++;
}

void lab_update(Lab& lab) {
  if (!lab.input_dirty) return;
  lab.input_dirty = false;

  // 1. what the model sees, as bytes like an MNIST image
  float processed[kPixels];
  GrayView canvas{lab.canvas.data(), kCanvasSide, kCanvasSide};
  downsample_to_digit(canvas, lab.raw);
  if (lab.direct_input) std::memcpy(processed, lab.direct, sizeof processed);
  else if (lab.preprocess) mnist_preprocess(canvas, processed);
  else std::memcpy(processed, lab.raw, sizeof processed);
  Dataset one;
  one.count = 1, one.rows = kDigitSide, one.cols = kDigitSide;
  one.images.resize(kPixels);
  one.labels.assign(1, 0);
  for (int i = 0; i < kPixels; ++i) one.images[size_t(i)] = to_byte(processed[i]);
  images_to_float(one, 0, 1, lab.input);
  lab.input_empty = std::all_of(one.images.begin(), one.images.end(), [](uint8_t b) { return b == 0; });

  // 2. encode, decode, and the loss exactly as validation computes it
  Matrix x({size_t(1), size_t(kPixels)});
  std::copy(lab.input, lab.input + kPixels, x.data());
  Matrix code = encode(lab.model, x);
  Matrix recon = decode(lab.model, code);
  std::copy(recon.data(), recon.data() + kPixels, lab.recon);
  lab.code.assign(code.data(), code.data() + code.size());
  sample_losses(lab.model, one, 0, 1, lab.config.loss, &lab.input_loss);

  // 3. the edited code, if any, through the decoder alone
  if (!lab.code_edited || lab.edited_code.size() != lab.code.size()) {
    lab.code_edited = false;
    lab.edited_code = lab.code;
    std::copy(lab.recon, lab.recon + kPixels, lab.edited_recon);
    return;
  }
  Matrix edited({size_t(1), lab.edited_code.size()});
  std::copy(lab.edited_code.begin(), lab.edited_code.end(), edited.data());
  Matrix decoded = decode(lab.model, edited);
  std::copy(decoded.data(), decoded.data() + kPixels, lab.edited_recon);
}

void lab_edit_code(Lab& lab, int unit, float value) {
  if (unit < 0 || unit >= int(lab.code.size())) return;
  if (!lab.code_edited) lab.edited_code = lab.code;
  lab.code_edited = true;
  lab.edited_code[size_t(unit)] = value;
  lab.input_dirty = true;
}

void lab_snap_back_code(Lab& lab) {
  lab.code_edited = false;
  lab.input_dirty = true;
}

} // namespace aelab
