// The GEMM micro-kernel for avx512 (12 x 2 vectors per tile), compiled with that ISA's flags.
// GCC 12 warns that _mm512_max_ps's internal "undefined" pass-through is uninitialised: a
// known false positive in its own header.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include "core/gemm_kernel.h"

namespace aelab {
namespace gemm_detail {
extern const MicroKernel kAvx512Kernel, kAvx512NarrowKernel;
const MicroKernel kAvx512Kernel = make_micro_kernel<xsimd::avx512f, 12, 2>("avx512");
// 12 x 1 vector: for products at most 16 wide (a conv layer's filters)
const MicroKernel kAvx512NarrowKernel = make_micro_kernel<xsimd::avx512f, 12, 1>("avx512-16");
} // namespace gemm_detail
} // namespace aelab
