// The GEMM micro-kernel for avx2 (6 x 2 vectors per tile), compiled with that ISA's flags.
#include "core/gemm_kernel.h"

namespace aelab {
namespace gemm_detail {
extern const MicroKernel kAvx2Kernel;
const MicroKernel kAvx2Kernel = make_micro_kernel<xsimd::fma3<xsimd::avx2>, 6, 2>("avx2");
} // namespace gemm_detail
} // namespace aelab
