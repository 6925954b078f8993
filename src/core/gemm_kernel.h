// The GEMM micro-kernel, written once over xsimd and compiled once per instruction set (one
// gemm_kernel_<isa>.cpp each, with that ISA's compiler flags). Everything here sits in an
// anonymous namespace on purpose: each unit must get its own copy, so that code compiled for
// AVX-512 can never be merged into code that runs on a CPU without it. For the same reason this
// header uses nothing from the standard library.
#pragma once
#include <xsimd/xsimd.hpp>

namespace aelab {
namespace gemm_detail {

// One MR x NR tile of C:
//   tile = (load_c ? C : 0) + (bias ? bias[0..NR) : 0) + op(A) panel @ B panel, then max(0, .) if relu
// The A panel is read in place: element (i, k) at a[i * a_row_stride + k * a_k_stride], so the
// kernel reads a row-major A (stride lda, 1), a transposed A (1, lda) or a packed panel (1, MR)
// without copying; it must have MR readable rows. The B panel is packed: b[k * NR + j], zero-padded.
// Only the top-left m_valid x n_valid part of the tile is read from and written to C.
struct TileArgs {
  int kc;
  const float* a;
  int a_row_stride, a_k_stride;
  const float* b;
  float* c;
  int ldc, m_valid, n_valid;
  bool load_c;
  const float* bias; // NR values, or null
  bool relu;
};
using MicroKernelFn = void (*)(const TileArgs& args);

struct MicroKernel {
  const char* name;
  int mr, nr; // tile rows, tile columns
  MicroKernelFn run;
};

} // namespace gemm_detail
} // namespace aelab

// Clang (the WebAssembly build) unrolls the k loop 4 times: V8 checks for interrupts and
// reloads a spilled accumulator once per loop iteration, so fewer iterations run faster.
#if defined(__clang__)
#define AELAB_UNROLL_K _Pragma("clang loop unroll_count(4)")
#else
#define AELAB_UNROLL_K
#endif

namespace {

template <class Arch, int MR, int NV> struct MicroKernelImpl {
  using batch = xsimd::batch<float, Arch>;
  static constexpr int W = int(batch::size);
  static constexpr int NR = NV * W;

  // The register tile: MR x NV SIMD accumulators, fully unrolled by the compiler. ROW_MAJOR_A
  // says whether A's rows or its k run contiguously, so each case gets its own addressing.
  template <bool ROW_MAJOR_A>
  static void full_tile(const aelab::gemm_detail::TileArgs& t, float* c, int ldc) {
    batch acc[MR][NV];
    for (int i = 0; i < MR; i++)
      for (int v = 0; v < NV; v++)
        acc[i][v] = t.load_c ? batch::load_unaligned(c + i * ldc + v * W) : batch(0.0f);
    if (t.bias) {
      for (int v = 0; v < NV; v++) {
        batch bv = batch::load_unaligned(t.bias + v * W);
        for (int i = 0; i < MR; i++) acc[i][v] += bv;
      }
    }
    const float* b = t.b;
    if (ROW_MAJOR_A) {
      const float* rows[MR];
      for (int i = 0; i < MR; i++) rows[i] = t.a + i * t.a_row_stride;
      AELAB_UNROLL_K
      for (int k = 0; k < t.kc; k++) {
        batch bv[NV];
        for (int v = 0; v < NV; v++) bv[v] = batch::load_aligned(b + k * NR + v * W);
        for (int i = 0; i < MR; i++) {
          batch av(rows[i][k]);
          for (int v = 0; v < NV; v++) acc[i][v] = xsimd::fma(av, bv[v], acc[i][v]);
        }
      }
    } else {
      const float* a = t.a;
      AELAB_UNROLL_K
      for (int k = 0; k < t.kc; k++, a += t.a_k_stride) {
        batch bv[NV];
        for (int v = 0; v < NV; v++) bv[v] = batch::load_aligned(b + k * NR + v * W);
        for (int i = 0; i < MR; i++) {
          batch av(a[i]);
          for (int v = 0; v < NV; v++) acc[i][v] = xsimd::fma(av, bv[v], acc[i][v]);
        }
      }
    }
    if (t.relu) {
      for (int i = 0; i < MR; i++)
        for (int v = 0; v < NV; v++) acc[i][v] = xsimd::max(acc[i][v], batch(0.0f));
    }
    for (int i = 0; i < MR; i++)
      for (int v = 0; v < NV; v++) acc[i][v].store_unaligned(c + i * ldc + v * W);
  }

  static void tile(const aelab::gemm_detail::TileArgs& t, float* c, int ldc) {
    if (t.a_k_stride == 1)
      full_tile<true>(t, c, ldc);
    else
      full_tile<false>(t, c, ldc);
  }

  static void run(const aelab::gemm_detail::TileArgs& t) {
    if (t.m_valid == MR && t.n_valid == NR) {
      tile(t, t.c, t.ldc);
      return;
    }
    // Edge tile: go through a full-size scratch tile.
    alignas(64) float scratch[MR * NR];
    for (int i = 0; i < MR; i++)
      for (int j = 0; j < NR; j++)
        scratch[i * NR + j] = (t.load_c && i < t.m_valid && j < t.n_valid) ? t.c[i * t.ldc + j] : 0.0f;
    tile(t, scratch, NR);
    for (int i = 0; i < t.m_valid; i++)
      for (int j = 0; j < t.n_valid; j++) t.c[i * t.ldc + j] = scratch[i * NR + j];
  }
};

template <class Arch, int MR, int NV> aelab::gemm_detail::MicroKernel make_micro_kernel(const char* name) {
  using K = MicroKernelImpl<Arch, MR, NV>;
  return {name, MR, K::NR, &K::run};
}

} // namespace
