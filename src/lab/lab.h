// The lab as the UI sees it, with no UI: the newest snapshot of the training run, the UI's own
// copy of the model (refreshed from snapshots), the data sets, and the current input (drawing
// canvas -> MNIST preprocessing -> model) with its latent code and reconstruction. The ImGui
// panels, the page's window.aelab API and the native script act through these functions; they
// change the run only by sending it commands (run_host.h).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/dataset.h"
#include "core/digit_preprocess.h"
#include "core/model.h"
#include "core/noise.h"
#include "lab/run_host.h"
#include "lab/settings.h"

namespace aelab {

constexpr int kPixels = kDigitSide * kDigitSide; // 784
constexpr int kCanvasSide = 4 * kDigitSide;      // the drawing canvas: 112x112, 4x MNIST

enum class DataStatus { absent, loading, ready, failed };
const char* data_status_name(DataStatus status); // "absent", "loading", "ready", "failed"

// The class names of a data set's labels ("T-shirt/top", ...); digits for MNIST and custom data.
const char* class_name(DatasetKind kind, int label);
// The data set the Anomaly view scores against the lab's own: Fashion-MNIST for MNIST, MNIST for
// the others.
DatasetKind other_dataset(DatasetKind kind);

// Where loaded data goes: the training set, the test set, or the other data set's test set
// (the Anomaly view's comparison).
enum class DataTarget : uint8_t { train, test, other };

struct DataSlot {
  std::shared_ptr<const Dataset> data; // null where only the run has it (the worker host)
  DataStatus status = DataStatus::absent;
  int count = 0;
  float progress = 0;  // 0-1 while loading
  std::string waiting; // while loading: what a retry waits for ("" while it downloads)
  std::string error;
};

// The drawing canvas and what the model makes of it.
struct Input {
  std::vector<float> canvas; // kCanvasSide^2 ink values in [0, 1]
  Brush brush{4.2f, 3.0f};   // in canvas pixels; about MNIST's stroke width after the 20x20 fit
  bool preprocess = true;    // MNIST preprocessing on (else the canvas is just downsampled)
  int test_digit = -1;       // >= 0: the input is this test digit, exactly
  bool direct = false;       // set as pixels (a test digit or the API), not drawn
  float direct_pixels[kPixels] = {};
  bool dirty = true;
  bool empty = true;
  Noise corrupt;              // "corrupt the input": the model sees this noise on the picture
  uint64_t corrupt_seed = 1;  // its draw (a new one each time it is switched on)
  float clean[kPixels] = {};  // the picture before any corruption (= pixels without it)
  float pixels[kPixels] = {}; // what the model sees (quantised to bytes / 255, like MNIST)
  float raw[kPixels] = {};    // the canvas downsampled without preprocessing
  float recon[kPixels] = {};  // decode(encode(pixels))
  float loss = 0;             // reconstruction loss against the clean picture (the run's loss)
  std::vector<float> code;    // encode(pixels), latent_dim values (a VAE's mu)
  std::vector<float> log_var; // a VAE's log sigma^2 for the input (empty for the plain model)
  // a conv model's: each stage's output for the input (model.h's stages; the last as pixels)
  std::vector<std::vector<float>> features;
  std::vector<float> edited_code;
  bool code_edited = false;
  float edited_recon[kPixels] = {}; // decode(edited_code)
};

struct Lab {
  std::unique_ptr<RunHost> host;
  // The run's newest snapshot: what the UI knows of the run (its model may be null: the host
  // sends weights only now and then).
  Snapshot latest;
  std::shared_ptr<const Autoencoder> model; // the UI's copy of the weights, for everything it shows
  uint64_t model_version = 0;               // changes whenever `model` does
  // The training config sent in command config_seq, until the run has applied it (lab_config).
  TrainConfig sent_config;
  uint64_t config_seq = 0;
  // The architecture a reset sent in command shape_seq, until the run has applied it (lab_shape).
  ModelShape sent_shape;
  uint64_t shape_seq = 0;
  uint64_t sent_seq = 0;
  uint64_t save_seq = 0;    // a save asked for and not yet answered (0: none)
  std::string model_name;   // what is loaded, for the user: "shipped model", "random weights (seed 0)"
  std::string model_notice; // one line shown prominently (e.g. why random weights are used)
  std::vector<uint8_t> shipped_model; // the shipped model file, to go back to (empty if none)
  DataSlot test, train;
  DatasetKind dataset = DatasetKind::mnist;
  uint64_t data_generation = 1; // counts data set choices: data loaded for an older one is dropped
  uint64_t dataset_seq = 0;     // the command that gave the run the current choice (its sets forgotten)
  uint64_t test_version = 0;    // changes whenever test.data does
  // What the model shown learned from: the shipped model MNIST, a trained one the data set it was
  // trained on; "" where unknown (a loaded file) or untrained (random weights).
  std::string model_data;
  DataSlot other; // the other data set's test set (other_dataset(dataset)), for the Anomaly view
  DatasetKind other_kind = DatasetKind::fashion;
  Input input;
  uint64_t scrub_id = 0; // the timeline point shown instead of the live weights (0: live)
  uint64_t starts = 0;   // Start and Step commands sent (a start after a failed download asks again)
};

// A fresh lab on `host`: random weights from seed 0 with the default shape, an empty canvas.
void lab_init(Lab& lab, std::unique_ptr<RunHost> host);
// Moves the run to another host (the page's Web Worker): the old host's run is rebuilt there.
void lab_switch_host(Lab& lab, std::unique_ptr<RunHost> host);
// Sends a command, numbered; returns its number.
uint64_t lab_send(Lab& lab, Command command);
// The training config: the one sent last while the run has not applied it yet, else the run's.
const TrainConfig& lab_config(const Lab& lab);
// The model's architecture: the one a reset asked for while the run has not made it yet, else
// the model's.
const ModelShape& lab_shape(const Lab& lab);
// The run has applied every command sent, and has no work left (the UI may stop redrawing).
bool lab_settled(const Lab& lab);
// The lab holds the run's newest weights: it shows them, or keeps them while it shows a timeline
// snapshot (lab_scrub).
bool lab_has_latest_weights(const Lab& lab);

// ---- model
// Checks a model file (it must be a 784-input model) and loads it; "" or one line for the user.
std::string lab_load_model_bytes(Lab& lab, const uint8_t* bytes, size_t size, const std::string& name);
// Remembers the shipped model and loads it ("" or an error; the lab keeps its weights on error).
std::string lab_set_shipped_model(Lab& lab, std::vector<uint8_t> bytes, const std::string& name);
std::string lab_back_to_shipped(Lab& lab);
// New random weights (config.seed) for `shape`; "" or why not (a shape out of range).
std::string lab_reset(Lab& lab, const ModelShape& shape);
// Asks the run for the model file with its optimizer state; it arrives in a later snapshot
// (lab_take_saved).
void lab_save(Lab& lab);
// The file a save asked for, once it is there (null before, and after it was taken).
std::shared_ptr<const std::vector<uint8_t>> lab_take_saved(Lab& lab);

// ---- data
// Chooses the data set: the run forgets its sets and both slots are emptied (the caller asks the
// platform for the new test set; the training set follows when training starts).
void lab_choose_dataset(Lab& lab, DatasetKind kind);
// Data the platform loaded for `target` under data set choice `generation`: refused with a line
// saying why if it is not of 28x28 pictures; dropped (false, no error) if the choice changed
// since. lab_set_dataset is the same for the current choice.
bool lab_set_data(Lab& lab, DataTarget target, Dataset data, uint64_t generation, std::string* error);
void lab_set_dataset(Lab& lab, bool train, Dataset data);
void lab_set_data_progress(Lab& lab, DataTarget target, float fraction);
void lab_set_data_failed(Lab& lab, DataTarget target, const std::string& error);
void lab_set_data_progress(Lab& lab, bool train, float fraction);
void lab_set_data_failed(Lab& lab, bool train, const std::string& error);
DataSlot& lab_data_slot(Lab& lab, DataTarget target);
// A key for what the views show: changes with the model shown and with the test set.
uint64_t lab_view_version(const Lab& lab);
// The test set is in the UI, non-empty, of 28x28 digits (what the views and the map need).
bool lab_test_set_ready(const Lab& lab);

// ---- training
// Applies a new training configuration ("" or why not). Weights are kept; a new batch size,
// loss or optimizer restarts the optimizer state and the current epoch.
std::string lab_set_config(Lab& lab, const TrainConfig& config);
uint64_t lab_start(Lab& lab);
uint64_t lab_pause(Lab& lab); // also measures the validation loss where training stopped
uint64_t lab_step(Lab& lab, int64_t batches);
bool lab_training(const Lab& lab); // started and not paused (waiting for data counts)
int lab_epoch(const Lab& lab);     // epochs completed since the model was made or loaded

// ---- input
void lab_clear(Lab& lab);
// A brush stroke segment in canvas pixels (0..kCanvasSide).
void lab_draw(Lab& lab, float x0, float y0, float x1, float y1);
// Strokes as lists of (x, y) points in MNIST pixel units (0..28), drawn onto a cleared canvas.
void lab_set_strokes(Lab& lab, const std::vector<std::vector<float>>& strokes_xy);
// The input set directly (784 values in [0, 1]); the canvas shows it enlarged.
void lab_set_input_pixels(Lab& lab, const float* pixels);
// The same from what a page hands over (aelab.setInput), checked before anything is drawn: "" or
// one line saying what is wrong. Pixels: exactly 784 finite values. Strokes: `counts[i]` points
// for stroke i (0 to kMaxStrokePoints each, 2 floats per point, all of `xy` used), coordinates
// finite and within kMaxCoordinate of the canvas.
constexpr int kMaxStrokePoints = 10000;
constexpr int64_t kMaxStepBatches = 1000000; // one step command (aelab.step)
constexpr float kMaxCoordinate = 1e6f;
std::string lab_set_input_checked(Lab& lab, const float* pixels, size_t count);
std::string lab_set_strokes_checked(Lab& lab, const float* xy, size_t floats, const int32_t* counts,
                                    size_t strokes);
bool lab_load_test_digit(Lab& lab, int index);
void lab_set_preprocess(Lab& lab, bool on);
// "Corrupt the input" (none: off): the drawing as the model sees it with this noise, its
// reconstruction, and the loss against the clean drawing. "" or why the noise is refused.
std::string lab_set_corrupt(Lab& lab, const Noise& noise);
// Takes the newest snapshot (refreshing the UI's model when its version changed) and recomputes
// input, reconstruction, code and loss if anything changed (cheap: one sample).
void lab_update(Lab& lab);
void lab_edit_code(Lab& lab, int unit, float value);
void lab_snap_back_code(Lab& lab);

// ---- the timeline (run.h): scrubbing shows an earlier model everywhere; training goes on
// Shows point `index` of lab.latest.timeline (-1: the live weights again): "" or why not.
std::string lab_scrub(Lab& lab, int index);
int lab_scrub_index(const Lab& lab); // the point shown, -1: live
// Makes the shown point the current model and trains on from it (a rewind command): "" or why not.
std::string lab_resume_from_scrub(Lab& lab);

const char* loss_name(LossKind kind); // "BCE", "MSE"

} // namespace aelab
