// MNIST's preprocessing of drawn digits: crop to the ink, fit into 20x20 keeping aspect, centre
// by centre of mass in 28x28; and the soft round brush that draws the strokes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/digit_preprocess.h"

using namespace aelab;

namespace {

constexpr int kCanvas = 112; // the app's drawing canvas: 4x the digit's resolution

struct Extent {
  int x0 = 99, y0 = 99, x1 = -1, y1 = -1; // inclusive ink box
  int width() const { return x1 - x0 + 1; }
  int height() const { return y1 - y0 + 1; }
};

Extent ink_extent(const float* img, int side, float threshold = 0.1f) {
  Extent e;
  for (int y = 0; y < side; ++y)
    for (int x = 0; x < side; ++x)
      if (img[y * side + x] > threshold) {
        e.x0 = std::min(e.x0, x), e.x1 = std::max(e.x1, x);
        e.y0 = std::min(e.y0, y), e.y1 = std::max(e.y1, y);
      }
  return e;
}

std::vector<float> blank_canvas() { return std::vector<float>(kCanvas * kCanvas, 0.0f); }

} // namespace

TEST(DigitPreprocess, EmptyCanvas_StaysEmpty) {
  std::vector<float> canvas = blank_canvas(), out(784, 0.5f);
  EXPECT_FALSE(mnist_preprocess(GrayView{canvas.data(), kCanvas, kCanvas}, out.data()));
  for (float v : out) ASSERT_EQ(v, 0.0f);
}

TEST(DigitPreprocess, OffCentreBlob_EndsWithCentreOfMassAt14) {
  std::vector<float> canvas = blank_canvas(), out(784);
  draw_segment(canvas.data(), kCanvas, kCanvas, 20, 25, 20, 25, Brush{9, 2}); // top-left blob
  draw_segment(canvas.data(), kCanvas, kCanvas, 20, 25, 45, 40, Brush{3, 2}); // with a tail
  ASSERT_TRUE(mnist_preprocess(GrayView{canvas.data(), kCanvas, kCanvas}, out.data()));
  float cx = 0, cy = 0;
  ASSERT_TRUE(centre_of_mass(GrayView{out.data(), 28, 28}, &cx, &cy));
  EXPECT_NEAR(cx, 14.0f, 0.5f);
  EXPECT_NEAR(cy, 14.0f, 0.5f);
}

TEST(DigitPreprocess, TallStroke_KeepsAspectRatioAndFitsThe20x20Box) {
  // a 4:1 upright bar: 20 pixels tall after scaling, so about 5 wide
  std::vector<float> canvas = blank_canvas(), out(784);
  for (int y = 10; y < 90; ++y)
    for (int x = 60; x < 80; ++x) canvas[y * kCanvas + x] = 1.0f;
  ASSERT_TRUE(mnist_preprocess(GrayView{canvas.data(), kCanvas, kCanvas}, out.data()));
  Extent e = ink_extent(out.data(), 28, 0.5f);
  EXPECT_EQ(e.height(), 20);
  EXPECT_NEAR(e.width(), 5, 1);
  // the bar is uniform, so its centre of mass is its middle: rows 4..23, columns 12..16
  EXPECT_EQ(e.y0, 4);
  EXPECT_NEAR(out[14 * 28 + 14], 1.0f, 1e-4f); // full intensity survives the area average
}

TEST(DigitPreprocess, WideStroke_IsScaledByItsLongerSide) {
  std::vector<float> canvas = blank_canvas(), out(784);
  for (int y = 50; y < 60; ++y)
    for (int x = 5; x < 105; ++x) canvas[y * kCanvas + x] = 1.0f;
  ASSERT_TRUE(mnist_preprocess(GrayView{canvas.data(), kCanvas, kCanvas}, out.data()));
  Extent e = ink_extent(out.data(), 28, 0.5f);
  EXPECT_EQ(e.width(), 20);
  EXPECT_EQ(e.height(), 2);
}

TEST(DigitPreprocess, SmallDigitOn28Canvas_IsEnlargedTo20Pixels) {
  // a 28x28 canvas with a small 6x8 rectangle: enlarged (bilinear) to 15x20
  std::vector<float> canvas(784, 0.0f), out(784);
  for (int y = 2; y < 10; ++y)
    for (int x = 3; x < 9; ++x) canvas[y * 28 + x] = 1.0f;
  ASSERT_TRUE(mnist_preprocess(GrayView{canvas.data(), 28, 28}, out.data()));
  Extent e = ink_extent(out.data(), 28, 0.5f);
  EXPECT_NEAR(e.height(), 20, 1);
  EXPECT_NEAR(e.width(), 15, 1);
  float cx = 0, cy = 0;
  ASSERT_TRUE(centre_of_mass(GrayView{out.data(), 28, 28}, &cx, &cy));
  EXPECT_NEAR(cx, 14.0f, 0.5f);
  EXPECT_NEAR(cy, 14.0f, 0.5f);
}

TEST(DigitPreprocess, OutputStaysInUnitRange) {
  std::vector<float> canvas = blank_canvas(), out(784);
  for (int i = 0; i < 10; ++i) draw_segment(canvas.data(), kCanvas, kCanvas, 30, 20, 80, 95, Brush{6, 3});
  ASSERT_TRUE(mnist_preprocess(GrayView{canvas.data(), kCanvas, kCanvas}, out.data()));
  for (float v : out) {
    ASSERT_GE(v, 0.0f);
    ASSERT_LE(v, 1.0f);
  }
}

TEST(DigitPreprocess, Downsample_AveragesBlocksOfTheCanvas) {
  std::vector<float> canvas = blank_canvas(), out(784);
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 2; ++x) canvas[y * kCanvas + x] = 1.0f; // half of the top-left 4x4 block
  downsample_to_digit(GrayView{canvas.data(), kCanvas, kCanvas}, out.data());
  EXPECT_NEAR(out[0], 0.5f, 1e-5f);
  EXPECT_EQ(out[1], 0.0f);
  EXPECT_EQ(out[28], 0.0f);
}

TEST(Brush, Segment_IsSolidOnItsLineAndZeroFarAway) {
  std::vector<float> canvas = blank_canvas();
  draw_segment(canvas.data(), kCanvas, kCanvas, 10.5f, 50.5f, 90.5f, 50.5f, Brush{4, 2});
  for (int x = 10; x <= 90; ++x) ASSERT_NEAR(canvas[50 * kCanvas + x], 1.0f, 1e-6f) << "gap at x=" << x;
  EXPECT_EQ(canvas[60 * kCanvas + 50], 0.0f); // 10 pixels off the line, beyond radius + softness
  EXPECT_EQ(canvas[50 * kCanvas + 100], 0.0f);
  // the edge is soft: between the solid core and the outside
  float edge = canvas[54 * kCanvas + 50];
  EXPECT_GT(edge, 0.0f);
  EXPECT_LT(edge, 1.0f);
}

TEST(Brush, OverlappingStamps_KeepTheMaximumNotTheSum) {
  std::vector<float> once = blank_canvas(), twice = blank_canvas();
  draw_segment(once.data(), kCanvas, kCanvas, 50, 50, 60, 60, Brush{3, 3});
  draw_segment(twice.data(), kCanvas, kCanvas, 50, 50, 60, 60, Brush{3, 3});
  draw_segment(twice.data(), kCanvas, kCanvas, 50, 50, 60, 60, Brush{3, 3});
  EXPECT_EQ(once, twice);
}

TEST(Brush, StrokeNearTheBorder_IsClippedNotWrapped) {
  std::vector<float> canvas = blank_canvas();
  draw_segment(canvas.data(), kCanvas, kCanvas, -5, -5, 3, 3, Brush{4, 2});
  EXPECT_GT(canvas[0], 0.9f);
  EXPECT_EQ(canvas[kCanvas - 1], 0.0f); // the other end of row 0 untouched
  EXPECT_EQ(canvas[(kCanvas - 1) * kCanvas], 0.0f);
}
