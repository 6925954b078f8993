// The convolutional layers (conv.h) against plain loops in double, and their gradients against
// central finite differences; the Keras blog's shapes, 28x28x1 -> the 4x4x8 code -> 28x28x1.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/conv.h"
#include "core/image_io.h"
#include "core/model.h"
#include "core/model_file.h"
#include "core/npz.h"
#include "core/threads.h"
#include "core/train.h"
#include "test_util.h"

using namespace aelab;

namespace {

// y = act(conv(x, W) + b) with plain loops in double (NHWC, HWIO), zero outside the picture.
std::vector<double> ref_conv(const ConvLayer& L, const std::vector<double>& x, const std::vector<double>& W,
                             const std::vector<double>& b, int batch) {
  const ImageShape o = L.out();
  const int pad = L.padding == Padding::same ? (L.k - 1) / 2 : 0;
  std::vector<double> y(size_t(batch) * o.size());
  for (int n = 0; n < batch; n++)
    for (int i = 0; i < o.h; i++)
      for (int j = 0; j < o.w; j++)
        for (int f = 0; f < L.filters; f++) {
          double s = b[size_t(f)];
          for (int a = 0; a < L.k; a++)
            for (int bb = 0; bb < L.k; bb++)
              for (int c = 0; c < L.in.c; c++) {
                const int yy = i - pad + a, xx = j - pad + bb;
                if (yy < 0 || yy >= L.in.h || xx < 0 || xx >= L.in.w) continue;
                s += x[((size_t(n) * L.in.h + yy) * L.in.w + xx) * L.in.c + c] *
                     W[((size_t(a) * L.k + bb) * L.in.c + c) * L.filters + f];
              }
          y[((size_t(n) * o.h + i) * o.w + j) * L.filters + f] = L.relu ? std::max(s, 0.0) : s;
        }
  return y;
}

std::vector<double> doubles(const std::vector<float>& v) { return std::vector<double>(v.begin(), v.end()); }
std::vector<float> floats(const std::vector<double>& v) { return std::vector<float>(v.begin(), v.end()); }
double dot(const std::vector<double>& a, const std::vector<float>& g) {
  double s = 0;
  for (size_t i = 0; i < a.size(); i++) s += a[i] * g[i];
  return s;
}
template <class F> double derivative(std::vector<double>& v, size_t i, const F& f) {
  return numeric_derivative(v, i, 1e-4, f);
}

void check_conv(Padding padding, bool relu, int filters = 4, int channels = 3) {
  ConvLayer L;
  L.in = {7, 6, channels};
  L.filters = filters;
  L.padding = padding;
  L.relu = relu;
  const int batch = 2;
  const ImageShape o = L.out();
  std::vector<double> x = doubles(random_values(size_t(batch) * L.in.size(), 1));
  std::vector<double> W = doubles(random_values(size_t(L.weights()), 2, -0.5f, 0.5f));
  std::vector<double> b = doubles(random_values(size_t(L.filters), 3, -0.2f, 0.2f));
  std::vector<float> y(size_t(batch) * o.size());
  ConvScratch scratch;
  conv2d_forward(L, floats(W).data(), floats(b).data(), floats(x).data(), batch, y.data(), scratch);
  const std::vector<double> want = ref_conv(L, x, W, b, batch);
  for (size_t i = 0; i < y.size(); i++) ASSERT_NEAR(y[i], want[i], 1e-5) << "y[" << i << "]";

  // loss = sum(y * g): dy = g
  const std::vector<float> g = random_values(y.size(), 4);
  std::vector<float> dy = g, dW(W.size()), db(b.size()), dx(x.size());
  conv2d_backward(L, floats(W).data(), floats(x).data(), y.data(), dy.data(), batch, dW.data(), db.data(),
                  dx.data(), scratch);
  auto loss = [&] { return dot(ref_conv(L, x, W, b, batch), g); };
  for (size_t i = 0; i < W.size(); i++) EXPECT_NEAR(dW[i], derivative(W, i, loss), 1e-3) << "dW[" << i << "]";
  for (size_t i = 0; i < b.size(); i++) EXPECT_NEAR(db[i], derivative(b, i, loss), 1e-3) << "db[" << i << "]";
  for (size_t i = 0; i < x.size(); i++) EXPECT_NEAR(dx[i], derivative(x, i, loss), 1e-3) << "dx[" << i << "]";
}

} // namespace

TEST(Conv, SameLinear_MatchesPlainLoopsAndFiniteDifferences) { check_conv(Padding::same, false); }
TEST(Conv, SameRelu_MatchesPlainLoopsAndFiniteDifferences) { check_conv(Padding::same, true); }
TEST(Conv, ValidRelu_MatchesPlainLoopsAndFiniteDifferences) { check_conv(Padding::valid, true); }
// more channels in and out (the blog's 16 and 8), and 'valid' with them
TEST(Conv, MoreChannels_MatchPlainLoopsAndFiniteDifferences) {
  check_conv(Padding::same, true, 8, 6);
  check_conv(Padding::valid, true, 6, 8);
  check_conv(Padding::same, false, 2, 6);
}
// one filter (the output layer's) takes its own path: from the padded pictures, no columns; runs
// of k Cin values that fill whole vectors (Cin 16 and 8) and that leave a tail (Cin 3 and 5)
TEST(Conv, OneFilter_MatchesPlainLoopsAndFiniteDifferences) {
  check_conv(Padding::same, false, 1);
  check_conv(Padding::valid, true, 1);
  check_conv(Padding::same, false, 1, 16);
  check_conv(Padding::same, true, 1, 8);
  check_conv(Padding::valid, false, 1, 5);
}
// one input channel (the first layer's) with a multiple of the vector's filters is direct too, as
// is the input gradient of a one-filter layer with such channels; 3 filters take the columns
TEST(Conv, OneChannel_MatchesPlainLoopsAndFiniteDifferences) {
  check_conv(Padding::same, true, 16, 1);
  check_conv(Padding::valid, false, 8, 1);
  check_conv(Padding::same, true, 3, 1);
}

TEST(MaxPool, SamePaddingKeepsTheMaxOfEachWindow_AndRoutesTheGradientToIt) {
  const ImageShape in{7, 5, 2};
  const int batch = 2;
  const ImageShape o = pool_out(in);
  ASSERT_EQ(o.h, 4);
  ASSERT_EQ(o.w, 3);
  std::vector<double> x = doubles(random_values(size_t(batch) * in.size(), 5));
  auto ref = [&](const std::vector<double>& v) { // plain loops: the max of each (cut) window
    std::vector<double> y(size_t(batch) * o.size(), -1e300);
    for (int n = 0; n < batch; n++)
      for (int yy = 0; yy < in.h; yy++)
        for (int xx = 0; xx < in.w; xx++)
          for (int c = 0; c < in.c; c++) {
            double& m = y[((size_t(n) * o.h + yy / 2) * o.w + xx / 2) * in.c + c];
            m = std::max(m, v[((size_t(n) * in.h + yy) * in.w + xx) * in.c + c]);
          }
    return y;
  };
  std::vector<float> y(size_t(batch) * o.size()), dx(x.size());
  std::vector<int32_t> argmax(y.size());
  maxpool2_forward(in, floats(x).data(), batch, y.data(), argmax.data());
  const std::vector<double> want = ref(x);
  for (size_t i = 0; i < y.size(); i++) ASSERT_EQ(double(y[i]), want[i]) << "y[" << i << "]";
  const std::vector<float> g = random_values(y.size(), 6);
  maxpool2_backward(in, g.data(), argmax.data(), batch, dx.data());
  auto loss = [&] { return dot(ref(x), g); };
  for (size_t i = 0; i < x.size(); i++) EXPECT_NEAR(dx[i], derivative(x, i, loss), 1e-4) << "dx[" << i << "]";
}

TEST(Upsample, RepeatsEachValue2x2_AndSumsTheGradientBack) {
  const ImageShape in{3, 4, 2};
  const int batch = 2;
  std::vector<double> x = doubles(random_values(size_t(batch) * in.size(), 7));
  auto ref = [&](const std::vector<double>& v) {
    std::vector<double> y(size_t(batch) * 4 * in.size());
    for (int n = 0; n < batch; n++)
      for (int i = 0; i < 2 * in.h; i++)
        for (int j = 0; j < 2 * in.w; j++)
          for (int c = 0; c < in.c; c++)
            y[((size_t(n) * 2 * in.h + i) * 2 * in.w + j) * in.c + c] =
                v[((size_t(n) * in.h + i / 2) * in.w + j / 2) * in.c + c];
    return y;
  };
  std::vector<float> y(size_t(batch) * 4 * in.size()), dx(x.size());
  upsample2_forward(in, floats(x).data(), batch, y.data());
  const std::vector<double> want = ref(x);
  for (size_t i = 0; i < y.size(); i++) ASSERT_EQ(double(y[i]), want[i]);
  const std::vector<float> g = random_values(y.size(), 8);
  upsample2_backward(in, g.data(), batch, dx.data());
  auto loss = [&] { return dot(ref(x), g); };
  for (size_t i = 0; i < x.size(); i++) EXPECT_NEAR(dx[i], derivative(x, i, loss), 1e-4) << "dx[" << i << "]";
}

// The Keras blog's convolutional autoencoder, shape by shape: the code is 4x4x8 = 128 numbers.
TEST(ConvShapes, TheKerasBlogsLayersChain28x28To4x4x8AndBack) {
  ImageShape s{28, 28, 1};
  for (int filters : {16, 8, 8}) { // encoder: conv 'same' then pool 'same'
    s = ConvLayer{s, filters, 3, Padding::same, true}.out();
    s = pool_out(s);
  }
  EXPECT_EQ(s.h, 4);
  EXPECT_EQ(s.w, 4);
  EXPECT_EQ(s.size(), 128);
  s = ConvLayer{s, 8, 3, Padding::same, true}.out(); // decoder
  s = {2 * s.h, 2 * s.w, s.c};
  s = ConvLayer{s, 8, 3, Padding::same, true}.out();
  s = {2 * s.h, 2 * s.w, s.c};
  s = ConvLayer{s, 16, 3, Padding::valid, true}.out(); // 16 -> 14
  EXPECT_EQ(s.h, 14);
  s = {2 * s.h, 2 * s.w, s.c};
  s = ConvLayer{s, 1, 3, Padding::same, false}.out();
  EXPECT_EQ(s.h, 28);
  EXPECT_EQ(s.w, 28);
  EXPECT_EQ(s.c, 1);
}

// --- the convolutional autoencoder (model.h's kind conv) -------------------------------------

namespace {

std::vector<double> ref_pool(ImageShape in, const std::vector<double>& x, int batch) {
  const ImageShape o = pool_out(in);
  std::vector<double> y(size_t(batch) * o.size());
  for (int n = 0; n < batch; n++)
    for (int i = 0; i < o.h; i++)
      for (int j = 0; j < o.w; j++)
        for (int c = 0; c < in.c; c++) {
          double v = -1e300;
          for (int a = 0; a < 2; a++)
            for (int b = 0; b < 2; b++)
              if (2 * i + a < in.h && 2 * j + b < in.w)
                v = std::max(v, x[((size_t(n) * in.h + 2 * i + a) * in.w + 2 * j + b) * in.c + c]);
          y[((size_t(n) * o.h + i) * o.w + j) * in.c + c] = v;
        }
  return y;
}

std::vector<double> ref_up(ImageShape in, const std::vector<double>& x, int batch) {
  std::vector<double> y(size_t(batch) * in.size() * 4);
  for (int n = 0; n < batch; n++)
    for (int i = 0; i < 2 * in.h; i++)
      for (int j = 0; j < 2 * in.w; j++)
        for (int c = 0; c < in.c; c++)
          y[((size_t(n) * 2 * in.h + i) * 2 * in.w + j) * in.c + c] =
              x[((size_t(n) * in.h + i / 2) * in.w + j / 2) * in.c + c];
  return y;
}

// The logits of the whole model in double, stage by stage with plain loops.
std::vector<double> ref_conv_model(const Autoencoder& m, const std::vector<double>& p, std::vector<double> a,
                                   int batch) {
  for (const ConvStage& st : m.stages) {
    if (st.kind == StageKind::conv) {
      const ConvLayer& L = st.conv;
      std::vector<double> W(p.begin() + long(st.weight_offset),
                            p.begin() + long(st.weight_offset + L.weights()));
      std::vector<double> b(p.begin() + long(st.bias_offset), p.begin() + long(st.bias_offset + L.filters));
      a = ref_conv(L, a, W, b, batch);
    } else {
      a = st.kind == StageKind::pool ? ref_pool(st.in, a, batch) : ref_up(st.in, a, batch);
    }
  }
  return a;
}

// The mean BCE of sigmoid(logits) against x (Keras: p clipped to [1e-7, 1 - 1e-7]).
double ref_bce(const std::vector<double>& z, const std::vector<double>& y) {
  double s = 0;
  for (size_t i = 0; i < z.size(); i++) {
    const double q = std::min(std::max(1.0 / (1.0 + std::exp(-z[i])), 1e-7), 1.0 - 1e-7);
    s += -(y[i] * std::log(q) + (1.0 - y[i]) * std::log(1.0 - q));
  }
  return s / double(z.size());
}

ModelShape small_conv_shape() {
  ModelShape s;
  s.kind = ModelKind::conv;
  s.filters[0] = 3, s.filters[1] = 2, s.filters[2] = 2;
  return with_code_size(s);
}

// count random 28x28 pictures, a third of their pixels 0 (as in MNIST, there are many)
Dataset random_pictures(int count, uint64_t seed) {
  Dataset d;
  d.count = count, d.rows = 28, d.cols = 28;
  Rng rng(seed);
  for (int i = 0; i < count * 784; i++) d.images.push_back(rng.below(3) == 0 ? 0 : uint8_t(rng.below(256)));
  d.labels.assign(size_t(count), 0);
  return d;
}

} // namespace

TEST(ConvModel, StagesAreTheKerasBlogsWithItsParameterCount) {
  ModelShape s;
  s.kind = ModelKind::conv;
  s = with_code_size(s);
  EXPECT_EQ(s.latent_dim, 128);
  EXPECT_EQ(check_model_shape(s), "");
  const Autoencoder m = make_autoencoder(s);
  // Keras' summary of the blog's model: 160 + 1160 + 584 (encoder) + 584 + 584 + 1168 + 145
  EXPECT_EQ(m.params.size(), 4385u);
  EXPECT_EQ(parameter_count(s), 4385u);
  EXPECT_EQ(m.stages[5].out.size(), 128);
  EXPECT_EQ(m.stages[10].out.h, 14); // 'valid'
  EXPECT_EQ(m.stages[kConvStages - 1].out.size(), 784);
  s.latent_dim = 32;
  EXPECT_EQ(check_model_shape(s), "latent 32: a convolutional model's code is 4x4x8 = 128");
  s = with_code_size(s);
  s.filters[1] = 0;
  EXPECT_EQ(check_model_shape(s), "filters = 0: expected an integer from 1 to 64");
}

TEST(ConvModel, WholeLossGradients_MatchFiniteDifferences) {
  Autoencoder m = make_autoencoder(small_conv_shape());
  init_glorot_uniform(m, 5);
  for (const ConvStage& st : m.stages) // nonzero biases, so that their gradients are exercised too
    if (st.kind == StageKind::conv)
      for (int f = 0; f < st.conv.filters; f++)
        m.params[st.bias_offset + size_t(f)] = 0.05f * float(f % 3) - 0.04f;
  const Dataset data = random_pictures(2, 9);
  const int idx[2] = {0, 1};
  TrainConfig config;
  config.batch_size = 2;
  Trainer t;
  trainer_init(t, m, config);
  const float loss = compute_gradients(t, m, data, idx, 2);

  std::vector<double> x(size_t(2) * 784);
  for (size_t i = 0; i < x.size(); i++) x[i] = data.images[i] / 255.0;
  std::vector<double> p(m.params.begin(), m.params.end());
  auto f = [&] { return ref_bce(ref_conv_model(m, p, x, 2), x); };
  EXPECT_NEAR(loss, f(), 1e-6);
  for (size_t i = 0; i < p.size(); i++)
    EXPECT_NEAR(t.grads[i], numeric_derivative(p, i, 1e-5, f), 2e-6 + 2e-3 * std::fabs(t.grads[i]))
        << "parameter " << i;
}

TEST(ConvModel, TrainingIsTheSameAtOneAndTwoThreads_AndInferenceIsTheTrainersForward) {
  const ModelShape shape = with_code_size(ModelShape{784, 128, 0, ModelKind::conv, {8, 6, 2}});
  const Dataset data = random_pictures(40, 3);
  TrainConfig config;
  config.batch_size = 16;
  std::vector<float> params[2];
  for (int threads : {1, 2}) {
    set_thread_count(threads);
    Autoencoder m = make_autoencoder(shape);
    init_glorot_uniform(m, 1);
    Trainer t;
    trainer_init(t, m, config);
    begin_epoch(t, data.count);
    float loss = 0;
    while (train_next_batch(t, m, data, &loss)) {
    }
    params[threads - 1].assign(m.params.begin(), m.params.end());
    // reconstruct() runs the same stages as the trainer: its loss is sample_losses'
    Matrix x({4, 784});
    images_to_float(data, 0, 4, x.data());
    const Matrix out = reconstruct(m, x);
    std::vector<float> per(4);
    sample_losses(m, data, 0, 4, LossKind::bce, per.data());
    for (int i = 0; i < 4; i++) {
      double s = 0;
      for (int j = 0; j < 784; j++) {
        const double q = std::min(std::max(double(out(i, j)), 1e-7), 1.0 - 1e-7), y = x(i, j);
        s += -(y * std::log(q) + (1 - y) * std::log(1 - q));
      }
      EXPECT_NEAR(per[size_t(i)], s / 784, 1e-4) << "picture " << i;
    }
    // decode(encode(x)) is reconstruct(x); the code is 4x4x2
    const Matrix code = encode(m, x);
    EXPECT_EQ(code.shape(1), 32u); // 4x4x2
    const Matrix again = decode(m, code);
    for (size_t i = 0; i < out.size(); i++) ASSERT_EQ(again.data()[i], out.data()[i]);
  }
  set_thread_count(1);
  ASSERT_EQ(params[0].size(), params[1].size());
  for (size_t i = 0; i < params[0].size(); i++) ASSERT_EQ(params[0][i], params[1][i]) << "parameter " << i;
}

// --- a conv model in the model file and the .npz ------------------------------------------------

namespace {
Autoencoder random_conv() {
  Autoencoder m = make_autoencoder(with_code_size(ModelShape{784, 128, 0, ModelKind::conv, {5, 4, 3}}));
  const std::vector<float> v = random_values(m.params.size(), 13); // biases too: a swap would show
  std::copy(v.begin(), v.end(), m.params.begin());
  return m;
}
} // namespace

TEST(ConvFile, TheModelFileRoundTripsAConvModelBitForBitWithItsFilters) {
  ModelFile file;
  file.model = random_conv();
  const std::vector<uint8_t> bytes = model_to_bytes(file);
  EXPECT_EQ(bytes[24] & 16, 16) << "flag bit 4: convolutional";
  EXPECT_EQ(bytes[16], 5); // the filter counts where a dense model keeps its hidden size
  EXPECT_EQ(bytes[17], 4);
  EXPECT_EQ(bytes[18], 3);
  EXPECT_EQ(bytes[20], 48); // the code: 4x4x3
  ModelFile back;
  ASSERT_EQ(model_from_bytes(bytes.data(), bytes.size(), "conv.aelab", &back), "");
  EXPECT_EQ(back.model.shape, file.model.shape);
  EXPECT_EQ(std::vector<float>(back.model.params.begin(), back.model.params.end()),
            std::vector<float>(file.model.params.begin(), file.model.params.end()));
  EXPECT_EQ(model_size_from_head(bytes.data(), bytes.size()), bytes.size());
  // a conv model's code size that does not follow its filters is refused, naming both
  std::vector<uint8_t> bad = bytes;
  bad[20] = 32;
  EXPECT_EQ(model_from_bytes(bad.data(), bad.size(), "conv.aelab", &back),
            "conv.aelab: latent 32: a convolutional model's code is 4x4x3 = 48");
}

TEST(ConvFile, TheNpzRoundTripsInKerasHwioAndReadsPyTorchsOihw) {
  const Autoencoder m = random_conv();
  const std::vector<NpzArray> named = model_to_npz(m);
  ASSERT_EQ(named.size(), 14u);
  EXPECT_EQ(named[0].name, "conv1_kernel");
  EXPECT_EQ(named[0].shape, (std::vector<size_t>{3, 3, 1, 5}));
  EXPECT_EQ(named[13].name, "conv7_bias");
  EXPECT_EQ(named[10].shape, (std::vector<size_t>{3, 3, 4, 5})); // conv6: f2 -> f1, 'valid'
  std::vector<NpyArray> arrays;
  for (const NpzArray& a : named) arrays.push_back({a.name, a.shape, a.data.data()});
  std::vector<uint8_t> bytes = encode_npz(arrays);
  ModelFile back;
  ASSERT_EQ(import_npz(bytes.data(), bytes.size(), "conv.npz", &back), "");
  EXPECT_EQ(back.model.shape, m.shape);
  EXPECT_EQ(std::vector<float>(back.model.params.begin(), back.model.params.end()),
            std::vector<float>(m.params.begin(), m.params.end()));
  // the same weights as PyTorch's state_dict: (Cout, Cin, 3, 3), named as nn.Sequential names them
  std::vector<std::vector<float>> torch_data;
  std::vector<std::string> torch_names;
  std::vector<NpyArray> torch;
  for (size_t i = 0; i < named.size(); i += 2) {
    const std::vector<size_t>& s = named[i].shape; // (k, k, ci, co)
    std::vector<float> oihw(named[i].data.size());
    for (size_t a = 0; a < s[0]; a++)
      for (size_t b = 0; b < s[1]; b++)
        for (size_t c = 0; c < s[2]; c++)
          for (size_t o = 0; o < s[3]; o++)
            oihw[((o * s[2] + c) * s[0] + a) * s[1] + b] =
                named[i].data[((a * s[1] + b) * s[2] + c) * s[3] + o];
    torch_data.push_back(oihw);
    torch_names.push_back(std::to_string(3 * i) + ".weight");
    torch_names.push_back(std::to_string(3 * i) + ".bias");
  }
  for (size_t i = 0; i < named.size(); i += 2) {
    const std::vector<size_t>& s = named[i].shape;
    torch.push_back({torch_names[i], {s[3], s[2], s[0], s[1]}, torch_data[i / 2].data()});
    torch.push_back({torch_names[i + 1], named[i + 1].shape, named[i + 1].data.data()});
  }
  bytes = encode_npz(torch);
  ModelFile from_torch;
  ASSERT_EQ(import_npz(bytes.data(), bytes.size(), "torch.npz", &from_torch), "");
  EXPECT_EQ(std::vector<float>(from_torch.model.params.begin(), from_torch.model.params.end()),
            std::vector<float>(m.params.begin(), m.params.end()));
  // a kernel of the wrong shape says which and what was expected
  arrays[8].shape = {3, 3, 3, 2}; // conv5: f3 -> f2
  bytes = encode_npz(arrays);
  EXPECT_EQ(import_npz(bytes.data(), bytes.size(), "conv.npz", &back),
            "conv.npz: conv5_kernel has shape (3, 3, 3, 2), expected (3, 3, 3, 4)");
}
