// The convolutional layers (conv.h) against plain loops in double, and their gradients against
// central finite differences; the Keras blog's shapes, 28x28x1 -> the 4x4x8 code -> 28x28x1.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/conv.h"
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

void check_conv(Padding padding, bool relu) {
  ConvLayer L;
  L.in = {7, 6, 3};
  L.filters = 4;
  L.padding = padding;
  L.relu = relu;
  const int batch = 2;
  const ImageShape o = L.out();
  std::vector<double> x = doubles(random_values(size_t(batch) * L.in.size(), 1));
  std::vector<double> W = doubles(random_values(size_t(L.weights()), 2, -0.5f, 0.5f));
  std::vector<double> b = doubles(random_values(size_t(L.filters), 3, -0.2f, 0.2f));
  std::vector<float> cols(size_t(batch) * o.h * o.w * L.k * L.k * L.in.c), y(size_t(batch) * o.size());
  conv2d_forward(L, floats(W).data(), floats(b).data(), floats(x).data(), batch, cols.data(), y.data());
  const std::vector<double> want = ref_conv(L, x, W, b, batch);
  for (size_t i = 0; i < y.size(); i++) ASSERT_NEAR(y[i], want[i], 1e-5) << "y[" << i << "]";

  // loss = sum(y * g): dy = g
  const std::vector<float> g = random_values(y.size(), 4);
  std::vector<float> dy = g, dW(W.size()), db(b.size()), dx(x.size()), dcols(cols.size());
  conv2d_backward(L, floats(W).data(), cols.data(), y.data(), dy.data(), batch, dW.data(), db.data(),
                  dx.data(), dcols.data());
  auto loss = [&] { return dot(ref_conv(L, x, W, b, batch), g); };
  for (size_t i = 0; i < W.size(); i++) EXPECT_NEAR(dW[i], derivative(W, i, loss), 1e-3) << "dW[" << i << "]";
  for (size_t i = 0; i < b.size(); i++) EXPECT_NEAR(db[i], derivative(b, i, loss), 1e-3) << "db[" << i << "]";
  for (size_t i = 0; i < x.size(); i++) EXPECT_NEAR(dx[i], derivative(x, i, loss), 1e-3) << "dx[" << i << "]";
}

} // namespace

TEST(Conv, SameLinear_MatchesPlainLoopsAndFiniteDifferences) { check_conv(Padding::same, false); }
TEST(Conv, SameRelu_MatchesPlainLoopsAndFiniteDifferences) { check_conv(Padding::same, true); }
TEST(Conv, ValidRelu_MatchesPlainLoopsAndFiniteDifferences) { check_conv(Padding::valid, true); }

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
