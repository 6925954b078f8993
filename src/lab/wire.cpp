#include "lab/wire.h"

#include <cstring>
#include <string>

namespace aelab {
namespace {

struct Writer {
  std::vector<uint8_t> out;
  template <class T> void put(const T& v) { // plain values, as their bytes (little-endian hosts)
    const auto* p = reinterpret_cast<const uint8_t*>(&v);
    out.insert(out.end(), p, p + sizeof(T));
  }
  template <class T> void put_vector(const std::vector<T>& v) {
    put(uint64_t(v.size()));
    const auto* p = reinterpret_cast<const uint8_t*>(v.data());
    out.insert(out.end(), p, p + v.size() * sizeof(T));
  }
  void put_string(const std::string& s) { put_vector(std::vector<char>(s.begin(), s.end())); }
};

struct Reader {
  const uint8_t* p;
  size_t left;
  bool ok = true;
  template <class T> void get(T* v) {
    if (left < sizeof(T)) {
      ok = false;
      return;
    }
    std::memcpy(v, p, sizeof(T));
    p += sizeof(T), left -= sizeof(T);
  }
  template <class T> void get_vector(std::vector<T>* v) {
    uint64_t n = 0;
    get(&n);
    if (!ok || n > left / sizeof(T)) {
      ok = false;
      return;
    }
    v->resize(size_t(n));
    if (n) std::memcpy(v->data(), p, size_t(n) * sizeof(T)); // an empty vector's data() may be null
    p += n * sizeof(T), left -= size_t(n) * sizeof(T);
  }
  void get_string(std::string* s) {
    std::vector<char> v;
    get_vector(&v);
    s->assign(v.begin(), v.end());
  }
};

void put_config(Writer& w, const TrainConfig& c) {
  w.put(c.batch_size), w.put(c.epochs), w.put(c.loss), w.put(c.seed);
  w.put(c.optimizer.kind), w.put(c.optimizer.learning_rate), w.put(c.optimizer.beta1);
  w.put(c.optimizer.beta2), w.put(c.optimizer.epsilon), w.put(c.optimizer.momentum);
  w.put(c.noise.kind), w.put(c.noise.amount), w.put(c.excluded_classes), w.put(c.precision);
}
void get_config(Reader& r, TrainConfig* c) {
  r.get(&c->batch_size), r.get(&c->epochs), r.get(&c->loss), r.get(&c->seed);
  r.get(&c->optimizer.kind), r.get(&c->optimizer.learning_rate), r.get(&c->optimizer.beta1);
  r.get(&c->optimizer.beta2), r.get(&c->optimizer.epsilon), r.get(&c->optimizer.momentum);
  r.get(&c->noise.kind), r.get(&c->noise.amount), r.get(&c->excluded_classes), r.get(&c->precision);
}

void put_model(Writer& w, const Autoencoder& m) {
  w.put(m.shape.input_dim), w.put(m.shape.hidden_dim), w.put(m.shape.latent_dim);
  w.put_vector(std::vector<float>(m.params.begin(), m.params.end()));
}
std::shared_ptr<const Autoencoder> get_model(Reader& r) {
  ModelShape shape;
  r.get(&shape.input_dim), r.get(&shape.hidden_dim), r.get(&shape.latent_dim);
  std::vector<float> params;
  r.get_vector(&params);
  // only 28x28-digit models reach a run (lab_load_model_bytes): anything else is malformed
  if (!r.ok || !check_model_shape(shape).empty() || shape.input_dim != 784 ||
      params.size() != parameter_count(shape)) {
    r.ok = false;
    return nullptr;
  }
  Autoencoder model = make_autoencoder(shape);
  std::copy(params.begin(), params.end(), model.params.begin());
  return std::make_shared<const Autoencoder>(std::move(model));
}

} // namespace

std::vector<uint8_t> command_to_bytes(const Command& c) {
  Writer w;
  w.put(c.kind), w.put(c.seq), w.put(c.steps);
  w.put(c.shape.input_dim), w.put(c.shape.hidden_dim), w.put(c.shape.latent_dim), w.put(c.seed);
  put_config(w, c.config);
  w.put(uint8_t(c.train_split));
  w.put_vector(c.bytes);
  w.put(c.timeline_id);
  return std::move(w.out);
}

bool command_from_bytes(const uint8_t* bytes, size_t size, Command* c) {
  Reader r{bytes, size};
  r.get(&c->kind), r.get(&c->seq), r.get(&c->steps);
  r.get(&c->shape.input_dim), r.get(&c->shape.hidden_dim), r.get(&c->shape.latent_dim), r.get(&c->seed);
  get_config(r, &c->config);
  uint8_t train = 0;
  r.get(&train);
  c->train_split = train != 0;
  r.get_vector(&c->bytes);
  r.get(&c->timeline_id);
  // a set_dataset from the wire carries no data: it makes the run forget that split (a new
  // data set was chosen); the worker gets the data itself
  if (!r.ok || r.left != 0 || uint8_t(c->kind) > uint8_t(Command::Kind::rewind)) return false;
  // what the sender checked is checked again: a run must never see a config or shape it refuses
  if (uint8_t(c->config.loss) > uint8_t(LossKind::mse) ||
      uint8_t(c->config.optimizer.kind) > uint8_t(OptimizerKind::sgd))
    return false;
  if (c->kind == Command::Kind::set_config && !check_train_config(c->config).empty()) return false;
  if (c->kind == Command::Kind::reset && !check_model_shape(c->shape).empty()) return false;
  return true;
}

std::vector<uint8_t> snapshot_to_bytes(const Snapshot& s) {
  Writer w;
  w.put(s.seq), w.put(s.weights_version), w.put(s.lineage);
  w.put(uint8_t(s.model != nullptr));
  if (s.model) {
    w.put(s.model_version), w.put(s.model_lineage);
    put_model(w, *s.model);
  }
  w.put(s.epochs_before);
  put_config(w, s.config);
  w.put(s.status), w.put(s.steps), w.put(s.steps_wanted), w.put(s.step_seq), w.put(s.step_base);
  w.put(s.epochs_done), w.put(s.epoch_fraction), w.put(s.smoothed_loss);
  w.put_vector(s.curves.train), w.put_vector(s.curves.val), w.put_vector(s.curves.epoch_train);
  w.put(s.val.loss), w.put(s.val.epoch), w.put(s.val.step), w.put(s.validation_progress);
  w.put(s.speed.samples_per_s), w.put(s.speed.compute_samples_per_s), w.put(s.speed.batch_ms),
      w.put(s.speed.slice_ms);
  w.put(s.train_count), w.put(s.test_count);
  w.put_string(s.divergence);
  w.put_string(s.message);
  w.put(s.saved_seq);
  w.put(uint8_t(s.saved != nullptr));
  if (s.saved) w.put_vector(*s.saved);
  w.put(uint64_t(s.timeline.size()));
  for (const TimelinePoint& p : s.timeline) {
    w.put(p.id), w.put(p.step), w.put(p.epoch), w.put(p.val_loss);
    w.put(uint8_t(p.model != nullptr));
    if (p.model) put_model(w, *p.model);
  }
  return std::move(w.out);
}

bool snapshot_from_bytes(const uint8_t* bytes, size_t size, Snapshot* s) {
  Reader r{bytes, size};
  r.get(&s->seq), r.get(&s->weights_version), r.get(&s->lineage);
  uint8_t has_model = 0;
  r.get(&has_model);
  if (has_model) {
    r.get(&s->model_version), r.get(&s->model_lineage);
    s->model = get_model(r);
    if (!r.ok) return false;
  }
  r.get(&s->epochs_before);
  get_config(r, &s->config);
  r.get(&s->status), r.get(&s->steps), r.get(&s->steps_wanted), r.get(&s->step_seq), r.get(&s->step_base);
  r.get(&s->epochs_done), r.get(&s->epoch_fraction), r.get(&s->smoothed_loss);
  r.get_vector(&s->curves.train), r.get_vector(&s->curves.val), r.get_vector(&s->curves.epoch_train);
  r.get(&s->val.loss), r.get(&s->val.epoch), r.get(&s->val.step), r.get(&s->validation_progress);
  r.get(&s->speed.samples_per_s), r.get(&s->speed.compute_samples_per_s), r.get(&s->speed.batch_ms);
  r.get(&s->speed.slice_ms);
  r.get(&s->train_count), r.get(&s->test_count);
  r.get_string(&s->divergence);
  r.get_string(&s->message);
  r.get(&s->saved_seq);
  uint8_t has_saved = 0;
  r.get(&has_saved);
  if (has_saved) {
    std::vector<uint8_t> saved;
    r.get_vector(&saved);
    s->saved = std::make_shared<const std::vector<uint8_t>>(std::move(saved));
  }
  uint64_t points = 0;
  r.get(&points);
  if (!r.ok || points > r.left / 25) return false; // each point takes at least 25 bytes
  s->timeline.resize(size_t(points));
  for (TimelinePoint& p : s->timeline) {
    r.get(&p.id), r.get(&p.step), r.get(&p.epoch), r.get(&p.val_loss);
    uint8_t has = 0;
    r.get(&has);
    if (has) p.model = get_model(r);
    if (!r.ok) return false;
  }
  return r.ok && r.left == 0 && uint8_t(s->status) <= uint8_t(RunStatus::finished) &&
         uint8_t(s->config.loss) <= uint8_t(LossKind::mse) &&
         uint8_t(s->config.optimizer.kind) <= uint8_t(OptimizerKind::sgd);
}

} // namespace aelab
