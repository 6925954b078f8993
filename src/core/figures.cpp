// Rendering the explore.h views into RGB images (see figures.h).
#include "core/figures.h"

#include "core/generate.h"

#include <algorithm>
#include <cmath>

#include "core/conv_model.h"
#include "core/files.h"
#include "core/image_io.h"
#include "core/layers.h"
#include "core/pixels.h"

namespace aelab {

// Matplotlib's tab10, the palette readers know from PCA plots of MNIST.
const uint8_t kLabelColors[10][3] = {{31, 119, 180},  {255, 127, 14}, {44, 160, 44},   {214, 39, 40},
                                     {148, 103, 189}, {140, 86, 75},  {227, 119, 194}, {160, 160, 160},
                                     {188, 189, 34},  {23, 190, 207}};
const uint8_t kFigureBackground[3] = {15, 17, 19};

namespace {

RgbImage blank(int width, int height) {
  RgbImage im;
  im.width = width, im.height = height;
  im.rgb.resize(size_t(width) * size_t(height) * 3);
  for (size_t i = 0; i < im.rgb.size(); i += 3)
    std::copy(kFigureBackground, kFigureBackground + 3, &im.rgb[i]);
  return im;
}

// Mixes `color` into pixel (x, y) with weight `alpha` (0-1); outside the image does nothing.
void blend(RgbImage& im, int x, int y, const uint8_t color[3], float alpha) {
  if (x < 0 || y < 0 || x >= im.width || y >= im.height) return;
  uint8_t* p = &im.rgb[(size_t(y) * size_t(im.width) + size_t(x)) * 3];
  for (int c = 0; c < 3; c++) p[c] = uint8_t(std::lround(p[c] + alpha * (float(color[c]) - p[c])));
}

void fill_rect(RgbImage& im, int x0, int y0, int w, int h, const uint8_t color[3]) {
  for (int y = y0; y < y0 + h; y++)
    for (int x = x0; x < x0 + w; x++) blend(im, x, y, color, 1);
}

// A 3x5 pixel font for the digits of the legend (each row 3 bits, most significant left).
const uint8_t kDigitFont[10][5] = {{7, 5, 5, 5, 7}, {2, 6, 2, 2, 7}, {7, 1, 7, 4, 7}, {7, 1, 7, 1, 7},
                                   {5, 5, 7, 1, 1}, {7, 4, 7, 1, 7}, {7, 4, 7, 5, 7}, {7, 1, 2, 2, 2},
                                   {7, 5, 7, 5, 7}, {7, 5, 7, 1, 7}};

void draw_digit_glyph(RgbImage& im, int digit, int x0, int y0, int scale, const uint8_t color[3]) {
  for (int r = 0; r < 5; r++)
    for (int c = 0; c < 3; c++)
      if (kDigitFont[digit][r] & (4 >> c)) fill_rect(im, x0 + c * scale, y0 + r * scale, scale, scale, color);
}

} // namespace

MapFrame map_frame(const LatentPlane& plane, int side) {
  return MapFrame{plane.x0, plane.x1, plane.y0, plane.y1, float(side), std::max(4.0f, 0.03f * float(side))};
}

RgbImage render_map(const LatentMap& map, int side, const Dataset* data, int thumbnails) {
  RgbImage im = blank(side, side);
  const MapFrame f = map_frame(map.plane, side);
  const uint8_t axis[3] = {60, 64, 72};
  // the plane's origin lines, where they fall inside the frame
  if (f.x0 < 0 && f.x1 > 0)
    for (int y = 0; y < side; y++) blend(im, int(std::lround(f.px(0))), y, axis, 1);
  if (f.y0 < 0 && f.y1 > 0)
    for (int x = 0; x < side; x++) blend(im, x, int(std::lround(f.py(0))), axis, 1);

  const bool thumbs = thumbnails > 0 && data && data->count >= map.count() && data->pixels() == 784;
  const int dot = side >= 600 ? 3 : 2;
  for (int i = 0; i < map.count(); i++) {
    const float x = map.xy[size_t(2) * i], y = map.xy[size_t(2) * i + 1];
    if (!std::isfinite(x) || !std::isfinite(y)) continue;
    const int cx = int(f.px(x)), cy = int(f.py(y));
    const uint8_t* color = kLabelColors[map.labels[size_t(i)] % 10];
    for (int dy = 0; dy < dot; dy++)
      for (int dx = 0; dx < dot; dx++) blend(im, cx + dx, cy + dy, color, thumbs ? 0.35f : 0.7f);
  }
  if (!thumbs) return im;
  // ConvNetJS' picture: a sample of the digits as small images (28x28 halved) where their
  // codes fall, each tinted with its class colour, white strokes on a dark square.
  const int step = std::max(1, map.count() / thumbnails), half = 14;
  for (int i = 0; i < map.count(); i += step) {
    const float x = map.xy[size_t(2) * i], y = map.xy[size_t(2) * i + 1];
    if (!std::isfinite(x) || !std::isfinite(y)) continue;
    const int left = int(f.px(x)) - half / 2, top = int(f.py(y)) - half / 2;
    const uint8_t* image = data->image(i);
    const uint8_t* color = kLabelColors[map.labels[size_t(i)] % 10];
    for (int r = 0; r < half; r++)
      for (int c = 0; c < half; c++) {
        const int sum = image[(2 * r) * 28 + 2 * c] + image[(2 * r) * 28 + 2 * c + 1] +
                        image[(2 * r + 1) * 28 + 2 * c] + image[(2 * r + 1) * 28 + 2 * c + 1];
        const float ink = float(sum) / (4 * 255.0f);
        const uint8_t tinted[3] = {uint8_t(128 + color[0] / 2), uint8_t(128 + color[1] / 2),
                                   uint8_t(128 + color[2] / 2)};
        const uint8_t dark[3] = {8, 8, 10};
        blend(im, left + c, top + r, dark, 0.85f);
        blend(im, left + c, top + r, tinted, ink);
      }
  }
  return im;
}

RgbImage render_map_figure(const LatentMap& map, int side, const Dataset* data, int thumbnails) {
  RgbImage scatter = render_map(map, side, data, thumbnails);
  const int scale = std::max(2, side / 160), legend_w = 12 * scale + 8;
  RgbImage im = blank(side + legend_w, side);
  for (int y = 0; y < side; y++)
    std::copy(&scatter.rgb[size_t(y) * side * 3], &scatter.rgb[size_t(y + 1) * side * 3],
              &im.rgb[size_t(y) * im.width * 3]);
  const uint8_t text[3] = {220, 220, 225};
  for (int d = 0; d < 10; d++) {
    const int y = 8 + d * 8 * scale, x = side + 4;
    fill_rect(im, x, y, 4 * scale, 5 * scale, kLabelColors[d]);
    draw_digit_glyph(im, d, x + 6 * scale, y, scale, text);
  }
  return im;
}

RgbImage render_tiles(const float* images, int count, int columns, int width, int height, int scale, int gap,
                      bool signed_colors) {
  columns = std::max(1, std::min(columns, std::max(count, 1)));
  const int rows = (count + columns - 1) / columns;
  RgbImage im =
      blank(gap + columns * (width * scale + gap), gap + std::max(rows, 1) * (height * scale + gap));
  const size_t pixels = size_t(width) * size_t(height);
  for (int i = 0; i < count; i++) {
    const float* image = images + size_t(i) * pixels;
    float largest = 0;
    if (signed_colors)
      for (size_t p = 0; p < pixels; p++) largest = std::max(largest, std::fabs(image[p]));
    const int left = gap + (i % columns) * (width * scale + gap),
              top = gap + (i / columns) * (height * scale + gap);
    for (int y = 0; y < height; y++)
      for (int x = 0; x < width; x++) {
        const float v = image[size_t(y) * width + x];
        uint8_t color[3];
        if (signed_colors) {
          const uint8_t level = largest > 0 ? unit_to_pixel(std::fabs(v) / largest) : 0;
          color[0] = v > 0 ? level : 0, color[1] = 0, color[2] = v < 0 ? level : 0;
        } else {
          color[0] = color[1] = color[2] = unit_to_pixel(v);
        }
        fill_rect(im, left + x * scale, top + y * scale, scale, scale, color);
      }
  }
  return im;
}

RgbImage render_feature_maps(const Autoencoder& model, const float* pixels, int side) {
  ConvPass pass;
  conv_forward(model, pixels, 1, 0, kConvStages, pass);
  sigmoid_inplace(pass.act[kConvStages - 1].data(), size_t(model.stages[kConvStages - 1].out.size()));
  constexpr int kColumns = 16, kGap = 2, kRowGap = 8;
  // the layers: the input, then each stage
  std::vector<std::pair<ImageShape, const float*>> layers{{ImageShape{kConvSide, kConvSide, 1}, pixels}};
  for (int s = 0; s < kConvStages; s++) layers.push_back({model.stages[s].out, pass.act[s].data()});
  int height = kRowGap;
  for (const auto& [shape, values] : layers) {
    const int rows = (shape.c + kColumns - 1) / kColumns;
    height += rows * (side + kGap) + kRowGap;
  }
  RgbImage im = blank(kGap + kColumns * (side + kGap), height);
  int top = kRowGap;
  for (const auto& [shape, values] : layers) {
    float largest = 0;
    for (int i = 0; i < shape.size(); i++) largest = std::max(largest, values[i]);
    for (int c = 0; c < shape.c; c++) {
      const int left = kGap + (c % kColumns) * (side + kGap), y0 = top + (c / kColumns) * (side + kGap);
      for (int y = 0; y < side; y++)
        for (int x = 0; x < side; x++) {
          const float v =
              values[(size_t(y * shape.h / side) * shape.w + size_t(x * shape.w / side)) * shape.c + c];
          const uint8_t level = largest > 0 ? unit_to_pixel(std::max(0.0f, v) / largest) : 0;
          const uint8_t color[3] = {level, level, level};
          fill_rect(im, left + x, y0 + y, 1, 1, color);
        }
    }
    top += (shape.c + kColumns - 1) / kColumns * (side + kGap) + kRowGap;
  }
  return im;
}

std::vector<uint8_t> encode_png_rgb(const RgbImage& image) {
  return encode_png_rgb8(image.rgb.data(), image.width, image.height);
}

std::string write_png_rgb(const std::string& path, const RgbImage& image) {
  if (image.width <= 0 || image.height <= 0) return path + ": the figure is empty";
  const std::vector<uint8_t> png = encode_png_rgb(image);
  return write_file_bytes(path, png.data(), png.size());
}

} // namespace aelab

namespace aelab {

CompareAxes compare_axes(const Autoencoder& model, const Matrix& codes, const uint8_t* labels, int n) {
  CompareAxes a;
  a.quantiles = model.shape.kind == ModelKind::vae;
  a.n = n;
  if (a.quantiles) { // the Keras VAE example: norm.ppf(np.linspace(0.05, 0.95, n))
    a.x0 = a.y0 = float(normal_quantile(0.05)), a.x1 = a.y1 = float(normal_quantile(0.95));
  } else {
    const LatentPlane plane = map_codes(codes, labels).plane;
    a.x0 = plane.x0, a.x1 = plane.x1, a.y0 = plane.y0, a.y1 = plane.y1;
  }
  return a;
}

float CompareAxes::column(float x) const {
  const double t =
      quantiles ? (0.5 * std::erfc(-double(x) / std::sqrt(2.0)) - 0.05) / 0.9 : (x - x0) / (x1 - x0);
  return float(t * (n - 1));
}
float CompareAxes::row(float y) const {
  const double t =
      quantiles ? (0.95 - 0.5 * std::erfc(-double(y) / std::sqrt(2.0))) / 0.9 : (y1 - y) / (y1 - y0);
  return float(t * (n - 1));
}
float CompareAxes::x_at(int c) const {
  const double t = double(c) / (n - 1);
  return quantiles ? float(normal_quantile(0.05 + 0.9 * t)) : float(x0 + (x1 - x0) * t);
}
float CompareAxes::y_at(int r) const {
  const double t = double(r) / (n - 1);
  return quantiles ? float(normal_quantile(0.95 - 0.9 * t)) : float(y1 - (y1 - y0) * t);
}

RgbImage render_compare(const Autoencoder& model, const Matrix& codes, const uint8_t* labels,
                        const CompareAxes& a, int dots) {
  const int n = a.n, tile = 28;
  Matrix grid({size_t(n) * size_t(n), 2});
  for (int r = 0; r < n; r++)
    for (int c = 0; c < n; c++)
      grid(size_t(r * n + c), 0) = a.x_at(c), grid(size_t(r * n + c), 1) = a.y_at(r);
  const Matrix pictures = decode(model, grid);
  RgbImage im = render_tiles(pictures.data(), n * n, n, tile, tile, 1, 0);
  for (uint8_t& v : im.rgb) v = uint8_t(v * 0.65f); // dimmed, so the dots read over the strokes
  const int count = int(codes.shape(0)), step = std::max(1, count / std::max(1, dots));
  for (int i = 0; i < count; i += step) {
    const int cx = int((a.column(codes(size_t(i), 0)) + 0.5f) * tile),
              cy = int((a.row(codes(size_t(i), 1)) + 0.5f) * tile);
    if (cx < 0 || cy < 0 || cx >= im.width - 1 || cy >= im.height - 1) continue; // outside the frame
    const uint8_t* color = kLabelColors[labels[i] % 10];
    for (int dy = 0; dy < 2; dy++)
      for (int dx = 0; dx < 2; dx++) blend(im, cx + dx, cy + dy, color, 0.85f);
  }
  return im;
}

} // namespace aelab
