// Commands and snapshots as bytes, for a host in another WebAssembly instance (the page's Web
// Worker): they travel by postMessage as transferable ArrayBuffers. Little-endian, in field
// order, with no versioning: both ends are built from the same source. A set_dataset command has
// no wire form (the worker fetches its data itself).
#pragma once
#include <cstdint>
#include <vector>

#include "lab/run.h"

namespace aelab {

std::vector<uint8_t> command_to_bytes(const Command& command);
bool command_from_bytes(const uint8_t* bytes, size_t size, Command* out); // false if malformed

// The weights and the saved file are included only where the snapshot carries them.
std::vector<uint8_t> snapshot_to_bytes(const Snapshot& snapshot);
bool snapshot_from_bytes(const uint8_t* bytes, size_t size, Snapshot* out); // false if malformed

} // namespace aelab
