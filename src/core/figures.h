// The pictures of explore.h as RGB images, for the app's views (shown as textures), their "save
// as PNG" buttons and `aelab figure`: one renderer, so the file and the screen agree.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/dataset.h"
#include "core/explore.h"

namespace aelab {

struct RgbImage {
  int width = 0, height = 0;
  std::vector<uint8_t> rgb; // width * height * 3, row-major, top row first
};

// A colour per digit class (a qualitative palette that reads on the dark theme).
extern const uint8_t kLabelColors[10][3];
// The background of the figures: the app's panel background.
extern const uint8_t kFigureBackground[3];

// Where a plane position lands in a side x side map image (the map's plane, a small margin).
struct MapFrame {
  float x0, x1, y0, y1; // plane bounds
  float side, margin;   // pixels
  float px(float x) const { return margin + (x - x0) / (x1 - x0) * (side - 2 * margin); }
  float py(float y) const { return margin + (y1 - y) / (y1 - y0) * (side - 2 * margin); }
  float x_at(float px_) const { return x0 + (px_ - margin) / (side - 2 * margin) * (x1 - x0); }
  float y_at(float py_) const { return y1 - (py_ - margin) / (side - 2 * margin) * (y1 - y0); }
};
MapFrame map_frame(const LatentPlane& plane, int side);

// The scatter of the map's points coloured by label, side x side pixels. With `thumbnails` > 0
// and the digits' images in `data`, that many evenly sampled digits are drawn as small images at
// their positions instead of dots.
RgbImage render_map(const LatentMap& map, int side, const Dataset* data = nullptr, int thumbnails = 0);
// The same with a legend (a swatch and the digit for each class) to its right: the saved figure.
RgbImage render_map_figure(const LatentMap& map, int side, const Dataset* data = nullptr, int thumbnails = 0);

// Images (count rows of width*height values) in a grid of `columns`, each `scale` times larger,
// `gap` pixels apart. Gray: values in [0, 1]. Signed: each image scaled by its own largest
// magnitude, positive red, negative blue, zero black (the first layer's weights).
RgbImage render_tiles(const float* images, int count, int columns, int width, int height, int scale, int gap,
                      bool signed_colors = false);

// A conv model's feature maps for one 28x28 picture: a row per layer, the input first, then each
// stage's output (model.h's stages, the last after its sigmoid), each channel a picture drawn
// `side` pixels square (nearest), scaled by its layer's largest value (white), at most 16 a row.
RgbImage render_feature_maps(const Autoencoder& model, const float* pixels, int side = 56);

// The AE against VAE figure's side: a latent-2 model's decoder over an n x n grid with its test
// codes as dots on the same axes. A plain model's grid spans its own map's frame (linear); a VAE's
// is the Keras VAE example's grid over the prior's quantiles (norm.ppf of n values evenly from
// 0.05 to 0.95), so its axes are the prior's probabilities and the dots sit where its codes fall.
struct CompareAxes {
  bool quantiles = false;
  int n = 10;
  float x0 = 0, x1 = 1, y0 = 0, y1 = 1; // the values at the first and last columns and rows
  float column(float x) const;          // fractional column (0 .. n-1) of a code's x
  float row(float y) const;             // fractional row (0: the top, y1)
  float x_at(int c) const;
  float y_at(int r) const;
};
CompareAxes compare_axes(const Autoencoder& model, const Matrix& codes, const uint8_t* labels, int n);
// n*28 pixels square; at most `dots` of the codes (evenly sampled) as dots.
RgbImage render_compare(const Autoencoder& model, const Matrix& codes, const uint8_t* labels,
                        const CompareAxes& axes, int dots);

// PNG bytes of an RGB image (stored deflate, as encode_png_gray).
std::vector<uint8_t> encode_png_rgb(const RgbImage& image);
std::string write_png_rgb(const std::string& path, const RgbImage& image);

} // namespace aelab
