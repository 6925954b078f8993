// Fuzz target: commands and snapshots as bytes (what the page and its Web Worker send each other).
// Whatever decodes must encode back to bytes that decode to the same thing.
#include <cstdint>
#include <vector>

#include "lab/wire.h"

using namespace aelab;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Command c;
  if (command_from_bytes(data, size, &c)) {
    const std::vector<uint8_t> again = command_to_bytes(c);
    Command c2;
    if (!command_from_bytes(again.data(), again.size(), &c2) || command_to_bytes(c2) != again)
      __builtin_trap();
  }
  Snapshot s;
  if (snapshot_from_bytes(data, size, &s)) {
    const std::vector<uint8_t> again = snapshot_to_bytes(s);
    Snapshot s2;
    if (!snapshot_from_bytes(again.data(), again.size(), &s2) || snapshot_to_bytes(s2) != again)
      __builtin_trap();
  }
  return 0;
}
