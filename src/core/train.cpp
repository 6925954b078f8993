// One training step (forward, fused sigmoid + loss, backward, optimizer update) and the epoch
// loop around it, on buffers allocated once by trainer_init.
#include "core/train.h"

#include "core/limits.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/layers.h"
#include "core/pixels.h"
#include "core/rng.h"
#include "core/threads.h"
#include "core/vae.h"

namespace aelab {

std::string check_train_config(const TrainConfig& c) {
  if (std::string e = check_limit(kBatchLimit, c.batch_size); !e.empty()) return e;
  if (std::string e = check_limit(kEpochsLimit, c.epochs); !e.empty()) return e;
  if (std::string e = check_limit(kSeedLimit, double(c.seed)); !e.empty()) return e;
  if (std::string e = check_noise(c.noise); !e.empty()) return e;
  if (std::string e = check_limit(kBetaLimit, c.beta); !e.empty()) return e;
  if (std::string e = check_limit(kSparsityLimit, c.sparsity); !e.empty()) return e;
  if (std::string e = precision_problem(c.precision); !e.empty()) return e;
  return check_optimizer_config(c.optimizer);
}

void trainer_init(Trainer& t, const Autoencoder& model, const TrainConfig& config) {
  t.config = config;
  reset_optimizer(t.optimizer, config.optimizer, model.params.size());
  t.grads = xt::zeros<float>({model.params.size()});
  const size_t B = size_t(config.batch_size);
  t.input = xt::zeros<float>({B, size_t(model.shape.input_dim)});
  t.conv = ConvPass{};
  if (is_conv(model.shape)) { // sized now: a step allocates nothing
    Matrix x = xt::zeros<float>({B, size_t(model.shape.input_dim)});
    conv_forward(model, x.data(), int(B), 0, kConvStages, t.conv);
    conv_backward(model, x.data(), int(B), t.conv, t.grads.data());
    t.grads.fill(0.0f);
  }
  for (int l = 0; l < kNumLayers; l++) {
    t.act[l] = xt::zeros<float>({B, size_t(model.layers[l].out)});
    t.dact[l] = xt::zeros<float>({B, size_t(model.layers[l].out)});
  }
  const size_t L = size_t(model.shape.latent_dim);
  const bool vae = model.shape.kind == ModelKind::vae;
  t.z = xt::zeros<float>({vae ? B : 0, L});
  t.eps = xt::zeros<float>({vae ? B : 0, L});
  t.dz = xt::zeros<float>({vae ? B : 0, L});
  t.eps_state = config.seed ^ 0x455053494C4F4Eull; // eps independent of the init, order and noise
  t.batch_terms = {};
  t.epoch_terms = {};
  t.input_rows.resize(B);
  // the noise buffers even without noise: the app may switch it on between two batches
  t.noisy.assign(B * size_t(model.shape.input_dim), 0);
  t.noisy_rows.resize(B);
  for (size_t i = 0; i < t.noisy_rows.size(); i++)
    t.noisy_rows[i] = t.noisy.data() + i * size_t(model.shape.input_dim);
  t.noise_state = config.seed ^ 0x4E4F495345ull; // noise independent of the init and the order
  sparse_rows_reserve(&t.input_sparse, config.batch_size, model.shape.input_dim); // no allocation in a step
  t.shuffle_state = config.seed ^ 0x53485546464C45ull; // batch order independent of the init
  t.order.clear();
  t.epoch = 0;
  t.cursor = 0;
  t.epoch_loss_sum = 0;
  t.epoch_samples = 0;
  t.steps = 0;
  t.good_step = -1;
  t.first_loss = -1;
  t.divergence.clear();
}

namespace {
// Below this fraction of nonzero pixels the first layer uses the sparse products (MNIST: 0.19;
// they win up to ~0.4 and lose nothing in accuracy: the sums are the same).
constexpr double kSparseInputDensity = 0.35;

// A conv model's forward, loss and backward on t.input's first n pictures.
float conv_gradients(Trainer& t, const Autoencoder& m, int n) {
  conv_forward(m, t.input.data(), n, 0, kConvStages, t.conv);
  const int last = kConvStages - 1, pixels = m.shape.input_dim;
  double loss = loss_and_grad_bytes(t.config.loss, t.conv.act[last].data(), t.input_rows.data(), n, pixels,
                                    t.conv.dact[last].data());
  LossTerms terms;
  terms.recon = loss;
  if (t.config.sparsity > 0) { // the code is a ReLU's max: its L1 norm is its sum
    const float* code = t.conv.act[kConvEncoderStages - 1].data();
    double l1 = 0;
    for (size_t i = 0, size = size_t(n) * size_t(m.shape.latent_dim); i < size; i++) l1 += double(code[i]);
    terms.code_l1 = l1 / n;
    loss += double(t.config.sparsity) * terms.code_l1;
  }
  t.batch_terms = terms;
  conv_backward(m, t.input.data(), n, t.conv, t.grads.data(), t.config.sparsity);
  return float(loss);
}

} // namespace

float compute_gradients(Trainer& t, const Autoencoder& m, const Dataset& data, const int* indices, int n) {
  // The batch's pixels as sparse rows; the dense float copy only where the first layer needs it.
  // The loss reads its targets straight from the bytes.
  const int pixels = data.pixels();
  for (int i = 0; i < n; i++) t.input_rows[size_t(i)] = data.image(indices[i]);
  const bool noisy = t.config.noise.kind != NoiseKind::none;
  if (noisy) { // a fresh corruption for every batch, from the run's seed
    Rng rng(t.noise_state);
    corrupt_images(t.config.noise, t.input_rows.data(), n, pixels, rng.next_u64(), t.noisy.data());
    t.noise_state = rng.state;
  }
  const uint8_t* const* in_rows = noisy ? t.noisy_rows.data() : t.input_rows.data();
  // fp32: the pixels as sparse rows when sparse enough. bf16: always the dense float copy, for
  // the bf16 GEMM, which beats the sparse fp32 products there (an MNIST epoch at 1 thread: 0.30
  // against 0.37 s with the sparse rows; issue 13's note).
  LayerInput input{t.input.data()};
  const bool conv = is_conv(m.shape); // its first layer reads the dense pixels
  if (t.config.precision == Precision::fp32 && !conv) {
    sparse_rows_from_pixels(in_rows, n, pixels, &t.input_sparse);
    if (double(t.input_sparse.nonzeros()) < kSparseInputDensity * n * pixels) input.sparse = &t.input_sparse;
  }
  if (!input.sparse && noisy) {
    parallel_chunks(size_t(n), 32, [&](size_t r0, size_t r1) {
      for (size_t i = r0; i < r1; i++)
        pixels_to_unit(in_rows[i], size_t(pixels), t.input.data() + i * size_t(pixels));
    });
  } else if (!input.sparse) {
    parallel_chunks(size_t(n), 32, [&](size_t r0, size_t r1) {
      images_to_float(data, indices + r0, int(r1 - r0), t.input.data() + r0 * size_t(pixels));
    });
  }

  if (conv) return conv_gradients(t, m, n);

  // forward: act[l] = relu(act[l-1] W + b); act[3] holds the output logits. A VAE's act[1] is
  // [mu | log sigma^2] and the decoder reads z = mu + sigma * eps instead.
  const bool vae = m.shape.kind == ModelKind::vae;
  const int L = m.shape.latent_dim;
  for (int l = 0; l < kNumLayers; l++) {
    LayerInput in = l == 0 ? input : LayerInput{t.act[l - 1].data()};
    if (l == 2 && vae) {
      Rng rng(t.eps_state); // one stream, drawn in order: the same eps for any thread count
      normals(rng, t.eps.data(), size_t(n) * size_t(L));
      t.eps_state = rng.state;
      reparameterize_forward(t.act[1].data(), t.eps.data(), n, L, t.z.data());
      in = LayerInput{t.z.data()};
    }
    dense_forward(m.layers[l], m.weight(l), m.bias(l), in, n, t.act[l].data(), t.config.precision);
  }
  double loss =
      loss_and_grad_bytes(t.config.loss, t.act[3].data(), t.input_rows.data(), n, pixels, t.dact[3].data());
  LossTerms terms;
  if (vae) { // per picture: the pixels' sum, not their mean, and its gradient
    terms.recon = loss * pixels;
    float* dlogits = t.dact[3].data();
    for (size_t i = 0, size = size_t(n) * size_t(pixels); i < size; i++) dlogits[i] *= float(pixels);
    terms.kl = kl_divergence(t.act[1].data(), n, L) / n;
    loss = terms.recon + double(t.config.beta) * terms.kl;
  } else {
    terms.recon = loss;
    if (t.config.sparsity > 0) { // the code is a ReLU's: its L1 norm is its sum
      double l1 = 0;
      for (size_t i = 0, size = size_t(n) * size_t(L); i < size; i++) l1 += double(t.act[1].data()[i]);
      terms.code_l1 = l1 / n;
      loss += double(t.config.sparsity) * terms.code_l1;
    }
  }
  t.batch_terms = terms;

  // backward, last layer first; the first layer needs no input gradient
  for (int l = kNumLayers - 1; l >= 0; l--) {
    LayerInput in = l == 0 ? input : LayerInput{t.act[l - 1].data()};
    if (l == 2 && vae) in = LayerInput{t.z.data()};
    float* dx = l == 0 ? nullptr : l == 2 && vae ? t.dz.data() : t.dact[l - 1].data();
    if (l == 1 && vae) // dz -> d[mu | log sigma^2], with the KL term's own gradient
      reparameterize_backward(t.act[1].data(), t.eps.data(), t.dz.data(), n, L, t.config.beta / float(n),
                              t.dact[1].data());
    if (l == 1 && !vae && t.config.sparsity > 0) { // forward added sparsity * sum(code) / n
      float* dcode = t.dact[1].data();
      for (size_t i = 0, size = size_t(n) * size_t(L); i < size; i++)
        dcode[i] += t.config.sparsity / float(n);
    }
    dense_backward(m.layers[l], m.weight(l), in, t.act[l].data(), t.dact[l].data(), n,
                   t.grads.data() + m.layers[l].weight_offset, t.grads.data() + m.layers[l].bias_offset, dx,
                   t.config.precision);
  }
  return float(loss);
}

float train_one_batch(Trainer& t, Autoencoder& m, const Dataset& data, const int* indices, int n) {
  const float loss = compute_gradients(t, m, data, indices, n);
  optimizer_step(t.config.optimizer, t.optimizer, m.params, t.grads);
  return loss;
}

void begin_epoch(Trainer& t, int count) {
  t.order.resize(size_t(count));
  for (int i = 0; i < count; i++) t.order[size_t(i)] = i;
  Rng rng(t.shuffle_state);
  for (int i = count - 1; i > 0; i--) std::swap(t.order[size_t(i)], t.order[rng.below(uint32_t(i + 1))]);
  t.shuffle_state = rng.state;
  t.cursor = 0;
  t.epoch_loss_sum = 0;
  t.epoch_samples = 0;
  t.epoch_terms = {};
}

void skip_epochs(Trainer& t, int count, uint64_t epochs) {
  Rng rng(t.shuffle_state);
  rng.skip(epochs * uint64_t(count > 1 ? count - 1 : 0));
  t.shuffle_state = rng.state;
}

int begin_batch(Trainer& t, const Dataset& data) {
  const int count = int(t.order.size());
  if (t.cursor >= count) return 0;
  const int n = std::min(t.config.batch_size, count - t.cursor);
  // The next batch's images are random rows of a large array: ask for them now, so they arrive
  // (in the last-level cache) while this batch computes instead of stalling the next one.
  const int next_end = std::min(count, t.cursor + 2 * n);
  const size_t pixels = size_t(data.pixels());
  for (int i = t.cursor + n; i < next_end; i++) {
    const uint8_t* image = data.image(t.order[size_t(i)]);
    for (size_t b = 0; b < pixels; b += 64) __builtin_prefetch(image + b, 0, 1);
  }
  return n;
}

const int* batch_indices(const Trainer& t) { return t.order.data() + t.cursor; }

std::string loss_problem(float loss, float first_loss) {
  if (std::isnan(loss)) return "the loss is NaN";
  if (std::isinf(loss)) return "the loss is infinite";
  if (first_loss >= 0 && loss > kDivergedLoss && loss > 2 * first_loss) {
    char text[96];
    std::snprintf(text, sizeof text, "the loss is %.3g, over twice the %.3g it started at", double(loss),
                  double(first_loss));
    return text;
  }
  return "";
}

void clear_divergence(Trainer& t) {
  t.divergence.clear();
  t.first_loss = -1;
}

void finish_batch(Trainer& t, Autoencoder& m, int n, float loss) {
  const std::string problem = loss_problem(loss, t.first_loss);
  if (!problem.empty()) {
    std::string restored = "the model is as it was before this step";
    if (t.good_step >= 0) {
      std::copy(t.good_params.begin(), t.good_params.end(), m.params.begin());
      t.optimizer = t.good_optimizer;
      restored = "the weights of step " + std::to_string(t.good_step) + ", the last good ones, are back";
    }
    t.divergence =
        "training diverged at step " + std::to_string(t.steps + 1) + " (" + problem + "): " + restored;
    return;
  }
  if (t.first_loss < 0) t.first_loss = loss;
  if (t.steps % kKeepEvery == 0) { // these weights just gave a sane loss: keep them
    t.good_params = m.params;
    t.good_optimizer = t.optimizer;
    t.good_step = t.steps;
  }
  t.steps++;
  optimizer_step(t.config.optimizer, t.optimizer, m.params, t.grads);
  t.cursor += n;
  t.epoch_loss_sum += double(loss) * n;
  t.epoch_samples += n;
  t.epoch_terms.recon += t.batch_terms.recon * n;
  t.epoch_terms.kl += t.batch_terms.kl * n;
  t.epoch_terms.code_l1 += t.batch_terms.code_l1 * n;
}

bool train_next_batch(Trainer& t, Autoencoder& m, const Dataset& data, float* batch_loss) {
  const int n = begin_batch(t, data);
  if (n == 0) return false;
  const float loss = compute_gradients(t, m, data, batch_indices(t), n);
  finish_batch(t, m, n, loss);
  if (batch_loss) *batch_loss = loss;
  return true;
}

int batches_per_epoch(const Trainer& t) {
  return (int(t.order.size()) + t.config.batch_size - 1) / t.config.batch_size;
}
int batches_done(const Trainer& t) { return (t.cursor + t.config.batch_size - 1) / t.config.batch_size; }
double epoch_train_loss(const Trainer& t) {
  return t.epoch_samples ? t.epoch_loss_sum / t.epoch_samples : 0.0;
}
LossTerms epoch_train_terms(const Trainer& t) {
  LossTerms m;
  if (t.epoch_samples == 0) return m;
  m.recon = t.epoch_terms.recon / t.epoch_samples;
  m.kl = t.epoch_terms.kl / t.epoch_samples;
  m.code_l1 = t.epoch_terms.code_l1 / t.epoch_samples;
  return m;
}
void end_epoch(Trainer& t) { t.epoch++; }

void sample_losses(const Autoencoder& m, const Dataset& data, int first, int n, LossKind loss, float* out,
                   const Dataset* targets, float* recon, float* kl) {
  constexpr int kChunk = 256;
  const int d = m.shape.input_dim, L = m.shape.latent_dim;
  const bool vae = m.shape.kind == ModelKind::vae;
  Matrix x({size_t(kChunk), size_t(d)});
  Matrix y({targets ? size_t(kChunk) : 1, size_t(d)});
  Matrix act[kNumLayers];
  for (int l = 0; l < kNumLayers; l++) act[l] = Matrix({size_t(kChunk), size_t(m.layers[l].out)});
  Matrix mu({vae ? size_t(kChunk) : 0, size_t(L)});
  std::vector<float> kls(size_t(kChunk), 0.0f);
  const bool conv = is_conv(m.shape);
  ConvPass pass;
  for (int start = 0; start < n; start += kChunk) {
    const int b = std::min(kChunk, n - start);
    images_to_float(data, first + start, b, x.data());
    if (targets) images_to_float(*targets, first + start, b, y.data());
    const float* target = targets ? y.data() : x.data();
    if (conv) conv_forward(m, x.data(), b, 0, kConvStages, pass);
    const float* logits = conv ? pass.act[kConvStages - 1].data() : act[3].data();
    for (int l = 0; l < kNumLayers && !conv; l++) {
      LayerInput in{l == 0 ? x.data() : act[l - 1].data()};
      if (l == 2 && vae) { // decode mu: the first L of each row of [mu | log sigma^2]
        for (int i = 0; i < b; i++)
          std::copy_n(act[1].data() + size_t(i) * 2 * L, L, mu.data() + size_t(i) * L);
        kl_divergence(act[1].data(), b, L, kls.data());
        in = LayerInput{mu.data()};
      }
      dense_forward(m.layers[l], m.weight(l), m.bias(l), in, b, act[l].data());
    }
    for (int i = 0; i < b; i++) {
      const size_t off = size_t(i) * size_t(d);
      const double sum = loss_sum(loss, logits + off, target + off, size_t(d));
      const float r = float(vae ? sum : sum / d), k = vae ? kls[size_t(i)] : 0.0f;
      out[start + i] = r + k;
      if (recon) recon[start + i] = r;
      if (kl) kl[start + i] = k;
    }
  }
}

Evaluation evaluate(const Autoencoder& m, const Dataset& data, LossKind loss) {
  return evaluate_noisy(m, data, loss, Noise{}, 0);
}

Evaluation evaluate_noisy(const Autoencoder& m, const Dataset& data, LossKind loss, const Noise& noise,
                          uint64_t seed) {
  const size_t count = size_t(data.count);
  std::vector<float> per_sample(count), recon(count), kl(count);
  if (noise.kind == NoiseKind::none) {
    sample_losses(m, data, 0, data.count, loss, per_sample.data(), nullptr, recon.data(), kl.data());
  } else {
    const Dataset corrupted = corrupt_dataset(data, noise, seed);
    sample_losses(m, corrupted, 0, data.count, loss, per_sample.data(), &data, recon.data(), kl.data());
  }
  Evaluation e;
  double total = 0;
  for (int i = 0; i < data.count; i++) {
    e.recon += recon[size_t(i)];
    e.kl += kl[size_t(i)];
    total += per_sample[size_t(i)];
    const int label = i < int(data.labels.size()) ? data.labels[size_t(i)] : -1;
    if (label >= 0 && label < 10) {
      e.class_loss[label] += per_sample[size_t(i)];
      e.class_count[label]++;
    }
  }
  e.mean_loss = data.count ? total / data.count : 0.0;
  e.recon = data.count ? e.recon / data.count : 0.0;
  e.kl = data.count ? e.kl / data.count : 0.0;
  for (int c = 0; c < 10; c++)
    if (e.class_count[c]) e.class_loss[c] /= e.class_count[c];
  return e;
}

} // namespace aelab
