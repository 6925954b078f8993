// MNIST's own preprocessing for a digit drawn by hand, and the soft round brush that draws it.
// The NIST digits in MNIST were cropped to their ink, size-normalised into a 20x20 box keeping
// their aspect ratio (anti-aliased), then placed in a 28x28 field so that their centre of mass
// sits at the centre. A drawn digit that skips these steps reconstructs badly: the model has
// never seen an off-centre or oversized digit. Pure math on float images, values in [0, 1].
#pragma once

namespace aelab {

constexpr int kDigitSide = 28;    // MNIST images are 28x28
constexpr int kDigitBoxSide = 20; // the ink is scaled to fit a 20x20 box inside them

// A grayscale image, row-major, `width * height` floats in [0, 1]; pixel (x, y) covers the
// square [x, x+1) x [y, y+1), so its centre is (x + 0.5, y + 0.5).
struct GrayView {
  const float* pixels = nullptr;
  int width = 0, height = 0;
};

// Crops `canvas` to the bounding box of its ink (pixels > ink_threshold), scales that box so its
// longer side is 20 pixels (area-averaging when shrinking, bilinear when enlarging), and places
// it in `out` (28x28 floats) so its centre of mass is at (14, 14) in pixel-edge coordinates; the
// shift is clamped so no ink leaves the field. Returns false, with `out` all zero, if there is
// no ink.
bool mnist_preprocess(GrayView canvas, float* out, float ink_threshold = 0.05f);

// Resamples the whole canvas to 28x28 by area-averaging (what the model sees without the
// preprocessing above: the "raw" view).
void downsample_to_digit(GrayView canvas, float* out);

// Centre of mass (intensity-weighted, pixel centres at x + 0.5) of a width x height image.
// Returns false if the image has no mass.
bool centre_of_mass(GrayView image, float* cx, float* cy);

// A soft round brush: full intensity within `radius - softness / 2` of the stroke's centre line,
// falling smoothly to zero at `radius + softness / 2`. Lengths in canvas pixels.
struct Brush {
  float radius = 2.0f;
  float softness = 1.5f;
};

// Paints the segment (x0, y0)-(x1, y1) (a dot when both ends agree) onto a width x height canvas
// of floats; a pixel keeps the larger of its value and the brush's, so overlapping stamps of a
// stroke do not darken. Coordinates are in canvas pixels with edges at integers.
void draw_segment(float* canvas, int width, int height, float x0, float y0, float x1, float y1,
                  const Brush& brush);

} // namespace aelab
