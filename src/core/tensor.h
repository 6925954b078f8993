// The tensor types of the core: float32 xtensor containers, batch-major (one sample per row).
#pragma once
#include <xtensor/xtensor.hpp>

namespace aelab {

using Matrix = xt::xtensor<float, 2>; // (rows, cols), row-major
using Vector = xt::xtensor<float, 1>;

} // namespace aelab
