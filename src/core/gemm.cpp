// GEMM driver: blocks the product (K in slices of at most kKc, M in row blocks), packs op(A) and
// op(B) into the micro-kernel's panel layout (which is where the transposes are absorbed), and
// runs the selected SIMD micro-kernel over every tile. Row blocks are independent tasks, so
// results are the same for any thread count.
#include "core/gemm.h"

#include <algorithm>
#include <cassert>
#include <cstdlib>
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

constexpr int kKc = 256;      // K slice: an a-panel (kKc x mr) and a b-panel (kKc x nr) stay in L1/L2
constexpr int kMcMax = 192;   // rows of A packed per task

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
  std::vector<AlignedBuffer> packed_a; // one per thread
};

Buffers& buffers() {
  static Buffers b;
  if (b.packed_a.empty()) b.packed_a.resize(size_t(thread_count_max()));
  return b;
}

// op(X)(r, c) for a row-major X with leading dimension ld.
inline float op_at(Trans t, const float* X, int ld, int r, int c) {
  return t == Trans::no ? X[size_t(r) * ld + c] : X[size_t(c) * ld + r];
}

// Packs rows [row0, row0 + rows) and columns [k0, k0 + kc) of op(A) into panels of mr rows:
// dst[p * kc * mr + k * mr + i] = op(A)(row0 + p * mr + i, k0 + k), zero beyond M.
void pack_a(Trans t, const float* A, int lda, int M, int row0, int rows, int k0, int kc, int mr,
            float* dst) {
  for (int p0 = 0; p0 < rows; p0 += mr, dst += size_t(kc) * mr) {
    int valid = std::min(mr, M - (row0 + p0));
    for (int i = valid; i < mr; i++)
      for (int k = 0; k < kc; k++) dst[k * mr + i] = 0.0f;
    if (t == Trans::no) {
      for (int i = 0; i < valid; i++) {
        const float* src = A + size_t(row0 + p0 + i) * lda + k0;
        for (int k = 0; k < kc; k++) dst[k * mr + i] = src[k];
      }
    } else {
      for (int k = 0; k < kc; k++) {
        const float* src = A + size_t(k0 + k) * lda + row0 + p0;
        for (int i = 0; i < valid; i++) dst[k * mr + i] = src[i];
      }
    }
  }
}

// Packs the panel of nr columns starting at col0, rows [k0, k0 + kc) of op(B):
// dst[k * nr + j] = op(B)(k0 + k, col0 + j), zero beyond N.
void pack_b_panel(Trans t, const float* B, int ldb, int N, int col0, int k0, int kc, int nr,
                  float* dst) {
  int valid = std::min(nr, N - col0);
  if (t == Trans::no) {
    for (int k = 0; k < kc; k++) {
      const float* src = B + size_t(k0 + k) * ldb + col0;
      for (int j = 0; j < valid; j++) dst[k * nr + j] = src[j];
      for (int j = valid; j < nr; j++) dst[k * nr + j] = 0.0f;
    }
  } else {
    for (int j = 0; j < valid; j++) {
      const float* src = B + size_t(col0 + j) * ldb + k0;
      for (int k = 0; k < kc; k++) dst[k * nr + j] = src[k];
    }
    for (int k = 0; k < kc; k++)
      for (int j = valid; j < nr; j++) dst[k * nr + j] = 0.0f;
  }
}

} // namespace

void gemm(Trans trans_a, Trans trans_b, int M, int N, int K, const float* A, int lda,
          const float* B, int ldb, float* C, int ldc, const GemmEpilogue& ep) {
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

  // Row blocks: at least two per thread when M allows, so the threads stay balanced.
  const int threads = thread_count();
  int mc = (M + 2 * threads - 1) / (2 * threads);
  mc = std::min(kMcMax, std::max(mr, (mc + mr - 1) / mr * mr));
  const int n_row_blocks = (M + mc - 1) / mc;

  const int n_k_slices = std::max(1, (K + kKc - 1) / kKc);
  const int kc_max = (K + n_k_slices - 1) / n_k_slices;
  float* packed_b = buf.packed_b.get(size_t(n_panels) * nr * std::max(kc_max, 1));
  for (auto& a : buf.packed_a) a.get(size_t(mc) * std::max(kc_max, 1));

  if (K <= 0) { // no products: C = (C) + bias, then relu
    for (int i = 0; i < M; i++)
      for (int j = 0; j < N; j++) {
        float v = (ep.accumulate ? C[size_t(i) * ldc + j] : 0.0f) + (bias ? bias[j] : 0.0f);
        C[size_t(i) * ldc + j] = ep.relu ? std::max(v, 0.0f) : v;
      }
    return;
  }

  for (int s = 0; s < n_k_slices; s++) {
    const int k0 = s * kc_max, kc = std::min(kc_max, K - k0);
    const bool first = s == 0, last = s == n_k_slices - 1;
    parallel_for(n_panels, [&](int p, int) {
      pack_b_panel(trans_b, B, ldb, N, p * nr, k0, kc, nr, packed_b + size_t(p) * kc * nr);
    });
    parallel_for(n_row_blocks, [&](int block, int thread_index) {
      const int row0 = block * mc, rows = std::min(mc, M - row0);
      float* packed_a = buf.packed_a[size_t(thread_index)].ptr.get();
      pack_a(trans_a, A, lda, M, row0, rows, k0, kc, mr, packed_a);
      for (int p = 0; p < n_panels; p++) {
        const int col0 = p * nr, n_valid = std::min(nr, N - col0);
        const float* b_panel = packed_b + size_t(p) * kc * nr;
        for (int i0 = 0; i0 < rows; i0 += mr) {
          kernel.run(kc, packed_a + size_t(i0) * kc, b_panel, C + size_t(row0 + i0) * ldc + col0, ldc,
                     std::min(mr, rows - i0), n_valid, first ? ep.accumulate : true,
                     first && bias ? bias + col0 : nullptr, last && ep.relu);
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
