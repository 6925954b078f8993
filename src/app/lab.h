// The lab's state and everything that can be done to it, with no UI: the model, the data, the
// training run (advanced in time slices so the UI never waits), the drawing canvas and the
// current input with its reconstruction and latent code. The ImGui panels, the web page's
// window.aelab API and the native script all act through these functions.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/dataset.h"
#include "core/digit_preprocess.h"
#include "core/model.h"
#include "core/train.h"

namespace aelab {

constexpr int kPixels = kDigitSide * kDigitSide; // 784
constexpr int kCanvasSide = 4 * kDigitSide;       // the drawing canvas: 112x112, 4x MNIST
constexpr uint64_t kDefaultSeed = 0;

enum class DataStatus { absent, loading, ready, failed };

struct DataSlot {
  Dataset data;
  DataStatus status = DataStatus::absent;
  float progress = 0; // 0-1 while loading
  std::string error;
};

struct CurvePoint {
  float x, y; // step or epoch, loss
};

struct Lab {
  // ---- the model
  Autoencoder model;
  std::string model_name;     // what is loaded, for the user: "shipped model", "random weights (seed 0)"
  std::string model_notice;   // one line shown prominently (e.g. why random weights are used)
  uint32_t epochs_before = 0; // epochs the loaded model had been trained for
  std::vector<uint8_t> shipped_model; // the shipped model file, to go back to (empty if none)
  uint64_t model_version = 0;         // changes whenever the weights do

  // ---- the data: the test set is the validation set and the gallery's source
  DataSlot test, train;

  // ---- training
  // Set while a training thread runs (lab_worker.h): waits until no batch is being computed.
  // The functions below that change the model, the trainer or the training set call it first.
  std::function<void()> wait_for_batch;
  TrainConfig config;
  Trainer trainer;
  bool trainer_ready = false; // buffers sized for config and model
  bool epoch_open = false;    // begin_epoch called, end_epoch not yet
  bool training = false;      // Start pressed and not paused
  int64_t steps = 0;          // batches trained since the model was made or loaded
  int epochs_done = 0;        // epochs completed since then
  float smoothed_loss = 0;    // exponential moving average of the batch loss
  std::vector<CurvePoint> train_curve; // (step, smoothed batch loss)
  std::vector<CurvePoint> val_curve;   // (epoch, validation loss); epoch 0 = before training
  std::vector<CurvePoint> epoch_train_curve; // (epoch, mean training loss of that epoch)
  float samples_per_s = 0;         // wall-clock throughput while training
  float compute_samples_per_s = 0; // samples per second spent inside train_next_batch
  int64_t window_samples = 0;
  double window_start_ms = -1, window_compute_ms = 0;
  double batch_ms = 0, slice_ms = 0; // moving averages of one batch's / validation slice's time
  std::string status; // last thing that happened, one line

  // ---- validation, evaluated a slice per frame over the whole test set
  int val_next = -1; // next test sample to evaluate, -1 when no pass is running
  int val_epoch = 0; // the epoch the running pass belongs to
  bool val_at_epoch_end = false; // the running pass is the epoch's point on the curve
  int64_t val_pass_step = 0;     // the step the running pass evaluates
  int64_t val_loss_step = -1;    // the step the last completed pass evaluated
  std::vector<float> val_losses;
  float val_loss = -1;      // last completed validation loss (-1: none yet)
  int val_loss_epoch = -1;  // ... and the epoch it was measured at

  // ---- the drawing canvas and the model's current input
  std::vector<float> canvas;   // kCanvasSide^2 ink values in [0, 1]
  Brush brush{4.2f, 3.0f};     // in canvas pixels; about MNIST's stroke width after the 20x20 fit
  bool preprocess = true;      // MNIST preprocessing on (else the canvas is just downsampled)
  int test_digit = -1;         // >= 0: the input is this test digit, exactly
  bool direct_input = false;   // the input was set as pixels (a test digit or the API), not drawn
  float direct[kPixels] = {};
  bool input_dirty = true;
  bool input_empty = true;
  float input[kPixels] = {};   // what the model sees (quantised to bytes / 255, like MNIST)
  float raw[kPixels] = {};     // the canvas downsampled without preprocessing
  float recon[kPixels] = {};   // decode(encode(input))
  float input_loss = 0;        // reconstruction loss of input (config.loss)
  std::vector<float> code;     // encode(input), latent_dim values
  std::vector<float> edited_code;
  bool code_edited = false;
  float edited_recon[kPixels] = {}; // decode(edited_code)
};

// A fresh lab: random weights from kDefaultSeed with the default shape, empty canvas.
void lab_init(Lab& lab);

// ---- model
// Loads a model file from memory; "" on success, else one line for the user.
std::string lab_load_model_bytes(Lab& lab, const uint8_t* bytes, size_t size, const std::string& name);
// The current model as a model file (with the optimizer state when training has started).
std::vector<uint8_t> lab_model_bytes(const Lab& lab);
// Remembers the shipped model and loads it ("" or an error; the lab keeps its weights on error).
std::string lab_set_shipped_model(Lab& lab, std::vector<uint8_t> bytes, const std::string& name);
std::string lab_back_to_shipped(Lab& lab);
// New random weights (config.seed) for `shape`; training state and curves start over.
void lab_reset(Lab& lab, const ModelShape& shape);

// ---- data
void lab_set_dataset(Lab& lab, bool train, Dataset data);
void lab_set_data_failed(Lab& lab, bool train, const std::string& error);

// ---- training
// Applies a new training configuration ("" or why not). Weights are kept; a new batch size,
// loss or optimizer restarts the optimizer state and the current epoch.
std::string lab_set_config(Lab& lab, const TrainConfig& config);
void lab_start(Lab& lab); // training runs in lab_work once the training set is there
void lab_pause(Lab& lab); // also measures the validation loss where training stopped
bool lab_step(Lab& lab);  // one batch now (false if the training set is not loaded)
bool lab_done(const Lab& lab); // config.epochs reached
// One unit of work: a validation slice if a pass is running, else a training batch if training
// can run. False if there was nothing to do. A batch's gradients are computed through `around`
// when given (it must call its argument once).
using ComputeWrapper = std::function<void(const std::function<void()>&)>;
bool lab_work_unit(Lab& lab, const ComputeWrapper& around = {});
bool lab_has_work(const Lab& lab);
// Advances training and validation for at most about budget_ms of wall time: a batch or a
// validation slice starts only if its usual duration still fits (the first always runs).
void lab_work(Lab& lab, double budget_ms);
double lab_now_ms();
int lab_epoch(const Lab& lab);          // epochs completed since the model was made or loaded
float lab_epoch_fraction(const Lab& lab); // progress through the current epoch, 0-1

// ---- input
void lab_clear(Lab& lab);
// A brush stroke segment in canvas pixels (0..kCanvasSide).
void lab_draw(Lab& lab, float x0, float y0, float x1, float y1);
// Strokes as lists of (x, y) points in MNIST pixel units (0..28), drawn onto a cleared canvas.
void lab_set_strokes(Lab& lab, const std::vector<std::vector<float>>& strokes_xy);
// The input set directly (784 values in [0, 1]); the canvas shows it enlarged.
void lab_set_input_pixels(Lab& lab, const float* pixels);
bool lab_load_test_digit(Lab& lab, int index);
// Recomputes input, reconstruction, code and loss if anything changed (cheap: one sample).
void lab_update(Lab& lab);
void lab_mark_model_changed(Lab& lab); // the weights changed: recompute what depends on them
void lab_edit_code(Lab& lab, int unit, float value);
void lab_snap_back_code(Lab& lab);

const char* loss_name(LossKind kind);
const char* optimizer_name(OptimizerKind kind);

} // namespace aelab
