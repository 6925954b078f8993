// The autoencoder: 784 -> Dense(hidden, ReLU) -> Dense(latent, ReLU) = the code ->
// Dense(hidden, ReLU) -> Dense(784, sigmoid). The encoder is layers 0-1, the decoder layers 2-3;
// each can be run on its own. All weights and biases live in one flat buffer, so the optimizer
// updates the whole model with one expression and the model file is a single array.
//
// The variational autoencoder (kind vae) has the same four layers, except that layer 1 is one
// linear Dense(2 * latent) whose first `latent` outputs are mu and the last `latent` are
// log sigma^2 (the Keras example's z_mean and z_log_var layers side by side: one product for
// both). Its code is z = mu + sigma * eps with eps ~ N(0, I) while training (train.cpp), and mu
// when a picture is encoded here; the decoder is the plain one's.
#pragma once
#include <cstdint>
#include <string>

#include "core/tensor.h"

namespace aelab {

enum class Activation : uint8_t { relu = 0, sigmoid = 1, linear = 2 };

// ae: the plain autoencoder (the seed's model); vae: the variational one.
enum class ModelKind : uint8_t { ae = 0, vae = 1 };
constexpr int kModelKinds = 2;
const char* model_kind_name(ModelKind kind); // "ae", "vae"

struct ModelShape {
  int input_dim = 784;
  int hidden_dim = 128;
  int latent_dim = 32;
  ModelKind kind = ModelKind::ae;
};
bool operator==(const ModelShape& a, const ModelShape& b);

// A dense layer y = act(x W + b) with x (B, in), W (in, out) (Keras kernel layout), b (out).
// W and b are views into Autoencoder::params at these offsets.
struct DenseLayer {
  int in = 0, out = 0;
  Activation activation = Activation::relu;
  size_t weight_offset = 0, bias_offset = 0;
};

constexpr int kNumLayers = 4;
constexpr int kNumEncoderLayers = 2; // layers [0, 2) encode, [2, 4) decode

struct Autoencoder {
  ModelShape shape;
  DenseLayer layers[kNumLayers];
  Vector params; // W1, b1, W2, b2, W3, b3, W4, b4, in that order

  float* weight(int l) { return params.data() + layers[l].weight_offset; }
  const float* weight(int l) const { return params.data() + layers[l].weight_offset; }
  float* bias(int l) { return params.data() + layers[l].bias_offset; }
  const float* bias(int l) const { return params.data() + layers[l].bias_offset; }
};

// "" if the shape is one we can build, else a message naming the bad value.
std::string check_model_shape(const ModelShape& shape);

// Lays out the layers for `shape` with all parameters zero.
Autoencoder make_autoencoder(const ModelShape& shape);

// Glorot-uniform weights (limit sqrt(6 / (in + out))), zero biases; deterministic for a seed.
void init_glorot_uniform(Autoencoder& model, uint64_t seed);

size_t parameter_count(const ModelShape& shape);

// The outputs of layer 1: the code (latent), or a VAE's mu and log sigma^2 (2 * latent).
inline int encoder_outputs(const ModelShape& s) {
  return s.kind == ModelKind::vae ? 2 * s.latent_dim : s.latent_dim;
}

// Inference, for tools and the app (allocates its outputs; training uses train.h instead).
// A VAE's code is its mu.
Matrix encode(const Autoencoder& model, const Matrix& images); // (n, 784) -> codes (n, latent)
// A VAE's mu and log sigma^2, both (n, latent). For the plain autoencoder mu is the code and
// log sigma^2 is -inf: no spread.
void encode_gaussian(const Autoencoder& model, const Matrix& images, Matrix* mu, Matrix* log_var);
Matrix decode(const Autoencoder& model, const Matrix& codes); // (n, latent) -> pixels (n, 784) in [0, 1]
Matrix reconstruct(const Autoencoder& model, const Matrix& images); // decode(encode(x))

} // namespace aelab
