// The GEMM micro-kernel for wasm-simd128 (5 x 2 vectors per tile, so that V8 keeps the 10
// accumulators, 2 B vectors, the broadcast and a product in registers: 6 x 2 spilled one),
// compiled with that ISA's flags.
#include "core/gemm_kernel.h"

namespace aelab {
namespace gemm_detail {
extern const MicroKernel kWasmKernel;
const MicroKernel kWasmKernel = make_micro_kernel<xsimd::wasm, 5, 2>("wasm-simd128");
} // namespace gemm_detail
} // namespace aelab
