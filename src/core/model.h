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
//
// The convolutional autoencoder (kind conv, the Keras blog's second model) works on 28x28x1
// pictures in stages (conv.h): encoder Conv(f1) Pool Conv(f2) Pool Conv(f3) Pool, the code
// 4x4xf3 (128 numbers with the blog's 16, 8, 8); decoder Conv(f3) Up Conv(f2) Up Conv(f1, 'valid':
// 16 -> 14) Up Conv(1), the last linear (its sigmoid is the loss's, as for the dense models).
// Every Conv is 3x3 with a ReLU and 'same' padding unless said. Its code is the last pool's
// output, NHWC: value (i, j, c) at (i * 4 + j) * f3 + c.
#pragma once
#include <cstdint>
#include <string>

#include "core/conv.h"
#include "core/tensor.h"

namespace aelab {

enum class Activation : uint8_t { relu = 0, sigmoid = 1, linear = 2 };

// ae: the plain autoencoder (the seed's model); vae: the variational one; conv: the
// convolutional one.
enum class ModelKind : uint8_t { ae = 0, vae = 1, conv = 2 };
constexpr int kModelKinds = 3;
const char* model_kind_name(ModelKind kind); // "ae", "vae", "conv"

constexpr int kConvSide = 28; // a conv model's pictures: 28x28x1 (input_dim 784)
constexpr int kConvCodeSide = 4;

struct ModelShape {
  int input_dim = 784;
  int hidden_dim = 128; // the dense models' (a conv model keeps it, unused)
  int latent_dim = 32;  // the code's size; a conv model's is 4 * 4 * filters[2] (conv_code_size)
  ModelKind kind = ModelKind::ae;
  int filters[3] = {16, 8, 8}; // a conv model's encoder filter counts; the decoder mirrors them
};
inline int conv_code_size(const ModelShape& s) { return kConvCodeSide * kConvCodeSide * s.filters[2]; }
// The shape with its latent size made the conv code's when it is a conv model.
ModelShape with_code_size(ModelShape s);
// A conv model's filter counts as written: "16,8,8"; and read back ("" or one line why not:
// "filters '16,8': expected three counts such as 16,8,8, each 1 to 64").
std::string filters_text(const ModelShape& s);
std::string parse_filters(const std::string& text, ModelShape* s);
// "784-128-32-128-784", "784-128-2-128-784 VAE", "conv 16,8,8 (code 4x4x8)"
std::string model_shape_text(const ModelShape& s);
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

// A conv model's stages. A conv stage's weights (HWIO) and bias are views into params.
enum class StageKind : uint8_t { conv, pool, upsample };
struct ConvStage {
  StageKind kind = StageKind::conv;
  ConvLayer conv; // conv only
  ImageShape in, out;
  size_t weight_offset = 0, bias_offset = 0; // conv only
};
constexpr int kConvStages = 13;
constexpr int kConvEncoderStages = 6; // stages [0, 6) encode (the code is stage 5's output)
constexpr int kConvLayers = 7;        // the conv stages: 0, 2, 4 | 6, 8, 10, 12
// "conv1" .. "conv7", "pool1" .. "pool3", "up1" .. "up3": the stage's name (feature maps, .npz)
const char* conv_stage_name(int stage);

struct Autoencoder {
  ModelShape shape;
  DenseLayer layers[kNumLayers]; // the dense models'
  ConvStage stages[kConvStages]; // a conv model's
  // dense: W1, b1, W2, b2, W3, b3, W4, b4, in that order; conv: each conv stage's W then b
  Vector params;

  float* weight(int l) { return params.data() + layers[l].weight_offset; }
  const float* weight(int l) const { return params.data() + layers[l].weight_offset; }
  float* bias(int l) { return params.data() + layers[l].bias_offset; }
  const float* bias(int l) const { return params.data() + layers[l].bias_offset; }
};

inline bool is_conv(const ModelShape& s) { return s.kind == ModelKind::conv; }

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
