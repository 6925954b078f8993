// Which of a pass's SIMD kernels runs (the loss and the optimizer: loss_kernel.h, optim_kernel.h):
// the AVX-512 unit where this build has one and the CPU can run it, else the build's baseline.
// Kernels are structs with a `name`; tests select each by name to compare them.
#pragma once
#include <string>
#include <vector>
#include <xsimd/xsimd.hpp>

namespace aelab {

// The name of a pass compiled for the build's baseline.
#if defined(__EMSCRIPTEN__)
constexpr const char* kBaselineSimd = "wasm-simd128";
#else
constexpr const char* kBaselineSimd = "avx2";
#endif

template <class Kernel> class SimdChoice {
public:
  // avx512: null in builds without the unit (WebAssembly)
  SimdChoice(const Kernel* baseline, const Kernel* avx512) {
    if (avx512 && xsimd::available_architectures().avx512f) kernels_.push_back(avx512);
    kernels_.push_back(baseline);
    selected_ = kernels_.front();
  }
  const Kernel& selected() const { return *selected_; }
  std::vector<std::string> names() const { // best first
    std::vector<std::string> out;
    for (const Kernel* k : kernels_) out.push_back(k->name);
    return out;
  }
  bool select(const std::string& name) { // false if not available
    for (const Kernel* k : kernels_)
      if (name == k->name) return selected_ = k, true;
    return false;
  }

private:
  std::vector<const Kernel*> kernels_;
  const Kernel* selected_ = nullptr;
};

} // namespace aelab
