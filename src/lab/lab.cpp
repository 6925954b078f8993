// The lab as the UI sees it: commands out to the run's host, snapshots in, and the current input
// computed with the UI's own copy of the model.
#include "lab/lab.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/layers.h"
#include "core/model_file.h"
#include "core/pixels.h"
#include "core/train.h"

namespace aelab {

const char* data_status_name(DataStatus s) {
  switch (s) {
  case DataStatus::absent:
    return "absent";
  case DataStatus::loading:
    return "loading";
  case DataStatus::ready:
    return "ready";
  case DataStatus::failed:
    return "failed";
  }
  return "absent";
}

const char* loss_name(LossKind kind) { return kind == LossKind::bce ? "BCE" : "MSE"; }

uint64_t lab_send(Lab& lab, Command command) {
  command.seq = ++lab.sent_seq;
  lab.host->send(std::move(command));
  return lab.sent_seq;
}

void lab_init(Lab& lab, std::unique_ptr<RunHost> host) {
  lab.host = std::move(host);
  lab.latest.config = default_lab_config(); // what the host's new run starts with
  lab.input.canvas.assign(size_t(kCanvasSide) * kCanvasSide, 0.0f);
  Autoencoder model = make_autoencoder(ModelShape{}); // what the host's new run starts with
  init_glorot_uniform(model, lab.latest.config.seed);
  lab.model = std::make_shared<const Autoencoder>(std::move(model));
  lab.model_name = "random weights (seed 0)";
  lab.model_notice = "No trained model loaded: random weights (seed 0).";
  lab_update(lab);
}

void lab_switch_host(Lab& lab, std::unique_ptr<RunHost> host) {
  std::vector<Command> commands = lab.host->handover();
  lab.host = std::move(host);
  for (Command& c : commands) lab.host->send(std::move(c)); // numbered as the old run was
  if (lab.test.data) {
    Command test;
    test.kind = Command::Kind::set_dataset;
    test.data = lab.test.data;
    lab_send(lab, test);
  }
}

bool lab_test_set_ready(const Lab& lab) {
  const DataSlot& t = lab.test;
  return t.status == DataStatus::ready && t.data && t.data->count > 0 && t.data->pixels() == kPixels;
}

const TrainConfig& lab_config(const Lab& lab) {
  return lab.config_seq > lab.latest.seq ? lab.sent_config : lab.latest.config;
}

const ModelShape& lab_shape(const Lab& lab) {
  return lab.shape_seq > lab.latest.seq ? lab.sent_shape : lab.model->shape;
}

bool lab_has_latest_weights(const Lab& lab) {
  const uint64_t held = lab.scrub_id != 0 ? lab.latest.model_version : lab.model_version;
  return held == lab.latest.weights_version;
}

bool lab_settled(const Lab& lab) {
  return lab.latest.seq >= lab.sent_seq && lab.latest.status != RunStatus::training &&
         lab.latest.validation_progress < 0 && lab_has_latest_weights(lab);
}

// ---- model

std::string lab_load_model_bytes(Lab& lab, const uint8_t* bytes, size_t size, const std::string& name) {
  ModelFile file;
  std::string error = model_from_bytes(bytes, size, name, &file);
  if (!error.empty()) return error;
  if (file.model.shape.input_dim != kPixels)
    return name + ": a model for " + std::to_string(file.model.shape.input_dim) + " inputs, expected " +
           std::to_string(kPixels) + " (28x28 images)";
  Command load;
  load.kind = Command::Kind::load;
  load.bytes.assign(bytes, bytes + size);
  lab.sent_config = config_for_file(lab_config(lab), file);
  lab.config_seq = lab_send(lab, std::move(load));
  lab.model = std::make_shared<const Autoencoder>(std::move(file.model)); // until the run's snapshot
  lab.model_version = 0;
  lab.model_name = name;
  lab.model_data.clear(); // what it learned from is not in the file
  lab.model_notice.clear();
  lab.input.code_edited = false;
  lab.input.dirty = true;
  return "";
}

std::string lab_set_shipped_model(Lab& lab, std::vector<uint8_t> bytes, const std::string& name) {
  std::string error = lab_load_model_bytes(lab, bytes.data(), bytes.size(), name);
  if (!error.empty()) {
    lab.model_notice = error + " - using random weights.";
    return error;
  }
  lab.shipped_model = std::move(bytes);
  lab.model_data = "mnist"; // the shipped model is the reference run on MNIST
  return "";
}

std::string lab_back_to_shipped(Lab& lab) {
  if (lab.shipped_model.empty()) return "no shipped model was loaded";
  std::vector<uint8_t> bytes = lab.shipped_model;
  std::string error = lab_load_model_bytes(lab, bytes.data(), bytes.size(), "shipped model");
  if (error.empty()) lab.model_data = "mnist";
  return error;
}

std::string lab_reset(Lab& lab, const ModelShape& shape) {
  std::string error = check_model_shape(shape);
  if (!error.empty()) return error;
  Command reset;
  reset.kind = Command::Kind::reset;
  reset.shape = shape;
  reset.seed = lab_config(lab).seed;
  lab.sent_shape = shape, lab.shape_seq = lab_send(lab, reset);
  lab.model_name = "random weights (seed " + std::to_string(lab_config(lab).seed) + ")";
  lab.model_data.clear();
  lab.model_notice.clear();
  lab.input.code_edited = false;
  return "";
}

void lab_save(Lab& lab) {
  Command save;
  save.kind = Command::Kind::save;
  lab.save_seq = lab_send(lab, save);
}

std::shared_ptr<const std::vector<uint8_t>> lab_take_saved(Lab& lab) {
  if (lab.save_seq == 0 || lab.latest.saved_seq < lab.save_seq || !lab.latest.saved) return nullptr;
  lab.save_seq = 0;
  return lab.latest.saved;
}

// ---- data

const char* class_name(DatasetKind kind, int label) {
  if (label < 0 || label > 9) return "?";
  return kind == DatasetKind::fashion ? kFashionClassNames[label] : kDigitClassNames[label];
}

DatasetKind other_dataset(DatasetKind kind) {
  return kind == DatasetKind::mnist ? DatasetKind::fashion : DatasetKind::mnist;
}

DataSlot& lab_data_slot(Lab& lab, DataTarget target) {
  return target == DataTarget::train ? lab.train : target == DataTarget::test ? lab.test : lab.other;
}

uint64_t lab_view_version(const Lab& lab) {
  return lab.model_version * 0x9E3779B97F4A7C15ull + lab.test_version;
}

void lab_choose_dataset(Lab& lab, DatasetKind kind) {
  lab.dataset = kind;
  lab.data_generation++;
  for (bool train : {false, true}) { // the run forgets the old sets (a training run waits for data)
    Command forget;
    forget.kind = Command::Kind::set_dataset;
    forget.train_split = train;
    lab.dataset_seq = lab_send(lab, forget);
  }
  lab.test = DataSlot{}, lab.train = DataSlot{};
  lab.test_version++;
  if (lab.other_kind != other_dataset(kind)) lab.other = DataSlot{}, lab.other_kind = other_dataset(kind);
  if (lab.input.test_digit >= 0) lab_clear(lab); // that digit was the old set's
  lab.input.dirty = true;
}

bool lab_set_data(Lab& lab, DataTarget target, Dataset data, uint64_t generation, std::string* error) {
  error->clear();
  if (generation != lab.data_generation) return false; // loaded for an earlier choice
  DataSlot& slot = lab_data_slot(lab, target);
  *error = check_digit_size(data, dataset_title(target == DataTarget::other ? lab.other_kind : lab.dataset));
  if (!error->empty()) {
    slot.status = DataStatus::failed;
    slot.error = *error;
    return false;
  }
  slot.data = std::make_shared<const Dataset>(std::move(data));
  slot.status = DataStatus::ready;
  slot.count = slot.data->count;
  slot.progress = 1;
  slot.error.clear();
  if (target == DataTarget::other) return true; // for the Anomaly view only: the run has no use for it
  Command set;
  set.kind = Command::Kind::set_dataset;
  set.train_split = target == DataTarget::train;
  set.data = slot.data;
  lab_send(lab, set);
  if (target == DataTarget::train) {
    slot.data = nullptr; // the UI has no use for the training set: the run keeps it
  } else {
    lab.test_version++;
    lab.input.dirty = true;
  }
  return true;
}

void lab_set_dataset(Lab& lab, bool train, Dataset data) {
  std::string error;
  lab_set_data(lab, train ? DataTarget::train : DataTarget::test, std::move(data), lab.data_generation,
               &error);
}

void lab_set_data_progress(Lab& lab, DataTarget target, float fraction) {
  DataSlot& slot = lab_data_slot(lab, target);
  slot.status = DataStatus::loading;
  slot.progress = fraction;
}

void lab_set_data_failed(Lab& lab, DataTarget target, const std::string& error) {
  DataSlot& slot = lab_data_slot(lab, target);
  slot.status = DataStatus::failed;
  slot.error = error;
}

void lab_set_data_progress(Lab& lab, bool train, float fraction) {
  lab_set_data_progress(lab, train ? DataTarget::train : DataTarget::test, fraction);
}

void lab_set_data_failed(Lab& lab, bool train, const std::string& error) {
  lab_set_data_failed(lab, train ? DataTarget::train : DataTarget::test, error);
}

// ---- training

std::string lab_set_config(Lab& lab, const TrainConfig& config) {
  std::string error = check_train_config(config);
  if (!error.empty()) return error;
  if (config.loss != lab_config(lab).loss) lab.input.dirty = true;
  Command set;
  set.kind = Command::Kind::set_config;
  set.config = config;
  lab.sent_config = config, lab.config_seq = lab_send(lab, set);
  return "";
}

uint64_t lab_start(Lab& lab) {
  lab.starts++;
  Command c;
  c.kind = Command::Kind::start;
  return lab_send(lab, c);
}

uint64_t lab_pause(Lab& lab) {
  Command c;
  c.kind = Command::Kind::pause;
  return lab_send(lab, c);
}

uint64_t lab_step(Lab& lab, int64_t batches) {
  lab.starts++;
  Command c;
  c.kind = Command::Kind::step;
  c.steps = batches;
  return lab_send(lab, c);
}

bool lab_training(const Lab& lab) {
  return lab.latest.status == RunStatus::training || lab.latest.status == RunStatus::waiting_for_data;
}

int lab_epoch(const Lab& lab) { return lab.latest.epochs_done; }

// ---- input

void lab_clear(Lab& lab) {
  Input& in = lab.input;
  std::fill(in.canvas.begin(), in.canvas.end(), 0.0f);
  in.test_digit = -1;
  in.direct = false;
  in.code_edited = false;
  in.dirty = true;
}

void lab_draw(Lab& lab, float x0, float y0, float x1, float y1) {
  Input& in = lab.input;
  if (in.direct) { // drawing over a loaded digit: from now on it is a drawing
    in.direct = false;
    in.test_digit = -1;
  }
  draw_segment(in.canvas.data(), kCanvasSide, kCanvasSide, x0, y0, x1, y1, in.brush);
  in.code_edited = false;
  in.dirty = true;
}

void lab_set_strokes(Lab& lab, const std::vector<std::vector<float>>& strokes_xy) {
  lab_clear(lab);
  const float scale = float(kCanvasSide) / float(kDigitSide);
  for (const std::vector<float>& stroke : strokes_xy) {
    const size_t points = stroke.size() / 2;
    const float* p = stroke.data();
    if (points == 1) lab_draw(lab, p[0] * scale, p[1] * scale, p[0] * scale, p[1] * scale);
    for (size_t i = 0; i + 1 < points; ++i)
      lab_draw(lab, p[2 * i] * scale, p[2 * i + 1] * scale, p[2 * i + 2] * scale, p[2 * i + 3] * scale);
  }
}

std::string lab_set_input_checked(Lab& lab, const float* pixels, size_t count) {
  if (count != size_t(kPixels))
    return "expected " + std::to_string(kPixels) + " pixel values (28x28), got " + std::to_string(count);
  for (size_t i = 0; i < count; ++i)
    if (!std::isfinite(pixels[i])) return "pixel " + std::to_string(i) + " is not a finite number";
  lab_set_input_pixels(lab, pixels);
  return "";
}

std::string lab_set_strokes_checked(Lab& lab, const float* xy, size_t floats, const int32_t* counts,
                                    size_t strokes) {
  std::vector<std::vector<float>> list(strokes);
  size_t at = 0;
  for (size_t s = 0; s < strokes; ++s) {
    if (counts[s] < 0 || counts[s] > kMaxStrokePoints)
      return "stroke " + std::to_string(s) + " has " + std::to_string(counts[s]) + " points, expected 0 to " +
             std::to_string(kMaxStrokePoints);
    const size_t n = 2 * size_t(counts[s]);
    if (n > floats - at)
      return "stroke " + std::to_string(s) + " needs " + std::to_string(n) + " coordinates, " +
             std::to_string(floats - at) + " are left";
    for (size_t i = 0; i < n; ++i)
      if (!std::isfinite(xy[at + i]) || std::fabs(xy[at + i]) > kMaxCoordinate)
        return "stroke " + std::to_string(s) + ", point " + std::to_string(i / 2) +
               ": expected finite coordinates (0-28 units)";
    list[s].assign(xy + at, xy + at + n);
    at += n;
  }
  if (at != floats) return std::to_string(floats - at) + " coordinates are left after the last stroke";
  lab_set_strokes(lab, list);
  return "";
}

void lab_set_input_pixels(Lab& lab, const float* pixels) {
  lab_clear(lab);
  Input& in = lab.input;
  for (int i = 0; i < kPixels; ++i) in.direct_pixels[i] = pixel_to_unit(unit_to_pixel(pixels[i]));
  // shown on the canvas, each pixel as a 4x4 block, so drawing can go on from it
  const int k = kCanvasSide / kDigitSide;
  for (int y = 0; y < kCanvasSide; ++y)
    for (int x = 0; x < kCanvasSide; ++x)
      in.canvas[size_t(y) * kCanvasSide + x] = in.direct_pixels[(y / k) * kDigitSide + x / k];
  in.direct = true;
}

bool lab_load_test_digit(Lab& lab, int index) {
  if (!lab.test.data || index < 0 || index >= lab.test.data->count) return false;
  float pixels[kPixels];
  images_to_float(*lab.test.data, index, 1, pixels);
  lab_set_input_pixels(lab, pixels);
  lab.input.test_digit = index;
  return true;
}

std::string lab_set_corrupt(Lab& lab, const Noise& noise) {
  if (std::string e = check_noise(noise); !e.empty()) return e;
  if (noise.kind != NoiseKind::none && lab.input.corrupt.kind == NoiseKind::none) lab.input.corrupt_seed++;
  lab.input.corrupt = noise;
  lab.input.dirty = true;
  return "";
}

void lab_set_preprocess(Lab& lab, bool on) {
  lab.input.preprocess = on;
  lab.input.dirty = true;
}

namespace {

// Takes the newest snapshot from the host. Its counts and curves are shown at once; a command
// sent since shows in a later one (the page's API waits for that where it matters).
void take_snapshot(Lab& lab) {
  Snapshot s;
  if (!lab.host->take(&s)) return;
  const bool settled = s.seq >= lab.sent_seq; // it has applied every command sent
  merge_unread(s, std::move(lab.latest));     // weights or a saved file not used yet
  const int64_t steps_before = lab.latest.steps;
  lab.latest = std::move(s);
  if (settled && lab.latest.steps > steps_before && lab.latest.train_count > 0)
    lab.model_data = dataset_name(lab.dataset); // it trains on the chosen set
  // The weights are shown once the snapshot has applied every command sent (the UI may show a
  // loaded file's weights meanwhile), and only if a reset or a load has not replaced them since.
  const Snapshot& run = lab.latest;
  if (lab.scrub_id != 0 && lab_scrub_index(lab) < 0) lab_scrub(lab, -1); // a reset or load dropped it
  if (lab.scrub_id == 0 && settled && run.model && run.model_lineage == run.lineage &&
      run.model_version != lab.model_version) {
    lab.model = lab.latest.model;
    lab.model_version = lab.latest.model_version;
    lab.input.dirty = true;
  }
  if (run.seq >= lab.dataset_seq && lab.latest.train_count > 0 && lab.train.status != DataStatus::ready) {
    lab.train.status = DataStatus::ready;
    lab.train.count = lab.latest.train_count;
    lab.train.progress = 1;
  }
}

void compute_input(Lab& lab) {
  Input& in = lab.input;
  const Autoencoder& model = *lab.model;
  // 1. what the model sees, as bytes like an MNIST image
  float processed[kPixels];
  GrayView canvas{in.canvas.data(), kCanvasSide, kCanvasSide};
  downsample_to_digit(canvas, in.raw);
  if (in.direct)
    std::memcpy(processed, in.direct_pixels, sizeof processed);
  else if (in.preprocess)
    mnist_preprocess(canvas, processed);
  else
    std::memcpy(processed, in.raw, sizeof processed);
  Dataset one;
  one.count = 1, one.rows = kDigitSide, one.cols = kDigitSide;
  one.images.resize(kPixels);
  one.labels.assign(1, 0);
  for (int i = 0; i < kPixels; ++i) one.images[size_t(i)] = unit_to_pixel(processed[i]);
  images_to_float(one, 0, 1, in.clean);
  in.empty = std::all_of(one.images.begin(), one.images.end(), [](uint8_t b) { return b == 0; });
  Dataset seen = one; // what the model sees: the picture, or the picture with the noise on it
  if (in.corrupt.kind != NoiseKind::none) {
    const uint8_t* row = one.images.data();
    corrupt_images(in.corrupt, &row, 1, kPixels, in.corrupt_seed, seen.images.data());
  }
  images_to_float(seen, 0, 1, in.pixels);

  // 2. encode, decode, and the loss exactly as validation computes it
  Matrix x({size_t(1), size_t(kPixels)});
  std::copy(in.pixels, in.pixels + kPixels, x.data());
  in.features.clear();
  in.log_var.clear();
  if (is_conv(model.shape)) { // one pass gives every stage: the feature maps, the code, the output
    ConvPass pass;
    conv_forward(model, in.pixels, 1, 0, kConvStages, pass);
    for (int s = 0; s < kConvStages; s++)
      in.features.emplace_back(pass.act[s].begin(), pass.act[s].begin() + model.stages[s].out.size());
    sigmoid_inplace(in.features.back().data(), in.features.back().size());
    in.code = in.features[kConvEncoderStages - 1];
    std::copy(in.features.back().begin(), in.features.back().end(), in.recon);
  } else {
    Matrix code, log_var;
    encode_gaussian(model, x, &code, &log_var);
    Matrix recon = decode(model, code);
    if (model.shape.kind == ModelKind::vae) in.log_var.assign(log_var.begin(), log_var.end());
    std::copy(recon.data(), recon.data() + kPixels, in.recon);
    in.code.assign(code.data(), code.data() + code.size());
  }
  sample_losses(model, seen, 0, 1, lab_config(lab).loss, &in.loss, &one); // against the clean picture

  // 3. the edited code, if any, through the decoder alone
  if (!in.code_edited || in.edited_code.size() != in.code.size()) {
    in.code_edited = false;
    in.edited_code = in.code;
    std::copy(in.recon, in.recon + kPixels, in.edited_recon);
    return;
  }
  Matrix edited({size_t(1), in.edited_code.size()});
  std::copy(in.edited_code.begin(), in.edited_code.end(), edited.data());
  Matrix decoded = decode(model, edited);
  std::copy(decoded.data(), decoded.data() + kPixels, in.edited_recon);
}

} // namespace

void lab_update(Lab& lab) {
  take_snapshot(lab);
  if (!lab.input.dirty) return;
  lab.input.dirty = false;
  compute_input(lab);
}

int lab_scrub_index(const Lab& lab) {
  if (lab.scrub_id == 0) return -1;
  for (size_t i = 0; i < lab.latest.timeline.size(); i++)
    if (lab.latest.timeline[i].id == lab.scrub_id) return int(i);
  return -1;
}

// Model versions of timeline points, apart from the run's (which count up from 1).
constexpr uint64_t kScrubVersion = uint64_t(1) << 62;

std::string lab_scrub(Lab& lab, int index) {
  const std::vector<TimelinePoint>& t = lab.latest.timeline;
  if (index < -1 || index >= int(t.size()))
    return "timeline point " + std::to_string(index) + ": expected -1 (live) or 0 to " +
           std::to_string(int(t.size()) - 1);
  if (index >= 0 && !t[size_t(index)].model)
    return "timeline point " + std::to_string(index) + ": its weights have not arrived";
  if (index == -1) {
    lab.scrub_id = 0;
    const Snapshot& run = lab.latest;
    if (run.model && run.model_lineage == run.lineage)
      lab.model = run.model, lab.model_version = run.model_version;
  } else {
    lab.scrub_id = t[size_t(index)].id;
    lab.model = t[size_t(index)].model;
    lab.model_version = kScrubVersion + lab.scrub_id;
  }
  lab.input.code_edited = false;
  lab.input.dirty = true;
  lab_update(lab);
  return "";
}

std::string lab_resume_from_scrub(Lab& lab) {
  const int index = lab_scrub_index(lab);
  if (index < 0) return "no timeline point is shown: scrub back first";
  const bool was_training = lab_training(lab);
  Command c;
  c.kind = Command::Kind::rewind;
  c.timeline_id = lab.scrub_id;
  lab_send(lab, c);
  lab.scrub_id = 0;                 // the run's weights are the point's from now on
  if (was_training) lab_start(lab); // a rewind stops the run; it goes on as it was
  return "";
}

void lab_edit_code(Lab& lab, int unit, float value) {
  Input& in = lab.input;
  if (unit < 0 || unit >= int(in.code.size())) return;
  if (!in.code_edited) in.edited_code = in.code;
  in.code_edited = true;
  in.edited_code[size_t(unit)] = value;
  in.dirty = true;
}

void lab_snap_back_code(Lab& lab) {
  lab.input.code_edited = false;
  lab.input.dirty = true;
}

} // namespace aelab
