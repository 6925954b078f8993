// Looking inside a trained autoencoder: the latent map (every test digit's code on a plane: the
// first two principal components of the codes, or the latent plane itself when the code has two
// units), the decoder's output over a grid of that plane, decodings along a line between two
// codes, one unit swept over its range, and the first layer's weights as images.
#pragma once
#include <cstdint>
#include <vector>

#include "core/dataset.h"
#include "core/model.h"
#include "core/pca.h"

namespace aelab {

// The plane a map is drawn on: for a 2-unit code the latent plane (x = z[0], y = z[1]), else the
// plane through the codes' mean spanned by their first two principal components.
struct LatentPlane {
  bool pca = false;
  Pca fit;                      // pca only
  float x0 = 0, x1 = 1;         // the range the codes cover along x (1st-99th percentile, +10%)
  float y0 = 0, y1 = 1;         // ... and along y
  std::vector<float> unit_low;  // per latent unit: the least value over the codes
  std::vector<float> unit_high; // ... and the largest (the traversal's range)
};

struct LatentMap {
  LatentPlane plane;
  std::vector<float> xy;       // 2 per digit: its code's position on the plane
  std::vector<uint8_t> labels; // per digit
  int count() const { return int(labels.size()); }
};

// The codes of images [first, first + count) of `data` (one row each), in batches: a VAE's mu,
// and its log sigma^2 into log_var if given (-inf for the plain autoencoder).
Matrix encode_dataset(const Autoencoder& model, const Dataset& data, int first, int count,
                      Matrix* log_var = nullptr);

// The plane of a set of codes (n, latent) and their positions on it; `fit`, if given, is their
// PCA already made (pca_from_moments of them), else it is made here.
LatentMap map_codes(const Matrix& codes, const uint8_t* labels, const Pca* fit = nullptr);
LatentMap latent_map(const Autoencoder& model, const Dataset& data); // every image of `data`

// Position of one code on the plane, and the code at a position (the inverse on the plane).
void plane_position(const LatentPlane& plane, const float* code, float* x, float* y);
std::vector<float> plane_code(const LatentPlane& plane, int latent_dim, float x, float y);

// The decoder over an n x n grid of the plane: row r at y = y1 - (y1 - y0) r / (n - 1) (top row
// first), column c at x = x0 + (x1 - x0) c / (n - 1). Returns (n*n, pixels), row-major.
Matrix decode_grid(const Autoencoder& model, const LatentPlane& plane, int n);

// k decodings along the straight line from code a to code b (k >= 2): the first is decode(a),
// the last decode(b).
Matrix interpolate_codes(const Autoencoder& model, const float* a, const float* b, int k);
// The plain pixel cross-fade of two images, k steps, for comparison.
Matrix crossfade(const float* a, const float* b, int pixels, int k);

// Decodings of `code` with unit `unit` set to each of `values` in turn, the others unchanged.
Matrix traverse_unit(const Autoencoder& model, const float* code, int unit, const std::vector<float>& values);
// k values evenly from low to high (k >= 2).
std::vector<float> sweep(float low, float high, int k);

// The first layer's weight vectors as images: (hidden, input) - row j is unit j's 784 weights;
// a conv model's first filters: (f1, 9) - row j is filter j's 3x3 kernel.
Matrix first_layer_weights(const Autoencoder& model);

} // namespace aelab
