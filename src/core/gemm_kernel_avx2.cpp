// The GEMM micro-kernel for avx2 (6 x 2 vectors per tile), compiled with that ISA's flags.
#include "core/gemm_kernel.h"

namespace aelab {
namespace gemm_detail {
extern const MicroKernel kAvx2Kernel, kAvx2NarrowKernel;
const MicroKernel kAvx2Kernel = make_micro_kernel<xsimd::fma3<xsimd::avx2>, 6, 2>("avx2");
// 12 x 1 vector: for products at most 8 wide (a conv layer's filters)
const MicroKernel kAvx2NarrowKernel = make_micro_kernel<xsimd::fma3<xsimd::avx2>, 12, 1>("avx2-8");
} // namespace gemm_detail
} // namespace aelab
