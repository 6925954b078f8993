// MNIST's preprocessing of a drawn digit (crop, fit into 20x20 keeping aspect, centre by centre
// of mass in 28x28) and the soft round brush. Everything is an affine map from the canvas to the
// 28x28 field, x_out = (x_canvas - crop_x0) * scale + offset_x, resampled in one pass.
#include "core/digit_preprocess.h"

#include <algorithm>
#include <cmath>

namespace aelab {
namespace {

struct Box {
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0; // [x0, x1) x [y0, y1)
};

// The map from a crop of the canvas to the 28x28 field.
struct Placement {
  Box crop;
  float scale = 1;
  float offset_x = 0, offset_y = 0;
};

bool ink_bounding_box(GrayView canvas, float threshold, Box* box) {
  Box b{canvas.width, canvas.height, 0, 0};
  for (int y = 0; y < canvas.height; ++y) {
    const float* row = canvas.pixels + size_t(y) * size_t(canvas.width);
    for (int x = 0; x < canvas.width; ++x) {
      if (row[x] > threshold) {
        b.x0 = std::min(b.x0, x), b.x1 = std::max(b.x1, x + 1);
        b.y0 = std::min(b.y0, y), b.y1 = std::max(b.y1, y + 1);
      }
    }
  }
  *box = b;
  return b.x1 > b.x0;
}

// Length of the overlap of [a, b) with [i, i + 1).
float overlap(float a, float b, int i) {
  return std::max(0.0f, std::min(b, float(i + 1)) - std::max(a, float(i)));
}

// Shrinking: each output pixel is the mean of the canvas over the square it covers (the canvas is
// piecewise constant, zero outside the crop), computed as a separable sum of overlap weights.
float area_sample(GrayView canvas, const Box& crop, float ax, float bx, float ay, float by) {
  ax = std::max(ax, float(crop.x0)), bx = std::min(bx, float(crop.x1));
  ay = std::max(ay, float(crop.y0)), by = std::min(by, float(crop.y1));
  if (bx <= ax || by <= ay) return 0;
  double sum = 0;
  for (int y = int(std::floor(ay)); y < int(std::ceil(by)); ++y) {
    float wy = overlap(ay, by, y);
    const float* row = canvas.pixels + size_t(y) * size_t(canvas.width);
    double row_sum = 0;
    for (int x = int(std::floor(ax)); x < int(std::ceil(bx)); ++x) row_sum += overlap(ax, bx, x) * row[x];
    sum += wy * row_sum;
  }
  return float(sum);
}

float pixel_or_zero(GrayView canvas, const Box& crop, int x, int y) {
  if (x < crop.x0 || x >= crop.x1 || y < crop.y0 || y >= crop.y1) return 0;
  return canvas.pixels[size_t(y) * size_t(canvas.width) + size_t(x)];
}

// Enlarging: bilinear interpolation between canvas pixel centres at canvas point (u, v).
float bilinear_sample(GrayView canvas, const Box& crop, float u, float v) {
  float fx = u - 0.5f, fy = v - 0.5f;
  int x = int(std::floor(fx)), y = int(std::floor(fy));
  float tx = fx - float(x), ty = fy - float(y);
  float top = (1 - tx) * pixel_or_zero(canvas, crop, x, y) + tx * pixel_or_zero(canvas, crop, x + 1, y);
  float bottom =
      (1 - tx) * pixel_or_zero(canvas, crop, x, y + 1) + tx * pixel_or_zero(canvas, crop, x + 1, y + 1);
  return (1 - ty) * top + ty * bottom;
}

// Renders the crop into the 28x28 field `out` with placement p.
void render(GrayView canvas, const Placement& p, float* out) {
  float inv = 1.0f / p.scale;
  for (int oy = 0; oy < kDigitSide; ++oy) {
    for (int ox = 0; ox < kDigitSide; ++ox) {
      // the output pixel [ox, ox+1) x [oy, oy+1) seen in canvas coordinates
      float ax = float(p.crop.x0) + (float(ox) - p.offset_x) * inv;
      float ay = float(p.crop.y0) + (float(oy) - p.offset_y) * inv;
      float value = p.scale <= 1 ? area_sample(canvas, p.crop, ax, ax + inv, ay, ay + inv) * p.scale * p.scale
                                 : bilinear_sample(canvas, p.crop, ax + 0.5f * inv, ay + 0.5f * inv);
      out[oy * kDigitSide + ox] = std::min(1.0f, std::max(0.0f, value));
    }
  }
}

} // namespace

bool centre_of_mass(GrayView image, float* cx, float* cy) {
  double mass = 0, mx = 0, my = 0;
  for (int y = 0; y < image.height; ++y) {
    for (int x = 0; x < image.width; ++x) {
      double v = image.pixels[size_t(y) * size_t(image.width) + size_t(x)];
      mass += v, mx += v * (x + 0.5), my += v * (y + 0.5);
    }
  }
  if (mass <= 0) return false;
  *cx = float(mx / mass), *cy = float(my / mass);
  return true;
}

bool mnist_preprocess(GrayView canvas, float* out, float ink_threshold) {
  std::fill(out, out + kDigitSide * kDigitSide, 0.0f);
  Placement p;
  if (!ink_bounding_box(canvas, ink_threshold, &p.crop)) return false;
  int crop_w = p.crop.x1 - p.crop.x0, crop_h = p.crop.y1 - p.crop.y0;
  p.scale = float(kDigitBoxSide) / float(std::max(crop_w, crop_h));
  float box_w = float(crop_w) * p.scale, box_h = float(crop_h) * p.scale;

  // Render once at the field's corner to find the centre of mass, then shift it to (14, 14).
  render(canvas, p, out);
  float cx = 0, cy = 0;
  if (!centre_of_mass(GrayView{out, kDigitSide, kDigitSide}, &cx, &cy)) return false;
  float half = 0.5f * kDigitSide;
  p.offset_x = std::min(std::max(half - cx, 0.0f), float(kDigitSide) - box_w);
  p.offset_y = std::min(std::max(half - cy, 0.0f), float(kDigitSide) - box_h);
  render(canvas, p, out);
  return true;
}

void downsample_to_digit(GrayView canvas, float* out) {
  Placement p;
  p.crop = Box{0, 0, canvas.width, canvas.height};
  // fit the longer side to 28 (the canvas is normally square)
  p.scale = float(kDigitSide) / float(std::max(canvas.width, canvas.height));
  std::fill(out, out + kDigitSide * kDigitSide, 0.0f);
  render(canvas, p, out);
}

void draw_segment(float* canvas, int width, int height, float x0, float y0, float x1, float y1,
                  const Brush& brush) {
  if (!std::isfinite(x0) || !std::isfinite(y0) || !std::isfinite(x1) || !std::isfinite(y1)) return;
  float reach = brush.radius + 0.5f * brush.softness;
  // the pixel box, clamped while still in float: a far-off point must not overflow an int
  auto clamp_to = [](float v, int hi) { return v <= 0 ? 0 : v >= float(hi) ? hi : int(v); };
  int px0 = clamp_to(std::floor(std::min(x0, x1) - reach), width - 1);
  int px1 = clamp_to(std::ceil(std::max(x0, x1) + reach), width - 1);
  int py0 = clamp_to(std::floor(std::min(y0, y1) - reach), height - 1);
  int py1 = clamp_to(std::ceil(std::max(y0, y1) + reach), height - 1);
  if (std::max(x0, x1) + reach < 0 || std::min(x0, x1) - reach > float(width) ||
      std::max(y0, y1) + reach < 0 || std::min(y0, y1) - reach > float(height))
    return; // entirely off the canvas
  float dx = x1 - x0, dy = y1 - y0, len2 = dx * dx + dy * dy;
  float softness = std::max(brush.softness, 1e-3f);
  for (int y = py0; y <= py1; ++y) {
    for (int x = px0; x <= px1; ++x) {
      // distance from the pixel centre to the segment
      float cx = float(x) + 0.5f - x0, cy = float(y) + 0.5f - y0;
      float t = len2 > 0 ? std::min(1.0f, std::max(0.0f, (cx * dx + cy * dy) / len2)) : 0.0f;
      float ex = cx - t * dx, ey = cy - t * dy;
      float d = std::sqrt(ex * ex + ey * ey);
      // 1 inside radius - softness/2, 0 beyond radius + softness/2, smoothstep between
      float s = std::min(1.0f, std::max(0.0f, (brush.radius + 0.5f * softness - d) / softness));
      float value = s * s * (3 - 2 * s);
      float& pixel = canvas[size_t(y) * size_t(width) + size_t(x)];
      pixel = std::max(pixel, value);
    }
  }
}

} // namespace aelab
