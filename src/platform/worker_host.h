// The Web Worker host: in the single-thread page the run moves into a dedicated worker
// (web/aelab-worker.js running src/platform/run_worker.cpp) when training is first asked for.
// Commands go there as bytes and snapshots come back as bytes (lab/wire.h); the worker fetches
// its own data, so a set_dataset becomes a request to load that split there.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>

#include "lab/run_host.h"

namespace aelab {

std::unique_ptr<RunHost> make_worker_host();
// A snapshot from the worker (snapshot_to_bytes's bytes) for `host` (a worker host); false if
// they are malformed or the host is not a worker host.
bool worker_host_receive(RunHost* host, const uint8_t* bytes, size_t size);
// Asks the page to have the worker load a split (train: the training set) for command `seq`.
void worker_load(bool train, uint64_t seq);

} // namespace aelab
