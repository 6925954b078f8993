// The fused loss pass for avx512, compiled with that ISA's flags (loss_kernel.h).
// GCC 12 warns that _mm512_max_ps's internal "undefined" pass-through is uninitialised: a
// known false positive in its own header (as in gemm_kernel_avx512.cpp).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include "core/loss_kernel.h"

namespace aelab {
namespace loss_detail {
const LossKernel kAvx512LossKernel = make_loss_kernel<xsimd::avx512f>("avx512");
} // namespace loss_detail
} // namespace aelab
