// The thread pool behind parallel_for: workers claim task indices from an atomic counter; the
// caller works too and waits for the last task. A training step makes dozens of parallel calls a
// few hundred microseconds apart, so workers and caller spin briefly before they sleep.
#include "core/threads.h"

#include "core/fp_env.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
#define AELAB_NO_THREADS 1
#endif

namespace aelab {

#ifdef AELAB_NO_THREADS

void set_thread_count(int) {}
int thread_count() { return 1; }
int thread_count_max() { return 1; }
void parallel_for(int n_tasks, const std::function<void(int, int)>& task) {
  for (int i = 0; i < n_tasks; i++) task(i, 0);
}

#else

namespace {

constexpr int kSpinIterations = 20000; // ~50-100 us of polling before sleeping

inline void pause() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#else
  std::this_thread::yield();
#endif
}

// Claims go through one atomic word holding (job generation << 32 | next task index), so a
// worker still looping over an earlier job can never take a task of the next one.
constexpr uint64_t kClosed = 0xFFFFFFFFu; // index value while a job is being set up

struct Pool {
  std::mutex mutex;
  std::condition_variable wake, done;
  std::vector<std::thread> workers;
  bool stopping = false;
  std::atomic<uint64_t> generation{0}; // the latest job; workers wake when it changes
  std::atomic<uint64_t> claims{kClosed};
  const std::function<void(int, int)>* job = nullptr;
  std::atomic<int> job_tasks{0};
  std::atomic<int> tasks_left{0};
  int threads_wanted = 1;           // including the caller
  std::atomic<bool> busy{false};    // a job is running
  std::atomic<unsigned> fp_bits{0}; // the caller's flush-to-zero mode (fp_env.h), for the job

  ~Pool() { resize(0); }

  void run_tasks(uint64_t gen, int thread_index) {
    for (;;) {
      uint64_t v = claims.load();
      const uint64_t index = v & kClosed;
      if ((v >> 32) != gen || index == kClosed || index >= uint64_t(job_tasks.load())) return;
      if (!claims.compare_exchange_weak(v, v + 1)) continue;
      (*job)(int(index), thread_index);
      if (tasks_left.fetch_sub(1) == 1) {
        std::lock_guard<std::mutex> lock(mutex);
        done.notify_all();
      }
    }
  }

  void worker_loop(int thread_index) {
    uint64_t seen = 0;
    unsigned applied = fp_mode_bits();
    for (;;) {
      for (int spin = 0; spin < kSpinIterations && generation.load() == seen; spin++) pause();
      {
        std::unique_lock<std::mutex> lock(mutex);
        wake.wait(lock, [&] { return stopping || generation.load() != seen; });
        if (stopping) return;
        seen = generation.load();
        if (thread_index >= threads_wanted) continue; // idle at this thread count
      }
      if (const unsigned bits = fp_bits.load(); bits != applied) set_fp_mode_bits(applied = bits);
      run_tasks(seen, thread_index);
    }
  }

  void resize(int n_workers) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      stopping = true;
    }
    wake.notify_all();
    for (auto& t : workers) t.join();
    workers.clear();
    stopping = false;
    for (int i = 0; i < n_workers; i++) workers.emplace_back([this, i] { worker_loop(i + 1); });
  }
};

Pool& pool() {
  static Pool p;
  return p;
}

} // namespace

int thread_count_max() { return std::max(1, int(std::thread::hardware_concurrency())); }

void set_thread_count(int n) {
  Pool& p = pool();
  n = std::clamp(n, 1, thread_count_max());
  if (int(p.workers.size()) < n - 1) p.resize(n - 1);
  p.threads_wanted = n;
}

int thread_count() { return pool().threads_wanted; }

void parallel_for(int n_tasks, const std::function<void(int, int)>& task) {
  Pool& p = pool();
  if (n_tasks <= 0) return;
  // One job at a time: a call while the pool is busy (from another thread, or from inside a
  // task) runs its tasks right here; results do not depend on where tasks run.
  if (p.threads_wanted == 1 || n_tasks == 1 || p.busy.exchange(true)) {
    for (int i = 0; i < n_tasks; i++) task(i, 0);
    return;
  }
  const uint64_t gen = p.generation.load() + 1;
  p.claims.store(gen << 32 | kClosed); // no claims while the job is set up
  p.job = &task;
  p.fp_bits.store(fp_mode_bits()); // the workers compute as the caller does
  p.job_tasks.store(n_tasks);
  p.tasks_left.store(n_tasks);
  p.claims.store(gen << 32); // open: task 0 is next
  {
    std::lock_guard<std::mutex> lock(p.mutex);
    p.generation.store(gen);
  }
  p.wake.notify_all();
  p.run_tasks(gen, 0);
  for (int spin = 0; spin < kSpinIterations && p.tasks_left.load() != 0; spin++) pause();
  {
    std::unique_lock<std::mutex> lock(p.mutex);
    p.done.wait(lock, [&] { return p.tasks_left.load() == 0; });
  }
  p.busy.store(false);
}

#endif

void parallel_chunks(size_t n, size_t chunk, const std::function<void(size_t, size_t)>& fn) {
  const size_t n_chunks = (n + chunk - 1) / chunk;
  auto run = [&](int c, int) { fn(size_t(c) * chunk, std::min(n, size_t(c + 1) * chunk)); };
  if (n_chunks <= 1 || thread_count() == 1) {
    for (size_t c = 0; c < n_chunks; c++) run(int(c), 0);
  } else {
    parallel_for(int(n_chunks), run);
  }
}

} // namespace aelab
