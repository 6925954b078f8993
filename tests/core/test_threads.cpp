// The thread pool: every task runs exactly once per call, across many quick calls in a row (the
// pattern of a training step), at every thread count.
#include <gtest/gtest.h>

#include <atomic>
#include <vector>

#include "core/threads.h"

using namespace aelab;

TEST(Threads, EveryTaskRunsExactlyOnceAcrossManyQuickCalls) {
  for (int threads = 1; threads <= thread_count_max(); threads++) {
    set_thread_count(threads);
    std::vector<std::atomic<int>> runs(64);
    long expected_total = 0, total = 0;
    for (int call = 0; call < 20000; call++) {
      const int n = 1 + call % 13;
      for (int i = 0; i < n; i++) runs[size_t(i)] = 0;
      parallel_for(n, [&](int i, int thread_index) {
        ASSERT_LT(thread_index, thread_count_max());
        runs[size_t(i)]++;
      });
      for (int i = 0; i < n; i++) {
        ASSERT_EQ(runs[size_t(i)].load(), 1) << "call " << call << " task " << i << " threads " << threads;
        total++;
      }
      expected_total += n;
    }
    EXPECT_EQ(total, expected_total);
  }
  set_thread_count(1);
}

TEST(Threads, ChunksCoverTheRangeWithFixedCuts) {
  set_thread_count(thread_count_max());
  std::vector<int> seen(1000, 0);
  std::vector<std::pair<size_t, size_t>> cuts(5);
  parallel_chunks(1000, 240, [&](size_t b, size_t e) {
    cuts[b / 240] = {b, e};
    for (size_t i = b; i < e; i++) seen[i]++;
  });
  set_thread_count(1);
  for (int v : seen) ASSERT_EQ(v, 1);
  EXPECT_EQ(cuts[4], (std::pair<size_t, size_t>{960, 1000}));
}
