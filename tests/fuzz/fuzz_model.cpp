// Fuzz target: the model file reader. What it accepts must write back to the same bytes, and the
// header-bounded read must never read past what the header allows.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

#include "core/files.h"
#include "core/model_file.h"

using namespace aelab;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ModelFile file;
  if (model_from_bytes(data, size, "input", &file).empty()) {
    const std::vector<uint8_t> again = model_to_bytes(file);
    if (again.size() != size || std::memcmp(again.data(), data, size) != 0) __builtin_trap();
  }
  std::FILE* f = fmemopen(const_cast<uint8_t*>(data), size, "rb");
  if (!f) return 0;
  std::vector<uint8_t> bytes;
  if (read_stream_bytes(f, "input", &bytes, model_size_from_head).empty()) {
    const uint64_t most = model_size_from_head(bytes.data(), bytes.size());
    if (most && bytes.size() > most) __builtin_trap();
    model_from_bytes(bytes.data(), bytes.size(), "input", &file);
  }
  std::fclose(f);
  return 0;
}
