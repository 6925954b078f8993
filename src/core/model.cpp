// Building, initialising and running the autoencoder (inference; training is in train.cpp).
#include "core/model.h"

#include <utility>

#include "core/limits.h"

#include <cmath>
#include <xtensor/xview.hpp>

#include "core/layers.h"
#include "core/rng.h"

namespace aelab {

bool operator==(const ModelShape& a, const ModelShape& b) {
  return a.input_dim == b.input_dim && a.hidden_dim == b.hidden_dim && a.latent_dim == b.latent_dim &&
         a.kind == b.kind;
}

const char* model_kind_name(ModelKind kind) { return kind == ModelKind::vae ? "vae" : "ae"; }

std::string check_model_shape(const ModelShape& s) {
  for (auto [limit, value] :
       {std::pair{kInputLimit, s.input_dim}, {kHiddenLimit, s.hidden_dim}, {kLatentLimit, s.latent_dim}})
    if (std::string error = check_limit(limit, value); !error.empty()) return error;
  if (int(s.kind) >= kModelKinds) return "kind " + std::to_string(int(s.kind)) + ": expected ae or vae";
  return "";
}

size_t parameter_count(const ModelShape& s) {
  size_t i = size_t(s.input_dim), h = size_t(s.hidden_dim), l = size_t(s.latent_dim),
         e = size_t(encoder_outputs(s));
  return (i * h + h) + (h * e + e) + (l * h + h) + (h * i + i);
}

Autoencoder make_autoencoder(const ModelShape& shape) {
  Autoencoder m;
  m.shape = shape;
  const int ins[kNumLayers] = {shape.input_dim, shape.hidden_dim, shape.latent_dim, shape.hidden_dim};
  const int outs[kNumLayers] = {shape.hidden_dim, encoder_outputs(shape), shape.hidden_dim, shape.input_dim};
  const bool vae = shape.kind == ModelKind::vae;
  size_t offset = 0;
  for (int l = 0; l < kNumLayers; l++) {
    DenseLayer& L = m.layers[l];
    L.in = ins[l];
    L.out = outs[l];
    L.activation = l == kNumLayers - 1 ? Activation::sigmoid
                   : l == 1 && vae     ? Activation::linear
                                       : Activation::relu;
    L.weight_offset = offset;
    offset += size_t(L.in) * size_t(L.out);
    L.bias_offset = offset;
    offset += size_t(L.out);
  }
  m.params = xt::zeros<float>({offset});
  return m;
}

void init_glorot_uniform(Autoencoder& m, uint64_t seed) {
  Rng rng(seed);
  m.params.fill(0.0f);
  for (int l = 0; l < kNumLayers; l++) {
    const DenseLayer& L = m.layers[l];
    const float limit = std::sqrt(6.0f / float(L.in + L.out));
    float* W = m.weight(l);
    for (size_t i = 0, n = size_t(L.in) * size_t(L.out); i < n; i++)
      W[i] = (2.0f * rng.uniform() - 1.0f) * limit;
  }
}

namespace {
// Runs layers [first, last) on x (n, layers[first].in); returns (n, layers[last - 1].out).
Matrix run_layers(const Autoencoder& m, const Matrix& x, int first, int last) {
  const int n = int(x.shape(0));
  Matrix in = x;
  for (int l = first; l < last; l++) {
    Matrix out({size_t(n), size_t(m.layers[l].out)});
    dense_forward(m.layers[l], m.weight(l), m.bias(l), LayerInput{in.data()}, n, out.data());
    in = std::move(out);
  }
  if (last == kNumLayers) sigmoid_inplace(in.data(), in.size());
  return in;
}
} // namespace

Matrix encode(const Autoencoder& m, const Matrix& images) {
  Matrix mu;
  encode_gaussian(m, images, &mu, nullptr);
  return mu;
}

void encode_gaussian(const Autoencoder& m, const Matrix& images, Matrix* mu, Matrix* log_var) {
  const Matrix out = run_layers(m, images, 0, kNumEncoderLayers); // (n, latent) or (n, 2 latent)
  const size_t n = out.shape(0), latent = size_t(m.shape.latent_dim);
  const bool vae = m.shape.kind == ModelKind::vae;
  if (mu) *mu = vae ? Matrix(xt::view(out, xt::all(), xt::range(0, latent))) : out;
  if (log_var && vae) *log_var = xt::view(out, xt::all(), xt::range(latent, 2 * latent));
  if (log_var && !vae) {
    *log_var = Matrix({n, latent});
    log_var->fill(-INFINITY);
  }
}
Matrix decode(const Autoencoder& m, const Matrix& codes) {
  return run_layers(m, codes, kNumEncoderLayers, kNumLayers);
}
Matrix reconstruct(const Autoencoder& m, const Matrix& images) {
  return run_layers(m, images, 0, kNumLayers);
}

} // namespace aelab
