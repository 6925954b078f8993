// Fuzz target: the .npz reader and the Keras / PyTorch layouts. Whatever it accepts is a model
// of a valid shape with finite weights, and it writes to a model file that reads back.
#include <cmath>
#include <cstdint>
#include <vector>

#include "core/model_file.h"
#include "core/npz.h"

using namespace aelab;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ModelFile file;
  if (!import_npz(data, size, "input", &file).empty()) return 0;
  if (!check_model_shape(file.model.shape).empty()) __builtin_trap();
  for (float v : file.model.params)
    if (!std::isfinite(v)) __builtin_trap();
  const std::vector<uint8_t> bytes = model_to_bytes(file);
  ModelFile again;
  if (!model_from_bytes(bytes.data(), bytes.size(), "again", &again).empty()) __builtin_trap();
  return 0;
}
