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
#include "core/vae.h"
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

// --- the variational autoencoder (vae.h) and the sparse code ----------------------------------

namespace {

// stats (B, 2L) = [mu | log sigma^2] with values in [-1, 1), eps (B, L) normal.
struct VaeMiddle {
  int B = 3, L = 4;
  std::vector<double> stats = to_double(random_values(size_t(3 * 8), 21).data(), 24);
  std::vector<float> eps = [] {
    std::vector<float> e(12);
    Rng rng(5);
    normals(rng, e.data(), e.size());
    return e;
  }();
  std::vector<float> f(const std::vector<double>& d) const { return std::vector<float>(d.begin(), d.end()); }
};

// The reference: z and KL with plain loops in double.
double ref_kl(const std::vector<double>& stats, int B, int L) {
  double s = 0;
  for (int r = 0; r < B; r++)
    for (int j = 0; j < L; j++) {
      const double mu = stats[size_t(r * 2 * L + j)], lv = stats[size_t(r * 2 * L + L + j)];
      s += -0.5 * (1 + lv - mu * mu - std::exp(lv));
    }
  return s;
}
std::vector<double> ref_z(const std::vector<double>& stats, const std::vector<float>& eps, int B, int L) {
  std::vector<double> z(size_t(B * L));
  for (int r = 0; r < B; r++)
    for (int j = 0; j < L; j++)
      z[size_t(r * L + j)] = stats[size_t(r * 2 * L + j)] +
                             std::exp(0.5 * stats[size_t(r * 2 * L + L + j)]) * eps[size_t(r * L + j)];
  return z;
}

} // namespace

TEST(Vae, ReparameterisationWithAFixedEps_MatchesFiniteDifferences) {
  VaeMiddle v;
  const std::vector<float> g = random_values(size_t(v.B * v.L), 8); // loss = sum(z * g)
  std::vector<float> z(g.size()), dstats(v.stats.size());
  reparameterize_forward(v.f(v.stats).data(), v.eps.data(), v.B, v.L, z.data());
  const std::vector<double> zr = ref_z(v.stats, v.eps, v.B, v.L);
  for (size_t i = 0; i < z.size(); i++) EXPECT_NEAR(z[i], zr[i], 1e-6) << "z[" << i << "]";
  reparameterize_backward(v.f(v.stats).data(), v.eps.data(), g.data(), v.B, v.L, 0.0f, dstats.data());
  auto f = [&] {
    const std::vector<double> zz = ref_z(v.stats, v.eps, v.B, v.L);
    double s = 0;
    for (size_t i = 0; i < zz.size(); i++) s += zz[i] * g[i];
    return s;
  };
  for (size_t i = 0; i < dstats.size(); i++)
    expect_close(dstats[i], numeric_derivative(v.stats, i, 1e-6, f), 1e-4, "dstats", i);
}

TEST(Vae, KlTermIsZeroAtTheStandardNormal_PositiveElsewhere_AndMatchesFiniteDifferences) {
  std::vector<float> zero(2 * 5, 0.0f), per_row(1);
  EXPECT_EQ(kl_divergence(zero.data(), 1, 5, per_row.data()), 0.0);
  EXPECT_EQ(per_row[0], 0.0f);
  VaeMiddle v;
  std::vector<float> rows(size_t(v.B));
  const double kl = kl_divergence(v.f(v.stats).data(), v.B, v.L, rows.data());
  EXPECT_NEAR(kl, ref_kl(v.stats, v.B, v.L), 1e-5);
  for (float r : rows) EXPECT_GT(r, 0.0f);
  // the KL part of the backward alone: dz = 0, kl_scale = 1
  std::vector<float> dz(size_t(v.B * v.L), 0.0f), dstats(v.stats.size());
  reparameterize_backward(v.f(v.stats).data(), v.eps.data(), dz.data(), v.B, v.L, 1.0f, dstats.data());
  auto f = [&] { return ref_kl(v.stats, v.B, v.L); };
  for (size_t i = 0; i < dstats.size(); i++)
    expect_close(dstats[i], numeric_derivative(v.stats, i, 1e-6, f), 1e-4, "dstats", i);
}

namespace {

Dataset tiny_data(int count, int pixels) {
  Dataset data;
  data.count = count;
  data.rows = 1;
  data.cols = pixels;
  Rng rng(3);
  for (int i = 0; i < count * pixels; i++) data.images.push_back(uint8_t(rng.below(256)));
  data.labels.assign(size_t(count), 0);
  return data;
}

Autoencoder tiny_model(ModelKind kind) {
  Autoencoder m = make_autoencoder(ModelShape{12, 6, 3, kind});
  init_glorot_uniform(m, 7);
  for (int l = 0; l < kNumLayers; l++) // nonzero biases, so their gradients are exercised too
    for (int j = 0; j < m.layers[l].out; j++) m.bias(l)[j] = 0.1f * float(j % 3) - 0.05f;
  return m;
}

// A VAE's loss per picture: the BCE summed over the pixels plus beta times the KL, averaged over
// the batch, with the given eps; in double with plain loops.
double ref_vae_loss(const Autoencoder& m, const std::vector<double>& p, const std::vector<double>& x,
                    const std::vector<float>& eps, int B, double beta) {
  auto W = [&](int l) {
    const DenseLayer& L = m.layers[l];
    return std::vector<double>(p.begin() + long(L.weight_offset),
                               p.begin() + long(L.weight_offset + size_t(L.in) * L.out));
  };
  auto b = [&](int l) {
    const DenseLayer& L = m.layers[l];
    return std::vector<double>(p.begin() + long(L.bias_offset), p.begin() + long(L.bias_offset + L.out));
  };
  const int D = m.shape.input_dim, H = m.shape.hidden_dim, L = m.shape.latent_dim;
  const auto h = ref_dense(x, B, D, H, W(0), b(0), true);
  const auto stats = ref_dense(h, B, H, 2 * L, W(1), b(1), false);
  const auto z = ref_z(stats, eps, B, L);
  const auto h2 = ref_dense(z, B, L, H, W(2), b(2), true);
  const auto logits = ref_dense(h2, B, H, D, W(3), b(3), false);
  return ref_loss(LossKind::bce, logits, x) * D + beta * ref_kl(stats, B, L) / B;
}

} // namespace

TEST(Vae, WholeLossGradients_MatchFiniteDifferences) {
  Autoencoder m = tiny_model(ModelKind::vae);
  const Dataset data = tiny_data(5, 12);
  const int idx[5] = {0, 1, 2, 3, 4};
  TrainConfig config;
  config.batch_size = 5;
  config.beta = 0.7f;
  Trainer t;
  trainer_init(t, m, config);
  const float loss = compute_gradients(t, m, data, idx, 5);
  const std::vector<float> eps(t.eps.begin(), t.eps.end()); // the eps this step drew
  std::vector<double> x(size_t(5) * 12);
  for (size_t i = 0; i < x.size(); i++) x[i] = data.images[i] / 255.0;
  auto params = to_double(m.params.data(), m.params.size());
  auto f = [&] { return ref_vae_loss(m, params, x, eps, 5, 0.7); };
  EXPECT_NEAR(loss, f(), 1e-4 * std::fabs(f()));
  EXPECT_NEAR(t.batch_terms.recon + 0.7 * t.batch_terms.kl, loss, 1e-4 * loss);
  for (size_t i = 0; i < params.size(); i++)
    EXPECT_NEAR(t.grads[i], numeric_derivative(params, i, 1e-5, f), 1e-4 + 1e-3 * std::fabs(t.grads[i]))
        << "parameter " << i;
}

// With beta = 0 and sigma forced to 0 (log sigma^2 = -200) a VAE's code is its mu: it trains as
// a plain autoencoder whose code layer is mu (its ReLU passes everything: positive codes), with
// the loss and gradients 784 (here 12) times the per-pixel mean's.
TEST(Vae, BetaZeroAndNoSpreadIsThePlainEncoder) {
  Autoencoder vae = tiny_model(ModelKind::vae), ae = tiny_model(ModelKind::ae);
  const int H = 6, L = 3, D = 12;
  for (int l : {0, 2, 3}) {
    std::copy_n(ae.weight(l), ae.layers[l].in * ae.layers[l].out, vae.weight(l));
    std::copy_n(ae.bias(l), ae.layers[l].out, vae.bias(l));
  }
  for (int i = 0; i < H; i++)
    for (int j = 0; j < L; j++) {
      vae.weight(1)[i * 2 * L + j] = ae.weight(1)[i * L + j];
      vae.weight(1)[i * 2 * L + L + j] = 0.0f;
    }
  for (int j = 0; j < L; j++) {
    ae.bias(1)[j] = 5.0f; // every code positive: the ReLU is the identity here
    vae.bias(1)[j] = 5.0f, vae.bias(1)[L + j] = -200.0f;
  }
  const Dataset data = tiny_data(5, D);
  const int idx[5] = {0, 1, 2, 3, 4};
  TrainConfig config;
  config.batch_size = 5;
  config.beta = 0.0f;
  Trainer tv, ta;
  trainer_init(tv, vae, config);
  trainer_init(ta, ae, config);
  const float lv = compute_gradients(tv, vae, data, idx, 5), la = compute_gradients(ta, ae, data, idx, 5);
  EXPECT_NEAR(lv, la * D, 1e-5 * lv);
  for (int l : {0, 2, 3}) {
    const size_t n = size_t(ae.layers[l].in) * ae.layers[l].out;
    for (size_t i = 0; i < n; i++)
      EXPECT_NEAR(tv.grads[vae.layers[l].weight_offset + i], ta.grads[ae.layers[l].weight_offset + i] * D,
                  1e-5 + 1e-4 * std::fabs(tv.grads[vae.layers[l].weight_offset + i]))
          << "layer " << l << " weight " << i;
  }
  for (int i = 0; i < H; i++)
    for (int j = 0; j < L; j++)
      EXPECT_NEAR(tv.grads[vae.layers[1].weight_offset + size_t(i * 2 * L + j)],
                  ta.grads[ae.layers[1].weight_offset + size_t(i * L + j)] * D, 1e-4)
          << "mu weight " << i << "," << j;
}

TEST(SparseCode, PenaltyGradients_MatchFiniteDifferences) {
  Autoencoder m = tiny_model(ModelKind::ae);
  const Dataset data = tiny_data(5, 12);
  const int idx[5] = {0, 1, 2, 3, 4};
  TrainConfig config;
  config.batch_size = 5;
  config.sparsity = 0.3f;
  Trainer t;
  trainer_init(t, m, config);
  const float loss = compute_gradients(t, m, data, idx, 5);
  std::vector<double> x(size_t(5) * 12);
  for (size_t i = 0; i < x.size(); i++) x[i] = data.images[i] / 255.0;
  auto params = to_double(m.params.data(), m.params.size());
  auto f = [&] { // the mean loss per pixel plus 0.3 times the mean L1 norm of the code
    const DenseLayer* L = m.layers;
    auto W = [&](int l) {
      return std::vector<double>(params.begin() + long(L[l].weight_offset),
                                 params.begin() + long(L[l].weight_offset + size_t(L[l].in) * L[l].out));
    };
    auto b = [&](int l) {
      return std::vector<double>(params.begin() + long(L[l].bias_offset),
                                 params.begin() + long(L[l].bias_offset + L[l].out));
    };
    const auto h = ref_dense(x, 5, 12, 6, W(0), b(0), true), code = ref_dense(h, 5, 6, 3, W(1), b(1), true);
    const auto logits = ref_dense(ref_dense(code, 5, 3, 6, W(2), b(2), true), 5, 6, 12, W(3), b(3), false);
    double l1 = 0;
    for (double c : code) l1 += std::fabs(c);
    return ref_loss(LossKind::bce, logits, x) + 0.3 * l1 / 5;
  };
  EXPECT_NEAR(loss, f(), 1e-6);
  EXPECT_GT(t.batch_terms.code_l1, 0.0);
  for (size_t i = 0; i < params.size(); i++)
    EXPECT_NEAR(t.grads[i], numeric_derivative(params, i, 1e-6, f), 2e-6 + 1e-3 * std::fabs(t.grads[i]))
        << "parameter " << i;
}
