// The training thread: waits until the lab has work and no UI thread is waiting for the lab, does
// one unit, and looks again. The UI announces itself (ui_waiting) before it takes the mutex.
// The long part of a batch, computing its gradients, runs without the mutex: it writes only the
// trainer's buffers and reads the model and the data, which the UI may read meanwhile; whatever
// would change them waits for the batch first (Lab::wait_for_batch). So the UI waits for at most
// a validation slice or the short ends of a batch.
#include "app/lab_worker.h"

#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
#define AELAB_NO_THREADS 1
#endif

#ifndef AELAB_NO_THREADS
#include <atomic>
#include <condition_variable>
#include <functional>
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
  std::condition_variable batch_done;
  std::atomic<int> ui_waiting{0};
  bool stopping = false;
  bool computing = false; // gradients being computed, the mutex not held
  std::thread thread;

  explicit LabWorker(Lab& l) : lab(l) {}

  void run() {
    std::unique_lock<std::mutex> lock(mutex);
    for (;;) {
      wake.wait(lock, [&] { return stopping || (ui_waiting.load() == 0 && lab_has_work(lab)); });
      if (stopping) return;
      lab_work_unit(lab, [&](const std::function<void()>& compute) {
        computing = true;
        lock.unlock();
        compute();
        lock.lock();
        computing = false;
        batch_done.notify_all();
      });
    }
  }

  // Called by the UI thread, which holds the mutex.
  void wait_for_batch() {
    std::unique_lock<std::mutex> lock(mutex, std::adopt_lock);
    ui_waiting++; // so the worker, done with this batch, does not start the next one
    batch_done.wait(lock, [&] { return !computing; });
    ui_waiting--;
    lock.release(); // still held, by the caller's LabLock
  }
};

LabWorker* lab_worker_start(Lab& lab) {
  LabWorker* w = new LabWorker(lab);
  lab.wait_for_batch = [w] { w->wait_for_batch(); };
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
  w->lab.wait_for_batch = nullptr;
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
