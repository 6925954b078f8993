// The GEMM micro-kernel for wasm-simd128 (6 x 2 vectors per tile), compiled with that ISA's flags.
#include "core/gemm_kernel.h"

namespace aelab {
namespace gemm_detail {
extern const MicroKernel kWasmKernel;
const MicroKernel kWasmKernel = make_micro_kernel<xsimd::wasm, 6, 2>("wasm-simd128");
} // namespace gemm_detail
} // namespace aelab
