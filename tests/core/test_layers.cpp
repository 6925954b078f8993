// Gradients of the dense layers, the losses and the whole autoencoder against central finite
// differences of an independent double-precision reference written with plain loops.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "core/layers.h"
#include "core/loss.h"
#include "core/rng.h"
#include "core/threads.h"
#include "core/train.h"
#include "test_util.h"

using namespace aelab;

namespace {

// --- the double-precision reference ------------------------------------------------------------

// y (B, out) = act(x W + b) with plain loops; `relu` false gives the logits.
std::vector<double> ref_dense(const std::vector<double>& x, int B, int in, int out,
                              const std::vector<double>& W, const std::vector<double>& b, bool relu) {
  std::vector<double> y(size_t(B) * out);
  for (int r = 0; r < B; r++)
    for (int j = 0; j < out; j++) {
      double s = b[size_t(j)];
      for (int i = 0; i < in; i++) s += x[size_t(r) * in + i] * W[size_t(i) * out + j];
      y[size_t(r) * out + j] = relu ? std::max(s, 0.0) : s;
    }
  return y;
}

double ref_sigmoid(double z) { return 1.0 / (1.0 + std::exp(-z)); }

// Mean loss over all values, Keras convention (p clipped to [1e-7, 1 - 1e-7] for BCE).
double ref_loss(LossKind kind, const std::vector<double>& z, const std::vector<double>& y) {
  double s = 0;
  for (size_t i = 0; i < z.size(); i++) {
    double p = ref_sigmoid(z[i]);
    if (kind == LossKind::bce) {
      p = std::min(std::max(p, 1e-7), 1.0 - 1e-7);
      s += -(y[i] * std::log(p) + (1.0 - y[i]) * std::log(1.0 - p));
    } else {
      s += (p - y[i]) * (p - y[i]);
    }
  }
  return s / double(z.size());
}

std::vector<double> to_double(const float* p, size_t n) { return std::vector<double>(p, p + n); }

// Central difference of f at v[i].
template <class F> double numeric_derivative(std::vector<double>& v, size_t i, double h, const F& f) {
  const double keep = v[i];
  v[i] = keep + h;
  const double up = f();
  v[i] = keep - h;
  const double down = f();
  v[i] = keep;
  return (up - down) / (2 * h);
}

void expect_close(double analytic, double numeric, double tol, const char* what, size_t i) {
  EXPECT_NEAR(analytic, numeric, tol * (1.0 + std::fabs(numeric))) << what << "[" << i << "]";
}

// --- one dense layer -----------------------------------------------------------------------------

// Checks dense_backward for S = sum(g * y), g a fixed random upstream gradient.
void check_dense_layer(Activation act) {
  const int B = 4, in = 7, out = 5;
  DenseLayer L;
  L.in = in;
  L.out = out;
  L.activation = act;
  auto W = random_values(size_t(in) * out, 11), b = random_values(size_t(out), 12);
  auto x = random_values(size_t(B) * in, 13), g = random_values(size_t(B) * out, 14);
  const bool relu = act == Activation::relu;

  std::vector<float> y(size_t(B) * out), dy = g, dW(W.size()), db(b.size()), dx(x.size());
  dense_forward(L, W.data(), b.data(), LayerInput{x.data()}, B, y.data());
  dense_backward(L, W.data(), LayerInput{x.data()}, y.data(), dy.data(), B, dW.data(), db.data(), dx.data());

  auto Wd = to_double(W.data(), W.size()), bd = to_double(b.data(), b.size());
  auto xd = to_double(x.data(), x.size());
  auto yd = ref_dense(xd, B, in, out, Wd, bd, relu);
  for (size_t i = 0; i < y.size(); i++) EXPECT_NEAR(y[i], yd[i], 1e-5) << "forward y[" << i << "]";
  // keep away from the ReLU kink, where the derivative does not exist
  auto zd = ref_dense(xd, B, in, out, Wd, bd, false);
  for (double z : zd) ASSERT_GT(std::fabs(z), 1e-3) << "pick another seed: a unit sits on the kink";

  auto S = [&] {
    auto yy = ref_dense(xd, B, in, out, Wd, bd, relu);
    double s = 0;
    for (size_t i = 0; i < yy.size(); i++) s += g[i] * yy[i];
    return s;
  };
  const double h = 1e-6;
  for (size_t i = 0; i < Wd.size(); i++) expect_close(dW[i], numeric_derivative(Wd, i, h, S), 1e-4, "dW", i);
  for (size_t i = 0; i < bd.size(); i++) expect_close(db[i], numeric_derivative(bd, i, h, S), 1e-4, "db", i);
  for (size_t i = 0; i < xd.size(); i++) expect_close(dx[i], numeric_derivative(xd, i, h, S), 1e-4, "dx", i);
}

} // namespace

TEST(Layers, DenseReluBackward_MatchesFiniteDifferences) { check_dense_layer(Activation::relu); }

TEST(Layers, DenseLinearBackward_MatchesFiniteDifferences) { check_dense_layer(Activation::sigmoid); }

TEST(Layers, Sigmoid_MatchesReference) {
  auto z = random_values(1000, 21, -20.0f, 20.0f);
  auto p = z;
  sigmoid_inplace(p.data(), p.size());
  for (size_t i = 0; i < z.size(); i++) EXPECT_NEAR(p[i], ref_sigmoid(z[i]), 2e-7) << "z = " << z[i];
}

// --- the losses ----------------------------------------------------------------------------------

namespace {
// Runs f once with each loss kernel this CPU has (avx512 and avx2 here), selected; then the best.
template <class F> void for_each_loss_kernel(F f) {
  for (const std::string& k : loss_kernels_available()) {
    SCOPED_TRACE("loss kernel " + k);
    ASSERT_TRUE(loss_select_kernel(k));
    f();
  }
  loss_select_kernel(loss_kernels_available().front());
}

// Targets as pixel bytes (70% zeros), their rows and their float values (byte / 255).
struct PixelTargets {
  std::vector<uint8_t> bytes;
  std::vector<const uint8_t*> row_ptr;
  std::vector<float> values;
  PixelTargets(int rows, int cols, uint64_t seed) : bytes(size_t(rows) * cols), values(bytes.size()) {
    Rng rng(seed);
    for (auto& b : bytes) b = rng.uniform() < 0.7 ? 0 : uint8_t(rng.below(256));
    for (int r = 0; r < rows; r++) row_ptr.push_back(bytes.data() + size_t(r) * cols);
    for (size_t i = 0; i < bytes.size(); i++) values[i] = float(bytes[i]) / 255.0f;
  }
};

void check_loss(LossKind kind) {
  for_each_loss_kernel([&] {
    const size_t n = 40;
    auto z = random_values(n, 31, -4.0f, 4.0f);
    auto y = random_values(n, 32, 0.0f, 1.0f);
    y[0] = 0.0f;
    y[1] = 1.0f;
    std::vector<float> dz(n);
    const double loss = loss_and_grad(kind, z.data(), y.data(), n, dz.data());
    auto zd = to_double(z.data(), n), yd = to_double(y.data(), n);
    EXPECT_NEAR(loss, ref_loss(kind, zd, yd), 1e-6);
    auto f = [&] { return ref_loss(kind, zd, yd); };
    for (size_t i = 0; i < n; i++) expect_close(dz[i], numeric_derivative(zd, i, 1e-6, f), 1e-4, "dz", i);
  });
}
} // namespace

TEST(Loss, BceGradient_MatchesFiniteDifferences) { check_loss(LossKind::bce); }

TEST(Loss, MseGradient_MatchesFiniteDifferences) { check_loss(LossKind::mse); }

TEST(Loss, BceOfExtremeLogits_IsClippedLikeKeras) {
  // p = sigmoid(+-40) is clipped to 1 - 1e-7 / 1e-7: the loss is finite and equals -log(1e-7)
  const float z[4] = {40.0f, -40.0f, 40.0f, -40.0f}, y[4] = {0.0f, 1.0f, 1.0f, 0.0f};
  const double expected = (2 * -std::log(1e-7) + 2 * -std::log(1.0 - 1e-7)) / 4;
  EXPECT_NEAR(loss_sum(LossKind::bce, z, y, 4) / 4, expected, 1e-4);
}

TEST(Loss, BceOfEachLogit_IsWithinFloatRoundingOfLog1p) {
  // every logit on a fine grid over the clip range, alone (through the same lanes as the rest):
  // the loss uses its own log(1 + e) (a series, loss_kernel.h); against std::log1p in double
  for_each_loss_kernel([] {
    for (float y : {0.0f, 0.25f, 1.0f})
      for (int i = -3300; i <= 3300; i++) {
        const float z = float(i) * 0.005f;
        const double zc = std::min(std::max(double(z), -16.118095651), 16.118095651);
        const double expected = std::max(zc, 0.0) - zc * y + std::log1p(std::exp(-std::fabs(zc)));
        const double got = loss_sum(LossKind::bce, &z, &y, 1);
        ASSERT_NEAR(got, expected, 4e-7 * std::max(1.0, std::fabs(expected))) << "z = " << z << " y = " << y;
      }
  });
}

TEST(Loss, FromPixelBytes_MatchesTheFloatTargets) {
  // training reads its targets as bytes; the gradient must be the float path's, bit for bit, and
  // the mean the same up to the order of the sums (rows x cols more than one block and chunk)
  for_each_loss_kernel([] {
    for (LossKind kind : {LossKind::bce, LossKind::mse}) {
      for (int threads : {1, thread_count_max()}) {
        set_thread_count(threads);
        const int rows = 70, cols = 1100;
        auto z = random_values(size_t(rows) * cols, 41, -8.0f, 8.0f);
        const PixelTargets t(rows, cols, 42);
        std::vector<float> dz(z.size()), dz_bytes(z.size());
        const double loss = loss_and_grad(kind, z.data(), t.values.data(), z.size(), dz.data());
        const double loss_bytes =
            loss_and_grad_bytes(kind, z.data(), t.row_ptr.data(), rows, cols, dz_bytes.data());
        EXPECT_NEAR(loss_bytes, loss, 1e-6 * loss) << (kind == LossKind::bce ? "bce" : "mse");
        EXPECT_EQ(dz_bytes, dz) << (kind == LossKind::bce ? "bce" : "mse");
      }
    }
    set_thread_count(1);
  });
}

TEST(Loss, EveryKernelGivesTheSameGradientsBitForBit) {
  // the AVX-512 pass is chosen by the CPU alone; a run must not depend on it beyond the loss
  // sums' rounding. Sizes with tails of every length under 16 lanes, floats and bytes.
  const std::vector<std::string> kernels = loss_kernels_available();
  if (kernels.size() < 2) GTEST_SKIP() << "one loss kernel on this CPU: " << kernels.front();
  for (LossKind kind : {LossKind::bce, LossKind::mse})
    for (int cols : {784, 1037, 1, 15, 17}) {
      const int rows = 9;
      auto z = random_values(size_t(rows) * cols, 51, -20.0f, 20.0f);
      const PixelTargets t(rows, cols, 52);
      std::vector<std::vector<float>> dz, dz_bytes;
      std::vector<double> loss, loss_bytes;
      for (const std::string& k : kernels) {
        ASSERT_TRUE(loss_select_kernel(k));
        dz.emplace_back(z.size());
        dz_bytes.emplace_back(z.size());
        loss.push_back(loss_and_grad(kind, z.data(), t.values.data(), z.size(), dz.back().data()));
        loss_bytes.push_back(
            loss_and_grad_bytes(kind, z.data(), t.row_ptr.data(), rows, cols, dz_bytes.back().data()));
      }
      for (size_t k = 1; k < kernels.size(); k++) {
        SCOPED_TRACE(kernels[k] + " against " + kernels[0] + ", cols " + std::to_string(cols));
        EXPECT_EQ(dz[k], dz[0]);
        EXPECT_EQ(dz_bytes[k], dz_bytes[0]);
        EXPECT_NEAR(loss[k], loss[0], 1e-6 * loss[0]);
        EXPECT_NEAR(loss_bytes[k], loss_bytes[0], 1e-6 * loss_bytes[0]);
      }
    }
  loss_select_kernel(kernels.front());
}

// --- the whole autoencoder -----------------------------------------------------------------------

namespace {

// Mean loss of the reference forward pass over a batch, parameters in the model's flat layout.
double ref_model_loss(const Autoencoder& m, const std::vector<double>& params, const std::vector<double>& x,
                      int B, LossKind kind) {
  std::vector<double> a = x;
  for (int l = 0; l < kNumLayers; l++) {
    const DenseLayer& L = m.layers[l];
    std::vector<double> W(params.begin() + long(L.weight_offset),
                          params.begin() + long(L.weight_offset + size_t(L.in) * L.out));
    std::vector<double> b(params.begin() + long(L.bias_offset), params.begin() + long(L.bias_offset + L.out));
    a = ref_dense(a, B, L.in, L.out, W, b, L.activation == Activation::relu);
  }
  return ref_loss(kind, a, x);
}

void check_model_gradients(LossKind kind) {
  ModelShape shape;
  shape.input_dim = 12;
  shape.hidden_dim = 6;
  shape.latent_dim = 3;
  Autoencoder m = make_autoencoder(shape);
  init_glorot_uniform(m, 7);
  for (int l = 0; l < kNumLayers; l++) // nonzero biases, so their gradients are exercised too
    for (int j = 0; j < m.layers[l].out; j++) m.bias(l)[j] = 0.1f * float(j % 3) - 0.05f;

  Dataset data;
  data.count = 5;
  data.rows = 3;
  data.cols = 4;
  Rng rng(3);
  for (int i = 0; i < data.count * 12; i++) data.images.push_back(uint8_t(rng.below(256)));
  data.labels.assign(5, 0);
  const int idx[5] = {0, 1, 2, 3, 4};

  TrainConfig config;
  config.batch_size = 5;
  config.loss = kind;
  Trainer t;
  trainer_init(t, m, config);
  const float loss = compute_gradients(t, m, data, idx, 5);

  std::vector<double> x(size_t(5) * 12);
  for (size_t i = 0; i < x.size(); i++) x[i] = data.images[i] / 255.0;
  auto params = to_double(m.params.data(), m.params.size());
  EXPECT_NEAR(loss, ref_model_loss(m, params, x, 5, kind), 1e-6);
  auto f = [&] { return ref_model_loss(m, params, x, 5, kind); };
  for (size_t i = 0; i < params.size(); i++)
    EXPECT_NEAR(t.grads[i], numeric_derivative(params, i, 1e-6, f), 2e-6 + 1e-3 * std::fabs(t.grads[i]))
        << "parameter " << i;
}

} // namespace

TEST(Autoencoder, BceGradients_MatchFiniteDifferences) { check_model_gradients(LossKind::bce); }

TEST(Autoencoder, MseGradients_MatchFiniteDifferences) { check_model_gradients(LossKind::mse); }
