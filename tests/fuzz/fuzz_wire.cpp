// Fuzz target: commands and snapshots as bytes (what the page and its Web Worker send each other).
// Whatever decodes must encode back to bytes that decode to the same thing.
#include <cstdint>
#include <vector>

#include "lab/wire.h"

using namespace aelab;

namespace {

template <class T>
void round_trip(const uint8_t* data, size_t size, bool (*from)(const uint8_t*, size_t, T*),
                std::vector<uint8_t> (*to)(const T&)) {
  T decoded;
  if (!from(data, size, &decoded)) return;
  const std::vector<uint8_t> again = to(decoded);
  T twice;
  if (!from(again.data(), again.size(), &twice) || to(twice) != again) __builtin_trap();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  round_trip<Command>(data, size, command_from_bytes, command_to_bytes);
  round_trip<Snapshot>(data, size, snapshot_from_bytes, snapshot_to_bytes);
  return 0;
}
