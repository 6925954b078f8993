// GEMM driver: blocks the product (K in slices of at most kKc, M in row blocks), packs op(B) into
// the micro-kernel's panel layout (absorbing its transpose), and runs the selected SIMD
// micro-kernel over every tile. op(A) is read in place, either way round; only a last, partial
// panel of rows is copied. Row blocks are independent tasks, so results are the same for any
// thread count.
#include "core/gemm.h"

#include <algorithm>
#include <cassert>
#include <cstdlib>
#include <functional>
#include <memory>

#include "core/gemm_kernel.h"
#include "core/threads.h"

namespace aelab {
namespace gemm_detail {
#ifdef __EMSCRIPTEN__
extern const MicroKernel kWasmKernel;
#else
extern const MicroKernel kSse2Kernel, kAvx2Kernel, kAvx512Kernel;
#endif
} // namespace gemm_detail

using gemm_detail::MicroKernel;

namespace {

constexpr int kKc = 256;    // K slice: an a-panel (kKc x mr) and a b-panel (kKc x nr) stay in L1/L2
constexpr int kMcMax = 192; // rows of C per task
constexpr double kParallelFlops = 4e6; // smaller products run on one thread: waking others costs more

std::vector<const MicroKernel*> kernels_available() {
  std::vector<const MicroKernel*> list;
#ifdef __EMSCRIPTEN__
  list.push_back(&gemm_detail::kWasmKernel);
#else
  auto arch = xsimd::available_architectures();
  if (arch.avx512f) list.push_back(&gemm_detail::kAvx512Kernel);
  if (arch.avx2 && arch.fma3_avx2) list.push_back(&gemm_detail::kAvx2Kernel);
  list.push_back(&gemm_detail::kSse2Kernel);
#endif
  return list;
}

const MicroKernel*& selected_kernel() {
  static const MicroKernel* k = kernels_available().front();
  return k;
}

// 64-byte aligned float buffers that only grow: no allocation once the sizes have been seen.
struct AlignedBuffer {
  std::unique_ptr<float, void (*)(void*)> ptr{nullptr, std::free};
  size_t capacity = 0;
  float* get(size_t n) {
    if (n > capacity) {
      size_t bytes = (n * sizeof(float) + 63) / 64 * 64;
      ptr.reset(static_cast<float*>(std::aligned_alloc(64, bytes)));
      capacity = n;
    }
    return ptr.get();
  }
};

struct Buffers {
  AlignedBuffer packed_b, bias;
  std::vector<AlignedBuffer> packed_a; // one per thread, for a partial panel of rows
};

// One set per calling thread: the app's UI thread may run small products while its training
// thread runs a step.
Buffers& buffers() {
  thread_local Buffers b;
  if (b.packed_a.empty()) b.packed_a.resize(size_t(thread_count_max()));
  return b;
}

// op(X)(r, c) for a row-major X with leading dimension ld.
inline float op_at(Trans t, const float* X, int ld, int r, int c) {
  return t == Trans::no ? X[size_t(r) * ld + c] : X[size_t(c) * ld + r];
}

// Packs the last, partial panel of `valid` < mr rows starting at row0, columns [k0, k0 + kc) of
// op(A): dst[k * mr + i] = op(A)(row0 + i, k0 + k), zero for i >= valid.
void pack_a_panel(Trans t, const float* A, int lda, int row0, int valid, int k0, int kc, int mr, float* dst) {
  for (int k = 0; k < kc; k++)
    for (int i = 0; i < mr; i++) dst[k * mr + i] = i < valid ? op_at(t, A, lda, row0 + i, k0 + k) : 0.0f;
}

// Packs the panel of nr columns starting at col0, rows [k0, k0 + kc) of op(B):
// dst[k * nr + j] = op(B)(k0 + k, col0 + j), zero beyond N.
void pack_b_panel(Trans t, const float* B, int ldb, int N, int col0, int k0, int kc, int nr, float* dst) {
  int valid = std::min(nr, N - col0);
  if (t == Trans::no) {
    for (int k = 0; k < kc; k++) {
      const float* src = B + size_t(k0 + k) * ldb + col0;
      for (int j = 0; j < valid; j++) dst[k * nr + j] = src[j];
      for (int j = valid; j < nr; j++) dst[k * nr + j] = 0.0f;
    }
    return;
  }
  // op(B) = B^T: row j of B holds column j of the panel. Full panels go through W x W SIMD
  // transposes; the rest (a partial panel, the last k) element by element.
  using batch = xsimd::batch<float>;
  constexpr int W = int(batch::size);
  int k_done = 0;
  if (valid == nr && nr % W == 0) {
    for (; k_done + W <= kc; k_done += W)
      for (int jb = 0; jb < nr; jb += W) {
        batch m[W];
        for (int i = 0; i < W; i++)
          m[i] = batch::load_unaligned(B + size_t(col0 + jb + i) * ldb + k0 + k_done);
        xsimd::transpose(m, m + W);
        for (int i = 0; i < W; i++) m[i].store_unaligned(dst + (k_done + i) * nr + jb);
      }
  }
  for (int j = 0; j < valid; j++) {
    const float* src = B + size_t(col0 + j) * ldb + k0;
    for (int k = k_done; k < kc; k++) dst[k * nr + j] = src[k];
  }
  for (int k = k_done; k < kc; k++)
    for (int j = valid; j < nr; j++) dst[k * nr + j] = 0.0f;
}

} // namespace

void gemm(Trans trans_a, Trans trans_b, int M, int N, int K, const float* A, int lda, const float* B, int ldb,
          float* C, int ldc, const GemmEpilogue& ep) {
  if (M <= 0 || N <= 0) return;
  const MicroKernel& kernel = *selected_kernel();
  const int mr = kernel.mr, nr = kernel.nr;
  Buffers& buf = buffers();

  const int n_panels = (N + nr - 1) / nr;
  const float* bias = nullptr;
  if (ep.bias) { // padded to whole panels so the kernel can always load nr values
    float* padded = buf.bias.get(size_t(n_panels) * nr);
    std::copy(ep.bias, ep.bias + N, padded);
    std::fill(padded + N, padded + size_t(n_panels) * nr, 0.0f);
    bias = padded;
  }

  // Row blocks: about four per thread when M allows, so that threads claiming them one by one
  // finish together.
  const int threads = 2.0 * M * N * K < kParallelFlops ? 1 : thread_count();
  const int row_panels = (M + mr - 1) / mr;
  const int mc = std::min(kMcMax, std::max(1, row_panels / (4 * threads)) * mr);
  const int n_row_blocks = (M + mc - 1) / mc;

  const int n_k_slices = std::max(1, (K + kKc - 1) / kKc);
  const int kc_max = (K + n_k_slices - 1) / n_k_slices;
  float* packed_b = buf.packed_b.get(size_t(n_panels) * nr * std::max(kc_max, 1));
  for (auto& a : buf.packed_a) a.get(size_t(mr) * std::max(kc_max, 1));

  if (K <= 0) { // no products: C = (C) + bias, then relu
    for (int i = 0; i < M; i++)
      for (int j = 0; j < N; j++) {
        float v = (ep.accumulate ? C[size_t(i) * ldc + j] : 0.0f) + (bias ? bias[j] : 0.0f);
        C[size_t(i) * ldc + j] = ep.relu ? std::max(v, 0.0f) : v;
      }
    return;
  }

  auto run_tasks = [&](int n, const std::function<void(int, int)>& task) {
    if (threads == 1) {
      for (int i = 0; i < n; i++) task(i, 0);
    } else {
      parallel_for(n, task);
    }
  };
  for (int s = 0; s < n_k_slices; s++) {
    const int k0 = s * kc_max, kc = std::min(kc_max, K - k0);
    const bool first = s == 0, last = s == n_k_slices - 1;
    run_tasks(n_panels, [&](int p, int) {
      pack_b_panel(trans_b, B, ldb, N, p * nr, k0, kc, nr, packed_b + size_t(p) * kc * nr);
    });
    run_tasks(n_row_blocks, [&](int block, int thread_index) {
      const int row0 = block * mc, rows = std::min(mc, M - row0);
      const int full_rows = rows / mr * mr;
      float* partial = buf.packed_a[size_t(thread_index)].ptr.get();
      if (full_rows < rows)
        pack_a_panel(trans_a, A, lda, row0 + full_rows, rows - full_rows, k0, kc, mr, partial);
      gemm_detail::TileArgs tile;
      tile.kc = kc;
      tile.ldc = ldc;
      tile.load_c = first ? ep.accumulate : true;
      tile.relu = last && ep.relu;
      for (int p = 0; p < n_panels; p++) {
        const int col0 = p * nr;
        tile.b = packed_b + size_t(p) * kc * nr;
        tile.n_valid = std::min(nr, N - col0);
        tile.bias = first && bias ? bias + col0 : nullptr;
        for (int i0 = 0; i0 < rows; i0 += mr) {
          const int r = row0 + i0;
          tile.m_valid = std::min(mr, rows - i0);
          tile.c = C + size_t(r) * ldc + col0;
          if (i0 >= full_rows) { // the packed partial panel
            tile.a = partial;
            tile.a_row_stride = 1;
            tile.a_k_stride = mr;
          } else if (trans_a == Trans::no) {
            tile.a = A + size_t(r) * lda + k0;
            tile.a_row_stride = lda;
            tile.a_k_stride = 1;
          } else {
            tile.a = A + size_t(k0) * lda + r;
            tile.a_row_stride = 1;
            tile.a_k_stride = lda;
          }
          kernel.run(tile);
        }
      }
    });
  }
}

void gemm_reference(Trans trans_a, Trans trans_b, int M, int N, int K, const float* A, int lda,
                    const float* B, int ldb, float* C, int ldc, const GemmEpilogue& ep) {
  for (int i = 0; i < M; i++) {
    for (int j = 0; j < N; j++) {
      double sum = ep.accumulate ? C[size_t(i) * ldc + j] : 0.0;
      if (ep.bias) sum += ep.bias[j];
      for (int k = 0; k < K; k++)
        sum += double(op_at(trans_a, A, lda, i, k)) * double(op_at(trans_b, B, ldb, k, j));
      float v = float(sum);
      C[size_t(i) * ldc + j] = ep.relu ? std::max(v, 0.0f) : v;
    }
  }
}

std::vector<std::string> gemm_kernels_available() {
  std::vector<std::string> names;
  for (const MicroKernel* k : kernels_available()) names.push_back(k->name);
  return names;
}

std::string gemm_kernel_selected() { return selected_kernel()->name; }

bool gemm_select_kernel(const std::string& name) {
  for (const MicroKernel* k : kernels_available()) {
    if (name == k->name) {
      selected_kernel() = k;
      return true;
    }
  }
  return false;
}

} // namespace aelab
