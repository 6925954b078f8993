// The training thread: waits until the lab has work and no UI thread is waiting for the lab, does
// one unit, and looks again. The UI announces itself (ui_waiting) before it takes the mutex, so
// it waits for at most the unit in progress.
#include "app/lab_worker.h"

#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
#define AELAB_NO_THREADS 1
#endif

#ifndef AELAB_NO_THREADS
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#endif

namespace aelab {

#ifdef AELAB_NO_THREADS

struct LabWorker {};
LabWorker* lab_worker_start(Lab&) { return nullptr; }
void lab_worker_stop(LabWorker*) {}
LabLock::LabLock(LabWorker* worker) : worker_(worker) {}
void LabLock::release() {}

#else

struct LabWorker {
  Lab& lab;
  std::mutex mutex;
  std::condition_variable wake;
  std::atomic<int> ui_waiting{0};
  bool stopping = false;
  std::thread thread;

  explicit LabWorker(Lab& l) : lab(l) {}

  void run() {
    std::unique_lock<std::mutex> lock(mutex);
    for (;;) {
      wake.wait(lock, [&] { return stopping || (ui_waiting.load() == 0 && lab_has_work(lab)); });
      if (stopping) return;
      lab_work_unit(lab);
    }
  }
};

LabWorker* lab_worker_start(Lab& lab) {
  LabWorker* w = new LabWorker(lab);
  w->thread = std::thread([w] { w->run(); });
  return w;
}

void lab_worker_stop(LabWorker* w) {
  if (!w) return;
  {
    std::lock_guard<std::mutex> lock(w->mutex);
    w->stopping = true;
  }
  w->wake.notify_all();
  w->thread.join();
  delete w;
}

// How many LabLocks this thread holds: a frame's UI calls into the page, which may call back into
// the app (a loader reporting progress); the inner lock must not wait for the outer one.
thread_local int locks_held = 0;

LabLock::LabLock(LabWorker* worker) : worker_(worker) {
  if (!worker_) return;
  if (locks_held++ > 0) return; // already held by this thread
  worker_->ui_waiting++;
  worker_->mutex.lock();
  worker_->ui_waiting--;
}

void LabLock::release() {
  if (!worker_) return;
  if (--locks_held > 0) { // the outer lock releases
    worker_ = nullptr;
    return;
  }
  worker_->mutex.unlock();
  worker_->wake.notify_all(); // the UI may have given the lab work (Start, a validation pass)
  worker_ = nullptr;
}

#endif

} // namespace aelab
