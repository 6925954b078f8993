// A small fixed pool of worker threads for the GEMM. Work is split into tasks that write
// disjoint outputs, so results do not depend on the thread count or on which thread runs what.
// In a WebAssembly build without pthreads the pool has no workers and runs tasks inline.
#pragma once
#include <functional>

namespace aelab {

// Sets the number of threads used by parallel_for (1 = the calling thread only). Clamped to
// [1, thread_count_max()].
void set_thread_count(int n);
int thread_count();
int thread_count_max();

// Runs task(i, thread_index) for i in [0, n_tasks), thread_index in [0, thread_count()), and
// returns when all are done. Not reentrant: tasks must not call parallel_for.
void parallel_for(int n_tasks, const std::function<void(int task, int thread_index)>& task);

// Runs fn(begin, end) over [0, n) cut into fixed chunks of `chunk` items (the last may be
// shorter). The cuts do not depend on the thread count, so per-chunk partial results combined in
// chunk order are deterministic.
void parallel_chunks(size_t n, size_t chunk, const std::function<void(size_t begin, size_t end)>& fn);

} // namespace aelab
