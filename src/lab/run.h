// The training run and its one owner. A Run holds everything training changes: the model being
// trained, the optimizer state and the trainer's buffers, the training set, and the validation
// pass over the test set. Nothing else touches it. It takes Commands (start, pause, step n,
// reset, load, set_config, set_dataset, save) and, after each unit of work (one batch or one
// validation slice), describes itself in a Snapshot: the weights with a version, steps, epoch,
// curves, validation loss, throughput and status. The UI reads snapshots (lab.h) and never the
// run; the hosts (run_host.h) decide where the loop body below runs: a thread, a Web Worker, or
// inline in the UI's frames.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/dataset.h"
#include "core/model.h"
#include "core/model_file.h"
#include "core/train.h"

namespace aelab {

enum class RunStatus : uint8_t {
  idle,             // nothing asked of it (not started, or paused)
  waiting_for_data, // started (or steps asked for) before the training set arrived
  training,
  finished, // config.epochs reached
};
const char* run_status_name(RunStatus status); // "idle", "waiting_for_data", "training", "finished"

struct CurvePoint {
  float x, y; // step or epoch, loss
};

struct Curves {
  std::vector<CurvePoint> train;       // (step, smoothed batch loss)
  std::vector<CurvePoint> val;         // (epoch, validation loss); epoch 0 = before training
  std::vector<CurvePoint> epoch_train; // (epoch, mean training loss of that epoch)
  // a VAE's validation loss in its parts at every pass: (epoch, reconstruction) and (epoch, KL),
  // per picture, the epoch with the share of the open one where a pause measured it
  std::vector<CurvePoint> val_recon, val_kl;
};

// The training timeline: the weights as they were after each validation pass (before training,
// after every epoch, a few times early in the first epoch, and at pauses), with that pass's loss.
// The run keeps them within kTimelineBudgetBytes, thinning the middle when full so the points
// stay evenly spread on a log scale of steps (early training changes fastest).
struct TimelinePoint {
  uint64_t id = 0; // unique within the run, increasing
  int64_t step = 0;
  int epoch = 0; // epochs completed at `step`
  float val_loss = -1;
  std::shared_ptr<const Autoencoder> model; // in a snapshot: null where the receiver has it already
};
constexpr size_t kTimelineBudgetBytes = size_t(24) << 20; // 24 MiB: 29 snapshots of the default model
constexpr int64_t kTimelineEarlySteps[] = {20, 100, 300}; // extra passes in the first epoch
size_t timeline_bytes(const std::vector<TimelinePoint>& timeline);
// Drops interior points until the timeline fits in `budget` bytes (the first and last stay).
void timeline_fit_budget(std::vector<TimelinePoint>& timeline, size_t budget);

struct Command {
  enum class Kind : uint8_t { start, pause, step, reset, load, set_config, set_dataset, save, rewind };
  Kind kind = Kind::pause;
  uint64_t seq = 0;                    // given by the sender, increasing; the snapshot says the last applied
  int64_t steps = 0;                   // step: batches to train now, whether or not training runs
  ModelShape shape;                    // reset
  uint64_t seed = 0;                   // reset
  std::vector<uint8_t> bytes;          // load: a model file (already checked by the sender)
  TrainConfig config;                  // set_config (already checked by the sender)
  bool train_split = false;            // set_dataset: the training set (else the test set)
  std::shared_ptr<const Dataset> data; // set_dataset (null: forget that set)
  uint64_t timeline_id = 0;            // rewind: the timeline point to train on from
};

// Where the run is within the validation pass it is computing (a slice per unit of work).
struct ValidationPass {
  int next = -1;           // next test sample, -1 when no pass runs
  int epoch = 0;           // the epoch the pass belongs to
  bool epoch_point = true; // the pass is the epoch's point on the validation curve
  int64_t step = 0;        // the step it evaluates
  float x = 0;             // ... on the epoch axis (epochs done plus the share of the open one)
  std::vector<float> losses;
  std::vector<float> recon, kl; // per sample: a VAE's parts (sample_losses)
};

struct ValidationResult {
  // Mean loss over the test set, -1: none yet. A VAE's is per picture: recon + beta * kl.
  float loss = -1;
  float recon = -1, kl = -1; // its parts (the plain model: recon = loss, kl = 0)
  int epoch = -1;            // ... measured after this many epochs
  int64_t step = -1;         // ... and this many steps
};

// Wall-clock and compute throughput over windows of about a second while training runs.
struct Throughput {
  float samples_per_s = 0;           // wall clock
  float compute_samples_per_s = 0;   // samples per second spent computing batches
  double batch_ms = 0, slice_ms = 0; // moving averages of one batch / validation slice
  double window_start_ms = -1, window_compute_ms = 0;
  int64_t window_samples = 0;
};

// What a run says about itself: the run keeps these fields, and every snapshot is a copy of them
// (one assignment, run_snapshot) plus what is worked out when it is taken. The wire format
// writes them with one visit function (wire.cpp).
struct RunReport {
  uint64_t seq = 0;             // the last command applied
  uint64_t weights_version = 0; // the run's weights: changes whenever they do
  // Which model the weights belong to: a reset or a load starts a new one.
  uint64_t lineage = 0;
  uint32_t epochs_before = 0; // epochs the loaded model had been trained for
  TrainConfig config;
  int64_t steps = 0;        // batches trained since the model was made or loaded
  int64_t steps_wanted = 0; // batches step commands still ask for
  uint64_t step_seq = 0;    // the last step command; steps - step_base of it have run
  int64_t step_base = 0;
  int epochs_done = 0;     // epochs completed since then
  float smoothed_loss = 0; // exponential moving average of the batch loss
  Curves curves;
  ValidationResult val;
  Throughput speed;
  // "" or why training stopped by itself: "training diverged at step 812 (...)"; kept until
  // training is started or changed again
  std::string divergence;
  std::string message;                               // what the last command or unit did, one line
  uint64_t saved_seq = 0;                            // the save command `saved` answers (0: none)
  std::shared_ptr<const std::vector<uint8_t>> saved; // a model file with the optimizer state
  std::vector<TimelinePoint> timeline;
};

struct Snapshot : RunReport {
  // The weights at model_version, if this snapshot carries them (hosts send them at most every
  // few tens of milliseconds, and always when the run goes idle); never changed in place.
  // Weights copied before the current model began (model_lineage != lineage) are of no use.
  std::shared_ptr<const Autoencoder> model;
  uint64_t model_version = 0, model_lineage = 0;
  RunStatus status = RunStatus::idle;
  float epoch_fraction = 0;            // progress through the current epoch, 0-1
  float validation_progress = -1;      // 0-1 while a validation pass runs, else -1
  int train_count = 0, test_count = 0; // samples in the sets the run has (0: none)
};

struct Run : RunReport {
  Autoencoder model;
  Trainer trainer;
  bool trainer_ready = false; // buffers sized for config and model
  bool epoch_open = false;    // begin_epoch called, end_epoch not yet
  bool training = false;      // started and not paused
  std::shared_ptr<const Dataset> train_set, test_set;
  std::shared_ptr<const Dataset> train_given; // the training set as given (train_set without exclusions)
  ValidationPass pass;
  uint64_t timeline_next_id = 1;
  size_t timeline_budget = kTimelineBudgetBytes;
};

// The config a loaded model file trains on: `config` with the file's optimizer kind where the
// file carries the optimizer's state (training resumes exactly where it stopped). The run
// applies it; the lab shows it until the run's snapshot does.
TrainConfig config_for_file(TrainConfig config, const ModelFile& file);

// A run with random weights (seed 0, the default shape) and the app's default config.
void run_init(Run& run);
// Applies a command at once (hosts call it between two units of work).
void run_apply(Run& run, Command command);
// A command that could not be carried out where the run lives (its data failed to load there):
// counted as applied, so that the sender does not wait for it (the sender is told why).
void run_skip(Run& run, uint64_t seq);
bool run_has_work(const Run& run);
// One unit of work: a validation slice if a pass runs, else a batch if training or steps are
// wanted. Returns false if there was nothing to do.
bool run_work_unit(Run& run);
// Describes the run; the weights are copied only if `with_weights` (else `model` stays null).
Snapshot run_snapshot(const Run& run, bool with_weights);
// The commands that rebuild this run elsewhere (another host): config, weights with the
// optimizer state, and started / steps wanted. The datasets are not included.
std::vector<Command> run_handover(const Run& run);

// The app's default training config (batch 64: a frame's worth of work in the browser).
TrainConfig default_lab_config();

double now_ms(); // a steady clock, for throughput

} // namespace aelab
