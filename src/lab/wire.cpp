#include "lab/wire.h"

#include <cstring>
#include <string>
#include <type_traits>

namespace aelab {
namespace {

// The fields of each message, in order, once for both directions: f is a Writer (appends each
// field's bytes) or a Reader (fills each field from them).
template <class C, class F> void visit_config(C& c, F& f) {
  f(c.batch_size), f(c.epochs), f(c.loss), f(c.seed);
  f(c.optimizer.kind), f(c.optimizer.learning_rate), f(c.optimizer.beta1);
  f(c.optimizer.beta2), f(c.optimizer.epsilon), f(c.optimizer.momentum);
  f(c.noise.kind), f(c.noise.amount), f(c.excluded_classes), f(c.precision), f(c.beta), f(c.sparsity);
}

template <class S, class F> void visit_shape(S& s, F& f) {
  f(s.input_dim), f(s.hidden_dim), f(s.latent_dim), f(s.kind), f(s.filters[0]), f(s.filters[1]),
      f(s.filters[2]);
}

template <class C, class F> void visit_command(C& c, F& f) {
  f(c.kind), f(c.seq), f(c.steps);
  visit_shape(c.shape, f), f(c.seed);
  f(c.config), f(c.train_split), f(c.bytes), f(c.timeline_id);
}

// What the run reports (RunReport, every field), then what its snapshot worked out.
template <class R, class F> void visit_report(R& r, F& f) {
  f(r.seq), f(r.weights_version), f(r.lineage), f(r.epochs_before), f(r.config);
  f(r.steps), f(r.steps_wanted), f(r.step_seq), f(r.step_base), f(r.epochs_done), f(r.smoothed_loss);
  f(r.curves.train), f(r.curves.val), f(r.curves.epoch_train), f(r.curves.val_recon), f(r.curves.val_kl);
  f(r.val.loss), f(r.val.recon), f(r.val.kl), f(r.val.epoch), f(r.val.step);
  f(r.speed.samples_per_s), f(r.speed.compute_samples_per_s), f(r.speed.batch_ms), f(r.speed.slice_ms);
  f(r.divergence), f(r.message), f(r.saved_seq), f(r.saved), f(r.timeline);
}
template <class S, class F> void visit_snapshot(S& s, F& f) {
  visit_report(s, f);
  f(s.model), f(s.model_version), f(s.model_lineage), f(s.status);
  f(s.epoch_fraction), f(s.validation_progress), f(s.train_count), f(s.test_count);
}

template <class T> constexpr bool kPlain = std::is_arithmetic_v<T> || std::is_enum_v<T>;

struct Writer {
  std::vector<uint8_t> out;
  template <class T> void operator()(const T& v) { // numbers and enums, as their bytes (little-endian hosts)
    static_assert(kPlain<T>, "a field of a plain type");
    const auto* p = reinterpret_cast<const uint8_t*>(&v);
    out.insert(out.end(), p, p + sizeof(T));
  }
  template <class T> void operator()(const std::vector<T>& v) {
    static_assert(std::is_trivially_copyable_v<T>, "a vector of plain values");
    (*this)(uint64_t(v.size()));
    const auto* p = reinterpret_cast<const uint8_t*>(v.data());
    out.insert(out.end(), p, p + v.size() * sizeof(T));
  }
  void operator()(const std::string& s) { (*this)(std::vector<char>(s.begin(), s.end())); }
  void operator()(const TrainConfig& c) { visit_config(c, *this); }
  void operator()(const std::shared_ptr<const std::vector<uint8_t>>& bytes) {
    (*this)(uint8_t(bytes != nullptr));
    if (bytes) (*this)(*bytes);
  }
  void operator()(const std::shared_ptr<const Autoencoder>& m) {
    (*this)(uint8_t(m != nullptr));
    if (!m) return;
    visit_shape(m->shape, *this);
    (*this)(std::vector<float>(m->params.begin(), m->params.end()));
  }
  void operator()(const std::vector<TimelinePoint>& timeline) {
    (*this)(uint64_t(timeline.size()));
    for (const TimelinePoint& p : timeline)
      (*this)(p.id), (*this)(p.step), (*this)(p.epoch), (*this)(p.val_loss), (*this)(p.model);
  }
};

struct Reader {
  const uint8_t* p;
  size_t left;
  bool ok = true;
  template <class T> void operator()(T& v) {
    static_assert(kPlain<T>, "a field of a plain type");
    if (left < sizeof(T)) {
      ok = false;
      return;
    }
    std::memcpy(&v, p, sizeof(T));
    p += sizeof(T), left -= sizeof(T);
  }
  void operator()(bool& v) { // any byte, never an invalid bool
    uint8_t b = 0;
    (*this)(b);
    v = b != 0;
  }
  template <class T> void operator()(std::vector<T>& v) {
    uint64_t n = 0;
    (*this)(n);
    if (!ok || n > left / sizeof(T)) {
      ok = false;
      return;
    }
    v.resize(size_t(n));
    if (n) std::memcpy(v.data(), p, size_t(n) * sizeof(T)); // an empty vector's data() may be null
    p += n * sizeof(T), left -= size_t(n) * sizeof(T);
  }
  void operator()(std::string& s) {
    std::vector<char> v;
    (*this)(v);
    s.assign(v.begin(), v.end());
  }
  void operator()(TrainConfig& c) { visit_config(c, *this); }
  void operator()(std::shared_ptr<const std::vector<uint8_t>>& bytes) {
    bool present = false;
    (*this)(present);
    if (!present || !ok) return;
    std::vector<uint8_t> v;
    (*this)(v);
    bytes = std::make_shared<const std::vector<uint8_t>>(std::move(v));
  }
  void operator()(std::shared_ptr<const Autoencoder>& m) {
    bool present = false;
    (*this)(present);
    if (!present || !ok) return;
    ModelShape shape;
    visit_shape(shape, *this);
    std::vector<float> params;
    (*this)(params);
    // only 28x28-digit models reach a run (lab_load_model_bytes): anything else is malformed
    if (!ok || !check_model_shape(shape).empty() || shape.input_dim != 784 ||
        params.size() != parameter_count(shape)) {
      ok = false;
      return;
    }
    Autoencoder model = make_autoencoder(shape);
    std::copy(params.begin(), params.end(), model.params.begin());
    m = std::make_shared<const Autoencoder>(std::move(model));
  }
  void operator()(std::vector<TimelinePoint>& timeline) {
    uint64_t points = 0;
    (*this)(points);
    if (!ok || points > left / 25) { // each point takes at least 25 bytes
      ok = false;
      return;
    }
    timeline.resize(size_t(points));
    for (TimelinePoint& t : timeline)
      (*this)(t.id), (*this)(t.step), (*this)(t.epoch), (*this)(t.val_loss), (*this)(t.model);
  }
};

bool known_kinds(const TrainConfig& c) {
  return uint8_t(c.loss) <= uint8_t(LossKind::mse) &&
         uint8_t(c.optimizer.kind) <= uint8_t(OptimizerKind::sgd);
}

} // namespace

std::vector<uint8_t> command_to_bytes(const Command& c) {
  Writer w;
  visit_command(c, w);
  return std::move(w.out);
}

bool command_from_bytes(const uint8_t* bytes, size_t size, Command* c) {
  Reader r{bytes, size};
  visit_command(*c, r);
  // a set_dataset from the wire carries no data: it makes the run forget that split (a new
  // data set was chosen); the worker gets the data itself
  if (!r.ok || r.left != 0 || uint8_t(c->kind) > uint8_t(Command::Kind::rewind)) return false;
  // what the sender checked is checked again: a run must never see a config or shape it refuses
  if (!known_kinds(c->config)) return false;
  if (c->kind == Command::Kind::set_config && !check_train_config(c->config).empty()) return false;
  if (c->kind == Command::Kind::reset && !check_model_shape(c->shape).empty()) return false;
  return true;
}

std::vector<uint8_t> snapshot_to_bytes(const Snapshot& s) {
  Writer w;
  visit_snapshot(s, w);
  return std::move(w.out);
}

bool snapshot_from_bytes(const uint8_t* bytes, size_t size, Snapshot* s) {
  Reader r{bytes, size};
  visit_snapshot(*s, r);
  return r.ok && r.left == 0 && uint8_t(s->status) <= uint8_t(RunStatus::finished) && known_kinds(s->config);
}

} // namespace aelab
