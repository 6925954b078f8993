// Where a Run's loop body runs. Every host does the same thing: apply the commands that arrived,
// do one unit of work, publish a snapshot, repeat; a command sent during a unit takes effect
// after it. The hosts differ only in where that loop lives:
//   thread: a std::thread of its own (the desktop app, the threaded page);
//   worker: a dedicated Web Worker with its own WebAssembly instance (the single-thread page;
//           the bridge is in src/platform/web_bridge.cpp, the worker in run_worker.cpp);
//   frames: inline in the UI thread under a time budget per frame (tests, or no workers).
#pragma once
#include <memory>
#include <vector>

#include "lab/run.h"

namespace aelab {

enum class HostKind : uint8_t { thread, worker, frames };
const char* host_kind_name(HostKind kind); // "thread", "worker", "frames"

class RunHost {
public:
  virtual ~RunHost() = default;
  virtual HostKind kind() const = 0;
  // Queues a command; it is applied after the unit of work in flight.
  virtual void send(Command command) = 0;
  // Moves the newest snapshot into *out if one arrived since the last call; true if so.
  virtual bool take(Snapshot* out) = 0;
  // The frames host works here, for at most about budget_ms; the others work on their own.
  virtual void work(double budget_ms) { (void)budget_ms; }
  // The frames host's run as commands that rebuild it in another host; empty for the others.
  virtual std::vector<Command> handover() { return {}; }
};

// A run on a thread of its own; null where the build has no threads.
std::unique_ptr<RunHost> make_thread_host();
std::unique_ptr<RunHost> make_frames_host();

// When `older` was never taken and `newer` replaces it, what only `older` carried (weights, a
// saved file) moves over, so a reader that skips snapshots loses nothing.
void merge_unread(Snapshot& newer, Snapshot&& older);

// Whether a host publishing now should copy the weights: they changed since `published_version`,
// and either `min_interval_ms` passed since the last copy or the run has nothing more to do.
struct WeightsPacer {
  uint64_t published_version = ~0ull;
  double last_ms = -1e300;
  bool due(const Run& run, double min_interval_ms);
};

} // namespace aelab
