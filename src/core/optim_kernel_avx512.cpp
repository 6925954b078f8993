// The optimizers' update pass for avx512, compiled with that ISA's flags (optim_kernel.h).
// GCC 12 warns that _mm512_sqrt_ps's internal "undefined" pass-through is uninitialised: a known
// false positive in its own header (as in gemm_kernel_avx512.cpp).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include "core/optim_kernel.h"

namespace aelab {
namespace optim_detail {
const OptimKernel kAvx512OptimKernel = make_optim_kernel<xsimd::avx512f>("avx512");
} // namespace optim_detail
} // namespace aelab
