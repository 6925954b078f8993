// The latent map's PCA, and the decoder views against what they must equal: interpolation ends
// are the reconstructions of A and B, a traversal at the unit's own value is the reconstruction,
// a grid point at a digit's code (2-unit code) is that digit's reconstruction. PCA against NumPy
// is tests/pca/check_pca.py.
#include <gtest/gtest.h>

#include <cmath>

#include "core/explore.h"
#include "core/figures.h"
#include "core/pixels.h"
#include "test_util.h"

namespace aelab {
namespace {

Matrix matrix_of(int rows, int cols, const std::vector<float>& values) {
  Matrix m({size_t(rows), size_t(cols)});
  std::copy(values.begin(), values.end(), m.begin());
  return m;
}

// A few hundred random digits-like images: enough for codes that vary.
Dataset random_dataset(int count, uint64_t seed) {
  Dataset d;
  d.count = count, d.rows = 28, d.cols = 28;
  Rng rng(seed);
  d.images.resize(size_t(count) * 784);
  for (auto& p : d.images) p = rng.uniform() < 0.2f ? uint8_t(rng.below(256)) : 0;
  d.labels.resize(size_t(count));
  for (auto& l : d.labels) l = uint8_t(rng.below(10));
  return d;
}

Autoencoder random_model(int latent, uint64_t seed) {
  Autoencoder m = make_autoencoder({784, 64, latent});
  init_glorot_uniform(m, seed);
  for (size_t i = 0; i < m.params.size(); i++) m.params[i] += 0.01f; // positive biases: live ReLUs
  return m;
}

Matrix images_of(const Dataset& d, std::vector<int> which) {
  Matrix x({which.size(), 784});
  for (size_t i = 0; i < which.size(); i++)
    for (int p = 0; p < 784; p++) x(i, p) = pixel_to_unit(d.image(which[i])[p]);
  return x;
}

// Decoding a batch of k rows may sum in another order than one row (the GEMM's tiles), so
// "equal" below is equal to float rounding.
constexpr float kSame = 1e-6f;

float max_difference(const float* a, const float* b, size_t n) {
  float worst = 0;
  for (size_t i = 0; i < n; i++) worst = std::max(worst, std::fabs(a[i] - b[i]));
  return worst;
}

TEST(Pca, FindsTheDirectionOfAStretchedCloud) {
  // points along (3, 4)/5 with a little spread across it
  std::vector<float> v;
  Rng rng(3);
  for (int i = 0; i < 500; i++) {
    float t = 4 * (rng.uniform() - 0.5f), s = 0.1f * (rng.uniform() - 0.5f);
    v.push_back(1 + 0.6f * t - 0.8f * s), v.push_back(2 + 0.8f * t + 0.6f * s);
  }
  Pca p = fit_pca(matrix_of(500, 2, v), 2);
  EXPECT_NEAR(p.components[0], 0.6, 5e-3); // 500 samples: the estimate is that close
  EXPECT_NEAR(p.components[1], 0.8, 5e-3);
  EXPECT_NEAR(p.mean[0], 1, 0.1);
  EXPECT_GT(p.explained(0), 0.99);
  EXPECT_NEAR(p.explained(0) + p.explained(1), 1.0, 1e-9);
}

TEST(Pca, AllCodesEqual_GivesZeroVarianceAndNoNaN) {
  std::vector<float> v(100 * 4, 0.5f);
  Pca p = fit_pca(matrix_of(100, 4, v), 2);
  for (double c : p.components) EXPECT_TRUE(std::isfinite(c));
  EXPECT_EQ(p.variance[0], 0);
  EXPECT_EQ(p.explained(0), 0);
  Matrix xy = pca_project(p, matrix_of(100, 4, v));
  for (float x : xy) EXPECT_EQ(x, 0);
  LatentMap map = map_codes(matrix_of(100, 4, v), std::vector<uint8_t>(100, 1).data());
  EXPECT_LT(map.plane.x0, map.plane.x1); // a usable frame even so
  EXPECT_LT(map.plane.y0, map.plane.y1);
}

TEST(Pca, AWideCodeAllEqual_GivesOrthonormalComponentsAndNoNaN) {
  std::vector<float> v(50 * 100, 2.0f); // over 64 units: the Lanczos path
  Pca p = fit_pca(matrix_of(50, 100, v), 2);
  double dot = 0, n0 = 0, n1 = 0;
  for (int d = 0; d < 100; d++) {
    EXPECT_TRUE(std::isfinite(p.components[size_t(d)]) && std::isfinite(p.components[size_t(100 + d)]));
    dot += p.components[size_t(d)] * p.components[size_t(100 + d)];
    n0 += p.components[size_t(d)] * p.components[size_t(d)],
        n1 += p.components[size_t(100 + d)] * p.components[size_t(100 + d)];
  }
  EXPECT_NEAR(n0, 1, 1e-9);
  EXPECT_NEAR(n1, 1, 1e-9);
  EXPECT_NEAR(dot, 0, 1e-9);
  EXPECT_EQ(p.explained(0), 0);
  EXPECT_EQ(p.explained(5), 0); // past the components kept: 0, not out of bounds
}

TEST(Pca, MomentsInSlices_EqualTheFitOfAllRows) {
  std::vector<float> r = random_values(300 * 5, 9);
  Pca whole = fit_pca(matrix_of(300, 5, r), 2);
  PcaMoments m = pca_moments(5);
  for (int start = 0; start < 300; start += 64)
    pca_accumulate(m, r.data() + start * 5, std::min(64, 300 - start));
  Pca sliced = pca_from_moments(m, 2);
  for (size_t i = 0; i < whole.components.size(); i++)
    EXPECT_NEAR(sliced.components[i], whole.components[i], 1e-12);
}

TEST(Pca, TwoIdenticalColumns_GiveUnitComponentsWithoutNaN) {
  std::vector<float> r = random_values(300 * 3, 5), v;
  for (int i = 0; i < 300; i++) v.insert(v.end(), {r[3 * i], r[3 * i], r[3 * i + 1]});
  Pca p = fit_pca(matrix_of(300, 3, v), 3);
  for (int k = 0; k < 3; k++) {
    double norm = 0;
    for (int d = 0; d < 3; d++) norm += p.components[size_t(k) * 3 + d] * p.components[size_t(k) * 3 + d];
    EXPECT_NEAR(norm, 1, 1e-9) << k;
  }
  EXPECT_NEAR(p.variance[2], 0, 1e-9); // the difference of the two columns never varies
  EXPECT_NEAR(std::fabs(p.components[0]), std::fabs(p.components[1]), 1e-6);
}

TEST(LatentMap, ATwoUnitCodeIsItsOwnPlane) {
  Dataset d = random_dataset(200, 1);
  LatentMap map = latent_map(random_model(2, 7), d);
  EXPECT_FALSE(map.plane.pca);
  Matrix z = encode(random_model(2, 7), images_of(d, {17}));
  EXPECT_NEAR(map.xy[34], z(0, 0), 1e-5); // the map's encoder reads the pixels as a sparse matrix
  EXPECT_NEAR(map.xy[35], z(0, 1), 1e-5);
  EXPECT_EQ(map.labels[17], d.labels[17]);
}

TEST(LatentMap, PlaneCodeInvertsPlanePositionOnThePlane) {
  Dataset d = random_dataset(300, 2);
  LatentMap map = latent_map(random_model(8, 3), d);
  ASSERT_TRUE(map.plane.pca);
  std::vector<float> code = plane_code(map.plane, 8, 0.3f, -0.2f);
  float x, y;
  plane_position(map.plane, code.data(), &x, &y);
  EXPECT_NEAR(x, 0.3f, 1e-5);
  EXPECT_NEAR(y, -0.2f, 1e-5);
  plane_position(map.plane, encode(random_model(8, 3), images_of(d, {5})).data(), &x, &y);
  EXPECT_NEAR(x, map.xy[10], 1e-4);
  EXPECT_NEAR(y, map.xy[11], 1e-4);
}

TEST(Interpolate, EndsAreTheReconstructionsOfAAndB) {
  Dataset d = random_dataset(50, 3);
  Autoencoder m = random_model(16, 4);
  Matrix x = images_of(d, {3, 9});
  Matrix z = encode(m, x), recon = reconstruct(m, x);
  Matrix line = interpolate_codes(m, &z(0, 0), &z(1, 0), 7);
  ASSERT_EQ(line.shape(0), 7u);
  EXPECT_LT(max_difference(&line(0, 0), &recon(0, 0), 784), kSame);
  EXPECT_LT(max_difference(&line(6, 0), &recon(1, 0), 784), kSame);
  EXPECT_GT(max_difference(&line(3, 0), &recon(0, 0), 784), 1e-3); // the middle is neither
  Matrix fade = crossfade(&x(0, 0), &x(1, 0), 784, 3);
  EXPECT_FLOAT_EQ(fade(1, 200), 0.5f * (x(0, 200) + x(1, 200)));
}

TEST(Traverse, AtTheUnitsOwnValueIsTheReconstruction) {
  Dataset d = random_dataset(50, 4);
  Autoencoder m = random_model(16, 5);
  Matrix x = images_of(d, {11});
  Matrix z = encode(m, x), recon = reconstruct(m, x);
  const int unit = 5;
  std::vector<float> values = {z(0, unit) - 1, z(0, unit), z(0, unit) + 1};
  Matrix strip = traverse_unit(m, &z(0, 0), unit, values);
  EXPECT_LT(max_difference(&strip(1, 0), &recon(0, 0), 784), kSame);
  EXPECT_GT(max_difference(&strip(0, 0), &strip(2, 0), 784), 1e-3);
  std::vector<float> s = sweep(-1, 3, 5);
  EXPECT_EQ(s.front(), -1);
  EXPECT_EQ(s.back(), 3);
  EXPECT_FLOAT_EQ(s[2], 1);
}

TEST(DecodeGrid, AtATwoUnitCodeIsThatDigitsReconstruction) {
  Dataset d = random_dataset(100, 5);
  Autoencoder m = random_model(2, 6);
  LatentMap map = latent_map(m, d);
  const int digit = 42, n = 5;
  Matrix recon = reconstruct(m, images_of(d, {digit}));
  // frame the plane so that the digit's code is grid point (row 1, column 3)
  LatentPlane plane = map.plane;
  const float cx = map.xy[2 * digit], cy = map.xy[2 * digit + 1];
  plane.x0 = cx - 3, plane.x1 = cx + 1; // columns at cx - 3, -2, -1, cx, cx + 1
  plane.y1 = cy + 1, plane.y0 = cy - 3; // rows at cy + 1, cy, ...
  Matrix grid = decode_grid(m, plane, n);
  ASSERT_EQ(grid.shape(0), size_t(n * n));
  EXPECT_LT(max_difference(&grid(1 * n + 3, 0), &recon(0, 0), 784), kSame);
}

TEST(FirstLayer, TileJIsUnitJsWeights) {
  Autoencoder m = random_model(8, 8);
  Matrix tiles = first_layer_weights(m);
  ASSERT_EQ(tiles.shape(0), 64u);
  EXPECT_EQ(tiles(5, 300), m.weight(0)[300 * 64 + 5]);
}

TEST(Figures, MapAndTilesHaveTheirSizesAndColours) {
  Dataset d = random_dataset(100, 6);
  LatentMap map = latent_map(random_model(4, 9), d);
  RgbImage im = render_map(map, 200);
  EXPECT_EQ(im.width, 200);
  EXPECT_EQ(im.rgb.size(), 200u * 200u * 3u);
  bool coloured = false; // some pixel is not the background
  for (size_t i = 0; i < im.rgb.size(); i += 3) coloured |= im.rgb[i] != kFigureBackground[0];
  EXPECT_TRUE(coloured);
  EXPECT_GT(render_map_figure(map, 200, &d, 20).width, 200);
  const float w[4] = {1, -1, 0, 0.5f};
  RgbImage t = render_tiles(w, 1, 1, 2, 2, 1, 0, true);
  EXPECT_EQ(t.rgb[0], 255); // +1: red
  EXPECT_EQ(t.rgb[5], 255); // -1: blue
  EXPECT_EQ(t.rgb[6] + t.rgb[7] + t.rgb[8], 0);
  std::vector<uint8_t> png = encode_png_rgb(t);
  EXPECT_EQ(png[25], 2); // colour type RGB
}

} // namespace
} // namespace aelab
