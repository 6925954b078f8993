// The thread host and the frames host (run_host.h). The thread host's run is touched by its
// thread only; the UI and the thread share just two things under one mutex: the inbox of
// commands and the newest snapshot.
#include "lab/run_host.h"

#include "core/fp_env.h"

#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
#define AELAB_NO_THREADS 1
#endif

#ifndef AELAB_NO_THREADS
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#endif

namespace aelab {

const char* host_kind_name(HostKind kind) {
  switch (kind) {
  case HostKind::thread:
    return "thread";
  case HostKind::worker:
    return "worker";
  case HostKind::frames:
    return "frames";
  }
  return "frames";
}

void merge_unread(Snapshot& newer, Snapshot&& older) {
  if (!newer.model && older.model) {
    newer.model = std::move(older.model);
    newer.model_version = older.model_version;
    newer.model_lineage = older.model_lineage;
  }
  if (!newer.saved && older.saved) newer.saved = std::move(older.saved), newer.saved_seq = older.saved_seq;
  for (TimelinePoint& p : newer.timeline) // weights sent once (the worker's wire) come from older
    if (!p.model)
      for (const TimelinePoint& q : older.timeline)
        if (q.id == p.id) p.model = q.model;
}

bool WeightsPacer::due(const Run& run, double min_interval_ms) {
  if (run.weights_version == published_version) return false;
  const double now = now_ms();
  if (now - last_ms < min_interval_ms && run_has_work(run)) return false;
  published_version = run.weights_version;
  last_ms = now;
  return true;
}

namespace {

// ---- frames: the run lives in the UI thread and works in the frame's time budget
class FramesHost : public RunHost {
public:
  FramesHost() { run_init(run_); }
  HostKind kind() const override { return HostKind::frames; }
  void send(Command command) override {
    run_apply(run_, std::move(command));
    changed_ = true;
  }
  bool take(Snapshot* out) override {
    if (!changed_) return false;
    *out = run_snapshot(run_, pacer_.due(run_, 0));
    changed_ = false;
    return true;
  }
  // A unit starts only if its usual duration still fits in the budget (the first always runs).
  void work(double budget_ms) override {
    const double start = now_ms();
    for (double used = 0;; used = now_ms() - start) {
      const double usual = run_.pass.next >= 0 ? run_.speed.slice_ms : run_.speed.batch_ms;
      if (used > 0 && used + usual > budget_ms) break;
      if (!run_work_unit(run_)) break;
      changed_ = true;
    }
  }
  std::vector<Command> handover() override { return run_handover(run_); }

private:
  Run run_;
  WeightsPacer pacer_;
  bool changed_ = true;
};

#ifndef AELAB_NO_THREADS
constexpr double kWeightsIntervalMs = 25; // at most ~40 weight copies a second reach the UI

// ---- thread: the loop on a std::thread; commands in through the inbox, snapshots out
class ThreadHost : public RunHost {
public:
  ThreadHost() {
    run_init(run_);
    latest_ = run_snapshot(run_, pacer_.due(run_, 0));
    fresh_ = true;
    const unsigned fp_bits = fp_mode_bits(); // the run computes as its creator does (fp_env.h)
    thread_ = std::thread([this, fp_bits] {
      set_fp_mode_bits(fp_bits);
      loop();
    });
  }
  ~ThreadHost() override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }
  HostKind kind() const override { return HostKind::thread; }
  void send(Command command) override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      inbox_.push_back(std::move(command));
    }
    wake_.notify_all();
  }
  bool take(Snapshot* out) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!fresh_) return false;
    *out = std::move(latest_);
    fresh_ = false;
    return true;
  }

private:
  void loop() {
    for (;;) {
      std::deque<Command> commands;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return stopping_ || !inbox_.empty() || run_has_work(run_); });
        if (stopping_) return;
        commands.swap(inbox_);
      }
      for (Command& c : commands) run_apply(run_, std::move(c));
      run_work_unit(run_); // without the mutex: the UI meanwhile sends and takes freely
      Snapshot s = run_snapshot(run_, pacer_.due(run_, kWeightsIntervalMs));
      std::lock_guard<std::mutex> lock(mutex_);
      if (fresh_) merge_unread(s, std::move(latest_));
      latest_ = std::move(s);
      fresh_ = true;
    }
  }

  Run run_; // the thread's alone
  WeightsPacer pacer_;
  std::thread thread_;
  std::mutex mutex_; // guards what follows
  std::condition_variable wake_;
  std::deque<Command> inbox_;
  Snapshot latest_;
  bool fresh_ = false;
  bool stopping_ = false;
};
#endif

} // namespace

std::unique_ptr<RunHost> make_frames_host() { return std::make_unique<FramesHost>(); }

std::unique_ptr<RunHost> make_thread_host() {
#ifdef AELAB_NO_THREADS
  return nullptr;
#else
  return std::make_unique<ThreadHost>();
#endif
}

} // namespace aelab
