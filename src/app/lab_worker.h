// Training on a thread of its own, where the build has threads (the desktop app and the threaded
// web page). The worker and the UI share the Lab under one mutex: the worker holds it for one unit
// of work at a time (a batch or a validation slice) and lets the UI in between two units; the UI
// holds it (LabLock) while a frame reads and changes the lab, and in every call from the page's
// API. Drawing the frame, and the browser's compositing, then overlap training instead of taking
// turns with it. Without threads, lab_worker_start returns null and the app keeps advancing
// training in time slices of each frame (lab_work).
#pragma once

#include "app/lab.h"

namespace aelab {

struct LabWorker;

LabWorker* lab_worker_start(Lab& lab); // null where the build has no threads
void lab_worker_stop(LabWorker* worker); // waits for the unit in progress; null is fine

// Holds the lab for the calling (UI) thread while it lives, or until release(); a no-op for a
// null worker. Nests: a lock taken while this thread holds one only counts.
class LabLock {
 public:
  explicit LabLock(LabWorker* worker);
  ~LabLock() { release(); }
  void release();
  LabLock(const LabLock&) = delete;
  LabLock& operator=(const LabLock&) = delete;

 private:
  LabWorker* worker_;
};

} // namespace aelab
