// The AMX bf16 tile (src/core/gemm_kernel_amx.cpp) with its tile instructions emulated by plain
// loops, so that test_gemm checks its layout, tails and epilogue through the GEMM driver on CPUs
// without AMX (it still needs AVX512-BF16 for the packing and the epilogue's masked loads).
#define AELAB_AMX_EMULATE 1
#include "../../src/core/gemm_kernel_amx.cpp"
