// The training run: commands applied between units of work, a batch or a validation slice per
// unit, and the snapshot that describes it.
#include "lab/run.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "core/model_file.h"

namespace aelab {
namespace {

constexpr int kValidationSlice = 128; // test samples evaluated per unit (~3 ms in wasm)
constexpr float kLossSmoothing = 0.05f;

// Starts a validation pass over the whole test set; epoch-end passes (and the one before any
// training) are the points of the validation curve, others (at a pause) only update val.
void start_validation(Run& run, bool epoch_point = true) {
  if (!run.test_set || run.test_set->count == 0) return;
  run.pass.next = 0;
  run.pass.epoch = run.epochs_done;
  run.pass.epoch_point = epoch_point;
  run.pass.step = run.steps;
  // where on the epoch axis: the epochs done plus the share of the open one
  const int count = int(run.trainer.order.size());
  run.pass.x = float(run.epochs_done) + (epoch_point || !run.epoch_open || count == 0
                                             ? 0.0f
                                             : std::min(0.99f, float(run.trainer.cursor) / count));
  run.pass.losses.assign(size_t(run.test_set->count), 0.0f);
  run.pass.recon.assign(size_t(run.test_set->count), 0.0f);
  run.pass.kl.assign(size_t(run.test_set->count), 0.0f);
}

void weights_changed(Run& run) { run.weights_version++; }

// The weights the finished pass evaluated (they do not change while a pass runs).
void add_timeline_point(Run& run) {
  std::vector<TimelinePoint>& t = run.timeline;
  if (!t.empty() && t.back().step == run.pass.step) t.pop_back(); // the same weights again
  TimelinePoint p;
  p.id = run.timeline_next_id++;
  p.step = run.pass.step, p.epoch = run.pass.epoch, p.val_loss = run.val.loss;
  p.model = std::make_shared<const Autoencoder>(run.model);
  t.push_back(std::move(p));
  timeline_fit_budget(t, run.timeline_budget);
}

// Forgets the training run (curves, optimizer, epochs); the weights are whatever run.model holds.
void restart_training_state(Run& run) {
  run.training = false;
  run.steps_wanted = 0;
  run.step_base = 0;
  run.trainer_ready = false;
  run.epoch_open = false;
  run.steps = 0;
  run.epochs_done = 0;
  run.smoothed_loss = 0;
  run.curves = Curves{};
  run.speed = Throughput{};
  run.pass = ValidationPass{};
  run.val = ValidationResult{};
  run.divergence.clear();
  run.timeline.clear();
  weights_changed(run);
  start_validation(run);
}

void ensure_trainer(Run& run) {
  if (run.trainer_ready) return;
  trainer_init(run.trainer, run.model, run.config);
  run.trainer_ready = true;
  run.epoch_open = false;
}

bool done(const Run& run) { return run.epochs_done >= run.config.epochs; }

void validation_slice(Run& run) {
  const Dataset& test = *run.test_set;
  const int n = std::min(kValidationSlice, test.count - run.pass.next);
  const int at = run.pass.next;
  sample_losses(run.model, test, at, n, run.config.loss, run.pass.losses.data() + at, nullptr,
                run.pass.recon.data() + at, run.pass.kl.data() + at);
  run.pass.next += n;
  if (run.pass.next < test.count) return;
  double recon = 0, kl = 0;
  for (float v : run.pass.recon) recon += v;
  for (float v : run.pass.kl) kl += v;
  recon /= test.count, kl /= test.count;
  const double loss = recon + double(run.config.beta) * kl; // the plain model's kl is 0
  run.val = {float(loss), float(recon), float(kl), run.pass.epoch, run.pass.step};
  if (run.pass.epoch_point) {
    auto add = [&](std::vector<CurvePoint>& curve, float y) {
      if (!curve.empty() && curve.back().x == float(run.pass.epoch)) curve.pop_back();
      curve.push_back({float(run.pass.epoch), y});
    };
    add(run.curves.val, run.val.loss);
  }
  if (run.model.shape.kind == ModelKind::vae) { // the parts at every pass, where it measured them
    auto add = [&](std::vector<CurvePoint>& curve, float y) {
      if (!curve.empty() && curve.back().x >= run.pass.x) curve.pop_back();
      curve.push_back({run.pass.x, y});
    };
    add(run.curves.val_recon, run.val.recon);
    add(run.curves.val_kl, run.val.kl);
  }
  add_timeline_point(run);
  run.pass.next = -1;
}

// One batch of the epoch in progress, opening and closing epochs as needed; returns the samples
// trained.
int train_batch(Run& run) {
  ensure_trainer(run);
  if (!run.epoch_open) {
    begin_epoch(run.trainer, run.train_set->count);
    run.epoch_open = true;
  }
  float loss = 0;
  const int n = begin_batch(run.trainer, *run.train_set);
  if (n == 0) return 0;
  loss = compute_gradients(run.trainer, run.model, *run.train_set, batch_indices(run.trainer), n);
  finish_batch(run.trainer, run.model, n, loss);
  weights_changed(run);
  if (!run.trainer.divergence.empty()) { // the last good weights are back in run.model: stop there
    run.divergence = run.trainer.divergence;
    clear_divergence(run.trainer);
    run.training = false;
    run.steps_wanted = 0;
    run.speed.window_start_ms = -1;
    char lr[32];
    std::snprintf(lr, sizeof lr, "%g", double(run.config.optimizer.learning_rate));
    run.message = run.divergence + ". Lower the learning rate (now " + lr + ") and train on.";
    if (run.pass.next < 0) start_validation(run, false); // the loss of the weights now back
    return 0;
  }
  run.steps++;
  run.smoothed_loss = run.steps == 1 ? loss : run.smoothed_loss + kLossSmoothing * (loss - run.smoothed_loss);
  run.curves.train.push_back({float(run.steps), run.smoothed_loss});
  for (int64_t early : kTimelineEarlySteps)
    if (run.steps == early && run.pass.next < 0 && run.trainer.cursor < int(run.trainer.order.size()))
      start_validation(run, false);
  if (run.trainer.cursor >= int(run.trainer.order.size())) {
    run.curves.epoch_train.push_back({float(run.epochs_done + 1), float(epoch_train_loss(run.trainer))});
    end_epoch(run.trainer);
    run.epoch_open = false;
    run.epochs_done++;
    start_validation(run);
    if (done(run) && run.training) {
      run.training = false;
      run.message = "finished " + std::to_string(run.epochs_done) + " epochs";
    }
  }
  return n;
}

bool can_train(const Run& run) {
  return (run.training || run.steps_wanted > 0) && run.train_set && run.train_set->count > 0;
}

// The training set the run trains on: the one given, without the classes the config leaves out.
void choose_train_set(Run& run) {
  run.epoch_open = false; // the epoch's order is for the old set
  run.train_set = run.train_given;
  if (!run.train_given || run.config.excluded_classes == 0) return;
  std::vector<int> classes;
  for (int c = 0; c < 32; c++)
    if ((run.config.excluded_classes >> c) & 1u) classes.push_back(c);
  auto kept = std::make_shared<Dataset>(*run.train_given);
  remove_classes(kept.get(), classes);
  run.train_set = std::move(kept);
}

void apply_config(Run& run, const TrainConfig& config) {
  const bool new_trainer = config.batch_size != run.config.batch_size || config.loss != run.config.loss ||
                           config.optimizer.kind != run.config.optimizer.kind;
  if (config.loss != run.config.loss) { // the curves so far are in the other loss's units
    run.curves = Curves{};
    run.timeline.clear(); // and so are the snapshots' losses
    run.config.loss = config.loss;
    start_validation(run);
  }
  const bool new_classes = config.excluded_classes != run.config.excluded_classes;
  run.config = config;
  if (new_classes) choose_train_set(run);
  if (new_trainer) { // a new batch size, loss or optimizer restarts the optimizer and the epoch
    run.speed.batch_ms = 0;
    run.trainer_ready = false;
    run.epoch_open = false;
  } else if (run.trainer_ready) {
    run.trainer.config = config; // learning rate, momentum, epochs, noise: from the next batch on
  }
}

void apply_load(Run& run, const std::vector<uint8_t>& bytes) {
  ModelFile file;
  std::string error = model_from_bytes(bytes.data(), bytes.size(), "model", &file);
  if (!error.empty()) { // the sender checked it: only a bug gets here
    run.message = error;
    return;
  }
  run.model = std::move(file.model);
  run.lineage++;
  run.epochs_before = file.epochs_trained;
  restart_training_state(run);
  run.config = config_for_file(run.config, file);
  if (file.has_optimizer) { // resume exactly where the file's training stopped
    ensure_trainer(run);
    run.trainer.optimizer = std::move(file.optimizer);
  }
  run.message = "loaded a model";
}

std::vector<uint8_t> model_file_bytes(const Run& run) {
  ModelFile file;
  file.model = run.model;
  file.epochs_trained = run.epochs_before + uint32_t(run.epochs_done);
  file.noise = run.config.noise; // the input noise it is training with now
  if (run.trainer_ready && run.trainer.optimizer.step > 0) {
    file.has_optimizer = true;
    file.optimizer_kind = run.config.optimizer.kind;
    file.optimizer = run.trainer.optimizer;
  }
  return model_to_bytes(file);
}

// Back to a timeline point: its weights, step and epoch, the curves cut there, and a fresh
// optimizer (the timeline keeps weights only) starting a fresh epoch.
void apply_rewind(Run& run, uint64_t id) {
  auto it = std::find_if(run.timeline.begin(), run.timeline.end(),
                         [&](const TimelinePoint& p) { return p.id == id; });
  if (it == run.timeline.end()) {
    run.message = "that timeline point is gone (a reset, a load or the memory budget dropped it)";
    return;
  }
  const TimelinePoint p = *it;
  run.timeline.erase(it + 1, run.timeline.end());
  run.model = *p.model;
  run.steps = p.step;
  run.epochs_done = p.epoch;
  auto cut = [](std::vector<CurvePoint>& c, float last) {
    c.erase(std::remove_if(c.begin(), c.end(), [&](const CurvePoint& q) { return q.x > last; }), c.end());
  };
  cut(run.curves.train, float(p.step));
  cut(run.curves.val, float(p.epoch));
  cut(run.curves.epoch_train, float(p.epoch));
  cut(run.curves.val_recon, float(p.epoch));
  cut(run.curves.val_kl, float(p.epoch));
  run.smoothed_loss = run.curves.train.empty() ? 0 : run.curves.train.back().y;
  run.val = {p.val_loss, -1, -1, p.epoch, p.step};
  run.training = false;
  run.steps_wanted = 0;
  run.step_base = run.steps;
  run.trainer_ready = false;
  run.epoch_open = false;
  run.pass = ValidationPass{};
  run.divergence.clear();
  weights_changed(run);
  run.message = "back at step " + std::to_string(p.step) + " (epoch " + std::to_string(p.epoch) +
                "); training goes on from there with a fresh optimizer";
}

RunStatus status_of(const Run& run) {
  if (run.training || run.steps_wanted > 0)
    return can_train(run) ? RunStatus::training : RunStatus::waiting_for_data;
  return done(run) ? RunStatus::finished : RunStatus::idle;
}

} // namespace

size_t timeline_bytes(const std::vector<TimelinePoint>& timeline) {
  size_t bytes = 0;
  for (const TimelinePoint& p : timeline)
    bytes +=
        sizeof(TimelinePoint) + (p.model ? sizeof(Autoencoder) + p.model->params.size() * sizeof(float) : 0);
  return bytes;
}

void timeline_fit_budget(std::vector<TimelinePoint>& t, size_t budget) {
  while (t.size() > 2 && timeline_bytes(t) > budget) {
    // drop the interior point whose neighbours are closest on a log scale of steps
    size_t drop = 1;
    double closest = INFINITY;
    for (size_t i = 1; i + 1 < t.size(); i++) {
      const double gap = std::log1p(double(t[i + 1].step)) - std::log1p(double(t[i - 1].step));
      if (gap < closest) closest = gap, drop = i;
    }
    t.erase(t.begin() + long(drop));
  }
}

double now_ms() {
  using namespace std::chrono;
  return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}

const char* run_status_name(RunStatus status) {
  switch (status) {
  case RunStatus::idle:
    return "idle";
  case RunStatus::waiting_for_data:
    return "waiting_for_data";
  case RunStatus::training:
    return "training";
  case RunStatus::finished:
    return "finished";
  }
  return "idle";
}

TrainConfig default_lab_config() {
  TrainConfig c;
  c.batch_size = 64; // a 256-sample batch takes longer than a frame's budget in wasm
  c.epochs = 20;
  c.seed = 0;
  return c;
}

void run_init(Run& run) {
  run = Run{};
  run.config = default_lab_config();
  run.model = make_autoencoder(ModelShape{});
  init_glorot_uniform(run.model, run.config.seed);
  restart_training_state(run);
}

void run_apply(Run& run, Command c) {
  run.seq = std::max(run.seq, c.seq);
  switch (c.kind) {
  case Command::Kind::start:
    if (done(run)) {
      run.message = "already trained " + std::to_string(run.epochs_done) + " epochs: raise epochs to go on";
      break;
    }
    run.training = true;
    run.divergence.clear();
    run.message = run.train_set ? "training" : "training starts when the training set is loaded";
    break;
  case Command::Kind::pause: {
    const bool was_training = run.training || run.steps_wanted > 0;
    run.training = false;
    run.steps_wanted = 0;
    run.speed.window_start_ms = -1;
    run.message = "paused";
    // the validation loss where training stopped (unless a pass for this step runs or ran)
    if (was_training && run.steps != run.val.step && run.pass.next < 0) start_validation(run, false);
    break;
  }
  case Command::Kind::step:
    run.divergence.clear();
    run.steps_wanted += std::max<int64_t>(0, c.steps);
    run.step_seq = c.seq;
    run.step_base = run.steps;
    break;
  case Command::Kind::reset:
    run.model = make_autoencoder(c.shape);
    run.lineage++;
    init_glorot_uniform(run.model, c.seed);
    run.config.seed = c.seed;
    run.epochs_before = 0;
    restart_training_state(run);
    run.message = "new random weights (seed " + std::to_string(c.seed) + ")";
    break;
  case Command::Kind::load:
    apply_load(run, c.bytes);
    break;
  case Command::Kind::set_config:
    if (c.config.optimizer.learning_rate != run.config.optimizer.learning_rate) run.divergence.clear();
    apply_config(run, c.config);
    break;
  case Command::Kind::set_dataset:
    if (c.train_split) {
      run.train_given = std::move(c.data);
      choose_train_set(run);
    } else {
      run.test_set = std::move(c.data);
      run.pass = ValidationPass{};
      start_validation(run);
    }
    break;
  case Command::Kind::rewind:
    apply_rewind(run, c.timeline_id);
    break;
  case Command::Kind::save:
    run.saved = std::make_shared<const std::vector<uint8_t>>(model_file_bytes(run));
    run.saved_seq = c.seq;
    break;
  }
}

TrainConfig config_for_file(TrainConfig config, const ModelFile& file) {
  if (file.has_optimizer) config.optimizer.kind = file.optimizer_kind;
  return config;
}

void run_skip(Run& run, uint64_t seq) { run.seq = std::max(run.seq, seq); }

bool run_has_work(const Run& run) { return run.pass.next >= 0 || can_train(run); }

bool run_work_unit(Run& run) {
  const double start = now_ms();
  const bool training = can_train(run);
  Throughput& speed = run.speed;
  if (!training)
    speed.window_start_ms = -1;
  else if (speed.window_start_ms < 0)
    speed.window_start_ms = start, speed.window_samples = 0, speed.window_compute_ms = 0;

  auto average = [](double& avg, double sample) { avg = avg == 0 ? sample : avg + 0.1 * (sample - avg); };
  if (run.pass.next >= 0) {
    validation_slice(run);
    average(speed.slice_ms, now_ms() - start);
  } else if (training) {
    const int64_t steps_before = run.steps;
    speed.window_samples += train_batch(run);
    if (run.steps > steps_before && run.steps_wanted > 0) run.steps_wanted--;
    const double took = now_ms() - start;
    speed.window_compute_ms += took;
    average(speed.batch_ms, took);
    if (!run.training && run.steps_wanted == 0 && status_of(run) != RunStatus::finished &&
        run.steps > steps_before)
      run.message = "trained " + std::to_string(run.steps - run.step_base) + " step(s) as asked";
  } else {
    return false;
  }
  const double now = now_ms();
  if (training && now - speed.window_start_ms >= 1000) {
    const double seconds = (now - speed.window_start_ms) / 1000;
    speed.samples_per_s = float(double(speed.window_samples) / seconds);
    if (speed.window_compute_ms > 0)
      speed.compute_samples_per_s = float(double(speed.window_samples) * 1000.0 / speed.window_compute_ms);
    speed.window_start_ms = now, speed.window_samples = 0, speed.window_compute_ms = 0;
  }
  return true;
}

Snapshot run_snapshot(const Run& run, bool with_weights) {
  Snapshot s;
  static_cast<RunReport&>(s) = run; // what the run reports, as it is
  if (with_weights) {
    s.model = std::make_shared<const Autoencoder>(run.model);
    s.model_version = run.weights_version;
    s.model_lineage = run.lineage;
  }
  s.status = status_of(run);
  if (run.trainer_ready && run.epoch_open && !run.trainer.order.empty())
    s.epoch_fraction = float(run.trainer.cursor) / float(run.trainer.order.size());
  if (run.pass.next >= 0 && run.test_set)
    s.validation_progress = float(run.pass.next) / float(run.test_set->count);
  s.train_count = run.train_set ? run.train_set->count : 0;
  s.test_count = run.test_set ? run.test_set->count : 0;
  return s;
}

std::vector<Command> run_handover(const Run& run) {
  std::vector<Command> out;
  Command config;
  config.kind = Command::Kind::set_config;
  config.config = run.config;
  out.push_back(config);
  Command load;
  load.kind = Command::Kind::load;
  load.bytes = model_file_bytes(run);
  out.push_back(std::move(load));
  if (run.training) {
    Command start;
    start.kind = Command::Kind::start;
    out.push_back(start);
  }
  if (run.steps_wanted > 0) {
    Command step;
    step.kind = Command::Kind::step;
    step.steps = run.steps_wanted;
    out.push_back(step);
  }
  for (Command& c : out) c.seq = run.seq;
  return out;
}

} // namespace aelab
