// The bfloat16 GEMM kernel's interface (issue 13): products of bf16 inputs accumulated in fp32
// with AVX512-BF16's vdpbf16ps, which multiplies pairs of bf16 values along k and adds both
// products into one fp32 lane. Operands therefore travel as "pairs": a uint32 whose low half is
// the bf16 of element k (even) and whose high half is that of element k + 1, rounded to nearest
// even from fp32 (vcvtne2ps2bf16). The unit behind it (gemm_kernel_avx512bf16.cpp) is compiled
// with AVX-512 flags and uses no standard library, so none of its code can be merged into code
// that runs on other CPUs; gemm.cpp drives it only where the CPU has the instructions.
#pragma once
#include <stdint.h>

#include <string>

namespace aelab {
namespace gemm_detail {

// One MR x NR tile of C:
//   tile = (load_c ? C : 0) + (bias ? bias[0..NR) : 0) + sum over kp pairs of A pair . B pair,
//   then max(0, .) if relu.
// A pair (i, q) is a[i * a_row_stride + q * a_pair_stride] (MR readable rows); B is a packed
// panel, pair (q, j) at b[q * NR + j], 64-byte aligned. Only the top-left m_valid x n_valid part
// of C is read and written.
struct Bf16TileArgs {
  int kp;
  const uint32_t* a;
  int a_row_stride, a_pair_stride;
  const uint32_t* b;
  float* c;
  int ldc, m_valid, n_valid;
  bool load_c;
  const float* bias; // NR values, or null
  bool relu;
};

struct Bf16Kernel {
  const char* name;
  int mr, nr;
  void (*run)(const Bf16TileArgs& args);
  // Row r of src (r < rows), elements [k0, k0 + kc), as pairs: dst[r * dst_ld + q] holds elements
  // k0 + 2q and k0 + 2q + 1 (0 past k0 + kc).
  void (*rows_to_pairs)(const float* src, int ld, int rows, int k0, int kc, uint32_t* dst, int dst_ld);
  // Rows k0 + 2q and k0 + 2q + 1 of src (0 past k0 + kc), interleaved column by column:
  // dst[q * dst_ld + c] pairs src(k0 + 2q, col0 + c) and src(k0 + 2q + 1, col0 + c) for
  // c < cols, 0 for c >= valid_cols.
  void (*interleave_rows)(const float* src, int ld, int k0, int kc, int col0, int valid_cols, int cols,
                          uint32_t* dst, int dst_ld);
  // Pairs from rows to columns: dst[q * dst_ld + j] = src[j * src_ld + q] for q < kp and
  // j < valid_cols, 0 for valid_cols <= j < cols; cols a multiple of 16.
  void (*transpose_pairs)(const uint32_t* src, int src_ld, int kp, int valid_cols, int cols, uint32_t* dst,
                          int dst_ld);
  // run reads A only as rows of pairs (a_pair_stride 1): the driver transposes op(A) = A^T so
  bool a_rows_only = false;
};

extern const Bf16Kernel kAvx512Bf16Kernel;

// The AMX tile (gemm_kernel_amx.cpp, issue 26): a kMr x kNr tile of C by TDPBF16PS, A as rows of
// pairs only; it packs as the avx512-bf16 kernel does (same panel width), whose packing it uses.
extern const int kAmxMr, kAmxNr;
void amx_bf16_run(const Bf16TileArgs& args);
// The AMX kernel around a tile function (amx_bf16_run, or the tests' emulated one): the
// avx512-bf16 kernel's packing, kAmxMr x kAmxNr tiles, A as rows only. Native builds only.
Bf16Kernel amx_kernel(const char* name, void (*run)(const Bf16TileArgs& args));
// The same tile with the tile instructions emulated by plain loops: only in the tests
// (tests/core/amx_emulated.cpp), which add it as one more bf16 kernel, "amx-emulated".
void amx_emulated_bf16_run(const Bf16TileArgs& args);
// Appends a kernel to the bf16 kernels (tests only); the selected one stays selected.
void bf16_add_kernel(const Bf16Kernel* kernel);
// Sets what precision_note(bf16) says, as bf16_time_products() would (tests only: a CPU where
// bf16 is faster can then check what a CPU where it is not shows).
void bf16_set_note(const std::string& note);

} // namespace gemm_detail
} // namespace aelab
