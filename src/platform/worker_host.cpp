// The Web Worker host (worker_host.h): the page's side of the run that lives in the worker.
#include "platform/worker_host.h"

#include <emscripten.h>

#include <vector>

#include "lab/wire.h"

EM_JS(void, js_worker_post, (const uint8_t* bytes, int size),
      { Module.aelabWorkerPost(HEAPU8.slice(bytes, bytes + size)); });
EM_JS(void, js_worker_load, (int train, double seq), { Module.aelabWorkerLoad(train, seq); });

namespace aelab {
namespace {

class WorkerHost : public RunHost {
public:
  HostKind kind() const override { return HostKind::worker; }
  void send(Command c) override {
    if (c.kind == Command::Kind::set_dataset && c.data) { // the worker loads its own copy
      worker_load(c.train_split, c.seq);
      return;
    }
    const std::vector<uint8_t> bytes = command_to_bytes(c);
    js_worker_post(bytes.data(), int(bytes.size()));
  }
  bool take(Snapshot* out) override {
    if (!fresh_) return false;
    *out = std::move(latest_);
    fresh_ = false;
    return true;
  }
  bool receive(const uint8_t* bytes, size_t size) {
    Snapshot s;
    if (!snapshot_from_bytes(bytes, size, &s)) return false;
    if (fresh_) merge_unread(s, std::move(latest_));
    latest_ = std::move(s);
    fresh_ = true;
    return true;
  }

private:
  Snapshot latest_;
  bool fresh_ = false;
};

} // namespace

std::unique_ptr<RunHost> make_worker_host() { return std::make_unique<WorkerHost>(); }

bool worker_host_receive(RunHost* host, const uint8_t* bytes, size_t size) {
  return host && host->kind() == HostKind::worker && static_cast<WorkerHost*>(host)->receive(bytes, size);
}

void worker_load(bool train, uint64_t seq) { js_worker_load(train ? 1 : 0, double(seq)); }

} // namespace aelab
