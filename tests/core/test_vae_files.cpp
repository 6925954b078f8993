// A VAE in the model file and the .npz (bit for bit both ways), and sampling (generate.h): a seed
// gives the same samples, the prior is N(0, I), a fitted Gaussian has the codes' moments.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/generate.h"
#include "core/image_io.h"
#include "core/model_file.h"
#include "core/npz.h"
#include "test_util.h"

using namespace aelab;

namespace {
Autoencoder random_vae() {
  Autoencoder m = make_autoencoder(ModelShape{784, 16, 2, ModelKind::vae});
  init_glorot_uniform(m, 11);
  const std::vector<float> b = random_values(m.params.size(), 12);
  for (int l = 0; l < kNumLayers; l++) // biases too, so a swapped half would show
    for (int j = 0; j < m.layers[l].out; j++) m.bias(l)[j] = b[size_t(j)];
  return m;
}
} // namespace

TEST(VaeFile, TheModelFileRoundTripsAVaeBitForBitAndSaysItIsOne) {
  ModelFile file;
  file.model = random_vae();
  EXPECT_EQ(file.model.layers[1].out, 4); // mu and log sigma^2 side by side
  EXPECT_EQ(file.model.layers[1].activation, Activation::linear);
  EXPECT_EQ(file.model.params.size(), parameter_count(file.model.shape));
  const std::vector<uint8_t> bytes = model_to_bytes(file);
  EXPECT_EQ(bytes[24] & 8, 8) << "flag bit 3: a VAE";
  ModelFile back;
  ASSERT_EQ(model_from_bytes(bytes.data(), bytes.size(), "vae.aelab", &back), "");
  EXPECT_EQ(back.model.shape, file.model.shape);
  EXPECT_EQ(std::vector<float>(back.model.params.begin(), back.model.params.end()),
            std::vector<float>(file.model.params.begin(), file.model.params.end()));
  EXPECT_EQ(model_size_from_head(bytes.data(), bytes.size()), bytes.size());
}

TEST(VaeFile, TheNpzRoundTripsAVaeBitForBitUnderItsDocumentedNames) {
  const Autoencoder m = random_vae();
  const std::vector<NpzArray> named = model_to_npz(m);
  std::vector<std::string> names;
  for (const NpzArray& a : named) names.push_back(a.name);
  EXPECT_EQ(names, (std::vector<std::string>{"W1", "b1", "W2_mu", "b2_mu", "W2_log_var", "b2_log_var", "W3",
                                             "b3", "W4", "b4"}));
  EXPECT_EQ(named[2].shape, (std::vector<size_t>{16, 2}));
  // W2_log_var's row 3 is W2's row 3, columns 2-3
  EXPECT_EQ(named[4].data[3 * 2 + 1], m.weight(1)[3 * 4 + 3]);
  std::vector<NpyArray> arrays;
  for (const NpzArray& a : named) arrays.push_back({a.name, a.shape, a.data.data()});
  const std::vector<uint8_t> bytes = encode_npz(arrays);
  ModelFile back;
  ASSERT_EQ(import_npz(bytes.data(), bytes.size(), "vae.npz", &back), "");
  EXPECT_EQ(back.model.shape, m.shape);
  EXPECT_EQ(std::vector<float>(back.model.params.begin(), back.model.params.end()),
            std::vector<float>(m.params.begin(), m.params.end()));
  // a VAE's Keras layout missing one array says which
  arrays.erase(arrays.begin() + 5);
  const std::vector<uint8_t> cut = encode_npz(arrays);
  EXPECT_NE(import_npz(cut.data(), cut.size(), "cut.npz", &back).find("no b2_log_var"), std::string::npos);
}

// Bit for bit: this caught the output sigmoid rounding by its buffer's address (layers.cpp).
TEST(Sampling, TheSameSeedGivesTheSameSamples_AnotherSeedOthers) {
  const Autoencoder m = random_vae();
  const CodeGaussian prior = sampling_gaussian(m, Matrix());
  const Matrix a = decode(m, sample_codes(prior, 6, 42)), b = decode(m, sample_codes(prior, 6, 42)),
               c = decode(m, sample_codes(prior, 6, 43));
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); i++) ASSERT_EQ(a.data()[i], b.data()[i]) << "pixel " << i;
  EXPECT_NE(a, c);
  EXPECT_EQ(a.shape(1), 784u);
}

TEST(Sampling, ThePriorIsStandardNormal_AndAFittedGaussianHasTheCodesMoments) {
  const Matrix z = sample_codes(standard_normal(2), 20000, 1);
  double m0 = 0, v0 = 0, c01 = 0;
  for (size_t i = 0; i < z.shape(0); i++) m0 += z(i, 0);
  m0 /= double(z.shape(0));
  for (size_t i = 0; i < z.shape(0); i++) v0 += (z(i, 0) - m0) * (z(i, 0) - m0), c01 += z(i, 0) * z(i, 1);
  EXPECT_NEAR(m0, 0.0, 0.03);
  EXPECT_NEAR(v0 / double(z.shape(0)), 1.0, 0.04);
  EXPECT_NEAR(c01 / double(z.shape(0)), 0.0, 0.03);
  // codes with mean (3, -1), variances 4 and 1, covariance 1.2: the samples have them back
  Matrix codes({size_t(20000), 2});
  for (size_t i = 0; i < codes.shape(0); i++) {
    codes(i, 0) = 3 + 2 * z(i, 0);
    codes(i, 1) = -1 + 0.6f * z(i, 0) + 0.8f * z(i, 1);
  }
  const CodeGaussian g = fit_gaussian(codes);
  EXPECT_NEAR(g.mean[0], 3.0, 0.05);
  EXPECT_NEAR(g.mean[1], -1.0, 0.05);
  EXPECT_NEAR(g.factor[0], 2.0, 0.05);               // L00 = sd of unit 0
  EXPECT_NEAR(g.factor[2] * g.factor[0], 1.2, 0.05); // L10 L00 = the covariance
  EXPECT_EQ(g.factor[1], 0.0);                       // lower triangular
}

TEST(Sampling, NormalQuantileInvertsTheCdf) {
  EXPECT_NEAR(normal_quantile(0.5), 0.0, 1e-12);
  EXPECT_NEAR(normal_quantile(0.95), 1.6448536269514722, 1e-10); // scipy.stats.norm.ppf(0.95)
  EXPECT_NEAR(normal_quantile(0.05), -1.6448536269514722, 1e-10);
  EXPECT_NEAR(normal_quantile(0.975), 1.959963984540054, 1e-10);
}
