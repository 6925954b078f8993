// The GEMM micro-kernel, written once over xsimd and compiled once per instruction set (one
// gemm_kernel_<isa>.cpp each, with that ISA's compiler flags). Everything here sits in an
// anonymous namespace on purpose: each unit must get its own copy, so that code compiled for
// AVX-512 can never be merged into code that runs on a CPU without it. For the same reason this
// header uses nothing from the standard library.
#pragma once
#include <xsimd/xsimd.hpp>

namespace aelab {
namespace gemm_detail {

// Computes one MR x NR tile of C from packed panels:
//   a: kc x MR (k-major: a[k * MR + i]), b: kc x NR (b[k * NR + j]), both zero-padded.
//   tile = (load_c ? C : 0) + (bias ? bias[0..NR) : 0) + a^T b, then max(0, .) if relu.
// Only the top-left m_valid x n_valid part of the tile is read from and written to C.
using MicroKernelFn = void (*)(int kc, const float* a, const float* b, float* c, int ldc,
                               int m_valid, int n_valid, bool load_c, const float* bias, bool relu);

struct MicroKernel {
  const char* name;
  int mr, nr; // tile rows, tile columns
  MicroKernelFn run;
};

} // namespace gemm_detail
} // namespace aelab

namespace {

template <class Arch, int MR, int NV>
struct MicroKernelImpl {
  using batch = xsimd::batch<float, Arch>;
  static constexpr int W = int(batch::size);
  static constexpr int NR = NV * W;

  // The register tile: MR x NV SIMD accumulators, fully unrolled by the compiler.
  static void full_tile(int kc, const float* a, const float* b, float* c, int ldc, bool load_c,
                        const float* bias, bool relu) {
    batch acc[MR][NV];
    for (int i = 0; i < MR; i++)
      for (int v = 0; v < NV; v++) acc[i][v] = load_c ? batch::load_unaligned(c + i * ldc + v * W) : batch(0.0f);
    if (bias) {
      for (int v = 0; v < NV; v++) {
        batch bv = batch::load_unaligned(bias + v * W);
        for (int i = 0; i < MR; i++) acc[i][v] += bv;
      }
    }
    for (int k = 0; k < kc; k++) {
      batch bv[NV];
      for (int v = 0; v < NV; v++) bv[v] = batch::load_aligned(b + k * NR + v * W);
      for (int i = 0; i < MR; i++) {
        batch av(a[k * MR + i]);
        for (int v = 0; v < NV; v++) acc[i][v] = xsimd::fma(av, bv[v], acc[i][v]);
      }
    }
    if (relu) {
      for (int i = 0; i < MR; i++)
        for (int v = 0; v < NV; v++) acc[i][v] = xsimd::max(acc[i][v], batch(0.0f));
    }
    for (int i = 0; i < MR; i++)
      for (int v = 0; v < NV; v++) acc[i][v].store_unaligned(c + i * ldc + v * W);
  }

  static void run(int kc, const float* a, const float* b, float* c, int ldc, int m_valid,
                  int n_valid, bool load_c, const float* bias, bool relu) {
    if (m_valid == MR && n_valid == NR) {
      full_tile(kc, a, b, c, ldc, load_c, bias, relu);
      return;
    }
    // Edge tile: go through a full-size scratch tile.
    alignas(64) float tile[MR * NR];
    for (int i = 0; i < MR; i++)
      for (int j = 0; j < NR; j++) tile[i * NR + j] = (load_c && i < m_valid && j < n_valid) ? c[i * ldc + j] : 0.0f;
    full_tile(kc, a, b, tile, NR, load_c, bias, relu);
    for (int i = 0; i < m_valid; i++)
      for (int j = 0; j < n_valid; j++) c[i * ldc + j] = tile[i * NR + j];
  }
};

template <class Arch, int MR, int NV>
aelab::gemm_detail::MicroKernel make_micro_kernel(const char* name) {
  using K = MicroKernelImpl<Arch, MR, NV>;
  return {name, MR, K::NR, &K::run};
}

} // namespace
