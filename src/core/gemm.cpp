// GEMM driver: blocks the product (K in slices of at most kKc, M in row blocks), packs op(B) into
// the micro-kernel's panel layout (absorbing its transpose), and runs the selected SIMD
// micro-kernel over every tile. op(A) is read in place, either way round; only a last, partial
// panel of rows is copied. Row blocks are independent tasks, so results are the same for any
// thread count.
#include "core/gemm.h"

#include <algorithm>
#include <cassert>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>

#if !defined(__EMSCRIPTEN__) && defined(__x86_64__)
#include <cpuid.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include "core/gemm_bf16_kernel.h"
#include "core/gemm_kernel.h"
#include "core/threads.h"

namespace aelab {
namespace gemm_detail {
#ifdef __EMSCRIPTEN__
extern const MicroKernel kWasmKernel;
#else
extern const MicroKernel kSse2Kernel, kAvx2Kernel, kAvx512Kernel, kAvx2NarrowKernel, kAvx512NarrowKernel;
#endif
} // namespace gemm_detail

using gemm_detail::Bf16Kernel;
using gemm_detail::MicroKernel;

namespace {

constexpr int kKc = 256;    // K slice: an a-panel (kKc x mr) and a b-panel (kKc x nr) stay in L1/L2
constexpr int kMcMax = 192; // rows of C per task
constexpr double kParallelFlops = kGemmParallelFlops;

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

// The kernel for a product N columns wide: the selected one, or where it is an FMA kernel and N
// fills less than half its tile, a narrower FMA kernel. Every FMA kernel computes each element as
// the same chain of fused multiply-adds in k order, so the results are the same bit for bit; only
// the columns padded and computed for nothing change (a conv layer's 8 or 16 filters, not 32).
const MicroKernel& kernel_for_width(int N) {
  const MicroKernel* k = selected_kernel();
#ifndef __EMSCRIPTEN__
  static const bool avx2 = [] {
    const auto arch = xsimd::available_architectures();
    return arch.avx2 && arch.fma3_avx2;
  }();
  const bool fma = k == &gemm_detail::kAvx512Kernel || k == &gemm_detail::kAvx2Kernel;
  if (fma && avx2 && N <= 8) return gemm_detail::kAvx2NarrowKernel;
  if (k == &gemm_detail::kAvx512Kernel && N <= 16) return gemm_detail::kAvx512NarrowKernel;
#else
  (void)N; // WebAssembly has one kernel
#endif
  return *k;
}

// The bf16 kernels this build has and this CPU runs, best first: AMX tiles where the CPU has
// them and Linux grants the tile state, then AVX512-BF16's vdpbf16ps (with the AVX-512 parts it
// leans on, and an OS that saves the registers: xsimd's avx512f check). Which one runs is chosen
// by bf16_time_products() where it has run, else avx512-bf16 (AMX runs only once checked against
// it, or chosen by name). AELAB_NO_BF16=1 in the environment hides them all: how the tests see
// a CPU without them.
struct Bf16Choice {
  std::vector<const Bf16Kernel*> kernels;
  const Bf16Kernel* selected = nullptr;
  std::string note; // bf16_time_products()'s finding where bf16 is not faster, else ""
};

#if !defined(__EMSCRIPTEN__) && defined(__x86_64__)
// AMX-BF16 and AMX-TILE (CPUID leaf 7: EDX bits 22 and 24), and Linux's leave to use the 8 KB of
// tile data (arch_prctl ARCH_REQ_XCOMP_PERM for XFEATURE_XTILEDATA; Linux 5.16 and later).
bool amx_usable() {
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return false;
  if (!(d & (1u << 22)) || !(d & (1u << 24))) return false;
  constexpr long kArchReqXcompPerm = 0x1023, kXfeatureXtiledata = 18;
  return syscall(SYS_arch_prctl, kArchReqXcompPerm, kXfeatureXtiledata) == 0;
}
#endif

Bf16Choice& bf16_choice() {
  static Bf16Choice c = [] {
    Bf16Choice out;
#if !defined(__EMSCRIPTEN__) && defined(__x86_64__)
    const char* off = std::getenv("AELAB_NO_BF16");
    if (off && *off && std::string(off) != "0") return out;
    const bool cpu = xsimd::available_architectures().avx512f && __builtin_cpu_supports("avx512bw") &&
                     __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bf16");
    if (!cpu) return out;
    if (amx_usable()) {
      static const Bf16Kernel amx = gemm_detail::amx_kernel("amx", &gemm_detail::amx_bf16_run);
      out.kernels.push_back(&amx);
    }
    out.kernels.push_back(&gemm_detail::kAvx512Bf16Kernel);
    // avx512-bf16 until bf16_time_products() has checked the others against it and timed them
    out.selected = &gemm_detail::kAvx512Bf16Kernel;
#endif
    return out;
  }();
  return c;
}

const Bf16Kernel* bf16_kernel() {
#if defined(__EMSCRIPTEN__) || !defined(__x86_64__)
  return nullptr; // and none of the choice's code in the page's download
#else
  return bf16_choice().selected;
#endif
}

} // namespace

void gemm_detail::bf16_add_kernel(const Bf16Kernel* kernel) { bf16_choice().kernels.push_back(kernel); }

#if !defined(__EMSCRIPTEN__) && defined(__x86_64__)
Bf16Kernel gemm_detail::amx_kernel(const char* name, void (*run)(const Bf16TileArgs& args)) {
  Bf16Kernel k = kAvx512Bf16Kernel; // its packing; the AMX tile
  k.name = name;
  k.mr = kAmxMr;
  k.nr = kAmxNr;
  k.run = run;
  k.a_rows_only = true;
  return k;
}
#endif
void gemm_detail::bf16_set_note(const std::string& note) { bf16_choice().note = note; }

namespace {

// 64-byte aligned 4-byte words (floats, or the bf16 kernel's pairs) that only grow: no
// allocation once the sizes have been seen.
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
  uint32_t* words(size_t n) { return reinterpret_cast<uint32_t*>(get(n)); }
};

struct Buffers {
  AlignedBuffer packed_b, bias;
  std::vector<AlignedBuffer> packed_a;         // one per thread, for a partial panel of rows
  std::vector<AlignedBuffer> pairs_a, pairs_t; // bf16: one per thread, A's rows and a B panel's
  std::vector<AlignedBuffer> pairs_rows;       // bf16, A rows only: op(A) = A^T as rows, per thread
  AlignedBuffer pairs_all, pairs_all_rows;     // bf16: all of op(A), when split by columns
};

// One set per calling thread: the app's UI thread may run small products while its training
// thread runs a step.
Buffers& buffers() {
  thread_local Buffers b;
  if (b.packed_a.empty()) {
    b.packed_a.resize(size_t(thread_count_max()));
    b.pairs_a.resize(size_t(thread_count_max()));
    b.pairs_t.resize(size_t(thread_count_max()));
    b.pairs_rows.resize(size_t(thread_count_max()));
  }
  return b;
}

// The bias padded to whole panels, so that kernels can always load nr values (null: no bias).
const float* padded_bias(Buffers& buf, const float* bias, int N, int padded) {
  if (!bias) return nullptr;
  float* out = buf.bias.get(size_t(padded));
  std::copy(bias, bias + N, out);
  std::fill(out + N, out + padded, 0.0f);
  return out;
}

// task(i, thread index) for i < n: inline at 1 thread, else on the pool.
void run_on(int threads, int n, const std::function<void(int, int)>& task) {
  if (threads == 1) {
    for (int i = 0; i < n; i++) task(i, 0);
  } else {
    parallel_for(n, task);
  }
}

// The row blocks of a product: about four per thread when M allows, so that threads claiming
// them one by one finish together.
int row_block_rows(int M, int mr, int threads) {
  const int row_panels = (M + mr - 1) / mr;
  return std::min(kMcMax, std::max(1, row_panels / (4 * threads)) * mr);
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

// The bf16 product: the same blocking as gemm(), but op(A) is converted too (to pairs, by row
// block, in the task that uses it) since the kernel reads bf16. K runs in slices of at most
// kKcBf16 (a B panel of 256 pairs x 32 columns is 32 KB).
constexpr int kKcBf16 = 512;

void gemm_bf16(Trans trans_a, Trans trans_b, int M, int N, int K, const float* A, int lda, const float* B,
               int ldb, float* C, int ldc, const GemmEpilogue& ep) {
  const Bf16Kernel* found = bf16_kernel();
  if (!found) { // callers check precision_problem first: this is a bug, not a user's mistake
    std::fprintf(stderr, "aelab: gemm at bf16 called where %s\n", precision_problem(Precision::bf16).c_str());
    std::abort();
  }
  const Bf16Kernel& kernel = *found;
  const int mr = kernel.mr, nr = kernel.nr;
  Buffers& buf = buffers();
  const int n_panels = (N + nr - 1) / nr;
  const float* bias = padded_bias(buf, ep.bias, N, n_panels * nr);
  const int threads = 2.0 * M * N * K < kParallelFlops ? 1 : thread_count();
  const int mc = row_block_rows(M, mr, threads);
  const int mc_padded = (mc + mr - 1) / mr * mr;
  const int n_row_blocks = (M + mc - 1) / mc;

  const int n_k_slices = (K + kKcBf16 - 1) / kKcBf16;
  const int kc_max = ((K + n_k_slices - 1) / n_k_slices + 1) / 2 * 2; // even: slices start on a pair
  const int kp_max = kc_max / 2;
  uint32_t* packed_b = buf.packed_b.words(size_t(n_panels) * nr * kp_max);
  for (auto& a : buf.pairs_a) a.words(size_t(mc_padded) * kp_max);
  for (auto& t : buf.pairs_t) t.words(size_t(nr) * kp_max);
  if (kernel.a_rows_only)
    for (auto& r : buf.pairs_rows) r.words(size_t(mc_padded) * ((kp_max + 15) / 16 * 16));

  auto run_tasks = [&](int n, const std::function<void(int, int)>& task) { run_on(threads, n, task); };
  // Panel p of op(B), slice k0: pairs at dst, from the rows of B or (transposed) its columns.
  auto pack_b = [&](int p, int k0, int kc, uint32_t* dst, int thread_index) {
    const int col0 = p * nr, valid = std::min(nr, N - col0), kp = (kc + 1) / 2;
    if (trans_b == Trans::no) {
      kernel.interleave_rows(B, ldb, k0, kc, col0, valid, nr, dst, nr);
      return;
    }
    uint32_t* rows = reinterpret_cast<uint32_t*>(buf.pairs_t[size_t(thread_index)].ptr.get());
    kernel.rows_to_pairs(B + size_t(col0) * ldb, ldb, valid, k0, kc, rows, kp);
    kernel.transpose_pairs(rows, kp, kp, valid, nr, dst, nr);
  };

  // Wide and short on several threads (layer 4's forward and weight gradient), as in gemm(): by
  // columns. op(A) is converted once, all of it (a region of row blocks), then each task packs
  // its own panels of op(B) and runs every row on them through all k slices.
  if (threads > 1 && N >= M && n_panels >= 4 * threads) {
    const int m_padded = (M + mr - 1) / mr * mr;
    uint32_t* a_all = buf.pairs_all.words(size_t(m_padded) * kp_max * n_k_slices);
    uint32_t* b_all = buf.packed_b.words(size_t(n_panels) * nr * kp_max * n_k_slices);
    auto a_slice = [&](int s) { return a_all + size_t(m_padded) * kp_max * s; };
    // A^T for a kernel that reads rows only: interleaved as usual, then transposed to rows of
    // kp16 pairs, (i, q) at i * kp16 + q (the pairs from kp to kp16 are 0)
    const bool a_transposed = trans_a == Trans::yes && kernel.a_rows_only;
    const int kp16 = (kp_max + 15) / 16 * 16;
    uint32_t* a_rows_all =
        a_transposed ? buf.pairs_all_rows.words(size_t(m_padded) * kp16 * n_k_slices) : nullptr;
    auto a_rows_slice = [&](int s) { return a_rows_all + size_t(m_padded) * kp16 * s; };
    const int a_row_stride = trans_a == Trans::no ? kp_max
                             : a_transposed       ? kp16
                                                  : 1,
              a_pair_stride = trans_a == Trans::no || a_transposed ? 1 : m_padded;
    run_tasks(n_k_slices, [&](int s, int) {
      const int k0 = s * kc_max, kc = std::min(kc_max, K - k0);
      uint32_t* a = a_slice(s);
      if (trans_a == Trans::no) { // (i, q) at i * kp_max + q; the pairs past kp are never read
        kernel.rows_to_pairs(A, lda, M, k0, kc, a, kp_max);
        std::fill(a + size_t(M) * kp_max, a + size_t(m_padded) * kp_max, 0u);
      } else { // (i, q) at q * m_padded + i
        kernel.interleave_rows(A, lda, k0, kc, 0, M, m_padded, a, m_padded);
        if (a_transposed)
          kernel.transpose_pairs(a, m_padded, m_padded, (kc + 1) / 2, kp16, a_rows_slice(s), kp16);
      }
    });
    const int per_task = std::max(1, n_panels / (4 * threads));
    run_tasks((n_panels + per_task - 1) / per_task, [&](int task, int thread_index) {
      const int p0 = task * per_task, p1 = std::min(n_panels, p0 + per_task);
      gemm_detail::Bf16TileArgs tile;
      tile.a_row_stride = a_row_stride;
      tile.a_pair_stride = a_pair_stride;
      tile.ldc = ldc;
      for (int s = 0; s < n_k_slices; s++) {
        const int k0 = s * kc_max, kc = std::min(kc_max, K - k0), kp = (kc + 1) / 2;
        uint32_t* panels = b_all + size_t(n_panels) * nr * kp_max * s;
        tile.kp = kp;
        tile.load_c = s == 0 ? ep.accumulate : true;
        tile.relu = s == n_k_slices - 1 && ep.relu;
        for (int p = p0; p < p1; p++) {
          pack_b(p, k0, kc, panels + size_t(p) * kp * nr, thread_index);
          const int col0 = p * nr;
          tile.b = panels + size_t(p) * kp * nr;
          tile.n_valid = std::min(nr, N - col0);
          tile.bias = s == 0 && bias ? bias + col0 : nullptr;
          for (int i0 = 0; i0 < M; i0 += mr) {
            tile.a = (a_transposed ? a_rows_slice(s) : a_slice(s)) + size_t(i0) * a_row_stride;
            tile.m_valid = std::min(mr, M - i0);
            tile.c = C + size_t(i0) * ldc + col0;
            kernel.run(tile);
          }
        }
      }
    });
    return;
  }

  for (int s = 0; s < n_k_slices; s++) {
    const int k0 = s * kc_max, kc = std::min(kc_max, K - k0), kp = (kc + 1) / 2;
    const bool first = s == 0, last = s == n_k_slices - 1;
    run_tasks(n_panels, [&](int p, int thread_index) {
      pack_b(p, k0, kc, packed_b + size_t(p) * kp * nr, thread_index); // op(B) = B^T: rows, then transposed
    });
    run_tasks(n_row_blocks, [&](int block, int thread_index) {
      const int row0 = block * mc, rows = std::min(mc, M - row0);
      const int rows_padded = (rows + mr - 1) / mr * mr;
      uint32_t* a = reinterpret_cast<uint32_t*>(buf.pairs_a[size_t(thread_index)].ptr.get());
      int row_stride, pair_stride;
      if (trans_a == Trans::no) { // a row's pairs in a row: (i, q) at i * kp + q
        kernel.rows_to_pairs(A + size_t(row0) * lda, lda, rows, k0, kc, a, kp);
        std::fill(a + size_t(rows) * kp, a + size_t(rows_padded) * kp, 0u);
        row_stride = kp, pair_stride = 1;
      } else { // op(A) = A^T: rows of A interleaved, (i, q) at q * rows_padded + i
        kernel.interleave_rows(A, lda, k0, kc, row0, rows, rows_padded, a, rows_padded);
        row_stride = 1, pair_stride = rows_padded;
        if (kernel.a_rows_only) { // as rows of kp16 pairs: (i, q) at i * kp16 + q, 0 from kp on
          const int kp16 = (kp + 15) / 16 * 16;
          uint32_t* r = buf.pairs_rows[size_t(thread_index)].words(size_t(rows_padded) * kp16);
          kernel.transpose_pairs(a, rows_padded, rows_padded, kp, kp16, r, kp16);
          a = r, row_stride = kp16, pair_stride = 1;
        }
      }
      gemm_detail::Bf16TileArgs tile;
      tile.kp = kp;
      tile.a_row_stride = row_stride;
      tile.a_pair_stride = pair_stride;
      tile.ldc = ldc;
      tile.load_c = first ? ep.accumulate : true;
      tile.relu = last && ep.relu;
      for (int p = 0; p < n_panels; p++) {
        const int col0 = p * nr;
        tile.b = packed_b + size_t(p) * kp * nr;
        tile.n_valid = std::min(nr, N - col0);
        tile.bias = first && bias ? bias + col0 : nullptr;
        for (int i0 = 0; i0 < rows; i0 += mr) {
          tile.a = a + size_t(i0) * row_stride;
          tile.m_valid = std::min(mr, rows - i0);
          tile.c = C + size_t(row0 + i0) * ldc + col0;
          kernel.run(tile);
        }
      }
    });
  }
}

} // namespace

const char* precision_name(Precision p) { return p == Precision::bf16 ? "bf16" : "fp32"; }

bool parse_precision(const std::string& text, Precision* out) {
  if (text == "fp32" || text == "bf16") {
    *out = text == "bf16" ? Precision::bf16 : Precision::fp32;
    return true;
  }
  return false;
}

std::string precision_note(Precision p) {
#if defined(__EMSCRIPTEN__) || !defined(__x86_64__)
  (void)p;
  return "";
#else
  return p == Precision::bf16 ? bf16_choice().note : "";
#endif
}

std::vector<std::string> bf16_kernels_available() {
  std::vector<std::string> names;
  for (const Bf16Kernel* k : bf16_choice().kernels) names.push_back(k->name);
  return names;
}

std::string bf16_kernel_selected() { return bf16_kernel() ? bf16_kernel()->name : ""; }

bool bf16_select_kernel(const std::string& name) {
  for (const Bf16Kernel* k : bf16_choice().kernels)
    if (name == k->name) return bf16_choice().selected = k, true;
  return false;
}

std::string bf16_time_products() {
#if defined(__EMSCRIPTEN__) || !defined(__x86_64__)
  return ""; // no bf16 kernel in this build (and none of this code in the page's download)
#else
  Bf16Choice& c = bf16_choice();
  if (c.kernels.empty()) return "";
  // A dense layer's three products at batch 256 (forward, weight gradient, input gradient) for
  // the step's two layer sizes: 784 -> 128 and 128 -> 784
  struct Shape {
    Trans ta, tb;
    int M, N, K;
  };
  const Shape shapes[] = {{Trans::no, Trans::no, 256, 128, 784},  {Trans::yes, Trans::no, 784, 128, 256},
                          {Trans::no, Trans::yes, 256, 784, 128}, {Trans::no, Trans::no, 256, 784, 128},
                          {Trans::yes, Trans::no, 128, 784, 256}, {Trans::no, Trans::yes, 256, 128, 784}};
  size_t out_size = 0; // each shape's product has its own part of the output, all compared
  for (const Shape& s : shapes) out_size += size_t(s.M) * size_t(s.N);
  std::vector<float> A(784 * 256), B(784 * 256), C(out_size), first(out_size);
  uint32_t state = 12345;
  for (float* v : {A.data(), B.data()})
    for (size_t i = 0; i < A.size(); i++) {
      state = state * 1664525u + 1013904223u;
      v[i] = float(int(state >> 24) - 128) / 128.0f; // exact in bf16
    }
  auto run = [&](Precision p, float* out) {
    for (const Shape& s : shapes) {
      const int lda = s.ta == Trans::no ? s.K : s.M, ldb = s.tb == Trans::no ? s.N : s.K;
      gemm(s.ta, s.tb, s.M, s.N, s.K, A.data(), lda, B.data(), ldb, out, s.N, {}, p);
      out += size_t(s.M) * size_t(s.N);
    }
  };
  // The others' results must be avx512-bf16's (the tested one) to fp32 rounding, as they sum in
  // other orders: a kernel that is not is dropped, saying so.
  const Bf16Kernel* reference = &gemm_detail::kAvx512Bf16Kernel;
  std::string dropped;
  c.selected = reference;
  run(Precision::bf16, first.data());
  for (size_t i = 0; i < c.kernels.size();) {
    if (c.kernels[i] == reference) {
      i++;
      continue;
    }
    c.selected = c.kernels[i];
    run(Precision::bf16, C.data());
    double worst = 0;
    for (size_t j = 0; j < C.size(); j++) { // NaN or infinity is the worst
      const double d = std::fabs(double(C[j]) - double(first[j]));
      if (!(d <= worst)) worst = std::isfinite(d) ? d : INFINITY;
    }
    if (worst <= 1e-3) {
      i++;
      continue;
    }
    dropped += std::string("the ") + c.kernels[i]->name + " kernel differs from " + reference->name + " by " +
               std::to_string(worst) + ", so it is not used; ";
    c.kernels.erase(c.kernels.begin() + long(i));
  }
  std::vector<double> best(c.kernels.size() + 1, 1e30); // the bf16 kernels, then fp32
  for (int round = 0; round < 4; round++)
    for (size_t i = 0; i <= c.kernels.size(); i++) {
      if (i < c.kernels.size()) c.selected = c.kernels[i];
      const auto t0 = std::chrono::steady_clock::now();
      run(i < c.kernels.size() ? Precision::bf16 : Precision::fp32, C.data());
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (round > 0) best[i] = std::min(best[i], s); // round 0 warms the buffers up
    }
  const size_t fastest = size_t(std::min_element(best.begin(), best.end() - 1) - best.begin());
  c.selected = c.kernels[fastest];
  const double fp32_ms = best.back() * 1e3, bf16_ms = best[fastest] * 1e3;
  char line[160];
  std::snprintf(line, sizeof line, "a step's products take %.2f ms at bf16 (%s) and %.2f ms at fp32", bf16_ms,
                c.selected->name, fp32_ms);
  // Not faster: under 10% quicker is within the noise of one timing, and bf16 costs precision
  c.note = bf16_ms < 0.9 * fp32_ms ? "" : std::string("not faster on this CPU: ") + line;
  return dropped + line;
#endif
}

std::string precision_problem(Precision p) {
  if (p == Precision::fp32 || bf16_kernel()) return "";
#if defined(__EMSCRIPTEN__) || !defined(__x86_64__)
  return "bf16 needs a CPU with AVX512-BF16 (vdpbf16ps); this build has no bf16 kernel (WebAssembly "
         "has no such instructions): use fp32";
#else
  return "bf16 needs a CPU with AVX512-BF16 (vdpbf16ps: Intel Cooper Lake, Sapphire Rapids or later, AMD "
         "Zen 4 or later); this one has not" +
         std::string(std::getenv("AELAB_NO_BF16") ? " (AELAB_NO_BF16 is set)" : "") + ": use fp32";
#endif
}

void gemm(Trans trans_a, Trans trans_b, int M, int N, int K, const float* A, int lda, const float* B, int ldb,
          float* C, int ldc, const GemmEpilogue& ep, Precision precision) {
  if (M <= 0 || N <= 0) return;
  if (precision == Precision::bf16 && K > 0) {
    gemm_bf16(trans_a, trans_b, M, N, K, A, lda, B, ldb, C, ldc, ep);
    return;
  }
  const MicroKernel& kernel = kernel_for_width(N);
  const int mr = kernel.mr, nr = kernel.nr;
  Buffers& buf = buffers();

  const int n_panels = (N + nr - 1) / nr;
  const float* bias = padded_bias(buf, ep.bias, N, n_panels * nr);
  const int threads = 2.0 * M * N * K < kParallelFlops ? 1 : thread_count();
  const int mc = row_block_rows(M, mr, threads);
  const int n_row_blocks = (M + mc - 1) / mc;

  const int n_k_slices = std::max(1, (K + kKc - 1) / kKc);
  const int kc_max = (K + n_k_slices - 1) / n_k_slices;
  // op(B) packed whole: slice s (k from k0) at packed_b + n_panels nr k0, its panel p kc nr further
  // (on one thread, one slice at a time in one region: the least memory, as the page's heap wants)
  float* const packed_b =
      buf.packed_b.get(size_t(n_panels) * nr * size_t(std::max(threads == 1 ? kc_max : K, 1)));
  auto slice_panels = [&](int k0) {
    return packed_b + (threads == 1 ? 0 : size_t(n_panels) * nr * size_t(k0));
  };
  for (auto& a : buf.packed_a) a.get(size_t(mr) * std::max(kc_max, 1));

  if (K <= 0) { // no products: C = (C) + bias, then relu
    for (int i = 0; i < M; i++)
      for (int j = 0; j < N; j++) {
        float v = (ep.accumulate ? C[size_t(i) * ldc + j] : 0.0f) + (bias ? bias[j] : 0.0f);
        C[size_t(i) * ldc + j] = ep.relu ? std::max(v, 0.0f) : v;
      }
    return;
  }

  auto run_tasks = [&](int n, const std::function<void(int, int)>& task) { run_on(threads, n, task); };
  // Rows [row0, row0 + rows) of C times panels [p0, p1) of the packed op(B), k slice [k0, k0 + kc).
  auto compute = [&](int row0, int rows, int p0, int p1, int k0, int kc, bool first, bool last,
                     int thread_index) {
    const float* panels = slice_panels(k0);
    const int full_rows = rows / mr * mr;
    float* partial = buf.packed_a[size_t(thread_index)].ptr.get();
    if (full_rows < rows)
      pack_a_panel(trans_a, A, lda, row0 + full_rows, rows - full_rows, k0, kc, mr, partial);
    gemm_detail::TileArgs tile;
    tile.kc = kc;
    tile.ldc = ldc;
    tile.load_c = first ? ep.accumulate : true;
    tile.relu = last && ep.relu;
    for (int p = p0; p < p1; p++) {
      const int col0 = p * nr;
      tile.b = panels + size_t(p) * kc * nr;
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
  };

  // A wide, short product on several threads (layer 4's forward and weight gradient: N = 784 >=
  // M) splits by columns instead: each task packs its own panels of op(B) and runs every row on
  // them, through all k slices. One parallel region instead of two per slice, and no thread
  // reads panels another thread packed (on two cores that traffic cost more than the work).
  if (threads > 1 && N >= M && n_panels >= 4 * threads) {
    const int per_task = std::max(1, n_panels / (4 * threads));
    run_tasks((n_panels + per_task - 1) / per_task, [&](int task, int thread_index) {
      const int p0 = task * per_task, p1 = std::min(n_panels, p0 + per_task);
      for (int s = 0; s < n_k_slices; s++) {
        const int k0 = s * kc_max, kc = std::min(kc_max, K - k0);
        for (int p = p0; p < p1; p++)
          pack_b_panel(trans_b, B, ldb, N, p * nr, k0, kc, nr, slice_panels(k0) + size_t(p) * kc * nr);
        compute(0, M, p0, p1, k0, kc, s == 0, s == n_k_slices - 1, thread_index);
      }
    });
    return;
  }
  if (threads == 1) { // slice by slice: pack its panels, then every row block on them
    for (int s = 0; s < n_k_slices; s++) {
      const int k0 = s * kc_max, kc = std::min(kc_max, K - k0);
      for (int p = 0; p < n_panels; p++)
        pack_b_panel(trans_b, B, ldb, N, p * nr, k0, kc, nr, slice_panels(k0) + size_t(p) * kc * nr);
      for (int block = 0; block < n_row_blocks; block++)
        compute(block * mc, std::min(mc, M - block * mc), 0, n_panels, k0, kc, s == 0, s == n_k_slices - 1,
                0);
    }
    return;
  }
  // Otherwise by rows: op(B) packed whole first (every k slice, a region of its own each), then
  // each row block runs through all the slices: two parallel regions for the product.
  run_tasks(n_panels * n_k_slices, [&](int t, int) {
    const int s = t / n_panels, p = t % n_panels;
    const int k0 = s * kc_max, kc = std::min(kc_max, K - k0);
    pack_b_panel(trans_b, B, ldb, N, p * nr, k0, kc, nr, slice_panels(k0) + size_t(p) * kc * nr);
  });
  run_tasks(n_row_blocks, [&](int block, int thread_index) {
    const int row0 = block * mc;
    for (int s = 0; s < n_k_slices; s++) {
      const int k0 = s * kc_max, kc = std::min(kc_max, K - k0);
      compute(row0, std::min(mc, M - row0), 0, n_panels, k0, kc, s == 0, s == n_k_slices - 1, thread_index);
    }
  });
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

std::string gemm_select_fastest_kernel() {
  std::vector<const MicroKernel*> candidates;
  for (const MicroKernel* k : kernels_available())
    if (std::string(k->name) == "avx512" || std::string(k->name) == "avx2") candidates.push_back(k);
  if (candidates.size() < 2) return gemm_kernel_selected();
  // layer 4's forward product at batch 256: the step's largest shape
  const int M = 256, N = 784, K = 128;
  std::vector<float> A(size_t(M) * K, 0.5f), B(size_t(K) * N, 0.25f), C(size_t(M) * N);
  std::vector<double> best(candidates.size(), 1e30);
  for (int round = 0; round < 4; round++) {
    for (size_t i = 0; i < candidates.size(); i++) {
      selected_kernel() = candidates[i];
      const auto t0 = std::chrono::steady_clock::now();
      gemm(Trans::no, Trans::no, M, N, K, A.data(), K, B.data(), N, C.data(), N);
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (round > 0) best[i] = std::min(best[i], s); // round 0 warms the buffers up
    }
  }
  selected_kernel() = candidates[size_t(std::min_element(best.begin(), best.end()) - best.begin())];
  return gemm_kernel_selected();
}

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
