// Sparse-times-dense products on xsimd batches (sparse_kernel.h). Each run of output rows (of
// pictures for the forward product, of pixels for the weight gradient) is an independent task,
// and every sum runs over the nonzeros in ascending order, so results do not depend on the thread
// count.
#include "core/sparse.h"
#include "core/pixels.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <xsimd/xsimd.hpp>
#ifdef __AVX2__
#include <immintrin.h>
#endif

#include "core/simd_choice.h"
#include "core/sparse_kernel.h"
#include "core/threads.h"

namespace aelab {

namespace {
constexpr double kParallelWork = 2e5; // fewer multiply-adds than this run on one thread
constexpr int kMaxSparseTasks = 64;   // runs of pixels in the transposed product

void run(int tasks, double work, const std::function<void(int, int)>& task) {
  if (work < kParallelWork || thread_count() == 1) {
    for (int i = 0; i < tasks; i++) task(i, 0);
  } else {
    parallel_for(tasks, task);
  }
}
} // namespace

namespace {

#if defined(__AVX2__) && defined(__FMA__)
// For each 8-bit mask, the positions of its set bits packed to the front, a byte each.
struct CompactTable {
  uint64_t pack[256];
  CompactTable() {
    for (int m = 0; m < 256; m++) {
      uint64_t packed = 0;
      for (int i = 0, n = 0; i < 8; i++)
        if ((m >> i) & 1) packed |= uint64_t(i) << (8 * n++);
      pack[m] = packed;
    }
  }
};
const CompactTable kCompact;
#endif

// Writes row p's nonzeros (column, value) at col/value and returns how many there were, adding
// each run of 8 pixels' count to groups[run]. Writes may run up to 8 entries past the count, never
// past `pixels` entries.
static_assert(SparseRows::kSparseGroup == 8, "compact_row counts runs of 8 pixels");
int compact_row(const uint8_t* p, int pixels, int* col, float* value, int* groups) {
  int count = 0, k = 0;
#if defined(__AVX2__) && defined(__FMA__)
  // 8 pixels at a time: the nonzeros' positions from a table, columns and values moved to the
  // front of 8 lanes and stored whole (count <= k, so count + 8 <= k + 8 <= pixels)
  for (; k + 8 <= pixels; k += 8) {
    uint64_t eight;
    std::memcpy(&eight, p + k, 8);
    if (!eight) continue;
    const __m256i bytes = _mm256_cvtepu8_epi32(_mm_cvtsi64_si128(static_cast<long long>(eight)));
    const int mask =
        _mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpgt_epi32(bytes, _mm256_setzero_si256())));
    const __m256i at = _mm256_cvtepu8_epi32(_mm_cvtsi64_si128(static_cast<long long>(kCompact.pack[mask])));
    const __m256i cols = _mm256_add_epi32(_mm256_set1_epi32(k), at);
    const __m256 values = _mm256_permutevar8x32_ps(pixels_to_unit8(p + k), at); // as pixel_to_unit
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(col + count), cols);
    _mm256_storeu_ps(value + count, values);
    const int found = __builtin_popcount(unsigned(mask));
    count += found;
    groups[k / 8] += found;
  }
#endif
  for (; k + 8 <= pixels; k += 8) { // skip 8 zero pixels at once: most of a digit is background
    uint64_t eight;
    std::memcpy(&eight, p + k, 8);
    if (!eight) continue;
    const int before = count;
    for (int i = k; i < k + 8; i++) { // branch-free compaction: write always, advance on nonzero
      col[count] = i;
      value[count] = pixel_to_unit(p[i]); // exactly as images_to_float
      count += p[i] != 0;
    }
    groups[k / 8] += count - before;
  }
  const int before = count;
  for (int i = k; i < pixels; i++) {
    col[count] = i;
    value[count] = pixel_to_unit(p[i]);
    count += p[i] != 0;
  }
  if (k < pixels) groups[k / 8] += count - before;
  return count;
}

constexpr int kRowsPerTask = 32;

// A batch's pictures lie anywhere in the data set (47 MB for MNIST's training pictures), so each
// is asked for a few rows ahead of its compaction, its lines fetched in parallel rather than one
// miss at a time.
constexpr int kPrefetchRows = 2;
void prefetch(const uint8_t* p, int bytes) {
#if defined(__GNUC__)
  for (int i = 0; i < bytes; i += 64) __builtin_prefetch(p + i);
#else
  (void)p, (void)bytes;
#endif
}

int groups_of(int pixels) { return (pixels + SparseRows::kSparseGroup - 1) / SparseRows::kSparseGroup; }

} // namespace

void sparse_rows_reserve(SparseRows* out, int n, int pixels) {
  const size_t slots = size_t(n) * size_t(pixels);
  out->col.reserve(slots);
  out->value.reserve(slots);
  out->row_count.reserve(size_t(n));
  out->group_count.reserve(size_t(groups_of(pixels)));
  out->task_groups.reserve(size_t((n + kRowsPerTask - 1) / kRowsPerTask) * size_t(groups_of(pixels)));
}

void sparse_rows_from_pixels(const uint8_t* const* images, int n, int pixels, SparseRows* out) {
  out->rows = n;
  out->cols = pixels;
  const size_t slots = size_t(n) * size_t(pixels);
  out->col.resize(slots);
  out->value.resize(slots);
  out->row_count.resize(size_t(n));
  // the rows from the pixels on every thread for a batch of 256, each task counting its rows'
  // nonzeros by runs of pixels in its own part of task_groups
  const int row_tasks = (n + kRowsPerTask - 1) / kRowsPerTask, groups = groups_of(pixels);
  out->group_count.assign(size_t(groups), 0);
  out->task_groups.assign(size_t(row_tasks) * size_t(groups), 0);
  run(row_tasks, double(n) * pixels, [&](int t, int) {
    int* task_groups = out->task_groups.data() + size_t(t) * size_t(groups);
    const int r0 = t * kRowsPerTask, end = std::min(n, r0 + kRowsPerTask);
    for (int r = r0; r < std::min(end, r0 + kPrefetchRows); r++) prefetch(images[r], pixels);
    for (int r = r0; r < end; r++) {
      if (r + kPrefetchRows < end) prefetch(images[r + kPrefetchRows], pixels);
      out->row_count[size_t(r)] = compact_row(images[r], pixels, out->col.data() + size_t(r) * pixels,
                                              out->value.data() + size_t(r) * pixels, task_groups);
    }
  });
  for (int t = 0; t < row_tasks; t++)
    for (int g = 0; g < groups; g++)
      out->group_count[size_t(g)] += out->task_groups[size_t(t) * size_t(groups) + size_t(g)];
  size_t total = 0;
  for (int c : out->row_count) total += size_t(c);
  out->nonzero_count = total;
}

namespace {

using sparse_detail::SparseKernel;
using sparse_detail::SparseView;
const SparseKernel kBaselineSparseKernel = make_sparse_kernel<xsimd::default_arch>(kBaselineSimd);

SimdChoice<SparseKernel>& choice() {
#if defined(__EMSCRIPTEN__)
  static SimdChoice<SparseKernel> c(&kBaselineSparseKernel, nullptr);
#else
  static SimdChoice<SparseKernel> c(&kBaselineSparseKernel, &sparse_detail::kAvx512SparseKernel);
#endif
  return c;
}

SparseView view(const SparseRows& S) {
  return {S.rows, S.cols, S.row_count.data(), S.col.data(), S.value.data()};
}

} // namespace

std::vector<std::string> sparse_kernels_available() { return choice().names(); }

bool sparse_select_kernel(const std::string& name) { return choice().select(name); }

void sparse_times_dense(const SparseRows& S, const float* W, int N, const float* bias, bool relu, float* y) {
  // runs of rows of y are the tasks: one on one thread (each task reads all of W once), four per
  // thread on more, for balance; each row is computed the same way in any run
  const SparseKernel& k = choice().selected();
  const SparseView v = view(S);
  const int tasks = std::max(1, std::min(S.rows, thread_count() == 1 ? 1 : 4 * thread_count()));
  run(tasks, double(S.nonzeros()) * N, [&](int t, int) {
    k.times_dense(v, int(int64_t(S.rows) * t / tasks), int(int64_t(S.rows) * (t + 1) / tasks), W, N, bias,
                  relu, y);
  });
}

void sparse_transposed_times_dense(const SparseRows& S, const float* dz, int N, float* dW) {
  // Runs of pixels are the tasks, one per thread, cut (at a multiple of kSparseGroup) where each
  // holds as many nonzeros: the digits' middle is dense, the border empty. Each row of dW is one
  // task's, summed in the same order at any thread count.
  const SparseKernel& k = choice().selected();
  const SparseView v = view(S);
  const int tasks = std::min(thread_count(), kMaxSparseTasks);
  int bounds[kMaxSparseTasks + 1];
  bounds[0] = 0;
  int t = 1;
  for (size_t g = 0, seen = 0; g < S.group_count.size() && t < tasks; g++) {
    seen += size_t(S.group_count[g]);
    while (t < tasks && seen * size_t(tasks) >= S.nonzeros() * size_t(t))
      bounds[t++] = std::min(S.cols, int(g + 1) * SparseRows::kSparseGroup);
  }
  while (t <= tasks) bounds[t++] = S.cols;
  run(tasks, double(S.nonzeros()) * N,
      [&](int task, int) { k.transposed_times_dense(v, bounds[task], bounds[task + 1], dz, N, dW); });
}

} // namespace aelab
