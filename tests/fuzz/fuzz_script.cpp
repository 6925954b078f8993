// Fuzz target: the app's script reader. An accepted script holds only commands the runner knows,
// each with arguments in range.
#include <cmath>
#include <cstdint>
#include <string>

#include "app/script.h"

using namespace aelab;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Script s;
  if (!parse_script(std::string(reinterpret_cast<const char*>(data), size), "input", &s).empty()) return 0;
  for (const ScriptCommand& c : s.commands) {
    if (c.line < 1) __builtin_trap();
    if (c.name == "wait" && (c.count < 0 || c.count > 1000000)) __builtin_trap();
    if (c.name == "train" && (c.count < 1 || c.count > 1000000000)) __builtin_trap();
    if (c.name == "drag" && (c.point.size() < 2 || c.point.size() % 2)) __builtin_trap();
    for (float v : c.point)
      if (!(v >= 0 && v <= 1)) __builtin_trap();
  }
  return 0;
}
