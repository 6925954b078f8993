// The sparse products' inner loops for avx512, compiled with that ISA's flags (sparse_kernel.h).
// GCC 12 warns that _mm512_max_ps's internal "undefined" pass-through is uninitialised: a known
// false positive in its own header (as in gemm_kernel_avx512.cpp).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include "core/sparse_kernel.h"

namespace aelab {
namespace sparse_detail {
const SparseKernel kAvx512SparseKernel = make_sparse_kernel<xsimd::avx512f>("avx512");
} // namespace sparse_detail
} // namespace aelab
