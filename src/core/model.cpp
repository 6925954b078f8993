// Building, initialising and running the autoencoder (inference; training is in train.cpp).
#include "core/model.h"

#include <utility>

#include "core/limits.h"

#include <cmath>
#include <cstdio>
#include <xtensor/xview.hpp>

#include "core/conv_model.h"
#include "core/layers.h"
#include "core/rng.h"

namespace aelab {

bool operator==(const ModelShape& a, const ModelShape& b) {
  if (a.kind != b.kind || a.input_dim != b.input_dim || a.latent_dim != b.latent_dim) return false;
  if (is_conv(a)) // the hidden size is the dense models'
    return a.filters[0] == b.filters[0] && a.filters[1] == b.filters[1] && a.filters[2] == b.filters[2];
  return a.hidden_dim == b.hidden_dim;
}

const char* model_kind_name(ModelKind kind) {
  return kind == ModelKind::vae ? "vae" : kind == ModelKind::conv ? "conv" : "ae";
}

ModelShape with_code_size(ModelShape s) {
  if (is_conv(s)) s.latent_dim = conv_code_size(s);
  return s;
}

std::string filters_text(const ModelShape& s) {
  return std::to_string(s.filters[0]) + "," + std::to_string(s.filters[1]) + "," +
         std::to_string(s.filters[2]);
}

std::string parse_filters(const std::string& text, ModelShape* s) {
  int f[3], used = 0;
  const std::string why = "filters '" + text + "': expected three counts such as 16,8,8, each 1 to 64";
  if (std::sscanf(text.c_str(), "%d,%d,%d%n", &f[0], &f[1], &f[2], &used) != 3 || used != int(text.size()))
    return why;
  for (int v : f)
    if (!check_limit(kFiltersLimit, v).empty()) return why;
  std::copy(f, f + 3, s->filters);
  return "";
}

std::string model_shape_text(const ModelShape& s) {
  if (is_conv(s)) return "conv " + filters_text(s) + " (code 4x4x" + std::to_string(s.filters[2]) + ")";
  const std::string d = std::to_string(s.input_dim), h = std::to_string(s.hidden_dim);
  return d + "-" + h + "-" + std::to_string(s.latent_dim) + "-" + h + "-" + d +
         (s.kind == ModelKind::vae ? " VAE" : "");
}

std::string check_model_shape(const ModelShape& s) {
  if (int(s.kind) >= kModelKinds) return "kind " + std::to_string(int(s.kind)) + ": expected ae, vae or conv";
  if (is_conv(s)) {
    for (int f : s.filters)
      if (std::string error = check_limit(kFiltersLimit, f); !error.empty()) return error;
    if (s.input_dim != kConvSide * kConvSide)
      return "input " + std::to_string(s.input_dim) + ": a convolutional model takes 28x28 pictures (784)";
    if (s.latent_dim != conv_code_size(s))
      return "latent " + std::to_string(s.latent_dim) + ": a convolutional model's code is 4x4x" +
             std::to_string(s.filters[2]) + " = " + std::to_string(conv_code_size(s));
    return "";
  }
  for (auto [limit, value] :
       {std::pair{kInputLimit, s.input_dim}, {kHiddenLimit, s.hidden_dim}, {kLatentLimit, s.latent_dim}})
    if (std::string error = check_limit(limit, value); !error.empty()) return error;
  return "";
}

const char* conv_stage_name(int stage) {
  static const char* const names[kConvStages] = {"conv1", "pool1", "conv2", "pool2", "conv3",
                                                 "pool3", "conv4", "up1",   "conv5", "up2",
                                                 "conv6", "up3",   "conv7"};
  return stage >= 0 && stage < kConvStages ? names[stage] : "";
}

namespace {
// A conv model's stages, laid out from offset 0 (conv stages' weights then bias, in order).
void lay_out_conv(const ModelShape& shape, ConvStage* stages, size_t* size) {
  const int f1 = shape.filters[0], f2 = shape.filters[1], f3 = shape.filters[2];
  const StageKind C = StageKind::conv, P = StageKind::pool, U = StageKind::upsample;
  const StageKind kinds[kConvStages] = {C, P, C, P, C, P, C, U, C, U, C, U, C};
  const int filters[kConvStages] = {f1, 0, f2, 0, f3, 0, f3, 0, f2, 0, f1, 0, 1};
  ImageShape at{kConvSide, kConvSide, 1};
  size_t offset = 0;
  for (int i = 0; i < kConvStages; i++) {
    ConvStage& st = stages[i];
    st.kind = kinds[i];
    st.in = at;
    if (st.kind == C) {
      st.conv = ConvLayer{at, filters[i], 3, i == 10 ? Padding::valid : Padding::same, i != kConvStages - 1};
      st.out = st.conv.out();
      st.weight_offset = offset;
      offset += size_t(st.conv.weights());
      st.bias_offset = offset;
      offset += size_t(st.conv.filters);
    } else {
      st.out = st.kind == P ? pool_out(at) : upsample_out(at);
    }
    at = st.out;
  }
  *size = offset;
}
} // namespace

size_t parameter_count(const ModelShape& s) {
  if (is_conv(s)) {
    ConvStage stages[kConvStages];
    size_t size = 0;
    lay_out_conv(s, stages, &size);
    return size;
  }
  size_t i = size_t(s.input_dim), h = size_t(s.hidden_dim), l = size_t(s.latent_dim),
         e = size_t(encoder_outputs(s));
  return (i * h + h) + (h * e + e) + (l * h + h) + (h * i + i);
}

Autoencoder make_autoencoder(const ModelShape& shape) {
  Autoencoder m;
  m.shape = shape;
  if (is_conv(shape)) {
    size_t size = 0;
    lay_out_conv(shape, m.stages, &size);
    m.params = xt::zeros<float>({size});
    return m;
  }
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
  if (is_conv(m.shape)) { // Keras' fans of a kernel: k k Cin and k k Cout
    for (const ConvStage& st : m.stages) {
      if (st.kind != StageKind::conv) continue;
      const ConvLayer& L = st.conv;
      const float limit = std::sqrt(6.0f / float(L.k * L.k * (L.in.c + L.filters)));
      float* W = m.params.data() + st.weight_offset;
      for (int i = 0; i < L.weights(); i++) W[i] = (2.0f * rng.uniform() - 1.0f) * limit;
    }
    return;
  }
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
  if (is_conv(m.shape)) { // the dense layers' halves are the conv stages' halves
    const int s0 = first == 0 ? 0 : kConvEncoderStages,
              s1 = last == kNumLayers ? kConvStages : kConvEncoderStages;
    ConvPass pass;
    conv_forward(m, x.data(), n, s0, s1, pass);
    Matrix out({size_t(n), size_t(m.stages[s1 - 1].out.size())});
    std::copy(pass.act[s1 - 1].begin(), pass.act[s1 - 1].begin() + out.size(), out.begin());
    if (s1 == kConvStages) sigmoid_inplace(out.data(), out.size());
    return out;
  }
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
