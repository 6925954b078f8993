// The latent map and the decoder's views of it (see explore.h).
#include "core/explore.h"

#include <algorithm>
#include <cmath>

#include "core/conv_model.h"
#include "core/layers.h"
#include "core/pixels.h"
#include "core/sparse.h"

namespace aelab {

// The first layer reads the pixels as a sparse matrix (MNIST is ~81% zeros; sparse.h), as
// training does: the map's 10,000 codes cost a fifth of the dense product.
Matrix encode_dataset(const Autoencoder& model, const Dataset& data, int first, int count, Matrix* log_var) {
  const int pixels = data.pixels(), latent = model.shape.latent_dim, hidden = model.layers[0].out;
  const int outs = model.layers[1].out; // latent, or a VAE's 2 latent: [mu | log sigma^2]
  Matrix codes({size_t(count), size_t(latent)});
  if (log_var) {
    *log_var = Matrix({size_t(count), size_t(latent)});
    log_var->fill(-INFINITY); // the plain autoencoder's code has no spread
  }
  const int batch = 256;
  if (is_conv(model.shape)) { // the code is the encoder stages' last output
    Matrix x({size_t(batch), size_t(pixels)});
    ConvPass pass;
    for (int start = 0; start < count; start += batch) {
      const int n = std::min(batch, count - start);
      images_to_float(data, first + start, n, x.data());
      conv_forward(model, x.data(), n, 0, kConvEncoderStages, pass);
      std::copy_n(pass.act[kConvEncoderStages - 1].data(), size_t(n) * size_t(latent),
                  codes.data() + size_t(start) * size_t(latent));
    }
    return codes;
  }
  Matrix stats({size_t(batch), size_t(outs)});
  SparseRows x;
  sparse_rows_reserve(&x, batch, pixels);
  std::vector<const uint8_t*> images(static_cast<size_t>(batch));
  Matrix h({size_t(batch), size_t(hidden)});
  for (int start = 0; start < count; start += batch) {
    const int n = std::min(batch, count - start);
    for (int i = 0; i < n; i++) images[size_t(i)] = data.image(first + start + i);
    sparse_rows_from_pixels(images.data(), n, pixels, &x);
    dense_forward(model.layers[0], model.weight(0), model.bias(0), LayerInput{nullptr, &x}, n, h.data());
    dense_forward(model.layers[1], model.weight(1), model.bias(1), LayerInput{h.data()}, n, stats.data());
    for (int i = 0; i < n; i++) {
      const float* row = stats.data() + size_t(i) * size_t(outs);
      std::copy_n(row, latent, codes.data() + size_t(start + i) * size_t(latent));
      if (log_var && outs == 2 * latent)
        std::copy_n(row + latent, latent, log_var->data() + size_t(start + i) * size_t(latent));
    }
  }
  return codes;
}

LatentMap map_codes(const Matrix& codes, const uint8_t* labels, const Pca* fit) {
  const int n = int(codes.shape(0)), dim = int(codes.shape(1));
  LatentMap map;
  map.labels.assign(labels, labels + n);
  LatentPlane& plane = map.plane;
  plane.pca = dim != 2;
  plane.unit_low.assign(size_t(dim), n > 0 ? INFINITY : 0.0f);
  plane.unit_high.assign(size_t(dim), n > 0 ? -INFINITY : 0.0f);
  for (int i = 0; i < n; i++)
    for (int d = 0; d < dim; d++) {
      plane.unit_low[size_t(d)] = std::min(plane.unit_low[size_t(d)], codes(i, d));
      plane.unit_high[size_t(d)] = std::max(plane.unit_high[size_t(d)], codes(i, d));
    }
  map.xy.resize(size_t(2) * n);
  if (plane.pca) {
    plane.fit = fit ? *fit : fit_pca(codes, std::min(2, dim));
    Matrix p = pca_project(plane.fit, codes);
    for (int i = 0; i < n; i++) {
      map.xy[size_t(2) * i] = p(i, 0);
      map.xy[size_t(2) * i + 1] = p.shape(1) > 1 ? p(i, 1) : 0.0f;
    }
  } else {
    std::copy(codes.begin(), codes.end(), map.xy.begin());
  }
  // The frame: the 1st to 99th percentile along each axis, widened by a tenth, so a few
  // outlying codes neither squeeze the cloud into a corner nor stretch the decoded plane over
  // empty space (they fall outside the frame).
  float lo[2], hi[2];
  for (int a = 0; a < 2; a++) {
    std::vector<float> v;
    v.reserve(size_t(n));
    for (int i = 0; i < n; i++)
      if (std::isfinite(map.xy[size_t(2) * i + a])) v.push_back(map.xy[size_t(2) * i + a]);
    if (v.empty()) {
      lo[a] = 0, hi[a] = 1;
      continue;
    }
    std::sort(v.begin(), v.end());
    lo[a] = v[size_t(0.01 * double(v.size() - 1))], hi[a] = v[size_t(0.99 * double(v.size() - 1) + 0.5)];
    const float margin = 0.1f * (hi[a] - lo[a]);
    lo[a] -= margin, hi[a] += margin;
    if (hi[a] - lo[a] < 1e-6f) lo[a] -= 0.5f, hi[a] += 0.5f; // all on one line: a unit-wide range
  }
  plane.x0 = lo[0], plane.x1 = hi[0], plane.y0 = lo[1], plane.y1 = hi[1];
  return map;
}

LatentMap latent_map(const Autoencoder& model, const Dataset& data) {
  return map_codes(encode_dataset(model, data, 0, data.count), data.labels.data());
}

void plane_position(const LatentPlane& plane, const float* code, float* x, float* y) {
  if (!plane.pca) {
    *x = code[0], *y = code[1];
    return;
  }
  const Pca& f = plane.fit;
  double s[2] = {0, 0};
  for (int j = 0; j < std::min(2, f.count()); j++)
    for (int d = 0; d < f.dim; d++)
      s[j] += (code[d] - f.mean[size_t(d)]) * f.components[size_t(j) * f.dim + d];
  *x = float(s[0]), *y = float(s[1]);
}

std::vector<float> plane_code(const LatentPlane& plane, int latent_dim, float x, float y) {
  std::vector<float> code(size_t(latent_dim), 0.0f);
  if (!plane.pca) {
    code[0] = x;
    if (latent_dim > 1) code[1] = y;
    return code;
  }
  const Pca& f = plane.fit;
  for (int d = 0; d < latent_dim && d < f.dim; d++) {
    double v = f.mean[size_t(d)] + x * f.components[size_t(d)];
    if (f.count() > 1) v += y * f.components[size_t(f.dim) + d];
    code[size_t(d)] = float(v);
  }
  return code;
}

namespace {
Matrix decode_rows(const Autoencoder& model, const std::vector<float>& codes) {
  const size_t latent = size_t(model.shape.latent_dim);
  Matrix z({codes.size() / latent, latent});
  std::copy(codes.begin(), codes.end(), z.begin());
  return decode(model, z);
}
} // namespace

std::vector<float> sweep(float low, float high, int k) {
  std::vector<float> v(size_t(std::max(k, 1)), low);
  for (int i = 1; i < k; i++) v[size_t(i)] = i == k - 1 ? high : low + (high - low) * float(i) / float(k - 1);
  return v;
}

Matrix decode_grid(const Autoencoder& model, const LatentPlane& plane, int n) {
  const int latent = model.shape.latent_dim;
  const std::vector<float> xs = sweep(plane.x0, plane.x1, n), ys = sweep(plane.y1, plane.y0, n);
  std::vector<float> codes;
  codes.reserve(size_t(n) * n * latent);
  for (int r = 0; r < n; r++)
    for (int c = 0; c < n; c++) {
      std::vector<float> z = plane_code(plane, latent, xs[size_t(c)], ys[size_t(r)]);
      codes.insert(codes.end(), z.begin(), z.end());
    }
  return decode_rows(model, codes);
}

Matrix interpolate_codes(const Autoencoder& model, const float* a, const float* b, int k) {
  const int latent = model.shape.latent_dim;
  std::vector<float> codes(size_t(k) * latent);
  for (int i = 0; i < k; i++) {
    const float t = k > 1 ? float(i) / float(k - 1) : 0.0f;
    for (int d = 0; d < latent; d++) // the ends exactly a and b
      codes[size_t(i) * latent + d] = i == 0 ? a[d] : i == k - 1 ? b[d] : (1 - t) * a[d] + t * b[d];
  }
  return decode_rows(model, codes);
}

Matrix crossfade(const float* a, const float* b, int pixels, int k) {
  Matrix out({size_t(k), size_t(pixels)});
  for (int i = 0; i < k; i++) {
    const float t = k > 1 ? float(i) / float(k - 1) : 0.0f;
    for (int p = 0; p < pixels; p++) out(i, p) = (1 - t) * a[p] + t * b[p];
  }
  return out;
}

Matrix traverse_unit(const Autoencoder& model, const float* code, int unit,
                     const std::vector<float>& values) {
  const int latent = model.shape.latent_dim;
  std::vector<float> codes;
  codes.reserve(values.size() * latent);
  for (float v : values) {
    codes.insert(codes.end(), code, code + latent);
    codes[codes.size() - latent + unit] = v;
  }
  return decode_rows(model, codes);
}

Matrix first_layer_weights(const Autoencoder& model) {
  if (is_conv(model.shape)) { // conv1's filters: (f1, 3 * 3), each its (3, 3) kernel of Cin 1
    const ConvStage& st = model.stages[0];
    const int k2 = st.conv.k * st.conv.k, f = st.conv.filters;
    const float* W = model.params.data() + st.weight_offset; // (3, 3, 1, f)
    Matrix tiles({size_t(f), size_t(k2)});
    for (int p = 0; p < k2; p++)
      for (int j = 0; j < f; j++) tiles(j, p) = W[size_t(p) * f + j];
    return tiles;
  }
  const int in = model.layers[0].in, hidden = model.layers[0].out;
  const float* W = model.weight(0); // (in, hidden)
  Matrix tiles({size_t(hidden), size_t(in)});
  for (int p = 0; p < in; p++)
    for (int j = 0; j < hidden; j++) tiles(j, p) = W[size_t(p) * hidden + j];
  return tiles;
}

} // namespace aelab
