// The GEMM micro-kernel for sse2 (6 x 2 vectors per tile), compiled with that ISA's flags.
#include "core/gemm_kernel.h"

namespace aelab {
namespace gemm_detail {
extern const MicroKernel kSse2Kernel;
const MicroKernel kSse2Kernel = make_micro_kernel<xsimd::sse2, 6, 2>("sse2");
} // namespace gemm_detail
} // namespace aelab
