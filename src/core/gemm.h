// The one matrix product of the core, with a fused epilogue for dense layers:
//   C (M, N) = op(A) (M, K) @ op(B) (K, N)  [+ C if accumulate]  [+ bias (N) per row]  [then ReLU]
// Row-major with leading dimensions; op(X) is X or its transpose. Behind it sit SIMD kernels
// (one per instruction set, chosen at run time) and a plain triple loop that tests compare to.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace aelab {

enum class Trans { no, yes };

struct GemmEpilogue {
  const float* bias = nullptr; // N values added to every row, or null
  bool relu = false;           // max(0, .) after the bias
  bool accumulate = false;     // C += product instead of C = product
};

// The precision of the products. fp32: float inputs, float sums. bf16 (opt-in, issue 13): both
// inputs rounded to bfloat16 (8 significant bits, to nearest even) as they are packed, the
// products summed in fp32 by AVX512-BF16's vdpbf16ps; C, the bias and the epilogue stay fp32.
enum class Precision : uint8_t { fp32 = 0, bf16 = 1 };
const char* precision_name(Precision p); // "fp32", "bf16"
bool parse_precision(const std::string& text, Precision* out);
// "" if this build on this CPU can multiply at `p`, else one line saying why not.
std::string precision_problem(Precision p);
// "" unless bf16_time_products() found `p` no faster than fp32 here: then one line, "not faster
// on this CPU: ..." with the times. Where that is so, nothing offers or promises bf16.
std::string precision_note(Precision p);

// The bf16 kernels this build has and this CPU runs, best first ("amx": Intel's tiles, where
// Linux grants them; "avx512-bf16": vdpbf16ps), the selected one (avx512-bf16 until
// bf16_time_products() has run), and a choice by name.
std::vector<std::string> bf16_kernels_available();
std::string bf16_kernel_selected(); // "" where there is none
bool bf16_select_kernel(const std::string& name);
// The start-up timing (a few ms, at the current thread count): checks that each bf16 kernel's
// products agree with avx512-bf16's (a kernel that does not is dropped), selects the fastest
// and times it against fp32 on a dense step's products, which sets precision_note(bf16).
// Returns what it found, in one line ("" where there is no bf16 kernel).
std::string bf16_time_products();

void gemm(Trans trans_a, Trans trans_b, int M, int N, int K, const float* A, int lda, const float* B, int ldb,
          float* C, int ldc, const GemmEpilogue& epilogue = {}, Precision precision = Precision::fp32);
// Products of fewer flops (2 M N K) run on the calling thread: waking others costs more.
constexpr double kGemmParallelFlops = 4e6;

// The plain reference: a triple loop accumulating in double.
void gemm_reference(Trans trans_a, Trans trans_b, int M, int N, int K, const float* A, int lda,
                    const float* B, int ldb, float* C, int ldc, const GemmEpilogue& epilogue = {});

// Kernels this build has and this CPU can run ("avx512", "avx2", "sse2", "wasm-simd128"), best
// first. gemm() uses the selected one, the best by default.
std::vector<std::string> gemm_kernels_available();
std::string gemm_kernel_selected();
bool gemm_select_kernel(const std::string& name); // false if not available
// Times the kernels that give the best one's results bit for bit (the FMA kernels: avx512 and
// avx2; every element is the same chain of fused multiply-adds in the same order) on a product
// of the training step's size at the current thread count, best of 3 interleaved rounds (a few
// ms), and selects the fastest: which wins depends on the CPU and on the threads (AVX2 beats
// AVX-512 on some Zen 4 runs at 2 threads). Returns its name.
std::string gemm_select_fastest_kernel();

} // namespace aelab
