// The training run inside the page's Web Worker (web/aelab-worker.js): its own WebAssembly
// instance of the core and the run, no UI. The page's main thread sends commands as bytes; the
// worker applies them between units of work and answers with snapshots as bytes (lab/wire.h).
// Single-threaded: no SharedArrayBuffer is needed, so it works in any page, isolated or not.
#include <emscripten.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/dataset.h"
#include "lab/run.h"
#include "lab/run_host.h"
#include "lab/wire.h"

using namespace aelab;

namespace {

constexpr double kSnapshotIntervalMs = 16; // at most ~60 snapshots a second go to the page
constexpr double kWeightsIntervalMs = 25;

struct Worker {
  Run run;
  WeightsPacer pacer;
  bool changed = true;
  double last_post_ms = -1e300;
  uint64_t saved_sent = 0;             // the saved file goes out once
  std::vector<uint64_t> timeline_sent; // ... and each timeline point's weights (the ids sent)
  std::vector<uint8_t> message;        // the snapshot handed to JavaScript
  std::vector<uint8_t> image_bytes;    // an image file on its way in
  std::string returned;
};

Worker& worker() {
  static Worker* w = [] {
    auto* w = new Worker;
    run_init(w->run);
    return w;
  }();
  return *w;
}

} // namespace

extern "C" {

// A command from the page (bytes of command_to_bytes); 0 if it was malformed.
EMSCRIPTEN_KEEPALIVE int aelab_worker_command(const uint8_t* bytes, int size) {
  Command c;
  if (!command_from_bytes(bytes, size_t(size), &c)) return 0;
  run_apply(worker().run, std::move(c));
  worker().changed = true;
  return 1;
}

EMSCRIPTEN_KEEPALIVE uint8_t* aelab_worker_image_buffer(int size) {
  worker().image_bytes.assign(size_t(size > 0 ? size : 1), 0);
  return worker().image_bytes.data();
}

// One split, fetched by the worker (or the user's own files, from the page): the images in
// aelab_worker_image_buffer's buffer (taken over), the labels here, both named for messages;
// `seq` numbers the page's command that asked for it (0: none). Returns "" or an error line.
EMSCRIPTEN_KEEPALIVE const char* aelab_worker_set_dataset(int train, const uint8_t* labels, int labels_size,
                                                          double seq, const char* images_name,
                                                          const char* labels_name) {
  Worker& w = worker();
  auto data = std::make_shared<Dataset>();
  std::string error = parse_idx_split(std::move(w.image_bytes), images_name, labels, size_t(labels_size),
                                      labels_name, data.get());
  w.image_bytes = {};
  if (error.empty()) error = check_digit_size(*data, images_name);
  if (error.empty()) {
    Command c;
    c.kind = Command::Kind::set_dataset;
    c.train_split = train != 0;
    c.data = std::move(data);
    c.seq = uint64_t(seq);
    run_apply(w.run, std::move(c));
  } else {
    run_skip(w.run, uint64_t(seq)); // answered: the error goes back to the page
  }
  w.changed = true;
  w.returned = error;
  return w.returned.c_str();
}

// Works for about budget_ms (at least one unit if there is work). Returns the size of a new
// snapshot waiting at aelab_worker_message() (0: nothing to send now); *more is set to 1 if the
// run has more work.
EMSCRIPTEN_KEEPALIVE int aelab_worker_pump(double budget_ms, int* more) {
  Worker& w = worker();
  const double start = now_ms();
  while (run_has_work(w.run)) {
    run_work_unit(w.run);
    w.changed = true;
    if (now_ms() - start >= budget_ms) break;
  }
  *more = run_has_work(w.run) ? 1 : 0;
  const double now = now_ms();
  if (!w.changed || (*more && now - w.last_post_ms < kSnapshotIntervalMs)) return 0;
  Snapshot s = run_snapshot(w.run, w.pacer.due(w.run, *more ? kWeightsIntervalMs : 0));
  if (s.saved_seq == w.saved_sent) s.saved = nullptr; // sent already
  w.saved_sent = s.saved_seq;
  std::vector<uint64_t> sent;
  for (TimelinePoint& p : s.timeline) {
    if (std::find(w.timeline_sent.begin(), w.timeline_sent.end(), p.id) != w.timeline_sent.end())
      p.model = nullptr; // the page has these weights: merge_unread gives them back there
    sent.push_back(p.id);
  }
  w.timeline_sent = std::move(sent);
  w.message = snapshot_to_bytes(s);
  w.changed = false;
  w.last_post_ms = now;
  return int(w.message.size());
}

// The page's command `seq` could not be carried out here (its data failed to load): counted as
// applied, so the page does not wait for it.
EMSCRIPTEN_KEEPALIVE void aelab_worker_skip(double seq) {
  run_skip(worker().run, uint64_t(seq));
  worker().changed = true;
}

EMSCRIPTEN_KEEPALIVE const uint8_t* aelab_worker_message() { return worker().message.data(); }

} // extern "C"
